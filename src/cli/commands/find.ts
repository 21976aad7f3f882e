/** `ojco-dsar find`: every record of one person in every source. */
import { loadConfig } from '../../config/load.ts';
import { ExitCode, UsageError } from '../../errors.ts';
import { search, type SearchProgress } from '../../pipeline/search.ts';
import { findJson } from '../../report/found.ts';
import { canPrompt, log, logSkippedFiles, logSourceWarnings, spinner, writeJson, writeOut } from '../io.ts';
import { renderFind } from '../render-find.ts';
import { subjectFromFlags, warnGivenOfOthers } from '../subject.ts';
import { formatLocator } from '../../core/record.ts';
import { prepareSuppressionCheck, sortedHits, warnReappeared } from '../suppression-check.ts';

export function progressText(p: SearchProgress): string {
  if (p.phase === 'listing') return 'Listing sources…';
  const where = `${p.source} (${p.sourceIndex}/${p.sourceCount}${p.round && p.round > 1 ? `, round ${p.round}` : ''})`;
  if (p.phase === 'matching') return `Matching ${where}`;
  const pct = p.bytesTotal && p.bytesRead ? ` ${Math.min(100, Math.round((100 * p.bytesRead) / p.bytesTotal))}%` : '';
  const recs = p.records ? ` ${p.records.toLocaleString('en')} records` : '';
  return `Reading ${where}${pct}${recs}`;
}

export function cacheBytesOf(opts: Record<string, unknown>): number {
  const mb = Number(opts.cacheMb ?? 8);
  if (!Number.isFinite(mb) || mb < 0) throw new UsageError('invalid --cache-mb', [{ code: 'usage.cache-mb', message: '--cache-mb must be a number of MiB, 0 or more' }]);
  return mb * 1024 * 1024;
}

export async function run(opts: Record<string, unknown>): Promise<number> {
  const { query, given } = subjectFromFlags(opts);
  const cacheBytes = cacheBytesOf(opts);
  const config = await loadConfig(opts.config as string | undefined, process.cwd());
  const suppression = await prepareSuppressionCheck(opts, config, process.cwd());
  const spin = await spinner('Reading sources…', true);
  const result = await search({
    sources: config.sources,
    baseDir: config.baseDir,
    subjects: [query],
    cacheBytes,
    prefilter: opts.prefilter !== false,
    onProgress: (p) => spin.update(progressText(p)),
    ...(suppression ? { onRecord: suppression.onRecord } : {}),
  });
  spin.stop();
  const doc: ReturnType<typeof findJson> & { reappeared?: ReturnType<typeof sortedHits> } = findJson(result, result.subjects[0]!, given, config.sources);
  // Issue #4: a person on the suppression list back in an export; a warning, the exit code stays 0.
  if (suppression) doc.reappeared = sortedHits(suppression.hits);
  warnReappeared(suppression?.hits ?? []);
  warnGivenOfOthers(result.subjects[0]!);
  // Data to stdout, people's output to stderr: the warnings go there with --json too (as export and the plans do).
  logSourceWarnings(result.warnings);
  if (opts.json) {
    writeJson(doc);
  } else {
    const titles = new Map(config.sources.map((s) => [s.connector.id, s.connector.title]));
    writeOut(renderFind(doc, titles));
    const possible = doc.records.filter((r) => r.confidence === 'possible');
    if (possible.length > 0 && canPrompt(opts)) {
      const { checkbox } = await import('@inquirer/prompts');
      const chosen = await checkbox({
        message: 'Which possible matches are this person? (space to select, enter to confirm)',
        choices: possible.map((r, i) => ({ name: `${r.source}: ${r.entity} ${r.label ?? ''} — ${formatLocator(r.locator)}`, value: i })),
        output: process.stderr,
      } as Parameters<typeof checkbox>[0]);
      for (const i of chosen as number[]) possible[i]!.confirmed = true;
      if (chosen.length > 0) writeOut(`\nConfirmed ${chosen.length} possible match${chosen.length === 1 ? '' : 'es'} as this person.`);
    }
  }
  if (result.skipped.length > 0) {
    // The terminal rendering lists them on stdout; with --json stdout is the document, so stderr names them.
    // A file whose records were read (a SIE file with a wrong #KSUMMA) is a warning, not one that could not be read.
    logSkippedFiles(result.skipped, (n) => `${n} file(s) could not be read; the other sources were searched (exit code 3)${opts.json ? ':' : '.'}`, opts.json === true);
    return ExitCode.SourceFailed;
  }
  return ExitCode.Ok;
}
