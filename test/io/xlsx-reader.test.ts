/**
 * The XLSX reader reads a workbook's parts by the archive's directory, in
 * the order a sheet needs them, instead of exceljs's front-to-back stream
 * that spools early sheets to temp files (issue #7). What it gives must be
 * what exceljs's own WorkbookReader gives, whatever the order of the parts.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { EXCELJS_INTERNALS, cellText, readXlsxRows } from '../../src/io/xlsx.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ROOT } from '../cli/cli-helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-xlsx-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sourceFile(abs: string): SourceFile {
  return { abs, rel: path.basename(abs), size: statSync(abs).size };
}

/** Rows as exceljs's own streaming reader gives them. */
async function reference(file: string): Promise<string[]> {
  const out: string[] = [];
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit', entries: 'emit' });
  for await (const ws of reader) {
    const w = ws as unknown as { name?: string; id: number } & AsyncIterable<{ number: number; values: unknown[] }>;
    for await (const r of w) out.push(`${w.name ?? `Sheet${w.id}`}:${r.number}:${r.values.slice(1).map(cellText).join('|')}`);
  }
  return out;
}

async function ours(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readXlsxRows(sourceFile(file))) out.push(`${r.sheet}:${r.row}:${r.values.join('|')}`);
  return out;
}

/** A workbook written by exceljs's streaming writer: its sheets come before the relations and shared strings. */
async function written(name: string, sharedStrings: boolean): Promise<string> {
  const file = path.join(dir, name);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: sharedStrings, useStyles: true });
  const a = wb.addWorksheet('Kunder');
  a.addRow(['Kundnummer', 'Namn', 'E-post', 'Kund sedan']).commit();
  for (let i = 1; i <= 300; i++) a.addRow([1000 + i, i % 7 === 0 ? 'Märta Öberg' : `Person ${i}`, `p${i}@mail.example`, new Date(Date.UTC(2020, i % 12, 1 + (i % 27)))]).commit();
  a.commit();
  const b = wb.addWorksheet('Övrigt');
  b.addRow(['Anteckning']).commit();
  b.addRow(['Åsa ringde, ring tillbaka']).commit();
  b.commit();
  await wb.commit();
  return file;
}

describe('XLSX parts read in the order a sheet needs them', () => {
  it('still finds the exceljs methods it builds on', () => {
    const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as Record<string, unknown>;
    for (const m of EXCELJS_INTERNALS) expect(typeof proto[m], m).toBe('function');
  });

  it('gives what exceljs gives, for workbooks with their sheets before and after the shared strings', async () => {
    const files = [
      path.join(ROOT, 'fixtures/visma/customer-list/kunder.xlsx'),
      path.join(ROOT, 'fixtures/lime/client-export/personer.xlsx'),
      await written('inline.xlsx', false),
      await written('shared.xlsx', true),
    ];
    for (const f of files) {
      const want = await reference(f);
      expect(want.length, f).toBeGreaterThan(1);
      expect(await ours(f), f).toEqual(want);
    }
  });

  it('writes no temp file while it reads (exceljs spools such a sheet)', async () => {
    const f = await written('no-spool.xlsx', true);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-xlsx-tmp-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      let seen = -1;
      for await (const r of readXlsxRows(sourceFile(f))) if (r.row === 2 && seen < 0) seen = readdirSync(tmp).length;
      expect(seen).toBe(0);
      // exceljs's own reader has a temp file there at that moment: the check above can fail.
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(f, { sharedStrings: 'cache', worksheets: 'emit' });
      let spooled = -1;
      for await (const ws of reader) for await (const r of ws as unknown as AsyncIterable<{ number: number }>) if (r.number === 2 && spooled < 0) spooled = readdirSync(tmp).length;
      expect(spooled).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
