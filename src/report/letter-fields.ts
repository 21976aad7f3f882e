/**
 * How the letter to the person names a record's fields and shows their
 * dates. Systems name fields by codes (`KUNDNR`, vCard's `FN`) and write
 * dates in their own notations (`19800131`, seconds since 1970); the
 * connectors' descriptions give each such field a label in both languages
 * and its date format (`FieldDescription.label`, `dateFormat`).
 *
 * Only the letter reads this. The JSON, CSV and XLSX keep the system's
 * names and values as exported: scripts read them (docs/extract.md).
 */
import { fromDayNumber, formatIsoDate, parseIsoDate } from '../core/law/dates.ts';
import { describedField, type ConnectorDescription, type FieldDateFormat, type FieldDescription } from '../sources/contract.ts';
import type { ExtractLang, ExtractRecord } from './extract-schema.ts';

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
export function fieldLabel(field: FieldDescription | undefined, lang: ExtractLang): string | undefined {
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
