/**
 * `ojco-dsar export`: the register extract (registerutdrag, Art. 15) of one
 * person, as JSON, XLSX, CSV and an HTML letter (issue #3).
 *
 * Reads (config, register, sources), plans (buildExtract, pure), renders
 * every requested format in memory, and only then writes, so a failure
 * never leaves half a set. Files are written atomically, 0600, in a folder
 * created 0700, never over an existing file without --force (issue #8
 * point 5), and the run ends with each file's sha256.
 *
 * The clock is read here and only here: generatedAt is now, asOf is
 * --as-of or today; the builder and writers are pure.
 *
 * Nothing that reaches stderr names the person: counts, file names and
 * source names only.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { parseIsoDate } from '../../core/law/dates.ts';
import { formatLocator } from '../../core/record.ts';
import { ExitCode, UsageError, isUserError, type Problem } from '../../errors.ts';
import { assertWritable, ensureDir, writeFileAtomic } from '../../io/output.ts';
import { search, type SkippedFile } from '../../pipeline/search.ts';
import { DEFAULT_REGISTER, loadRegister } from '../../register/load.ts';
import { buildExtract, type ExtractSource } from '../../report/extract.ts';
import { assumedBackups, assumedBackupsWarning } from '../../report/extract-backups.ts';
import type { Extract, ExtractLang } from '../../report/extract-schema.ts';
import { extractCsvFiles } from '../../report/extract-csv.ts';
import { EXTRACT_FORMATS, extractBaseName, isExtractFormat, type ExtractFormat } from '../../report/extract-files.ts';
import { extractHtml } from '../../report/extract-html.ts';
import { fieldLookup, type FieldLookup } from '../../report/letter-fields.ts';
import { extractJson, validateExtract } from '../../report/extract-json.ts';
import { extractXlsx } from '../../report/extract-xlsx.ts';
import { canPrompt, displayPath, log, logSkippedFiles, logSourceWarnings, ordinal, spinner, table, warn, writeJson, writeOut } from '../io.ts';
import { subjectFromFlags, warnGivenOfOthers, type GivenIdentifier } from '../subject.ts';
import type { SubjectQuery } from '../../core/match/matcher.ts';
import { cacheBytesOf, progressText } from './find.ts';
import { prepareSuppressionCheck, sortedHits, warnReappeared } from '../suppression-check.ts';
import { todayInStockholm, yearRangeProblem, type StoreSession } from './case-common.ts';
import { normaliseCaseId } from '../../store/rules.ts';
import { assertDirCreatable, fileSystemError } from '../fs-errors.ts';

export interface ExportSettings {
  formats: ExtractFormat[];
  lang: ExtractLang;
  asOf: string;
  /** Today in Sweden (OJCO_DSAR_TODAY): an open receivable's retention counts from the later of asOf and today (BF-1a), as erase counts it. */
  today: string;
  outDir: string;
  force: boolean;
  cacheBytes: number;
  prefilter: boolean;
  query: SubjectQuery;
  given: GivenIdentifier[];
}

/**
 * What an extract says of the files the search could not read. The extract
 * goes to the person: it says which source could not be read and why, not
 * the file. A file name may be someone else's (Outlook and phones name a
 * vCard after its contact: Art. 15(4)); the officer has the files and lines
 * on stderr and in --json.
 */
export function extractNotRead(skipped: readonly SkippedFile[]): { source: string; reason: string }[] {
  // A file whose records were read (a SIE file whose #KSUMMA does not match) is not one that could not be read.
  return skipped
    .filter((k) => !k.recordsRead)
    .map((k) => ({ source: k.source, reason: k.code === 'source.missing' ? 'the export file or folder the configuration names does not exist' : k.message }));
}

/**
 * The files whose records were read and are in the extract, but that failed a check of being as exported
 * (`recordsRead`: a SIE file whose #KSUMMA does not match). As `extractNotRead`, the source and why, not the file.
 */
export function extractUnverified(skipped: readonly SkippedFile[]): { source: string; reason: string }[] {
  return skipped.filter((k) => k.recordsRead).map((k) => ({ source: k.source, reason: k.message }));
}

/** A file of `export --json`'s notRead or unverified: find's names (`code`, `message`, `connector`) beside the extract's `reason`. */
function skippedJson(k: SkippedFile): Record<string, unknown> {
  return { source: k.source, connector: k.connector, ...(k.file ? { file: k.file } : {}), ...(k.line ? { line: k.line } : {}), code: k.code, reason: k.message, message: k.message };
}

function problemsOf(e: unknown): Problem[] {
  if (isUserError(e)) return e.problems.length > 0 ? e.problems : [{ code: 'usage', message: e.message }];
  throw e;
}

/** Validates every flag and reports all problems at once (exit 2). */
export async function exportSettings(opts: Record<string, unknown>, now: Date, cwd: string): Promise<ExportSettings> {
  const problems: Problem[] = [];

  let subject: { query: SubjectQuery; given: GivenIdentifier[] } | undefined;
  try {
    subject = subjectFromFlags(opts);
  } catch (e) {
    problems.push(...problemsOf(e));
  }

  const formats: ExtractFormat[] = [];
  const listed = String(opts.format ?? EXTRACT_FORMATS.join(','))
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  for (const [i, f] of listed.entries()) {
    if (!isExtractFormat(f)) problems.push({ code: 'usage.format', message: `--format: the ${ordinal(i)} format is not one of ${EXTRACT_FORMATS.join(', ')}` });
    else if (!formats.includes(f)) formats.push(f);
  }
  if (listed.length === 0) problems.push({ code: 'usage.format', message: `--format: give at least one of ${EXTRACT_FORMATS.join(', ')}` });
  // Written in a fixed order, whatever the order given.
  formats.sort((a, b) => EXTRACT_FORMATS.indexOf(a) - EXTRACT_FORMATS.indexOf(b));

  const lang = String(opts.lang ?? 'sv');
  if (lang !== 'sv' && lang !== 'en') problems.push({ code: 'usage.lang', message: '--lang: must be sv or en' });

  let asOf: string | undefined;
  if (opts.asOf !== undefined) {
    const s = String(opts.asOf);
    if (!/^\d{4}-\d{2}-\d{2}$/u.test(s) || !parseIsoDate(s)) problems.push({ code: 'usage.as-of', message: '--as-of: must be a date YYYY-MM-DD, e.g. 2025-05-16' });
    else {
      const range = yearRangeProblem('--as-of', parseIsoDate(s)!.year);
      if (range) problems.push(range);
      else asOf = s;
    }
  }
  // Today in Sweden, or OJCO_DSAR_TODAY as every other command takes it (a bad value is exit 2).
  const today = todayInStockholm();
  asOf ??= today;

  let cacheBytes = 0;
  try {
    cacheBytes = cacheBytesOf(opts);
  } catch (e) {
    problems.push(...problemsOf(e));
  }

  const out = typeof opts.out === 'string' ? opts.out : '';
  if (!out) problems.push({ code: 'usage.out', message: '--out: give the folder to write the extract into' });
  const outDir = path.resolve(cwd, out || '.');
  if (out) {
    const st = await stat(outDir).catch(() => undefined);
    if (st && !st.isDirectory()) problems.push({ code: 'usage.out', message: `--out: ${out} exists and is not a folder` });
    else {
      // Before the search, as the plans check their files: a part of the path that is a file, a folder
      // that cannot be written, said as the write would say it after a long search.
      try {
        await assertDirCreatable(outDir);
      } catch (e) {
        const fsError = fileSystemError(e);
        if (!fsError) throw e;
        problems.push(...fsError.problems);
      }
    }
  }

  if (opts.case !== undefined) {
    try {
      normaliseCaseId(String(opts.case));
    } catch (e) {
      problems.push(...problemsOf(e));
    }
  }

  if (problems.length > 0 || !subject) throw new UsageError(problems.length === 1 ? problems[0]!.message : 'invalid options', problems);
  return { formats, lang: lang as ExtractLang, asOf, today, outDir, force: opts.force === true, cacheBytes, prefilter: opts.prefilter !== false, ...subject };
}

interface Rendered {
  format: ExtractFormat;
  file: string;
  data: Buffer;
  system?: string;
}

/**
 * Every file of the extract, rendered in memory (nothing is written yet).
 * `fields` gives the letter the connectors' labels and date formats; the
 * data files are the extract as it is.
 */
export async function renderExtract(extract: Extract, formats: ExtractFormat[], outDir: string, fields?: FieldLookup): Promise<Rendered[]> {
  const base = extractBaseName(extract.language, extract.asOf);
  const files: Rendered[] = [];
  for (const format of formats) {
    if (format === 'json') files.push({ format, file: path.join(outDir, `${base}.json`), data: extractJson(extract) });
    if (format === 'xlsx') files.push({ format, file: path.join(outDir, `${base}.xlsx`), data: await extractXlsx(extract) });
    if (format === 'csv') {
      for (const f of extractCsvFiles(extract, base)) files.push({ format, file: path.join(outDir, f.name), data: f.data, system: f.system });
    }
    if (format === 'html') files.push({ format, file: path.join(outDir, `${base}.html`), data: extractHtml(extract, fields) });
  }
  return files;
}

/** Earlier CSVs of an extract with the same name: their systems are only known after the search. */
async function existingCsvs(outDir: string, base: string): Promise<string[]> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`${base}-`) && n.endsWith('.csv')).map((n) => path.join(outDir, n));
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const cwd = process.cwd();
  const now = new Date();
  const s = await exportSettings(opts, now, cwd);
  const config = await loadConfig(opts.config as string | undefined, cwd);
  const registerFile = config.raw.register ? path.resolve(path.dirname(config.file), config.raw.register) : DEFAULT_REGISTER();
  const registerName = path.relative(cwd, registerFile) || registerFile;
  const { register } = await loadRegister(registerFile, registerName);

  // --case (issue #5 point 7): the case is checked before the work, the files attached after it.
  let session: StoreSession | undefined;
  let caseId: string | undefined;
  if (opts.case !== undefined) {
    const { openSession, requireCaseForOutputs } = await import('./case-common.ts');
    session = await openSession(opts);
    try {
      caseId = await requireCaseForOutputs(session.store, opts.case);
    } catch (e) {
      session.store.close();
      throw e;
    }
  }
  try {
    return await exportWith(s, opts, cwd, now, config, { register, file: registerName }, session, caseId);
  } finally {
    session?.store.close();
  }
}

async function exportWith(
  s: ExportSettings,
  opts: Record<string, unknown>,
  cwd: string,
  now: Date,
  config: Awaited<ReturnType<typeof loadConfig>>,
  { register, file: registerFile }: Awaited<ReturnType<typeof loadRegister>>,
  session: StoreSession | undefined,
  caseId: string | undefined,
): Promise<number> {
  // Up front, before a long search: every target that already exists (issue #8 point 5).
  const base = extractBaseName(s.lang, s.asOf);
  const fixed = s.formats.filter((f) => f !== 'csv').map((f) => path.join(s.outDir, `${base}.${f}`));
  const oldCsvs = s.formats.includes('csv') ? await existingCsvs(s.outDir, base) : [];
  await assertWritable([...fixed, ...oldCsvs], s.force, cwd);

  const suppression = await prepareSuppressionCheck(opts, config, cwd);
  const spin = await spinner('Reading sources…', true);
  const result = await search({
    sources: config.sources,
    baseDir: config.baseDir,
    subjects: [s.query],
    cacheBytes: s.cacheBytes,
    prefilter: s.prefilter,
    onProgress: (p) => spin.update(progressText(p)),
    ...(suppression ? { onRecord: suppression.onRecord } : {}),
  });
  spin.stop();
  warnReappeared(suppression?.hits ?? []);
  const subject = result.subjects[0]!;
  warnGivenOfOthers(subject);
  if (session && caseId) {
    const { checkCaseFits } = await import('./case-common.ts');
    checkCaseFits(session.store, caseId, subject, ['access', 'portability'], 'a register extract (access)');
  }

  // `possible` matches go in only when a person confirms them, or with --include-possible (issue #3 acceptance).
  const possible = subject.records.map((m, i) => ({ m, i })).filter(({ m }) => m.confidence === 'possible');
  const includePossible = opts.includePossible === true;
  const confirmed = new Set<number>();
  if (!includePossible && possible.length > 0 && canPrompt(opts)) {
    const { checkbox } = await import('@inquirer/prompts');
    let chosen: unknown;
    try {
      chosen = await checkbox({
        message: `${possible.length} possible match${possible.length === 1 ? '' : 'es'}: which are this person? (space to select, enter to confirm; unselected ones are left out)`,
        choices: possible.map(({ m, i }) => ({
          name: `${config.sources[m.source]!.name}: ${m.record.label ?? m.record.entity} — ${formatLocator(m.record.locator)}`,
          value: i,
        })),
        output: process.stderr,
      } as Parameters<typeof checkbox>[0]);
    } catch (e) {
      // Ctrl-C at the prompt is the user's choice, not a bug (exit 2, nothing written).
      if ((e as Error)?.name === 'ExitPromptError') throw new UsageError('cancelled at the prompt; nothing was written', [{ code: 'usage.cancelled', message: 'the question about possible matches was cancelled' }]);
      throw e;
    }
    for (const i of chosen as number[]) confirmed.add(i);
  }
  const possibleIncluded = includePossible ? possible.length : confirmed.size;
  // Asked at a terminal, the ones not ticked are not this person's; else nobody decided, and the letter says so.
  const possibleDecided = !includePossible && possible.length > 0 && canPrompt(opts);
  if (possible.length > possibleIncluded && !possibleDecided) {
    warn(
      `${possible.length - possibleIncluded} possible match(es) left out of the extract undecided: the letter says they are being checked${subject.records.length === possible.length ? ' and does not answer yes or no' : ''}; confirm them at a terminal, or pass --include-possible`,
    );
  }

  const sources: ExtractSource[] = config.sources.map((src, i) => ({
    name: src.name,
    connector: src.connector.id,
    title: src.connector.title,
    description: src.connector.describe(src.options),
    records: result.sources[i]?.records ?? 0,
  }));
  const extract = buildExtract({
    register,
    lang: s.lang,
    generatedAt: now.toISOString(),
    asOf: s.asOf,
    // BF-1a: an open receivable is in today's books too, as erase dates it (the builder has no clock).
    today: s.today,
    fiscalYear: { start: config.raw.fiscalYearStart ?? '01-01' },
    subjectIdentifiers: s.given.map((g) => ({ kind: g.kind, value: g.value })),
    records: subject.records,
    sources,
    notRead: extractNotRead(result.skipped),
    unverified: extractUnverified(result.skipped),
    confirmed,
    includePossible,
    possibleDecided,
    includeThirdParties: opts.includeThirdParties === true,
    staffDomains: config.raw.staffDomains ?? [],
  });
  // A failure here is a bug in the builder (ExtractSchemaError, exit 70), checked even when JSON is not asked for.
  validateExtract(extract);
  const overdue = extract.records.filter((r) => r.retention.overdue).length;
  if (overdue > 0) {
    warn(`${overdue} record(s) are still held after their retention ended (retainUntil before ${extract.asOf}): the extract says so, and they are due for deletion (erase; sweep for what a plan kept)`);
  }
  // AC-8: a backups entry marked `assumption:` is a placeholder `check` reminds of; the extract states it as fact.
  const assumed = assumedBackups(register, extract.processing.backups);
  if (assumed.length > 0) warn(assumedBackupsWarning(assumed, registerFile));

  const rendered = await renderExtract(extract, s.formats, s.outDir, fieldLookup(sources));
  await assertWritable(rendered.map((r) => r.file), s.force, cwd);
  await ensureDir(s.outDir);
  const written: { path: string; format: ExtractFormat; sha256: string; bytes: number; system?: string }[] = [];
  for (const r of rendered) {
    const w = await writeFileAtomic(r.file, r.data, { force: s.force });
    written.push({ path: w.path, format: r.format, sha256: w.sha256, bytes: w.bytes, ...(r.system ? { system: r.system } : {}) });
  }
  // With --force, CSVs of an earlier run for systems this extract no longer has are left alone (never delete a user's files), but said.
  const stale = oldCsvs.filter((f) => !rendered.some((r) => r.file === f));
  if (stale.length > 0) warn(`${stale.length} older CSV file(s) of an extract with the same name were left in ${path.relative(cwd, s.outDir) || '.'}: ${stale.map((f) => path.basename(f)).join(', ')}`);

  const count = (c: string): number => extract.records.filter((r) => r.confidence === c).length;
  let attached: number[] = [];
  if (session && caseId) {
    const { attachOutputs } = await import('../../store/index.ts');
    const views = await attachOutputs(session.store, caseId, written.map((w) => ({ path: w.path, kind: 'extract' })), session.ctx(), {
      type: 'extract-written',
      payload: {
        asOf: extract.asOf,
        language: extract.language,
        formats: s.formats,
        records: extract.records.length,
        exact: count('exact'),
        probable: count('probable'),
        possibleIncluded,
        notRead: extract.notRead.length,
      },
    }, config.file);
    attached = views.map((v) => v.id);
  }
  if (opts.json) {
    writeJson({
      files: written,
      out: s.outDir,
      language: extract.language,
      asOf: extract.asOf,
      generatedAt: extract.generatedAt,
      records: extract.records.length,
      confidence: { exact: count('exact'), probable: count('probable'), possible: count('possible') },
      possible: { found: possible.length, included: possibleIncluded, undecided: extract.undecided },
      searched: extract.searched,
      // With find's names for the same things (`skipped[].code`, `.message`, `.connector`) beside the extract's `reason`.
      notRead: result.skipped.filter((k) => !k.recordsRead).map(skippedJson),
      // Read, their records in the extract, but failed a check of being as exported (a SIE file whose #KSUMMA does not match).
      ...(result.skipped.some((k) => k.recordsRead) ? { unverified: result.skipped.filter((k) => k.recordsRead).map(skippedJson) } : {}),
      ...(caseId ? { case: { id: caseId, attachments: attached } } : {}),
      ...(suppression ? { reappeared: sortedHits(suppression.hits) } : {}),
    });
  } else {
    const rel = (f: string): string => displayPath(f, cwd);
    writeOut(`Register extract (${extract.language}, ${extract.asOf}): ${extract.records.length} record(s) from ${extract.searched.length} source(s), ${written.length} file(s) in ${rel(s.outDir)}`);
    if (written.length > 0) writeOut(table([['format', 'file', 'bytes', 'sha256'], ...written.map((w) => [w.format, rel(w.path), String(w.bytes), w.sha256])]));
    if (s.formats.includes('csv') && extract.records.length === 0) writeOut('  (no records, so no CSV files)');
    if (caseId) writeOut(`Attached to case ${caseId} (${attached.length} file(s)); the event extract-written is in its audit trail.`);
  }
  logSourceWarnings(result.warnings);
  if (result.skipped.length > 0) {
    // On stderr with --json too, as find says it: stdout is the document.
    logSkippedFiles(result.skipped, (n) => `${n} file(s) could not be read; the extract names their sources, and the other sources were searched (exit code 3):`, true);
    return ExitCode.SourceFailed;
  }
  return ExitCode.Ok;
}
