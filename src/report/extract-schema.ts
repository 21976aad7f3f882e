/**
 * The register extract (registerutdrag) as data: the versioned, documented
 * JSON schema of `export --format json`. Every other format renders this.
 * `extractJsonSchema()` exports it for consumers (docs/extract.schema.json).
 *
 * Art. 15(1): (a) purposes, (b) data categories, (c) recipients, (d)
 * retention, (e) rights, (f) complaint to IMY, (g) source, (h) profiling;
 * Art. 15(2) safeguards for transfers. Each record carries (a)-(d), (g), (h)
 * for itself (AC-2: per record, not a generic statement).
 */
import { z } from 'zod';

export const EXTRACT_SCHEMA_VERSION = '1.2.0';

const Lang = z.enum(['sv', 'en']);

const Labelled = z.object({ id: z.string(), text: z.string() });

const Locator = z.object({
  file: z.string(),
  entry: z.string().optional(),
  line: z.number().int().optional(),
  row: z.number().int().optional(),
  sheet: z.string().optional(),
  pointer: z.string().optional(),
});

export const ExtractRecordSchema = z.object({
  source: z.string().describe('The source name from the config'),
  connector: z.string().describe('Connector id: lime, visma, office365, newsletter, google-analytics, or a module'),
  system: z.string().describe('The system, in the extract language'),
  entity: z.string(),
  label: z.string().optional(),
  category: z.string().describe('Register record category'),
  categoryText: z.string(),
  confidence: z.enum(['exact', 'probable', 'possible']),
  confirmed: z.boolean().optional().describe('A possible match a person confirmed'),
  locator: Locator,
  date: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).describe("The record's data as the system holds it, other people's data redacted"),
  technicalFields: z
    .array(z.string())
    .optional()
    .describe('Keys of `fields` that its connector describes as plumbing, with no personal data and no data category (a system\'s links, an etag): in the data files, left out of the letter'),
  dataCategories: z.array(Labelled).describe('Art. 15(1)(b)'),
  purposes: z.array(Labelled).describe('Art. 15(1)(a)'),
  legalBasis: z.array(Labelled.extend({ article: z.string() })).describe('Art. 6 basis of each purpose'),
  recipients: z.array(Labelled.extend({ name: z.string(), country: z.string(), transfer: z.string().optional() })).describe('Art. 15(1)(c)'),
  retention: z
    .object({
      id: z.string(),
      text: z.string(),
      rule: z.string().optional(),
      retainUntil: z.string().optional().describe('The last day the record is kept (BF-1), YYYY-MM-DD'),
      deletableFrom: z.string().optional(),
      overdue: z.boolean().optional().describe('true: retainUntil is before asOf, the data is held past its retention and is due for deletion (Art. 5(1)(e))'),
      provisional: z
        .boolean()
        .optional()
        .describe(
          'true: an open receivable (an amount still to pay), or master data kept for one: retainUntil counts from the books that carry it now and moves to the financial year in which its payment, credit or write-off is booked (BF-1a)',
        ),
    })
    .describe('Art. 15(1)(d)'),
  origin: Labelled.describe('Art. 15(1)(g): where the data came from'),
  profiling: z.boolean().describe('Art. 15(1)(h): used for profiling'),
  portability: z.boolean().describe('Within Art. 20 (data you provided, consent or contract)'),
  redactions: z
    .array(z.object({ field: z.string(), reason: z.string() }))
    .describe("Art. 15(4): other people's data removed from this record"),
});

export const ExtractSchema = z.object({
  schemaVersion: z.literal(EXTRACT_SCHEMA_VERSION),
  language: Lang,
  generatedAt: z.string().describe('ISO 8601 time the extract was made'),
  asOf: z.string().describe('The date retention dates were computed for, YYYY-MM-DD'),
  controller: z.object({
    name: z.string(),
    orgnr: z.string(),
    address: z.string(),
    email: z.string(),
    phone: z.string().optional(),
  }),
  subject: z.object({
    identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
    caseId: z.string().optional(),
  }),
  confirmation: z.boolean().describe('Art. 15(1): whether personal data about you is processed'),
  undecided: z
    .number()
    .int()
    .nonnegative()
    .describe('Possible matches left out of the extract without a decision (no --include-possible, nobody asked): records that may be the person\'s'),
  processing: z.object({
    purposes: z.array(Labelled),
    dataCategories: z.array(Labelled),
    recipients: z.array(Labelled.extend({ name: z.string(), country: z.string(), transfer: z.string().optional() })),
    transfers: z.array(Labelled.extend({ country: z.string() })).describe('Art. 15(2)'),
    retention: z.array(Labelled.extend({ retainUntil: z.string().optional() })),
    backups: z
      .array(
        z.object({
          id: z.string().describe("The register's backups entry (`backups.systems`), or `default`"),
          system: z.string().describe('The system whose backups these are, in the extract language'),
          categories: z.array(z.string()).describe("Record categories of the person's records that the entry covers"),
          heldBy: z.string().optional().describe('Who holds the backup copies: the controller or a processor; absent when the register does not say'),
          keptDays: z.number().int().positive().optional().describe('How many days a backup copy is kept at most; absent when the register gives the period in words or not at all'),
          expiresBy: z.string().optional().describe('asOf + keptDays, YYYY-MM-DD: data erased on asOf is gone from the backups by this day'),
          text: z.string().describe("The register's text about these backups"),
        }),
      )
      .optional()
      .describe('AC-8, Art. 4(2): copies of the data in backups, per system the person has records in, and when they expire'),
    rights: z.array(Labelled.extend({ article: z.string() })),
    complaint: z.object({ authority: z.string(), address: z.string(), email: z.string(), web: z.string(), text: z.string() }),
    sources: z.array(Labelled),
    profiling: z.object({ applies: z.boolean(), text: z.string(), objection: z.string() }),
  }),
  records: z.array(ExtractRecordSchema),
  searched: z.array(z.object({ source: z.string(), connector: z.string(), system: z.string(), records: z.number().int() })),
  notRead: z
    .array(z.object({ source: z.string(), file: z.string().optional(), line: z.number().optional(), reason: z.string() }))
    .describe('Files that could not be read: the extract may be incomplete for them'),
  unverified: z
    .array(z.object({ source: z.string(), reason: z.string() }))
    .optional()
    .describe(
      'Sources with a file that was read, its records in `records`, but that failed a check of being as exported (a SIE file whose #KSUMMA does not match), so it may have been changed after export. Not in `notRead`: nothing is missing. Absent when there are none (1.2.0)',
    ),
  redactionPolicy: z.string(),
});

export type Extract = z.infer<typeof ExtractSchema>;
export type ExtractRecord = z.infer<typeof ExtractRecordSchema>;
export type ExtractLang = z.infer<typeof Lang>;

export function extractJsonSchema(): unknown {
  return { $id: `https://ojco-dsar/extract/${EXTRACT_SCHEMA_VERSION}`, ...(z.toJSONSchema(ExtractSchema) as object) };
}
