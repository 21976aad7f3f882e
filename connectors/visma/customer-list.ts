/**
 * The customer register exported from eEkonomi/Spiris (Inställningar →
 * Import och export → Kunder) as CSV, or saved as XLSX (formats.md §2.2).
 *
 * The export's exact headers are not published [U]: its columns "correspond
 * to the fields you see when creating a customer". So the reader is
 * header-driven: each role (customer number, name, org.nr, …) has a list of
 * Swedish and English labels, matched case-, space- and punctuation-
 * insensitively (ColumnMap), and options.columns names the header of any
 * role whose label is not on the list. Column order and extra columns do not
 * matter; extra columns are kept in the record's fields.
 */
import { z } from 'zod';
import { countryCode } from '../../src/core/identity/country.ts';
import { bilingualLabel, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { ColumnMap, fieldsOf, readTable } from '../../src/io/table.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { addressLine, classifyParty, IdList, parseFlag, TextList } from './common.ts';

/** Header labels per role, in order of preference. Swedish from the eEkonomi customer form [U], English from the API names. */
export const LIST_COLUMNS = {
  customerNo: ['Kundnummer', 'Kundnr', 'Kund nr', 'Customer number', 'Customer no', 'CustomerNumber'],
  name: ['Namn', 'Kundnamn', 'Företagsnamn', 'Name', 'Customer name'],
  privatePerson: ['Kundtyp', 'Privatperson', 'Privatkund', 'Customer type', 'Private person', 'IsPrivatePerson'],
  orgnr: [
    'Organisationsnummer/Personnummer', 'Organisationsnummer', 'Org.nr', 'Orgnr', 'Organisationsnr', 'Personnummer', 'Person-/organisationsnummer',
    'Corporate identity number', 'Organisation number', 'CorporateIdentityNumber',
  ],
  vatNumber: ['Momsregistreringsnummer', 'Momsreg.nr', 'VAT-nummer', 'VAT number', 'VatNumber'],
  address1: ['Fakturaadress', 'Adress', 'Utdelningsadress', 'Postadress', 'Gatuadress', 'Invoice address', 'Address', 'InvoiceAddress1'],
  address2: ['Fakturaadress 2', 'Adress 2', 'Utdelningsadress 2', 'Postadress 2', 'c/o', 'Invoice address 2', 'Address 2', 'InvoiceAddress2'],
  postcode: ['Postnummer', 'Postnr', 'Postal code', 'Zip code', 'Postcode', 'InvoicePostalCode'],
  city: ['Ort', 'Postort', 'Stad', 'City', 'InvoiceCity'],
  country: ['Land', 'Landkod', 'Country', 'InvoiceCountryCode'],
  phone: ['Telefon', 'Telefonnummer', 'Tel', 'Phone', 'Telephone'],
  mobile: ['Mobiltelefon', 'Mobil', 'Mobilnummer', 'Mobile', 'Mobile phone', 'MobilePhone'],
  email: ['E-post', 'E-postadress', 'Epost', 'E-mail', 'Email', 'Email address', 'EmailAddress'],
  contactName: ['Kontaktperson', 'Referens', 'Er referens', 'Contact person', 'ContactPersonName'],
  contactEmail: ['Kontaktperson e-post', 'Kontaktpersonens e-post', 'Referens e-post', 'Contact person email', 'ContactPersonEmail'],
  contactMobile: ['Kontaktperson mobil', 'Kontaktpersonens mobil', 'Referens mobil', 'Contact person mobile', 'ContactPersonMobile'],
  contactPhone: ['Kontaktperson telefon', 'Kontaktpersonens telefon', 'Referens telefon', 'Contact person phone', 'ContactPersonPhone'],
  deliveryName: ['Leveransnamn', 'Leveransmottagare', 'Delivery name', 'DeliveryCustomerName'],
  deliveryAddress: ['Leveransadress', 'Delivery address', 'DeliveryAddress1'],
  deliveryPostcode: ['Leveranspostnummer', 'Leverans postnummer', 'Delivery postal code', 'DeliveryPostalCode'],
  deliveryCity: ['Leveransort', 'Delivery city', 'DeliveryCity'],
  note: ['Anteckning', 'Anteckningar', 'Notering', 'Kommentar', 'Note', 'Notes'],
  www: ['Hemsida', 'Webbadress', 'Webbplats', 'Website', 'WwwAddress'],
  terms: ['Betalningsvillkor', 'Terms of payment'],
  currency: ['Valuta', 'Currency', 'CurrencyCode'],
  active: ['Aktiv', 'Active', 'IsActive'],
} as const satisfies Record<string, readonly string[]>;

export type ListRole = keyof typeof LIST_COLUMNS;

export const ListColumnsSchema = z
  .object(Object.fromEntries(Object.keys(LIST_COLUMNS).map((k) => [k, z.string().min(1)])) as Record<ListRole, z.ZodString>)
  .partial()
  .strict();
export type ListColumns = z.infer<typeof ListColumnsSchema>;

export interface ListOptions {
  columns?: ListColumns | undefined;
  delimiter?: string | undefined;
  encoding?: 'utf8' | 'utf16le' | 'cp1252' | undefined;
  companyWords?: string[] | undefined;
  fields?: FieldClassification | undefined;
}

const PRIVATE_YES = /^(privat|privatperson|privatkund|konsument|person|private|ja|j|yes|y|true|sant|1|x)$/u;
const PRIVATE_NO = /^(foretag|foretagskund|organisation|company|business|nej|n|no|false|falskt|0)$/u;

interface Resolved {
  index: Partial<Record<ListRole, number>>;
}

function resolve(c: ColumnMap, columns: ListColumns | undefined): Resolved {
  const index: Partial<Record<ListRole, number>> = {};
  for (const role of Object.keys(LIST_COLUMNS) as ListRole[]) {
    const given = columns?.[role];
    const i = given ? c.find(given) : c.find(...LIST_COLUMNS[role]);
    if (i >= 0) index[role] = i;
  }
  return { index };
}

export async function* readCustomerList(file: SourceFile, ctx: ReadContext, opts: ListOptions): AsyncGenerator<SourceRecord> {
  let resolved: Resolved | undefined;
  const onHeader = (header: string[]): void => {
    const c = ColumnMap.of(header);
    resolved = resolve(c, opts.columns);
    for (const [role, name] of Object.entries(opts.columns ?? {})) {
      if (c.find(name) < 0) ctx.warn({ code: 'visma.missing-column', message: `column "${name}" (options.columns.${role}) is not in the header`, file: file.rel, line: 1 });
    }
    if (resolved.index.customerNo === undefined && resolved.index.name === undefined) {
      throw new SourceReadError('the header has neither a customer number nor a name column (Kundnummer, Namn); name them in options.columns', {
        file: file.rel,
        line: 1,
        code: 'visma.no-customer-columns',
      });
    }
  };
  const rows = readTable(file, {
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    prefilter: ctx.prefilter,
    validate: ctx.validate,
    later: ctx.later,
    onHeader,
    warnRagged: (count, line) =>
      ctx.warn({ code: 'csv.ragged', message: `${count} row(s) have another number of fields than the header (first at line ${line})`, file: file.rel, line }),
  });
  for await (const row of rows) {
    yield listRecord(row.header, row.values, row.locator, resolved!, opts);
  }
}

function listRecord(header: string[], values: string[], locator: SourceRecord['locator'], r: Resolved, opts: ListOptions): SourceRecord {
  const col = (role: ListRole): string => {
    const i = r.index[role];
    return i === undefined ? '' : (header[i] ?? '');
  };
  const val = (role: ListRole): string => {
    const i = r.index[role];
    return i === undefined ? '' : (values[i] ?? '').trim();
  };
  const fields: Record<string, unknown> = fieldsOf(header, values);
  const flag = val('privatePerson') ? parseFlag(val('privatePerson'), PRIVATE_YES, PRIVATE_NO) : undefined;
  const kind = classifyParty({ privateFlag: flag, orgnr: val('orgnr'), name: val('name') }, opts.companyWords);
  // The country column (a name or a code): the customer's phones, and its contact person's, are read in that country.
  const ids = new IdList(countryCode(val('country')));
  ids.add('customerNo', col('customerNo'), val('customerNo'));
  ids.add(kind === 'private' ? 'name' : 'company', col('name'), val('name'));
  ids.add('orgnr', col('orgnr'), val('orgnr'));
  ids.add('orgnr', col('vatNumber'), val('vatNumber'));
  ids.add('email', col('email'), val('email'));
  ids.add('phone', col('phone'), val('phone'));
  ids.add('phone', col('mobile'), val('mobile'));
  ids.add('address', col('address1'), addressLine(val('address1'), val('postcode'), val('city')));
  ids.add('address', col('deliveryAddress'), addressLine(val('deliveryAddress'), val('deliveryPostcode'), val('deliveryCity')));
  ids.add('name', col('contactName'), val('contactName'), 'contact');
  ids.add('email', col('contactEmail'), val('contactEmail'), 'contact');
  ids.add('phone', col('contactMobile'), val('contactMobile'), 'contact');
  ids.add('phone', col('contactPhone'), val('contactPhone'), 'contact');
  ids.list.push(...extraIdentifiers(fields, opts.fields));
  const text = new TextList();
  text.add(col('note'), val('note'));
  text.add(col('deliveryName'), val('deliveryName'));
  const rec: SourceRecord = {
    entity: 'customer',
    category: 'customer',
    locator,
    fields,
    identifiers: ids.list,
    holders: {
      self: { scope: kind === 'organisation' ? 'organisation' : 'person', role: kind === 'sole-trader' ? 'customer (sole trader)' : 'customer' },
      contact: { scope: 'person', role: 'contact person' },
    },
    ...bilingualLabel(`Kund ${val('customerNo')}${val('name') ? ` ${val('name')}` : ''}`.trim(), `Customer ${val('customerNo')}${val('name') ? ` ${val('name')}` : ''}`.trim(), 'sv'),
  };
  if (text.list.length > 0) rec.text = text.list;
  return rec;
}
