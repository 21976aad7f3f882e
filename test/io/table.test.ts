/** The shared tabular and JSON readers on the mess of real exports: title rows, CRLF inside quotes, cut-off files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from '../../src/io/csv.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { readJsonDocument } from '../../src/io/json.ts';
import { readTable } from '../../src/io/table.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'table-'));
function file(name: string, text: string): SourceFile {
  const abs = path.join(dir, name);
  writeFileSync(abs, text);
  return { abs, rel: name, size: Buffer.byteLength(text) };
}
async function rows(f: SourceFile, isHeader?: (v: string[]) => boolean) {
  const out = [];
  for await (const r of readTable(f, isHeader ? { isHeader } : {})) out.push(r);
  return out;
}

describe('readTable', () => {
  it('gives the physical line of each row after a CRLF inside a quoted field', async () => {
    const f = file('crlf.csv', 'a;b\r\n1;"two\r\nlines"\r\n3;4\r\n"five\r\nsix\r\nseven";8\r\n9;10\r\n');
    expect((await rows(f)).map((r) => [r.locator.line, r.values[0]])).toEqual([
      [2, '1'],
      [4, '3'],
      [5, 'five\r\nsix\r\nseven'],
      [8, '9'],
    ]);
  });

  it('skips title rows above the header, sniffing the delimiter from the header', async () => {
    expect(sniffDelimiter('Kunder 2025-05-12\r\n\r\nNamn;Ort\r\n')).toBe(';');
    const f = file('title.csv', 'Kunder 2025-05-12\r\n\r\nNamn;Ort\r\nA;B\r\n');
    const r = await rows(f, (v) => v.includes('Namn'));
    expect(r).toEqual([{ header: ['Namn', 'Ort'], values: ['A', 'B'], locator: { file: 'title.csv', line: 4, row: 1 } }]);
  });

  it('says so when no row is the header', async () => {
    const f = file('none.csv', 'x;y\r\n1;2\r\n');
    await expect(rows(f, () => false)).rejects.toMatchObject({ code: 'table.no-header', file: 'none.csv' });
  });
});

describe('readJsonDocument', () => {
  it('calls a file cut off inside a string or after a value cut off, and a bad token invalid', async () => {
    for (const text of ['{"a": [1, {"b": "xy', '{"a": [1, {"b": 2', '{\n "a": [1,\n']) {
      await expect(readJsonDocument(file('cut.json', text))).rejects.toMatchObject({ code: 'json.malformed', message: expect.stringMatching(/cut off/u) });
    }
    await expect(readJsonDocument(file('bad.json', '{"a": x}\n'))).rejects.toMatchObject({ code: 'json.malformed', message: 'invalid JSON' });
  });
});
