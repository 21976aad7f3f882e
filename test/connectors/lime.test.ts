import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import connector from '../../connectors/lime/index.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import type { Problem, SourceReadError } from '../../src/errors.ts';
import { readHead } from '../../src/io/files.ts';
import { FIXTURES, find, where } from '../helpers.ts';

const DIR = path.join(FIXTURES, 'lime');
const CONFIG = path.join(DIR, 'ojco-dsar.config.yaml');
const BROKEN = path.join(DIR, 'broken/ojco-dsar.config.yaml');

/** The connector on its own, as the pipeline calls it. */
async function readAll(p: string, options: Record<string, unknown> = {}, baseDir = DIR, format?: string) {
  const records: SourceRecord[] = [];
  const warnings: Problem[] = [];
  const failed: SourceReadError[] = [];
  const input = { name: 'test', path: p, baseDir, format, options: connector.optionsSchema.parse(options) };
  for await (const r of connector.read(input, { warn: (w) => warnings.push(w), fileFailed: (e) => failed.push(e) })) records.push(r);
  return { records, warnings, failed };
}

const at = (file: string, pointer = '') => (r: { locator: { file: string; pointer?: string } }) => r.locator.file === file && (r.locator.pointer ?? '') === pointer;

describe('lime connector: real pipeline on its fixtures', () => {
  it('finds P1 Åsa by e-mail: her person, history and deal through lime:person:1001, not her colleague or her company', async () => {
    const d = await find(CONFIG, { email: ['asa.lindqvist@lindqvistbygg.example'] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual([
      'lime-api api/deal-3001-embed.json',
      'lime-api api/deal-3001-embed.json/_embedded/relation_person',
      'lime-api api/deals.json/_embedded/limeobjects/0',
      'lime-api api/participants.json/_embedded/limeobjects/1',
      'lime-api api/person-1001-history.json/_embedded/limeobjects/0',
      'lime-api api/person-1001-history.json/_embedded/limeobjects/1',
      'lime-api api/persons-page-1.json/_embedded/limeobjects/0',
      'lime-api api/query-person.json/objects/0',
      'lime-export client-export/personer.xlsx[Personer] row 2',
    ]);
    const person = d.records.find(at('api/persons-page-1.json', '/_embedded/limeobjects/0'))!;
    expect(person).toMatchObject({ entity: 'person', category: 'crm-person', date: '2024-03-14', label: 'person 1001 Åsa Lindqvist' });
    expect(person.matchedOn).toContainEqual({ kind: 'email', field: 'email', via: 'given' });
    expect(person.fields).toMatchObject({ mobilephone: '070-174 06 05', company: 2001, expireddate: null });
    expect(person.fields._embedded).toBeUndefined();

    // History and the deal are hers through the person link, with the path that led there.
    for (const pointer of ['/_embedded/limeobjects/0', '/_embedded/limeobjects/1']) {
      const h = d.records.find(at('api/person-1001-history.json', pointer))!;
      expect(h).toMatchObject({ entity: 'history', category: 'crm-history', confidence: 'exact' });
      expect(h.matchedOn).toContainEqual({ kind: 'systemId', field: 'person', via: 'link' });
      expect(h.path).toHaveLength(1);
      expect(h.path[0]).toMatchObject({ source: 'lime-api', kind: 'systemId', field: '_id' });
    }
    expect(d.records.find(at('api/person-1001-history.json', '/_embedded/limeobjects/0'))!.fields.note).toBe('Åsa ringde om offert 2024-117, återkommer v. 7');
    const deal = d.records.find(at('api/deals.json', '/_embedded/limeobjects/0'))!;
    expect(deal).toMatchObject({ entity: 'deal', category: 'crm-deal', confidence: 'exact' });
    expect(deal.path.length).toBeGreaterThan(0);

    // Another person's history that names her: found only by the free-text scan, and never exact.
    expect(where(d, 'exact').join()).not.toContain('api/history.json');
    const mention = d.records.find(at('api/history.json', '/_embedded/limeobjects/0'))!;
    expect(['possible', 'probable']).toContain(mention.confidence);
    expect(mention.matchedOn).toContainEqual({ kind: 'name', field: 'note', via: 'name' });
    expect(mention.fields.person).toBe(1002);

    // The switchboard on her `phone` is Per Lindqvist's too: reported as shared, not followed.
    expect(d.shared).toContainEqual(expect.objectContaining({ kind: 'phone', value: '+46406280410', given: false }));
    expect(d.subject.knownBy.map((k) => k.value)).not.toContain('+46406280410');
    expect(d.records.filter((r) => r.fields._id === 1005 || r.fields.firstname === 'Per' || r.fields['Förnamn'] === 'Per')).toEqual([]);
    // Her company is context, not her record.
    expect(d.records.filter((r) => r.entity === 'company')).toEqual([]);
  });

  it('finds P2 Örjan by personnummer in the sole trader company whose org.nr it is', async () => {
    const d = await find(CONFIG, { pnr: ['19761105-9978'] });
    // The company is him (a sole trader's business is the owner), so the
    // records that refer to it are his too: his person record, deal and history.
    expect(where(d, 'exact')).toEqual([
      'lime-api api/companies.json/_embedded/limeobjects/1',
      'lime-api api/deals.json/_embedded/limeobjects/1',
      'lime-api api/history.json/_embedded/limeobjects/0',
      'lime-api api/persons-page-1.json/_embedded/limeobjects/1',
      'lime-export client-export/foretag.csv:3',
    ]);
    const person = d.records.find(at('api/persons-page-1.json', '/_embedded/limeobjects/1'))!;
    expect(person.path.map((p) => p.kind)).toEqual(['systemId']);
    const company = d.records.find(at('api/companies.json', '/_embedded/limeobjects/1'))!;
    expect(company).toMatchObject({ entity: 'company', category: 'crm-company' });
    expect(company.fields).toMatchObject({ name: 'Bäckström Konsult', registrationno: '761105-9978' });
    expect(company.matchedOn).toContainEqual({ kind: 'pnr', field: 'registrationno', via: 'given' });
    const row = d.records.find((r) => r.source === 'lime-export')!;
    expect(row.fields).toMatchObject({ Namn: 'Bäckström Konsult', Organisationsnummer: '761105-9978' });
    expect(row.locator).toEqual({ file: 'client-export/foretag.csv', line: 3, row: 2 });

  });

  it('finds P4 Jörgen by e-mail and learns the GA client id of the solution field gaclientid', async () => {
    const d = await find(CONFIG, { email: ['jorgen.akesson@mail.example'] });
    expect(where(d, 'exact')).toEqual([
      'lime-api api/history.json/_embedded/limeobjects/1',
      'lime-api api/kursanmalan.json/_embedded/limeobjects/0',
      'lime-api api/participants.json/_embedded/limeobjects/0',
      'lime-api api/persons-page-2.json/_embedded/limeobjects/0',
      'lime-export client-export/personer.xlsx[Personer] row 5',
    ]);
    expect(d.subject.knownBy).toContainEqual({ kind: 'gaClientId', value: '987654321.1746900000', origin: 'link' });
    expect(d.subject.knownBy).toContainEqual({ kind: 'phone', value: '+46701740647', origin: 'link' });
    const webform = d.records.find(at('api/history.json', '/_embedded/limeobjects/1'))!;
    expect(webform).toMatchObject({ entity: 'history', date: '2024-04-02' });
    expect(webform.fields.type).toEqual({ key: 'webform', id: 1405, text: 'Webbformulär' });
    expect(d.records.find(at('api/participants.json', '/_embedded/limeobjects/0'))).toMatchObject({ entity: 'participant', category: 'crm-event' });
    // The solution's own limetype, declared in the config, with an upper-case e-mail of its own.
    const course = d.records.find(at('api/kursanmalan.json', '/_embedded/limeobjects/0'))!;
    expect(course).toMatchObject({ entity: 'kursanmalan', category: 'crm-event' });
    expect(course.matchedOn).toContainEqual({ kind: 'email', field: 'email', via: 'given' });
  });

  it('finds P3 Märta with her consents and helpdesk case, and excludes the namesake with another personnummer', async () => {
    const d = await find(CONFIG, { email: ['marta.oberg@mail.example'] });
    expect(where(d, 'exact')).toEqual([
      'lime-api api/helpdesk.json/_embedded/limeobjects/0',
      'lime-api api/history.json/_embedded/limeobjects/2',
      'lime-api api/person-1003-consent.json/_embedded/limeobjects/0',
      'lime-api api/person-1003-consent.json/_embedded/limeobjects/1',
      'lime-api api/person-1003.json',
      'lime-api api/persons-page-1.json/_embedded/limeobjects/2',
      'lime-export client-export/personer.xlsx[Personer] row 4',
    ]);
    const consents = d.records.filter((r) => r.entity === 'consent');
    expect(consents.map((c) => [c.fields.approved, c.date, c.category])).toEqual([
      [true, '2021-09-01', 'crm-consent'],
      [false, '2024-05-02', 'crm-consent'],
    ]);
    expect(d.subject.knownBy).toContainEqual({ kind: 'pnr', value: '199207289969', origin: 'link' });
    expect(d.records.filter((r) => r.fields._id === 1006)).toEqual([]);
    expect(d.summary.namesakesExcluded).toBe(1);
    // The export's upper-case address is hers all the same.
    expect(d.records.find((r) => r.source === 'lime-export')!.fields['E-post']).toBe('MARTA.OBERG@MAIL.EXAMPLE');

    // By name alone, both Märta Öberg are only possible.
    const byName = await find(CONFIG, { name: ['Märta Öberg'] });
    expect(where(byName, 'exact')).toEqual([]);
    expect(where(byName, 'possible')).toContain('lime-api api/persons-page-2.json/_embedded/limeobjects/2');
  });

  it('reports each broken file with its file and line, and reads the rest', async () => {
    const d = await find(BROKEN, { email: ['asa.lindqvist@lindqvistbygg.example'], pnr: ['19761105-9978'] });
    expect(where(d, 'exact')).toEqual(['lime-api api/persons.json/_embedded/limeobjects/0', 'lime-export client-export/foretag.csv:2']);
    const skipped = [...d.skipped].sort((a, b) => (a.file! < b.file! ? -1 : 1));
    expect(skipped).toEqual([
      expect.objectContaining({ source: 'lime-api', file: 'api/api_response_lime_core_person.js', line: 2, code: 'lime.js-module' }),
      expect.objectContaining({ source: 'lime-api', file: 'api/history-cut.json', line: 30, code: 'json.malformed' }),
      expect.objectContaining({ source: 'lime-export', file: 'client-export/foretag.csv', line: 3, code: 'csv.malformed' }),
      expect.objectContaining({ source: 'lime-export', file: 'client-export/personer.xlsx', code: 'zip.invalid' }),
    ]);
    expect(skipped[0]!.message).toMatch(/JavaScript module.*not JSON/u);
    expect(skipped[1]!.message).toMatch(/cut off/u);
    // Messages name what is wrong, never a value from the file.
    for (const s of skipped) expect(s.message).not.toMatch(/Märta|marta|Lindqvist|Bäckström/u);
  });
});

describe('lime connector: reading', () => {
  it('tells each object its limetype: own links, self link, embedding relation, page link, file name', async () => {
    const { records, warnings, failed } = await readAll(path.join(DIR, 'api'), {
      limetypes: { kursanmalan: { category: 'crm-event' } },
      fields: { kurs: 'interest', kursdatum: 'interest' },
      textFields: ['meddelande'],
    });
    expect(failed).toEqual([]);
    expect(warnings).toEqual([]);
    const entity = (file: string, pointer: string) => records.find(at(file, pointer))?.entity;
    expect(entity('api/persons-page-1.json', '/_embedded/limeobjects/0')).toBe('person'); // _links.limetype
    expect(entity('api/deals.json', '/_embedded/limeobjects/1')).toBe('deal'); // _links.self only
    expect(entity('api/deal-3001-embed.json', '/_embedded/relation_company')).toBe('company'); // embedded
    expect(entity('api/person-1001-history.json', '/_embedded/limeobjects/0')).toBe('history'); // the page's self link
    expect(entity('api/participants.json', '/_embedded/limeobjects/0')).toBe('participant'); // the file name
    expect(entity('api/query-person.json', '/objects/1')).toBe('person'); // the Query API, by the file name
    expect(records.filter((r) => r.entity === 'person')).toHaveLength(12);
  });

  it('gives relations their holders: persons are followed, companies are context, deals are nobody', async () => {
    const { records } = await readAll(path.join(DIR, 'api/person-1001-history.json'));
    const h = records[0]!;
    expect(h.identifiers).toEqual([
      { kind: 'systemId', field: 'person', value: 'lime:person:1001', holder: 'person' },
      { kind: 'systemId', field: 'company', value: 'lime:company:2001', holder: 'company' },
      { kind: 'systemId', field: 'coworker', value: 'lime:coworker:11', holder: 'coworker' },
    ]);
    expect(h.holders).toEqual({
      person: { scope: 'person', role: 'person' },
      company: { scope: 'organisation', role: 'company' },
      coworker: { scope: 'person', role: 'coworker' },
    });
    expect(h.text).toEqual([{ field: 'note', value: 'Åsa ringde om offert 2024-117, återkommer v. 7' }]);

    // A relation that holds the related object instead of its id (the Query API nests them).
    const q = (await readAll(path.join(DIR, 'api/query-person.json'))).records[0]!;
    expect(q.identifiers).toContainEqual({ kind: 'company', field: 'company/name', value: 'Lindqvist Bygg AB', holder: 'company' });
    expect(q.identifiers).toContainEqual({ kind: 'systemId', field: '_id', value: 'lime:person:1001' });

    // A company is an organisation: its switchboard and org.nr are not a person's.
    const c = (await readAll(path.join(DIR, 'api/companies.json'))).records[0]!;
    expect(c.holders?.self).toEqual({ scope: 'organisation', role: 'company' });
    expect(c.identifiers).toContainEqual({ kind: 'orgnr', field: 'registrationno', value: '556987-6542' });
    expect(c.identifiers).toContainEqual({ kind: 'address', field: 'postaladdress1', value: 'Storgatan 14, 252 21 Helsingborg' });
    expect(c.identifiers).toContainEqual({ kind: 'customerNo', field: 'customerno', value: '1042' });
  });

  it('warns when a page links to a next page that was not saved', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lime-pages-'));
    copyFileSync(path.join(DIR, 'api/persons-page-1.json'), path.join(dir, 'persons-page-1.json'));
    const { records, warnings } = await readAll(dir, {}, dir);
    expect(records).toHaveLength(3);
    expect(warnings).toEqual([expect.objectContaining({ code: 'lime.missing-page', file: 'persons-page-1.json' })]);
  });

  it('reads a limetype nobody declared with the rule for every limetype, and says so', async () => {
    const { records, warnings } = await readAll(path.join(DIR, 'api/kursanmalan.json'));
    expect(records[0]).toMatchObject({ entity: 'kursanmalan', category: 'crm-history' });
    expect(records[0]!.identifiers.map((i) => i.kind).sort()).toEqual(['email', 'gaClientId', 'phone', 'systemId']);
    expect(warnings).toEqual([expect.objectContaining({ code: 'lime.unclassified' })]);
    expect(warnings[0]!.message).toMatch(/limetype kursanmalan .*options\.limetypes.*kurs, kursdatum, meddelande/u);
  });

  it('asks for options.limetype when nothing says what the objects are', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lime-query-'));
    writeFileSync(path.join(dir, 'export.json'), JSON.stringify({ objects: [{ _id: 1001, email: 'asa.lindqvist@lindqvistbygg.example' }] }));
    const without = await readAll(dir, {}, dir);
    expect(without.failed).toEqual([expect.objectContaining({ code: 'lime.no-limetype', file: 'export.json' })]);
    const withOption = await readAll(dir, { limetype: 'person' }, dir);
    expect(withOption.records[0]!.identifiers).toContainEqual({ kind: 'systemId', field: '_id', value: 'lime:person:1001' });
  });

  it('reads the client export: XLSX with a date column and a blank trailing row, CSV in Windows-1252 with a quoted line break', async () => {
    const { records, failed } = await readAll(path.join(DIR, 'client-export'));
    expect(failed).toEqual([]);
    const csv = records.filter((r) => r.locator.file === 'client-export/foretag.csv');
    const xlsx = records.filter((r) => r.locator.file === 'client-export/personer.xlsx');
    expect(xlsx.map((r) => r.locator.row)).toEqual([2, 3, 4, 5, 6]);
    expect(xlsx[0]).toMatchObject({ entity: 'person', category: 'crm-person', date: '2023-01-10', locator: { sheet: 'Personer' } });
    expect(xlsx[0]!.fields).toMatchObject({ Förnamn: 'Åsa', Efternamn: 'Lindqvist', Skapad: '2023-01-10', Företag: 'Lindqvist Bygg AB' });
    expect(xlsx[0]!.identifiers).toContainEqual({ kind: 'company', field: 'Företag', value: 'Lindqvist Bygg AB', holder: 'company' });
    expect(xlsx[0]!.holders).toEqual({ company: { scope: 'organisation', role: 'employer' } });
    expect(csv.map((r) => r.locator.line)).toEqual([2, 3, 5]);
    expect(csv[1]!.fields.Postadress).toMatch(/^c\/o Bäckström\r?\nÄngelholmsvägen 3$/u);
    expect(csv[1]).toMatchObject({ entity: 'company', category: 'crm-company', holders: { self: { scope: 'organisation', role: 'company' } } });
  });

  it('follows the header: a title row above it, options.columns and options.limetype', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lime-export-'));
    const text = ['Kontakter – export 2025-05-12', '', 'Tilltalsnamn;Efternamn;E-postadress (arbete);Mobil', 'Åsa;Lindqvist;asa.lindqvist@lindqvistbygg.example;070-174 06 05'].join('\r\n');
    writeFileSync(path.join(dir, 'kontakter.csv'), iconv.encode(text, 'windows-1252'));
    const { records, failed } = await readAll(dir, { columns: { firstname: 'Tilltalsnamn', email: 'E-postadress (arbete)' } }, dir);
    expect(failed).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ entity: 'person', locator: { file: 'kontakter.csv', line: 4, row: 1 } });
    expect(records[0]!.identifiers).toEqual(
      expect.arrayContaining([
        { kind: 'email', field: 'E-postadress (arbete)', value: 'asa.lindqvist@lindqvistbygg.example' },
        { kind: 'name', field: 'Tilltalsnamn', value: 'Åsa Lindqvist' },
        { kind: 'phone', field: 'Mobil', value: '070-174 06 05' },
      ]),
    );
    // The columns the source names are classified like the property they show.
    const person = connector.describe(connector.optionsSchema.parse({ columns: { email: 'E-postadress (arbete)' } })).entities.find((e) => e.entity === 'person')!;
    expect(person.fields.find((f) => f.name === 'E-postadress (arbete)')).toMatchObject({ identifier: 'email', category: 'contact' });

    // Only a name column: a company list, unless the source says persons.
    writeFileSync(path.join(dir, 'kontakter.csv'), 'Namn;Telefon\r\nÅsa Lindqvist;070-174 06 05\r\n');
    expect((await readAll(dir, {}, dir)).records[0]!.entity).toBe('company');
    const asPersons = (await readAll(dir, { limetype: 'person' }, dir)).records[0]!;
    expect(asPersons.entity).toBe('person');
    expect(asPersons.identifiers).toContainEqual({ kind: 'name', field: 'Namn', value: 'Åsa Lindqvist' });

    writeFileSync(path.join(dir, 'kontakter.csv'), 'a;b;c\r\n1;2;3\r\n');
    const unknown = await readAll(dir, {}, dir, 'client-export');
    expect(unknown.failed).toEqual([expect.objectContaining({ code: 'table.no-header', file: 'kontakter.csv', line: 1 })]);
  });

  it('detects each format from the content', async () => {
    const detect = async (rel: string): Promise<string | undefined> => {
      const head = await readHead(path.join(DIR, rel));
      return connector.detect({ name: rel, head, size: head.length })?.format;
    };
    for (const f of [
      'api/persons-page-1.json',
      'api/person-1003.json',
      'api/deal-3001-embed.json',
      'api/query-person.json',
      'api/participants.json',
      'api/person-1001-history.json',
      'broken/api/api_response_lime_core_person.js',
    ]) {
      expect(await detect(f), f).toBe('hal-json');
    }
    expect(await detect('client-export/personer.xlsx')).toBe('client-export');
    expect(await detect('client-export/foretag.csv')).toBe('client-export');
    expect(await detect('broken/client-export/personer.xlsx')).toBe('client-export');
    const sample = (name: string, text: string) => connector.detect({ name, head: Buffer.from(text), size: text.length });
    expect(sample('graph.json', '{"@odata.context":"x","value":[{"id":"1"}]}')).toBeUndefined();
    expect(sample('x.csv', 'a;b;c\n1;2;3\n')).toBeUndefined();
    expect(sample('visma.json', '{"Meta":{"CurrentPage":1},"Data":[]}')).toBeUndefined();
  });

  it('rejects options it does not know and a client export that is neither persons nor companies', async () => {
    expect(connector.optionsSchema.safeParse({ limetypes: { Kurs: { category: 'crm-event' } } }).success).toBe(false);
    expect(connector.optionsSchema.safeParse({ limetypes: { kurs: { category: 'no-such-category' } } }).success).toBe(false);
    expect(connector.optionsSchema.safeParse({ columns: { nosuchproperty: 'X' } }).success).toBe(false);
    const problems = await connector.check({ name: 's', path: DIR, baseDir: DIR, format: 'client-export', options: { limetype: 'history' } });
    expect(problems).toEqual([expect.objectContaining({ code: 'lime.export-limetype' })]);
  });
});

describe("lime connector: a party's phones are read in its own country", () => {
  const regions = (r: SourceRecord): string[] => r.identifiers.filter((i) => i.kind === 'phone').map((i) => `${i.field} ${i.holder ?? 'self'} ${i.region ?? '-'}`);

  it("a company's country, for its phones only: not for the person who works there", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lime-region-'));
    writeFileSync(
      path.join(dir, 'company.json'),
      JSON.stringify({
        _embedded: { limeobjects: [{ _id: 2101, name: 'Vogel Maschinenbau GmbH', phone: '0711 1234500', country: 'Deutschland' }, { _id: 2102, name: 'Nordmann AS', phone: '22 33 44 55', country: 'Norge' }, { _id: 2103, name: 'Utan Land AB', phone: '040-628 04 10', country: '' }] },
        _links: { self: { href: 'https://ojco.lime-crm.com/ojco/api/v1/limeobject/company/?_limit=50' } },
      }),
    );
    writeFileSync(
      path.join(dir, 'query.json'),
      JSON.stringify({ objects: [{ _id: 1101, firstname: 'Katrin', lastname: 'Vogel', mobilephone: '0152 28817386', company: { _id: 2101, name: 'Vogel Maschinenbau GmbH', phone: '0711 1234500', country: 'Tyskland' } }] }),
    );
    const { records, failed } = await readAll(dir, { limetype: 'person' }, dir);
    expect(failed).toEqual([]);
    expect(records.filter((r) => r.entity === 'company').map(regions)).toEqual([['phone self DE'], ['phone self NO'], ['phone self -']]);
    expect(regions(records.find((r) => r.entity === 'person')!)).toEqual(['mobilephone self -', 'company/phone company DE']);
  });

  it("the client export's country column", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lime-region-export-'));
    writeFileSync(path.join(dir, 'foretag.csv'), iconv.encode('Namn;Organisationsnummer;Telefon;Land\r\nVogel Maschinenbau GmbH;;0711 1234500;DE\r\nLindqvist Bygg AB;556987-6542;040-628 04 10;Sverige\r\n', 'windows-1252'));
    const { records, failed } = await readAll(dir, {}, dir);
    expect(failed).toEqual([]);
    expect(records.map(regions)).toEqual([['Telefon self DE'], ['Telefon self SE']]);
  });
});
