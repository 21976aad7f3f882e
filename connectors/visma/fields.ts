/**
 * How the Visma connector classifies the fields it reads. The API field
 * lists are the swagger's (formats.md §2.1, `CustomerApi`,
 * `CustomerInvoiceApi`, `CustomerLedgerItemApi`, `VoucherApi`); the customer
 * list's headers are not published ([U], formats.md §2.2), so its aliases
 * are listed in customer-list.ts and classified here by what they hold.
 */
import type { FieldDescription, FieldValues } from '../../src/sources/contract.ts';
import { DBASE_LOGICAL, withLabels, withLogical, type FieldLabels } from '../../src/sources/classify.ts';

type Identifier = FieldDescription['identifier'];

const f = (name: string, category: string, personal: boolean, identifier?: Identifier, description?: string): FieldDescription => ({
  name,
  category,
  personal,
  ...(identifier ? { identifier } : {}),
  ...(description ? { description } : {}),
});

/** Merges lists, the first description of a name winning: the formats share an entity and some names. */
export function mergeFields(...lists: FieldDescription[][]): FieldDescription[] {
  const out = new Map<string, FieldDescription>();
  for (const l of lists) for (const d of l) if (!out.has(d.name)) out.set(d.name, d);
  return [...out.values()];
}

// ---------------------------------------------------------------- API: /v2/customers

/** The invoice and delivery addresses, as a customer card and an invoice both keep them (Spiris API). */
const ADDRESS_LABELS: FieldLabels = {
  InvoiceAddress1: ['Fakturaadress', 'Invoice address'],
  InvoiceAddress2: ['Fakturaadress, rad 2', 'Invoice address, line 2'],
  InvoicePostalCode: ['Postnummer', 'Postcode'],
  InvoiceCity: ['Ort', 'City'],
  InvoiceCountryCode: ['Landskod', 'Country code'],
  DeliveryCustomerName: ['Leveransnamn', 'Delivery name'],
  DeliveryAddress1: ['Leveransadress', 'Delivery address'],
  DeliveryAddress2: ['Leveransadress, rad 2', 'Delivery address, line 2'],
  DeliveryPostalCode: ['Postnummer för leverans', 'Delivery postcode'],
  DeliveryCity: ['Ort för leverans', 'Delivery city'],
};

/** What the letter calls a customer's common fields (the API's English names, in the letter's language). */
export const CUSTOMER_LABELS: FieldLabels = {
  Id: ['Kundens id i Spiris', 'The customer\'s id in Spiris'],
  CustomerNumber: ['Kundnummer', 'Customer number'],
  CorporateIdentityNumber: ['Organisationsnummer eller personnummer', 'Organisation or personal identity number'],
  Name: ['Namn', 'Name'],
  IsPrivatePerson: ['Privatperson', 'Private person'],
  EmailAddress: ['E-post', 'E-mail'],
  Telephone: ['Telefon', 'Phone'],
  MobilePhone: ['Mobiltelefon', 'Mobile phone'],
  ContactPersonName: ['Kontaktperson', 'Contact person'],
  ContactPersonEmail: ['Kontaktpersonens e-post', 'Contact person\'s e-mail'],
  ContactPersonMobile: ['Kontaktpersonens mobiltelefon', 'Contact person\'s mobile phone'],
  ContactPersonPhone: ['Kontaktpersonens telefon', 'Contact person\'s phone'],
  ...ADDRESS_LABELS,
  DeliveryCountryCode: ['Landskod för leverans', 'Delivery country code'],
  VatNumber: ['Momsregistreringsnummer', 'VAT number'],
  WwwAddress: ['Webbplats', 'Website'],
  Note: ['Anteckning', 'Note'],
  CurrencyCode: ['Valuta', 'Currency'],
  TermsOfPaymentId: ['Betalningsvillkorens id i Spiris', 'The terms of payment\'s id in Spiris'],
  TermsOfPayment: ['Betalningsvillkor', 'Terms of payment'],
  IsActive: ['Aktiv kund', 'Active customer'],
  CustomerLabels: ['Etiketter', 'Labels'],
  LastInvoiceDate: ['Senaste fakturadatum', 'Last invoice date'],
  ChangedUtc: ['Senast ändrad', 'Last changed'],
};

export const API_CUSTOMER_FIELDS: FieldDescription[] = withLabels([
  f('Id', 'system-id', true, 'systemId', 'The customer\'s GUID, followed as visma:customer:<Id> to its invoices and ledger items'),
  f('CustomerNumber', 'customer-account', true, 'customerNo'),
  f('CorporateIdentityNumber', 'identity', true, 'orgnr', 'Org.nr, or the personnummer of a private person or sole trader'),
  f('Name', 'identity', true, 'name', 'A private person\'s name; a company\'s or sole trader\'s trade name is read as kind company'),
  f('IsPrivatePerson', 'customer-account', true),
  f('EmailAddress', 'contact', true, 'email'),
  f('EmailAddresses', 'contact', true, 'email'),
  f('EmailAddressOrder', 'contact', true, 'email'),
  f('EmailAddressQuote', 'contact', true, 'email'),
  f('Telephone', 'contact', true, 'phone', 'A company\'s switchboard: not followed'),
  f('MobilePhone', 'contact', true, 'phone'),
  f('ContactPersonName', 'identity', true, 'name'),
  f('ContactPersonEmail', 'contact', true, 'email'),
  f('ContactPersonMobile', 'contact', true, 'phone'),
  f('ContactPersonPhone', 'contact', true, 'phone'),
  f('InvoiceAddress1', 'contact', true, 'address'),
  f('InvoiceAddress2', 'contact', true),
  f('InvoicePostalCode', 'contact', true),
  f('InvoiceCity', 'contact', true),
  f('InvoiceCountryCode', 'contact', true),
  f('DeliveryCustomerName', 'identity', true, undefined, 'Scanned as text'),
  f('DeliveryAddress1', 'contact', true, 'address'),
  f('DeliveryAddress2', 'contact', true),
  f('DeliveryPostalCode', 'contact', true),
  f('DeliveryCity', 'contact', true),
  f('DeliveryCountryCode', 'contact', true),
  f('DeliveryMethodId', 'customer-account', false),
  f('DeliveryTermId', 'customer-account', false),
  f('VatNumber', 'identity', true, 'orgnr', 'SE + org.nr + 01; carries a sole trader\'s personnummer'),
  f('WwwAddress', 'professional', true),
  f('Note', 'interaction', true, undefined, 'Scanned as text'),
  f('CurrencyCode', 'customer-account', true),
  f('TermsOfPaymentId', 'customer-account', true),
  f('TermsOfPayment', 'customer-account', true),
  f('PayToAccountId', 'customer-account', true),
  f('DiscountPercentage', 'customer-account', true),
  f('ReverseChargeOnConstructionServices', 'customer-account', true),
  f('ForceBookkeepVat', 'customer-account', true),
  f('IsNorthernIreland', 'customer-account', true),
  f('IsActive', 'customer-account', true),
  f('IsFutureInvoiceDateAllowed', 'customer-account', true),
  f('WebshopCustomerNumber', 'customer-account', true),
  f('GLN', 'professional', true),
  f('EdiGlnNumber', 'professional', true),
  f('ElectronicAddress', 'contact', true),
  f('ElectronicReference', 'contact', true),
  f('EdiServiceDelivererId', 'customer-account', false),
  f('SalesDocumentLanguage', 'customer-account', true),
  f('AutoInvoiceActivationEmailSentDate', 'customer-account', true),
  f('AutoInvoiceRegistrationRequestSentDate', 'customer-account', true),
  f('CustomerLabels', 'interest', true, undefined, 'Marketing labels; erasable (formats.md §2.4)'),
  f('LastInvoiceDate', 'billing', true),
  f('ChangedUtc', 'system-id', true),
], CUSTOMER_LABELS);

// ---------------------------------------------------------------- API: /v2/customerinvoices

/**
 * The codes of the invoice's ROT/RUT fields, as the API documents them
 * (the swagger's CustomerInvoiceApi, "Visma eAccounting API V2",
 * `pwitab/visma: swagger.json`; formats.md §2.1): `RotReducedInvoicingType`
 * "0 = Normal, 1 = Rot, 2 = Rut", `RotPropertyType` "1 = Apartment,
 * 2 = Property". A row's `WorkCostType` is documented only as "Only used for
 * ROT/RUT invoices", without its codes: the letter names it and shows its
 * code as it is.
 */
const ROT_RUT_TYPES: FieldValues = {
  0: { sv: 'Inget skatteavdrag (vanlig faktura)', en: 'No tax deduction (ordinary invoice)' },
  1: { sv: 'ROT-avdrag', en: 'ROT deduction (repairs and renovation)' },
  2: { sv: 'RUT-avdrag', en: 'RUT deduction (household services)' },
};
const ROT_PROPERTY_TYPES: FieldValues = {
  1: { sv: 'Bostadsrätt', en: 'Tenant-owned apartment' },
  2: { sv: 'Fastighet (småhus)', en: 'Property (house)' },
};

/**
 * What an attachment link's `DocumentType` says the attached document is
 * (AttachmentLinkApi, generated from Visma's swagger:
 * `struqtur/visma-client: docs/Model/AttachmentLinkApi.md`, "0 = None,
 * 1 = SupplierInvoice, 2 = Receipt, 3 = Voucher, 4 = SupplierInvoiceDraft,
 * 5 = AllocationPeriod, 6 = Transfer").
 */
const ATTACHMENT_DOCUMENT_TYPES: FieldValues = {
  0: { sv: 'Ingen', en: 'None' },
  1: { sv: 'Leverantörsfaktura', en: 'Supplier invoice' },
  2: { sv: 'Kvitto', en: 'Receipt' },
  3: { sv: 'Verifikation', en: 'Voucher' },
  4: { sv: 'Utkast till leverantörsfaktura', en: 'Supplier invoice draft' },
  5: { sv: 'Periodisering', en: 'Allocation period' },
  6: { sv: 'Överföring', en: 'Transfer' },
};

/**
 * What the letter calls an invoice's common fields and the parts of its
 * nested ones (the rows, the ROT/RUT buyers), in the letter's language; the
 * other flat fields keep their API names.
 */
export const INVOICE_LABELS: FieldLabels = {
  Id: ['Fakturans id i Spiris', 'The invoice\'s id in Spiris'],
  InvoiceNumber: ['Fakturanummer', 'Invoice number'],
  CustomerId: ['Kundens id i Spiris', 'The customer\'s id in Spiris'],
  CustomerNumber: ['Kundnummer', 'Customer number'],
  CustomerIsPrivatePerson: ['Kunden är privatperson', 'The customer is a private person'],
  InvoiceCustomerName: ['Kundens namn', 'Customer name'],
  CustomerEmail: ['Kundens e-post', 'Customer e-mail'],
  YourReference: ['Er referens', 'Your reference'],
  OurReference: ['Vår referens', 'Our reference'],
  ...ADDRESS_LABELS,
  DeliveryDate: ['Leveransdatum', 'Delivery date'],
  InvoiceDate: ['Fakturadatum', 'Invoice date'],
  DueDate: ['Förfallodatum', 'Due date'],
  PaymentDate: ['Betalningsdatum', 'Payment date'],
  PaymentStatus: ['Betalningsstatus', 'Payment status'],
  TotalAmount: ['Totalbelopp', 'Total amount'],
  TotalVatAmount: ['Moms', 'VAT'],
  TotalRoundings: ['Öresavrundning', 'Rounding'],
  // The swagger: "If true the unit prices on rows include VAT".
  IncludesVat: ['À-priserna inkluderar moms', 'Unit prices include VAT'],
  TotalAmountInvoiceCurrency: ['Totalbelopp i fakturans valuta', 'Total amount in the invoice currency'],
  TotalVatAmountInvoiceCurrency: ['Moms i fakturans valuta', 'VAT in the invoice currency'],
  RemainingAmount: ['Kvar att betala', 'Amount left to pay'],
  RemainingAmountInvoiceCurrency: ['Kvar att betala i fakturans valuta', 'Amount left to pay in the invoice currency'],
  CurrencyCode: ['Valuta', 'Currency'],
  CurrencyRate: ['Valutakurs', 'Exchange rate'],
  IsCreditInvoice: ['Kreditfaktura', 'Credit invoice'],
  PaymentReferenceNumber: ['OCR-nummer', 'Payment reference (OCR)'],
  VoucherNumber: ['Verifikationsnummer', 'Voucher number'],
  VoucherId: ['Verifikationens id i Spiris', 'The voucher\'s id in Spiris'],
  TermsOfPaymentId: ['Betalningsvillkorens id i Spiris', 'The terms of payment\'s id in Spiris'],
  Notes: ['Anteckningar', 'Notes'],
  RotReducedInvoicingType: { sv: 'Skatteavdrag (ROT/RUT)', en: 'Tax deduction (ROT/RUT)', values: ROT_RUT_TYPES },
  RotReducedInvoicingAmount: ['Skatteavdrag, belopp (ROT/RUT)', 'Tax deduction, amount (ROT/RUT)'],
  RotReducedInvoicingPercent: ['Skatteavdrag, andel (ROT/RUT)', 'Tax deduction, share (ROT/RUT)'],
  RotReducedInvoicingPropertyName: ['Fastighetsbeteckning eller bostadsrättsförening (ROT)', 'Property designation or housing cooperative (ROT)'],
  RotReducedInvoicingOrgNumber: ['Bostadsrättsföreningens organisationsnummer (ROT)', 'The housing cooperative\'s organisation number (ROT)'],
  RotPropertyType: { sv: 'Typ av bostad (ROT)', en: 'Kind of home (ROT)', values: ROT_PROPERTY_TYPES },
  CreatedUtc: ['Skapad', 'Created'],
  ModifiedUtc: ['Senast ändrad', 'Last changed'],
  Rows: ['Fakturarader', 'Invoice rows'],
  'Rows.LineNumber': ['Radnummer', 'Row number'],
  'Rows.ArticleId': ['Artikel-id', 'Article id'],
  'Rows.ArticleNumber': ['Artikelnummer', 'Article number'],
  'Rows.Text': ['Text', 'Text'],
  'Rows.IsTextRow': ['Textrad', 'Text row'],
  'Rows.Quantity': ['Antal', 'Quantity'],
  'Rows.UnitAbbreviation': ['Enhet', 'Unit'],
  'Rows.UnitPrice': ['À-pris', 'Unit price'],
  // Shares as fractions: the swagger gives DiscountPercentage a maximum of 1; PercentVat is 0.25 for 25 % (formats.md §2.1).
  'Rows.DiscountPercentage': { sv: 'Rabatt', en: 'Discount', share: true },
  'Rows.PercentVat': { sv: 'Momssats', en: 'VAT rate', share: true },
  'Rows.IsWorkCost': ['Arbetskostnad (ROT/RUT)', 'Labour cost (ROT/RUT)'],
  'Rows.WorkCostType': ['Typ av arbete (ROT/RUT)', 'Kind of work (ROT/RUT)'],
  'Rows.WorkHours': ['Arbetstimmar', 'Hours of work'],
  'Rows.MaterialCosts': ['Materialkostnad', 'Material costs'],
  Persons: ['Köpare med skattereduktion (ROT/RUT)', 'Buyers with tax reduction (ROT/RUT)'],
  'Persons.Ssn': ['Personnummer', 'Personal identity number'],
  'Persons.Amount': ['Belopp', 'Amount'],
};

export const API_INVOICE_FIELDS: FieldDescription[] = withLabels([
  f('Id', 'system-id', true),
  f('InvoiceNumber', 'billing', true),
  f('CustomerId', 'system-id', true, 'systemId', 'The customer\'s GUID: visma:customer:<CustomerId>'),
  f('CustomerNumber', 'customer-account', true, 'customerNo'),
  f('CustomerIsPrivatePerson', 'customer-account', true),
  f('InvoiceCustomerName', 'identity', true, 'name', 'A private customer\'s name; a company\'s is read as kind company'),
  f('CustomerEmail', 'contact', true, 'email'),
  f('YourReference', 'identity', true, 'name', 'Usually the customer\'s contact person'),
  f('OurReference', 'professional', true, undefined, 'OJCO staff: not searched'),
  f('BuyersOrderReference', 'order-history', true, undefined, 'Scanned as text'),
  f('InvoiceAddress1', 'contact', true, 'address'),
  f('InvoiceAddress2', 'contact', true),
  f('InvoicePostalCode', 'contact', true),
  f('InvoiceCity', 'contact', true),
  f('InvoiceCountryCode', 'contact', true),
  f('DeliveryCustomerName', 'identity', true, undefined, 'Scanned as text'),
  f('DeliveryAddress1', 'contact', true, 'address'),
  f('DeliveryAddress2', 'contact', true),
  f('DeliveryPostalCode', 'contact', true),
  f('DeliveryCity', 'contact', true),
  f('DeliveryCountryCode', 'contact', true),
  f('DeliveryDate', 'order-history', true),
  f('DeliveryMethodName', 'order-history', false),
  f('DeliveryTermName', 'order-history', false),
  f('DeliveryMethodCode', 'order-history', false),
  f('DeliveryTermCode', 'order-history', false),
  f('Persons', 'identity', true, 'pnr', 'ROT/RUT buyers: Ssn (personnummer) and Amount'),
  f('RotReducedInvoicingType', 'billing', true, undefined, '0 normal, 1 ROT, 2 RUT'),
  f('RotReducedInvoicingAmount', 'billing', true),
  f('RotReducedInvoicingPercent', 'billing', true),
  f('RotReducedInvoicingPropertyName', 'identity', true, undefined, 'Property designation or housing cooperative; scanned as text'),
  f('RotReducedInvoicingOrgNumber', 'identity', true, 'orgnr', 'The housing cooperative\'s org.nr'),
  f('RotReducedInvoicingAutomaticDistribution', 'billing', true),
  f('RotPropertyType', 'billing', true),
  f('WorkHouseOtherCosts', 'billing', true),
  f('Rows', 'order-history', true, undefined, 'Invoice rows; row texts are scanned as text'),
  f('InvoiceDate', 'billing', true),
  f('DueDate', 'billing', true),
  f('PaymentDate', 'billing', true),
  f('PaymentStatus', 'billing', true),
  f('PaymentReminderIssued', 'billing', true),
  f('CreditedBy', 'billing', true),
  f('TotalAmount', 'billing', true),
  f('TotalVatAmount', 'billing', true),
  f('TotalRoundings', 'billing', true),
  f('TotalAmountInvoiceCurrency', 'billing', true),
  f('TotalVatAmountInvoiceCurrency', 'billing', true),
  f('SetOffAmountInvoiceCurrency', 'billing', true),
  f('VatSpecification', 'billing', true),
  f('RemainingAmount', 'billing', true),
  f('RemainingAmountInvoiceCurrency', 'billing', true),
  f('CurrencyCode', 'billing', true),
  f('CurrencyRate', 'billing', false),
  f('EuThirdParty', 'billing', true),
  f('IsCreditInvoice', 'billing', true),
  f('ReferringInvoiceId', 'system-id', true),
  f('CreatedFromDraftId', 'system-id', true),
  f('CreatedFromOrderId', 'system-id', true),
  f('CreatedByUserId', 'system-id', false, undefined, 'The OJCO user who created the invoice'),
  f('PaymentReferenceNumber', 'billing', true, undefined, 'OCR number'),
  f('VoucherNumber', 'billing', true),
  f('VoucherId', 'system-id', true),
  f('ElectronicReference', 'contact', true, undefined, 'Scanned as text'),
  f('ElectronicAddress', 'contact', true),
  f('EdiServiceDelivererId', 'billing', false),
  f('TermsOfPaymentId', 'billing', true),
  f('SalesDocumentAttachments', 'billing', true),
  f('MessageThreads', 'correspondence', true),
  f('Notes', 'interaction', true, undefined, 'Scanned as text'),
  f('HasAutoInvoiceError', 'billing', false),
  f('IsNotDelivered', 'billing', true),
  f('ReverseChargeOnConstructionServices', 'billing', true),
  f('ReversedConstructionVatInvoicing', 'billing', true),
  f('IncludesVat', 'billing', true),
  f('SendType', 'billing', true),
  f('UsesGreenTechnology', 'billing', true),
  f('CreatedUtc', 'system-id', true),
  f('ModifiedUtc', 'system-id', true),
], INVOICE_LABELS);

// ---------------------------------------------------------------- API: /v2/customerledgeritems

/** What the letter calls a customer ledger item's common fields. */
export const LEDGER_LABELS: FieldLabels = {
  Id: ['Reskontrapostens id i Spiris', 'The ledger item\'s id in Spiris'],
  CustomerId: ['Kundens id i Spiris', 'The customer\'s id in Spiris'],
  InvoiceNumber: ['Fakturanummer', 'Invoice number'],
  InvoiceDate: ['Fakturadatum', 'Invoice date'],
  DueDate: ['Förfallodatum', 'Due date'],
  IsCreditInvoice: ['Kreditfaktura', 'Credit invoice'],
  PaymentReferenceNumber: ['OCR-nummer', 'Payment reference (OCR)'],
  CurrencyCode: ['Valuta', 'Currency'],
  CurrencyRate: ['Valutakurs', 'Exchange rate'],
  CurrencyRateUnit: ['Valutakursens enhet', 'Exchange rate unit'],
  TotalAmountInvoiceCurrency: ['Totalbelopp i fakturans valuta', 'Total amount in the invoice currency'],
  RoundingsAmountInvoiceCurrency: ['Öresavrundning i fakturans valuta', 'Rounding in the invoice currency'],
  VoucherId: ['Verifikationens id i Spiris', 'The voucher\'s id in Spiris'],
  VATAmountInvoiceCurrency: ['Moms i fakturans valuta', 'VAT in the invoice currency'],
  RemainingAmountInvoiceCurrency: ['Kvar att betala i fakturans valuta', 'Amount left to pay in the invoice currency'],
  Voucher: ['Verifikation', 'Voucher'],
  ModifiedUtc: ['Senast ändrad', 'Last changed'],
};

export const API_LEDGER_FIELDS: FieldDescription[] = withLabels([
  f('Id', 'system-id', true),
  f('CustomerId', 'system-id', true, 'systemId', 'The customer\'s GUID: visma:customer:<CustomerId>'),
  f('InvoiceNumber', 'billing', true),
  f('InvoiceDate', 'billing', true),
  f('DueDate', 'billing', true),
  f('IsCreditInvoice', 'billing', true),
  f('PaymentReferenceNumber', 'billing', true, undefined, 'OCR number'),
  f('CurrencyCode', 'billing', true),
  f('CurrencyRate', 'billing', false),
  f('CurrencyRateUnit', 'billing', false),
  f('TotalAmountInvoiceCurrency', 'billing', true),
  f('VATAmountInvoiceCurrency', 'billing', true),
  f('RemainingAmountInvoiceCurrency', 'billing', true, undefined, '0 when the item is settled (paid)'),
  f('RoundingsAmountInvoiceCurrency', 'billing', true),
  f('VoucherId', 'system-id', true),
  f('Voucher', 'billing', true, undefined, 'The voucher, in ledger items saved with their voucher'),
  f('ModifiedUtc', 'billing', true, undefined, 'Last change, such as the payment that settled the item'),
], LEDGER_LABELS);

// ---------------------------------------------------------------- API: /v2/vouchers

/** What the letter calls the parts of a voucher's nested fields: the API's rows and attachments, SIE's #TRANS rows. */
export const VOUCHER_LABELS: FieldLabels = {
  Id: ['Verifikationens id i Spiris', 'The voucher\'s id in Spiris'],
  VoucherDate: ['Verifikationsdatum', 'Voucher date'],
  VoucherText: ['Verifikationstext', 'Voucher text'],
  NumberAndNumberSeries: ['Verifikationsnummer', 'Voucher number'],
  NumberSeries: ['Verifikationsserie', 'Voucher series'],
  CreatedUtc: ['Skapad', 'Created'],
  ModifiedUtc: ['Senast ändrad', 'Last changed'],
  // SIE's #VER: serie, vernr, verdatum, vertext, regdatum, sign.
  series: ['Verifikationsserie', 'Voucher series'],
  number: ['Verifikationsnummer', 'Voucher number'],
  date: ['Verifikationsdatum', 'Voucher date', 'date'],
  text: ['Verifikationstext', 'Voucher text'],
  regDate: ['Registreringsdatum', 'Date registered', 'date'],
  sign: ['Registrerad av (signatur)', 'Registered by (initials)'],
  Rows: ['Verifikationsrader', 'Voucher rows'],
  'Rows.AccountNumber': ['Konto', 'Account'],
  'Rows.AccountDescription': ['Kontots namn', 'Account name'],
  'Rows.DebitAmount': ['Debet', 'Debit'],
  'Rows.CreditAmount': ['Kredit', 'Credit'],
  'Rows.TransactionText': ['Text', 'Text'],
  Attachments: ['Bilagor', 'Attachments'],
  'Attachments.DocumentId': ['Dokument-id', 'Document id'],
  'Attachments.DocumentType': { sv: 'Dokumenttyp', en: 'Document type', values: ATTACHMENT_DOCUMENT_TYPES },
  'Attachments.AttachmentIds': ['Bilagornas id i Spiris', 'The attachments\' ids in Spiris'],
  transactions: ['Konteringsrader', 'Transaction rows'],
  'transactions.line': ['Rad i filen', 'Line in the file'],
  'transactions.kind': ['Slag (TRANS, RTRANS, BTRANS)', 'Kind (TRANS, RTRANS, BTRANS)'],
  'transactions.account': ['Konto', 'Account'],
  'transactions.objects': ['Objekt', 'Objects'],
  'transactions.objects.dim': ['Dimension', 'Dimension'],
  'transactions.objects.obj': ['Objekt', 'Object'],
  'transactions.amount': ['Belopp', 'Amount'],
  'transactions.date': ['Datum', 'Date'],
  'transactions.text': ['Text', 'Text'],
};

export const API_VOUCHER_FIELDS: FieldDescription[] = withLabels([
  f('Id', 'system-id', false),
  f('VoucherDate', 'billing', true),
  f('VoucherText', 'billing', true, undefined, 'Scanned as text: it often names the customer'),
  f('Rows', 'billing', true, undefined, 'Rows; TransactionText is scanned as text'),
  f('NumberAndNumberSeries', 'billing', false),
  f('NumberSeries', 'billing', false),
  f('Attachments', 'billing', true),
  f('VoucherType', 'billing', false),
  f('SourceId', 'system-id', false),
  f('CreatedUtc', 'system-id', false),
  f('ModifiedUtc', 'system-id', false),
], VOUCHER_LABELS);

// ---------------------------------------------------------------- customer list (CSV/XLSX)

/** What a customer-list column holds, by its role in customer-list.ts. */
export const LIST_ROLE_FIELDS: Record<string, { category: string; personal: boolean; identifier?: Identifier; description?: string }> = {
  customerNo: { category: 'customer-account', personal: true, identifier: 'customerNo' },
  name: { category: 'identity', personal: true, identifier: 'name', description: 'A company\'s or sole trader\'s name is read as kind company' },
  privatePerson: { category: 'customer-account', personal: true },
  orgnr: { category: 'identity', personal: true, identifier: 'orgnr', description: 'Org.nr, or personnummer of a private person or sole trader' },
  vatNumber: { category: 'identity', personal: true, identifier: 'orgnr' },
  address1: { category: 'contact', personal: true, identifier: 'address' },
  address2: { category: 'contact', personal: true },
  postcode: { category: 'contact', personal: true },
  city: { category: 'contact', personal: true },
  country: { category: 'contact', personal: true },
  phone: { category: 'contact', personal: true, identifier: 'phone', description: 'A company\'s switchboard is not followed' },
  mobile: { category: 'contact', personal: true, identifier: 'phone' },
  email: { category: 'contact', personal: true, identifier: 'email' },
  contactName: { category: 'identity', personal: true, identifier: 'name' },
  contactEmail: { category: 'contact', personal: true, identifier: 'email' },
  contactMobile: { category: 'contact', personal: true, identifier: 'phone' },
  contactPhone: { category: 'contact', personal: true, identifier: 'phone' },
  deliveryName: { category: 'identity', personal: true, description: 'Scanned as text' },
  deliveryAddress: { category: 'contact', personal: true, identifier: 'address' },
  deliveryPostcode: { category: 'contact', personal: true },
  deliveryCity: { category: 'contact', personal: true },
  note: { category: 'interaction', personal: true, description: 'Scanned as text' },
  www: { category: 'professional', personal: true },
  terms: { category: 'customer-account', personal: true },
  currency: { category: 'customer-account', personal: true },
  active: { category: 'customer-account', personal: true },
};

// ---------------------------------------------------------------- SIE 4

export const SIE_VOUCHER_FIELDS: FieldDescription[] = withLabels([
  f('series', 'billing', false, undefined, '#VER serie'),
  f('number', 'billing', false, undefined, '#VER vernr'),
  f('date', 'billing', true, undefined, '#VER verdatum (ISO)'),
  f('text', 'billing', true, undefined, '#VER vertext; scanned as text (names the customer)'),
  f('regDate', 'billing', false, undefined, '#VER regdatum (ISO)'),
  f('sign', 'professional', true, undefined, '#VER sign: the OJCO employee who registered it; not searched unless options.staffNames is search'),
  f(
    'transactions',
    'billing',
    true,
    'customerNo',
    '#TRANS/#RTRANS/#BTRANS rows with their line, account, objects, amount, date, text; a {8 "<kundnr>"} object is the customer number, transtext is scanned as text',
  ),
  f('others', 'billing', true, undefined, 'Other sub-posts inside the voucher block (spec §7.1); their texts are scanned'),
], VOUCHER_LABELS);

/**
 * What the letter calls an #OBJEKT's fields (spec §8.17: dimensionsnr
 * objektnr objektnamn). The dimension is a number of the chart of
 * dimensions, left out as plumbing; for a customer (dimension 8) the
 * object number is the customer number.
 */
const SIE_OBJECT_LABELS: FieldLabels = {
  number: ['Objektnummer i bokföringen (för en kund kundnumret)', 'Object number in the accounts (for a customer, the customer number)'],
  name: ['Objektets namn i bokföringen', 'Object name in the accounts'],
};

export const SIE_OBJECT_FIELDS: FieldDescription[] = withLabels([
  f('dimension', 'none', false, undefined, 'Dimension number (8 kund, 7 anställd, 9 leverantör, spec §8.17)'),
  f('number', 'customer-account', true, 'customerNo', 'Object number; a customer number in dimension 8'),
  f('name', 'identity', true, 'name', 'Object name: a customer\'s, employee\'s or supplier\'s name (company names as kind company)'),
], SIE_OBJECT_LABELS);

export const SIE_COMPANY_FIELDS: FieldDescription[] = [
  f('companyName', 'professional', true, 'company', '#FNAMN'),
  f('orgnr', 'identity', true, 'orgnr', '#ORGNR; a sole trader\'s is a personnummer'),
  f('companyType', 'professional', false, undefined, '#FTYP'),
  f('contact', 'identity', true, 'name', '#ADRESS kontakt: a named contact person'),
  f('streetAddress', 'contact', true, 'address', '#ADRESS utdelningsadr'),
  f('postalAddress', 'contact', true, undefined, '#ADRESS postadr'),
  f('phone', 'contact', true, 'phone', '#ADRESS tel; also a phone number in the postadr slot of an #ADRESS without tel (Mamut writes kontakt utdelningsadr tel)'),
  f('text', 'interaction', true, undefined, '#PROSA, scanned as text'),
  f('generatedBy', 'professional', true, undefined, '#GEN sign: who exported the file'),
  f('program', 'none', false, undefined, '#PROGRAM'),
];

export const SIE_BALANCE_FIELDS: FieldDescription[] = [
  f('label', 'none', false, undefined, '#OIB, #OUB, #PSALDO or #PBUDGET'),
  f('year', 'billing', false, undefined, 'årsnr: 0 this financial year, -1 the one before (#RAR)'),
  f('period', 'billing', false, undefined, 'YYYYMM (#PSALDO, #PBUDGET)'),
  f('account', 'billing', false),
  f('objects', 'customer-account', true, 'customerNo', 'Object list; {8 "<kundnr>"} is a customer'),
  f('amount', 'billing', true),
  f('quantity', 'billing', true),
];

// ---------------------------------------------------------------- Visma Administration dBase registers

/**
 * What the letter to the person calls the dBase fields, whose names are
 * codes of at most ten letters (`KUNDNR`, `LEVPOSTNR`). Meanings from the
 * names and Visma Administration's customer card [U]; a field whose meaning
 * the name does not make clear (`BTID_F`, `F1`) keeps its code rather than a
 * guess. Dates: type D fields are `YYYYMMDD`; LASTCHANGE and TIMESTAMP are
 * numbers, seconds since 1970 (in the real Visma demo register, LASTCHANGE
 * of consecutive customers lies seconds apart on one day of 2007, and every
 * row has the same TIMESTAMP, a few days before the latest invoice date).
 */
export const DBF_LABELS: FieldLabels = {
  KUNDNR: ['Kundnummer', 'Customer number'],
  NAMN: ['Namn', 'Name'],
  FOERNAMN: ['Förnamn', 'First name'],
  KORTNAMN: ['Kortnamn', 'Short name'],
  ORGNR: ['Organisationsnummer eller personnummer', 'Organisation or personal identity number'],
  MOMSREGNR: ['Momsregistreringsnummer', 'VAT number'],
  ORGNRMOT: ['Organisationsnummer för e-faktura', 'Organisation number for e-invoices'],
  SEX: ['Kön', 'Gender'],
  POSTADR: ['Postadress', 'Postal address'],
  POSTADR2: ['Postadress, rad 2', 'Postal address, line 2'],
  BESOEK: ['Besöksadress', 'Visiting address'],
  POSTNR: ['Postnummer', 'Postcode'],
  ORT: ['Ort', 'City'],
  LAND: ['Land', 'Country'],
  LANDKOD: ['Landskod', 'Country code'],
  TEL: ['Telefon', 'Phone'],
  TEL2: ['Telefon 2', 'Phone 2'],
  TEL3: ['Telefon 3', 'Phone 3'],
  FAX: ['Fax', 'Fax'],
  MBTEL: ['Mobiltelefon', 'Mobile phone'],
  EPOST: ['E-post', 'E-mail'],
  REF: ['Kontaktperson (er referens)', 'Contact person (your reference)'],
  LEVNAMN: ['Leveransnamn', 'Delivery name'],
  LEVADR: ['Leveransadress', 'Delivery address'],
  LEVADR2: ['Leveransadress, rad 2', 'Delivery address, line 2'],
  LEVBESOEK: ['Besöksadress för leverans', 'Visiting address for delivery'],
  LEVPOSTNR: ['Postnummer för leverans', 'Delivery postcode'],
  LEVORT: ['Ort för leverans', 'Delivery city'],
  LEVLAND: ['Land för leverans', 'Delivery country'],
  LEVLANDKOD: ['Landskod för leverans', 'Delivery country code'],
  LEVTEL: ['Telefon för leverans', 'Delivery phone'],
  LEVTEL2: ['Telefon 2 för leverans', 'Delivery phone 2'],
  LEVTEL3: ['Telefon 3 för leverans', 'Delivery phone 3'],
  LEVFAX: ['Fax för leverans', 'Delivery fax'],
  ANM1: ['Anmärkning 1', 'Remark 1'],
  ANM2: ['Anmärkning 2', 'Remark 2'],
  ANTECK_1: ['Anteckning 1', 'Note 1'],
  ANTECK_2: ['Anteckning 2', 'Note 2'],
  ANTECK_3: ['Anteckning 3', 'Note 3'],
  ANTECK_4: ['Anteckning 4', 'Note 4'],
  REKL_EPOST: ['Godkänner reklam via e-post', 'Accepts marketing by e-mail'],
  REKL_SMS: ['Godkänner reklam via sms', 'Accepts marketing by text message'],
  BGIRO: ['Bankgiro', 'Bankgiro'],
  PGIRO: ['Plusgiro', 'Plusgiro'],
  FKTDAT: ['Senaste fakturadatum', 'Last invoice date', 'date'],
  FORDRAN: ['Fordran', 'Amount receivable'],
  ACKOMS: ['Ackumulerad omsättning', 'Accumulated sales'],
  TBBEL: ['Täckningsbidrag', 'Contribution margin'],
  KREDITLIM: ['Kreditgräns', 'Credit limit'],
  LAST_CC_DT: ['Senaste kreditupplysning', 'Last credit check', 'date'],
  WEBSHOPREF: ['Referens i webbutiken', 'Web shop reference'],
  WSKUND: ['Kund i webbutiken', 'Web shop customer'],
  MEDLEM: ['Medlem', 'Member'],
  KUNDKAT: ['Kundkategori', 'Customer category'],
  DISTRIKT: ['Distrikt', 'District'],
  SAELJARE: ['Säljare', 'Salesperson'],
  LEVVILLK: ['Leveransvillkor', 'Terms of delivery'],
  BETVILLK: ['Betalningsvillkor', 'Terms of payment'],
  LEVSAETT: ['Leveranssätt', 'Delivery method'],
  KRAVBREV: ['Kravbrev', 'Payment reminders'],
  KRAVAVG: ['Kravavgift', 'Reminder fee'],
  RAENTEFKT: ['Räntefaktura', 'Interest invoice'],
  EXPAVG: ['Expeditionsavgift', 'Handling fee'],
  FRAKT: ['Frakt', 'Freight'],
  VALUTAKOD: ['Valuta', 'Currency'],
  SPRAAKKOD: ['Språk', 'Language'],
  PRISL: ['Prislista', 'Price list'],
  FKTRBT: ['Fakturarabatt', 'Invoice discount'],
  RADRBT: ['Radrabatt', 'Line discount'],
  SAMLFAKT: ['Samlingsfaktura', 'Collective invoice'],
  EU_KUND: ['Kund i annat EU-land', 'Customer in another EU country'],
  EXPORT: ['Export', 'Export'],
  FACTORING: ['Factoring', 'Factoring'],
  PROJEKT: ['Projekt', 'Project'],
  BYGGTJANST: ['Byggtjänster (omvänd moms)', 'Construction services (reverse charge VAT)'],
  LASTCHANGE: ['Senast ändrad', 'Last changed', 'unix-seconds'],
  TIMESTAMP: ['Tidsstämpel', 'Timestamp', 'unix-seconds'],
  deleted: ['Markerad som borttagen', 'Marked as deleted'],
  // KONTAKT.DBF
  KONTAKTID: ['Kontaktens nummer', 'Contact number'],
  TITELID: ['Titel (nummer)', 'Title (number)'],
  LEVNR: ['Leverantörsnummer', 'Supplier number'],
  FTGNAMN: ['Företag', 'Company'],
  SIGN: ['Ansvarig hos oss (signatur)', 'Responsible at our company (initials)'],
};

/**
 * The fields of KUND.DBF whose dBase type is L (a logical, `T` or `F`), as
 * the header of Visma Administration's demo register declares them; the
 * letter shows them as Ja/Nej (DBASE_LOGICAL).
 */
export const DBF_CUSTOMER_LOGICALS = [
  'KRAVBREV', 'KRAVAVG', 'RAENTEFKT', 'EXPAVG', 'FRAKT', 'RESTN_EJ', 'EXPORT', 'SAMLFAKT', 'EU_KUND', 'ORDERERK', 'KUNDFKT', 'KREDITFKT', 'RANTEFKT',
  'LEVAVI', 'FKTBEL', 'FACTORING', 'TESTDOK', 'FACTOTEST', 'LEVDIRKUND', 'WSKUND', 'BYGGTJANST', 'REKL_EPOST', 'REKL_SMS', 'MEDLEM', 'EGEN_ADR', 'TMP_FL',
] as const;

/** The fields of KONTAKT.DBF whose dBase type is L. */
export const DBF_CONTACT_LOGICALS = ['REKL_EPOST', 'REKL_SMS'] as const;

/** KUND.DBF (the customer register of Visma Administration 500-2000). Field meanings from the field names [U]. */
export const DBF_CUSTOMER_FIELDS: FieldDescription[] = withLogical(withLabels([
  f('KUNDNR', 'customer-account', true, 'customerNo'),
  f('NAMN', 'identity', true, 'name', 'A company\'s or sole trader\'s name is read as kind company'),
  { ...f('FOERNAMN', 'identity', true, 'name'), namePart: 'first' },
  f('KORTNAMN', 'identity', true),
  f('ORGNR', 'identity', true, 'orgnr', 'Org.nr, or the personnummer of a private person'),
  f('MOMSREGNR', 'identity', true, 'orgnr'),
  f('ORGNRMOT', 'identity', true, undefined, 'Org.nr of the e-invoice recipient'),
  f('SEX', 'identity', true),
  f('POSTADR', 'contact', true, 'address'),
  f('POSTADR2', 'contact', true),
  f('BESOEK', 'contact', true),
  f('POSTNR', 'contact', true),
  f('ORT', 'contact', true),
  f('LAND', 'contact', true),
  f('LANDKOD', 'contact', true),
  f('TEL', 'contact', true, 'phone'),
  f('TEL2', 'contact', true, 'phone'),
  f('TEL3', 'contact', true, 'phone'),
  f('FAX', 'contact', true, 'phone'),
  f('MBTEL', 'contact', true, 'phone'),
  f('EPOST', 'contact', true, 'email'),
  f('REF', 'identity', true, 'name', 'The customer\'s contact person'),
  f('REF_SIGN', 'identity', true),
  f('LEVNAMN', 'identity', true, undefined, 'Delivery name; scanned as text'),
  f('LEVADR', 'contact', true, 'address'),
  f('LEVADR2', 'contact', true),
  f('LEVBESOEK', 'contact', true),
  f('LEVPOSTNR', 'contact', true),
  f('LEVORT', 'contact', true),
  f('LEVLAND', 'contact', true),
  f('LEVLANDKOD', 'contact', true),
  f('LEVTEL', 'contact', true, 'phone'),
  f('LEVTEL2', 'contact', true, 'phone'),
  f('LEVTEL3', 'contact', true, 'phone'),
  f('LEVFAX', 'contact', true, 'phone'),
  f('ANM1', 'interaction', true, undefined, 'Scanned as text'),
  f('ANM2', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_1', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_2', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_3', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_4', 'interaction', true, undefined, 'Scanned as text'),
  f('REKL_EPOST', 'consent', true, undefined, 'Accepts marketing by e-mail'),
  f('REKL_SMS', 'consent', true, undefined, 'Accepts marketing by SMS'),
  f('BGIRO', 'billing', true),
  f('PGIRO', 'billing', true),
  f('FKTDAT', 'billing', true, undefined, 'Last invoice date'),
  f('FORDRAN', 'billing', true),
  f('ACKOMS', 'order-history', true),
  f('ACKOMS_F', 'order-history', true),
  f('TBBEL', 'order-history', true),
  f('TBBEL_F', 'order-history', true),
  f('KREDITLIM', 'customer-account', true),
  f('LAST_CC_DT', 'customer-account', true, undefined, 'Last credit check'),
  f('LAST_CC_TM', 'customer-account', true),
  f('LAST_CC_TP', 'customer-account', true),
  f('LAST_CC_ON', 'customer-account', true),
  f('LAST_CC_NM', 'customer-account', true, undefined, 'Scanned as text'),
  f('DOKUMENT', 'customer-account', true),
  f('WEBSHOPREF', 'customer-account', true),
  f('WSKUND', 'customer-account', true),
  f('FAMILJ', 'customer-account', true),
  f('MEDLEM', 'customer-account', true),
  f('EREDIREF', 'customer-account', true),
  f('VAAREDIREF', 'customer-account', true),
  f('ALTIDENT', 'customer-account', true),
  f('EANMOT', 'customer-account', true),
  f('EANLOC', 'customer-account', true),
  f('LEVEANLOC', 'customer-account', true),
  f('TJANSTID', 'customer-account', true),
  ...[
    'KUNDKAT', 'DISTRIKT', 'SAELJARE', 'LEVVILLK', 'BETVILLK', 'LEVSAETT', 'KRAVBREV', 'KRAVAVG', 'RAENTEFKT', 'EXPAVG', 'FRAKT',
    'VALUTAKOD', 'SPRAAKKOD', 'KUNDRBTNR', 'RESTN_EJ', 'EXPORT', 'PRISL', 'FKTRBT', 'RADRBT', 'BTID', 'BTIDANT', 'BTID_F',
    'BTIDANT_F', 'SORTBEGR', 'SAMLFAKT', 'EU_KUND', 'SPEDITOR', 'ORDERERK', 'KUNDFKT', 'KREDITFKT', 'RANTEFKT', 'LEVAVI', 'FKTBEL',
    'ORDERKURV', 'KUNDFKTURV', 'FKTBELURV', 'KREFKTURV', 'RANFKTURV', 'LEVAVIURV', 'FACTORING', 'TESTDOK', 'ORDMALL', 'FKTMALL',
    'KREDMALL', 'RANTMALL', 'ORDKOPIOR', 'FKTKOPIOR', 'KREDKOPIOR', 'RANTKOPIOR', 'FACTOTEST', 'LEVDIRKUND', 'RESENHET', 'PROJEKT',
    'BYGGTJANST', 'EGEN_ADR', 'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10',
  ].map((n) => f(n, 'customer-account', true)),
  ...['REFOFF_TYP', 'REFOFF_ID', 'REFORD_TYP', 'REFORD_ID', 'REFFLJ_TYP', 'REFFLJ_ID', 'REFXORDTYP', 'REFXORD_ID', 'REFFKT_TYP', 'REFFKT_ID',
    'REFXFKTTYP', 'REFXFKT_ID', 'REFKRV_TYP', 'REFKRV_ID', 'LEVADRID', 'TMP_DATE', 'TMP_FL', 'LASTCHANGE', 'TIMESTAMP'].map((n) => f(n, 'system-id', false)),
  f('deleted', 'system-id', false, undefined, 'Added by the connector: the row is marked deleted in the dBase file but its data is still there'),
], DBF_LABELS), DBF_CUSTOMER_LOGICALS, DBASE_LOGICAL);

/** KONTAKT.DBF (contact persons of customers and suppliers). */
export const DBF_CONTACT_FIELDS: FieldDescription[] = withLogical(withLabels([
  f('KONTAKTID', 'system-id', true),
  f('NAMN', 'identity', true, 'name'),
  f('TITELID', 'professional', true),
  f('TEL', 'contact', true, 'phone'),
  f('TEL2', 'contact', true, 'phone'),
  f('MBTEL', 'contact', true, 'phone'),
  f('EPOST', 'contact', true, 'email'),
  f('KUNDNR', 'customer-account', true, 'customerNo', 'The customer the contact belongs to (context)'),
  f('LEVNR', 'customer-account', true, undefined, 'The supplier the contact belongs to'),
  f('FTGNAMN', 'professional', true, 'company'),
  f('POSTADR', 'contact', true, 'address'),
  f('POSTADR2', 'contact', true),
  f('BESOEK', 'contact', true),
  f('POSTNR', 'contact', true),
  f('ORT', 'contact', true),
  f('LAND', 'contact', true),
  f('LANDKOD', 'contact', true),
  f('ANTECK_1', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_2', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_3', 'interaction', true, undefined, 'Scanned as text'),
  f('ANTECK_4', 'interaction', true, undefined, 'Scanned as text'),
  f('REKL_EPOST', 'consent', true, undefined, 'Accepts marketing by e-mail'),
  f('REKL_SMS', 'consent', true, undefined, 'Accepts marketing by SMS'),
  f('SIGN', 'professional', true, undefined, 'Initials of the OJCO user responsible'),
  f('TIMESTAMP', 'system-id', false),
  f('deleted', 'system-id', false, undefined, 'Added by the connector: the row is marked deleted in the dBase file but its data is still there'),
], DBF_LABELS), DBF_CONTACT_LOGICALS, DBASE_LOGICAL);
