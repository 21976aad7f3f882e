/**
 * Issue #8 point 6, on the built CLI: `erase` (with --case and a home, so it
 * writes a plan in three formats, records suppression entries and the
 * ledger, and attaches the files to the case) and the `case` commands that
 * change a case (open, verify-identity, extend, attach --copy, answer,
 * close, purge) are killed with SIGKILL at seeded random points, then run
 * again, and the result must equal an uninterrupted run.
 *
 * Where to kill: test/hardening/crash-hook.mjs numbers every operation that
 * changes the disk (fs writes, renames, syncs, SQLite statements including
 * BEGIN and COMMIT) and kills the process just before step N. The steps of a
 * command fall into segments, each ending where something changes on disk (a
 * COMMIT of a writing transaction, a file renamed into place, a file opened
 * for writing, bytes written, a folder made, a removal); a kill anywhere
 * inside one segment leaves the same state on disk. Each command is killed at
 * a seeded random point in one segment of each kind that matters (a commit,
 * a file put in place, a write to a file just opened, a removal, the creation
 * of the store, the rest of the run after its last write) and in at least two
 * segments (OJCO_TEST_CRASH_KILLS=99: in every segment, which reaches every
 * state a crash can leave; another OJCO_TEST_CRASH_SEED picks other points);
 * a command whose run ends with a write is also killed at exit; and `erase`
 * also after a seeded random delay.
 *
 * Right after each kill: the audit chain must verify as it is (read-only),
 * and no file may be half there under its final name. Then the command is
 * run again (erase with --force, since its plan file may exist; `case open`
 * as it is, with its --reference), and the home and the outputs must equal
 * those of the uninterrupted run, modulo timestamps, hashes over timestamps
 * and the trial's own folder name; `case verify` must pass; no temp file may
 * be left; files stay 0600 and folders 0700.
 *
 * Each step starts from a copy of the uninterrupted run's folder after the
 * step before, so files recorded by earlier steps keep their paths.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/store/audit.ts';
import { copyFixtures, CRASH_HOOK, dumpDb, ensureBuilt, PERSONA_FLAGS, pool, runCli, tempDir, walk, type Run } from './harness.ts';

const SEED = Number(process.env.OJCO_TEST_CRASH_SEED ?? 20260408);
const CASE = 'DSAR-2026-0001';
/** Seeded random segments killed per command (OJCO_TEST_CRASH_KILLS=99 kills in every segment). */
const KILLS_PER_COMMAND = Number(process.env.OJCO_TEST_CRASH_KILLS ?? 2);

/** mulberry32: a small seeded PRNG, so every run of the test kills at the same points. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Step {
  name: string;
  /** The command, for a run whose folder is `dir` (home in dir/home, cwd dir/work). */
  args: (dir: string) => string[];
  /** Killed in this test (the secret step only prepares the suppression list's key). */
  crash: boolean;
  /** The arguments of the run after a kill; undefined: do not run again. */
  resume?: (dir: string, killed: string) => string[] | undefined;
  /** Environment of its runs (OJCO_DSAR_TODAY for a date after the real today). */
  env?: Record<string, string>;
}

let T = '';
let SMALL = '';
let LETTER = '';
const rnd = prng(SEED);

function home(dir: string): string[] {
  return ['--home', path.join(dir, 'home')];
}

const STEPS: Step[] = [
  {
    name: 'case open',
    // With a reference, open is run again as it is: a case the kill left committed is found, not opened twice.
    args: (d) => ['case', 'open', '--type', 'access,erasure', ...PERSONA_FLAGS, '--received', '2026-03-02', '--channel', 'e-mail', '--reference', 'REQ-0001', ...home(d), '--config', SMALL, '--json'],
    crash: true,
  },
  { name: 'case verify-identity', args: (d) => ['case', 'verify-identity', CASE, '--method', 'bankid', '--on', '2026-03-03', ...home(d)], crash: true },
  { name: 'case extend', args: (d) => ['case', 'extend', CASE, '--reason', 'Four systems and six years of mail', '--as-of', '2026-03-10', ...home(d)], crash: true },
  { name: 'case attach --copy', args: (d) => ['case', 'attach', CASE, LETTER, '--copy', '--kind', 'reply', ...home(d)], crash: true },
  { name: 'the suppression key', args: (d) => ['erase', '--config', SMALL, ...PERSONA_FLAGS, ...home(d), '--as-of', '2026-04-01', '--dry-run', '--json'], crash: false },
  {
    name: 'erase --case',
    args: (d) => ['erase', '--config', SMALL, ...PERSONA_FLAGS, '--case', CASE, ...home(d), '--out', 'plans/erase.json', '--format', 'json,xlsx,html', '--as-of', '2026-04-01', '--json'],
    crash: true,
    // Its plan file may be there already: the command says to pass --force, and the plan is the same bytes.
    resume: (d) => [...STEPS[5]!.args(d), '--force'],
  },
  { name: 'case answer', args: (d) => ['case', 'answer', CASE, '--on', '2026-04-20', ...home(d), '--config', SMALL], crash: true },
  { name: 'case close', args: (d) => ['case', 'close', CASE, '--on', '2026-04-21', ...home(d)], crash: true },
  { name: 'case purge', args: (d) => ['case', 'purge', '--as-of', '2099-12-31', '--yes', ...home(d)], crash: true, env: { OJCO_DSAR_TODAY: '2099-12-31' } },
];

interface Reference {
  dir: string;
  run: Run;
  steps: number;
  labels: string[];
}
const refs: Reference[] = [];

interface Trial {
  step: number;
  how: string;
  dir: string;
  killed: Run;
  chainAfterKill: string[];
  /** Files under their final name right after the kill that are not what the uninterrupted run wrote there. */
  halfWritten: string[];
  resumed?: Run;
  verify?: Run;
}
const trials: Trial[] = [];
let seconds = 0;

/** The audit chain as the kill left it, read-only (no migration, no recovery by us). */
function chainProblems(dir: string): string[] {
  const file = path.join(dir, 'home', 'cases.db');
  if (!existsSync(file)) return [];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (!hasEvents) return [];
    return verifyChain(db).problems.map((p) => p.message);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // A database the kill left before its first page was written cannot be read yet; the next command sets it up.
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CANTOPEN') return [];
    return [`cannot read the database: ${String(e)}`];
  } finally {
    db?.close();
  }
}

/**
 * The segments of a run: each ends where something changed on disk, so that
 * a kill anywhere inside one leaves the same state on disk. Boundaries: the
 * COMMIT of a transaction that wrote, the rename of a finished file (or a
 * copy), opening a file for writing and writing to it, the end of a group of
 * folder or removal operations; in a fresh home also the creation of the
 * database (its file, WAL mode, the schema table). Read-only transactions and
 * repeated mkdirs of a folder that is there are not boundaries.
 */
interface Segment {
  from: number;
  to: number;
  /**
   * What happened at its end: commit, file (renamed or copied into place), dir, rm, db, open (a file
   * opened for writing) or write (bytes written to it), or end (the rest of the run). A kill in a write
   * segment falls between opening a file and writing it: where a file written in place would be empty.
   */
  kind: string;
}

function segments(labels: string[], fresh: boolean): Segment[] {
  const kinds: (string | undefined)[] = [];
  let writing = false;
  let inTx = false;
  labels.forEach((l, i) => {
    let kind: string | undefined;
    if (l.startsWith('sql:BEGIN')) {
      writing = false;
      inTx = true;
    } else if (l === 'sql:COMMIT') {
      if (writing) kind = 'commit';
      writing = false;
      inTx = false;
    } else if (l.startsWith('sql:') || l.startsWith('exec:')) {
      if (!/^sql:(SAVEPOINT|RELEASE)/u.test(l)) writing = true;
      if (!inTx && fresh) kind = 'db';
    } else if (l.startsWith('pragma:journal_mode')) {
      if (fresh) kind = 'db';
    } else if (/^(rename|copyFile|cp):/u.test(l)) kind = 'file';
    else if (/^(rm|rmdir|unlink):/u.test(l)) kind = 'rm';
    else if (/^(open|createWriteStream):/u.test(l)) kind = 'open';
    else if (/^(handle\.(write|writeFile|writev|appendFile)$|(write|writev):fd$|(writeFile|appendFile):)/u.test(l)) kind = 'write';
    else if (/^(mkdir|chmod):/u.test(l)) kind = labels.slice(0, i).includes(l) ? undefined : 'dir';
    kinds.push(kind);
  });
  const out: Segment[] = [];
  let start = 1;
  for (let n = 1; n <= labels.length; n++) {
    const k = kinds[n - 1];
    const grouped = k === 'dir' || k === 'rm' || k === 'db';
    if (k && (!grouped || kinds[n] !== k)) {
      out.push({ from: start, to: n, kind: k });
      start = n + 1;
    }
  }
  if (start <= labels.length) out.push({ from: start, to: labels.length, kind: 'end' });
  return out;
}

/** The kinds of segment every command is killed in, when its run has one. */
const FORCED_KINDS = new Set(['commit', 'file', 'write', 'rm', 'db', 'end']);

/**
 * The segments to kill in, chosen with the seeded PRNG: one of each kind in
 * FORCED_KINDS (so every sort of step that matters, a commit, a file put in
 * place, bytes written to a file just opened, a removal, the creation of the
 * store, and the end of the run, is crossed by some kill), then more at
 * random up to `k` (all of them with OJCO_TEST_CRASH_KILLS=99).
 */
function choose(items: Segment[], k: number): Segment[] {
  const pick = (from: Segment[]): Segment => from[Math.floor(rnd() * from.length)]!;
  const out: Segment[] = [];
  for (const kind of [...new Set(items.map((x) => x.kind))].filter((k) => FORCED_KINDS.has(k))) out.push(pick(items.filter((x) => x.kind === kind)));
  const rest = items.filter((x) => !out.includes(x));
  while (rest.length > 0 && out.length < k) out.push(rest.splice(Math.floor(rnd() * rest.length), 1)[0]!);
  return out.sort((a, b) => a.from - b.from);
}

/**
 * Right after a kill: every file under its final name (not a temp file) that
 * the uninterrupted run also wrote must be complete, byte for byte (a
 * manifest: the same document, its times aside); a file may be missing, it
 * may not be half there.
 */
function halfWritten(dir: string, ref: string): string[] {
  const bad: string[] = [];
  const want = new Map(stateOfFiles(ref).map((f) => [f.rel, JSON.stringify({ ...f, mode: undefined })]));
  for (const f of stateOfFiles(dir)) {
    if (f.type !== 'file' || /\.tmp$/u.test(f.rel) || !want.has(f.rel)) continue;
    if (JSON.stringify({ ...f, mode: undefined }) !== want.get(f.rel)) bad.push(f.rel);
  }
  return bad;
}

function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const sub of ['home', 'work']) if (existsSync(path.join(from, sub))) cpSync(path.join(from, sub), path.join(to, sub), { recursive: true, preserveTimestamps: true });
  mkdirSync(path.join(to, 'work'), { recursive: true, mode: 0o700 });
}

// Times, hashes over times (the chain), and the per-case HMACs (a case opened again has a new key).
const DROP = new Set(['at', 'created_at', 'updated_at', 'added_at', 'applied_at', 'mac', 'key', 'writtenAt', 'createdAt', 'updatedAt', 'addedAt']);
const EVENT_DROP = new Set([...DROP, 'hash', 'prev_hash']);

/** A value with what legitimately differs between two runs taken out, and the run's own folder named <DIR>. */
function cleaner(dir: string): (v: unknown, drop?: Set<string>) => unknown {
  const root = (v: string): string => v.split(dir).join('<DIR>');
  const clean = (v: unknown, drop: Set<string> = DROP): unknown => {
    if (typeof v === 'string') {
      if (v.startsWith('{') || v.startsWith('[')) {
        try {
          return clean(JSON.parse(v), drop);
        } catch {
          // not JSON
        }
      }
      return root(v);
    }
    if (Buffer.isBuffer(v)) return '<bytes>';
    if (Array.isArray(v)) return v.map((x) => clean(x, drop));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (!drop.has(k)) o[k] = clean(x, drop);
      return o;
    }
    return v;
  };
  return clean;
}

/** The files of a folder's home and outputs: path, mode, and sha256 (a manifest: its document, cleaned). */
function stateOfFiles(dir: string): { rel: string; type: string; mode: string; sha256?: string; manifest?: unknown }[] {
  const clean = cleaner(dir);
  return [...(existsSync(path.join(dir, 'home')) ? walk(path.join(dir, 'home')).map((e) => ({ ...e, rel: `home/${e.rel}` })) : []), ...(existsSync(path.join(dir, 'work')) ? walk(path.join(dir, 'work')).map((e) => ({ ...e, rel: `work/${e.rel}` })) : [])]
    .filter((e) => !/^home\/cases\.db(-wal|-shm|-journal)?$/u.test(e.rel))
    .map((e) => {
      const f: { rel: string; type: string; mode: string; sha256?: string; manifest?: unknown } = { rel: e.rel, type: e.type, mode: e.mode.toString(8) };
      if (e.type === 'file') {
        if (/manifest-.*\.json$/u.test(e.rel)) {
          let m: Record<string, unknown>;
          try {
            m = clean(JSON.parse(readFileSync(path.join(dir, e.rel), 'utf8')), EVENT_DROP) as Record<string, unknown>;
          } catch {
            m = { unreadable: e.sha256 };
          }
          delete (m.chainHead as Record<string, unknown> | null | undefined)?.hash;
          f.manifest = m;
        } else f.sha256 = e.sha256;
      }
      return f;
    });
}

/** A folder's home (every table of cases.db) and outputs, cleaned as above. */
function state(dir: string): unknown {
  const clean = cleaner(dir);
  const db = existsSync(path.join(dir, 'home', 'cases.db')) ? dumpDb(path.join(dir, 'home')) : {};
  const tables: Record<string, unknown> = {};
  for (const [t, rows] of Object.entries(db)) {
    if (t === 'meta') {
      tables[t] = rows.map((r) => ({ key: r.key, value: String(r.value).split(' ')[0] }));
      continue;
    }
    tables[t] = rows.map((r) => {
      const c = clean(r, t === 'events' ? EVENT_DROP : DROP) as Record<string, unknown>;
      // A manifest holds the times of the events it lists, so its own sha256 differs between runs.
      if (t === 'manifests') delete c.sha256;
      if (t === 'events' && r.type === 'manifest-written') delete (c.payload as Record<string, unknown>).sha256;
      return c;
    });
  }
  return { tables, files: stateOfFiles(dir) };
}

beforeAll(async () => {
  await ensureBuilt();
  const started = Date.now();
  T = tempDir('ojco-dsar-crash-');
  const fixtures = path.join(T, 'inputs', 'fixtures');
  copyFixtures(fixtures);
  // Four sources are enough to get every kind of action (delete, anonymise, retain, suppress) and keep each run short.
  SMALL = path.join(fixtures, 'crash.config.yaml');
  writeFileSync(
    SMALL,
    ['fiscalYearStart: "01-01"', 'staffDomains: [ojco.example]', 'sources:', ...['lime-api lime lime/api', 'spiris-api visma visma/api', 'sie visma visma/sie', 'nyhetsbrev newsletter newsletter/nyhetsbrev'].flatMap((s) => {
      const [name, connector, p] = s.split(' ');
      return [`  - name: ${name}`, `    connector: ${connector}`, `    path: ${p}`];
    })].join('\n') + '\n',
  );
  LETTER = path.join(T, 'inputs', 'reply-letter.txt');
  writeFileSync(LETTER, 'Svar på begäran om registerutdrag.\n'.repeat(2000));

  // The uninterrupted run, one folder per step, each counted by the hook.
  let prev: string | undefined;
  for (const [i, s] of STEPS.entries()) {
    const dir = path.join(T, `ref-${i}`);
    if (prev) copyDir(prev, dir);
    else mkdirSync(path.join(dir, 'work'), { recursive: true, mode: 0o700 });
    const countFile = path.join(T, `count-${i}.json`);
    const run = await runCli(s.args(dir), { cwd: path.join(dir, 'work'), nodeArgs: ['--import', CRASH_HOOK], env: { ...s.env, OJCO_TEST_CRASH_COUNT: countFile } });
    expect(run.code, `${s.name}: ${run.stderr}`).toBe(0);
    const { steps, labels } = JSON.parse(readFileSync(countFile, 'utf8')) as { steps: number; labels: string[] };
    refs.push({ dir, run, steps, labels });
    prev = dir;
  }

  // The kills: one seeded random point in every segment, and for erase a few seeded random delays.
  const plan: { step: number; how: string; at?: number; afterMs?: number }[] = [];
  for (const [i, s] of STEPS.entries()) {
    if (!s.crash) continue;
    const segs = segments(refs[i]!.labels, i === 0);
    for (const { from: a, to: b } of choose(segs, KILLS_PER_COMMAND)) {
      const at = a + Math.floor(rnd() * (b - a + 1));
      plan.push({ step: i, how: `before step ${at}/${refs[i]!.steps} (${refs[i]!.labels[at - 1]})`, at });
    }
    // A run that ends with a write is also killed after it, at exit: it did everything but could not say so,
    // and the officer runs it again.
    if (segs[segs.length - 1]?.kind !== 'end') plan.push({ step: i, how: `at exit, after step ${refs[i]!.steps}/${refs[i]!.steps}`, at: refs[i]!.steps + 1 });
  }
  const erase = STEPS.findIndex((s) => s.name === 'erase --case');
  for (let k = 0; k < 1; k++) {
    const ms = Math.round(150 + rnd() * Math.max(200, refs[erase]!.run.ms - 150));
    plan.push({ step: erase, how: `after ${ms} ms`, afterMs: ms });
  }

  await pool(
    plan.map((p, n) => async () => {
      const s = STEPS[p.step]!;
      const dir = path.join(T, `trial-${n}`);
      if (p.step > 0) copyDir(refs[p.step - 1]!.dir, dir);
      else mkdirSync(path.join(dir, 'work'), { recursive: true, mode: 0o700 });
      const cwd = path.join(dir, 'work');
      const killed = await runCli(s.args(dir), {
        cwd,
        ...(s.env ? { env: s.env } : {}),
        ...(p.at !== undefined ? { nodeArgs: ['--import', CRASH_HOOK], env: { ...s.env, OJCO_TEST_CRASH_AT: String(p.at) } } : {}),
        ...(p.afterMs !== undefined ? { killAfterMs: p.afterMs } : {}),
      });
      const trial: Trial = { step: p.step, how: p.how, dir, killed, chainAfterKill: chainProblems(dir), halfWritten: halfWritten(dir, refs[p.step]!.dir) };
      const again = s.resume ? s.resume(dir, dir) : s.args(dir);
      if (again) trial.resumed = await runCli(again, { cwd, ...(s.env ? { env: s.env } : {}) });
      trial.verify = await runCli(['case', 'verify', ...home(dir), '--json'], { cwd });
      trials.push(trial);
    }),
  );
  trials.sort((a, b) => a.step - b.step || a.how.localeCompare(b.how));
  seconds = (Date.now() - started) / 1000;
  if (process.env.OJCO_TEST_KEEP) {
    writeFileSync(path.join(T, 'trials.txt'), trials.map((t) => `${STEPS[t.step]!.name} killed ${t.how}: ${t.killed.signal ?? t.killed.code}; again: ${t.resumed?.code ?? '-'}; verify: ${t.verify?.code}`).join('\n') + '\n');
    console.log(`crash trials in ${T}: ${trials.length} kills, ${seconds.toFixed(1)} s`);
  }
}, 600_000);

afterAll(() => {
  // OJCO_TEST_KEEP=1 keeps the trials' folders (and trials.txt) for a look.
  if (!process.env.OJCO_TEST_KEEP && T) rmSync(T, { recursive: true, force: true });
});

describe('killed with SIGKILL at any point and run again, a command gives what an uninterrupted run gives (issue #8 point 6)', () => {
  it('killed every command at seeded points in distinct segments of its run', () => {
    for (const [i, s] of STEPS.entries()) {
      if (!s.crash) continue;
      const mine = trials.filter((t) => t.step === i);
      const segs = segments(refs[i]!.labels, i === 0);
      expect(mine.length, s.name).toBeGreaterThanOrEqual(Math.min(Math.max(KILLS_PER_COMMAND, new Set(segs.map((x) => x.kind).filter((k) => FORCED_KINDS.has(k))).size), segs.length));
      expect(mine.length, s.name).toBeGreaterThanOrEqual(2);
      // The hook killed it (SIGKILL), not something else; a point past the end of the run cannot happen.
      for (const t of mine.filter((x) => !x.how.startsWith('after'))) expect(t.killed.signal, `${s.name} ${t.how}: exit ${t.killed.code} ${t.killed.stderr}`).toBe('SIGKILL');
    }
    expect(refs.find((r) => r.run.args[0] === 'erase' && !r.run.args.includes('--dry-run'))!.labels.filter((l) => l === 'sql:INSERT INTO attachments').length).toBe(3);
  });

  it('right after each kill: the audit chain verifies, and no file is half-written under its final name', () => {
    const bad = trials.filter((t) => t.chainAfterKill.length > 0).map((t) => `${STEPS[t.step]!.name} killed ${t.how}: ${t.chainAfterKill.join('; ')}`);
    expect(bad).toEqual([]);
    const half = trials.filter((t) => t.halfWritten.length > 0).map((t) => `${STEPS[t.step]!.name} killed ${t.how}: ${t.halfWritten.join(', ')}`);
    expect(half).toEqual([]);
  });

  it('run again, each gives the same home, case and outputs as the uninterrupted run', () => {
    const bad: string[] = [];
    for (const t of trials) {
      const s = STEPS[t.step]!;
      const label = `${s.name} killed ${t.how}`;
      if (t.resumed && t.resumed.code !== 0 && t.resumed.code !== 2) bad.push(`${label}: run again, exit ${t.resumed.code}: ${t.resumed.stderr.slice(0, 500)}`);
      const want = JSON.stringify(state(refs[t.step]!.dir), null, 1);
      const got = JSON.stringify(state(t.dir), null, 1);
      if (got !== want) bad.push(`${label}: differs from the uninterrupted run${t.resumed ? ` (run again: exit ${t.resumed.code} ${t.resumed.stderr.slice(0, 300)})` : ''}\n${firstDifference(want, got)}`);
    }
    expect(bad).toEqual([]);
  });

  it('case verify passes on every store afterwards', () => {
    const bad = trials.filter((t) => t.verify?.code !== 0 || t.verify.json?.ok !== true).map((t) => `${STEPS[t.step]!.name} killed ${t.how}: exit ${t.verify?.code} ${JSON.stringify(t.verify?.json?.problems ?? t.verify?.stderr)}`);
    expect(bad).toEqual([]);
  });

  it('no temp file is left, and files stay 0600 and folders 0700', () => {
    const bad: string[] = [];
    for (const t of trials) {
      for (const e of [...walk(path.join(t.dir, 'home')), ...walk(path.join(t.dir, 'work')).filter((x) => x.rel !== '')]) {
        if (/\.tmp$/u.test(e.rel)) bad.push(`${STEPS[t.step]!.name} killed ${t.how}: temp file ${e.rel}`);
        if (e.type === 'dir' ? e.mode !== 0o700 : e.mode !== 0o600) bad.push(`${STEPS[t.step]!.name} killed ${t.how}: ${e.rel} is ${e.mode.toString(8)}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `  line ${i + 1}:\n  - ${x.slice(Math.max(0, i - 3), i + 4).join('\n    ')}\n  + ${y.slice(Math.max(0, i - 3), i + 4).join('\n    ')}`;
  }
  return '';
}
