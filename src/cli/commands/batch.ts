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
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.ts';
import { ExitCode, UsageError, type Problem } from '../../errors.ts';
import { search, type SearchResult } from '../../pipeline/search.ts';
import { ensureDir, exists, removeStaleTempFiles, sha256, writeFileAtomic } from '../../io/output.ts';
import { loadConfigRegister } from '../../register/load.ts';
import { buildExtract, type ExtractSource } from '../../report/extract.ts';
import { validateExtract } from '../../report/extract-json.ts';
import { EXTRACT_FORMATS, isExtractFormat, type ExtractFormat } from '../../report/extract-files.ts';
import { findJson } from '../../report/found.ts';
import { readRequests, type BatchRequest } from '../../batch/requests.ts';
import type { SubjectResult } from '../../core/match/matcher.ts';
import { parseIsoDate } from '../../core/law/dates.ts';
import { neutraliseFormula } from '../../io/output.ts';
import { log, spinner, table, writeJson, writeOut } from '../io.ts';
import { progressText, cacheBytesOf } from './find.ts';
import { renderExtract } from './export.ts';
import type { Register } from '../../register/schema.ts';

const STATE_VERSION = 1;

export type RequestStatus = 'done' | 'needs-input' | 'failed';

interface OutputRef {
  path: string;
  format: string;
  sha256: string;
}

interface RequestState {
  status: RequestStatus;
  outputs: OutputRef[];
  records: { exact: number; probable: number; possible: number };
  note?: string;
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
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(String(opts.asOf)) || !parseIsoDate(String(opts.asOf))) problems.push({ code: 'usage.as-of', message: '--as-of must be a date YYYY-MM-DD' });
    else asOf = String(opts.asOf);
  }
  const lang = String(opts.lang ?? 'sv');
  if (lang !== 'sv' && lang !== 'en') problems.push({ code: 'usage.lang', message: '--lang must be sv or en' });
  const formats: ExtractFormat[] = [];
  for (const f of String(opts.format ?? 'json,html').split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!isExtractFormat(f)) problems.push({ code: 'usage.format', message: `--format: unknown format "${f}"; choose from ${EXTRACT_FORMATS.join(', ')}` });
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

/** Today in Stockholm: a request's dates are Swedish local dates. */
function todayInStockholm(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function statePath(outDir: string): string {
  return path.join(outDir, '.batch', 'state.json');
}

async function saveState(outDir: string, state: BatchState): Promise<void> {
  await writeFileAtomic(statePath(outDir), JSON.stringify(state, null, 2) + '\n', { force: true });
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
}

/** Writes one request's outputs; returns its state. Pure of side effects beyond its own folder. */
async function answer(req: BatchRequest, subject: SubjectResult, ctx: Context): Promise<RequestState> {
  const dir = path.join(ctx.outDir, req.id);
  await ensureDir(dir);
  const records = counts(subject);
  const rel = (p: string): string => path.relative(ctx.outDir, p).split(path.sep).join('/');
  if (req.type === 'access') {
    const sources: ExtractSource[] = ctx.config.sources.map((src, i) => ({
      name: src.name,
      connector: src.connector.id,
      title: src.connector.title,
      description: src.connector.describe(src.options),
      records: ctx.result.sources[i]?.records ?? 0,
    }));
    const extract = buildExtract({
      register: ctx.register,
      lang: ctx.state.lang,
      generatedAt: ctx.state.generatedAt,
      asOf: ctx.state.asOf,
      fiscalYear: { start: ctx.config.raw.fiscalYearStart ?? '01-01' },
      subjectIdentifiers: req.identifiers,
      records: subject.records,
      sources,
      notRead: ctx.result.skipped.map((k) => ({ source: k.source, ...(k.file ? { file: k.file } : {}), ...(k.line ? { line: k.line } : {}), reason: k.message })),
      // A batch has no one to confirm possible matches: they stay out, and the summary counts them.
      includePossible: false,
      staffDomains: ctx.config.raw.staffDomains ?? [],
      caseId: req.id,
    });
    validateExtract(extract);
    const outputs: OutputRef[] = [];
    for (const r of await renderExtract(extract, ctx.state.formats, dir)) {
      const w = await writeFileAtomic(r.file, r.data, { force: true });
      outputs.push({ path: rel(w.path), format: r.format, sha256: w.sha256 });
    }
    return { status: 'done', outputs, records };
  }
  // Erasure and objection plans need the suppression list of the case store;
  // rectification and restriction need input (the corrected values, the ground).
  const doc = findJson(ctx.result, subject, req.identifiers.map((i) => ({ ...i, canonical: i.value })), ctx.config.sources);
  const data = JSON.stringify({ request: { id: req.id, type: req.type, received: req.received }, ...doc }, null, 2) + '\n';
  const w = await writeFileAtomic(path.join(dir, 'found.json'), data, { force: true });
  const note =
    req.type === 'rectification'
      ? 'the corrected values are not in the requests file: run `ojco-dsar rectify --set FIELD=VALUE` for this request'
      : req.type === 'restriction'
        ? 'the Art. 18(1) ground is not in the requests file: run `ojco-dsar restrict --ground a|b|c|d` for this request'
        : `run \`ojco-dsar ${req.type === 'erasure' ? 'erase' : 'object --marketing'}\` for this request`;
  return { status: 'needs-input', outputs: [{ path: rel(w.path), format: 'json', sha256: w.sha256 }], records, note };
}

function summaryCsv(rows: { id: string; type: string; received: string; status: string; exact: number; probable: number; possible: number; outputs: string; note: string }[]): string {
  const head = ['id', 'type', 'received', 'status', 'exact', 'probable', 'possible', 'outputs', 'note'];
  const q = (v: string | number): string => {
    const s = neutraliseFormula(String(v));
    return /[;"\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
  };
  return '\uFEFF' + [head.join(';'), ...rows.map((r) => head.map((h) => q(r[h as keyof typeof r])).join(';'))].join('\r\n') + '\r\n';
}

/**
 * The run's clock. SOURCE_DATE_EPOCH (the reproducible-builds convention,
 * seconds since 1970) fixes it, so that two runs give byte-identical files.
 */
export function runClock(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d{1,12}$/u.test(epoch)) return new Date(Number(epoch) * 1000);
  return new Date();
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const now = runClock();
  const s = settings(opts, cwd);
  const requestsBytes = await readFile(s.requestsFile).catch(() => {
    throw new UsageError('requests file not found', [{ code: 'usage.requests', message: `no file at ${path.relative(cwd, s.requestsFile)}` }]);
  });
  const reqFile = { abs: s.requestsFile, rel: path.relative(cwd, s.requestsFile) || path.basename(s.requestsFile), size: requestsBytes.length };
  const requests = await readRequests(reqFile);
  const config = await loadConfig(opts.config as string | undefined, cwd);
  const { register } = await loadConfigRegister(config, cwd);

  const requestsSha256 = sha256(requestsBytes);
  const configSha256 = sha256(config.bytes);
  let state: BatchState;
  if (await exists(statePath(s.outDir))) {
    const prev = JSON.parse(await readFile(statePath(s.outDir), 'utf8')) as BatchState;
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
    state = prev;
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
    const ctx: Context = { config, register, result, state, outDir: s.outDir };
    for (const [i, req] of pending.entries()) {
      spin.update(`Writing outputs ${i + 1}/${pending.length}…`);
      let rs: RequestState;
      try {
        rs = await answer(req, result.subjects[i]!, ctx);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        rs = { status: 'failed', outputs: [], records: counts(result.subjects[i]!), note: e.problems[0]?.message ?? e.message };
      }
      // Done only once every file of the request is on disk.
      state.done[req.id] = rs;
      await saveState(s.outDir, state);
    }
    spin.stop();
  }

  const rows = requests.map((r) => ({ req: r, st: state.done[r.id]! }));
  const summary = {
    requests: rows.map(({ req, st }) => ({ id: req.id, type: req.type, received: req.received, status: st.status, outputs: st.outputs, records: st.records, ...(st.note ? { note: st.note } : {}) })),
    summary: {
      total: rows.length,
      done: rows.filter((r) => r.st.status === 'done').length,
      needsInput: rows.filter((r) => r.st.status === 'needs-input').length,
      failed: rows.filter((r) => r.st.status === 'failed').length,
      asOf: state.asOf,
      generatedAt: state.generatedAt,
      ...(result ? { sources: result.sources.map((x) => ({ source: x.source, connector: x.connector, reads: x.reads, records: x.records })), skipped: result.skipped } : {}),
    },
  };
  const summaryFiles = [
    await writeFileAtomic(path.join(s.outDir, 'summary.json'), JSON.stringify({ requests: summary.requests, summary: { ...summary.summary, sources: undefined, skipped: undefined } }, null, 2) + '\n', { force: true }),
    await writeFileAtomic(
      path.join(s.outDir, 'summary.csv'),
      summaryCsv(rows.map(({ req, st }) => ({ id: req.id, type: req.type, received: req.received, status: st.status, ...st.records, outputs: st.outputs.map((o) => o.path).join(' '), note: st.note ?? '' }))),
      { force: true },
    ),
  ];
  if (opts.json) {
    writeJson({ ...summary, files: summaryFiles.map((f) => ({ path: f.path, sha256: f.sha256 })) });
  } else {
    writeOut(table([['id', 'type', 'status', 'exact', 'probable', 'possible'], ...summary.requests.map((r) => [r.id, r.type, r.status, String(r.records.exact), String(r.records.probable), String(r.records.possible)])]));
    writeOut(`\n${summary.summary.done} done, ${summary.summary.needsInput} need input, ${summary.summary.failed} failed; summary in ${path.relative(cwd, s.outDir) || '.'}/summary.json and summary.csv`);
  }
  const skipped = result?.skipped.length ?? 0;
  if (skipped > 0 && !opts.json) log(`${skipped} file(s) could not be read; the others were searched (exit code 3).`);
  return skipped > 0 ? ExitCode.SourceFailed : ExitCode.Ok;
}
