/**
 * The batch prefilter's byte loop in WebAssembly (automaton.wat; issue #7).
 *
 * The tables of an AnchorPrefilter (anchors.ts) are laid out once in a
 * memory of their own: the byte classes and transitions of its two automata
 * (anchors, phone tails), the lanes' records, and then room for the bytes
 * being scanned, which are copied in (a copy runs at memory speed; the loop
 * itself about three times faster than V8 runs it in JavaScript, and four
 * lanes side by side about twice as fast again). Everything that decides a
 * hit stays in anchors.ts: this only finds the bytes where an automaton
 * accepts.
 * A platform without WebAssembly gets undefined, and the JavaScript loop.
 */
import { AUTOMATON_WASM } from './automaton-wasm.ts';
import { ensureMemory, instantiate, WASM_PAGE, wasmModule, type WasmGlobal, type WasmMemory } from './wasm.ts';

interface Exports {
  scan(buf: number, i: number, end: number, classOf: number, delta: number, tdelta: number): number;
  scan4(buf: number, classOf: number, delta: number, tdelta: number, lanes: number): number;
  s: WasmGlobal;
  t: WasmGlobal;
  stop: WasmGlobal;
}

/** An automaton's tables (anchors.ts, Automaton). */
export interface ScanTables {
  /** Byte → automaton class. */
  classOf: Uint8Array;
  accept: Uint8Array;
  delta: Int32Array;
  classes: number;
}

/** What stopped the loop at a byte: the anchors' automaton reached an accepting state, a phone tail ended there. */
export const STOP_ANCHOR = 1;
export const STOP_TAIL = 2;

/** How many stretches scan4 runs side by side. */
export const LANES = 4;
/** The i32s of a lane's record (automaton.wat): position, end, the two states, stop. */
const LANE_INTS = 5;

const align = (n: number): number => (n + 7) & ~7;
/** Bit 30 of a transition: the state it leads to accepts. */
const ACCEPTS = 0x40000000;

export class WasmScanner {
  private readonly exports: Exports;
  private readonly memory: WasmMemory;
  private readonly at: { classOf: number; delta: number; tdelta: number; lanes: number; buf: number };
  private readonly rowBytes: number;
  /** The lanes' records, a view that a grown memory replaces. */
  private lanes: Int32Array;

  private constructor(mod: object, a: ScanTables, t: ScanTables) {
    const classOf = 0;
    const delta = 1024;
    const tdelta = align(delta + a.delta.length * 4);
    const lanes = align(tdelta + t.delta.length * 4);
    const buf = lanes + LANES * LANE_INTS * 4;
    const { exports, memory } = instantiate<Exports>(mod, Math.ceil((buf + WASM_PAGE) / WASM_PAGE));
    this.exports = exports;
    this.memory = memory;
    this.at = { classOf, delta, tdelta, lanes, buf };
    // One load gives a byte's column in both automata: the anchors' in the low 16 bits, the tails' in the high.
    const columns = new Int32Array(memory.buffer, classOf, 256);
    for (let b = 0; b < 256; b++) columns[b] = a.classOf[b]! * 4 + ((t.classOf[b]! * 4) << 16);
    layOut(memory, a, delta);
    layOut(memory, t, tdelta);
    this.rowBytes = a.classes * 4;
    this.lanes = new Int32Array(this.memory.buffer, lanes, LANES * LANE_INTS);
  }

  /** For the anchors' automaton and the tails'. */
  static create(anchors: ScanTables, tails: ScanTables): WasmScanner | undefined {
    const mod = wasmModule(AUTOMATON_WASM);
    // Row offsets must stay below bit 30, a column offset below 2^16.
    if (!mod || anchors.delta.length * 4 >= ACCEPTS || tails.delta.length * 4 >= ACCEPTS || Math.max(anchors.classes, tails.classes) * 4 >= 1 << 16) return undefined;
    try {
      return new WasmScanner(mod, anchors, tails);
    } catch {
      return undefined;
    }
  }

  /** Copies `buf[start, end)` in, to be scanned at 0 … end - start. */
  load(buf: Uint8Array, start: number, end: number): void {
    ensureMemory(this.memory, this.at.buf + (end - start));
    new Uint8Array(this.memory.buffer, this.at.buf, end - start).set(buf.subarray(start, end));
    if (this.lanes.buffer !== this.memory.buffer) this.lanes = new Int32Array(this.memory.buffer, this.at.lanes, LANES * LANE_INTS);
  }

  /** Starts over: both automata at their roots. */
  reset(): void {
    this.exports.s.value = 0;
    this.exports.t.value = 0;
  }

  /** The next stop at or after `i` (of the bytes loaded, up to `end`), or -1; the states go on from the last stop. */
  scan(i: number, end: number): number {
    const a = this.at;
    return this.exports.scan(a.buf, i, end, a.classOf, a.delta, a.tdelta);
  }

  /** The anchors' automaton's state at the last stop. */
  get state(): number {
    return this.exports.s.value / this.rowBytes;
  }

  /** What stopped the last scan (STOP_ANCHOR, STOP_TAIL). */
  get stop(): number {
    return this.exports.stop.value;
  }

  /** Lane k starts at the root at `pos` (of the bytes loaded) and ends before `end`. */
  startLane(k: number, pos: number, end: number): void {
    const o = k * LANE_INTS;
    this.lanes[o] = pos;
    this.lanes[o + 1] = end;
    this.resetLane(k);
  }

  /** Lane k's automata back at their roots, its stop cleared. */
  resetLane(k: number): void {
    const o = k * LANE_INTS;
    this.lanes[o + 2] = 0;
    this.lanes[o + 3] = 0;
    this.lanes[o + 4] = 0;
  }

  /** Runs the lanes side by side: true after a step where some lane stopped (laneStop), false when one reached its end. */
  scanLanes(): boolean {
    const a = this.at;
    return this.exports.scan4(a.buf, a.classOf, a.delta, a.tdelta, a.lanes) === 1;
  }

  /** Lane k's next position. */
  lanePos(k: number): number {
    return this.lanes[k * LANE_INTS]!;
  }

  laneEnd(k: number): number {
    return this.lanes[k * LANE_INTS + 1]!;
  }

  /** Lane k's anchor automaton state after the byte before lanePos. */
  laneState(k: number): number {
    return this.lanes[k * LANE_INTS + 2]! / this.rowBytes;
  }

  /** What stopped lane k at the byte before lanePos (STOP_ANCHOR, STOP_TAIL), or 0. */
  laneStop(k: number): number {
    return this.lanes[k * LANE_INTS + 4]!;
  }

  clearLaneStop(k: number): void {
    this.lanes[k * LANE_INTS + 4] = 0;
  }

  /** scan() goes on from lane k's states, to finish its stretch alone. */
  takeLane(k: number): void {
    this.exports.s.value = this.lanes[k * LANE_INTS + 2]!;
    this.exports.t.value = this.lanes[k * LANE_INTS + 3]!;
  }
}

/** An automaton's transitions as the loop wants them: the byte offset of the next state's row, with bit 30 set when that state accepts. */
function layOut(memory: WasmMemory, a: ScanTables, delta: number): void {
  const rows = new Int32Array(memory.buffer, delta, a.delta.length);
  const C = a.classes;
  for (let i = 0; i < a.delta.length; i++) {
    const next = a.delta[i]!;
    rows[i] = next * C * 4 + (a.accept[next] !== 0 ? ACCEPTS : 0);
  }
}
