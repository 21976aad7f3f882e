/**
 * The XLSX reader reads a workbook's parts by the archive's directory, in
 * the order a sheet needs them, instead of exceljs's front-to-back stream
 * that spools early sheets to temp files (issue #7). What it gives must be
 * what exceljs's own WorkbookReader gives, whatever the order of the parts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { EXCELJS_INTERNALS, cellText, readXlsxRows } from '../../src/io/xlsx.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT, ensureBuilt } from '../cli/cli-helpers.ts';

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

/**
 * A copy of `file` whose entry `name` declares `declared` bytes uncompressed,
 * in the central directory and (when it states a size) its local header: an
 * archive whose headers lie.
 */
function lyingCopy(file: string, name: string, declared: number, out: string): string {
  const b = Buffer.from(readFileSync(file));
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  let patched = false;
  for (let i = 0; i < count; i++) {
    const nameLen = b.readUInt16LE(p + 28);
    const entry = b.toString('utf8', p + 46, p + 46 + nameLen);
    if (entry === name) {
      b.writeUInt32LE(declared, p + 24);
      const local = b.readUInt32LE(p + 42);
      if (b.readUInt32LE(local + 22) !== 0) b.writeUInt32LE(declared, local + 22);
      patched = true;
    }
    p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  expect(patched, name).toBe(true);
  const target = path.join(dir, out);
  writeFileSync(target, b);
  return target;
}

async function failure(file: string): Promise<{ code?: string; rows: number; message: string }> {
  let rows = 0;
  try {
    for await (const r of readXlsxRows(sourceFile(file))) if (r) rows++;
  } catch (err) {
    return { code: (err as { code?: string }).code, rows, message: (err as Error).message };
  }
  return { rows, message: '' };
}

describe('an XLSX workbook whose headers lie about a sheet\'s size', () => {
  const sheet = 'xl/worksheets/sheet1.xml';
  const size = async (file: string): Promise<number> => {
    const { inspectZip } = await import('../../src/io/zip.ts');
    return (await inspectZip(sourceFile(file))).find((e) => e.name === sheet)!.uncompressedSize;
  };

  it('stops a sheet that inflates to more than it declares at the declared size: zip.bomb, named by its entry', async () => {
    const f = await written('honest.xlsx', false);
    const real = await size(f);
    const bomb = lyingCopy(f, sheet, Math.floor(real / 3), 'bomb.xlsx');
    const r = await failure(bomb);
    expect(r.code).toBe('zip.bomb');
    expect(r.message).toContain('inflates to more than its header declares');
    // Not a row past what a third of the sheet holds: the parser never saw more than was declared.
    expect(r.rows).toBeLessThan(150);
    expect((await ours(f)).length).toBeGreaterThan(300);
  });

  it('reports a sheet that ends before its declared size as a damaged archive', async () => {
    const f = await written('honest2.xlsx', false);
    const real = await size(f);
    const short = lyingCopy(f, sheet, real + 1000, 'short.xlsx');
    const r = await failure(short);
    expect(r.code).toBe('zip.invalid');
  });
});

describe('loading the reader', () => {
  it('loads exceljs\'s streaming reader without the rest of exceljs, and the rest still works when it is imported later', async () => {
    await ensureBuilt();
    const script = `
      import { createRequire } from 'node:module';
      const { readXlsxRows } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/src/io/xlsx.js')).href)});
      const abs = ${JSON.stringify(path.join(ROOT, 'fixtures/visma/customer-list/kunder.xlsx'))};
      let rows = 0;
      for await (const r of readXlsxRows({ abs, rel: 'kunder.xlsx', size: 1 })) if (r) rows++;
      const cache = () => Object.keys(createRequire(import.meta.url).cache);
      const before = cache();
      const out = {
        rows,
        whole: before.some((k) => k.endsWith('/exceljs/excel.js')),
        unzipper: before.some((k) => k.includes('/node_modules/unzipper/lib/')),
      };
      // The rest of exceljs still works when it is imported afterwards: the writers, and exceljs's own
      // streaming reader, the one user of unzipper (the stand-in then loads it).
      const { default: ExcelJS } = await import('exceljs');
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('A').addRow(['x', 1]);
      out.written = (await wb.xlsx.writeBuffer()).length > 0;
      let theirs = 0;
      for await (const ws of new ExcelJS.stream.xlsx.WorkbookReader(abs, { worksheets: 'emit' })) for await (const r of ws) if (r) theirs++;
      out.same = theirs === rows;
      console.log(JSON.stringify(out));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ rows: expect.any(Number), whole: false, unzipper: false, written: true, same: true });
    expect(JSON.parse(r.stdout).rows).toBeGreaterThan(3);
  }, 240_000);
});
