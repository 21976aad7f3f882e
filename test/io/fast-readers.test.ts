/**
 * Unit tests of the readers' fast paths (issue #7): names written with other
 * diacritics than the key's, JSON element spans, XLSX rows filtered before
 * exceljs (and exceljs's split characters), SIE vouchers skipped unparsed.
 * test/pipeline/fast-paths.test.ts runs them all through the search.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { minimalAnchors, prefilterFor } from '../../src/io/anchors.ts';
import { jsonElementSpans } from '../../src/io/json.ts';
import { readXlsxRows } from '../../src/io/xlsx.ts';
import { readSie, SIE_CHUNK, type SieItem, type SieWarning } from '../../src/io/sie.ts';
import type { SourceFile } from '../../src/io/files.ts';
import type { Prefilter } from '../../src/io/prefilter.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-fast-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sourceFile(name: string, content: Buffer | string): SourceFile {
  const abs = path.join(dir, name);
  writeFileSync(abs, content);
  return { abs, rel: name, size: statSync(abs).size };
}

describe('names with other diacritics than the key', () => {
  const encodings = ['utf8', 'cp1252', 'cp437'] as const;
  const bytes = (s: string, enc: (typeof encodings)[number]): Buffer => (enc === 'utf8' ? Buffer.from(s, 'utf8') : iconv.encode(s, enc));

  it('finds a name typed without diacritics in text that has them, in every encoding and in NFD', () => {
    const p = prefilterFor([{ kind: 'name', value: 'marta oberg' }])!;
    for (const text of ['Märta Öberg', 'MÄRTA ÖBERG', 'Ma\u0308rta O\u0308berg', 'Mårta', 'Marta', 'x;Märta;y']) {
      for (const enc of encodings) {
        if (enc !== 'utf8' && text.normalize('NFC') !== text) continue;
        const b = bytes(text, enc);
        expect(p.mayMatch(b, 0, b.length), `${text} ${enc}`).toBe(true);
        expect(p.hits(b, 0, b.length).length, `${text} ${enc}`).toBeGreaterThan(0);
      }
      expect(p.mayMatchText(text), text).toBe(true);
    }
    for (const text of ['Märten Öst', 'Anna Berg', 'Mårtensson']) {
      const b = Buffer.from(text);
      expect(p.mayMatch(b, 0, b.length), text).toBe(false);
      expect(p.mayMatchText(text), text).toBe(false);
    }
  });

  it('reads letters that fold to two (æ, ß) and a word after a JSON escape', () => {
    expect(prefilterFor([{ kind: 'name', value: 'aeberg' }])!.mayMatchText('Æberg')).toBe(true);
    const p = prefilterFor([{ kind: 'name', value: 'strasse' }])!;
    const b = Buffer.from('Straße');
    expect(p.mayMatch(b, 0, b.length)).toBe(true);
    const q = prefilterFor([{ kind: 'name', value: 'marta' }])!;
    const j = Buffer.from('"Hej!\\nMärta"');
    expect(q.mayMatch(j, 0, j.length)).toBe(true);
  });

  it('keeps only anchors no other anchor is part of', () => {
    expect(minimalAnchors(['lars.hogblad', 'gblad', 'hogblad', '500000', '500000'])).toEqual(['gblad', '500000']);
  });
});

describe('JSON element spans', () => {
  it('gives each item of a Graph page its bytes, strings and escapes skipped', () => {
    const text = '{"@odata.context":"x{[","value":[{"a":"]}\\"{"},{"b":[1,{"c":2}]} , "s"],"next":[0]}';
    const spans = jsonElementSpans(Buffer.from(text), (p) => p === '' || p.endsWith('/value'))!;
    expect([...spans.keys()]).toEqual(['/value/0', '/value/1', '/value/2']);
    const [s0, e0] = spans.get('/value/0')!;
    expect(text.slice(s0, e0)).toBe('{"a":"]}\\"{"}');
    const [s2, e2] = spans.get('/value/2')!;
    expect(text.slice(s2, e2).trim()).toBe('"s"');
    // Not well formed, or deeper than JSON is read: no spans (the parse reports it).
    expect(jsonElementSpans(Buffer.from('{"value":[{"a":1}'), () => true)).toBeUndefined();
    expect(jsonElementSpans(Buffer.from('['.repeat(1000) + ']'.repeat(1000)), () => true)).toBeUndefined();
  });
});

describe('XLSX rows before exceljs', () => {
  it('reads a character that exceljs would split at its chunk edge, and gives every kept row as without a prefilter', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const abs = path.join(dir, 'split.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: abs, useSharedStrings: false });
    const ws = wb.addWorksheet('Kunder');
    ws.addRow(['Kundnummer', 'Namn', 'E-post', 'Skapad']).commit();
    // Enough rows of å ä ö that some fall on the 64 KiB edges of the inflated sheet.
    for (let i = 0; i < 8000; i++) {
      ws.addRow([100000 + i, `${'ÅäÖ'.repeat(12)} ${i}`, i === 7999 ? 'marta.oberg@mail.example' : `person${i}@mail.example`, i % 500 === 0 ? new Date(Date.UTC(2024, 0, 1)) : '']).commit();
    }
    ws.commit();
    await wb.commit();
    const file: SourceFile = { abs, rel: 'split.xlsx', size: statSync(abs).size };
    const all: string[][] = [];
    for await (const r of readXlsxRows(file)) all.push(r.values);
    expect(all).toHaveLength(8001);
    expect(all.flat().some((v) => v.includes('\uFFFD'))).toBe(false);
    expect(all[1]![1]).toBe(`${'ÅäÖ'.repeat(12)} 0`);
    const byRow = new Map<number, string[]>();
    for await (const r of readXlsxRows(file)) byRow.set(r.row, r.values);
    const kept: { row: number; values: string[] }[] = [];
    for await (const r of readXlsxRows(file, { prefilter: prefilterFor([{ kind: 'email', value: 'marta.oberg@mail.example' }]) })) kept.push(r);
    // The header rows, the rows with a date (a style exceljs must judge), and the one that may match: nothing else.
    expect(kept.length).toBeLessThan(60);
    expect(kept.some((r) => r.values[2] === 'marta.oberg@mail.example')).toBe(true);
    for (const r of kept) expect(r.values, String(r.row)).toEqual(byRow.get(r.row));
  }, 60_000);

  it('keeps the same rows when the prefilter is asked once per buffer (hits) as when it is asked about each row', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const abs = path.join(dir, 'hits.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: abs, useSharedStrings: false });
    const ws = wb.addWorksheet('Kunder');
    ws.addRow(['Kundnummer', 'Namn', 'E-post', 'Telefon']).commit();
    // Hits of every kind (an e-mail, a phone with separators, a name with other diacritics) in rows
    // spread over many inflated chunks, some side by side, and rows that only nearly match.
    for (let i = 0; i < 20000; i++) {
      const m = i % 731;
      ws.addRow([
        100000 + i,
        m === 5 ? 'Märta Öberg' : m === 6 ? 'Marta Obergsson' : `Person ${i}`,
        m === 1 || m === 2 ? 'MARTA.OBERG@MAIL.EXAMPLE' : `person${i}@mail.example`,
        m === 3 ? '070-174 06 47' : m === 4 ? '070174064' : `08-${i}`,
      ]).commit();
    }
    ws.commit();
    await wb.commit();
    const file: SourceFile = { abs, rel: 'hits.xlsx', size: statSync(abs).size };
    const finder = prefilterFor([
      { kind: 'email', value: 'marta.oberg@mail.example' },
      { kind: 'phone', value: '+46701740647' },
      { kind: 'name', value: 'marta oberg' },
    ])!;
    const rows = async (prefilter: Prefilter): Promise<number[]> => {
      const out: number[] = [];
      for await (const r of readXlsxRows(file, { prefilter })) out.push(r.row);
      return out;
    };
    const once = await rows(finder);
    const each = await rows({ mayMatch: (b, s, e) => finder.mayMatch(b, s, e) });
    expect(once).toEqual(each);
    // Every planted hit is kept (4 kinds of it in each of 27 blocks of 731 rows), and not much else.
    expect(once.length).toBeGreaterThanOrEqual(4 * 27);
    expect(once.length).toBeLessThan(4 * 28 + 60);
  }, 60_000);
});

describe('XLSX rows classified by an earlier read of the same sheet', () => {
  // A later round reads a sheet again with other keys, and takes the plain rows by their hits alone, as the
  // first read classified them (xlsx-filter.ts, SheetRows): it must keep exactly the rows a first read does.
  it.each([false, true])('keeps the same rows for new keys as a sheet read for the first time (shared strings: %s)', async (useSharedStrings) => {
    const { default: ExcelJS } = await import('exceljs');
    const abs = path.join(dir, `classified-${useSharedStrings}.xlsx`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: abs, useSharedStrings });
    const ws = wb.addWorksheet('Kunder');
    ws.addRow(['Kundnummer', 'Namn', 'E-post', 'Telefon', 'Skapad']).commit();
    for (let i = 0; i < 6000; i++) {
      const m = i % 997;
      ws.addRow([
        100000 + i,
        // An entity makes a row one exceljs must judge; so does a number a style makes a date.
        m === 7 ? 'Åsa & Co' : m === 8 ? 'Märta Öberg' : `Person ${i}`,
        m === 1 ? 'MARTA.OBERG@MAIL.EXAMPLE' : m === 2 ? 'asa.lind@mail.example' : `person${i}@mail.example`,
        m === 3 ? '070-174 06 47' : `08-${i}`,
        m === 4 ? new Date(Date.UTC(2024, 0, 1)) : '',
      ]).commit();
    }
    ws.commit();
    await wb.commit();
    const copy = path.join(dir, `classified-${useSharedStrings}-copy.xlsx`);
    writeFileSync(copy, readFileSync(abs));
    const rows = async (f: string, prefilter: Prefilter): Promise<{ row: number; values: string[] }[]> => {
      const out: { row: number; values: string[] }[] = [];
      for await (const r of readXlsxRows({ abs: f, rel: path.basename(f), size: statSync(f).size }, { prefilter })) out.push({ row: r.row, values: r.values });
      return out;
    };
    const first = prefilterFor([{ kind: 'email', value: 'marta.oberg@mail.example' }])!;
    const later = prefilterFor([
      { kind: 'phone', value: '+46701740647' },
      { kind: 'name', value: 'marta oberg' },
      { kind: 'email', value: 'asa.lind@mail.example' },
    ])!;
    const firstRows = await rows(abs, first);
    expect(firstRows.some((r) => r.values[2] === 'MARTA.OBERG@MAIL.EXAMPLE')).toBe(true);
    // The same file again (classified), and its copy read for the first time.
    const again = await rows(abs, later);
    const fresh = await rows(copy, later);
    expect(again).toEqual(fresh);
    for (const want of ['070-174 06 47', 'Märta Öberg', 'asa.lind@mail.example', 'Åsa & Co']) expect(again.some((r) => r.values.includes(want)), want).toBe(true);
    expect(again.some((r) => r.values[4] !== '')).toBe(true);
    // A third read with the first keys gives the first read's rows.
    expect(await rows(abs, first)).toEqual(firstRows);
  }, 60_000);
});

describe('SIE vouchers skipped unparsed', () => {
  // 300 vouchers fit in one read; 6,000 run over many (SIE_CHUNK), with vouchers across each edge.
  it.each([300, 6000])('gives the same posts, warnings and counts as a read of every line, with the vouchers that may match (%i vouchers)', async (count) => {
    const lines = ['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#FNAMN "Företaget AB"', '#OBJEKT 8 "1001" "Märta Öberg"', '#OBJEKT 8 "1002" "Åke Ström"'];
    for (let i = 1; i <= count; i++) {
      const who = i === 150 ? 'Märta Öberg' : 'Åke Ström';
      lines.push(`#VER "F" ${i} 20240101 "Faktura ${who}" 20240101 "KE"`, '{', `#TRANS 1510 {8 "${i === 150 ? '1001' : '1002'}"} 100.00 20240101 "${who}"`, '#TRANS 3041 {} -100.00', '}');
    }
    // Vouchers that must be parsed: a row without an object list, an unclosed quote, a missing date, #RTRANS.
    lines.push('#VER "F" 301 20240101 "Udda"', '{', '#TRANS 1510 100.00', '#TRANS 3041 {} -100.00 20240101 "oavslutad', '}');
    lines.push('#VER "F" 302 "" "Utan datum"', '{', '#RTRANS 1510 {8 "1002"} 5.00', '#TRANS 1510 {8 "1002"} 5.00', '}');
    const bytes = iconv.encode(lines.join('\r\n') + '\r\n', 'cp437');
    const file = sourceFile('t.se', bytes);
    const read = async (prefilter?: ReturnType<typeof prefilterFor>): Promise<{ items: SieItem[]; warnings: SieWarning[] }> => {
      const items: SieItem[] = [];
      const warnings: SieWarning[] = [];
      for await (const it of readSie(file, { ...(prefilter ? { prefilter } : {}), onWarning: (w) => warnings.push(w) })) items.push(it);
      return { items, warnings };
    };
    const ref = await read();
    const fast = await read(prefilterFor([{ kind: 'customerNo', value: '1001' }]));
    expect(fast.warnings).toEqual(ref.warnings);
    expect(ref.warnings.length).toBeGreaterThanOrEqual(3);
    const vouchers = (x: { items: SieItem[] }): number => x.items.filter((i) => i.type === 'voucher').length + x.items.reduce((n, i) => n + (i.type === 'skipped' ? i.vouchers : 0), 0);
    expect(vouchers(fast)).toBe(vouchers(ref));
    const parsed = fast.items.filter((i): i is Extract<SieItem, { type: 'voucher' }> => i.type === 'voucher');
    // The plain vouchers without a hit are skipped; the one that names customer 1001 is parsed and may match, as are the odd ones.
    // (A voucher across the edge of a read is parsed too.)
    expect(parsed.length).toBeLessThan(10 + Math.ceil(bytes.length / SIE_CHUNK));
    if (count > 300) expect(bytes.length).toBeGreaterThan(5 * SIE_CHUNK);
    const hit = parsed.find((v) => v.voucher.number === '150')!;
    expect(hit.mayMatch).toBe(true);
    const same = ref.items.find((i) => i.type === 'voucher' && i.voucher.number === '150');
    expect(hit.voucher).toEqual((same as Extract<SieItem, { type: 'voucher' }>).voucher);
    expect(fast.items.filter((i) => i.type === 'post').map((i) => (i as Extract<SieItem, { type: 'post' }>).post)).toEqual(
      ref.items.filter((i) => i.type === 'post').map((i) => (i as Extract<SieItem, { type: 'post' }>).post),
    );
  });
});
