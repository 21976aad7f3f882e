/**
 * `ojco-dsar deadline --received DATE [--extended] [--as-of DATE] [--json]`:
 * the Art. 12(3) deadline calculator (DL-1..DL-4), explained in plain words.
 */
import { addDays, compareDates, formatIsoDate, toCivilDate, weekday } from '../../core/law/dates.ts';
import { computeDeadline, daysLeft, type Deadline } from '../../core/law/deadline.ts';
import { eveName, swedishHolidays } from '../../core/law/holidays.ts';
import { ExitCode, UsageError, type Problem } from '../../errors.ts';
import { out, writeJson, writeOut, table } from '../io.ts';
import { checkDate, dateWithWeekday, longDateEn, todayInStockholm } from './case-common.ts';

export interface SkippedDay {
  date: string;
  /** Why the deadline cannot end that day: `lördag`, `söndag` or the helgdag's name (Lag 1989:253). */
  why: string;
}

/** The days DL-2 rolled the deadline over, each with its reason. */
export function skippedDays(nominal: string, due: string): SkippedDay[] {
  const out: SkippedDay[] = [];
  let d = toCivilDate(nominal);
  const end = toCivilDate(due);
  while (compareDates(d, end) < 0) {
    const iso = formatIsoDate(d);
    const holiday = swedishHolidays(d.year).filter((h) => h.date === iso).map((h) => h.name);
    const wd = weekday(d);
    const reasons = [...(wd === 5 ? ['lördag'] : wd === 6 ? ['söndag'] : []), ...holiday];
    out.push({ date: iso, why: reasons.join(', ') || 'helgdag' });
    d = addDays(d, 1);
  }
  return out;
}

export interface DeadlineJson extends Deadline {
  asOf: string;
  /** Calendar days from asOf to dueDate; 0 on the due date, negative when passed. */
  daysLeft: number;
  /** DL-2: the days the due date was moved over (nominal → due). */
  skipped: SkippedDay[];
  /** When not extended: what an extension (DL-3) would give. */
  ifExtended?: { nominalDate: string; dueDate: string; noticeBy: string };
}

export function deadlineJson(receivedDate: string, extended: boolean, asOf: string): DeadlineJson {
  const d = computeDeadline({ receivedDate, extended });
  const doc: DeadlineJson = { ...d, asOf, daysLeft: daysLeft(d.dueDate, asOf), skipped: skippedDays(d.nominalDate, d.dueDate) };
  if (!extended) {
    const x = computeDeadline({ receivedDate, extended: true });
    doc.ifExtended = { nominalDate: x.nominalDate, dueDate: x.dueDate, noticeBy: x.extensionNoticeDue };
  }
  return doc;
}

function explainRoll(nominal: string, due: string, skipped: SkippedDay[]): string {
  if (nominal === due) {
    const eve = eveName(nominal);
    return eve ? `a working day (${eve} is not an allmän helgdag, DL-4)` : 'a working day, so it stands';
  }
  // A weekend day by its English name; a holiday by its name in the statute (Lag 1989:253).
  const why = (s: SkippedDay): string => s.why.replace(/^lördag/u, 'a Saturday').replace(/^söndag/u, 'a Sunday');
  return `${skipped.map((s) => `${s.date} is ${why(s)}`).join('; ')}: moved to the next working day (DL-2)`;
}

export function renderDeadline(doc: DeadlineJson): string {
  const lines: string[] = [];
  const period = doc.extended ? 'three calendar months (one month + an extension of two, DL-3)' : 'one calendar month (DL-1)';
  lines.push(out.bold(`Request received ${longDateEn(doc.receivedDate)}`) + ` (${doc.receivedDate})`);
  lines.push('');
  const rows: string[][] = [
    ['Nominal date', dateWithWeekday(doc.nominalDate), `${period}: same day-number${doc.nominalDate.slice(8) !== doc.receivedDate.slice(8) ? ', clamped to the last day of a shorter month' : ''}`],
    ['Due date', out.bold(dateWithWeekday(doc.dueDate)), explainRoll(doc.nominalDate, doc.dueDate, doc.skipped)],
    ['SE 1930:173', dateWithWeekday(doc.se1930DueDate), 'information only: the Swedish statute also skips the eves; never promise this date (DL-4)'],
  ];
  if (doc.extended) {
    rows.push(['Notice by', dateWithWeekday(doc.extensionNoticeDue), 'the extension notice, with reasons, must reach the subject by the one-month date (DL-3)']);
  } else if (doc.ifExtended) {
    rows.push(['Extension', `notice by ${dateWithWeekday(doc.ifExtended.noticeBy)}`, `if needed: once, with reasons; the due date is then ${dateWithWeekday(doc.ifExtended.dueDate)} (DL-3)`]);
  }
  rows.push(['Refusal by', dateWithWeekday(doc.oneMonthDueDate), 'Art. 12(4): reasons + the right to complain to IMY and to go to court, within one month']);
  lines.push(table(rows));
  lines.push('');
  const left = doc.daysLeft;
  const when = left > 0 ? `${left} day${left === 1 ? '' : 's'} left` : left === 0 ? 'due today' : out.red(`the due date passed ${-left} day${left === -1 ? '' : 's'} ago`);
  lines.push(`As of ${doc.asOf}: ${when}. Plan to answer before the nominal date; the move to a working day is a tolerance, not a target (DL-1b).`);
  for (const w of doc.warnings) lines.push(out.yellow('warning: ') + w.message);
  lines.push(`Rules: ${doc.rule.join(', ')} (legal-rules.md §1)`);
  return lines.join('\n');
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const problems: Problem[] = [];
  if (opts.received === undefined) problems.push({ code: 'usage.received', message: '--received YYYY-MM-DD is required: the date the request reached you (any channel, any day)' });
  const received = checkDate('--received', opts.received, problems);
  const asOf = checkDate('--as-of', opts.asOf, problems);
  if (problems.length) throw new UsageError('invalid arguments', problems);
  const doc = deadlineJson(received!, !!opts.extended, asOf ?? todayInStockholm());
  if (opts.json) writeJson(doc);
  else writeOut(renderDeadline(doc));
  return ExitCode.Ok;
}
