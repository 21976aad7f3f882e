import { describe, expect, it } from 'vitest';
import { API_INVOICE_FIELDS, DBF_CUSTOMER_FIELDS } from '../../connectors/visma/fields.ts';
import { GRAPH_MESSAGE_FIELDS, VCARD_FIELDS } from '../../connectors/office365/fields.ts';
import { BIGQUERY_FIELDS } from '../../connectors/google-analytics/fields.ts';
import type { MatchedRecord } from '../../src/core/match/matcher.ts';
import { loadRegister } from '../../src/register/load.ts';
import { extractCsvFiles } from '../../src/report/extract-csv.ts';
import { esc, extractHtml } from '../../src/report/extract-html.ts';
import { extractJson } from '../../src/report/extract-json.ts';
import { buildExtract, type ExtractSource } from '../../src/report/extract.ts';
import type { ExtractLang } from '../../src/report/extract-schema.ts';
import { fieldLookup } from '../../src/report/letter-fields.ts';
import { FORMULA, SCRIPT, SUBJECT_EMAIL, THIRD_PARTY, sampleExtract } from './sample-extract.ts';

const SECTION_IDS = ['confirmation', 'art15-1-a', 'art15-1-b', 'art15-1-c', 'art15-1-d', 'art15-1-e', 'art15-1-f', 'art15-1-g', 'art15-1-h', 'art15-2'];

const html = async (lang: 'sv' | 'en' = 'sv'): Promise<string> => extractHtml(await sampleExtract(lang)).toString('utf8');

/** A record found exactly by the subject's e-mail, in source `source`. */
const matched = (source: number, record: MatchedRecord['record']): MatchedRecord => ({
  subject: 'subject',
  source,
  record,
  confidence: 'exact',
  evidence: [{ kind: 'email', field: 'EMAIL', holder: 'self', via: 'given', key: `email:${SUBJECT_EMAIL}` }],
  path: [],
  conflicts: [],
});

/** The extract of these records as the export builds it, on the day the tests use. */
const extractOf = async (records: MatchedRecord[], sources: ExtractSource[], lang: ExtractLang) =>
  buildExtract({
    register: (await loadRegister()).register,
    lang,
    generatedAt: '2025-05-16T08:30:00.000Z',
    asOf: '2025-05-16',
    fiscalYear: { start: '01-01' },
    subjectIdentifiers: [{ kind: 'email', value: SUBJECT_EMAIL }],
    records,
    sources,
    notRead: [],
  });

/** The letter's data rows: the field's name (its tags as `|`) and its value. */
const letterRows = (html: string): [string, string][] =>
  [...html.matchAll(/<td class="key">(.*?)<\/td><td class="value">([\s\S]*?)<\/td>/gu)].map((m) => [m[1]!.replace(/<[^>]+>/gu, '|'), m[2]!]);

describe('the HTML letter', () => {
  it('is dated, addressed and titled in Swedish', async () => {
    const h = await html('sv');
    expect(h).toMatch(/^<!DOCTYPE html>\n<html lang="sv">/u);
    expect(h).toContain('<h1>Registerutdrag enligt artikel 15 i dataskyddsförordningen</h1>');
    expect(h).toContain('<time datetime="2025-05-16">16 maj 2025</time>');
    expect(h).toContain(`<strong>Till:</strong> E-post ${SUBJECT_EMAIL}`);
    expect(h).toContain('<strong>OJCO International AB</strong>');
  });

  it('has the Art. 15(1)(a)-(h) sections in order, then 15(2), then the data, then the sources', async () => {
    const h = await html('sv');
    const order = [...SECTION_IDS, 'data', 'system-1', 'searched', 'not-read', 'redaction'].map((id) => h.indexOf(`id="${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const headings = [...h.matchAll(/<h2>([a-h])\) /gu)].map((m) => m[1]);
    expect(headings).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it("answers for this person's records: a concrete BF-1 date, the US transfer, the file not read", async () => {
    const h = await html('sv');
    const d = h.slice(h.indexOf('id="art15-1-d"'), h.indexOf('id="art15-1-e"'));
    expect(d).toContain('Faktura 2025007 (2025-02-03)</td><td>2032-12-31</td><td>2033-01-01</td>');
    expect(d).toContain('2026-07-12');
    const transfers = h.slice(h.indexOf('id="art15-2"'), h.indexOf('id="data"'));
    expect(transfers).toContain('Google Ireland Ltd / Google LLC (Google Analytics)');
    expect(h).toContain('lime/persons.csv:12');
    // The reason is the officer's technical message (kept in the JSON), not a text for the person.
    const notRead = h.slice(h.indexOf('id="not-read"'));
    expect(notRead).not.toContain('unbalanced quotes');
    expect(notRead).toMatch(/<td>crm<\/td>/u);
  });

  it("gives a record's place in its system without the file's name, which can name another person (a phone's vCard file); the data files keep it", async () => {
    const x = await sampleExtract();
    const r = x.records[0]!;
    const renamed = { ...x, records: [{ ...r, locator: { ...r.locator, file: 'contacts/John_Doe_ANDROID.vcf', line: 71 } }, ...x.records.slice(1)] };
    const letter = extractHtml(renamed).toString('utf8');
    expect(letter).not.toContain('John_Doe');
    expect(letter).toMatch(/rad 71/u);
    expect(extractJson(renamed).toString('utf8')).toContain('John_Doe_ANDROID.vcf');
  });

  it('dates itself in Swedish time as a reader writes a date, the instant kept in the markup', async () => {
    const x = { ...(await sampleExtract()), generatedAt: '2026-11-25T22:23:46.996Z' };
    const sv = extractHtml(x).toString('utf8');
    expect(sv).toContain('<time datetime="2026-11-25T22:23:46.996Z">25 november 2026 kl. 23:23 (svensk tid)</time>');
    const en = extractHtml({ ...(await sampleExtract('en')), generatedAt: '2026-07-01T10:00:00.000Z' }).toString('utf8');
    expect(en).toContain('>1 July 2026 at 12:00 (Swedish time)</time>');
  });

  it('escapes every value: a <script> in a field stays text', async () => {
    const h = await html('sv');
    expect(h).not.toMatch(/<script/iu);
    expect(h).toContain(esc(SCRIPT));
    expect(h).toContain(esc(FORMULA));
    expect(esc(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('loads nothing from outside: no scripts, no images, links only to mailto: and IMY', async () => {
    const h = await html('sv');
    expect(h).not.toMatch(/<(script|img|link|iframe|object|embed|video|audio|source|base|form)\b/iu);
    expect(h).not.toMatch(/@import|url\(/iu);
    const refs = [...h.matchAll(/\b(?:src|href|srcset|action|poster)\s*=\s*"([^"]*)"/giu)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r === 'https://www.imy.se' || r.startsWith('mailto:')).toBe(true);
    expect(h).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    // A URL in the data is shown as text, not a link.
    expect(h).toContain('https://www.ojco.example/kontakt');
    expect(h).not.toContain('href="https://www.ojco.example');
  });

  it('is print-friendly: @media print, one page per system', async () => {
    const h = await html('sv');
    expect(h).toContain('@media print');
    expect(h).toMatch(/section\.system\{break-before:page/u);
    expect((h.match(/<section class="system"/gu) ?? []).length).toBe(4);
  });

  it('removes third parties and says so (Art. 15(4))', async () => {
    const h = await html('sv');
    expect(h).not.toContain(THIRD_PARTY);
    expect(h).toContain('[uppgift om annan person borttagen]');
    expect(h).toContain('Borttaget (art. 15.4): body, toRecipients[0].emailAddress.address');
  });

  it('in English has the same structure and data with English words', async () => {
    const [sv, en] = [await html('sv'), await html('en')];
    expect(en).toMatch(/<html lang="en">/u);
    expect(en).toContain('<h1>Register extract under Article 15 of the General Data Protection Regulation (GDPR)</h1>');
    expect(en).toContain('<time datetime="2025-05-16">16 May 2025</time>');
    expect(en).toContain('<strong>To:</strong> E-mail');
    expect(en).toContain('a) Why we process your data');
    const ids = (s: string): string[] => [...s.matchAll(/ id="([^"]+)"/gu)].map((m) => m[1]!);
    expect(ids(en)).toEqual(ids(sv));
    const values = (s: string): string[] => [...s.matchAll(/<td class="value">([^<]*)<\/td>/gu)].map((m) => m[1]!);
    // The data is the same except for the language of the redaction marker and of yes and no.
    const words = (v: string, marker: string, yes: string, no: string): string => (v === yes ? 'Y' : v === no ? 'N' : v.replace(marker, 'R'));
    expect(values(en).map((v) => words(v, "[another person&#39;s data removed]", 'Yes', 'No'))).toEqual(
      values(sv).map((v) => words(v, '[uppgift om annan person borttagen]', 'Ja', 'Nej')),
    );
  });

  it("says yes or no for a system's true or false, in the letter's language; the data files keep the boolean", async () => {
    const [sv, en] = [letterRows(await html('sv')), letterRows(await html('en'))];
    // The sample's member: vip true, profile.consent {email: true, sms: false}.
    expect(sv).toContainEqual(['vip', 'Ja']);
    expect(sv).toContainEqual(['profile.consent.sms', 'Nej']);
    expect(en).toContainEqual(['vip', 'Yes']);
    expect(en).toContainEqual(['profile.consent.email', 'Yes']);
    expect(en).toContainEqual(['profile.consent.sms', 'No']);
    expect([...sv, ...en].some(([, v]) => v === 'true' || v === 'false')).toBe(false);
    const x = await sampleExtract('sv');
    expect(JSON.parse(extractJson(x).toString('utf8')).records[0].fields).toMatchObject({ vip: true, profile: { consent: { email: true, sms: false } } });
  });

  it('says "no" when nothing was found, and still gives the rights', async () => {
    const x = await sampleExtract('sv');
    const h = extractHtml({ ...x, records: [], confirmation: false, undecided: 0 }).toString('utf8');
    expect(h).toContain('Nej. Vi hittade inga personuppgifter om dig');
    expect(h).toContain('id="art15-1-e"');
    expect(h).not.toContain('class="system"');
  });

  it('does not say "no" while possible matches were left out undecided: they are being checked', async () => {
    const x = await sampleExtract('sv');
    const h = extractHtml({ ...x, records: [], confirmation: false, undecided: 5 }).toString('utf8');
    expect(h).not.toContain('Nej.');
    expect(h).toContain('Det kan vi inte svara på ännu');
    // With records, yes, and the rest is being checked.
    const yes = extractHtml({ ...x, undecided: 2 }).toString('utf8');
    expect(yes).toContain('Ja. Vi behandlar personuppgifter om dig');
    expect(yes).toContain('Vi hittade också uppgifter som kan gälla dig');
    expect(extractHtml({ ...x, undecided: 0 }).toString('utf8')).not.toContain('Vi hittade också');
  });
});

describe('a record held past its retention', () => {
  it('is marked overdue from the day after its last day, and the letter says it is due for deletion', async () => {
    const now = await sampleExtract('sv');
    const dated = now.records.filter((r) => r.retention.retainUntil);
    expect(dated.length).toBeGreaterThan(0);
    // Every date the sample gives lies after its asOf: nothing is overdue.
    expect(now.records.some((r) => r.retention.overdue)).toBe(false);
    expect(String(extractHtml(now))).not.toContain('lagringstiden har gått ut');
    const last = dated.map((r) => r.retention.retainUntil!).sort()[0]!;
    // On the last day it is still kept; the day after, it is overdue.
    const onTheDay = await sampleExtract('sv', last);
    expect(onTheDay.records.filter((r) => r.retention.retainUntil === last).every((r) => !r.retention.overdue)).toBe(true);
    const dayAfter = new Date(`${last}T00:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    const later = await sampleExtract('en', dayAfter.toISOString().slice(0, 10));
    const overdue = later.records.filter((r) => r.retention.overdue);
    expect(overdue.map((r) => r.retention.retainUntil)).toEqual(later.records.filter((r) => r.retention.retainUntil === last).map(() => last));
    expect(String(extractHtml(later))).toContain('the retention period has ended and the data is due for deletion');
  });
});

describe("the letter names a system's coded fields and writes its dates as dates", () => {
  // Synthetic records as the vCard and Visma Administration readers give them, described by the connectors' own field lists.
  const SOURCES: ExtractSource[] = [
    { name: 'kontakter', connector: 'office365', title: 'Office 365', records: 1, description: { entities: [{ entity: 'contact', title: 'Contact', category: 'mail-contact', fields: VCARD_FIELDS }] } },
    { name: 'administration', connector: 'visma', title: 'Visma', records: 1, description: { entities: [{ entity: 'customer', title: 'Customer', category: 'customer', fields: DBF_CUSTOMER_FIELDS }] } },
  ];
  const RECORDS: MatchedRecord[] = [
    matched(0, {
      entity: 'contact',
      category: 'mail-contact',
      locator: { file: 'kontakter/marta.vcf', line: 1, row: 1 },
      fields: { N: 'Märta Öberg', FN: 'Märta Öberg', BDAY: '19920728', EMAIL: SUBJECT_EMAIL, TEL: ['070-174 06 33 (cell)'], REV: '20250114T101500Z', 'X-UNKNOWN': '19920728' },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'EMAIL' }],
    }),
    matched(1, {
      entity: 'customer',
      category: 'customer',
      date: '2025-02-03',
      locator: { file: 'administration/KUND.DBF', row: 3 },
      fields: { KUNDNR: '1044', NAMN: 'Märta Öberg', EPOST: SUBJECT_EMAIL, FKTDAT: '20250203', LASTCHANGE: '1738573200', BTID_F: '34' },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'EPOST' }],
    }),
  ];
  const extract = (lang: ExtractLang) => extractOf(RECORDS, SOURCES, lang);

  it('in Swedish: the label with the system\'s name beside it, dates as YYYY-MM-DD and times in Swedish time', async () => {
    const x = await extract('sv');
    const r = letterRows(extractHtml(x, fieldLookup(SOURCES)).toString('utf8'));
    expect(r).toEqual([
      ['Namn (efternamn, förnamn och övriga delar) |N|', 'Märta Öberg'],
      ['Fullständigt namn |FN|', 'Märta Öberg'],
      ['Födelsedag |BDAY|', '1992-07-28'],
      ['E-post |EMAIL|', SUBJECT_EMAIL],
      ['Telefon › rad 1 |TEL[0]|', '070-174 06 33 (cell)'],
      ['Senast ändrat |REV|', '14 januari 2025 kl. 11:15'],
      // A field the connector does not describe: as exported, its value too.
      ['X-UNKNOWN', '19920728'],
      ['Kundnummer |KUNDNR|', '1044'],
      ['Namn |NAMN|', 'Märta Öberg'],
      ['E-post |EPOST|', SUBJECT_EMAIL],
      ['Senaste fakturadatum |FKTDAT|', '2025-02-03'],
      ['Senast ändrad |LASTCHANGE|', '3 februari 2025 kl. 10:00'],
      // A code the connector does not venture a meaning for keeps its name.
      ['BTID_F', '34'],
    ]);
  });

  it('in English, with English labels', async () => {
    const h = extractHtml(await extract('en'), fieldLookup(SOURCES)).toString('utf8');
    expect(h).toContain('<td class="key">Customer number <span class="field-key">KUNDNR</span></td><td class="value">1044</td>');
    expect(h).toContain('<td class="key">Birthday <span class="field-key">BDAY</span></td><td class="value">1992-07-28</td>');
    expect(h).toContain('<td class="key">Full name <span class="field-key">FN</span></td>');
    expect(h).toContain('<td class="key">Last changed <span class="field-key">LASTCHANGE</span></td><td class="value">3 February 2025 at 10:00</td>');
  });

  it('without the descriptions, shows every field as exported', async () => {
    const r = letterRows(extractHtml(await extract('sv')).toString('utf8'));
    expect(r).toContainEqual(['KUNDNR', '1044']);
    expect(r).toContainEqual(['BDAY', '19920728']);
    expect(r).toContainEqual(['LASTCHANGE', '1738573200']);
  });

  it('leaves the JSON and the CSV as the system has them: its names and its values', async () => {
    const x = await extract('sv');
    const json = JSON.parse(extractJson(x).toString('utf8')) as { records: { fields: Record<string, unknown> }[] };
    expect(json.records[0]!.fields).toMatchObject({ N: 'Märta Öberg', FN: 'Märta Öberg', BDAY: '19920728', REV: '20250114T101500Z' });
    expect(json.records[1]!.fields).toMatchObject({ KUNDNR: '1044', FKTDAT: '20250203', LASTCHANGE: '1738573200' });
    const csv = extractCsvFiles(x, 'registerutdrag-2025-05-16').map((f) => f.data.toString('utf8')).join('\n');
    for (const raw of ['BDAY', '19920728', 'KUNDNR', '20250203', 'LASTCHANGE', '1738573200']) expect(csv).toContain(raw);
    for (const label of ['Födelsedag', 'Kundnummer', '1992-07-28', '2025-02-03 09:00']) expect(csv).not.toContain(label);
  });
});

describe('the letter shows nested fields by their labels and an HTML e-mail body as text', () => {
  const SOURCES: ExtractSource[] = [
    { name: 'post', connector: 'office365', title: 'Office 365', records: 1, description: { entities: [{ entity: 'message', title: 'Message', category: 'mail-message', fields: GRAPH_MESSAGE_FIELDS }] } },
    { name: 'spiris', connector: 'visma', title: 'Visma', records: 1, description: { entities: [{ entity: 'invoice', title: 'Invoice', category: 'invoice', fields: API_INVOICE_FIELDS }] } },
    { name: 'ga4', connector: 'google-analytics', title: 'GA4', records: 1, description: { entities: [{ entity: 'event', title: 'Event', category: 'web-analytics', fields: BIGQUERY_FIELDS }] } },
  ];
  const BODY =
    '<html><head><style>p{color:red}</style><script>alert("x")</script></head><body><div>Tack f&ouml;r svaret &amp; hej!</div><div><br></div>' +
    '<p>Märta   Öberg<br>070-174&nbsp;06&nbsp;33</p><p>&lt;b&gt; är inte fet</p></body></html>';
  const RECORDS: MatchedRecord[] = [
    matched(0, {
      entity: 'message',
      category: 'mail-message',
      locator: { file: 'post/messages.json', pointer: '/value/0' },
      fields: {
        subject: 'Leverans',
        body: { contentType: 'html', content: BODY },
        uniqueBody: { contentType: 'text', content: '<p> is how HTML starts a paragraph' },
        from: { emailAddress: { name: 'Märta Öberg', address: SUBJECT_EMAIL } },
      },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'from/emailAddress/address' }],
    }),
    matched(1, {
      entity: 'invoice',
      category: 'invoice',
      date: '2025-02-03',
      locator: { file: 'spiris/invoices.json', pointer: '/Data/0' },
      fields: { InvoiceNumber: 2025007, CustomerEmail: SUBJECT_EMAIL, Rows: [{ Text: 'Hemstädning', PercentVat: 0.25 }, { Text: 'Fönsterputs', PercentVat: 0.25 }] },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'CustomerEmail' }],
    }),
    matched(2, {
      entity: 'event',
      category: 'web-analytics',
      locator: { file: 'ga4/events.ndjson', line: 1 },
      fields: {
        user_id: SUBJECT_EMAIL,
        event_params: [
          { key: 'page_title', value: { string_value: 'Kontakt' } },
          { key: 'ga_session_id', value: { int_value: 1747037650 } },
          { value: { int_value: 7 } },
        ],
      },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'user_id' }],
    }),
  ];
  const extract = (lang: ExtractLang) => extractOf(RECORDS, SOURCES, lang);

  it('in Swedish: parts by their labels, list items numbered or named by their key, the HTML body as escaped text', async () => {
    const h = extractHtml(await extract('sv'), fieldLookup(SOURCES)).toString('utf8');
    const r = letterRows(h);
    expect(r).toContainEqual(['Från › E-postadress |from.emailAddress.address|', SUBJECT_EMAIL]);
    // A share written as a fraction is a percentage in the letter (the data files keep 0.25).
    expect(r).toContainEqual(['Fakturarader › rad 1 › Momssats |Rows[0].PercentVat|', '25\u00a0%']);
    expect(r).toContainEqual(['Fakturarader › rad 2 › Text |Rows[1].Text|', 'Fönsterputs']);
    const params = 'Händelsens parametrar (sida, rubrik, hänvisning m.m.)';
    expect(r).toContainEqual([`${params} › ga_session_id › Värde |event_params[1].value.int_value|`, '1747037650']);
    // The key is in the label: its own row would say it again. A parameter without one is numbered.
    expect(r.some(([k]) => k.includes('event_params[1].key'))).toBe(false);
    expect(r).toContainEqual([`${params} › rad 3 › Värde |event_params[2].value.int_value|`, '7']);
    // Block elements and <br> as line breaks, entities decoded, script and style gone, spaces collapsed; then escaped.
    expect(r).toContainEqual(['Meddelandet › Text |body.content|', 'Tack för svaret &amp; hej!\n\nMärta Öberg\n070-174\u00a006\u00a033\n\n&lt;b&gt; är inte fet']);
    expect(h).not.toContain('alert(');
    expect(h).not.toContain('<div>Tack');
    expect(h).not.toContain('<b>');
    // A body whose contentType says text is text, whatever it looks like.
    expect(r).toContainEqual(['Meddelandet utan citerade svar › Text |uniqueBody.content|', '&lt;p&gt; is how HTML starts a paragraph']);
  });

  it('in English: row numbers and labels in English', async () => {
    const r = letterRows(extractHtml(await extract('en'), fieldLookup(SOURCES)).toString('utf8'));
    expect(r).toContainEqual(['Invoice rows › row 2 › VAT rate |Rows[1].PercentVat|', '25%']);
    expect(r).toContainEqual(['From › E-mail address |from.emailAddress.address|', SUBJECT_EMAIL]);
  });

  it('without the descriptions, shows the paths and the markup as exported (escaped)', async () => {
    const r = letterRows(extractHtml(await extract('sv')).toString('utf8'));
    expect(r).toContainEqual(['Rows[0].PercentVat', '0.25']);
    expect(r).toContainEqual(['body.content', esc(BODY)]);
  });

  it('leaves the JSON and the CSV as exported: the markup and the paths', async () => {
    const x = await extract('sv');
    const json = JSON.parse(extractJson(x).toString('utf8')) as { records: { fields: Record<string, unknown> }[] };
    expect(json.records.find((rec) => 'body' in rec.fields)!.fields['body']).toEqual({ contentType: 'html', content: BODY });
    const csv = extractCsvFiles(x, 'registerutdrag-2025-05-16').map((f) => f.data.toString('utf8')).join('\n');
    expect(csv).toContain('<script>alert(""x"")</script>');
    expect(csv).toContain('Rows[0].PercentVat');
    for (const label of ['Fakturarader', 'Momssats', 'Meddelandet', 'Tack för svaret']) expect(csv).not.toContain(label);
  });
});

describe('the letter writes ISO 8601 times as times in Swedish time, in its language', () => {
  const SOURCES: ExtractSource[] = [
    { name: 'post', connector: 'office365', title: 'Office 365', records: 1, description: { entities: [{ entity: 'message', title: 'Message', category: 'mail-message', fields: GRAPH_MESSAGE_FIELDS }] } },
  ];
  const RECORDS: MatchedRecord[] = [
    matched(0, {
      entity: 'message',
      category: 'mail-message',
      locator: { file: 'post/messages.json', pointer: '/value/0' },
      fields: {
        subject: '2025-03-14T09:12:44Z',
        receivedDateTime: '2025-03-14T09:12:44Z',
        lastModifiedDateTime: '2025-06-02T18:20:41.0000000Z',
        // A day stays a day; a time that is not ISO 8601's, or not a time at all, stays as it is.
        due: '2025-02-03',
        optin: '2023-03-02 19:14:55',
        bodyPreview: 'Mottaget 2025-03-14T09:12:44Z',
        from: { emailAddress: { name: 'Märta Öberg', address: SUBJECT_EMAIL } },
      },
      identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'from/emailAddress/address' }],
    }),
  ];

  it('in Swedish and English, with or without the descriptions, and says once that the times are Swedish', async () => {
    const sv = extractHtml(await extractOf(RECORDS, SOURCES, 'sv'), fieldLookup(SOURCES)).toString('utf8');
    expect(letterRows(sv)).toEqual([
      // A value is a time by what it is, whatever its field.
      ['Ämne |subject|', '14 mars 2025 kl. 10:12'],
      ['Mottaget |receivedDateTime|', '14 mars 2025 kl. 10:12'],
      ['Senast ändrat |lastModifiedDateTime|', '2 juni 2025 kl. 20:20'],
      ['due', '2025-02-03'],
      ['optin', '2023-03-02 19:14:55'],
      ['Början av meddelandet |bodyPreview|', 'Mottaget 2025-03-14T09:12:44Z'],
      ['Från › Namn |from.emailAddress.name|', 'Märta Öberg'],
      ['Från › E-postadress |from.emailAddress.address|', SUBJECT_EMAIL],
    ]);
    expect(sv).toContain('<h2 id="data">Dina uppgifter, system för system</h2>\n<p class="record-meta">Tidpunkter anges i svensk tid.</p>');
    const en = extractHtml(await extractOf(RECORDS, SOURCES, 'en')).toString('utf8');
    expect(letterRows(en)).toContainEqual(['receivedDateTime', '14 March 2025 at 10:12']);
    expect(en).toContain('<p class="record-meta">Times are given in Swedish time.</p>');
  });

  it('leaves the JSON and the CSV with the times as exported', async () => {
    const x = await extractOf(RECORDS, SOURCES, 'sv');
    const json = JSON.parse(extractJson(x).toString('utf8')) as { records: { fields: Record<string, unknown> }[] };
    expect(json.records[0]!.fields).toMatchObject({ receivedDateTime: '2025-03-14T09:12:44Z', lastModifiedDateTime: '2025-06-02T18:20:41.0000000Z' });
    const csv = extractCsvFiles(x, 'registerutdrag-2025-05-16').map((f) => f.data.toString('utf8')).join('\n');
    expect(csv).toContain('2025-03-14T09:12:44Z');
    expect(csv).not.toContain('mars 2025');
  });
});
