/**
 * How the letter to the person names a record's fields and shows their
 * dates. Systems name fields by codes (`KUNDNR`, vCard's `FN`) and write
 * dates in their own notations (`19800131`, seconds since 1970); the
 * connectors' descriptions give each such field a label in both languages
 * and its date format (`FieldDescription.label`, `dateFormat`).
 *
 * Nested fields are named by the labels of their parts, with list items
 * numbered for people (`Fakturarader › rad 1 › Moms (%)`) or named by
 * their own key (GA4's `event_params` by the parameter's name); an e-mail
 * body that is HTML is shown as its text.
 *
 * Only the letter reads this. The JSON, CSV and XLSX keep the system's
 * names and values as exported: scripts read them (docs/extract.md).
 */
import { compile } from 'html-to-text';
import { fromDayNumber, formatIsoDate, parseIsoDate } from '../core/law/dates.ts';
import { describedField, type ConnectorDescription, type FieldDateFormat, type FieldDescription, type FieldHtml, type FieldPart } from '../sources/contract.ts';
import type { ExtractLang, ExtractRecord } from './extract-schema.ts';
import { fieldLeaves, type Cell } from './extract-table.ts';
import { tr } from './extract-text.ts';

/** A record's field as its connector describes it; undefined when it does not. */
export type FieldLookup = (record: Pick<ExtractRecord, 'source' | 'entity'>, key: string) => FieldDescription | undefined;

/** The fields of every source, by source name (the first source of a name wins), entity and field name (describedField). */
export function fieldLookup(sources: { name: string; description: ConnectorDescription }[]): FieldLookup {
  const bySource = new Map<string, ConnectorDescription>();
  for (const s of sources) if (!bySource.has(s.name)) bySource.set(s.name, s.description);
  return (record, key) => {
    const d = bySource.get(record.source);
    return d && describedField(d, record.entity, key);
  };
}

/** The field's label in the letter's language; undefined when it has none (a company's module may give anything). */
export function fieldLabel(field: Pick<FieldDescription, 'label'> | undefined, lang: ExtractLang): string | undefined {
  const label: unknown = field?.label?.[lang];
  return typeof label === 'string' && label.trim() !== '' ? label : undefined;
}

// ISO 8601 basic or extended (the same in date and time), the time optional: `19800131`, `1980-01-31`,
// `20250114T101500Z`, `2025-01-14T10:15:00.5+01:00`. vCard (RFC 6350 §4.3) and dBase type D write these.
const ISO_DATE_TIME = /^(\d{4})(-?)(\d{2})\2(\d{2})(?:[T ](\d{2})(?:(:?)(\d{2})(?:\6(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/u;

/** `+0100` and `+01` as `+01:00`. */
function offset(zone: string): string {
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

function isoDateTime(s: string): string | undefined {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, year, , month, day, hour, , minute, second, zone] = m;
  const date = `${year}-${month}-${day}`;
  if (!parseIsoDate(date)) return undefined;
  if (hour === undefined) return date;
  if (Number(hour) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 60) return undefined;
  const time = `${hour}:${minute ?? '00'}${second !== undefined ? `:${second}` : ''}`;
  const tz = zone === undefined ? '' : zone === 'Z' ? ' UTC' : ` ${offset(zone)}`;
  return `${date} ${time}${tz}`;
}

const SECONDS_PER_DAY = 86_400;

function unixSeconds(v: string | number, micros = false): string | undefined {
  let s = String(v).trim();
  if (micros) {
    // Whole seconds of a count of microseconds (16 digits today); the letter shows no fractions.
    if (!/^\d{7,17}$/u.test(s)) return undefined;
    s = s.slice(0, -6);
  }
  // Zero is how a numeric dBase field says "never": not 1970.
  if (!/^\d{1,11}$/u.test(s) || Number(s) === 0) return undefined;
  const n = Number(s);
  const days = Math.floor(n / SECONDS_PER_DAY);
  const rest = n - days * SECONDS_PER_DAY;
  const two = (x: number): string => String(x).padStart(2, '0');
  const time = `${two(Math.floor(rest / 3600))}:${two(Math.floor((rest % 3600) / 60))}:${two(rest % 60)}`;
  return `${formatIsoDate(fromDayNumber(days))} ${time} UTC`;
}

/**
 * A date or time the way the letter writes dates: `YYYY-MM-DD`, with
 * `HH:MM:SS` and its zone where the value has a time. Undefined for a value
 * that is not one in that format: the letter then shows it as it is, since
 * a value is never lost to a guess.
 */
export function letterDate(value: string | number | boolean | null, format: FieldDateFormat): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (format === 'unix-seconds') return unixSeconds(value);
  if (format === 'unix-micros') return unixSeconds(value, true);
  return isoDateTime(String(value).trim());
}

// Headings in capitals and a table's cells run together (html-to-text's defaults) read badly in a letter;
// an image's address (`cid:…`, a tracking pixel's URL) means nothing to the person, its alt text may.
const headings = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));
const toText = compile({
  wordwrap: false,
  formatters: {
    altText: (elem, _walk, builder) => {
      const alt = elem.attribs?.['alt'];
      if (alt) builder.addInline(alt);
    },
  },
  selectors: [
    ...headings,
    { selector: 'th', format: 'block', options: { uppercase: false } },
    { selector: 'td', format: 'block' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'altText' },
  ],
});

/**
 * HTML as the text a reader sees: block elements and `<br>` as line breaks,
 * entities decoded, scripts and styles dropped, runs of spaces and of blank
 * lines collapsed. The result is text: the letter escapes it like any value.
 */
export function htmlAsText(html: string): string {
  return toText(html).replace(/\n{3,}/gu, '\n\n').trim();
}

function isHtml(spec: FieldHtml | undefined, holder: Record<string, unknown> | undefined): boolean {
  if (spec === true) return true;
  if (!spec || !holder) return false;
  const v = holder[spec.when];
  return typeof v === 'string' && v.toLowerCase() === spec.is.toLowerCase();
}

/** A leaf of a field as the letter shows it. */
export interface LetterLeaf {
  /** As the data files name the column (`Rows[0].PercentVat`). */
  path: string;
  /** The name for the person; undefined when nothing on the path has a label, and the path is all the letter can give. */
  label?: string;
  value: Cell;
  /** The value as the letter writes it (a date as a date, HTML as its text). */
  shown: string;
}

/**
 * The leaves of a record's field as the letter shows them: each named by
 * the labels of the field and of its parts, a list's item by its number
 * (`rad 1`) or, in a list whose items name themselves (`itemKey`), by that
 * name; the property holding that name is then left out, since the label
 * gives it.
 */
export function letterLeaves(field: FieldDescription | undefined, key: string, value: unknown, lang: ExtractLang): LetterLeaf[] {
  const out: LetterLeaf[] = [];
  for (const leaf of fieldLeaves(key, value)) {
    const names: string[] = [];
    const own = fieldLabel(field, lang);
    if (own) names.push(own);
    let labelled = own !== undefined;
    // The path below the field without list indices: the key of `parts`.
    let sub = '';
    let namedBy: string | undefined;
    let skip = false;
    leaf.steps.forEach((step, i) => {
      if (step.key === undefined) {
        const name = sub === '' ? itemName(field?.itemKey, step.item) : undefined;
        names.push(name ?? `${tr(lang, 'listItem')} ${step.index + 1}`);
        if (name !== undefined) namedBy = field!.itemKey;
        return;
      }
      sub = sub === '' ? step.key : `${sub}.${step.key}`;
      if (namedBy !== undefined && i === 1 && step.key === namedBy && leaf.steps.length === 2) skip = true;
      const label = fieldLabel(partOf(field, sub), lang);
      if (label) {
        names.push(label);
        labelled = true;
      }
    });
    if (skip) continue;
    const view = sub === '' ? field : partOf(field, sub);
    const v = leaf.value;
    let shown: string | undefined;
    if (view?.dateFormat) shown = letterDate(v, view.dateFormat);
    if (shown === undefined && typeof v === 'string' && isHtml(view?.html, leaf.holder)) shown = htmlAsText(v);
    out.push({ path: leaf.path, ...(labelled ? { label: names.join(' › ') } : {}), value: v, shown: shown ?? (v === null ? '' : String(v)) });
  }
  return out;
}

function partOf(field: FieldDescription | undefined, sub: string): FieldPart | undefined {
  return field?.parts && Object.hasOwn(field.parts, sub) ? field.parts[sub] : undefined;
}

/** The name an item of a list gives itself in its `itemKey` property; undefined when it has none. */
function itemName(itemKey: string | undefined, item: unknown): string | undefined {
  if (itemKey === undefined || item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const name: unknown = (item as Record<string, unknown>)[itemKey];
  if (typeof name === 'number') return String(name);
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}
