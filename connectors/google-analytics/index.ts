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
import { gunzipHead, isGzip, NDJSON_MODULE, ndjsonLineKind, NdjsonCounter, NOT_NDJSON_AFTER, readNdjsonLines, type NdjsonCheck } from '../../src/io/ndjson.ts';
import { check } from '../../src/io/checks.ts';
import type { Prefilter } from '../../src/io/prefilter.ts';
import type { HitFinder } from '../../src/io/anchors.ts';
import { fieldsOf, readTable } from '../../src/io/table.ts';
import { defineConnector, reportLater, type Connector, type FileSample, type ReadContext } from '../../src/sources/contract.ts';
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
  const mayMatch = (buf: Uint8Array, start: number, end: number): boolean => {
    if (p.mayMatch(buf, start, end)) return true;
    const line = buf.subarray(start, end);
    return line.includes(0x25) || line.includes(0x5c);
  };
  if (!('hits' in p)) return { mayMatch };
  // The same for a whole chunk at once: the prefilter's hits, and every `%` and `\`.
  const finder = p as HitFinder;
  const wrapped: HitFinder = {
    mayMatch,
    mayMatchText: (s) => finder.mayMatchText(s) || s.includes('%') || s.includes('\\'),
    hits(buf, start, end) {
      const out = finder.hits(buf, start, end);
      const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      const more: number[] = [];
      for (const c of [0x25, 0x5c]) for (let i = b.indexOf(c, start); i >= 0 && i < end; i = b.indexOf(c, i + 1)) more.push(i);
      return more.length === 0 ? out : [...out, ...more].sort((x, y) => x - y);
    },
  };
  return wrapped;
}

function isRow(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One bad line does not end the file: the lines after it are read, so no
 * event of the person is lost, and the file is still reported as not read
 * completely (exit code 3) with the first bad line.
 *
 * With a prefilter (issue #7) only the lines that may match are parsed
 * here; every line is still checked, in a worker thread (src/io/checks.ts),
 * and what is wrong is reported as the reference path reports it. A file
 * whose first lines hold no row at all (not NDJSON) is read as without one.
 */
async function* readNdjson(file: SourceFile, ctx: ReadContext, plan: ReadPlan, progress: ((n: number) => void) | undefined): AsyncGenerator<SourceRecord> {
  const report = (c: NdjsonCheck): void => {
    if (c.bad === 0) return;
    const what =
      c.bad === 1
        ? `line ${c.firstBad} is ${c.firstBadDeep ? `nested more than ${JSON_MAX_DEPTH} levels deep` : 'not a JSON object'}${c.firstBadCut ? ' (the file ends inside it: it is cut off)' : ''}`
        : `${c.bad} lines are not JSON objects (the first is line ${c.firstBad})`;
    ctx.fileFailed(new SourceReadError(`${what}; the other lines were read`, { file: file.rel, line: c.firstBad, code: 'ndjson.bad-line' }));
  };
  if (ctx.prefilter && (await holdsRows(file))) {
    const checking = ctx.validate === false ? undefined : check<NdjsonCheck>({ module: NDJSON_MODULE, fn: 'checkNdjsonRows', args: [file] });
    try {
      for await (const l of readNdjsonLines(file, { prefilter: decodingSafe(ctx.prefilter), progress })) {
        const k = ndjsonLineKind(l.text);
        if (typeof k === 'object') yield bigQueryEvent(k.row, { file: file.rel, line: l.line }, plan);
      }
    } catch (err) {
      if (checking) await reportLater(ctx, checking.then((c) => () => report(c)));
      throw err;
    }
    if (checking) await reportLater(ctx, checking.then((c) => () => report(c)));
    return;
  }
  const c = new NdjsonCounter();
  try {
    for await (const l of readNdjsonLines(file, { prefilter: decodingSafe(ctx.prefilter), progress })) {
      const row = c.add(l);
      if (c.notNdjson) {
        c.bad = 0;
        throw new SourceReadError(`not newline-delimited JSON: none of the first ${NOT_NDJSON_AFTER} lines is a JSON object`, {
          file: file.rel,
          line: c.firstBad,
          code: 'ndjson.malformed',
        });
      }
      if (row) yield bigQueryEvent(row, { file: file.rel, line: l.line }, plan);
    }
  } catch (err) {
    report(c);
    throw err;
  }
  report(c);
}

/** Does the file hold a row before it could be judged not NDJSON (and before a read error)? Most files: their first line. */
async function holdsRows(file: SourceFile): Promise<boolean> {
  const c = new NdjsonCounter();
  try {
    for await (const l of readNdjsonLines(file)) {
      c.add(l);
      if (c.good > 0) return true;
      if (c.notNdjson) return false;
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
  }
  return false;
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
    validate: ctx.validate,
    later: ctx.later,
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
