/**
 * The CSV extract: one file per system, for importing into other tools and
 * for people who open it in Excel (docs/extract.md "CSV").
 *
 * - UTF-8 with a byte order mark: without it Swedish Excel reads the file
 *   as Windows-1252 and å ä ö come out as "Ã¥ Ã¤ Ã¶";
 * - `;` between cells: the list separator of Swedish Excel (whose decimal
 *   separator is the comma), so a double-click opens it in columns;
 * - CRLF between rows, as RFC 4180 and Excel write; a cell holding a line
 *   break (CR or LF) is always quoted (csv-stringify only quotes the full
 *   record delimiter by default);
 * - every cell, headers too, through neutraliseFormula (issue #8 point 3):
 *   a value that starts with = + - @ TAB or CR gets a leading apostrophe
 *   and cannot run as a formula.
 *
 * Columns are those of extract-table.ts: the record's register
 * information, then its fields flattened. Numbers are written as in the
 * JSON (decimal point); the XLSX has them as numbers.
 */
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../io/output.ts';
import type { Extract } from './extract-schema.ts';
import { csvFileNames } from './extract-files.ts';
import { systemTables, type Cell } from './extract-table.ts';

export const CSV_DELIMITER = ';';

export interface CsvFile {
  system: string;
  /** File name, without a folder. */
  name: string;
  data: Buffer;
}

export function csvCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'string') return neutraliseFormula(c);
  return String(c);
}

export function csvBytes(headers: string[], rows: Cell[][]): Buffer {
  const text = stringify([headers.map((h) => neutraliseFormula(h)), ...rows.map((r) => r.map(csvCell))], {
    delimiter: CSV_DELIMITER,
    record_delimiter: 'windows',
    bom: true,
    quoted_match: /[\r\n]/u,
  });
  return Buffer.from(text, 'utf8');
}

/** One CSV per system in the extract; none when the extract has no records. */
export function extractCsvFiles(extract: Extract, baseName: string): CsvFile[] {
  const tables = systemTables(extract.records, extract.language);
  const names = csvFileNames(tables.map((t) => t.system), baseName);
  return tables.map((t) => ({ system: t.system, name: names.get(t.system)!, data: csvBytes(t.headers, t.rows) }));
}
