import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  compareDates,
  daysBetween,
  formatIsoDate,
  fromDayNumber,
  parseIsoDate,
  toCivilDate,
  toDayNumber,
  weekday,
} from '../../../src/core/law/dates.ts';
import { isNonWorkingDay } from '../../../src/core/law/holidays.ts';
import { computeDeadline, daysLeft } from '../../../src/core/law/deadline.ts';

const WEEKDAY = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const wd = (iso: string): string => WEEKDAY[weekday(toCivilDate(iso))] ?? '?';

// legal-rules.md §12.2, copied with the weekdays the table states, so the
// table's own weekday claims are checked as well.
const EXAMPLES = [
  { id: 'E1', received: '2026-01-31 Sat', nominal: '2026-02-28 Sat', eu: '2026-03-02 Mon', se: '2026-03-02' },
  { id: 'E2', received: '2026-11-24 Tue', nominal: '2026-12-24 Thu', eu: '2026-12-24 Thu', se: '2026-12-28 Mon' },
  { id: 'E3', received: '2026-11-25 Wed', nominal: '2026-12-25 Fri', eu: '2026-12-28 Mon', se: '2026-12-28' },
  { id: 'E4', received: '2026-03-05 Thu', nominal: '2026-04-05 Sun', eu: '2026-04-07 Tue', se: '2026-04-07' },
  { id: 'E5', received: '2026-03-03 Tue', nominal: '2026-04-03 Fri', eu: '2026-04-07 Tue', se: '2026-04-07' },
  { id: 'E6', received: '2026-04-14 Tue', nominal: '2026-05-14 Thu', eu: '2026-05-15 Fri', se: '2026-05-15' },
  { id: 'E7', received: '2026-05-06 Wed', nominal: '2026-06-06 Sat', eu: '2026-06-08 Mon', se: '2026-06-08' },
  { id: 'E8', received: '2026-05-19 Tue', nominal: '2026-06-19 Fri', eu: '2026-06-19 Fri', se: '2026-06-22 Mon' },
  { id: 'E9', received: '2029-11-30 Fri', nominal: '2029-12-30 Sun', eu: '2029-12-31 Mon', se: '2030-01-02 Wed' },
  { id: 'E10', received: '2028-11-30 Thu', nominal: '2028-12-30 Sat', eu: '2029-01-02 Tue', se: '2029-01-02' },
  { id: 'E11', received: '2026-12-01 Tue', nominal: '2027-01-01 Fri', eu: '2027-01-04 Mon', se: '2027-01-04' },
  { id: 'E12', received: '2026-08-31 Mon', nominal: '2026-09-30 Wed', eu: '2026-09-30', se: '2026-09-30' },
  { id: 'E13', received: '2026-12-31 Thu', nominal: '2027-01-31 Sun', eu: '2027-02-01 Mon', se: '2027-02-01' },
] as const;

const EVE_WARNINGS: Record<string, { date: string; eve: string; sendBy: string }> = {
  E2: { date: '2026-12-24', eve: 'julafton', sendBy: '2026-12-23' },
  E8: { date: '2026-06-19', eve: 'midsommarafton', sendBy: '2026-06-18' },
  E9: { date: '2029-12-31', eve: 'nyårsafton', sendBy: '2029-12-28' },
};

/** `'2026-01-31 Sat'` → date and asserted weekday. */
function split(s: string): { date: string; day: string | undefined } {
  const [date = '', day] = s.split(' ');
  return { date, day };
}

describe('computeDeadline: legal-rules.md §12.2 (DL-1, DL-2, DL-4)', () => {
  it.each(EXAMPLES)('$id: received $received', (ex) => {
    const received = split(ex.received);
    const nominal = split(ex.nominal);
    const eu = split(ex.eu);
    const se = split(ex.se);
    const r = computeDeadline({ receivedDate: received.date, extended: false });

    expect(r.nominalDate).toBe(nominal.date);
    expect(r.dueDate).toBe(eu.date);
    expect(r.se1930DueDate).toBe(se.date);
    // Not extended: the one-month fields are the same dates.
    expect(r.nominalOneMonth).toBe(nominal.date);
    expect(r.oneMonthDueDate).toBe(eu.date);
    expect(r.extensionNoticeDue).toBe(eu.date);
    expect(r.extended).toBe(false);
    expect(r.rule[0]).toBe('DL-1');
    expect(r.rule.includes('DL-2')).toBe(nominal.date !== eu.date);

    for (const p of [received, nominal, eu, se]) {
      if (p.day) expect(wd(p.date), `${ex.id} weekday of ${p.date}`).toBe(p.day);
    }

    const eve = EVE_WARNINGS[ex.id];
    if (eve) {
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatchObject({ code: 'due-on-eve', ...eve });
      expect(r.warnings[0]?.message).toContain('previous working day');
      expect(r.warnings[0]?.messageSv).toContain('föregående arbetsdag');
      expect(r.rule).toContain('DL-4');
    } else {
      expect(r.warnings).toEqual([]);
    }
  });

  it('E2: under the strict EU rule julafton is a working day; SE1930 would be 28 Dec (§1.4)', () => {
    const r = computeDeadline({ receivedDate: '2026-11-24', extended: false });
    expect(r.dueDate).toBe('2026-12-24');
    expect(r.se1930DueDate).toBe('2026-12-28');
    expect(r.rule).toEqual(['DL-1', 'DL-4']);
  });

  it('IMY examples: 5 March → 5 April (rolled over Easter in 2026); 25 Nov → 27 Dec "if a working day"', () => {
    // 2025: 25 Dec Thu, 26 Dec Fri, 27–28 weekend → Mon 29 Dec (deadline_calc.py output).
    expect(computeDeadline({ receivedDate: '2025-11-25', extended: false }).dueDate).toBe('2025-12-29');
    // 2024: 25 Dec Wed, 26 Dec Thu → Fri 27 Dec, IMY's "t.ex. den 27 december".
    expect(computeDeadline({ receivedDate: '2024-11-25', extended: false }).dueDate).toBe('2024-12-27');
    expect(computeDeadline({ receivedDate: '2027-03-05', extended: false }).dueDate).toBe('2027-04-05');
  });
});

describe('computeDeadline: extension (DL-3), legal-rules.md §12.2 notes', () => {
  // The memo gives nominal and EU due; SE1930 due is from deadline_calc.py's own output.
  const EXTENDED = [
    { received: '2026-01-31', nominal: '2026-04-30', eu: '2026-04-30', se: '2026-04-30', notice: '2026-03-02', nominal1: '2026-02-28' },
    { received: '2026-01-06', nominal: '2026-04-06', eu: '2026-04-07', se: '2026-04-07', notice: '2026-02-06', nominal1: '2026-02-06' },
    { received: '2026-11-30', nominal: '2027-02-28', eu: '2027-03-01', se: '2027-03-01', notice: '2026-12-30', nominal1: '2026-12-30' },
  ] as const;

  it.each(EXTENDED)('received $received → nominal $nominal, due $eu, notice by $notice', (ex) => {
    const r = computeDeadline({ receivedDate: ex.received, extended: true });
    expect(r.extended).toBe(true);
    expect(r.nominalDate).toBe(ex.nominal);
    expect(r.dueDate).toBe(ex.eu);
    expect(r.se1930DueDate).toBe(ex.se);
    expect(r.extensionNoticeDue).toBe(ex.notice);
    expect(r.oneMonthDueDate).toBe(ex.notice);
    expect(r.nominalOneMonth).toBe(ex.nominal1);
    expect(r.rule).toContain('DL-3');
    expect(r.warnings).toEqual([]);
  });

  it('the weekdays the memo states: 2026-04-30 Thu, 2026-04-06 annandag påsk (Mon), 2027-02-28 Sun', () => {
    expect(wd('2026-04-30')).toBe('Thu');
    expect(wd('2026-04-06')).toBe('Mon');
    expect(wd('2027-02-28')).toBe('Sun');
  });

  it('warns when the extension notice deadline is an eve (E2 extended)', () => {
    const r = computeDeadline({ receivedDate: '2026-11-24', extended: true });
    expect(r.dueDate).toBe('2027-02-24');
    expect(r.extensionNoticeDue).toBe('2026-12-24');
    expect(r.warnings.map((w) => w.code)).toEqual(['notice-due-on-eve']);
  });

  it('an eve on a weekend is not warned about: it is non-working under the EU profile anyway', () => {
    // 2028-12-24 (julafton) is a Sunday; 25 and 26 Dec are helgdagar → Wed 27 Dec.
    const r = computeDeadline({ receivedDate: '2028-11-24', extended: false });
    expect(r.nominalDate).toBe('2028-12-24');
    expect(r.dueDate).toBe('2028-12-27');
    expect(r.warnings).toEqual([]);
  });

  it('rejects a malformed receipt date', () => {
    expect(() => computeDeadline({ receivedDate: '2026-02-30', extended: false })).toThrow(RangeError);
    expect(() => computeDeadline({ receivedDate: '26-01-01', extended: false })).toThrow(RangeError);
  });
});

describe('computeDeadline: invariants (fast-check)', () => {
  const dateArb = fc.integer({ min: toDayNumber({ year: 2000, month: 1, day: 1 }), max: toDayNumber({ year: 2100, month: 12, day: 31 }) });

  it('due is the first EU working day on or after nominal; SE1930 is never earlier; DL-1 day-number', () => {
    fc.assert(
      fc.property(dateArb, fc.boolean(), (n, extended) => {
        const received = fromDayNumber(n);
        const r = computeDeadline({ receivedDate: formatIsoDate(received), extended });
        const nominal = toCivilDate(r.nominalDate);
        const due = toCivilDate(r.dueDate);
        const se = toCivilDate(r.se1930DueDate);
        expect(isNonWorkingDay(due, 'EU')).toBe(false);
        expect(isNonWorkingDay(se, 'SE1930')).toBe(false);
        for (let d = nominal; compareDates(d, due) < 0; d = addDays(d, 1)) expect(isNonWorkingDay(d, 'EU')).toBe(true);
        expect(compareDates(se, due)).toBeGreaterThanOrEqual(0);
        // Rolling never takes long: the longest run is Easter or Christmas (≤ 4 days), plus weekends.
        expect(daysBetween(nominal, due)).toBeLessThanOrEqual(4);
        // DL-1: same day-number, or the last day of a shorter month.
        expect(nominal.day === received.day || (nominal.day < received.day && addDays(nominal, 1).day === 1)).toBe(true);
        expect(compareDates(toCivilDate(r.oneMonthDueDate), due)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('daysLeft', () => {
  it('counts calendar days; 0 on the due date; negative when overdue', () => {
    expect(daysLeft('2026-12-28', '2026-12-20')).toBe(8);
    expect(daysLeft('2026-12-28', '2026-12-28')).toBe(0);
    expect(daysLeft('2026-12-28', '2027-01-02')).toBe(-5);
    expect(daysLeft('2029-03-01', '2028-02-28')).toBe(367); // across 29 Feb 2028
  });
});

describe('dates', () => {
  it('parseIsoDate is strict', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of ['2026-02-29', '1900-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '2026-01-01T00:00', ' 2026-01-01', '20260101', '']) {
      expect(parseIsoDate(bad), bad).toBeUndefined();
    }
    expect(parseIsoDate('2000-02-29')).toBeDefined();
  });

  it('addMonths clamps to the end of the month (DL-1)', () => {
    const am = (s: string, n: number): string => formatIsoDate(addMonths(toCivilDate(s), n));
    expect(am('2026-01-31', 1)).toBe('2026-02-28');
    expect(am('2028-01-31', 1)).toBe('2028-02-29');
    expect(am('2026-03-31', 1)).toBe('2026-04-30');
    expect(am('2026-11-30', 3)).toBe('2027-02-28');
    expect(am('2026-12-31', 1)).toBe('2027-01-31');
    expect(am('2026-01-15', -1)).toBe('2025-12-15');
    expect(am('2026-03-31', -13)).toBe('2025-02-28');
  });

  it('day numbers and weekdays agree with Date.UTC (years 1600–2400)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1600, 0, 1) / 864e5, max: Date.UTC(2400, 11, 31) / 864e5 }), (n) => {
        const js = new Date(n * 864e5);
        const d = fromDayNumber(n);
        expect(d).toEqual({ year: js.getUTCFullYear(), month: js.getUTCMonth() + 1, day: js.getUTCDate() });
        expect(toDayNumber(d)).toBe(n);
        expect(weekday(d)).toBe((js.getUTCDay() + 6) % 7);
        expect(formatIsoDate(d)).toBe(js.toISOString().slice(0, 10));
      }),
      { numRuns: 5000 },
    );
  });

  it('compareDates and daysBetween', () => {
    const a = toCivilDate('2026-12-31');
    const b = toCivilDate('2027-01-01');
    expect(compareDates(a, b)).toBeLessThan(0);
    expect(compareDates(b, a)).toBeGreaterThan(0);
    expect(compareDates(a, toCivilDate('2026-12-31'))).toBe(0);
    expect(daysBetween(a, b)).toBe(1);
    expect(daysBetween(toCivilDate('2024-01-01'), toCivilDate('2025-01-01'))).toBe(366);
    expect(formatIsoDate(addDays(a, 1))).toBe('2027-01-01');
  });
});
