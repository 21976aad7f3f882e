import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import connector, { planOf } from '../../connectors/google-analytics/index.ts';
import { bigQueryEvent, percentDecoded, scannable } from '../../connectors/google-analytics/event.ts';
import { run } from '../../src/cli/commands/find.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import { readHead } from '../../src/io/files.ts';
import type { Prefilter } from '../../src/io/prefilter.ts';
import { describedField } from '../../src/sources/contract.ts';
import { FIXTURES, ROOT, find, where } from '../helpers.ts';

const CONFIG = path.join(FIXTURES, 'google-analytics/ojco-dsar.config.yaml');
const BROKEN = path.join(FIXTURES, 'google-analytics/broken/ojco-dsar.config.yaml');

const MARTA_COOKIE = 'GA1.1.1234567890.1747037650';
const JORGEN = '987654321.1746900000';

// Every event of P3 Märta Öberg in the fixtures: before and after she logged into the portal, on both days, in both exports that have her.
const MARTA_EVENTS = [
  'ga4-bigquery bigquery/events_20250512.json:1', // page_view /kontakt?utm_source=nyhetsbrev
  'ga4-bigquery bigquery/events_20250512.json:11', // purchase, user_id 1044
  'ga4-bigquery bigquery/events_20250512.json:3', // click mailto:info@ojco.example
  'ga4-bigquery bigquery/events_20250512.json:5', // login, user_id 1044
  'ga4-bigquery bigquery/events_20250512.json:7', // page_view /mina-sidor, user_id 1044
  'ga4-bigquery bigquery/events_20250513.json.gz:2', // page_view / (anonymous, next day)
  'ga4-bigquery bigquery/events_20250513.json.gz:4', // page_view /mina-sidor/bokningar, user_id 1044
  'ga4-fivetran fivetran/event_data.csv:2', // page_view /kontakt
  'ga4-fivetran fivetran/event_data.csv:3', // page_view /mina-sidor, user_id 1044
];

function recordAt(d: Awaited<ReturnType<typeof find>>, source: string, file: string, at: number | string) {
  const r = d.records.find((x) => x.source === source && x.locator.file === file && (x.locator.line === at || x.locator.pointer === at));
  if (!r) throw new Error(`no record ${source} ${file} ${at}`);
  return r;
}

describe('google-analytics connector: real pipeline on its fixtures', () => {
  it('finds all of P3 Märta\'s events by the _ga cookie value, before and after login, and nothing else', async () => {
    const d = await find(CONFIG, { gaClientId: [MARTA_COOKIE] });
    expect(d.skipped).toEqual([]);
    expect(d.warnings).toEqual([]);
    expect(where(d)).toEqual(MARTA_EVENTS);
    expect(where(d, 'exact')).toEqual(MARTA_EVENTS);
    // The logged-in events taught her customer number; it led to no one else's events.
    expect(d.subject.knownBy).toContainEqual({ kind: 'customerNo', value: '1044', origin: 'link' });
    expect(d.subject.knownBy.filter((k) => k.kind === 'gaClientId').map((k) => k.value)).toEqual(['1234567890.1747037650']);

    const first = recordAt(d, 'ga4-bigquery', 'bigquery/events_20250512.json', 1);
    expect(first.entity).toBe('event');
    expect(first.category).toBe('web-analytics');
    expect(first.label).toBe('page_view /kontakt');
    expect(first.date).toBe('2025-05-12');
    expect(first.matchedOn).toEqual([{ kind: 'gaClientId', field: 'user_pseudo_id', via: 'given' }]);
    // The event as exported: INT64 as JSON strings, the REPEATED key/value parameters, no user_id column (NULL is left out).
    expect(first.fields.event_timestamp).toBe('1747037652123456');
    expect(first.fields).not.toHaveProperty('user_id');
    expect(first.fields.event_params).toContainEqual({ key: 'page_location', value: { string_value: 'https://www.ojco.example/kontakt?utm_source=nyhetsbrev' } });
    expect(first.fields.geo).toMatchObject({ city: 'Helsingborg' });

    const purchase = recordAt(d, 'ga4-bigquery', 'bigquery/events_20250512.json', 11);
    expect(purchase.label).toBe('purchase /kurser/hallbar-logistik/boka');
    expect(purchase.fields.user_id).toBe('1044');
    expect(purchase.fields.items).toEqual([expect.objectContaining({ item_name: 'Kurs: Hållbar logistik' })]);

    const gz = recordAt(d, 'ga4-bigquery', 'bigquery/events_20250513.json.gz', 4);
    expect(gz.date).toBe('2025-05-13');
    expect(gz.label).toBe('page_view /mina-sidor/bokningar');

    const flat = recordAt(d, 'ga4-fivetran', 'fivetran/event_data.csv', 3);
    expect(flat.locator).toEqual({ file: 'fivetran/event_data.csv', line: 3, row: 2 });
    expect(flat.date).toBe('2025-05-12');
    expect(flat.label).toBe('page_view /mina-sidor');
    expect(flat.fields).toMatchObject({ user_id: '1044', geo_city: 'Helsingborg', param_page_title: 'Mina sidor – OJCO' });
  });

  it('finds her logged-in events by customer number, and through the client id learned there her anonymous ones', async () => {
    const d = await find(CONFIG, { customerNo: ['1044'] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual(MARTA_EVENTS);
    expect(d.records).toHaveLength(MARTA_EVENTS.length);
    expect(d.subject.knownBy).toContainEqual({ kind: 'gaClientId', value: '1234567890.1747037650', origin: 'link' });

    const login = recordAt(d, 'ga4-bigquery', 'bigquery/events_20250512.json', 5);
    expect(login.matchedOn).toContainEqual({ kind: 'customerNo', field: 'user_id', via: 'given' });
    expect(login.path).toEqual([]);

    // Before login there is no user_id: the client id of her logged-in events leads there.
    for (const [file, line] of [
      ['bigquery/events_20250512.json', 1],
      ['bigquery/events_20250512.json', 3],
      ['bigquery/events_20250513.json.gz', 2],
    ] as const) {
      const anon = recordAt(d, 'ga4-bigquery', file, line);
      expect(anon.fields).not.toHaveProperty('user_id');
      expect(anon.confidence).toBe('exact');
      expect(anon.matchedOn).toEqual([{ kind: 'gaClientId', field: 'user_pseudo_id', via: 'link' }]);
      expect(anon.path.length).toBeGreaterThan(0);
      const step = anon.path[anon.path.length - 1]!;
      expect(step).toMatchObject({ kind: 'gaClientId', field: 'user_pseudo_id' });
      // The step is a record that carries her customer number.
      const via = d.records.find((r) => r.source === step.source && r.locator.file === step.locator.file && r.locator.line === step.locator.line)!;
      expect(via.fields.user_id).toBe('1044');
    }
  });

  it('finds P4 Jörgen by his client id in every format, INT64 as numbers or strings', async () => {
    const d = await find(CONFIG, { gaClientId: [JORGEN] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual([
      'ga4-bigquery bigquery/events_20250512.json:4',
      'ga4-bigquery bigquery/events_20250512.json:6',
      'ga4-bigquery bigquery/events_20250513.json.gz:3',
      'ga4-console console-export/results.json/0',
      'ga4-fivetran fivetran/event_data.csv:4',
    ]);
    expect(d.records).toHaveLength(5);
    // This line holds INT64 as numbers.
    const form = recordAt(d, 'ga4-bigquery', 'bigquery/events_20250512.json', 6);
    expect(form.fields.event_timestamp).toBe(1747041000000001);
    expect(form.label).toBe('form_submit /intresseanmalan');
    expect(form.fields.event_params).toContainEqual({ key: 'form_id', value: { string_value: 'intresse' } });
    // The console's JSON writes NULLs out and INT64 as strings.
    const saved = recordAt(d, 'ga4-console', 'console-export/results.json', '/0');
    expect(saved.locator).toEqual({ file: 'console-export/results.json', pointer: '/0' });
    expect(saved.fields.user_id).toBeNull();
    expect(saved.fields.event_timestamp).toBe('1747041000000001');
    expect(saved.date).toBe('2025-05-12');
    expect(saved.label).toBe('form_submit /intresseanmalan');
  });

  it('finds an e-mail address that leaked URL-encoded into a page address, as a mention that teaches nothing', async () => {
    const d = await find(CONFIG, { email: ['sven.svensson@mail.example'] });
    expect(d.skipped).toEqual([]);
    expect(where(d)).toEqual(['ga4-bigquery bigquery/events_20250512.json:10']);
    const r = d.records[0]!;
    expect(r.confidence).toBe('exact');
    expect(r.matchedOn).toEqual([{ kind: 'email', field: 'event_params/0/value/string_value', via: 'given' }]);
    // As exported: still encoded.
    expect(r.fields.event_params).toContainEqual({
      key: 'page_location',
      value: { string_value: 'https://www.ojco.example/nyhetsbrev/tack?email=sven.svensson%40mail.example&lista=nyhetsbrev' },
    });
    expect(r.label).toBe('page_view /nyhetsbrev/tack');
    // A mention is not the visitor: his client id is not followed to the visitor's other events (line 9, the console export).
    expect(d.subject.knownBy.map((k) => k.kind)).toEqual(['email']);
  });

  it('scans mailto: links in link_url; a role address found there is not followed to the visitor', async () => {
    const d = await find(CONFIG, { email: ['info@ojco.example'] });
    expect(where(d)).toEqual(['ga4-bigquery bigquery/events_20250512.json:3']);
    expect(d.subject.knownBy.map((k) => k.kind)).toEqual(['email']);
    expect(d.records[0]!.matchedOn).toEqual([{ kind: 'email', field: 'event_params/1/value/string_value', via: 'given' }]);
  });

  it('another customer\'s user_id is someone else', async () => {
    const d = await find(CONFIG, { customerNo: ['1057'] });
    expect(where(d)).toEqual(['ga4-bigquery bigquery/events_20250512.json:8', 'ga4-fivetran fivetran/event_data.csv:5']);
  });
});

describe('google-analytics connector: damaged exports', () => {
  it('reports each damaged file with its line, and still searches what can be read of it', async () => {
    const d = await find(BROKEN, { gaClientId: [MARTA_COOKIE] });
    const skipped = d.skipped.map((s) => ({ source: s.source, file: s.file, line: s.line, code: s.code }));
    expect(skipped).toEqual(
      expect.arrayContaining([
        { source: 'bad-line', file: 'bad-line/events_20250512.json', line: 3, code: 'ndjson.bad-line' },
        { source: 'truncated-gz', file: 'truncated/events_20250513.json.gz', line: 4, code: 'gzip.truncated' },
        { source: 'cut-array', file: 'cut/results.json', line: expect.any(Number), code: 'json.malformed' },
      ]),
    );
    expect(skipped).toHaveLength(3);
    expect(d.skipped.find((s) => s.source === 'bad-line')!.message).toBe('line 3 is not a JSON object; the other lines were read');
    expect(d.skipped.find((s) => s.source === 'truncated-gz')!.message).toMatch(/cut off/u);
    expect(d.skipped.find((s) => s.source === 'cut-array')!.message).toMatch(/cut off/u);
    // The lines after the bad one, and the lines before the cut, are read.
    expect(where(d)).toEqual([
      'bad-line bad-line/events_20250512.json:1',
      'bad-line bad-line/events_20250512.json:2',
      'bad-line bad-line/events_20250512.json:4',
      'truncated-gz truncated/events_20250513.json.gz:1',
      'truncated-gz truncated/events_20250513.json.gz:3',
    ]);
    // A CSV with a column twice is read, with a warning that names the column and no value.
    expect(d.warnings).toEqual([
      {
        source: 'fivetran-duplicate-column',
        code: 'csv.duplicate-column',
        message: 'column param_session_engaged appears twice in the header; the later one is shown as "param_session_engaged (42)"',
        file: 'fivetran/event_data.csv',
        line: 1,
      },
    ]);
  });

  it('keeps the complete rows of a JSON array cut off mid-way, and of a CSV with a duplicate column', async () => {
    const d = await find(BROKEN, { gaClientId: [JORGEN] });
    expect(where(d)).toEqual([
      'cut-array cut/results.json/0',
      'fivetran-duplicate-column fivetran/event_data.csv:2',
      'truncated-gz truncated/events_20250513.json.gz:2',
    ]);
    const dup = d.records.find((r) => r.source === 'fivetran-duplicate-column')!;
    expect(dup.fields).toMatchObject({ param_session_engaged: 'True', 'param_session_engaged (42)': '1' });
    // The repeated column is described as the column: the letter labels it, check classifies it.
    const description = connector.describe({});
    const entity = dup.entity;
    expect(describedField(description, entity, 'param_session_engaged (42)')).toBe(describedField(description, entity, 'param_session_engaged'));
    expect(describedField(description, entity, 'param_session_engaged')).toBeDefined();
    expect(describedField(description, entity, 'param_no_such (42)')).toBeUndefined();
  });

  it('ends `find` with exit code 3 and names no personal data', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    let out = '';
    try {
      code = await run({ config: BROKEN, gaClientId: [MARTA_COOKIE], json: true });
      out = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
    }
    expect(code).toBe(3);
    const doc = JSON.parse(out) as { skipped: { message: string }[] };
    for (const s of doc.skipped) expect(s.message).not.toMatch(/1234567890|1044|@|ojco/u);
  });
});

describe('google-analytics connector: reading', () => {
  async function readAll(prefilter?: Prefilter): Promise<SourceRecord[]> {
    const config = await loadConfig(CONFIG, ROOT);
    const src = config.sources.find((s) => s.name === 'ga4-bigquery')!;
    const out: SourceRecord[] = [];
    const ctx = { warn: () => {}, fileFailed: (e: Error) => { throw e; }, prefilter };
    for await (const r of connector.read({ name: src.name, path: path.join(FIXTURES, 'google-analytics/bigquery/events_20250512.json'), baseDir: config.baseDir, options: connector.optionsSchema.parse(src.options) }, ctx)) {
      out.push(r);
    }
    return out;
  }

  it('lets a byte prefilter skip lines, but never one whose match only shows once decoded', async () => {
    expect((await readAll()).map((r) => r.locator.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const calls: number[] = [];
    const none: Prefilter = {
      mayMatch: (buf, start, end) => {
        calls.push(end - start);
        return false;
      },
    };
    // Line 10 holds sven.svensson%40mail.example: no raw `@`, so a byte prefilter cannot see it.
    expect((await readAll(none)).map((r) => r.locator.line)).toEqual([10]);
    expect(calls).toHaveLength(11);
  });

  it('reports progress in bytes over the whole source, compressed bytes for a .gz', async () => {
    const dir = path.join(FIXTURES, 'google-analytics/bigquery');
    const sizes = [statSync(path.join(dir, 'events_20250512.json')).size, statSync(path.join(dir, 'events_20250513.json.gz')).size];
    const seen: number[] = [];
    const ctx = { warn: () => {}, fileFailed: (e: Error) => { throw e; }, progress: (n: number) => seen.push(n) };
    let n = 0;
    for await (const _ of connector.read({ name: 'ga4-bigquery', path: dir, baseDir: path.dirname(CONFIG), options: {} }, ctx)) n++;
    expect(n).toBe(15);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toContain(sizes[0]);
    expect(seen[seen.length - 1]).toBe(sizes[0]! + sizes[1]!);
  });

  it('reads user_id as the configured kind, app instance ids as GA4 system ids, and the site\'s own parameters', () => {
    const options = connector.optionsSchema.parse({ userIdKind: 'systemId', userIdNamespace: 'lime:person', params: { crm_email: 'email', search_term: 'text' } });
    const plan = planOf(options);
    const r = bigQueryEvent(
      {
        event_timestamp: '1747037652123456',
        event_name: 'screen_view',
        user_pseudo_id: '3f2a9c81d04b4e5f8a7b6c5d4e3f2a1b',
        user_id: '1003',
        event_params: [{ key: 'firebase_screen', value: { string_value: 'Start' } }],
        user_properties: [{ key: 'crm_email', value: { string_value: 'Marta.Oberg@Mail.Example', set_timestamp_micros: '1747037652000000' } }],
      },
      { file: 'x.json', line: 1 },
      plan,
    );
    expect(r.identifiers).toEqual([
      { kind: 'systemId', field: 'user_pseudo_id', value: 'ga4:user_pseudo_id:3f2a9c81d04b4e5f8a7b6c5d4e3f2a1b' },
      { kind: 'systemId', field: 'user_id', value: 'lime:person:1003' },
      { kind: 'email', field: 'user_properties/0/value/string_value', value: 'Marta.Oberg@Mail.Example' },
    ]);
    // No event_date: the date comes from event_timestamp (UTC).
    expect(r.date).toBe('2025-05-12');
    expect(r.label).toBe('screen_view');
    expect(r.text).toBeUndefined();
  });

  it('decodes percent-encoding, twice-encoded and Latin-1 escapes included, keeping the raw text beside it', () => {
    expect(percentDecoded('sven.svensson%40mail.example')).toBe('sven.svensson@mail.example');
    expect(percentDecoded('r=https%3A%2F%2Fx%3Fe%3Dsven%2540mail.example')).toBe('r=https://x?e=sven@mail.example');
    expect(percentDecoded('namn=J%F6rgen%20%C3%85kesson%40')).toBe('namn=J%F6rgen Åkesson@');
    expect(percentDecoded('100%')).toBe('100%');
    expect(scannable('https://x.example/?q=070-174+06+33')).toBe('https://x.example/?q=070-174 06 33 https://x.example/?q=070-174+06+33');
    expect(scannable('Kontakta oss – OJCO')).toBe('Kontakta oss – OJCO');
  });

  it('validates its options', () => {
    const s = connector.optionsSchema;
    expect(s.safeParse({}).success).toBe(true);
    expect(s.safeParse({ userIdKind: 'customerNo' }).success).toBe(true);
    expect(s.safeParse({ userIdKind: 'systemId' }).success).toBe(false);
    expect(s.safeParse({ userIdKind: 'systemId', userIdNamespace: 'lime:person' }).success).toBe(true);
    expect(s.safeParse({ userIdNamespace: 'lime:person' }).success).toBe(false);
    expect(s.safeParse({ userIdKind: 'pnr' }).success).toBe(false);
    expect(s.safeParse({ params: { crm_id: 'customerNo', note: 'text' } }).success).toBe(true);
    expect(s.safeParse({ params: { crm_id: 'systemId' } }).success).toBe(false);
  });

  it('describes user_id with the configured kind and category', () => {
    const field = (o: object) => connector.describe(connector.optionsSchema.parse(o)).entities[0]!.fields.find((f) => f.name === 'user_id');
    expect(field({})).toMatchObject({ identifier: 'userId', category: 'system-id' });
    expect(field({ userIdKind: 'customerNo' })).toMatchObject({ identifier: 'customerNo', category: 'customer-account' });
    expect(field({ userIdKind: 'email' })).toMatchObject({ identifier: 'email', category: 'contact' });
  });

  it('detects each format from the content, a gzip file from its inflated head', async () => {
    const detect = async (rel: string): Promise<string | undefined> => {
      const abs = path.join(FIXTURES, rel);
      const head = await readHead(abs);
      return connector.detect({ name: rel, head, size: head.length })?.format;
    };
    expect(await detect('google-analytics/bigquery/events_20250512.json')).toBe('bigquery-ndjson');
    expect(await detect('google-analytics/bigquery/events_20250513.json.gz')).toBe('bigquery-ndjson');
    expect(await detect('google-analytics/broken/truncated/events_20250513.json.gz')).toBe('bigquery-ndjson');
    expect(await detect('google-analytics/console-export/results.json')).toBe('bigquery-json');
    expect(await detect('google-analytics/fivetran/event_data.csv')).toBe('fivetran-csv');
    // Other systems' files are not GA4 exports.
    expect(await detect('newsletter/campaign-activity/email-activity-42694e9e57.json')).toBeUndefined();
    expect(await detect('newsletter/nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv')).toBeUndefined();
    expect(await detect('newsletter/kurser-audience-export.zip')).toBeUndefined();
  });
});
