/**
 * Is a line of an NDJSON export certainly a row? The WebAssembly validator
 * of json-lines.wat (issue #7): it answers without building the object, so
 * a check of every line of a GA export costs no garbage. `true` means the
 * bytes, read as Latin-1, are a JSON object that JSON.parse reads and that
 * nests at most 64 levels deep; `false` means ask JSON.parse (the answer
 * may still be a row: deeper nesting, a byte above 0x7F between tokens).
 */
import { JSON_LINES_WASM } from './json-lines-wasm.ts';
import { ensureMemory, sharedInstance, WASM_PAGE, wasmModule, type SharedInstance } from './wasm.ts';

interface Exports {
  row(i: number, end: number): number;
}

/** Where the bytes go in the module's memory: below is its stack of open containers. */
const BASE = 1024;

export class JsonRows {
  private loaded: Uint8Array | undefined;
  private constructor(private readonly shared: SharedInstance<Exports>) {}

  /**
   * Undefined without WebAssembly. Every validator of a thread shares one
   * instance (wasm.ts): a check of each GA file made one of its own, and
   * ten files kept ten memories of a chunk's size until V8 collected them.
   */
  static create(): JsonRows | undefined {
    const mod = wasmModule(JSON_LINES_WASM);
    if (!mod) return undefined;
    try {
      return new JsonRows(sharedInstance<Exports>(mod, Math.ceil((BASE + (1 << 20)) / WASM_PAGE)));
    } catch {
      return undefined;
    }
  }

  /**
   * Is `buf[start, end)` certainly a row? Lines of the same buffer share one
   * copy into the module: the buffer is known by identity, so bytes read
   * into the same memory again must come as a new view (readChunksReused
   * gives one per chunk).
   */
  isRow(buf: Uint8Array, start: number, end: number): boolean {
    const s = this.shared;
    // Another validator (a check of another file in this thread) may have used the memory since.
    if (buf !== this.loaded || s.held.owner !== this) {
      ensureMemory(s.memory, BASE + buf.length);
      new Uint8Array(s.memory.buffer, BASE, buf.length).set(buf);
      this.loaded = buf;
      s.held.owner = this;
    }
    return s.exports.row(BASE + start, BASE + end) === 1;
  }
}
