/**
 * Newline-delimited JSON (JSON Lines) as BigQuery extract jobs write it
 * (`bq extract --destination_format NEWLINE_DELIMITED_JSON`): one value per
 * line, UTF-8, and GZIP-compressed when the job asked for it. Compression is
 * recognised from the gzip magic bytes, not the name: the job writes
 * whatever name the destination URI gives, `.json` included.
 *
 * Lines are split on bytes, before any decoding, so that a prefilter (issue
 * #7) can skip a line's bytes without building a string. This is sound for
 * UTF-8 only (a 0x0A byte never occurs inside a multi-byte sequence), which
 * is what JSON exchanged between systems must be (RFC 8259 §8.1). UTF-16
 * content (Windows PowerShell's `Out-File` writes it) is recognised and
 * re-encoded to UTF-8 before lines are split, so it reads too.
 */
import { createReadStream } from 'node:fs';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { SourceReadError } from '../errors.ts';
import { utf16AsUtf8 } from './encoding.ts';
import { READ_CHUNK, readChunksReused, readHead, type SourceFile } from './files.ts';
import { MAX_LINE_CHARS } from './lines.ts';
import type { Prefilter } from './prefilter.ts';
import type { HitFinder } from './anchors.ts';
import { jsonTextTooDeep } from './json.ts';
import { JsonRows } from './json-rows.ts';

export interface NdjsonLine {
  /** 1-based physical line (of the decompressed content). */
  line: number;
  text: string;
  /** The last line of the content had no line break: it may be cut off. */
  unterminated?: boolean;
}

export interface NdjsonReadOptions {
  /** Lines whose bytes it rejects are not decoded or yielded. Empty lines never are. */
  prefilter?: Prefilter | undefined;
  /** Called with the bytes of the file read so far (compressed bytes for a gzip file). */
  progress?: ((bytesRead: number) => void) | undefined;
  /** Longer lines are refused rather than buffered without bound (issue #8). */
  maxLineBytes?: number;
  /**
   * Lines as Latin-1 (one character per byte) instead of UTF-8: for checks
   * of the structure only (JSON's structure is ASCII, and a byte above 0x7F
   * is valid in a string and invalid elsewhere however it is decoded), which
   * parse such text faster.
   */
  latin1?: boolean;
  /**
   * A validator that can tell that a line is certainly a row (json-rows.ts):
   * such lines are handed to `row` with their line number instead of being
   * decoded and yielded, in their place among the lines that are.
   */
  rows?: { isRow(buf: Uint8Array, start: number, end: number): boolean; row(line: number): void } | undefined;
}

export function isGzip(head: Uint8Array): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The start of a gzip file's content, for `detect()`. Only the first 8 KiB
 * of compressed bytes are inflated, so a crafted head cannot expand to more
 * than a few MiB. Empty when the bytes are not gzip.
 */
export function gunzipHead(head: Buffer): Buffer {
  try {
    return gunzipSync(head.subarray(0, 8192), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

function gzipFailure(file: SourceFile, err: unknown, line: number): SourceReadError {
  const code = (err as { code?: string }).code;
  // Z_BUF_ERROR is zlib's "unexpected end of file": the compressed stream stops early.
  if (code === 'Z_BUF_ERROR') {
    return new SourceReadError('the gzip data ends before it is complete (the file is cut off)', { file: file.rel, line, code: 'gzip.truncated', cause: err });
  }
  return new SourceReadError('the gzip data is damaged (not valid gzip, or a checksum does not match)', { file: file.rel, line, code: 'gzip.invalid', cause: err });
}

async function* plainChunks(file: SourceFile, progress: ((n: number) => void) | undefined): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of readChunksReused(file.abs, file.rel)) {
    read += chunk.length;
    progress?.(read);
    yield chunk;
  }
}

async function* gunzipChunks(file: SourceFile, progress: ((n: number) => void) | undefined, lineNow: () => number): AsyncGenerator<Buffer> {
  const source = createReadStream(file.abs, { highWaterMark: READ_CHUNK });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  let read = 0;
  source.on('data', (c) => {
    read += c.length;
    progress?.(read);
  });
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof SourceReadError) throw err;
    if ((err as { code?: string }).code?.startsWith('Z_')) throw gzipFailure(file, err, lineNow());
    throw new SourceReadError(`cannot read file: ${(err as Error).message}`, { file: file.rel, code: 'source.unreadable', cause: err });
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

/**
 * The non-empty lines of an NDJSON file, plain or gzip-compressed, with
 * their physical line numbers. A trailing CR is dropped, and a UTF-8 BOM
 * on the first line; UTF-16 content is read as UTF-8. Throws
 * SourceReadError for an over-long line, or broken gzip data (after
 * yielding every complete line before the damage).
 */
export async function* readNdjsonLines(file: SourceFile, opts: NdjsonReadOptions = {}): AsyncGenerator<NdjsonLine> {
  const max = opts.maxLineBytes ?? MAX_LINE_CHARS;
  const prefilter = opts.prefilter;
  const rows = opts.rows;
  const encoding = opts.latin1 ? 'latin1' : 'utf8';
  let lineNo = 0;
  const gz = isGzip(await readHead(file.abs, 2));
  const chunks = utf16AsUtf8(gz ? gunzipChunks(file, opts.progress, () => lineNo + 1) : plainChunks(file, opts.progress));
  // The part of a line that runs over a chunk edge; joined once the line ends.
  let parts: Buffer[] = [];
  let partsLength = 0;
  let first = true;
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let start = 0;
    // One search over the whole chunk, then each line asks whether a hit
    // falls inside it: far cheaper than a search per line.
    const hits = prefilter && 'hits' in prefilter ? (prefilter as HitFinder).hits(chunk, 0, chunk.length) : undefined;
    let hi = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      lineNo++;
      let buf = chunk;
      let s = start;
      let e = nl;
      const whole = parts.length === 0;
      if (parts.length > 0) {
        parts.push(chunk.subarray(start, nl));
        buf = Buffer.concat(parts);
        s = 0;
        e = buf.length;
        parts = [];
        partsLength = 0;
      }
      start = nl + 1;
      if (e > s && buf[e - 1] === 0x0d) e--;
      if (e === s) continue;
      if (prefilter) {
        if (hits && whole) {
          while (hi < hits.length && hits[hi]! < s) hi++;
          if (hi >= hits.length || hits[hi]! >= e) continue;
        } else if (!prefilter.mayMatch(buf, s, e)) continue;
      }
      if (rows?.isRow(buf, s, e)) {
        rows.row(lineNo);
        continue;
      }
      yield { line: lineNo, text: buf.toString(encoding, s, e) };
    }
    if (start < chunk.length) {
      // Copied: a plain file's chunk is valid only until the next (readChunksReused).
      parts.push(Buffer.from(chunk.subarray(start)));
      partsLength += chunk.length - start;
      if (partsLength > max) {
        throw new SourceReadError(`line ${lineNo + 1} is longer than ${Math.round(max / 1048576)} MiB without a line break`, {
          file: file.rel,
          line: lineNo + 1,
          code: 'line.too-long',
        });
      }
    }
  }
  if (partsLength > 0) {
    lineNo++;
    let buf = Buffer.concat(parts);
    if (buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, -1);
    if (buf.length > 0 && (!prefilter || prefilter.mayMatch(buf, 0, buf.length))) {
      yield { line: lineNo, text: buf.toString(encoding), unterminated: true };
    }
  }
}

/** This module, for checks.ts to run checkNdjsonRows in its worker. */
export const NDJSON_MODULE = import.meta.url;

/** Lines that all fail from the start mean the file is not NDJSON at all. */
export const NOT_NDJSON_AFTER = 50;

export type NdjsonLineKind = { row: Record<string, unknown> } | 'blank' | 'bad' | 'deep';

/**
 * What a line of an NDJSON export of rows is: a row (a JSON object), blank,
 * not a JSON object, or nested too deeply to read safely (a row nested
 * thousands of levels deep would overflow the stack of whatever walks it
 * later, the JSON output).
 */
export function ndjsonLineKind(text: string, latin1 = false): NdjsonLineKind {
  // Blank as the UTF-8 text is: Latin-1 would take a lone byte 0xA0 for a space, and not C2 A0.
  const blank = (): boolean => (latin1 && /[^\x00-\x7f]/u.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text).trim() === '';
  if (jsonTextTooDeep(text)) return blank() ? 'blank' : 'deep';
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch {
    row = undefined;
  }
  if (typeof row === 'object' && row !== null && !Array.isArray(row)) return { row: row as Record<string, unknown> };
  return blank() ? 'blank' : 'bad';
}

/** The lines of a file that are not rows, as a reader of every line counts them. */
export interface NdjsonCheck {
  good: number;
  bad: number;
  firstBad: number;
  firstBadCut: boolean;
  firstBadDeep: boolean;
  /** The first NOT_NDJSON_AFTER lines that are not blank are all bad: a reader stops there. */
  notNdjson: boolean;
}

/** Counts as a reader of every line does, one line at a time. */
export class NdjsonCounter implements NdjsonCheck {
  good = 0;
  bad = 0;
  firstBad = 0;
  firstBadCut = false;
  firstBadDeep = false;
  notNdjson = false;
  constructor(private readonly latin1 = false) {}
  /** Counts a line known to be a row without parsing it (json-rows.ts). */
  addRow(): void {
    this.good++;
  }
  /** Counts one line; returns its row, or undefined. Sets notNdjson when a reader must stop. */
  add(l: NdjsonLine): Record<string, unknown> | undefined {
    const k = ndjsonLineKind(l.text, this.latin1);
    if (k === 'blank') return undefined;
    if (k === 'bad' || k === 'deep') {
      if (this.bad++ === 0) {
        this.firstBad = l.line;
        this.firstBadCut = l.unterminated === true;
        this.firstBadDeep = k === 'deep';
      }
      if (this.good === 0 && this.bad >= NOT_NDJSON_AFTER) this.notNdjson = true;
      return undefined;
    }
    this.good++;
    return k.row;
  }
}

/**
 * Every line of the file checked as rows (issue #7: a prefiltered read
 * parses only the lines that may match, but what is wrong with the others
 * must still be reported). Stops where a reader of every line stops: at
 * `notNdjson`, or at a read error (an over-long line, damaged gzip data),
 * which `failed` then holds.
 */
export async function checkNdjsonRows(file: SourceFile, useWasm = true): Promise<NdjsonCheck & { failed?: boolean }> {
  const c = new NdjsonCounter(true);
  // Most lines are rows: the validator says so without JSON.parse building each one. The rest are asked of JSON.parse.
  const validator = useWasm ? JsonRows.create() : undefined;
  const rows = validator && { isRow: (buf: Uint8Array, s: number, e: number) => validator.isRow(buf, s, e), row: () => c.addRow() };
  try {
    for await (const l of readNdjsonLines(file, { latin1: true, rows })) {
      c.add(l);
      if (c.notNdjson) break;
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    return { ...plain(c), failed: true };
  }
  return plain(c);
}

function plain(c: NdjsonCounter): NdjsonCheck {
  return { good: c.good, bad: c.bad, firstBad: c.firstBad, firstBadCut: c.firstBadCut, firstBadDeep: c.firstBadDeep, notNdjson: c.notNdjson };
}
