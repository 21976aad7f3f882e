/**
 * The XLSX extract (exceljs): a summary sheet in plain language first (who
 * it is from and for, the Art. 15(1)(a)-(h) and 15(2) answers, the rights,
 * the complaint to IMY, what could not be read; AC-1, AC-13), then one
 * sheet per system: one row per record, its register information first,
 * then its fields flattened (extract-table.ts). The header row is bold,
 * filled and frozen, with an autofilter; column widths follow the content,
 * capped.
 *
 * Formula safety (issue #8 point 3): every string is written as a string
 * cell, never as a formula, so `=HYPERLINK(...)` stays that text and runs
 * nothing. Unlike the CSV, no apostrophe is added: the value reads back
 * exactly. String cells also get the Text number format (`@`), so that a
 * person who edits such a cell in Excel still gets text, not a formula.
 * (Excel's `quotePrefix` style would do the same, but exceljs 4.4 cannot
 * write it; the Text format has the same effect on input.)
 *
 * Excel's own limits: a cell holds at most 32,767 characters, so longer
 * text is cut with a marker (the JSON has it whole); characters XML 1.0
 * forbids (control characters other than tab and line breaks) become
 * U+FFFD, since Excel refuses a file that holds them.
 */
import type { Cell as ExcelCell, Worksheet } from 'exceljs';
import type { Extract, ExtractLang } from './extract-schema.ts';
import { sheetNames } from './extract-files.ts';
import { systemTables, type Cell } from './extract-table.ts';
import { confirmationKeys, identifierKindText, longDate, longDateTime, tr } from './extract-text.ts';
import { BACKUP_TEXT, backupSentence, heldBySentence } from './extract-backups.ts';

export const EXCEL_CELL_MAX = 32_767;
export const COLUMN_WIDTH_MIN = 8;
export const COLUMN_WIDTH_MAX = 60;

const HEADER_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } } as const;
const SECTION_FILL = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } } as const;

const TRUNCATED = { sv: ' […] (texten är avkortad; JSON-filen har hela texten)', en: ' […] (text cut; the JSON file has the full text)' } as const;

// XML 1.0 allows tab, LF, CR and U+0020 upwards, without lone surrogates, U+FFFE and U+FFFF.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** A string as Excel can hold it: XML-safe, within the cell limit. */
export function excelText(s: string, lang: ExtractLang): string {
  let t = s.replace(XML_INVALID, '\uFFFD');
  if (t.length > EXCEL_CELL_MAX) {
    const marker = TRUNCATED[lang];
    t = t.slice(0, EXCEL_CELL_MAX - marker.length) + marker;
  }
  return t;
}

function setCell(cell: ExcelCell, v: Cell, lang: ExtractLang): void {
  if (v === null) return;
  if (typeof v === 'string') {
    // A plain string value: exceljs writes a (shared) string cell, never a formula.
    cell.value = excelText(v, lang);
    cell.numFmt = '@';
  } else {
    cell.value = v;
  }
}

/** Display width of a value: its longest line, in characters. */
function widthOf(v: Cell): number {
  if (v === null) return 0;
  const s = typeof v === 'string' ? v : String(v);
  let max = 0;
  for (const line of s.split(/\r\n|\r|\n/u)) max = Math.max(max, [...line].length);
  return max;
}

function summarySheet(ws: Worksheet, x: Extract): void {
  const lang = x.language;
  ws.columns = [{ width: 34 }, { width: 110 }];
  const add = (label: string, text: string, opts: { bold?: boolean; section?: boolean } = {}): void => {
    const row = ws.addRow([]);
    setCell(row.getCell(1), label, lang);
    setCell(row.getCell(2), text, lang);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    if (opts.bold || opts.section) row.font = { bold: true };
    if (opts.section) {
      row.getCell(1).fill = SECTION_FILL;
      row.getCell(2).fill = SECTION_FILL;
    }
  };
  const section = (title: string): void => {
    ws.addRow([]);
    add(title, '', { section: true });
  };
  const c = x.controller;
  const p = x.processing;

  const title = ws.addRow([]);
  setCell(title.getCell(1), tr(lang, 'title'), lang);
  title.font = { bold: true, size: 14 };
  add(tr(lang, 'controller'), `${c.name}, ${tr(lang, 'orgnr')} ${c.orgnr}, ${c.address}, ${c.email}${c.phone ? `, ${c.phone}` : ''}`);
  add(tr(lang, 'date'), longDate(lang, x.asOf));
  add(tr(lang, 'generatedAt'), longDateTime(lang, x.generatedAt));
  add(tr(lang, 'subject'), x.subject.identifiers.map((i) => `${identifierKindText(lang, i.kind)}: ${i.value}`).join('\n'));
  if (x.subject.caseId) add(tr(lang, 'caseId'), x.subject.caseId);

  section(tr(lang, 'confirmationHeading'));
  for (const k of confirmationKeys(x)) add('', tr(lang, k));
  add('', `${tr(lang, 'free')} ${tr(lang, 'sheetsIntro')}`);

  section(tr(lang, 'sectionA'));
  for (const purpose of p.purposes) {
    const systems = [...new Set(x.records.filter((r) => r.purposes.some((q) => q.id === purpose.id)).map((r) => r.system))];
    add(systems.join(', '), purpose.text);
  }
  const bases = new Map<string, string>();
  for (const r of x.records) for (const b of r.legalBasis) bases.set(b.id, `${b.text} (${b.article})`);
  for (const b of bases.values()) add(tr(lang, 'legalBasis'), b);

  section(tr(lang, 'sectionB'));
  for (const d of p.dataCategories) add('', d.text);

  section(tr(lang, 'sectionC'));
  for (const r of p.recipients) add(`${r.name} (${r.country})`, r.text);

  section(tr(lang, 'sectionD'));
  for (const r of p.retention) add(r.retainUntil ? `${tr(lang, 'retainUntil')} ${r.retainUntil}` : '', r.text);
  add('', tr(lang, 'retentionPerRecord'));
  backupRows(x, add);

  section(tr(lang, 'sectionE'));
  for (const r of p.rights.filter((q) => q.id !== 'complaint')) add(r.article, r.text);

  section(tr(lang, 'sectionF'));
  add(p.complaint.authority, `${p.complaint.text}\n${p.complaint.address}, ${p.complaint.email}, ${p.complaint.web}`);

  section(tr(lang, 'sectionG'));
  for (const s of p.sources) add('', s.text);

  section(tr(lang, 'sectionH'));
  add('', p.profiling.applies ? `${tr(lang, 'profilingYes')} ${p.profiling.text}` : tr(lang, 'profilingNo'));
  if (p.profiling.applies) add('', p.profiling.objection);

  section(tr(lang, 'sectionTransfers'));
  if (p.transfers.length === 0) add('', tr(lang, 'noTransfers'));
  for (const t of p.transfers) add(t.country, t.text);

  section(tr(lang, 'sectionSearched'));
  for (const s of x.searched) add(`${s.system} (${s.source})`, `${s.records} ${tr(lang, 'records')}`);

  section(tr(lang, 'sectionNotRead'));
  if (x.notRead.length === 0) add('', tr(lang, 'allRead'));
  else add('', tr(lang, 'notReadIntro'));
  for (const n of x.notRead) add(n.source, `${n.file ?? ''}${n.line ? `:${n.line}` : ''}${n.file ? ': ' : ''}${n.reason}`);
  if (x.unverified && x.unverified.length > 0) add('', tr(lang, 'unverifiedIntro'));
  for (const n of x.unverified ?? []) add(n.source, n.reason);

  section(tr(lang, 'sectionRedaction'));
  add('', x.redactionPolicy);
}

/** Section (d)'s backups (AC-8): a row per system, with who holds the copies and the day they are gone by. */
function backupRows(x: Extract, add: (label: string, text: string) => void): void {
  const lang = x.language;
  const backups = x.processing.backups ?? [];
  if (backups.length === 0) return;
  add(BACKUP_TEXT.heading[lang], BACKUP_TEXT.intro[lang]);
  for (const b of backups) {
    const held = b.heldBy ? ` ${heldBySentence(lang, b.heldBy)}` : '';
    const kept = b.keptDays !== undefined && b.expiresBy ? ` ${backupSentence(lang, 'kept', { days: b.keptDays, date: b.expiresBy })}` : '';
    add(b.expiresBy ? `${b.system}\n${BACKUP_TEXT.keptUntil[lang]} ${b.expiresBy}` : b.system, `${b.text}${held}${kept}`);
  }
  add('', BACKUP_TEXT.notRestored[lang]);
}

/** The workbook as bytes. */
export async function extractXlsx(x: Extract): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const lang = x.language;
  const wb = new ExcelJS.Workbook();
  wb.creator = x.controller.name;
  wb.title = tr(lang, 'title');
  wb.created = new Date(x.generatedAt);
  wb.modified = new Date(x.generatedAt);

  const summaryName = tr(lang, 'summarySheet');
  summarySheet(wb.addWorksheet(summaryName), x);

  const tables = systemTables(x.records, lang);
  // "History" is reserved by Excel.
  const names = sheetNames(tables.map((t) => t.system), [summaryName, 'History']);
  for (const t of tables) {
    const ws = wb.addWorksheet(names.get(t.system)!, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    const header = ws.getRow(1);
    t.headers.forEach((h, i) => {
      const cell = header.getCell(i + 1);
      setCell(cell, h, lang);
      cell.font = { bold: true };
      cell.fill = HEADER_FILL;
      cell.border = { bottom: { style: 'thin' } };
      cell.alignment = { vertical: 'top' };
    });
    const widths = t.headers.map((h) => widthOf(h));
    t.rows.forEach((r, ri) => {
      const row = ws.getRow(ri + 2);
      r.forEach((v, ci) => {
        setCell(row.getCell(ci + 1), v, lang);
        widths[ci] = Math.max(widths[ci] ?? 0, widthOf(v));
      });
    });
    widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = Math.min(COLUMN_WIDTH_MAX, Math.max(COLUMN_WIDTH_MIN, w + 2));
    });
    // The filter covers the data rows too, so Excel filters the whole table.
    if (t.headers.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: t.rows.length + 1, column: t.headers.length } };
  }
  const buf = await wb.xlsx.writeBuffer();
  // exceljs stamps the zip entries with the clock: the extract's own time makes a resumed batch's file the same bytes.
  return stampZipEntries(Buffer.from(buf as ArrayBuffer), new Date(x.generatedAt));
}

/**
 * Sets the modification time of every entry of a zip (its local header and
 * its central directory record) to `date` (UTC), in place. A buffer that is
 * not a zip as expected is returned unchanged.
 */
export function stampZipEntries(zip: Buffer, date: Date): Buffer {
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  // The end of central directory record: at least 22 bytes from the end (more with a comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return zip;
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return zip;
    zip.writeUInt16LE(dosTime, at + 12);
    zip.writeUInt16LE(dosDate, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 <= zip.length && zip.readUInt32LE(local) === 0x04034b50) {
      zip.writeUInt16LE(dosTime, local + 10);
      zip.writeUInt16LE(dosDate, local + 12);
    }
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}
