/**
 * Identifier scopes (issue #7): a connector reports, per file, which
 * identifiers its records can carry, and a later round of the search does
 * not read a source again for keys it cannot hold. The scopes must be true
 * of every record of every fixture, the search must use them, and a record
 * outside its file's scope must stop the run instead of losing records.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type ResolvedSource } from '../../src/config/load.ts';
import { search } from '../../src/pipeline/search.ts';
import type { AnyConnector, IdentifierScope, ReadContext } from '../../src/sources/contract.ts';
import { detectedFiles, readEachFile } from '../../src/sources/helpers.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ROOT } from '../helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-scopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fits(scope: IdentifierScope, r: SourceRecord): boolean {
  return r.identifiers.every((id) => scope.kinds.includes(id.kind) && (id.kind !== 'systemId' || !scope.systemIds || scope.systemIds.some((p) => id.value.startsWith(p))));
}

describe('the scopes the connectors report', () => {
  it('hold for every record of every fixture, and are reported for the formats that have one', async () => {
    const config = await loadConfig(path.join(ROOT, 'fixtures/ojco-dsar.config.yaml'), ROOT);
    const reported = new Map<string, number>();
    let records = 0;
    for (const src of config.sources) {
      const scopes = new Map<string, IdentifierScope | undefined>();
      const ctx: ReadContext = { warn: () => {}, fileFailed: () => {}, fileScope: (file, scope) => scopes.set(file, scope) };
      for await (const r of src.connector.read({ name: src.name, path: src.path, baseDir: config.baseDir, format: src.format, options: src.options }, ctx)) {
        records++;
        const scope = scopes.get(r.locator.file);
        if (scope) expect(fits(scope, r), `${src.name} ${r.locator.file} ${r.identifiers.map((i) => i.kind).join(',')}`).toBe(true);
      }
      reported.set(src.connector.id, (reported.get(src.connector.id) ?? 0) + [...scopes.values()].filter(Boolean).length);
    }
    expect(records).toBeGreaterThan(100);
    // Lime's client export, Mailchimp's members, Graph, the message trace, the customer list and SIE have scopes.
    for (const id of ['lime', 'newsletter', 'office365', 'visma']) expect(reported.get(id), id).toBeGreaterThan(0);
  });
});

/** A connector over JSON lines of raw identifiers, with the scope given (undefined: it reports none). */
function linesConnector(id: string, scope: IdentifierScope | undefined): AnyConnector {
  const connector: AnyConnector = {
    id,
    title: id,
    formats: [{ id: 'lines', title: 'lines', description: 'JSON lines', extensions: ['jsonl'] }],
    optionsSchema: z.object({}),
    describe: () => ({ entities: [] }),
    detect: () => ({ format: 'lines', confidence: 1 }),
    check: async () => [],
    read: (input, ctx) =>
      readEachFile(
        detectedFiles(connector, input, ctx),
        ctx,
        async function* ({ file }: { file: SourceFile }) {
          const lines = readFileSync(file.abs, 'utf8').split('\n').filter(Boolean);
          for (const [i, l] of lines.entries()) {
            const ids = JSON.parse(l) as { kind: string; value: string }[];
            yield { entity: 'row', locator: { file: file.rel, line: i + 1 }, fields: {}, identifiers: ids.map((x) => ({ ...x, field: x.kind })), category: 'crm-contact' } as SourceRecord;
          }
        },
        () => scope,
      ),
  };
  return connector;
}

function source(name: string, connector: AnyConnector, file: string, lines: unknown[][], index: number): ResolvedSource {
  writeFileSync(path.join(dir, file), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { name, connectorRef: connector.id, connector, path: path.join(dir, file), format: undefined, options: {}, index };
}

describe('a search with scopes', () => {
  const subject = { id: 's', identifiers: [{ kind: 'email' as const, value: 'anna.berg@mail.example' }, { kind: 'customerNo' as const, value: '40017' }] };
  const crmRows = [
    [{ kind: 'email', value: 'anna.berg@mail.example' }, { kind: 'customerNo', value: '40017' }],
    [{ kind: 'email', value: 'other.person@mail.example' }, { kind: 'customerNo', value: '40018' }],
  ];
  // Events: the customer's, which teaches her GA client id, and a later one known only by it.
  const events = [
    [{ kind: 'customerNo', value: '40017' }, { kind: 'gaClientId', value: 'GA1.1.1234567890.1700000000' }],
    [{ kind: 'gaClientId', value: 'GA1.1.999999999.1700000001' }],
    [{ kind: 'gaClientId', value: 'GA1.1.1234567890.1700000000' }],
  ];
  const run = async (crmScope: IdentifierScope | undefined) => {
    const sources = [
      source('crm', linesConnector('crm', crmScope), 'crm.jsonl', crmRows, 0),
      // The events are the bigger source, so they are read second.
      source('events', linesConnector('events', undefined), 'events.jsonl', [...events, ...Array.from({ length: 20 }, () => [{ kind: 'email', value: 'noise@mail.example' }])], 1),
    ];
    // Nothing kept in memory between rounds: a round that needs the CRM reads it again.
    return search({ sources, baseDir: dir, subjects: [subject], cacheBytes: 0 });
  };

  it('does not read a source again for keys outside its scope', async () => {
    const scoped = await run({ kinds: ['email', 'customerNo'] });
    const unscoped = await run(undefined);
    // The same records either way: the events found through the client id too.
    const found = (r: Awaited<ReturnType<typeof run>>) => r.subjects[0]!.records.map((m) => `${m.source}:${m.record.locator.line}`).sort();
    expect(found(scoped)).toEqual(found(unscoped));
    expect(found(scoped)).toEqual(['0:1', '1:1', '1:3']);
    // Without a scope the CRM is read again for the client id learned from the events; with one it is not.
    expect(unscoped.sources[0]!.reads).toBe(2);
    expect(scoped.sources[0]!.reads).toBe(1);
  });

  it('stops when a record leaves the scope its file reported', async () => {
    await expect(run({ kinds: ['email'] })).rejects.toThrow(/connector crm yielded a customerNo identifier outside the scope it reported for crm\.jsonl/u);
  });
});
