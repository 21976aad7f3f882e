/**
 * Streaming CSV reading on csv-parse, the reference parser.
 *
 * Real exports come with a BOM or without, `,` `;` or tab delimiters,
 * Windows-1252 or UTF-8 or UTF-16, quoted fields with newlines in them, and
 * ragged rows. The delimiter and encoding are sniffed from the content unless
 * the source says otherwise. Each row carries the physical line it starts on.
 */
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { SourceReadError } from '../errors.ts';
import { SniffingDecoder, sniffBom, sniffUtf16, type Encoding, type LegacyEncoding } from './encoding.ts';
import { readChunks, readHead, type SourceFile } from './files.ts';
import { fastCsvRows, Irregular } from './csv-fast.ts';
import type { Prefilter } from './prefilter.ts';
import { check } from './checks.ts';
import { CSV_FAST_MODULE, type CsvRaggedCheck } from './csv-fast.ts';
import { MAX_LINE_CHARS } from './lines.ts';

export interface CsvReadOptions {
  /** One character; sniffed from the header line when not given. */
  delimiter?: string | undefined;
  encoding?: Encoding | undefined;
  /** Which legacy encoding a non-UTF-8 file is, when the bytes cannot tell. */
  legacyEncoding?: LegacyEncoding;
  /** Called once per file with a summary of rows that had another number of fields than the header. */
  onRaggedRows?: (count: number, firstLine: number) => void;
  /** False: a later read, whose warnings are not reported; with a prefilter, rows are then not counted for them. */
  validate?: boolean | undefined;
  /**
   * With a prefilter: told (perhaps later) the most fields any data row had,
   * skipped rows included, for a connector that reports the fields it saw.
   */
  onShape?: ((maxFields: number) => void) | undefined;
  /** Where reports known only later go (ReadContext.later): a check counting rows in a worker. Absent: awaited. */
  later?: ((p: Promise<() => void>) => void) | undefined;
  /**
   * Rows whose bytes it rejects are skipped without being parsed (the fast
   * path, csv-fast.ts). Ragged-row warnings then cover the kept rows only.
   */
  prefilter?: Prefilter | undefined;
}

export interface CsvRow {
  /** 1-based physical line the record starts on (the header is line 1). */
  line: number;
  /** 1-based data row number (the first row after the header is 1). */
  row: number;
  values: string[];
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Picks the delimiter that occurs most often outside quotes in the first
 * record that has one: a title line above the header has none.
 */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  let seen = 0;
  let lines = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) {
      if (seen > 0 || ++lines > 20) break;
    } else if (!inQuotes && counts.has(c)) {
      counts.set(c, counts.get(c)! + 1);
      seen++;
    }
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Longer records (a quoted field that is never closed in a big file) are refused rather than buffered without bound (issue #8). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Decoded text chunks, with the encoding settled from the content. */
async function* decodedText(chunks: AsyncIterable<Buffer>, decoder: SniffingDecoder): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const t = decoder.write(chunk);
    if (t) yield t;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

function isBreak(c: number): boolean {
  return c === 10 || c === 13;
}

/**
 * The text cut after its last line break, so that the parser only ever gets
 * whole physical lines. A line longer than `max` characters is refused
 * before the parser has to buffer it (a file of one 100 MB line: issue #8).
 * `state.endsWithBreak` tells whether the text ended with a line break.
 */
async function* wholeLines(
  text: AsyncIterable<string>,
  file: { rel: string },
  max: number,
  state: { endsWithBreak: boolean },
): AsyncGenerator<string> {
  let pending: string[] = [];
  let pendingLength = 0;
  let lines = 0;
  for await (const t of text) {
    let last = t.length - 1;
    while (last >= 0 && !isBreak(t.charCodeAt(last))) last--;
    if (last < 0) {
      pending.push(t);
      pendingLength += t.length;
      if (pendingLength > max) {
        throw new SourceReadError(`line ${lines + 1} is longer than ${Math.round(max / 1048576)} MiB without a line break`, {
          file: file.rel,
          line: lines + 1,
          code: 'line.too-long',
        });
      }
      continue;
    }
    const head = t.slice(0, last + 1);
    const out = pending.length > 0 ? pending.join('') + head : head;
    for (let i = head.indexOf('\n'); i >= 0; i = head.indexOf('\n', i + 1)) lines++;
    pending = last + 1 < t.length ? [t.slice(last + 1)] : [];
    pendingLength = t.length - last - 1;
    state.endsWithBreak = pendingLength === 0;
    yield out;
  }
  if (pending.length > 0) {
    state.endsWithBreak = false;
    yield pending.join('');
  }
}

/** `recordLine`: where the record being parsed began; an unclosed quote is reported there, not at the end of the file. */
function csvFailure(file: { rel: string }, err: unknown, recordLine?: number): SourceReadError {
  // Already located and worded: an over-long line, or a read error of the file or ZIP entry.
  if (err instanceof SourceReadError) return err;
  if (err instanceof CsvError) {
    const e = err as CsvError & { lines?: number };
    // A record that runs over several lines went wrong where it began: an opening quote without its closing one.
    const spans = recordLine !== undefined && e.lines !== undefined && e.lines > recordLine;
    const atStart = e.code === 'CSV_QUOTE_NOT_CLOSED' || e.code === 'CSV_MAX_RECORD_SIZE' || (e.code === 'CSV_INVALID_CLOSING_QUOTE' && spans);
    const line = atStart && recordLine ? recordLine : e.lines;
    // csv-parse messages quote field values for some codes: ours never do.
    const what =
      e.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed (unbalanced quotes, or the file is cut off)'
        : e.code === 'CSV_MAX_RECORD_SIZE'
          ? `the row that starts here runs on for more than ${MAX_RECORD_BYTES / 1048576} MiB: a quoted field is never closed (unbalanced quotes)`
          : e.code === 'CSV_INVALID_CLOSING_QUOTE' && spans
            ? `unbalanced quotes: a quoted field that opens in the row starting here runs on to line ${e.lines}`
            : e.code === 'CSV_INVALID_CLOSING_QUOTE'
              ? 'a quote inside a field is not doubled or not followed by a delimiter'
              : e.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
                ? 'characters follow a closing quote'
                : (e.code as string) === 'INVALID_OPENING_QUOTE' || (e.code as string) === 'CSV_INVALID_OPENING_QUOTE'
                  ? 'a quote inside a field that is not quoted (or the file uses another delimiter than the one it is read with)'
                  : `malformed CSV (${e.code})`;
    return new SourceReadError(`${what}`, { file: file.rel, ...(line ? { line } : {}), code: 'csv.malformed', cause: err });
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  return new SourceReadError(`cannot read the file${code ? ` (${code})` : ''}`, { file: file.rel, code: 'source.unreadable', cause: err });
}

/**
 * csv-parse (6.2.1) counts the CR and the LF of a CRLF inside a quoted field
 * as two lines (checked locally): how many lines it counted too many in a record.
 */
function crlfsIn(record: string[]): number {
  let n = 0;
  for (const v of record) {
    for (let i = v.indexOf('\r\n'); i >= 0; i = v.indexOf('\r\n', i + 2)) n++;
  }
  return n;
}

export interface CsvReader {
  header: string[];
  delimiter: string;
  rows: AsyncGenerator<CsvRow>;
  /** The encoding the content settled on (known after the first rows). */
  encoding(): Encoding | undefined;
}

/**
 * Opens a CSV file: reads the header, and returns a generator of the data rows.
 * Throws SourceReadError (with file and line) for malformed content.
 */
export async function openCsv(file: SourceFile, opts: CsvReadOptions = {}): Promise<CsvReader> {
  const reference = await openCsvChunks({ rel: file.rel }, readChunks(file.abs, undefined, file.rel), opts);
  const prefilter = opts.prefilter;
  if (!prefilter) return reference;
  const head = await readHead(file.abs, 4096, file.rel);
  // UTF-16 is transcoded by the reference reader only: the fast path scans single-byte-compatible text.
  if (reference.encoding()?.startsWith('utf16') || sniffBom(head).encoding?.startsWith('utf16') || sniffUtf16(head)) return reference;
  await reference.rows.return(undefined);
  const delimiter = reference.delimiter;
  const rows = (async function* (): AsyncGenerator<CsvRow> {
    const state: { row: number; given?: boolean } = { row: 0 };
    const fast = { delimiter, encoding: opts.encoding, legacyEncoding: opts.legacyEncoding ?? 'cp1252', headerFields: reference.header.length };
    // The rows the prefilter skips are still counted for the warning about ragged rows, in a worker (checks.ts).
    const counting =
      (opts.onRaggedRows || opts.onShape) && opts.validate !== false ? check<CsvRaggedCheck>({ module: CSV_FAST_MODULE, fn: 'countRaggedRows', args: [file, fast] }) : undefined;
    try {
      yield* fastCsvRows(file, { ...fast, prefilter }, state);
      if (counting) {
        const report = counting.then((c) => () => {
          if (c.irregular) return;
          if (c.maxFields > 0) opts.onShape?.(c.maxFields);
          if (c.ragged > 0) opts.onRaggedRows?.(c.ragged, c.firstRagged);
        });
        if (opts.later) opts.later(report);
        else (await report)();
      }
    } catch (err) {
      if (!(err instanceof Irregular)) throw err;
      // The reference reader reads on after the last row handled, and reports what is wrong as usual.
      const again = await openCsvChunks({ rel: file.rel }, readChunks(file.abs, undefined, file.rel), { ...opts, prefilter: undefined });
      let widest = 0;
      for await (const r of again.rows) {
        if (r.values.length > widest) widest = r.values.length;
        if (r.row <= err.row) continue;
        const bytes = Buffer.from(r.values.join(delimiter), 'utf8');
        const blank = r.values.every((v) => v.trim() === '');
        if (prefilter.mayMatch(bytes, 0, bytes.length) || (!state.given && !blank)) {
          if (!blank) state.given = true;
          yield r;
        }
      }
      if (widest > 0) opts.onShape?.(widest);
    }
  })();
  return { header: reference.header, delimiter, rows, encoding: reference.encoding };
}

/** A text in pieces of about 64 Ki characters, cut after line breaks where there are any. */
function* pieces(text: string): Generator<string> {
  const size = 64 * 1024;
  let at = 0;
  while (text.length - at > size) {
    const nl = text.indexOf('\n', at + size);
    if (nl < 0) break;
    yield text.slice(at, nl + 1);
    at = nl + 1;
  }
  if (at < text.length) yield at === 0 ? text : text.slice(at);
}

/** The same over any byte stream, such as a ZIP entry; `file.rel` names it in errors. */
export async function openCsvChunks(file: { rel: string }, chunks: AsyncIterable<Buffer>, opts: CsvReadOptions = {}): Promise<CsvReader> {
  const decoder = new SniffingDecoder(opts.legacyEncoding ?? 'cp1252', opts.encoding);
  const ending = { endsWithBreak: true };
  const text = wholeLines(decodedText(chunks, decoder), file, MAX_LINE_CHARS, ending);
  let r;
  try {
    r = await text.next();
  } catch (err) {
    throw csvFailure(file, err, 1);
  }
  const firstChunk: string = r.done ? '' : r.value;
  const delimiter = opts.delimiter ?? sniffDelimiter(firstChunk);
  // csv-parse takes the first line's break for every record: a header ending in CRLF over rows
  // ending in LF (a file edited by hand) became one record of every row. Both are taken as
  // breaks, unless the file breaks its lines with a bare CR (classic Mac), which csv-parse finds.
  const nl = firstChunk.search(/[\r\n]/u);
  const bareCr = nl >= 0 && firstChunk[nl] === '\r' && firstChunk[nl + 1] !== '\n';
  const source = Readable.from(
    (async function* () {
      // In pieces, so that a reader that only wants the header (the fast path, csv-fast.ts)
      // does not have the parser go through the whole first chunk first.
      if (firstChunk) yield* pieces(firstChunk);
      yield* text;
    })(),
    { objectMode: false },
  );
  // The first error, raised once every record before it has been delivered: a stream that errors
  // drops the records it still buffers, so neither kind of error is left to the stream.
  // - a bad record: csv-parse skips it (skip_records_with_error) and reports it with the number of
  //   records before it; feeding stops there, as if the parser had failed;
  // - a failed read of the bytes (an I/O error, an over-long line, a ZIP entry that lies about its size).
  let bad: (CsvError & { records?: number }) | undefined;
  let readFailure: unknown;
  let delivered = 0;
  const stopFeeding = (): void => {
    source.unpipe(parser);
    source.destroy();
    if (!parser.writableEnded) parser.end();
  };
  const parser = parse({
    delimiter,
    ...(bareCr ? {} : { record_delimiter: ['\r\n', '\n'] }),
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (err && !bad) {
        bad = err;
        stopFeeding();
      }
    },
  });
  source.pipe(parser);
  source.on('error', (err) => {
    readFailure ??= err;
    stopFeeding();
  });
  type Parsed = { record: string[]; info: { lines: number; empty_lines: number } };
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<Parsed>;
  const closeAll = (): void => {
    parser.destroy();
    source.destroy();
  };
  /** The next record, or the error that comes before it. `recordLine`: where it starts. */
  const nextRecord = async (recordLine: number): Promise<Parsed | undefined> => {
    const failed = (): void => {
      if (bad && delivered >= (bad.records ?? 0)) throw csvFailure(file, bad, recordLine);
    };
    failed();
    let r: IteratorResult<Parsed>;
    try {
      r = await iterator.next();
    } catch (err) {
      throw csvFailure(file, err, recordLine);
    }
    failed();
    if (r.done) {
      if (readFailure !== undefined) throw csvFailure(file, readFailure, recordLine);
      return undefined;
    }
    delivered++;
    return r.value;
  };
  let first: Parsed | undefined;
  try {
    first = await nextRecord(1);
  } catch (err) {
    closeAll();
    throw err;
  }
  if (!first) {
    closeAll();
    throw new SourceReadError('the file is empty: no header row', { file: file.rel, code: 'csv.empty' });
  }
  const header = first.record.map((h) => h.trim());
  let overcount = crlfsIn(first.record);
  let prevEnd = first.info.lines - overcount;
  let prevEmpty = first.info.empty_lines;
  const rows = (async function* (): AsyncGenerator<CsvRow> {
    let row = 0;
    let ragged = 0;
    let firstRagged = 0;
    let last: { line: number; fields: number } | undefined;
    try {
      while (true) {
        const r = await nextRecord(prevEnd + 1);
        if (!r) break;
        const { record, info } = r;
        const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
        overcount += crlfsIn(record);
        prevEnd = info.lines - overcount;
        prevEmpty = info.empty_lines;
        row++;
        if (record.length !== header.length) {
          if (ragged === 0) firstRagged = line;
          ragged++;
        }
        last = { line, fields: record.length };
        yield { line, row, values: record };
      }
      // A last row with fewer fields than the header and no line break after it: the file was cut off in that row.
      // Its fields (and every row before it) have been read; the file is still reported.
      const cut = last !== undefined && !ending.endsWithBreak && last.fields < header.length;
      if (cut) ragged--;
      if (ragged > 0) opts.onRaggedRows?.(ragged, firstRagged);
      if (cut) {
        throw new SourceReadError(
          `the file ends in the middle of a row: line ${last!.line} has ${last!.fields} of ${header.length} fields and no line break (the file is cut off)`,
          { file: file.rel, line: last!.line, code: 'csv.truncated' },
        );
      }
    } finally {
      closeAll();
    }
  })();
  return { header, delimiter, rows, encoding: () => decoder.settled };
}

/** Pairs a row with the header; extra fields get the names `_extra1`, `_extra2`, ... */
export function rowObject(header: string[], values: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < values.length; i++) {
    const name = i < header.length ? header[i]! : `_extra${i - header.length + 1}`;
    o[name || `_column${i + 1}`] = values[i]!;
  }
  return o;
}
