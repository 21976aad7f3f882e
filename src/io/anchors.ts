/**
 * A sound byte-level prefilter (issue #7): does a record's raw bytes contain
 * anything that could normalise to a key the matcher looks for?
 *
 * Every key kind has *anchors*, byte strings that every rendering the
 * normalisers accept must contain (ASCII case aside):
 *
 * - e-mail: the longest run of its local part without `+` or `%` (an address
 *   in a URL is `%40`-escaped at the `@`, never in a plain local part);
 * - personnummer: its YYMMDD digits, which normalisePnr requires contiguous;
 *   org.nr: its first six digits;
 * - customer number, GA client id, user id, IP: the value's longest run of
 *   characters no normaliser changes; a system id: its part after the last
 *   `:` (connectors build `lime:person:1001` from the raw `1001`);
 * - a name: the longest ASCII run of its folded tokens (`ckstr` of
 *   `Bäckström`), which `Bäckström`, `BACKSTROM`, `Backstrom` and
 *   `Ba\u0308ckstro\u0308m` all contain in any encoding. (A diacritic-free
 *   key, `nameb:`, always comes with its folded one and adds no anchor: its
 *   own runs, `backstrom`, are not in `Bäckström`.)
 *
 * Phone numbers have no such substring (separators may fall anywhere), so
 * digits are scanned instead: the last seven digits before any position,
 * ignoring phone separators, are looked up in a bitmap of the numbers' tails.
 *
 * Anchors are found with one Aho-Corasick automaton over ASCII-lower-cased
 * bytes; one pass over the bytes whatever the number of subjects.
 * Connectors whose text is decoded before matching (percent-decoded URLs,
 * HTML entities) must not hand the prefilter to readers of that text, or
 * must widen it (the GA connector always reads lines with `%` or `\`).
 */
import type { Prefilter } from './prefilter.ts';

export interface AnchorKey {
  kind: string;
  /** Canonical value, as in the matcher's keys (`email:` etc. stripped). */
  value: string;
}

const PHONE_TAIL = 7;
const TAIL_SPACE = 10_000_000;
/** Anchors shorter than this would pass nearly every record: the prefilter is then not worth running. */
export const MIN_ANCHOR = 3;

function asciiRuns(s: string, allowed: RegExp): string[] {
  return s.split(allowed).filter((r) => r.length > 0);
}

function longest(runs: string[]): string | undefined {
  let best: string | undefined;
  for (const r of runs) if (!best || r.length > best.length) best = r;
  return best;
}

/** The anchor of one key, or undefined when it has none (phones, contexts). */
export function anchorOf(kind: string, value: string): string | undefined {
  const v = value.toLowerCase();
  switch (kind) {
    case 'email': {
      const local = v.slice(0, v.indexOf('@'));
      return longest(asciiRuns(local, /[^a-z0-9._-]+/u)) ?? longest(asciiRuns(v.slice(v.indexOf('@') + 1), /[^a-z0-9.-]+/u));
    }
    case 'pnr':
      return v.length === 12 ? v.slice(2, 8) : undefined;
    case 'orgnr':
      return v.slice(0, 6);
    case 'customerNo':
    case 'gaClientId':
    case 'userId':
      return longest(asciiRuns(v, /[^a-z0-9._-]+/u));
    case 'systemId':
      return longest(asciiRuns(v.slice(v.lastIndexOf(':') + 1), /[^a-z0-9._-]+/u));
    case 'ip':
      return longest(asciiRuns(v, /[.:]+/u).map((g) => g.replace(/^0+(?=.)/u, '')));
    case 'name': {
      let best: string | undefined;
      for (const token of v.split(' ')) {
        const run = longest(asciiRuns(token, /[^a-z0-9']+/u));
        if (run && (!best || run.length > best.length)) best = run;
      }
      return best;
    }
    default:
      return undefined;
  }
}

/** Byte classes for the scan: lower-cased byte, and whether it is a digit or a phone separator. */
const LOWER = new Uint8Array(256);
const DIGIT = 1;
const SEPARATOR = 2;
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
  if (b >= 0x30 && b <= 0x39) CLASS[b] = DIGIT;
}
for (const c of ' -./()\t') CLASS[c.charCodeAt(0)] = SEPARATOR;
// Every non-ASCII byte may be part of a separator in some encoding (a
// non-breaking space, an en dash): treating them all as one only lets more through.
for (let b = 0x80; b < 256; b++) CLASS[b] = SEPARATOR;

/** An Aho-Corasick automaton over bytes, transitions precomputed (a DFA). */
class Automaton {
  readonly delta: Int32Array;
  readonly accept: Uint8Array;
  readonly states: number;

  constructor(patterns: Uint8Array[]) {
    const goto: Map<number, number>[] = [new Map()];
    const acceptList: boolean[] = [false];
    for (const p of patterns) {
      let s = 0;
      for (const b of p) {
        let next = goto[s]!.get(b);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          acceptList.push(false);
          goto[s]!.set(b, next);
        }
        s = next;
      }
      acceptList[s] = true;
    }
    const n = goto.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * 256);
    const accept = Uint8Array.from(acceptList, (a) => (a ? 1 : 0));
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const t = goto[0]!.get(b);
      if (t !== undefined) {
        delta[b] = t;
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      if (accept[fail[s]!]) accept[s] = 1;
      for (let b = 0; b < 256; b++) {
        const t = goto[s]!.get(b);
        if (t !== undefined) {
          fail[t] = delta[fail[s]! * 256 + b]!;
          delta[s * 256 + b] = t;
          queue.push(t);
        } else {
          delta[s * 256 + b] = delta[fail[s]! * 256 + b]!;
        }
      }
    }
    this.delta = delta;
    this.accept = accept;
    this.states = n;
  }
}

/** Start offsets of every spot in `buf[start, end)` where a record could match. */
export interface HitFinder extends Prefilter {
  hits(buf: Uint8Array, start: number, end: number): number[];
}

/**
 * Few anchors (one person, a handful of keys): one case-insensitive regular
 * expression over the bytes seen as Latin-1. V8 compiles it to native code
 * that runs at hundreds of MB/s, far faster than a byte loop in JavaScript;
 * but an alternation of thousands of literals is V8's worst case (rebar's
 * "dictionary" benchmark: KB/s), so batches use the automaton below.
 */
export class RegexPrefilter implements HitFinder {
  private readonly re: RegExp;
  private readonly reGlobal: RegExp;
  constructor(
    readonly anchors: string[],
    phoneTails: string[],
  ) {
    const esc = (a: string): string => a.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    // The automaton's separators: space, tab, - . / ( ) and every non-ASCII byte; never a line break.
    const sep = '[ \\t\\-./()\\x80-\\xff]*';
    const alts = [...anchors.map(esc), ...phoneTails.map((t) => t.split('').join(sep))];
    this.re = new RegExp(alts.join('|'), 'i');
    this.reGlobal = new RegExp(alts.join('|'), 'gi');
  }
  private view(buf: Uint8Array, start: number, end: number): string {
    return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', start, end);
  }
  mayMatch(buf: Uint8Array, start: number, end: number): boolean {
    return this.re.test(this.view(buf, start, end));
  }
  hits(buf: Uint8Array, start: number, end: number): number[] {
    const text = this.view(buf, start, end);
    const out: number[] = [];
    this.reGlobal.lastIndex = 0;
    for (let m = this.reGlobal.exec(text); m; m = this.reGlobal.exec(text)) {
      out.push(start + m.index);
      if (m[0].length === 0) this.reGlobal.lastIndex++;
    }
    return out;
  }
}

export class AnchorPrefilter implements HitFinder {
  private readonly automaton: Automaton | undefined;
  private readonly tails: Uint8Array | undefined;
  readonly anchors: string[];

  constructor(anchors: string[], phoneTails: number[]) {
    this.anchors = [...new Set(anchors)].sort();
    this.automaton = this.anchors.length > 0 ? new Automaton(this.anchors.map((a) => Buffer.from(a, 'latin1'))) : undefined;
    if (phoneTails.length > 0) {
      this.tails = new Uint8Array(TAIL_SPACE);
      for (const t of phoneTails) this.tails[t] = 1;
    }
  }

  /** Positions (the last byte of each match) of every hit. A position inside a record marks it. */
  hits(buf: Uint8Array, start: number, end: number): number[] {
    const out: number[] = [];
    let from = start;
    while (from < end) {
      const at = this.firstHit(buf, from, end);
      if (at < 0) break;
      out.push(at);
      from = at + 1;
    }
    return out;
  }

  mayMatch(buf: Uint8Array, start: number, end: number): boolean {
    return this.firstHit(buf, start, end) >= 0;
  }

  /** The index of the last byte of the first match, or -1. */
  private firstHit(buf: Uint8Array, start: number, end: number): number {
    const a = this.automaton;
    const tails = this.tails;
    if (a && !tails) {
      const delta = a.delta;
      const accept = a.accept;
      let s = 0;
      for (let i = start; i < end; i++) {
        s = delta[s * 256 + LOWER[buf[i]!]!]!;
        if (accept[s]) return i;
      }
      return -1;
    }
    let s = 0;
    let tail = 0;
    let digits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (a) {
        s = a.delta[s * 256 + LOWER[b]!]!;
        if (a.accept[s]) return i;
      }
      const c = CLASS[b]!;
      if (c === DIGIT) {
        tail = (tail * 10 + (b - 48)) % TAIL_SPACE;
        if (++digits >= PHONE_TAIL && tails![tail]) return i;
      } else if (c !== SEPARATOR) {
        tail = 0;
        digits = 0;
      }
    }
    return -1;
  }
}

/**
 * The prefilter for these keys, or undefined when one of them has no
 * selective anchor (then every record must be read in full).
 */
/** Up to this many anchors, one regular expression; more go to the automaton. */
export const REGEX_LIMIT = 24;

export function prefilterFor(keys: AnchorKey[]): HitFinder | undefined {
  const anchors: string[] = [];
  const tails: number[] = [];
  for (const k of keys) {
    if (k.kind === 'phone') {
      const digits = k.value.replace(/\D/gu, '');
      if (digits.length < PHONE_TAIL) return undefined;
      tails.push(Number(digits.slice(-PHONE_TAIL)));
      continue;
    }
    if (k.kind === 'company' || k.kind === 'address' || k.kind === 'orgnr-context') continue;
    const a = anchorOf(k.kind, k.value);
    if (a === undefined) continue;
    if (a.length < MIN_ANCHOR) return undefined;
    anchors.push(a);
  }
  if (anchors.length === 0 && tails.length === 0) return undefined;
  const uniqueAnchors = [...new Set(anchors)];
  const uniqueTails = [...new Set(tails)];
  if (uniqueAnchors.length + uniqueTails.length <= REGEX_LIMIT) {
    return new RegexPrefilter(uniqueAnchors, uniqueTails.map((t) => String(t).padStart(PHONE_TAIL, '0')));
  }
  return new AnchorPrefilter(uniqueAnchors, uniqueTails);
}
