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
import { SniffingDecoder, type Encoding, type LegacyEncoding } from './encoding.ts';
import { readChunks, type SourceFile } from './files.ts';

export interface CsvReadOptions {
  /** One character; sniffed from the header line when not given. */
  delimiter?: string | undefined;
  encoding?: Encoding | undefined;
  /** Which legacy encoding a non-UTF-8 file is, when the bytes cannot tell. */
  legacyEncoding?: LegacyEncoding;
  /** Called once per file with a summary of rows that had another number of fields than the header. */
  onRaggedRows?: (count: number, firstLine: number) => void;
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

/** Decoded text chunks, with the encoding settled from the content. */
async function* decodedText(chunks: AsyncIterable<Buffer>, decoder: SniffingDecoder): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    const t = decoder.write(chunk);
    if (t) yield t;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** `recordLine`: where the record being parsed began; an unclosed quote is reported there, not at the end of the file. */
function csvFailure(file: { rel: string }, err: unknown, recordLine?: number): SourceReadError {
  if (err instanceof CsvError) {
    const e = err as CsvError & { lines?: number };
    const line = e.code === 'CSV_QUOTE_NOT_CLOSED' && recordLine ? recordLine : e.lines;
    // csv-parse messages quote no field values for these codes.
    const what =
      e.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'a quoted field is never closed (unbalanced quotes, or the file is cut off)'
        : e.code === 'CSV_INVALID_CLOSING_QUOTE'
          ? 'a quote inside a field is not doubled or not followed by a delimiter'
          : e.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE'
            ? 'characters follow a closing quote'
            : `malformed CSV (${e.code})`;
    return new SourceReadError(`${what}`, { file: file.rel, ...(line ? { line } : {}), code: 'csv.malformed', cause: err });
  }
  return new SourceReadError(`cannot read file: ${(err as Error).message}`, { file: file.rel, code: 'source.unreadable', cause: err });
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
  return openCsvChunks({ rel: file.rel }, readChunks(file.abs, undefined, file.rel), opts);
}

/** The same over any byte stream, such as a ZIP entry; `file.rel` names it in errors. */
export async function openCsvChunks(file: { rel: string }, chunks: AsyncIterable<Buffer>, opts: CsvReadOptions = {}): Promise<CsvReader> {
  const decoder = new SniffingDecoder(opts.legacyEncoding ?? 'cp1252', opts.encoding);
  const text = decodedText(chunks, decoder);
  let delimiter = opts.delimiter;
  let firstChunk: string | undefined;
  if (!delimiter) {
    const r = await text.next();
    firstChunk = r.done ? '' : r.value;
    delimiter = sniffDelimiter(firstChunk);
  }
  const source = Readable.from(
    (async function* () {
      if (firstChunk) yield firstChunk;
      yield* text;
    })(),
    { objectMode: false },
  );
  const parser = source.pipe(
    parse({
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  const iterator = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number; empty_lines: number } }>;
  const closeAll = (): void => {
    parser.destroy();
    source.destroy();
  };
  let first: IteratorResult<{ record: string[]; info: { lines: number; empty_lines: number } }>;
  try {
    first = await iterator.next();
  } catch (err) {
    closeAll();
    throw csvFailure(file, err, 1);
  }
  if (first.done) {
    closeAll();
    throw new SourceReadError('the file is empty: no header row', { file: file.rel, code: 'csv.empty' });
  }
  const header = first.value.record.map((h) => h.trim());
  let overcount = crlfsIn(first.value.record);
  let prevEnd = first.value.info.lines - overcount;
  let prevEmpty = first.value.info.empty_lines;
  const rows = (async function* (): AsyncGenerator<CsvRow> {
    let row = 0;
    let ragged = 0;
    let firstRagged = 0;
    try {
      while (true) {
        let r;
        try {
          r = await iterator.next();
        } catch (err) {
          throw csvFailure(file, err, prevEnd + 1);
        }
        if (r.done) break;
        const { record, info } = r.value;
        const line = prevEnd + 1 + (info.empty_lines - prevEmpty);
        overcount += crlfsIn(record);
        prevEnd = info.lines - overcount;
        prevEmpty = info.empty_lines;
        row++;
        if (record.length !== header.length) {
          if (ragged === 0) firstRagged = line;
          ragged++;
        }
        yield { line, row, values: record };
      }
      if (ragged > 0) opts.onRaggedRows?.(ragged, firstRagged);
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
