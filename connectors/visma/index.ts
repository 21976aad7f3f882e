/**
 * Visma: eAccounting/eEkonomi, now Spiris (formats.md §2.0), and the SIE 4
 * files every Swedish accounting program writes. Reads saved API pages of
 * customers, customer invoices (with ROT/RUT buyers' personnummer), customer
 * ledger items and vouchers; the customer register exported as CSV or XLSX;
 * SIE 4 files; and the dBase customer and contact registers of Visma
 * Administration, the desktop product OJCO used before.
 *
 * Invoices, ledger items, vouchers and everything in a SIE file are
 * räkenskapsinformation (BFL 1 kap. 2 §, legal-rules.md §10.2): the records
 * say `bookkeeping: true` so that planning retains them (BF-1).
 */
import { z } from 'zod';
import type { Problem } from '../../src/errors.ts';
import type { FieldDescription } from '../../src/sources/contract.ts';
import { defineConnector, type Connector, type FileSample, type IdentifierScope } from '../../src/sources/contract.ts';
import { FieldClassificationSchema, scopeWithExtra, withExtraFields } from '../../src/sources/classify.ts';
import { detectedFiles, hasExt, headText, readEachFile } from '../../src/sources/helpers.ts';
import { readCustomerList, LIST_COLUMNS, ListColumnsSchema, type ListRole } from './customer-list.ts';
import { dbfTable, parseDbfHeader, readDbf } from './dbf.ts';
import { PageTracker, readApiFile } from './eaccounting.ts';
import {
  API_CUSTOMER_FIELDS,
  API_INVOICE_FIELDS,
  API_LEDGER_FIELDS,
  API_VOUCHER_FIELDS,
  DBF_CONTACT_FIELDS,
  DBF_CUSTOMER_FIELDS,
  LIST_ROLE_FIELDS,
  mergeFields,
  SIE_BALANCE_FIELDS,
  SIE_COMPANY_FIELDS,
  SIE_OBJECT_FIELDS,
  SIE_VOUCHER_FIELDS,
} from './fields.ts';
import { readSie4 } from './sie4.ts';

const OptionsSchema = z
  .object({
    /** customer-list: the header of a column whose label is not in the alias table, per role. */
    columns: ListColumnsSchema.optional(),
    /** customer-list CSV: only if sniffing gets it wrong. */
    delimiter: z.string().length(1).optional(),
    encoding: z.enum(['utf8', 'utf16le', 'cp1252']).optional(),
    /** sie4: `search` also scans #GEN and #VER/#TRANS sign (OJCO staff) as text, for an employee's own request. */
    staffNames: z.enum(['ignore', 'search']).optional(),
    /** More words that mark a name as a company's (common.ts looksLikeCompany), such as the trade words of OJCO's customers. */
    companyWords: z.array(z.string().min(1)).optional(),
    /** The company's own columns (extra customer-list columns, custom API fields) and their data category. */
    fields: FieldClassificationSchema.optional(),
  })
  .strict();
type Options = z.infer<typeof OptionsSchema>;

const FORMATS = [
  {
    id: 'eaccounting-json',
    title: 'Visma eAccounting / Spiris API pages (JSON)',
    description: 'Saved {Meta, Data} pages of the eAccounting API v2: /v2/customers, /v2/customerinvoices, /v2/customerledgeritems and /v2/vouchers',
    extensions: ['json'],
  },
  {
    id: 'customer-list',
    title: 'Customer register export (CSV or XLSX)',
    description: 'The customer list exported from eEkonomi/Spiris (Inställningar → Import och export), CSV with , or ; or saved as XLSX; columns found by their headers',
    extensions: ['csv', 'txt', 'xlsx'],
  },
  {
    id: 'sie4',
    title: 'SIE 4 file',
    description: 'SIE 4E export (.se) or 4I import file (.si), CP437 (#FORMAT PC8) or UTF-8: customer objects, vouchers and customer balances',
    extensions: ['se', 'si', 'sie'],
  },
  {
    id: 'visma-dbf',
    title: 'Visma Administration registers (dBase)',
    description: 'KUND.DBF and KONTAKT.DBF, the customer and contact registers of Visma Administration 500/1000/2000 (dBase III)',
    extensions: ['dbf'],
  },
];

/** SIE labels (spec §12) that can start a file, for detection. */
const SIE_FIRST = /^#(FLAGGA|PROGRAM|FORMAT|GEN|SIETYP|KSUMMA|FNAMN|ORGNR|ADRESS|FNR|PROSA|FTYP|RAR|KPTYP|KONTO|VER|DIM|OBJEKT)\b/iu;

function listFields(options: Options): FieldDescription[] {
  const out: FieldDescription[] = [];
  const roles = Object.keys(LIST_COLUMNS) as ListRole[];
  for (const role of roles) {
    const c = LIST_ROLE_FIELDS[role]!;
    const names = [...(options.columns?.[role] ? [options.columns[role]!] : []), ...LIST_COLUMNS[role]];
    for (const name of names) out.push({ name, category: c.category, personal: c.personal, ...(c.identifier ? { identifier: c.identifier } : {}), ...(c.description ? { description: c.description } : {}) });
  }
  return out;
}

function firstLine(text: string): string {
  const nl = text.search(/\r?\n/u);
  return nl >= 0 ? text.slice(0, nl) : text;
}

/** What a customer list row can carry (customer-list.ts). */
const CUSTOMER_LIST_SCOPE: IdentifierScope = { kinds: ['customerNo', 'name', 'company', 'orgnr', 'email', 'phone', 'address'] };
/** What SIE company data, customer objects and vouchers can carry (sie4.ts; SIE has no field mapping). */
const SIE_SCOPE: IdentifierScope = { kinds: ['company', 'orgnr', 'phone', 'address', 'name', 'customerNo'] };

const connector: Connector<Options> = defineConnector<Options>({
  id: 'visma',
  title: 'Visma eAccounting / Spiris, SIE 4 and Visma Administration',
  formats: FORMATS,
  optionsSchema: OptionsSchema,
  describe: (options) => ({
    entities: [
      {
        entity: 'customer',
        title: 'Customer (API, exported register, or Visma Administration KUND.DBF)',
        category: 'customer',
        fields: withExtraFields(mergeFields(API_CUSTOMER_FIELDS, listFields(options), DBF_CUSTOMER_FIELDS), options.fields),
      },
      { entity: 'contact', title: 'Contact person (Visma Administration KONTAKT.DBF)', category: 'customer', fields: withExtraFields(DBF_CONTACT_FIELDS, options.fields) },
      { entity: 'invoice', title: 'Customer invoice', category: 'invoice', bookkeeping: true, fields: withExtraFields(API_INVOICE_FIELDS, options.fields) },
      { entity: 'ledger-item', title: 'Customer ledger item (kundreskontra, with its payment)', category: 'payment', bookkeeping: true, fields: withExtraFields(API_LEDGER_FIELDS, options.fields) },
      {
        entity: 'voucher',
        title: 'Voucher (verifikation): API /v2/vouchers or SIE #VER',
        category: 'voucher',
        bookkeeping: true,
        fields: withExtraFields(mergeFields(SIE_VOUCHER_FIELDS, API_VOUCHER_FIELDS), options.fields),
      },
      { entity: 'sie-object', title: 'SIE #OBJEKT (customer, employee, supplier or other object)', category: 'accounting-master', bookkeeping: true, fields: SIE_OBJECT_FIELDS },
      { entity: 'sie-company', title: 'SIE company identification (#FNAMN, #ORGNR, #ADRESS)', category: 'accounting-master', bookkeeping: true, fields: SIE_COMPANY_FIELDS },
      { entity: 'sie-balance', title: 'SIE customer balance (#OIB, #OUB, #PSALDO, #PBUDGET with a customer object)', category: 'accounting-master', bookkeeping: true, fields: SIE_BALANCE_FIELDS },
    ],
  }),
  detect(sample: FileSample) {
    const name = sample.name.toLowerCase();
    const head = sample.head;
    const dbf = parseDbfHeader(head);
    if (dbf) return dbfTable(dbf) ? { format: 'visma-dbf', confidence: 0.9 } : undefined;
    if (head[0] === 0x50 && head[1] === 0x4b) {
      // An XLSX's sheets are compressed: only its name can tell.
      if (!hasExt(name, 'xlsx', 'xlsm')) return undefined;
      return { format: 'customer-list', confidence: /kund|customer/u.test(name.split('/').pop() ?? name) ? 0.6 : 0.2 };
    }
    const text = headText(head);
    const t = text.trimStart();
    if (SIE_FIRST.test(t)) return { format: 'sie4', confidence: /^#FLAGGA\b/iu.test(t) ? 0.95 : 0.8 };
    if (t.startsWith('{') || t.startsWith('[')) {
      if (/"Data"\s*:/u.test(text) && /"(CurrentPage|TotalNumberOfPages)"\s*:/u.test(text)) return { format: 'eaccounting-json', confidence: 0.95 };
      // A bare array or single item: fields that only the eAccounting API uses.
      if (/"(IsPrivatePerson|CorporateIdentityNumber|InvoiceCustomerName|CustomerIsPrivatePerson|NumberAndNumberSeries|RemainingAmountInvoiceCurrency)"\s*:/u.test(text)) {
        return { format: 'eaccounting-json', confidence: 0.7 };
      }
      return undefined;
    }
    const line = firstLine(text);
    if (/(^|[;,\t"])\s*(kundnummer|kundnr|customer ?number|customernumber)\s*([;,\t"]|$)/iu.test(line)) {
      // A customer number alone is common to every customer list (a CRM's
      // too); invoicing columns are what only the accounting system exports.
      const invoicing = /(fakturaadress|invoice ?address|kundtyp|organisationsnummer\/personnummer|betalningsvillkor|terms of payment|leveransadress|momsnummer|vat ?number)/iu.test(line);
      return { format: 'customer-list', confidence: invoicing ? 0.8 : 0.45 };
    }
    return undefined;
  },
  async check(input) {
    const problems: Problem[] = [];
    const o = input.options;
    if (input.format && input.format !== 'customer-list' && (o.columns || o.delimiter || o.encoding)) {
      problems.push({
        code: 'visma.options',
        message: `options columns, delimiter and encoding apply to format customer-list only, not ${input.format}`,
        source: input.name,
      });
    }
    return problems;
  },
  async *read(input, ctx) {
    const o = input.options;
    const pages = new PageTracker();
    yield* readEachFile(detectedFiles(connector, input, ctx), ctx, ({ file, format }) => {
      switch (format) {
        case 'eaccounting-json':
          return readApiFile(file, ctx, { companyWords: o.companyWords, fields: o.fields }, pages);
        case 'customer-list':
          return readCustomerList(file, ctx, o);
        case 'visma-dbf':
          return readDbf(file, ctx, o);
        default:
          return readSie4(file, ctx, o);
      }
    }, (format) => (format === 'customer-list' ? scopeWithExtra(CUSTOMER_LIST_SCOPE, o.fields) : format === 'sie4' ? SIE_SCOPE : undefined));
    pages.report(ctx);
  },
});

export default connector;
