/**
 * GDPR Art. 12(3) response deadlines (legal-rules.md §1, rules DL-1..DL-4).
 * Pure: no I/O, no clock; "today" is always passed in.
 *
 * The reference computation is legal-rules.md §1.2 / deadline_calc.py; the
 * worked examples in §12.2 are the tests (test/core/law/deadline.test.ts).
 */
import { addDays, addMonths, daysBetween, formatIsoDate, toCivilDate, type CivilDate, type DateInput } from './dates.ts';
import { EVE_NAMES_EN, eveName, isNonWorkingDay, type EveName, type WorkingDayProfile } from './holidays.ts';

export type DeadlineWarningCode =
  /** The response due date is midsommarafton, julafton or nyårsafton (DL-4). */
  | 'due-on-eve'
  /** Extended case: the extension notice (due by the 1-month date, DL-3) falls on an eve. */
  | 'notice-due-on-eve';

export interface DeadlineWarning {
  code: DeadlineWarningCode;
  message: string;
  messageSv: string;
  /** The date the warning is about, `YYYY-MM-DD`. */
  date: string;
  eve: EveName;
  /** The previous day that is a working day even under Lag 1930:173 2 §: the safe day to send. */
  sendBy: string;
}

export interface Deadline {
  /** Local (Europe/Stockholm) date the request reached the controller, any channel, any day (§1.2). */
  receivedDate: string;
  extended: boolean;
  /** DL-1: received + 1 calendar month, clamped to the month's last day. Always present. */
  nominalOneMonth: string;
  /** DL-2: `nominalOneMonth` rolled over Sat/Sun/allmän helgdag. The first deadline, always present: an extension may only be decided and notified up to this date. */
  oneMonthDueDate: string;
  /** DL-1 (or DL-3 when extended: + 3 months). The planning target; SLAs sit before it (DL-1b). */
  nominalDate: string;
  /** DL-2: the legal deadline, `nominalDate` rolled forward with the EU profile. */
  dueDate: string;
  /** DL-4: rolled with the Lag 1930:173 profile. Information only; never promise this date. */
  se1930DueDate: string;
  /** DL-3: an extension notice, with reasons, must reach the subject by this date (= `oneMonthDueDate`). Art. 12(4) refusals share it. */
  extensionNoticeDue: string;
  warnings: DeadlineWarning[];
  /** Rule ids that shaped the result: DL-1 always; DL-2 if the date rolled; DL-3 if extended; DL-4 if the eves matter. */
  rule: string[];
}

export interface DeadlineInput {
  /** `YYYY-MM-DD`; throws RangeError when not a valid calendar date. */
  receivedDate: string;
  /** DL-3: GDPR 12(3) "extended by two further months", i.e. 3 months from receipt. */
  extended: boolean;
}

/** DL-2 (Reg 1182/71 art 3(4)): while the day is non-working under `profile`, move to the next day. */
export function rollForward(date: CivilDate, profile: WorkingDayProfile): CivilDate {
  let d = date;
  while (isNonWorkingDay(d, profile)) d = addDays(d, 1);
  return d;
}

/** The last day before `date` that is a working day under `profile`. */
export function previousWorkingDay(date: CivilDate, profile: WorkingDayProfile): CivilDate {
  let d = addDays(date, -1);
  while (isNonWorkingDay(d, profile)) d = addDays(d, -1);
  return d;
}

export function computeDeadline(input: DeadlineInput): Deadline {
  const received = toCivilDate(input.receivedDate);

  // DL-1: one calendar month, same day-number, clamped (Reg 1182/71 art 3(2)(c)). The
  // receipt day itself is not counted (art 3(1)) and holidays inside the period are (art 3(3), DL-1c).
  const nominal1 = addMonths(received, 1);
  // DL-2: only the last day is adjusted, forward over Sat/Sun/allmän helgdag.
  const due1 = rollForward(nominal1, 'EU');

  // DL-3: an extension runs 3 months from receipt, not 2 months from the first deadline.
  const nominal = input.extended ? addMonths(received, 3) : nominal1;
  const due = input.extended ? rollForward(nominal, 'EU') : due1;
  // DL-4: the Swedish 1930:173 reading also skips the eves; shown, never relied on.
  const se1930Due = rollForward(nominal, 'SE1930');

  const warnings: DeadlineWarning[] = [];
  const seen = new Set<string>();
  // DL-4: "if the nominal or EU due date is an eve, warn". An eve that falls on a weekend is
  // already non-working under the EU profile and the date rolls past it, so only eves that
  // are EU working days are reported (for a nominal date that means nominal === due).
  for (const d of [nominal, due]) {
    const w = eveWarning(d, 'due-on-eve');
    if (w && !seen.has(w.date)) {
      seen.add(w.date);
      warnings.push(w);
    }
  }
  if (input.extended) {
    // DL-3: the notice deadline is a deadline too; the same eve problem applies to it.
    const w = eveWarning(due1, 'notice-due-on-eve');
    if (w) warnings.push(w);
  }

  const rule = ['DL-1'];
  if (formatIsoDate(due) !== formatIsoDate(nominal) || formatIsoDate(due1) !== formatIsoDate(nominal1)) rule.push('DL-2');
  if (input.extended) rule.push('DL-3');
  if (warnings.length > 0 || formatIsoDate(se1930Due) !== formatIsoDate(due)) rule.push('DL-4');

  return {
    receivedDate: formatIsoDate(received),
    extended: input.extended,
    nominalOneMonth: formatIsoDate(nominal1),
    oneMonthDueDate: formatIsoDate(due1),
    nominalDate: formatIsoDate(nominal),
    dueDate: formatIsoDate(due),
    se1930DueDate: formatIsoDate(se1930Due),
    extensionNoticeDue: formatIsoDate(due1),
    warnings,
    rule,
  };
}

function eveWarning(date: CivilDate, code: DeadlineWarningCode): DeadlineWarning | undefined {
  const eve = eveName(date);
  if (!eve || isNonWorkingDay(date, 'EU')) return undefined;
  const iso = formatIsoDate(date);
  const sendBy = formatIsoDate(previousWorkingDay(date, 'SE1930'));
  const what = code === 'due-on-eve' ? 'The due date' : 'The extension notice deadline';
  const whatSv = code === 'due-on-eve' ? 'Sista dagen' : 'Sista dagen för besked om förlängning';
  return {
    code,
    date: iso,
    eve,
    sendBy,
    message:
      `${what} ${iso} is ${eve} (${EVE_NAMES_EN[eve]}). It is not an allmän helgdag, so the deadline does not ` +
      `move (Reg 1182/71 art 3(4); Lag 1989:253), but it is a de facto non-working day: ` +
      `send on the previous working day, ${sendBy}.`,
    messageSv:
      `${whatSv} ${iso} är ${eve}. Den är ingen allmän helgdag (lag 1989:253), så fristen förlängs inte ` +
      `(förordning 1182/71 art. 3.4), men dagen är i praktiken arbetsfri: skicka senast föregående arbetsdag, ${sendBy}.`,
  };
}

/**
 * Calendar days from `today` to `dueDate`: 0 on the due date (the period runs to the end of
 * that day, Reg 1182/71 art 3(2)(c)), negative when overdue.
 */
export function daysLeft(dueDate: DateInput, today: DateInput): number {
  return daysBetween(toCivilDate(today), toCivilDate(dueDate));
}
