/**
 * One GA4 event → one SourceRecord. This runs once per event of exports
 * that reach gigabytes (the biggest files ojco-dsar reads), so it does only
 * what matching needs: it keeps the parsed row as the record's fields
 * without copying it, walks `event_params` once, and builds the label from
 * plain string operations.
 */
import type { IdentifierKind } from '../../src/core/identity/kinds.ts';
import type { Locator, RawIdentifier, SourceRecord } from '../../src/core/record.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';

/** What a parameter key is read as: free text to scan, or an identifier of the visitor. */
export type ParamUse = 'text' | Exclude<IdentifierKind, 'systemId'>;

export interface ReadPlan {
  userIdKind: IdentifierKind;
  /** `lime:person:` when user_id is a namespaced system id, else empty. */
  userIdPrefix: string;
  /** Event parameter and user property keys that are read, by key. */
  params: ReadonlyMap<string, ParamUse>;
  extra: FieldClassification | undefined;
}

type TextEntry = { field: string; value: string };

/**
 * A web client id as GA4 exports it in `user_pseudo_id` (`<random>.<unix
 * seconds>`, formats.md §5.2). App streams put the app instance id there
 * instead (32 hex digits): that is kept as a GA4 system id, which is still
 * followed as a link between events.
 */
const WEB_CLIENT_ID = /^(?:GA\d+\.\d+\.)?\d{1,20}\.\d{1,20}$/iu;

function idValue(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  // INT64 user ids arrive as numbers from some tools; BigQuery itself writes strings.
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function addVisitorIds(ids: RawIdentifier[], pseudo: unknown, userId: unknown, plan: ReadPlan): void {
  const p = idValue(pseudo);
  if (p) ids.push(WEB_CLIENT_ID.test(p) ? { kind: 'gaClientId', field: 'user_pseudo_id', value: p } : { kind: 'systemId', field: 'user_pseudo_id', value: `ga4:user_pseudo_id:${p}` });
  const u = idValue(userId);
  if (u) ids.push({ kind: plan.userIdKind, field: 'user_id', value: plan.userIdPrefix + u });
}

const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/gu;

function decodeRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    // Not UTF-8 (a Latin-1 `%E4`): decode the ASCII escapes such as `%40` and keep the rest.
    return run.replace(/%([0-7][0-9A-Fa-f])/gu, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** Percent-decoded, twice at most: a URL passed on in a query string (`?redirect=…%2540…`) is encoded twice. */
export function percentDecoded(s: string): string {
  let out = s;
  for (let round = 0; round < 2 && out.includes('%'); round++) {
    const next = out.replace(PERCENT_RUN, decodeRun);
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * The text the core scans for e-mail addresses, phone numbers and names.
 * Browsers percent-encode query strings, so a leaked `?email=sven%40mail.example`
 * only shows its `@` once decoded; `+` is a space in a query string. The
 * decoded form comes first and the raw form is kept beside it, so nothing
 * the raw text would have matched is lost.
 */
export function scannable(raw: string): string {
  const q = raw.indexOf('?');
  if (!raw.includes('%') && (q < 0 || !raw.includes('+', q))) return raw;
  const spaced = q >= 0 ? raw.slice(0, q) + raw.slice(q).replaceAll('+', ' ') : raw;
  const decoded = percentDecoded(spaced);
  return decoded === raw ? raw : `${decoded} ${raw}`;
}

/** `https://www.ojco.example/kontakt?utm_source=x` → `/kontakt`: the page without its query, for labels. */
export function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme >= 0 ? url.indexOf('/', scheme + 3) : 0;
  if (start < 0) return '/';
  let end = url.length;
  const q = url.indexOf('?', start);
  if (q >= 0) end = q;
  const h = url.indexOf('#', start);
  if (h >= 0 && h < end) end = h;
  const path = url.slice(start, end) || '/';
  return path.includes('%') ? percentDecoded(path) : path;
}

/** `20250512` (BigQuery `event_date`) or `2025-05-12…` (Fivetran `date`, timestamps) → `2025-05-12`. */
export function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (v.length === 8 && /^\d{8}$/u.test(v)) return `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  return /^(\d{4}-\d{2}-\d{2})/u.exec(v)?.[1];
}

/** `event_timestamp` (microseconds since 1970 UTC, a JSON string or number) → its UTC date. */
export function isoDateOfMicros(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,17}$/u.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const d = new Date(Math.floor(n / 1000));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 10);
}

function labelOf(name: unknown, page: string | undefined): string {
  const n = typeof name === 'string' && name ? name : 'event';
  return page ? `${n} ${pathOf(page)}` : n;
}

/**
 * Reads a REPEATED `{key, value{string_value, int_value, …}}` list
 * (`event_params`, `user_properties`): the keys the plan names become text
 * or identifiers. Returns `page_location` for the label.
 */
function readKeyValues(list: unknown, field: string, plan: ReadPlan, ids: RawIdentifier[], text: TextEntry[]): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let page: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const p = list[i] as { key?: unknown; value?: { string_value?: unknown; int_value?: unknown } | null } | null;
    if (!p || typeof p.key !== 'string' || !p.value || typeof p.value !== 'object') continue;
    const s = p.value.string_value;
    if (p.key === 'page_location' && typeof s === 'string') page = s;
    const use = plan.params.get(p.key);
    if (use === undefined) continue;
    if (use === 'text') {
      if (typeof s === 'string' && s) text.push({ field: `${field}/${i}/value/string_value`, value: scannable(s) });
      continue;
    }
    const fromString = idValue(s);
    const value = fromString || idValue(p.value.int_value);
    if (value) ids.push({ kind: use, field: `${field}/${i}/value/${fromString ? 'string_value' : 'int_value'}`, value });
  }
  return page;
}

/** A row of the BigQuery `events_*` table (NDJSON line or an item of a JSON array), kept as exported. */
export function bigQueryEvent(row: Record<string, unknown>, locator: Locator, plan: ReadPlan): SourceRecord {
  const ids: RawIdentifier[] = [];
  const text: TextEntry[] = [];
  addVisitorIds(ids, row.user_pseudo_id, row.user_id, plan);
  const page = readKeyValues(row.event_params, 'event_params', plan, ids, text);
  readKeyValues(row.user_properties, 'user_properties', plan, ids, text);
  if (plan.extra) ids.push(...extraIdentifiers(row, plan.extra));
  const rec: SourceRecord = { entity: 'event', locator, fields: row, identifiers: ids, category: 'web-analytics', label: labelOf(row.event_name, page) };
  if (text.length > 0) rec.text = text;
  const date = isoDate(row.event_date) ?? isoDateOfMicros(row.event_timestamp);
  if (date) rec.date = date;
  return rec;
}

/**
 * A row of Fivetran's flattened EVENT table: parameters are `param_<key>`
 * columns and user properties `user_property_<key>` [U].
 */
export function fivetranEvent(fields: Record<string, string>, locator: Locator, plan: ReadPlan): SourceRecord {
  const ids: RawIdentifier[] = [];
  const text: TextEntry[] = [];
  addVisitorIds(ids, fields.user_pseudo_id, fields.user_id, plan);
  for (const [key, use] of plan.params) {
    for (const column of [`param_${key}`, `user_property_${key}`]) {
      const v = fields[column];
      if (!v) continue;
      if (use === 'text') text.push({ field: column, value: scannable(v) });
      else ids.push({ kind: use, field: column, value: v.trim() });
    }
  }
  if (plan.extra) ids.push(...extraIdentifiers(fields, plan.extra));
  const rec: SourceRecord = {
    entity: 'event',
    locator,
    fields,
    identifiers: ids,
    category: 'web-analytics',
    label: labelOf(fields.name || fields.event_name, fields.param_page_location || undefined),
  };
  if (text.length > 0) rec.text = text;
  const date = isoDate(fields.date || fields.event_date) ?? isoDate(fields.timestamp) ?? isoDateOfMicros(fields.event_timestamp || fields.timestamp);
  if (date) rec.date = date;
  return rec;
}
