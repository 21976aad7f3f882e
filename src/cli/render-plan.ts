/**
 * The terminal view of a plan: a table per system (action, record, reason,
 * rule, retain until), the plan-level actions, what is not acted on, and
 * the summary. Reasons are cut to fit; the plan file (and --format html)
 * has them whole. Goes to stdout: it is data, and may name the person.
 */
import type { Plan, PlanAction } from '../core/plan/index.ts';
import { formatLocator } from '../core/record.ts';
import { changeText, notActedOn, planGroups, planSummary, PLAN_KIND_TITLE, recordText } from '../report/plan-table.ts';
import { out, table } from './io.ts';

const ACTION_COLOUR: Record<string, (s: string) => string> = {
  delete: out.red,
  anonymise: out.magenta,
  retain: out.cyan,
  rectify: out.yellow,
  restrict: out.yellow,
  unsubscribe: out.yellow,
  suppress: out.dim,
  'notify-recipient': out.dim,
  'request-deletion': out.red,
};

function cut(s: string, n: number): string {
  const t = s.replace(/\s+/gu, ' ').trim();
  if (t.length <= n) return t;
  const head = t.slice(0, n - 1);
  const sp = head.lastIndexOf(' ');
  return (sp > n * 0.6 ? head.slice(0, sp) : head) + '…';
}

function row(a: PlanAction, reasonWidth: number): string[] {
  const colour = ACTION_COLOUR[a.action] ?? ((s: string) => s);
  const what = a.primary ? colour(a.action) : out.dim(`↳ ${a.action}`);
  const change = changeText(a);
  const rec = `${cut(recordText(a), 34)} ${out.dim(formatLocator(a.locator))}${change ? out.dim(` (${cut(change, 40)})`) : ''}${a.review ? out.yellow(' [review]') : ''}`;
  return [what, rec, a.rule, a.retainUntil ?? '', out.dim(cut(a.reason, reasonWidth))];
}

export function renderPlan(plan: Plan, titles: ReadonlyMap<string, string> = new Map(), opts: { width?: number } = {}): string {
  const width = opts.width ?? 160;
  const reasonWidth = Math.max(30, Math.min(90, width - 100));
  const lines: string[] = [];
  lines.push(out.bold(`${PLAN_KIND_TITLE[plan.kind]} — as of ${plan.asOf}${plan.caseId ? `, case ${plan.caseId}` : ''}`));
  lines.push('');
  const groups = planGroups(plan, titles);
  if (groups.length === 0) lines.push('No actions.');
  for (const g of groups) {
    const head = g.connector === 'ojco-dsar' || g.key === 'google-deletion-requests' ? out.bold(g.title) : `${out.bold(g.title)} ${out.dim(`— ${g.key} (${g.connector})`)}`;
    lines.push(`${head}: ${g.records ? `${g.records} record${g.records === 1 ? '' : 's'}, ` : ''}${g.actions.length} action${g.actions.length === 1 ? '' : 's'}`);
    lines.push(table([[out.dim('action'), out.dim('record'), out.dim('rule'), out.dim('retain until'), out.dim('reason')], ...g.actions.map((a) => row(a, reasonWidth))]));
    lines.push('');
  }
  const notes = notActedOn(plan);
  if (notes.length > 0) {
    lines.push(out.bold(`Not acted on: ${notes.length}`));
    lines.push(table(notes.map((n) => [n.what, `${cut(n.note.label ?? n.note.entity ?? '', 34)} ${out.dim(`${n.note.source}: ${formatLocator(n.note.locator)}`)}`, out.dim(cut(n.reason, reasonWidth))])));
    lines.push('');
  }
  lines.push(out.bold('Summary'));
  lines.push(table(planSummary(plan).map((l) => [l.label === 'Warning' ? out.yellow(l.label) : l.label, l.text])));
  return lines.join('\n');
}
