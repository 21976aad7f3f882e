/**
 * The CSV fast path's record splitter for the stretches between prefilter
 * hits, in WebAssembly (csv-records.wat; issue #7). It takes the plain
 * records of a stretch (the wat says exactly which) and stops before
 * anything else, which csv-fast.ts then reads record by record as it
 * always did. A platform without WebAssembly gets undefined, and only the
 * JavaScript loop.
 */
import { CSV_RECORDS_WASM } from './csv-records-wasm.ts';
import { ensureMemory, loadSpan, sharedInstance, wasmModule, type SharedInstance, type WasmGlobal } from './wasm.ts';

interface Exports {
  skim(input: number, pos: number, limit: number, delim: number, crlf: number): number;
  skimFields(input: number, pos: number, limit: number, delim: number, crlf: number, fields: number): number;
  lines(input: number, from: number, to: number): number;
  records: WasmGlobal;
}

/** The module holds no tables: the bytes go to offset 0. */
const NO_TABLES = new Uint8Array(0);
/** skim reads up to 16 bytes past its limit. */
const SLACK = 16;

export interface Skimmed {
  /** Where the first record not taken starts. */
  stop: number;
  records: number;
  /** Line feeds in the records taken (quoted ones included). */
  lines: number;
}

export class RecordSkimmer {
  /** Off in the tests that compare the fast path with and without it. */
  static wasm = true;

  private constructor(private readonly s: SharedInstance<Exports>) {}

  /** A skimmer on this thread's one instance of the module (wasm.ts); undefined without WebAssembly. */
  static get(): RecordSkimmer | undefined {
    const mod = RecordSkimmer.wasm ? wasmModule(CSV_RECORDS_WASM) : undefined;
    if (!mod) return undefined;
    try {
      return new RecordSkimmer(sharedInstance<Exports>(mod, 1));
    } catch {
      return undefined;
    }
  }

  /**
   * The plain records of `buf[pos, limit)`, `pos` a record's start. `owner`
   * stands for `buf` (one per buffer): the bytes are copied in once per
   * owner, and again if another reader used the skimmer in between.
   * `fields` (a check of field counts): it also stops before a record with
   * another number of fields.
   */
  skim(owner: object, buf: Uint8Array, pos: number, limit: number, delimiter: number, crlf: boolean, fields = 0): Skimmed {
    // The instance's owner is the buffer whose bytes it holds.
    if (this.s.held.owner !== owner) {
      ensureMemory(this.s.memory, buf.length + SLACK);
      loadSpan(this.s, owner, NO_TABLES, buf, 0, buf.length, 0);
    }
    const e = this.s.exports;
    const stop = fields > 0 ? e.skimFields(0, pos, limit, delimiter, crlf ? 1 : 0, fields) : e.skim(0, pos, limit, delimiter, crlf ? 1 : 0);
    const records = e.records.value;
    return { stop, records, lines: records > 0 ? e.lines(0, pos, stop) : 0 };
  }
}
