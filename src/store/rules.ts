/**
 * The case rules, pure (no I/O, no clock): request types, statuses and their
 * transitions, the extension rule (DL-3), the Art. 12(4) refusal grounds,
 * case ids and the case retention. The store (cases.ts) applies them inside
 * its transactions; the CLI explains them.
 */
import { addMonths, compareDates, formatIsoDate, toCivilDate } from '../core/law/dates.ts';
import { computeDeadline, type Deadline } from '../core/law/deadline.ts';
import { UsageError } from '../errors.ts';

/** Arts 15-18, 20, 21. The first five are the interface contract of issue #5; `portability` is an addition. */
export const REQUEST_TYPES = ['access', 'erasure', 'rectification', 'restriction', 'objection', 'portability'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const REQUEST_TYPE_ARTICLE: Readonly<Record<RequestType, string>> = {
  access: 'Art. 15',
  erasure: 'Art. 17',
  rectification: 'Art. 16',
  restriction: 'Art. 18',
  objection: 'Art. 21',
  portability: 'Art. 20',
};

/** How the request reached us (AA-1: "receipt timestamp and channel"). */
export const CHANNELS = ['e-mail', 'letter', 'web-form', 'phone', 'in-person', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STATUSES = ['received', 'verified', 'in-progress', 'answered', 'refused', 'closed'] as const;
export type CaseStatus = (typeof STATUSES)[number];
/** The statuses in which the Art. 12(3) clock runs; only these count as overdue. */
export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set<CaseStatus>(['received', 'verified', 'in-progress']);

/**
 * Identity verification methods (AC-10, Art. 12(6)): ask only for what is
 * proportionate. A request from the e-mail address on file usually suffices;
 * BankID is the proportionate Swedish option; ID copies are not the default.
 */
export const VERIFICATION_METHODS = ['bankid', 'email-on-file', 'account-login', 'id-document', 'in-person', 'other'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Grounds for not acting on a request (Art. 12(4)); reasons are given in words as well. */
export const REFUSAL_GROUNDS = [
  /** Art. 12(5): manifestly unfounded; the controller bears the burden of proof (AC-11). */
  'manifestly-unfounded',
  /** Art. 12(5): excessive, in particular repetitive (AC-11). */
  'excessive',
  /** Art. 11(2), 12(2) and 12(6): the identity could not be established (AC-10). */
  'identity-not-established',
  /** Art. 17(3): an exception to erasure applies, e.g. (b) BFL 7 kap. 2 § (BF-2). */
  'erasure-exception',
  /** Art. 23 and dataskyddslagen (2018:218) 5 kap. (AC-12). */
  'legal-restriction',
  'other',
] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

/**
 * Art. 12(4): a refusal must tell the subject that they may complain to a
 * supervisory authority and seek a judicial remedy. Recorded with every
 * refusal, and with an answer that refuses part of the request (ER-4), so
 * the register shows it was given. The text lives with the rule in
 * src/core/law/complaint.ts, where the plans read it too.
 */
export { COMPLAINT_INFORMATION } from '../core/law/complaint.ts';

export const OUTCOMES = ['answered', 'refused', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Case retention after closing, in months, when the config sets no
 * `caseRetentionMonths`. `[I]`, a design choice, not a statement of law:
 * 36 months covers an IMY complaint and the supervisory follow-up that
 * usually comes within months, a claim against the controller raised within
 * the period a consumer claim would run (3 years, preskriptionslagen 2 § 2 st.
 * by analogy), and the Art. 12(5) "repetitive request" assessment, which
 * needs the history of earlier requests. Keeping case files longer would
 * collide with storage limitation (Art. 5(1)(e)); counsel may choose up to
 * the general 10-year limitation (preskriptionslagen 2 §) where a claim is
 * foreseeable (legal-rules.md §10.4, DM-5). The audit events and a tombstone
 * stay after a purge; they carry no personal data.
 */
export const DEFAULT_CASE_RETENTION_MONTHS = 36;

export const CASE_ID_PATTERN = /^DSAR-(\d{4})-(\d{4,})$/u;

export function formatCaseId(year: number, n: number): string {
  return `DSAR-${year}-${String(n).padStart(4, '0')}`;
}

/** Accepts `DSAR-2026-0001`, `dsar-2026-1` and `2026-1`; throws UsageError otherwise. */
export function normaliseCaseId(input: string): string {
  const m = /^(?:DSAR-)?(\d{4})-(\d{1,9})$/iu.exec(input.trim());
  if (!m) {
    // What was typed is not repeated: people paste an e-mail address or a personnummer here by mistake.
    throw new UsageError('not a case id', [
      { code: 'usage.case-id', message: 'a case id looks like DSAR-2026-0001' },
    ]);
  }
  return formatCaseId(Number(m[1]), Number(m[2]));
}

export function deadlineFor(receivedDate: string, extended: boolean): Deadline {
  return computeDeadline({ receivedDate, extended });
}

/**
 * DL-3 / Art. 12(3): "The controller shall inform the data subject of any
 * such extension within one month of receipt of the request, together with
 * the reasons for the delay." So: one extension (the period is "two further
 * months", once), with reasons, decided and notified no later than the
 * one-month due date (DL-1 + DL-2). Returns the problems; empty when allowed.
 */
export function extensionProblems(c: {
  status: CaseStatus;
  extended: boolean;
  receivedDate: string;
  oneMonthDueDate: string;
  asOf: string;
  noticeDate: string;
  reason: string;
}): { code: string; message: string }[] {
  const problems: { code: string; message: string }[] = [];
  if (c.extended) {
    problems.push({ code: 'case.extension-twice', message: 'the case is already extended; Art. 12(3) allows one extension of two further months (DL-3)' });
  }
  if (!OPEN_STATUSES.has(c.status)) {
    problems.push({ code: 'case.not-open', message: `the case is ${c.status}; only an open case can be extended` });
  }
  const due1 = toCivilDate(c.oneMonthDueDate);
  if (compareDates(toCivilDate(c.asOf), due1) > 0) {
    problems.push({
      code: 'case.extension-late',
      message: `the first deadline ${c.oneMonthDueDate} has passed (as of ${c.asOf}); an extension must be decided and notified within one month of receipt (DL-3, Art. 12(3))`,
    });
  }
  // The notice date defaults to the decision date: then one problem says it all.
  if (compareDates(toCivilDate(c.noticeDate), due1) > 0 && !(c.noticeDate === c.asOf && problems.some((p) => p.code === 'case.extension-late'))) {
    problems.push({
      code: 'case.extension-notice-late',
      message: `the notice date ${c.noticeDate} is after the first deadline ${c.oneMonthDueDate}; the notice with reasons must reach the subject by then (DL-3)`,
    });
  }
  const received = toCivilDate(c.receivedDate);
  if (compareDates(toCivilDate(c.noticeDate), received) < 0 || compareDates(toCivilDate(c.asOf), received) < 0) {
    problems.push({ code: 'case.date-before-receipt', message: `the extension cannot be dated before the request was received (${c.receivedDate})` });
  } else if (compareDates(toCivilDate(c.noticeDate), toCivilDate(c.asOf)) < 0) {
    // The notice tells the subject of an extension already decided, with its reasons (Art. 12(3)).
    problems.push({ code: 'case.notice-before-decision', message: `the notice date ${c.noticeDate} is before the decision (${c.asOf}): the notice with the reasons can only be sent once the extension is decided` });
  }
  if (c.reason.trim().length === 0) {
    problems.push({ code: 'case.extension-reason', message: 'give the reasons for the delay with --reason (Art. 12(3): "together with the reasons")' });
  }
  return problems;
}

/** The last day the closed case is kept; it may be purged from the next day. */
export function retainUntil(closedOn: string, months: number): string {
  return formatIsoDate(addMonths(toCivilDate(closedOn), months));
}

/** True when `asOf` is after the retention end. */
export function retentionPassed(retainUntilDate: string, asOf: string): boolean {
  return compareDates(toCivilDate(asOf), toCivilDate(retainUntilDate)) > 0;
}

/** A due date counts as overdue only while the case is open (answered cases stop the clock). */
export function isOverdue(status: CaseStatus, dueDate: string, asOf: string): boolean {
  return OPEN_STATUSES.has(status) && compareDates(toCivilDate(asOf), toCivilDate(dueDate)) > 0;
}

export function isLate(doneOn: string, dueDate: string): boolean {
  return compareDates(toCivilDate(doneOn), toCivilDate(dueDate)) > 0;
}
