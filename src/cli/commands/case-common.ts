/**
 * Shared by `deadline` and `case`: the clock (read here, in the CLI layer,
 * and nowhere in src/core or src/store), date flags, Swedish date wording,
 * and opening the case store with its settings.
 */
import path from 'node:path';
import type { IdentifierKind } from '../../core/identity/kinds.ts';
import { canonical, normaliseOrgnr } from '../../core/identity/normalise.ts';
import { formatIsoDate, parseIsoDate, toCivilDate, weekday } from '../../core/law/dates.ts';
import { FIRST_MODELLED_YEAR, isModelledYear, LAST_MODELLED_YEAR } from '../../core/law/holidays.ts';
import type { SubjectResult } from '../../core/match/matcher.ts';
import { UsageError, type Problem } from '../../errors.ts';
import type { CaseStore } from '../../store/cases.ts';
import type { RequestType } from '../../store/rules.ts';
import type { CaseSettings } from '../../store/settings.ts';
import { warn } from '../io.ts';

/**
 * Years the deadline law is modelled for: Swedish holidays from 1953 (see
 * holidays.ts FIRST_MODELLED_YEAR); the upper bound only catches typos such
 * as 20266 or 3026 before they become a case.
 */
export const MIN_YEAR = FIRST_MODELLED_YEAR;
/** The environment variable that sets today's date (YYYY-MM-DD) instead of the machine's clock. */
export const TODAY_ENV = 'OJCO_DSAR_TODAY';
export const MAX_YEAR = LAST_MODELLED_YEAR;

/**
 * Today's date in Sweden. The receipt date of a request is the local date in
 * Europe/Stockholm (legal-rules.md §1.2), so "today" is too, whatever the
 * machine's time zone.
 */
export function todayInStockholm(now?: Date): string {
  if (now === undefined) {
    // Rehearsals and tests set the tool's clock (a fixture world dated in the future); checked like a flag.
    const set = process.env[TODAY_ENV];
    if (set !== undefined && set !== '') return dateFlag(TODAY_ENV, set)!;
    now = new Date();
  }
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** The problem of a date whose year is outside the years the law is modelled for; undefined when it is inside. */
export function yearRangeProblem(flag: string, year: number): Problem | undefined {
  return isModelledYear(year) ? undefined : { code: 'usage.date-range', message: `${flag} must be a date in the years ${MIN_YEAR}-${MAX_YEAR}` };
}

/** Validates a `YYYY-MM-DD` flag; collects the problem into `problems` and returns undefined when bad. */
export function checkDate(flag: string, value: unknown, problems: Problem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value);
  // Given but empty (`--received ""`, an unset shell variable): an error, never today by default.
  if (s.trim() === '') {
    problems.push({ code: 'usage.date', message: `${flag} is empty: give a calendar date as YYYY-MM-DD, e.g. 2026-01-31` });
    return undefined;
  }
  const d = parseIsoDate(s);
  if (!d) {
    problems.push({ code: 'usage.date', message: `${flag} must be a calendar date as YYYY-MM-DD, e.g. 2026-01-31` });
    return undefined;
  }
  const range = yearRangeProblem(flag, d.year);
  if (range) {
    problems.push(range);
    return undefined;
  }
  return formatIsoDate(d);
}

/** Like checkDate but throws at once (exit 2). */
export function dateFlag(flag: string, value: unknown): string | undefined {
  const problems: Problem[] = [];
  const d = checkDate(flag, value, problems);
  if (problems.length) throw new UsageError(`invalid ${flag}`, problems);
  return d;
}

export function throwIf(problems: Problem[], message = 'invalid arguments'): void {
  if (problems.length > 0) throw new UsageError(message, problems);
}

const WEEKDAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** The terminal's text is English: its dates too (the JSON keeps ISO dates and the statute's Swedish names). */
export function weekdayEn(iso: string): string {
  return WEEKDAYS_EN[weekday(toCivilDate(iso))]!;
}

/** `Saturday 31 January 2026` */
export function longDateEn(iso: string): string {
  const d = toCivilDate(iso);
  return `${weekdayEn(iso)} ${d.day} ${MONTHS_EN[d.month - 1]} ${d.year}`;
}

/** `2026-03-02 (Monday)` */
export function dateWithWeekday(iso: string): string {
  return `${iso} (${weekdayEn(iso)})`;
}

export interface StoreSession {
  store: CaseStore;
  settings: CaseSettings;
  actor: string;
  /** Today in Stockholm, or `--as-of`. */
  today: string;
  ctx: () => { actor: string; at: string };
}

/**
 * Resolves home, actor and today, and opens the case store of the home the
 * flags, environment and config name (better-sqlite3 is imported only here).
 * `readOnly`: for a command that only reads (or changes only what must
 * already be there), a home without a database is not created: it is said,
 * and the command sees an empty store.
 */
export async function openSession(opts: Record<string, unknown>, how: { readOnly?: boolean } = {}): Promise<StoreSession> {
  const [{ resolveCaseSettings, resolveActor }, { CaseStore }] = await Promise.all([import('../../store/settings.ts'), import('../../store/cases.ts')]);
  const settings = await resolveCaseSettings({ home: opts.home as string | undefined, config: opts.config as string | undefined, cwd: process.cwd(), env: process.env });
  const actor = resolveActor(opts.actor as string | undefined, settings.configActor, process.env);
  const today = dateFlag('--as-of', opts.asOf) ?? todayInStockholm();
  const store = CaseStore.open(settings.home, { now: nowIso(), ifExists: how.readOnly === true });
  if (store.missing) {
    const rel = path.relative(process.cwd(), settings.home) || '.';
    warn(`no case register in ${rel} yet: nothing has been recorded there, and nothing was created (check --home or OJCO_DSAR_HOME)`);
  }
  for (const w of store.warnings) warn(w);
  return { store, settings, actor, today, ctx: () => ({ actor, at: nowIso() }) };
}

/**
 * For `export --case` / `erase --case`: the case id, checked before the work
 * starts (exit 2 when unknown, closed or purged).
 */
export async function requireCaseForOutputs(store: CaseStore, raw: unknown): Promise<string> {
  const { normaliseCaseId } = await import('../../store/rules.ts');
  const id = normaliseCaseId(String(raw ?? ''));
  const c = store.getCase(id);
  if (c.purgedOn || c.status === 'closed') {
    throw new UsageError(`case ${id} is ${c.purgedOn ? 'purged' : 'closed'}`, [{ code: 'case.closed', message: `case ${id} is ${c.purgedOn ? 'purged' : 'closed'}; it takes no more outputs` }]);
  }
  return id;
}

/**
 * Could the case be about this person? Yes when it was opened with one of
 * the identifiers the person was found by (given or learned), or with only
 * a name or an address, which cannot tell two people apart.
 */
export function caseIsAbout(store: CaseStore, caseId: string, subject: Pick<SubjectResult, 'knownBy'>): boolean {
  const c = store.getCase(caseId, { withSubject: true });
  const known = new Set(subject.knownBy.map((k) => `${k.kind}:${k.value}`));
  const strong = (c.subject?.identifiers ?? []).filter((i) => i.kind !== 'name' && i.kind !== 'address');
  const isTheirs = (i: { kind: string; value: string }): boolean => {
    if (i.kind === 'orgnr') {
      // A sole trader's org.nr is the owner's personnummer, and the person is known by it as that.
      const o = normaliseOrgnr(i.value);
      if (o?.personal && o.pnr !== undefined && known.has(`pnr:${o.pnr}`)) return true;
    }
    const v = canonical(i.kind as IdentifierKind, i.value);
    return v !== undefined && known.has(`${i.kind}:${v}`);
  };
  return strong.length === 0 || strong.some(isTheirs);
}

/**
 * Before outputs go into a case (`--case`), after the search: the case must
 * be about this person, or the file would land in someone else's evidence
 * (exit 2, nothing written). A case opened with one of the identifiers this
 * person was found by, given or learned, is; a case with only a name or an
 * address cannot be told apart, and passes. A case opened for another kind
 * of request gets a warning: one request may well lead to another.
 */
export function checkCaseFits(store: CaseStore, caseId: string, subject: Pick<SubjectResult, 'knownBy'>, expected: readonly RequestType[], what: string): void {
  const c = store.getCase(caseId, { withSubject: true });
  if (!caseIsAbout(store, caseId, subject)) {
    throw new UsageError(`case ${caseId} is about someone else`, [
      {
        code: 'case.subject',
        message: `none of the identifiers case ${caseId} was opened with is one this person was found by: nothing was written or attached; check the case id (or add the identifier to the search)`,
      },
    ]);
  }
  if (!expected.some((t) => c.types.includes(t))) {
    warn(`case ${caseId} is a request of type ${c.types.join(', ')}, and this is ${what}: check that the case is the right one`);
  }
}
