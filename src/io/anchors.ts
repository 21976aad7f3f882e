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
 * - a name: the diacritic-free form (`foldBase`) of one of its tokens, the
 *   longest that is ASCII and not a common name (`backstrom` of `Örjan
 *   Bäckström`, `alholm` of `Fredrik Alholm`; common-names.ts). The matcher compares names also
 *   without diacritics, so a token of interest written in ASCII bytes
 *   (`BACKSTROM`, `Backstrom`) is that base, and one written with a byte
 *   above 0x7F (`Bäckström`, `Ba\u0308ckstro\u0308m`, `Bäckstrøm`) is decided
 *   by folding the word as the matcher does (decorated.ts). A token whose
 *   base is not ASCII gives its longest ASCII run instead (`ckstr`); a name
 *   with no such run of three (Cyrillic, Greek, `Bo Ek`) cannot be prefiltered.
 *
 * Phone numbers have no such substring (separators may fall anywhere), so
 * their last seven digits are looked for with any phone separators between
 * them (space, tab, `- . / ( ) [ ] ~`, which libphonenumber reads between
 * digits, and every non-ASCII byte).
 *
 * For a few keys, regular expressions and WebAssembly scans (RegexPrefilter);
 * for a batch's many, one Aho-Corasick automaton over ASCII-lower-cased
 * bytes, and the tails in a bitmap (in WebAssembly, an automaton of their
 * own that steps over the separators); one pass over the bytes whatever the
 * number of subjects.
 * Connectors whose text is decoded before matching (percent-decoded URLs,
 * HTML entities) must not hand the prefilter to readers of that text, or
 * must widen it (the GA connector always reads lines with `%` or `\`).
 */
import { foldBase } from '../core/identity/normalise.ts';
import { PHONE_TAIL, phoneTail } from '../core/match/extract.ts';
import { COMMON_NAME_TOKENS } from './common-names.ts';
import { DecoratedNames } from './decorated.ts';
import { LiteralScanner } from './literal-scan.ts';
import { TailScanner } from './tail-scan.ts';
import { LANES, STOP_TAIL, WasmScanner } from './automaton-scan.ts';
import type { Prefilter } from './prefilter.ts';
import { withSpan } from './wasm.ts';

export interface AnchorKey {
  kind: string;
  /** Canonical value, as in the matcher's keys (`email:` etc. stripped). */
  value: string;
}

const TAIL_SPACE = 10_000_000;
/** Anchors shorter than this would pass nearly every record: the prefilter is then not worth running. */
export const MIN_ANCHOR = 3;

/**
 * A personnummer's anchor is `YYMMDD`, THEN, `NNNN`: its date digits, then,
 * after any bytes that are not digits (a separator, spaces, a field
 * boundary), its last four. A date alone is in too many timestamps and ids
 * to select anything when a batch looks for hundreds of people.
 */
export const THEN = '\u0000';

/** A personnummer anchor's parts, or undefined for a plain anchor. */
export function splitThen(anchor: string): { date: string; last: string } | undefined {
  const i = anchor.indexOf(THEN);
  return i < 0 ? undefined : { date: anchor.slice(0, i), last: anchor.slice(i + 1) };
}

const ZERO = 0x30;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * After a date that ends at `i` (its last digit), do the first four digits
 * that follow (past any non-digits) make a personnummer of `wanted`
 * (date * 10^4 + last four)? At `end` before four digits: it may go on
 * past what was asked, so yes.
 */
function followedBy(at: (j: number) => number, i: number, end: number, date: number, wanted: ReadonlySet<number>): boolean {
  let j = i + 1;
  while (j < end && !isDigit(at(j))) j++;
  let last = 0;
  for (let k = 0; k < 4; k++, j++) {
    if (j >= end) return true;
    const c = at(j);
    if (!isDigit(c)) return false;
    last = last * 10 + (c - ZERO);
  }
  return wanted.has(date * 10_000 + last);
}

function dateBefore(at: (j: number) => number, i: number): number {
  let d = 0;
  for (let j = i - 5; j <= i; j++) d = d * 10 + (at(j) - ZERO);
  return d;
}

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
      return v.length === 12 ? `${v.slice(2, 8)}${THEN}${v.slice(8)}` : undefined;
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
    case 'name':
      return nameAnchor(v)?.anchor;
    default:
      return undefined;
  }
}

/**
 * A name key's anchor, the longest ASCII run of its folded tokens, and the
 * diacritic-free form of the token it is in: a rendering of that token with
 * other diacritics than the key's holds no safe substring (decorated.ts).
 */
export function nameAnchor(key: string): { anchor: string; base: string } | undefined {
  let best: { anchor: string; base: string } | undefined;
  let bestRare = false;
  for (const token of key.toLowerCase().split(' ')) {
    const base = foldBase(token);
    // An ASCII base is itself an anchor: a rendering of the token in ASCII
    // bytes folds to the base only if it is the base (case aside), and one
    // with a byte above 0x7F is decided by folding it (decorated.ts). So
    // `högbäck` is looked for as `hogback`, not as its runs `gb` and `ck`.
    const run = ASCII_BASE.test(base) ? base : longest(asciiRuns(token, /[^a-z0-9']+/u));
    if (!run) continue;
    // Every token of the name is in every record that matches it: the rarer, the fewer records let through.
    const rare = run.length >= MIN_ANCHOR && !COMMON_NAME_TOKENS.has(base);
    if (!best || (rare && !bestRare) || (rare === bestRare && run.length > best.anchor.length)) {
      best = { anchor: run, base };
      bestRare = rare;
    }
  }
  return best;
}
const ASCII_BASE = /^[a-z0-9']+$/u;

/** Byte classes for the scan: lower-cased byte, and whether it is a digit or a phone separator. */
const LOWER = new Uint8Array(256);
const DIGIT = 1;
const SEPARATOR = 2;
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
  if (b >= 0x30 && b <= 0x39) CLASS[b] = DIGIT;
}
// libphonenumber also reads [ ] and ~ between digits (`070[174]2775` is a number to it).
for (const c of ' -./()[]~\t') CLASS[c.charCodeAt(0)] = SEPARATOR;
// Every non-ASCII byte may be part of a separator in some encoding (a
// non-breaking space, an en dash): treating them all as one only lets more through.
for (let b = 0x80; b < 256; b++) CLASS[b] = SEPARATOR;

const ACCEPT = 1;
const VERIFY = 2;
/** The class of the phone separators in an automaton that steps over them (Automaton). */
const SKIP = 1;

/**
 * An Aho-Corasick automaton over bytes, transitions precomputed (a DFA).
 * Bytes are first mapped to classes: one per (lower-cased) byte that occurs
 * in a pattern, and one for all others, which no pattern holds; a table of
 * states x classes stays small for a batch's thousands of anchors. With
 * `skipSeparators` (the phone tails', whose patterns are digits), the phone
 * separators are one more class, which every state steps over (a loop to
 * itself): a tail is found with any separators between its digits, as
 * libphonenumber reads them and as the bitmap loop of AnchorPrefilter finds
 * it. (Not so for the anchors: `500000` across `070-500 00 01` would let
 * through every few records of a file of phone numbers.)
 */
class Automaton {
  /** Byte → class; 0 is every byte no pattern holds (and, skipping separators, SKIP those). */
  readonly classOf: Uint8Array;
  readonly classes: number;
  readonly delta: Int32Array;
  readonly accept: Uint8Array;
  readonly states: number;

  /** `then[i]`: pattern i is a personnummer's date, which only counts when followedBy() says so. */
  constructor(patterns: Uint8Array[], then: boolean[] = [], skipSeparators = false) {
    const classOf = new Uint8Array(256);
    if (skipSeparators) for (let b = 0; b < 256; b++) if (CLASS[b] === SEPARATOR) classOf[b] = SKIP;
    const skip = skipSeparators ? SKIP : -1;
    let classes = skipSeparators ? SKIP + 1 : 1;
    for (const p of patterns) {
      for (const b of p) {
        const l = LOWER[b]!;
        if (classOf[l] === 0) classOf[l] = classes++;
      }
    }
    // Upper-case letters are their lower-case class.
    for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b + 32]!;
    const C = classes;
    // The trie: child of (state, class), -1 for none.
    let trie = new Int32Array(64 * C).fill(-1);
    // 0: nothing ends here; ACCEPT: an anchor; VERIFY: only personnummer dates (of 6 digits, so the same 6 bytes).
    const acceptList: number[] = [0];
    let n = 1;
    for (const [pi, p] of patterns.entries()) {
      let st = 0;
      for (const b of p) {
        const c = classOf[b]!;
        let next = trie[st * C + c]!;
        if (next < 0) {
          next = n++;
          if (n * C > trie.length) {
            const grown = new Int32Array(trie.length * 2).fill(-1);
            grown.set(trie);
            trie = grown;
          }
          acceptList.push(0);
          trie[st * C + c] = next;
        }
        st = next;
      }
      acceptList[st] = then[pi] === true ? (acceptList[st] === ACCEPT ? ACCEPT : VERIFY) : ACCEPT;
    }
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * C);
    const accept = Uint8Array.from(acceptList);
    const queue = new Int32Array(n);
    let qn = 0;
    for (let c = 0; c < C; c++) {
      const t = trie[c]!;
      if (t >= 0) {
        delta[c] = t;
        fail[t] = 0;
        queue[qn++] = t;
      }
    }
    for (let qi = 0; qi < qn; qi++) {
      const st = queue[qi]!;
      // A shorter pattern that ends here too: a plain anchor wins.
      const inherited = accept[fail[st]!]!;
      if (inherited === ACCEPT || (inherited === VERIFY && accept[st] === 0)) accept[st] = inherited;
      const f = fail[st]! * C;
      for (let c = 0; c < C; c++) {
        const t = trie[st * C + c]!;
        if (c === skip) {
          delta[st * C + c] = st;
        } else if (t >= 0) {
          fail[t] = delta[f + c]!;
          delta[st * C + c] = t;
          queue[qn++] = t;
        } else {
          delta[st * C + c] = delta[f + c]!;
        }
      }
    }
    this.classOf = classOf;
    this.classes = C;
    this.delta = delta;
    this.accept = accept;
    this.states = n;
  }
}

/** Start offsets of every spot in `buf[start, end)` where a record could match. */
export interface HitFinder extends Prefilter {
  hits(buf: Uint8Array, start: number, end: number): number[];
  /**
   * The same question about decoded text: an identifier value or free text
   * of a record. Every character above U+007F counts as a separator, as
   * every byte above 0x7F does for the bytes.
   */
  mayMatchText(s: string): boolean;
}

/**
 * Few anchors (one person, a handful of keys): one case-insensitive regular
 * expression over the bytes seen as Latin-1. V8 compiles it to native code
 * that runs at hundreds of MB/s, far faster than a byte loop in JavaScript;
 * but an alternation of thousands of literals is V8's worst case (rebar's
 * "dictionary" benchmark: KB/s), so batches use the automaton below.
 */
export class RegexPrefilter implements HitFinder {
  /** Bytes per piece of a long span (pieceEnd); the tests make it small, or larger than any span. */
  static piece = 48 * 1024;
  /** One expression per group (V8 scans an alternation of digit strings far faster than one that mixes in letters). */
  private readonly res: RegExp[];
  private readonly reText: RegExp;
  private readonly decorated: DecoratedNames | undefined;
  /** The phone tails as a WebAssembly scan (tail-scan.ts), when there are few; else a regular expression in `res`. */
  private readonly tails: TailScanner | undefined;
  /** The anchors as a WebAssembly scan (literal-scan.ts); else regular expressions in `res`. */
  private readonly literals: LiteralScanner | undefined;
  /** No anchor holds a `"`: a span may also be cut after one (a minified JSON page has no line breaks). */
  private readonly quoteSafe: boolean;
  constructor(
    readonly anchors: string[],
    phoneTails: string[],
    bases: string[] = [],
  ) {
    this.decorated = bases.length > 0 ? new DecoratedNames(new Set(bases)) : undefined;
    const esc = (a: string): string => a.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    // An anchor that holds another is found wherever that one is: only the shortest are looked for.
    // (A personnummer's is narrower than its date: never dropped for it, nor anything for it.)
    const kept = minimalAnchors(anchors.filter((a) => !splitThen(a)));
    this.quoteSafe = kept.every((a) => !a.includes('"'));
    // A personnummer: its date, and by lookahead (so that nothing after it is consumed) the last four after
    // non-digits, or the end.
    const dates = [...new Set(anchors.filter((a) => splitThen(a)))].map((a) => splitThen(a)!);
    const thens = dates.map(({ date, last }) => `${date}(?=\\D*(?:${last}|\\d{0,3}$))`);
    const digits = [...kept.filter((a) => /^\d+$/u.test(a)), ...thens];
    const others = kept.filter((a) => !/^\d+$/u.test(a));
    // The automaton's separators: space, tab, - . / ( ) [ ] ~ and every non-ASCII byte; never a line break.
    // (Two classes in an alternation: V8 scans that faster than one class that spans 0x7F.)
    const sep = '(?:[ \\t\\-./()\\[\\]~]|[\\x80-\\xff])*';
    this.res = [];
    // The anchors as a WebAssembly scan (literal-scan.ts) when it takes them all; else as regular expressions.
    this.literals = LiteralScanner.create([...kept.map((text) => ({ text })), ...dates.map((d) => ({ text: d.date, last: d.last }))]);
    if (!this.literals) {
      if (digits.length > 0) this.res.push(new RegExp(digits.join('|'), 'g'));
      if (others.length > 0) this.res.push(new RegExp(others.map(esc).join('|'), 'gi'));
    }
    this.tails = TailScanner.create(phoneTails);
    if (phoneTails.length > 0 && !this.tails) this.res.push(new RegExp(digitTrie(phoneTails, sep), 'g'));
    // Text: every character above U+007F is a separator, as its bytes are.
    const sepText = '[ \\t\\-./()\\[\\]~\\x80-\\uffff]*';
    this.reText = new RegExp([...kept.map(esc), ...thens, ...(phoneTails.length > 0 ? [digitTrie(phoneTails, sepText)] : [])].join('|'), 'i');
  }
  mayMatchText(s: string): boolean {
    return this.reText.test(s) || (this.decorated !== undefined && this.decorated.textMatches(s));
  }
  mayMatch(buf: Uint8Array, start: number, end: number): boolean {
    for (let a = start; a < end && this.res.length > 0; ) {
      const b = pieceEnd(buf, a, end, this.quoteSafe);
      const text = latin1(buf, a, b);
      for (const re of this.res) {
        re.lastIndex = 0;
        if (re.test(text)) return true;
      }
      a = b;
    }
    // One copy of the span for every WebAssembly scan (wasm.ts).
    return withSpan(buf, start, end, () => {
      for (const scanner of [this.literals, this.tails]) {
        if (!scanner) continue;
        const found: number[] = [];
        scanner.hits(buf, start, end, found, true);
        if (found.length > 0) return true;
      }
      return this.decorated !== undefined && decoratedHits(this.decorated, buf, start, end, true).length > 0;
    });
  }
  hits(buf: Uint8Array, start: number, end: number): number[] {
    const all: number[] = [];
    // With every anchor and tail in WebAssembly there is no text to make.
    for (let a = start; a < end && this.res.length > 0; ) {
      const b = pieceEnd(buf, a, end, this.quoteSafe);
      const text = latin1(buf, a, b);
      let out: number[] = [];
      for (const re of this.res) {
        const found: number[] = [];
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          found.push(a + m.index);
          if (m[0].length === 0) re.lastIndex++;
        }
        out = mergeSorted(out, found);
      }
      for (const h of out) all.push(h);
      a = b;
    }
    // Neither a tail nor a word spans a piece's end (a line break or a quote), so the whole span is scanned at once.
    // One copy of the span for every WebAssembly scan (wasm.ts).
    return withSpan(buf, start, end, () => {
      let merged = all;
      for (const scanner of [this.literals, this.tails]) {
        if (!scanner) continue;
        const found: number[] = [];
        scanner.hits(buf, start, end, found);
        merged = mergeSorted(merged, found);
      }
      return this.decorated ? mergeSorted(merged, decoratedHits(this.decorated, buf, start, end, false)) : merged;
    });
  }
}

/**
 * The end of the piece of a span that starts at `a`: just after the last
 * line break within RegexPrefilter.piece bytes; failing that, with `quote`,
 * just after the last `"` within them; failing that, after the next line
 * break, or `end` (issue #7).
 * The string of a whole 1 MiB chunk is an external string, whose malloc'd
 * memory V8 takes back only with a full mark-compact: `find` on 1 GB ran 78
 * of them on the main thread. The strings of pieces are young and die
 * young, and a scavenge frees them for almost nothing.
 *
 * No match holds a line break: not an anchor, a phone tail (whose
 * separators do not include it) or a word of a name. Nor a `"`, when no
 * anchor holds one (`quote`). The one exception is a personnummer's
 * lookahead for its last four digits, which passes over any non-digits:
 * when it runs over the end of a piece it reaches that end, and passes
 * there. So the pieces find every hit the whole span finds, and may find a
 * few more dates (which is sound).
 */
export function pieceEnd(buf: Uint8Array, a: number, end: number, quote = false): number {
  const piece = RegexPrefilter.piece;
  if (end - a <= piece) return end;
  const lf = buf.lastIndexOf(0x0a, a + piece - 1);
  if (lf >= a) return lf + 1;
  if (quote) {
    const q = buf.lastIndexOf(0x22, a + piece - 1);
    if (q >= a) return q + 1;
  }
  const next = buf.indexOf(0x0a, a + piece);
  return next < 0 || next >= end ? end : next + 1;
}

/** The decorated names' hits in `buf[start, end)`; with `first`, only the first. */
function decoratedHits(d: DecoratedNames, buf: Uint8Array, start: number, end: number, first: boolean): number[] {
  const out: number[] = [];
  d.hitsInBytes(buf, start, end, out, first);
  return out;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', start, end);
}

/**
 * Phone tails as one pattern with their common leading digits written once,
 * separators allowed between digits: `1 sep 7 sep 4 sep (?:2 sep 7…|8 sep 6…)`.
 * V8 tries every branch of a plain alternation at every `1` in the bytes;
 * tails of one number block (070-174 …) share their first digits, and the
 * plain alternation of ten of them cost a batch a second (issue #7). All
 * tails have the same length, so no tail is a prefix of another.
 */
export function digitTrie(tails: readonly string[], sep: string): string {
  type Node = Map<string, Node>;
  const root: Node = new Map();
  for (const t of new Set(tails)) {
    let n = root;
    for (const d of t) {
      let next = n.get(d);
      if (!next) n.set(d, (next = new Map()));
      n = next;
    }
  }
  const emit = (n: Node): string => {
    const branches = [...n].map(([d, child]) => (child.size === 0 ? d : `${d}${sep}${emit(child)}`));
    return branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
  };
  return emit(root);
}

/** The anchors no other anchor is a substring of. */
export function minimalAnchors(anchors: string[]): string[] {
  const sorted = [...new Set(anchors)].sort((x, y) => x.length - y.length || (x < y ? -1 : 1));
  const out: string[] = [];
  for (const a of sorted) if (!out.some((o) => a.includes(o))) out.push(a);
  return out;
}

function mergeSorted(a: number[], b: number[]): number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Spans shorter than this are scanned in JavaScript: copying them into the WebAssembly memory would cost more than it saves. */
const WASM_MIN_SPAN = 512;

/** Is the phone tail `t` set in the bitmap `tails`? */
const tailWanted = (tails: Uint8Array, t: number): boolean => (tails[t >>> 3]! & (1 << (t & 7))) !== 0;

/** An automaton of one state that never accepts: for a finder of phone tails only (or of anchors only, as the tails'). */
const NOTHING = new Automaton([]);

/** A phone tail as the digits it is written with (leading zeros too). */
const tailDigits = (t: number): string => String(t).padStart(PHONE_TAIL, '0');

export class AnchorPrefilter implements HitFinder {
  /** Off in the tests that compare the WebAssembly loop with the JavaScript one. */
  static wasm = true;
  /** Spans at least this long run in lanes (laneBounds); the tests make it small. */
  static laneMinSpan = 64 * 1024;
  private readonly automaton: Automaton | undefined;
  /**
   * The wanted phone tails as a bitmap of TAIL_SPACE bits (tailWanted), for
   * the JavaScript loop. A byte per number was 10 MB per finder, and a batch
   * builds dozens of them as it learns keys: issue #7's batch peak RSS.
   */
  private readonly tails: Uint8Array | undefined;
  private readonly tailList: number[];
  /** Made at the first scan of bytes (a finder asked only about text never needs it); null: not available. */
  private scanner: WasmScanner | null | undefined;
  readonly anchors: string[];

  private readonly decorated: DecoratedNames | undefined;

  /** Personnummer of the `THEN` anchors, as date * 10^4 + last four. */
  private readonly wanted = new Set<number>();

  constructor(anchors: string[], phoneTails: number[], bases: string[] = []) {
    this.decorated = bases.length > 0 ? new DecoratedNames(new Set(bases)) : undefined;
    this.anchors = [...new Set(anchors)].sort();
    const patterns: Uint8Array[] = [];
    const then: boolean[] = [];
    for (const a of this.anchors) {
      const t = splitThen(a);
      patterns.push(Buffer.from(t ? t.date : a, 'latin1'));
      then.push(t !== undefined);
      if (t) this.wanted.add(Number(t.date) * 10_000 + Number(t.last));
    }
    this.automaton = patterns.length > 0 ? new Automaton(patterns, then) : undefined;
    this.tailList = [...new Set(phoneTails)];
    if (phoneTails.length > 0) {
      this.tails = new Uint8Array(TAIL_SPACE / 8);
      for (const t of phoneTails) this.tails[t >>> 3]! |= 1 << (t & 7);
    }
  }

  /** The WebAssembly loop for a span of `length` bytes, when it is worth it and there is something to look for. */
  private wasmScanner(length: number): WasmScanner | undefined {
    if (length < WASM_MIN_SPAN || (!this.automaton && !this.tails)) return undefined;
    if (this.scanner === undefined) {
      // The tails as an automaton of their own, which steps over separators: the bitmap loop's
      // arithmetic on every digit, run in four lanes, cost more than the lanes gained.
      const tails = this.tailList.length > 0 ? new Automaton(this.tailList.map((t) => Buffer.from(tailDigits(t), 'latin1')), [], true) : NOTHING;
      this.scanner = (AnchorPrefilter.wasm && WasmScanner.create(this.automaton ?? NOTHING, tails)) || null;
    }
    return this.scanner ?? undefined;
  }

  /** Is a stop of the loop at `i` (with `stop`, the anchors' automaton in `state`) a hit: a tail, an anchor, or a date its last four follow? */
  private accepts(stop: number, state: number, buf: Uint8Array, i: number, end: number): boolean {
    if ((stop & STOP_TAIL) !== 0) return true;
    const acc = this.automaton ? this.automaton.accept[state]! : 0;
    return acc === ACCEPT || (acc === VERIFY && this.bytesFollowedBy(buf, i, end));
  }

  /**
   * What firstHit gives from each start, for the bytes in WebAssembly: the
   * hits, each found from a fresh start after the one before (or only the
   * first). A personnummer date is verified here and the scan goes on from
   * the state after it, as firstHit's loop does.
   */
  private wasmHits(w: WasmScanner, buf: Uint8Array, start: number, end: number, onlyFirst: boolean): number[] {
    const len = end - start;
    w.load(buf, start, end);
    if (!onlyFirst && len >= AnchorPrefilter.laneMinSpan) {
      const bounds = this.laneBounds(buf, start, end);
      if (bounds.length === LANES + 1) return this.laneHits(w, buf, start, end, bounds);
    }
    const out: number[] = [];
    w.reset();
    this.stretchHits(w, buf, start, end, 0, len, out, onlyFirst);
    return out;
  }

  /** The hits in `[from, to)` of the bytes loaded, from scan()'s states; the scan starts over after each. */
  private stretchHits(w: WasmScanner, buf: Uint8Array, start: number, end: number, from: number, to: number, out: number[], onlyFirst = false): void {
    while (from < to) {
      let i = w.scan(from, to);
      while (i >= 0 && !this.accepts(w.stop, w.state, buf, start + i, end)) i = w.scan(i + 1, to);
      if (i < 0) return;
      out.push(start + i);
      if (onlyFirst) return;
      from = i + 1;
      w.reset();
    }
  }

  /**
   * Where the span may be cut into lanes (offsets from `start`, the first 0
   * and the last its length): each cut just after a byte that no anchor
   * holds and that is neither a digit nor a phone separator. After such a
   * byte the loop run from the start of the span is at both automata's
   * roots, whatever came before, which is where a lane starts: so each lane
   * finds exactly what that loop finds in its stretch, and their hits in
   * lane order are its hits.
   */
  private laneBounds(buf: Uint8Array, start: number, end: number): number[] {
    const len = end - start;
    const classOf = (this.automaton ?? NOTHING).classOf;
    const bounds = [0];
    for (let k = 1; k < LANES; k++) {
      let q = Math.max(bounds[bounds.length - 1]! + 1, Math.floor((k * len) / LANES));
      while (q < len && (classOf[buf[start + q - 1]!] !== 0 || CLASS[buf[start + q - 1]!] !== 0)) q++;
      if (q < len) bounds.push(q);
    }
    bounds.push(len);
    return bounds;
  }

  /** wasmHits over lanes (laneBounds) that the loop runs side by side: the same hits. */
  private laneHits(w: WasmScanner, buf: Uint8Array, start: number, end: number, bounds: number[]): number[] {
    const found: number[][] = [];
    for (let k = 0; k < LANES; k++) {
      w.startLane(k, bounds[k]!, bounds[k + 1]!);
      found.push([]);
    }
    while (w.scanLanes()) {
      for (let k = 0; k < LANES; k++) {
        const stop = w.laneStop(k);
        if (stop === 0) continue;
        const i = w.lanePos(k) - 1;
        if (this.accepts(stop, w.laneState(k), buf, start + i, end)) {
          found[k]!.push(start + i);
          // A fresh start after a hit, as wasmHits starts over.
          w.resetLane(k);
        } else w.clearLaneStop(k);
      }
    }
    // Each lane's rest, alone, from the states it reached.
    for (let k = 0; k < LANES; k++) {
      w.takeLane(k);
      this.stretchHits(w, buf, start, end, w.lanePos(k), w.laneEnd(k), found[k]!);
    }
    return found.flat();
  }

  /** Positions (the last byte of each match) of every hit. A position inside a record marks it. */
  hits(buf: Uint8Array, start: number, end: number): number[] {
    const w = this.wasmScanner(end - start);
    let out: number[] = [];
    if (w) out = this.wasmHits(w, buf, start, end, false);
    else {
      let from = start;
      while (from < end) {
        const at = this.firstHit(buf, from, end);
        if (at < 0) break;
        out.push(at);
        from = at + 1;
      }
    }
    if (!this.decorated) return out;
    const more = decoratedHits(this.decorated, buf, start, end, false);
    return more.length === 0 ? out : mergeSorted(out, more);
  }

  mayMatch(buf: Uint8Array, start: number, end: number): boolean {
    const w = this.wasmScanner(end - start);
    if (w ? this.wasmHits(w, buf, start, end, true).length > 0 : this.firstHit(buf, start, end) >= 0) return true;
    return this.decorated !== undefined && decoratedHits(this.decorated, buf, start, end, true).length > 0;
  }

  mayMatchText(text: string): boolean {
    if (this.decorated?.textMatches(text)) return true;
    const a = this.automaton;
    const tails = this.tails;
    let s = 0;
    let tail = 0;
    let digits = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Above U+007F: a separator that no anchor holds, as bytes above 0x7F are.
      const b = c > 0x7f ? 0x80 : c;
      if (a) {
        s = a.delta[s * a.classes + a.classOf[b]!]!;
        if (a.accept[s] && (a.accept[s] === ACCEPT || this.textFollowedBy(text, i))) return true;
      }
      if (tails) {
        const k = CLASS[b]!;
        if (k === DIGIT) {
          tail = (tail * 10 + (b - 48)) % TAIL_SPACE;
          if (++digits >= PHONE_TAIL && tailWanted(tails, tail)) return true;
        } else if (k !== SEPARATOR) {
          tail = 0;
          digits = 0;
        }
      }
    }
    return false;
  }

  /** A personnummer date ends at `i`: do its last four digits follow? */
  private bytesFollowedBy(buf: Uint8Array, i: number, end: number): boolean {
    const at = (j: number): number => buf[j]!;
    return followedBy(at, i, end, dateBefore(at, i), this.wanted);
  }

  private textFollowedBy(text: string, i: number): boolean {
    const at = (j: number): number => text.charCodeAt(j);
    return followedBy(at, i, text.length, dateBefore(at, i), this.wanted);
  }

  /** The index of the last byte of the first match, or -1. */
  private firstHit(buf: Uint8Array, start: number, end: number): number {
    const a = this.automaton;
    const tails = this.tails;
    if (a && !tails) {
      const delta = a.delta;
      const accept = a.accept;
      const classOf = a.classOf;
      const C = a.classes;
      let s = 0;
      for (let i = start; i < end; i++) {
        s = delta[s * C + classOf[buf[i]!]!]!;
        if (accept[s] && (accept[s] === ACCEPT || this.bytesFollowedBy(buf, i, end))) return i;
      }
      return -1;
    }
    if (!tails) return -1;
    // The batch's loop (issue #7): the automaton's tables in locals, as above, so that V8 keeps them in registers.
    const { delta, accept, classOf, classes: C } = a ?? NOTHING;
    let s = 0;
    let tail = 0;
    let digits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      s = delta[s * C + classOf[b]!]!;
      if (accept[s] !== 0 && (accept[s] === ACCEPT || this.bytesFollowedBy(buf, i, end))) return i;
      const c = CLASS[b]!;
      if (c === DIGIT) {
        tail = (tail * 10 + (b - 48)) % TAIL_SPACE;
        if (++digits >= PHONE_TAIL && tailWanted(tails, tail)) return i;
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
  const plan = planPrefilter(keys);
  return plan.kind === 'some' ? plan.finder : undefined;
}

/**
 * The anchor of one key for the prefilter: a string (for a name also the
 * base token whose other spellings decorated.ts looks for), a phone tail,
 * nothing (a context key), or `unfit` (too short to select anything).
 */
export type KeyAnchor = { anchor: string; base?: string } | { tail: number } | 'none' | 'unfit';

export function keyAnchor(k: AnchorKey): KeyAnchor {
  if (k.kind === 'phone') {
    // A national number shorter than a tail (`12 34 56`): its renderings need not hold seven digits.
    const tail = phoneTail(k.value);
    return tail.length < PHONE_TAIL ? 'unfit' : { tail: Number(tail) };
  }
  if (k.kind === 'name') {
    // A name with no ASCII run to look for (Cyrillic, Greek, CJK) cannot be prefiltered.
    const n = nameAnchor(k.value);
    return n === undefined || n.anchor.length < MIN_ANCHOR ? 'unfit' : n;
  }
  if (k.kind === 'company' || k.kind === 'address' || k.kind === 'orgnr-context') return 'none';
  const a = anchorOf(k.kind, k.value);
  if (a === undefined) return 'none';
  return a.length < MIN_ANCHOR ? 'unfit' : { anchor: a };
}

/**
 * What a prefilter for these keys can be: `none` when no key has an anchor
 * (nothing a prefilter could look for), `all` when one key's anchor is too
 * short (every record must be read in full), else the finder.
 */
export type PrefilterPlan = { kind: 'none' } | { kind: 'all' } | { kind: 'some'; finder: HitFinder; anchors: string[]; tails: number[]; bases: string[] };

export function planPrefilter(keys: Iterable<AnchorKey>): PrefilterPlan {
  const anchors = new Set<string>();
  const tails = new Set<number>();
  const bases = new Set<string>();
  for (const k of keys) {
    const a = keyAnchor(k);
    if (a === 'unfit') return { kind: 'all' };
    if (a === 'none') continue;
    if ('tail' in a) tails.add(a.tail);
    else {
      anchors.add(a.anchor);
      if (a.base !== undefined) bases.add(a.base);
    }
  }
  return planOf([...anchors], [...tails], [...bases]);
}

/** The finder for these anchors, phone tails and name bases. */
export function planOf(anchors: string[], tails: number[], bases: string[] = []): PrefilterPlan {
  if (anchors.length === 0 && tails.length === 0) return { kind: 'none' };
  const finder =
    anchors.length + tails.length <= REGEX_LIMIT
      ? new RegexPrefilter(anchors, tails.map(tailDigits), bases)
      : new AnchorPrefilter(anchors, tails, bases);
  return { kind: 'some', finder, anchors, tails, bases };
}
