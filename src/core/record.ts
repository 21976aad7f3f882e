/**
 * What a connector emits: one record of one system, with a precise locator,
 * its fields as the system exported them, and the identifiers it carries.
 * Connectors do not normalise identifiers; the pure core does (identity/).
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { IdentifierKind, Scope } from './identity/kinds.ts';

/**
 * Where a record is, precisely enough for a person to open the file and find
 * it: file and line (CSV, NDJSON, SIE), sheet and row (XLSX), or a JSON
 * pointer. `file` is relative to the config file's folder.
 */
export interface Locator {
  file: string;
  /** Entry inside an archive (a Mailchimp ZIP). */
  entry?: string;
  /** 1-based physical line where the record starts. */
  line?: number;
  /** 1-based data row (CSV/XLSX rows after the header). */
  row?: number;
  sheet?: string;
  /** RFC 6901 JSON pointer into the file. */
  pointer?: string;
}

export interface RawIdentifier {
  kind: IdentifierKind;
  /** The value as it stands in the export. */
  value: string;
  /** The field it came from, as a path into `fields` (`toRecipients/0/emailAddress/address`). */
  field: string;
  /**
   * Groups the identifiers of one party within the record: on a Visma
   * customer, `self` is the customer and `contact` the contact person.
   * Defaults to `self`. Free-text mentions use `mention`.
   */
  holder?: string;
  /**
   * For a phone: the region (ISO 3166 alpha-2) it was written in, when the
   * record says where its holder is (the country of the address a phone goes
   * with, a customer's InvoiceCountryCode; identity/country.ts). A number
   * written nationally is read in it (`0711 1234567` of a German contact is
   * +49 711 1234567); one with `+` or `00` keeps its own country. Without
   * it, Sweden.
   */
  region?: CountryCode;
}

/**
 * What part of a person's name a field holds, as its connector describes it
 * (`FieldDescription.namePart`): an anonymisation replaces every such field
 * of the subject's party and a name rectification sets them consistently
 * (AN-2, RE-1). `full` is the whole name (a full or display name);
 * `other` holds the name in a form not derived from it by a rule (a
 * nickname, a phonetic or file-as form).
 */
export const NAME_PARTS = ['first', 'middle', 'last', 'full', 'initials', 'other'] as const;
export type NamePart = (typeof NAME_PARTS)[number];

export interface HolderInfo {
  /** A natural person, a legal person, or unknown text mentions. */
  scope: Scope;
  /** What the party is to the record: `customer`, `contact`, `recipient`. */
  role?: string;
}

export interface SourceRecord {
  /** The kind of record in the system: person, company, history, invoice, voucher, message, member, event ... */
  entity: string;
  locator: Locator;
  fields: Record<string, unknown>;
  identifiers: RawIdentifier[];
  /** Parties in the record. A holder not listed here is a person; `mention` is always a mention. */
  holders?: Record<string, HolderInfo>;
  /** Free text to scan for e-mail addresses, phone numbers, personnummer and names. */
  text?: { field: string; value: string }[];
  /** ISO date (YYYY-MM-DD) of the business event, for retention rules. */
  date?: string;
  /**
   * The financial years the export itself states (an SIE file's #RAR), as
   * ISO [start, end] periods: BF-1 anchors a bookkeeping record at the end
   * of its year, and these win over the config's fiscalYearStart.
   */
  fiscalYears?: { start: string; end: string }[];
  /** A few words that tell a person which record this is: `Faktura 2025041`, `Åsa Lindqvist`. */
  label?: string;
  /**
   * The label in each language of an extract, where its words are the
   * connector's and not data (`Faktura 2025041`, `Invoice 2025041`). Without
   * it, an extract shows `label` in both.
   */
  labels?: { sv: string; en: string };
  /**
   * Is this record räkenskapsinformation (BFL 1 kap. 2 §), or may it be?
   * Overrides the entity's default from describe(): an e-mail whose subject
   * says "faktura" may be a verifikation and must not be deleted unseen.
   */
  bookkeeping?: boolean;
  /**
   * The data category (register id) of the record as a whole, such as
   * `crm-contact`, `invoice`, `voucher`, `newsletter-member`, `web-analytics`.
   */
  category?: string;
}

/**
 * `label` and `labels` of a record whose label holds the connector's own
 * words: `label` (find, plans) in the language the connector has always
 * written it in, `labels` both, for the extract of each language.
 */
export function bilingualLabel(sv: string, en: string, label: 'sv' | 'en'): Pick<SourceRecord, 'label' | 'labels'> {
  return { label: label === 'sv' ? sv : en, labels: { sv, en } };
}

export function holderOf(record: SourceRecord, holder: string | undefined): HolderInfo {
  const h = holder ?? 'self';
  if (h === 'mention') return { scope: 'mention' };
  return record.holders?.[h] ?? { scope: 'person' };
}

/** A stable string for a locator, used to deduplicate records across rounds. */
export function locatorKey(l: Locator): string {
  return [l.file, l.entry ?? '', l.sheet ?? '', l.pointer ?? '', l.line ?? '', l.row ?? ''].join('\u0000');
}

/** Natural order of JSON pointers: `/value/2` before `/value/10`. */
function comparePointers(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const nx = /^\d+$/u.test(x[i]!) ? Number(x[i]) : NaN;
    const ny = /^\d+$/u.test(y[i]!) ? Number(y[i]) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * A total order on locators (file, archive entry, sheet, line, row, pointer),
 * so results come out in the same order however the search reached them.
 */
export function compareLocators(a: Locator, b: Locator): number {
  const str = (x: string | undefined, y: string | undefined): number => (x === y ? 0 : x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1);
  const num = (x: number | undefined, y: number | undefined): number => (x ?? -1) - (y ?? -1);
  return (
    str(a.file, b.file) ||
    str(a.entry, b.entry) ||
    str(a.sheet, b.sheet) ||
    num(a.line, b.line) ||
    num(a.row, b.row) ||
    (a.pointer === b.pointer ? 0 : a.pointer === undefined ? -1 : b.pointer === undefined ? 1 : comparePointers(a.pointer, b.pointer))
  );
}

/** Human form: `lime/persons.csv:12`, `visma.xlsx [Kunder] row 3`, `graph/page1.json#/value/2`. */
export function formatLocator(l: Locator): string {
  let s = l.file;
  if (l.entry) s += `!${l.entry}`;
  if (l.sheet !== undefined) s += ` [${l.sheet}]`;
  if (l.pointer !== undefined) s += `#${l.pointer}`;
  if (l.line !== undefined) s += `:${l.line}`;
  else if (l.row !== undefined) s += ` row ${l.row}`;
  return s;
}
