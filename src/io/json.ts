/**
 * JSON exports: API responses saved to disk (Lime HAL pages, Visma
 * `{Meta, Data}` pages, Graph `value[]` pages).
 *
 * A page file is usually small and is parsed with JSON.parse, which is fast.
 * A large file (one huge saved response) is streamed with @streamparser/json
 * and only the selected items are built, so memory stays flat. Both paths
 * yield the same items with the same JSON pointers.
 */
import { readFile } from 'node:fs/promises';
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
  // Iterative, so that a hostile document cannot overflow our stack either.
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > limit) return true;
    if (v && typeof v === 'object') {
      for (const child of Object.values(v as Record<string, unknown>)) {
        if (child && typeof child === 'object') stack.push([child, d + 1]);
      }
    }
  }
  return false;
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

/** Parses a whole (small) JSON file. */
export async function readJsonDocument(file: SourceFile): Promise<unknown> {
  if (file.size > JSON_IN_MEMORY_LIMIT) {
    throw new SourceReadError(`JSON file is larger than ${JSON_IN_MEMORY_LIMIT / 1048576} MiB; read it with a streaming path`, {
      file: file.rel,
      code: 'json.too-large',
    });
  }
  let buf: Buffer;
  try {
    buf = await readFile(file.abs);
  } catch (err) {
    throw ioFailure(err, file.rel);
  }
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
