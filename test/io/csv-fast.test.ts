/**
 * The CSV fast path gives exactly what the reference reader (csv-parse on
 * every row) gives for the rows it keeps: on every CSV fixture of the
 * project, and on generated files full of quotes, line breaks and
 * Swedish letters in three encodings.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { openCsv, type CsvRow } from '../../src/io/csv.ts';
import { prefilterFor } from '../../src/io/anchors.ts';
import type { Prefilter } from '../../src/io/prefilter.ts';
import { READ_CHUNK, reusedChunk, type SourceFile } from '../../src/io/files.ts';
import { ROOT, sourceFileAt } from '../helpers.ts';

const all: Prefilter = { mayMatch: () => true };

async function rows(file: SourceFile, prefilter?: Prefilter): Promise<{ rows: CsvRow[]; error?: string }> {
  const out: CsvRow[] = [];
  try {
    const csv = await openCsv(file, prefilter ? { prefilter } : {});
    for await (const r of csv.rows) out.push(r);
  } catch (e) {
    return { rows: out, error: `${(e as { code?: string }).code} ${(e as { line?: number }).line}` };
  }
  return { rows: out };
}

function csvFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...csvFiles(p));
    else if (/\.csv$/iu.test(e.name)) out.push(p);
  }
  return out;
}


describe('the CSV fast path', () => {
  const fixtures = csvFiles(path.join(ROOT, 'fixtures'));
  it('finds the CSV fixtures', () => expect(fixtures.length).toBeGreaterThan(20));

  for (const f of fixtures) {
    it(`keeps every row of ${path.relative(ROOT, f)} exactly as the reference reads it`, async () => {
      const file = sourceFileAt(f);
      const ref = await rows(file);
      const fast = await rows(file, all);
      expect(fast).toEqual(ref);
    });
  }

  it('keeps exactly the rows a real prefilter lets through, on every fixture', async () => {
    const p = prefilterFor([
      { kind: 'email', value: 'marta.oberg@mail.example' },
      { kind: 'phone', value: '+46701740647' },
      { kind: 'name', value: 'lindqvist åsa' },
    ])!;
    for (const f of fixtures) {
      const file = sourceFileAt(f);
      const ref = await rows(file);
      const fast = await rows(file, p);
      const want = ref.rows.filter((r) => {
        const b = Buffer.from(r.values.join(';'), 'utf8');
        return p.mayMatch(b, 0, b.length);
      });
      // The fast path looks at the raw bytes, the check here at the values: the fast path may keep more, never fewer.
      for (const r of want) expect(fast.rows, path.relative(ROOT, f)).toContainEqual(r);
      for (const r of fast.rows) expect(ref.rows).toContainEqual(r);
      expect(fast.error).toEqual(ref.error);
    }
  });

  it('agrees with the reference on generated files (quotes, line breaks, ; and , , three encodings)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'csvfast-'));
    const cell = fc.oneof(fc.constantFrom('', 'Märta Öberg', 'a;b', 'x,y', 'rad1\nrad2', 'crlf\r\nrad', 'citat "x"', ' lead', '070-174 06 33', '="formula"'), fc.string({ maxLength: 8 }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(';', ','),
        fc.constantFrom('utf8', 'cp1252', 'cp437'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (data, delimiter, enc, eol, bom) => {
          const text = stringify([['a', 'b', 'c'], ...data], { delimiter, record_delimiter: eol === '\n' ? 'unix' : 'windows' });
          const safe = enc === 'utf8' ? text : text.replace(/[^\x00-\xff]/gu, '?');
          const body = enc === 'utf8' ? Buffer.from(safe, 'utf8') : iconv.encode(safe, enc);
          const file = path.join(dir, `g${n++}.csv`);
          writeFileSync(file, bom && enc === 'utf8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
          const f = sourceFileAt(file);
          const ref = await rows(f);
          const fast = await rows(f, all);
          expect(fast).toEqual(ref);
        },
      ),
      { numRuns: Number(process.env.CSV_FAST_RUNS ?? 300) },
    );
  });
  it('gives the same rows when records, quotes, BOM and CRLF cross the edges of small reused chunks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'csvfast-chunks-'));
    const name = prefilterFor([{ kind: 'name', value: 'marta oberg' }])!;
    const cell = fc.oneof(fc.constantFrom('', 'Märta Öberg', 'a;b', 'rad1\nrad2', 'crlf\r\nrad', 'citat "x"', '070-174 06 33'), fc.string({ maxLength: 12 }));
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
          fc.constantFrom('\n', '\r\n'),
          fc.boolean(),
          // Small chunks cut every record; chunks of a few hundred bytes also let the record splitter run.
          fc.oneof(fc.integer({ min: 3, max: 90 }), fc.integer({ min: 256, max: 700 })),
          async (data, eol, bom, size) => {
            const text = stringify([['a', 'b', 'c'], ...data], { delimiter: ';', record_delimiter: eol === '\n' ? 'unix' : 'windows' });
            const file = path.join(dir, `c${n++}.csv`);
            writeFileSync(file, Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]));
            const f = sourceFileAt(file);
            const ref = await rows(f);
            const whole = await rows(f, name);
            reusedChunk.size = size;
            try {
              expect(await rows(f, all)).toEqual(ref);
              expect(await rows(f, name)).toEqual(whole);
            } finally {
              reusedChunk.size = READ_CHUNK;
            }
          },
        ),
        { numRuns: Number(process.env.CSV_FAST_RUNS ?? 300) },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a file whose header ends in CRLF and whose rows end in LF (edited by hand) row by row, with their lines, on both paths', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-csv-mixed-'));
    try {
      const cases: [string, string, string[][], number[]][] = [
        ['mixed.csv', 'Email Address;First Name\r\na@b.example;Ann\nmarta.oberg@mail.example;Märta\r\n"c@d.example";"Two\nlines"\nE@F.EXAMPLE;Eve\n', [['a@b.example', 'Ann'], ['marta.oberg@mail.example', 'Märta'], ['c@d.example', 'Two\nlines'], ['E@F.EXAMPLE', 'Eve']], [2, 3, 4, 6]],
        // A bare CR inside a value of a CRLF file stays in the value, as before (and counts as a line, as editors
        // show it); classic Mac files still split on CR.
        ['cr-in-value.csv', 'a;b\r\nx\ry;2\r\n3;4\r\n', [['x\ry', '2'], ['3', '4']], [2, 4]],
        ['mac.csv', 'a;b\r1;2\r3;4\r', [['1', '2'], ['3', '4']], [2, 3]],
      ];
      for (const [name, text, values, lines] of cases) {
        const abs = path.join(dir, name);
        writeFileSync(abs, text);
        const file = sourceFileAt(abs);
        const ref = await rows(file);
        expect(ref.error, name).toBeUndefined();
        expect(ref.rows.map((r) => r.values), name).toEqual(values);
        expect(ref.rows.map((r) => r.line), name).toEqual(lines);
        expect(await rows(file, all), name).toEqual(ref);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('settles a legacy encoding where the first high bytes only look like UTF-8 (overlong and surrogate forms), as the reference does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'csvfast-enc-'));
    try {
      // à€€ and í ‚ in cp1252 are E0 80 80 and ED A0 80: continuation bytes follow, but neither is UTF-8.
      for (const [i, word] of ['à€€', 'í\u00a0‚'].entries()) {
        const file = path.join(dir, `e${i}.csv`);
        writeFileSync(file, iconv.encode(`a;b\n${word};Märta Öberg\n`, 'cp1252'));
        const f = sourceFileAt(file);
        const ref = await rows(f);
        expect(ref.rows[0]!.values).toEqual([word, 'Märta Öberg']);
        expect(await rows(f, all)).toEqual(ref);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
