/**
 * Fuzzing the connectors' readers (issue #8): each connector's own fixtures,
 * cut off at a random byte, with random bytes overwritten or inserted, or
 * replaced by random bytes altogether, are read with the format detected and
 * with the format forced. Whatever the bytes, a read ends in records or in a
 * SourceReadError that names the file - never another exception (which would
 * be exit 70), never a hang - and what it yields can be written as JSON.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { AnyConnector, ReadContext } from '../../src/sources/contract.ts';
import { BUILTIN_IDS, loadBuiltin } from '../../src/sources/registry.ts';
import { FIXTURES } from '../helpers.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p);
    return e.isFile() && !e.name.startsWith('.') && !e.name.endsWith('.yaml') && statSync(p).size < 256 * 1024 ? [p] : [];
  });
}

type Mutation = { kind: 'cut'; at: number } | { kind: 'flip'; at: number[]; bytes: number[] } | { kind: 'insert'; at: number; bytes: number[] } | { kind: 'random'; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 8, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.array(fc.constantFrom(0x00, 0x0a, 0x0d, 0x22, 0x2c, 0x3b, 0x7b, 0x7d, 0x5b, 0x5d, 0x23, 0xff, 0xfe, 0xc3, 0xa4, 0x80), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4096 }) }),
);

function mutate(original: Buffer, m: Mutation): Buffer {
  const pos = (f: number): number => Math.min(original.length, Math.floor(f * original.length));
  switch (m.kind) {
    case 'cut':
      return original.subarray(0, pos(m.at));
    case 'flip': {
      const b = Buffer.from(original);
      m.at.forEach((f, i) => {
        if (b.length > 0) b[Math.min(b.length - 1, pos(f))] = m.bytes[i]!;
      });
      return b;
    }
    case 'insert':
      return Buffer.concat([original.subarray(0, pos(m.at)), Buffer.from(m.bytes), original.subarray(pos(m.at))]);
    case 'random':
      return Buffer.from(m.bytes);
  }
}

/** Options a format cannot be read without. */
const OPTIONS: Record<string, Record<string, unknown>> = { newsletter: { preset: 'apsis' } };

async function readAll(connector: AnyConnector, file: string, format: string | undefined): Promise<{ records: SourceRecord[]; failed: SourceReadError[]; error?: unknown }> {
  const records: SourceRecord[] = [];
  const failed: SourceReadError[] = [];
  const ctx: ReadContext = { warn: () => {}, fileFailed: (e) => failed.push(e) };
  const options = connector.optionsSchema.parse(format === 'mapped-csv' ? (OPTIONS[connector.id] ?? {}) : {});
  try {
    for await (const r of connector.read({ name: 'fuzz', path: file, baseDir: tmp, format, options }, ctx)) records.push(r);
    return { records, failed };
  } catch (error) {
    return { records, failed, error };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`hung: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

describe('readers on damaged and random bytes', () => {
  for (const id of BUILTIN_IDS) {
    it(`${id}: records or a SourceReadError naming the file, never anything else`, async () => {
      const connector = await loadBuiltin(id);
      const originals = filesUnder(path.join(FIXTURES, id)).filter((f) => !f.endsWith('.md'));
      expect(originals.length).toBeGreaterThan(0);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...originals), mutation, fc.boolean(), async (original, m, forced) => {
          const bytes = readFileSync(original);
          const name = path.basename(original);
          const file = path.join(tmp, `${++n}-${name}`);
          writeFileSync(file, mutate(bytes, m));
          const detected = connector.detect({ name, head: bytes.subarray(0, 65536), size: bytes.length })?.format;
          const format = forced ? detected : undefined;
          const what = `${id} ${format ?? 'detected'} ${path.relative(FIXTURES, original)} ${m.kind}`;
          const r = await withTimeout(readAll(connector, file, format), 20_000, what);
          if (r.error !== undefined) {
            expect(r.error, `${what}: ${(r.error as Error)?.stack ?? String(r.error)}`).toBeInstanceOf(SourceReadError);
          }
          for (const e of [...r.failed, ...(r.error instanceof SourceReadError ? [r.error] : [])]) {
            expect(e.file, `${what}: ${e.code} names no file`).toBeTruthy();
            expect(e.message).not.toMatch(/\n\s+at /u);
          }
          for (const rec of r.records) expect(rec.locator.file, what).toBeTruthy();
          expect(() => JSON.stringify(r.records), what).not.toThrow();
        }),
        { numRuns: Number(process.env.OJCO_FUZZ_RUNS ?? 60) },
      );
    }, 240_000);
  }
});
