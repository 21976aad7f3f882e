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
 * body that is HTML is shown as its text. A value that is an ISO 8601 date
 * and time (Graph's `2025-03-14T09:12:44Z`) is a time whatever its field,
 * and every instant is written in Swedish time in the letter's language; a
 * true or false is `Ja` or `Nej` (`Yes`, `No`); a code from a system's fixed
 * list (Mailchimp's `unsubscribed`, Graph's `flagged`) is the words the
 * connector gives for it (`values`), and a code it does not know is shown
 * as it is; a share written as a fraction (`share`: `0.25`) is a percentage
 * (`25 %`).
 *
 * Only the letter reads this. The JSON, CSV and XLSX keep the system's
 * names and values as exported: scripts read them (docs/extract.md).
 */
import { compile } from 'html-to-text';
import { parseIsoDate } from '../core/law/dates.ts';
import {
  describedField,
  type ConnectorDescription,
  type FieldDateFormat,
  type FieldDescription,
  type FieldHtml,
  type FieldLogical,
  type FieldPart,
  type FieldValueList,
  type FieldValues,
} from '../sources/contract.ts';
import type { ExtractLang, ExtractRecord } from './extract-schema.ts';
import { fieldLeaves, type Cell } from './extract-table.ts';
import { swedishTime, tr } from './extract-text.ts';

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

/**
 * A date or a time read from a value: a day; an instant, where the value
 * names its zone (or counts from 1970 in UTC); or a time of day without a
 * zone, whose zone the letter cannot know.
 */
type Moment = { kind: 'day'; date: string } | { kind: 'instant'; at: Date } | { kind: 'local'; date: string; time: string };

interface MomentParts {
  year: string;
  month: string;
  day: string;
  hour?: string | undefined;
  minute?: string | undefined;
  second?: string | undefined;
  fraction?: string | undefined;
  /** `Z`, or an offset as `+01:00`, `+0100` or `+01`. */
  zone?: string | undefined;
}

// Europe/Stockholm before 1900 is local mean time (+00:53:28 and such), and year-one placeholders are no one's
// time: an instant outside these years is shown as it is.
const INSTANT_YEARS = { from: 1900, to: 9999 };
// The offsets in use run from -12:00 to +14:00.
const MAX_OFFSET_MINUTES = 14 * 60;

function moment(p: MomentParts): Moment | undefined {
  const date = `${p.year}-${p.month}-${p.day}`;
  if (!parseIsoDate(date)) return undefined;
  if (p.hour === undefined) return { kind: 'day', date };
  const [hour, minute, second] = [Number(p.hour), Number(p.minute ?? 0), Number(p.second ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (p.zone === undefined) {
    // Midnight without a zone is how many systems write a day (Spiris's `LastInvoiceDate`, .NET's DateTime).
    if (hour === 0 && minute === 0 && second === 0 && !/[1-9]/u.test(p.fraction ?? '')) return { kind: 'day', date };
    return { kind: 'local', date, time: `${p.hour}:${p.minute ?? '00'}${p.second !== undefined ? `:${p.second}` : ''}` };
  }
  let offset = 0;
  if (p.zone !== 'Z') {
    const digits = p.zone.slice(1).replace(':', '');
    const [h, m] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4) || 0)];
    if (m > 59) return undefined;
    offset = (p.zone[0] === '-' ? -1 : 1) * (h * 60 + m);
    if (Math.abs(offset) > MAX_OFFSET_MINUTES) return undefined;
  }
  const year = Number(p.year);
  if (year < INSTANT_YEARS.from || year > INSTANT_YEARS.to) return undefined;
  // The fraction only to tell midnight from a moment after it (momentText); the letter shows minutes.
  const millis = Math.floor(Number(`0.${p.fraction ?? '0'}`) * 1000);
  const at = new Date(Date.UTC(year, Number(p.month) - 1, Number(p.day), hour, minute - offset, second, millis));
  return { kind: 'instant', at };
}

const STOCKHOLM_CLOCK = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/**
 * The day, when the instant is exactly midnight in Swedish time: how a
 * system writes a day as a time (Lime's `expireddate`,
 * `2025-06-30T00:00:00+02:00`), which is no time of day to the reader.
 */
function stockholmMidnight(at: Date): string | undefined {
  if (at.getUTCMilliseconds() !== 0) return undefined;
  const parts = STOCKHOLM_CLOCK.formatToParts(at);
  const get = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  if (get('hour') !== '00' || get('minute') !== '00' || get('second') !== '00') return undefined;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function momentText(m: Moment, lang: ExtractLang): string {
  if (m.kind === 'day') return m.date;
  if (m.kind === 'local') return `${m.date} ${m.time}`;
  return stockholmMidnight(m.at) ?? swedishTime(lang, m.at);
}

// ISO 8601 basic or extended (the same in date and time), the time optional: `19800131`, `1980-01-31`,
// `20250114T101500Z`, `2025-01-14T10:15:00.5+01:00`. vCard (RFC 6350 §4.3) and dBase type D write these; a
// field's description says that it holds them (`dateFormat: 'date'`).
const ISO_DATE_TIME = /^(\d{4})(-?)(\d{2})\2(\d{2})(?:[T ](\d{2})(?:(:?)(\d{2})(?:\6(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/u;

function isoMoment(s: string): Moment | undefined {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return undefined;
  const [, year, , month, day, hour, , minute, second, fraction, zone] = m;
  return moment({ year: year!, month: month!, day: day!, hour, minute, second, fraction, zone });
}

// A date and time in ISO 8601's extended format as RFC 3339 profiles it, the zone optional: `2025-03-14T09:12:44Z`,
// `2024-02-05T16:20:00.000000+01:00`, `2025-06-02T18:20:41.0000000Z`, `2025-02-03T00:00:00`. Microsoft Graph, Lime's
// REST API, Spiris and the message trace write these. Nothing else: no space for the `T`, no basic format, no
// lower case, nothing around it, so that a value that only looks like a time (a date alone, a number, free text)
// is never taken for one.
const EXTENDED_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/u;

/**
 * A value that is an ISO 8601 date and time (EXTENDED_DATE_TIME), whatever
 * its field, as the letter writes times: an instant in Swedish time in the
 * letter's language (`14 mars 2025 kl. 10:12`), midnight without a zone as
 * the day it means (`2025-02-03`), another time without a zone as
 * `2025-02-03 09:00:00`, its zone being unknown. Undefined for anything else,
 * and for a date or time that does not exist (`2025-02-30T10:00:00Z`).
 */
export function letterDateTime(value: string, lang: ExtractLang): string | undefined {
  const m = EXTENDED_DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = m;
  const t = moment({ year: year!, month: month!, day: day!, hour, minute, second, fraction, zone });
  return t && momentText(t, lang);
}

function unixSeconds(v: string | number, micros = false): Moment | undefined {
  let s = String(v).trim();
  if (micros) {
    // Whole seconds of a count of microseconds (16 digits today); the letter shows no fractions.
    if (!/^\d{7,17}$/u.test(s)) return undefined;
    s = s.slice(0, -6);
  }
  // Zero is how a numeric dBase field says "never": not 1970.
  // Eleven digits end in the year 5138.
  if (!/^\d{1,11}$/u.test(s) || Number(s) === 0) return undefined;
  return { kind: 'instant', at: new Date(Number(s) * 1000) };
}

/**
 * A date or time in a field's own notation (FieldDateFormat) the way the
 * letter writes them: a day as `YYYY-MM-DD`; an instant in Swedish time in
 * the letter's language (`15 mars 2019 kl. 10:00`); a time without a zone as
 * `YYYY-MM-DD HH:MM:SS`. Undefined for a value that is not one in that
 * format: the letter then shows it as it is, since a value is never lost to
 * a guess.
 */
export function letterDate(value: string | number | boolean | null, format: FieldDateFormat, lang: ExtractLang): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let m: Moment | undefined;
  if (format === 'unix-seconds') m = unixSeconds(value);
  else if (format === 'unix-micros') m = unixSeconds(value, true);
  else m = isoMoment(String(value).trim());
  return m && momentText(m, lang);
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
  /** The value as the letter writes it (a date as a date, a time in Swedish time, true as `Ja`, a code in words, a share as a percentage, HTML as its text). */
  shown: string;
}

/**
 * The leaves of a record's field as the letter shows them: each named by
 * the labels of the field and of its parts, a list's item by its number
 * (`rad 1`) or, in a list whose items name themselves (`itemKey`), by that
 * name; the property holding that name is then left out, since the label
 * gives it. A choice (`option`: Lime's `{ key, text, id }`) is one leaf,
 * named as the choice itself is and shown by its text.
 */
export function letterLeaves(field: FieldDescription | undefined, key: string, value: unknown, lang: ExtractLang): LetterLeaf[] {
  const out: LetterLeaf[] = [];
  // The choices already shown: each has a leaf per property (key, text, id), and is one value in the letter.
  const choices = new Set<object>();
  for (const leaf of fieldLeaves(key, value)) {
    const names: string[] = [];
    const own = fieldLabel(field, lang);
    if (own) names.push(own);
    let labelled = own !== undefined;
    // The path below the field without list indices: the key of `parts`.
    let sub = '';
    let namedBy: string | undefined;
    let skip = false;
    // The name and the part of the object that holds the leaf.
    let holder: { names: string[]; labelled: boolean; sub: string } | undefined;
    leaf.steps.forEach((step, i) => {
      if (i === leaf.steps.length - 1) holder = { names: [...names], labelled, sub };
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
    const last = leaf.steps.at(-1);
    const choiceView = leaf.holder && holder && last?.key !== undefined ? viewOf(field, holder.sub) : undefined;
    if (leaf.holder && holder && last?.key !== undefined && choiceView?.option) {
      const text = choiceText(leaf.holder, choiceView.values, lang);
      if (text !== undefined) {
        if (choices.has(leaf.holder)) continue;
        choices.add(leaf.holder);
        const path = leaf.path.slice(0, -(last.key.length + 1));
        out.push({ path, ...(holder.labelled ? { label: holder.names.join(' › ') } : {}), value: text, shown: text });
        continue;
      }
    }
    if (skip) continue;
    const view = viewOf(field, sub);
    const v = leaf.value;
    let shown: string | undefined;
    if (view?.dateFormat) shown = letterDate(v, view.dateFormat, lang);
    if (shown === undefined && typeof v === 'string' && isHtml(view?.html, leaf.holder)) shown = htmlAsText(v);
    if (shown === undefined && typeof v === 'string') shown = letterDateTime(v, lang);
    // A system's true or false (JSON's, not a text that says `true`) is a yes or a no to the reader; so is a text
    // where the field's format says it is one (dBase type L's `T`/`F`, GA4's `Yes`/`No`: `logical`).
    if (typeof v === 'boolean') shown = tr(lang, v ? 'valueTrue' : 'valueFalse');
    else if (typeof v === 'string' && view?.logical) {
      const yesNo = logicalValue(view.logical, v);
      if (yesNo !== undefined) shown = tr(lang, yesNo ? 'valueTrue' : 'valueFalse');
    }
    // A code may be a number (Spiris's `RotReducedInvoicingType` `2`): the table names it as text.
    if ((typeof v === 'string' || typeof v === 'number') && view?.values) shown = codesText(view.values, view.valueList, String(v), lang) ?? shown;
    if (typeof v === 'number' && view?.share) shown = shareText(v, lang) ?? shown;
    out.push({ path: leaf.path, ...(labelled ? { label: names.join(' › ') } : {}), value: v, shown: shown ?? (v === null ? '' : String(v)) });
  }
  return out;
}

/** True or false for a text the field lists as a yes or a no (without case and surrounding spaces); undefined for any other. */
function logicalValue(logical: FieldLogical, v: string): boolean | undefined {
  const t = v.trim().toUpperCase();
  if (logical.yes.some((y) => y.toUpperCase() === t)) return true;
  if (logical.no.some((n) => n.toUpperCase() === t)) return false;
  return undefined;
}

/**
 * A share written as a fraction (`share`: Spiris's `PercentVat` `0.25`) as
 * a percentage in the letter's language: `25 %`, `12,5 %` in Swedish (a
 * space before the sign, Språkrådet's rule), `25%`, `12.5%` in English.
 * Undefined for a number outside 0 to 1, which is then shown as it is.
 */
function shareText(v: number, lang: ExtractLang): string | undefined {
  if (!Number.isFinite(v) || v < 0 || v > 1) return undefined;
  // 0.07 * 100 is 7.000000000000001 in binary floating point; twelve digits are more than any rate has.
  const percent = String(Number((v * 100).toPrecision(12)));
  return lang === 'sv' ? `${percent.replace('.', ',')}\u00a0%` : `${percent}%`;
}

/** The codes of each table, by the code without case and surrounding spaces. */
const codeTables = new WeakMap<FieldValues, Map<string, { sv: string; en: string }>>();

/** The words for a code in the letter's language; undefined for a code the table does not name (or names without words). */
function codeWords(values: FieldValues, code: string, lang: ExtractLang): string | undefined {
  let table = codeTables.get(values);
  if (!table) {
    table = new Map();
    for (const [k, w] of Object.entries(values)) table.set(k.trim().toLowerCase(), w);
    codeTables.set(values, table);
  }
  const words: unknown = table.get(code.trim().toLowerCase())?.[lang];
  return typeof words === 'string' && words.trim() !== '' ? words : undefined;
}

/**
 * A field's code (`values`) in the letter's words; or, where the value
 * lists codes (`valueList`), each code in words and each owner before its
 * codes (`info@ojco.example: Mottaget, Levererat`). Undefined when the
 * table names no code of the value: the letter then shows it as it is.
 */
function codesText(values: FieldValues, list: FieldValueList | undefined, v: string, lang: ExtractLang): string | undefined {
  if (!list) return codeWords(values, v, lang);
  let known = false;
  const items = v
    .split(list.items)
    .filter((item) => item.trim() !== '')
    .map((item) => {
      const at = list.owner === '' ? -1 : item.indexOf(list.owner);
      const owner = at >= 0 ? item.slice(0, at).trim() : '';
      const codes = (at >= 0 ? item.slice(at + list.owner.length) : item)
        .split(list.codes)
        .map((c) => c.trim())
        .filter((c) => c !== '')
        .map((c) => {
          const words = codeWords(values, c, lang);
          if (words !== undefined) known = true;
          return words ?? c;
        });
      return owner !== '' ? `${owner}: ${codes.join(', ')}` : codes.join(', ');
    });
  return known ? items.join('; ') : undefined;
}

function partOf(field: FieldDescription | undefined, sub: string): FieldPart | undefined {
  return field?.parts && Object.hasOwn(field.parts, sub) ? field.parts[sub] : undefined;
}

/** How the letter shows the field (`sub` empty) or its part `sub`. */
function viewOf(field: FieldDescription | undefined, sub: string): FieldPart | FieldDescription | undefined {
  return sub === '' ? field : partOf(field, sub);
}

const CHOICE_KEYS = new Set(['id', 'key', 'text']);

/**
 * The text of a choice as Lime's REST API gives one (formats.md §1.2:
 * `{"key": "active", "id": 108601, "text": "Aktiv kund"}`): its text, or
 * where it has none its key, in the words the field's `values` give for it
 * if they do. Undefined for an object of any other shape (another property,
 * a text that is not one), which the letter then shows property by property
 * as it shows any object.
 */
function choiceText(o: Record<string, unknown>, values: FieldValues | undefined, lang: ExtractLang): string | undefined {
  const keys = Object.keys(o);
  if (keys.length === 0 || !keys.every((k) => CHOICE_KEYS.has(k))) return undefined;
  const { key, text, id } = o;
  const word = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
  if (!word(key) || !word(text) || !(word(id) || typeof id === 'number')) return undefined;
  const t = typeof text === 'string' ? text.trim() : '';
  if (t !== '') return t;
  const k = typeof key === 'string' ? key.trim() : '';
  if (k === '') return undefined;
  return (values && codeWords(values, k, lang)) ?? k;
}

/** The name an item of a list gives itself in its `itemKey` property; undefined when it has none. */
function itemName(itemKey: string | undefined, item: unknown): string | undefined {
  if (itemKey === undefined || item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
  const name: unknown = (item as Record<string, unknown>)[itemKey];
  if (typeof name === 'number') return String(name);
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}
