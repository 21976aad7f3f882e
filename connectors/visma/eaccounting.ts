/**
 * Visma eAccounting / Spiris API v2 pages saved to disk (formats.md §2.1):
 * `{"Meta":{CurrentPage, PageSize, TotalNumberOfPages, …}, "Data":[…]}` from
 * /v2/customers, /v2/customerinvoices, /v2/customerledgeritems and
 * /v2/vouchers. A bare array of items and a single item (GET …/{id}) are read
 * too. Which resource an item is comes from its fields; the file name
 * (`customerinvoices-page1.json`) only names the resource in the warning about
 * missing pages.
 *
 * Holders (docs/writing-a-connector.md): a customer is one party, a person
 * unless it is an organisation (common.ts classifyParty); its ContactPerson*
 * fields are another party, always a person. On an invoice the customer's
 * scope follows CustomerIsPrivatePerson; the address the invoice was sent to
 * (CustomerEmail) of a company customer is its own party, because a person's
 * own address there (a contact who receives the company's invoices) must not
 * be taken for the company's and so stop being followed elsewhere, while a
 * role address (faktura@) is never followed anyway.
 */
import { countryCode } from '../../src/core/identity/country.ts';
import { bilingualLabel, type HolderInfo, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import { readHead, type SourceFile } from '../../src/io/files.ts';
import { JSON_IN_MEMORY_LIMIT, readJsonDocument, selectItems, streamJsonItems, type JsonItem } from '../../src/io/json.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { headText } from '../../src/sources/helpers.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { addressLine, bracketCustomer, classifyParty, IdList, isoDate, latestDate, looksLikeCompany, str, TextList } from './common.ts';

export type ApiResource = 'customer' | 'invoice' | 'ledger-item' | 'voucher';

export interface ApiOptions {
  companyWords?: string[] | undefined;
  fields?: FieldClassification | undefined;
}

type Item = Record<string, unknown>;

/** The resource named by a saved page's file name, as the API path spells it. */
export function resourceFromName(name: string): ApiResource | undefined {
  const base = (name.split('/').pop() ?? name).toLowerCase();
  if (/customerledgeritem/u.test(base)) return 'ledger-item';
  if (/customerinvoice|kundfaktur/u.test(base)) return 'invoice';
  if (/voucher|verifikat/u.test(base)) return 'voucher';
  if (/customer|kund/u.test(base)) return 'customer';
  return undefined;
}

/** The resource an item is, from its fields (CustomerApi, CustomerInvoiceApi, CustomerLedgerItemApi, VoucherApi). */
export function resourceOf(item: Item): ApiResource | undefined {
  const has = (k: string): boolean => Object.hasOwn(item, k);
  if (has('VoucherDate') && (has('Rows') || has('NumberAndNumberSeries') || has('VoucherText'))) return 'voucher';
  if (has('InvoiceNumber')) {
    // An invoice names its customer by number and name; a ledger item only by id.
    if (has('InvoiceCustomerName') || has('CustomerNumber') || has('Rows') || has('CustomerIsPrivatePerson')) return 'invoice';
    if (has('CustomerId')) return 'ledger-item';
    return undefined;
  }
  if (has('CustomerNumber') && (has('IsPrivatePerson') || has('CorporateIdentityNumber') || has('Name'))) return 'customer';
  return undefined;
}

/** Paging seen per resource, to tell the user when saved pages are missing. */
export class PageTracker {
  private readonly seen = new Map<ApiResource, { total: number; pages: Set<number>; file: string }>();
  note(resource: ApiResource, meta: unknown, file: string): void {
    if (!meta || typeof meta !== 'object') return;
    const m = meta as Item;
    const page = typeof m.CurrentPage === 'number' ? m.CurrentPage : undefined;
    const total = typeof m.TotalNumberOfPages === 'number' ? m.TotalNumberOfPages : undefined;
    if (page === undefined || total === undefined) return;
    const s = this.seen.get(resource) ?? { total, pages: new Set<number>(), file };
    s.total = Math.max(s.total, total);
    s.pages.add(page);
    this.seen.set(resource, s);
  }
  /** Warns about pages that Meta.TotalNumberOfPages says exist but no file holds. */
  report(ctx: ReadContext): void {
    for (const [resource, s] of this.seen) {
      const missing: number[] = [];
      for (let p = 1; p <= s.total && missing.length < 20; p++) if (!s.pages.has(p)) missing.push(p);
      if (missing.length === 0) continue;
      ctx.warn({
        code: 'visma.pages-missing',
        message: `${resource} pages: Meta.TotalNumberOfPages is ${s.total} but page(s) ${missing.join(', ')} are not among the files; records on them are not searched`,
        file: s.file,
      });
    }
  }
}

async function itemsOf(file: SourceFile): Promise<{ items: AsyncIterable<JsonItem> | JsonItem[]; meta?: unknown }> {
  if (file.size > JSON_IN_MEMORY_LIMIT) {
    // One huge saved response: streamed, Meta picked up on the way; a bare array item by item.
    const bare = headText(await readHead(file.abs, 4096)).trimStart().startsWith('[');
    return { items: streamJsonItems(file, bare ? [['*']] : [['Meta'], ['Data', '*']]) };
  }
  const doc = await readJsonDocument(file);
  if (Array.isArray(doc)) return { items: selectItems(doc, ['*']) };
  if (doc && typeof doc === 'object') {
    const o = doc as Item;
    if (Array.isArray(o.Data)) return { items: selectItems(doc, ['Data', '*']), meta: o.Meta };
    if (resourceOf(o)) return { items: [{ pointer: '', value: o }] };
  }
  throw new SourceReadError('not a Visma eAccounting API page: no "Data" array and not a customer, invoice, ledger item or voucher', {
    file: file.rel,
    line: 1,
    code: 'visma.not-a-page',
  });
}

export async function* readApiFile(file: SourceFile, ctx: ReadContext, opts: ApiOptions, tracker: PageTracker): AsyncGenerator<SourceRecord> {
  const hint = resourceFromName(file.rel);
  const { items, meta } = await itemsOf(file);
  let pageMeta = meta;
  let unknown = 0;
  const kinds = new Set<ApiResource>();
  for await (const it of items) {
    if (it.pointer === '/Meta') {
      pageMeta = it.value;
      continue;
    }
    const v = it.value;
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      unknown++;
      continue;
    }
    const item = v as Item;
    const resource = resourceOf(item);
    const locator = { file: file.rel, pointer: it.pointer };
    if (!resource) {
      unknown++;
      continue;
    }
    kinds.add(resource);
    if (resource === 'customer') yield customerRecord(item, locator, opts);
    else if (resource === 'invoice') yield invoiceRecord(item, locator, opts);
    else if (resource === 'ledger-item') yield ledgerRecord(item, locator, opts);
    else yield voucherRecord(item, locator, opts);
  }
  if (unknown > 0) {
    ctx.warn({
      code: 'visma.unknown-items',
      message: `${unknown} item(s) are not customers, customer invoices, ledger items or vouchers and were not read (another API resource?)`,
      file: file.rel,
    });
  }
  const only = kinds.size === 1 ? [...kinds][0] : hint;
  if (only) tracker.note(only, pageMeta, file.rel);
}

// ---------------------------------------------------------------- records

function withExtras(ids: IdList, fields: Item, opts: ApiOptions): void {
  ids.list.push(...extraIdentifiers(fields, opts.fields));
}

export function customerRecord(c: Item, locator: SourceRecord['locator'], opts: ApiOptions): SourceRecord {
  const kind = classifyParty(
    { privateFlag: typeof c.IsPrivatePerson === 'boolean' ? c.IsPrivatePerson : undefined, orgnr: str(c.CorporateIdentityNumber), name: str(c.Name) },
    opts.companyWords,
  );
  // InvoiceCountryCode (ISO, formats.md §2.1): the customer's phones, and its contact person's, are read in that country.
  const ids = new IdList(countryCode(str(c.InvoiceCountryCode)));
  ids.add('customerNo', 'CustomerNumber', c.CustomerNumber);
  if (str(c.Id)) ids.add('systemId', 'Id', `visma:customer:${str(c.Id)}`);
  ids.add('orgnr', 'CorporateIdentityNumber', c.CorporateIdentityNumber);
  ids.add('orgnr', 'VatNumber', c.VatNumber);
  // A private person's name is a person's name; a trade name (company or sole trader) is not (formats.md §6.2).
  ids.add(kind === 'private' ? 'name' : 'company', 'Name', c.Name);
  ids.add('email', 'EmailAddress', c.EmailAddress);
  ids.add('email', 'EmailAddressOrder', c.EmailAddressOrder);
  ids.add('email', 'EmailAddressQuote', c.EmailAddressQuote);
  if (Array.isArray(c.EmailAddresses)) c.EmailAddresses.forEach((e, i) => ids.add('email', `EmailAddresses/${i}`, e));
  ids.add('phone', 'Telephone', c.Telephone);
  ids.add('phone', 'MobilePhone', c.MobilePhone);
  ids.add('address', 'InvoiceAddress1', addressLine(c.InvoiceAddress1, c.InvoicePostalCode, c.InvoiceCity));
  ids.add('address', 'DeliveryAddress1', addressLine(c.DeliveryAddress1, c.DeliveryPostalCode, c.DeliveryCity));
  ids.add('name', 'ContactPersonName', c.ContactPersonName, 'contact');
  ids.add('email', 'ContactPersonEmail', c.ContactPersonEmail, 'contact');
  ids.add('phone', 'ContactPersonMobile', c.ContactPersonMobile, 'contact');
  ids.add('phone', 'ContactPersonPhone', c.ContactPersonPhone, 'contact');
  withExtras(ids, c, opts);
  const text = new TextList();
  text.add('Note', c.Note);
  text.add('DeliveryCustomerName', c.DeliveryCustomerName);
  const no = str(c.CustomerNumber);
  const rec: SourceRecord = {
    entity: 'customer',
    category: 'customer',
    locator,
    fields: c,
    identifiers: ids.list,
    holders: {
      self: { scope: kind === 'organisation' ? 'organisation' : 'person', role: kind === 'sole-trader' ? 'customer (sole trader)' : 'customer' },
      contact: { scope: 'person', role: 'contact person' },
    },
    ...bilingualLabel(`Kund ${no}${str(c.Name) ? ` ${str(c.Name)}` : ''}`.trim(), `Customer ${no}${str(c.Name) ? ` ${str(c.Name)}` : ''}`.trim(), 'sv'),
  };
  if (text.list.length > 0) rec.text = text.list;
  // The customer relation's last business event: the last invoice, else the last change.
  const date = isoDate(c.LastInvoiceDate) ?? isoDate(c.ChangedUtc);
  if (date) rec.date = date;
  return rec;
}

export function invoiceRecord(inv: Item, locator: SourceRecord['locator'], opts: ApiOptions): SourceRecord {
  const privateCustomer = inv.CustomerIsPrivatePerson === true;
  const ids = new IdList();
  ids.add('customerNo', 'CustomerNumber', inv.CustomerNumber, 'customer');
  if (str(inv.CustomerId)) ids.add('systemId', 'CustomerId', `visma:customer:${str(inv.CustomerId)}`, 'customer');
  ids.add(privateCustomer ? 'name' : 'company', 'InvoiceCustomerName', inv.InvoiceCustomerName, 'customer');
  ids.add('address', 'InvoiceAddress1', addressLine(inv.InvoiceAddress1, inv.InvoicePostalCode, inv.InvoiceCity), 'customer');
  ids.add('address', 'DeliveryAddress1', addressLine(inv.DeliveryAddress1, inv.DeliveryPostalCode, inv.DeliveryCity), 'customer');
  ids.add('email', 'CustomerEmail', inv.CustomerEmail, privateCustomer ? 'customer' : 'recipient');
  ids.add('name', 'YourReference', inv.YourReference, 'reference');
  // ROT/RUT: each buyer's personnummer, each buyer a party of their own (a couple can share a deduction).
  const rotType = inv.RotReducedInvoicingType === 1 ? 'rot' : inv.RotReducedInvoicingType === 2 ? 'rut' : 'rotrut';
  const holders: Record<string, HolderInfo> = {
    customer: { scope: privateCustomer ? 'person' : 'organisation', role: 'customer' },
    recipient: { scope: 'person', role: 'invoice recipient' },
    reference: { scope: 'person', role: 'your reference' },
    property: { scope: 'organisation', role: 'housing cooperative (ROT)' },
  };
  if (Array.isArray(inv.Persons)) {
    inv.Persons.forEach((p, i) => {
      if (!p || typeof p !== 'object') return;
      const holder = i === 0 ? rotType : `${rotType}-${i + 1}`;
      holders[holder] = { scope: 'person', role: `${rotType.toUpperCase()} buyer` };
      ids.add('pnr', `Persons/${i}/Ssn`, (p as Item).Ssn, holder);
    });
  }
  ids.add('orgnr', 'RotReducedInvoicingOrgNumber', inv.RotReducedInvoicingOrgNumber, 'property');
  withExtras(ids, inv, opts);
  const text = new TextList();
  text.add('RotReducedInvoicingPropertyName', inv.RotReducedInvoicingPropertyName);
  text.add('DeliveryCustomerName', inv.DeliveryCustomerName);
  text.add('BuyersOrderReference', inv.BuyersOrderReference);
  text.add('ElectronicReference', inv.ElectronicReference);
  if (Array.isArray(inv.Rows)) inv.Rows.forEach((r, i) => r && typeof r === 'object' && text.add(`Rows/${i}/Text`, (r as Item).Text));
  if (Array.isArray(inv.Notes)) inv.Notes.forEach((n, i) => text.add(`Notes/${i}`, n));
  const no = str(inv.InvoiceNumber);
  const rec: SourceRecord = {
    entity: 'invoice',
    category: 'invoice',
    bookkeeping: true,
    locator,
    fields: inv,
    identifiers: ids.list,
    holders,
    ...bilingualLabel(`${inv.IsCreditInvoice === true ? 'Kreditfaktura' : 'Faktura'} ${no}`.trim(), `${inv.IsCreditInvoice === true ? 'Credit invoice' : 'Invoice'} ${no}`.trim(), 'sv'),
  };
  if (text.list.length > 0) rec.text = text.list;
  const date = isoDate(inv.InvoiceDate);
  if (date) rec.date = date;
  return rec;
}

export function ledgerRecord(l: Item, locator: SourceRecord['locator'], opts: ApiOptions): SourceRecord {
  const ids = new IdList();
  // The ledger item names its customer by id only; whether that is a person is known from the customer record.
  if (str(l.CustomerId)) ids.add('systemId', 'CustomerId', `visma:customer:${str(l.CustomerId)}`, 'customer');
  withExtras(ids, l, opts);
  const rec: SourceRecord = {
    entity: 'ledger-item',
    category: 'payment',
    bookkeeping: true,
    locator,
    fields: l,
    identifiers: ids.list,
    holders: { customer: { scope: 'person', role: 'customer' } },
    ...bilingualLabel(`Kundreskontra faktura ${str(l.InvoiceNumber)}`.trim(), `Accounts receivable, invoice ${str(l.InvoiceNumber)}`.trim(), 'sv'),
  };
  if (l.Voucher && typeof l.Voucher === 'object') {
    const text = new TextList();
    const v = l.Voucher as Item;
    text.add('Voucher/VoucherText', v.VoucherText);
    if (Array.isArray(v.Rows)) v.Rows.forEach((r, i) => r && typeof r === 'object' && text.add(`Voucher/Rows/${i}/TransactionText`, (r as Item).TransactionText));
    if (text.list.length > 0) rec.text = text.list;
  }
  // BF-1a: the item belongs to every financial year it was booked in; the
  // latest event (the payment that settled it, in ModifiedUtc) keeps it longest.
  const date = latestDate(isoDate(l.InvoiceDate), isoDate(l.ModifiedUtc));
  if (date) rec.date = date;
  return rec;
}

export function voucherRecord(v: Item, locator: SourceRecord['locator'], opts: ApiOptions): SourceRecord {
  const ids = new IdList();
  const holders: Record<string, HolderInfo> = {};
  withExtras(ids, v, opts);
  const text = new TextList();
  text.add('VoucherText', v.VoucherText);
  if (Array.isArray(v.Rows)) {
    v.Rows.forEach((r, i) => {
      if (!r || typeof r !== 'object') return;
      const row = r as Item;
      text.add(`Rows/${i}/TransactionText`, row.TransactionText);
      // The API's voucher rows carry no customer; a receivable row's "[kundnr] Namn" text does.
      const c = bracketCustomer(row.AccountNumber, row.TransactionText);
      if (!c) return;
      const holder = `customer-${c.no}`;
      holders[holder] ??= { scope: looksLikeCompany(c.name, opts.companyWords) ? 'organisation' : 'person', role: 'customer' };
      ids.add('customerNo', `Rows/${i}/TransactionText`, c.no, holder);
    });
  }
  const rec: SourceRecord = {
    entity: 'voucher',
    category: 'voucher',
    bookkeeping: true,
    locator,
    fields: v,
    identifiers: ids.list,
    ...bilingualLabel(`Verifikation ${str(v.NumberAndNumberSeries)}`.trim(), `Voucher ${str(v.NumberAndNumberSeries)}`.trim(), 'sv'),
  };
  if (Object.keys(holders).length > 0) rec.holders = holders;
  if (text.list.length > 0) rec.text = text.list;
  const date = isoDate(v.VoucherDate);
  if (date) rec.date = date;
  return rec;
}
