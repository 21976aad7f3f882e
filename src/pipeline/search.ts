/**
 * The search pipeline: reads every source through its connector and offers
 * the records to the matcher, for one subject or a whole batch at once.
 *
 * Links found late can make records read earlier match, so the pipeline
 * works in rounds. Sources are read smallest first (master data such as the
 * CRM and the customer register is small and teaches the links; event logs
 * are big). A small source is kept in memory after its one read, and a later
 * round replays it; a big source is read again only when the subjects
 * gained identifiers of a kind it holds since it was last read. For a batch
 * of any size this costs the same number of reads as for one person.
 */
import { SourceReadError, type Problem } from '../errors.ts';
import type { IdentifierKind } from '../core/identity/kinds.ts';
import { Matcher, type SubjectQuery, type SubjectResult } from '../core/match/matcher.ts';
import type { SourceRecord } from '../core/record.ts';
import { listSourceFiles } from '../io/files.ts';
import type { Prefilter } from '../io/prefilter.ts';
import { prefilterFor } from '../io/anchors.ts';
import type { ResolvedSource } from '../config/load.ts';
import type { ReadContext } from '../sources/contract.ts';

/**
 * Sources up to this size in all are kept in memory after their read, so a
 * link learned later is applied by replaying them. A company's CRM and
 * customer register exports are this small; event logs are not, and are
 * re-read through the prefilter instead (which keeps memory flat, issue #7).
 */
export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;
export const MAX_ROUNDS = 6;

export interface SkippedFile {
  source: string;
  connector: string;
  file?: string;
  line?: number;
  code: string;
  message: string;
}

export interface SearchProgress {
  phase: 'listing' | 'reading' | 'matching';
  source?: string;
  sourceIndex?: number;
  sourceCount?: number;
  round?: number;
  bytesRead?: number;
  bytesTotal?: number;
  records?: number;
}

export interface SearchOptions {
  sources: ResolvedSource[];
  baseDir: string;
  subjects: SubjectQuery[];
  /** Bytes of small sources kept in memory for later rounds. */
  cacheBytes?: number;
  onProgress?: (p: SearchProgress) => void;
  /**
   * Builds a prefilter for a read, from what the matcher looks for (issue
   * #7). By default the anchors of the matcher's keys (src/io/anchors.ts);
   * `prefilter: false` reads every record in full (the reference path).
   */
  prefilterFor?: (matcher: Matcher, sinceVersion: number) => Prefilter | undefined;
  prefilter?: boolean;
  /**
   * Sees every record of every source once, on its source's first read
   * (not on replays or re-reads), e.g. the suppression list's re-appearance
   * check. With it, that first read is not prefiltered.
   */
  onRecord?: (sourceIndex: number, record: SourceRecord) => void;
}

export interface SourceStats {
  source: string;
  connector: string;
  reads: number;
  records: number;
  bytes: number;
  files: number;
  cached: boolean;
}

export interface SearchResult {
  subjects: SubjectResult[];
  skipped: SkippedFile[];
  warnings: (Problem & { source: string })[];
  sources: SourceStats[];
  rounds: number;
}

interface SourceState {
  src: ResolvedSource;
  size: number;
  files: number;
  cache?: SourceRecord[];
  /** Matcher version when this source was last read from its beginning. */
  readAtVersion: number;
  kinds: Set<IdentifierKind>;
  /** The first read was prefiltered: assume it holds every kind. */
  allKinds?: boolean;
  stats: SourceStats;
  failed: boolean;
}

function kindsOf(record: SourceRecord, into: Set<IdentifierKind>): void {
  for (const id of record.identifiers) into.add(id.kind);
  if (record.text && record.text.length > 0) {
    // Free text can mention any of these.
    for (const k of ['email', 'pnr', 'phone', 'name'] as const) into.add(k);
  }
}

export async function search(opts: SearchOptions): Promise<SearchResult> {
  const matcher = new Matcher(opts.subjects);
  const skipped: SkippedFile[] = [];
  const warnings: (Problem & { source: string })[] = [];
  const states: SourceState[] = [];
  const progress = opts.onProgress ?? (() => {});

  progress({ phase: 'listing' });
  for (const src of opts.sources) {
    const stats: SourceStats = { source: src.name, connector: src.connector.id, reads: 0, records: 0, bytes: 0, files: 0, cached: false };
    const st: SourceState = { src, size: 0, files: 0, readAtVersion: -1, kinds: new Set(), stats, failed: false };
    try {
      const files = await listSourceFiles(src.path, opts.baseDir);
      st.size = files.reduce((n, f) => n + f.size, 0);
      st.files = files.length;
      stats.files = files.length;
      stats.bytes = st.size;
      if (files.length === 0) {
        skipped.push({ source: src.name, connector: src.connector.id, file: src.path, code: 'source.empty', message: 'the folder holds no files' });
        st.failed = true;
      }
    } catch (err) {
      if (!(err instanceof SourceReadError)) throw err;
      skipped.push({ source: src.name, connector: src.connector.id, ...(err.file ? { file: err.file } : {}), code: err.code, message: err.message });
      st.failed = true;
    }
    states.push(st);
  }

  // Smallest first; equal sizes keep the config's order.
  const order = states.filter((s) => !s.failed).sort((a, b) => a.size - b.size || a.src.index - b.src.index);
  let cacheLeft = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
  for (const st of order) {
    if (st.size <= cacheLeft) {
      st.cache = [];
      st.stats.cached = true;
      cacheLeft -= st.size;
    }
  }

  let round = 0;
  for (; round < MAX_ROUNDS; round++) {
    const due = order.filter((st) => {
      if (st.readAtVersion < 0) return true;
      const changed = matcher.kindsChangedSince(st.readAtVersion);
      for (const k of changed) if (st.allKinds || st.kinds.has(k)) return true;
      return false;
    });
    if (due.length === 0) break;
    for (const [i, st] of due.entries()) {
      const startVersion = matcher.version;
      const base = { source: st.src.name, sourceIndex: i + 1, sourceCount: due.length, round: round + 1, bytesTotal: st.size };
      if (st.cache && st.readAtVersion >= 0) {
        progress({ phase: 'matching', ...base });
        for (const r of st.cache) matcher.offer(st.src.index, r);
      } else {
        await readSource(st, matcher, opts, skipped, warnings, (p) => progress({ phase: 'reading', ...base, ...p }), startVersion);
      }
      st.readAtVersion = startVersion;
    }
  }

  const subjects = matcher.finish();
  return { subjects, skipped, warnings, sources: states.map((s) => s.stats), rounds: round };
}

/**
 * The anchors of every key the matcher looks for. A re-read could in
 * principle look only for keys learned since the last read, but a record
 * seen before can change its verdict through a new key without an anchor
 * (an address that lifts a name match to probable), so re-reads look for
 * all keys: the few records that pass twice cost far less than a miss.
 */
function defaultPrefilter(matcher: Matcher): Prefilter | undefined {
  return prefilterFor(matcher.searchKeys());
}

async function readSource(
  st: SourceState,
  matcher: Matcher,
  opts: SearchOptions,
  skipped: SkippedFile[],
  warnings: (Problem & { source: string })[],
  progress: (p: { bytesRead?: number; records?: number }) => void,
  sinceVersion: number,
): Promise<void> {
  const src = st.src;
  const first = st.stats.reads === 0;
  st.stats.reads++;
  const ctx: ReadContext = {
    warn: (p) => {
      if (first) warnings.push({ ...p, source: src.name });
    },
    fileFailed: (e) => {
      if (first) skipped.push({ source: src.name, connector: src.connector.id, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}), code: e.code, message: e.message });
    },
    progress: (bytes) => progress({ bytesRead: bytes }),
    prefilter: st.cache || (first && opts.onRecord) || opts.prefilter === false ? undefined : (opts.prefilterFor ?? defaultPrefilter)(matcher, first ? -1 : sinceVersion),
  };
  // What a prefiltered first read shows of the source's identifier kinds is
  // only what passed; any key learned later must then send it back for a look.
  if (first && ctx.prefilter) st.allKinds = true;
  let n = 0;
  const observe = first ? opts.onRecord : undefined;
  try {
    const it = src.connector.read({ name: src.name, path: src.path, baseDir: opts.baseDir, format: src.format, options: src.options }, ctx);
    for await (const record of it) {
      n++;
      if (first) kindsOf(record, st.kinds);
      observe?.(src.index, record);
      matcher.offer(src.index, record);
      st.cache?.push(record);
      if ((n & 1023) === 0) progress({ records: n });
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    if (first) {
      skipped.push({ source: src.name, connector: src.connector.id, ...(err.file ? { file: err.file } : {}), ...(err.line ? { line: err.line } : {}), code: err.code, message: err.message });
    }
  }
  if (first) st.stats.records = n;
  progress({ records: n });
}
