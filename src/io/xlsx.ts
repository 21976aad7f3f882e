/**
 * Streaming XLSX reading with exceljs's WorkbookReader (never
 * `workbook.xlsx.readFile`, which holds the whole workbook: exceljs #412).
 * Cell values become strings the way a person reads them in Excel.
 */
import { stat } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import { SourceReadError } from '../errors.ts';
import type { SourceFile } from './files.ts';
import type { Prefilter } from './prefilter.ts';
import { decodedStream, filteredSheet, SharedStringsScanner, decodedChunks, sheetRowsFor } from './xlsx-filter.ts';
import { inspectZip, openZipArchive, verifyZip } from './zip.ts';

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

type WorkbookReaderClass = typeof import('exceljs')['stream']['xlsx']['WorkbookReader'];
interface ReaderInternals {
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  _parseHyperlinks(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
}

/** The exceljs methods readerClass builds on; test/io/xlsx-reader.test.ts checks they are still there. */
export const EXCELJS_INTERNALS = ['_parseRels', '_parseWorkbook', '_parseStyles', '_parseSharedStrings', '_parseWorksheet', '_parseHyperlinks'] as const;

const SHEET_ENTRY = /^xl\/worksheets\/sheet(\d+)\.xml$/u;
const HYPERLINKS_ENTRY = /^xl\/worksheets\/_rels\/sheet(\d+)\.xml\.rels$/u;

/** The order exceljs needs the parts in: what a sheet refers to (relations, styles, shared strings) before the sheets. */
function partRank(name: string): number {
  if (name === 'xl/_rels/workbook.xml.rels') return 0;
  if (name === 'xl/workbook.xml') return 1;
  if (name === 'xl/styles.xml') return 2;
  if (name === 'xl/sharedStrings.xml') return 3;
  if (SHEET_ENTRY.test(name)) return 4;
  if (HYPERLINKS_ENTRY.test(name)) return 5;
  return -1;
}

/**
 * exceljs's WorkbookReader, with three changes:
 * - the parts are read by the archive's directory in the order a sheet
 *   needs them (`parse`). exceljs itself streams the archive front to back
 *   and spools every sheet that comes before the relations or shared
 *   strings (Excel's order, and exceljs's own) to a temp file, and reads it
 *   back; that cost a second per read of a 57 MB sheet, and is where a good
 *   file failed, rarely, under load (issue #7);
 * - the text of shared strings and sheets is decoded here (xlsx-filter.ts:
 *   exceljs splits characters at its chunk edges);
 * - with a prefilter, the plain rows that cannot match are left out.
 * Built on exceljs 4.4.0, lib/stream/xlsx/workbook-reader.js (EXCELJS_INTERNALS).
 */
function readerClass(Base: WorkbookReaderClass): new (file: SourceFile, options: Record<string, unknown>, prefilter?: Prefilter, stamp?: string) => InstanceType<WorkbookReaderClass> {
  const base = Base.prototype as unknown as ReaderInternals;
  class Reader extends (Base as unknown as new (input: string, options: Record<string, unknown>) => object) {
    private readonly file: SourceFile;
    private readonly prefilter: Prefilter | undefined;
    private shared: SharedStringsScanner | undefined;
    /** The file as it is now (stampOf), for what earlier reads learned of its sheets' rows. */
    private readonly stamp: string | undefined;
    constructor(file: SourceFile, options: Record<string, unknown>, prefilter?: Prefilter, stamp?: string) {
      super(file.abs, options);
      this.file = file;
      this.prefilter = prefilter;
      this.stamp = stamp;
    }
    async *parse(): AsyncGenerator<unknown> {
      const self = this as unknown as ReaderInternals;
      const archive = await openZipArchive(this.file);
      try {
        const parts = archive.names.filter((n) => partRank(n) >= 0).sort((a, b) => partRank(a) - partRank(b));
        for (const name of parts) {
          const entry = await archive.open(name);
          try {
            const rank = partRank(name);
            if (rank === 0) await self._parseRels(entry);
            else if (rank === 1) await self._parseWorkbook(entry);
            else if (rank === 2) await self._parseStyles(entry);
            else if (rank === 3) yield* self._parseSharedStrings(entry);
            else if (rank === 4) yield* self._parseWorksheet(entry as AsyncIterable<Buffer>, SHEET_ENTRY.exec(name)![1]!);
            else yield* self._parseHyperlinks(entry as AsyncIterable<Buffer>, HYPERLINKS_ENTRY.exec(name)![1]!);
          } finally {
            entry.destroy();
          }
        }
      } finally {
        archive.close();
      }
    }
    _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown> {
      const prefilter = this.prefilter;
      const scanner = prefilter ? (this.shared = new SharedStringsScanner(prefilter)) : undefined;
      return base._parseSharedStrings.call(this, decodedStream(entry as AsyncIterable<Buffer>, scanner ? (c) => scanner.write(c) : undefined));
    }
    _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown> {
      const prefilter = this.prefilter;
      if (!prefilter) return base._parseWorksheet.call(this, decodedChunks(iterator), sheetNo);
      const rows = this.stamp === undefined ? undefined : sheetRowsFor(`${this.file.abs}\u0000${this.stamp}\u0000${sheetNo}`);
      const text = filteredSheet(iterator as AsyncIterable<Buffer>, prefilter, () => this.shared?.result, rows);
      return base._parseWorksheet.call(this, text, sheetNo);
    }
  }
  return Reader as unknown as new (file: SourceFile, options: Record<string, unknown>, prefilter?: Prefilter, stamp?: string) => InstanceType<WorkbookReaderClass>;
}

let Reader: ReturnType<typeof readerClass> | undefined;

/**
 * exceljs's streaming WorkbookReader, without the rest of exceljs (issue #7).
 * `import('exceljs')` loads all of it: the writers, CSV, archiver and
 * unzipper, 150-270 ms of a run's start, and the reader alone needs none of
 * them. The reader module also requires unzipper at its top, which it uses
 * only in the parse() that readerClass replaces; unzipper is put in the
 * require cache as a stand-in that loads the real module the first time
 * anything touches it, so a later `import('exceljs')` (the XLSX writers)
 * that does use it gets it whole.
 */
function workbookReaderClass(): WorkbookReaderClass {
  const req = createRequire(import.meta.url);
  const readerPath = req.resolve('exceljs/lib/stream/xlsx/workbook-reader.js');
  const fromReader = createRequire(readerPath);
  const unzipperPath = fromReader.resolve('unzipper');
  if (!req.cache[unzipperPath]) {
    let real: Record<PropertyKey, unknown> | undefined;
    const load = (): Record<PropertyKey, unknown> => {
      if (!real) {
        delete req.cache[unzipperPath];
        real = fromReader('unzipper') as Record<PropertyKey, unknown>;
      }
      return real;
    };
    const stand = new Module(unzipperPath);
    stand.filename = unzipperPath;
    stand.loaded = true;
    stand.exports = new Proxy(
      {},
      {
        get: (_t, k) => load()[k],
        has: (_t, k) => k in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_t, k) => Object.getOwnPropertyDescriptor(load(), k),
      },
    );
    req.cache[unzipperPath] = stand;
  }
  return req(readerPath) as WorkbookReaderClass;
}

/** Archives vetted in this process, with the size and time of change they had then. */
const vetted = new Map<string, string>();

async function stampOf(file: SourceFile): Promise<string | undefined> {
  try {
    const st = await stat(file.abs);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Rows of every sheet (or of the named sheets), streamed. With a prefilter,
 * rows that cannot match may be left out (xlsx-filter.ts); every row that
 * is given is exactly as it is without one.
 */
export async function* readXlsxRows(
  file: SourceFile,
  opts: { sheets?: (name: string) => boolean; prefilter?: Prefilter | undefined; validate?: boolean | undefined } = {},
): AsyncGenerator<XlsxRow> {
  // Vet the archive first: its declared sizes (inspectZip) and its layout (verifyZip). An entry whose header
  // lies stops at its declared size as it is read (zip.ts, inflating), so the XML parser sees no more than that.
  // A later read in the same run of a file vetted before, and not changed since, need not inflate it all again.
  const stamp = await stampOf(file);
  if (opts.validate !== false || stamp === undefined || vetted.get(file.abs) !== stamp) {
    const entries = await inspectZip(file);
    if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
      throw new SourceReadError('not an XLSX workbook (no xl/workbook.xml inside)', { file: file.rel, code: 'xlsx.invalid' });
    }
    await verifyZip(file);
    if (stamp !== undefined) vetted.set(file.abs, stamp);
  }
  Reader ??= readerClass(workbookReaderClass());
  // exceljs's own archive streaming and temp-file spooling failed, rarely, on a good file under heavy
  // load (CI, 2026-11-25; not reproduced in isolation). The parts are now read by the directory and
  // nothing is spooled (readerClass), but a failure before any row was given is still tried once more
  // from the start, which gives nothing twice; a file that is really damaged fails both times.
  for (let attempt = 1; ; attempt++) {
    const reader = new Reader(
      file,
      {
        sharedStrings: 'cache',
        hyperlinks: 'ignore',
        // Styles tell dates from numbers; without them a date is a serial number.
        styles: 'cache',
        worksheets: 'emit',
        entries: 'emit',
      },
      opts.prefilter,
      stamp,
    );
    let given = 0;
    try {
      for await (const ws of reader) {
        const w = ws as unknown as { name?: string; id: number } & AsyncIterable<{ number: number; values: unknown[] }>;
        const sheet = w.name ?? `Sheet${w.id}`;
        if (opts.sheets && !opts.sheets(sheet)) continue;
        for await (const r of w) {
          const values: string[] = [];
          const raw = r.values;
          for (let i = 1; i < raw.length; i++) values.push(cellText(raw[i]));
          given++;
          yield { sheet, row: r.number, values };
        }
      }
      return;
    } catch (err) {
      if (err instanceof SourceReadError) throw err;
      if (given === 0 && attempt < 2) continue;
      // An OS error is the machine's (EMFILE, EACCES), not the workbook's. Only the errno code is
      // shown; parser messages can quote cell text.
      const errno = (err as NodeJS.ErrnoException | undefined)?.code;
      if (typeof errno === 'string' && /^E[A-Z]+$/u.test(errno)) {
        throw new SourceReadError(`the XLSX workbook could not be read: ${errno} while reading it`, { file: file.rel, code: 'source.unreadable', cause: err });
      }
      throw new SourceReadError('the XLSX workbook is damaged and cannot be read', { file: file.rel, code: 'xlsx.invalid', cause: err });
    }
  }
}
