/**
 * The one-subject prefilter's phone-tail scan in WebAssembly (tails.wat;
 * issue #7): every position where one of a few phone tails begins, its
 * seven digits with separators between them, as the regular expression of
 * RegexPrefilter (anchors.ts, digitTrie) finds them, which stays the
 * reference and the path without WebAssembly.
 */
import { TAILS_WASM } from './tails-wasm.ts';
import { scanPositions, scanInstance, SCAN_INPUT, wasmModule, type PositionScan, type SharedInstance } from './wasm.ts';

/** More tails than this are one regular expression (a trie) instead: each tail costs the scan a compare per 16 bytes. */
export const MAX_SCANNED_TAILS = 8;

/** The separators of a phone number, as anchors.ts has them: space, tab, - . / ( ) [ ] ~ and every byte above 0x7F. */
export const TAIL_SEPARATORS = [0x20, 0x09, 0x2d, 0x2e, 0x2f, 0x28, 0x29, 0x5b, 0x5d, 0x7e];

// The separators below 0x80 by nibble: a byte is one when its low and high nibble's bits meet.
const LOW = new Uint8Array(16);
const HIGH = new Uint8Array(16);
{
  const rows = [...new Set(TAIL_SEPARATORS.map((b) => b >> 4))];
  for (const b of TAIL_SEPARATORS) {
    const bit = 1 << rows.indexOf(b >> 4);
    HIGH[b >> 4] = bit;
    LOW[b & 15]! |= bit;
  }
}

const OUT = 1024;
const CAP = 4096;
/** The scanned bytes: where every one-subject scan puts them, so that they are copied in once for all (wasm.ts). */
const IN = SCAN_INPUT;

export class TailScanner {
  private constructor(
    private readonly instance: SharedInstance<PositionScan>,
    private readonly tables: Uint8Array,
    private readonly count: number,
  ) {}

  /** For 1 to MAX_SCANNED_TAILS tails of seven digits; undefined without WebAssembly (or for others). */
  static create(tails: readonly string[]): TailScanner | undefined {
    if (tails.length === 0 || tails.length > MAX_SCANNED_TAILS || !tails.every((t) => /^\d{7}$/u.test(t))) return undefined;
    const mod = wasmModule(TAILS_WASM);
    if (!mod) return undefined;
    try {
      // The tables, loaded into the thread's one memory of the one-subject scans (wasm.ts, scanInstance) when this scanner runs.
      const m = new Uint8Array(1024);
      m.set(LOW, 0);
      m.set(HIGH, 16);
      for (let b = 0; b < 256; b++) m[256 + b] = b >= 0x80 || TAIL_SEPARATORS.includes(b) ? 1 : 0;
      tails.forEach((t, k) => {
        const at = 512 + 48 * k;
        m.fill(t.charCodeAt(0), at, at + 16);
        m.fill(t.charCodeAt(1), at + 16, at + 32);
        for (let j = 0; j < 7; j++) m[at + 32 + j] = t.charCodeAt(j);
      });
      return new TailScanner(scanInstance<PositionScan>(mod), m, tails.length);
    } catch {
      return undefined;
    }
  }

  /** Positions in `buf[start, end)` where a tail begins (and ends before `end`), in order; with `first`, only the first. */
  hits(buf: Uint8Array, start: number, end: number, out: number[], first = false): void {
    scanPositions(this.instance, this, this.tables, { at: IN, outAt: OUT, cap: CAP, extra: this.count }, buf, start, end, out, first);
  }
}
