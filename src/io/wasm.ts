/**
 * The part of the WebAssembly API the byte loops use (automaton-scan.ts,
 * json-rows.ts), and their modules compiled once. The project's TypeScript
 * libs do not declare WebAssembly. A platform without it gets undefined,
 * and the caller its JavaScript path.
 */
export interface WasmGlobal {
  value: number;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const Wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export const WASM_PAGE = 65536;

const compiled = new Map<string, object | null>();

/** The module of these bytes (base64), compiled on first use; undefined without WebAssembly. */
export function wasmModule(base64: string): object | undefined {
  let m = compiled.get(base64);
  if (m === undefined) {
    try {
      if (!Wasm) throw new Error('no WebAssembly');
      m = new Wasm.Module(Buffer.from(base64, 'base64'));
    } catch {
      m = null;
    }
    compiled.set(base64, m);
  }
  return m ?? undefined;
}

/** An instance of `mod` with a memory of its own of `pages` pages (64 KiB). */
export function instantiate<E>(mod: object, pages: number): { exports: E; memory: WasmMemory } {
  const memory = new Wasm!.Memory({ initial: pages });
  const exports = new Wasm!.Instance(mod, { env: { memory } }).exports as E;
  return { exports, memory };
}

/** Grows `memory` to hold at least `bytes`. */
export function ensureMemory(memory: WasmMemory, bytes: number): void {
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE));
}

/**
 * One instance of `mod` per thread, shared by every scanner of its kind
 * (issue #7): a prefilter is rebuilt as keys are learned, a batch's dozens
 * of times per source, and an instance of its own per rebuild kept a memory
 * grown to the largest span scanned until the garbage collector came by. The
 * scans are synchronous, so a scanner copies its tables in (`tables` at
 * offset 0) when another one used the instance last.
 */
export interface SharedInstance<E> {
  exports: E;
  memory: WasmMemory;
  /** The tables loaded now. */
  owner: object | undefined;
}

const shared = new Map<object, SharedInstance<unknown>>();

export function sharedInstance<E>(mod: object, pages: number): SharedInstance<E> {
  let s = shared.get(mod) as SharedInstance<E> | undefined;
  if (!s) {
    s = { ...instantiate<E>(mod, pages), owner: undefined };
    shared.set(mod, s);
  }
  return s;
}

/** Loads `tables` at offset 0 unless `owner`'s are there already. */
export function useTables(s: SharedInstance<unknown>, owner: object, tables: Uint8Array): void {
  if (s.owner === owner) return;
  new Uint8Array(s.memory.buffer, 0, tables.length).set(tables);
  s.owner = owner;
}

/** Copies `buf[start, end)` to `at` in the instance's memory (grown as needed), with `owner`'s tables loaded. */
export function loadSpan(s: SharedInstance<unknown>, owner: object, tables: Uint8Array, buf: Uint8Array, start: number, end: number, at: number): void {
  ensureMemory(s.memory, at + end - start);
  useTables(s, owner, tables);
  new Uint8Array(s.memory.buffer).set(buf.subarray(start, end), at);
}

/** A scan that stores positions (i32, relative to `input`) and stops after `cap` of them, to go on from `next`. */
export interface PositionScan {
  scan(input: number, i: number, n: number, out: number, cap: number, extra: number): number;
  next: WasmGlobal;
}

/**
 * Every position the scan finds in `buf[start, end)`, pushed to `out` in
 * order (with `first`, only the first); the bytes go to `at`, the positions
 * come back at `outAt`, `cap` at a time. tails.wat and literals.wat.
 */
export function scanPositions(
  s: SharedInstance<PositionScan>,
  owner: object,
  tables: Uint8Array,
  layout: { at: number; outAt: number; cap: number; extra: number },
  buf: Uint8Array,
  start: number,
  end: number,
  out: number[],
  first: boolean,
): void {
  const n = end - start;
  loadSpan(s, owner, tables, buf, start, end, layout.at);
  for (let i = 0; i < n; ) {
    const count = s.exports.scan(layout.at, i, n, layout.outAt, first ? 1 : layout.cap, layout.extra);
    const found = new Int32Array(s.memory.buffer, layout.outAt, count);
    for (let k = 0; k < count; k++) out.push(start + found[k]!);
    if (first && count > 0) return;
    i = count === layout.cap ? s.exports.next.value : n;
  }
}
