import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import connector from '../../connectors/visma/index.ts';
import { classifyParty, looksLikeCompany } from '../../connectors/visma/common.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import type { Problem } from '../../src/errors.ts';
import { readHead } from '../../src/io/files.ts';
import { FIXTURES, find, where } from '../helpers.ts';

const CONFIG = path.join(FIXTURES, 'visma/ojco-dsar.config.yaml');
const BROKEN = path.join(FIXTURES, 'visma/broken/ojco-dsar.config.yaml');

const tmp = mkdtempSync(path.join(tmpdir(), 'visma-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Reads a path with the connector directly, as the pipeline does, collecting warnings and failed files. */
async function readAll(p: string, options: Record<string, unknown> = {}, format?: string) {
  const warnings: Problem[] = [];
  const failed: Problem[] = [];
  const records: SourceRecord[] = [];
  const parsed = connector.optionsSchema.parse(options);
  const input = { name: 't', path: p, baseDir: path.dirname(p), format, options: parsed };
  for await (const r of connector.read(input, { warn: (w) => warnings.push(w), fileFailed: (e) => failed.push(e) })) records.push(r);
  return { records, warnings, failed };
}

describe('visma connector: real pipeline on its fixtures', () => {
  it('finds P3 Märta Öberg by e-mail alone in the API, the customer list, and the SIE vouchers that carry only her customer number', async () => {
    const d = await find(CONFIG, { email: ['marta.oberg@mail.example'] });
    expect(d.skipped).toEqual([]);
    expect(where(d, 'exact')).toEqual([
      'kundlista customer-list/kunder.csv:5',
      'kundlista customer-list/kunder.xlsx[Kunder] row 4',
      'sie sie/ojco-2025.se:21', // #OBJEKT 8 "1044" "Märta Öberg"
      'sie sie/ojco-2025.se:30', // #VER "F" 7: the invoice, {8 "1044"}
      'sie sie/ojco-2025.se:54', // #VER "I" 3: the payment, {8 "1044"}
      'spiris-api api/customerinvoices-page1.json/Data/2', // RUT invoice 2025007
      'spiris-api api/customerledgeritems-page1.json/Data/0', // the ledger item settled by the 2025-02-28 payment
      'spiris-api api/customers-page1.json/Data/2',
      'spiris-api api/vouchers-page1.json/Data/0', // API voucher I 3: "[1044] Märta Öberg" on account 1510
    ]);
    // The namesake (customer 1050, another personnummer) is never exact: excluded where her
    // personnummer is on the record, and where only the name agrees and her customer number is on it
    // (#OBJEKT 8 "1050" "Märta Öberg", #VER "F" 19 for customer 1050, invoice 2025019 to her): hers.
    expect(d.summary.namesakesExcluded).toBe(6);
    expect(where(d, 'possible')).toEqual([]);
    expect(d.records.some((r) => JSON.stringify(r.fields).includes('19650405-9988') && r.confidence !== 'possible')).toBe(false);

    const byLoc = (file: string, at: string | number) => d.records.find((r) => r.locator.file === file && (r.locator.pointer === at || r.locator.line === at))!;
    // The ledger item names the customer by its GUID only: found through the link, with the path that led there.
    const ledger = byLoc('api/customerledgeritems-page1.json', '/Data/0');
    expect(ledger.matchedOn).toEqual([{ kind: 'systemId', field: 'CustomerId', via: 'link' }]);
    expect(ledger.path.length).toBeGreaterThan(0);
    expect(ledger.date).toBe('2025-02-28');
    expect(ledger.entity).toBe('ledger-item');
    expect(ledger.category).toBe('payment');

    const invoice = byLoc('api/customerinvoices-page1.json', '/Data/2');
    expect(invoice.label).toBe('Faktura 2025007');
    expect(invoice.date).toBe('2025-02-03');
    expect(invoice.category).toBe('invoice');

    // The SIE voucher: locator is its #VER line; the evidence names the row whose object is her customer number.
    const f7 = byLoc('sie/ojco-2025.se', 30);
    expect(f7.entity).toBe('voucher');
    expect(f7.date).toBe('2025-02-03');
    expect(f7.matchedOn).toContainEqual({ kind: 'customerNo', field: 'transactions/0/objects/0/obj', via: 'link' });
    expect(f7.path.length).toBeGreaterThan(0);
    expect(f7.fields).toMatchObject({ series: 'F', number: '7', date: '2025-02-03', text: 'Kundfaktura 2025007 Märta Öberg', sign: 'KE' });
    const rows = f7.fields.transactions as { line: number; account: string; objects: unknown[]; amount: string; text: string }[];
    expect(rows.map((r) => [r.line, r.account, r.amount])).toEqual([
      [32, '1510', '8000.00'],
      [33, '2611', '-1600.00'],
      [34, '3041', '-6400.00'],
    ]);
    expect(rows[0]!.objects).toEqual([{ dim: '8', obj: '1044' }]);

    const i3 = byLoc('sie/ojco-2025.se', 54);
    expect(i3.date).toBe('2025-02-28');
    expect(i3.matchedOn).toContainEqual({ kind: 'customerNo', field: 'transactions/1/objects/0/obj', via: 'link' });

    const object = byLoc('sie/ojco-2025.se', 21);
    expect(object.entity).toBe('sie-object');
    expect(object.category).toBe('accounting-master');
    expect(object.fields).toEqual({ dimension: '8', number: '1044', name: 'Märta Öberg' });
    // SIE master data belongs to the file's financial year (#RAR 0).
    expect(object.date).toBe('2025-12-31');

    // Every record that is bookkeeping carries a date for retention.
    for (const r of d.records) if (['invoice', 'voucher', 'ledger-item', 'sie-object'].includes(r.entity)) expect(r.date, `${r.entity} ${r.label}`).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
  });

  it('finds the RUT invoice by her personnummer through Persons[].Ssn directly', async () => {
    const d = await find(CONFIG, { pnr: ['920728-9969'] });
    const rut = d.records.find((r) => r.locator.pointer === '/Data/2' && r.locator.file === 'api/customerinvoices-page1.json')!;
    expect(rut.confidence).toBe('exact');
    expect(rut.matchedOn).toContainEqual({ kind: 'pnr', field: 'Persons/0/Ssn', via: 'given' });
    expect(rut.path).toEqual([]);
    expect(rut.fields.Persons).toEqual([{ Ssn: '199207289969', Amount: 3200 }]);
    // The customer record holds the same personnummer in CorporateIdentityNumber.
    const customer = d.records.find((r) => r.locator.pointer === '/Data/2' && r.locator.file === 'api/customers-page1.json')!;
    expect(customer.matchedOn).toContainEqual({ kind: 'pnr', field: 'CorporateIdentityNumber', via: 'given' });
  });

  it('finds P2 Örjan Bäckström by his org.nr, which is his personnummer, with his invoices and the 2019 SIE file', async () => {
    const d = await find(CONFIG, { orgnr: ['761105-9978'] });
    expect(where(d, 'exact')).toEqual([
      'kundlista customer-list/kunder.csv:3',
      'kundlista customer-list/kunder.xlsx[Kunder] row 3',
      'sie sie/ojco-2019.se:16', // #OBJEKT 8 1043, UTF-8 under #FORMAT PC8 with TABs
      'sie sie/ojco-2019.se:18', // #VER F 21, 2019-03-15
      'sie sie/ojco-2019.se:24', // #VER I 9, the payment
      'sie sie/ojco-2025.se:20',
      'sie sie/ojco-2025.se:26', // #OIB 0 1510 {8 "1043"}: his unpaid 2024 invoice, carried into 2025
      'sie sie/ojco-2025.se:27', // #OUB
      'spiris-api api/customerinvoices-page1.json/Data/1', // 2024312, unpaid
      'spiris-api api/customerinvoices-page1.json/Data/3', // 2019021
      'spiris-api api/customerledgeritems-page1.json/Data/1',
      'spiris-api api/customers-page1.json/Data/1',
      'visma-administration administration/KUND.DBF row 2',
    ]);
    // A sole trader is a person: his e-mail and mobile are followed, not taken for a company's.
    expect(d.shared).toEqual([]);
    expect(d.subject.knownBy.map((k) => `${k.kind}:${k.value}`)).toEqual(
      expect.arrayContaining(['pnr:197611059978', 'customerNo:1043', 'email:orjan@backstromkonsult.example', 'phone:+46701740612']),
    );
    const unpaid = d.records.find((r) => r.locator.pointer === '/Data/1' && r.locator.file === 'api/customerinvoices-page1.json')!;
    expect(unpaid.fields).toMatchObject({ InvoiceNumber: 2024312, RemainingAmount: 4375 });
    expect(unpaid.date).toBe('2024-12-15');
    const old = d.records.find((r) => r.locator.file === 'sie/ojco-2019.se' && r.locator.line === 18)!;
    expect(old.date).toBe('2019-03-15');
    expect(old.fields).toMatchObject({ series: 'F', number: '21', text: 'Kundfaktura 2019021 Bäckström Konsult' });
    const oib = d.records.find((r) => r.locator.file === 'sie/ojco-2025.se' && r.locator.line === 26)!;
    expect(oib.entity).toBe('sie-balance');
    expect(oib.fields).toEqual({ label: '#OIB', year: '0', account: '1510', objects: [{ dim: '8', obj: '1043' }], amount: '4375.00' });
  });

  it('finds P1 Åsa Lindqvist as the contact of customer 1042, and the company\'s invoice and payment only as probable', async () => {
    const d = await find(CONFIG, { email: ['asa.lindqvist@lindqvistbygg.example'] });
    expect(where(d, 'exact')).toEqual([
      'kundlista customer-list/kunder.csv:2',
      'kundlista customer-list/kunder.xlsx[Kunder] row 2',
      'spiris-api api/customers-page1.json/Data/0',
      'visma-administration administration/KONTAKT.DBF row 1',
    ]);
    // Her name plus the company's customer number: probable, never exact.
    expect(where(d, 'probable')).toEqual([
      'sie sie/ojco-2025.se:64', // #VER "I" 12: "[1042] Lindqvist Bygg AB ref Åsa Lindqvist" with {8 "1042"}
      'spiris-api api/customerinvoices-page1.json/Data/0', // 2025041, YourReference "Åsa Lindqvist"
      'spiris-api api/vouchers-page1.json/Data/1',
      'visma-administration administration/KUND.DBF row 1', // REF "Åsa Lindqvist"
    ]);
    const inv = d.records.find((r) => r.locator.pointer === '/Data/0' && r.locator.file === 'api/customerinvoices-page1.json')!;
    expect(inv.matchedOn).toEqual(expect.arrayContaining([{ kind: 'name', field: 'YourReference', via: 'name' }, { kind: 'customerNo', field: 'CustomerNumber', via: 'context' }]));
    // faktura@ is a role address and the switchboard is shared with Per Lindqvist: neither is followed.
    expect(d.subject.knownBy.map((k) => k.value)).not.toContain('faktura@lindqvistbygg.example');
    expect(d.shared).toEqual([expect.objectContaining({ kind: 'phone', value: '+46406280410', given: false })]);
    expect(d.records.some((r) => r.fields.NAMN === 'Per Lindqvist')).toBe(false);
    // The company's other records (its invoice F 41, its ledger item) are not hers.
    expect(where(d).some((w) => w.includes('ojco-2025.se:48') || w.includes('customerledgeritems'))).toBe(false);
  });

  it('reads the Windows-1252 semicolon CSV with a quoted newline, an upper-case e-mail and mixed phone notations', async () => {
    const d = await find(CONFIG, { phone: ['+46 70 174 06 12'] });
    const row = d.records.find((r) => r.locator.file === 'customer-list/kunder.csv')!;
    expect(row.locator).toEqual({ file: 'customer-list/kunder.csv', line: 3, row: 2 });
    expect(row.fields.Fakturaadress).toBe('Ängelholmsvägen 3\r\nc/o Bäckström');
    expect(row.fields.Mobiltelefon).toBe('0046 70 174 06 12');
    const m = await find(CONFIG, { email: ['marta.oberg@mail.example'] });
    const marta = m.records.find((r) => r.locator.file === 'customer-list/kunder.csv')!;
    // The row after the two-line address starts on line 5.
    expect(marta.locator).toEqual({ file: 'customer-list/kunder.csv', line: 5, row: 3 });
    expect(marta.fields['E-post']).toBe('MARTA.OBERG@MAIL.EXAMPLE');
    expect(marta.fields.Kundtyp).toBe('Privatperson');
  });

  it('reads a row marked deleted in a dBase register, and flags it', async () => {
    const d = await find(CONFIG, { email: ['sven.svensson@mail.example'] });
    const row = d.records.find((r) => r.locator.file === 'administration/KUND.DBF')!;
    expect(row.confidence).toBe('exact');
    expect(row.locator).toEqual({ file: 'administration/KUND.DBF', row: 3 });
    expect(row.fields).toMatchObject({ KUNDNR: '1045', NAMN: 'Sven Svensson', ORGNR: '710223-9972', deleted: true });
    expect(row.date).toBe('2018-06-10');
  });

  it('marks invoices, ledger items, vouchers and SIE records as räkenskapsinformation', async () => {
    const main: SourceRecord[] = [];
    for (const folder of ['api', 'customer-list', 'sie', 'administration']) {
      const { records, failed } = await readAll(path.join(FIXTURES, 'visma', folder));
      expect(failed).toEqual([]);
      main.push(...records);
    }
    expect(main.length).toBeGreaterThan(40);
    for (const r of main) {
      const bookkeeping = ['invoice', 'ledger-item', 'voucher', 'sie-object', 'sie-company', 'sie-balance'].includes(r.entity);
      expect(r.bookkeeping === true, `${r.entity} ${r.label}`).toBe(bookkeeping);
    }
    const d = connector.describe(connector.optionsSchema.parse({}));
    expect(d.entities.filter((e) => e.bookkeeping).map((e) => e.entity).sort()).toEqual(['invoice', 'ledger-item', 'sie-balance', 'sie-company', 'sie-object', 'voucher']);
  });

  it('detects each format from the content', async () => {
    const detect = async (rel: string): Promise<string | undefined> => {
      const abs = path.join(FIXTURES, 'visma', rel);
      const head = await readHead(abs);
      return connector.detect({ name: rel, head, size: head.length })?.format;
    };
    for (const f of ['api/customers-page1.json', 'api/customerinvoices-page1.json', 'api/customerledgeritems-page1.json', 'api/vouchers-page1.json']) {
      expect(await detect(f), f).toBe('eaccounting-json');
    }
    expect(await detect('customer-list/kunder.csv')).toBe('customer-list');
    expect(await detect('customer-list/kunder.xlsx')).toBe('customer-list');
    expect(await detect('sie/ojco-2025.se')).toBe('sie4');
    expect(await detect('sie/ojco-2019.se')).toBe('sie4');
    expect(await detect('administration/KUND.DBF')).toBe('visma-dbf');
    expect(await detect('administration/KONTAKT.DBF')).toBe('visma-dbf');
    expect(await detect('broken/api/anteckningar.txt')).toBeUndefined();
    const sniff = (name: string, text: string) => connector.detect({ name, head: Buffer.from(text), size: text.length })?.format;
    // Fortnox's API (MetaInformation, OrganisationNumber) and a VCR cassette are not Visma.
    expect(sniff('customers.json', '{"MetaInformation":{"@CurrentPage":1},"Customers":[{"CustomerNumber":"1","Name":"Test","OrganisationNumber":""}]}')).toBeUndefined();
    expect(sniff('all.yml', '---\nhttp_interactions:\n- request:\n    method: get\n')).toBeUndefined();
    // A single customer as GET /v2/customers/{id} returns it.
    expect(sniff('kund.json', '{"Id":"x","CustomerNumber":"1044","IsPrivatePerson":true}')).toBe('eaccounting-json');
    expect(sniff('export.csv', 'Kundnr,Namn,E-post\r\n1,A,a@b.example\r\n')).toBe('customer-list');
  });

  it('reports broken files with file and line, and still reads the rest', async () => {
    const d = await find(BROKEN, { email: ['marta.oberg@mail.example'] });
    const skipped = d.skipped.map((s) => `${s.source} ${s.file}:${s.line ?? ''} ${s.code}`).sort();
    expect(skipped).toEqual([
      'administration-broken administration/KUND.DBF: dbf.truncated',
      'api-broken api/anteckningar.txt: source.unknown-format',
      'api-broken api/customers-page1.json:4 json.malformed',
      'list-broken customer-list/kunder-citat.csv:3 csv.malformed',
      'sie-broken sie/kapad.se:55 sie.malformed',
      'sie-broken sie/ksumma-fel.se:69 sie.checksum',
    ]);
    // Messages name files and lines, never values.
    for (const s of d.skipped) expect(s.message).not.toMatch(/Märta|marta|1044|19920728|Lindqvist/iu);
    expect(d.skipped.find((s) => s.code === 'sie.checksum')!.message).toMatch(/#KSUMMA does not match/u);
    // The file with the wrong checksum is read in full; the cut one up to the voucher left open.
    expect(where(d, 'exact')).toEqual(
      expect.arrayContaining([
        'list-broken customer-list/kunder-citat.csv:2',
        'list-broken customer-list/kunder-ok.csv:2',
        'sie-broken sie/kapad.se:21',
        'sie-broken sie/kapad.se:30',
        'sie-broken sie/ksumma-fel.se:30',
        'sie-broken sie/ksumma-fel.se:54',
      ]),
    );
    expect(where(d, 'exact')).not.toContain('sie-broken sie/kapad.se:54');
  });

  it('reads a customer list with its own headers through options.columns, comma-separated UTF-8', async () => {
    const dir = mkdtempSync(path.join(tmp, 'cols-'));
    const file = path.join(dir, 'export.csv');
    writeFileSync(file, '\uFEFFKund-ID,Fullständigt namn,Mejl,Org/pnr,Privat?\n1044,Märta Öberg,marta.oberg@mail.example,920728-9969,Ja\n1042,Lindqvist Bygg AB,faktura@lindqvistbygg.example,556987-6542,Nej\n');
    const { records, warnings } = await readAll(file, { columns: { customerNo: 'Kund-ID', name: 'Fullständigt namn', email: 'Mejl', orgnr: 'Org/pnr', privatePerson: 'Privat?' } }, 'customer-list');
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(2);
    expect(records[0]!.identifiers).toEqual([
      { kind: 'customerNo', field: 'Kund-ID', value: '1044' },
      { kind: 'name', field: 'Fullständigt namn', value: 'Märta Öberg' },
      { kind: 'orgnr', field: 'Org/pnr', value: '920728-9969' },
      { kind: 'email', field: 'Mejl', value: 'marta.oberg@mail.example' },
    ]);
    expect(records[0]!.holders?.self?.scope).toBe('person');
    expect(records[1]!.holders?.self?.scope).toBe('organisation');
    expect(records[1]!.identifiers).toContainEqual({ kind: 'company', field: 'Fullständigt namn', value: 'Lindqvist Bygg AB' });
    // The columns given are classified in describe(), so `check` knows them.
    const fields = connector.describe(connector.optionsSchema.parse({ columns: { email: 'Mejl' } })).entities.find((e) => e.entity === 'customer')!.fields;
    expect(fields.find((f) => f.name === 'Mejl')).toMatchObject({ category: 'contact', identifier: 'email' });
    // Without a customer number or name column the file is refused with a reason.
    writeFileSync(path.join(dir, 'fel.csv'), 'A;B\n1;2\n');
    const bad = await readAll(path.join(dir, 'fel.csv'), {}, 'customer-list');
    expect(bad.failed.map((f) => f.code)).toContain('visma.no-customer-columns');
  });

  it('warns when saved API pages are missing', async () => {
    const dir = mkdtempSync(path.join(tmp, 'pages-'));
    copyFileSync(path.join(FIXTURES, 'visma/api/customers-page1.json'), path.join(dir, 'customers-page1.json'));
    const { records, warnings } = await readAll(dir);
    expect(records).toHaveLength(3);
    expect(warnings).toEqual([expect.objectContaining({ code: 'visma.pages-missing', file: expect.stringMatching(/customers-page1\.json$/u) })]);
    expect(warnings[0]!.message).toMatch(/page\(s\) 2, 3 are not among the files/u);
  });

  it('keeps staff signatures out of the search unless asked', async () => {
    const sie = path.join(FIXTURES, 'visma/sie/ojco-2025.se');
    const plain = await readAll(sie);
    const voucher = plain.records.find((r) => r.entity === 'voucher')!;
    expect(voucher.text!.map((t) => t.field)).not.toContain('sign');
    const staff = await readAll(sie, { staffNames: 'search' });
    expect(staff.records.find((r) => r.entity === 'voucher')!.text!.map((t) => t.field)).toContain('sign');
    expect(staff.records.find((r) => r.entity === 'sie-company')!.text).toContainEqual({ field: 'generatedBy', value: 'Karin Ek' });
  });

  it('reads a company name written without its quotes whole (#FNAMN Bolaget Bygg AB)', async () => {
    const file = path.join(tmp, 'unquoted.se');
    // A contact in #ADRESS makes the company a record (a person is named).
    const lines = ['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4', '#FNAMN Lindqvist Bygg AB', '#ORGNR 556987-6542', '#ADRESS "Per Lindqvist" "Storgatan 14" "252 21 Helsingborg" "040-628 04 10"', '#RAR 0 20250101 20251231'];
    writeFileSync(file, iconv.encode(lines.join('\r\n') + '\r\n', 'cp437'));
    const { records, failed } = await readAll(file);
    expect(failed).toEqual([]);
    expect(records.find((r) => r.entity === 'sie-company')!.fields.companyName).toBe('Lindqvist Bygg AB');
  });

  it("reads Mamut's three-field #ADRESS (kontakt utdelningsadr tel): the phone in the postadr slot is the company's phone, found by it, and warned about", async () => {
    // As Mamut Enterprise writes it (real-samples MAMUT_SIE4_EXPORT.SE): TAB-separated, quoted, and #ADRESS without postadr.
    const dir = mkdtempSync(path.join(tmp, 'mamut-'));
    const lines = [
      '#FLAGGA\t0',
      '#PROGRAM\t"Mamut Enterprise"\t14.8604',
      '#FORMAT\t"PC8"',
      '#SIETYP\t4',
      '#GEN\t20250512\t"karine"',
      '#FNAMN\t"Lindqvist Bygg AB"',
      '#FNR\t2',
      '#ADRESS\t"Per Lindqvist"\t"Storgatan 14"\t"040-628 04 19"',
      '#PROSA\t"Exported by Mamut Enterprise"',
      '#ORGNR\t"556987-6542"',
      '#RAR\t0\t20250101\t20251231',
    ];
    writeFileSync(path.join(dir, 'MAMUT.SE'), iconv.encode(lines.join('\r\n') + '\r\n', 'cp437'));
    writeFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'sources:\n  - {name: mamut, connector: visma, path: MAMUT.SE}\n');
    const d = await find(path.join(dir, 'ojco-dsar.config.yaml'), { phone: ['040-628 04 19'] });
    expect(d.skipped).toEqual([]);
    const company = d.records.find((r) => r.entity === 'sie-company')!;
    expect(company.locator).toEqual({ file: 'MAMUT.SE', line: 8 });
    expect(company.matchedOn).toContainEqual(expect.objectContaining({ kind: 'phone', field: 'phone' }));
    expect(company.fields).toMatchObject({ contact: 'Per Lindqvist', streetAddress: 'Storgatan 14', phone: '040-628 04 19' });
    expect(company.fields).not.toHaveProperty('postalAddress');
    // Classified as a #ADRESS tel always is: the company's phone (it names no sole trader), not a person's.
    const { records, warnings } = await readAll(path.join(dir, 'MAMUT.SE'));
    const rec = records.find((r) => r.entity === 'sie-company')!;
    expect(rec.identifiers).toContainEqual({ kind: 'phone', field: 'phone', value: '040-628 04 19' });
    expect(rec.holders?.self?.scope).toBe('organisation');
    expect(d.result.warnings).toEqual([expect.objectContaining({ code: 'sie.address-short', file: 'MAMUT.SE', line: 8 })]);
    expect(warnings.map((w) => w.code)).toEqual(['sie.address-short']);
    expect(warnings[0]!.message).not.toMatch(/040|628|Storgatan|Lindqvist/u);

    // A postcode and town (or a bare postcode) in that slot is the postal address, as before, and no warning.
    for (const postal of ['252 21 HELSINGBORG', '25221 Helsingborg', '252 21']) {
      const file = path.join(dir, 'other.se');
      const other = lines.map((l) => (l.startsWith('#ADRESS') ? `#ADRESS "Per Lindqvist" "Storgatan 14" "${postal}"` : l));
      writeFileSync(file, iconv.encode(other.join('\r\n') + '\r\n', 'cp437'));
      const r = await readAll(file);
      const c = r.records.find((x) => x.entity === 'sie-company')!;
      expect(c.fields.postalAddress, postal).toBe(postal);
      expect(c.fields).not.toHaveProperty('phone');
      expect(r.warnings).toEqual([]);
    }
  });

  it('reads a CP437 SIE file with a valid #KSUMMA without problems', async () => {
    const { records, warnings, failed } = await readAll(path.join(FIXTURES, 'visma/sie/ojco-2025.se'));
    expect(failed).toEqual([]);
    expect(warnings).toEqual([]);
    const company = records.find((r) => r.entity === 'sie-company')!;
    expect(company.locator).toEqual({ file: 'ojco-2025.se', line: 9 });
    expect(company.fields).toMatchObject({ companyName: 'OJCO International AB', contact: 'Karin Ek', phone: '040-628 04 00' });
    expect(company.holders?.self?.scope).toBe('organisation');
    // CP437 decoded: the Swedish letters survive.
    expect(records.find((r) => r.entity === 'sie-object' && r.fields.number === '1043')!.fields.name).toBe('Bäckström Konsult');
  });

  it('rejects an unknown dBase table, and checks its options', async () => {
    const dbf = Buffer.alloc(32 + 32 + 1 + 11 + 1);
    dbf[0] = 0x03;
    dbf[2] = 1;
    dbf[3] = 1;
    dbf.writeUInt32LE(1, 4);
    dbf.writeUInt16LE(65, 8);
    dbf.writeUInt16LE(11, 10);
    dbf.write('ARTNR', 32, 'latin1');
    dbf[32 + 11] = 'C'.charCodeAt(0);
    dbf[32 + 16] = 10;
    dbf[64] = 0x0d;
    iconv.encode(' A-100     ', 'cp1252').copy(dbf, 65);
    dbf[76] = 0x1a;
    expect(connector.detect({ name: 'ARTIKEL.DBF', head: dbf, size: dbf.length })).toBeUndefined();
    const problems = await connector.check({ name: 's', path: '.', baseDir: '.', format: 'sie4', options: { columns: { email: 'Mejl' } } });
    expect(problems.map((p) => p.code)).toEqual(['visma.options']);
  });
});

describe('party heuristics', () => {
  it('tells company names from person names the way SIE #OBJEKT needs', () => {
    for (const n of ['Lindqvist Bygg AB', 'Bäckström Konsult', 'Åke Berg & Son', 'Möbelbutiken', 'Kläppen Fjällstation', 'IWU Trading', 'TankShip HB', 'Redovisningsbyrån']) {
      expect(looksLikeCompany(n), n).toBe(true);
    }
    for (const n of ['Märta Öberg', 'Karin Ek', 'Sven Svensson', 'Anna-Karin Berg', 'JÖRGEN ÅKESSON']) expect(looksLikeCompany(n), n).toBe(false);
  });

  it('classifies a customer by its org.nr first, then the private flag, then the name', () => {
    expect(classifyParty({ privateFlag: false, orgnr: '761105-9978', name: 'Bäckström Konsult' })).toBe('sole-trader');
    expect(classifyParty({ privateFlag: true, orgnr: '19920728-9969', name: 'Märta Öberg' })).toBe('private');
    expect(classifyParty({ orgnr: '670821-9636', name: 'Karl Svensson' })).toBe('private');
    expect(classifyParty({ privateFlag: false, orgnr: '556987-6542', name: 'Lindqvist Bygg AB' })).toBe('organisation');
    expect(classifyParty({ name: 'Sven Svensson' })).toBe('private');
    expect(classifyParty({ name: 'Hemsons Hotel' })).toBe('organisation');
  });
});

describe("visma connector: a customer's phones are read in the customer's country", () => {
  it('finds the customer in Germany (InvoiceCountryCode DE) by her +49 number, and not by the Swedish reading of her national one', async () => {
    const d = await find(CONFIG, { phone: ['+49 69 90009311'] });
    expect(where(d, 'exact')).toEqual(['spiris-api api/customers-page3.json/Data/0']);
    expect(d.warnings.filter((w) => w.code === 'visma.pages-missing')).toEqual([]);
    expect(where(await find(CONFIG, { phone: ['069-900 093 11'] }))).toEqual([]);
  });

  /** `field region` of every phone of each record (`-`: none, read as Swedish). */
  const regions = (recs: SourceRecord[]): string[][] => recs.map((r) => r.identifiers.filter((i) => i.kind === 'phone').map((i) => `${i.field} ${i.region ?? '-'}`));

  it('eAccounting customers: InvoiceCountryCode, for the customer and its contact person', async () => {
    const customer = (no: string, o: Record<string, unknown>) => ({ Id: `00000000-0000-4000-8000-00000000${no}`, CustomerNumber: no, Name: `Kund ${no}`, IsPrivatePerson: true, ...o });
    const file = path.join(tmp, 'customers-region.json');
    writeFileSync(
      file,
      JSON.stringify({
        Meta: { CurrentPage: 1, PageSize: 50, TotalNumberOfPages: 1, TotalNumberOfResults: 4, ServerTimeUtc: '2025-05-12T08:14:03.51Z' },
        Data: [
          customer('2001', { InvoiceCountryCode: 'DE', Telephone: '0711 1234567', MobilePhone: '+46 70 174 06 05', ContactPersonMobile: '0152 28817386' }),
          customer('2002', { InvoiceCountryCode: 'NO', MobilePhone: '22 33 44 55' }),
          customer('2003', { InvoiceCountryCode: 'SE', MobilePhone: '070-174 06 33' }),
          customer('2004', { InvoiceCountryCode: null, MobilePhone: '070-174 06 47' }),
        ],
      }),
    );
    const { records, failed } = await readAll(file);
    expect(failed).toEqual([]);
    expect(regions(records)).toEqual([['Telephone DE', 'MobilePhone DE', 'ContactPersonMobile DE'], ['MobilePhone NO'], ['MobilePhone SE'], ['MobilePhone -']]);
  });

  it('the customer list: its country column, as a name or a code', async () => {
    const file = path.join(tmp, 'kunder-region.csv');
    writeFileSync(
      file,
      iconv.encode(['Kundnummer;Namn;Land;Telefon;Kontaktperson mobil', '2001;Vogel Maschinenbau GmbH;Tyskland;0711 1234567;0152 28817386', '2002;Nordmann AS;NO;22 33 44 55;', '2003;Märta Öberg;;070-174 06 33;', ''].join('\r\n'), 'cp1252'),
    );
    const { records, failed } = await readAll(file, {}, 'customer-list');
    expect(failed).toEqual([]);
    expect(regions(records)).toEqual([['Telefon DE', 'Kontaktperson mobil DE'], ['Telefon NO'], ['Telefon -']]);
  });

  it('Visma Administration: LANDKOD, else LAND', async () => {
    const fields = [['KUNDNR', 16], ['NAMN', 50], ['LAND', 24], ['LANDKOD', 2], ['TEL', 20], ['MBTEL', 20]] as const;
    const rows: Record<string, string>[] = [
      { KUNDNR: '2001', NAMN: 'Vogel Maschinenbau GmbH', LAND: 'Tyskland', LANDKOD: 'DE', TEL: '0711 1234567' },
      { KUNDNR: '2002', NAMN: 'Nordmann AS', LAND: 'Norge', MBTEL: '22 33 44 55' },
      { KUNDNR: '2003', NAMN: 'Märta Öberg', MBTEL: '070-174 06 33' },
    ];
    const recordLength = 1 + fields.reduce((n, [, len]) => n + len, 0);
    const headerLength = 32 + 32 * fields.length + 1;
    const header = Buffer.alloc(headerLength);
    header[0] = 0x03;
    // Last update 2025-05-12.
    header[1] = 125;
    header[2] = 5;
    header[3] = 12;
    header.writeUInt32LE(rows.length, 4);
    header.writeUInt16LE(headerLength, 8);
    header.writeUInt16LE(recordLength, 10);
    header[29] = 0x03;
    fields.forEach(([name, len], i) => {
      header.write(name, 32 + 32 * i, 'latin1');
      header[32 + 32 * i + 11] = 'C'.charCodeAt(0);
      header[32 + 32 * i + 16] = len;
    });
    header[headerLength - 1] = 0x0d;
    const body = rows.map((r) => {
      const b = Buffer.alloc(recordLength, 0x20);
      let at = 1;
      for (const [name, len] of fields) {
        iconv.encode(r[name] ?? '', 'cp1252').copy(b, at, 0, len);
        at += len;
      }
      return b;
    });
    const file = path.join(tmp, 'KUND.DBF');
    writeFileSync(file, Buffer.concat([header, ...body, Buffer.from([0x1a])]));
    const { records, failed } = await readAll(file);
    expect(failed).toEqual([]);
    expect(regions(records)).toEqual([['TEL DE'], ['MBTEL NO'], ['MBTEL -']]);
  });
});
