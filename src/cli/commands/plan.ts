/**
 * `ojco-dsar erase | rectify | restrict | object | withdraw-consent | sweep`
 * (issue #4): the command layer around the pure planners of src/core/plan.
 *
 * 1. Every flag is checked first and all problems are reported at once
 *    (exit 2); then the config and the register are loaded, the store is
 *    opened when the plan needs it (the suppression secret, the ledger, or
 *    --case) and the case is checked, and the output files are checked for
 *    being free, all before the long search.
 * 2. The search (src/pipeline/search.ts) gives the subject's matched records.
 * 3. At a terminal the officer confirms possible matches, then sees the plan,
 *    may untick primary actions (deselectActions), and confirms. No means
 *    nothing is written or recorded (exit 0).
 * 4. The plan JSON (serialisePlan: canonical, deterministic) and its
 *    renderings are written atomically, 0600; then the store records the
 *    suppression entries and the ledger (idempotent), sweep marks what it
 *    listed, and with --case the files are attached and `plan-written` is
 *    logged.
 *
 * The clock is read here (asOf defaults to today in Stockholm), never in
 * the planners. Nothing on stderr names the person: counts, sources, file
 * names, plan hashes and case ids only.
 */
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import {
  deselectActions,
  phoneTailKey,
  phoneTailSalt,
  PlanInputError,
  planErasure,
  planObjection,
  planRectification,
  rectificationProblems,
  planRestriction,
  planSweep,
  planWithdrawConsent,
  serialisePlan,
  suppressionKey,
  type Plan,
  type PlanInput,
  type PlanKind,
  type RectificationSet,
  type RestrictionGround,
} from '../../core/plan/index.ts';
import { formatLocator } from '../../core/record.ts';
import { ExitCode, UsageError, isUserError, type Problem } from '../../errors.ts';
import { assertWritable, sha256 } from '../../io/output.ts';
import { assertFilesCreatable } from '../fs-errors.ts';
import { search, unreadFiles } from '../../pipeline/search.ts';
import { DEFAULT_REGISTER, loadRegister } from '../../register/load.ts';
import { normaliseCaseId, type RequestType } from '../../store/rules.ts';
import { resolveActor } from '../../store/settings.ts';
import { canPrompt, log, logSkippedFiles, logSourceWarnings, ordinal, spinner, table, warn, writeOut } from '../io.ts';
import { renderPlan } from '../render-plan.ts';
import { subjectFromFlags, warnGivenOfOthers, type GivenIdentifier } from '../subject.ts';
import type { SubjectQuery, SubjectResult } from '../../core/match/matcher.ts';
import { canonical } from '../../core/identity/normalise.ts';
import { planSources } from '../plan-sources.ts';
import type { StoreSession } from './case-common.ts';
import { checkDate, todayInStockholm } from './case-common.ts';
import { cacheBytesOf, progressText } from './find.ts';
import type { PlanCommandName } from './plan-definitions.ts';

export const PLAN_FORMATS = ['json', 'xlsx', 'html'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export const KIND_OF: Record<PlanCommandName, PlanKind> = {
  erase: 'erasure',
  rectify: 'rectification',
  restrict: 'restriction',
  object: 'objection',
  'withdraw-consent': 'withdraw-consent',
  sweep: 'sweep',
};

const GA_PROPERTY = /^(?:\d{1,20}|UA-\d+-\d+)$/u;

export interface PlanSettings {
  command: PlanCommandName;
  kind: PlanKind;
  asOf: string;
  /** Today in Stockholm (or OJCO_DSAR_TODAY): a sweep never deletes what is still kept today. */
  today: string;
  formats: PlanFormat[];
  /** Absolute path of the plan JSON, when files are written. */
  jsonFile: string | undefined;
  force: boolean;
  dryRun: boolean;
  json: boolean;
  cacheBytes: number;
  prefilter: boolean;
  includePossible: boolean;
  subject?: { query: SubjectQuery; given: GivenIdentifier[] };
  set: RectificationSet[];
  contested: boolean;
  ground?: RestrictionGround;
  objection: { marketing: boolean; profiling: boolean };
  gaPropertyId?: string;
  caseRaw?: string;
}

function problemsOf(e: unknown): Problem[] {
  if (isUserError(e)) return e.problems.length > 0 ? e.problems : [{ code: 'usage', message: e.message }];
  throw e;
}

/** The request types a plan answers: `--case` warns about a case of another type. */
const CASE_TYPES: Record<Exclude<PlanCommandName, 'sweep'>, RequestType[]> = {
  erase: ['erasure'],
  rectify: ['rectification'],
  restrict: ['restriction'],
  object: ['objection'],
  // A withdrawal of consent is often sent as an objection, or together with an erasure request.
  'withdraw-consent': ['objection', 'erasure'],
};

/** Validates every flag and reports all problems at once (exit 2). */
export function planSettings(command: PlanCommandName, opts: Record<string, unknown>, cwd: string, today: string): PlanSettings {
  const problems: Problem[] = [];
  const kind = KIND_OF[command];

  let subject: PlanSettings['subject'];
  if (command !== 'sweep') {
    try {
      subject = subjectFromFlags(opts);
    } catch (e) {
      problems.push(...problemsOf(e));
    }
  }

  const asOf = checkDate('--as-of', opts.asOf, problems) ?? today;

  const formats: PlanFormat[] = ['json'];
  const listed = String(opts.format ?? 'json')
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  for (const [i, f] of listed.entries()) {
    if (!(PLAN_FORMATS as readonly string[]).includes(f)) problems.push({ code: 'usage.format', message: `--format: the ${ordinal(i)} format is not one of ${PLAN_FORMATS.join(', ')}` });
    else if (!formats.includes(f as PlanFormat)) formats.push(f as PlanFormat);
  }
  formats.sort((a, b) => PLAN_FORMATS.indexOf(a) - PLAN_FORMATS.indexOf(b));

  let cacheBytes = 0;
  if (command !== 'sweep') {
    try {
      cacheBytes = cacheBytesOf(opts);
    } catch (e) {
      problems.push(...problemsOf(e));
    }
  }

  const dryRun = opts.dryRun === true;
  const json = opts.json === true;
  const caseRaw = opts.case !== undefined ? String(opts.case) : undefined;
  if (caseRaw !== undefined) {
    try {
      normaliseCaseId(caseRaw);
    } catch (e) {
      problems.push(...problemsOf(e));
    }
  }
  if (dryRun && caseRaw !== undefined) problems.push({ code: 'usage.dry-run-case', message: '--dry-run records nothing, so it cannot attach to --case; leave one out' });
  const out = typeof opts.out === 'string' && opts.out !== '' ? path.resolve(cwd, opts.out) : undefined;
  if (typeof opts.out === 'string' && (opts.out === '' || /[\\/]$/u.test(opts.out))) problems.push({ code: 'usage.out', message: '--out: give the plan file, e.g. plan.json (a file, not a folder)' });
  const renderings = formats.some((f) => f !== 'json');
  const writeFiles = !dryRun && (out !== undefined || !json || renderings || caseRaw !== undefined);
  const jsonFile = writeFiles ? (out ?? path.join(cwd, `plan-${kind}-${asOf}.json`)) : undefined;

  const set: RectificationSet[] = [];
  if (command === 'rectify') {
    const raw = (opts.set as string[] | undefined) ?? [];
    if (raw.length === 0) problems.push({ code: 'usage.set', message: '--set: give at least one FIELD=VALUE, e.g. --set email=new@example.se' });
    for (const [i, r] of raw.entries()) {
      const eq = r.indexOf('=');
      const nth = raw.length > 1 ? ` (value ${i + 1})` : '';
      if (eq <= 0) problems.push({ code: 'usage.set', message: `--set${nth}: must be FIELD=VALUE (the field name first, then =)` });
      else set.push({ field: r.slice(0, eq).trim(), value: r.slice(eq + 1) });
    }
    // The values too (an e-mail that is not one, an empty value), before any source is read.
    if (set.length > 0) problems.push(...rectificationProblems(set));
  }
  const contested = opts.contested === true;

  let ground: RestrictionGround | undefined;
  if (command === 'restrict') {
    const g = opts.ground === undefined ? '' : String(opts.ground).toLowerCase();
    if (g === '') problems.push({ code: 'usage.ground', message: '--ground: give the Art. 18(1) ground, a, b, c or d (see --help)' });
    else if (!['a', 'b', 'c', 'd'].includes(g)) problems.push({ code: 'usage.ground', message: '--ground: must be a, b, c or d' });
    else ground = g as RestrictionGround;
  }

  const objection = { marketing: opts.marketing === true, profiling: opts.profiling === true };
  if (command === 'object' && !objection.marketing && !objection.profiling) {
    problems.push({ code: 'usage.object', message: 'say what the objection is to: --marketing, --profiling or both' });
  }

  let gaPropertyId: string | undefined;
  if (opts.gaPropertyId !== undefined) {
    const g = String(opts.gaPropertyId).trim();
    if (!GA_PROPERTY.test(g)) problems.push({ code: 'usage.ga-property-id', message: '--ga-property-id: must be a GA4 property id (digits) or a UA-…-… id' });
    else gaPropertyId = g;
  }

  if (problems.length > 0) throw new UsageError(problems.length === 1 ? problems[0]!.message : 'invalid options', problems);
  return {
    command,
    kind,
    asOf,
    today,
    formats,
    jsonFile,
    force: opts.force === true,
    dryRun,
    json,
    cacheBytes,
    prefilter: opts.prefilter !== false,
    includePossible: opts.includePossible === true,
    ...(subject ? { subject } : {}),
    set,
    contested,
    ...(ground ? { ground } : {}),
    objection,
    ...(gaPropertyId ? { gaPropertyId } : {}),
    ...(caseRaw !== undefined ? { caseRaw } : {}),
  };
}

/** The files a plan is written to: the JSON, and each rendering beside it. */
export function planFiles(s: PlanSettings): { format: PlanFormat; file: string }[] {
  if (!s.jsonFile) return [];
  const base = s.jsonFile.replace(/\.json$/iu, '');
  return s.formats.map((f) => ({ format: f, file: f === 'json' ? s.jsonFile! : `${base}.${f}` }));
}

/** Does the home the flags and config resolve to hold a store already? */
async function homeExists(opts: Record<string, unknown>): Promise<boolean> {
  const [{ resolveCaseSettings }, { existsSync }] = await Promise.all([import('../../store/settings.ts'), import('node:fs')]);
  const settings = await resolveCaseSettings({ home: opts.home as string | undefined, config: opts.config as string | undefined, cwd: process.cwd(), env: process.env });
  return existsSync(path.join(settings.home, 'cases.db'));
}

/** Opens the store; a home that cannot be created or opened is a clear usage error (exit 2), not a crash. */
async function openStore(opts: Record<string, unknown>, how: { readOnly?: boolean } = {}): Promise<StoreSession> {
  const { openSession } = await import('./case-common.ts');
  try {
    return await openSession(opts, how);
  } catch (e) {
    if (isUserError(e)) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      'the ojco-dsar home cannot be opened',
      [{ code: 'store.unavailable', message: `${err.code ?? 'error'}${err.path ? ` at ${err.path}` : ''}: the suppression list, the ledger and the cases live in <home>/cases.db, which could not be created or opened` }],
      'Pass --home DIR (a folder you can write), or set OJCO_DSAR_HOME.',
    );
  }
}

function planInputError(e: unknown): never {
  if (e instanceof PlanInputError) throw new UsageError(e.message, e.problems.map((p) => ({ code: p.code, message: p.message, ...(p.source ? { source: p.source } : {}) })));
  throw e;
}

function cancelled(e: unknown): never {
  if ((e as Error)?.name === 'ExitPromptError') {
    throw new UsageError('cancelled at the prompt; nothing was written', [{ code: 'usage.cancelled', message: 'the review was cancelled' }]);
  }
  throw e;
}

/**
 * The officer's review at a terminal: the plan, the primary actions to keep
 * (untick to leave out), and yes or no. Undefined when the answer is no.
 */
async function review(plan: Plan, actor: string, titles: ReadonlyMap<string, string>): Promise<Plan | undefined> {
  const { checkbox, confirm } = await import('@inquirer/prompts');
  writeOut(renderPlan(plan, titles, { width: process.stdout.columns || 160 }));
  let reviewed = plan;
  const primaries = plan.actions.filter((a) => a.primary);
  try {
    if (primaries.length > 0) {
      const kept = (await checkbox({
        message: `${primaries.length} action(s), one per record. Untick any to leave out (space toggles, enter confirms):`,
        choices: primaries.map((a) => ({ name: `${a.action.padEnd(11)} ${a.source}: ${a.label ?? a.entity ?? ''} — ${formatLocator(a.locator)}`, value: a.id, checked: true })),
        pageSize: 20,
        theme: { style: { renderSelectedChoices: (sel: readonly unknown[], all: readonly unknown[]) => `${sel.length} of ${all.length} kept` } },
        output: process.stderr,
      } as Parameters<typeof checkbox>[0])) as string[];
      const keep = new Set(kept);
      const dropped = primaries.filter((a) => !keep.has(a.id)).map((a) => a.id);
      if (dropped.length > 0) {
        reviewed = deselectActions(plan, dropped, actor);
        writeOut(`\n${dropped.length} action(s) left out; they are listed as "deselected by ${actor}".`);
      }
    }
    const ok = await confirm({ message: `Write this ${plan.kind} plan (${reviewed.actions.length} actions) and record it?`, default: false, output: process.stderr } as Parameters<typeof confirm>[0]);
    return ok ? reviewed : undefined;
  } catch (e) {
    cancelled(e);
  }
}

interface Issued {
  files: { path: string; format: PlanFormat; sha256: string; bytes: number }[];
  recorded?: { suppression: { added: number; existing: number }; ledger: { added: number; existing: number } };
  swept?: number;
  attached?: number[];
}

/** Writes the files, records the plan in the store and attaches it to the case. */
async function issue(
  plan: Plan,
  s: PlanSettings,
  session: StoreSession | undefined,
  caseId: string | undefined,
  titles: ReadonlyMap<string, string>,
  phoneTails?: ReadonlyMap<string, string>,
  configFile?: string,
): Promise<Issued> {
  const bytes = serialisePlan(plan);
  const res: Issued = { files: [] };
  if (s.dryRun) return res;
  const targets = planFiles(s);
  if (targets.length > 0) {
    const { ensureDir, writeFileAtomic } = await import('../../io/output.ts');
    const rendered: { format: PlanFormat; file: string; data: Buffer | string }[] = [];
    for (const t of targets) {
      if (t.format === 'json') rendered.push({ ...t, data: bytes });
      else if (t.format === 'xlsx') rendered.push({ ...t, data: await (await import('../../report/plan-xlsx.ts')).planXlsx(plan, titles) });
      else rendered.push({ ...t, data: (await import('../../report/plan-html.ts')).planHtml(plan, titles) });
    }
    await assertWritable(rendered.map((r) => r.file), s.force);
    for (const r of rendered) {
      await ensureDir(path.dirname(r.file));
      const w = await writeFileAtomic(r.file, r.data, { force: s.force });
      res.files.push({ path: w.path, format: r.format, sha256: w.sha256, bytes: w.bytes });
    }
  }
  if (session) {
    const { recordPlan, markSwept } = await import('../../store/plans.ts');
    const ctx = session.ctx();
    if (plan.kind === 'sweep') res.swept = markSwept(session.store, plan, ctx);
    else res.recorded = recordPlan(session.store, plan, ctx, phoneTails ? { phoneTails } : {});
    if (plan.kind === 'sweep' && !s.dryRun) {
      // Each case whose retention came due hears of it in its own audit trail.
      const byCase = new Map<string, number>();
      for (const a of plan.actions) if (a.primary && a.ledger?.caseId) byCase.set(a.ledger.caseId, (byCase.get(a.ledger.caseId) ?? 0) + 1);
      for (const [id, n] of [...byCase].sort()) {
        if (!session.store.hasCase(id) || session.store.getCase(id).purgedOn) continue;
        session.store.logEvent(id, 'ledger-swept', { planHash: plan.planHash, asOf: plan.asOf, entries: n }, ctx);
      }
    }
    if (caseId) {
      const { attachOutputs } = await import('../../store/index.ts');
      const payload: Record<string, unknown> = {
        plan: plan.kind,
        planHash: plan.planHash,
        asOf: plan.asOf,
        records: plan.summary.records,
        actions: plan.summary.actions,
        deselected: plan.summary.deselected ?? 0,
        formats: s.formats,
        // The plan's entries in the store, new or already there: the same after a run killed half-way and run
        // again as after one run (a count of only the new ones would differ, and log the plan twice).
        ...(res.recorded
          ? { suppressionEntries: res.recorded.suppression.added + res.recorded.suppression.existing, ledgerEntries: res.recorded.ledger.added + res.recorded.ledger.existing }
          : {}),
        ...(res.swept !== undefined ? { swept: res.swept } : {}),
      };
      const attached = await attachOutputs(session.store, caseId, res.files.map((f) => ({ path: f.path, kind: 'plan' })), ctx, { type: 'plan-written', payload }, configFile);
      res.attached = attached.map((a) => a.id);
    }
  }
  return res;
}

/**
 * For the re-appearance check's phone filter: the tail key of each phone on
 * the plan's suppression list, from the plain numbers the plan was made
 * from (the subject's identifiers and the matched records' evidence). The
 * store keeps only these keyed hashes.
 */
export function phoneTailsOf(plan: Plan, subject: SubjectResult, secret: Uint8Array): Map<string, string> {
  const listed = new Set(plan.actions.filter((a) => a.suppression?.kind === 'phone').map((a) => a.suppression!.hash));
  const out = new Map<string, string>();
  if (listed.size === 0) return out;
  const phones = new Set<string>(subject.knownBy.filter((k) => k.kind === 'phone').map((k) => k.value));
  for (const m of subject.records) for (const e of m.evidence) if (e.kind === 'phone' && e.key.startsWith('phone:')) phones.add(e.key.slice('phone:'.length));
  const salt = phoneTailSalt(secret);
  for (const p of phones) {
    const e164 = canonical('phone', p);
    if (!e164) continue;
    const h = suppressionKey('phone', e164, secret);
    const t = listed.has(h) ? phoneTailKey(e164, salt) : undefined;
    if (t) out.set(h, t);
  }
  return out;
}

function rel(cwd: string, f: string): string {
  const r = path.relative(cwd, f);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : f;
}

/** What a person reads at the end: the hash, the files with their sha256, what the store recorded. */
function report(plan: Plan, s: PlanSettings, issued: Issued, cwd: string, home: string | undefined, caseId: string | undefined): void {
  const bytes = serialisePlan(plan);
  writeOut('');
  writeOut(`Plan hash: ${plan.planHash}`);
  if (s.dryRun) {
    writeOut(`Dry run: nothing was written or recorded (the plan JSON would have sha256 ${sha256(bytes)}).`);
    return;
  }
  if (issued.files.length > 0) writeOut(table([['format', 'file', 'bytes', 'sha256'], ...issued.files.map((f) => [f.format, rel(cwd, f.path), String(f.bytes), f.sha256])]));
  if (issued.recorded && home) {
    const r = issued.recorded;
    const parts: string[] = [];
    if (r.suppression.added + r.suppression.existing > 0) parts.push(`${r.suppression.added} suppression entr${r.suppression.added === 1 ? 'y' : 'ies'}${r.suppression.existing ? ` (${r.suppression.existing} already there)` : ''}`);
    if (r.ledger.added + r.ledger.existing > 0) parts.push(`${r.ledger.added} ledger entr${r.ledger.added === 1 ? 'y' : 'ies'}${r.ledger.existing ? ` (${r.ledger.existing} already there)` : ''}`);
    if (parts.length > 0) writeOut(`Recorded in ${rel(cwd, home)}: ${parts.join(', ')}.`);
  }
  if (issued.swept !== undefined) writeOut(`Marked ${issued.swept} ledger entr${issued.swept === 1 ? 'y' : 'ies'} as swept by this plan.`);
  if (caseId) writeOut(`Attached to case ${caseId} (${issued.attached?.length ?? 0} file(s)); the event plan-written is in its audit trail.`);
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const command = opts.planCommand as PlanCommandName;
  const s = planSettings(command, opts, cwd, todayInStockholm());
  if (command === 'sweep') return runSweep(s, opts, cwd);
  // ER-5, BF-1: a plan is acted on now and recorded (ledger, suppression list, case), so it is made as of
  // today: a later --as-of would plan deleting what Bokföringslagen keeps until a day between the two.
  if (s.asOf > s.today && !s.dryRun) {
    throw new UsageError('--as-of is after today', [
      {
        code: 'usage.as-of-future',
        message: `--as-of ${s.asOf} is after today (${s.today}): a plan is acted on and recorded today, and as of a later date it would plan deleting records that must still be kept today; add --dry-run to see the plan as of that date`,
      },
    ]);
  }

  const config = await loadConfig(opts.config as string | undefined, cwd);
  const registerFile = config.raw.register ? path.resolve(path.dirname(config.file), config.raw.register) : DEFAULT_REGISTER();
  const { register } = await loadRegister(registerFile, path.relative(cwd, registerFile) || registerFile);
  const gaPropertyId = s.gaPropertyId ?? config.raw.gaPropertyId;
  const titles = new Map(config.sources.map((src) => [src.connector.id, src.connector.title]));

  const needsSecret = command === 'erase' || command === 'object' || command === 'withdraw-consent';
  // A dry run writes nothing, not even a home: without one yet, its suppression hashes get a throwaway key.
  const throwaway = needsSecret && s.dryRun && s.caseRaw === undefined && !(await homeExists(opts));
  const session = (needsSecret && !throwaway) || s.caseRaw !== undefined ? await openStore(opts) : undefined;
  try {
    let caseId: string | undefined;
    if (s.caseRaw !== undefined) {
      const { requireCaseForOutputs } = await import('./case-common.ts');
      caseId = await requireCaseForOutputs(session!.store, s.caseRaw);
    }
    // Up front, before a long search: every target that already exists, and a path that cannot be written.
    if (!s.dryRun) await assertWritable(planFiles(s).map((f) => f.file), s.force, cwd);
    if (!s.dryRun) await assertFilesCreatable(planFiles(s).map((f) => f.file));
    let secret: Buffer | undefined;
    if (throwaway) {
      const { randomBytes } = await import('node:crypto');
      secret = randomBytes(32);
      warn('There is no ojco-dsar home yet, and a dry run creates none: the suppression hashes in this plan are keyed with a throwaway key, so a real run gives other hashes.');
    } else if (needsSecret) {
      const { suppressionSecret } = await import('../../store/plans.ts');
      secret = suppressionSecret(session!.store, session!.ctx());
    }
    const actor = session?.actor ?? resolveActor(opts.actor as string | undefined, config.raw.actor, process.env);

    const spin = await spinner('Reading sources…', true);
    const result = await search({
      sources: config.sources,
      baseDir: config.baseDir,
      subjects: [s.subject!.query],
      cacheBytes: s.cacheBytes,
      prefilter: s.prefilter,
      onProgress: (p) => spin.update(progressText(p)),
    });
    spin.stop();
    const subject = result.subjects[0]!;
    warnGivenOfOthers(subject);
    if (session && caseId) {
      const { checkCaseFits } = await import('./case-common.ts');
      checkCaseFits(session.store, caseId, subject, CASE_TYPES[command], `a plan (${s.kind})`);
    }

    // `possible` matches are acted on only when a person confirms them, or with --include-possible.
    const possible = subject.records.map((m, i) => ({ m, i })).filter(({ m }) => m.confidence === 'possible');
    const confirmed = new Set<number>(s.includePossible ? possible.map((p) => p.i) : []);
    const interactive = canPrompt(opts);
    if (!s.includePossible && possible.length > 0 && interactive) {
      const { checkbox } = await import('@inquirer/prompts');
      let chosen: unknown;
      try {
        chosen = await checkbox({
          message: `${possible.length} possible match${possible.length === 1 ? '' : 'es'}: which are this person? (space to select, enter to confirm; unselected ones get no action)`,
          choices: possible.map(({ m, i }) => ({ name: `${config.sources[m.source]!.name}: ${m.record.label ?? m.record.entity} — ${formatLocator(m.record.locator)}`, value: i })),
          output: process.stderr,
        } as Parameters<typeof checkbox>[0]);
      } catch (e) {
        cancelled(e);
      }
      for (const i of chosen as number[]) confirmed.add(i);
    }
    if (possible.length > confirmed.size && !s.json) {
      log(`${possible.length - confirmed.size} possible match(es) get no action (listed as excluded); confirm them at a terminal, or pass --include-possible.`);
    }

    const input: PlanInput = {
      asOf: s.asOf,
      // BF-1a: an open receivable is in today's books too, whatever --as-of says (the core has no clock).
      today: s.today,
      register,
      matches: subject.records,
      sources: planSources(config.sources),
      confirmed,
      fiscalYear: { start: config.raw.fiscalYearStart ?? '01-01' },
      subjectIdentifiers: subject.knownBy.map((k) => ({ kind: k.kind, value: k.value })),
      ...(caseId ? { caseId } : {}),
      ...(result.skipped.length > 0 ? { notRead: unreadFiles(result.skipped) } : {}),
    };
    const subjectInput = { ...input, suppressionSecret: secret ?? new Uint8Array(0), ...(gaPropertyId ? { gaPropertyId } : {}) };
    let plan: Plan;
    try {
      switch (command) {
        case 'erase':
          plan = planErasure(subjectInput);
          break;
        case 'rectify':
          plan = planRectification(input, s.set, s.contested);
          break;
        case 'restrict':
          plan = planRestriction(input, s.ground!);
          break;
        case 'object':
          plan = planObjection(subjectInput, s.objection);
          break;
        case 'withdraw-consent':
          plan = planWithdrawConsent(subjectInput);
          break;
        default:
          throw new Error(`no planner for ${command}`);
      }
    } catch (e) {
      planInputError(e);
    }
    // A field name none of the subject's records holds is a typo (`emial`): a plan that changes nothing
    // for it is not written. (With a source unread, the field may be there: the warning stays.)
    const noField = plan.warnings.filter((w) => w.code === 'rectify.no-field');
    if (noField.length > 0 && result.skipped.length === 0) {
      throw new UsageError('a field to set is in none of the records found', noField.map((w) => ({ code: w.code, message: w.message })));
    }

    let shown = false;
    if (interactive) {
      const reviewed = await review(plan, actor, titles);
      shown = true;
      if (!reviewed) {
        log('Nothing was written or recorded: the plan was not confirmed.');
        return ExitCode.Ok;
      }
      plan = reviewed;
    }

    const issued = await issue(plan, s, session, caseId, titles, secret ? phoneTailsOf(plan, subject, secret) : undefined, config.file);
    if (s.json) process.stdout.write(serialisePlan(plan));
    else {
      if (!shown) writeOut(renderPlan(plan, titles, { width: process.stdout.columns || 160 }));
      report(plan, s, issued, cwd, session?.store.home, caseId);
    }
    logSourceWarnings(result.warnings);
    if (result.skipped.length > 0) {
      logSkippedFiles(result.skipped, (n) => `${n} file(s) could not be read: the plan covers only the other sources; check them before acting on it (exit code 3):`, true);
      return ExitCode.SourceFailed;
    }
    return ExitCode.Ok;
  } finally {
    session?.store.close();
  }
}

async function runSweep(s: PlanSettings, opts: Record<string, unknown>, cwd: string): Promise<number> {
  // A home without a ledger has nothing due: nothing is created for it.
  const session = await openStore(opts, { readOnly: true });
  try {
    let caseId: string | undefined;
    if (s.caseRaw !== undefined) {
      const { requireCaseForOutputs } = await import('./case-common.ts');
      caseId = await requireCaseForOutputs(session.store, s.caseRaw);
    }
    if (!s.dryRun) await assertWritable(planFiles(s).map((f) => f.file), s.force, cwd);
    if (!s.dryRun) await assertFilesCreatable(planFiles(s).map((f) => f.file));
    const { ledgerForSweep } = await import('../../store/plans.ts');
    let plan: Plan;
    try {
      plan = planSweep(ledgerForSweep(session.store), s.asOf, caseId ? { caseId } : {});
    } catch (e) {
      planInputError(e);
    }
    // ER-5: an entry is swept the day after its retainUntil, never before. A later --as-of only previews.
    if (s.asOf > s.today && !s.dryRun && plan.actions.some((a) => a.retainUntil !== undefined && a.retainUntil >= s.today)) {
      throw new UsageError('--as-of is after today', [
        {
          code: 'usage.as-of-future',
          message: `--as-of ${s.asOf} is after today (${s.today}): the sweep would plan deleting records that must still be kept today and mark them swept; add --dry-run to see what will be due then`,
        },
      ]);
    }
    const notDue = Number(plan.parameters.notDue ?? 0);
    if (plan.actions.length === 0) {
      if (s.json) process.stdout.write(serialisePlan(plan));
      else {
        writeOut(`Nothing is due on ${s.asOf}: ${notDue} ledger entr${notDue === 1 ? 'y is' : 'ies are'} not yet due.`);
        for (const w of plan.warnings) warn(w.message);
      }
      return ExitCode.Ok;
    }
    let shown = false;
    if (canPrompt(opts)) {
      const reviewed = await review(plan, session.actor, new Map());
      shown = true;
      if (!reviewed) {
        log('Nothing was written or recorded: the sweep plan was not confirmed.');
        return ExitCode.Ok;
      }
      plan = reviewed;
    }
    const issued = await issue(plan, s, session, caseId, new Map());
    if (s.json) process.stdout.write(serialisePlan(plan));
    else {
      if (!shown) writeOut(renderPlan(plan, new Map(), { width: process.stdout.columns || 160 }));
      report(plan, s, issued, cwd, session.store.home, caseId);
    }
    return ExitCode.Ok;
  } finally {
    session.store.close();
  }
}
