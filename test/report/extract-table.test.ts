import { describe, expect, it } from 'vitest';
import type { ExtractRecord } from '../../src/report/extract-schema.ts';
import { dataCell, dataColumns, flattenFields, MAX_COLUMNS_PER_FIELD, MAX_DEPTH, systemTables } from '../../src/report/extract-table.ts';
import { sampleExtract } from './sample-extract.ts';

const rec = (fields: Record<string, unknown>): ExtractRecord => ({ fields }) as unknown as ExtractRecord;

describe('flattening the fields into columns', () => {
  it('names nested leaves by path: a.b, a[0].c; empty containers as {} and []', () => {
    expect(flattenFields({ a: { b: 1, c: [{ d: 'x' }, 'y'] }, e: [], f: {}, g: null, h: true })).toEqual([
      ['a.b', 1],
      ['a.c[0].d', 'x'],
      ['a.c[1]', 'y'],
      ['e', '[]'],
      ['f', '{}'],
      ['g', null],
      ['h', true],
    ]);
  });

  it('takes the union of columns over records, in tree order (array items by index)', () => {
    const records = [rec({ id: 1, activity: [{ action: 'open', ip: '1' }] }), rec({ id: 2, activity: [{ action: 'open' }, { action: 'click', url: 'u' }], extra: 'z' })];
    const cols = dataColumns(records);
    expect(cols.map((c) => c.header)).toEqual(['id', 'activity[0].action', 'activity[0].ip', 'activity[1].action', 'activity[1].url', 'extra']);
    expect(cols.map((c) => dataCell(records[0]!, c))).toEqual([1, 'open', '1', null, null, null]);
    expect(cols.map((c) => dataCell(records[1]!, c))).toEqual([2, 'open', null, 'click', 'u', 'z']);
  });

  it('keeps two records apart when a field is plain in one and nested in the other', () => {
    const records = [rec({ a: 'plain' }), rec({ a: { b: 1 } })];
    const cols = dataColumns(records);
    expect(cols.map((c) => c.header)).toEqual(['a', 'a.b']);
    expect(cols.map((c) => dataCell(records[0]!, c))).toEqual(['plain', null]);
    expect(cols.map((c) => dataCell(records[1]!, c))).toEqual([null, 1]);
  });

  it('writes a field as JSON text past the column limit or the depth limit', () => {
    const many = Array.from({ length: MAX_COLUMNS_PER_FIELD + 1 }, (_, i) => ({ address: `p${i}@x.example` }));
    const r = rec({ to: many, id: 'm1' });
    const cols = dataColumns([r]);
    expect(cols.map((c) => c.header)).toEqual(['to', 'id']);
    expect(JSON.parse(dataCell(r, cols[0]!) as string)).toEqual(many);

    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_DEPTH + 2; i++) deep = { n: deep };
    const leaves = flattenFields({ deep });
    expect(leaves).toHaveLength(1);
    expect(leaves[0]![0]).toBe('deep' + '.n'.repeat(MAX_DEPTH));
    expect(JSON.parse(leaves[0]![1] as string)).toEqual({ n: { n: 'leaf' } });
  });

  it('puts the register information of each record before its fields (AC-2)', async () => {
    const x = await sampleExtract('sv');
    const tables = systemTables(x.records, 'sv');
    expect(tables.map((t) => t.system)).toEqual(['Nyhetsbrevsverktyget', 'Visma (ekonomisystem)', 'Office 365 (e-post)', 'Google Analytics']);
    const visma = tables[1]!;
    expect(visma.headers.slice(0, visma.metaCount)).toEqual(expect.arrayContaining(['Ändamål (a)', 'Rättslig grund', 'Mottagare (c)', 'Lagringstid (d)', 'Sparas t.o.m.', 'Ursprung (g)']));
    const row = visma.rows[0]!;
    expect(row[visma.headers.indexOf('Sparas t.o.m.')]).toBe('2032-12-31');
    expect(row[visma.headers.indexOf('Rows[0].Text')]).toBe('Städning (RUT)');
  });
});
