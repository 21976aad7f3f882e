/**
 * Outlook's contact CSV (formats.md §3.2) in its layouts: the classic
 * desktop export (all ~90 columns quoted, Windows-1252, CRLF), the
 * Outlook.com / new Outlook export (UTF-8 with BOM, unquoted header), and
 * a localised classic export (Swedish [U], German as a real German Outlook
 * 2013 writes it). Columns are found by name through one alias table, so
 * the layout only changes the label. Google Contacts' CSV is read here too,
 * as its own format.
 */
import { phoneRegions, type AddressGroup, type PhoneGroup } from '../../src/core/identity/country.ts';
import { bilingualLabel, type HolderInfo, type RawIdentifier, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import { openCsv, sniffDelimiter, type CsvReader, type CsvReadOptions } from '../../src/io/csv.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ColumnMap, fieldsOf } from '../../src/io/table.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { CONTACT_CARD_PARTIES, looksLikeAddress, splitDisplayName } from './common.ts';
import { GERMAN_HEADERS, GOOGLE_MAX_GROUP, OUTLOOK_COLUMNS, SWEDISH_HEADERS } from './fields.ts';

export type Language = 'en' | 'sv' | 'de' | 'custom';

interface Alias {
  canonical: string;
  language: Language;
}

const norm = ColumnMap.norm;

function aliasTable(extra: Record<string, string> = {}): Map<string, Alias> {
  const m = new Map<string, Alias>();
  const add = (name: string, canonical: string, language: Language): void => {
    const k = norm(name);
    if (!m.has(k)) m.set(k, { canonical, language });
  };
  // A source's own mapping wins over the built-in names.
  for (const [name, canonical] of Object.entries(extra)) add(name, canonical, 'custom');
  for (const c of OUTLOOK_COLUMNS) add(c.name, c.name, 'en');
  for (const [name, canonical] of Object.entries(SWEDISH_HEADERS)) add(name, canonical, 'sv');
  for (const [name, canonical] of Object.entries(GERMAN_HEADERS)) add(name, canonical, 'de');
  return m;
}

const BUILTIN_ALIASES = aliasTable();

/** Pairs of names that normalise alike but mean different columns (must be empty; tested). */
export function aliasCollisions(): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  const all: [string, string][] = [...OUTLOOK_COLUMNS.map((c): [string, string] => [c.name, c.name]), ...Object.entries(SWEDISH_HEADERS), ...Object.entries(GERMAN_HEADERS)];
  for (const [name, canonical] of all) {
    const k = norm(name);
    const prev = seen.get(k);
    if (prev !== undefined && prev !== canonical) out.push(`${name}: ${prev} / ${canonical}`);
    seen.set(k, canonical);
  }
  return out;
}

export interface OutlookHeader {
  /** Canonical (English) column name → index of its first occurrence. */
  index: Map<string, number>;
  known: number;
  language: Language;
  layout: 'classic' | 'outlook.com' | 'unknown';
}

export function mapOutlookHeader(header: string[], extra?: Record<string, string>): OutlookHeader {
  const table = extra && Object.keys(extra).length > 0 ? aliasTable(extra) : BUILTIN_ALIASES;
  const index = new Map<string, number>();
  const votes: Record<Language, number> = { en: 0, sv: 0, de: 0, custom: 0 };
  let known = 0;
  header.forEach((h, i) => {
    const a = table.get(norm(h));
    if (!a) return;
    known++;
    votes[a.language]++;
    if (!index.has(a.canonical)) index.set(a.canonical, i);
  });
  // Names shared by languages (Suffix, ISDN, Pager) vote English; the translated ones decide.
  const language: Language = votes.sv > votes.de && votes.sv > 0 ? 'sv' : votes.de > 0 ? 'de' : votes.custom > votes.en ? 'custom' : 'en';
  const layout = ['Given Yomi', 'Surname Yomi', 'Company Yomi', 'IMAddress', 'Nickname', 'Schools'].some((c) => index.has(c))
    ? 'outlook.com'
    : ['E-mail Type', 'E-mail Display Name', 'Business Street 2', 'Government ID Number'].some((c) => index.has(c))
      ? 'classic'
      : 'unknown';
  return { index, known, language, layout };
}

/** Splits one header line on a delimiter, honouring quotes (for detect). */
export function splitHeaderLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') {
      if (q && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else q = !q;
    } else if (c === delimiter && !q) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** The header cells of a CSV head, with the delimiter sniffed the way the reader sniffs it. */
export function headerCells(firstLine: string, delimiter?: string): string[] {
  return splitHeaderLine(firstLine, delimiter ?? sniffDelimiter(firstLine));
}

/**
 * One column holding several known column names (`"First Name","Last Name",…`
 * inside one cell): the file was opened in Excel with another list
 * separator and saved again, or is read with the wrong `delimiter`. Returns
 * the format whose names the cell holds.
 */
export function misdelimitedAs(header: string[], extra?: Record<string, string>): 'outlook-csv' | 'google-contacts-csv' | 'message-trace-csv' | undefined {
  if (header.length !== 1) return undefined;
  const cell = header[0]!;
  for (const d of [',', ';', '\t', '|']) {
    if (!cell.includes(d)) continue;
    const inner = splitHeaderLine(cell, d).map((c) => c.replace(/^"+|"+$/gu, ''));
    if (isTraceHeader(inner)) return 'message-trace-csv';
    if (isGoogleHeader(inner)) return 'google-contacts-csv';
    if (mapOutlookHeader(inner, extra).known >= 3) return 'outlook-csv';
  }
  return undefined;
}

export function isGoogleHeader(header: string[]): boolean {
  const c = new ColumnMap(header);
  return c.find('E-mail 1 - Value', 'Phone 1 - Value') >= 0 && c.find('Given Name', 'First Name', 'Name', 'Family Name', 'Last Name') >= 0;
}

export function isTraceHeader(header: string[]): boolean {
  const c = new ColumnMap(header);
  const summary = c.find('sender_address') >= 0 && c.find('recipient_status', 'recipient_address') >= 0;
  const cmdlet = c.find('SenderAddress') >= 0 && c.find('RecipientAddress') >= 0 && c.find('Received', 'MessageTraceId') >= 0;
  return summary || cmdlet;
}

export interface CsvOptions {
  delimiter?: string | undefined;
  encoding?: CsvReadOptions['encoding'];
  headers?: Record<string, string> | undefined;
  fields?: FieldClassification | undefined;
}

export function csvOpts(file: SourceFile, ctx: ReadContext, opts: CsvOptions): CsvReadOptions {
  return {
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    prefilter: ctx.prefilter,
    validate: ctx.validate,
    later: ctx.later,
    onRaggedRows: (count, line) =>
      ctx.warn({ code: 'csv.ragged', message: `${count} row(s) have another number of fields than the header (first at line ${line})`, file: file.rel, line }),
  };
}

/**
 * Ends a CSV reader that will not be read: its generator closes the file in
 * a `finally`, which only runs once the generator has started.
 */
export async function closeCsv(csv: { rows: AsyncGenerator<unknown> }): Promise<void> {
  try {
    await csv.rows.next();
  } catch {
    // A malformed first row does not matter: the header is what failed.
  }
  await csv.rows.return(undefined);
}

/**
 * openCsv, with a clearer message when a delimiter from the config cannot
 * even split the header (`"Förnamn";"Efternamn"` read with `,`).
 */
export async function openCsvFor(file: SourceFile, ctx: ReadContext, opts: CsvOptions): Promise<CsvReader> {
  try {
    return await openCsv(file, csvOpts(file, ctx, opts));
  } catch (err) {
    if (err instanceof SourceReadError && opts.delimiter && err.code === 'csv.malformed' && (err.line ?? 1) <= 1) {
      throw new SourceReadError(`the header cannot be split with the delimiter "${opts.delimiter}" from options.delimiter: the file uses another one; remove the option to sniff it`, {
        file: file.rel,
        line: 1,
        code: 'office365.wrong-delimiter',
        cause: err,
      });
    }
    throw err;
  }
}

const NO_DATE = /^0[./-]0[./-]0{2,4}$/u;

function blank(values: string[]): boolean {
  return values.every((v) => v.trim() === '');
}

function headerProblem(file: SourceFile, header: string[], opts: CsvOptions, what: string): SourceReadError {
  if (misdelimitedAs(header, opts.headers)) {
    return new SourceReadError(
      `the header is one column that holds several ${what} column names: the file was saved or read with another delimiter than it uses (Excel with another list separator, or options.delimiter); export it again or set options.delimiter`,
      { file: file.rel, line: 1, code: 'office365.wrong-delimiter' },
    );
  }
  return new SourceReadError(
    `the header has none of the ${what} columns this format needs; for a localised export, map its columns with options.headers`,
    { file: file.rel, line: 1, code: 'office365.unknown-header' },
  );
}

const LAYOUT_LABEL: Record<OutlookHeader['layout'], string> = { classic: 'classic desktop export', 'outlook.com': 'Outlook.com export', unknown: 'export' };
const LANGUAGE_LABEL: Record<Language, string> = { en: '', sv: ', Swedish headers', de: ', German headers', custom: ', mapped headers' };
/** The same in Swedish, for a Swedish extract. */
const LAYOUT_LABEL_SV: Record<OutlookHeader['layout'], string> = { classic: 'export från Outlook för skrivbordet', 'outlook.com': 'export från Outlook.com', unknown: 'export' };
const LANGUAGE_LABEL_SV: Record<Language, string> = { en: '', sv: ', svenska rubriker', de: ', tyska rubriker', custom: ', mappade rubriker' };

/** First line of a possibly multi-line street (classic Outlook keeps Street 2/3 apart, Outlook.com joins them with a line break). */
function firstLine(s: string): string {
  return s.split(/\r?\n/u)[0]!.trim();
}

/** `Storgatan 14, 252 21 Helsingborg`: the form the core's address key parses. */
export function addressLine(street: string, postalCode: string, city: string): string | undefined {
  const s = firstLine(street);
  const pc = postalCode.trim();
  if (!s || !pc) return undefined;
  return `${s}, ${pc}${city.trim() ? ` ${city.trim()}` : ''}`;
}

const SELF_PHONES = [
  'Mobile Phone',
  'Business Phone',
  'Business Phone 2',
  'Home Phone',
  'Home Phone 2',
  'Primary Phone',
  'Other Phone',
  'Car Phone',
  'Callback',
  'Radio Phone',
  'Pager',
  'ISDN',
  'TTY/TDD Phone',
  'Home Fax',
  'Other Fax',
];

/**
 * The address each phone column goes with, for the region it is read in
 * (identity/country.ts phoneRegions): the card's Business, Home and Other
 * Country/Region columns. A car phone, radio phone and pager are carried
 * like a mobile; the primary phone, callback, ISDN and TTY/TDD go with no
 * address (the card's one country, if it has one).
 */
const PHONE_GROUP: Readonly<Record<string, PhoneGroup>> = {
  'Mobile Phone': 'mobile',
  'Car Phone': 'mobile',
  'Radio Phone': 'mobile',
  Pager: 'mobile',
  'Business Phone': 'business',
  'Business Phone 2': 'business',
  'Business Fax': 'business',
  'Company Main Phone': 'business',
  "Assistant's Phone": 'business',
  'Home Phone': 'home',
  'Home Phone 2': 'home',
  'Home Fax': 'home',
  'Other Phone': 'other',
  'Other Fax': 'other',
};

export async function* readOutlookCsv(file: SourceFile, ctx: ReadContext, opts: CsvOptions): AsyncGenerator<SourceRecord> {
  const csv = await openCsvFor(file, ctx, opts);
  const h = mapOutlookHeader(csv.header, opts.headers);
  const has = (c: string): boolean => h.index.has(c);
  if (h.known < 2 || !['First Name', 'Last Name', 'E-mail Address', 'Company'].some(has)) {
    await closeCsv(csv);
    throw headerProblem(file, csv.header, opts, 'Outlook contact');
  }
  const labelled = bilingualLabel(
    `Outlook-kontakt (${LAYOUT_LABEL_SV[h.layout]}${LANGUAGE_LABEL_SV[h.language]})`,
    `Outlook contact (${LAYOUT_LABEL[h.layout]}${LANGUAGE_LABEL[h.language]})`,
    'en',
  );
  const holders: Record<string, HolderInfo> = { ...CONTACT_CARD_PARTIES };
  for await (const r of csv.rows) {
    if (blank(r.values)) continue;
    const col = (c: string): string => csv.header[h.index.get(c)!] ?? c;
    const get = (c: string): string => {
      const i = h.index.get(c);
      return i === undefined ? '' : (r.values[i] ?? '').trim();
    };
    const ids: RawIdentifier[] = [];
    // Outlook before 2010 wrote `Business Country` (formats.md §3.2); a localised header maps to these names.
    const regionOf = phoneRegions({
      business: get('Business Country/Region') || get('Business Country'),
      home: get('Home Country/Region') || get('Home Country'),
      other: get('Other Country/Region') || get('Other Country'),
    });
    const add = (kind: RawIdentifier['kind'], c: string, holder?: string): void => {
      const v = get(c);
      if (!v) return;
      const region = kind === 'phone' ? regionOf(PHONE_GROUP[c]) : undefined;
      ids.push({ kind, field: col(c), value: v, ...(holder ? { holder } : {}), ...(region ? { region } : {}) });
    };
    const given = [get('First Name'), get('Middle Name'), get('Last Name')].filter(Boolean);
    if (given.length > 0) {
      const parts = ['First Name', 'Last Name'].filter(has).map(col);
      ids.push({ kind: 'name', field: parts.join(' + '), value: given.join(' ') });
    }
    for (const n of ['', ' 2', ' 3']) {
      const addrCol = `E-mail${n} Address`;
      const address = get(addrCol);
      if (address) ids.push({ kind: 'email', field: col(addrCol), value: address });
      const display = get(`E-mail${n} Display Name`);
      if (!display) continue;
      const d = splitDisplayName(display);
      if (d.name && !looksLikeAddress(d.name)) ids.push({ kind: 'name', field: col(`E-mail${n} Display Name`), value: d.name });
      // An Exchange (EX) entry keeps an X.500 path in the address column; the SMTP address is only in the display
      // name. And Outlook keeps the display name it made from an earlier address when the address is changed:
      // that address was the person's too, and a request may come from it.
      if (d.address && (!looksLikeAddress(address) || d.address.toLowerCase() !== address.trim().toLowerCase())) {
        ids.push({ kind: 'email', field: col(`E-mail${n} Display Name`), value: d.address });
      }
    }
    for (const p of SELF_PHONES) add('phone', p);
    add('pnr', 'Government ID Number');
    for (const kind of ['Business', 'Home', 'Other']) {
      const a = addressLine(get(`${kind} Street`), get(`${kind} Postal Code`), get(`${kind} City`));
      if (a) ids.push({ kind: 'address', field: col(`${kind} Street`), value: a });
    }
    add('company', 'Company', 'employer');
    add('phone', 'Company Main Phone', 'employer');
    add('phone', 'Business Fax', 'employer');
    add('name', 'Assistant\'s Name', 'assistant');
    add('phone', 'Assistant\'s Phone', 'assistant');
    add('name', 'Manager\'s Name', 'manager');
    add('name', 'Spouse', 'spouse');
    // Other people on the subject's card, whose names the letter must not show (Art. 15(4)).
    add('name', 'Children', 'children');
    const fields: Record<string, unknown> = fieldsOf(csv.header, r.values);
    // Outlook writes an unset date (Birthday, Anniversary) as 0/0/00, or 0.0.00 in a Swedish export: no date.
    for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' && NO_DATE.test(v)) fields[k] = '';
    ids.push(...extraIdentifiers(fields, opts.fields));
    const rec: SourceRecord = {
      entity: 'contact',
      locator: { file: file.rel, line: r.line, row: r.row },
      fields,
      identifiers: ids,
      holders,
      category: 'mail-contact',
      ...labelled,
    };
    const notes = get('Notes');
    if (notes) rec.text = [{ field: col('Notes'), value: notes }];
    yield rec;
  }
}

// ------------------------------------------------------------ Google Contacts

/** A Google phone's or address's type (`Mobile`, `* Work`, `Home`) as the address group it goes with; undefined for any other. */
function googleGroup(type: string | undefined): PhoneGroup | undefined {
  const t = (type ?? '').replace(/^\*\s*/u, '').trim().toLowerCase();
  return t === 'work' ? 'business' : t === 'home' ? 'home' : t === 'mobile' ? 'mobile' : t === 'other' ? 'other' : undefined;
}

/** Google writes several values in one cell separated by ` ::: `. */
function splitMulti(v: string): string[] {
  return v
    .split(':::')
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function* readGoogleCsv(file: SourceFile, ctx: ReadContext, opts: CsvOptions): AsyncGenerator<SourceRecord> {
  const csv = await openCsvFor(file, ctx, opts);
  if (!isGoogleHeader(csv.header)) {
    await closeCsv(csv);
    throw headerProblem(file, csv.header, opts, 'Google Contacts');
  }
  const c = new ColumnMap(csv.header);
  const holders: Record<string, HolderInfo> = { employer: { scope: 'organisation', role: 'employer' } };
  for await (const r of csv.rows) {
    if (blank(r.values)) continue;
    const at = (name: string): { field: string; value: string } | undefined => {
      const i = c.find(name);
      const v = i >= 0 ? (r.values[i] ?? '').trim() : '';
      return v ? { field: csv.header[i]!, value: v } : undefined;
    };
    const ids: RawIdentifier[] = [];
    const full = at('Name');
    const parts = ['Given Name', 'First Name', 'Additional Name', 'Middle Name', 'Family Name', 'Last Name'].map(at).filter((x) => x !== undefined);
    if (full && !looksLikeAddress(full.value)) ids.push({ kind: 'name', field: full.field, value: full.value });
    if (parts.length > 1) ids.push({ kind: 'name', field: parts.map((p) => p.field).join(' + '), value: parts.map((p) => p.value).join(' ') });
    // Each address's country by its type (`Work`, `Home`), for the phones of that type.
    const countries: Partial<Record<AddressGroup, string>> = {};
    for (let n = 1; n <= GOOGLE_MAX_GROUP; n++) {
      const country = at(`Address ${n} - Country`);
      const group = googleGroup(at(`Address ${n} - Type`)?.value);
      if (country && group !== 'mobile') countries[group ?? 'other'] ??= country.value;
    }
    const regionOf = phoneRegions(countries);
    for (let n = 1; n <= GOOGLE_MAX_GROUP; n++) {
      const e = at(`E-mail ${n} - Value`);
      if (e) for (const v of splitMulti(e.value)) ids.push({ kind: 'email', field: e.field, value: v });
      const p = at(`Phone ${n} - Value`);
      const region = regionOf(googleGroup(at(`Phone ${n} - Type`)?.value));
      if (p) for (const v of splitMulti(p.value)) ids.push({ kind: 'phone', field: p.field, value: v, ...(region ? { region } : {}) });
      const street = at(`Address ${n} - Street`);
      const pc = at(`Address ${n} - Postal Code`);
      if (street && pc) {
        const a = addressLine(street.value, pc.value, at(`Address ${n} - City`)?.value ?? '');
        if (a) ids.push({ kind: 'address', field: street.field, value: a });
      }
    }
    const org = at('Organization 1 - Name') ?? at('Organization Name');
    if (org) ids.push({ kind: 'company', field: org.field, value: org.value, holder: 'employer' });
    const fields: Record<string, unknown> = fieldsOf(csv.header, r.values);
    ids.push(...extraIdentifiers(fields, opts.fields));
    const rec: SourceRecord = {
      entity: 'contact',
      locator: { file: file.rel, line: r.line, row: r.row },
      fields,
      identifiers: ids,
      holders,
      category: 'mail-contact',
      ...bilingualLabel('Google-kontakt', 'Google contact', 'en'),
    };
    const notes = at('Notes');
    if (notes) rec.text = [{ field: notes.field, value: notes.value }];
    yield rec;
  }
}
