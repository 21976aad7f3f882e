/**
 * The fast path for CSV (issue #7): find record boundaries in the raw bytes
 * (quotes and line breaks only, with native indexOf jumps), ask the
 * prefilter about each record's bytes, and give csv-parse, the reference
 * parser, only the records that may match. Everything else is skipped
 * without decoding or parsing.
 *
 * It yields exactly what the reference reader (csv.ts) yields for the
 * records it keeps: the same values, physical line and row number; a test
 * compares the two on every CSV fixture and on generated files. At anything
 * irregular (a quote inside an unquoted field, text after a closing quote,
 * an unclosed quote) it stops and hands over to the reference reader,
 * which reads on from the same row and reports the error exactly as usual.
 */
import { parse as parseSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { isAscii } from 'node:buffer';
import type { HitFinder } from './anchors.ts';
import { settledEncoding, type Encoding, type LegacyEncoding } from './encoding.ts';
import { readChunksReused, type SourceFile } from './files.ts';
import type { Prefilter } from './prefilter.ts';
import { MAX_RECORD_BYTES, type CsvRow } from './csv.ts';
import { RecordSkimmer } from './csv-records.ts';

/** This module, for checks.ts to run countRaggedRows in its worker. */
export const CSV_FAST_MODULE = import.meta.url;

/** A prefilter that lets nothing through: a check reads the structure only. */
const NOTHING: HitFinder = { mayMatch: () => false, mayMatchText: () => false, hits: () => [] };

export interface CsvRaggedCheck {
  ragged: number;
  firstRagged: number;
  /** Most fields of any data row (0: no data row). */
  maxFields: number;
  /** The fast path hands this file to the reference reader, which counts for itself. */
  irregular: boolean;
}

/**
 * A check (checks.ts): the rows of the whole file with another number of
 * fields than the header, as the reference reader counts them for its
 * warning, found the way the fast path finds records.
 */
export async function countRaggedRows(file: SourceFile, o: Omit<FastOptions, 'prefilter' | 'onRagged'>): Promise<CsvRaggedCheck> {
  const out: CsvRaggedCheck = { ragged: 0, firstRagged: 0, maxFields: 0, irregular: false };
  try {
    const rows = fastCsvRows(
      file,
      {
        ...o,
        prefilter: NOTHING,
        onRagged: (n, line, max) => {
          out.ragged = n;
          out.firstRagged = line;
          out.maxFields = max;
        },
      },
      { row: 0 },
    );
    for await (const r of rows) void r;
  } catch (err) {
    if (!(err instanceof Irregular)) throw err;
    out.irregular = true;
  }
  return out;
}

/** Thrown inside the fast path when the reference reader must take over. */
export class Irregular extends Error {
  constructor(readonly row: number) {
    super('irregular CSV');
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Stretches shorter than this are split here: the call would cost more than it saves. */
const SKIM_MIN = 256;

interface FastOptions {
  delimiter: string;
  prefilter: Prefilter;
  encoding: Encoding | undefined;
  legacyEncoding: LegacyEncoding;
  /** Fields of the header, to tell a cut-off last row. */
  headerFields: number;
  /**
   * Count the rows with another number of fields than the header, as the
   * reference reader warns about them (a check: checks.ts runs it over the
   * whole file while the prefiltered read skips what it can).
   */
  onRagged?: (count: number, firstLine: number, maxFields: number) => void;
}

/** Fields of the record in `buf[s, e)`: delimiters outside quotes, plus one. */
function fieldsIn(buf: Buffer, s: number, e: number, delim: number, quoted: boolean): number {
  let n = 1;
  if (!quoted) {
    for (let i = buf.indexOf(delim, s); i >= 0 && i < e; i = buf.indexOf(delim, i + 1)) n++;
    return n;
  }
  let inQuotes = false;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (c === delim && !inQuotes) n++;
  }
  return n;
}

/** A CR in `buf[s, e)` that is not followed by an LF. */
function hasBareCr(buf: Buffer, s: number, e: number): boolean {
  for (let i = buf.indexOf(CR, s); i >= 0 && i < e; i = buf.indexOf(CR, i + 1)) if (buf[i + 1] !== LF) return true;
  return false;
}

function decode(buf: Buffer, s: number, e: number, enc: Encoding | undefined): string {
  if (!enc || enc === 'utf8') return buf.toString('utf8', s, e);
  return iconv.decode(buf.subarray(s, e), enc === 'utf16le' ? 'utf-16le' : enc === 'utf16be' ? 'utf-16be' : enc);
}

/**
 * Data rows (after the header) of a UTF-8 or single-byte CSV file whose
 * records may match. `state.row` is the last row handled, so that the
 * reference reader can take over after it when Irregular is thrown.
 */
export async function* fastCsvRows(file: SourceFile, o: FastOptions, state: { row: number; given?: boolean }): AsyncGenerator<CsvRow> {
  const delim = o.delimiter.charCodeAt(0);
  const hitFinder = 'hits' in o.prefilter ? (o.prefilter as HitFinder) : undefined;
  let enc = o.encoding;
  let settled = enc !== undefined;
  let carry: Buffer | undefined;
  let line = 1; // physical line of `pos`
  let recordsSeen = 0; // records, the header included
  let first = true;
  let mode: 'lf' | 'crlf' | undefined;
  let ragged = 0;
  let firstRagged = 0;
  let maxFields = 0;
  const counting = o.onRagged !== undefined;
  // The first data row that is not blank is always given: readers decide about the file
  // on it (a connector's checks of its columns), as they do reading every row.
  let given = state.given ?? false;
  /**
   * Scans whole records of `buf` from `start` and yields those that may
   * match; returns where a record begins that runs past the buffer's end.
   */
  const scan = function* (buf: Buffer, start: number): Generator<CsvRow, number> {
    if (!settled && !isAscii(buf.subarray(start))) {
      // Undefined while the chunk's edge cuts the first sequence: its record waits for the next chunk.
      enc = settledEncoding(buf, start, o.legacyEncoding);
      settled = enc !== undefined;
    }
    const hits = hitFinder ? hitFinder.hits(buf, start, buf.length) : undefined;
    let hi = 0;
    let pos = start;
    // The stretches between hits go to the WebAssembly splitter (csv-records.ts), which takes their
    // plain records in bulk; for a check, only those with the header's number of fields, so that the
    // others are counted here.
    const skimmer = hits && (!counting || o.headerFields > 0) && buf.length - start >= SKIM_MIN ? RecordSkimmer.get() : undefined;
    const owner = {};
    let skimmed = false;
    // The next quote at or after a position, remembered: a file without
    // quotes would otherwise be searched to its end once per record.
    let nextQuote = -2;
    const quoteFrom = (from: number): number => {
      if (nextQuote === -1 || (nextQuote >= from && nextQuote !== -2)) return nextQuote;
      nextQuote = buf.indexOf(QUOTE, from);
      return nextQuote;
    };
    // Scan whole records; a record cut by the buffer's end waits for the next chunk.
    while (pos < buf.length) {
      // Only after the header and the first row that is always given, with the line ending settled:
      // from there on a record without a hit is skipped, and only the counts move.
      if (skimmer && hits && !skimmed && given && mode !== undefined && recordsSeen >= 1) {
        while (hi < hits.length && hits[hi]! < pos) hi++;
        const limit = hi < hits.length ? hits[hi]! : buf.length;
        if (limit - pos >= SKIM_MIN) {
          const r = skimmer.skim(owner, buf, pos, limit, delim, mode === 'crlf', counting ? o.headerFields : 0);
          if (counting && r.records > 0 && o.headerFields > maxFields) maxFields = o.headerFields;
          recordsSeen += r.records;
          state.row += r.records;
          line += r.lines;
          pos = r.stop;
          // The record it stopped before (a hit's, or one it does not take) is read below.
          skimmed = true;
          continue;
        }
      }
      skimmed = false;
      const recStart = pos;
      const recLine = line;
      let p = pos;
      let inQuotes = false;
      let quoted = false;
      let end = -1;
      let linesInside = 0;
      for (;;) {
        if (inQuotes) {
          const q = quoteFrom(p);
          if (q < 0) break;
          for (let n = buf.indexOf(LF, p); n >= 0 && n < q; n = buf.indexOf(LF, n + 1)) linesInside++;
          if (q + 1 >= buf.length) break; // cannot tell an escaped quote yet
          if (buf[q + 1] === QUOTE) {
            p = q + 2;
            continue;
          }
          const next = buf[q + 1]!;
          if (next !== delim && next !== CR && next !== LF) throw new Irregular(state.row);
          inQuotes = false;
          p = q + 1;
          continue;
        }
        const n = buf.indexOf(LF, p);
        const q = quoteFrom(p);
        if (q >= 0 && (n < 0 || q < n)) {
          // A quote opens a field only at the field's start.
          const prev = q === recStart ? -1 : buf[q - 1]!;
          if (prev !== -1 && prev !== delim) throw new Irregular(state.row);
          inQuotes = true;
          quoted = true;
          p = q + 1;
          continue;
        }
        if (n < 0) break;
        end = n;
        break;
      }
      if (end < 0) {
        // The record runs past the buffer: it waits for the next chunk.
        if (buf.length - recStart > MAX_RECORD_BYTES) throw new Irregular(state.row);
        return recStart;
      }
      pos = end + 1;
      line = recLine + 1 + linesInside;
      // csv-parse settles the record delimiter on the first line ending it
      // meets (LF or CRLF); after that, the other one is data. Files that mix
      // them go to the reference reader.
      const crlf = end > recStart && buf[end - 1] === CR;
      mode ??= crlf ? 'crlf' : 'lf';
      if ((mode === 'crlf') !== crlf) throw new Irregular(state.row);
      const e = crlf ? end - 1 : end;
      if (e === recStart) continue; // an empty line is no record (skip_empty_lines)
      recordsSeen++;
      if (recordsSeen === 1) continue; // the header
      state.row++;
      if (counting) {
        const fields = fieldsIn(buf, recStart, e, delim, quoted);
        if (fields > maxFields) maxFields = fields;
        if (fields !== o.headerFields && ragged++ === 0) firstRagged = recLine;
      }
      let keep: boolean;
      if (hits) {
        while (hi < hits.length && hits[hi]! < recStart) hi++;
        keep = hi < hits.length && hits[hi]! < end;
      } else keep = o.prefilter.mayMatch(buf, recStart, end);
      if (!keep && given) continue;
      // A bare CR within the record (in a value; not one of a quoted CRLF): parseSync alone would take it for the
      // record's end, where the reference reads it as data.
      if (hasBareCr(buf, recStart, e)) throw new Irregular(state.row - 1);
      const text = decode(buf, recStart, e, enc);
      const rec = parseSync(text, { delimiter: o.delimiter, relax_column_count: true, bom: false }) as string[][];
      const values = rec[0] ?? [];
      const blank = values.every((v) => v.trim() === '');
      if (!keep && blank) continue;
      if (!blank) given = state.given = true;
      yield { line: recLine, row: state.row, values };
    }
    return buf.length;
  };

  // A chunk is valid only until the next (readChunksReused): what is carried over is copied.
  for await (let chunk of readChunksReused(file.abs, file.rel)) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let start = 0;
    if (carry) {
      // The record carried over usually ends at the chunk's first line break:
      // join just that much, and scan the rest of the chunk where it lies.
      const lf = chunk.indexOf(LF);
      if (lf < 0) {
        if (carry.length + chunk.length > MAX_RECORD_BYTES) throw new Irregular(state.row);
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, lf + 1)]);
      carry = undefined;
      const rest = yield* scan(joined, 0);
      if (rest < joined.length) {
        // Still open (a quoted line break): the slow way, the rest of the chunk joined on.
        const buf = Buffer.concat([joined.subarray(rest), chunk.subarray(lf + 1)]);
        const left = yield* scan(buf, 0);
        if (left < buf.length) carry = Buffer.from(buf.subarray(left));
        continue;
      }
      start = lf + 1;
    }
    const left = yield* scan(chunk, start);
    // Copied: the chunk's buffer is read into again (readChunksReused).
    if (left < chunk.length) carry = Buffer.from(chunk.subarray(left));
  }
  if (carry && carry.length > 0) {
    // The last record has no line break after it.
    const recLine = line;
    let e = carry.length;
    // A bare CR, at the very end (in CRLF mode the reference drops it only before an LF; past the end there is
    // no LF) or within (parseSync would take it for the record's end): the reference decides.
    if (hasBareCr(carry, 0, e)) throw new Irregular(state.row);
    if (e === 0) return;
    // An unclosed quote at the end of the file: the reference reports it.
    let quotes = 0;
    for (let q = carry.indexOf(QUOTE); q >= 0; q = carry.indexOf(QUOTE, q + 1)) quotes++;
    if (quotes % 2 === 1) throw new Irregular(state.row);
    recordsSeen++;
    if (recordsSeen === 1) return;
    const text = decode(carry, 0, e, settled ? enc : settledEncoding(carry, 0, o.legacyEncoding, true));
    const values = (parseSync(text, { delimiter: o.delimiter, relax_column_count: true, bom: false }) as string[][])[0] ?? [];
    state.row++;
    // A last row cut short (fewer fields than the header, no line break): the reference reports the file.
    if (values.length < o.headerFields) throw new Irregular(state.row - 1);
    if (counting) {
      if (values.length > maxFields) maxFields = values.length;
      if (values.length !== o.headerFields && ragged++ === 0) firstRagged = recLine;
    }
    if (o.prefilter.mayMatch(carry, 0, e) || (!given && values.some((v) => v.trim() !== ''))) yield { line: recLine, row: state.row, values };
  }
  o.onRagged?.(ragged, firstRagged, maxFields);
}
