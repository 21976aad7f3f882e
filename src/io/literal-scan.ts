/**
 * The one-subject prefilter's anchors in WebAssembly (literals.wat; issue
 * #7): every position where an anchor begins, ASCII letters in either case,
 * and a personnummer's date only where its last four follow past any
 * non-digits (or the text ends within three digits), as the regular
 * expressions of RegexPrefilter (anchors.ts) find them; they stay the
 * reference and the path for anchors this scan does not take.
 */
import { LITERALS_WASM } from './literals-wasm.ts';
import { scanPositions, scanInstance, SCAN_INPUT, wasmModule, type PositionScan, type SharedInstance } from './wasm.ts';

/** What the scan takes: more anchors share buckets and are compared more often; the regular expressions take the rest. */
export const MAX_SCANNED_ANCHORS = 24;
const MAX_BYTES = 60;

export interface ScannedAnchor {
  /** ASCII, at least three bytes; letters found in either case. */
  text: string;
  /** For a personnummer's date: its last four digits, which must follow. */
  last?: string;
}

const OUT = 4096;
const CAP = 4096;
/** The scanned bytes: where every one-subject scan puts them, so that they are copied in once for all (wasm.ts). */
const IN = SCAN_INPUT;

const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

export class LiteralScanner {
  private constructor(
    private readonly instance: SharedInstance<PositionScan>,
    private readonly tables: Uint8Array,
    private readonly count: number,
  ) {}

  /** undefined without WebAssembly, or for anchors it does not take (the caller uses its regular expressions). */
  static create(anchors: readonly ScannedAnchor[]): LiteralScanner | undefined {
    if (anchors.length === 0 || anchors.length > MAX_SCANNED_ANCHORS) return undefined;
    const fits = (a: ScannedAnchor): boolean =>
      /^[\x20-\x7e]{3,}$/u.test(a.text) && a.text.length <= MAX_BYTES && (a.last === undefined || /^\d{4}$/u.test(a.last));
    if (!anchors.every(fits)) return undefined;
    const mod = wasmModule(LITERALS_WASM);
    if (!mod) return undefined;
    try {
      // The tables, loaded into the thread's one memory of the one-subject scans (wasm.ts, scanInstance) when this scanner runs.
      const m = new Uint8Array(2304);
      const v = new DataView(m.buffer);
      for (let c = 0; c < 256; c++) m[2048 + c] = fold(c);
      anchors.forEach((a, k) => {
        const bit = 1 << (k % 8);
        const bytes = [...a.text].map((ch) => fold(ch.charCodeAt(0)));
        for (let j = 0; j < 3; j++) {
          m[32 * j + (bytes[j]! & 15)]! |= bit;
          m[32 * j + 16 + (bytes[j]! >> 4)]! |= bit;
        }
        const at = 512 + 64 * k;
        m.set(bytes, at);
        if (a.last) for (let j = 0; j < 4; j++) m[at + 60 + j] = a.last.charCodeAt(j);
        const rec = 128 + 16 * k;
        v.setInt32(rec, bytes.length, true);
        v.setInt32(rec + 4, a.last ? 1 : 0, true);
        v.setInt32(rec + 8, bit, true);
        v.setInt32(rec + 12, at, true);
      });
      return new LiteralScanner(scanInstance<PositionScan>(mod), m, anchors.length);
    } catch {
      return undefined;
    }
  }

  /** Positions in `buf[start, end)` where an anchor begins, in order; with `first`, only the first. */
  hits(buf: Uint8Array, start: number, end: number, out: number[], first = false): void {
    scanPositions(this.instance, this, this.tables, { at: IN, outAt: OUT, cap: CAP, extra: this.count }, buf, start, end, out, first);
  }
}
