/**
 * The fixed words of the rendered extract (XLSX, CSV, HTML) in Swedish and
 * English. The register gives the answers (purposes, recipients, ...); this
 * file only gives the headings around them, in plain language (Art. 12(1),
 * AC-13). Both languages have the same keys, so `--lang en` renders the same
 * extract with English words.
 */
import type { Extract, ExtractLang, ExtractRecord } from './extract-schema.ts';

type Text = { sv: string; en: string };

export const TEXT = {
  title: { sv: 'Registerutdrag enligt artikel 15 i dataskyddsförordningen', en: 'Register extract under Article 15 of the General Data Protection Regulation (GDPR)' },
  summarySheet: { sv: 'Sammanfattning', en: 'Summary' },
  to: { sv: 'Till', en: 'To' },
  date: { sv: 'Datum', en: 'Date' },
  generatedAt: { sv: 'Framställt', en: 'Generated' },
  controller: { sv: 'Personuppgiftsansvarig', en: 'Controller' },
  orgnr: { sv: 'Org.nr', en: 'Reg. no.' },
  phone: { sv: 'Telefon', en: 'Phone' },
  email: { sv: 'E-post', en: 'E-mail' },
  caseId: { sv: 'Ärende', en: 'Case' },
  subject: { sv: 'Utdraget avser', en: 'This extract concerns' },
  subjectHow: {
    sv: 'den person som har följande uppgifter, som vi sökte efter i alla våra system',
    en: 'the person with the following details, which we searched for in all our systems',
  },
  confirmationHeading: { sv: 'Behandlar vi personuppgifter om dig?', en: 'Do we process personal data about you?' },
  confirmationYes: {
    sv: 'Ja. Vi behandlar personuppgifter om dig. Nedan får du en kopia av uppgifterna och information om hur och varför vi behandlar dem.',
    en: 'Yes. We process personal data about you. Below you will find a copy of the data and information about how and why we process it.',
  },
  confirmationNo: {
    sv: 'Nej. Vi hittade inga personuppgifter om dig i de system som vi sökte i (se "Sökta system" nedan).',
    en: 'No. We found no personal data about you in the systems we searched (see "Systems searched" below).',
  },
  confirmationUndecided: {
    sv: 'Det kan vi inte svara på ännu. Vi hittade uppgifter som kan gälla dig, men vi har inte kunnat säkerställa att de gäller just dig. Vi kontrollerar dem och återkommer med ett fullständigt svar.',
    en: 'We cannot answer that yet. We found data that may concern you, but we have not yet been able to make sure that it is about you. We are checking it and will come back to you with a full answer.',
  },
  undecidedMore: {
    sv: 'Vi hittade också uppgifter som kan gälla dig men som vi ännu inte har kunnat säkerställa gäller just dig. Vi kontrollerar dem och återkommer om de gör det.',
    en: 'We also found data that may concern you but that we have not yet been able to make sure is about you. We are checking it and will come back to you if it is.',
  },
  free: {
    sv: 'Utdraget är kostnadsfritt (artikel 15.3 och 12.5).',
    en: 'This extract is free of charge (Articles 15(3) and 12(5)).',
  },
  contents: {
    sv: 'Brevet har tre delar: först svaren på artikel 15.1 a–h och 15.2 för just dina uppgifter, sedan själva uppgifterna system för system, och sist vilka system vi sökte i. Samma uppgifter finns i maskinläsbar form (JSON, XLSX, CSV) om du vill ha dem.',
    en: 'This letter has three parts: first the answers to Article 15(1)(a)-(h) and 15(2) for your data, then the data itself, system by system, and last which systems we searched. The same data is available in machine-readable form (JSON, XLSX, CSV) if you want it.',
  },
  sectionA: { sv: 'a) Varför vi behandlar dina uppgifter (ändamål) och med vilket stöd', en: 'a) Why we process your data (purposes) and on what legal basis' },
  sectionB: { sv: 'b) Vilka slags personuppgifter vi behandlar', en: 'b) The categories of personal data we process' },
  sectionC: { sv: 'c) Vilka som får del av uppgifterna (mottagare)', en: 'c) Who receives the data (recipients)' },
  sectionD: { sv: 'd) Hur länge vi sparar uppgifterna', en: 'd) How long we keep the data' },
  sectionE: { sv: 'e) Dina rättigheter', en: 'e) Your rights' },
  sectionF: { sv: 'f) Rätt att klaga till Integritetsskyddsmyndigheten', en: 'f) The right to complain to the supervisory authority' },
  sectionG: { sv: 'g) Varifrån uppgifterna kommer', en: 'g) Where the data came from' },
  sectionH: { sv: 'h) Automatiserat beslutsfattande och profilering', en: 'h) Automated decision-making and profiling' },
  sectionTransfers: { sv: 'Överföring till länder utanför EU/EES (artikel 15.2)', en: 'Transfers to countries outside the EU/EEA (Article 15(2))' },
  sectionData: { sv: 'Dina uppgifter, system för system', en: 'Your data, system by system' },
  sectionSearched: { sv: 'Sökta system', en: 'Systems searched' },
  sectionNotRead: { sv: 'Filer som inte kunde läsas', en: 'Files that could not be read' },
  sectionRedaction: { sv: 'Uppgifter om andra personer', en: "Other people's data" },
  appliesTo: { sv: 'Gäller', en: 'Applies to' },
  purposes: { sv: 'Ändamål', en: 'Purposes' },
  dataCategories: { sv: 'Kategorier av personuppgifter', en: 'Categories of personal data' },
  recipient: { sv: 'Mottagare', en: 'Recipient' },
  recipientRole: { sv: 'Varför de får uppgifterna', en: 'Why they receive the data' },
  legalBasis: { sv: 'Rättslig grund', en: 'Legal basis' },
  noTransfers: {
    sv: 'Inga av dina uppgifter förs över till länder utanför EU/EES.',
    en: 'None of your data is transferred to countries outside the EU/EEA.',
  },
  transferSafeguard: { sv: 'Skyddsåtgärd', en: 'Safeguard' },
  retentionRule: { sv: 'Regel', en: 'Rule' },
  retainUntil: { sv: 'Sparas t.o.m.', en: 'Kept until' },
  deletableFrom: { sv: 'Raderas från', en: 'Deleted from' },
  overdue: {
    sv: 'lagringstiden har gått ut och uppgifterna ska raderas',
    en: 'the retention period has ended and the data is due for deletion',
  },
  provisional: {
    sv: 'preliminärt: en faktura är ännu inte slutbetald; lagringstiden löper från utgången av det räkenskapsår då den betalas, krediteras eller skrivs av, och datumet flyttas då fram',
    en: 'provisional: an invoice is not yet settled; the period runs from the end of the financial year in which it is paid, credited or written off, and the date then moves later',
  },
  retentionPerRecord: {
    sv: 'För varje post nedan anges regeln och, där regeln ger ett datum, den sista dagen posten sparas.',
    en: 'For each record below, the rule is given and, where the rule gives a date, the last day the record is kept.',
  },
  profilingYes: {
    sv: 'Några av dina uppgifter används för profilering (se posterna markerade nedan).',
    en: 'Some of your data is used for profiling (see the records marked below).',
  },
  profilingNo: {
    sv: 'Dina uppgifter används inte för profilering, och vi fattar inga automatiserade beslut om dig enligt artikel 22.',
    en: 'Your data is not used for profiling, and we make no automated decisions about you under Article 22.',
  },
  complaintContact: { sv: 'Kontakt', en: 'Contact' },
  questions: {
    sv: 'Har du frågor om utdraget, eller vill du använda någon av dina rättigheter, kontakta oss',
    en: 'If you have questions about this extract, or want to use any of your rights, contact us',
  },
  allRead: { sv: 'Alla filer kunde läsas.', en: 'All files could be read.' },
  notReadIntro: {
    sv: 'En eller flera filer från följande källor kunde inte läsas. Utdraget kan därför sakna uppgifter från dem; vi återkommer när de har kunnat läsas.',
    en: 'One or more files from the following sources could not be read. The extract may therefore lack data from them; we will come back to you once they have been read.',
  },
  unverifiedIntro: {
    sv: 'En fil från följande källor lästes och uppgifterna i den finns med i utdraget, men en kontrollsumma i filen stämde inte. Filen kan alltså ha ändrats efter att den exporterades ur systemet.',
    en: 'A file from the following sources was read and its data is included in this extract, but a checksum in the file did not match. The file may therefore have been changed after it was exported from the system.',
  },
  noRecordsInSystem: { sv: 'Inga uppgifter om dig.', en: 'No data about you.' },
  records: { sv: 'poster', en: 'records' },
  record: { sv: 'Post', en: 'Record' },
  field: { sv: 'Uppgift', en: 'Field' },
  // A list's item in the letter's name of a field (`Fakturarader › rad 1 › Moms (%)`).
  listItem: { sv: 'rad', en: 'row' },
  value: { sv: 'Värde', en: 'Value' },
  timesSwedish: { sv: 'Tidpunkter anges i svensk tid.', en: 'Times are given in Swedish time.' },
  redacted: { sv: 'Borttaget (art. 15.4)', en: 'Removed (Art. 15(4))' },
  sheetsIntro: {
    sv: 'Därefter följer en flik per system med dina uppgifter; varje rad är en post, med ändamål, rättslig grund, mottagare och lagringstid.',
    en: 'Then follows one sheet per system with your data; each row is one record, with its purposes, legal basis, recipients and retention.',
  },
  yes: { sv: 'ja', en: 'yes' },
  no: { sv: 'nej', en: 'no' },
  // A field's true or false in the letter (a system's `inactive: false`, Visma's `IsPrivatePerson: true`).
  valueTrue: { sv: 'Ja', en: 'Yes' },
  valueFalse: { sv: 'Nej', en: 'No' },
  page: { sv: 'Sida', en: 'Page' },
  // Column headings of the per-system tables (XLSX sheets, CSV files).
  colSystem: { sv: 'System', en: 'System' },
  colSource: { sv: 'Källa (export)', en: 'Source (export)' },
  colKind: { sv: 'Typ av post', en: 'Kind of record' },
  colEntity: { sv: 'Posttyp i systemet', en: 'Entity in the system' },
  colLabel: { sv: 'Benämning', en: 'Label' },
  colConfidence: { sv: 'Träffsäkerhet', en: 'Match' },
  colDate: { sv: 'Datum', en: 'Date' },
  colLocator: { sv: 'Plats i exporten', en: 'Location in the export' },
  colDataCategories: { sv: 'Kategorier av uppgifter (b)', en: 'Data categories (b)' },
  colPurposes: { sv: 'Ändamål (a)', en: 'Purposes (a)' },
  colLegalBasis: { sv: 'Rättslig grund', en: 'Legal basis' },
  colRecipients: { sv: 'Mottagare (c)', en: 'Recipients (c)' },
  colRetention: { sv: 'Lagringstid (d)', en: 'Retention (d)' },
  colRetainUntil: { sv: 'Sparas t.o.m.', en: 'Kept until' },
  colOrigin: { sv: 'Ursprung (g)', en: 'Origin (g)' },
  colProfiling: { sv: 'Profilering (h)', en: 'Profiling (h)' },
  colRedactions: { sv: 'Borttagna uppgifter (art. 15.4)', en: 'Removed data (Art. 15(4))' },
  colRecords: { sv: 'Antal poster', en: 'Records' },
  colFile: { sv: 'Fil', en: 'File' },
} as const satisfies Record<string, Text>;

export type TextKey = keyof typeof TEXT;

export function tr(lang: ExtractLang, key: TextKey): string {
  return TEXT[key][lang];
}

const CONFIDENCE: Record<ExtractRecord['confidence'], Text> = {
  exact: { sv: 'säker', en: 'exact' },
  probable: { sv: 'sannolik', en: 'probable' },
  possible: { sv: 'möjlig, bekräftad av handläggare', en: 'possible, confirmed by the handler' },
};

export function confidenceText(lang: ExtractLang, c: ExtractRecord['confidence']): string {
  return CONFIDENCE[c][lang];
}

const KINDS: Record<string, Text> = {
  email: { sv: 'E-post', en: 'E-mail' },
  phone: { sv: 'Telefon', en: 'Phone' },
  pnr: { sv: 'Personnummer', en: 'Personal identity number' },
  orgnr: { sv: 'Organisationsnummer', en: 'Organisation number' },
  customerNo: { sv: 'Kundnummer', en: 'Customer number' },
  ip: { sv: 'IP-adress', en: 'IP address' },
  gaClientId: { sv: 'Google Analytics klient-id', en: 'Google Analytics client id' },
  userId: { sv: 'Användar-id på webbplatsen', en: 'Website user id' },
  systemId: { sv: 'Id i system', en: 'System id' },
  name: { sv: 'Namn', en: 'Name' },
  company: { sv: 'Företag', en: 'Company' },
  address: { sv: 'Adress', en: 'Address' },
};

export function identifierKindText(lang: ExtractLang, kind: string): string {
  return KINDS[kind]?.[lang] ?? kind;
}

/** `16 maj 2025` / `16 May 2025` for a YYYY-MM-DD date; other input as it is. */
export function longDate(lang: ExtractLang, iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/u.test(iso)) return iso;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return (LONG_DATE[lang] ??= new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' })).format(d);
}

// Made once per language: a new Intl.DateTimeFormat per date cost a 1,000-request batch a third of a second (issue #7).
const LONG_DATE: Partial<Record<ExtractLang, Intl.DateTimeFormat>> = {};
const LONG_DATE_TIME: Partial<Record<ExtractLang, Intl.DateTimeFormat>> = {};

/** An instant (`2026-11-25T22:23:46.996Z`) as the letter's reader reads it, in Swedish time: `25 november 2026 kl. 23:23 (svensk tid)`. */
export function longDateTime(lang: ExtractLang, iso: string): string {
  const d = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}T/u.test(iso) || Number.isNaN(d.getTime())) return iso;
  return `${swedishTime(lang, d)}${lang === 'sv' ? ' (svensk tid)' : ' (Swedish time)'}`;
}

/**
 * An instant in Swedish time (Europe/Stockholm), as longDateTime writes it
 * but without naming the zone: `14 mars 2025 kl. 10:12`, `14 March 2025 at
 * 10:12`. The letter's data say once that their times are Swedish
 * (`timesSwedish`).
 */
export function swedishTime(lang: ExtractLang, d: Date): string {
  const f = (LONG_DATE_TIME[lang] ??= new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Stockholm' }));
  return f.format(d);
}

/** Locator as people read it: `nyhetsbrev/x.csv, rad 3`, `kurser.zip › members.csv, line 2`. */
export function locatorText(lang: ExtractLang, l: ExtractRecord['locator'], withFile = true): string {
  const parts = withFile ? [l.entry ? `${l.file} › ${l.entry}` : l.file] : [];
  if (l.sheet !== undefined) parts.push(`${lang === 'sv' ? 'flik' : 'sheet'} ${l.sheet}`);
  if (l.pointer !== undefined) parts.push(l.pointer);
  if (l.line !== undefined) parts.push(`${lang === 'sv' ? 'rad' : 'line'} ${l.line}`);
  else if (l.row !== undefined) parts.push(`${lang === 'sv' ? 'rad' : 'row'} ${l.row}`);
  return parts.join(', ');
}

/**
 * The answer to Art. 15(1): yes, no, or, with possible matches left out
 * undecided and nothing else found, not yet: a "no" would be untrue if they
 * are the person's (AC-1).
 */
export function confirmationKey(x: Pick<Extract, 'confirmation' | 'undecided'>): 'confirmationYes' | 'confirmationNo' | 'confirmationUndecided' {
  return x.confirmation ? 'confirmationYes' : x.undecided > 0 ? 'confirmationUndecided' : 'confirmationNo';
}

/** The confirmation's paragraphs: the answer, and with records that more is being checked when possible matches were left undecided. */
export function confirmationKeys(x: Pick<Extract, 'confirmation' | 'undecided'>): ('confirmationYes' | 'confirmationNo' | 'confirmationUndecided' | 'undecidedMore')[] {
  return x.confirmation && x.undecided > 0 ? [confirmationKey(x), 'undecidedMore'] : [confirmationKey(x)];
}
