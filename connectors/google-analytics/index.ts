/**
 * Google Analytics 4 as exported from BigQuery: the `events_YYYYMMDD` and
 * `events_intraday_YYYYMMDD` tables of the `analytics_<property>` dataset
 * (formats.md §5.2; developers.google.com/analytics/bigquery/event-schema),
 * one record per event. Also the same events as Fivetran's GA4 Export
 * connector flattens them.
 *
 * A visitor is known by the client id (`user_pseudo_id`, from the `_ga`
 * cookie) and, once logged in, by the site's `user_id`. GA4 stores no IP
 * address, only the `geo` derived from it (formats.md §5.2), so there is
 * nothing else to match on except what visitors leak into addresses and
 * titles, which is scanned as free text.
 */
import { z } from 'zod';
import { IDENTIFIER_KINDS } from '../../src/core/identity/kinds.ts';
import type { SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { readHead } from '../../src/io/files.ts';
import { JSON_MAX_DEPTH, jsonTextTooDeep, readJsonItems, streamJsonItems, type JsonItem } from '../../src/io/json.ts';
import { gunzipHead, isGzip, readNdjsonLines } from '../../src/io/ndjson.ts';
import type { Prefilter } from '../../src/io/prefilter.ts';
import { fieldsOf, readTable } from '../../src/io/table.ts';
import { defineConnector, type Connector, type FileSample, type ReadContext } from '../../src/sources/contract.ts';
import { FieldClassificationSchema, withExtraFields } from '../../src/sources/classify.ts';
import { detectedFiles, headText, readEachFile } from '../../src/sources/helpers.ts';
import { bigQueryEvent, fivetranEvent, type ParamUse, type ReadPlan } from './event.ts';
import { BIGQUERY_FIELDS, DEFAULT_TEXT_PARAMS, FIVETRAN_FIELDS, USER_ID_KINDS, userIdField } from './fields.ts';

const PARAM_USES = ['text', ...IDENTIFIER_KINDS.filter((k) => k !== 'systemId')] as [ParamUse, ...ParamUse[]];

const OptionsSchema = z
  .object({
    /**
     * What the site puts in `user_id`. OJCO's customer portal sets the
     * customer number, so a search by customer number finds the events.
     */
    userIdKind: z.enum(USER_ID_KINDS).optional(),
    /** For `userIdKind: systemId`: the namespace of the ids, e.g. `lime:person`. */
    userIdNamespace: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)*$/u, 'must be a namespace such as lime:person')
      .optional(),
    /**
     * The site's own event parameters and user properties: `text` to scan
     * as free text, or the identifier kind they hold (`crm_email: email`).
     */
    params: z.record(z.string().min(1), z.enum(PARAM_USES)).optional(),
    /** Columns of a flattened export that only this site has, and their data category. */
    fields: FieldClassificationSchema.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.userIdKind === 'systemId' && !o.userIdNamespace) {
      ctx.addIssue({ code: 'custom', path: ['userIdNamespace'], message: 'is needed when userIdKind is systemId (e.g. lime:person)' });
    }
    if (o.userIdNamespace && o.userIdKind !== 'systemId') {
      ctx.addIssue({ code: 'custom', path: ['userIdNamespace'], message: 'only applies when userIdKind is systemId' });
    }
  });
type Options = z.infer<typeof OptionsSchema>;

/** What the options make of each event: exported for tests. */
export function planOf(o: Options): ReadPlan {
  const params = new Map<string, ParamUse>(DEFAULT_TEXT_PARAMS.map((k) => [k, 'text']));
  for (const [k, v] of Object.entries(o.params ?? {})) params.set(k, v);
  const userIdKind = o.userIdKind ?? 'userId';
  return { userIdKind, userIdPrefix: userIdKind === 'systemId' ? `${o.userIdNamespace}:` : '', params, extra: o.fields };
}

/**
 * The text scan reads parameters percent-decoded and JSON-unescaped, so a
 * line's raw bytes can hide a match (`sven%40mail.example`, `\u00f6`). A
 * byte prefilter only sees raw bytes: such lines are always read.
 */
function decodingSafe(p: Prefilter | undefined): Prefilter | undefined {
  if (!p) return undefined;
  return {
    mayMatch(buf, start, end) {
      if (p.mayMatch(buf, start, end)) return true;
      const line = buf.subarray(start, end);
      return line.includes(0x25) || line.includes(0x5c);
    },
  };
}

function isRow(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lines that all fail from the start mean the file is not NDJSON at all. */
const NOT_NDJSON_AFTER = 50;

/**
 * One bad line does not end the file: the lines after it are read, so no
 * event of the person is lost, and the file is still reported as not read
 * completely (exit code 3) with the first bad line.
 */
async function* readNdjson(file: SourceFile, ctx: ReadContext, plan: ReadPlan, progress: ((n: number) => void) | undefined): AsyncGenerator<SourceRecord> {
  let good = 0;
  let bad = 0;
  let firstBad = 0;
  let firstBadCut = false;
  let firstBadDeep = false;
  const report = (): void => {
    if (bad === 0) return;
    const what =
      bad === 1
        ? `line ${firstBad} is ${firstBadDeep ? `nested more than ${JSON_MAX_DEPTH} levels deep` : 'not a JSON object'}${firstBadCut ? ' (the file ends inside it: it is cut off)' : ''}`
        : `${bad} lines are not JSON objects (the first is line ${firstBad})`;
    ctx.fileFailed(new SourceReadError(`${what}; the other lines were read`, { file: file.rel, line: firstBad, code: 'ndjson.bad-line' }));
    bad = 0;
  };
  try {
    for await (const l of readNdjsonLines(file, { prefilter: decodingSafe(ctx.prefilter), progress })) {
      let row: unknown;
      // A row nested thousands of levels deep would overflow the stack of whatever walks it later (the JSON output): a bad line.
      const deep = jsonTextTooDeep(l.text);
      try {
        row = deep ? undefined : JSON.parse(l.text);
      } catch {
        row = undefined;
      }
      if (!isRow(row)) {
        if (l.text.trim() === '') continue;
        if (bad++ === 0) {
          firstBad = l.line;
          firstBadCut = l.unterminated === true;
          firstBadDeep = deep;
        }
        if (good === 0 && bad >= NOT_NDJSON_AFTER) {
          bad = 0;
          throw new SourceReadError(`not newline-delimited JSON: none of the first ${NOT_NDJSON_AFTER} lines is a JSON object`, {
            file: file.rel,
            line: firstBad,
            code: 'ndjson.malformed',
          });
        }
        continue;
      }
      good++;
      yield bigQueryEvent(row, { file: file.rel, line: l.line }, plan);
    }
  } catch (err) {
    report();
    throw err;
  }
  report();
}

/**
 * "Save results → JSON" in the BigQuery console: an array of rows. A file
 * cut off mid-way is still read up to the damage (the in-memory parse gives
 * up on the whole file; the streaming parser yields the complete rows
 * before it) and then reported with the original error.
 */
async function* readJsonArray(file: SourceFile, ctx: ReadContext, plan: ReadPlan): AsyncGenerator<SourceRecord> {
  const head = await readHead(file.abs, 4096);
  if (isGzip(head)) {
    throw new SourceReadError('a gzip-compressed JSON array is not read: decompress it, or export newline-delimited JSON', { file: file.rel, code: 'ga.gzip-array' });
  }
  if (!headText(head).trimStart().startsWith('[')) {
    throw new SourceReadError('expected a JSON array of rows, as the BigQuery console saves query results', { file: file.rel, line: 1, code: 'ga.not-array' });
  }
  let skipped = 0;
  const record = (it: JsonItem): SourceRecord | undefined => {
    if (isRow(it.value)) return bigQueryEvent(it.value, { file: file.rel, pointer: it.pointer }, plan);
    skipped++;
    return undefined;
  };
  let any = false;
  try {
    for await (const it of readJsonItems(file, [['*']])) {
      any = true;
      const r = record(it);
      if (r) yield r;
    }
  } catch (err) {
    if (any || !(err instanceof SourceReadError) || err.code !== 'json.malformed') throw err;
    try {
      for await (const it of streamJsonItems(file, [['*']])) {
        const r = record(it);
        if (r) yield r;
      }
    } catch {
      // The same damage, found again; the first error names its line more precisely.
    }
    throw err;
  } finally {
    if (skipped > 0) ctx.warn({ code: 'ga.not-a-row', message: `${skipped} item(s) of the array are not row objects and were skipped`, file: file.rel });
  }
}

/** Fivetran's GA4 Export EVENT table saved as CSV (columns as in fivetran/dbt_ga4_export). */
async function* readFivetran(file: SourceFile, ctx: ReadContext, plan: ReadPlan): AsyncGenerator<SourceRecord> {
  const checkHeader = (header: string[]): void => {
    if (!header.includes('user_pseudo_id') && !header.includes('user_id')) {
      throw new SourceReadError('the header has neither user_pseudo_id nor user_id: events cannot be matched to a visitor', {
        file: file.rel,
        line: 1,
        code: 'ga.no-id-column',
      });
    }
    const seen = new Set<string>();
    for (const [i, h] of header.entries()) {
      if (seen.has(h)) {
        ctx.warn({ code: 'csv.duplicate-column', message: `column ${h} appears twice in the header; the later one is shown as "${h} (${i + 1})"`, file: file.rel, line: 1 });
      }
      seen.add(h);
    }
  };
  const rows = readTable(file, {
    prefilter: decodingSafe(ctx.prefilter),
    onHeader: checkHeader,
    warnRagged: (count, line) =>
      ctx.warn({ code: 'csv.ragged', message: `${count} row(s) have another number of fields than the header (first at line ${line})`, file: file.rel, line }),
  });
  for await (const row of rows) {
    yield fivetranEvent(fieldsOf(row.header, row.values), row.locator, plan);
  }
}

const GA_KEYS = /"event_name"\s*:/u;
const GA_ID_KEYS = /"(?:user_pseudo_id|event_timestamp)"\s*:/u;

const connector: Connector<Options> = defineConnector<Options>({
  id: 'google-analytics',
  title: 'Google Analytics 4 (BigQuery export)',
  formats: [
    {
      id: 'bigquery-ndjson',
      title: 'BigQuery export, newline-delimited JSON',
      description: 'The events_* tables as a BigQuery extract job writes them (NEWLINE_DELIMITED_JSON, plain or GZIP-compressed): one event per line',
      extensions: ['json', 'ndjson', 'jsonl', 'gz'],
    },
    {
      id: 'bigquery-json',
      title: 'BigQuery query results as JSON',
      description: 'A JSON array of event rows, as the BigQuery console saves query results over the events_* tables',
      extensions: ['json'],
    },
    {
      id: 'fivetran-csv',
      title: 'Fivetran GA4 Export EVENT table (CSV)',
      description: 'The flattened events of the Fivetran GA4 Export connector saved as CSV: param_* columns for the event parameters',
      extensions: ['csv'],
    },
  ],
  optionsSchema: OptionsSchema,
  describe: (options) => {
    const byName = new Map([...BIGQUERY_FIELDS, ...FIVETRAN_FIELDS, userIdField(options.userIdKind ?? 'userId')].map((f) => [f.name, f]));
    return {
      entities: [{ entity: 'event', title: 'Website or app event', category: 'web-analytics', fields: withExtraFields([...byName.values()], options.fields) }],
    };
  },
  detect(sample: FileSample) {
    let head = sample.head;
    const gz = isGzip(head);
    if (gz) head = gunzipHead(head);
    const text = headText(head).trimStart();
    if (text.startsWith('{')) return GA_KEYS.test(text) && GA_ID_KEYS.test(text) ? { format: 'bigquery-ndjson', confidence: 0.95 } : undefined;
    if (text.startsWith('[')) return !gz && GA_KEYS.test(text) && GA_ID_KEYS.test(text) ? { format: 'bigquery-json', confidence: 0.9 } : undefined;
    if (gz) return undefined;
    const nl = text.search(/\r?\n/u);
    const header = nl >= 0 ? text.slice(0, nl) : text;
    if (/(?:^|[,;\t"])user_pseudo_id(?:[,;\t"]|$)/u.test(header)) {
      return { format: 'fivetran-csv', confidence: /(?:^|[,;\t"])(?:_fivetran_id|param_[a-z_]+)(?:[,;\t"]|$)/u.test(header) ? 0.9 : 0.6 };
    }
    return undefined;
  },
  async check() {
    // The options schema already holds every rule (userIdNamespace with systemId).
    return [];
  },
  async *read(input, ctx) {
    const plan = planOf(input.options);
    // Progress counts bytes over the whole source, file after file.
    let before = 0;
    const files = detectedFiles(connector, input, ctx);
    yield* readEachFile(files, ctx, ({ file, format }) => {
      const base = before;
      before += file.size;
      const progress = ctx.progress ? (n: number) => ctx.progress!(base + n) : undefined;
      switch (format) {
        case 'bigquery-json':
          return readJsonArray(file, ctx, plan);
        case 'fivetran-csv':
          return readFivetran(file, ctx, plan);
        default:
          return readNdjson(file, ctx, plan, progress);
      }
    });
  },
});

export default connector;
