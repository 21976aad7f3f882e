import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_DELIMITER, csvBytes, extractCsvFiles } from '../../src/report/extract-csv.ts';
import { FORMULA, SCRIPT, THIRD_PARTY, sampleExtract } from './sample-extract.ts';

/** Reads a CSV the way Swedish Excel does on a double-click: a UTF-8 BOM selects UTF-8, cells split on `;`. */
function readAsExcel(bytes: Buffer): string[][] {
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = hasBom ? new TextDecoder('utf-8').decode(bytes.subarray(3)) : new TextDecoder('windows-1252').decode(bytes);
  return parse(text, { delimiter: ';', relax_column_count: false }) as string[][];
}

describe('the CSV extract', () => {
  it('writes one file per system, named by the system', async () => {
    const files = extractCsvFiles(await sampleExtract('sv'), 'registerutdrag-2025-05-16');
    expect(files.map((f) => f.name)).toEqual([
      'registerutdrag-2025-05-16-nyhetsbrevsverktyget.csv',
      'registerutdrag-2025-05-16-visma-ekonomisystem.csv',
      'registerutdrag-2025-05-16-office-365-e-post.csv',
      'registerutdrag-2025-05-16-google-analytics.csv',
    ]);
    const en = extractCsvFiles(await sampleExtract('en'), 'register-extract-2025-05-16');
    expect(en.map((f) => f.name)).toContain('register-extract-2025-05-16-the-newsletter-tool.csv');
  });

  it('is UTF-8 with a BOM, ; between cells and CRLF between rows, so Excel shows å ä ö', async () => {
    const [member] = extractCsvFiles(await sampleExtract('sv'), 'r');
    const bytes = member!.data;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(CSV_DELIMITER).toBe(';');
    expect(text.split('\r\n')[0]).toContain('System;Källa (export);Typ av post;');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = readAsExcel(bytes);
    const [header, row] = [rows[0]!, rows[1]!];
    const cell = (h: string): string => row[header.indexOf(h)]!;
    expect(cell('First Name')).toBe('Märta');
    expect(cell('Last Name')).toBe('Öberg');
    expect(cell('Typ av post')).toBe('Prenumerant på nyhetsbrev');
    expect(cell('profile.tags[1]')).toBe('Hållbar logistik');
    // The line break inside a cell survives, quoted.
    expect(cell('NOTES').split('\n')[1]).toBe('rad två: åäö ÅÄÖ');
    // Without the BOM, Excel would have read it as Windows-1252: the BOM is what makes å right.
    expect(new TextDecoder('windows-1252').decode(bytes.subarray(3)).includes('MÃ¤rta')).toBe(true);
  });

  it('makes formulas inert: =HYPERLINK(...) comes out with a leading apostrophe, in cells and headers', async () => {
    const files = extractCsvFiles(await sampleExtract('sv'), 'r');
    const member = readAsExcel(files[0]!.data);
    const notes = member[1]![member[0]!.indexOf('NOTES')]!;
    expect(notes.startsWith(`'${FORMULA}`)).toBe(true);
    const invoice = readAsExcel(files[1]!.data);
    // A field named "+cmd" holding "@SUM(...)": both neutralised.
    expect(invoice[0]).toContain("'+cmd");
    expect(invoice[1]![invoice[0]!.indexOf("'+cmd")]).toBe("'@SUM(A1:A2)");
    // Plain numbers are left alone.
    expect(invoice[1]![invoice[0]!.indexOf('TotalAmount')]).toBe('12500.5');
    // No cell of any file starts with a formula character.
    for (const f of files) for (const r of readAsExcel(f.data)) for (const c of r) expect(c).not.toMatch(/^[=+@\t\r]|^-(?!\d+(?:[.,]\d+)?$)/u);
  });

  it('neutralises every dangerous first character (issue #8 point 3)', () => {
    const values = ['=1+1', '+1+1', '-1+1', '@SUM(1)', '\t=1', '\r=1', '-12', '+46701740605'];
    const rows = readAsExcel(csvBytes(['v'], values.map((v) => [v])));
    expect(rows.slice(1).map((r) => r[0])).toEqual(["'=1+1", "'+1+1", "'-1+1", "'@SUM(1)", "'\t=1", "'\r=1", '-12', '+46701740605']);
  });

  it('holds the data as text and removes third parties', async () => {
    const files = extractCsvFiles(await sampleExtract('sv'), 'r');
    const all = files.map((f) => f.data.toString('utf8')).join('\n');
    expect(all).toContain(SCRIPT.replace(/"/gu, '""'));
    expect(all).not.toContain(THIRD_PARTY);
    const mail = readAsExcel(files[2]!.data);
    expect(mail[1]![mail[0]!.indexOf('Borttagna uppgifter (art. 15.4)')]).toBe('body, toRecipients[0].emailAddress.address, toRecipients[0].emailAddress.name');
  });

  it('writes no CSV when there are no records', async () => {
    const x = await sampleExtract('sv');
    expect(extractCsvFiles({ ...x, records: [] }, 'r')).toEqual([]);
  });
});
