/**
 * `ojco-dsar ledger list | hold | release`: the deferred-erasure ledger that
 * erasure plans fill and `sweep` reads (issue #4 point 5). A hold (Art.
 * 17(3)(e), class L: a dispute, a tax audit) keeps a due entry out of
 * sweeps until it is released; holds and releases are logged on the entry's
 * case when it has one.
 */
import { formatLocator } from '../../core/record.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { table, writeJson, writeOut } from '../io.ts';
import { checkDate } from './case-common.ts';

export async function run(opts: Record<string, unknown>): Promise<number> {
  const sub = opts.ledgerCommand as 'list' | 'hold' | 'release';
  const problems: { code: string; message: string }[] = [];
  const due = sub === 'list' ? checkDate('--due', opts.due, problems) : undefined;
  let id = 0;
  if (sub !== 'list') {
    const raw = String((opts.args as string[] | undefined)?.[0] ?? '');
    id = /^\d+$/u.test(raw) ? Number(raw) : 0;
    if (!id) problems.push({ code: 'usage.ledger-id', message: 'give the ledger entry id as a number (see `ojco-dsar ledger list`)' });
  }
  if (problems.length > 0) throw new UsageError(problems[0]!.message, problems);

  const { openSession } = await import('./case-common.ts');
  // hold and release act on an entry that must be there: no home is created for them either.
  const session = await openSession(opts, { readOnly: true });
  try {
    const { ledgerRows, setHold, suppressionCount } = await import('../../store/plans.ts');
    if (sub === 'list') {
      const status = opts.status as 'pending' | 'swept' | 'hold' | undefined;
      let rows = ledgerRows(session.store, status ? { status: [status] } : {});
      if (due) rows = rows.filter((r) => r.status === 'pending' && r.retainUntil !== undefined && r.retainUntil < due);
      const entries = rows.map((r) => ({
        id: r.id,
        status: r.status,
        source: r.source,
        connector: r.connector,
        locator: r.locator,
        ...(r.entity ? { entity: r.entity } : {}),
        ...(r.category ? { category: r.category } : {}),
        ...(r.retainUntil ? { retainUntil: r.retainUntil } : {}),
        ...(r.deletableFrom ? { deletableFrom: r.deletableFrom } : {}),
        planHash: r.planHash,
        ...(r.caseId ? { caseId: r.caseId } : {}),
        ...(r.sweptPlan ? { sweptPlan: r.sweptPlan, sweptOn: r.sweptOn } : {}),
      }));
      const suppression = { entries: suppressionCount(session.store) };
      if (opts.json) writeJson({ entries, suppression });
      else {
        if (entries.length === 0) writeOut('The ledger has no entries' + (status || due ? ' that match.' : '.'));
        else {
          writeOut(
            table([
              ['id', 'status', 'retain until', 'source', 'record', 'plan', 'case'],
              ...entries.map((e) => [String(e.id), e.status, e.retainUntil ?? '(no date)', e.source, `${e.entity ?? ''} ${formatLocator(e.locator)}`, (e.planHash ?? '').slice(0, 12), e.caseId ?? '']),
            ]),
          );
        }
        writeOut(`Suppression list: ${suppression.entries} keyed hash(es).`);
      }
      return ExitCode.Ok;
    }
    const row = setHold(session.store, id, sub === 'hold', session.ctx());
    if (row.changed && row.caseId && session.store.hasCase(row.caseId) && !session.store.getCase(row.caseId).purgedOn) {
      session.store.logEvent(row.caseId, sub === 'hold' ? 'ledger-hold' : 'ledger-release', { ledgerEntry: id, planHash: row.planHash }, session.ctx());
    }
    if (opts.json) writeJson({ id: row.id, status: row.status, changed: row.changed });
    else if (!row.changed) writeOut(`Ledger entry #${row.id} ${sub === 'hold' ? 'was on hold already' : 'was not on hold'}: nothing changed (it is ${row.status === 'hold' ? 'on hold' : row.status}).`);
    else writeOut(`Ledger entry #${row.id} is now ${row.status === 'hold' ? 'on hold' : row.status}${sub === 'hold' ? ': sweep leaves it until it is released' : ''}.`);
    return ExitCode.Ok;
  } finally {
    session.store.close();
  }
}
