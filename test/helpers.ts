/** Test helpers: run the real pipeline on a fixture config, as the CLI does. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/load.ts';
import { search, type SearchResult } from '../src/pipeline/search.ts';
import { findJson, type FindJson } from '../src/report/found.ts';
import { subjectFromFlags } from '../src/cli/subject.ts';
import type { SourceFile } from '../src/io/files.ts';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const FIXTURES = path.join(ROOT, 'fixtures');

/** The bytes (base64) a module of src/io assembles to from its .wat now (scripts/build-wasm.mjs), to compare with the committed ones. */
export async function assembledWasm(name: string): Promise<string> {
  const { assemble } = (await import(path.join(ROOT, 'scripts/build-wasm.mjs'))) as { assemble: (name: string) => Promise<Buffer> };
  return (await assemble(name)).toString('base64');
}

/** Every position of `text` where the sticky expression `re` matches (not only where a left-to-right scan stops). */
export function stickyStarts(re: RegExp, text: string): number[] {
  const out: number[] = [];
  for (let p = 0; p < text.length; p++) {
    re.lastIndex = p;
    if (re.test(text)) out.push(p);
  }
  return out;
}

/** A file as a reader gets it, named relative to the project. */
export function sourceFileAt(abs: string): SourceFile {
  return { abs, rel: path.relative(ROOT, abs), size: statSync(abs).size };
}

export type Flags = Partial<Record<'email' | 'phone' | 'pnr' | 'orgnr' | 'name' | 'customerNo' | 'ip' | 'gaClientId' | 'address' | 'userId', string[]>>;

export async function find(configPath: string, flags: Flags, opts: { cacheBytes?: number; prefilter?: boolean } = {}): Promise<FindJson & { result: SearchResult }> {
  const config = await loadConfig(configPath, ROOT);
  const { query, given } = subjectFromFlags(flags as Record<string, unknown>);
  const result = await search({
    sources: config.sources,
    baseDir: config.baseDir,
    subjects: [query],
    ...(opts.cacheBytes !== undefined ? { cacheBytes: opts.cacheBytes } : {}),
    ...(opts.prefilter === false ? { prefilter: false } : {}),
  });
  return { ...findJson(result, result.subjects[0]!, given, config.sources), result };
}

/** `source locator` strings of the records of a confidence, sorted, for compact assertions. */
export function where(doc: FindJson, confidence?: string): string[] {
  return doc.records
    .filter((r) => !confidence || r.confidence === confidence)
    .map((r) => `${r.source} ${r.locator.entry ? r.locator.entry + ' ' : ''}${r.locator.file}${r.locator.pointer ?? ''}${r.locator.line ? ':' + r.locator.line : ''}${r.locator.sheet ? '[' + r.locator.sheet + ']' : ''}${r.locator.row && !r.locator.line ? ' row ' + r.locator.row : ''}`)
    .sort();
}
