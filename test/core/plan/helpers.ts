/**
 * Synthetic records shaped like the connectors' (entities and fields as
 * connectors/<id> emits them) and matches for one subject, so the planners
 * can be tested without reading fixtures.
 */
import { canonical } from '../../../src/core/identity/normalise.ts';
import { UNIQUE_KINDS, type IdentifierKind } from '../../../src/core/identity/kinds.ts';
import type { Confidence, Evidence, MatchedRecord } from '../../../src/core/match/matcher.ts';
import type { HolderInfo, RawIdentifier, SourceRecord } from '../../../src/core/record.ts';
import { loadRegister } from '../../../src/register/load.ts';
import type { Register } from '../../../src/register/schema.ts';
import type { PlanSource } from '../../../src/core/plan/index.ts';

export const SOURCES: PlanSource[] = [
  { name: 'lime', connector: 'lime' },
  { name: 'visma', connector: 'visma' },
  { name: 'o365', connector: 'office365' },
  { name: 'newsletter', connector: 'newsletter' },
  { name: 'ga', connector: 'google-analytics' },
];
export const SRC = { lime: 0, visma: 1, o365: 2, newsletter: 3, ga: 4 } as const;

export const SECRET = new TextEncoder().encode('test-suppression-secret-0123456789');

let cached: Register | undefined;
export async function register(): Promise<Register> {
  cached ??= (await loadRegister()).register;
  return cached;
}

const id = (kind: IdentifierKind, field: string, value: string, holder?: string): RawIdentifier => ({ kind, field, value, ...(holder ? { holder } : {}) });

/**
 * A match of `record` for the subject: evidence for every unique identifier
 * of the subject's holders (the given e-mail `via: given`, others `link`)
 * and for text mentions named in `mentions`.
 */
export function match(source: number, record: SourceRecord, opts: { holders?: string[]; confidence?: Confidence; mentions?: string[]; nameOnly?: boolean } = {}): MatchedRecord {
  const holders = new Set(opts.holders ?? ['self']);
  const evidence: Evidence[] = [];
  for (const i of record.identifiers) {
    const h = i.holder ?? 'self';
    if (!holders.has(h)) continue;
    // As the matcher keys it: a phone in its record's region.
    const c = canonical(i.kind, i.value, i.region);
    if (!c) continue;
    if (opts.nameOnly) {
      if (i.kind === 'name') evidence.push({ kind: 'name', field: i.field, holder: h, via: 'name', key: `name:${c}` });
      continue;
    }
    if (!UNIQUE_KINDS.has(i.kind)) continue;
    evidence.push({ kind: i.kind, field: i.field, holder: h, via: i.kind === 'email' ? 'given' : 'link', key: `${i.kind}:${c}` });
  }
  for (const f of opts.mentions ?? []) evidence.push({ kind: 'name', field: f, holder: 'mention', via: 'name', key: 'name:mention' });
  return { subject: 's1', source, record, confidence: opts.confidence ?? 'exact', evidence, path: [], conflicts: [] };
}

// ---------------------------------------------------------------- Lime

export function limePerson(pid: number, p: { first: string; last: string; email?: string; mobile?: string; phone?: string; company?: number; misc?: string; position?: string }): SourceRecord {
  const fields: Record<string, unknown> = { _id: pid, _descriptive: `${p.first} ${p.last}`, firstname: p.first, lastname: p.last };
  const ids: RawIdentifier[] = [id('systemId', '_id', `lime:person:${pid}`), id('name', 'firstname', p.first), id('name', 'lastname', p.last)];
  if (p.email) (fields.email = p.email), ids.push(id('email', 'email', p.email));
  if (p.mobile) (fields.mobilephone = p.mobile), ids.push(id('phone', 'mobilephone', p.mobile));
  if (p.phone) (fields.phone = p.phone), ids.push(id('phone', 'phone', p.phone));
  if (p.position) fields.position = p.position;
  if (p.misc) fields.misc = p.misc;
  const holders: Record<string, HolderInfo> = {};
  if (p.company) {
    fields.company = p.company;
    ids.push(id('systemId', 'company', `lime:company:${p.company}`, 'company'));
    holders.company = { scope: 'organisation', role: 'company' };
  }
  return {
    entity: 'person',
    locator: { file: 'lime/person.json', pointer: `/_embedded/limeobjects/${pid - 1000}` },
    fields,
    identifiers: ids,
    ...(Object.keys(holders).length ? { holders } : {}),
    category: 'crm-person',
    label: `person ${pid}`,
    ...(p.misc ? { text: [{ field: 'misc', value: p.misc }] } : {}),
  };
}

export function limeHistory(hid: number, person: number, note: string, date = '2025-02-01'): SourceRecord {
  return {
    entity: 'history',
    locator: { file: 'lime/history.json', pointer: `/_embedded/limeobjects/${hid - 5100}` },
    fields: { _id: hid, note, date, person },
    identifiers: [id('systemId', 'person', `lime:person:${person}`, 'person')],
    holders: { person: { scope: 'person', role: 'person' } },
    text: [{ field: 'note', value: note }],
    category: 'crm-history',
    date,
    label: `history ${hid}`,
  };
}

export function limeDeal(did: number, person: number, company: number | undefined, name: string): SourceRecord {
  const ids: RawIdentifier[] = [id('systemId', 'person', `lime:person:${person}`, 'person')];
  const holders: Record<string, HolderInfo> = { person: { scope: 'person', role: 'person' } };
  const fields: Record<string, unknown> = { _id: did, name, value: 120000, person };
  if (company) {
    fields.company = company;
    ids.push(id('systemId', 'company', `lime:company:${company}`, 'company'));
    holders.company = { scope: 'organisation', role: 'company' };
  }
  return { entity: 'deal', locator: { file: 'lime/deal.json', pointer: `/_embedded/limeobjects/${did - 4000}` }, fields, identifiers: ids, holders, text: [{ field: 'name', value: name }], category: 'crm-deal', label: `deal ${did}` };
}

export function limeConsent(cid: number, person: number, approved = true): SourceRecord {
  return {
    entity: 'consent',
    locator: { file: 'lime/consent.json', pointer: `/_embedded/limeobjects/${cid - 7000}` },
    fields: { _id: cid, approved, date: '2023-03-02', source: 'web', person, consenttype: 1001 },
    identifiers: [id('systemId', 'person', `lime:person:${person}`, 'person')],
    holders: { person: { scope: 'person', role: 'person' } },
    category: 'crm-consent',
    date: '2023-03-02',
    label: `consent ${cid}`,
  };
}

export function limeCompany(cid: number, name: string, orgnr: string): SourceRecord {
  return {
    entity: 'company',
    locator: { file: 'lime/company.json', pointer: `/_embedded/limeobjects/${cid - 2000}` },
    fields: { _id: cid, name, registrationno: orgnr },
    identifiers: [id('systemId', '_id', `lime:company:${cid}`), id('company', 'name', name), id('orgnr', 'registrationno', orgnr)],
    holders: { self: { scope: 'organisation', role: 'company' } },
    category: 'crm-company',
    label: `company ${cid}`,
  };
}

// ---------------------------------------------------------------- Visma

export interface Customer {
  guid: string;
  no: string;
  name: string;
  email?: string;
  extraEmail?: string;
  mobile?: string;
  note?: string;
  labels?: string[];
  street?: string;
  postcode?: string;
  city?: string;
  pnr?: string;
  lastInvoiceDate?: string;
  company?: { contactName: string; contactEmail: string; contactMobile?: string };
}

export function vismaCustomer(c: Customer, row: number): SourceRecord {
  const isCompany = !!c.company;
  const fields: Record<string, unknown> = { Id: c.guid, CustomerNumber: c.no, Name: c.name, IsPrivatePerson: !isCompany, TermsOfPaymentId: 'T30' };
  const ids: RawIdentifier[] = [id('customerNo', 'CustomerNumber', c.no), id('systemId', 'Id', `visma:customer:${c.guid}`), id(isCompany ? 'company' : 'name', 'Name', c.name)];
  if (c.email) (fields.EmailAddress = c.email), ids.push(id('email', 'EmailAddress', c.email));
  if (c.extraEmail) (fields.EmailAddresses = [c.extraEmail]), ids.push(id('email', 'EmailAddresses/0', c.extraEmail));
  if (c.mobile) (fields.MobilePhone = c.mobile), ids.push(id('phone', 'MobilePhone', c.mobile));
  if (c.pnr) (fields.CorporateIdentityNumber = c.pnr), ids.push(id('orgnr', 'CorporateIdentityNumber', c.pnr));
  if (c.street) {
    Object.assign(fields, { InvoiceAddress1: c.street, InvoicePostalCode: c.postcode, InvoiceCity: c.city });
    ids.push(id('address', 'InvoiceAddress1', `${c.street}, ${c.postcode} ${c.city}`));
  }
  if (c.labels) fields.CustomerLabels = c.labels;
  if (c.lastInvoiceDate) fields.LastInvoiceDate = c.lastInvoiceDate;
  const text: { field: string; value: string }[] = [];
  if (c.note) (fields.Note = c.note), text.push({ field: 'Note', value: c.note });
  if (c.company) {
    Object.assign(fields, { ContactPersonName: c.company.contactName, ContactPersonEmail: c.company.contactEmail });
    ids.push(id('name', 'ContactPersonName', c.company.contactName, 'contact'), id('email', 'ContactPersonEmail', c.company.contactEmail, 'contact'));
    if (c.company.contactMobile) (fields.ContactPersonMobile = c.company.contactMobile), ids.push(id('phone', 'ContactPersonMobile', c.company.contactMobile, 'contact'));
  }
  return {
    entity: 'customer',
    locator: { file: 'visma/customers.json', pointer: `/Data/${row}` },
    fields,
    identifiers: ids,
    holders: { self: { scope: isCompany ? 'organisation' : 'person', role: 'customer' }, contact: { scope: 'person', role: 'contact person' } },
    ...(text.length ? { text } : {}),
    category: 'customer',
    ...(c.lastInvoiceDate ? { date: c.lastInvoiceDate } : {}),
    label: `Kund ${c.no}`,
  };
}

/**
 * Lindqvist Bygg AB, a company customer whose contact person is Åsa, and
 * whose invoice address is also on her own CRM record (she works there).
 */
export const LINDQVIST_BYGG: Customer = {
  guid: 'c-1042',
  no: '1042',
  name: 'Lindqvist Bygg AB',
  mobile: '040-628 04 10',
  pnr: '556987-6542',
  street: 'Storgatan 14',
  postcode: '252 21',
  city: 'Helsingborg',
  company: { contactName: 'Åsa Lindqvist', contactEmail: 'asa@lindqvistbygg.example', contactMobile: '070-174 06 05' },
};

/** Its customer card matched through Åsa's e-mail as its contact, and through the shared address on the company's own part. */
export function sharedAddressCard(): MatchedRecord {
  const m = match(SRC.visma, vismaCustomer(LINDQVIST_BYGG, 1), { holders: ['contact'] });
  m.evidence.push({ kind: 'address', field: 'InvoiceAddress1', holder: 'self', via: 'address', key: 'address:storgatan 14|25221' });
  return m;
}

export function vismaInvoice(c: Customer, no: string, date: string, row: number, extra: { paymentDate?: string; yourReference?: string; remaining?: number } = {}): SourceRecord {
  const isCompany = !!c.company;
  const fields: Record<string, unknown> = {
    InvoiceNumber: no,
    CustomerId: c.guid,
    CustomerNumber: c.no,
    CustomerIsPrivatePerson: !isCompany,
    InvoiceCustomerName: c.name,
    InvoiceAddress1: c.street ?? '',
    InvoicePostalCode: c.postcode ?? '',
    InvoiceCity: c.city ?? '',
    InvoiceDate: date,
    TotalAmount: 1250,
  };
  const ids: RawIdentifier[] = [
    id('customerNo', 'CustomerNumber', c.no, 'customer'),
    id('systemId', 'CustomerId', `visma:customer:${c.guid}`, 'customer'),
    id(isCompany ? 'company' : 'name', 'InvoiceCustomerName', c.name, 'customer'),
  ];
  if (c.street) ids.push(id('address', 'InvoiceAddress1', `${c.street}, ${c.postcode} ${c.city}`, 'customer'));
  if (c.email && !isCompany) (fields.CustomerEmail = c.email), ids.push(id('email', 'CustomerEmail', c.email, 'customer'));
  if (extra.paymentDate) fields.PaymentDate = extra.paymentDate;
  if (extra.remaining !== undefined) fields.RemainingAmount = extra.remaining;
  if (extra.yourReference) (fields.YourReference = extra.yourReference), ids.push(id('name', 'YourReference', extra.yourReference, 'reference'));
  return {
    entity: 'invoice',
    locator: { file: 'visma/invoices.json', pointer: `/Data/${row}` },
    fields,
    identifiers: ids,
    holders: { customer: { scope: isCompany ? 'organisation' : 'person', role: 'customer' }, reference: { scope: 'person', role: 'your reference' } },
    category: 'invoice',
    bookkeeping: true,
    date,
    label: `Faktura ${no}`,
  };
}

export function vismaLedgerItem(c: Customer, invoiceNo: string, date: string, row: number, remaining?: number): SourceRecord {
  return {
    entity: 'ledger-item',
    locator: { file: 'visma/ledger.json', pointer: `/Data/${row}` },
    fields: { CustomerId: c.guid, InvoiceNumber: invoiceNo, InvoiceDate: date, ...(remaining !== undefined ? { RemainingAmountInvoiceCurrency: remaining } : {}) },
    identifiers: [id('systemId', 'CustomerId', `visma:customer:${c.guid}`, 'customer')],
    holders: { customer: { scope: 'person', role: 'customer' } },
    category: 'payment',
    bookkeeping: true,
    date,
    label: `Kundreskontra faktura ${invoiceNo}`,
  };
}

export function sieVoucher(c: Customer, line: number, date: string): SourceRecord {
  return {
    entity: 'voucher',
    locator: { file: 'visma/ojco.se', line },
    fields: { series: 'F', number: String(line), date, text: `Kundfaktura ${c.name}`, transactions: [{ account: '1510', objects: [{ dimension: '8', number: c.no }], amount: '1250.00' }] },
    identifiers: [id('customerNo', 'transactions', c.no, 'customer')],
    holders: { customer: { scope: 'person', role: 'customer' } },
    text: [{ field: 'text', value: `Kundfaktura ${c.name}` }],
    category: 'voucher',
    bookkeeping: true,
    date,
    label: `Verifikation F${line}`,
  };
}

/** An SIE 4 customer balance (`#OIB`/`#OUB 0 1510 {8 "<kundnr>"} <amount>`), dated by its year's end as the connector dates it. */
export function sieBalance(c: Customer, line: number, label: '#OIB' | '#OUB', amount: string, yearEnd: string): SourceRecord {
  return {
    entity: 'sie-balance',
    locator: { file: `visma/ojco-${yearEnd.slice(0, 4)}.se`, line },
    fields: { label, year: '0', account: '1510', objects: [{ dim: '8', obj: c.no }], amount },
    identifiers: [id('customerNo', 'objects', c.no, 'customer')],
    holders: { customer: { scope: 'person', role: 'customer' } },
    category: 'accounting-master',
    bookkeeping: true,
    date: yearEnd,
    fiscalYears: [{ start: `${yearEnd.slice(0, 4)}-01-01`, end: yearEnd }],
    label: `${label} konto 1510`,
  };
}

export function sieObject(c: Customer, line: number, date?: string): SourceRecord {
  return {
    entity: 'sie-object',
    locator: { file: 'visma/ojco.se', line },
    fields: { dimension: '8', number: c.no, name: c.name },
    identifiers: [id('customerNo', 'number', c.no), id('name', 'name', c.name)],
    category: 'accounting-master',
    ...(date ? { date } : {}),
    label: `#OBJEKT 8 ${c.no}`,
  };
}

// ---------------------------------------------------------------- Office 365

export function o365Contact(row: number, email: string, name: string, mobile?: string): SourceRecord {
  const fields: Record<string, unknown> = { 'E-mail Address': email, 'First Name': name.split(' ')[0], 'Last Name': name.split(' ')[1] };
  const ids: RawIdentifier[] = [id('email', 'E-mail Address', email), id('name', 'First Name + Last Name', name)];
  if (mobile) (fields['Mobile Phone'] = mobile), ids.push(id('phone', 'Mobile Phone', mobile));
  return { entity: 'contact', locator: { file: 'o365/contacts.csv', line: row + 1, row }, fields, identifiers: ids, category: 'mail-contact', label: `contact row ${row}` };
}

export function o365Message(n: number, from: string, subject: string, date: string, bookkeeping = false): SourceRecord {
  return {
    entity: 'message',
    locator: { file: 'o365/messages.json', pointer: `/value/${n}` },
    fields: { subject, from: { emailAddress: { address: from } }, receivedDateTime: `${date}T09:00:00Z`, hasAttachments: bookkeeping },
    identifiers: [id('email', 'from/emailAddress/address', from, 'sender')],
    holders: { sender: { scope: 'person', role: 'sender' } },
    category: 'mail-message',
    date,
    ...(bookkeeping ? { bookkeeping: true } : {}),
    label: `message ${n}`,
  };
}

export function o365Trace(row: number, sender: string, date: string): SourceRecord {
  return {
    entity: 'trace',
    locator: { file: 'o365/trace.csv', line: row + 1, row },
    fields: { date_time_utc: `${date}T08:00:00Z`, sender_address: sender },
    identifiers: [id('email', 'sender_address', sender, 'sender')],
    holders: { sender: { scope: 'person', role: 'sender' } },
    category: 'mail-trace',
    date,
    label: `trace row ${row}`,
  };
}

// ---------------------------------------------------------------- newsletter, GA

export function mailchimpMember(row: number, email: string, first: string, last: string, phone?: string): SourceRecord {
  const fields: Record<string, unknown> = { 'Email Address': email, 'First Name': first, 'Last Name': last, LEID: '412903117', EUID: 'a7c31e90b2', OPTIN_IP: '203.0.113.55' };
  const ids: RawIdentifier[] = [id('email', 'Email Address', email), id('name', 'First Name + Last Name', `${first} ${last}`), id('ip', 'OPTIN_IP', '203.0.113.55')];
  if (phone) (fields['Phone Number'] = phone), ids.push(id('phone', 'Phone Number', phone));
  return {
    entity: 'member',
    locator: { file: 'newsletter/members.zip', entry: 'subscribed_members_export_4f2a9c81d0.csv', line: row + 1, row },
    fields,
    identifiers: ids,
    category: 'newsletter-member',
    date: '2023-03-02',
    label: 'Mailchimp member (subscribed)',
  };
}

export function mailchimpActivity(n: number, email: string): SourceRecord {
  return {
    entity: 'activity',
    locator: { file: 'newsletter/activity.json', pointer: `/emails/${n}` },
    fields: { email_address: email, campaign_id: 'c1', activity: [{ action: 'open', timestamp: '2025-01-10T08:00:00Z', ip: '203.0.113.55' }] },
    identifiers: [id('email', 'email_address', email)],
    category: 'newsletter-activity',
    date: '2025-01-10',
    label: 'campaign c1: 1 event',
  };
}

/** A GA4 event; `userIdKind` is what the connector reads `user_id` as (its option `userIdKind`: OJCO's portal sets the customer number). */
export function gaEvent(line: number, clientId: string, userId?: string, userIdKind: IdentifierKind = 'userId'): SourceRecord {
  const fields: Record<string, unknown> = { event_date: '20250110', event_name: 'page_view', user_pseudo_id: clientId };
  const ids: RawIdentifier[] = [id('gaClientId', 'user_pseudo_id', clientId)];
  if (userId) (fields.user_id = userId), ids.push(id(userIdKind, 'user_id', userId));
  return { entity: 'event', locator: { file: 'ga/events_20250110.ndjson', line }, fields, identifiers: ids, category: 'web-analytics', date: '2025-01-10', label: 'page_view' };
}
