/**
 * Newsletter tools: Mailchimp audience exports (the ZIP, or its per-status
 * CSV files), Mailchimp campaign activity, and any other tool's CSV through
 * a column mapping (APSIS, Rule, Get a Newsletter). formats.md §4.
 *
 * Mailchimp writes no status column: the status is in the file name
 * (`unsubscribed_members_export_<listhash>.csv`), so the connector takes it
 * from there and adds it as the field `status`.
 */
import { z } from 'zod';
import { bilingualLabel, type RawIdentifier, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import { JSON_MAX_DEPTH, jsonTextTooDeep, readJsonDocument, selectItems } from '../../src/io/json.ts';
import { readLines } from '../../src/io/lines.ts';
import { ColumnMap, fieldsOf, readCsvStream, readTable, type TableRow } from '../../src/io/table.ts';
import { inspectZip, readZipEntries } from '../../src/io/zip.ts';
import { defineConnector, type Connector, type FileSample, type IdentifierScope, type ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, FieldClassificationSchema, scopeWithExtra, withExtraFields } from '../../src/sources/classify.ts';
import { detectedFiles, headText, hasExt, readEachFile } from '../../src/sources/helpers.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { MAILCHIMP_FIELDS, MAPPED_FIELDS, ACTIVITY_FIELDS } from './fields.ts';

const ColumnsSchema = z
  .object({
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    name: z.string(),
    phone: z.string(),
    status: z.string(),
    ip: z.string(),
    address: z.string(),
    postcode: z.string(),
    company: z.string(),
    id: z.string(),
    created: z.string(),
  })
  .partial()
  .strict();

/** Column names of the Swedish tools' exports. APSIS/Rule/Get a Newsletter layouts are [U] in formats.md §4.2. */
export const PRESETS: Record<'apsis' | 'rule' | 'getanewsletter' | 'beehiiv', z.infer<typeof ColumnsSchema>> = {
  apsis: { email: 'Email', phone: 'Mobile', firstName: 'First name', lastName: 'Last name', id: 'Profile key', created: 'Created' },
  rule: { email: 'email', phone: 'phone_number', firstName: 'Subscriber.FirstName', lastName: 'Subscriber.LastName', id: 'id', created: 'created_at' },
  getanewsletter: { email: 'E-post', firstName: 'Förnamn', lastName: 'Efternamn', status: 'Status', created: 'Skapad' },
  // beehiiv's Subscribers → Export (the real samples' beehiiv_members.csv, written by beehiiv).
  beehiiv: { email: 'email', firstName: 'First Name', lastName: 'Last Name', status: 'status', created: 'created_at' },
};

const TOOLS: Record<keyof typeof PRESETS, string> = { apsis: 'APSIS One', rule: 'Rule', getanewsletter: 'Get a Newsletter', beehiiv: 'beehiiv' };

/** beehiiv's export, known by columns no other tool writes together: it needs no options. */
export function isBeehiivHeader(cells: readonly string[]): boolean {
  const has = new Set(cells.map((c) => c.trim().toLowerCase()));
  return has.has('email') && has.has('status') && has.has('tier') && has.has('created_at') && (has.has('stripe_customer_id') || has.has('free tier'));
}

const OptionsSchema = z
  .object({
    /** Column names for `mapped-csv`; a preset fills in the rest. */
    preset: z.enum(['apsis', 'rule', 'getanewsletter', 'beehiiv']).optional(),
    columns: ColumnsSchema.optional(),
    /** The tool's name as shown in extracts (`APSIS One`). */
    tool: z.string().optional(),
    delimiter: z.string().length(1).optional(),
    encoding: z.enum(['utf8', 'utf16le', 'cp1252']).optional(),
    /** The audience's own columns (merge fields, groups, consent topics) and their data category. */
    fields: FieldClassificationSchema.optional(),
  })
  .strict();
type Options = z.infer<typeof OptionsSchema>;

const MAILCHIMP_STATUS = /(subscribed|unsubscribed|cleaned|nonsubscribed|non-subscribed|pending|archived)_members_export/iu;
const MAILCHIMP_MARKERS = ['MEMBER_RATING', 'OPTIN_TIME', 'LEID', 'EUID'];

function statusFromName(name: string): string | undefined {
  const m = MAILCHIMP_STATUS.exec(name.split('/').pop() ?? name);
  return m?.[1]?.toLowerCase().replace('non-subscribed', 'nonsubscribed');
}

/**
 * The status of a renamed export from its columns: only the unsubscribed
 * (`UNSUB_TIME`) and cleaned (`CLEAN_TIME`) files have columns of their own
 * (formats.md §4.1); subscribed and non-subscribed files look alike, so
 * they stay without a status.
 */
function statusFromColumns(header: readonly string[]): string | undefined {
  const names = new Set(header.map((h) => h.trim().toUpperCase()));
  if (names.has('UNSUB_TIME')) return 'unsubscribed';
  if (names.has('CLEAN_TIME')) return 'cleaned';
  return undefined;
}

function firstLine(head: Buffer): string {
  const t = headText(head);
  const nl = t.search(/\r?\n/u);
  return nl >= 0 ? t.slice(0, nl) : t;
}

/** Date part of Mailchimp's `YYYY-MM-DD HH:MM:SS`. */
function dateOf(...values: string[]): string | undefined {
  for (const v of values) {
    const m = /^(\d{4}-\d{2}-\d{2})/u.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

/** Mailchimp's statuses in Swedish; another tool's status is its own text, shown as it is. */
const STATUS_SV: Record<string, string> = {
  subscribed: 'prenumererar',
  unsubscribed: 'avregistrerad',
  cleaned: 'borttagen som ogiltig',
  nonsubscribed: 'prenumererar inte',
  'non-subscribed': 'prenumererar inte',
  pending: 'väntar på bekräftelse',
  archived: 'arkiverad',
};

/** A member's label, and in each language of an extract. */
function memberLabel(tool: string, status: string | undefined): Pick<SourceRecord, 'label' | 'labels'> {
  const sv = status ? (STATUS_SV[status.toLowerCase()] ?? status) : undefined;
  return bilingualLabel(`Prenumerant i ${tool}${sv ? ` (${sv})` : ''}`, `${tool} member${status ? ` (${status})` : ''}`, 'en');
}

function memberRecord(row: TableRow, status: string | undefined, tool: string, opts: Options): SourceRecord {
  const c = ColumnMap.of(row.header);
  const fields: Record<string, unknown> = fieldsOf(row.header, row.values);
  if (status) fields.status = status;
  const ids: RawIdentifier[] = [];
  const add = (kind: RawIdentifier['kind'], field: string, value: string): void => {
    if (value) ids.push({ kind, field, value });
  };
  const col = (i: number): string => row.header[i] ?? '';
  const emailCol = c.find('Email Address', 'E-mail Address', 'Email');
  if (emailCol >= 0) add('email', col(emailCol), row.values[emailCol]?.trim() ?? '');
  const phoneCol = c.find('Phone Number', 'Phone', 'Mobile', 'Telefon', 'Mobil');
  if (phoneCol >= 0) add('phone', col(phoneCol), row.values[phoneCol]?.trim() ?? '');
  const first = c.get(row.values, 'First Name', 'FNAME');
  const last = c.get(row.values, 'Last Name', 'LNAME');
  if (first || last) add('name', 'First Name + Last Name', `${first} ${last}`.trim());
  for (const ipName of ['OPTIN_IP', 'CONFIRM_IP']) {
    const i = c.find(ipName);
    if (i >= 0) add('ip', ipName, row.values[i]?.trim() ?? '');
  }
  const addrCol = c.find('Address');
  if (addrCol >= 0) add('address', 'Address', row.values[addrCol]?.trim() ?? '');
  const company = c.get(row.values, 'Company');
  if (company) ids.push({ kind: 'company', field: 'Company', value: company, holder: 'employer' });
  for (const idName of ['EUID', 'LEID']) {
    const v = c.get(row.values, idName);
    if (v) ids.push({ kind: 'systemId', field: idName, value: `mailchimp:${idName.toLowerCase()}:${v}` });
  }
  ids.push(...extraIdentifiers(fields, opts.fields));
  const notes = c.get(row.values, 'NOTES');
  const rec: SourceRecord = {
    entity: 'member',
    locator: row.locator,
    fields,
    identifiers: ids,
    holders: { employer: { scope: 'organisation', role: 'employer' } },
    category: 'newsletter-member',
    ...memberLabel(tool, status),
  };
  if (notes) rec.text = [{ field: 'NOTES', value: notes }];
  // The date of the member's present state: an unsubscription or a cleaning ends the consent, and what is kept
  // after it (a minimal record against re-sending) is dated from then.
  const ended = status === 'unsubscribed' ? c.get(row.values, 'UNSUB_TIME') : status === 'cleaned' ? c.get(row.values, 'CLEAN_TIME') : '';
  const d = dateOf(ended, c.get(row.values, 'OPTIN_TIME'), c.get(row.values, 'CONFIRM_TIME'), c.get(row.values, 'LAST_CHANGED'));
  if (d) rec.date = d;
  return rec;
}

/**
 * Every Mailchimp audience file has an Email Address column. Without one, the
 * file was split with the wrong delimiter (options.delimiter, or Excel saved it
 * with its own list separator), or it is not a Mailchimp export: either way
 * nothing in it could be matched, so it is reported rather than read as empty.
 */
function checkMailchimpHeader(header: string[], file: string): void {
  if (new ColumnMap(header).find('Email Address', 'E-mail Address', 'Email') >= 0) return;
  const oneColumn = header.length === 1 && /[,;\t|]/u.test(header[0] ?? '');
  throw new SourceReadError(
    oneColumn
      ? 'the header is one column that holds several column names: the file uses another delimiter than the one it is read with (options.delimiter, or Excel saved it with its own list separator)'
      : 'the header has no Email Address column: not a Mailchimp audience export (for another tool, use format mapped-csv)',
    { file, line: 1, code: 'newsletter.no-email-column' },
  );
}

async function* readMailchimpCsv(file: SourceFile, ctx: ReadContext, opts: Options): AsyncGenerator<SourceRecord> {
  let status = statusFromName(file.rel);
  const table = {
    ...tableOpts(file, ctx, opts),
    prefilter: ctx.prefilter,
    validate: ctx.validate,
    later: ctx.later,
    onHeader: (h: string[]) => {
      checkMailchimpHeader(h, file.rel);
      status ??= statusFromColumns(h);
    },
  };
  for await (const row of readTable(file, table)) yield memberRecord(row, status, 'Mailchimp', opts);
}

async function* readMailchimpZip(file: SourceFile, ctx: ReadContext, opts: Options): AsyncGenerator<SourceRecord> {
  const entries = await inspectZip(file);
  const csvs = entries.filter((e) => /\.csv$/iu.test(e.name));
  if (csvs.length === 0) throw new SourceReadError('the ZIP holds no CSV files (expected *_members_export_*.csv)', { file: file.rel, code: 'newsletter.empty-zip' });
  for await (const { name, stream } of readZipEntries(file, (n) => /\.csv$/iu.test(n))) {
    let status = statusFromName(name);
    try {
      let checked = false;
      for await (const row of readCsvStream(file, name, stream, { delimiter: opts.delimiter, encoding: opts.encoding })) {
        if (!checked) {
          checkMailchimpHeader(row.header, `${file.rel}!${name}`);
          status ??= statusFromColumns(row.header);
          if (!status) ctx.warn({ code: 'newsletter.unknown-status', message: `ZIP entry ${name} does not say its status in its name`, file: file.rel });
          checked = true;
        }
        yield memberRecord(row, status, 'Mailchimp', opts);
      }
    } catch (err) {
      // A broken entry must not hide the other statuses.
      if (err instanceof SourceReadError) ctx.fileFailed(err);
      else throw err;
      stream.destroy();
    }
  }
}

function tableOpts(file: SourceFile, ctx: ReadContext, opts: Options) {
  return {
    delimiter: opts.delimiter,
    encoding: opts.encoding,
    warnRagged: (count: number, line: number) =>
      ctx.warn({ code: 'csv.ragged', message: `${count} row(s) have another number of fields than the header (first at line ${line})`, file: file.rel, line }),
  };
}

async function* readMapped(file: SourceFile, ctx: ReadContext, opts: Options): AsyncGenerator<SourceRecord> {
  const cols: Partial<z.infer<typeof ColumnsSchema>> = { ...(opts.preset ? PRESETS[opts.preset] : {}), ...(opts.columns ?? {}) };
  let preset = opts.preset;
  let tool = opts.tool ?? (preset ? TOOLS[preset] : 'Newsletter tool');
  const checkHeader = (header: string[]): void => {
    if (!preset && !opts.columns?.email && isBeehiivHeader(header)) {
      preset = 'beehiiv';
      Object.assign(cols, PRESETS.beehiiv);
      tool = opts.tool ?? TOOLS.beehiiv;
    }
    const c = ColumnMap.of(header);
    const missing = Object.entries(cols).filter(([, name]) => name && c.find(name) < 0);
    if (!cols.email || c.find(cols.email) < 0) {
      throw new SourceReadError(
        cols.email
          ? `the e-mail column "${cols.email}" is not in the header; set options.columns.email or options.preset`
          : // Not a Mailchimp export by its name and columns (*_members_export_*.csv, LEID, EUID), and nothing says which column holds the address.
            'the file is not recognised as a Mailchimp export (by its name and columns) and no e-mail column is set: set options.columns.email to the header name of the address column, or options.preset',
        { file: file.rel, line: 1, code: 'newsletter.no-email-column' },
      );
    }
    for (const [k, name] of missing) ctx.warn({ code: 'newsletter.missing-column', message: `column "${name}" (${k}) is not in the header`, file: file.rel, line: 1 });
  };
  for await (const row of readTable(file, { ...tableOpts(file, ctx, opts), prefilter: ctx.prefilter, validate: ctx.validate, later: ctx.later, onHeader: checkHeader })) {
    const c = ColumnMap.of(row.header);
    const fields: Record<string, unknown> = fieldsOf(row.header, row.values);
    const ids: RawIdentifier[] = [];
    const v = (k: keyof typeof cols): string => (cols[k] ? c.get(row.values, cols[k]!) : '');
    const add = (kind: RawIdentifier['kind'], k: keyof typeof cols): void => {
      const val = v(k);
      if (val) ids.push({ kind, field: cols[k]!, value: val });
    };
    add('email', 'email');
    add('phone', 'phone');
    add('ip', 'ip');
    const name = v('name') || `${v('firstName')} ${v('lastName')}`.trim();
    if (name) ids.push({ kind: 'name', field: cols.name ?? `${cols.firstName ?? ''} + ${cols.lastName ?? ''}`, value: name });
    if (v('address') && v('postcode')) ids.push({ kind: 'address', field: cols.address!, value: `${v('address')}, ${v('postcode')}` });
    if (v('company')) ids.push({ kind: 'company', field: cols.company!, value: v('company'), holder: 'employer' });
    if (v('id')) ids.push({ kind: 'systemId', field: cols.id!, value: `${preset ?? 'newsletter'}:${v('id')}` });
    ids.push(...extraIdentifiers(fields, opts.fields));
    const rec: SourceRecord = {
      entity: 'member',
      locator: row.locator,
      fields,
      identifiers: ids,
      holders: { employer: { scope: 'organisation', role: 'employer' } },
      category: 'newsletter-member',
      ...memberLabel(tool, v('status')),
    };
    const d = dateOf(v('created'));
    if (d) rec.date = d;
    yield rec;
  }
}

/** Mailchimp API `GET /reports/{campaign_id}/email-activity`: `{emails:[{email_address, activity:[...]}]}`, a bare array, or NDJSON. */
/** Lines that all fail from the start mean the file is not NDJSON at all. */
const NOT_NDJSON_AFTER = 50;

async function* readActivity(file: SourceFile): AsyncGenerator<SourceRecord> {
  if (!hasExt(file.rel, 'ndjson', 'jsonl')) {
    const doc = await readJsonDocument(file);
    for (const it of selectItems(doc, Array.isArray(doc) ? ['*'] : ['emails', '*'])) {
      const rec = activityRecord(file, it);
      if (rec) yield rec;
    }
    return;
  }
  // One member per line. A bad line does not end the file: the lines after it are read (a person's
  // activity may be there), and the file is reported with the first bad line once it has been read.
  let good = 0;
  let bad = 0;
  let firstBad = 0;
  let firstBadDeep = false;
  for await (const l of readLines(file)) {
    if (!l.text.trim()) continue;
    // Thousands of levels of nesting would overflow the stack of whatever walks the value later (the JSON output).
    const deep = jsonTextTooDeep(l.text);
    let value: unknown;
    try {
      value = deep ? undefined : JSON.parse(l.text);
    } catch {
      value = undefined;
    }
    if (value === undefined) {
      if (bad++ === 0) {
        firstBad = l.line;
        firstBadDeep = deep;
      }
      if (good === 0 && bad >= NOT_NDJSON_AFTER) {
        throw new SourceReadError(`not newline-delimited JSON: none of the first ${NOT_NDJSON_AFTER} lines is JSON`, { file: file.rel, line: firstBad, code: 'json.malformed' });
      }
      continue;
    }
    good++;
    const rec = activityRecord(file, { pointer: '', value, line: l.line });
    if (rec) yield rec;
  }
  if (bad > 0) {
    const what = bad === 1 ? `line ${firstBad} is ${firstBadDeep ? `nested more than ${JSON_MAX_DEPTH} levels deep` : 'not valid JSON'}` : `${bad} lines are not valid JSON (the first is line ${firstBad})`;
    throw new SourceReadError(`${what}; the other lines were read`, { file: file.rel, line: firstBad, code: 'json.malformed' });
  }
}

function activityRecord(file: SourceFile, it: { pointer: string; value: unknown; line?: number }): SourceRecord | undefined {
  const e = it.value as Record<string, unknown>;
  if (!e || typeof e !== 'object') return undefined;
  const ids: RawIdentifier[] = [];
  if (typeof e.email_address === 'string') ids.push({ kind: 'email', field: 'email_address', value: e.email_address });
  if (typeof e.email_id === 'string') ids.push({ kind: 'systemId', field: 'email_id', value: `mailchimp:subscriber-hash:${e.email_id}` });
  const activity = Array.isArray(e.activity) ? (e.activity as Record<string, unknown>[]) : [];
  activity.forEach((a, i) => {
    if (a && typeof a === 'object' && typeof a.ip === 'string' && a.ip) ids.push({ kind: 'ip', field: `activity/${i}/ip`, value: a.ip });
  });
  const dates = activity.map((a) => (a && typeof a === 'object' && typeof a.timestamp === 'string' ? a.timestamp.slice(0, 10) : '')).filter(Boolean).sort();
  const rec: SourceRecord = {
    entity: 'activity',
    locator: it.line ? { file: file.rel, line: it.line } : { file: file.rel, pointer: it.pointer },
    fields: e,
    identifiers: ids,
    category: 'newsletter-activity',
    ...bilingualLabel(
      `Kampanj ${String(e.campaign_id ?? '')}: ${activity.length} ${activity.length === 1 ? 'händelse' : 'händelser'}`,
      `campaign ${String(e.campaign_id ?? '')}: ${activity.length} event${activity.length === 1 ? '' : 's'}`,
      'en',
    ),
  };
  const last = dates[dates.length - 1];
  if (last) rec.date = last;
  return rec;
}

/** What a Mailchimp member row can carry (memberRecord). */
const MAILCHIMP_MEMBER_SCOPE: IdentifierScope = { kinds: ['email', 'phone', 'name', 'ip', 'address', 'company', 'systemId'], systemIds: ['mailchimp:'] };

const connector: Connector<Options> = defineConnector<Options>({
  id: 'newsletter',
  title: 'Newsletter (Mailchimp, beehiiv, APSIS, Rule, Get a Newsletter)',
  formats: [
    { id: 'mailchimp-zip', title: 'Mailchimp audience export (ZIP)', description: 'The ZIP from Audience → Export, with one CSV per status', extensions: ['zip'] },
    { id: 'mailchimp-csv', title: 'Mailchimp audience CSV', description: 'One per-status file of the audience export; status from the file name', extensions: ['csv'] },
    { id: 'mailchimp-activity', title: 'Mailchimp campaign activity', description: 'Email-activity report of a campaign as saved from the Marketing API (JSON/NDJSON)', extensions: ['json', 'ndjson', 'jsonl'] },
    { id: 'mapped-csv', title: 'Other tool (column mapping)', description: 'CSV or XLSX of APSIS, Rule, Get a Newsletter and others, with columns named in options.columns or options.preset', extensions: ['csv', 'txt', 'xlsx'] },
  ],
  optionsSchema: OptionsSchema,
  describe: (options) => ({
    entities: [
      {
        entity: 'member',
        title: 'Audience member',
        category: 'newsletter-member',
        fields: withExtraFields([...MAILCHIMP_FIELDS, ...MAPPED_FIELDS], options.fields),
      },
      { entity: 'activity', title: 'Campaign activity (opens, clicks)', category: 'newsletter-activity', fields: ACTIVITY_FIELDS },
    ],
  }),
  detect(sample: FileSample) {
    const name = sample.name.toLowerCase();
    if (sample.head[0] === 0x50 && sample.head[1] === 0x4b) {
      return /members_export/u.test(sample.head.toString('latin1')) || /members_export|audience/u.test(name) ? { format: 'mailchimp-zip', confidence: 0.9 } : undefined;
    }
    const text = headText(sample.head);
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      return /"email_address"/u.test(text) && /"activity"/u.test(text) ? { format: 'mailchimp-activity', confidence: 0.9 } : undefined;
    }
    const line = firstLine(sample.head);
    if (/email address/iu.test(line) && MAILCHIMP_MARKERS.some((m) => line.includes(m))) return { format: 'mailchimp-csv', confidence: 0.95 };
    // APSIS One's profile export starts with its profile key; other tools need format: mapped-csv.
    if (/^"?profile key"?[,;\t]/iu.test(line) && /[,;\t]"?e-?mail"?([,;\t]|$)/iu.test(line)) return { format: 'mapped-csv', confidence: 0.7 };
    if (isBeehiivHeader(line.split(/[,;\t]/u).map((c) => c.replace(/^"|"$/gu, '')))) return { format: 'mapped-csv', confidence: 0.9 };
    if (/(^|[,;\t"])(e-?post|e-?mail|email address)([,;\t"]|$)/iu.test(line)) return { format: 'mapped-csv', confidence: 0.4 };
    if (hasExt(name, 'xlsx')) return { format: 'mapped-csv', confidence: 0.2 };
    return undefined;
  },
  async check(input) {
    const problems = [];
    if (input.format === 'mapped-csv' && !input.options.preset && !input.options.columns?.email) {
      problems.push({ code: 'newsletter.mapping', message: 'format mapped-csv needs options.preset or options.columns.email (a beehiiv export needs neither)', source: input.name });
    }
    return problems;
  },
  async *read(input, ctx) {
    const files = detectedFiles(connector, input, ctx);
    yield* readEachFile(files, ctx, ({ file, format }) => {
      switch (format) {
        case 'mailchimp-zip':
          return readMailchimpZip(file, ctx, input.options);
        case 'mailchimp-csv':
          return readMailchimpCsv(file, ctx, input.options);
        case 'mailchimp-activity':
          return readActivity(file);
        default:
          return readMapped(file, ctx, input.options);
      }
    }, (format) => (format === 'mailchimp-zip' || format === 'mailchimp-csv' ? scopeWithExtra(MAILCHIMP_MEMBER_SCOPE, input.options.fields) : undefined));
  },
});

export default connector;
