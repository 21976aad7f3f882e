/**
 * A plan as tables and summary lines for people (issue #4 point 4): the
 * terminal, XLSX and HTML renderings share this. Pure.
 *
 * - one group per system (the config's source), the actions of each record
 *   together, its primary action first;
 * - plan-level groups: the suppression list (keyed hashes, never values),
 *   Art. 19 notices, and Google's deletion requests;
 * - a summary that answers what the reply letter must say (ER-4): what is
 *   deleted, what is retained until when and why, who is told, and, when
 *   the plan refuses part of the request, that it is a partial refusal
 *   under Art. 12(4) with the right to complain to IMY and to go to court.
 */
import type { Plan, PlanAction, PlanRecordNote } from '../core/plan/index.ts';
import { formatLocator } from '../core/record.ts';

export const PLAN_KIND_TITLE: Record<Plan['kind'], string> = {
  erasure: 'Erasure plan (Art. 17)',
  rectification: 'Rectification plan (Art. 16)',
  restriction: 'Restriction plan (Art. 18)',
  objection: 'Objection plan (Art. 21)',
  'withdraw-consent': 'Consent withdrawal plan (Art. 7(3))',
  sweep: 'Sweep: follow-up erasure of retained records (ER-5)',
};

export interface PlanGroup {
  /** The source name, or `suppression-list` / `register` / `<source> (requests)`. */
  key: string;
  title: string;
  connector: string;
  /** Records in this group (distinct locators of primary actions). */
  records: number;
  actions: PlanAction[];
}

const PLAN_LEVEL = new Set(['suppression-list', 'register']);

/** Groups a plan's actions by system, plan-level actions last, in the plan's own order. */
export function planGroups(plan: Plan, titles: ReadonlyMap<string, string> = new Map()): PlanGroup[] {
  const groups = new Map<string, PlanGroup>();
  const order: string[] = [];
  const add = (key: string, title: string, connector: string, a: PlanAction): void => {
    let g = groups.get(key);
    if (!g) {
      g = { key, title, connector, records: 0, actions: [] };
      groups.set(key, g);
      order.push(key);
    }
    g.actions.push(a);
    if (a.primary) g.records++;
  };
  for (const a of plan.actions) {
    if (PLAN_LEVEL.has(a.source)) continue;
    if (a.action === 'request-deletion') continue;
    add(a.source, titles.get(a.connector) ?? a.connector, a.connector, a);
  }
  // Within a system: by record, the primary action first.
  for (const g of groups.values()) {
    const pos = new Map<string, number>();
    g.actions.forEach((a, i) => {
      const k = formatLocator(a.locator);
      if (!pos.has(k)) pos.set(k, i);
    });
    g.actions.sort((a, b) => pos.get(formatLocator(a.locator))! - pos.get(formatLocator(b.locator))! || Number(b.primary) - Number(a.primary) || (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  }
  const requests = plan.actions.filter((a) => a.action === 'request-deletion');
  for (const a of requests) add('google-deletion-requests', 'Google Analytics User Deletion requests', a.connector, a);
  for (const a of plan.actions.filter((x) => x.source === 'suppression-list')) add('suppression-list', 'Suppression list (keyed hashes)', 'ojco-dsar', a);
  for (const a of plan.actions.filter((x) => x.source === 'register')) add('register', 'Art. 19 notices to recipients', 'ojco-dsar', a);
  return order.map((k) => groups.get(k)!);
}

/** What a person reads to recognise the record: its label or entity. */
export function recordText(a: Pick<PlanAction, 'label' | 'entity' | 'action' | 'recipient' | 'suppression' | 'request'>): string {
  if (a.recipient) return `${a.recipient.name} (${a.recipient.kind}, ${a.recipient.country})`;
  if (a.suppression) return `${a.suppression.kind} ${a.suppression.hash.slice(0, 12)}…`;
  if (a.action === 'request-deletion' && a.request) {
    const body = a.request.body as { id?: { type?: string } } | undefined;
    return `${body?.id?.type ?? 'id'} deletion request`;
  }
  return a.label ?? a.entity ?? '';
}

/** A short note of what an action changes: fields to set or clear, the diff's field names. */
export function changeText(a: PlanAction): string {
  if (!a.fields) return '';
  const names = Object.keys(a.fields);
  if (names.length === 0) return '';
  if (a.action === 'rectify') return `fields: ${names.join(', ')}`;
  if (a.action === 'retain') return `clear now: ${names.join(', ')}`;
  if (a.action === 'unsubscribe') return `turn off: ${names.join(', ')}`;
  return `replace: ${names.join(', ')}`;
}

export function fieldsText(a: PlanAction): string {
  if (!a.fields) return '';
  return Object.entries(a.fields)
    .map(([k, v]) => {
      if (v === null) return `${k}: (empty)`;
      if (typeof v === 'string') return `${k}: ${v}`;
      return `${k}: ${v.from ?? '(empty)'} → ${v.to}`;
    })
    .join('\n');
}

export interface SummaryLine {
  label: string;
  text: string;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The plan in a few lines: what is deleted, what is retained until when and why, suppression, notices. */
export function planSummary(plan: Plan): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const prim = plan.actions.filter((a) => a.primary);
  const count = (t: string): number => prim.filter((a) => a.action === t).length;
  lines.push({ label: 'Plan', text: `${PLAN_KIND_TITLE[plan.kind]}, as of ${plan.asOf}${plan.caseId ? `, case ${plan.caseId}` : ''}` });
  lines.push({ label: 'Plan hash', text: plan.planHash });
  // summary.records counts the records planned for, the unaffected among them (a rectification of a field they do not hold).
  const actedOn = Math.max(0, plan.summary.records - plan.summary.unaffected);
  lines.push({ label: 'Records', text: `${plural(actedOn, 'record')} acted on; ${plan.summary.excluded} possible match(es) left out; ${plan.summary.unaffected} unaffected${plan.summary.deselected ? `; ${plan.summary.deselected} deselected at the review` : ''}` });
  const del = count('delete');
  const anon = count('anonymise');
  if (del || anon) lines.push({ label: 'Deleted now', text: `${plural(del, 'record')} deleted${anon ? `, ${plural(anon, 'record')} anonymised (the row stays for other data; values the system accepts)` : ''}` });
  const retained = prim.filter((a) => a.action === 'retain');
  if (retained.length > 0) {
    const byDate = new Map<string, PlanAction[]>();
    for (const a of retained) byDate.set(a.retainUntil ?? '', [...(byDate.get(a.retainUntil ?? '') ?? []), a]);
    for (const [date, list] of [...byDate].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const what = [...new Set(list.map((a) => a.category ?? a.entity ?? 'record'))].sort().join(', ');
      const basis = [...new Set(list.map((a) => a.legalBasis).filter(Boolean))].join('; ');
      lines.push({
        label: date ? `Retained through ${date}` : 'Retained (no date yet)',
        text: `${plural(list.length, 'record')} (${what}): ${date ? `deletable from ${list[0]!.deletableFrom ?? '?'}; ` : 'the date must be set by hand; '}${basis || 'BF-1'}; access restricted to finance and audit meanwhile (ER-3).`,
      });
    }
  }
  for (const t of ['rectify', 'restrict', 'unsubscribe'] as const) {
    const n = plan.actions.filter((a) => a.action === t).length;
    if (n) lines.push({ label: { rectify: 'Rectified', restrict: 'Restricted', unsubscribe: 'Unsubscribed' }[t], text: plural(n, 'record') });
  }
  const sup = plan.actions.filter((a) => a.suppression);
  if (sup.length > 0) {
    const kinds = [...new Set(sup.map((a) => a.suppression!.kind))].sort().join(', ');
    lines.push({ label: 'Suppression list', text: `${plural(sup.length, 'keyed hash', 'keyed hashes')} (${kinds}), ground ${sup[0]!.suppression!.ground}, channel ${[...new Set(sup.map((a) => a.suppression!.channel))].join('/')}, since ${sup[0]!.suppression!.since}; never the values` });
  }
  const req = plan.actions.filter((a) => a.action === 'request-deletion');
  if (req.length > 0) lines.push({ label: 'Google Analytics', text: `${plural(req.length, 'User Deletion request')} (one per id)` });
  const notices = plan.actions.filter((a) => a.action === 'notify-recipient' && a.recipient);
  if (notices.length > 0) lines.push({ label: 'Art. 19 notices', text: notices.map((a) => a.recipient!.name).join(', ') });
  if (plan.kind === 'sweep') lines.push({ label: 'Not yet due', text: plural(Number(plan.parameters.notDue ?? 0), 'ledger entry', 'ledger entries') });
  if (plan.reply) lines.push({ label: 'Reply (ER-4)', text: plan.reply.text });
  for (const w of plan.warnings) lines.push({ label: 'Warning', text: w.message });
  return lines;
}

/** Records the plan does not act on, with the reason: excluded, unaffected, deselected. */
export function notActedOn(plan: Plan): { what: 'excluded' | 'unaffected' | 'deselected'; note: PlanRecordNote | PlanAction; reason: string }[] {
  return [
    ...plan.excluded.map((n) => ({ what: 'excluded' as const, note: n, reason: n.reason })),
    ...plan.unaffected.map((n) => ({ what: 'unaffected' as const, note: n, reason: n.reason })),
    ...(plan.deselected ?? []).filter((a) => a.primary).map((a) => ({ what: 'deselected' as const, note: a, reason: `${a.deselected.reason} (was: ${a.action})` })),
  ];
}
