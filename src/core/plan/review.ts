/**
 * The officer's review of a plan (issue #4 point 4): primary actions left
 * out at the terminal are moved, with every other action on the same
 * record, to `deselected`, each saying who left it out. A Google deletion
 * request or an Art. 19 notice that no remaining action refers to goes with
 * them; a notice that still reports other actions keeps only those.
 *
 * Pure and deterministic: the same plan, the same selection and the same
 * actor give the same bytes and hash.
 */
import { computePlanHash } from './canonical.ts';
import { recordKey } from './records.ts';
import { planReply } from './reply.ts';
import { PlanInputError, type ActionType, type DeselectedAction, type Plan, type PlanAction } from './types.ts';

export function deselectActions(plan: Plan, ids: Iterable<string>, actor: string): Plan {
  const wanted = new Set(ids);
  if (wanted.size === 0) return plan;
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  const problems: { code: string; message: string }[] = [];
  for (const id of wanted) {
    const a = byId.get(id);
    if (!a) problems.push({ code: 'review.unknown-action', message: `the plan has no action ${id}` });
    else if (!a.primary) problems.push({ code: 'review.not-primary', message: `action ${id} is a follow-up or plan-level action; deselect the record's primary action instead` });
  }
  const who = actor.trim() || 'unknown';
  if (problems.length > 0) throw new PlanInputError('the selection cannot be applied', problems);

  const records = new Set([...wanted].map((id) => byId.get(id)!).map((a) => recordKey(a.source, a.locator)));
  const moved = new Set<string>();
  for (const a of plan.actions) if (records.has(recordKey(a.source, a.locator))) moved.add(a.id);

  // Requests and notices exist for the actions that refer to them, or that they report.
  const kept: PlanAction[] = [];
  for (const a of plan.actions) {
    if (moved.has(a.id)) continue;
    if (a.action === 'notify-recipient' && a.refs) {
      const refs = a.refs.filter((r) => !moved.has(r));
      if (refs.length === 0) {
        moved.add(a.id);
        continue;
      }
      kept.push(refs.length === a.refs.length ? a : { ...a, refs });
      continue;
    }
    kept.push(a);
  }
  const refsOf = (list: readonly PlanAction[]): Set<string> => new Set(list.flatMap((a) => (a.action === 'notify-recipient' ? [] : (a.refs ?? []))));
  const before = refsOf(plan.actions);
  const referenced = refsOf(kept);
  const actions = kept.filter((a) => {
    if (a.action !== 'request-deletion' || !before.has(a.id) || referenced.has(a.id)) return true;
    moved.add(a.id);
    return false;
  });

  const reason = `deselected by ${who}`;
  const newly: DeselectedAction[] = plan.actions.filter((a) => moved.has(a.id)).map((a) => ({ ...a, deselected: { by: who, reason } }));
  const deselected = [...(plan.deselected ?? []), ...newly];
  const counts: Partial<Record<ActionType, number>> = {};
  for (const a of actions) counts[a.action] = (counts[a.action] ?? 0) + 1;
  const deselectedRecords = new Set(deselected.filter((a) => a.primary).map((a) => recordKey(a.source, a.locator))).size;
  const { planHash: _old, reply: _reply, ...rest } = plan;
  // ER-4: what the officer leaves out is not carried out, a partial refusal the reply must explain.
  const reply = planReply(plan.kind, actions.filter((a) => a.primary && a.action === 'retain').length, deselectedRecords);
  const body: Omit<Plan, 'planHash'> = {
    ...rest,
    actions,
    deselected,
    summary: { ...plan.summary, actions: counts, deselected: deselectedRecords },
    ...(reply ? { reply } : {}),
  };
  return { ...body, planHash: computePlanHash(body) };
}
