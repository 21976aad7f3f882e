/**
 * SIE 4 files (type 4E export .se, 4I import .si; formats.md §2.3, "SIE
 * filformat, utgåva 4B"), read with the shared streaming reader
 * src/io/sie.ts. Where a customer's personal data sits in SIE, and what
 * becomes a record:
 *
 * - `#OBJEKT dim nr namn`: one `sie-object` record per object. In dimension 8
 *   (kund, spec §8.17) the number is the customer number; the name is a
 *   person's or a company's, told apart by common.ts looksLikeCompany because
 *   SIE does not say. Dimension 7 (anställd) names employees, 9 (leverantör)
 *   suppliers; other dimensions' names are scanned as text (a cost centre
 *   can be named after a person: `#OBJEKT 1 AO "Anders Olsson"`).
 * - `#VER` with its `{ … }` rows: one `voucher` record per verifikation, not
 *   per row. The verifikation is the unit of räkenskapsinformation (BFL 5 kap.
 *   6-7 §§) and of retention, and its rows repeat one text; the locator is the
 *   #VER line, and each row in `fields.transactions` keeps its own line, so
 *   the evidence field (`transactions/1/objects/0/obj`, `transactions/0/text`)
 *   says which row names the customer. A `{8 "1044"}` object on a row is
 *   customer number 1044, each customer its own party.
 * - `#OIB/#OUB/#PSALDO/#PBUDGET` with a customer object: one `sie-balance`
 *   record (the customer's balance), dated at the end of its year (#RAR).
 * - `#FNAMN/#ORGNR/#ADRESS/#FTYP/#PROSA`: one `sie-company` record when they
 *   name a person (the #ADRESS contact, a sole trader's personnummer as
 *   #ORGNR) or hold free text.
 *
 * `sign` fields and #GEN name OJCO's own staff, who are not the subject of a
 * customer search: they stay in the fields and are not searched, unless
 * options.staffNames is `search` (an employee's own request).
 *
 * #KSUMMA (spec §10): a file whose checksum does not match is read in full,
 * and then reported as a failed file (`sie.checksum`, exit 3), because its
 * content may have been changed after export and a DSAR answer built on it
 * must say so.
 */
import { bilingualLabel, type HolderInfo, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { readSie, type SieField, type SieObjectRef, type SiePost, type SieReadResult, type SieVoucher } from '../../src/io/sie.ts';
import { normaliseOrgnr } from '../../src/core/identity/normalise.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { addressLine, bracketCustomer, IdList, isoDate, looksLikeCompany, TextList } from './common.ts';

export interface SieOptions {
  staffNames?: 'ignore' | 'search' | undefined;
  companyWords?: string[] | undefined;
}

/** Reserved dimensions (spec §8.17). */
const DIM_CUSTOMER = '8';
const DIM_EMPLOYEE = '7';
const DIM_SUPPLIER = '9';

/** Posts of the identification part (spec §6-7): collected into the sie-company record. */
const IDENTIFICATION = new Set([
  '#FLAGGA', '#PROGRAM', '#FORMAT', '#GEN', '#SIETYP', '#PROSA', '#FTYP', '#FNR', '#ORGNR', '#BKOD', '#ADRESS', '#FNAMN', '#RAR',
  '#TAXAR', '#OMFATTN', '#KPTYP', '#VALUTA', '#KSUMMA',
]);

const BALANCE_LABELS = new Set(['#OIB', '#OUB', '#PSALDO', '#PBUDGET']);

function s(f: SieField | undefined): string {
  return typeof f === 'string' ? f.trim() : '';
}

/** Per-file state: what earlier posts tell about later ones. */
class SieState {
  /** Customer objects (dim 8) seen so far: number → name, to decide whether a referenced customer is a person. */
  readonly customers = new Map<string, string>();
  /** #RAR: årsnr → [start, end] as ISO dates. */
  readonly years = new Map<string, { start: string; end: string }>();
  company: {
    companyName?: string;
    orgnr?: string;
    companyType?: string;
    contact?: string;
    streetAddress?: string;
    postalAddress?: string;
    phone?: string;
    text?: string;
    generatedBy?: string;
    program?: string;
    line?: number;
  } = {};
  companyDone = false;
  checksumLine: number | undefined;
  summary: SieReadResult | undefined;

  constructor(readonly opts: SieOptions) {}

  /** The end of the current financial year (#RAR 0): the date SIE master data belongs to (BF-1). */
  get yearEnd(): string | undefined {
    return this.years.get('0')?.end;
  }

  private yearList: { start: string; end: string }[] | undefined;
  /** The financial years the file states (#RAR), one array shared by its records. */
  get fiscalYears(): { start: string; end: string }[] | undefined {
    if (this.years.size === 0) return undefined;
    if (!this.yearList || this.yearList.length !== this.years.size) this.yearList = [...this.years.values()];
    return this.yearList;
  }

  customerScope(no: string, textName?: string): HolderInfo {
    const name = this.customers.get(no) ?? textName;
    // A customer without an #OBJEKT post or a name is unknown: a person, so that its number can be followed.
    const org = name !== undefined && looksLikeCompany(name, this.opts.companyWords);
    return { scope: org ? 'organisation' : 'person', role: 'customer' };
  }
}

export async function* readSie4(file: SourceFile, ctx: ReadContext, opts: SieOptions): AsyncGenerator<SourceRecord> {
  const st = new SieState(opts);
  const items = readSie(file, {
    // Items whose lines hold nothing the prefilter looks for yield no record (issue #7).
    prefilter: ctx.prefilter,
    onWarning: (w) => ctx.warn({ code: w.code, message: w.message, file: file.rel, line: w.line }),
    onSummary: (r) => {
      st.summary = r;
    },
  });
  for await (const item of items) {
    if (item.type === 'skipped') {
      if (!st.companyDone) yield* companyRecord(file, st);
      continue;
    }
    if (item.type === 'voucher') {
      if (!st.companyDone) yield* companyRecord(file, st);
      if (item.mayMatch !== false) yield voucherRecord(file, st, item.voucher);
      continue;
    }
    const p = item.post;
    if (IDENTIFICATION.has(p.label)) {
      identification(st, p, (code, message, line) => ctx.warn({ code, message, file: file.rel, line }));
      continue;
    }
    if (!st.companyDone) yield* companyRecord(file, st);
    if (item.mayMatch === false) {
      // Nothing to find in it, but what it says about customers holds for the vouchers after it.
      if (p.label === '#OBJEKT') rememberObject(st, p);
      continue;
    }
    if (p.label === '#OBJEKT') yield objectRecord(file, st, p);
    else if (BALANCE_LABELS.has(p.label)) {
      const r = balanceRecord(file, st, p);
      if (r) yield r;
    }
  }
  if (!st.companyDone) yield* companyRecord(file, st);
  const c = st.summary?.checksum;
  if (c?.status === 'mismatch') {
    // After the records: the file is read, and the run still ends with exit 3 naming it (hardening: "a SIE file with a wrong #KSUMMA gets a clear error").
    ctx.fileFailed(
      new SourceReadError(
        `#KSUMMA does not match the file's content (spec §10): it may have been changed or damaged after export; its records were read but cannot be trusted as exported`,
        { file: file.rel, ...(st.checksumLine ? { line: st.checksumLine } : {}), code: 'sie.checksum', recordsRead: true },
      ),
    );
  }
}

function identification(st: SieState, p: SiePost, warn?: (code: string, message: string, line: number) => void): void {
  const c = st.company;
  const f = p.fields;
  switch (p.label) {
    case '#FNAMN':
      // One field by the spec; a name written without its quotes (BL Administration's) is the rest of the line.
      c.companyName = f.map((x) => s(x)).filter(Boolean).join(' ');
      c.line ??= p.line;
      break;
    case '#ORGNR':
      c.orgnr = s(f[0]);
      c.line ??= p.line;
      break;
    case '#FTYP':
      c.companyType = s(f[0]);
      break;
    case '#ADRESS': {
      c.contact = s(f[0]);
      c.streetAddress = s(f[1]);
      c.postalAddress = s(f[2]);
      c.phone = s(f[3]);
      // Mamut writes `#ADRESS kontakt utdelningsadr tel`, without postadr: with no tel, a phone-shaped value
      // where postadr belongs (and not `123 45 Ort`) is the phone, so that it is searched and classified as one.
      if (!c.phone && looksLikePhone(c.postalAddress)) {
        c.phone = c.postalAddress;
        delete c.postalAddress;
        const why = f.length < 4 ? `has ${f.length} field(s) instead of 4 (kontakt utdelningsadr postadr tel)` : 'has an empty tel field';
        warn?.('sie.address-short', `#ADRESS ${why}, and its postadr field holds a phone number, not a postcode and town: it is read as the phone`, p.line);
      }
      // The #ADRESS line is where a person is named: the record points there.
      c.line = p.line;
      break;
    }
    case '#PROSA':
      c.text = [c.text, f.map((x) => s(x)).join(' ')].filter(Boolean).join('\n');
      break;
    case '#GEN':
      c.generatedBy = s(f[1]);
      break;
    case '#PROGRAM':
      c.program = f.map((x) => s(x)).filter(Boolean).join(' ');
      break;
    case '#RAR': {
      const start = isoDate(s(f[1]));
      const end = isoDate(s(f[2]));
      if (start && end) st.years.set(s(f[0]), { start, end });
      break;
    }
    case '#KSUMMA':
      if (f.length > 0) st.checksumLine = p.line;
      break;
  }
}

/** The company identification, if it names a person or holds free text. */
function* companyRecord(file: SourceFile, st: SieState): Generator<SourceRecord> {
  st.companyDone = true;
  const c = st.company;
  const o = c.orgnr ? normaliseOrgnr(c.orgnr) : undefined;
  // #FTYP E/EF: enskild firma (spec §11 #FTYP); its org.nr is the owner's personnummer.
  const soleTrader = (o?.personal ?? false) || /^(E|EF|ENSKILD)$/iu.test(c.companyType ?? '');
  if (!c.contact && !soleTrader && !c.text) return;
  const ids = new IdList();
  ids.add('company', 'companyName', c.companyName);
  ids.add('orgnr', 'orgnr', c.orgnr);
  ids.add('phone', 'phone', c.phone);
  ids.add('address', 'streetAddress', addressFromPostal(c.streetAddress, c.postalAddress));
  ids.add('name', 'contact', c.contact, 'contact');
  const text = new TextList();
  text.add('text', c.text);
  if (st.opts.staffNames === 'search') text.add('generatedBy', c.generatedBy);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (k !== 'line' && v) fields[k] = v;
  const rec: SourceRecord = {
    entity: 'sie-company',
    category: 'accounting-master',
    bookkeeping: true,
    locator: { file: file.rel, line: c.line ?? 1 },
    fields,
    identifiers: ids.list,
    // The #ADRESS phone is the company's (spec: the company's address data); a sole trader is a person.
    holders: { self: { scope: soleTrader ? 'person' : 'organisation', role: 'bookkeeping company' }, contact: { scope: 'person', role: 'contact person' } },
    ...bilingualLabel(`Företagsuppgifter i SIE${c.companyName ? ` (${c.companyName})` : ''}`, `Company details in SIE${c.companyName ? ` (${c.companyName})` : ''}`, 'sv'),
  };
  if (text.list.length > 0) rec.text = text.list;
  if (st.yearEnd) rec.date = st.yearEnd;
  withYears(rec, st);
  yield rec;
}

/**
 * The file's own financial years go with its records: BF-1 counts from the
 * end of the year a record belongs to, and the file knows its years better
 * than the config's fiscalYearStart (a company that changed its year, or a
 * config that says 07-01 for books kept by calendar year).
 */
function withYears(rec: SourceRecord, st: SieState): void {
  const years = st.fiscalYears;
  if (years) rec.fiscalYears = years;
}

/**
 * A value shaped like a phone number: digits with the separators phones are written with (`08-566 991 70`,
 * `+46 8 566 991 70`), at least seven digits, and no letters, so never a postadr such as `123 45 Ort` or a
 * postcode alone.
 */
export function looksLikePhone(v: string | undefined): v is string {
  const t = v?.trim() ?? '';
  return /^\+?[\d\s\-()/.]+$/u.test(t) && t.replace(/\D/gu, '').length >= 7 && !/^(?:SE-?)?\d{3}\s?\d{2}$/iu.test(t);
}

/** `252 25 HELSINGBORG` → street + postcode + city for the core's address key. */
function addressFromPostal(street: string | undefined, postal: string | undefined): string | undefined {
  const m = /^(?:SE-?)?(\d{3}\s?\d{2})\s*(.*)$/iu.exec(postal?.trim() ?? '');
  return m ? addressLine(street, m[1], m[2]) : undefined;
}

/** What an #OBJEKT post tells later posts: a customer's name (objectRecord does the same). */
function rememberObject(st: SieState, p: SiePost): void {
  if (s(p.fields[0]) === DIM_CUSTOMER) st.customers.set(s(p.fields[1]), s(p.fields[2]));
}

function objectRecord(file: SourceFile, st: SieState, p: SiePost): SourceRecord {
  const dim = s(p.fields[0]);
  const no = s(p.fields[1]);
  const name = s(p.fields[2]);
  const ids = new IdList();
  const text = new TextList();
  const company = looksLikeCompany(name, st.opts.companyWords);
  let holder: HolderInfo = { scope: 'person' };
  let label: string;
  let en: string;
  if (dim === DIM_CUSTOMER) {
    st.customers.set(no, name);
    ids.add('customerNo', 'number', no);
    ids.add(company ? 'company' : 'name', 'name', name);
    holder = { scope: company ? 'organisation' : 'person', role: 'customer' };
    label = `Kund ${no}${name ? ` ${name}` : ''} (#OBJEKT 8)`;
    en = `Customer ${no}${name ? ` ${name}` : ''} (#OBJEKT 8)`;
  } else if (dim === DIM_SUPPLIER) {
    ids.add(company ? 'company' : 'name', 'name', name);
    holder = { scope: company ? 'organisation' : 'person', role: 'supplier' };
    label = `Leverantör ${no}${name ? ` ${name}` : ''} (#OBJEKT 9)`;
    en = `Supplier ${no}${name ? ` ${name}` : ''} (#OBJEKT 9)`;
  } else if (dim === DIM_EMPLOYEE) {
    ids.add('name', 'name', name);
    holder = { scope: 'person', role: 'employee' };
    label = `Anställd ${no} (#OBJEKT 7)`;
    en = `Employee ${no} (#OBJEKT 7)`;
  } else {
    text.add('name', name);
    label = `Objekt ${dim}/${no} (#OBJEKT)`;
    en = `Object ${dim}/${no} (#OBJEKT)`;
  }
  const rec: SourceRecord = {
    entity: 'sie-object',
    category: 'accounting-master',
    bookkeeping: true,
    locator: { file: file.rel, line: p.line },
    fields: { dimension: dim, number: no, name },
    identifiers: ids.list,
    holders: { self: holder },
    ...bilingualLabel(label, en, 'sv'),
  };
  if (text.list.length > 0) rec.text = text.list;
  if (st.yearEnd) rec.date = st.yearEnd;
  withYears(rec, st);
  return rec;
}

function objectsJson(objects: SieObjectRef[]): { dim: string; obj: string }[] {
  return objects.map((o) => ({ dim: o.dim, obj: o.obj }));
}

/** Customer-object references of an object list as identifiers, one party per customer. */
function customerRefs(objects: SieObjectRef[], fieldPrefix: string, st: SieState, ids: IdList, holders: Record<string, HolderInfo>): void {
  objects.forEach((o, j) => {
    if (o.dim.trim() !== DIM_CUSTOMER || !o.obj.trim()) return;
    const no = o.obj.trim();
    const holder = `customer-${no}`;
    holders[holder] ??= st.customerScope(no);
    ids.add('customerNo', `${fieldPrefix}/${j}/obj`, no, holder);
  });
}

function voucherRecord(file: SourceFile, st: SieState, v: SieVoucher): SourceRecord {
  const ids = new IdList();
  const text = new TextList();
  const holders: Record<string, HolderInfo> = {};
  const staff = st.opts.staffNames === 'search';
  text.add('text', v.text);
  if (staff) text.add('sign', v.sign);
  const transactions = v.transactions.map((t, i) => {
    customerRefs(t.objects, `transactions/${i}/objects`, st, ids, holders);
    const inText = t.objects.some((o) => o.dim.trim() === DIM_CUSTOMER) ? undefined : bracketCustomer(t.account, t.text);
    if (inText) {
      const holder = `customer-${inText.no}`;
      holders[holder] ??= st.customerScope(inText.no, inText.name);
      ids.add('customerNo', `transactions/${i}/text`, inText.no, holder);
    }
    text.add(`transactions/${i}/text`, t.text);
    if (staff) text.add(`transactions/${i}/sign`, t.sign);
    const row: Record<string, unknown> = { line: t.line, kind: t.kind, account: t.account, objects: objectsJson(t.objects), amount: t.amount };
    const date = t.date ? (isoDate(t.date) ?? t.date) : undefined;
    if (date) row.date = date;
    if (t.text) row.text = t.text;
    if (t.quantity) row.quantity = t.quantity;
    if (t.sign) row.sign = t.sign;
    return row;
  });
  const fields: Record<string, unknown> = { series: v.series, number: v.number };
  const date = isoDate(v.date);
  fields.date = date ?? v.date;
  if (v.text) fields.text = v.text;
  if (v.regDate) fields.regDate = isoDate(v.regDate) ?? v.regDate;
  if (v.sign) fields.sign = v.sign;
  fields.transactions = transactions;
  if (v.others && v.others.length > 0) {
    fields.others = v.others.map((o, i) => {
      o.fields.forEach((f, k) => typeof f === 'string' && !/^-?[\d.]+$/u.test(f) && text.add(`others/${i}/fields/${k}`, f));
      return { line: o.line, label: o.label, fields: o.fields.map((f) => (typeof f === 'string' ? f : objectsJson(f))) };
    });
  }
  const rec: SourceRecord = {
    entity: 'voucher',
    category: 'voucher',
    bookkeeping: true,
    locator: { file: file.rel, line: v.line },
    fields,
    identifiers: ids.list,
    ...bilingualLabel(`Verifikation ${[v.series, v.number].filter(Boolean).join(' ')}`.trim(), `Voucher ${[v.series, v.number].filter(Boolean).join(' ')}`.trim(), 'sv'),
  };
  if (Object.keys(holders).length > 0) rec.holders = holders;
  if (text.list.length > 0) rec.text = text.list;
  if (date) rec.date = date;
  withYears(rec, st);
  return rec;
}

/** Last day of a YYYYMM period. */
function periodEnd(period: string): string | undefined {
  const m = /^(\d{4})(\d{2})$/u.exec(period);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return undefined;
  const d = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${m[1]}-${m[2]}-${String(d).padStart(2, '0')}`;
}

function balanceRecord(file: SourceFile, st: SieState, p: SiePost): SourceRecord | undefined {
  const f = p.fields;
  const withPeriod = p.label === '#PSALDO' || p.label === '#PBUDGET';
  // #OIB årsnr konto {objekt} saldo [kvantitet]; #PSALDO årsnr period konto {objekt} saldo [kvantitet] (spec §11).
  const base = withPeriod ? 2 : 1;
  const list = f[base + 1];
  if (!Array.isArray(list) || !list.some((o) => o.dim.trim() === DIM_CUSTOMER && o.obj.trim())) return undefined;
  const ids = new IdList();
  const holders: Record<string, HolderInfo> = {};
  customerRefs(list, 'objects', st, ids, holders);
  const year = s(f[0]);
  const fields: Record<string, unknown> = { label: p.label, year };
  if (withPeriod) fields.period = s(f[1]);
  fields.account = s(f[base]);
  fields.objects = objectsJson(list);
  fields.amount = s(f[base + 2]);
  if (s(f[base + 3])) fields.quantity = s(f[base + 3]);
  const rec: SourceRecord = {
    entity: 'sie-balance',
    category: 'accounting-master',
    bookkeeping: true,
    locator: { file: file.rel, line: p.line },
    fields,
    identifiers: ids.list,
    holders,
    ...bilingualLabel(`${p.label} konto ${fields.account as string}`, `${p.label} account ${fields.account as string}`, 'sv'),
  };
  const date = withPeriod ? periodEnd(s(f[1])) : st.years.get(year)?.end;
  if (date) rec.date = date;
  withYears(rec, st);
  return rec;
}
