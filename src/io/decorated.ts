/**
 * Names written with diacritics the key does not have (issue #7).
 *
 * The matcher compares names also without their diacritics: a subject
 * known as `Marta Oberg` matches `Märta Öberg` (a `possible` match through
 * the base key). An ASCII anchor of the key (`marta`) is then not in the
 * record's bytes: any letter of it may carry a diacritic, or be written as
 * a ligature, a full-width letter or with combining marks. No substring is
 * safe, so the prefilter decides such words by folding them as the matcher
 * does.
 *
 * A word, in bytes, is a run of ASCII letters, digits and apostrophes and of
 * bytes above 0x7F (which are part of letters in every encoding the readers
 * decode: UTF-8, Windows-1252, CP437). A word without a byte above 0x7F
 * needs no folding: if it is a name token of interest it holds the key's
 * ASCII anchor. A word with one is decoded in each of those encodings, split
 * into tokens and folded (`nameTokens`, `foldBase`); it may match when one of
 * its tokens folds to a base token of interest. Words repeat (a name, a
 * town), so the answer is kept per word. After a backslash the word is also
 * tried without its first letter, which may belong to an escape (`\n`).
 */
import iconv from 'iconv-lite';
import { foldBase, foldText, nameTokens } from '../core/identity/normalise.ts';
import { DECORATED_WASM } from './decorated-wasm.ts';
import { loadSpan, scanInstance, SCAN_INPUT, wasmModule, type SharedInstance, type WasmGlobal } from './wasm.ts';

/** Bytes that belong to a word: ASCII letters, digits, the apostrophe and everything above 0x7F. */
const WORD = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  WORD[c] = c >= 0x80 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x27 ? 1 : 0;
}

// Latin-1 text, one character per byte: V8 scans it faster without the u flag.
const NON_ASCII_RUN = /[\x80-\xff]+/g;
const NON_ASCII_TEXT = /[^\x00-\x7f]/u;
/** Answers kept per word; a file of prose has many words, so the memory is bounded. */
const MEMO_LIMIT = 200_000;

/**
 * At most how many characters one byte above 0x7F gives a folded token, in
 * any of the encodings a word is decoded in: a Windows-1252 or CP437 byte
 * is one character (`æ` folds to `ae`, `ß` to `ss`: two); a UTF-8
 * character of n bytes folds to at most 2n (`ﬃ`, three bytes, to `ffi`;
 * `㎯`, three bytes, to five). test/io/decorated-wasm.test.ts folds every
 * byte and every code point to hold this. An ASCII byte of a word is one
 * character. So a word whose ASCII characters that occur in some base and
 * twice its bytes above 0x7F add up to less than the shortest base cannot
 * hold a token that folds to a base: the WebAssembly scan leaves it out.
 */
export const MAX_CHARS_PER_BYTE = 2;

interface ScanExports {
  scan(input: number, i: number, n: number, out: number, cap: number, min: number): number;
  next: WasmGlobal;
}

const OUT = 512;
/** Words given back per call; the scan goes on from where it stopped. */
const CAP = 4096;
/** The scanned bytes: where every one-subject scan puts them, so that they are copied in once for all (wasm.ts). */
const IN = SCAN_INPUT;

/** decorated.wat with its word and weight tables, over the thread's one memory of the one-subject scans (wasm.ts, scanInstance). */
class WordScanner {
  private constructor(
    private readonly instance: SharedInstance<ScanExports>,
    private readonly tables: Uint8Array,
    private readonly min: number,
  ) {}

  static create(bases: ReadonlySet<string>): WordScanner | undefined {
    const mod = wasmModule(DECORATED_WASM);
    if (!mod) return undefined;
    // A base with a character above U+007F (a name in another script) is not bounded so: every word is a candidate.
    const ascii = [...bases].every((b) => /^[\x00-\x7f]*$/u.test(b));
    const min = ascii ? Math.min(...[...bases].map((b) => b.length)) : 0;
    const chars = new Set([...bases].join(''));
    const t = new Uint8Array(512);
    for (let c = 0; c < 256; c++) {
      t[c] = WORD[c]!;
      t[256 + c] = c >= 0x80 ? MAX_CHARS_PER_BYTE : WORD[c] && chars.has(String.fromCharCode(c).toLowerCase()) ? 1 : 0;
    }
    try {
      return new WordScanner(scanInstance<ScanExports>(mod), t, Number.isFinite(min) ? min : 0);
    } catch {
      return undefined;
    }
  }

  /** Calls `each(start, end)` for the candidate words of `buf[start, end)`, in order, until it returns true. */
  words(buf: Uint8Array, start: number, end: number, each: (a: number, b: number) => boolean): void {
    const n = end - start;
    const { exports, memory } = this.instance;
    loadSpan(this.instance, this, this.tables, buf, start, end, IN);
    // `each` folds words in JavaScript and scans nothing, so the bytes and the tables stay as loaded.
    for (let i = 0; i < n; ) {
      const count = exports.scan(IN, i, n, OUT, CAP, this.min);
      const pairs = new Int32Array(memory.buffer, OUT, count * 2);
      for (let k = 0; k < count; k++) if (each(start + pairs[2 * k]!, start + pairs[2 * k + 1]!)) return;
      i = count === CAP ? exports.next.value : n;
    }
  }
}

export class DecoratedNames {
  private readonly memo = new Map<string, boolean>();
  private readonly tokenMemo = new Map<string, boolean>();
  /** undefined: not made yet; null: no WebAssembly here. */
  private scanner: WordScanner | null | undefined;

  /** `bases`: the diacritic-free tokens (`foldBase`) of the names of interest. */
  constructor(readonly bases: ReadonlySet<string>) {}

  private tokenMatches(token: string): boolean {
    let v = this.tokenMemo.get(token);
    if (v === undefined) {
      v = this.bases.has(foldBase(token));
      if (this.tokenMemo.size >= MEMO_LIMIT) this.tokenMemo.clear();
      this.tokenMemo.set(token, v);
    }
    return v;
  }

  /** Does decoded text hold a token that folds to a base of interest? Only text with a character above U+007F needs asking. */
  textMatches(text: string): boolean {
    if (!NON_ASCII_TEXT.test(text)) return false;
    for (const t of nameTokens(foldText(text))) if (this.tokenMatches(t)) return true;
    return false;
  }

  /** A word's bytes, seen as Latin-1 (each char one byte), that hold a byte above 0x7F. */
  wordMatches(word: string): boolean {
    let v = this.memo.get(word);
    if (v === undefined) {
      const bytes = Buffer.from(word, 'latin1');
      v = this.textMatches(bytes.toString('utf8')) || this.textMatches(iconv.decode(bytes, 'cp1252')) || this.textMatches(iconv.decode(bytes, 'cp437'));
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(word, v);
    }
    return v;
  }

  /**
   * Start offsets of the words of `buf[start, end)` that hold a byte above
   * 0x7F and may be a name of interest, in order (with `first`, only the
   * first): what hitsInLatin1 gives for the Latin-1 text of those bytes,
   * with the words found by the WebAssembly scan.
   */
  hitsInBytes(buf: Uint8Array, start: number, end: number, out: number[], first = false): void {
    if (this.scanner === undefined) this.scanner = WordScanner.create(this.bases) ?? null;
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (!this.scanner) {
      this.hitsInLatin1(b.toString('latin1', start, end), start, out);
      if (first) out.splice(1);
      return;
    }
    this.scanner.words(buf, start, end, (a, e) => {
      const word = b.toString('latin1', a, e);
      // After a backslash the first letter may be an escape's (JSON `\nMärta`, which is `Märta` on a new line).
      if (this.wordMatches(word) || (a > start && b[a - 1] === 0x5c && e - a > 1 && this.wordMatches(word.slice(1)))) {
        out.push(a);
        return first;
      }
      return false;
    });
  }

  /**
   * Start offsets (in the string, plus `base`) of the words of `latin1` that
   * hold a byte above 0x7F and may be a name of interest, in order. The
   * JavaScript path: hitsInBytes without WebAssembly, and its reference.
   */
  hitsInLatin1(latin1: string, base: number, out: number[]): void {
    const re = NON_ASCII_RUN;
    re.lastIndex = 0;
    const n = latin1.length;
    for (let m = re.exec(latin1); m; m = re.exec(latin1)) {
      let a = m.index;
      while (a > 0 && WORD[latin1.charCodeAt(a - 1)]) a--;
      let b = re.lastIndex;
      while (b < n && WORD[latin1.charCodeAt(b)]) b++;
      re.lastIndex = b;
      // After a backslash the first letter may be an escape's (JSON `\nMärta`, which is `Märta` on a new line).
      if (this.wordMatches(latin1.slice(a, b)) || (a > 0 && latin1.charCodeAt(a - 1) === 0x5c && b - a > 1 && this.wordMatches(latin1.slice(a + 1, b)))) {
        out.push(base + a);
      }
    }
  }
}
