/**
 * `ojco-dsar case ...`: the case register (issue #5). Each subcommand
 * validates its flags (all problems at once, exit 2), opens the store, makes
 * one change (one transaction with its audit event) and prints the case.
 *
 * stdout carries data (the case, with identifiers for `open`/`show`); stderr
 * carries only ids, dates, counts and file names, never subject identifiers.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { looksLikePersonalId } from '../../core/identity/normalise.ts';
import { computeDeadline, daysLeft } from '../../core/law/deadline.ts';
import { ExitCode, UsageError, type Problem } from '../../errors.ts';
import type { AuditEvent } from '../../store/audit.ts';
import type { CaseView } from '../../store/cases.ts';
import {
  CHANNELS,
  DEFAULT_CASE_RETENTION_MONTHS,
  OPEN_STATUSES,
  REFUSAL_GROUNDS,
  REQUEST_TYPES,
  VERIFICATION_METHODS,
  isLate,
  isOverdue,
  normaliseCaseId,
  type Channel,
  type RefusalGround,
  type RequestType,
  type VerificationMethod,
} from '../../store/rules.ts';
import { canPrompt, displayPath, err, log, out, table, warn, writeJson, writeOut } from '../io.ts';
import { subjectFromFlags } from '../subject.ts';
import { checkDate, dateWithWeekday, openSession, throwIf, todayInStockholm, type StoreSession } from './case-common.ts';

type Opts = Record<string, unknown>;

/** Splits repeatable, comma-separated flag values and checks them against a list. */
function listFlag<T extends string>(flag: string, raw: unknown, allowed: readonly T[], problems: Problem[]): T[] {
  const values = ((raw as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
  // Named by position, not repeated: usage errors never echo what was typed (README, personal data hygiene).
  if (bad.length) {
    const which = bad.map((b) => values.indexOf(b) + 1);
    const where = values.length > 1 ? ` (value${which.length > 1 ? 's' : ''} ${which.join(', ')})` : '';
    problems.push({ code: `usage.${flag.replace(/^--/u, '')}`, message: `${flag}: ${bad.length > 1 ? 'unknown values' : 'an unknown value'}${where}; use ${allowed.join(', ')}` });
  }
  return [...new Set(values.filter((v): v is T => (allowed as readonly string[]).includes(v)))];
}

function caseId(opts: Opts, problems?: Problem[]): string {
  const raw = (opts.args as string[] | undefined)?.[0];
  if (!raw) throw new UsageError('no case id', [{ code: 'usage.case-id', message: 'give the case id, e.g. DSAR-2026-0001' }]);
  try {
    return normaliseCaseId(raw);
  } catch (e) {
    if (problems && e instanceof UsageError) {
      problems.push(...e.problems);
      return '';
    }
    throw e;
  }
}

function textFlag(flag: string, value: unknown, problems: Problem[], required: boolean): string | undefined {
  const s = typeof value === 'string' ? value.trim() : '';
  if (!s) {
    if (required) problems.push({ code: `usage.${flag.replace(/^--/u, '')}`, message: `${flag} TEXT is required` });
    return undefined;
  }
  if (s.length > 4000) problems.push({ code: `usage.${flag.replace(/^--/u, '')}`, message: `${flag} is longer than 4000 characters` });
  return s;
}

/** The case as printed: the stored case plus the clock-dependent fields. */
function withClock(c: CaseView, today: string): CaseView & { asOf: string; daysLeft: number | null; overdue: boolean; warnings: string[] } {
  const open = OPEN_STATUSES.has(c.status);
  const warnings: string[] = [];
  if (open && !c.identity) warnings.push('identity not verified yet (Art. 12(6)); record it with case verify-identity');
  if (open && !c.extended && daysLeft(c.oneMonthDueDate, today) >= 0 && daysLeft(c.oneMonthDueDate, today) <= 7) {
    warnings.push(`an extension, if needed, must be notified by ${c.oneMonthDueDate} (DL-3)`);
  }
  // DL-4: a due date on midsommarafton, julafton or nyårsafton stands, but nobody works that day.
  if (open && daysLeft(c.dueDate, today) >= 0) {
    for (const w of computeDeadline({ receivedDate: c.receivedDate, extended: c.extended }).warnings) {
      if (w.code === 'due-on-eve') warnings.push(w.message);
    }
  }
  return { ...c, asOf: today, daysLeft: open ? daysLeft(c.dueDate, today) : null, overdue: isOverdue(c.status, c.dueDate, today), warnings };
}

function daysText(c: { daysLeft: number | null; overdue: boolean; status: string }): string {
  if (c.daysLeft === null) return out.dim('—');
  if (c.overdue) return out.red.bold(`${-c.daysLeft} day${c.daysLeft === -1 ? '' : 's'} overdue`);
  if (c.daysLeft === 0) return out.yellow('due today');
  if (c.daysLeft <= 7) return out.yellow(`${c.daysLeft} left`);
  return `${c.daysLeft} left`;
}

function renderCase(c: ReturnType<typeof withClock> & { references?: string[] }, opts: { subject?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`${out.bold(c.id)}  ${c.types.join(', ')}  ${out.bold(c.purgedOn ? 'purged' : c.status)}`);
  const rows: string[][] = [
    ...(c.references?.length ? [['Reference', c.references.join(', ')]] : []),
    ['Received', `${dateWithWeekday(c.receivedDate)}${c.channel ? ` by ${c.channel}` : ''}`],
    ['Due', `${dateWithWeekday(c.dueDate)}  ${daysText(c)}${c.extended ? ' (extended, DL-3)' : ''}`],
    ['Nominal', `${c.nominalDate}  (plan to answer before it, DL-1b)`],
  ];
  if (!c.extended && OPEN_STATUSES.has(c.status)) {
    rows.push([
      'Extension',
      daysLeft(c.oneMonthDueDate, c.asOf) >= 0
        ? `possible until ${dateWithWeekday(c.oneMonthDueDate)}, once, with reasons (DL-3)`
        : `no longer possible: the one-month date ${c.oneMonthDueDate} has passed (DL-3)`,
    ]);
  }
  if (c.extension) rows.push(['Extension', `decided ${c.extension.decidedOn}, notice sent ${c.extension.noticeDate}`]);
  rows.push(['Identity', c.identity ? `${c.identity.method}, by ${c.identity.by}, on ${c.identity.on}` : 'not verified']);
  if (c.outcome) {
    rows.push(['Outcome', `${c.outcome.type} on ${c.outcome.on}${c.outcome.late ? out.red(' (late)') : ''}${c.outcome.grounds?.length ? ` — grounds: ${c.outcome.grounds.join(', ')}` : ''}${c.outcome.partialRefusal ? ' — refuses part of the request (ER-4): complaint information given' : ''}`]);
  }
  if (c.closedOn) rows.push(['Closed', `${c.closedOn}; kept until ${c.retainUntil} (${c.retentionMonths} month${c.retentionMonths === 1 ? '' : 's'})`]);
  if (c.purgedOn) rows.push(['Purged', c.purgedOn]);
  // The config whose input files the evidence manifest hashes: the one the case was opened with, or its first output's.
  rows.push(['Config', c.configFile ? displayPath(c.configFile) : 'none yet (the manifest lists the input files of the config an output or --config names)']);
  rows.push(['Trail', `${c.events} event(s); ${c.attachments.length} attachment(s); ${c.manifests.length} manifest(s)`]);
  lines.push(table(rows));
  if (opts.subject && c.subject) {
    lines.push('', '  Subject identifiers:');
    lines.push(table(c.subject.identifiers.map((i) => [i.kind, i.value]), { indent: 4 }));
  }
  if (c.attachments.length) {
    lines.push('', '  Attachments:');
    lines.push(table(c.attachments.map((a) => [`#${a.id}`, a.kind, a.path, a.sha256.slice(0, 12) + '…']), { indent: 4 }));
  }
  return lines.join('\n');
}

function notes(c: { warnings: string[] }): string {
  return c.warnings.length ? '\n\n' + c.warnings.map((w) => out.yellow('note: ') + w).join('\n') : '';
}

function print(opts: Opts, doc: unknown, human: () => string): void {
  if (opts.json) writeJson(doc);
  else writeOut(human());
}

// ---------------------------------------------------------------- subcommands

async function open(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  let subject: ReturnType<typeof subjectFromFlags> | undefined;
  try {
    subject = subjectFromFlags(opts);
  } catch (e) {
    if (e instanceof UsageError) problems.push(...e.problems);
    else throw e;
  }
  const types = listFlag<RequestType>('--type', opts.type, REQUEST_TYPES, problems);
  if (types.length === 0 && !problems.some((p) => p.code === 'usage.type')) problems.push({ code: 'usage.type', message: `give the request type with --type (${REQUEST_TYPES.join(', ')})` });
  const received = checkDate('--received', opts.received, problems);
  if (opts.channel !== undefined && !(CHANNELS as readonly string[]).includes(String(opts.channel))) {
    problems.push({ code: 'usage.channel', message: `--channel must be one of ${CHANNELS.join(', ')}` });
  }
  const reference = opts.reference as string | undefined;
  // Control characters would make the audit trail's text ambiguous; a reference is an id, not prose.
  if (reference !== undefined && (reference.trim() === '' || reference.length > 200 || /[\u0000-\u001f\u007f]/u.test(reference))) {
    problems.push({ code: 'usage.reference', message: '--reference must be 1 to 200 characters, without line breaks or control characters' });
  } else if (reference !== undefined && looksLikePersonalId(reference)) {
    // The reference outlives the purge (it keeps `case open` from opening a request twice): a ticket number, not the person.
    problems.push({ code: 'usage.reference', message: '--reference looks like or holds an e-mail address, phone number or personnummer; give the request\'s ticket or letter number instead: the reference is kept after the case is purged' });
  }
  throwIf(problems);
  const s = await openSession(opts);
  try {
    const receivedDate = received ?? s.today;
    if (received && received > s.today) warn(`the received date ${received} is after today (${s.today}); check it`);
    const { view: c, existing: again } = s.store.openOrFindCase(
      {
        types,
        receivedDate,
        channel: opts.channel as Channel | undefined,
        identifiers: subject!.given.map((g) => ({ kind: g.kind, value: g.value, canonical: g.canonical })),
        configFile: s.settings.configFile,
        reference,
      },
      s.ctx(),
    );
    if (again && (c.receivedDate !== receivedDate || c.types.join(',') !== [...new Set(types)].sort().join(','))) {
      warn(`the reference already names case ${c.id}, received ${c.receivedDate} for ${c.types.join(', ')}; it was not changed`);
    }
    const doc = { ...withClock(c, s.today), ...(reference !== undefined ? { reference, existing: again } : {}) };
    print(opts, doc, () => `${again ? 'Already open' : 'Opened'} ${renderCase(doc, { subject: true })}${notes(doc)}`);
    if (!opts.json) log(again ? `Case ${c.id} was opened earlier for this reference; nothing was added` : `Case ${c.id} stored in ${s.store.file}`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

interface ListEntry {
  id: string;
  types: string[];
  status: string;
  receivedDate: string;
  dueDate: string;
  daysLeft: number | null;
  overdue: boolean;
  extended: boolean;
  identityVerified: boolean;
  /** Your own ids of the request (`case open --reference`, a batch's request id). */
  references: string[];
}

async function list(opts: Opts): Promise<number> {
  // --open with a status that is not open would list nothing whatever the register holds.
  if (opts.open && typeof opts.status === 'string' && !OPEN_STATUSES.has(opts.status as never)) {
    throw new UsageError('--open and --status contradict each other', [
      { code: 'usage.status', message: `--open lists the open cases (${[...OPEN_STATUSES].join(', ')}), and --status ${opts.status} is not one; give one of the two` },
    ]);
  }
  const s = await openSession(opts, { readOnly: true });
  try {
    let cases = s.store.listCases({ includePurged: !!opts.includePurged || opts.status === 'purged' });
    if (opts.open) cases = cases.filter((c) => OPEN_STATUSES.has(c.status));
    if (opts.status) cases = cases.filter((c) => (opts.status === 'purged' ? c.purgedOn !== null : c.status === opts.status && !c.purgedOn));
    const refs = s.store.referencesByCase();
    const entries: ListEntry[] = cases.map((c) => {
      const w = withClock(c, s.today);
      return {
        id: c.id,
        types: c.types,
        status: c.purgedOn ? 'purged' : c.status,
        receivedDate: c.receivedDate,
        dueDate: c.dueDate,
        daysLeft: w.daysLeft,
        overdue: w.overdue,
        extended: c.extended,
        identityVerified: c.identity !== null,
        references: refs.get(c.id) ?? [],
      };
    });
    const overdue = entries.filter((e) => e.overdue);
    const summary = { total: entries.length, open: cases.filter((c) => OPEN_STATUSES.has(c.status)).length, overdue: overdue.length };
    print(opts, { asOf: s.today, cases: entries, summary }, () => {
      if (entries.length === 0) return `No cases${opts.open || opts.status ? ' match' : ' yet'} (register: ${s.store.file}).`;
      // The references only when some case has one: most registers are kept by case id alone.
      const withRefs = entries.some((e) => e.references.length > 0);
      const head = [out.bold('Case'), out.bold('Types'), out.bold('Received'), out.bold('Due'), out.bold('Days'), out.bold('Status'), out.bold('Identity'), ...(withRefs ? [out.bold('Reference')] : [])];
      const rows = entries.map((e) => {
        const id = e.overdue ? out.red(e.id) : e.id;
        const identity = e.identityVerified ? 'verified' : e.daysLeft !== null ? out.yellow('no') : 'no';
        return [id, e.types.join(','), e.receivedDate, `${dateWithWeekday(e.dueDate)}${e.extended ? ' ext' : ''}`, daysText(e), e.status, identity, ...(withRefs ? [e.references.join(', ')] : [])];
      });
      const foot = `\n${summary.total} case(s), ${summary.open} open, ${summary.overdue ? out.red(`${summary.overdue} overdue`) : '0 overdue'} as of ${s.today}.`;
      return table([head, ...rows], { indent: 0 }) + foot;
    });
    if (opts.failOnOverdue && overdue.length > 0) {
      log(`${err.red('overdue:')} ${overdue.map((e) => e.id).join(', ')}`);
      return ExitCode.ProblemsFound;
    }
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function show(opts: Opts): Promise<number> {
  const id = caseId(opts);
  const s = await openSession(opts, { readOnly: true });
  try {
    const doc = { ...withClock(s.store.getCase(id, { withSubject: true }), s.today), references: s.store.referencesByCase().get(id) ?? [] };
    print(opts, doc, () => renderCase(doc, { subject: true }) + notes(doc));
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function extend(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const reason = textFlag('--reason', opts.reason, problems, true);
  checkDate('--as-of', opts.asOf, problems);
  const noticeDate = checkDate('--notice-date', opts.noticeDate, problems);
  throwIf(problems);
  const s = await openSession(opts);
  try {
    // The decision and the notice are events of the audit trail: they have happened (DL-3).
    const realToday = todayInStockholm();
    refuseFuture('--as-of', s.today, realToday);
    refuseFuture('--notice-date', noticeDate, realToday);
    const before = s.store.getCase(id);
    const c = s.store.extend(id, { reason: reason!, asOf: s.today, noticeDate }, s.ctx());
    const doc = withClock(c, s.today);
    print(opts, doc, () => `Extended ${c.id}: due ${dateWithWeekday(before.dueDate)} → ${out.bold(dateWithWeekday(c.dueDate))} (DL-3).\nThe notice with the reasons was recorded as sent on ${c.extension?.noticeDate}.`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

/**
 * The audit trail records what has happened: a reply, a refusal, a closing or
 * a verification dated after today is a typo (2072 for 2027), and once
 * appended it cannot be taken back (a reply dated next year would also keep
 * the case from closing until then). Refused before anything changes.
 */
function refuseFuture(flag: string, date: string | undefined, today: string): void {
  if (date && date > today) {
    throw new UsageError(`${flag} is after today`, [
      { code: 'case.date-future', message: `${flag} ${date} is after today (${today}): the audit trail records what has happened; give the date it happened` },
    ]);
  }
}

async function verifyIdentity(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  if (!opts.method) problems.push({ code: 'usage.method', message: `--method is required: ${VERIFICATION_METHODS.join(', ')}` });
  const on = checkDate('--on', opts.on, problems);
  const note = textFlag('--note', opts.note, problems, false);
  throwIf(problems);
  const s = await openSession(opts);
  try {
    refuseFuture('--on', on, s.today);
    const by = typeof opts.by === 'string' && opts.by.trim() ? opts.by.trim() : s.actor;
    const c = s.store.verifyIdentity(id, { method: opts.method as VerificationMethod, by, on: on ?? s.today, note }, s.ctx());
    const doc = withClock(c, s.today);
    print(opts, doc, () => `Identity of the requester in ${c.id} verified by ${c.identity?.method} on ${c.identity?.on}. Status: ${c.status}.`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function start(opts: Opts): Promise<number> {
  const id = caseId(opts);
  const s = await openSession(opts);
  try {
    const doc = withClock(s.store.start(id, s.ctx()), s.today);
    print(opts, doc, () => `${doc.id} is in progress.`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function note(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const text = textFlag('the note', (opts.args as string[] | undefined)?.[1], problems, true);
  throwIf(problems);
  const s = await openSession(opts);
  try {
    const e = s.store.note(id, text!, s.ctx());
    print(opts, { id, event: { seq: e.seq, at: e.at, actor: e.actor, type: e.type } }, () => `Note added to ${id} (event #${e.seq}).`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function attach(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const fileArg = (opts.args as string[] | undefined)?.[1];
  const abs = fileArg ? path.resolve(process.cwd(), fileArg) : '';
  if (!fileArg) problems.push({ code: 'usage.file', message: 'give the file to attach' });
  else if (!existsSync(abs)) problems.push({ code: 'usage.file', message: `no file at ${fileArg}`, file: fileArg });
  else if (!statSync(abs).isFile()) problems.push({ code: 'usage.file', message: `${fileArg} is a folder, not a file: attach its files one by one`, file: fileArg });
  throwIf(problems);
  const { copyFileAtomic, digestFile, ensurePrivateDir } = await import('../../store/fs-safe.ts');
  const s = await openSession(opts);
  try {
    s.store.getCase(id); // fail before copying for an unknown case
    let stored = abs;
    let d;
    if (opts.copy) {
      const dir = path.join(s.store.caseFolder(id), 'files');
      ensurePrivateDir(path.dirname(path.dirname(dir)));
      ensurePrivateDir(path.dirname(dir));
      ensurePrivateDir(dir);
      stored = path.join(dir, path.basename(abs));
      if (s.store.attachmentsOf(id).some((a) => a.path === stored)) {
        throw new UsageError(`${path.basename(abs)} is already in the case folder`, [{ code: 'usage.exists', message: `a file named ${path.basename(abs)} was already copied into case ${id}; rename it to attach another version` }]);
      }
      // Copied atomically (temp file 0600, then rename). A file there that no attachment names was left by
      // an attach killed before it recorded it: it is replaced, so running the command again completes it.
      d = await copyFileAtomic(abs, stored, { overwrite: true });
    } else {
      d = await digestFile(stored);
      // The same file, unchanged, attached again (a command run twice): it is there already.
      const same = s.store.attachmentsOf(id).find((x) => x.path === stored && x.sha256 === d!.sha256);
      if (same) {
        print(opts, { id, attachment: same, existing: true }, () => `Already attached to ${id} as #${same.id}, unchanged (sha256 ${same.sha256.slice(0, 16)}…); nothing added.`);
        return ExitCode.Ok;
      }
    }
    const a = s.store.attach(id, { kind: String(opts.kind ?? 'other'), path: stored, sha256: d.sha256, size: d.size, copied: !!opts.copy }, s.ctx());
    print(opts, { id, attachment: a }, () => `Attached to ${id} as #${a.id} (${a.kind}, ${a.size} bytes, sha256 ${a.sha256.slice(0, 16)}…)${a.copied ? ', copied into the case folder' : ''}.`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

/**
 * answer, refuse and close: hash the evidence first (the config may be
 * invalid: exit 2 before anything changes), then make the change, then
 * write the manifest, which then includes the change's event.
 */
async function withManifest(opts: Opts, s: StoreSession, id: string, reason: 'answered' | 'refused' | 'closed', on: string, change: () => CaseView): Promise<{ c: CaseView; manifest: { path: string; sha256: string } }> {
  const { collectEvidence, composeManifest, writeManifest } = await import('../../store/manifest.ts');
  const { spinner } = await import('../io.ts');
  const before = s.store.getCase(id);
  const resume = await interrupted(s, before, reason, opts.on === undefined ? undefined : on);
  if (!resume) precheck(before, reason, !!opts.withdrawn, on);
  // The config the case was opened with (or learned from its first output), unless one is named now.
  const configFile = (opts.config ? s.settings.configFile : (before.configFile ?? s.settings.configFile)) ?? undefined;
  if (configFile && !existsSync(configFile)) {
    throw new UsageError('the case config file is gone', [{ code: 'config.missing', message: `the config this case names (${configFile}) no longer exists; pass --config` }]);
  }
  const spin = await spinner('Hashing the input files…', !opts.json);
  let evidence;
  try {
    evidence = await collectEvidence(configFile, process.cwd(), (rel) => spin.update(`Hashing ${rel}`));
  } finally {
    spin.stop();
  }
  if (!configFile) warn('no config file: the evidence manifest lists no input files (pass --config)');
  // A case with no config yet keeps the one its manifest is made with (once the inputs are hashed: a bad config changes nothing).
  if (configFile && !before.configFile && !resume) s.store.rememberConfig(id, configFile, s.ctx());
  for (const p of evidence.inputProblems) warn(`source "${p.source}": ${p.path} could not be read (${p.code}); the manifest names it`);
  if (resume) warn(`case ${id} was ${reason} by a run that stopped before it wrote the evidence manifest; writing the manifest now`);
  const c = resume ? before : change();
  const ctx = s.ctx();
  const manifest = await writeManifest(
    s.store,
    composeManifest({ view: c, events: s.store.events(id), chainHead: s.store.chainHead(), evidence, reason, writtenAt: ctx.at, writtenBy: ctx.actor }),
    ctx,
  );
  return { c: s.store.getCase(id), manifest };
}

/**
 * A `case answer|refuse|close` run again after a run that was killed after
 * its change was committed and before its evidence manifest was recorded:
 * the case is already answered (refused, closed), on the date asked for if
 * one was given, and its last such event has no manifest. Then the command
 * writes the manifest instead of refusing a case that is no longer open.
 */
async function interrupted(s: StoreSession, c: CaseView, reason: 'answered' | 'refused' | 'closed', on: string | undefined): Promise<boolean> {
  if (c.purgedOn) return false;
  const date = reason === 'closed' ? (c.status === 'closed' ? c.closedOn : null) : c.outcome?.type === reason ? c.outcome.on : null;
  if (!date || (on !== undefined && on !== date)) return false;
  const { unfinishedManifest } = await import('../../store/manifest.ts');
  return unfinishedManifest(s.store, c.id, reason);
}

/**
 * The status rules again, cheaply, before hashing what may be gigabytes of
 * inputs; the store checks them once more inside its transaction.
 */
function precheck(c: CaseView, reason: 'answered' | 'refused' | 'closed', withdrawn: boolean, on: string): void {
  const no = (code: string, message: string): never => {
    throw new UsageError(`case ${c.id} is ${c.purgedOn ? 'purged' : c.status}`, [{ code, message }]);
  };
  if (c.purgedOn) no('case.purged', `case ${c.id} was purged on ${c.purgedOn}`);
  if (reason !== 'closed' && !OPEN_STATUSES.has(c.status)) no('case.not-open', `case ${c.id} is ${c.status}; only an open case (received, verified, in-progress) can be ${reason}`);
  if (reason === 'closed') {
    if (c.status === 'closed') no('case.closed', `case ${c.id} was closed on ${c.closedOn}`);
    if (withdrawn && !OPEN_STATUSES.has(c.status)) no('case.not-open', `case ${c.id} is ${c.status}; only an open case can be closed as withdrawn`);
    if (!withdrawn && c.status !== 'answered' && c.status !== 'refused') {
      no('case.not-answered', `case ${c.id} has not been answered or refused; run \`case answer\` or \`case refuse\` first, or close it with --withdrawn if the subject withdrew the request`);
    }
  }
  if (on < c.receivedDate) {
    throw new UsageError(`case ${c.id}: the date is out of order`, [
      { code: 'case.date-before-receipt', message: `the ${reason === 'closed' ? 'closing' : reason === 'answered' ? 'answer' : 'refusal'} date ${on} is before the request was received (${c.receivedDate})` },
    ]);
  }
}

async function answer(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const on = checkDate('--on', opts.on, problems);
  throwIf(problems);
  const s = await openSession(opts);
  try {
    refuseFuture('--on', on, s.today);
    const pre = s.store.getCase(id);
    if (!(await interrupted(s, pre, 'answered', on))) precheck(pre, 'answered', false, on ?? s.today);
    if (!pre.identity && OPEN_STATUSES.has(pre.status)) warn(`case ${id}: the identity was never recorded as verified (Art. 12(6)); answering anyway`);
    const { c, manifest } = await withManifest(opts, s, id, 'answered', on ?? s.today, () => s.store.answer(id, { on: on ?? s.today }, s.ctx()));
    const doc = { ...withClock(c, s.today), manifest };
    // ER-4: a plan of the case refuses part of the request; the reply is an Art. 12(4) refusal for that part.
    const partial = c.outcome?.partialRefusal ? s.store.partialRefusals(id) : [];
    if (partial.length > 0) {
      const what = partial.map((p) => `${p.plan} plan ${p.planHash.slice(0, 12)}… (${[p.retained ? `${p.retained} record(s) retained` : '', p.deselected ? `${p.deselected} left out at the review` : ''].filter(Boolean).join(', ')})`).join('; ');
      warn(`case ${id}: the reply refuses part of the request (${what}): under Art. 12(4) (ER-4) it must give the reasons and tell the subject of the right to complain to IMY and to go to court; recorded as complaintInformation`);
    }
    // ER-4, Art. 12(4): the reasons for the part refused were due by the one-month date, even after an extension.
    const refusalLate = partial.length > 0 && c.outcome !== null && isLate(c.outcome.on, c.oneMonthDueDate);
    if (refusalLate) warn(`case ${id}: answered on ${c.outcome?.on}, after the one-month date ${c.oneMonthDueDate} by which the reasons for the partial refusal were due (Art. 12(4), ER-4)${c.extended ? ', extension or not' : ''}; recorded as late`);
    print(opts, doc, () =>
      [
        `${id} answered on ${c.outcome?.on}${c.outcome?.late ? out.red(refusalLate && c.outcome !== null && !isLate(c.outcome.on, c.dueDate) ? ` — after the one-month date ${c.oneMonthDueDate} (Art. 12(4), ER-4)` : ` — after the due date ${c.dueDate}`) : ' — on time'}.`,
        ...(c.outcome?.complaintInformation
          ? [
              'The reply refuses part of the request, so it must tell the subject (Art. 12(4), ER-4):',
              `  • what was done, what was not and why; • the right to complain to ${c.outcome.complaintInformation.supervisoryAuthority}`,
              `  • ${c.outcome.complaintInformation.judicialRemedy}`,
            ]
          : []),
        `Evidence manifest: ${manifest.path}\n  sha256 ${manifest.sha256}`,
      ].join('\n'),
    );
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function refuse(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const grounds = listFlag<RefusalGround>('--ground', opts.ground, REFUSAL_GROUNDS, problems);
  if (grounds.length === 0 && !problems.some((p) => p.code === 'usage.ground')) problems.push({ code: 'usage.ground', message: `give the ground with --ground (${REFUSAL_GROUNDS.join(', ')})` });
  const reason = textFlag('--reason', opts.reason, problems, true);
  const on = checkDate('--on', opts.on, problems);
  throwIf(problems);
  const s = await openSession(opts);
  try {
    refuseFuture('--on', on, s.today);
    const { c, manifest } = await withManifest(opts, s, id, 'refused', on ?? s.today, () => s.store.refuse(id, { on: on ?? s.today, grounds, reason: reason! }, s.ctx()));
    const doc = { ...withClock(c, s.today), manifest };
    print(opts, doc, () =>
      [
        `${id} refused on ${c.outcome?.on} (${grounds.join(', ')})${c.outcome?.late ? out.red(` — after the one-month date ${c.oneMonthDueDate} (Art. 12(4))`) : ''}.`,
        'The refusal must tell the subject (Art. 12(4)):',
        `  • the reasons; • the right to complain to ${c.outcome?.complaintInformation?.supervisoryAuthority}`,
        `  • ${c.outcome?.complaintInformation?.judicialRemedy}`,
        `Evidence manifest: ${manifest.path}`,
      ].join('\n'),
    );
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function close(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const id = caseId(opts, problems);
  const on = checkDate('--on', opts.on, problems);
  let months: number | undefined;
  if (opts.retentionMonths !== undefined) {
    months = Number(opts.retentionMonths);
    if (!Number.isInteger(months) || months < 1 || months > 1200) problems.push({ code: 'usage.retention-months', message: '--retention-months must be a whole number, 1 to 1200' });
  }
  throwIf(problems);
  const s = await openSession(opts);
  try {
    refuseFuture('--on', on, s.today);
    const retentionMonths = months ?? s.settings.retentionMonths ?? DEFAULT_CASE_RETENTION_MONTHS;
    const { c, manifest } = await withManifest(opts, s, id, 'closed', on ?? s.today, () => s.store.closeCase(id, { on: on ?? s.today, withdrawn: !!opts.withdrawn, retentionMonths }, s.ctx()));
    const doc = { ...withClock(c, s.today), manifest };
    print(opts, doc, () => `${id} closed on ${c.closedOn}; kept until ${c.retainUntil} (${c.retentionMonths} month${c.retentionMonths === 1 ? '' : 's'}), then case purge removes its personal data.\nEvidence manifest: ${manifest.path}\n  sha256 ${manifest.sha256}`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

function eventSummary(e: AuditEvent): string {
  const p = e.payload as Record<string, unknown> & { set?: Record<string, unknown> };
  const set = p.set ?? {};
  switch (e.type) {
    case 'case-opened':
      return `${(p.types as string[] | undefined)?.join(', ')}; received ${String(set.received_date)}; due ${String(set.due_date)}; ${(p.identifiers as unknown[] | undefined)?.length ?? 0} identifier(s)`;
    case 'extended':
      return `due ${String(p.previousDueDate)} → ${String(set.due_date)}; notice ${String(set.extension_notice_date)}`;
    case 'identity-verified':
      return `${String(set.verification_method)} by ${String(set.verified_by)} on ${String(set.verified_on)}`;
    case 'status-changed':
      return `${String(p.from)} → ${String(set.status)}`;
    case 'attachment-added':
      return `#${String((p.attachment as { $ref?: string } | undefined)?.$ref?.split(':')[1])} ${String(p.kind)}, ${String(p.size)} bytes, sha256 ${String(p.sha256).slice(0, 12)}…`;
    case 'answered':
      return `on ${String(set.outcome_on)}${p.late ? ' (late)' : ''}${p.partialRefusal ? '; refuses part of the request (ER-4): complaint information given' : ''}`;
    case 'refused':
      return `on ${String(set.outcome_on)}; grounds ${String(set.refusal_grounds)}${p.late ? ' (late)' : ''}`;
    case 'closed':
      return `on ${String(set.closed_on)}; kept until ${String(set.retain_until)}`;
    case 'manifest-written':
      return `${String(p.file)} sha256 ${String(p.sha256).slice(0, 12)}…`;
    case 'purged':
      return `on ${String(set.purged_on)}`;
    case 'plan-written':
      return `${String(p.plan)} plan ${String(p.planHash).slice(0, 12)}… as of ${String(p.asOf)}; ${String(p.records)} record(s)`;
    case 'extract-written':
      return `extract as of ${String(p.asOf)} (${String(p.language)}); ${String(p.records)} record(s)`;
    case 'ledger-hold':
    case 'ledger-release':
      return `ledger entry #${String(p.ledgerEntry)} (plan ${String(p.planHash).slice(0, 12)}…)`;
    case 'ledger-swept':
      return `${String(p.entries)} ledger entr${p.entries === 1 ? 'y' : 'ies'} swept by plan ${String(p.planHash).slice(0, 12)}… as of ${String(p.asOf)}`;
    case 'note-added':
      return `text #${String((p.note as { $ref?: string } | undefined)?.$ref?.split(':')[1])}`;
    case 'config-remembered':
      return displayPath(String(p.configFile));
    default:
      return '';
  }
}

async function logCmd(opts: Opts): Promise<number> {
  const id = caseId(opts);
  const s = await openSession(opts, { readOnly: true });
  try {
    const events = s.store.events(id);
    print(opts, { id, events }, () => table(events.map((e) => [`#${e.seq}`, e.at.replace('T', ' ').replace(/\.\d+Z$/u, 'Z'), e.actor, out.bold(e.type), eventSummary(e)]), { indent: 0 }));
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function verify(opts: Opts): Promise<number> {
  const raw = (opts.args as string[] | undefined)?.[0];
  const only = raw ? normaliseCaseId(raw) : undefined;
  const s = await openSession(opts, { readOnly: true });
  try {
    if (only) s.store.getCase(only);
    const { verifyManifests } = await import('../../store/manifest.ts');
    const chain = s.store.verifyChain();
    const problems: (Problem & { seq?: number; caseId?: string })[] = chain.problems.map((p) => ({ code: p.code, message: p.message, seq: p.seq, ...(p.caseId ? { caseId: p.caseId } : {}) }));
    problems.push(...s.store.verifyRecords(only));
    const ids = only ? [only] : s.store.listCases().map((c) => c.id);
    const cases: { id: string; manifests: number; files: number }[] = [];
    for (const id of ids) {
      const r = await verifyManifests(s.store, id);
      cases.push({ id, manifests: r.checked, files: r.files });
      for (const p of r.problems) problems.push({ code: p.code, message: p.message, caseId: p.caseId, file: p.file });
    }
    const ok = problems.length === 0;
    const doc = { ok, chain: { events: chain.events, head: chain.head ?? null }, cases, problems };
    print(opts, doc, () => {
      const files = cases.reduce((n, c) => n + c.files, 0);
      const manifests = cases.reduce((n, c) => n + c.manifests, 0);
      const head = `Audit trail: ${chain.events} event(s)${chain.head ? `, head #${chain.head.seq} ${chain.head.hash.slice(0, 16)}…` : ''}. ${manifests} manifest(s), ${files} file(s) re-hashed${only ? ` for ${only}` : ''}.`;
      if (ok) return `${head}\n${out.green('OK')}: nothing was changed, removed or reordered.`;
      return `${head}\n${out.red(`${problems.length} problem(s):`)}\n${problems.map((p) => `  ${out.red('•')} ${p.message}`).join('\n')}`;
    });
    if (!ok && opts.json) log(`${problems.length} problem(s) found; see the JSON`);
    return ok ? ExitCode.Ok : ExitCode.ProblemsFound;
  } finally {
    s.store.close();
  }
}

async function purge(opts: Opts): Promise<number> {
  const s = await openSession(opts, { readOnly: true });
  try {
    // A purge killed after it committed and before it removed the case folder: finish it.
    const finished = opts.dryRun ? [] : s.store.finishPurges();
    if (finished.length > 0) warn(`removed the folder(s) of ${finished.join(', ')}, left by a purge that was interrupted`);
    const candidates = s.store.purgeCandidates(s.today);
    const realToday = todayInStockholm();
    if (s.today > realToday && candidates.some((c) => c.retainUntil !== null && c.retainUntil >= realToday)) {
      // A purge removes what cannot be restored, and would record a date that has not come.
      if (!opts.dryRun) {
        throw new UsageError('--as-of is after today', [
          { code: 'usage.as-of-future', message: `--as-of ${s.today} is after today (${realToday}), and some of these cases are still inside their retention today; add --dry-run to see what will be due then` },
        ]);
      }
      warn(`--as-of ${s.today} is after today (${realToday}): some of these cases are still inside their retention today`);
    }
    const summary = candidates.map((c) => ({ id: c.id, closedOn: c.closedOn, retainUntil: c.retainUntil }));
    if (opts.dryRun || candidates.length === 0) {
      print(opts, { asOf: s.today, dryRun: !!opts.dryRun, purged: [], due: summary }, () =>
        candidates.length === 0 ? `No closed case has passed its retention as of ${s.today}.` : `Would purge ${candidates.length} case(s) as of ${s.today}:\n${table(summary.map((c) => [c.id, `closed ${c.closedOn}`, `kept until ${c.retainUntil}`]))}`,
      );
      return ExitCode.Ok;
    }
    if (!opts.yes) {
      if (!canPrompt(opts)) {
        throw new UsageError('purge needs confirmation', [
          { code: 'usage.confirm', message: `${candidates.length} case(s) would be purged; pass --yes to confirm when not on a terminal (or --dry-run to list them)` },
        ]);
      }
      log(`These closed cases have passed their retention as of ${s.today}:\n${table(summary.map((c) => [c.id, `closed ${c.closedOn}`, `kept until ${c.retainUntil}`]))}`);
      const { confirm } = await import('@inquirer/prompts');
      const ok = await confirm({ message: `Delete the personal data of ${candidates.length} case(s)? The audit trail and a tombstone stay.`, default: false }, { output: process.stderr });
      if (!ok) {
        log('Nothing purged.');
        return ExitCode.Ok;
      }
    }
    // The tombstone carries the day the data went, whatever --as-of chose the cases by (each is past its retention today too).
    const purged = candidates.map((c) => ({ ...s.store.purge(c.id, { asOf: realToday }, s.ctx()), retainUntil: c.retainUntil }));
    const external = purged.reduce((n, p) => n + p.externalFiles, 0);
    print(opts, { asOf: s.today, dryRun: false, purged }, () => `Purged ${purged.length} case(s): ${purged.map((p) => p.id).join(', ')}.`);
    if (external > 0) warn(`${external} attached file(s) outside the case folders were not deleted; delete them where you stored them`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

async function exportRegister(opts: Opts): Promise<number> {
  const problems: Problem[] = [];
  const outFile = typeof opts.out === 'string' && opts.out ? path.resolve(process.cwd(), opts.out) : undefined;
  if (!outFile) problems.push({ code: 'usage.out', message: '--out FILE is required' });
  const format = (opts.format as string | undefined) ?? (outFile?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : outFile?.toLowerCase().endsWith('.csv') ? 'csv' : undefined);
  if (outFile && !format) problems.push({ code: 'usage.format', message: 'give --format csv or xlsx (or an --out ending in .csv or .xlsx)' });
  const delimiter = String(opts.delimiter ?? ',');
  if (![',', ';', '\t'].includes(delimiter === '\\t' ? '\t' : delimiter)) problems.push({ code: 'usage.delimiter', message: '--delimiter must be , ; or \\t' });
  checkDate('--as-of', opts.asOf, problems);
  if (outFile && existsSync(outFile) && !opts.force) problems.push({ code: 'usage.exists', message: `${opts.out as string} already exists; pass --force to replace it` });
  throwIf(problems);
  const s = await openSession(opts, { readOnly: true });
  try {
    const { registerRows, writeRegisterCsv, writeRegisterXlsx } = await import('../../store/register-export.ts');
    const rows = registerRows(s.store.listCases({ includePurged: true }), s.today);
    if (format === 'xlsx') await writeRegisterXlsx(outFile!, rows, { overwrite: !!opts.force, asOf: s.today });
    else await writeRegisterCsv(outFile!, rows, { overwrite: !!opts.force, delimiter: delimiter === '\\t' ? '\t' : delimiter });
    print(opts, { file: outFile, format, rows: rows.length }, () => `Wrote the case register (${rows.length} case(s), no subject identifiers) to ${opts.out as string}.`);
    return ExitCode.Ok;
  } finally {
    s.store.close();
  }
}

const COMMANDS: Record<string, (opts: Opts) => Promise<number>> = {
  open,
  list,
  show,
  extend,
  'verify-identity': verifyIdentity,
  start,
  note,
  attach,
  answer,
  refuse,
  close,
  log: logCmd,
  verify,
  purge,
  export: exportRegister,
};

export async function run(opts: Opts): Promise<number> {
  const name = String(opts.caseCommand);
  const fn = COMMANDS[name];
  if (!fn) throw new Error(`unknown case command ${name}`);
  return fn(opts);
}
