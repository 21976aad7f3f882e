/**
 * Links that lead from record to record within one source (src/pipeline/search.ts):
 * a batch's read does not learn as it goes (its prefilter is an automaton, and a
 * second one would scan every byte again), so a record reached only through a key
 * learned earlier in the same read is found by the next round, and a chain takes
 * a round per link until the matcher stops following it.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { MAX_ROUNDS, search } from '../../src/pipeline/search.ts';
import { MAX_LINK_DEPTH } from '../../src/core/match/matcher.ts';
import { REGEX_LIMIT } from '../../src/io/anchors.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-rounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LIME_HEADER = 'Id;Förnamn;Efternamn;E-post;Telefon;Mobiltelefon;Personnummer;Befattning;Företag;Kundnummer;Skapad;Ändrad';
const person = (id: number, first: string, last: string, email: string, mobile: string, customerNo: string): string =>
  `${id};${first};${last};${email};;${mobile};;;;${customerNo};2021-05-11;2024-12-13`;
const noise = (i: number): string => person(100100 + i, 'Olof', `Persson${i}`, `olof${i}@mail.example`, `072-${String(100 + i)} 00 00`, '');

function corpus(name: string, rows: string[]): string {
  const at = path.join(dir, name);
  mkdirSync(path.join(at, 'lime'), { recursive: true });
  writeFileSync(path.join(at, 'lime', 'personer.csv'), [LIME_HEADER, ...rows].join('\r\n') + '\r\n');
  const config = path.join(at, 'ojco-dsar.config.yaml');
  writeFileSync(config, ['sources:', '  - name: lime-personer', '    connector: lime', '    path: lime/personer.csv', ''].join('\n'));
  return config;
}

type Run = Awaited<ReturnType<typeof search>>;
const found = (r: Run, s = 0): string[] => r.subjects[s]!.records.map((m) => `${m.record.locator.line}:${m.confidence}`).sort();

describe('links within one source', () => {
  it("a batch finds a record reached through a key learned earlier in the same file, as the reference path does", async () => {
    // Anna's row gives her customer number; a later row of the same file holds only that number.
    const config = await loadConfig(
      corpus('batch', [
        ...Array.from({ length: 40 }, (_, i) => noise(i)),
        person(100900, 'Anna', 'Berg', 'anna.berg@mail.example', '', '40017'),
        ...Array.from({ length: 40 }, (_, i) => noise(i + 40)),
        person(100901, 'Anna', 'Berg', '', '', '40017'),
        ...Array.from({ length: 40 }, (_, i) => noise(i + 80)),
      ]),
      dir,
    );
    // Enough people that the prefilter is an automaton, as a batch's is.
    const subjects = [
      { id: 'anna', identifiers: [{ kind: 'email' as const, value: 'ANNA.BERG@mail.example' }] },
      ...Array.from({ length: REGEX_LIMIT + 6 }, (_, i) => ({ id: `x${i}`, identifiers: [{ kind: 'email' as const, value: `nobody${i}.here@else.example` }] })),
    ];
    const run = (prefilter: boolean): Promise<Run> => search({ sources: config.sources, baseDir: config.baseDir, subjects, prefilter, cacheBytes: 0 });
    const reference = await run(false);
    const fast = await run(true);
    expect(found(reference)).toEqual(['42:exact', '83:exact']);
    expect(found(fast)).toEqual(found(reference));
    expect(fast.warnings.filter((w) => w.code === 'search.rounds')).toEqual([]);
  });

  // Each row links to the next by a phone or an e-mail, and the file holds them last first: every
  // read, the reference path's too, gets one link further, so the chain takes a round per link.
  const chain = (links: number): string[] => {
    const rows: string[] = [];
    for (let k = links; k >= 1; k--) {
      // Row k: the e-mail that the row after it gave, and the phone that leads to the row before it.
      const email = k === 1 ? 'start.chain@mail.example' : `link${k}.chain@mail.example`;
      rows.push(person(100500 + k, '', '', email, `070-${1234500 + k}`, ''));
      rows.push(person(100600 + k, '', '', `link${k + 1}.chain@mail.example`, `070-${1234500 + k}`, ''));
    }
    return [...Array.from({ length: 10 }, (_, i) => noise(i)), ...rows];
  };

  it('follows a chain a round per link as far as links are followed, in a batch as the reference path does', async () => {
    const config = await loadConfig(corpus('chain', chain(MAX_LINK_DEPTH + 2)), dir);
    const subjects = [
      { id: 's', identifiers: [{ kind: 'email' as const, value: 'start.chain@mail.example' }] },
      ...Array.from({ length: REGEX_LIMIT + 6 }, (_, i) => ({ id: `x${i}`, identifiers: [{ kind: 'email' as const, value: `nobody${i}.here@else.example` }] })),
    ];
    const run = (prefilter: boolean): Promise<Run> => search({ sources: config.sources, baseDir: config.baseDir, subjects, prefilter, cacheBytes: 0 });
    const reference = await run(false);
    const fast = await run(true);
    // The row with the given e-mail and the rows at up to MAX_LINK_DEPTH links from it, each
    // found by the key the one before taught, the first found last in the file.
    expect(found(reference)).toHaveLength(MAX_LINK_DEPTH + 1);
    expect(found(reference).every((f) => f.endsWith(':exact'))).toBe(true);
    expect(reference.rounds).toBeGreaterThanOrEqual(3);
    expect(found(fast)).toEqual(found(reference));
    // The rounds ended because nothing was left to look for, not at the most a search makes.
    expect(fast.rounds).toBeLessThan(MAX_ROUNDS);
    expect(reference.rounds).toBeLessThan(MAX_ROUNDS);
  });
});
