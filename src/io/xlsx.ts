/**
 * Streaming XLSX reading with exceljs's WorkbookReader (never
 * `workbook.xlsx.readFile`, which holds the whole workbook: exceljs #412).
 * Cell values become strings the way a person reads them in Excel.
 */
import { SourceReadError } from '../errors.ts';
import type { SourceFile } from './files.ts';
import { inspectZip, verifyZip } from './zip.ts';

export interface XlsxRow {
  sheet: string;
  /** 1-based row number as Excel shows it. */
  row: number;
  values: string[];
}

/** Plain text of an exceljs cell value. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    // Excel dates have no zone; exceljs gives them as UTC midnight.
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

/** Rows of every sheet (or of the named sheets), streamed. */
export async function* readXlsxRows(file: SourceFile, opts: { sheets?: (name: string) => boolean } = {}): AsyncGenerator<XlsxRow> {
  // Vet the archive first: an XLSX bomb must not reach the XML parser, not even one whose headers lie (verifyZip).
  const entries = await inspectZip(file);
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    throw new SourceReadError('not an XLSX workbook (no xl/workbook.xml inside)', { file: file.rel, code: 'xlsx.invalid' });
  }
  await verifyZip(file);
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file.abs, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    // Styles tell dates from numbers; without them a date is a serial number.
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const ws of reader) {
      const w = ws as unknown as { name?: string; id: number } & AsyncIterable<{ number: number; values: unknown[] }>;
      const sheet = w.name ?? `Sheet${w.id}`;
      if (opts.sheets && !opts.sheets(sheet)) continue;
      for await (const r of w) {
        const values: string[] = [];
        const raw = r.values;
        for (let i = 1; i < raw.length; i++) values.push(cellText(raw[i]));
        yield { sheet, row: r.number, values };
      }
    }
  } catch (err) {
    if (err instanceof SourceReadError) throw err;
    throw new SourceReadError('the XLSX workbook is damaged and cannot be read', { file: file.rel, code: 'xlsx.invalid', cause: err });
  }
}
