/**
 * The search pipeline: reads every source through its connector and offers
 * the records to the matcher, for one subject or a whole batch at once.
 *
 * Links found late can make records read earlier match, so the pipeline
 * works in rounds. Sources are read smallest first (master data such as the
 * CRM and the customer register is small and teaches the links; event logs
 * are big). A source is read again only when the subjects gained
 * identifiers of a kind it holds since it was last read. For a batch of any
 * size this costs the same number of reads as for one person.
 *
 * What makes a read cheap (issue #7):
 * - the byte-level prefilter (src/io/anchors.ts) lets the readers skip the
 *   records whose bytes hold no anchor of any key the matcher looks for;
 * - the same anchors are asked of each record's identifier values and free
 *   text before it is offered to the matcher (RecordFilter): a record with
 *   none of them cannot hit a key, so offering it would do nothing;
 * - the records a read let through are kept (candidates, within the cache
 *   budget), so that a later round replays them from memory and goes back to
 *   the file only for the keys learned since, whose anchors the candidates
 *   do not already imply. A re-read merges the two by place, so the matcher
 *   sees the records in the order a full re-read would give them;
 * - when the candidates did not fit (a batch's), the records the matcher
 *   retained from the source stand in for them: the file is read again only
 *   for the keys learned since its last read.
 */
import { SourceReadError, type Problem } from '../errors.ts';
import type { IdentifierKind } from '../core/identity/kinds.ts';
import { Matcher, MAX_LINK_DEPTH, type SubjectQuery, type SubjectResult } from '../core/match/matcher.ts';
import { compareLocators, type Locator, type SourceRecord } from '../core/record.ts';
import { listSourceFiles } from '../io/files.ts';
import { keyAnchor, planOf, planPrefilter, REGEX_LIMIT, type AnchorKey, type HitFinder, type PrefilterPlan } from '../io/anchors.ts';
import type { ResolvedSource } from '../config/load.ts';
import type { IdentifierScope, ReadContext } from '../sources/contract.ts';
import { withSpan } from '../io/wasm.ts';

/**
 * Memory for the records a read let through (the candidates), which later
 * rounds replay instead of reading the file again for keys they already
 * cover. Records are counted at an estimate of their size in memory. With 0,
 * every later round reads the file again (the reference path).
 */
export const DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;
/** Records take about this many times their file's bytes in memory: a source is kept whole if that fits. */
const WHOLE_FACTOR = 8;
/**
 * Enough rounds for every link the matcher follows: each read looks for every key known when it
 * starts, so after round r every key at r links from a given one is known (the records that teach
 * them hold keys at fewer links, all looked for by round r), round MAX_LINK_DEPTH + 1 finds the
 * records of the last keys, which teach nothing, and the next finds nothing due.
 */
export const MAX_ROUNDS = MAX_LINK_DEPTH + 2;

export interface SkippedFile {
  source: string;
  connector: string;
  file?: string;
  line?: number;
  code: string;
  message: string;
  /**
   * The file was read and its records are in the result, but it failed a check that says they may not be as
   * exported (`sie.checksum`): a warning about the file, not a file that could not be read. It still ends the
   * run with exit code 3, and an extract or a plan still names it.
   */
  recordsRead?: true;
}

/** The files a search could not read, as a plan names them (`PlanInput.notRead`): source, file and line. */
export function unreadFiles(skipped: readonly SkippedFile[]): { source: string; file?: string; line?: number; recordsRead?: true }[] {
  return skipped.map((k) => ({ source: k.source, ...(k.file ? { file: k.file } : {}), ...(k.line ? { line: k.line } : {}), ...(k.recordsRead ? { recordsRead: true as const } : {}) }));
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
  /** Bytes of candidate records kept in memory for later rounds (DEFAULT_CACHE_BYTES). */
  cacheBytes?: number;
  onProgress?: (p: SearchProgress) => void;
  /**
   * The byte-level prefilter, the record filter and the candidates (issue
   * #7). `prefilter: false` reads and offers every record in full (the
   * reference path).
   */
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
  /** Reads of the files (replays of candidates from memory are not reads). */
  reads: number;
  /** Records the first read yielded (with the prefilter, only those it let through). */
  records: number;
  bytes: number;
  files: number;
  /** Later rounds replayed records kept in memory. */
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
  /** File → its place in the source's listing, which is the order the connector reads them in. */
  fileOrder: Map<string, number>;
  /** Matcher version when this source was last read (or replayed) from its beginning. */
  readAtVersion: number;
  kinds: Set<IdentifierKind>;
  /** The first read was prefiltered: assume it holds every kind. */
  allKinds?: boolean;
  stats: SourceStats;
  failed: boolean;
  /**
   * The records of the last read (and those before it) that hold an anchor
   * of a key known when that read began, in the order of the file: every
   * such record of the source is here. Undefined when they did not fit in
   * the cache, or the connector does not yield records in place order.
   */
  candidates?: SourceRecord[];
  candidateBytes: number;
  /** The candidates are every record of the source: later rounds never read it again. */
  whole?: boolean;
  /** Anchors, phone tails and name bases of the keys the candidates are complete for. */
  covered: { anchors: Set<string>; tails: Set<number>; bases: Set<string>; all: boolean };
  /** The connector yielded its records in place order on every read so far. */
  ordered: boolean;
  /**
   * The records the last reads yielded, in place order, each with the
   * matcher version of the prefilter that let it through: every record
   * before one marked `cv` was looked at with the keys known before `cv`
   * or fewer, every record from it on with those known before `cv` or more
   * (the prefilter learns as the read goes, LivePrefilter). A later round
   * reads the file again only up to the first record marked after the
   * newest key it looks for. Undefined: from the start to the end.
   */
  marks?: { cv: number; locator: Locator }[];
  /** Each file's identifier scope as its connector reported it (null: not known). */
  fileScopes: Map<string, Scope | null>;
  /** The identifiers every record of the source can carry, when every file reported its scope. */
  scope?: Scope;
}

interface Scope {
  kinds: ReadonlySet<IdentifierKind>;
  /** Prefixes of every systemId value; undefined: any. */
  systemIds?: readonly string[] | undefined;
}

/** Free text can mention these in any record (src/core/match/extract.ts, scanText). */
const TEXT_KINDS: ReadonlySet<IdentifierKind> = new Set(['email', 'pnr', 'phone', 'name']);

function compileScope(s: IdentifierScope): Scope {
  return { kinds: new Set(s.kinds), systemIds: s.kinds.includes('systemId') ? s.systemIds : undefined };
}

/** The source's scope: the union of its files', if every file of the listing reported one. */
function sourceScope(st: SourceState): Scope | undefined {
  const kinds = new Set<IdentifierKind>();
  let prefixes: Set<string> | undefined = new Set();
  for (const file of st.fileOrder.keys()) {
    const s = st.fileScopes.get(file);
    if (!s) return undefined;
    for (const k of s.kinds) kinds.add(k);
    if (s.kinds.has('systemId')) {
      if (s.systemIds === undefined) prefixes = undefined;
      else if (prefixes) for (const p of s.systemIds) prefixes.add(p);
    }
  }
  return { kinds, systemIds: prefixes ? [...prefixes] : undefined };
}

/** Can a record of this source hold a key of this kind? Keys from text fit every source; an org.nr is also a personnummer key. */
function fitsKind(st: SourceState, kind: IdentifierKind): boolean {
  return st.scope === undefined || TEXT_KINDS.has(kind) || st.scope.kinds.has(kind);
}

/** Can a record of this source hold this key? */
function fitsKey(st: SourceState, k: AnchorKey): boolean {
  const kind = k.kind as IdentifierKind;
  if (!fitsKind(st, kind)) return false;
  const prefixes = st.scope?.systemIds;
  return kind !== 'systemId' || prefixes === undefined || prefixes.some((p) => k.value.startsWith(p));
}

/** A record whose identifiers leave its file's reported scope: the connector's declaration is wrong, and skipping re-reads on it would lose records. */
function checkScope(st: SourceState, r: SourceRecord): void {
  const s = st.fileScopes.get(r.locator.file);
  if (!s) return;
  for (const id of r.identifiers) {
    const inside = s.kinds.has(id.kind) && (id.kind !== 'systemId' || s.systemIds === undefined || s.systemIds.some((p) => typeof id.value === 'string' && id.value.startsWith(p)));
    if (!inside) throw new Error(`connector ${st.src.connector.id} yielded a ${id.kind} identifier outside the scope it reported for ${r.locator.file}`);
  }
}

function kindsOf(record: SourceRecord, into: Set<IdentifierKind>): void {
  for (const id of record.identifiers) into.add(id.kind);
  if (record.text && record.text.length > 0) for (const k of TEXT_KINDS) into.add(k);
}

/** Could a record hit one of these anchors? Its identifier values and free text are all offer() looks at. */
function recordHas(r: SourceRecord, f: HitFinder): boolean {
  for (const id of r.identifiers) {
    if (typeof id.value === 'string' && id.value.length > 0 && f.mayMatchText(id.value)) return true;
  }
  if (r.text) {
    for (const t of r.text) {
      if (typeof t.value === 'string' && t.value.length > 0 && f.mayMatchText(t.value)) return true;
    }
  }
  return false;
}

/**
 * The anchors of every key the matcher looks for, asked of a record before
 * it is offered. Rebuilt as the matcher learns: keys learned since the last
 * rebuild go to a small second finder until there are enough of them to
 * rebuild the whole (a batch learns thousands of keys one by one).
 */
class RecordFilter {
  private seenVersion = -1;
  /**
   * Finders over the keys, each for those learned in a span of versions,
   * oldest first; neighbours of about the same size are merged (a binary
   * counter), so each key is built into O(log n) finders however many a
   * batch learns, and a record is asked of O(log n) finders.
   */
  private levels: { finder: HitFinder | undefined; from: number; to: number; count: number }[] = [];
  /** Some key has an anchor too short to select anything: every record is offered. */
  private unfit = false;
  /** Some key has an anchor. */
  private any = false;

  constructor(private readonly matcher: Matcher) {}

  private build(from: number, to: number): { finder: HitFinder | undefined; from: number; to: number; count: number } {
    const keys = from < 0 ? this.matcher.searchKeys() : this.matcher.searchKeys(from);
    const p = planPrefilter(keys);
    if (p.kind === 'all') this.unfit = true;
    if (p.kind === 'some') this.any = true;
    return { finder: p.kind === 'some' ? p.finder : undefined, from, to, count: keys.length };
  }

  private sync(): void {
    const v = this.matcher.version;
    if (v === this.seenVersion) return;
    const from = this.seenVersion;
    this.seenVersion = v;
    // The keys learned since the last look: a new level, merged with those before it while it is as big.
    let level = this.build(from, v);
    while (this.levels.length > 0 && this.levels[this.levels.length - 1]!.count <= 2 * level.count) {
      const prev = this.levels.pop()!;
      level = this.build(prev.from, v);
    }
    this.levels.push(level);
  }

  private holds(r: SourceRecord): boolean {
    for (const l of this.levels) if (l.finder !== undefined && recordHas(r, l.finder)) return true;
    return false;
  }

  /** Could offering this record do anything? */
  mayMatch(r: SourceRecord): boolean {
    this.sync();
    // No key with an anchor at all: the prefilter cannot decide.
    if (this.unfit || !this.any) return true;
    return this.holds(r);
  }

  /** Must the record be kept as a candidate (does it hold an anchor of a key known now)? */
  mustKeep(r: SourceRecord): boolean {
    this.sync();
    if (this.unfit) return true;
    return this.holds(r);
  }
}

/** A rough size of a record in memory, for the cache budget. */
function estimateBytes(r: SourceRecord): number {
  let n = 512;
  for (const id of r.identifiers) n += 64 + 2 * (id.value?.length ?? 0) + 2 * id.field.length;
  if (r.text) for (const t of r.text) n += 48 + 2 * (t.value?.length ?? 0);
  for (const v of Object.values(r.fields)) n += typeof v === 'string' ? 32 + 2 * v.length : 128;
  return n;
}

/** Keys not covered by what the candidates were collected for: their anchors, or `unfit`. */
function uncovered(
  keys: (AnchorKey & { version: number })[],
  covered: SourceState['covered'],
): { anchors: string[]; tails: number[]; bases: string[]; newest: number } | 'unfit' {
  const anchors = new Set<string>();
  const tails = new Set<number>();
  const bases = new Set<string>();
  // What is looked for (an anchor with its name base, or a tail) and the version of the first key that
  // wanted it: a read marked at or after that version looked for it, whichever later key wants it too.
  const since = new Map<string, number>();
  const wanted = (what: string, version: number): void => {
    const v = since.get(what);
    if (v === undefined || version < v) since.set(what, version);
  };
  // A new anchor that contains a covered one is in no record that is not a candidate already.
  // (Not so for a name's other spellings: those of a new base token must be looked for.)
  const few = covered.anchors.size <= 256 ? [...covered.anchors] : undefined;
  for (const k of keys) {
    const a = keyAnchor(k);
    if (a === 'unfit') return 'unfit';
    if (a === 'none') continue;
    if ('tail' in a) {
      if (!covered.tails.has(a.tail)) {
        tails.add(a.tail);
        wanted(`t${a.tail}`, k.version);
      }
      continue;
    }
    const implied = covered.anchors.has(a.anchor) || few?.some((c) => a.anchor.includes(c)) === true;
    if (implied && (a.base === undefined || covered.bases.has(a.base))) continue;
    anchors.add(a.anchor);
    if (a.base !== undefined) bases.add(a.base);
    wanted(`a${a.anchor}\u0001${a.base ?? ''}`, k.version);
  }
  let newest = -1;
  for (const v of since.values()) newest = Math.max(newest, v);
  return { anchors: [...anchors], tails: [...tails], bases: [...bases], newest };
}

/** A prefilter plan with something to look for: its finder, and the anchors, tails and bases it was made of. */
type SomePlan = Extract<PrefilterPlan, { kind: 'some' }>;

/**
 * The byte prefilter of a read, which learns as the read goes (issue #7):
 * the anchors it was made with, and those of every key the matcher learns
 * from the records of this very read, from the next chunk on. `version` is
 * the matcher version whose keys it looked for at its latest call: readers
 * ask about bytes before they yield the records in them, so it is the
 * version every record just yielded was looked at with. When the keys
 * learned pile up, they are gathered before the prefilter is rebuilt; until
 * then it keeps the version it had.
 *
 * A read whose plan is already an automaton (a batch's, more than
 * REGEX_LIMIT anchors) does not learn: a second finder would scan every
 * byte a second time (2.9 GB scanned for the 1 GB corpus's batch of 1,000,
 * issue #7), and what it finds the next round finds anyway, as it does for
 * the keys the later sources teach, which make a batch read every source a
 * second time to its end. The keys learned from this read's records are
 * the matcher's after it (its version stays the read's start), so the
 * rounds look for them from the first record.
 */
class LivePrefilter implements HitFinder {
  version: number;
  private fixed: HitFinder | undefined;
  private live: HitFinder | undefined;
  private liveKeys = 0;
  private frozen = false;
  constructor(
    private readonly matcher: Matcher,
    private readonly plan: SomePlan | undefined,
    private readonly since: number,
  ) {
    this.version = matcher.version;
    this.fixed = plan?.finder;
    if (plan && plan.anchors.length + plan.tails.length > REGEX_LIMIT) this.frozen = true;
  }
  private sync(): void {
    const v = this.matcher.version;
    if (v === this.version || this.frozen) return;
    // Rebuilt when the keys learned since have doubled; a single subject learns a handful of keys.
    if (this.liveKeys >= 32 && this.matcher.keyChangesSince(this.since) < 2 * this.liveKeys) return;
    const keys = this.matcher.searchKeys(this.since);
    const plan = planPrefilter(keys);
    if (plan.kind === 'all') {
      // A key too short to look for: the read goes on with what it has, and a later round reads it all.
      this.frozen = true;
      return;
    }
    const fixed = this.plan;
    if (plan.kind === 'some' && fixed && fixed.anchors.length + fixed.tails.length + plan.anchors.length + plan.tails.length <= REGEX_LIMIT) {
      // Few enough to look for together: one finder, so each chunk is scanned once, not once per finder.
      this.live = (planOf([...fixed.anchors, ...plan.anchors], [...fixed.tails, ...plan.tails], [...fixed.bases, ...plan.bases]) as SomePlan).finder;
      this.fixed = undefined;
    } else {
      this.live = plan.kind === 'some' ? plan.finder : undefined;
      this.fixed = fixed?.finder;
    }
    this.liveKeys = keys.length;
    this.version = v;
  }
  hits(buf: Uint8Array, start: number, end: number): number[] {
    this.sync();
    if (!this.live) return this.fixed ? this.fixed.hits(buf, start, end) : [];
    // Both finders' WebAssembly scans share one copy of the span (wasm.ts).
    return withSpan(buf, start, end, () => {
      const a = this.fixed ? this.fixed.hits(buf, start, end) : [];
      const b = this.live!.hits(buf, start, end);
      return b.length === 0 ? a : a.length === 0 ? b : [...a, ...b].sort((x, y) => x - y);
    });
  }
  mayMatch(buf: Uint8Array, start: number, end: number): boolean {
    this.sync();
    return withSpan(buf, start, end, () => (this.fixed?.mayMatch(buf, start, end) ?? false) || (this.live?.mayMatch(buf, start, end) ?? false));
  }
  mayMatchText(text: string): boolean {
    this.sync();
    return (this.fixed?.mayMatchText(text) ?? false) || (this.live?.mayMatchText(text) ?? false);
  }
}

/** The anchors, tails and name bases of all the keys the matcher looks for now. */
function coverageNow(matcher: Matcher): SourceState['covered'] {
  const anchors = new Set<string>();
  const tails = new Set<number>();
  const bases = new Set<string>();
  for (const k of matcher.searchKeys()) {
    const a = keyAnchor(k);
    if (a === 'unfit') return { anchors, tails, bases, all: true };
    if (a === 'none') continue;
    if ('tail' in a) tails.add(a.tail);
    else {
      anchors.add(a.anchor);
      if (a.base !== undefined) bases.add(a.base);
    }
  }
  return { anchors, tails, bases, all: false };
}

/** Coverage of no key: every key's anchor is looked for. */
const NOTHING_COVERED: SourceState['covered'] = { anchors: new Set(), tails: new Set(), bases: new Set(), all: false };

/** Order of two records of a source by place: the file's place in the listing, then the place in the file. */
function placeOf(st: SourceState, a: Locator, b: Locator): number {
  return (st.fileOrder.get(a.file) ?? -1) - (st.fileOrder.get(b.file) ?? -1) || compareLocators(a, b);
}

/** The reports of the reads, in order; `later` ones are filled in when the search is done. */
type Report = { warning: Problem & { source: string } } | { skipped: SkippedFile } | { later: Promise<() => void>; into: Report[] };

export async function search(opts: SearchOptions): Promise<SearchResult> {
  const matcher = new Matcher(opts.subjects);
  const skipped: SkippedFile[] = [];
  const warnings: (Problem & { source: string })[] = [];
  const reports: Report[] = [];
  const states: SourceState[] = [];
  const progress = opts.onProgress ?? (() => {});
  const fast = opts.prefilter !== false;
  const filter = fast ? new RecordFilter(matcher) : undefined;
  const budget = { left: opts.cacheBytes ?? DEFAULT_CACHE_BYTES };

  progress({ phase: 'listing' });
  for (const src of opts.sources) {
    const stats: SourceStats = { source: src.name, connector: src.connector.id, reads: 0, records: 0, bytes: 0, files: 0, cached: false };
    const st: SourceState = {
      src,
      size: 0,
      files: 0,
      fileOrder: new Map(),
      readAtVersion: -1,
      kinds: new Set(),
      stats,
      failed: false,
      candidateBytes: 0,
      covered: { anchors: new Set(), tails: new Set(), bases: new Set(), all: false },
      ordered: true,
      fileScopes: new Map(),
    };
    try {
      const files = await listSourceFiles(src.path, opts.baseDir);
      st.size = files.reduce((n, f) => n + f.size, 0);
      st.files = files.length;
      files.forEach((f, i) => st.fileOrder.set(f.rel, i));
      stats.files = files.length;
      stats.bytes = st.size;
      if (files.length === 0) {
        reports.push({ skipped: { source: src.name, connector: src.connector.id, file: src.path, code: 'source.empty', message: 'the folder holds no files' } });
        st.failed = true;
      }
    } catch (err) {
      if (!(err instanceof SourceReadError)) throw err;
      reports.push({ skipped: { source: src.name, connector: src.connector.id, ...(err.file ? { file: err.file } : {}), code: err.code, message: err.message } });
      st.failed = true;
    }
    states.push(st);
  }

  // Smallest first; equal sizes keep the config's order.
  const order = states.filter((s) => !s.failed).sort((a, b) => a.size - b.size || a.src.index - b.src.index);

  let round = 0;
  for (; round < MAX_ROUNDS; round++) {
    const due = order.filter((st) => {
      if (st.readAtVersion < 0) return true;
      const changed = matcher.kindsChangedSince(st.readAtVersion);
      for (const k of changed) if (st.kinds.has(k) || (st.allKinds && fitsKind(st, k))) return true;
      return false;
    });
    if (due.length === 0) break;
    for (const [i, st] of due.entries()) {
      const startVersion = matcher.version;
      const base = { source: st.src.name, sourceIndex: i + 1, sourceCount: due.length, round: round + 1, bytesTotal: st.size };
      const read = (p: { bytesRead?: number; records?: number }): void => progress({ phase: 'reading', ...base, ...p });
      const io = { matcher, opts, filter, budget, reports, progress: read };
      const coverage = fast ? coverageNow(matcher) : undefined;
      if (st.readAtVersion < 0) {
        // The first read: every key the matcher knows, unless every record must be seen. A source
        // small enough for its records to fit in the cache is read whole and kept, so that later
        // rounds replay it instead of reading it again (a company's CRM and customer register).
        const whole = fast && st.size * WHOLE_FACTOR <= budget.left;
        const plan = fast && !opts.onRecord && !whole ? planPrefilter(matcher.searchKeys()) : undefined;
        await readSource(st, io, plan?.kind === 'some' ? plan : undefined, undefined, undefined, whole);
      } else if (st.whole && st.candidates) {
        // Every record is in memory.
        progress({ phase: 'matching', ...base });
        st.stats.cached = true;
        for (const r of st.candidates) if (filter!.mayMatch(r)) matcher.offer(st.src.index, r);
      } else if (st.candidates && fast) {
        const todo = uncovered(
          matcher.searchKeys(st.readAtVersion).filter((k) => fitsKey(st, k)),
          st.covered,
        );
        if (todo === 'unfit') {
          await readSource(st, io, undefined, undefined);
        } else if (todo.anchors.length === 0 && todo.tails.length === 0) {
          // Every record that could hit a key learned since is in memory.
          progress({ phase: 'matching', ...base });
          st.stats.cached = true;
          for (const r of st.candidates) matcher.offer(st.src.index, r);
          if (st.marks) for (const m of st.marks) m.cv = Math.max(m.cv, startVersion);
        } else {
          const plan = planOf(todo.anchors, todo.tails, todo.bases);
          st.stats.cached = true;
          // Only as far as the last read looked without the newest of these keys.
          const stop = st.marks?.find((m) => m.cv > todo.newest)?.locator;
          await readSource(st, io, plan.kind === 'some' ? plan : undefined, st.candidates, stop);
        }
      } else if (fast && st.ordered) {
        // The candidates did not fit in the cache (a batch's do not). What the matcher retained of
        // the source stands in for them: a record not among it held no key known when it was
        // offered, so only the keys learned since are looked for in the file, and only as far as the
        // last read looked without the newest of them. The rest is the retained records, offered
        // again at their places, as a full re-read would offer them.
        const todo = uncovered(
          matcher.searchKeys(st.readAtVersion).filter((k) => fitsKey(st, k)),
          NOTHING_COVERED,
        );
        const retained = matcher.retainedOf(st.src.index).sort((a, b) => placeOf(st, a.locator, b.locator));
        if (todo === 'unfit') {
          await readSource(st, io, undefined, undefined);
        } else if (todo.anchors.length === 0 && todo.tails.length === 0) {
          progress({ phase: 'matching', ...base });
          for (const r of retained) matcher.offer(st.src.index, r);
          if (st.marks) for (const m of st.marks) m.cv = Math.max(m.cv, startVersion);
        } else {
          const plan = planOf(todo.anchors, todo.tails, todo.bases) as SomePlan;
          const stop = st.marks?.find((m) => m.cv > todo.newest)?.locator;
          await readSource(st, io, plan, retained, stop, false, false);
        }
      } else {
        // Only the keys its records can hold: a batch's GA client ids are not looked for in the CRM.
        const plan = fast ? planPrefilter(matcher.searchKeys().filter((k) => fitsKey(st, k))) : undefined;
        await readSource(st, io, plan?.kind === 'some' ? plan : undefined, undefined);
      }
      st.readAtVersion = startVersion;
      if (coverage) st.covered = coverage;
    }
  }

  // Reports that checks in a worker give (issue #7), each where its read put it.
  const flatten = async (list: Report[]): Promise<void> => {
    for (const r of list) {
      if ('warning' in r) warnings.push(r.warning);
      else if ('skipped' in r) skipped.push(r.skipped);
      else {
        const make = await r.later;
        make();
        await flatten(r.into);
      }
    }
  };
  await flatten(reports);
  const subjects = matcher.finish();
  warnings.push(...replacementWarnings(subjects, opts.sources));
  return { subjects, skipped, warnings, sources: states.map((s) => s.stats), rounds: round };
}

/** Does a value hold U+FFFD, the character a decoder writes for one it could not read? */
function holdsReplacement(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\uFFFD');
  if (Array.isArray(v)) return v.some(holdsReplacement);
  if (v !== null && typeof v === 'object') return Object.values(v).some(holdsReplacement);
  return false;
}

/**
 * Found records whose values hold U+FFFD: characters lost before or while
 * the file was exported (a UTF-8 export of text already damaged, a system
 * that wrote another encoding as UTF-8). The person would get `F�retag` in
 * the letter, and a name written with such characters is not found by a
 * name search: the officer should export the file again. One warning per
 * file, at the first such record; both read paths find the same records,
 * so they warn the same.
 */
function replacementWarnings(subjects: readonly SubjectResult[], sources: readonly ResolvedSource[]): (Problem & { source: string })[] {
  const byFile = new Map<string, { source: string; file: string; line?: number; count: number }>();
  // A record found for two requests of a batch is one record of the file.
  const seen = new Set<SourceRecord>();
  for (const s of subjects) {
    for (const m of s.records) {
      const r = m.record;
      if (seen.has(r)) continue;
      seen.add(r);
      if (!holdsReplacement(r.fields)) continue;
      const source = sources[m.source]?.name ?? String(m.source);
      const key = `${source}\u0000${r.locator.file}`;
      const at = byFile.get(key);
      const line = r.locator.line;
      if (!at) byFile.set(key, { source, file: r.locator.file, ...(line !== undefined ? { line } : {}), count: 1 });
      else {
        at.count++;
        if (line !== undefined && (at.line === undefined || line < at.line)) at.line = line;
      }
    }
  }
  return [...byFile.values()].map((w) => ({
    source: w.source,
    code: 'record.replacement-char',
    file: w.file,
    ...(w.line !== undefined ? { line: w.line } : {}),
    message: `${w.count} found record(s) hold the character U+FFFD (�) in place of characters lost before or during the export: the letter shows them so, and a name written with them is not found by name; export the file again in UTF-8 and search again`,
  }));
}

interface ReadIo {
  matcher: Matcher;
  opts: SearchOptions;
  filter: RecordFilter | undefined;
  budget: { left: number };
  reports: Report[];
  progress: (p: { bytesRead?: number; records?: number }) => void;
}

/**
 * Reads a source once with the byte prefilter `prefilter` (undefined: every
 * record) and offers what may match. With `merge`, the candidates of the
 * earlier reads are offered too, each at its place among the records read.
 * Afterwards the source's candidates are what this read let through and
 * what was merged, if they fit in the cache budget.
 */
async function readSource(
  st: SourceState,
  io: ReadIo,
  fixed: SomePlan | undefined,
  merge: SourceRecord[] | undefined,
  stop?: Locator,
  whole = false,
  /** Keep this read's candidates for later rounds (not when `merge` holds only the retained records, which are not every candidate). */
  collect = true,
): Promise<void> {
  const { matcher, opts, filter, progress } = io;
  const src = st.src;
  const first = st.stats.reads === 0;
  st.stats.reads++;
  const startVersion = matcher.version;
  // Only a prefiltered read learns as it goes (an unfiltered one looks at everything anyway).
  const prefilter = fixed ? new LivePrefilter(matcher, fixed, startVersion) : undefined;
  const oldMarks = st.marks;
  const marks: { cv: number; locator: Locator }[] | undefined = prefilter ? [] : undefined;
  // Where reports go: in order, and those made later into the place kept for them.
  let into = io.reports;
  const ctx: ReadContext = {
    warn: (p) => {
      if (first) into.push({ warning: { ...p, source: src.name } });
    },
    fileFailed: (e) => {
      if (first) into.push({ skipped: { source: src.name, connector: src.connector.id, ...(e.file ? { file: e.file } : {}), ...(e.line ? { line: e.line } : {}), code: e.code, message: e.message, ...(e.recordsRead ? { recordsRead: true as const } : {}) } });
    },
    later: (p) => {
      // Awaited when the search is done; until then a failure must not count as unhandled.
      p.catch(() => undefined);
      if (!first) return;
      const slot: Report[] = [];
      const later = p.then((make) => () => {
        const before = into;
        into = slot;
        try {
          make();
        } finally {
          into = before;
        }
      });
      later.catch(() => undefined);
      into.push({ later, into: slot });
    },
    progress: (bytes) => progress({ bytesRead: bytes }),
    prefilter,
    validate: first,
    fileScope: (file, scope) => {
      st.fileScopes.set(file, scope ? compileScope(scope) : null);
    },
  };
  // What a prefiltered first read shows of the source's identifier kinds is
  // only what passed; any key learned later must then send it back for a look.
  if (first && prefilter) st.allKinds = true;

  // The candidates this read leaves: given back to the budget, and collected anew.
  io.budget.left += st.candidateBytes;
  st.candidateBytes = 0;
  st.candidates = undefined;
  let next: SourceRecord[] | undefined = collect && filter && io.budget.left > 0 ? [] : undefined;
  let nextBytes = 0;
  // Kept whole while it fits; else only the records that hold an anchor of a key known now. What
  // a byte prefilter let through holds one (or is one of its few false alarms): it is offered and
  // kept as it is; a read without one asks each record.
  let keepAll = whole && !fixed;
  const sifted = fixed !== undefined;
  const offer = (r: SourceRecord, candidate = sifted): void => {
    if (candidate || !filter || filter.mayMatch(r)) matcher.offer(src.index, r);
    if (next && (candidate || keepAll || filter!.mustKeep(r))) {
      nextBytes += estimateBytes(r);
      if (nextBytes > io.budget.left && keepAll) {
        // Too big to keep whole after all: the candidates only.
        keepAll = false;
        next = next.filter((x) => filter!.mustKeep(x));
        nextBytes = next.reduce((sum, x) => sum + estimateBytes(x), 0);
      }
      if (nextBytes > io.budget.left) next = undefined;
      else next.push(r);
    }
  };
  const place = (a: Locator, b: Locator): number => placeOf(st, a, b);
  let last: Locator | undefined;
  let mi = 0;

  let n = 0;
  const observe = first ? opts.onRecord : undefined;
  try {
    const it = src.connector.read({ name: src.name, path: src.path, baseDir: opts.baseDir, format: src.format, options: src.options }, ctx);
    for await (const record of it) {
      // A re-read goes only as far as the last read looked without the keys it is for.
      if (stop && st.ordered && place(record.locator, stop) >= 0) break;
      n++;
      checkScope(st, record);
      if (first) kindsOf(record, st.kinds);
      observe?.(src.index, record);
      if (last && place(last, record.locator) > 0) st.ordered = false;
      last = record.locator;
      marks?.push({ cv: prefilter!.version, locator: record.locator });
      if (merge) {
        while (mi < merge.length && place(merge[mi]!.locator, record.locator) < 0) offer(merge[mi++]!, true);
        // The same record, read again: the fresh one stands in for it.
        if (mi < merge.length && place(merge[mi]!.locator, record.locator) === 0) mi++;
      }
      offer(record);
      if ((n & 1023) === 0) progress({ records: n });
    }
  } catch (err) {
    if (!(err instanceof SourceReadError)) throw err;
    if (first) {
      into.push({ skipped: { source: src.name, connector: src.connector.id, ...(err.file ? { file: err.file } : {}), ...(err.line ? { line: err.line } : {}), code: err.code, message: err.message } });
    }
  }
  if (merge) while (mi < merge.length) offer(merge[mi++]!, true);
  if (first) {
    st.stats.records = n;
    st.scope = sourceScope(st);
  }
  progress({ records: n });
  st.whole = false;
  if (next && (st.ordered || keepAll)) {
    st.candidates = next;
    st.candidateBytes = nextBytes;
    io.budget.left -= nextBytes;
    st.whole = keepAll;
  }
  // What the reads looked at: this one up to where it stopped, the earlier one after that
  // (with every key this one was for, so at least what this one started with).
  if (marks && st.ordered && (!stop || oldMarks)) {
    if (stop && oldMarks) for (const m of oldMarks) if (place(m.locator, stop) >= 0) marks.push({ cv: Math.max(m.cv, startVersion), locator: m.locator });
    st.marks = marks;
  } else st.marks = undefined;
}
