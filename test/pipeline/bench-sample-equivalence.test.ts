/**
 * Issue #7: "any faster path must give identical results, and a test must
 * prove it on the fixtures and on a sample of the bench corpus". The fixtures
 * are prefilter-equivalence.test.ts; this is the bench corpus: the seeded
 * generator of `npm run bench` (bench/generate.js) writes a small corpus in
 * the same formats (GA4 NDJSON, a Windows-1252 Lime CSV, a Mailchimp CSV with
 * a BOM, Graph JSON pages, SIE in CP437, an XLSX), and every planted subject,
 * by each identifier the generator gives it in its messy notation, must get
 * the reference result from the fast paths, alone and as one batch. It also
 * checks recall against the generator's ground truth: every record the
 * generator planted with the subject's e-mail, phone or personnummer in a
 * field is found.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../src/config/load.ts';
import { search } from '../../src/pipeline/search.ts';
import { subjectFromFlags } from '../../src/cli/subject.ts';
import { ROOT } from '../helpers.ts';

interface Planted {
  sid: string;
  given: { email?: string; phone?: string; pnr?: string; name?: string };
  records: { f: string; rid: string; t: Record<string, string> }[];
}

let dir: string;
let config: LoadedConfig;
let subjects: Planted[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-bench-sample-'));
  const { generate } = (await import(path.join(ROOT, 'bench/generate.js'))) as { generate: (o: Record<string, unknown>) => Promise<void> };
  await generate({ size: '3MB', seed: 20250512, subjects: 24, out: dir, log: () => undefined });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { config: string; subjects: Planted[] };
  config = await loadConfig(path.join(dir, manifest.config), dir);
  subjects = manifest.subjects;
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Flags = Record<string, string[]>;

/** The generator's file keys (manifest `f`) and the source names of the config it writes. */
const SOURCE_OF: Record<string, string> = { lime: 'lime-personer', mailchimp: 'mailchimp', graph: 'graph-messages', ga: 'ga4-bigquery', sie: 'sie', xlsx: 'kundlista' };

function queriesOf(s: Planted): Flags[] {
  const out: Flags[] = [];
  if (s.given.email) out.push({ email: [s.given.email] });
  if (s.given.phone) out.push({ phone: [s.given.phone] });
  if (s.given.pnr) out.push({ pnr: [s.given.pnr] });
  if (s.given.name) out.push({ name: [s.given.name] });
  return out;
}

async function found(queries: Flags[], opts: { cacheBytes: number; prefilter: boolean }): Promise<unknown[][]> {
  const result = await search({
    sources: config.sources,
    baseDir: config.baseDir,
    subjects: queries.map((q, i) => ({ ...subjectFromFlags(q).query, id: `q${i}` })),
    ...opts,
  });
  expect(result.skipped).toEqual([]);
  return result.subjects.map((s) => s.records.map((r) => ({ source: r.source, locator: r.record.locator, confidence: r.confidence, evidence: r.evidence, path: r.path })));
}

describe('on a sample of the bench corpus, the fast paths find exactly what the reference path finds', () => {
  it('planted subjects, by each identifier alone (the first three)', async () => {
    const queries = subjects.slice(0, 3).flatMap(queriesOf);
    expect(queries.length).toBeGreaterThanOrEqual(8);
    for (const q of queries) {
      const [reference] = await found([q], { cacheBytes: 0, prefilter: false });
      const [fast] = await found([q], { cacheBytes: 0, prefilter: true });
      const [cached] = await found([q], { cacheBytes: 8 * 1024 * 1024, prefilter: true });
      expect(fast, JSON.stringify(Object.keys(q))).toEqual(reference);
      expect(cached, JSON.stringify(Object.keys(q))).toEqual(reference);
    }
  }, 240_000);

  it('every identifier of every planted subject as one batch', async () => {
    const queries = subjects.flatMap(queriesOf);
    const reference = await found(queries, { cacheBytes: 0, prefilter: false });
    const fast = await found(queries, { cacheBytes: 0, prefilter: true });
    expect(fast).toEqual(reference);
    expect(reference.flat().length).toBeGreaterThan(200);
  }, 240_000);

  it("finds every record the generator planted with the subject's e-mail, phone or personnummer in a field", async () => {
    // The generator's record ids are the records' own keys (Lime Id, Mailchimp LEID, ...); the tool's
    // locators name files and lines, so recall is checked by count per source, per subject.
    for (const s of subjects.slice(0, 8)) {
      const flags: Flags = {};
      if (s.given.email) flags.email = [s.given.email];
      if (s.given.phone) flags.phone = [s.given.phone];
      if (s.given.pnr) flags.pnr = [s.given.pnr];
      const [records] = await found([flags], { cacheBytes: 0, prefilter: true });
      const bySource = new Map<string, number>();
      for (const r of records as { source: number }[]) {
        const name = config.sources[r.source]!.name;
        bySource.set(name, (bySource.get(name) ?? 0) + 1);
      }
      const planted = new Map<string, number>();
      for (const r of s.records) {
        if (!Object.entries(r.t).some(([k, v]) => v === 'field' && (k === 'email' || k === 'phone' || k === 'pnr'))) continue;
        planted.set(r.f, (planted.get(r.f) ?? 0) + 1);
      }
      for (const [f, n] of planted) {
        const name = SOURCE_OF[f];
        expect(name, f).toBeDefined();
        expect(config.sources.some((src) => src.name === name)).toBe(true);
        expect(bySource.get(name!) ?? 0, `${s.sid} in ${f}`).toBeGreaterThanOrEqual(n);
      }
    }
  }, 240_000);
});
