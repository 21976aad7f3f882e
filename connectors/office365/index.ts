/**
 * Microsoft 365: Outlook's contact CSV (classic desktop, Outlook.com and
 * localised layouts), Microsoft Graph responses saved as JSON (users,
 * contacts, messages; paged and delta), the Exchange message trace report
 * (formats.md §3), and contacts saved as vCard files (Outlook's business
 * cards, phone exports).
 *
 * An e-mail names several people. Each party (from, sender, each to/cc/bcc
 * recipient, reply-to) is its own holder, so that a match on one of them
 * never makes the others the subject's, and a later step can redact the
 * others (legal-rules AC-9, Art. 15(4)).
 */
import { z } from 'zod';
import type { Problem } from '../../src/errors.ts';
import { decodeBuffer } from '../../src/io/encoding.ts';
import { defineConnector, type Connector, type FieldDescription, type FileSample, type IdentifierScope } from '../../src/sources/contract.ts';
import { FieldClassificationSchema, scopeWithExtra, withExtraFields } from '../../src/sources/classify.ts';
import { detectedFiles, readEachFile } from '../../src/sources/helpers.ts';
import { GOOGLE_COLUMNS, GRAPH_CONTACT_FIELDS, VCARD_FIELDS, GRAPH_MESSAGE_FIELDS, GRAPH_USER_FIELDS, OUTLOOK_COLUMN_NAMES, outlookFields, TRACE_FIELDS } from './fields.ts';
import { readGraphJson } from './graph.ts';
import { headerCells, isGoogleHeader, isTraceHeader, mapOutlookHeader, misdelimitedAs, readGoogleCsv, readOutlookCsv } from './outlook-csv.ts';
import { readMessageTrace } from './trace.ts';
import { readVcard } from './vcard.ts';

const OptionsSchema = z
  .object({
    /** One character; sniffed from the header when not given. */
    delimiter: z.string().length(1).optional(),
    /** Normally detected (BOM, UTF-16 pattern, UTF-8 or Windows-1252). */
    encoding: z.enum(['utf8', 'utf16le', 'cp1252']).optional(),
    /** Header names of a localised Outlook export the built-in tables do not know: `{ "Mobilnummer": "Mobile Phone" }`. */
    headers: z.record(z.string().min(1), z.enum(OUTLOOK_COLUMN_NAMES)).optional(),
    /** The organisation's own mail domains (`ojco.example`): attachments to or from anyone else may be räkenskapsinformation. */
    ownDomains: z.array(z.string().min(1)).optional(),
    /** Words besides faktura, kvitto, order, avtal, invoice and receipt that make a subject possible räkenskapsinformation. */
    bookkeepingWords: z.array(z.string().min(1)).optional(),
    /** The source's own fields (custom Graph properties, extra CSV columns) and their data category. */
    fields: FieldClassificationSchema.optional(),
  })
  .strict();
type Options = z.infer<typeof OptionsSchema>;

function unique(fields: FieldDescription[]): FieldDescription[] {
  const out = new Map<string, FieldDescription>();
  for (const f of fields) if (!out.has(f.name)) out.set(f.name, f);
  return [...out.values()];
}

const GRAPH_MARKER = /"@odata\.(?:context|nextLink|deltaLink|etag|type|id)"\s*:/u;
const GRAPH_ERROR = /^\s*\{\s*"error"\s*:\s*\{[\s\S]*"(?:innerError|request-id|client-request-id)"/u;
const GRAPH_SHAPE = /"(?:toRecipients|bodyPreview|userPrincipalName|emailAddresses|internetMessageId|personalNotes)"\s*:/u;

/** What Graph messages, contacts and users can carry (graph.ts). */
const GRAPH_SCOPE: IdentifierScope = { kinds: ['email', 'name', 'phone', 'address', 'company', 'systemId'], systemIds: ['m365:'] };
/** What a vCard can carry (vcard.ts). */
const VCARD_SCOPE: IdentifierScope = { kinds: ['email', 'name', 'phone', 'address', 'company'] };
/** What a message trace row can carry (trace.ts). */
const TRACE_SCOPE: IdentifierScope = { kinds: ['email', 'ip'] };

const connector: Connector<Options> = defineConnector<Options>({
  id: 'office365',
  title: 'Microsoft 365 (Outlook contacts, Graph, message trace, vCard)',
  formats: [
    {
      id: 'outlook-csv',
      title: 'Outlook contacts CSV',
      description: 'Contacts exported from Outlook: the classic desktop layout, the Outlook.com/new Outlook layout, or a Swedish or German localised header',
      extensions: ['csv'],
    },
    {
      id: 'graph-json',
      title: 'Microsoft Graph JSON',
      description: 'Saved Graph responses for users, contacts or messages: one page per file, a JSON array of pages, a single entity, or delta pages',
      extensions: ['json'],
    },
    {
      id: 'message-trace-csv',
      title: 'Exchange message trace',
      description: 'The downloaded historical message trace report (summary or extended, UTF-16) or Get-MessageTrace output as CSV',
      extensions: ['csv'],
    },
    {
      id: 'vcard',
      title: 'vCard contacts',
      description: 'Contacts saved as vCard (.vcf) files: Outlook business cards (vCard 2.1), iPhone and Android exports (3.0, 2.1), vCard 4.0; one or many cards per file',
      extensions: ['vcf', 'vcard'],
    },
    {
      id: 'google-contacts-csv',
      title: 'Google Contacts CSV',
      description: 'Contacts exported from Google Contacts (Export → Google CSV), often imported into Outlook',
      extensions: ['csv'],
    },
  ],
  optionsSchema: OptionsSchema,
  describe: (options) => ({
    entities: [
      {
        entity: 'contact',
        title: 'Contact (Outlook, Graph, vCard or Google)',
        category: 'mail-contact',
        fields: withExtraFields(unique([...outlookFields(options.headers), ...GOOGLE_COLUMNS, ...GRAPH_CONTACT_FIELDS, ...VCARD_FIELDS]), options.fields),
      },
      { entity: 'message', title: 'E-mail message (Graph)', category: 'mail-message', fields: withExtraFields(GRAPH_MESSAGE_FIELDS, options.fields) },
      { entity: 'user', title: 'User account (Graph /users)', category: 'directory-user', fields: withExtraFields(GRAPH_USER_FIELDS, options.fields) },
      { entity: 'trace', title: 'Message trace row', category: 'mail-trace', fields: withExtraFields(TRACE_FIELDS, options.fields) },
    ],
  }),
  detect(sample: FileSample) {
    const text = decodeBuffer(sample.head, 'cp1252').text.replace(/^\uFEFF/u, '');
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      if (GRAPH_MARKER.test(text)) return { format: 'graph-json', confidence: 0.9 };
      if (GRAPH_SHAPE.test(text)) return { format: 'graph-json', confidence: 0.6 };
      // A saved Graph error (`{"error":{"code":"InvalidAuthenticationToken",…,"innerError":…}}`): claimed so that read() says so.
      if (GRAPH_ERROR.test(text)) return { format: 'graph-json', confidence: 0.3 };
      return undefined;
    }
    if (/^BEGIN:VCARD\s*$/iu.test(trimmed.split('\n', 1)[0] ?? '')) return { format: 'vcard', confidence: 0.95 };
    const nl = text.search(/\r?\n/u);
    const cells = headerCells(nl >= 0 ? text.slice(0, nl) : text);
    if (isTraceHeader(cells)) return { format: 'message-trace-csv', confidence: 0.95 };
    if (isGoogleHeader(cells)) return { format: 'google-contacts-csv', confidence: 0.9 };
    // A Mailchimp audience file shares First Name, Last Name, Company and the like with Outlook's layout;
    // its own columns say it is not a contact export.
    if (cells.some((c) => /^(MEMBER_RATING|OPTIN_TIME|CONFIRM_TIME|LEID|EUID)$/u.test(c.trim()))) return undefined;
    const h = mapOutlookHeader(cells);
    const personal = ['First Name', 'Last Name', 'E-mail Address'].some((c) => h.index.has(c));
    if (h.known >= 5 && personal) return { format: 'outlook-csv', confidence: 0.9 };
    if (h.known >= 2 && personal) return { format: 'outlook-csv', confidence: 0.5 };
    // A header glued into one column by the wrong delimiter: claim it, so that read() says what went wrong.
    const glued = misdelimitedAs(cells);
    if (glued) return { format: glued, confidence: 0.3 };
    return undefined;
  },
  async check(input) {
    const problems: Problem[] = [];
    for (const d of input.options.ownDomains ?? []) {
      if (d.includes('@') || /\s/u.test(d)) {
        problems.push({ code: 'office365.own-domain', message: 'options.ownDomains takes domains such as ojco.example, not addresses', source: input.name, path: 'options.ownDomains' });
      }
    }
    return problems;
  },
  async *read(input, ctx) {
    const files = detectedFiles(connector, input, ctx);
    yield* readEachFile(files, ctx, ({ file, format }) => {
      switch (format) {
        case 'graph-json':
          return readGraphJson(file, ctx, input.options);
        case 'message-trace-csv':
          return readMessageTrace(file, ctx, input.options);
        case 'google-contacts-csv':
          return readGoogleCsv(file, ctx, input.options);
        case 'vcard':
          return readVcard(file, ctx, input.options);
        default:
          return readOutlookCsv(file, ctx, input.options);
      }
    }, (format) => {
      const base = format === 'graph-json' ? GRAPH_SCOPE : format === 'message-trace-csv' ? TRACE_SCOPE : format === 'vcard' ? VCARD_SCOPE : undefined;
      return base && scopeWithExtra(base, input.options.fields);
    });
  },
});

export default connector;
