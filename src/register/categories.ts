/**
 * The two vocabularies that tie records to the processing register.
 *
 * - A *data category* says what kind of personal data a field holds
 *   (Art. 15(1)(b), Art. 30(1)(c)): every field a connector reads has one.
 * - A *record category* says which processing a record belongs to; the
 *   register gives each one its purposes, legal basis, recipients and
 *   retention (Art. 15(1)(a)-(h)). Every entity a connector emits has one.
 *
 * Connectors may only use ids from these lists; the registry conformance
 * test checks that, and the register must describe every record category.
 */
export const DATA_CATEGORIES = {
  identity: { sv: 'Identitetsuppgifter (namn, personnummer)', en: 'Identity (name, personal identity number)' },
  contact: { sv: 'Kontaktuppgifter (e-post, telefon, adress)', en: 'Contact details (e-mail, phone, address)' },
  professional: { sv: 'Yrkesuppgifter (företag, befattning)', en: 'Professional details (company, job title)' },
  'customer-account': { sv: 'Kunduppgifter (kundnummer, villkor)', en: 'Customer account (customer number, terms)' },
  billing: { sv: 'Fakturerings- och betalningsuppgifter', en: 'Invoicing and payment data' },
  'order-history': { sv: 'Orderhistorik och affärer', en: 'Order history and deals' },
  interaction: { sv: 'Kontakthistorik och anteckningar', en: 'Interaction history and notes' },
  interest: { sv: 'Intresseområden och evenemang', en: 'Areas of interest and events' },
  consent: { sv: 'Samtycken och avregistreringar', en: 'Consents and unsubscriptions' },
  'newsletter-engagement': { sv: 'Hur du interagerat med nyhetsbrev (öppningar, klick)', en: 'How you interacted with newsletters (opens, clicks)' },
  'web-behaviour': { sv: 'Besök på webbplatsen (sidor, tid, klick, hänvisning)', en: 'Website visits (pages, time, clicks, referrer)' },
  device: { sv: 'Enhet och webbläsare', en: 'Device and browser' },
  location: { sv: 'Ungefärlig plats (ort, region, tidszon)', en: 'Approximate location (city, region, time zone)' },
  network: { sv: 'IP-adresser', en: 'IP addresses' },
  correspondence: { sv: 'E-postkorrespondens', en: 'E-mail correspondence' },
  'system-id': { sv: 'Tekniska id:n och tidsstämplar', en: 'Technical ids and timestamps' },
  /** Not personal data: account codes, amounts without a person, system flags. */
  none: { sv: 'Inga personuppgifter', en: 'No personal data' },
} as const satisfies Record<string, { sv: string; en: string }>;

export type DataCategory = keyof typeof DATA_CATEGORIES;

export const RECORD_CATEGORIES = {
  'crm-person': { sv: 'Kontaktperson i CRM', en: 'CRM contact person' },
  'crm-company': { sv: 'Företag i CRM', en: 'CRM company' },
  'crm-history': { sv: 'Kontakthistorik i CRM', en: 'CRM interaction history' },
  'crm-deal': { sv: 'Affärsmöjlighet i CRM', en: 'CRM deal' },
  'crm-consent': { sv: 'Samtycke i CRM', en: 'CRM consent record' },
  'crm-event': { sv: 'Evenemang och intresseanmälningar', en: 'Events and registrations of interest' },
  customer: { sv: 'Kundregister (ekonomisystem)', en: 'Customer register (accounting system)' },
  invoice: { sv: 'Kundfaktura', en: 'Customer invoice' },
  payment: { sv: 'Betalning och kundreskontra', en: 'Payment and accounts receivable' },
  voucher: { sv: 'Verifikation i bokföringen', en: 'Bookkeeping voucher' },
  'accounting-master': { sv: 'Grunddata i bokföringen', en: 'Bookkeeping master data' },
  'mail-contact': { sv: 'Kontakt i e-postsystemet', en: 'Contact in the e-mail system' },
  'mail-message': { sv: 'E-postmeddelande', en: 'E-mail message' },
  'mail-trace': { sv: 'Logg över e-posttrafik', en: 'E-mail traffic log' },
  'directory-user': { sv: 'Användarkonto', en: 'User account' },
  'newsletter-member': { sv: 'Prenumerant på nyhetsbrev', en: 'Newsletter subscriber' },
  'newsletter-activity': { sv: 'Aktivitet i nyhetsbrev', en: 'Newsletter activity' },
  'web-analytics': { sv: 'Webbanalys (Google Analytics)', en: 'Web analytics (Google Analytics)' },
} as const satisfies Record<string, { sv: string; en: string }>;

export type RecordCategory = keyof typeof RECORD_CATEGORIES;

export function isDataCategory(s: string): s is DataCategory {
  return Object.hasOwn(DATA_CATEGORIES, s);
}

export function isRecordCategory(s: string): s is RecordCategory {
  return Object.hasOwn(RECORD_CATEGORIES, s);
}
