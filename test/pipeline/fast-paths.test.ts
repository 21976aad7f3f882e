/**
 * The fast paths of issue #7 on input made to trip them: a sample of the
 * bench corpus (bench/generate.js) with damage and oddities added to every
 * file: CSV rows with too many or too few fields, NDJSON lines that are not
 * JSON, SIE vouchers that parse with warnings, XLSX rows the filter must give
 * to exceljs (styles, rich text, entities), Graph pages with HTML bodies,
 * `\u` escapes, removed items and a page that is not JSON, names written
 * with other diacritics than the subject's or in capitals without them, and
 * a personnummer written with spaces around its dash. Every query must give the
 * reference result (every record read in full, nothing kept in memory) with
 * the prefilter, with and without the candidate cache: the same records,
 * warnings and files reported.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../src/config/load.ts';
import { search } from '../../src/pipeline/search.ts';
import { subjectFromFlags } from '../../src/cli/subject.ts';
import { findJson } from '../../src/report/found.ts';
import { ROOT } from '../helpers.ts';

interface Planted {
  sid: string;
  given: { email?: string; phone?: string; pnr?: string; name?: string };
}

let dir: string;
let config: LoadedConfig;
let subjects: Planted[];

const files = (sub: string): string[] => readdirSync(path.join(dir, sub)).map((f) => path.join(dir, sub, f));

/** Adds the damage and oddities to the generated corpus. */
function spoil(): void {
  const p = subjects[0]!;
  const q = subjects[1]!;
  // Lime (Windows-1252, `;`): a row with too many fields, one with too few, and the first subject's name with other diacritics.
  const lime = path.join(dir, 'lime/personer.csv');
  appendFileSync(lime, iconv.encode('999001;Extra;Fält;x@y.example;;;;;;;;;;overflow\r\n999002;Kort;Rad\r\n', 'cp1252'));
  const [first, last] = (p.given.name ?? 'Åsa Öberg').split(' ');
  const odd = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/a/u, 'ä').replace(/o/u, 'ø');
  appendFileSync(lime, iconv.encode(`999003;${odd(first!)};${odd(last!)};;;;;;;;2021-01-01;2024-01-01\r\n`, 'cp1252'));
  // The personnummer of a subject with spaces around its dash (its date and last four apart), and its date in an id that is not it.
  const withPnr = subjects.find((s) => s.given.pnr)?.given.pnr?.replace(/\D/gu, '').slice(-10);
  if (withPnr) {
    appendFileSync(lime, iconv.encode(`999004;Test;Person;;;;${withPnr.slice(0, 6)} - ${withPnr.slice(6)};;;${withPnr.slice(0, 6)}1;2021-01-01;2024-01-01\r\n`, 'cp1252'));
  }
  // The third subject's name in capitals without its diacritics.
  const third = subjects[2]?.given.name;
  if (third) appendFileSync(lime, iconv.encode(`999005;${third.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(' ', ';')};;;;;;;;2021-01-01;2024-01-01\r\n`, 'cp1252'));
  // Mailchimp (UTF-8, `,`, quoted line breaks): a ragged row, and the second subject's e-mail in a NOTES field with a line break.
  const mc = files('newsletter')[0]!;
  appendFileSync(mc, `odd@mail.example,Odd,Row,,1\r\nnote@mail.example,Note,Person,,2,,,,,,,,,,,,,400999999,abcdef0999,"Skriv till\r\n${q.given.email ?? 'x@y.example'} snarast",\r\n`);
  // GA (NDJSON): lines that are not JSON objects, one nested deep, one that leaks the first subject's e-mail URL-encoded.
  const ga = files('google-analytics/bigquery')[0]!;
  const email = p.given.email ?? 'a@b.example';
  appendFileSync(
    ga,
    [
      '{"event_name": "page_view", "broken": ',
      '[1, 2, 3]',
      `${'['.repeat(300)}${']'.repeat(300)}`,
      `{"event_date":"20250501","event_timestamp":"1746057602999999","event_name":"page_view","event_params":[{"key":"page_location","value":{"string_value":"https://www.ojco.example/?e=${encodeURIComponent(email.toLowerCase())}"}}],"user_pseudo_id":"1.2","items":[]}`,
      '',
    ].join('\n'),
  );
  // SIE (CP437): vouchers that are parsed with warnings (an unclosed quote, a row without an object list, #RTRANS) and one naming the first subject.
  const sie = files('visma/sie')[0]!;
  const name = p.given.name ?? 'Åsa Öberg';
  appendFileSync(
    sie,
    iconv.encode(
      [
        '#VER "F" 900001 20241201 "Faktura med udda rad" 20241201',
        '{',
        '#TRANS 1510 {} 100.00 20241201 "oavslutad text',
        '#TRANS 3041 -100.00',
        '}',
        '#VER "F" 900002 20241202 "Rättelse" 20241202',
        '{',
        '#RTRANS 1510 {8 "100001"} 50.00 20241202',
        '#TRANS 1510 {8 "100001"} 50.00 20241202',
        '#TRANS 3041 {} -50.00 20241202',
        '}',
        `#VER "F" 900003 20241203 "Faktura ${name}" 20241203`,
        '{',
        `#TRANS 1510 {} 10.00 20241203 "${name.normalize('NFD').replace(/\p{M}/gu, '')}"`,
        '#TRANS 3041 {} -10.00 20241203',
        '}',
        '',
      ].join('\r\n'),
      'cp437',
    ),
  );
  // Graph: a page with an HTML body naming the first subject's e-mail through an entity, a `\u` escape, removed items; and a page that is not JSON.
  const pages = files('office365/graph/messages');
  const page = JSON.parse(readFileSync(pages[0]!, 'utf8')) as { value: Record<string, unknown>[] };
  const [local, domain] = email.split('@');
  page.value.push(
    { id: 'html-1', subject: 'Hej', body: { contentType: 'html', content: `<p>Kontakt: <b>${local}</b>&#64;${domain}</p>` }, from: { emailAddress: { address: 'someone@mail.example', name: 'Some One' } } },
    { id: 'removed-1', '@removed': { reason: 'deleted' } },
    { '@odata.type': '#microsoft.graph.somethingElse', id: 'other-1' },
  );
  let text = JSON.stringify(page);
  // The first subject's e-mail with its `@` written as an escape, in the page's raw bytes.
  text = text.replace('"value":[', `"value":[{"id":"esc-1","subject":"Esc","bodyPreview":"${local}\\u0040${domain}","from":{"emailAddress":{"address":"x@mail.example"}}},`);
  writeFileSync(pages[0]!, text);
  writeFileSync(path.join(dir, 'office365/graph/messages/messages-page-9999.json'), '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(\'a\')/messages","value":[{"id":"x",');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-fast-paths-'));
  const { generate } = (await import(path.join(ROOT, 'bench/generate.js'))) as { generate: (o: Record<string, unknown>) => Promise<void> };
  await generate({ size: '2MB', seed: 7, subjects: 6, out: dir, log: () => undefined });
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { config: string; subjects: Planted[] };
  subjects = manifest.subjects;
  spoil();
  config = await loadConfig(path.join(dir, manifest.config), dir);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function doc(flags: Record<string, string[]>, opts: { cacheBytes: number; prefilter: boolean }): Promise<unknown> {
  const { query, given } = subjectFromFlags(flags);
  const result = await search({ sources: config.sources, baseDir: config.baseDir, subjects: [query], ...opts });
  const d = findJson(result, result.subjects[0]!, given, config.sources) as unknown as Record<string, unknown>;
  const { summary, ...rest } = d;
  return { ...rest, summary: { ...(summary as Record<string, unknown>), sources: undefined, rounds: undefined } };
}

describe('the fast paths on damaged and odd input find exactly what the reference path finds', () => {
  it('reports the damage of every file as the reference path does', async () => {
    const d = (await doc({ email: [subjects[0]!.given.email!] }, { cacheBytes: 0, prefilter: true })) as { skipped: { code: string }[]; warnings: { code: string }[] };
    // The damage is really there: the reference path reports it, and so must the fast one.
    expect(d.skipped.map((s) => s.code).sort()).toEqual(expect.arrayContaining(['json.malformed', 'ndjson.bad-line']));
    expect(d.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['csv.ragged', 'sie.quote-unclosed', 'sie.objects-missing', 'office365.delta-removed']));
  }, 120_000);

  const queries = (): Record<string, string[]>[] => {
    const out: Record<string, string[]>[] = [];
    for (const s of subjects.slice(0, 3)) {
      if (s.given.email) out.push({ email: [s.given.email] });
      if (s.given.phone) out.push({ phone: [s.given.phone] });
      if (s.given.pnr) out.push({ pnr: [s.given.pnr] });
      if (s.given.name) {
        out.push({ name: [s.given.name] });
        // The name typed without its diacritics: the records that have them are found through the base name.
        out.push({ name: [s.given.name.normalize('NFD').replace(/\p{M}/gu, '')] });
      }
    }
    return out;
  };

  it('each identifier of the first subjects, alone', async () => {
    for (const q of queries()) {
      const reference = await doc(q, { cacheBytes: 0, prefilter: false });
      const fast = await doc(q, { cacheBytes: 0, prefilter: true });
      const cached = await doc(q, { cacheBytes: 64 * 1024 * 1024, prefilter: true });
      expect(fast, JSON.stringify(q)).toEqual(reference);
      expect(cached, JSON.stringify(q)).toEqual(reference);
    }
  }, 240_000);

  it('every query as one batch', async () => {
    const all = queries().map((q, i) => ({ ...subjectFromFlags(q).query, id: `q${i}` }));
    const once = async (opts: { cacheBytes: number; prefilter: boolean }): Promise<unknown> => {
      const r = await search({ sources: config.sources, baseDir: config.baseDir, subjects: all, ...opts });
      return { skipped: r.skipped, warnings: r.warnings, records: r.subjects.map((s) => s.records.map((m) => ({ source: m.source, locator: m.record.locator, confidence: m.confidence, evidence: m.evidence, path: m.path }))) };
    };
    const reference = await once({ cacheBytes: 0, prefilter: false });
    expect(await once({ cacheBytes: 0, prefilter: true })).toEqual(reference);
    expect(await once({ cacheBytes: 64 * 1024 * 1024, prefilter: true })).toEqual(reference);
  }, 240_000);
});
