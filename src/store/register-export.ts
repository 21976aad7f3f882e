/**
 * The case register as CSV or XLSX, for accountability (Art. 5(2), AA-1):
 * what was requested, when, how the identity was checked, whether the
 * deadline was extended and kept, and how the case ended.
 *
 * It holds no subject identifiers and no free text (reasons may name people):
 * a register that proves compliance should not itself be a second copy of the
 * requesters' data, and it can then be shown to an auditor or IMY as it is.
 * The identifiers stay in cases.db (`case show ID`).
 *
 * Cells that a spreadsheet would run as a formula (starting with = + - @,
 * tab or CR) get a leading single quote (OWASP "CSV injection").
 */
import { writeFileAtomic } from './fs-safe.ts';
import type { CaseView } from './cases.ts';
import { isOverdue } from './rules.ts';
import { REQUEST_TYPE_ARTICLE, type RequestType } from './rules.ts';

export const REGISTER_COLUMNS = [
  'case_id',
  'request_types',
  'articles',
  'received_date',
  'channel',
  'nominal_date',
  'due_date',
  'extended',
  'extension_decided_on',
  'extension_notice_date',
  'identity_method',
  'identity_verified_on',
  'status',
  'overdue',
  'outcome',
  'outcome_on',
  'on_time',
  'refusal_grounds',
  'closed_on',
  'retain_until',
  'purged_on',
  'events',
  'last_manifest_sha256',
] as const;

export type RegisterRow = Record<(typeof REGISTER_COLUMNS)[number], string>;

/** Neutralises spreadsheet formulas (CWE-1236). */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
}

export function registerRows(cases: CaseView[], asOf: string): RegisterRow[] {
  return cases.map((c) => ({
    case_id: c.id,
    request_types: c.types.join(', '),
    articles: c.types.map((t) => REQUEST_TYPE_ARTICLE[t as RequestType] ?? t).join(', '),
    received_date: c.receivedDate,
    channel: c.channel ?? '',
    nominal_date: c.nominalDate,
    due_date: c.dueDate,
    extended: c.extended ? 'yes' : 'no',
    extension_decided_on: c.extension?.decidedOn ?? '',
    extension_notice_date: c.extension?.noticeDate ?? '',
    identity_method: c.identity?.method ?? '',
    identity_verified_on: c.identity?.on ?? '',
    status: c.purgedOn ? 'purged' : c.status,
    overdue: isOverdue(c.status, c.dueDate, asOf) ? 'yes' : 'no',
    outcome: c.outcome?.type ?? '',
    outcome_on: c.outcome?.on ?? '',
    on_time: c.outcome && c.outcome.type !== 'withdrawn' ? (c.outcome.late ? 'no' : 'yes') : '',
    refusal_grounds: c.outcome?.grounds?.join(', ') ?? '',
    closed_on: c.closedOn ?? '',
    retain_until: c.retainUntil ?? '',
    purged_on: c.purgedOn ?? '',
    events: String(c.events),
    last_manifest_sha256: c.manifests[c.manifests.length - 1]?.sha256 ?? '',
  }));
}

export async function writeRegisterCsv(file: string, rows: RegisterRow[], opts: { overwrite: boolean; delimiter?: string }): Promise<void> {
  const { stringify } = await import('csv-stringify/sync');
  const records = rows.map((r) => REGISTER_COLUMNS.map((c) => safeCell(r[c])));
  // BOM: Excel then reads the file as UTF-8 (å, ä, ö in channel or grounds).
  const text = '\uFEFF' + stringify([[...REGISTER_COLUMNS], ...records], { delimiter: opts.delimiter ?? ',', record_delimiter: 'windows' });
  await writeFileAtomic(file, text, { overwrite: opts.overwrite });
}

export async function writeRegisterXlsx(file: string, rows: RegisterRow[], opts: { overwrite: boolean; asOf: string }): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ojco-dsar';
  const ws = wb.addWorksheet('Case register');
  ws.addRow([...REGISTER_COLUMNS]);
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const r of rows) ws.addRow(REGISTER_COLUMNS.map((c) => safeCell(r[c])));
  ws.columns.forEach((col, i) => {
    col.width = Math.min(40, Math.max(10, REGISTER_COLUMNS[i]!.length + 2));
  });
  const about = wb.addWorksheet('About');
  about.addRow(['ojco-dsar case register']);
  about.addRow(['as of', opts.asOf]);
  about.addRow(['contents', 'one row per case; no subject identifiers and no free text (Art. 5(2) accountability register)']);
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  await writeFileAtomic(file, buf, { overwrite: opts.overwrite });
}
