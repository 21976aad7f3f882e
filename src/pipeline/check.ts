/**
 * `check`: the CI guard over a config and its sources. It reads every source
 * once and reports, all at once:
 *
 * - files that cannot be read (with file and line);
 * - fields that no classification covers: a new column in the CRM export or
 *   a new merge field in the newsletter tool is personal data nobody mapped;
 * - records whose category the processing register does not describe;
 * - expectations of the config (`expectations:`) that a search no longer meets.
 *
 * Fields are classified by the connector's describe() plus the source's own
 * `options.fields`; names compare as headers do (case, spaces and dashes
 * ignored), so a re-cased header is still the same column.
 */
import type { LoadedConfig, Expectation } from '../config/load.ts';
import type { Problem } from '../errors.ts';
import { SourceReadError } from '../errors.ts';
import type { SourceRecord } from '../core/record.ts';
import { formatLocator } from '../core/record.ts';
import { addDays, formatIsoDate, parseIsoDate } from '../core/law/dates.ts';
import type { Register } from '../register/schema.ts';
import { search, type SearchResult } from './search.ts';
import { ColumnMap } from '../io/table.ts';
import { repeatedColumnBase } from '../sources/contract.ts';
import { subjectFromFlags } from '../cli/subject.ts';
import type { SubjectQuery } from '../core/match/matcher.ts';
import { foundRecord } from '../report/found.ts';

export interface CheckProblem extends Problem {
  source?: string;
}

export interface CheckStats {
  source: string;
  connector: string;
  records: number;
  fields: number;
}

export interface CheckResult {
  ok: boolean;
  problems: CheckProblem[];
  sources: CheckStats[];
  expectations: { name: string; ok: boolean }[];
  /** What the officer should confirm in the register (backups marked `assumption:`, AC-8): not problems, the exit code ignores them. */
  reminders?: CheckProblem[];
}

/** Reads every source once; returns the problems found in the data itself. */
export async function checkSources(config: LoadedConfig, register: Register, onSource?: (name: string) => void): Promise<{ problems: CheckProblem[]; stats: CheckStats[] }> {
  const problems: CheckProblem[] = [];
  const stats: CheckStats[] = [];
  for (const src of config.sources) {
    onSource?.(src.name);
    const entities = new Map(src.connector.describe(src.options).entities.map((e) => [e.entity, e]));
    const known = new Map<string, Set<string>>();
    for (const [name, e] of entities) known.set(name, new Set(e.fields.map((f) => ColumnMap.norm(f.name))));
    const seenUnclassified = new Set<string>();
    const seenCategory = new Set<string>();
    const fieldNames = new Set<string>();
    const yearsChecked = new Set<string>();
    let records = 0;
    const ctx = {
      warn: () => {},
      fileFailed: (e: SourceReadError) => {
        problems.push({ code: e.code, source: src.name, message: e.message, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}) });
      },
    };
    try {
      for await (const r of src.connector.read({ name: src.name, path: src.path, baseDir: config.baseDir, format: src.format, options: src.options }, ctx)) {
        records++;
        const rec = r as SourceRecord;
        const fields = known.get(rec.entity);
        if (!fields) {
          const k = `entity:${rec.entity}`;
          if (!seenUnclassified.has(k)) {
            seenUnclassified.add(k);
            problems.push({ code: 'check.unknown-entity', source: src.name, message: `records of entity "${rec.entity}" are not described by the ${src.connector.id} connector`, file: rec.locator.file });
          }
        } else {
          for (const name of Object.keys(rec.fields)) {
            fieldNames.add(`${rec.entity}.${name}`);
            const base = repeatedColumnBase(name);
            if (fields.has(ColumnMap.norm(name)) || (base !== undefined && fields.has(ColumnMap.norm(base)))) continue;
            const k = `${rec.entity}\u0000${name}`;
            if (seenUnclassified.has(k)) continue;
            seenUnclassified.add(k);
            problems.push({
              code: 'check.unclassified-field',
              source: src.name,
              file: rec.locator.file,
              ...(rec.locator.line ? { line: rec.locator.line } : {}),
              column: name,
              message: `field "${name}" of ${rec.entity} records is not classified: add it to the source's options.fields with its data category (first seen at ${formatLocator(rec.locator)})`,
            });
          }
        }
        if (rec.fiscalYears && !yearsChecked.has(rec.locator.file)) {
          yearsChecked.add(rec.locator.file);
          const p = fiscalYearProblem(rec.fiscalYears, config.raw.fiscalYearStart ?? '01-01');
          if (p) problems.push({ code: 'check.fiscal-year', source: src.name, file: rec.locator.file, message: p });
        }
        const cat = rec.category ?? '';
        if (!seenCategory.has(cat)) {
          seenCategory.add(cat);
          if (!cat || !register.processing[cat]) {
            problems.push({
              code: 'check.unexplained-category',
              source: src.name,
              file: rec.locator.file,
              message: `records of entity "${rec.entity}" have the category "${cat || '(none)'}", which the processing register does not describe`,
            });
          }
        }
      }
    } catch (err) {
      if (!(err instanceof SourceReadError)) throw err;
      problems.push({ code: err.code, source: src.name, message: err.message, ...(err.file ? { file: err.file } : {}), ...(err.line ? { line: err.line } : {}) });
    }
    if (records === 0 && !problems.some((p) => p.source === src.name)) {
      problems.push({ code: 'check.empty-source', source: src.name, message: 'the source holds no records' });
    }
    stats.push({ source: src.name, connector: src.connector.id, records, fields: fieldNames.size });
  }
  return { problems, stats };
}

/**
 * BF-1 counts from the end of the financial year: the books' own years (an
 * SIE file's #RAR) for their records, the config's `fiscalYearStart` for the
 * rest (an invoice from the API, a customer card). When the two disagree, an
 * invoice and its own voucher are kept to different dates. The file's latest
 * year is compared: an earlier one may be a changed year (omläggning).
 */
export function fiscalYearProblem(years: readonly { start: string; end: string }[], configStart: string): string | undefined {
  const latest = [...years].sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : 0)).at(-1);
  const end = latest && parseIsoDate(latest.end);
  if (!end) return undefined;
  const next = formatIsoDate(addDays(end, 1)).slice(5);
  if (next === configStart) return undefined;
  return `the file's latest financial year (#RAR) ends ${latest.end}, so its years start on ${next}, but the config's fiscalYearStart is ${configStart}: records from other exports (invoices, customer cards) would be kept to another date than their vouchers (BF-1); set fiscalYearStart to "${next}" if that is the company's financial year`;
}

function countProblem(name: string, what: string, want: Expectation['exact'], got: number): string | undefined {
  if (want === undefined) return undefined;
  if (typeof want === 'number') return got === want ? undefined : `expected ${want} ${what} record(s), found ${got}`;
  if (want.min !== undefined && got < want.min) return `expected at least ${want.min} ${what} record(s), found ${got}`;
  if (want.max !== undefined && got > want.max) return `expected at most ${want.max} ${what} record(s), found ${got}`;
  void name;
  return undefined;
}

/** A record's locator in the `records:` notation of expectations. */
export function expectationKey(source: string, l: SourceRecord['locator']): string {
  return `${source} ${formatLocator(l)}`;
}

/** Runs every expectation in ONE search (the subjects of a batch), and compares. */
export async function checkExpectations(config: LoadedConfig, expectations: Expectation[]): Promise<{ problems: CheckProblem[]; results: { name: string; ok: boolean }[]; search?: SearchResult }> {
  if (expectations.length === 0) return { problems: [], results: [] };
  const problems: CheckProblem[] = [];
  const subjects: SubjectQuery[] = [];
  const valid: Expectation[] = [];
  const names = new Set(config.sources.map((s) => s.name));
  for (const [i, e] of expectations.entries()) {
    // A misspelt source name would make `notSources` pass whatever is found, and `sources` fail for the wrong reason.
    const unknown = [...(e.sources ?? []), ...(e.notSources ?? [])].filter((n) => !names.has(n));
    if (unknown.length > 0) {
      problems.push({ code: 'check.expectation-invalid', message: `expectation "${e.name}": no source named ${unknown.map((n) => `"${n}"`).join(', ')} in the config (sources: ${[...names].join(', ')})` });
      continue;
    }
    try {
      subjects.push(subjectFromFlags(e.find as Record<string, unknown>, `expectation-${i}`).query);
      valid.push(e);
    } catch (err) {
      const msgs = (err as { problems?: Problem[] }).problems?.map((p) => p.message).join('; ') ?? String(err);
      problems.push({ code: 'check.expectation-invalid', message: `expectation "${e.name}": ${msgs}` });
    }
  }
  const result = await search({ sources: config.sources, baseDir: config.baseDir, subjects });
  const results: { name: string; ok: boolean }[] = [];
  valid.forEach((e, i) => {
    const s = result.subjects[i]!;
    const found = s.records.map((m) => foundRecord(m, config.sources));
    const mine: string[] = [];
    const count = (c: string): number => found.filter((r) => r.confidence === c).length;
    for (const [what, want] of [['exact', e.exact], ['probable', e.probable], ['possible', e.possible]] as const) {
      const p = countProblem(e.name, what, want, count(what));
      if (p) mine.push(p);
    }
    const strong = found.filter((r) => r.confidence !== 'possible');
    for (const src of e.sources ?? []) if (!strong.some((r) => r.source === src)) mine.push(`expected exact or probable records in source ${src}, found none`);
    for (const src of e.notSources ?? []) if (found.some((r) => r.source === src)) mine.push(`expected no records in source ${src}, found some`);
    const keys = new Set(strong.map((r) => expectationKey(r.source, r.locator)));
    for (const k of e.records ?? []) if (!keys.has(k)) mine.push(`expected record ${k} to be found exact or probable; it was not`);
    for (const m of mine) problems.push({ code: 'check.expectation', message: `expectation "${e.name}": ${m}` });
    results.push({ name: e.name, ok: mine.length === 0 });
  });
  return { problems, results, search: result };
}
