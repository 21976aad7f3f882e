/**
 * The extract as tables: one table per system, one row per record, used by
 * the XLSX sheets and the CSV files (and the HTML letter's per-record
 * tables), so that every format shows the same columns.
 *
 * Columns: first the record's register information (Art. 15(1)(a)-(d), (g),
 * (h) per record, AC-2), then the record's own fields.
 *
 * Flattening of nested fields (docs/extract.md "Flattening"): a nested
 * object or array becomes one column per leaf, named by its path, `a.b`,
 * `a[0].c`, so each value can be sorted and filtered on its own. Two
 * limits keep a sheet usable; past them a field is written as JSON text in
 * one column instead:
 * - a field whose leaves, over all records of the table, need more than
 *   MAX_COLUMNS_PER_FIELD columns (e-mails with many recipients);
 * - nesting deeper than MAX_DEPTH levels.
 * Empty objects and arrays are written as `{}` and `[]`. The JSON file is
 * the lossless form; the tables are for reading.
 */
import type { ExtractLang, ExtractRecord } from './extract-schema.ts';
import { confidenceText, locatorText, tr } from './extract-text.ts';

export type Cell = string | number | boolean | null;

export const MAX_DEPTH = 6;
export const MAX_COLUMNS_PER_FIELD = 40;

/** Flattens one field's value into leaf paths, recording every path prefix's first appearance. */
function flattenInto(value: unknown, at: string, depth: number, out: Map<string, Cell>, seen?: Map<string, number>): void {
  if (seen && !seen.has(at)) seen.set(at, seen.size);
  if (value === null || value === undefined) {
    out.set(at, null);
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.set(at, value);
  } else if (Array.isArray(value)) {
    if (value.length === 0 || depth >= MAX_DEPTH) out.set(at, JSON.stringify(value));
    else value.forEach((v, i) => flattenInto(v, `${at}[${i}]`, depth + 1, out, seen));
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 || depth >= MAX_DEPTH) out.set(at, JSON.stringify(value));
    else for (const [k, v] of entries) flattenInto(v, `${at}.${k}`, depth + 1, out, seen);
  } else {
    // Not reachable for JSON data (the extract's fields are JSON); kept total.
    out.set(at, String(value));
  }
}

/** The leaves of one field, `path → value`. */
export function flattenField(key: string, value: unknown): Map<string, Cell> {
  const out = new Map<string, Cell>();
  flattenInto(value, key, 0, out);
  return out;
}

/** A step of a leaf's path below its field: a property of an object, or an item of a list. */
export type PathStep = { key: string; index?: never; item?: never } | { index: number; item: unknown; key?: never };

export interface FieldLeaf {
  /** As the tables name the column (`Rows[0].PercentVat`). */
  path: string;
  /** The path below the field, step by step, with the list items themselves (the letter names an item by its contents). */
  steps: PathStep[];
  value: Cell;
  /** The object that holds the leaf as a property; undefined for the field itself or a list's item. */
  holder?: Record<string, unknown>;
}

/**
 * The leaves of one field with their steps, in the order and with the
 * paths and values of flattenField (the same limits): the letter names
 * a leaf by them, which a path's text cannot do when a system's own
 * property names hold `.` or `[`.
 */
export function fieldLeaves(key: string, value: unknown): FieldLeaf[] {
  const out: FieldLeaf[] = [];
  const walk = (v: unknown, at: string, depth: number, steps: PathStep[], holder?: Record<string, unknown>): void => {
    const leaf = (cell: Cell): void => void out.push({ path: at, steps, value: cell, ...(holder ? { holder } : {}) });
    if (v === null || v === undefined) leaf(null);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') leaf(v);
    else if (Array.isArray(v)) {
      if (v.length === 0 || depth >= MAX_DEPTH) leaf(JSON.stringify(v));
      else v.forEach((item, i) => walk(item, `${at}[${i}]`, depth + 1, [...steps, { index: i, item }]));
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const entries = Object.entries(o);
      if (entries.length === 0 || depth >= MAX_DEPTH) leaf(JSON.stringify(v));
      else for (const [k, x] of entries) walk(x, `${at}.${k}`, depth + 1, [...steps, { key: k }], o);
    } else leaf(String(v));
  };
  walk(value, key, 0, []);
  return out;
}

/** All leaves of a record's fields, in order, as `path → value` (for tests and the HTML letter). */
export function flattenFields(fields: Record<string, unknown>): [string, Cell][] {
  const rows: [string, Cell][] = [];
  for (const [k, v] of Object.entries(fields)) for (const e of flattenField(k, v)) rows.push(e);
  return rows;
}

/**
 * A redaction's field (`toRecipients/0/emailAddress/address`, the path
 * convention of connectors' identifiers) in the column notation of the
 * tables (`toRecipients[0].emailAddress.address`).
 */
export function redactionPath(field: string): string {
  const [head = '', ...rest] = field.split('/');
  return head + rest.map((seg) => (/^\d+$/u.test(seg) ? `[${seg}]` : `.${seg}`)).join('');
}

export interface DataColumn {
  /** The top-level field. */
  key: string;
  /** The leaf path (`key` itself for a plain value). */
  path: string;
  header: string;
  /** The whole field in one column, nested values as JSON text (past the limits). */
  json?: true;
}

/** Splits `a.b[0].c` after `key` into tokens `.b`, `[0]`, `.c`. */
function tokens(key: string, path: string): string[] {
  return path.slice(key.length).match(/\[\d+\]|\.[^.[]*/gu) ?? [];
}

/** The data columns of a table of records: every field, flattened, in the order fields first appear. */
export function dataColumns(records: ExtractRecord[]): DataColumn[] {
  const keys: string[] = [];
  const seenKeys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.fields)) if (!seenKeys.has(k)) (seenKeys.add(k), keys.push(k));
  const cols: DataColumn[] = [];
  for (const key of keys) {
    const seen = new Map<string, number>();
    const leaves = new Set<string>();
    for (const r of records) {
      if (!Object.hasOwn(r.fields, key)) continue;
      const out = new Map<string, Cell>();
      flattenInto(r.fields[key], key, 0, out, seen);
      for (const p of out.keys()) leaves.add(p);
    }
    if (leaves.size > MAX_COLUMNS_PER_FIELD) {
      cols.push({ key, path: key, header: key, json: true });
      continue;
    }
    // Tree order: siblings in the order they first appear, array items by index.
    const ordered = [...leaves].sort((a, b) => {
      const ta = tokens(key, a);
      const tb = tokens(key, b);
      let prefix = key;
      for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
        const x = ta[i]!;
        const y = tb[i]!;
        if (x !== y) {
          if (x.startsWith('[') && y.startsWith('[')) return Number(x.slice(1, -1)) - Number(y.slice(1, -1));
          return (seen.get(prefix + x) ?? 0) - (seen.get(prefix + y) ?? 0);
        }
        prefix += x;
      }
      return ta.length - tb.length;
    });
    for (const p of ordered) cols.push({ key, path: p, header: p });
  }
  return cols;
}

/** The cell of a record in a data column; null when the record does not have it. */
export function dataCell(r: ExtractRecord, col: DataColumn, cache?: Map<string, Map<string, Cell>>): Cell {
  if (!Object.hasOwn(r.fields, col.key)) return null;
  const v = r.fields[col.key];
  if (col.json) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  }
  let leaves = cache?.get(col.key);
  if (!leaves) {
    leaves = flattenField(col.key, v);
    cache?.set(col.key, leaves);
  }
  return leaves.has(col.path) ? leaves.get(col.path)! : null;
}

export interface MetaColumn {
  header: string;
  get(r: ExtractRecord): Cell;
}

const join = (xs: string[]): string => xs.join('; ');

/** The register information of each record (Art. 15(1) per record, AC-2), as columns. */
export function metaColumns(lang: ExtractLang): MetaColumn[] {
  return [
    { header: tr(lang, 'colSystem'), get: (r) => r.system },
    { header: tr(lang, 'colSource'), get: (r) => r.source },
    { header: tr(lang, 'colKind'), get: (r) => r.categoryText },
    { header: tr(lang, 'colEntity'), get: (r) => r.entity },
    { header: tr(lang, 'colLabel'), get: (r) => r.label ?? null },
    { header: tr(lang, 'colConfidence'), get: (r) => confidenceText(lang, r.confidence) },
    { header: tr(lang, 'colDate'), get: (r) => r.date ?? null },
    { header: tr(lang, 'colLocator'), get: (r) => locatorText(lang, r.locator) },
    { header: tr(lang, 'colDataCategories'), get: (r) => join(r.dataCategories.map((d) => d.text)) },
    { header: tr(lang, 'colPurposes'), get: (r) => join(r.purposes.map((p) => p.text)) },
    { header: tr(lang, 'colLegalBasis'), get: (r) => join(r.legalBasis.map((b) => `${b.text} (${b.article})`)) },
    { header: tr(lang, 'colRecipients'), get: (r) => join(r.recipients.map((x) => `${x.name}, ${x.country}`)) },
    // An open receivable's date is provisional (BF-1a): said beside the rule, the date column stays a date.
    { header: tr(lang, 'colRetention'), get: (r) => (r.retention.provisional ? `${r.retention.text} (${tr(lang, 'provisional')})` : r.retention.text) },
    { header: tr(lang, 'colRetainUntil'), get: (r) => r.retention.retainUntil ?? null },
    { header: tr(lang, 'colOrigin'), get: (r) => r.origin.text },
    { header: tr(lang, 'colProfiling'), get: (r) => tr(lang, r.profiling ? 'yes' : 'no') },
    { header: tr(lang, 'colRedactions'), get: (r) => r.redactions.map((x) => redactionPath(x.field)).join(', ') || null },
  ];
}

export interface SystemTable {
  system: string;
  records: ExtractRecord[];
  headers: string[];
  /** The number of register columns before the data columns. */
  metaCount: number;
  dataColumns: DataColumn[];
  rows: Cell[][];
}

/** Records grouped by system, in the order systems first appear in the extract. */
export function groupBySystem(records: ExtractRecord[]): Map<string, ExtractRecord[]> {
  const groups = new Map<string, ExtractRecord[]>();
  for (const r of records) {
    const g = groups.get(r.system);
    if (g) g.push(r);
    else groups.set(r.system, [r]);
  }
  return groups;
}

/** One table per system: the rows every spreadsheet format writes. */
export function systemTables(records: ExtractRecord[], lang: ExtractLang): SystemTable[] {
  const meta = metaColumns(lang);
  return [...groupBySystem(records)].map(([system, recs]) => {
    const data = dataColumns(recs);
    const rows = recs.map((r) => {
      const cache = new Map<string, Map<string, Cell>>();
      return [...meta.map((m) => m.get(r)), ...data.map((c) => dataCell(r, c, cache))];
    });
    return { system, records: recs, headers: [...meta.map((m) => m.header), ...data.map((c) => c.header)], metaCount: meta.length, dataColumns: data, rows };
  });
}
