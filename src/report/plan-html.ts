/**
 * The plan as one self-contained HTML page for people (issue #4 point 4):
 * the summary (what is deleted, what is retained until when and why, the
 * suppression entries, the notices), then one section per system with a
 * row per action and its instructions, then the records not acted on.
 * Inline CSS only, no scripts or external resources, a CSP that forbids
 * them, and every value HTML-escaped, as the extract letter
 * (extract-html.ts). Deterministic: the same plan gives the same bytes.
 */
import type { Plan, PlanAction } from '../core/plan/index.ts';
import { formatLocator } from '../core/record.ts';
import { esc } from './extract-html.ts';
import { fieldsText, notActedOn, planGroups, planSummary, PLAN_KIND_TITLE, recordText } from './plan-table.ts';

const CSS = `
*{box-sizing:border-box}
body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:10pt;line-height:1.4;color:#111;max-width:80rem;margin:2rem auto;padding:0 1.5rem}
h1{font-size:1.5em;color:#1f3b5a;margin:.6rem 0 1rem}
h2{font-size:1.2em;color:#1f3b5a;border-bottom:1px solid #c8d3df;padding-bottom:.15rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem}
th,td{border:1px solid #c8d3df;padding:.2rem .45rem;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600}
td.pre{white-space:pre-wrap;overflow-wrap:anywhere}
td.small{font-size:.9em;color:#333}
tr.follow-up td{background:#fafafa;color:#333}
.a-delete,.a-request-deletion{color:#a40000;font-weight:600}
.a-retain{color:#0b5c7a;font-weight:600}
.a-anonymise{color:#6b2d8f;font-weight:600}
.a-rectify,.a-restrict,.a-unsubscribe{color:#8a5a00;font-weight:600}
.review{background:#fff4e5;border-left:3px solid #d9822b;padding:0 .3rem}
.note{background:#f6f6f6;border-left:3px solid #999;padding:.4rem .7rem}
dl.summary{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
code{font-size:.9em;overflow-wrap:anywhere}
@page{size:A4 landscape;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:8.5pt} section.system{break-before:page;page-break-before:always} tr{break-inside:avoid;page-break-inside:avoid} thead{display:table-header-group}}
`;

function cell(s: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${esc(s)}</td>`;
}

function actionRow(a: PlanAction): string {
  const instr = a.instructions ? `${a.instructions.sv}\n\n${a.instructions.en}` : '';
  const fields = fieldsText(a);
  const request = a.request ? `${a.request.method} ${a.request.url}${a.request.body ? `\n${JSON.stringify(a.request.body)}` : ''}` : '';
  return `<tr class="${a.primary ? 'primary' : 'follow-up'}"><td class="a-${esc(a.action)}">${a.primary ? '' : '↳ '}${esc(a.action)}${a.review ? ' <span class="review">review</span>' : ''}</td>${cell(recordText(a))}${cell(`${a.entity ?? ''}${a.category ? ` / ${a.category}` : ''}`, 'small')}${cell(formatLocator(a.locator), 'small pre')}${cell(a.rule)}${cell(a.retainUntil ?? '')}${cell(`${a.reason}${a.legalBasis ? `\n(${a.legalBasis})` : ''}`, 'pre')}${cell([fields, request].filter(Boolean).join('\n'), 'pre small')}${cell(instr, 'pre small')}</tr>`;
}

const HEAD = `<thead><tr>${['Action', 'Record', 'Entity / category', 'Locator', 'Rule', 'Retain until', 'Reason', 'Fields / request', 'Instructions (sv, en)'].map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;

export function planHtml(plan: Plan, titles: ReadonlyMap<string, string> = new Map()): Buffer {
  const parts: string[] = [];
  const title = PLAN_KIND_TITLE[plan.kind];
  parts.push(`<h1>${esc(title)}</h1>`);
  parts.push(`<p class="note">A plan is instructions: it changes no system. The plan JSON file is the document of record; its plan hash is <code>${esc(plan.planHash)}</code>.</p>`);
  parts.push(`<section id="summary"><h2>Summary</h2><dl class="summary">${planSummary(plan)
    .map((l) => `<dt>${esc(l.label)}</dt><dd>${esc(l.text)}</dd>`)
    .join('')}</dl></section>`);
  for (const g of planGroups(plan, titles)) {
    const head = g.connector === 'ojco-dsar' || g.key === 'google-deletion-requests' ? esc(g.title) : `${esc(g.title)} — ${esc(g.key)} (${esc(g.connector)})`;
    parts.push(
      `<section class="system" id="sys-${esc(g.key.replace(/[^A-Za-z0-9-]/gu, '-'))}"><h2>${head}: ${g.records ? `${g.records} record${g.records === 1 ? '' : 's'}, ` : ''}${g.actions.length} action${g.actions.length === 1 ? '' : 's'}</h2>\n<table>${HEAD}<tbody>\n${g.actions.map(actionRow).join('\n')}\n</tbody></table></section>`,
    );
  }
  const notes = notActedOn(plan);
  if (notes.length > 0) {
    parts.push(
      `<section id="not-acted-on"><h2>Not acted on: ${notes.length}</h2><table><thead><tr><th scope="col">Why</th><th scope="col">Source</th><th scope="col">Record</th><th scope="col">Locator</th><th scope="col">Reason</th></tr></thead><tbody>\n${notes
        .map((n) => `<tr>${cell(n.what)}${cell(n.note.source)}${cell(n.note.label ?? n.note.entity ?? '')}${cell(formatLocator(n.note.locator), 'small pre')}${cell(n.reason, 'pre')}</tr>`)
        .join('\n')}\n</tbody></table></section>`,
    );
  }
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} ${esc(plan.asOf)}</title>
<style>${CSS}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
  return Buffer.from(html, 'utf8');
}
