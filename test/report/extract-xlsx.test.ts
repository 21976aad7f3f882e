import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { COLUMN_WIDTH_MAX, COLUMN_WIDTH_MIN, EXCEL_CELL_MAX, excelText, extractXlsx } from '../../src/report/extract-xlsx.ts';
import { flattenFields, systemTables } from '../../src/report/extract-table.ts';
import type { Extract } from '../../src/report/extract-schema.ts';
import { FORMULA, SCRIPT, THIRD_PARTY, sampleExtract } from './sample-extract.ts';

async function load(x: Extract): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await extractXlsx(x)) as unknown as ArrayBuffer);
  return wb;
}

/** Every cell of a sheet as [header → value] per row, plus the raw cells. */
function rowsOf(ws: ExcelJS.Worksheet): { headers: string[]; rows: ExcelJS.Cell[][] } {
  const headers: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (c, i) => (headers[i - 1] = String(c.value)));
  const rows: ExcelJS.Cell[][] = [];
  for (let r = 2; r <= ws.rowCount; r++) rows.push(headers.map((_, i) => ws.getRow(r).getCell(i + 1)));
  return { headers, rows };
}

describe('the XLSX extract', () => {
  it("stamps every zip entry with the extract's own time, not the clock, so that the same extract is the same bytes", async () => {
    const x = { ...(await sampleExtract()), generatedAt: '2025-05-16T10:20:30.000Z' };
    const buf = await extractXlsx(x);
    // Local file headers: DOS time at +10 and date at +12.
    const stamps = new Set<string>();
    for (let at = buf.indexOf('PK\u0003\u0004', 0, 'latin1'); at >= 0; at = buf.indexOf('PK\u0003\u0004', at + 4, 'latin1')) {
      stamps.add(`${buf.readUInt16LE(at + 12)}/${buf.readUInt16LE(at + 10)}`);
    }
    const dosDate = ((2025 - 1980) << 9) | (5 << 5) | 16;
    const dosTime = (10 << 11) | (20 << 5) | 15;
    expect([...stamps]).toEqual([`${dosDate}/${dosTime}`]);
    expect((await extractXlsx(x)).equals(buf)).toBe(true);
  });

  it('has a summary sheet first, then one sheet per system', async () => {
    const wb = await load(await sampleExtract('sv'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Sammanfattning', 'Nyhetsbrevsverktyget', 'Visma (ekonomisystem)', 'Office 365 (e-post)', 'Google Analytics']);
    const summary = wb.worksheets[0]!;
    const text: string[] = [];
    summary.eachRow((row) => row.eachCell((c) => text.push(String(c.value))));
    const all = text.join('\n');
    for (const needle of [
      'Registerutdrag enligt artikel 15 i dataskyddsförordningen',
      'OJCO International AB',
      'marta.oberg@mail.example',
      'a) Varför vi behandlar',
      'h) Automatiserat beslutsfattande och profilering',
      'Integritetsskyddsmyndigheten (IMY)',
      'Sparas t.o.m. 2032-12-31',
      'lime/persons.csv:12: unbalanced quotes',
      'artikel 15.4',
    ]) {
      expect(all).toContain(needle);
    }
  });

  it("dates the summary as the letter does, in Swedish time and the extract's language, not as an ISO timestamp", async () => {
    const summaryText = async (lang: 'sv' | 'en'): Promise<string> => {
      const wb = await load({ ...(await sampleExtract(lang)), generatedAt: '2026-11-25T22:23:46.996Z' });
      const text: string[] = [];
      wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => text.push(String(c.value))));
      return text.join('\n');
    };
    const sv = await summaryText('sv');
    expect(sv).toContain('Framställt\n25 november 2026 kl. 23:23 (svensk tid)');
    expect(sv).not.toContain('2026-11-25T22:23');
    expect(await summaryText('en')).toContain('Generated\n25 November 2026 at 23:23 (Swedish time)');
  });

  it('styles, freezes and filters the header row, and sizes the columns by content', async () => {
    const wb = await load(await sampleExtract('sv'));
    for (const ws of wb.worksheets.slice(1)) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const h = ws.getRow(1).getCell(1);
      expect(h.font?.bold).toBe(true);
      expect(h.fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
      expect(ws.autoFilter).toBeTruthy();
      for (let i = 1; i <= ws.columnCount; i++) {
        // exceljs leaves out a width equal to its default (9) and reads it back as undefined.
        const w = ws.getColumn(i).width ?? 9;
        expect(w).toBeGreaterThanOrEqual(COLUMN_WIDTH_MIN);
        expect(w).toBeLessThanOrEqual(COLUMN_WIDTH_MAX);
      }
    }
    const member = wb.getWorksheet('Nyhetsbrevsverktyget')!;
    const { headers } = rowsOf(member);
    // A short column stays narrow, a long one is capped.
    expect(member.getColumn(headers.indexOf('vip') + 1).width).toBeLessThan(12);
    expect(member.getColumn(headers.indexOf('Ändamål (a)') + 1).width).toBe(COLUMN_WIDTH_MAX);
  });

  it('reads back to the same values as the JSON extract', async () => {
    const x = await sampleExtract('sv');
    const wb = await load(x);
    const tables = systemTables(x.records, 'sv');
    for (const t of tables) {
      const ws = wb.worksheets.find((w) => w.name === t.system)!;
      const { headers, rows } = rowsOf(ws);
      expect(headers).toEqual(t.headers);
      expect(rows).toHaveLength(t.records.length);
      t.records.forEach((rec, ri) => {
        const cells = rows[ri]!;
        const dataHeaders = headers.slice(t.metaCount);
        for (const [p, v] of flattenFields(rec.fields)) {
          const cell = cells[t.metaCount + dataHeaders.indexOf(p)]!;
          expect(cell.value ?? null, `${t.system} ${p}`).toEqual(v);
        }
        // And the register information of the record.
        const meta = (h: string): unknown => cells[headers.indexOf(h)]!.value ?? null;
        expect(meta('Rättslig grund')).toBe(rec.legalBasis.map((b) => `${b.text} (${b.article})`).join('; '));
        expect(meta('Sparas t.o.m.')).toBe(rec.retention.retainUntil ?? null);
        expect(meta('Ursprung (g)')).toBe(rec.origin.text);
      });
    }
    // Types survive: numbers as numbers, booleans as booleans.
    const member = rowsOf(wb.getWorksheet('Nyhetsbrevsverktyget')!);
    expect(member.rows[0]![member.headers.indexOf('MEMBER_RATING')]!.type).toBe(ExcelJS.ValueType.Number);
    expect(member.rows[0]![member.headers.indexOf('vip')]!.type).toBe(ExcelJS.ValueType.Boolean);
  });

  it('keeps =HYPERLINK(...) as the same text in a text cell, never a formula (issue #8 point 3)', async () => {
    const x = await sampleExtract('sv');
    const plain = { ...x, records: [{ ...x.records[0]!, fields: { link: FORMULA, sum: '@SUM(A1:A2)', plus: '+1+1', tab: '\t=1' } }] };
    const wb = await load(plain);
    const ws = wb.getWorksheet('Nyhetsbrevsverktyget')!;
    const { headers, rows } = rowsOf(ws);
    for (const [field, v] of Object.entries(plain.records[0]!.fields)) {
      const cell = rows[0]![headers.indexOf(field)]!;
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      expect(cell.value).toBe(v);
      // Text format: editing the cell in Excel keeps it text.
      expect(cell.numFmt).toBe('@');
    }
    // No formula cell anywhere in the workbook.
    for (const sheet of wb.worksheets) sheet.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('holds a script tag as plain text and removes third parties', async () => {
    const wb = await load(await sampleExtract('sv'));
    const values: string[] = [];
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => values.push(String(c.value))));
    expect(values).toContain(SCRIPT);
    expect(values.join('\n')).not.toContain(THIRD_PARTY);
  });

  it('cuts text past Excel\'s cell limit and replaces characters XML forbids', () => {
    const long = excelText('x'.repeat(EXCEL_CELL_MAX + 10), 'sv');
    expect(long.length).toBe(EXCEL_CELL_MAX);
    expect(long.endsWith('JSON-filen har hela texten)')).toBe(true);
    expect(excelText('a\u0001b\u0008c\td\ne', 'en')).toBe('a\uFFFDb\uFFFDc\td\ne');
    expect(excelText('😀', 'en')).toBe('😀');
    expect(excelText('\uD800x', 'en')).toBe('\uFFFDx');
  });

  it('in English has the same rows with English words', async () => {
    const [sv, en] = [await load(await sampleExtract('sv')), await load(await sampleExtract('en'))];
    expect(en.worksheets[0]!.name).toBe('Summary');
    expect(en.worksheets.map((w) => w.rowCount)).toEqual(sv.worksheets.map((w) => w.rowCount));
    expect(en.worksheets[1]!.name).toBe('The newsletter tool');
    expect(String(en.worksheets[1]!.getRow(1).getCell(10).value)).toBe('Purposes (a)');
  });
});
