/**
 * The batch prefilter's byte loop in WebAssembly (automaton.wat; issue #7).
 *
 * The tables of an AnchorPrefilter (anchors.ts) are laid out once in a
 * memory of their own: the byte classes, the accepting states, the
 * automaton's transitions, the phone tails as a bitmap, and then room for
 * the bytes being scanned, which are copied in (a copy runs at memory
 * speed; the loop itself about three times faster than V8 runs it in
 * JavaScript). Everything that decides a hit stays in anchors.ts: this only
 * finds the bytes where the automaton accepts or a tail is wanted.
 * A platform without WebAssembly gets undefined, and the JavaScript loop.
 */
import { AUTOMATON_WASM } from './automaton-wasm.ts';
import { ensureMemory, instantiate, WASM_PAGE, wasmModule, type WasmGlobal, type WasmMemory } from './wasm.ts';

interface Exports {
  scan(buf: number, i: number, end: number, classOf: number, cls: number, delta: number, tails: number, useTails: number): number;
  s: WasmGlobal;
  tail: WasmGlobal;
  digits: WasmGlobal;
  tailHit: WasmGlobal;
}

export interface ScanTables {
  /** Byte → automaton class. */
  classOf: Uint8Array;
  /** Byte → 1 digit, 2 phone separator, 0 other. */
  byteKinds: Uint8Array;
  accept: Uint8Array;
  delta: Int32Array;
  classes: number;
  /** The wanted phone tails (0 … 10^7 - 1); empty: no tail scan. */
  tails: readonly number[];
}

const TAIL_BITS = 10_000_000;
const align = (n: number): number => (n + 7) & ~7;
/** Bit 30 of a transition: the state it leads to accepts. */
const ACCEPTS = 0x40000000;

export class WasmScanner {
  private readonly exports: Exports;
  private readonly memory: WasmMemory;
  private readonly at: { classOf: number; kinds: number; delta: number; tails: number; buf: number };
  private readonly rowBytes: number;
  private readonly useTails: number;

  private constructor(mod: object, t: ScanTables) {
    // The automaton as the loop wants it: a class is the byte offset of its column, a transition the
    // byte offset of the next state's row, with bit 30 set when that state accepts.
    const C = t.classes;
    const classOf = 0;
    const kinds = 1024;
    const delta = 1280;
    const tails = align(delta + t.delta.length * 4);
    const buf = align(tails + (t.tails.length > 0 ? TAIL_BITS / 8 : 0));
    const { exports, memory } = instantiate<Exports>(mod, Math.ceil((buf + WASM_PAGE) / WASM_PAGE));
    this.exports = exports;
    this.memory = memory;
    this.at = { classOf, kinds, delta, tails, buf };
    const bytes = new Uint8Array(this.memory.buffer);
    const columns = new Int32Array(this.memory.buffer, classOf, 256);
    for (let b = 0; b < 256; b++) columns[b] = t.classOf[b]! * 4;
    bytes.set(t.byteKinds, kinds);
    const rows = new Int32Array(this.memory.buffer, delta, t.delta.length);
    for (let i = 0; i < t.delta.length; i++) {
      const next = t.delta[i]!;
      rows[i] = next * C * 4 + (t.accept[next] !== 0 ? ACCEPTS : 0);
    }
    for (const tail of t.tails) bytes[tails + (tail >>> 3)]! |= 1 << (tail & 7);
    this.rowBytes = C * 4;
    this.useTails = t.tails.length > 0 ? 1 : 0;
  }

  static create(t: ScanTables): WasmScanner | undefined {
    const mod = wasmModule(AUTOMATON_WASM);
    // Row offsets must stay below bit 30.
    if (!mod || t.delta.length * 4 >= ACCEPTS) return undefined;
    try {
      return new WasmScanner(mod, t);
    } catch {
      return undefined;
    }
  }

  /** Copies `buf[start, end)` in, to be scanned at 0 … end - start. */
  load(buf: Uint8Array, start: number, end: number): void {
    ensureMemory(this.memory, this.at.buf + (end - start));
    new Uint8Array(this.memory.buffer, this.at.buf, end - start).set(buf.subarray(start, end));
  }

  /** Starts over: the automaton at its root, no digits seen. */
  reset(): void {
    this.exports.s.value = 0;
    this.exports.tail.value = 0;
    this.exports.digits.value = 0;
  }

  /** The next stop at or after `i` (of the bytes loaded, `len` of them), or -1; the state goes on from the last stop. */
  scan(i: number, len: number): number {
    const a = this.at;
    return this.exports.scan(a.buf, i, len, a.classOf, a.kinds, a.delta, a.tails, this.useTails);
  }

  /** The automaton's state at the last stop. */
  get state(): number {
    return this.exports.s.value / this.rowBytes;
  }

  /** Did the last stop come from a wanted phone tail? */
  get tailHit(): boolean {
    return this.exports.tailHit.value !== 0;
  }
}
