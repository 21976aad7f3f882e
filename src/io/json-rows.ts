/**
 * Is a line of an NDJSON export certainly a row? The WebAssembly validator
 * of json-lines.wat (issue #7): it answers without building the object, so
 * a check of every line of a GA export costs no garbage. `true` means the
 * bytes, read as Latin-1, are a JSON object that JSON.parse reads and that
 * nests at most 64 levels deep; `false` means ask JSON.parse (the answer
 * may still be a row: deeper nesting, a byte above 0x7F between tokens).
 */
import { JSON_LINES_WASM } from './json-lines-wasm.ts';
import { ensureMemory, instantiate, WASM_PAGE, wasmModule, type WasmMemory } from './wasm.ts';

interface Exports {
  row(i: number, end: number): number;
}

/** Where the bytes go in the module's memory: below is its stack of open containers. */
const BASE = 1024;

export class JsonRows {
  private loaded: Uint8Array | undefined;
  private constructor(
    private readonly exports: Exports,
    private readonly memory: WasmMemory,
  ) {}

  /** Undefined without WebAssembly. */
  static create(): JsonRows | undefined {
    const mod = wasmModule(JSON_LINES_WASM);
    if (!mod) return undefined;
    try {
      const { exports, memory } = instantiate<Exports>(mod, Math.ceil((BASE + (1 << 20)) / WASM_PAGE));
      return new JsonRows(exports, memory);
    } catch {
      return undefined;
    }
  }

  /** Is `buf[start, end)` certainly a row? Lines of the same buffer share one copy into the module. */
  isRow(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.loaded) {
      ensureMemory(this.memory, BASE + buf.length);
      new Uint8Array(this.memory.buffer, BASE, buf.length).set(buf);
      this.loaded = buf;
    }
    return this.exports.row(BASE + start, BASE + end) === 1;
  }
}
