/**
 * The prefilter (src/io/anchors.ts) and the CSV fast path (src/io/csv-fast.ts)
 * may only make the search faster, never change what it finds (issue #7).
 *
 * The fixture sources are small, so the default cache would keep every one
 * in memory and no read would be prefiltered: these runs turn the cache off,
 * which sends every first read and every re-read through the prefilter, and
 * compare the result, record by record, with the reference path (every record
 * read in full).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { search, type SearchResult } from '../../src/pipeline/search.ts';
import { subjectFromFlags } from '../../src/cli/subject.ts';
import { findJson } from '../../src/report/found.ts';
import { FIXTURES, ROOT, type Flags } from '../helpers.ts';

const CONFIG = path.join(FIXTURES, 'ojco-dsar.config.yaml');

/** Every persona by each kind of identifier the fixture world documents, plus noise people and a namesake. */
const QUERIES: Flags[] = [
  { email: ['asa.lindqvist@lindqvistbygg.example'] },
  { pnr: ['19840312-9987'] },
  { phone: ['+46701740605'] },
  { email: ['orjan@backstromkonsult.example'] },
  { orgnr: ['761105-9978'] },
  { phone: ['0046 70 174 06 12'] },
  { email: ['MARTA.OBERG@mail.example'] },
  { pnr: ['920728-9969'] },
  { customerNo: ['1044'] },
  { gaClientId: ['1234567890.1747037650'] },
  { name: ['Märta Öberg'] },
  { name: ['Marta Oberg'], address: ['Södra Storgatan 7, 252 23 Helsingborg'] },
  // Her name with a second surname: her records by a part of it (Facts.innerPairs), which the prefilter must let through.
  { name: ['Märta Öberg Svensson'] },
  { email: ['jorgen.akesson@mail.example'] },
  { pnr: ['19900574-9974'] },
  { gaClientId: ['987654321.1746900000'] },
  { email: ['per.lindqvist@lindqvistbygg.example'] },
  { phone: ['040-628 04 10'] },
  { email: ['anna.berg@mail.example'], phone: ['08-465 004 12'] },
  { email: ['marta.o@example.net'], pnr: ['19650405-9988'] },
  { ip: ['192.0.2.44'] },
  { userId: ['1044'] },
  // A customer in Germany whose number the exports write nationally, read in her country (RawIdentifier.region):
  // by that number, by the same digits as a Swedish number (nobody), and by her e-mail (the number learned).
  { phone: ['+49 69 90009311'] },
  { phone: ['069-900 093 11'] },
  { email: ['heike.brandt@mail.example'] },
  { email: ['nobody@nowhere.example'] },
];

async function run(flags: Flags, opts: { cacheBytes: number; prefilter: boolean }): Promise<{ doc: unknown; result: SearchResult }> {
  const config = await loadConfig(CONFIG, ROOT);
  const { query, given } = subjectFromFlags(flags as Record<string, unknown>);
  const result = await search({ sources: config.sources, baseDir: config.baseDir, subjects: [query], ...opts });
  const doc = findJson(result, result.subjects[0]!, given, config.sources) as unknown as Record<string, unknown>;
  // Per-source counters say how much was read, which is exactly what the prefilter changes.
  const { summary, ...rest } = doc;
  const s = summary as Record<string, unknown>;
  return { doc: { ...rest, summary: { ...s, sources: undefined, rounds: undefined } }, result };
}

describe('the prefiltered search finds exactly what the reference search finds', () => {
  for (const flags of QUERIES) {
    it(JSON.stringify(flags), async () => {
      const reference = await run(flags, { cacheBytes: 0, prefilter: false });
      const fast = await run(flags, { cacheBytes: 0, prefilter: true });
      const cached = await run(flags, { cacheBytes: 64 * 1024 * 1024, prefilter: true });
      expect(fast.doc).toEqual(reference.doc);
      expect(cached.doc).toEqual(reference.doc);
    });
  }

  it('a batch of every query at once: each subject gets the reference result', async () => {
    const config = await loadConfig(CONFIG, ROOT);
    const subjects = QUERIES.map((flags, i) => ({ ...subjectFromFlags(flags as Record<string, unknown>).query, id: `q${i}` }));
    const once = async (prefilter: boolean): Promise<unknown[]> => {
      const result = await search({ sources: config.sources, baseDir: config.baseDir, subjects, cacheBytes: 0, prefilter });
      return result.subjects.map((s) => s.records.map((r) => ({ source: r.source, locator: r.record.locator, confidence: r.confidence, evidence: r.evidence, path: r.path })));
    };
    const [reference, fast] = [await once(false), await once(true)];
    expect(fast).toEqual(reference);
    expect(reference.flat().length).toBeGreaterThan(50);
  });

  it('the prefilter is really in use on these runs: fewer records are parsed than on the reference path', async () => {
    const reference = await run({ email: ['marta.oberg@mail.example'] }, { cacheBytes: 0, prefilter: false });
    const fast = await run({ email: ['marta.oberg@mail.example'] }, { cacheBytes: 0, prefilter: true });
    const parsed = (r: SearchResult): number => r.sources.reduce((n, s) => n + s.records, 0);
    expect(parsed(fast.result)).toBeLessThan(parsed(reference.result));
    expect(parsed(fast.result)).toBeGreaterThan(0);
  });
});
