/**
 * A later round of a source whose candidates did not fit in the cache (a
 * batch's never do): the file is read again only for the keys learned since
 * its last read, and the records the matcher retained from it are offered
 * again at their places (src/pipeline/search.ts). These sources are made so
 * that each kind of learned key is the only way to a record of the source
 * read first, and the run is compared with the reference path.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { search } from '../../src/pipeline/search.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-retained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAILCHIMP_HEADER = 'Email Address,First Name,Last Name,Phone Number,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS';
const member = (email: string, first: string, last: string, phone: string, n: number): string =>
  `${email},${first},${last},${phone},2,2023-05-01 16:43:34,,2023-05-01 16:43:34,,,,,,,SE,,2024-01-01 10:00:00,${400000000 + n},e${n},,`;
const LIME_HEADER = 'Id;Förnamn;Efternamn;E-post;Telefon;Mobiltelefon;Personnummer;Befattning;Företag;Kundnummer;Skapad;Ändrad';
const person = (id: number, first: string, last: string, email: string, mobile: string, pnr: string, customerNo: string): string =>
  `${id};${first};${last};${email};;${mobile};${pnr};;;${customerNo};2021-05-11;2024-12-13`;

function corpus(): string {
  mkdirSync(path.join(dir, 'newsletter'), { recursive: true });
  mkdirSync(path.join(dir, 'lime'), { recursive: true });
  const noise = (n: number): string => member(`noise${n}@post.example`, 'Erik', `Nilsson${n}`, `073-${String(1000000 + n).slice(1, 4)} ${String(n % 100).padStart(2, '0')} 11`, n);
  // Read first (the smaller source): records the subject's e-mail does not reach. The phone (in
  // another notation), the personnummer in a note and the name are learned from the CRM later.
  const members = [
    MAILCHIMP_HEADER,
    ...Array.from({ length: 20 }, (_, i) => noise(i)),
    member('ab71@work.example', '', '', '+46 70 123 45 67', 100),
    ...Array.from({ length: 20 }, (_, i) => noise(i + 20)),
    member('holm.anna@other.example', 'Anna', 'Bergqvist-Holm', '', 101),
    ...Array.from({ length: 20 }, (_, i) => noise(i + 40)),
  ];
  writeFileSync(path.join(dir, 'newsletter', 'subscribed_members_export_0a1b2c3d4e.csv'), members.join('\r\n') + '\r\n');
  // Read second: the subject's CRM row, which links her e-mail to her phone and name.
  const people = [
    LIME_HEADER,
    ...Array.from({ length: 200 }, (_, i) => person(100100 + i, 'Olof', `Persson${i}`, `olof${i}@mail.example`, `072-${String(100 + i)} 00 00`, '', '')),
    person(100999, 'Anna', 'Bergqvist-Holm', 'anna.bergqvist@mail.example', '0701234567', '', '40017'),
  ];
  writeFileSync(path.join(dir, 'lime', 'personer.csv'), people.join('\r\n') + '\r\n');
  const config = path.join(dir, 'ojco-dsar.config.yaml');
  writeFileSync(
    config,
    ['sources:', '  - name: nyhetsbrev', '    connector: newsletter', '    path: newsletter', '  - name: lime-personer', '    connector: lime', '    path: lime/personer.csv', ''].join('\n'),
  );
  return config;
}

describe('a later round without cached candidates', () => {
  it('finds through keys learned after a source was read what the reference path finds', async () => {
    const config = await loadConfig(corpus(), dir);
    const subject = { id: 's', identifiers: [{ kind: 'email' as const, value: 'ANNA.BERGQVIST@mail.example' }] };
    const run = (opts: { prefilter: boolean; cacheBytes: number }) => search({ sources: config.sources, baseDir: config.baseDir, subjects: [subject], ...opts });
    const found = (r: Awaited<ReturnType<typeof run>>) => r.subjects[0]!.records.map((m) => `${m.source}:${m.record.locator.line}:${m.confidence}`).sort();
    const reference = await run({ prefilter: false, cacheBytes: 0 });
    const fast = await run({ prefilter: true, cacheBytes: 0 });
    // The newsletter's member found only by the learned phone, and the namesake by the learned name.
    expect(found(reference).filter((f) => f.startsWith('0:'))).toEqual(['0:22:exact', '0:43:possible']);
    expect(found(fast)).toEqual(found(reference));
    // The newsletter was read again from the file: nothing of it was kept.
    expect(fast.sources[0]!.reads).toBeGreaterThanOrEqual(2);
    expect(fast.sources[0]!.cached).toBe(false);
  });
});
