/**
 * Tabular exports, CSV or XLSX alike: a header row, then rows, each with its
 * locator. Connectors that read "a list exported from the system" use this
 * and map columns by header name, so column order and extra columns do not
 * matter.
 */
import type { Locator } from '../core/record.ts';
import { SourceReadError } from '../errors.ts';
import { extOf, type SourceFile } from './files.ts';
import { openCsv, openCsvChunks, type CsvReadOptions } from './csv.ts';
import { readXlsxRows } from './xlsx.ts';

export interface TableRow {
  header: string[];
  values: string[];
  locator: Locator;
}

export interface TableOptions extends CsvReadOptions {
  /** For XLSX: only sheets whose name passes. */
  sheets?: (name: string) => boolean;
  /**
   * Recognises the header row, for exports that put title rows above it:
   * rows before the first row that passes are skipped. Without it the first
   * non-blank row is the header. A sheet with no such row among its first
   * HEADER_SEARCH_ROWS rows is skipped; a file with none at all is an error.
   */
  isHeader?: (values: string[]) => boolean;
  warnRagged?: (count: number, firstLine: number) => void;
  /**
   * Called with each header as soon as it is known, before any row: with a
   * prefilter, a file may yield no rows at all, and a connector's checks of
   * the header must still run.
   */
  onHeader?: (header: string[]) => void;
}

/** How far down a sheet or file `isHeader` looks for the header row. */
export const HEADER_SEARCH_ROWS = 20;

function noHeader(file: SourceFile): SourceReadError {
  return new SourceReadError(`no header row with the expected column names in the first ${HEADER_SEARCH_ROWS} rows`, {
    file: file.rel,
    line: 1,
    code: 'table.no-header',
  });
}

/** Is the whole row empty (Excel leaves such rows at the end)? */
function blank(values: string[]): boolean {
  return values.every((v) => v.trim() === '');
}

export async function* readTable(file: SourceFile, opts: TableOptions = {}): AsyncGenerator<TableRow> {
  if (extOf(file.rel) === 'xlsx' || extOf(file.rel) === 'xlsm') {
    let sheet: string | undefined;
    let header: string[] = [];
    let searched = 0;
    let found = false;
    // A reader that wants the fields of every row (onShape) gets every row of a workbook.
    const prefilter = opts.onShape ? undefined : opts.prefilter;
    for await (const r of readXlsxRows(file, { ...(opts.sheets ? { sheets: opts.sheets } : {}), prefilter, validate: opts.validate })) {
      if (r.sheet !== sheet) {
        sheet = r.sheet;
        header = [];
        searched = 0;
      }
      if (header.length === 0) {
        if (blank(r.values) || searched > HEADER_SEARCH_ROWS) continue;
        if (!opts.isHeader || opts.isHeader(r.values)) {
          header = r.values.map((h) => h.trim());
          found = true;
          opts.onHeader?.(header);
        } else searched++;
        continue;
      }
      if (blank(r.values)) continue;
      yield { header, values: r.values, locator: { file: file.rel, sheet: r.sheet, row: r.row } };
    }
    if (opts.isHeader && !found) throw noHeader(file);
    return;
  }
  let csv = await openCsv(file, { ...opts, ...(opts.warnRagged ? { onRaggedRows: opts.warnRagged } : {}) });
  if (opts.prefilter && opts.isHeader && !opts.isHeader(csv.header)) {
    // Title rows above the header: finding it needs every row, so no prefilter for this file.
    await csv.rows.return(undefined);
    csv = await openCsv(file, { ...opts, prefilter: undefined, ...(opts.warnRagged ? { onRaggedRows: opts.warnRagged } : {}) });
  }
  let header = opts.isHeader && !opts.isHeader(csv.header) ? undefined : csv.header;
  if (header) opts.onHeader?.(header);
  // Data rows are numbered from the header row that was found.
  let rowBase = 0;
  for await (const r of csv.rows) {
    if (!header) {
      if (r.row > HEADER_SEARCH_ROWS) throw noHeader(file);
      if (!blank(r.values) && opts.isHeader!(r.values)) {
        header = r.values.map((h) => h.trim());
        rowBase = r.row;
        opts.onHeader?.(header);
      }
      continue;
    }
    if (blank(r.values)) continue;
    yield { header, values: r.values, locator: { file: file.rel, line: r.line, row: r.row - rowBase } };
  }
  if (!header) throw noHeader(file);
}

/** CSV rows from a byte stream (a ZIP entry). */
export async function* readCsvStream(
  file: SourceFile,
  entry: string,
  chunks: AsyncIterable<Buffer>,
  opts: CsvReadOptions = {},
): AsyncGenerator<TableRow> {
  const csv = await openCsvChunks({ rel: `${file.rel}!${entry}` }, chunks, opts);
  for await (const r of csv.rows) {
    if (blank(r.values)) continue;
    yield { header: csv.header, values: r.values, locator: { file: file.rel, entry, line: r.line, row: r.row } };
  }
}

const columnMaps = new WeakMap<string[], ColumnMap>();

/** Looks up a column by any of its names, case- and space-insensitively. */
export class ColumnMap {
  /** One map per header array: rows of a file share their header, so this is built once per file. */
  static of(header: string[]): ColumnMap {
    let m = columnMaps.get(header);
    if (!m) {
      m = new ColumnMap(header);
      columnMaps.set(header, m);
    }
    return m;
  }

  private readonly index = new Map<string, number>();
  constructor(readonly header: string[]) {
    header.forEach((h, i) => {
      const k = ColumnMap.norm(h);
      if (!this.index.has(k)) this.index.set(k, i);
    });
  }
  static norm(h: string): string {
    return h.normalize('NFKC').toLowerCase().replace(/[\s_\-./]+/gu, '');
  }
  /** Index of the first column with one of these names, or -1. */
  find(...names: string[]): number {
    for (const n of names) {
      const i = this.index.get(ColumnMap.norm(n));
      if (i !== undefined) return i;
    }
    return -1;
  }
  get(values: string[], ...names: string[]): string {
    const i = this.find(...names);
    return i >= 0 ? (values[i] ?? '').trim() : '';
  }
}

/** Header and values as an object: the record's fields, in column order. */
export function fieldsOf(header: string[], values: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < Math.max(header.length, values.length); i++) {
    const name = header[i] || `column ${i + 1}`;
    const v = values[i] ?? '';
    o[name in o ? `${name} (${i + 1})` : name] = v;
  }
  return o;
}
