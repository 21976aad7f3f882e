/**
 * JSON exports: API responses saved to disk (Lime HAL pages, Visma
 * `{Meta, Data}` pages, Graph `value[]` pages).
 *
 * A page file is usually small and is parsed with JSON.parse, which is fast.
 * A large file (one huge saved response) is streamed with @streamparser/json
 * and only the selected items are built, so memory stays flat. Both paths
 * yield the same items with the same JSON pointers.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import JSONParser from '@streamparser/json/jsonparser.js';
import { SourceReadError } from '../errors.ts';
import { decodeBuffer, SniffingDecoder } from './encoding.ts';
import { ioFailure, readChunks, type SourceFile } from './files.ts';
import { lineOfOffset } from './lines.ts';

/** Files up to this size are parsed whole; larger ones are streamed. */
export const JSON_IN_MEMORY_LIMIT = 32 * 1024 * 1024;
/** Nesting deeper than this is refused (a hostile or broken file, issue #8). */
export const JSON_MAX_DEPTH = 256;
/** A longer string or number in a streamed file is refused rather than buffered without bound (issue #8). */
export const JSON_MAX_TOKEN_CHARS = 64 * 1024 * 1024;

export type JsonPath = (string | '*')[];

export interface JsonItem {
  /** RFC 6901 pointer of the item in the file. */
  pointer: string;
  value: unknown;
}

export function pointerOf(keys: (string | number)[]): string {
  return keys.map((k) => '/' + String(k).replace(/~/gu, '~0').replace(/\//gu, '~1')).join('');
}

function depthExceeds(value: unknown, limit: number): boolean {
  // Recursive, but never deeper than `limit` + 1 frames: a hostile document cannot overflow our stack.
  // (No arrays or entries are allocated on the way: pages of thousands of items are walked on every read.)
  const walk = (v: object, d: number): boolean => {
    if (d > limit) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object' && walk(c, d + 1)) return true;
      }
      return false;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const c = o[k];
      if (c !== null && typeof c === 'object' && walk(c, d + 1)) return true;
    }
    return false;
  };
  return value !== null && typeof value === 'object' ? walk(value, 0) : false;
}

/**
 * Does the JSON text nest deeper than `limit`? A scan of the text, without
 * parsing it: for one line of NDJSON before JSON.parse, so that a row nested
 * 100 000 levels deep never reaches code that walks it recursively (or
 * JSON.stringify, which does).
 */
export function jsonTextTooDeep(text: string, limit: number = JSON_MAX_DEPTH): boolean {
  // A cheap bound first (indexOf is fast): nesting deeper than `limit` needs more than `limit` opening brackets.
  let opens = 0;
  for (let i = text.indexOf('{'); i >= 0 && opens <= limit; i = text.indexOf('{', i + 1)) opens++;
  for (let i = text.indexOf('['); i >= 0 && opens <= limit; i = text.indexOf('[', i + 1)) opens++;
  if (opens <= limit) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \\ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** Does a parsed value nest deeper than `limit`? */
export function jsonTooDeep(value: unknown, limit: number = JSON_MAX_DEPTH): boolean {
  return depthExceeds(value, limit);
}

function parseFailure(file: SourceFile, err: unknown, text: string): SourceReadError {
  if (err instanceof RangeError) {
    return new SourceReadError(`JSON is nested too deeply to read`, { file: file.rel, code: 'json.too-deep' });
  }
  const msg = (err as Error).message;
  const pos = /position (\d+)/u.exec(msg);
  const line = pos?.[1] ? lineOfOffset(text, Number(pos[1])) : lineOfOffset(text, text.length);
  // A file cut off mid-way fails at its very end, whatever the parser calls it
  // ("Unexpected end", "Unterminated string", "Expected ',' or '}'").
  const cut = /Unexpected end/iu.test(msg) || (pos?.[1] !== undefined && Number(pos[1]) >= text.trimEnd().length);
  const what = cut ? 'the JSON ends before it is complete (the file is cut off)' : 'invalid JSON';
  return new SourceReadError(what, { file: file.rel, line, code: 'json.malformed' });
}

/** The bytes of a whole (small) JSON file. */
export async function readJsonBytes(file: SourceFile): Promise<Buffer> {
  if (file.size > JSON_IN_MEMORY_LIMIT) throw tooLarge(file);
  try {
    return await readFile(file.abs);
  } catch (err) {
    throw ioFailure(err, file.rel);
  }
}

function tooLarge(file: SourceFile): SourceReadError {
  return new SourceReadError(`JSON file is larger than ${JSON_IN_MEMORY_LIMIT / 1048576} MiB; read it with a streaming path`, {
    file: file.rel,
    code: 'json.too-large',
  });
}

/** Lent buffers up to this size are kept for the next file; larger ones are left to the garbage collector. */
const LENT_KEEP_LIMIT = 4 * 1024 * 1024;
const spareBuffers: Buffer[] = [];

/** A file's bytes in a lent buffer: valid until `giveBack()`, after which the buffer holds another file. */
export interface LentBytes {
  bytes: Buffer;
  giveBack(): void;
}

/**
 * readJsonBytes into a buffer that is given back when the caller is done
 * with the bytes (issue #7's peak RSS). A Graph export is a hundred pages
 * of 1.4 MB, read whole in the main thread and again by the check worker:
 * a fresh buffer for each page piled up as 20 to 30 MB of garbage per
 * thread before V8 collected it. Whoever keeps any part of the bytes past
 * `giveBack()` must copy it (a parse makes strings, which are copies).
 * Several files may be lent at once (checks run in this thread when there
 * is no worker): each takes a spare buffer or a new one.
 */
export async function lendJsonBytes(file: SourceFile): Promise<LentBytes> {
  if (file.size > JSON_IN_MEMORY_LIMIT) return { bytes: await readJsonBytes(file), giveBack: () => undefined };
  let fh: FileHandle;
  try {
    fh = await open(file.abs, 'r');
  } catch (err) {
    throw ioFailure(err, file.rel);
  }
  // Room to spare, so that the next page, a little larger, fits too; and one byte more than the file, so that
  // its end shows as a read of nothing.
  let buf = spareBuffers.pop();
  if (!buf || buf.length <= file.size) buf = Buffer.allocUnsafeSlow(Math.max(64 * 1024, file.size + (file.size >> 3) + 1));
  try {
    // To the file's end as it is now: the size listed may be out of date.
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > JSON_IN_MEMORY_LIMIT) throw tooLarge(file);
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    const lent = buf;
    let given = false;
    return {
      bytes: lent.subarray(0, n),
      giveBack: () => {
        if (given) return;
        given = true;
        if (lent.length <= LENT_KEEP_LIMIT && spareBuffers.length < 2) spareBuffers.push(lent);
      },
    };
  } catch (err) {
    if (err instanceof SourceReadError) throw err;
    throw ioFailure(err, file.rel);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * Could JSON text hide from a byte prefilter what its decoded strings hold?
 * A `\u` escape can stand for any character, `\t` and `\/` for separators
 * between the digits of a phone number. The other escapes (`\"`, `\\`,
 * `\n`, `\r`, `\b`, `\f`) stand for characters that are in no anchor and
 * that separate as their escapes do (decorated.ts also reads a word after a
 * backslash without its first letter).
 */
export function jsonMayHide(buf: Buffer, start = 0, end = buf.length): boolean {
  for (const esc of JSON_HIDING_ESCAPES) {
    const i = buf.indexOf(esc, start);
    if (i >= 0 && i < end) return true;
  }
  return false;
}
const JSON_HIDING_ESCAPES = [Buffer.from('\\u'), Buffer.from('\\t'), Buffer.from('\\/')];

/** Offsets in `buf` of the escapes jsonMayHide looks for, in order. */
export function jsonHidingEscapes(buf: Buffer): number[] {
  const out: number[] = [];
  for (const esc of JSON_HIDING_ESCAPES) for (let i = buf.indexOf(esc); i >= 0; i = buf.indexOf(esc, i + 1)) out.push(i);
  return out.sort((a, b) => a - b);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

interface Frame {
  array: boolean;
  /** JSON pointer of this container. */
  pointer: string;
  /** Keep the spans of this array's elements. */
  want: boolean;
  /** Objects: the last key read, and whether a key comes next. */
  key: string;
  expectKey: boolean;
  /** Arrays: the index of the element being read, and where it starts (-1: not yet). */
  index: number;
  start: number;
}

/**
 * Byte spans of array elements of a JSON text, by JSON pointer, for the
 * arrays whose own pointer `want` accepts (`''` for a top-level array,
 * `/value` for a Graph page's items). A reader can then tell which
 * element a prefilter hit falls in. Keys are compared as written (a key
 * with an escape does not match); undefined when the text is not well
 * formed enough to follow (the parse then reports it).
 */
export function jsonElementSpans(buf: Buffer, want: (arrayPointer: string) => boolean): Map<string, [number, number]> | undefined {
  const out = new Map<string, [number, number]>();
  const stack: Frame[] = [];
  const n = buf.length;
  const open = (array: boolean): boolean => {
    // Deeper than JSON may be read: the parse reports it. (Pointers are not built that deep, either.)
    if (stack.length >= JSON_MAX_DEPTH) return false;
    const top = stack[stack.length - 1];
    let pointer = '';
    if (top) pointer = top.array ? `${top.pointer}/${top.index}` : `${top.pointer}/${top.key.replace(/~/gu, '~0').replace(/\//gu, '~1')}`;
    stack.push({ array, pointer, want: array && want(pointer), key: '', expectKey: !array, index: 0, start: -1 });
    return true;
  };
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    const top = stack[stack.length - 1];
    if (top && top.array && top.start < 0 && c !== CLOSE_ARR && c !== COMMA) top.start = i;
    if (c === QUOTE) {
      let j = i + 1;
      for (;;) {
        j = buf.indexOf(QUOTE, j);
        if (j < 0) return undefined;
        let k = j - 1;
        while (buf[k] === BACKSLASH) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j++;
      }
      if (top && !top.array && top.expectKey) {
        top.key = buf.toString('latin1', i + 1, j);
        top.expectKey = false;
      }
      i = j;
      continue;
    }
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      if (!open(c === OPEN_ARR)) return undefined;
      continue;
    }
    if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      const f = stack.pop();
      if (!f || f.array !== (c === CLOSE_ARR)) return undefined;
      if (f.array && f.start >= 0 && f.want) out.set(`${f.pointer}/${f.index}`, [f.start, i]);
      continue;
    }
    if (c === COMMA && top) {
      if (top.array) {
        if (top.want && top.start >= 0) out.set(`${top.pointer}/${top.index}`, [top.start, i]);
        top.index++;
        top.start = -1;
      } else top.expectKey = true;
      continue;
    }
    if (c === COLON) continue;
  }
  return stack.length === 0 ? out : undefined;
}

/** Is any of the sorted offsets in [start, end)? */
export function anyIn(sorted: number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! < end;
}

/** Parses a whole (small) JSON file. */
export async function readJsonDocument(file: SourceFile): Promise<unknown> {
  return parseJsonBytes(file, await readJsonBytes(file));
}

/** Parses the bytes of a whole JSON file, with the errors readJsonDocument gives. */
export function parseJsonBytes(file: SourceFile, buf: Buffer): unknown {
  const { text } = decodeBuffer(buf, 'cp1252');
  if (text.trim().length === 0) throw new SourceReadError('the file is empty', { file: file.rel, line: 1, code: 'json.empty' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw parseFailure(file, err, text);
  }
  if (depthExceeds(value, JSON_MAX_DEPTH)) {
    throw new SourceReadError('JSON is nested too deeply to read', { file: file.rel, code: 'json.too-deep' });
  }
  return value;
}

function* walk(value: unknown, path: JsonPath, at: number, keys: (string | number)[]): Generator<JsonItem> {
  if (at === path.length) {
    yield { pointer: pointerOf(keys), value };
    return;
  }
  const step = path[at]!;
  if (!value || typeof value !== 'object') return;
  if (step === '*') {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield* walk(value[i], path, at + 1, [...keys, i]);
    } else {
      for (const [k, v] of Object.entries(value)) yield* walk(v, path, at + 1, [...keys, k]);
    }
  } else if (!Array.isArray(value) && step in value) {
    yield* walk((value as Record<string, unknown>)[step], path, at + 1, [...keys, step]);
  }
}

/** Items at a path in an already parsed document. */
export function selectItems(doc: unknown, path: JsonPath): JsonItem[] {
  return [...walk(doc, path, 0, [])];
}

function toJsonPathExpr(path: JsonPath): string {
  return '$' + path.map((p) => (p === '*' ? '.*' : `.${p}`)).join('');
}

/**
 * Streams the items at one of `paths` (e.g. `['value', '*']`) without
 * building the whole document. Used for files over JSON_IN_MEMORY_LIMIT.
 */
export async function* streamJsonItems(file: SourceFile, paths: JsonPath[]): AsyncGenerator<JsonItem> {
  const parser = new JSONParser({ paths: paths.map(toJsonPathExpr), keepStack: false });
  const out: JsonItem[] = [];
  let failure: Error | undefined;
  let tooDeep = false;
  // Characters written since the parser last completed a token: it holds them (a string or number not finished yet).
  let sinceToken = 0;
  let tokenSeen = false;
  parser.onToken = () => {
    tokenSeen = true;
  };
  parser.onValue = ({ value, key, stack }) => {
    const keys: (string | number)[] = [];
    for (let i = 1; i < stack.length; i++) {
      const k = stack[i]!.key;
      if (k !== undefined) keys.push(k);
    }
    if (key !== undefined) keys.push(key);
    if (stack.length + 1 > JSON_MAX_DEPTH || depthExceeds(value, JSON_MAX_DEPTH - stack.length)) {
      tooDeep = true;
      failure ??= new Error('too deep');
      return;
    }
    out.push({ pointer: pointerOf(keys), value });
  };
  parser.onError = (err: Error) => {
    failure ??= err;
  };
  const decoder = new SniffingDecoder('cp1252');
  // The error is placed on the last line of the chunk that failed: close
  // enough to find it, without keeping the text.
  let lineBase = 1;
  let tooLarge = false;
  for await (const chunk of readChunks(file.abs, undefined, file.rel)) {
    const text = decoder.write(chunk);
    tokenSeen = false;
    if (!parser.isEnded) parser.write(text);
    // Counted per chunk: a token that ended in this chunk resets the count (to within one chunk).
    sinceToken = tokenSeen ? 0 : sinceToken + text.length;
    if (!failure && sinceToken > JSON_MAX_TOKEN_CHARS) {
      tooLarge = true;
      failure = new Error('too large');
    }
    if (failure) break;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineBase++;
    while (out.length > 0) yield out.shift()!;
  }
  if (!failure) {
    const rest = decoder.end();
    if (rest && !parser.isEnded) parser.write(rest);
    if (!parser.isEnded) {
      try {
        parser.end();
      } catch (err) {
        failure ??= err as Error;
      }
    }
  }
  while (out.length > 0) yield out.shift()!;
  if (tooDeep) throw new SourceReadError('JSON is nested too deeply to read', { file: file.rel, line: lineBase, code: 'json.too-deep' });
  if (tooLarge) {
    throw new SourceReadError(`a string or number in the JSON is longer than ${JSON_MAX_TOKEN_CHARS / 1048576} MiB; the file is not read further`, {
      file: file.rel,
      line: lineBase,
      code: 'json.too-large',
    });
  }
  if (failure) {
    // @streamparser/json: "Tokenizer ended in the middle of a token", "Parser ended in mid-parsing", "Unexpected end of input".
    const cut = /ended in (the )?mid|unexpected end|incomplete/iu.test(failure.message);
    throw new SourceReadError(cut ? 'the JSON ends before it is complete (the file is cut off)' : 'invalid JSON', {
      file: file.rel,
      line: lineBase,
      code: 'json.malformed',
    });
  }
}

/**
 * Items at the given paths, by whichever route fits the file's size. With
 * several paths, a small file yields them path by path; a streamed file in
 * document order. Connectors that care pass one path.
 */
export async function* readJsonItems(file: SourceFile, paths: JsonPath[]): AsyncGenerator<JsonItem> {
  if (file.size <= JSON_IN_MEMORY_LIMIT) {
    const doc = await readJsonDocument(file);
    for (const p of paths) yield* selectItems(doc, p);
    return;
  }
  yield* streamJsonItems(file, paths);
}
