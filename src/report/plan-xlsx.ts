/**
 * The plan as an XLSX workbook for people (issue #4 point 4): a summary
 * sheet (what is deleted, what is retained until when and why, the
 * suppression entries, the notices, the warnings), one sheet per system
 * with one row per action, the plan-level sheets, and the records not
 * acted on. The styles and the formula safety are the extract's
 * (extract-xlsx.ts): every string is a text cell, never a formula.
 *
 * The plan JSON is the document of record; this rendering is
 * byte-deterministic too: the same plan gives the same bytes, because the
 * zip entries' times (exceljs stamps them with the clock) are set to the
 * plan's date. So a plan written again after a crash, or with --force, is
 * the same file, and a case that has it attached still verifies.
 */
import type { Cell as ExcelCell, Worksheet } from 'exceljs';
import type { Plan, PlanAction } from '../core/plan/index.ts';
import { formatLocator } from '../core/record.ts';
import { sheetNames } from './extract-files.ts';
import { COLUMN_WIDTH_MAX, COLUMN_WIDTH_MIN, excelText, stampZipEntries } from './extract-xlsx.ts';
import { fieldsText, notActedOn, planGroups, planSummary, PLAN_KIND_TITLE, recordText } from './plan-table.ts';

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } } as const;

type Value = string | number | null;

function setCell(cell: ExcelCell, v: Value): void {
  if (v === null || v === '') return;
  if (typeof v === 'string') {
    cell.value = excelText(v, 'en');
    cell.numFmt = '@';
  } else cell.value = v;
}

function widthOf(v: Value): number {
  if (v === null) return 0;
  return Math.max(0, ...String(v).split(/\r\n|\r|\n/u).map((l) => [...l].length));
}

function tableSheet(ws: Worksheet, headers: string[], rows: Value[][]): void {
  const header = ws.getRow(1);
  headers.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    setCell(cell, h);
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = { bottom: { style: 'thin' } };
  });
  const widths = headers.map(widthOf);
  rows.forEach((r, ri) => {
    const row = ws.getRow(ri + 2);
    r.forEach((v, ci) => {
      const cell = row.getCell(ci + 1);
      setCell(cell, v);
      cell.alignment = { wrapText: true, vertical: 'top' };
      widths[ci] = Math.max(widths[ci] ?? 0, widthOf(v));
    });
  });
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = Math.min(COLUMN_WIDTH_MAX, Math.max(COLUMN_WIDTH_MIN, w + 2));
  });
  if (headers.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: headers.length } };
}

const ACTION_HEADERS = ['Action', 'Primary', 'Record', 'Entity', 'Category', 'Locator', 'Rule', 'Retain until', 'Deletable from', 'Legal basis', 'Reason', 'Fields', 'Request', 'Instructions (sv)', 'Instructions (en)', 'Action id'];

function actionRow(a: PlanAction): Value[] {
  return [
    a.action,
    a.primary ? 'yes' : 'follow-up',
    recordText(a),
    a.entity ?? '',
    a.category ?? '',
    formatLocator(a.locator),
    a.rule,
    a.retainUntil ?? '',
    a.deletableFrom ?? '',
    a.legalBasis ?? '',
    a.reason,
    fieldsText(a),
    a.request ? `${a.request.method} ${a.request.url}${a.request.body ? `\n${JSON.stringify(a.request.body)}` : ''}` : '',
    a.instructions?.sv ?? '',
    a.instructions?.en ?? '',
    a.id,
  ];
}

export async function planXlsx(plan: Plan, titles: ReadonlyMap<string, string> = new Map()): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ojco-dsar';
  wb.title = PLAN_KIND_TITLE[plan.kind];
  const date = new Date(`${plan.asOf}T00:00:00Z`);
  wb.created = date;
  wb.modified = date;

  const summary = wb.addWorksheet('Summary');
  summary.columns = [{ width: 30 }, { width: 110 }];
  const title = summary.addRow([]);
  setCell(title.getCell(1), PLAN_KIND_TITLE[plan.kind]);
  title.font = { bold: true, size: 14 };
  for (const l of planSummary(plan)) {
    const row = summary.addRow([]);
    setCell(row.getCell(1), l.label);
    setCell(row.getCell(2), l.text);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  summary.addRow([]);
  const note = summary.addRow([]);
  setCell(note.getCell(2), 'A plan is instructions: it changes no system. The plan JSON file is the document of record; its planHash identifies it.');

  const groups = planGroups(plan, titles);
  const names = sheetNames(groups.map((g) => g.key), ['Summary', 'History', 'Not acted on']);
  for (const g of groups) {
    tableSheet(wb.addWorksheet(names.get(g.key)!, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] }), ACTION_HEADERS, g.actions.map(actionRow));
  }
  const notes = notActedOn(plan);
  if (notes.length > 0) {
    tableSheet(
      wb.addWorksheet('Not acted on', { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] }),
      ['Why', 'Source', 'Record', 'Entity', 'Locator', 'Confidence', 'Reason'],
      notes.map((n) => [n.what, n.note.source, n.note.label ?? '', n.note.entity ?? '', formatLocator(n.note.locator), n.note.confidence ?? '', n.reason]),
    );
  }
  const buf = await wb.xlsx.writeBuffer();
  return stampZipEntries(Buffer.from(buf as ArrayBuffer), date);
}

