/**
 * A register extract built directly from synthetic records (no connector
 * fixtures, which other work may change), for the writers' unit tests.
 * It holds the hostile and awkward values the writers must survive:
 * a formula, a script tag, å ä ö, a line break, nested fields, numbers,
 * booleans, null, another person's e-mail (Art. 15(4)), a BF-1 invoice,
 * a transfer to the USA, and a file that could not be read.
 */
import type { MatchedRecord } from '../../src/core/match/matcher.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import { loadRegister } from '../../src/register/load.ts';
import { buildExtract, type ExtractSource } from '../../src/report/extract.ts';
import type { Extract, ExtractLang } from '../../src/report/extract-schema.ts';
import type { ConnectorDescription } from '../../src/sources/contract.ts';

export const FORMULA = '=HYPERLINK("http://evil.example","klicka")';
export const SCRIPT = '<script>alert("x")</script>';
export const SUBJECT_EMAIL = 'marta.oberg@mail.example';
export const THIRD_PARTY = 'sven.svensson@mail.example';

const desc = (entity: string, category: string, fields: [string, string][]): ConnectorDescription => ({
  entities: [{ entity, title: entity, category, fields: fields.map(([name, cat]) => ({ name, category: cat, personal: cat !== 'none' })) }],
});

const SOURCES: ExtractSource[] = [
  {
    name: 'nyhetsbrev',
    connector: 'newsletter',
    title: 'Newsletter',
    records: 2,
    description: desc('member', 'newsletter-member', [
      ['Email Address', 'contact'],
      ['First Name', 'identity'],
      ['Last Name', 'identity'],
      ['NOTES', 'interaction'],
      ['MEMBER_RATING', 'newsletter-engagement'],
      ['vip', 'interest'],
    ]),
  },
  {
    name: 'visma',
    connector: 'visma',
    title: 'Visma',
    records: 1,
    description: desc('invoice', 'invoice', [
      ['InvoiceNumber', 'billing'],
      ['TotalAmount', 'billing'],
      ['Rows', 'billing'],
    ]),
  },
  {
    name: 'outlook',
    connector: 'office365',
    title: 'Office 365',
    records: 1,
    description: desc('message', 'mail-message', [
      ['subject', 'correspondence'],
      ['from', 'contact'],
      ['toRecipients', 'contact'],
      ['body', 'correspondence'],
    ]),
  },
  {
    name: 'ga4',
    connector: 'google-analytics',
    title: 'Google Analytics',
    records: 1,
    description: desc('event', 'web-analytics', [
      ['event_name', 'web-behaviour'],
      ['user_pseudo_id', 'system-id'],
      ['page_location', 'web-behaviour'],
    ]),
  },
  { name: 'crm', connector: 'lime', title: 'Lime CRM', records: 0, description: { entities: [] } },
];

function matched(source: number, record: SourceRecord, confidence: MatchedRecord['confidence'] = 'exact', holder = 'self'): MatchedRecord {
  return {
    subject: 'subject',
    source,
    record,
    confidence,
    evidence: [{ kind: 'email', field: 'Email Address', holder, via: 'given', key: `email:${SUBJECT_EMAIL}` }],
    path: [],
    conflicts: [],
  };
}

export const RECORDS: MatchedRecord[] = [
  matched(0, {
    entity: 'member',
    category: 'newsletter-member',
    label: 'Prenumerant Märta Öberg',
    date: '2023-03-02',
    locator: { file: 'nyhetsbrev/subscribed.csv', line: 2, row: 1 },
    fields: {
      'Email Address': SUBJECT_EMAIL,
      'First Name': 'Märta',
      'Last Name': 'Öberg',
      NOTES: `${FORMULA}\nrad två: åäö ÅÄÖ`,
      MEMBER_RATING: 4,
      vip: true,
      'Phone Number': null,
      comment: SCRIPT,
      profile: { city: 'Helsingborg', tags: ['Kunder', 'Hållbar logistik'], consent: { email: true, sms: false } },
      empty: [],
    },
    identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'Email Address' }],
  }),
  matched(1, {
    entity: 'invoice',
    category: 'invoice',
    label: 'Faktura 2025007',
    date: '2025-02-03',
    locator: { file: 'visma/invoices.json', pointer: '/0' },
    fields: { InvoiceNumber: '2025007', TotalAmount: 12500.5, Rows: [{ Text: 'Städning (RUT)', Amount: 12500.5 }], '+cmd': '@SUM(A1:A2)' },
    identifiers: [{ kind: 'email', value: SUBJECT_EMAIL, field: 'Email Address' }],
  }),
  matched(
    2,
    {
      entity: 'message',
      category: 'mail-message',
      label: 'E-post: Offert',
      date: '2025-03-10',
      locator: { file: 'o365/messages.json', pointer: '/value/3' },
      fields: {
        subject: 'Offert',
        from: SUBJECT_EMAIL,
        toRecipients: [{ emailAddress: { address: THIRD_PARTY, name: 'Sven Svensson' } }],
        body: `Hej! Kopia till ${THIRD_PARTY}.`,
      },
      identifiers: [
        { kind: 'email', value: SUBJECT_EMAIL, field: 'from', holder: 'from' },
        { kind: 'email', value: THIRD_PARTY, field: 'toRecipients/0/emailAddress/address', holder: 'to0' },
        { kind: 'name', value: 'Sven Svensson', field: 'toRecipients/0/emailAddress/name', holder: 'to0' },
      ],
      text: [{ field: 'body', value: `Hej! Kopia till ${THIRD_PARTY}.` }],
    },
    'exact',
    'from',
  ),
  matched(
    3,
    {
      entity: 'event',
      category: 'web-analytics',
      date: '2025-05-12',
      locator: { file: 'ga4/events.ndjson', line: 7 },
      fields: { event_name: 'page_view', user_pseudo_id: '1234567890.1747037650', page_location: 'https://www.ojco.example/kontakt' },
      identifiers: [{ kind: 'gaClientId', value: '1234567890.1747037650', field: 'user_pseudo_id' }],
    },
    'probable',
  ),
  // A possible match nobody confirmed: must stay out.
  matched(
    0,
    {
      entity: 'member',
      category: 'newsletter-member',
      locator: { file: 'nyhetsbrev/subscribed.csv', line: 7, row: 6 },
      fields: { 'Email Address': 'marta.o@example.net', 'First Name': 'Marta' },
      identifiers: [{ kind: 'email', value: 'marta.o@example.net', field: 'Email Address' }],
    },
    'possible',
  ),
];

export const GENERATED_AT = '2025-05-16T08:30:00.000Z';
export const AS_OF = '2025-05-16';

export async function sampleExtract(lang: ExtractLang = 'sv', asOf = AS_OF): Promise<Extract> {
  const { register } = await loadRegister();
  return buildExtract({
    register,
    lang,
    generatedAt: GENERATED_AT,
    asOf,
    fiscalYear: { start: '01-01' },
    subjectIdentifiers: [{ kind: 'email', value: SUBJECT_EMAIL }],
    records: RECORDS,
    sources: SOURCES,
    notRead: [{ source: 'crm', file: 'lime/persons.csv', line: 12, reason: 'unbalanced quotes' }],
    staffDomains: ['ojco.example'],
  });
}
