/**
 * The WebAssembly record splitter (src/io/csv-records.wat, issue #7) takes
 * exactly the plain records its comment describes, across every place a
 * block boundary can fall; and the CSV fast path gives the same rows, row
 * numbers, lines and errors with it as without it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordSkimmer } from '../../src/io/csv-records.ts';
import { CSV_RECORDS_WASM } from '../../src/io/csv-records-wasm.ts';
import { openCsv, type CsvRow } from '../../src/io/csv.ts';
import { countRaggedRows } from '../../src/io/csv-fast.ts';
import type { HitFinder } from '../../src/io/anchors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { assembledWasm, sourceFileAt } from '../helpers.ts';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The rules of csv-records.wat, one byte at a time. */
function model(buf: Uint8Array, pos: number, limit: number, delim: number, crlf: boolean, fields = 0): { stop: number; records: number; lines: number } {
  let p = pos;
  let records = 0;
  let lines = 0;
  for (;;) {
    const s = p;
    let inq = false;
    let inside = 0;
    let i = s;
    let ended = false;
    let delims = 0;
    while (i < limit) {
      const c = buf[i]!;
      if (!inq && c === delim) delims++;
      if (inq) {
        if (c === QUOTE) {
          inq = false;
          const n = buf[i + 1];
          if (i + 1 < limit && n !== delim && n !== CR && n !== LF && n !== QUOTE) return { stop: s, records, lines };
        } else if (c === LF) inside++;
        i++;
        continue;
      }
      if (c === QUOTE) {
        if (!(i === s || buf[i - 1] === delim || buf[i - 1] === QUOTE)) return { stop: s, records, lines };
        inq = true;
        i++;
        continue;
      }
      if (c === LF) {
        const hasCr = i > s && buf[i - 1] === CR;
        if (i === s || hasCr !== crlf || (crlf && i - 1 === s)) return { stop: s, records, lines };
        if (fields > 0 && delims + 1 !== fields) return { stop: s, records, lines };
        ended = true;
        break;
      }
      i++;
    }
    if (!ended) return { stop: s, records, lines };
    records++;
    lines += inside + 1;
    p = i + 1;
  }
}

describe('the WebAssembly record splitter', () => {
  it('is the module csv-records.wat assembles to', async () => {
    expect(await assembledWasm('csv-records')).toBe(CSV_RECORDS_WASM);
  });

  it('takes exactly the plain records, wherever the blocks fall', () => {
    const skimmer = RecordSkimmer.get()!;
    expect(skimmer).toBeDefined();
    // Records of plain fields, with now and then something out of place: random bytes are seldom a
    // plain record, and the splitter would never get far enough to show a mistake.
    const mostly = <T,>(right: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ arbitrary: right, weight: 25 }, { arbitrary: wrong, weight: 1 });
    const field = mostly(fc.constantFrom('', 'a', 'bc', 'ä', '"x"', '""', '"a\nb"', '"x""y"', '"""q"""', '"a;b,c"', '"\r\n"', 'a\rb', 'a plain field longer than a block', '"a quoted field; longer than a block"'), fc.constantFrom('a"b', '"a"b', '"', '\r', '\n', '"\r"x', 'long plain text and then a "quote', '"long quoted text, then more"after it'));
    const record = fc.tuple(fc.array(field, { minLength: 1, maxLength: 4 }), mostly(fc.constant(true), fc.boolean()));
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.nat(), fc.constantFrom(';', ','), fc.boolean(), (records, b, d, crlf) => {
        const text = records.map(([fields, right]) => fields.join(d) + (right === crlf ? '\r\n' : '\n')).join('');
        const buf = Buffer.from(text, 'utf8');
        const delim = d.charCodeAt(0);
        // From each of the first 17 bytes, so that every byte meets every place in a block.
        for (let pos = 0; pos <= Math.min(16, buf.length); pos++) {
          for (const limit of [buf.length, pos + (b % (buf.length - pos + 1))]) {
            const got = skimmer.skim({}, buf, pos, limit, delim, crlf);
            expect(got).toEqual(model(buf, pos, limit, delim, crlf));
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('with a number of fields, also stops before the first record with another number', () => {
    const skimmer = RecordSkimmer.get()!;
    // Fields of every length, quoted ones holding delimiters, line feeds and escaped quotes, so that
    // delimiters fall inside and outside quotes, and records end, anywhere in a block.
    const field = fc.constantFrom('', 'a', 'bc', 'ä', '"x"', '""', '"a\nb"', '"x""y"', '"a;b,c"', '";;;;;;;;;;;;;;;;;;;;"', 'a plain field longer than a block', '"a quoted field; longer, than a block"', 'a"b');
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(';', ','), fc.boolean(), fc.nat(), (records, fields, d, crlf, b) => {
        const text = records.map((f) => f.join(d) + (crlf ? '\r\n' : '\n')).join('');
        const buf = Buffer.from(text, 'utf8');
        const delim = d.charCodeAt(0);
        for (let pos = 0; pos <= Math.min(16, buf.length); pos++) {
          for (const limit of [buf.length, pos + (b % (buf.length - pos + 1))]) {
            expect(skimmer.skim({}, buf, pos, limit, delim, crlf, fields)).toEqual(model(buf, pos, limit, delim, crlf, fields));
          }
        }
      }),
      { numRuns: 2000 },
    );
    // Long stretches of plain blocks inside and outside quotes, a ragged record far in.
    const rec = (i: number): string => `${i};"Namn; ${'x'.repeat(i % 40)} ${i}";${'y'.repeat(i % 33)};070-${i}\n`;
    const text = Array.from({ length: 300 }, (_, i) => rec(i)).join('');
    const buf = Buffer.from(text);
    expect(skimmer.skim({}, buf, 0, buf.length, 0x3b, false, 4)).toEqual({ stop: buf.length, records: 300, lines: 300 });
    const ragged = Buffer.from(text.replace('\n250;', '\n250;extra;'));
    expect(skimmer.skim({}, ragged, 0, ragged.length, 0x3b, false, 4)).toEqual({ stop: ragged.indexOf('250;extra') , records: 250, lines: 250 });
  });

  it('goes through long plain stretches and stops at the first thing out of place', () => {
    const skimmer = RecordSkimmer.get()!;
    const rec = (i: number): string => `${i};"Namn ${i}";"rad\nett";070-${i}\r\n`;
    const text = Array.from({ length: 200 }, (_, i) => rec(i)).join('');
    const buf = Buffer.from(text);
    const all = skimmer.skim({}, buf, 0, buf.length, 0x3b, true);
    expect(all).toEqual({ stop: buf.length, records: 200, lines: 400 });
    // A quote in the middle of an unquoted field of record 150.
    const broken = Buffer.from(text.replace('149;"Namn 149"', '149;x"Namn 149"'));
    const at = broken.indexOf('149;x');
    expect(skimmer.skim({}, broken, 0, broken.length, 0x3b, true)).toEqual({ stop: at, records: 149, lines: 298 });
    // In LF mode every CRLF record is out of place.
    expect(skimmer.skim({}, buf, 0, buf.length, 0x3b, false)).toEqual({ stop: 0, records: 0, lines: 0 });
  });
});

describe('the CSV fast path with the splitter', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-records-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A prefilter whose hits are the `Z`s in the bytes. */
  const zs: HitFinder = {
    mayMatch: (buf, s, e) => {
      const i = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(0x5a, s);
      return i >= 0 && i < e;
    },
    mayMatchText: (t) => t.includes('Z'),
    hits: (buf, s, e) => {
      const out: number[] = [];
      const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let i = b.indexOf(0x5a, s); i >= 0 && i < e; i = b.indexOf(0x5a, i + 1)) out.push(i);
      return out;
    },
  };

  async function read(file: SourceFile, wasm: boolean): Promise<{ rows: CsvRow[]; error?: string }> {
    RecordSkimmer.wasm = wasm;
    const out: CsvRow[] = [];
    try {
      const csv = await openCsv(file, { prefilter: zs });
      for await (const r of csv.rows) out.push(r);
    } catch (e) {
      return { rows: out, error: `${(e as { code?: string }).code} ${(e as { line?: number }).line}` };
    } finally {
      RecordSkimmer.wasm = true;
    }
    return { rows: out };
  }

  it("counts a check's ragged rows as the record-by-record loop does (messy generated files)", async () => {
    const cell = fc.oneof(
      { arbitrary: fc.constantFrom('', 'Märta', '"q"', '"a;b"', '"a,b"', '"rad1\nrad2"', '"x""y"', '070 174'), weight: 100 },
      { arbitrary: fc.constantFrom('a"b', '\r'), weight: 1 },
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 30, maxLength: 150, size: 'max' }),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom(';', ','),
        async (rows, eol, d) => {
          const text = `a${d}b${d}c${eol}` + rows.map((cells) => cells.join(d) + `${d}padding padding padding padding${eol}`).join('');
          const abs = path.join(dir, `r${n++}.csv`);
          writeFileSync(abs, text);
          const file = sourceFileAt(abs);
          const o = { delimiter: d, encoding: 'utf8' as const, legacyEncoding: 'cp1252' as const, headerFields: 3 };
          RecordSkimmer.wasm = false;
          const loop = await countRaggedRows(file, o).finally(() => (RecordSkimmer.wasm = true));
          expect(await countRaggedRows(file, o)).toEqual(loop);
        },
      ),
      { numRuns: Number(process.env.CSV_FAST_RUNS ?? 300) },
    );
  });

  it('gives the same rows, lines and errors as the record-by-record loop (messy generated files)', async () => {
    // Mostly plain cells: the reference reader takes over a file at its first irregular one for good.
    const cell = fc.oneof(
      { arbitrary: fc.constantFrom('', 'Märta', '"q"', '"a;b"', '"rad1\nrad2"', '"rad1\r\nrad2"', '"x""y"', '"""q"""', '070 174', ' '), weight: 200 },
      // Hits (the prefilter's Zs), seldom enough to leave long stretches between them.
      { arbitrary: fc.constantFrom('Z', 'xZy', '"Z\nZ"'), weight: 6 },
      { arbitrary: fc.constantFrom('a"b', '"a"b', '\r', 'a\rb'), weight: 1 },
    );
    // Each row ends as the file's first line does, but now and then with an empty line after it or the other ending.
    const ending = fc.oneof({ arbitrary: fc.constant(''), weight: 60 }, { arbitrary: fc.constantFrom('empty', 'other'), weight: 1 });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(cell, { minLength: 3, maxLength: 3 }), ending), { minLength: 30, maxLength: 150, size: 'max' }),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom(';', ','),
        async (rows, eol, d) => {
          const other = eol === '\n' ? '\r\n' : '\n';
          // Padded, so that the stretches between hits are long enough to be skimmed.
          const text = `a${d}b${d}c${eol}` + rows.map(([cells, e]) => cells.join(d) + `${d}padding padding padding padding` + (e === 'other' ? other : e === 'empty' ? eol + eol : eol)).join('');
          const abs = path.join(dir, `g${n++}.csv`);
          writeFileSync(abs, text);
          const f = sourceFileAt(abs);
          expect(await read(f, true)).toEqual(await read(f, false));
        },
      ),
      { numRuns: Number(process.env.CSV_FAST_RUNS ?? 300) },
    );
  });
});
