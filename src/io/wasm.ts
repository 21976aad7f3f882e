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
 * offset 0) when another one used the memory last.
 */
export interface SharedInstance<E> {
  exports: E;
  memory: WasmMemory;
  /** What the memory holds now; shared by the instances of one memory. */
  held: Held;
}

interface Held {
  /** Whose tables are loaded now. */
  owner: object | undefined;
  /** The span loaded at `spanAt` in the current `withSpan` scope, if any. */
  span: SpanScope | undefined;
  spanAt: number;
}

interface SpanScope {
  buf: Uint8Array;
  start: number;
  end: number;
}

const shared = new Map<object, SharedInstance<unknown>>();

export function sharedInstance<E>(mod: object, pages: number): SharedInstance<E> {
  let s = shared.get(mod) as SharedInstance<E> | undefined;
  if (!s) {
    s = { ...instantiate<E>(mod, pages), held: { owner: undefined, span: undefined, spanAt: -1 } };
    shared.set(mod, s);
  }
  return s;
}

/**
 * Where the one-subject scans (literals, tails, decorated names) put the
 * bytes they scan: above every table and result area of theirs.
 */
export const SCAN_INPUT = 65536;
let scanMemory: { memory: WasmMemory; held: Held } | undefined;
const scanInstances = new Map<object, SharedInstance<unknown>>();

/**
 * The thread's instance of `mod` over the one memory of the one-subject
 * scans (issue #7). A prefilter runs up to three of them over the same
 * span; in a `withSpan` scope the span is copied in once for all of them,
 * where a memory each took three copies of every byte read.
 */
export function scanInstance<E>(mod: object): SharedInstance<E> {
  let s = scanInstances.get(mod) as SharedInstance<E> | undefined;
  if (!s) {
    scanMemory ??= { memory: new Wasm!.Memory({ initial: SCAN_INPUT / WASM_PAGE + 1 }), held: { owner: undefined, span: undefined, spanAt: -1 } };
    const exports = new Wasm!.Instance(mod, { env: { memory: scanMemory.memory } }).exports as E;
    s = { exports, memory: scanMemory.memory, held: scanMemory.held };
    scanInstances.set(mod, s);
  }
  return s;
}

let scope: SpanScope | undefined;

/** Is the current scope the one of `buf[start, end)`? */
function inScopeOf(buf: Uint8Array, start: number, end: number): boolean {
  return scope !== undefined && scope.buf === buf && scope.start === start && scope.end === end;
}

/**
 * Runs `fn`, in which scans of `buf[start, end)` at the same place of the
 * same memory share one copy of the bytes. The bytes cannot change within
 * (the scans are synchronous); outside a scope every scan copies them anew,
 * since readers fill the same buffer again (readChunksReused).
 */
export function withSpan<T>(buf: Uint8Array, start: number, end: number, fn: () => T): T {
  // A scope in a scope of the same span (a prefilter of two finders) keeps the copy of the outer one.
  if (inScopeOf(buf, start, end)) return fn();
  const outer = scope;
  scope = { buf, start, end };
  try {
    return fn();
  } finally {
    scope = outer;
  }
}

/** Loads `tables` at offset 0 unless `owner`'s are there already. */
export function useTables(s: SharedInstance<unknown>, owner: object, tables: Uint8Array): void {
  if (s.held.owner === owner) return;
  new Uint8Array(s.memory.buffer, 0, tables.length).set(tables);
  s.held.owner = owner;
}

/** Copies `buf[start, end)` to `at` in the instance's memory (grown as needed), with `owner`'s tables loaded. */
export function loadSpan(s: SharedInstance<unknown>, owner: object, tables: Uint8Array, buf: Uint8Array, start: number, end: number, at: number): void {
  ensureMemory(s.memory, at + end - start);
  useTables(s, owner, tables);
  const held = s.held;
  const inScope = inScopeOf(buf, start, end);
  if (inScope && held.span === scope && held.spanAt === at) return;
  new Uint8Array(s.memory.buffer).set(buf.subarray(start, end), at);
  held.span = inScope ? scope : undefined;
  held.spanAt = at;
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
