import { describe, expect, it } from 'vitest';
import {
  API_CUSTOMER_FIELDS,
  API_INVOICE_FIELDS,
  API_LEDGER_FIELDS,
  API_VOUCHER_FIELDS,
  CUSTOMER_LABELS,
  DBF_CUSTOMER_LOGICALS,
  DBF_CONTACT_FIELDS,
  DBF_CUSTOMER_FIELDS,
  DBF_LABELS,
  INVOICE_LABELS,
  LEDGER_LABELS,
  SIE_VOUCHER_FIELDS,
  VOUCHER_LABELS,
} from '../../connectors/visma/fields.ts';
import { GRAPH_CONTACT_FIELDS, GRAPH_LABELS, GRAPH_MESSAGE_FIELDS, TRACE_FIELDS, TRACE_LABELS, VCARD_FIELDS, VCARD_LABELS } from '../../connectors/office365/fields.ts';
import { ACTIVITY_FIELDS, ACTIVITY_LABELS, BEEHIIV_LABELS, MAILCHIMP_FIELDS, MAILCHIMP_LABELS, MAPPED_FIELDS } from '../../connectors/newsletter/fields.ts';
import { BIGQUERY_FIELDS, FIVETRAN_FIELDS, GA_LABELS, userIdField } from '../../connectors/google-analytics/fields.ts';
import { genericFields, LIME_LABELS, LIMETYPES } from '../../connectors/lime/fields.ts';
import { fieldLabel, fieldLookup, htmlAsText, letterDate, letterDateTime, letterLeaves } from '../../src/report/letter-fields.ts';
import { DBASE_LOGICAL, withExtraFields, withLabels, withLogical, type FieldLabels } from '../../src/sources/classify.ts';
import { describedField, type FieldDateFormat, type FieldDescription } from '../../src/sources/contract.ts';
import lime from '../../connectors/lime/index.ts';

describe('letterDate', () => {
  const valid: [string | number, FieldDateFormat, string][] = [
    // vCard 2.1 and dBase type D: basic notation.
    ['19800131', 'date', '1980-01-31'],
    ['1980-01-31', 'date', '1980-01-31'],
    [' 19800131 ', 'date', '1980-01-31'],
    ['20000229', 'date', '2000-02-29'],
    // vCard REV: a UTC time, basic or extended, in Swedish time (CET in January).
    ['20250114T101500Z', 'date', '14 januari 2025 kl. 11:15'],
    ['2025-01-14T10:15:00Z', 'date', '14 januari 2025 kl. 11:15'],
    ['2025-01-14T10:15:00.5570000Z', 'date', '14 januari 2025 kl. 11:15'],
    ['2025-01-14T10:15+0100', 'date', '14 januari 2025 kl. 10:15'],
    // Without a zone the time is shown as written; midnight without one is the day it means.
    ['2025-01-14 10:15:00', 'date', '2025-01-14 10:15:00'],
    ['2025-01-14T00:00:00', 'date', '2025-01-14'],
    [19800131, 'date', '1980-01-31'],
    // dBase numbers: seconds since 1970 (Visma Administration's LASTCHANGE, TIMESTAMP), CEST in April.
    ['1303193119', 'unix-seconds', '19 april 2011 kl. 08:05'],
    [1552640400, 'unix-seconds', '15 mars 2019 kl. 10:00'],
    ['951782400', 'unix-seconds', '29 februari 2000 kl. 01:00'],
    // GA4 BigQuery: event_date and microseconds since 1970.
    ['20250512', 'date', '2025-05-12'],
    ['1747045200123456', 'unix-micros', '12 maj 2025 kl. 12:20'],
    [1747045200123456, 'unix-micros', '12 maj 2025 kl. 12:20'],
  ];
  it.each(valid)('%j (%s) is %s', (value, format, shown) => {
    expect(letterDate(value, format, 'sv')).toBe(shown);
  });

  it("writes an instant in the letter's language, a day as YYYY-MM-DD in both", () => {
    expect(letterDate(1552640400, 'unix-seconds', 'en')).toBe('15 March 2019 at 10:00');
    expect(letterDate('20250114T101500Z', 'date', 'en')).toBe('14 January 2025 at 11:15');
    expect(letterDate('19800131', 'date', 'en')).toBe('1980-01-31');
  });

  // Not a date in that format: the letter shows the value as it is.
  const invalid: [string | number | boolean | null, FieldDateFormat][] = [
    ['19800231', 'date'],
    ['19801301', 'date'],
    ['1980-0131', 'date'],
    ['--0131', 'date'],
    ['1/31/1980', 'date'],
    ['0.0.00', 'date'],
    ['20250114T251500Z', 'date'],
    ['20250114T101500+1500', 'date'],
    ['18991231T230000Z', 'date'],
    ['070-1740612', 'date'],
    ['', 'date'],
    [true, 'date'],
    [null, 'date'],
    ['0', 'unix-seconds'],
    [0, 'unix-seconds'],
    ['-5', 'unix-seconds'],
    ['12.5', 'unix-seconds'],
    ['abc', 'unix-seconds'],
    ['0', 'unix-micros'],
    ['12.5', 'unix-micros'],
    ['2025-05-12 10:20:00 UTC', 'unix-micros'],
  ];
  it.each(invalid)('%j (%s) is not shown as a date', (value, format) => {
    expect(letterDate(value, format, 'sv')).toBeUndefined();
  });
});

describe('letterDateTime: any value that is an ISO 8601 date and time', () => {
  const valid: [string, string, string][] = [
    // Graph: UTC, in Swedish time (CET in March, CEST in June).
    ['2025-03-14T09:12:44Z', '14 mars 2025 kl. 10:12', '14 March 2025 at 10:12'],
    ['2025-06-02T18:20:41Z', '2 juni 2025 kl. 20:20', '2 June 2025 at 20:20'],
    ['2025-03-14T09:12Z', '14 mars 2025 kl. 10:12', '14 March 2025 at 10:12'],
    // The message trace's seven decimals; Lime's six and its offset.
    ['2025-06-02T18:20:41.0000000Z', '2 juni 2025 kl. 20:20', '2 June 2025 at 20:20'],
    ['2024-02-05T16:20:00.000000+01:00', '5 februari 2024 kl. 16:20', '5 February 2024 at 16:20'],
    // Exactly midnight in Swedish time is how a system writes a day (Lime's expireddate): the day.
    ['2025-06-30T00:00:00+02:00', '2025-06-30', '2025-06-30'],
    ['2025-01-14T23:00:00Z', '2025-01-15', '2025-01-15'],
    ['2025-06-29T22:00:00.000000Z', '2025-06-30', '2025-06-30'],
    // A moment after midnight, or midnight elsewhere, is a time.
    ['2025-06-30T00:00:00.5+02:00', '30 juni 2025 kl. 00:00', '30 June 2025 at 00:00'],
    ['2025-06-30T00:00:01+02:00', '30 juni 2025 kl. 00:00', '30 June 2025 at 00:00'],
    ['2025-06-30T00:00:00Z', '30 juni 2025 kl. 02:00', '30 June 2025 at 02:00'],
    // Another zone, across a year's end.
    ['2024-12-31T23:30:00-05:00', '1 januari 2025 kl. 05:30', '1 January 2025 at 05:30'],
    // Both sides of the changes to and from summer time.
    ['2025-03-30T00:59:59Z', '30 mars 2025 kl. 01:59', '30 March 2025 at 01:59'],
    ['2025-03-30T01:00:00Z', '30 mars 2025 kl. 03:00', '30 March 2025 at 03:00'],
    ['2025-10-26T00:59:59Z', '26 oktober 2025 kl. 02:59', '26 October 2025 at 02:59'],
    ['2025-10-26T01:00:00Z', '26 oktober 2025 kl. 02:00', '26 October 2025 at 02:00'],
    // Without a zone: midnight is the day (Spiris's LastInvoiceDate), another time is shown as written.
    ['2025-02-03T00:00:00', '2025-02-03', '2025-02-03'],
    ['2025-02-03T00:00:00.000', '2025-02-03', '2025-02-03'],
    ['2025-02-03T09:30:00', '2025-02-03 09:30:00', '2025-02-03 09:30:00'],
    ['2025-02-03T09:30', '2025-02-03 09:30', '2025-02-03 09:30'],
  ];
  it.each(valid)('%s is %s, in English %s', (value, sv, en) => {
    expect(letterDateTime(value, 'sv')).toBe(sv);
    expect(letterDateTime(value, 'en')).toBe(en);
  });

  // Anything else is shown as it is.
  const invalid = [
    // A date alone stays a date; a number or a word is no time.
    '2025-02-03',
    '20250203',
    '1747045200123456',
    'Avslutat',
    // Not the extended format RFC 3339 profiles: basic, a space for the T, lower case, a comma, a sign on the year.
    '20250314T091244Z',
    '2025-03-14 09:12:44Z',
    '2025-03-14t09:12:44z',
    '2025-03-14T09:12:44,5Z',
    '+2025-03-14T09:12:44Z',
    '2025-03-14T09',
    '2025-03-14T09:12:44+0100',
    '2025-03-14T09:12:44+01',
    '2025-03-14T09:12:44.1234567890Z',
    // Something around it.
    ' 2025-03-14T09:12:44Z',
    '2025-03-14T09:12:44Z ',
    'Mottaget 2025-03-14T09:12:44Z',
    '2025-03-14T09:12:44Z/2025-03-15T09:12:44Z',
    // Dates and times that do not exist, and offsets no zone has.
    '2025-02-29T10:00:00Z',
    '2025-02-30T10:00:00',
    '2025-13-01T10:00:00Z',
    '2025-03-14T24:00:00Z',
    '2025-03-14T09:60:00Z',
    '2025-03-14T09:12:60Z',
    '2025-03-14T09:12:44+15:00',
    '2025-03-14T09:12:44+01:60',
    // Before 1900 Stockholm kept local mean time; year one is a placeholder.
    '1899-12-31T22:00:00Z',
    '0001-01-01T00:00:00Z',
  ];
  it.each(invalid)('%j is not', (value) => {
    expect(letterDateTime(value, 'sv')).toBeUndefined();
  });
});

describe('the connectors name their coded fields for the letter', () => {
  const labelled = (fields: FieldDescription[], name: string): FieldDescription => {
    const f = fields.find((x) => x.name === name);
    expect(f, name).toBeDefined();
    return f!;
  };

  it('label only fields they describe (a misspelt name would label nothing)', () => {
    const vcard = new Set(VCARD_FIELDS.map((f) => f.name));
    for (const name of Object.keys(VCARD_LABELS)) expect(vcard, name).toContain(name);
    const dbf = new Set([...DBF_CUSTOMER_FIELDS, ...DBF_CONTACT_FIELDS].map((f) => f.name));
    for (const name of Object.keys(DBF_LABELS)) expect(dbf, name).toContain(name);
    // A part's label (`Rows.PercentVat`) belongs to the field its path starts with.
    const tables: [FieldLabels, FieldDescription[]][] = [
      [GA_LABELS, [...BIGQUERY_FIELDS, ...FIVETRAN_FIELDS, userIdField('userId')]],
      [INVOICE_LABELS, API_INVOICE_FIELDS],
      [CUSTOMER_LABELS, API_CUSTOMER_FIELDS],
      [LEDGER_LABELS, API_LEDGER_FIELDS],
      [VOUCHER_LABELS, [...API_VOUCHER_FIELDS, ...SIE_VOUCHER_FIELDS]],
      [GRAPH_LABELS, [...GRAPH_CONTACT_FIELDS, ...GRAPH_MESSAGE_FIELDS]],
      [TRACE_LABELS, TRACE_FIELDS],
      [ACTIVITY_LABELS, ACTIVITY_FIELDS],
      [MAILCHIMP_LABELS, MAILCHIMP_FIELDS],
      [BEEHIIV_LABELS, MAPPED_FIELDS],
    ];
    const lime = [...genericFields(), ...Object.values(LIMETYPES).flatMap((t) => t.fields)];
    tables.push([LIME_LABELS, lime]);
    for (const [labels, fields] of tables) {
      const names = new Set(fields.map((f) => f.name));
      for (const path of Object.keys(labels)) expect(names, path).toContain(path.split('.')[0]);
    }
    expect(labelled(BIGQUERY_FIELDS, 'event_timestamp').dateFormat).toBe('unix-micros');
    expect(fieldLabel(labelled(BIGQUERY_FIELDS, 'event_date'), 'sv')).toBe('Datum för händelsen');
    expect(fieldLabel(userIdField('customerNo'), 'en')).toBe('User id on the site');
    // Google's and Mailchimp's own numbers say whose they are.
    expect(fieldLabel(labelled(BIGQUERY_FIELDS, 'event_bundle_sequence_id'), 'sv')).toBe('Löpnummer för sändningen till Google');
    expect(fieldLabel(labelled(MAILCHIMP_FIELDS, 'LEID'), 'en')).toBe('Id in Mailchimp (as a member of the list)');
    expect(fieldLabel(labelled(ACTIVITY_FIELDS, 'list_id'), 'sv')).toBe('Listans id i Mailchimp');
  });

  it("Lime: the system properties, the relations' ids and the core data model's fields, on every limetype", () => {
    const d = lime.describe(lime.optionsSchema.parse({ limetypes: { kursanmalan: { category: 'crm-event', title: 'Kursanmälan' } }, fields: { kurs: 'interest', inactive: 'customer-account' } }));
    const of = (entity: string, name: string): FieldDescription | undefined => describedField(d, entity, name);
    expect(fieldLabel(of('person', '_createduser'), 'sv')).toBe('Skapad av (användare i Lime, id)');
    expect(fieldLabel(of('history', 'person'), 'en')).toBe('Person (id in Lime)');
    expect(fieldLabel(of('helpdesk', 'coworker'), 'sv')).toBe('Ansvarig medarbetare hos oss (id i Lime)');
    expect(fieldLabel(of('person', 'emailhardbounce'), 'sv')).toBe('E-post till adressen kommer i retur');
    expect(of('helpdesk', 'status')).toMatchObject({ label: { sv: 'Status', en: 'Status' }, option: true });
    // A solution's own limetype has the rule for every limetype; the config's classification keeps the label; its own fields keep their names.
    expect(fieldLabel(of('kursanmalan', '_timestamp'), 'sv')).toBe('Senast ändrad');
    expect(of('person', 'inactive')).toMatchObject({ category: 'customer-account', label: { sv: 'Inaktiv', en: 'Inactive' } });
    expect(fieldLabel(of('kursanmalan', 'kurs'), 'sv')).toBeUndefined();
  });

  it('vCard: FN, N and the dates of a card', () => {
    expect(fieldLabel(labelled(VCARD_FIELDS, 'FN'), 'sv')).toBe('Fullständigt namn');
    expect(fieldLabel(labelled(VCARD_FIELDS, 'N'), 'en')).toBe('Name (family, given and other names)');
    expect(labelled(VCARD_FIELDS, 'BDAY')).toMatchObject({ label: { sv: 'Födelsedag', en: 'Birthday' }, dateFormat: 'date' });
    expect(labelled(VCARD_FIELDS, 'REV').dateFormat).toBe('date');
    // The classification is as it was.
    expect(labelled(VCARD_FIELDS, 'FN')).toMatchObject({ category: 'identity', personal: true, identifier: 'name' });
  });

  it('Visma Administration: KUNDNR and its dates, YYYYMMDD and seconds since 1970', () => {
    expect(fieldLabel(labelled(DBF_CUSTOMER_FIELDS, 'KUNDNR'), 'sv')).toBe('Kundnummer');
    expect(fieldLabel(labelled(DBF_CONTACT_FIELDS, 'KUNDNR'), 'en')).toBe('Customer number');
    expect(labelled(DBF_CUSTOMER_FIELDS, 'FKTDAT').dateFormat).toBe('date');
    expect(labelled(DBF_CUSTOMER_FIELDS, 'LASTCHANGE').dateFormat).toBe('unix-seconds');
    expect(labelled(DBF_CONTACT_FIELDS, 'TIMESTAMP').dateFormat).toBe('unix-seconds');
  });
});

describe('the letter names the common fields of Spiris, Graph and SIE in words', () => {
  const label = (fields: FieldDescription[], name: string, lang: 'sv' | 'en' = 'sv'): string | undefined => fieldLabel(fields.find((f) => f.name === name), lang);

  it('Spiris (eAccounting): invoice, customer and ledger item', () => {
    expect(label(API_INVOICE_FIELDS, 'InvoiceNumber')).toBe('Fakturanummer');
    expect(label(API_INVOICE_FIELDS, 'TotalAmount', 'en')).toBe('Total amount');
    expect(label(API_INVOICE_FIELDS, 'RemainingAmount')).toBe('Kvar att betala');
    expect(label(API_CUSTOMER_FIELDS, 'CustomerNumber')).toBe('Kundnummer');
    expect(label(API_CUSTOMER_FIELDS, 'EmailAddress', 'en')).toBe('E-mail');
    expect(label(API_LEDGER_FIELDS, 'DueDate')).toBe('Förfallodatum');
  });

  it('Graph: names, subject and the beginning of a message', () => {
    expect(label(GRAPH_CONTACT_FIELDS, 'displayName')).toBe('Namn som visas');
    expect(label(GRAPH_CONTACT_FIELDS, 'givenName')).toBe('Förnamn');
    expect(label(GRAPH_CONTACT_FIELDS, 'surname', 'en')).toBe('Surname');
    expect(label(GRAPH_MESSAGE_FIELDS, 'subject')).toBe('Ämne');
    expect(label(GRAPH_MESSAGE_FIELDS, 'bodyPreview', 'en')).toBe('Beginning of the message');
  });

  it('SIE: the #VER fields of a voucher, its dates as dates', () => {
    expect(['series', 'number', 'date', 'text', 'regDate', 'sign'].map((n) => label(SIE_VOUCHER_FIELDS, n))).toEqual([
      'Verifikationsserie', 'Verifikationsnummer', 'Verifikationsdatum', 'Verifikationstext', 'Registreringsdatum', 'Registrerad av (signatur)',
    ]);
    expect(SIE_VOUCHER_FIELDS.find((f) => f.name === 'regDate')!.dateFormat).toBe('date');
  });
});

describe('logicals: a yes or a no written as text, where the format says so', () => {
  const leaf = (fields: FieldDescription[], name: string, value: unknown, lang: 'sv' | 'en' = 'sv'): string[] =>
    letterLeaves(fields.find((f) => f.name === name), name, value, lang).map((l) => l.shown);

  it("dBase type L (Visma Administration's KRAVBREV, REKL_EPOST) is Ja or Nej; its other values as they are", () => {
    expect(leaf(DBF_CUSTOMER_FIELDS, 'KRAVBREV', 'T')).toEqual(['Ja']);
    expect(leaf(DBF_CUSTOMER_FIELDS, 'REKL_EPOST', 'F')).toEqual(['Nej']);
    expect(leaf(DBF_CUSTOMER_FIELDS, 'REKL_EPOST', 'y', 'en')).toEqual(['Yes']);
    expect(leaf(DBF_CONTACT_FIELDS, 'REKL_SMS', 'n')).toEqual(['Nej']);
    expect(leaf(DBF_CUSTOMER_FIELDS, 'KRAVBREV', 'X')).toEqual(['X']);
    // Not a logical: a text field that says T stays T (never guessed from the value).
    expect(leaf(DBF_CUSTOMER_FIELDS, 'KORTNAMN', 'T')).toEqual(['T']);
    expect(leaf(DBF_CUSTOMER_FIELDS, 'SEX', 'F')).toEqual(['F']);
    expect(DBF_CUSTOMER_FIELDS.filter((f) => f.logical).map((f) => f.name).sort()).toEqual([...DBF_CUSTOMER_LOGICALS].sort());
    expect(() => withLogical(DBF_CUSTOMER_FIELDS, ['KRAVBREF'], DBASE_LOGICAL)).toThrow(/KRAVBREF/u);
  });

  it("GA4's privacy_info Yes and No are Ja and Nej in the Swedish letter", () => {
    const privacy = BIGQUERY_FIELDS.find((f) => f.name === 'privacy_info');
    const leaves = letterLeaves(privacy, 'privacy_info', { analytics_storage: 'Yes', ads_storage: 'No', uses_transient_token: '' }, 'sv');
    expect(leaves.map((l) => [l.label, l.shown])).toEqual([
      ['Samtycke när händelsen samlades in › Kakor för statistik', 'Ja'],
      ['Samtycke när händelsen samlades in › Kakor för annonser', 'Nej'],
      ['Samtycke när händelsen samlades in › Tillfällig token i stället för kaka', ''],
    ]);
    // The data files keep the value as exported.
    expect(leaves[0]!.value).toBe('Yes');
    const device = BIGQUERY_FIELDS.find((f) => f.name === 'device');
    expect(letterLeaves(device, 'device', { is_limited_ad_tracking: 'No' }, 'sv').map((l) => [l.label, l.shown])).toEqual([['Enhet › Begränsad annonsspårning', 'Nej']]);
  });

  it("is kept when the config classifies the field anew", () => {
    const out = withExtraFields(DBF_CUSTOMER_FIELDS, { KRAVBREV: 'customer-account' });
    expect(out.find((f) => f.name === 'KRAVBREV')!.logical).toEqual(DBASE_LOGICAL);
  });
});

describe("codes: a value from a system's fixed list, in words where the connector names it", () => {
  const leaf = (fields: FieldDescription[], name: string, value: unknown, lang: 'sv' | 'en' = 'sv'): string[] =>
    letterLeaves(fields.find((f) => f.name === name), name, value, lang).map((l) => l.shown);

  it("Mailchimp's and beehiiv's status, in the letter's language, without case and surrounding spaces; the data keeps the code", () => {
    const member = [...MAILCHIMP_FIELDS, ...MAPPED_FIELDS];
    expect(leaf(member, 'status', 'subscribed')).toEqual(['Prenumererar']);
    expect(leaf(member, 'status', 'subscribed', 'en')).toEqual(['Subscribed']);
    expect(leaf(member, 'status', ' Unsubscribed ')).toEqual(['Avregistrerad']);
    for (const code of ['cleaned', 'nonsubscribed', 'pending', 'transactional', 'archived', 'active', 'inactive']) {
      expect(leaf(member, 'status', code)[0], code).not.toBe(code);
    }
    // A code no table names passes through as it is.
    expect(leaf(member, 'status', 'on-hold')).toEqual(['on-hold']);
    expect(letterLeaves(member.find((f) => f.name === 'status'), 'status', 'subscribed', 'sv')[0]).toMatchObject({ value: 'subscribed', shown: 'Prenumererar' });
    // beehiiv's tier and its tier columns' Yes and No.
    expect(leaf(member, 'tier', 'premium')).toEqual(['Betald']);
    expect(leaf(member, 'Gold Tier', 'Yes', 'en')).toEqual(['Yes']);
    expect(leaf(member, 'Free Tier', 'No')).toEqual(['Nej']);
    // Mailchimp's campaign activity.
    const activity = ACTIVITY_FIELDS.find((f) => f.name === 'activity');
    expect(letterLeaves(activity, 'activity', [{ action: 'bounce', type: 'hard' }, { action: 'open' }], 'sv').map((l) => [l.label, l.shown])).toEqual([
      ['Öppningar och klick › rad 1 › Händelse', 'Kom i retur'],
      ['Öppningar och klick › rad 1 › Typ', 'Permanent (adressen tar inte emot e-post)'],
      ['Öppningar och klick › rad 2 › Händelse', 'Öppnade'],
    ]);
  });

  it("Graph's flag, importance and inbox tab", () => {
    expect(leaf(GRAPH_MESSAGE_FIELDS, 'importance', 'high')).toEqual(['Hög']);
    expect(leaf(GRAPH_MESSAGE_FIELDS, 'importance', 'low', 'en')).toEqual(['Low']);
    expect(leaf(GRAPH_MESSAGE_FIELDS, 'inferenceClassification', 'focused')).toEqual(['Prioriterat']);
    expect(leaf(GRAPH_MESSAGE_FIELDS, 'inferenceClassification', 'other', 'en')).toEqual(['Other']);
    const flag = GRAPH_MESSAGE_FIELDS.find((f) => f.name === 'flag');
    expect(letterLeaves(flag, 'flag', { flagStatus: 'notFlagged' }, 'sv').map((l) => [l.label, l.path, l.shown, l.value])).toEqual([['Flagga › Status', 'flag.flagStatus', 'Inte flaggat', 'notFlagged']]);
    expect(letterLeaves(flag, 'flag', { flagStatus: 'complete' }, 'en')[0]!.shown).toBe('Complete');
    expect(letterLeaves(flag, 'flag', { flagStatus: 'someNewStatus' }, 'en')[0]!.shown).toBe('someNewStatus');
  });

  it("the message trace's Status, event and direction; recipient_status's events after each recipient", () => {
    expect(leaf(TRACE_FIELDS, 'Status', 'Delivered')).toEqual(['Levererat']);
    expect(leaf(TRACE_FIELDS, 'Status', 'FilteredAsSpam', 'en')).toEqual(['Filtered as spam']);
    expect(leaf(TRACE_FIELDS, 'Status', 'GettingStatus')).toEqual(['Status hämtas']);
    expect(leaf(TRACE_FIELDS, 'event_id', 'DELIVER', 'en')).toEqual(['Delivered']);
    expect(leaf(TRACE_FIELDS, 'directionality', 'Incoming')).toEqual(['Inkommande']);
    expect(leaf(TRACE_FIELDS, 'recipient_status', 'asa@x.example##Receive, Send;faktura@x.example##Receive, Deliver')).toEqual([
      'asa@x.example: Mottaget, Skickat vidare; faktura@x.example: Mottaget, Levererat',
    ]);
    expect(leaf(TRACE_FIELDS, 'recipient_status', 'info@ojco.example##Receive, Fail', 'en')).toEqual(['info@ojco.example: Received, Failed']);
    // An event no table names stays as it is beside those it does; a value with none it names is shown whole, as exported.
    expect(leaf(TRACE_FIELDS, 'recipient_status', 'a@x.example##Receive, Frobnicate')).toEqual(['a@x.example: Mottaget, Frobnicate']);
    expect(leaf(TRACE_FIELDS, 'recipient_status', '250 2.1.5 RESOLVER.ADR.Delivered')).toEqual(['250 2.1.5 RESOLVER.ADR.Delivered']);
    expect(leaf(TRACE_FIELDS, 'recipient_status', 'a@x.example##Frob')).toEqual(['a@x.example##Frob']);
  });

  it('only where the field has a table (a Status of another field stays as it is), and a choice without text by its key in words', () => {
    expect(leaf(MAPPED_FIELDS, 'Status', 'subscribed')).toEqual(['subscribed']);
    const status: FieldDescription = { name: 'status', category: 'interaction', personal: true, option: true, values: { closed: { sv: 'Avslutat', en: 'Closed' } } };
    expect(letterLeaves(status, 'status', { key: 'closed', id: 2203 }, 'en').map((l) => l.shown)).toEqual(['Closed']);
    // The system's own text wins over the table.
    expect(letterLeaves(status, 'status', { key: 'closed', text: 'Stängt', id: 2203 }, 'en').map((l) => l.shown)).toEqual(['Stängt']);
    // A code that is a property of Object.prototype is no code of the table.
    expect(letterLeaves(status, 'status', 'constructor', 'sv').map((l) => l.shown)).toEqual(['constructor']);
  });

  it('are kept by withLabels on a field and a part, and when the config classifies the field anew', () => {
    const values = { a: { sv: 'A-sv', en: 'A-en' } };
    const out = withLabels([{ name: 's', category: 'interaction', personal: true }], { s: { sv: 'S', en: 'S', values }, 's.t': { sv: 'T', en: 'T', values, valueList: { items: ';', owner: '##', codes: ',' } } });
    expect(out[0]).toMatchObject({ values, parts: { t: { values, valueList: { items: ';', owner: '##', codes: ',' } } } });
    expect(withExtraFields(out, { s: 'consent' })[0]).toMatchObject({ category: 'consent', values });
    expect(withExtraFields(TRACE_FIELDS, { recipient_status: 'correspondence' }).find((f) => f.name === 'recipient_status')).toMatchObject({ valueList: { items: ';', owner: '##', codes: ',' } });
  });
});

describe("Spiris's codes and shares: the API's numbers, in words and as percentages where its documentation says what they are", () => {
  const leaves = (fields: FieldDescription[], name: string, value: unknown, lang: 'sv' | 'en' = 'sv'): [string | null, string, string][] =>
    letterLeaves(fields.find((f) => f.name === name), name, value, lang).map((l) => [l.label ?? null, l.path, l.shown]);

  it('names the ROT/RUT type and the property type by their documented codes; a number the table does not name as it is', () => {
    expect(leaves(API_INVOICE_FIELDS, 'RotReducedInvoicingType', 2)).toEqual([['Skatteavdrag (ROT/RUT)', 'RotReducedInvoicingType', 'RUT-avdrag']]);
    expect(leaves(API_INVOICE_FIELDS, 'RotReducedInvoicingType', 1, 'en')[0]![2]).toBe('ROT deduction (repairs and renovation)');
    expect(leaves(API_INVOICE_FIELDS, 'RotReducedInvoicingType', 0)[0]![2]).toBe('Inget skatteavdrag (vanlig faktura)');
    expect(leaves(API_INVOICE_FIELDS, 'RotReducedInvoicingType', 7)[0]![2]).toBe('7');
    expect(leaves(API_INVOICE_FIELDS, 'RotPropertyType', 1)[0]).toEqual(['Typ av bostad (ROT)', 'RotPropertyType', 'Bostadsrätt']);
    // WorkCostType's codes are not documented: named, and shown as they are.
    expect(leaves(API_INVOICE_FIELDS, 'Rows', [{ WorkCostType: 1 }])).toEqual([['Fakturarader › rad 1 › Typ av arbete (ROT/RUT)', 'Rows[0].WorkCostType', '1']]);
    expect(leaves(API_VOUCHER_FIELDS, 'Attachments', { DocumentType: 2 }, 'en')).toEqual([['Attachments › Document type', 'Attachments.DocumentType', 'Receipt']]);
  });

  it('shows a VAT rate and a discount as percentages in the letter\'s language; a number outside 0 to 1, or a text, as it is', () => {
    const rows = (row: Record<string, unknown>, lang: 'sv' | 'en' = 'sv'): string[] => leaves(API_INVOICE_FIELDS, 'Rows', [row], lang).map((l) => l[2]);
    expect(rows({ PercentVat: 0.25, DiscountPercentage: 0.125 })).toEqual(['25\u00a0%', '12,5\u00a0%']);
    expect(rows({ PercentVat: 0.25, DiscountPercentage: 0.125 }, 'en')).toEqual(['25%', '12.5%']);
    expect(rows({ PercentVat: 0.07, DiscountPercentage: 0 })).toEqual(['7\u00a0%', '0\u00a0%']);
    expect(rows({ PercentVat: 25, DiscountPercentage: '0.1' })).toEqual(['25', '0.1']);
  });

  it('a share is kept by withLabels on a field and a part, and when the config classifies the field anew', () => {
    const out = withLabels([{ name: 's', category: 'billing', personal: true }], { s: { sv: 'S', en: 'S', share: true }, 's.t': { sv: 'T', en: 'T', share: true } });
    expect(out[0]).toMatchObject({ share: true, parts: { t: { share: true } } });
    expect(withExtraFields(out, { s: 'billing' })[0]).toMatchObject({ share: true });
  });
});

describe('withLabels and withExtraFields', () => {
  const fields: FieldDescription[] = [
    { name: 'KNR', category: 'customer-account', personal: true, identifier: 'customerNo' },
    { name: 'DAT', category: 'billing', personal: true },
  ];

  it('label the fields named, and leave the others alone', () => {
    // A field named like an object's own property is no label's.
    const constructor: FieldDescription = { name: 'constructor', category: 'none', personal: false };
    const out = withLabels([...fields, constructor], { DAT: ['Datum', 'Date', 'date'] });
    expect(out[0]).toEqual(fields[0]);
    expect(out[1]).toEqual({ ...fields[1], label: { sv: 'Datum', en: 'Date' }, dateFormat: 'date' });
    expect(out[2]).toEqual(constructor);
  });

  it('put a dotted name\'s label on the part of the field its path names, with an HTML flag or an item key where given', () => {
    const nested: FieldDescription[] = [
      { name: 'Rows', category: 'order-history', personal: true },
      { name: 'body', category: 'correspondence', personal: true },
    ];
    const out = withLabels(nested, {
      Rows: { sv: 'Rader', en: 'Rows', itemKey: 'Id' },
      'Rows.Due': ['Förfaller', 'Due', 'date'],
      'body.content': { sv: 'Text', en: 'Text', html: { when: 'contentType', is: 'html' } },
    });
    expect(out[0]).toEqual({ ...nested[0], label: { sv: 'Rader', en: 'Rows' }, itemKey: 'Id', parts: { Due: { label: { sv: 'Förfaller', en: 'Due' }, dateFormat: 'date' } } });
    expect(out[1]).toEqual({ ...nested[1], parts: { content: { label: { sv: 'Text', en: 'Text' }, html: { when: 'contentType', is: 'html' } } } });
    // The config's classification keeps how the letter shows the field.
    expect(withExtraFields(out, { Rows: 'billing' }).find((f) => f.name === 'Rows')).toMatchObject({ category: 'billing', itemKey: 'Id', parts: out[0]!.parts });
  });

  it("keep the connector's label when the config classifies the field anew", () => {
    const out = withExtraFields(withLabels(fields, { KNR: ['Kundnummer', 'Customer number'] }), { KNR: 'identity', Egen: 'interest' });
    expect(out.find((f) => f.name === 'KNR')).toEqual({ name: 'KNR', category: 'identity', personal: true, label: { sv: 'Kundnummer', en: 'Customer number' } });
    expect(out.find((f) => f.name === 'Egen')).toEqual({ name: 'Egen', category: 'interest', personal: true });
  });
});

describe('fieldLookup', () => {
  const first: FieldDescription = { name: 'A', category: 'contact', personal: true, label: { sv: 'Först', en: 'First' } };
  const later: FieldDescription = { name: 'A', category: 'contact', personal: true, label: { sv: 'Sedan', en: 'Later' } };
  const lookup = fieldLookup([
    { name: 's', description: { entities: [{ entity: 'e', title: 'E', category: 'customer', fields: [first, later] }, { entity: 'e', title: 'E2', category: 'customer', fields: [later] }] } },
    { name: 't', description: { entities: [{ entity: 'e', title: 'E', category: 'customer', fields: [later] }] } },
  ]);

  it("finds a record's field by its source and entity; the first description of a name wins, as in the extract", () => {
    expect(lookup({ source: 's', entity: 'e' }, 'A')).toBe(first);
    expect(lookup({ source: 't', entity: 'e' }, 'A')).toBe(later);
    expect(lookup({ source: 's', entity: 'other' }, 'A')).toBeUndefined();
    expect(lookup({ source: 'u', entity: 'e' }, 'A')).toBeUndefined();
    expect(lookup({ source: 's', entity: 'e' }, 'B')).toBeUndefined();
  });

  it("takes a label only when it is text in the letter's language (a company's module may describe anything)", () => {
    expect(fieldLabel(first, 'en')).toBe('First');
    expect(fieldLabel({ ...first, label: { sv: ' ', en: 'x' } }, 'sv')).toBeUndefined();
    expect(fieldLabel({ ...first, label: 'Kund' as unknown as FieldDescription['label'] }, 'sv')).toBeUndefined();
    expect(fieldLabel(undefined, 'sv')).toBeUndefined();
  });
});

describe('letterLeaves', () => {
  const rows: FieldDescription = {
    name: 'Rows',
    category: 'order-history',
    personal: true,
    label: { sv: 'Fakturarader', en: 'Invoice rows' },
    parts: { PercentVat: { label: { sv: 'Momssats', en: 'VAT rate' } }, Due: { dateFormat: 'date' }, 'Sub.Text': { label: { sv: 'Text', en: 'Text' } } },
  };
  const shown = (d: FieldDescription | undefined, key: string, value: unknown, lang: 'sv' | 'en' = 'sv') =>
    letterLeaves(d, key, value, lang).map((l) => [l.label ?? null, l.path, l.shown]);

  it('names a part by the labels on its path, numbering list items in the letter\'s language', () => {
    const value = [{ PercentVat: 0.25, Due: '20250303', Sub: [{ Text: 'a' }], Other: 'x' }];
    expect(shown(rows, 'Rows', value)).toEqual([
      ['Fakturarader › rad 1 › Momssats', 'Rows[0].PercentVat', '0.25'],
      ['Fakturarader › rad 1', 'Rows[0].Due', '2025-03-03'],
      ['Fakturarader › rad 1 › rad 1 › Text', 'Rows[0].Sub[0].Text', 'a'],
      // A part without a label is named by what is above it; its path is beside it.
      ['Fakturarader › rad 1', 'Rows[0].Other', 'x'],
    ]);
    expect(shown(rows, 'Rows', value, 'en')[0]).toEqual(['Invoice rows › row 1 › VAT rate', 'Rows[0].PercentVat', '0.25']);
  });

  it('gives only the path where nothing on it has a label', () => {
    expect(shown(undefined, 'Rows', [{ PercentVat: 0.25 }])).toEqual([[null, 'Rows[0].PercentVat', '0.25']]);
    expect(shown({ name: 'tags', category: 'interest', personal: true }, 'tags', ['a'])).toEqual([[null, 'tags[0]', 'a']]);
  });

  it('names an item by its itemKey where it has one, and leaves that property out', () => {
    const params: FieldDescription = { name: 'p', category: 'web-behaviour', personal: true, label: { sv: 'Parametrar', en: 'Parameters' }, itemKey: 'key', parts: { 'value.int_value': { label: { sv: 'Värde', en: 'Value' } } } };
    expect(shown(params, 'p', [{ key: 'ga_session_id', value: { int_value: 17 } }, { key: ' ', value: { int_value: 3 } }, { value: { int_value: 4 } }, 'plain'])).toEqual([
      ['Parametrar › ga_session_id › Värde', 'p[0].value.int_value', '17'],
      ['Parametrar › rad 2', 'p[1].key', ' '],
      ['Parametrar › rad 2 › Värde', 'p[1].value.int_value', '3'],
      ['Parametrar › rad 3 › Värde', 'p[2].value.int_value', '4'],
      ['Parametrar › rad 4', 'p[3]', 'plain'],
    ]);
  });

  it("shows a true or false as yes or no in the letter's language, and a text that says true as it is", () => {
    const flags: FieldDescription = { name: 'flags', category: 'interaction', personal: true, label: { sv: 'Flaggor', en: 'Flags' } };
    expect(shown(flags, 'flags', { inactive: false, vip: true, outbound: 'true' })).toEqual([
      ['Flaggor', 'flags.inactive', 'Nej'],
      ['Flaggor', 'flags.vip', 'Ja'],
      ['Flaggor', 'flags.outbound', 'true'],
    ]);
    expect(shown(undefined, 'approved', true, 'en')).toEqual([[null, 'approved', 'Yes']]);
    expect(shown(undefined, 'approved', false, 'en')).toEqual([[null, 'approved', 'No']]);
    expect(letterLeaves(undefined, 'approved', false, 'sv')[0]!.value).toBe(false);
  });

  it('shows HTML as text where the field says so: always, or as a property beside it says', () => {
    const body: FieldDescription = { name: 'body', category: 'correspondence', personal: true, parts: { content: { html: { when: 'contentType', is: 'html' } } } };
    expect(shown(body, 'body', { contentType: 'HTML', content: '<p>a</p><p>b</p>' })[1]).toEqual([null, 'body.content', 'a\n\nb']);
    expect(shown(body, 'body', { contentType: 'text', content: '<p>a</p>' })[1]).toEqual([null, 'body.content', '<p>a</p>']);
    expect(shown(body, 'body', { content: '<p>a</p>' })[0]).toEqual([null, 'body.content', '<p>a</p>']);
    expect(shown({ name: 'note', category: 'interaction', personal: true, html: true }, 'note', 'x<br>y')).toEqual([[null, 'note', 'x\ny']]);
  });
});

describe('letterLeaves: a choice (option)', () => {
  const status: FieldDescription = { name: 'status', category: 'interaction', personal: true, label: { sv: 'Status', en: 'Status' }, option: true };
  const shown = (d: FieldDescription | undefined, key: string, value: unknown, lang: 'sv' | 'en' = 'sv') =>
    letterLeaves(d, key, value, lang).map((l) => [l.label ?? null, l.path, l.shown]);

  it("is one value under the field's label: its text, as Lime's REST API gives one", () => {
    // The real LimeBootstrap mock's company: "buyingstatus": {"key": "active", "text": "Aktiv kund", "id": 108601}.
    expect(shown(status, 'status', { key: 'active', text: 'Aktiv kund', id: 108601 })).toEqual([['Status', 'status', 'Aktiv kund']]);
    expect(shown(status, 'status', { id: 2203, key: 'closed', text: 'Avslutat' }, 'en')).toEqual([['Status', 'status', 'Avslutat']]);
    expect(letterLeaves(status, 'status', { key: 'closed', text: ' Avslutat ', id: 2203 }, 'sv')[0]).toMatchObject({ value: 'Avslutat', shown: 'Avslutat' });
    // Without a label it is named by the field's own name.
    expect(shown({ ...status, label: undefined } as FieldDescription, 'status', { key: 'closed', text: 'Avslutat', id: 2203 })).toEqual([[null, 'status', 'Avslutat']]);
  });

  it('falls back to the key where it has no text', () => {
    expect(shown(status, 'status', { key: 'closed', id: 2203 })).toEqual([['Status', 'status', 'closed']]);
    expect(shown(status, 'status', { key: 'closed', text: null, id: 2203 })).toEqual([['Status', 'status', 'closed']]);
    expect(shown(status, 'status', { key: 'closed', text: '  ', id: '2203' })).toEqual([['Status', 'status', 'closed']]);
    expect(shown(status, 'status', { text: 'Avslutat' })).toEqual([['Status', 'status', 'Avslutat']]);
  });

  it('in a list (a set of choices), each item is one value', () => {
    const tags: FieldDescription = { name: 'tags', category: 'interest', personal: true, label: { sv: 'Intressen', en: 'Interests' }, option: true };
    expect(shown(tags, 'tags', [{ key: 'a', text: 'Logistik', id: 1 }, { key: 'b', id: 2 }])).toEqual([
      ['Intressen › rad 1', 'tags[0]', 'Logistik'],
      ['Intressen › rad 2', 'tags[1]', 'b'],
    ]);
  });

  it('as a part of a nested field, named by the labels on its path', () => {
    const company: FieldDescription = { name: 'company', category: 'professional', personal: true, label: { sv: 'Företag', en: 'Company' }, parts: { buyingstatus: { label: { sv: 'Kundstatus', en: 'Buying status' }, option: true } } };
    expect(shown(company, 'company', { name: 'Lindqvist Bygg AB', buyingstatus: { key: 'active', text: 'Aktiv kund', id: 108601 } })).toEqual([
      ['Företag', 'company.name', 'Lindqvist Bygg AB'],
      ['Företag › Kundstatus', 'company.buyingstatus', 'Aktiv kund'],
    ]);
  });

  it('is shown property by property when it is not one: another property, a text that is no text, nothing to show, or a field that is no choice', () => {
    expect(shown(status, 'status', { key: 'closed', text: 'Avslutat', id: 2203, color: 'red' }).map(([, p]) => p)).toEqual(['status.key', 'status.text', 'status.id', 'status.color']);
    expect(shown(status, 'status', { key: 'closed', text: { sv: 'Avslutat' } }).map(([, p]) => p)).toEqual(['status.key', 'status.text.sv']);
    expect(shown(status, 'status', { key: 'closed', text: 'Avslutat', id: true }).map(([, p]) => p)).toEqual(['status.key', 'status.text', 'status.id']);
    expect(shown(status, 'status', { key: null, text: null, id: 5 }).map(([, p]) => p)).toEqual(['status.key', 'status.text', 'status.id']);
    expect(shown(status, 'status', 'closed')).toEqual([['Status', 'status', 'closed']]);
    const plain: FieldDescription = { name: 'status', category: 'interaction', personal: true };
    expect(shown(plain, 'status', { key: 'closed', text: 'Avslutat', id: 2203 }).map(([, p]) => p)).toEqual(['status.key', 'status.text', 'status.id']);
    expect(shown(undefined, 'status', { key: 'closed', text: 'Avslutat', id: 2203 }).map(([, p]) => p)).toEqual(['status.key', 'status.text', 'status.id']);
  });

  it('is what Lime describes its core options as, and what a label or the config keeps', () => {
    for (const [limetype, name] of [['history', 'type'], ['helpdesk', 'status'], ['helpdesk', 'priority'], ['deal', 'dealstatus'], ['company', 'buyingstatus'], ['participant', 'participantstatus']] as const) {
      expect(LIMETYPES[limetype]!.fields.find((x) => x.name === name), `${limetype}.${name}`).toMatchObject({ option: true });
    }
    expect(LIMETYPES['person']!.fields.find((x) => x.name === 'inactive')!.option).toBeUndefined();
    const labelled = withLabels([{ name: 's', category: 'interaction', personal: true }], { s: { sv: 'S', en: 'S', option: true } });
    expect(labelled[0]).toMatchObject({ option: true });
    expect(withExtraFields(labelled, { s: 'consent' })[0]).toMatchObject({ category: 'consent', option: true });
  });
});

describe('htmlAsText', () => {
  it('gives the text a reader sees', () => {
    expect(htmlAsText('<html><head><title>t</title><style>b{}</style><script>alert(1)</script></head><body><h1>Rubrik</h1><div>a  &amp;\n b</div><div><br></div><div><br></div><p>c&lt;d&gt;&nbsp;&#x1F600;</p></body></html>')).toBe(
      // A no-break space stays one: it is what the text has.
      'Rubrik\n\na & b\n\nc<d>\u00a0😀',
    );
    // A table's cells on lines of their own; an image by its alt text, not its address.
    expect(htmlAsText('<table><tr><th>Namn</th><td>Märta</td></tr></table><img src="cid:logo" alt="OJCO">')).toBe('Namn\n\nMärta\n\nOJCO');
    expect(htmlAsText('<a href="mailto:a@b.example">a@b.example</a> <a href="https://x.example/">här</a>')).toBe('a@b.example här [https://x.example/]');
  });
});
