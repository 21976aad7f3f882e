import { describe, it, expect } from 'vitest';
import Holidays from 'date-holidays';
import { addDays, formatIsoDate, toCivilDate, weekday } from '../../../src/core/law/dates.ts';
import {
  easterSunday,
  eveName,
  isAllmanHelgdag,
  isNonWorkingDay,
  swedishEves,
  swedishHolidays,
} from '../../../src/core/law/holidays.ts';

const WEEKDAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const wd = (iso: string): string => WEEKDAY[weekday(toCivilDate(iso))] ?? '?';
const namedDates = (year: number): string[] => [...new Set(swedishHolidays(year).map((h) => h.date))].sort();

function* daysOf(year: number): Generator<string> {
  for (let d = toCivilDate(`${year}-01-01`); d.year === year; d = addDays(d, 1)) yield formatIsoDate(d);
}

describe('legal-rules.md §1.3 tables', () => {
  it('Easter Sunday 2025–2028', () => {
    expect(formatIsoDate(easterSunday(2025))).toBe('2025-04-20');
    expect(formatIsoDate(easterSunday(2026))).toBe('2026-04-05');
    expect(formatIsoDate(easterSunday(2027))).toBe('2027-03-28');
    expect(formatIsoDate(easterSunday(2028))).toBe('2028-04-16');
  });

  it('Easter Sunday, further known dates (Gregorian computus edge cases)', () => {
    // The extremes: 22 March (1818, 2285) and 25 April (1943, 2038).
    expect(formatIsoDate(easterSunday(1818))).toBe('1818-03-22');
    expect(formatIsoDate(easterSunday(2285))).toBe('2285-03-22');
    expect(formatIsoDate(easterSunday(1943))).toBe('1943-04-25');
    expect(formatIsoDate(easterSunday(2038))).toBe('2038-04-25');
    expect(formatIsoDate(easterSunday(2024))).toBe('2024-03-31');
  });

  // Weekday helgdagar, then the ones the table says fall on Saturdays and Sundays.
  const TABLES = [
    {
      year: 2026,
      weekdays: ['01-01 Thu', '01-06 Tue', '04-03 Fri', '04-06 Mon', '05-01 Fri', '05-14 Thu', '12-25 Fri'],
      weekend: ['06-06 Sat', '06-20 Sat', '10-31 Sat', '12-26 Sat', '04-05 Sun', '05-24 Sun'],
      eves: ['06-19 Fri', '12-24 Thu', '12-31 Thu'],
    },
    {
      year: 2027,
      weekdays: ['01-01 Fri', '01-06 Wed', '03-26 Fri', '03-29 Mon', '05-06 Thu'],
      weekend: ['05-01 Sat', '06-26 Sat', '11-06 Sat', '12-25 Sat', '03-28 Sun', '05-16 Sun', '06-06 Sun', '12-26 Sun'],
      eves: ['06-25 Fri', '12-24 Fri', '12-31 Fri'],
    },
    {
      // The 2028 row lists only weekday helgdagar; the weekend ones are checked via date-holidays below.
      year: 2028,
      weekdays: ['01-06 Thu', '04-14 Fri', '04-17 Mon', '05-01 Mon', '05-25 Thu', '06-06 Tue', '12-25 Mon', '12-26 Tue'],
      weekend: undefined,
      eves: ['06-23 Fri', '12-24 Sun', '12-31 Sun'],
    },
  ] as const;

  it.each(TABLES)('$year', ({ year, weekdays, weekend, eves }) => {
    const full = (s: string): { date: string; day: string } => {
      const [md = '', day = ''] = s.split(' ');
      return { date: `${year}-${md}`, day };
    };
    const named = namedDates(year);
    const onWeekdays = named.filter((d) => !['Sat', 'Sun'].includes(wd(d)));
    expect(onWeekdays).toEqual(weekdays.map((s) => full(s).date).sort());
    if (weekend) expect(named).toEqual([...weekdays, ...weekend].map((s) => full(s).date).sort());
    for (const s of [...weekdays, ...(weekend ?? []), ...eves]) {
      const { date, day } = full(s);
      expect(wd(date), date).toBe(day);
    }
    expect(swedishEves(year).map((e) => e.date)).toEqual(eves.map((s) => full(s).date));
    expect(swedishEves(year).map((e) => e.name)).toEqual(['midsommarafton', 'julafton', 'nyårsafton']);
    for (const s of eves) {
      const { date } = full(s);
      // DL-4: an eve is never an allmän helgdag.
      expect(isAllmanHelgdag(date), date).toBe(wd(date) === 'Sun');
      expect(isNonWorkingDay(date, 'SE1930')).toBe(true);
    }
  });

  it('names for 2026, in date order', () => {
    expect(swedishHolidays(2026).map((h) => `${h.date} ${h.name}`)).toEqual([
      '2026-01-01 nyårsdagen',
      '2026-01-06 trettondedag jul',
      '2026-04-03 långfredagen',
      '2026-04-05 påskdagen',
      '2026-04-06 annandag påsk',
      '2026-05-01 första maj',
      '2026-05-14 Kristi himmelsfärdsdag',
      '2026-05-24 pingstdagen',
      '2026-06-06 nationaldagen',
      '2026-06-20 midsommardagen',
      '2026-10-31 alla helgons dag',
      '2026-12-25 juldagen',
      '2026-12-26 annandag jul',
    ]);
    expect(swedishHolidays(2026).every((h) => h.nameEn.length > 0)).toBe(true);
  });

  it('two helgdagar can share a date: Kristi himmelsfärdsdag was första maj in 2008', () => {
    const may1 = swedishHolidays(2008).filter((h) => h.date === '2008-05-01').map((h) => h.name);
    expect(may1.sort()).toEqual(['Kristi himmelsfärdsdag', 'första maj']);
  });
});

/*
 * Independent check against date-holidays (data/countries/SE.yaml, which cites
 * Lag 1989:253). What it returns for SE, inspected for 2026 and 2004:
 * - type 'public': exactly the named allmänna helgdagar from 2005 on.
 * - type 'bank': midsommarafton, julafton, nyårsafton, i.e. exactly the three
 *   eves of Lag 1930:173 2 §, so they map to our `eveName`.
 * - type 'optional' (half days from 12:00: trettondagsafton, valborgsmässoafton,
 *   allhelgonaafton) and 'observance' (påskafton, pingstafton, annandag pingst,
 *   Mors dag, ...): neither helgdagar nor 1930:173 eves; ignored.
 * - It has no entry per ordinary Sunday (Sundays are its weekly `dayoff`).
 * Known difference: annandag pingst is 'observance' in every year, so before
 * 2005 date-holidays under-reports (it was an allmän helgdag until SFS
 * 2004:1320). Only 2024–2030 are compared here; pre-2005 has its own tests.
 */
describe('every allmän helgdag 2024–2030 against date-holidays', () => {
  const hd = new Holidays('SE');
  const YEARS = [2024, 2025, 2026, 2027, 2028, 2029, 2030];

  function theirs(year: number): { publicDates: string[]; eveDates: string[] } {
    const list = hd.getHolidays(year);
    const dates = (type: string): string[] => [...new Set(list.filter((h) => h.type === type).map((h) => h.date.slice(0, 10)))].sort();
    return { publicDates: dates('public'), eveDates: dates('bank') };
  }

  it.each(YEARS)('%i: named helgdagar and eves are the same sets both ways', (year) => {
    const { publicDates, eveDates } = theirs(year);
    expect(publicDates.length).toBeGreaterThanOrEqual(12);
    expect(namedDates(year)).toEqual(publicDates);
    expect(swedishEves(year).map((e) => e.date)).toEqual(eveDates);
  });

  it.each(YEARS)('%i: every day of the year, both profiles', (year) => {
    const { publicDates, eveDates } = theirs(year);
    const pub = new Set(publicDates);
    const eves = new Set(eveDates);
    let count = 0;
    for (const date of daysOf(year)) {
      const day = wd(date);
      const weekend = day === 'Sat' || day === 'Sun';
      expect(isAllmanHelgdag(date), date).toBe(pub.has(date) || day === 'Sun');
      expect(isNonWorkingDay(date, 'EU'), date).toBe(weekend || pub.has(date));
      expect(isNonWorkingDay(date, 'SE1930'), date).toBe(weekend || pub.has(date) || eves.has(date));
      expect(eveName(date) !== undefined, date).toBe(eves.has(date));
      count++;
    }
    expect(count).toBe(year % 4 === 0 ? 366 : 365);
  });

  it('names agree too (Swedish)', () => {
    for (const year of YEARS) {
      const theirNames = new Map(hd.getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
      for (const h of swedishHolidays(year)) expect(theirNames.get(h.date), h.date).toBe(h.name);
    }
  });
});

describe('before 2005 (Lag 1989:253 before SFS 2004:1320)', () => {
  it('annandag pingst was a helgdag; nationaldagen was not', () => {
    // Easter 2004 = 11 April; annandag pingst = +50 = Monday 31 May.
    expect(formatIsoDate(easterSunday(2004))).toBe('2004-04-11');
    expect(isAllmanHelgdag('2004-05-31')).toBe(true);
    expect(isNonWorkingDay('2004-05-31', 'EU')).toBe(true);
    const names2004 = swedishHolidays(2004).map((h) => h.name);
    expect(names2004).toContain('annandag pingst');
    expect(names2004).not.toContain('nationaldagen');
    // 6 June 2004 was a Sunday, so it is a helgdag as a Sunday, not as nationaldagen.
    expect(wd('2004-06-06')).toBe('Sun');
    expect(swedishHolidays(2004).some((h) => h.date === '2004-06-06')).toBe(false);
    // A weekday 6 June before 2005 is an ordinary working day: Friday 2003-06-06, Thursday 2002-06-06.
    expect(isAllmanHelgdag('2003-06-06')).toBe(false);
    expect(isNonWorkingDay('2003-06-06', 'EU')).toBe(false);
    expect(isAllmanHelgdag('2002-06-06')).toBe(false);
  });

  it('from 2005 it is the other way round', () => {
    // 2005: Easter 27 March, annandag pingst Monday 16 May; 6 June a Monday.
    expect(isAllmanHelgdag('2005-05-16')).toBe(false);
    expect(isAllmanHelgdag('2005-06-06')).toBe(true);
    expect(swedishHolidays(2005).map((h) => h.name)).not.toContain('annandag pingst');
  });

  it('pre-2005 years otherwise match date-holidays, apart from annandag pingst (see note above)', () => {
    const hd = new Holidays('SE');
    for (const year of [1990, 1999, 2000, 2003, 2004]) {
      const theirs = new Set(hd.getHolidays(year).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
      const ours = swedishHolidays(year);
      const extra = ours.filter((h) => !theirs.has(h.date)).map((h) => h.name);
      expect(extra, String(year)).toEqual(['annandag pingst']);
      expect(theirs.size).toBe(new Set(ours.map((h) => h.date)).size - 1);
    }
  });

  it('years before 1953 are refused rather than answered wrongly', () => {
    expect(() => swedishHolidays(1952)).toThrow(RangeError);
    expect(() => isNonWorkingDay('1950-06-24', 'EU')).toThrow(RangeError);
  });
});
