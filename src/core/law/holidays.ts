/**
 * Swedish public holidays and working days. Pure: no I/O, no clock.
 *
 * Allmänna helgdagar per Lag (1989:253) om allmänna helgdagar 1–2 §§, as
 * amended by SFS 2004:1320 (legal-rules.md §1.3): from 2005 nationaldagen
 * (6 June) is a helgdag and annandag pingst is not; before 2005 it was the
 * other way round.
 *
 * Two working-day profiles (legal-rules.md §1.4, DL-2, DL-4):
 * - `EU`: Reg 1182/71 art 2(2) and 3(4). Non-working = Saturday, Sunday and
 *   the Member State's public holidays, i.e. the allmänna helgdagar. This is
 *   the profile for GDPR deadlines.
 * - `SE1930`: Lag (1930:173) om beräkning av lagstadgad tid 2 §, which also
 *   treats midsommarafton, julafton and nyårsafton like a Saturday. It applies
 *   to Swedish statutory time limits only; for GDPR it is information (DL-4).
 */
import {
  SATURDAY,
  SUNDAY,
  addDays,
  formatIsoDate,
  fromDayNumber,
  toCivilDate,
  toDayNumber,
  weekday,
  type CivilDate,
  type DateInput,
} from './dates.ts';

export interface SwedishHoliday {
  /** `YYYY-MM-DD` */
  date: string;
  /** Swedish name as in Lag 1989:253, lower case (`juldagen`). */
  name: string;
  nameEn: string;
}

export type WorkingDayProfile = 'EU' | 'SE1930';

/** The three eves that Lag 1930:173 2 § treats like Saturdays. None is an allmän helgdag (DL-4). */
export type EveName = 'midsommarafton' | 'julafton' | 'nyårsafton';

export const EVE_NAMES_EN: Readonly<Record<EveName, string>> = {
  midsommarafton: 'Midsummer Eve',
  julafton: 'Christmas Eve',
  nyårsafton: "New Year's Eve",
};

/**
 * The first year modelled. In 1953 midsommardagen and alla helgons dag moved
 * to the Saturdays in 20–26 June and 31 Oct–6 Nov `[M]`; the list of
 * helgdagar was otherwise the pre-2005 one until SFS 2004:1320. Earlier years
 * are refused rather than answered wrongly (GDPR requests start in 2018).
 */
export const FIRST_MODELLED_YEAR = 1953;
/** The last year a date given to the tool may have: the bound only catches typos such as 20266 or 3026 before they become a case. */
export const LAST_MODELLED_YEAR = 2199;

/** Is the year one a date given to the tool may have (FIRST_MODELLED_YEAR to LAST_MODELLED_YEAR)? */
export function isModelledYear(year: number): boolean {
  return year >= FIRST_MODELLED_YEAR && year <= LAST_MODELLED_YEAR;
}

/** The 2004 amendment (SFS 2004:1320) took effect on 1 January 2005. */
const NATIONALDAGEN_FROM = 2005;

/**
 * Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher),
 * the same computus as deadline_calc.py. Lag 1989:253: "påskdagen = the
 * Sunday after the full moon on or after 21 March" (ecclesiastical moon).
 */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

interface YearTable {
  /** Named helgdagar, sorted by date. Two may share a date (e.g. 2008-05-01 was also Kristi himmelsfärdsdag). */
  readonly holidays: readonly Readonly<SwedishHoliday>[];
  /** Day numbers of the named helgdagar (Sundays are tested separately). */
  readonly helgdagDays: ReadonlySet<number>;
  readonly eves: ReadonlyMap<number, EveName>;
}

const tables = new Map<number, YearTable>();

/** The first `wd` (0 = Monday) on or after `from`. */
function firstWeekdayOnOrAfter(from: CivilDate, wd: number): CivilDate {
  return addDays(from, (wd - weekday(from) + 7) % 7);
}

function buildYear(year: number): YearTable {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number): CivilDate => ({ year, month, day });
  // Midsommardagen: the Saturday in 20–26 June; alla helgons dag: the Saturday in 31 Oct–6 Nov (1989:253 1 §).
  const midsommardagen = firstWeekdayOnOrAfter(fixed(6, 20), SATURDAY);
  const allaHelgonsDag = firstWeekdayOnOrAfter(fixed(10, 31), SATURDAY);

  const entries: [CivilDate, string, string][] = [
    [fixed(1, 1), 'nyårsdagen', "New Year's Day"],
    [fixed(1, 6), 'trettondedag jul', 'Epiphany'],
    [addDays(easter, -2), 'långfredagen', 'Good Friday'],
    [easter, 'påskdagen', 'Easter Sunday'],
    [addDays(easter, 1), 'annandag påsk', 'Easter Monday'],
    [fixed(5, 1), 'första maj', 'May Day'],
    // "Sjätte torsdagen efter påskdagen" = påskdagen + 39.
    [addDays(easter, 39), 'Kristi himmelsfärdsdag', 'Ascension Day'],
    // "Sjunde söndagen efter påskdagen" = påskdagen + 49, always a Sunday.
    [addDays(easter, 49), 'pingstdagen', 'Whit Sunday'],
    [midsommardagen, 'midsommardagen', 'Midsummer Day'],
    [allaHelgonsDag, 'alla helgons dag', "All Saints' Day"],
    [fixed(12, 25), 'juldagen', 'Christmas Day'],
    [fixed(12, 26), 'annandag jul', 'Boxing Day'],
  ];
  if (year >= NATIONALDAGEN_FROM) {
    // SFS 2004:1320: nationaldagen in, annandag pingst out, from 2005.
    entries.push([fixed(6, 6), 'nationaldagen', 'National Day']);
  } else {
    entries.push([addDays(easter, 50), 'annandag pingst', 'Whit Monday']);
  }

  const dated = entries
    .map(([d, name, nameEn]) => ({ n: toDayNumber(d), holiday: Object.freeze({ date: formatIsoDate(d), name, nameEn }) }))
    .sort((x, y) => x.n - y.n);

  // Lag 1930:173 2 §. Midsommarafton is the Friday before midsommardagen (the Friday in 19–25 June).
  const eves = new Map<number, EveName>([
    [toDayNumber(addDays(midsommardagen, -1)), 'midsommarafton'],
    [toDayNumber(fixed(12, 24)), 'julafton'],
    [toDayNumber(fixed(12, 31)), 'nyårsafton'],
  ]);

  return {
    holidays: Object.freeze(dated.map((x) => x.holiday)),
    helgdagDays: new Set(dated.map((x) => x.n)),
    eves,
  };
}

function tableFor(year: number): YearTable {
  let t = tables.get(year);
  if (!t) {
    if (!Number.isInteger(year) || year < FIRST_MODELLED_YEAR) {
      throw new RangeError(`Swedish holidays are modelled from ${FIRST_MODELLED_YEAR} onwards, not for year ${year}`);
    }
    t = buildYear(year);
    tables.set(year, t);
  }
  return t;
}

/**
 * The named allmänna helgdagar of `year` (Lag 1989:253), sorted by date.
 * Ordinary Sundays are helgdagar too but are not listed; påskdagen and
 * pingstdagen are listed because they have names.
 */
export function swedishHolidays(year: number): SwedishHoliday[] {
  return tableFor(year).holidays.map((h) => ({ ...h }));
}

/** Midsommarafton, julafton and nyårsafton of `year`, sorted by date (not helgdagar; DL-4). */
export function swedishEves(year: number): { date: string; name: EveName; nameEn: string }[] {
  return [...tableFor(year).eves]
    .sort(([a], [b]) => a - b)
    .map(([n, name]) => ({ date: formatIsoDate(fromDayNumber(n)), name, nameEn: EVE_NAMES_EN[name] }));
}

/** Lag 1989:253 1 §: every Sunday, and the named days "även när de inte infaller på en söndag". */
export function isAllmanHelgdag(date: DateInput): boolean {
  const d = toCivilDate(date);
  const t = tableFor(d.year);
  return weekday(d) === SUNDAY || t.helgdagDays.has(toDayNumber(d));
}

/** The eve `date` is, if any. An eve is never an allmän helgdag (DL-4). */
export function eveName(date: DateInput): EveName | undefined {
  const d = toCivilDate(date);
  return tableFor(d.year).eves.get(toDayNumber(d));
}

/**
 * DL-2 (Reg 1182/71 art 3(4)) with profile `EU`: Saturday, Sunday or allmän helgdag.
 * DL-4 (Lag 1930:173 2 §) with profile `SE1930`: also midsommarafton, julafton, nyårsafton.
 */
export function isNonWorkingDay(date: DateInput, profile: WorkingDayProfile): boolean {
  const d = toCivilDate(date);
  const t = tableFor(d.year); // first, so an unmodelled year throws even on a weekend
  const wd = weekday(d);
  if (wd === SATURDAY || wd === SUNDAY) return true;
  const n = toDayNumber(d);
  if (t.helgdagDays.has(n)) return true;
  return profile === 'SE1930' && t.eves.has(n);
}
