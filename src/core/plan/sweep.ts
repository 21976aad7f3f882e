/**
 * The deferred-erasure ledger and its sweep (issue #4 point 5; dsar-anchors
 * §7 point 2: deferred erasures get forgotten). Every `retain` of an erasure
 * plan is a ledger entry with its last day to keep. `planSweep` turns the
 * entries whose day has passed (retainUntil < asOf) into the follow-up
 * erasure plan (ER-5); the others give no action. Entries under a legal
 * hold (class L, Art. 17(3)(e)) or without a date are reported, not swept.
 */
import { parseIsoDate } from '../law/dates.ts';
import { actionId, finalisePlan } from './common.ts';
import * as T from './instructions.ts';
import { recordKey } from './records.ts';
import { PlanInputError, type LedgerEntry, type Plan, type PlanAction, type PlanWarning } from './types.ts';

/** The ledger entries an erasure plan creates: one per `retain` action. */
export function ledgerEntries(plan: Plan): LedgerEntry[] {
  return plan.actions
    .filter((a) => a.action === 'retain' && a.primary)
    .map((a) => ({
      source: a.source,
      connector: a.connector,
      locator: a.locator,
      ...(a.entity ? { entity: a.entity } : {}),
      ...(a.category ? { category: a.category } : {}),
      ...(a.class ? { class: a.class } : {}),
      ...(a.label ? { label: a.label } : {}),
      ...(a.retainUntil ? { retainUntil: a.retainUntil } : {}),
      ...(a.deletableFrom ? { deletableFrom: a.deletableFrom } : {}),
      rule: a.rule,
      ...(a.legalBasis ? { legalBasis: a.legalBasis } : {}),
      planHash: plan.planHash,
      actionId: a.id,
      ...(plan.caseId ? { caseId: plan.caseId } : {}),
    }));
}

/** Is the entry due on `asOf`: strictly after its last day to keep (BF-1: retainUntil is inclusive)? */
export function isDue(entry: LedgerEntry, asOf: string): boolean {
  return entry.retainUntil !== undefined && entry.retainUntil < asOf;
}

const REASON =
  'The retention period under BF-1 ended on the recorded last day to keep, and nothing else requires the record: it is deleted, or anonymised irreversibly, now (ER-5). Anonymising instead of deleting is acceptable only if the result can single no one out, be linked or support inferences (AN-2).';

export function planSweep(ledger: readonly LedgerEntry[], asOf: string, opts: { caseId?: string } = {}): Plan {
  if (!parseIsoDate(asOf)) throw new PlanInputError('the sweep cannot be planned', [{ code: 'plan.as-of', message: 'asOf must be a date in YYYY-MM-DD form' }]);
  const problems = ledger.filter((e) => e.retainUntil !== undefined && !parseIsoDate(e.retainUntil));
  if (problems.length > 0) {
    throw new PlanInputError('the ledger has malformed dates', [{ code: 'ledger.date', message: `${problems.length} ledger entr${problems.length === 1 ? 'y has' : 'ies have'} a retainUntil that is not YYYY-MM-DD` }]);
  }
  const actions: PlanAction[] = [];
  const warnings: PlanWarning[] = [];
  const seen = new Set<string>();
  let notDue = 0;
  for (const e of ledger) {
    const key = recordKey(e.source, e.locator);
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.retainUntil === undefined) {
      warnings.push({ code: 'sweep.no-date', message: 'A ledger entry has no retention date: set it by hand so that sweep can list it.', ...(e.actionId ? { actionId: e.actionId } : {}) });
      continue;
    }
    if (!isDue(e, asOf)) {
      notDue++;
      continue;
    }
    if (e.hold) {
      warnings.push({ code: 'sweep.hold', message: 'A due ledger entry is under a legal hold (Art. 17(3)(e)) and is kept until the hold is released.', ...(e.actionId ? { actionId: e.actionId } : {}) });
      continue;
    }
    const a: PlanAction = {
      id: actionId(e.source, e.locator, 'delete', e.actionId ?? ''),
      source: e.source,
      connector: e.connector,
      locator: e.locator,
      action: 'delete',
      reason: REASON,
      rule: 'ER-5',
      primary: true,
      ...(e.entity ? { entity: e.entity } : {}),
      ...(e.category ? { category: e.category } : {}),
      ...(e.class ? { class: e.class } : {}),
      ...(e.label ? { label: e.label } : {}),
      retainUntil: e.retainUntil,
      ...(e.deletableFrom ? { deletableFrom: e.deletableFrom } : {}),
      ...(e.actionId ? { refs: [e.actionId] } : {}),
      ...(e.planHash ? { ledger: { planHash: e.planHash, ...(e.caseId ? { caseId: e.caseId } : {}) } } : {}),
      instructions: T.sweepDelete(e.connector),
    };
    actions.push(a);
  }
  return finalisePlan({
    kind: 'sweep',
    input: { asOf, ...(opts.caseId ? { caseId: opts.caseId } : {}) },
    parameters: { notDue },
    actions,
    excluded: [],
    unaffected: [],
    warnings,
    records: actions.length,
  });
}
