/**
 * Registry conformance (typescript-eslint's meta-tests, knip's plugin
 * rules): every built-in connector has its folder, README, fixtures, config,
 * test and schema; uses only register vocabulary; and classifies every field
 * it actually reads from its fixtures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_IDS, loadBuiltin } from '../../src/sources/registry.ts';
import { isDataCategory, isRecordCategory } from '../../src/register/categories.ts';
import { IDENTIFIER_KINDS } from '../../src/core/identity/kinds.ts';
import { loadConfig } from '../../src/config/load.ts';
import { FIXTURES, ROOT } from '../helpers.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import type { Problem } from '../../src/errors.ts';

const folders = readdirSync(path.join(ROOT, 'connectors'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name)
  .sort();

describe('connector registry', () => {
  it('lists exactly the connector folders', () => {
    expect([...BUILTIN_IDS].sort()).toEqual(folders);
  });


  for (const id of BUILTIN_IDS) {
    describe(id, () => {
      it('has an id equal to its folder, and a title', async () => {
        const c = await loadBuiltin(id);
        expect(c.id).toBe(id);
        expect(c.title.length).toBeGreaterThan(3);
      });

      it('has a README that documents every format, a fixture folder with a config, and a test', async () => {
        const c = await loadBuiltin(id);
        const readme = path.join(ROOT, 'connectors', id, 'README.md');
        expect(existsSync(readme)).toBe(true);
        const text = readFileSync(readme, 'utf8');
        for (const f of c.formats) expect(text, `README mentions format ${f.id}`).toContain(`\`${f.id}\``);
        expect(text).toMatch(/cannot/iu);
        expect(existsSync(path.join(FIXTURES, id, 'ojco-dsar.config.yaml'))).toBe(true);
        expect(existsSync(path.join(ROOT, 'test', 'connectors', `${id}.test.ts`))).toBe(true);
      });

      it('has unique format ids and an options schema that accepts no options', async () => {
        const c = await loadBuiltin(id);
        const ids = c.formats.map((f) => f.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(c.optionsSchema.safeParse({}).success).toBe(true);
        expect(c.optionsSchema.safeParse({ surelyNotAnOption: 1 }).success).toBe(false);
      });

      it('describes its entities with register vocabulary only', async () => {
        const c = await loadBuiltin(id);
        const d = c.describe(c.optionsSchema.parse({}));
        expect(d.entities.length).toBeGreaterThan(0);
        for (const e of d.entities) {
          expect(isRecordCategory(e.category), `${e.entity}: record category ${e.category}`).toBe(true);
          const names = e.fields.map((f) => f.name);
          expect(new Set(names).size, `${e.entity}: field names are unique`).toBe(names.length);
          for (const f of e.fields) {
            expect(isDataCategory(f.category), `${e.entity}.${f.name}: data category ${f.category}`).toBe(true);
            if (f.identifier) expect(IDENTIFIER_KINDS).toContain(f.identifier);
            // A part of a person's name (AN-2) is personal identity data, and no identifier of another kind (a company's name).
            if (f.namePart) {
              expect(f, `${e.entity}.${f.name}: a name part`).toMatchObject({ personal: true, category: 'identity' });
              expect([undefined, 'name'], `${e.entity}.${f.name}: a name part`).toContain(f.identifier);
            }
          }
          expect(e.fields.some((f) => f.identifier), `${e.entity} declares at least one identifier field`).toBe(true);
        }
      });

      it('classifies every field and entity it reads from its fixtures, and reads them without problems', async () => {
        const c = await loadBuiltin(id);
        const config = await loadConfig(path.join(FIXTURES, id, 'ojco-dsar.config.yaml'), ROOT);
        const unclassified = new Set<string>();
        const failures: Problem[] = [];
        let n = 0;
        for (const src of config.sources) {
          expect(src.connector.id).toBe(c.id);
          // Each source is judged by its own description: its options may classify its own columns.
          const entities = new Map(src.connector.describe(src.options).entities.map((e) => [e.entity, e]));
          const ctx = { warn: () => {}, fileFailed: (e: Problem) => failures.push(e) };
          for await (const r of src.connector.read({ name: src.name, path: src.path, baseDir: config.baseDir, format: src.format, options: src.options }, ctx)) {
            n++;
            const rec = r as SourceRecord;
            const entity = entities.get(rec.entity);
            expect(entity, `entity ${rec.entity} is described`).toBeDefined();
            expect(rec.category).toBe(entity!.category);
            const fields = new Set(entity!.fields.map((f) => f.name));
            for (const k of Object.keys(rec.fields)) if (!fields.has(k)) unclassified.add(`${src.name}: ${rec.entity}.${k}`);
            for (const i of rec.identifiers) expect(IDENTIFIER_KINDS).toContain(i.kind);
          }
        }
        expect(failures).toEqual([]);
        expect(n).toBeGreaterThan(0);
        expect([...unclassified].sort()).toEqual([]);
      });
    });
  }
});
