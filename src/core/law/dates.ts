/**
 * Civil (calendar) dates without time zones. Pure: no I/O, no clock.
 *
 * Deadlines are counted in whole calendar days (Reg 1182/71 art 3), so a
 * date here is a day in the proleptic Gregorian calendar, never an instant.
 * The request's receipt date is the *local* date in Europe/Stockholm
 * (legal-rules.md §1.2); turning an instant into that date is the caller's job.
 *
 * At the API, dates are ISO strings `YYYY-MM-DD`. Internally a date is
 * `{ year, month, day }` and arithmetic goes through an integer day number
 * (days since 1970-01-01), using Howard Hinnant's `days_from_civil` /
 * `civil_from_days` algorithms: exact for every year, no `Date`, no DST, and
 * none of `Date.UTC`'s quirks (years 0–99 are mapped to 1900–1999).
 */

export interface CivilDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/** An ISO `YYYY-MM-DD` string or an already parsed date. */
export type DateInput = string | CivilDate;

/** Day of the week, 0 = Monday … 6 = Sunday (as Python's `date.weekday()`, used by deadline_calc.py). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const MONDAY = 0;
export const FRIDAY = 4;
export const SATURDAY = 5;
export const SUNDAY = 6;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Strict parse: exactly `YYYY-MM-DD` and a real calendar date.
 * `2026-02-29`, `2026-2-1`, `2026-01-01T00:00` and `20260101` are all rejected.
 */
export function parseIsoDate(s: string): CivilDate | undefined {
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function formatIsoDate(d: CivilDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/**
 * Accept either form. A malformed string is a caller bug here (input from
 * users is validated with `parseIsoDate` at the edge), so it throws.
 */
export function toCivilDate(input: DateInput): CivilDate {
  if (typeof input !== 'string') return input;
  const d = parseIsoDate(input);
  if (!d) throw new RangeError(`Not a valid calendar date in YYYY-MM-DD form: "${input}"`);
  return d;
}

/** Days since 1970-01-01 (negative before). Hinnant's `days_from_civil`. */
export function toDayNumber(d: CivilDate): number {
  const y = d.month <= 2 ? d.year - 1 : d.year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const mp = d.month > 2 ? d.month - 3 : d.month + 9; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + d.day - 1; // [0, 365]
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/** Inverse of `toDayNumber`. Hinnant's `civil_from_days`. */
export function fromDayNumber(n: number): CivilDate {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // [0, 365]
  const mp = Math.floor((5 * doy + 2) / 153); // March = 0
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function addDays(d: CivilDate, n: number): CivilDate {
  return fromDayNumber(toDayNumber(d) + n);
}

/**
 * DL-1 (Reg 1182/71 art 3(2)(c); Lag 1930:173 1 §): a period of n months
 * ends on the same day-number n calendar months later; if that month is too
 * short, on its last day. Never "30 days" (DL-1a). Negative n counts back.
 */
export function addMonths(d: CivilDate, n: number): CivilDate {
  const t = d.month - 1 + n;
  const year = d.year + Math.floor(t / 12);
  const month = (((t % 12) + 12) % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

/** 0 = Monday … 6 = Sunday. 1970-01-01 (day 0) was a Thursday (3). */
export function weekday(d: CivilDate): Weekday {
  return ((((toDayNumber(d) + 3) % 7) + 7) % 7) as Weekday;
}

/** Negative if a < b, 0 if equal, positive if a > b (usable with `Array.sort`). */
export function compareDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** Whole days from a to b: positive when b is later. `daysBetween(d, addDays(d, n)) === n`. */
export function daysBetween(a: CivilDate, b: CivilDate): number {
  return toDayNumber(b) - toDayNumber(a);
}
