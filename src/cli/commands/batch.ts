/**
 * `ojco-dsar batch REQUESTS --out DIR`: many requests in one pass.
 *
 * All subjects are searched together (one hash join over every source, so a
 * thousand requests cost the same reads as one). Each request gets its own
 * folder with an extract or a plan, and the batch a summary (JSON and CSV).
 *
 * Resumable: the batch keeps a state file in DIR/.batch/. It fixes the run's
 * clock (generatedAt, asOf) at the start, so that `--resume` after a crash
 * writes exactly the bytes an uninterrupted run would; a request is marked
 * done only after all its files are written (each atomically), so nothing
 * half-written is ever taken for finished.
 *
 * Erasure and objection requests get a plan (src/core/plan), and their
 * suppression entries and ledger go into the home's store; rectification and
 * restriction need values the requests file cannot hold (the corrected
 * values, the Art. 18(1) ground), so they get the search result and a note.
 * When a case store is in use (the home is given by --home, OJCO_DSAR_HOME or
 * the config, or it already holds cases.db, or a plan needs its suppression
 * list), each request opens its case, or updates the one it opened before:
 * the request id is the case's reference (store migration 3), so a resumed
 * or repeated batch never opens a second case, and outputs already attached
 * are not attached again.
 */
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.ts';
import { ExitCode, UsageError, isUserError, type Problem } from '../../errors.ts';
import { search, unreadFiles, type SearchResult } from '../../pipeline/search.ts';
import { ensureDir, exists, removeStaleTempFiles, sha256, syncFile, writeFileAtomic } from '../../io/output.ts';
import { loadConfigRegister } from '../../register/load.ts';
import { buildExtract, type ExtractSource } from '../../report/extract.ts';
import { assumedBackups, assumedBackupsWarning } from '../../report/extract-backups.ts';
import { validateExtract } from '../../report/extract-json.ts';
import { EXTRACT_FORMATS, isExtractFormat, type ExtractFormat } from '../../report/extract-files.ts';
import { findJson } from '../../report/found.ts';
import { readRequests, type BatchRequest } from '../../batch/requests.ts';
import type { SubjectResult } from '../../core/match/matcher.ts';
import { parseIsoDate } from '../../core/law/dates.ts';
import { neutraliseFormula } from '../../io/output.ts';
import { log, logSourceWarnings, ordinal, spinner, table, warn, writeJson, writeOut } from '../io.ts';
import { progressText, cacheBytesOf } from './find.ts';
import { extractNotRead, extractUnverified, renderExtract } from './export.ts';
import { fieldLookup, type FieldLookup } from '../../report/letter-fields.ts';
import type { Register } from '../../register/schema.ts';
import type { ConnectorDescription } from '../../sources/contract.ts';
import { planErasure, planObjection, PlanInputError, serialisePlan, type Plan, type PlanReply, type PlanSource } from '../../core/plan/index.ts';
import { canonical } from '../../core/identity/normalise.ts';
import { planSources } from '../plan-sources.ts';
import { caseIsAbout, dateFlag, TODAY_ENV, todayInStockholm, yearRangeProblem, type StoreSession } from './case-common.ts';

const STATE_VERSION = 1;

export type RequestStatus = 'done' | 'needs-input' | 'failed';

interface OutputRef {
  path: string;
  format: string;
  sha256: string;
}

/**
 * Why a request needs input: the officer's confirmation of matches no
 * unique identifier backs (`unconfirmed-matches`), the corrected values of a
 * rectification, the Art. 18(1) ground of a restriction.
 */
export type NeedsInputReason = 'unconfirmed-matches' | 'rectification-values' | 'restriction-ground';

interface RequestState {
  status: RequestStatus;
  outputs: OutputRef[];
  records: { exact: number; probable: number; possible: number };
  /** With needs-input: why (the note says it in words). */
  reason?: NeedsInputReason;
  note?: string;
  /** The request's case in the store, when one is in use. */
  case?: string;
  /** The plan's hash, for erasure and objection requests. */
  planHash?: string;
  /** What the reply to the subject must say when the plan refuses part of the request (ER-4: an erasure that retains records). */
  reply?: PlanReply;
}

interface BatchState {
  version: number;
  requestsSha256: string;
  configSha256: string;
  generatedAt: string;
  asOf: string;
  lang: 'sv' | 'en';
  formats: ExtractFormat[];
  done: Record<string, RequestState>;
}

export interface BatchSettings {
  requestsFile: string;
  outDir: string;
  resume: boolean;
  asOf?: string;
  lang: 'sv' | 'en';
  formats: ExtractFormat[];
  cacheBytes: number;
  prefilter: boolean;
}

function settings(opts: Record<string, unknown>, cwd: string): BatchSettings {
  const problems: Problem[] = [];
  const file = (opts.args as string[] | undefined)?.[0];
  if (!file) problems.push({ code: 'usage.requests', message: 'name the requests file: ojco-dsar batch REQUESTS.csv --out DIR' });
  const out = typeof opts.out === 'string' ? opts.out : '';
  if (!out) problems.push({ code: 'usage.out', message: '--out: give the folder for the outputs' });
  let asOf: string | undefined;
  if (opts.asOf !== undefined) {
    const s = String(opts.asOf);
    const d = /^\d{4}-\d{2}-\d{2}$/u.test(s) ? parseIsoDate(s) : undefined;
    const range = d && yearRangeProblem('--as-of', d.year);
    if (!d) problems.push({ code: 'usage.as-of', message: '--as-of must be a date YYYY-MM-DD' });
    else if (range) problems.push(range);
    else asOf = s;
  }
  const lang = String(opts.lang ?? 'sv');
  if (lang !== 'sv' && lang !== 'en') problems.push({ code: 'usage.lang', message: '--lang must be sv or en' });
  const formats: ExtractFormat[] = [];
  for (const [i, f] of String(opts.format ?? 'json,html').split(',').map((x) => x.trim()).filter(Boolean).entries()) {
    if (!isExtractFormat(f)) problems.push({ code: 'usage.format', message: `--format: the ${ordinal(i)} format is not one of ${EXTRACT_FORMATS.join(', ')}` });
    else if (!formats.includes(f)) formats.push(f);
  }
  formats.sort((a, b) => EXTRACT_FORMATS.indexOf(a) - EXTRACT_FORMATS.indexOf(b));
  let cacheBytes = 0;
  try {
    cacheBytes = cacheBytesOf(opts);
  } catch (e) {
    problems.push(...((e as UsageError).problems ?? []));
  }
  if (problems.length) throw new UsageError('invalid batch options', problems);
  return { requestsFile: path.resolve(cwd, file!), outDir: path.resolve(cwd, out), resume: opts.resume === true, ...(asOf ? { asOf } : {}), lang: lang as 'sv' | 'en', formats, cacheBytes, prefilter: opts.prefilter !== false };
}

function statePath(outDir: string): string {
  return path.join(outDir, '.batch', 'state.json');
}

async function saveState(outDir: string, state: BatchState): Promise<void> {
  await writeFileAtomic(statePath(outDir), JSON.stringify(state, null, 2) + '\n', { force: true });
}

/**
 * The requests finished since state.json was last written, one JSON line
 * each, appended as each finishes (issue #7: rewriting the whole state after
 * every request cost a 1,000-request batch O(n^2) bytes, about 1.6 s). When
 * the batch ends, state.json takes them in and the journal goes.
 */
function journalPath(outDir: string): string {
  return path.join(outDir, '.batch', 'done.ndjson');
}

/**
 * Applies the journal to the state. A last line without its line break was
 * cut off by a kill during the append: that request is done again. Any
 * other line that does not parse means the folder was tampered with.
 */
async function replayJournal(outDir: string, state: BatchState, cwd: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(journalPath(outDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const lines = text.split('\n');
  lines.pop();
  for (const [i, line] of lines.entries()) {
    let entry: { id?: unknown; state?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = {};
    }
    if (typeof entry.id !== 'string' || typeof entry.state !== 'object' || entry.state === null) {
      throw new UsageError('cannot resume this batch', [
        { code: 'batch.state', message: `the batch journal is damaged at line ${i + 1}`, file: path.relative(cwd, journalPath(outDir)) },
      ]);
    }
    state.done[entry.id] = entry.state as RequestState;
  }
}

/** Requests whose files are being synced while the next are answered. */
const IN_FLIGHT = 8;

/**
 * Appends finished requests to the journal in the order they are added. The
 * lines added while a sync runs go to disk together with the next (group
 * commit): a sync per request was a thousand fsyncs in a row at the end of
 * a batch of a thousand (issue #7). add() resolves once its line is on disk.
 */
class Journal {
  private fh: FileHandle | undefined;
  private lines: string[] = [];
  /** The flush that will take the lines added from now on, until it starts. */
  private next: Promise<void> | undefined;
  private last: Promise<void> = Promise.resolve();
  constructor(private readonly outDir: string) {}
  add(id: string, rs: RequestState): Promise<void> {
    this.lines.push(JSON.stringify({ id, state: rs }) + '\n');
    if (!this.next) {
      // After the flush before it; when that one failed, the journal is broken and this fails with it.
      const flush = this.last.then(async () => {
        this.next = undefined;
        const text = this.lines.join('');
        this.lines = [];
        this.fh ??= await open(journalPath(this.outDir), 'a', 0o600);
        await this.fh.write(text);
        await this.fh.datasync();
      });
      this.next = flush;
      this.last = flush;
    }
    return this.next;
  }
  /** Writes the whole state and drops the journal (a kill in between only replays entries state.json has). */
  async compact(state: BatchState): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    await saveState(this.outDir, state);
    await unlink(journalPath(this.outDir)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }
  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}

function counts(s: SubjectResult): RequestState['records'] {
  const c = (x: string): number => s.records.filter((r) => r.confidence === x).length;
  return { exact: c('exact'), probable: c('probable'), possible: c('possible') };
}

interface Context {
  config: LoadedConfig;
  register: Register;
  result: SearchResult;
  state: BatchState;
  outDir: string;
  session: StoreSession | undefined;
  /** The suppression list's key, when the batch has erasure or objection requests. */
  secret: Buffer | undefined;
  /** The sources' descriptions, made once for all requests (describe() is pure; a batch of a thousand made them a thousand times). */
  descriptions?: ConnectorDescription[];
  /** The sources as the plans see them (with their connectors' field descriptions), made once. */
  planSources?: PlanSource[];
  /** The letter's lookup of the same descriptions, made once as well. */
  fields?: FieldLookup;
  /** AC-8: the backups entries marked `assumption:` that this run's extracts state, and how many extracts state any. */
  assumedBackups: { entries: Set<string>; extracts: number };
}

/** A request's note: the parts that apply, in order, one sentence each. */
function notes(...parts: (string | undefined)[]): string {
  return parts.filter(Boolean).join('; ');
}

/** A case that cannot take outputs (closed, purged) still gets its files written; the note says why they are not attached. */
interface CaseLink {
  id: string;
  writable: boolean;
  note?: string;
}

/**
 * The request's case: the case named by the request id itself (a case id
 * such as DSAR-2026-0001, which must exist), else the one this request id
 * opened before (the same request: its type and date of receipt), else a
 * new one. Identifiers go to the case's subject record only. A case about
 * someone else, or a request id used before for another request, fails the
 * request (UsageError): its outputs would land in another request's
 * evidence, and the request would have no deadline of its own.
 */
async function caseFor(req: BatchRequest, subject: SubjectResult, session: StoreSession, configFile: string): Promise<CaseLink> {
  const { normaliseCaseId } = await import('../../store/rules.ts');
  const store = session.store;
  let id: string | undefined;
  let note: string | undefined;
  if (/^DSAR-\d{4}-\d+$/iu.test(req.id)) {
    const named = normaliseCaseId(req.id);
    if (!store.hasCase(named)) {
      throw new UsageError(`no case ${named}`, [{ code: 'batch.no-case', message: `the request id names case ${named}, which is not in the case register: a request id that is a case id adds to that case; give a new request an id of its own` }]);
    }
    id = named;
    const c = store.getCase(id);
    if (!c.types.includes(req.type)) note = `case ${id} is a request of type ${c.types.join(', ')}, and this row is ${req.type}: check that the case is the right one`;
  } else {
    id = store.caseByReference(req.id);
    if (id) {
      const c = store.getCase(id);
      if (!c.types.includes(req.type) || c.receivedDate !== req.received) {
        throw new UsageError(`request id ${req.id} was used before`, [
          {
            code: 'batch.id-reused',
            message: `request id ${req.id} already names case ${id}, a request of type ${c.types.join(', ')} received ${c.receivedDate}: this row is another request; give it an id of its own`,
          },
        ]);
      }
    }
  }
  if (id && !caseIsAbout(store, id, subject)) {
    throw new UsageError(`case ${id} is about someone else`, [
      { code: 'case.subject', message: `none of the identifiers case ${id} was opened with is one this person was found by: nothing was written or attached; check the request id` },
    ]);
  }
  if (!id) {
    const identifiers = req.identifiers.map((i) => ({ kind: i.kind, value: i.value, canonical: canonical(i.kind, i.value) ?? i.value }));
    id = store.openCase({ types: [req.type], receivedDate: req.received, identifiers, configFile, reference: req.id }, session.ctx()).id;
  }
  const c = store.getCase(id);
  if (c.purgedOn || c.status === 'closed') return { id, writable: false, note: notes(note, `case ${id} is ${c.purgedOn ? 'purged' : 'closed'}, so the outputs were not attached to it`) };
  return { id, writable: true, ...(note ? { note } : {}) };
}

/**
 * Attaches the request's files to its case, once: attachOutputs is one
 * transaction and skips files already attached with the same sha256 (a
 * resumed batch rewrote them byte for byte), and logs its event only when it
 * is not already there. attachOutputs moves the case to in-progress every
 * time, so a run killed between the attachment and the status change
 * completes it.
 */
async function attachOnce(session: StoreSession, link: CaseLink, files: string[], kind: 'extract' | 'plan', event: { type: string; payload: Record<string, unknown> }, configFile: string): Promise<void> {
  if (!link.writable) return;
  const { attachOutputs } = await import('../../store/index.ts');
  await attachOutputs(session.store, link.id, files.map((f) => ({ path: f, kind })), session.ctx(), event, configFile);
}

/**
 * Writes one request's outputs (not yet synced: finish() syncs them before the journal marks the request
 * done); returns its state. Pure of side effects beyond its own folder and its case.
 */
async function answer(req: BatchRequest, subject: SubjectResult, ctx: Context): Promise<RequestState> {
  // The case first: a request that cannot have one fails before anything of it is written.
  const link = ctx.session ? await caseFor(req, subject, ctx.session, ctx.config.file) : undefined;
  const dir = path.join(ctx.outDir, req.id);
  await ensureDir(dir);
  const records = counts(subject);
  const rel = (p: string): string => path.relative(ctx.outDir, p).split(path.sep).join('/');
  const withCase = (st: RequestState): RequestState => {
    if (!link) return st;
    const note = notes(st.note, link.note);
    return { ...st, case: link.id, ...(note ? { note } : {}) };
  };
  // No record matched a unique identifier of this person (a request by name only, say): what was found
  // may be namesakes, and only the officer can tell, as `find`, `export` and the plans ask at a terminal.
  // An extract of nothing confirmed is no answer, and a plan of it would erase no one's records yet put
  // the identifiers on the suppression list: the request gets the search result and waits for the officer.
  if (records.exact === 0 && records.probable + records.possible > 0) {
    const w = await writeFound(req, subject, ctx, dir);
    const onCase = link?.writable ? ` --case ${link.id}` : '';
    const command = {
      access: `ojco-dsar export --out DIR${onCase}`,
      erasure: `ojco-dsar erase${onCase}`,
      objection: `ojco-dsar object --marketing${onCase}`,
      rectification: `ojco-dsar rectify --set FIELD=VALUE${onCase}`,
      restriction: `ojco-dsar restrict --ground a|b|c|d${onCase}`,
    }[req.type];
    const found = [records.probable > 0 ? `${records.probable} probable` : '', records.possible > 0 ? `${records.possible} possible` : ''].filter(Boolean).join(' and ');
    const note = `no record matched a unique identifier of this person (0 exact), so the ${found} match(es) need the officer's confirmation and nothing was answered: run \`${command}\` at a terminal with this request's identifiers, and confirm the matches that are this person`;
    return withCase({ status: 'needs-input', reason: 'unconfirmed-matches', outputs: [{ path: rel(w.path), format: 'json', sha256: w.sha256 }], records, note });
  }
  if (req.type === 'access') {
    const descriptions = (ctx.descriptions ??= ctx.config.sources.map((src) => src.connector.describe(src.options)));
    const sources: ExtractSource[] = ctx.config.sources.map((src, i) => ({
      name: src.name,
      connector: src.connector.id,
      title: src.connector.title,
      description: descriptions[i]!,
      records: ctx.result.sources[i]?.records ?? 0,
    }));
    const extract = buildExtract({
      register: ctx.register,
      lang: ctx.state.lang,
      generatedAt: ctx.state.generatedAt,
      asOf: ctx.state.asOf,
      // BF-1a: an open receivable is in today's books too, as the batch's erasure plans date it: the day the batch started.
      today: todayInStockholm(new Date(ctx.state.generatedAt)),
      fiscalYear: { start: ctx.config.raw.fiscalYearStart ?? '01-01' },
      subjectIdentifiers: req.identifiers,
      records: subject.records,
      sources,
      // As export says it: the source and why, not the file, which may name someone else (Art. 15(4)).
      notRead: extractNotRead(ctx.result.skipped),
      unverified: extractUnverified(ctx.result.skipped),
      // A batch has no one to confirm possible matches: they stay out, and the summary counts them.
      includePossible: false,
      staffDomains: ctx.config.raw.staffDomains ?? [],
      caseId: link?.id ?? req.id,
    });
    validateExtract(extract);
    const assumed = assumedBackups(ctx.register, extract.processing.backups);
    if (assumed.length > 0) {
      for (const a of assumed) ctx.assumedBackups.entries.add(a);
      ctx.assumedBackups.extracts++;
    }
    const outputs: OutputRef[] = [];
    const files: string[] = [];
    for (const r of await renderExtract(extract, ctx.state.formats, dir, (ctx.fields ??= fieldLookup(sources)))) {
      const w = await writeFileAtomic(r.file, r.data, { force: true, sync: false });
      outputs.push({ path: rel(w.path), format: r.format, sha256: w.sha256 });
      files.push(w.path);
    }
    if (link && ctx.session) {
      await attachOnce(ctx.session, link, files, 'extract', {
        type: 'extract-written',
        payload: { asOf: extract.asOf, language: extract.language, formats: ctx.state.formats, records: extract.records.length, exact: records.exact, probable: records.probable, possibleIncluded: 0, notRead: extract.notRead.length, batch: true },
      }, ctx.config.file);
    }
    // As for a plan: no one here confirms a possible match, so the request's note says how many were left out.
    const unread = ctx.result.skipped.length;
    const note = notes(
      unread > 0 ? `${unread} file(s) could not be read: the extract names them and says their data is missing; export again once they are readable` : undefined,
      records.possible > 0
        ? `${records.possible} possible match(es) were left out of the extract: check them with \`ojco-dsar find\` at a terminal, and add them with \`ojco-dsar export --include-possible\` if they are this person`
        : undefined,
    );
    return withCase({ status: 'done', outputs, records, ...(note ? { note } : {}) });
  }
  if (req.type === 'erasure' || req.type === 'objection') return withCase(await planRequest(req, subject, ctx, dir, link, records));
  // Rectification and restriction need input the requests file cannot hold.
  const w = await writeFound(req, subject, ctx, dir);
  const onCase = link?.writable ? ` --case ${link.id}` : '';
  const note =
    req.type === 'rectification'
      ? `the corrected values are not in the requests file: run \`ojco-dsar rectify --set FIELD=VALUE${onCase}\` with this request's identifiers`
      : `the Art. 18(1) ground is not in the requests file: run \`ojco-dsar restrict --ground a|b|c|d${onCase}\` with this request's identifiers`;
  return withCase({ status: 'needs-input', reason: req.type === 'rectification' ? 'rectification-values' : 'restriction-ground', outputs: [{ path: rel(w.path), format: 'json', sha256: w.sha256 }], records, note });
}

/** The search result of a request that needs input, as `find --json` gives it, for the officer (not synced: finish() syncs it). */
async function writeFound(req: BatchRequest, subject: SubjectResult, ctx: Context, dir: string): Promise<{ path: string; sha256: string }> {
  const doc = findJson(ctx.result, subject, req.identifiers.map((i) => ({ ...i, canonical: i.value })), ctx.config.sources);
  const data = JSON.stringify({ request: { id: req.id, type: req.type, received: req.received }, ...doc }, null, 2) + '\n';
  return writeFileAtomic(path.join(dir, 'found.json'), data, { force: true, sync: false });
}

/**
 * An erasure or objection plan, as `erase` and `object --marketing` make it.
 * A batch has no one to confirm possible matches, so they get no action
 * (listed as excluded), exactly as `erase --yes` without --include-possible.
 * An objection in a requests file is taken as one to direct marketing
 * (Art. 21(2)-(3), absolute); an objection to profiling under Art. 21(1)
 * needs the officer's weighing: `object --profiling`.
 */
async function planRequest(req: BatchRequest, subject: SubjectResult, ctx: Context, dir: string, link: CaseLink | undefined, records: RequestState['records']): Promise<RequestState> {
  const rel = (p: string): string => path.relative(ctx.outDir, p).split(path.sep).join('/');
  const gaPropertyId = ctx.config.raw.gaPropertyId;
  const input = {
    asOf: ctx.state.asOf,
    // BF-1a: an open receivable is in today's books too; the day the batch started, so a resumed run plans alike.
    today: todayInStockholm(new Date(ctx.state.generatedAt)),
    register: ctx.register,
    matches: subject.records,
    sources: (ctx.planSources ??= planSources(ctx.config.sources)),
    confirmed: new Set<number>(),
    fiscalYear: { start: ctx.config.raw.fiscalYearStart ?? '01-01' },
    subjectIdentifiers: subject.knownBy.map((k) => ({ kind: k.kind, value: k.value })),
    ...(link ? { caseId: link.id } : {}),
    ...(ctx.result.skipped.length > 0 ? { notRead: unreadFiles(ctx.result.skipped) } : {}),
    suppressionSecret: ctx.secret!,
    ...(gaPropertyId ? { gaPropertyId } : {}),
  };
  let plan: Plan;
  try {
    plan = req.type === 'erasure' ? planErasure(input) : planObjection(input, { marketing: true, profiling: false });
  } catch (e) {
    if (e instanceof PlanInputError) return { status: 'failed', outputs: [], records, note: e.problems[0]?.message ?? e.message };
    throw e;
  }
  const titles = new Map(ctx.config.sources.map((src) => [src.connector.id, src.connector.title]));
  const base = path.join(dir, `plan-${plan.kind}`);
  const rendered: { format: string; file: string; data: Buffer | string }[] = [{ format: 'json', file: `${base}.json`, data: serialisePlan(plan) }];
  if (ctx.state.formats.includes('html')) rendered.push({ format: 'html', file: `${base}.html`, data: (await import('../../report/plan-html.ts')).planHtml(plan, titles) });
  if (ctx.state.formats.includes('xlsx')) rendered.push({ format: 'xlsx', file: `${base}.xlsx`, data: await (await import('../../report/plan-xlsx.ts')).planXlsx(plan, titles) });
  const outputs: OutputRef[] = [];
  const files: string[] = [];
  for (const r of rendered) {
    const w = await writeFileAtomic(r.file, r.data, { force: true, sync: false });
    outputs.push({ path: rel(w.path), format: r.format, sha256: w.sha256 });
    files.push(w.path);
  }
  // Recorded after the files are written; idempotent (one row per identifier and plan), so a resumed batch adds nothing twice.
  const session = ctx.session!;
  const { recordPlan } = await import('../../store/plans.ts');
  const { phoneTailsOf } = await import('./plan.ts');
  const recorded = recordPlan(session.store, plan, session.ctx(), { phoneTails: phoneTailsOf(plan, subject, ctx.secret!) });
  if (link) {
    await attachOnce(session, link, files, 'plan', {
      type: 'plan-written',
      payload: {
        plan: plan.kind,
        planHash: plan.planHash,
        asOf: plan.asOf,
        records: plan.summary.records,
        actions: plan.summary.actions,
        deselected: 0,
        formats: rendered.map((r) => r.format),
        // Totals, not what this run added: a batch killed and resumed logs what one run logs.
        suppressionEntries: recorded.suppression.added + recorded.suppression.existing,
        ledgerEntries: recorded.ledger.added + recorded.ledger.existing,
        batch: true,
      },
    }, ctx.config.file);
  }
  const excluded = records.possible;
  const unread = ctx.result.skipped.length;
  const note = notes(
    unread > 0 ? `${unread} file(s) could not be read and the plan does not cover them (its warnings name them): plan again once they are readable` : undefined,
    excluded > 0 ? `${excluded} possible match(es) got no action: confirm them with \`ojco-dsar ${req.type === 'erasure' ? 'erase' : 'object --marketing'}\` at a terminal` : undefined,
  );
  return { status: 'done', outputs, records, planHash: plan.planHash, ...(note ? { note } : {}), ...(plan.reply ? { reply: plan.reply } : {}) };
}

/**
 * What a request's reply must say, in one line of the summary: what the
 * plan does not do, and the right to complain and to go to court (ER-4).
 * Counts only, never a value.
 */
function replyLine(type: string, reply: PlanReply): string {
  const what = [
    ...(reply.retained > 0 ? [`${reply.retained} record(s) retained`] : []),
    ...(reply.deselected > 0 ? [`${reply.deselected} record(s) left out at the review`] : []),
  ].join(', ');
  return `a reply with complaint information is due (the ${type} is refused in part: ${what}): it must say why${reply.retained > 0 ? ' and until when' : ''}, and that the subject may complain to IMY and go to court`;
}

function summaryCsv(rows: { id: string; type: string; received: string; status: string; exact: number; probable: number; possible: number; outputs: string; case: string; note: string }[]): string {
  const head = ['id', 'type', 'received', 'status', 'exact', 'probable', 'possible', 'outputs', 'case', 'note'];
  const q = (v: string | number): string => {
    const s = neutraliseFormula(String(v));
    return /[;"\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
  };
  return '\uFEFF' + [head.join(';'), ...rows.map((r) => head.map((h) => q(r[h as keyof typeof r])).join(';'))].join('\r\n') + '\r\n';
}

/**
 * The run's clock. SOURCE_DATE_EPOCH (the reproducible-builds convention,
 * seconds since 1970) fixes it, so that two runs give byte-identical files.
 * Else OJCO_DSAR_TODAY sets its date, as it sets every other command's
 * today (noon in Stockholm, so that the date is that day in any zone).
 */
export function runClock(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d{1,12}$/u.test(epoch)) return new Date(Number(epoch) * 1000);
  const today = env[TODAY_ENV];
  if (today !== undefined && today !== '') {
    const day = dateFlag(TODAY_ENV, today)!;
    return new Date(`${day}T11:00:00Z`);
  }
  return new Date();
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const now = runClock();
  const s = settings(opts, cwd);
  const requestsBytes = await readFile(s.requestsFile).catch((err: NodeJS.ErrnoException) => {
    const rel = path.relative(cwd, s.requestsFile) || '.';
    if (err.code === 'EISDIR') throw new UsageError('the requests file is a folder', [{ code: 'usage.requests', message: `${rel} is a folder: name the requests file (CSV or XLSX) in it` }]);
    if (err.code === 'ENOENT') throw new UsageError('requests file not found', [{ code: 'usage.requests', message: `no file at ${rel}` }]);
    throw new UsageError('the requests file cannot be read', [{ code: `fs.${err.code ?? 'error'}`, message: `${rel} cannot be read (${err.code ?? 'error'})` }]);
  });
  const reqFile = { abs: s.requestsFile, rel: path.relative(cwd, s.requestsFile) || path.basename(s.requestsFile), size: requestsBytes.length };
  const requests = await readRequests(reqFile);
  // As `case open` says of --received: a request cannot have reached us after today.
  const today = todayInStockholm(now);
  for (const r of requests) if (r.received > today) warn(`${r.where}: received ${r.received} is after today (${today}); check it`);
  // ER-5, BF-1: what is planned is done now, so a plan is made as of today (as `erase` and `sweep` refuse).
  // A later date would plan deleting records Bokföringslagen keeps until a day between the two.
  const planned = requests.filter((r) => r.type !== 'access');
  if (s.asOf !== undefined && s.asOf > today && planned.length > 0) {
    throw new UsageError('--as-of is after today', [
      {
        code: 'usage.as-of-future',
        message: `--as-of ${s.asOf} is after today (${today}), and ${planned.length} request(s) are plans (${planned[0]!.where} is a${planned[0]!.type === 'erasure' ? 'n' : ''} ${planned[0]!.type}) that would be made as of that date: records that must be kept until a day before it would be planned for deletion`,
      },
    ], 'Leave out --as-of (today), or answer only access requests as of a later date.');
  }
  const config = await loadConfig(opts.config as string | undefined, cwd);
  const { register, file: registerFile } = await loadConfigRegister(config, cwd);

  const requestsSha256 = sha256(requestsBytes);
  const configSha256 = sha256(config.bytes);
  let state: BatchState;
  if (await exists(statePath(s.outDir))) {
    let prev: BatchState;
    try {
      prev = JSON.parse(await readFile(statePath(s.outDir), 'utf8')) as BatchState;
      if (typeof prev !== 'object' || prev === null || typeof prev.done !== 'object' || prev.done === null) throw new Error('not a batch state');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw e;
      // Written atomically by the tool: damaged by something else. What is done cannot be told from it.
      throw new UsageError('cannot read the state of the batch in this folder', [
        { code: 'batch.state', message: 'the batch state is damaged (not the JSON the tool wrote); choose another --out to run the batch again', file: path.relative(cwd, statePath(s.outDir)) },
      ]);
    }
    if (!s.resume) {
      throw new UsageError('a batch was already run into this folder', [
        { code: 'batch.exists', message: `${path.relative(cwd, s.outDir) || '.'} holds a batch; pass --resume to complete it, or choose another --out` },
      ]);
    }
    const problems: Problem[] = [];
    if (prev.version !== STATE_VERSION) problems.push({ code: 'batch.state', message: 'the batch was started by another version of ojco-dsar' });
    if (prev.requestsSha256 !== requestsSha256) problems.push({ code: 'batch.changed', message: 'the requests file changed since the batch started' });
    if (prev.configSha256 !== configSha256) problems.push({ code: 'batch.changed', message: 'the config changed since the batch started' });
    if (s.asOf && s.asOf !== prev.asOf) problems.push({ code: 'batch.changed', message: `--as-of differs from the batch's ${prev.asOf}` });
    if (problems.length) throw new UsageError('cannot resume this batch', problems);
    // The batch keeps the date it started with, so that its outputs are those of one run; a today set
    // otherwise now (OJCO_DSAR_TODAY, or the next day) is worth a word, not a refusal.
    const todayNow = s.asOf === undefined ? todayInStockholm(now) : undefined;
    if (todayNow !== undefined && todayNow !== prev.asOf) {
      warn(`the batch keeps the date it started with, ${prev.asOf} (today is ${todayNow}${process.env[TODAY_ENV] ? ` by ${TODAY_ENV}` : ''}): its outputs are dated as an uninterrupted run's`);
    }
    state = prev;
    await replayJournal(s.outDir, state, cwd);
    // A kill mid-write leaves a temp file beside the file it was writing; the request is redone.
    await removeStaleTempFiles(s.outDir);
  } else {
    if (s.resume) throw new UsageError('nothing to resume', [{ code: 'batch.no-state', message: `${path.relative(cwd, s.outDir) || '.'} holds no batch to resume` }]);
    state = {
      version: STATE_VERSION,
      requestsSha256,
      configSha256,
      generatedAt: now.toISOString(),
      asOf: s.asOf ?? todayInStockholm(now),
      lang: s.lang,
      formats: s.formats,
      done: {},
    };
    await ensureDir(s.outDir);
    await saveState(s.outDir, state);
  }

  const pending = requests.filter((r) => !state.done[r.id]);
  let session: StoreSession | undefined;
  let secret: Buffer | undefined;
  if (pending.length > 0) {
    const needsSecret = pending.some((r) => r.type === 'erasure' || r.type === 'objection');
    const { resolveCaseSettings } = await import('../../store/settings.ts');
    const where = await resolveCaseSettings({ home: opts.home as string | undefined, config: config.file, cwd, env: process.env });
    const configured = where.homeSource === 'flag' || where.homeSource === 'env' || where.homeSource === 'config' || (await exists(path.join(where.home, 'cases.db')));
    if (needsSecret || configured) {
      session = await openStore({ ...opts, config: config.file });
      if (needsSecret) {
        const { suppressionSecret } = await import('../../store/plans.ts');
        secret = suppressionSecret(session.store, session.ctx());
      }
    }
  }
  try {
    return await finish();
  } finally {
    session?.store.close();
  }

  async function finish(): Promise<number> {
    let result: SearchResult | undefined;
    if (pending.length > 0) {
      const spin = await spinner(`Searching for ${pending.length} request(s) in one pass…`, true);
      result = await search({
        sources: config.sources,
        baseDir: config.baseDir,
        subjects: pending.map((r) => ({ id: r.id, identifiers: r.identifiers })),
        cacheBytes: s.cacheBytes,
        prefilter: s.prefilter,
        onProgress: (p) => spin.update(progressText(p)),
      });
      spin.update('Writing outputs…');
      const ctx: Context = { config, register, result, state, outDir: s.outDir, session, secret, assumedBackups: { entries: new Set(), extracts: 0 } };
      const journal = new Journal(s.outDir);
      // A request is done only once every file of it is on disk: its files are synced, then its journal line
      // written, in request order. That runs while the next requests are answered (a batch of a thousand
      // spent half its writing time waiting for fsync, issue #7), at most IN_FLIGHT requests behind.
      let journalled: Promise<void> = Promise.resolve();
      // Resolves when this request's files and those of every request before it are synced.
      let ready: Promise<void> = Promise.resolve();
      const inFlight: Promise<void>[] = [];
      try {
        for (const [i, req] of pending.entries()) {
          spin.update(`Writing outputs ${i + 1}/${pending.length}…`);
          let rs: RequestState;
          try {
            rs = await answer(req, result.subjects[i]!, ctx);
          } catch (e) {
            if (!(e instanceof UsageError)) throw e;
            rs = { status: 'failed', outputs: [], records: counts(result.subjects[i]!), note: e.problems[0]?.message ?? e.message };
          }
          state.done[req.id] = rs;
          const durable = Promise.all(rs.outputs.map((o) => syncFile(path.join(s.outDir, o.path))));
          const done = rs;
          // In request order (ready), and without waiting for the sync of the lines before it, so
          // that the lines of the requests synced meanwhile share one.
          ready = ready.then(() => durable.then(() => undefined));
          journalled = ready.then(() => journal.add(req.id, done));
          // Its failure is met when it is awaited, below or after the loop; not as an unhandled rejection.
          durable.catch(() => undefined);
          journalled.catch(() => undefined);
          inFlight.push(journalled);
          if (inFlight.length > IN_FLIGHT) await inFlight.shift();
        }
        await journalled;
        await journal.compact(state);
      } finally {
        await journalled.catch(() => undefined);
        await journal.close();
      }
      spin.stop();
      // As export warns: once for the run, with the count and the register file, nothing of the people.
      if (ctx.assumedBackups.extracts > 0) warn(assumedBackupsWarning([...ctx.assumedBackups.entries], path.relative(cwd, registerFile) || registerFile, ctx.assumedBackups.extracts));
    }

    const rows = requests.map((r) => ({ req: r, st: state.done[r.id]! }));
    const summary = {
      requests: rows.map(({ req, st }) => ({
        id: req.id,
        type: req.type,
        received: req.received,
        status: st.status,
        outputs: st.outputs,
        records: st.records,
        ...(st.case ? { case: st.case } : {}),
        ...(st.planHash ? { planHash: st.planHash } : {}),
        ...(st.reason ? { reason: st.reason } : {}),
        ...(st.note ? { note: st.note } : {}),
        ...(st.reply ? { reply: st.reply } : {}),
      })),
      summary: {
        total: rows.length,
        done: rows.filter((r) => r.st.status === 'done').length,
        needsInput: rows.filter((r) => r.st.status === 'needs-input').length,
        failed: rows.filter((r) => r.st.status === 'failed').length,
        asOf: state.asOf,
        generatedAt: state.generatedAt,
        ...(result ? { sources: result.sources.map((x) => ({ source: x.source, connector: x.connector, reads: x.reads, records: x.records })), skipped: result.skipped, warnings: result.warnings } : {}),
      },
    };
    const summaryFiles = [
      await writeFileAtomic(path.join(s.outDir, 'summary.json'), JSON.stringify({ requests: summary.requests, summary: { ...summary.summary, sources: undefined, skipped: undefined, warnings: undefined } }, null, 2) + '\n', { force: true }),
      await writeFileAtomic(
        path.join(s.outDir, 'summary.csv'),
        summaryCsv(rows.map(({ req, st }) => ({ id: req.id, type: req.type, received: req.received, status: st.status, ...st.records, outputs: st.outputs.map((o) => o.path).join(' '), case: st.case ?? '', note: st.note ?? '' }))),
        { force: true },
      ),
    ];
    if (opts.json) {
      writeJson({ ...summary, files: summaryFiles.map((f) => ({ path: f.path, sha256: f.sha256 })) });
    } else {
      // What the reads went past, as find and export say it (by source, file and line, never a value).
      if (result) logSourceWarnings(result.warnings);
      const withCases = summary.requests.some((r) => r.case);
      writeOut(
        table([
          ['id', 'type', 'status', 'exact', 'probable', 'possible', ...(withCases ? ['case'] : [])],
          ...summary.requests.map((r) => [r.id, r.type, r.status, String(r.records.exact), String(r.records.probable), String(r.records.possible), ...(withCases ? [r.case ?? ''] : [])]),
        ]),
      );
      // ER-4: a plan that refuses part of the request (an erasure that retains records) needs a reply with the reasons and the complaint information.
      const replies = summary.requests.filter((r) => r.reply);
      if (replies.length > 0) {
        writeOut(`\n${replies.length} request(s) refused in part: the reply to the subject must give the reasons and the complaint information (Art. 12(4), ER-4):`);
        for (const r of replies) writeOut(`  ${r.id}${r.case ? ` (${r.case})` : ''}: ${replyLine(r.type, r.reply!)}`);
      }
      writeOut(`\n${summary.summary.done} done, ${summary.summary.needsInput} need input, ${summary.summary.failed} failed; summary in ${path.relative(cwd, s.outDir) || '.'}/summary.json and summary.csv`);
    }
    const skipped = result?.skipped.length ?? 0;
    if (skipped > 0 && !opts.json) log(`${skipped} file(s) could not be read; the others were searched (exit code 3).`);
    return skipped > 0 ? ExitCode.SourceFailed : ExitCode.Ok;
  }
}

/** Opens the store; a home that cannot be created or opened is a clear usage error (exit 2), not a crash. */
async function openStore(opts: Record<string, unknown>): Promise<StoreSession> {
  const { openSession } = await import('./case-common.ts');
  try {
    return await openSession({ ...opts, asOf: undefined });
  } catch (e) {
    if (isUserError(e)) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      'the ojco-dsar home cannot be opened',
      [{ code: 'store.unavailable', message: `${err.code ?? 'error'}${err.path ? ` at ${err.path}` : ''}: the cases and the suppression list live in <home>/cases.db, which could not be created or opened` }],
      'Pass --home DIR (a folder you can write), or set OJCO_DSAR_HOME.',
    );
  }
}
