/**
 * The shape of a saved API page, from its bytes, without building it
 * (issue #7): is the text JSON that JSON.parse accepts, and what do its
 * top-level `value` array's items look like?
 *
 * The check of a Graph page that no prefilter hit (graph.ts,
 * graphPageReports) only needs to know that the reference read would
 * report nothing. Parsing a 1.4 MB page to learn that built every object of
 * it and cost the check worker more than all the rest of a lookup's checks
 * together. This validator walks the bytes once and allocates nothing per
 * value. It answers only for the plain case (one page object, keys without
 * escapes, each of the keys it looks at given once, nesting well below
 * JSON_MAX_DEPTH); for anything else it answers undefined and the caller
 * parses, so that every problem is still reported by the reference path,
 * with its own message and line.
 *
 * What it accepts is exactly what JSON.parse accepts of the decoded text
 * (RFC 8259): bytes above 0x7F stand only inside strings, where any
 * decoding (UTF-8 or a legacy code page) gives characters JSON allows, and
 * the ASCII bytes are the same characters in all of them. A BOM or UTF-16
 * text is not `{` at its start, so it goes to the parse.
 */

/** Deeper nesting is left to the parse, which knows JSON_MAX_DEPTH (json.ts). */
const SHAPE_MAX_DEPTH = 128;

export interface PageShape {
  /** The top-level `contextKey` string as written, when it is a string without escapes. */
  context: string | undefined;
  /** Elements of the top-level `arrayKey` array (-1: the page has no such array). */
  items: number;
  /** Of those, the ones that are not objects. */
  nonObjects: number;
  /** Of those, the objects with a key `markerKey` of their own. */
  marked: number;
}

const OBJ = 1;
const ARR = 2;

// Byte classes outside strings.
const WS = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) WS[b] = 1;
// Bytes a string may not hold as they are: the quote, the backslash and the controls.
const STOP = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STOP[b] = 1;
STOP[0x22] = 1;
STOP[0x5c] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * The end (after the closing quote) of the string whose opening quote is at
 * `i`, or -1 if it is not a valid JSON string. `escaped[0]` is set when the
 * string holds an escape.
 */
function stringEnd(buf: Uint8Array, i: number, escaped: Uint8Array): number {
  const n = buf.length;
  let j = i + 1;
  for (;;) {
    while (j < n && STOP[buf[j]!] === 0) j++;
    if (j >= n) return -1;
    const c = buf[j]!;
    if (c === 0x22) return j + 1;
    if (c !== 0x5c) return -1;
    escaped[0] = 1;
    const e = buf[j + 1];
    if (e === undefined) return -1;
    if (SIMPLE_ESCAPE[e] === 1) j += 2;
    else if (e === 0x75 && j + 5 < n && HEX[buf[j + 2]!] === 1 && HEX[buf[j + 3]!] === 1 && HEX[buf[j + 4]!] === 1 && HEX[buf[j + 5]!] === 1) j += 6;
    else return -1;
  }
}

/** The end of the number starting at `i`, or -1 if it is not a valid JSON number. */
function numberEnd(buf: Uint8Array, i: number): number {
  let j = i;
  if (buf[j] === 0x2d) j++;
  if (buf[j] === 0x30) j++;
  else if (j < buf.length && buf[j]! >= 0x31 && buf[j]! <= 0x39) while (j < buf.length && isDigit(buf[j]!)) j++;
  else return -1;
  if (buf[j] === 0x2e) {
    j++;
    if (!(j < buf.length && isDigit(buf[j]!))) return -1;
    while (j < buf.length && isDigit(buf[j]!)) j++;
  }
  if (buf[j] === 0x65 || buf[j] === 0x45) {
    j++;
    if (buf[j] === 0x2b || buf[j] === 0x2d) j++;
    if (!(j < buf.length && isDigit(buf[j]!))) return -1;
    while (j < buf.length && isDigit(buf[j]!)) j++;
  }
  return j;
}

function literalEnd(buf: Uint8Array, i: number, word: Uint8Array): number {
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) return -1;
  return i + word.length;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function sameBytes(buf: Uint8Array, start: number, end: number, key: Uint8Array): boolean {
  if (end - start !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (buf[start + k] !== key[k]) return false;
  return true;
}

/**
 * The shape of a page `{ …, "<arrayKey>": [ … ], "<contextKey>": "…" }`,
 * or undefined when the bytes are not such a page in the plain form this
 * reads (see the module comment): then only a parse can say what they are.
 * `spans`, when given, gets the start and end of each item that is an
 * object, in order, two numbers each (filled also when the answer is
 * undefined, and then meaningless).
 */
export function jsonPageShape(buf: Uint8Array, arrayKey: string, contextKey: string, markerKey: string, spans?: number[]): PageShape | undefined {
  const arrayK = Buffer.from(arrayKey, 'latin1');
  const contextK = Buffer.from(contextKey, 'latin1');
  const markerK = Buffer.from(markerKey, 'latin1');
  const n = buf.length;
  const kinds = new Uint8Array(SHAPE_MAX_DEPTH + 2);
  const escaped = new Uint8Array(1);
  let depth = 0;
  let i = 0;
  // The key whose value comes next, at depth 1: 1 the array key, 2 the context key, 0 another.
  let topKey = 0;
  let seenArray = false;
  let seenContext = false;
  // The depth-2 container is the top-level array.
  let inItems = false;
  let items = -1;
  let nonObjects = 0;
  let marked = 0;
  let itemMarked = false;
  let itemStart = 0;
  let context: string | undefined;

  while (i < n && WS[buf[i]!] === 1) i++;
  if (buf[i] !== 0x7b) return undefined;

  // Each turn reads one value at `i` (after whitespace), then what follows it.
  for (;;) {
    while (i < n && WS[buf[i]!] === 1) i++;
    if (i >= n) return undefined;
    const c = buf[i]!;
    if (depth === 2 && inItems) {
      items++;
      if (c !== 0x7b) nonObjects++;
      itemStart = i;
    }
    let opened = false;
    if (c === 0x7b || c === 0x5b) {
      if (depth >= SHAPE_MAX_DEPTH) return undefined;
      depth++;
      kinds[depth] = c === 0x7b ? OBJ : ARR;
      if (depth === 2) {
        inItems = topKey === 1 && c === 0x5b;
        if (inItems) items = 0;
      }
      if (depth === 3 && inItems) itemMarked = false;
      i++;
      while (i < n && WS[buf[i]!] === 1) i++;
      if (buf[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++;
        if (depth === 3 && inItems && c === 0x7b) spans?.push(itemStart, i);
        depth--;
      } else opened = true;
    } else if (c === 0x22) {
      escaped[0] = 0;
      const end = stringEnd(buf, i, escaped);
      if (end < 0) return undefined;
      if (depth === 1 && topKey === 2) {
        if (escaped[0] === 1) return undefined;
        context = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', i + 1, end - 1);
      }
      i = end;
    } else if (c === 0x2d || isDigit(c)) {
      i = numberEnd(buf, i);
    } else if (c === 0x74) i = literalEnd(buf, i, TRUE);
    else if (c === 0x66) i = literalEnd(buf, i, FALSE);
    else if (c === 0x6e) i = literalEnd(buf, i, NULL);
    else return undefined;
    if (i < 0) return undefined;

    // After the value (or at the start of an object's or array's contents): a key, a comma, or the end of containers.
    for (;;) {
      if (opened) {
        opened = false;
        if (kinds[depth] === ARR) break;
      } else {
        while (i < n && WS[buf[i]!] === 1) i++;
        if (depth === 0) {
          // Only whitespace may follow the top-level value.
          return i === n ? { context, items, nonObjects, marked } : undefined;
        }
        const d = buf[i];
        const closer = kinds[depth] === OBJ ? 0x7d : 0x5d;
        if (d === closer) {
          if (depth === 3 && inItems) {
            if (itemMarked) marked++;
            if (kinds[3] === OBJ) spans?.push(itemStart, i + 1);
          }
          depth--;
          i++;
          continue;
        }
        if (d !== 0x2c) return undefined;
        i++;
        if (kinds[depth] === ARR) break;
      }
      // A key, then its colon.
      while (i < n && WS[buf[i]!] === 1) i++;
      if (buf[i] !== 0x22) return undefined;
      escaped[0] = 0;
      const end = stringEnd(buf, i, escaped);
      if (end < 0) return undefined;
      if (depth === 1) {
        // A key written with an escape could be either key: only a parse can tell.
        if (escaped[0] === 1) return undefined;
        topKey = sameBytes(buf, i + 1, end - 1, arrayK) ? 1 : sameBytes(buf, i + 1, end - 1, contextK) ? 2 : 0;
        // JSON.parse keeps the last of a key given twice: leave that to it.
        if (topKey === 1) {
          if (seenArray) return undefined;
          seenArray = true;
        } else if (topKey === 2) {
          if (seenContext) return undefined;
          seenContext = true;
        }
      } else if (depth === 3 && inItems) {
        if (escaped[0] === 1) return undefined;
        if (sameBytes(buf, i + 1, end - 1, markerK)) itemMarked = true;
      }
      i = end;
      while (i < n && WS[buf[i]!] === 1) i++;
      if (buf[i] !== 0x3a) return undefined;
      i++;
      break;
    }
  }
}
