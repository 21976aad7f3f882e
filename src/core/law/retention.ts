/**
 * Bookkeeping retention, BF-1 (Bokföringslagen 7 kap. 2 §, legal-rules.md §10.1):
 * räkenskapsinformation is kept "fram till och med det sjunde året efter
 * utgången av det kalenderår då räkenskapsåret avslutades", i.e. through
 * 31 December of (the year in which the financial year *ended*) + 7.
 *
 * The anchor is the end of the financial year the record belongs to, not the
 * record's own date. A broken financial year (July-June) therefore keeps an
 * invoice half a year longer than a calendar year would. Pure.
 */
import { addDays, addMonths, compareDates, daysInMonth, formatIsoDate, parseIsoDate, type CivilDate } from './dates.ts';

export const BFL_RETENTION_YEARS = 7;

export interface FiscalYearSetup {
  /** First day of every financial year as MM-DD; `01-01` is a calendar year. */
  start: string;
  /**
   * Financial years that differ from the rule (a first year extended to
   * 18 months, a change of year, BFL 3 kap.): explicit [start, end] periods.
   */
  periods?: { start: string; end: string }[];
}

export const CALENDAR_YEAR: FiscalYearSetup = { start: '01-01' };

export interface Retention {
  rule: 'BF-1';
  /** The financial year end the date is anchored to. */
  fiscalYearEnd: string;
  /** The last day the record must be kept (inclusive). */
  retainUntil: string;
  /** The first day it may be deleted (ER-5). */
  deletableFrom: string;
}

function parseMonthDay(s: string): { month: number; day: number } {
  const m = /^(\d{2})-(\d{2})$/u.exec(s);
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  // A non-leap year, so that 02-29 is refused: a year cannot start on a day that does not always exist.
  if (!m || month < 1 || month > 12 || day < 1 || day > daysInMonth(2001, month)) {
    throw new RangeError('financial year start must be a valid MM-DD');
  }
  return { month, day };
}

/** The last day of the financial year that `date` falls in. */
export function fiscalYearEnd(date: CivilDate, setup: FiscalYearSetup = CALENDAR_YEAR): CivilDate {
  for (const p of setup.periods ?? []) {
    const s = parseIsoDate(p.start);
    const e = parseIsoDate(p.end);
    if (s && e && compareDates(s, date) <= 0 && compareDates(date, e) <= 0) return e;
  }
  const { month, day } = parseMonthDay(setup.start);
  let start: CivilDate = { year: date.year, month, day };
  if (compareDates(date, start) < 0) start = { year: date.year - 1, month, day };
  return addDays(addMonths(start, 12), -1);
}

/**
 * The setup for a record whose export states its own financial years (an
 * SIE file's #RAR): those periods first, then the config's rule. The books'
 * own years are what BF-1 counts from.
 */
export function withOwnYears(setup: FiscalYearSetup | undefined, own: readonly { start: string; end: string }[] | undefined): FiscalYearSetup {
  const base = setup ?? CALENDAR_YEAR;
  if (!own || own.length === 0) return base;
  return { ...base, periods: [...own, ...(base.periods ?? [])] };
}

/**
 * BF-1 for a record with one or more booking dates. With several (an
 * invoice booked in one year and paid in the next, kontantmetoden), the
 * latest financial year end wins (BF-1a [I]).
 */
export function bookkeepingRetention(dates: (string | CivilDate)[], setup: FiscalYearSetup = CALENDAR_YEAR): Retention {
  if (dates.length === 0) throw new RangeError('a retention needs at least one date');
  let latest: CivilDate | undefined;
  for (const d of dates) {
    const c = typeof d === 'string' ? parseIsoDate(d) : d;
    if (!c) throw new RangeError('dates must be YYYY-MM-DD');
    const end = fiscalYearEnd(c, setup);
    if (!latest || compareDates(end, latest) > 0) latest = end;
  }
  const until: CivilDate = { year: latest!.year + BFL_RETENTION_YEARS, month: 12, day: 31 };
  return {
    rule: 'BF-1',
    fiscalYearEnd: formatIsoDate(latest!),
    retainUntil: formatIsoDate(until),
    deletableFrom: formatIsoDate(addDays(until, 1)),
  };
}

/**
 * BF-1a [I] across records: a document referenced by bookings of several
 * financial years, each dated by its own books (an invoice of the API
 * export, the open balance it is part of in a later year's SIE file with
 * that file's #RAR), is kept from the latest of their financial year ends.
 * `bookkeepingRetention` with several dates is the same within one set of
 * books (legal-rules.md §12.1 R6).
 */
export function latestRetention(list: readonly Retention[]): Retention {
  if (list.length === 0) throw new RangeError('a retention needs at least one date');
  return list.reduce((a, b) => (b.fiscalYearEnd > a.fiscalYearEnd ? b : a));
}
