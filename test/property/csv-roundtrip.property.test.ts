/**
 * CSV write-then-read round trip (issue #8 point 2): what the extract's CSV
 * writer (src/report/extract-csv.ts: UTF-8 with a BOM, `;`, CRLF, fields
 * with a line break quoted) writes, the reader (src/io/csv.ts openCsv) reads
 * back identically - quotes, delimiters, LF, CR, CRLF, Swedish letters,
 * emoji and control characters included - except for the documented
 * formula-neutralising apostrophe (src/io/output.ts neutraliseFormula), and
 * the reader's trimming of header names. Each row also starts on the
 * physical line the reader says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsv } from '../../src/io/csv.ts';
import { neutraliseFormula } from '../../src/io/output.ts';
import { csvBytes, CSV_DELIMITER } from '../../src/report/extract-csv.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-csv-prop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** Characters that break naive CSV handling, and the text real exports hold. */
const TRICKY = ['"', ';', ',', '\t', '\n', '\r', '\r\n', "'", '=', '+', '-', '@', ' ', 'å', 'ä', 'ö', 'Å', 'Ä', 'Ö', 'é', 'ü', '😀', '👩‍👩‍👧', '\u00a0', '\u2028', '\ufeff', '\u0000', '\\', 'x', '1'];
const cellText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...TRICKY), { maxLength: 12 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('=HYPERLINK("http://x.example")', '+46 70 174 06 33', '-12', '+46701740633', '@SUM(A1)', '\t=1+1', '\r=1', 'Märta Öberg', 'Södra Storgatan 7 lgh 1102\r\n252 23 Helsingborg') },
);

async function roundTrip(headers: string[], rows: string[][], delimiter?: string): Promise<{ header: string[]; rows: { line: number; row: number; values: string[] }[]; delimiter: string }> {
  const abs = path.join(tmp, `rt-${++n}.csv`);
  const data = csvBytes(headers, rows);
  writeFileSync(abs, data);
  const csv = await openCsv({ abs, rel: `rt-${n}.csv`, size: data.length }, delimiter ? { delimiter } : {});
  const out = [];
  for await (const r of csv.rows) out.push(r);
  return { header: csv.header, rows: out, delimiter: csv.delimiter };
}

/** The physical line (1-based) each row starts on, counting CRLF, LF and a lone CR as one line break each. */
function startLines(rows: string[][]): number[] {
  const breaks = (s: string): number => s.replace(/\r\n/gu, '\n').replace(/\r/gu, '\n').split('\n').length - 1;
  const out: number[] = [];
  let line = 2;
  for (const r of rows) {
    out.push(line);
    line += 1 + r.map((v) => neutraliseFormula(v)).reduce((k, v) => k + breaks(v), 0);
  }
  return out;
}

describe('CSV written by the extract writer, read by openCsv', () => {
  it('gives back every value, except for the formula-neutralising apostrophe', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cellText, cellText, cellText), { minLength: 1, maxLength: 8 }), async (rows) => {
        const headers = ['Källa', 'Fält', 'Värde'];
        const back = await roundTrip(headers, rows);
        expect(back.delimiter).toBe(CSV_DELIMITER);
        expect(back.header).toEqual(headers);
        expect(back.rows.map((r) => r.values)).toEqual(rows.map((r) => r.map((v) => neutraliseFormula(v))));
        expect(back.rows.map((r) => r.row)).toEqual(rows.map((_, i) => i + 1));
        // A value that cannot start a formula comes back exactly as it was.
        for (const [i, r] of rows.entries()) for (const [j, v] of r.entries()) if (!/^[=+\-@\t\r]/u.test(v)) expect(back.rows[i]!.values[j]).toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  it('tells the physical line each row starts on, whatever line breaks the values hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cellText, cellText), { minLength: 1, maxLength: 6 }), async (rows) => {
        const back = await roundTrip(['a', 'b'], rows);
        expect(back.rows.map((r) => r.line)).toEqual(startLines(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps header names too (neutralised and trimmed), with the delimiter given', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cellText, { minLength: 2, maxLength: 5 }), cellText, async (headers, value) => {
        const back = await roundTrip(headers, [headers.map(() => value)], CSV_DELIMITER);
        expect(back.header).toEqual(headers.map((h) => neutraliseFormula(h).trim()));
        expect(back.rows[0]?.values).toEqual(headers.map(() => neutraliseFormula(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('reads a large value and many rows back (the reader works in whole lines)', async () => {
    const big = 'Märta;"Öberg"\r\n'.repeat(100_000);
    const rows = Array.from({ length: 5000 }, (_, i) => [`rad ${i}`, i % 1000 === 0 ? big : `v;"${i}"\n`]);
    const back = await roundTrip(['a', 'b'], rows);
    expect(back.rows.length).toBe(rows.length);
    expect(back.rows.map((r) => r.values)).toEqual(rows);
    expect(back.rows.map((r) => r.line)).toEqual(startLines(rows));
  });
});
