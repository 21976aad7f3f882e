import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExtractSchema, EXTRACT_SCHEMA_VERSION, extractJsonSchema, type Extract } from '../../src/report/extract-schema.ts';
import { ExtractSchemaError, extractJson, validateExtract } from '../../src/report/extract-json.ts';
import { ROOT } from '../helpers.ts';
import { FORMULA, SUBJECT_EMAIL, THIRD_PARTY, sampleExtract } from './sample-extract.ts';

describe('the JSON extract', () => {
  it('validates against its own schema and reads back to the same extract', async () => {
    const x = await sampleExtract('sv');
    const bytes = extractJson(x);
    expect(bytes.toString('utf8').endsWith('\n')).toBe(true);
    const back = JSON.parse(bytes.toString('utf8')) as unknown;
    expect(ExtractSchema.safeParse(back).success).toBe(true);
    expect(back).toEqual(x);
  });

  it('has the keys the interface contract promises (issue #3)', async () => {
    const back = JSON.parse(extractJson(await sampleExtract('sv')).toString('utf8')) as Record<string, unknown> & { records: Record<string, unknown>[] };
    expect(Object.keys(back)).toEqual(expect.arrayContaining(['controller', 'subject', 'generatedAt', 'records']));
    expect(back.schemaVersion).toBe(EXTRACT_SCHEMA_VERSION);
    for (const r of back.records) expect(Object.keys(r)).toEqual(expect.arrayContaining(['source', 'connector', 'fields', 'purposes', 'legalBasis', 'recipients', 'retention']));
  });

  it('keeps values as they are (a formula is data in JSON) but removes third parties (Art. 15(4))', async () => {
    const text = extractJson(await sampleExtract('sv')).toString('utf8');
    expect(text).toContain(JSON.stringify(FORMULA).slice(1, -1));
    expect(text).toContain(SUBJECT_EMAIL);
    expect(text).not.toContain(THIRD_PARTY);
  });

  it('refuses an extract its schema rejects, as a bug, without quoting values', async () => {
    const x = await sampleExtract('sv');
    const broken = { ...x, records: [{ ...x.records[0]!, confidence: 'maybe', fields: { secret: SUBJECT_EMAIL } }] } as unknown as Extract;
    let err: unknown;
    try {
      validateExtract(broken);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExtractSchemaError);
    expect((err as Error).message).toContain('records.0.confidence');
    expect((err as Error).message).not.toContain(SUBJECT_EMAIL);
    expect(() => extractJson(broken)).toThrow(ExtractSchemaError);
  });

  it('ships its JSON Schema in docs/extract.schema.json (run `npx vitest run -u test/report/extract-json.test.ts` after a schema change)', async () => {
    const schema = extractJsonSchema() as { $id: string; required: string[] };
    expect(schema.$id).toContain(EXTRACT_SCHEMA_VERSION);
    expect(schema.required).toEqual(expect.arrayContaining(['controller', 'subject', 'generatedAt', 'records']));
    await expect(JSON.stringify(schema, null, 2) + '\n').toMatchFileSnapshot(path.join(ROOT, 'docs/extract.schema.json'));
  });
});
