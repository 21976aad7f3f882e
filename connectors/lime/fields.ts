/**
 * What the Lime connector knows about limetypes and their fields
 * (formats.md §1.2, the standard "Lime CRM core" data model). Solutions
 * rename and add fields, so most of the classification is a rule on the
 * field's name that applies to every limetype, known or not:
 *
 * - system properties (`_id`, `_timestamp`, ...) are technical ids;
 * - e-mail, phone, personnummer, org.nr, customer number and GA client id
 *   fields are recognised by their common names (IDENTIFIER_NAMES);
 * - belongs-to relations (`person: 1001`) name the related limetype;
 * - notes and descriptions are free text (TEXT_NAMES).
 *
 * Anything else is classified in the source's `options.fields`.
 */
import type { IdentifierKind } from '../../src/core/identity/kinds.ts';
import type { NamePart } from '../../src/core/record.ts';
import type { RecordCategory } from '../../src/register/categories.ts';
import type { FieldDescription } from '../../src/sources/contract.ts';
import { field as f, type FieldLabels } from '../../src/sources/classify.ts';

/** Field names compared without case, spaces, `_`, `-` and `.`: `ga_client_id` is `gaclientid`. */
export function normName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s_\-.]+/gu, '');
}

/** Who a limetype's record is: a natural person, an organisation, or neither (a history note, a deal). */
export type Party = 'person' | 'organisation';

export interface LimetypeInfo {
  title: string;
  category: RecordCategory;
  party?: Party;
  /** The limetype's own fields, beyond the rule for every limetype. */
  fields: FieldDescription[];
}

// ---------------------------------------------------------------- every limetype

/** System properties on every object (formats.md §1.2). */
export const SYSTEM_FIELDS: FieldDescription[] = [
  f('_id', 'system-id', true, 'systemId', 'The object id; `lime:<limetype>:<id>` for persons, coworkers and companies'),
  f('_timestamp', 'system-id', true, undefined, 'Last change'),
  f('_createdtime', 'system-id', true, undefined, 'Created'),
  f('_createduser', 'system-id', true, undefined, 'The Lime user who created the object (staff)'),
  f('_updateduser', 'system-id', true, undefined, 'The Lime user who last changed the object (staff)'),
  f('_descriptive', 'identity', true, undefined, 'Display string (the name, for persons)'),
  f('_links', 'none', false, undefined, 'HAL links to the object, its limetype and its relations: the API\'s plumbing'),
];

/**
 * Identifier fields recognised by name on any limetype, with the spellings
 * solutions use. The solution-specific ones (personnummer, customer number,
 * GA client id) are [U] in formats.md §1.6: a solution may call them
 * anything, and then `options.fields` names them.
 */
export const IDENTIFIER_NAMES: Record<string, IdentifierKind> = {
  email: 'email',
  emailaddress: 'email',
  epost: 'email',
  phone: 'phone',
  mobilephone: 'phone',
  telephone: 'phone',
  cellphone: 'phone',
  mobile: 'phone',
  directphone: 'phone',
  homephone: 'phone',
  telefon: 'phone',
  mobiltelefon: 'phone',
  personalnumber: 'pnr',
  personnummer: 'pnr',
  personalidentitynumber: 'pnr',
  ssn: 'pnr',
  pnr: 'pnr',
  registrationno: 'orgnr',
  orgnumber: 'orgnr',
  orgnr: 'orgnr',
  organisationsnummer: 'orgnr',
  organizationnumber: 'orgnr',
  customerno: 'customerNo',
  customernumber: 'customerNo',
  kundnummer: 'customerNo',
  kundnr: 'customerNo',
  gaclientid: 'gaClientId',
  googleanalyticsclientid: 'gaClientId',
};

const IDENTIFIER_CATEGORY: Partial<Record<IdentifierKind, string>> = {
  email: 'contact',
  phone: 'contact',
  pnr: 'identity',
  orgnr: 'professional',
  customerNo: 'customer-account',
  gaClientId: 'web-behaviour',
};

/** The spelling of each recognised identifier name that describe() lists. */
const IDENTIFIER_FIELD_NAMES = [
  'email', 'phone', 'mobilephone', 'personalnumber', 'personnummer', 'ssn', 'registrationno', 'orgnumber',
  'customerno', 'kundnummer', 'gaclientid', 'ga_client_id',
];

/** Free-text fields on any limetype: scanned for e-mail addresses, phone numbers, personnummer and names. */
export const TEXT_NAMES = new Set(['note', 'notes', 'description', 'comment', 'comments', 'misc', 'subject', 'text', 'message', 'body', 'summary', 'wonlostreason']);

/** Belongs-to relations of the core data model, by field name; the related limetype has the field's name. */
export const RELATION_NAMES = ['person', 'company', 'coworker', 'deal', 'helpdesk', 'history', 'todo', 'document', 'consenttype', 'campaign', 'event', 'parent'];

/** Fields every limetype is described with: the rule above as field descriptions. */
export function genericFields(): FieldDescription[] {
  const out: FieldDescription[] = [...SYSTEM_FIELDS];
  for (const name of IDENTIFIER_FIELD_NAMES) {
    const kind = IDENTIFIER_NAMES[normName(name)]!;
    out.push(f(name, IDENTIFIER_CATEGORY[kind] ?? 'identity', true, kind));
  }
  for (const name of RELATION_NAMES) {
    // Persons, coworkers and companies are parties: their ids identify a person or an organisation.
    const party = LIMETYPES[name]?.party;
    out.push(
      party
        ? f(name, 'system-id', true, 'systemId', `Relation to a ${name} (its id, or the embedded object): lime:${name}:<id>`)
        : f(name, 'system-id', false, undefined, `Relation to a ${name} (its id)`),
    );
  }
  for (const name of TEXT_NAMES) out.push(f(name, 'interaction', true, undefined, 'Free text, scanned for identifiers and names'));
  return out;
}

// ---------------------------------------------------------------- known limetypes

/** An option (formats.md §1.2): `{key, id, text}`, which the letter shows by its text. */
const option = (name: string, category: string, personal = true): FieldDescription => ({
  ...f(name, category, personal, undefined, 'An option: {key, id, text}'),
  option: true,
});

/** The known limetypes' names in Swedish, for a Swedish extract's labels; another limetype is shown by its id. */
const LIMETYPE_SV: Record<string, string> = {
  person: 'Person',
  coworker: 'Medarbetare',
  company: 'Företag',
  history: 'Historik',
  deal: 'Affär',
  helpdesk: 'Ärende',
  consent: 'Samtycke',
  participant: 'Deltagare',
  todo: 'Uppgift',
  document: 'Dokument',
};

export function limetypeSv(limetype: string): string {
  return LIMETYPE_SV[limetype] ?? limetype;
}

/** A limetype as the first word of an English extract's label (`Company 2002 …`). */
export function limetypeEn(limetype: string): string {
  return limetype.charAt(0).toUpperCase() + limetype.slice(1);
}

export const LIMETYPES: Record<string, LimetypeInfo> = {
  person: {
    title: 'Person (contact)',
    category: 'crm-person',
    party: 'person',
    fields: [
      { ...f('firstname', 'identity', true, 'name'), namePart: 'first' },
      { ...f('lastname', 'identity', true, 'name'), namePart: 'last' },
      { ...f('name', 'identity', true, 'name'), namePart: 'full' },
      // The display string is the name too (Lime computes it from the name; AN-2: it must not keep the old one).
      { ...f('_descriptive', 'identity', true, undefined, 'Display string: the name'), namePart: 'full' },
      f('company', 'professional', true, 'systemId', 'The person\'s company: lime:company:<id> (an organisation, context only)'),
      f('position', 'professional', true),
      f('role', 'professional', true),
      f('inactive', 'customer-account', true),
      f('emailhardbounce', 'contact', true),
      { ...f('expireddate', 'system-id', true, undefined, 'GDPR add-on: when the person expired, to be deleted'), retentionEnd: true },
      f('anonymizeddate', 'system-id', true, undefined, 'GDPR add-on: when the person was anonymised'),
    ],
  },
  coworker: {
    title: 'Coworker (staff)',
    category: 'directory-user',
    party: 'person',
    fields: [
      { ...f('firstname', 'identity', true, 'name'), namePart: 'first' },
      { ...f('lastname', 'identity', true, 'name'), namePart: 'last' },
      { ...f('name', 'identity', true, 'name'), namePart: 'full' },
      // The display string is the name too (Lime computes it from the name; AN-2: it must not keep the old one).
      { ...f('_descriptive', 'identity', true, undefined, 'Display string: the name'), namePart: 'full' },
      f('username', 'system-id', true),
      f('title', 'professional', true),
      f('inactive', 'system-id', true),
    ],
  },
  company: {
    title: 'Company',
    category: 'crm-company',
    party: 'organisation',
    fields: [
      f('name', 'professional', true, 'company'),
      f('registrationno', 'professional', true, 'orgnr', "Org.nr; a sole trader's is the owner's personnummer"),
      f('orgnumber', 'professional', true, 'orgnr', "Org.nr; a sole trader's is the owner's personnummer"),
      f('www', 'professional', false),
      f('postaladdress1', 'contact', true, 'address'),
      f('postaladdress2', 'contact', true),
      f('postalzipcode', 'contact', true, 'address'),
      f('postalcity', 'contact', true, 'address'),
      f('visitingaddress1', 'contact', true, 'address'),
      f('visitingaddress2', 'contact', true),
      f('visitingzipcode', 'contact', true, 'address'),
      f('visitingcity', 'contact', true, 'address'),
      f('careof', 'contact', true),
      f('streetname', 'contact', true),
      f('country', 'contact', true),
      f('fullpostaladdress', 'contact', true),
      f('fullvisitingaddress', 'contact', true),
      option('buyingstatus', 'customer-account'),
      f('inactive', 'customer-account', true),
    ],
  },
  history: {
    title: 'History (notes, calls, meetings)',
    category: 'crm-history',
    fields: [f('date', 'interaction', true), option('type', 'interaction')],
  },
  deal: {
    title: 'Deal',
    category: 'crm-deal',
    fields: [
      f('name', 'order-history', true, undefined, 'The deal\'s title; scanned as free text'),
      f('value', 'order-history', true),
      f('probability', 'order-history', true),
      f('weightedvalue', 'order-history', true),
      option('dealstatus', 'order-history'),
      f('closeddate', 'order-history', true),
      f('expecteddate', 'order-history', true),
      f('quotesent', 'order-history', true),
    ],
  },
  helpdesk: {
    title: 'Helpdesk case',
    category: 'crm-history',
    fields: [
      f('helpdeskno', 'interaction', true),
      option('status', 'interaction'),
      option('priority', 'interaction'),
      option('type', 'interaction'),
      f('startdate', 'interaction', true),
      f('enddate', 'interaction', true),
    ],
  },
  consent: {
    title: 'Consent (GDPR add-on; never deleted, proof under Art. 7(1))',
    category: 'crm-consent',
    fields: [
      f('approved', 'consent', true, undefined, 'Given or withdrawn; the newest consent of a type wins'),
      f('date', 'consent', true),
      f('source', 'consent', true),
    ],
  },
  participant: {
    title: 'Participant (event or web-form registration)',
    category: 'crm-event',
    fields: [
      option('participantstatus', 'interest'),
      option('status', 'interest'),
      f('registrationdate', 'interest', true),
      f('attended', 'interest', true),
    ],
  },
  todo: {
    title: 'To-do',
    category: 'crm-history',
    fields: [f('starttime', 'interaction', true), f('endtime', 'interaction', true), f('done', 'interaction', true)],
  },
  document: {
    title: 'Document',
    category: 'crm-history',
    fields: [f('document', 'interaction', true, undefined, 'The file (its metadata in the response)'), option('type', 'interaction'), f('date', 'interaction', true)],
  },
};

/**
 * What the letter calls the fields of the core data model: the API's names
 * are codes (`_createduser`, `emailhardbounce`, `person: 1003`). A
 * relation holds the related object's id in Lime, which the label says. A
 * solution's own fields keep their names.
 */
export const LIME_LABELS: FieldLabels = {
  // System properties on every object.
  _id: ['Id i Lime', 'Id in Lime'],
  _timestamp: ['Senast ändrad', 'Last changed'],
  _createdtime: ['Skapad', 'Created'],
  _createduser: ['Skapad av (användare i Lime, id)', 'Created by (user in Lime, id)'],
  _updateduser: ['Senast ändrad av (användare i Lime, id)', 'Last changed by (user in Lime, id)'],
  _descriptive: ['Visningsnamn i Lime', 'Display name in Lime'],
  // Identifiers by their common names.
  email: ['E-post', 'E-mail'],
  phone: ['Telefon', 'Phone'],
  mobilephone: ['Mobiltelefon', 'Mobile phone'],
  personalnumber: ['Personnummer', 'Personal identity number'],
  personnummer: ['Personnummer', 'Personal identity number'],
  ssn: ['Personnummer', 'Personal identity number'],
  registrationno: ['Organisationsnummer', 'Organisation number'],
  orgnumber: ['Organisationsnummer', 'Organisation number'],
  customerno: ['Kundnummer', 'Customer number'],
  kundnummer: ['Kundnummer', 'Customer number'],
  gaclientid: ['Google Analytics klient-id (kakan _ga)', 'Google Analytics client id (the _ga cookie)'],
  ga_client_id: ['Google Analytics klient-id (kakan _ga)', 'Google Analytics client id (the _ga cookie)'],
  // Belongs-to relations: the related object's id.
  person: ['Person (id i Lime)', 'Person (id in Lime)'],
  company: ['Företag (id i Lime)', 'Company (id in Lime)'],
  'company.name': ['Namn', 'Name'],
  coworker: ['Ansvarig medarbetare hos oss (id i Lime)', 'Our staff member responsible (id in Lime)'],
  deal: ['Affär (id i Lime)', 'Deal (id in Lime)'],
  helpdesk: ['Ärende (id i Lime)', 'Case (id in Lime)'],
  history: ['Historik (id i Lime)', 'History entry (id in Lime)'],
  todo: ['Uppgift (id i Lime)', 'To-do (id in Lime)'],
  document: ['Dokument', 'Document'],
  consenttype: ['Typ av samtycke (id i Lime)', 'Kind of consent (id in Lime)'],
  campaign: ['Kampanj (id i Lime)', 'Campaign (id in Lime)'],
  event: ['Evenemang (id i Lime)', 'Event (id in Lime)'],
  parent: ['Överordnad post (id i Lime)', 'Parent record (id in Lime)'],
  // Free text.
  note: ['Anteckning', 'Note'],
  notes: ['Anteckningar', 'Notes'],
  description: ['Beskrivning', 'Description'],
  comment: ['Kommentar', 'Comment'],
  comments: ['Kommentarer', 'Comments'],
  misc: ['Övrigt', 'Other'],
  subject: ['Ämne', 'Subject'],
  text: ['Text', 'Text'],
  message: ['Meddelande', 'Message'],
  body: ['Text', 'Text'],
  summary: ['Sammanfattning', 'Summary'],
  wonlostreason: ['Skäl till att affären vanns eller förlorades', 'Why the deal was won or lost'],
  // The known limetypes' own fields.
  firstname: ['Förnamn', 'First name'],
  lastname: ['Efternamn', 'Last name'],
  name: ['Namn', 'Name'],
  position: ['Befattning', 'Position'],
  role: ['Roll', 'Role'],
  inactive: ['Inaktiv', 'Inactive'],
  emailhardbounce: ['E-post till adressen kommer i retur', 'E-mail to the address bounces'],
  expireddate: ['Inaktuell sedan (gallras enligt GDPR)', 'Expired on (to be deleted under the GDPR)'],
  anonymizeddate: ['Anonymiserad', 'Anonymised'],
  username: ['Användarnamn', 'User name'],
  title: ['Titel', 'Title'],
  www: ['Webbplats', 'Website'],
  postaladdress1: ['Postadress', 'Postal address'],
  postaladdress2: ['Postadress, rad 2', 'Postal address, line 2'],
  postalzipcode: ['Postnummer', 'Postal code'],
  postalcity: ['Postort', 'Postal town'],
  visitingaddress1: ['Besöksadress', 'Visiting address'],
  visitingaddress2: ['Besöksadress, rad 2', 'Visiting address, line 2'],
  visitingzipcode: ['Postnummer (besöksadress)', 'Postal code (visiting address)'],
  visitingcity: ['Ort (besöksadress)', 'Town (visiting address)'],
  careof: ['c/o', 'c/o'],
  streetname: ['Gatuadress', 'Street'],
  country: ['Land', 'Country'],
  fullpostaladdress: ['Postadress (hela)', 'Postal address (whole)'],
  fullvisitingaddress: ['Besöksadress (hela)', 'Visiting address (whole)'],
  buyingstatus: ['Kundstatus', 'Customer status'],
  date: ['Datum', 'Date'],
  type: ['Typ', 'Type'],
  value: ['Värde', 'Value'],
  probability: ['Sannolikhet', 'Probability'],
  weightedvalue: ['Viktat värde', 'Weighted value'],
  dealstatus: ['Affärens status', 'Deal status'],
  closeddate: ['Avslutad', 'Closed'],
  expecteddate: ['Väntas avslutas', 'Expected to close'],
  quotesent: ['Offert skickad', 'Quote sent'],
  helpdeskno: ['Ärendenummer', 'Case number'],
  status: ['Status', 'Status'],
  priority: ['Prioritet', 'Priority'],
  startdate: ['Början', 'Start'],
  enddate: ['Slut', 'End'],
  approved: ['Samtycke givet', 'Consent given'],
  source: ['Hur samtycket lämnades', 'How consent was given'],
  participantstatus: ['Anmälans status', 'Registration status'],
  registrationdate: ['Anmäld', 'Registered'],
  attended: ['Deltog', 'Attended'],
  starttime: ['Början', 'Start'],
  endtime: ['Slut', 'End'],
  done: ['Klar', 'Done'],
};

/** For a limetype nobody described: its records are read with the rule for every limetype. */
export const UNKNOWN_LIMETYPE_CATEGORY: RecordCategory = 'crm-history';

// ---------------------------------------------------------------- client export

/** How a client export column is classified on a person row and on a company row: [data category, identifier]. */
type ColumnClass = readonly [string, IdentifierKind?];
interface ClientColumn {
  headers: readonly string[];
  person?: ColumnClass;
  company?: ColumnClass;
}

/**
 * Column headers of the Lime client's list export, by the property they
 * show: the limetype's local names, Swedish and English, and how the column
 * is classified. The layout is not public (formats.md §1.5, [U]);
 * `options.columns` overrides any of these headers.
 */
export const CLIENT_COLUMNS = {
  firstname: { headers: ['Förnamn', 'First name', 'Firstname'], person: ['identity', 'name'] },
  lastname: { headers: ['Efternamn', 'Last name', 'Lastname', 'Surname'], person: ['identity', 'name'] },
  name: { headers: ['Namn', 'Name', 'Fullständigt namn', 'Full name', 'Företagsnamn', 'Company name'], person: ['identity', 'name'], company: ['professional', 'company'] },
  email: { headers: ['E-post', 'E-postadress', 'Epost', 'E-mail', 'Email', 'Email address'], person: ['contact', 'email'], company: ['contact', 'email'] },
  phone: { headers: ['Telefon', 'Telefonnummer', 'Växel', 'Phone', 'Telephone'], person: ['contact', 'phone'], company: ['contact', 'phone'] },
  mobilephone: { headers: ['Mobiltelefon', 'Mobil', 'Mobilnummer', 'Mobile phone', 'Mobile'], person: ['contact', 'phone'] },
  position: { headers: ['Befattning', 'Titel', 'Position', 'Title', 'Job title'], person: ['professional'] },
  company: { headers: ['Företag', 'Company', 'Organisation'], person: ['professional', 'company'] },
  registrationno: {
    headers: ['Organisationsnummer', 'Org.nr', 'Orgnr', 'Org nr', 'Registration no', 'Registration number', 'Corporate identity number'],
    company: ['professional', 'orgnr'],
  },
  personalnumber: { headers: ['Personnummer', 'Personal identity number', 'Personal number'], person: ['identity', 'pnr'] },
  customerno: { headers: ['Kundnummer', 'Kundnr', 'Customer no', 'Customer number'], person: ['customer-account', 'customerNo'], company: ['customer-account', 'customerNo'] },
  postaladdress1: { headers: ['Postadress', 'Adress', 'Postal address', 'Address'], company: ['contact', 'address'] },
  postaladdress2: { headers: ['Postadress 2', 'c/o', 'Care of'], company: ['contact'] },
  postalzipcode: { headers: ['Postnummer', 'Postnr', 'Postal code', 'Zip code', 'Postcode'], company: ['contact', 'address'] },
  postalcity: { headers: ['Ort', 'Postort', 'City', 'Postal city'], company: ['contact', 'address'] },
  visitingaddress1: { headers: ['Besöksadress', 'Visiting address'], company: ['contact', 'address'] },
  visitingzipcode: { headers: ['Besökspostnummer', 'Visiting zip code'], company: ['contact', 'address'] },
  visitingcity: { headers: ['Besöksort', 'Visiting city'], company: ['contact', 'address'] },
  www: { headers: ['Webbplats', 'Hemsida', 'Webb', 'Website', 'Web site', 'www'], company: ['professional'] },
  country: { headers: ['Land', 'Country'], company: ['contact'] },
  buyingstatus: { headers: ['Kundstatus', 'Köpstatus', 'Buying status'], company: ['customer-account'] },
  coworker: { headers: ['Ansvarig', 'Ansvarig säljare', 'Responsible', 'Coworker'], person: ['professional'], company: ['professional'] },
  inactive: { headers: ['Inaktiv', 'Inactive'], person: ['customer-account'], company: ['customer-account'] },
  id: { headers: ['Id', 'Lime-id', '_id'], person: ['system-id', 'systemId'], company: ['system-id', 'systemId'] },
  createdtime: { headers: ['Skapad', 'Skapat', 'Created'], person: ['system-id'], company: ['system-id'] },
  timestamp: { headers: ['Ändrad', 'Senast ändrad', 'Uppdaterad', 'Updated', 'Last modified'], person: ['system-id'], company: ['system-id'] },
} as const satisfies Record<string, ClientColumn>;
export type ClientProperty = keyof typeof CLIENT_COLUMNS;
export const CLIENT_PROPERTIES = Object.keys(CLIENT_COLUMNS) as ClientProperty[];

/** The parts of a person's name the client export's columns hold (AN-2: all of them are the name). */
const PERSON_NAME_PARTS: Partial<Record<ClientProperty, NamePart>> = { firstname: 'first', lastname: 'last', name: 'full' };

/** The client export's headers as fields of a person or company record. */
export function clientExportFields(limetype: 'person' | 'company'): FieldDescription[] {
  const out: FieldDescription[] = [];
  for (const p of CLIENT_PROPERTIES) {
    const column: ClientColumn = CLIENT_COLUMNS[p];
    const c = column[limetype];
    if (!c) continue;
    const part = limetype === 'person' ? PERSON_NAME_PARTS[p] : undefined;
    for (const header of column.headers) out.push({ ...f(header, c[0], true, c[1], `Client export column (${p})`), ...(part ? { namePart: part } : {}) });
  }
  return out;
}
