#!/usr/bin/env node
// The bench of issue #7: ojco-dsar against DuckDB on a generated corpus.
//
//   npm run bench -- [--size 1GB] [--runs 5] [--skip-duckdb] [--only find|batch|duckdb|help]
//   npm run bench -- --rss-flatness [--runs 3]
//
// Generates the corpus if it is missing, then runs every lookup of the tool and
// of DuckDB alternately (A, B, A, B, … N times), measures wall time, peak RSS
// and records found, checks both sides against each other and against the
// corpus's ground truth, prints a table with the issue's targets, and writes
// bench/results/<timestamp>.json. See bench/README.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, parseSize, GENERATOR_VERSION } from './generate.js';
import { DUCKDB_FILES, compare, expected, ridOf } from './lib/truth.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const flag = (n) => argv.includes(`--${n}`);
const opt = (n, d) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : d;
};
if (flag('help') || flag('h')) {
  process.stdout.write(`node bench/run.js [options]    (npm run bench -- [options])

  --size S          corpus size: 100MB, 1GB, … (default 1GB); generated into bench/corpus/<S>/ if missing
  --runs N          alternating runs per lookup (default 5); medians are over these
  --skip-duckdb     run the tool only
  --only WHAT       find | batch | duckdb | help: only those rows (duckdb = the DuckDB side of find and batch)
  --rss-flatness    peak RSS of one find at 100MB and at 1GB (target: <= 256 MB, flat within 15%)
  --help-runs N     runs of \`ojco-dsar --help\` (default 20)
  --seed N          corpus seed (default 20250512)
  --bin PATH        the CLI to measure (default bin/ojco-dsar.js of this checkout)
  --regenerate      generate the corpus even if it exists
  --snapshot        copy the built tool (bin, dist, register, package.json) aside first and measure that copy,
                    so that a rebuild of dist/ during a long run cannot change what is measured
  --keep-outputs    keep the batch output folders (bench/results/tmp-*)
  --timeout S       kill a run after S seconds and report it as "> S s" (default: no limit)
`);
  process.exit(0);
}
const SIZE = parseSize(opt('size', '1GB'));
const RUNS = Math.max(1, Number(opt('runs', flag('rss-flatness') ? 3 : 5)));
const HELP_RUNS = Math.max(1, Number(opt('help-runs', 20)));
const SEED = Number(opt('seed', 20250512));
const ONLY = opt('only');
if (ONLY && !['find', 'batch', 'duckdb', 'help'].includes(ONLY)) fail(`--only must be find, batch, duckdb or help, not "${ONLY}"`);
const SKIP_DUCKDB = flag('skip-duckdb');
let BIN = path.resolve(root, opt('bin', 'bin/ojco-dsar.js'));
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const AS_OF = '2025-06-02';
const TIMEOUT_MS = Number(opt('timeout', 0)) * 1000;

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
const log = (m) => process.stderr.write(m + '\n');

// ---------------------------------------------------------------- setup

function ensureDuckdb() {
  if (fs.existsSync(path.join(here, 'node_modules', '@duckdb', 'node-api', 'package.json'))) return;
  const lock = fs.existsSync(path.join(here, 'package-lock.json'));
  log(`Installing the bench's own dependency @duckdb/node-api (npm ${lock ? 'ci' : 'install'} --prefix bench)…`);
  const r = spawnSync('npm', [lock ? 'ci' : 'install', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit', cwd: here });
  if (r.status !== 0) fail('could not install @duckdb/node-api; run `npm ci --prefix bench`, or pass --skip-duckdb');
}

function ensureBuilt() {
  if (!fs.existsSync(BIN)) fail(`no CLI at ${BIN}`);
  if (BIN === path.join(root, 'bin', 'ojco-dsar.js') && !fs.existsSync(path.join(root, 'dist', 'src', 'cli', 'main.js'))) fail('ojco-dsar is not built: run `npm ci` (or `npm run build`) at the repository root first');
}

/** A private copy of the built CLI; node_modules is linked, not copied. */
function snapshot(resultsDir, stamp) {
  const dir = path.join(resultsDir, `snapshot-${stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const x of ['package.json', 'bin', 'dist', 'register']) fs.cpSync(path.join(root, x), path.join(dir, x), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

async function ensureCorpus(size) {
  const dir = path.join(here, 'corpus', size.label);
  const mf = path.join(dir, 'manifest.json');
  if (!flag('regenerate') && fs.existsSync(mf)) {
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    if (m.generator === GENERATOR_VERSION && m.seed === SEED && m.targetBytes === size.bytes) return { dir, manifest: m, generatedMs: 0 };
    log(`The corpus in ${path.relative(root, dir)} is from another generator version or seed: generating it again.`);
  }
  const t = performance.now();
  const manifest = await generate({ size: size.label, seed: SEED, out: dir });
  return { dir, manifest, generatedMs: Math.round(performance.now() - t) };
}

/** Read every corpus file once so that every run, the first included, finds it in the page cache. */
function warm(dir) {
  const t = performance.now();
  let bytes = 0;
  const buf = Buffer.allocUnsafe(1 << 20);
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else {
        const fd = fs.openSync(f, 'r');
        let n;
        while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) bytes += n;
        fs.closeSync(fd);
      }
    }
  };
  walk(dir);
  return { bytes, ms: Math.round(performance.now() - t) };
}

// ---------------------------------------------------------------- measuring

/** Runs a command; wall time from spawn to exit, peak RSS of the child (GNU time -v, or a --import hook). */
function measure(cmd, args, { cwd = root, env = {} } = {}) {
  return new Promise((resolve) => {
    const rssFile = path.join(os.tmpdir(), `ojco-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
    let file = cmd;
    let fargs = args;
    const childEnv = { ...process.env, NO_COLOR: '1', ...env };
    if (TIME) {
      file = TIME;
      fargs = ['-v', '-o', rssFile, cmd, ...args];
    } else if (cmd === process.execPath) {
      fargs = ['--import', new URL('./lib/maxrss.js', import.meta.url).href, ...args];
      childEnv.BENCH_RSS_FILE = rssFile;
    }
    const t = performance.now();
    const child = spawn(file, fargs, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    const timer = TIMEOUT_MS
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }, TIMEOUT_MS)
      : undefined;
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      const ms = performance.now() - t;
      let rssKb;
      try {
        const txt = fs.readFileSync(rssFile, 'utf8');
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(txt);
        rssKb = m ? Number(m[1]) : Number(txt.trim()) || undefined;
        const status = /Exit status: (\d+)/.exec(txt);
        if (status) code = Number(status[1]);
        fs.rmSync(rssFile, { force: true });
      } catch {
        /* no RSS */
      }
      resolve({ ms, rssKb, code: timedOut ? 'timeout' : code, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return undefined;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------- the lookups

function toolFindArgs(configFile, kind, value) {
  return [BIN, 'find', '--config', configFile, `--${kind}`, value, '--json'];
}

function parseFind(r) {
  const j = JSON.parse(r.stdout);
  const rids = new Set(j.records.map(ridOf));
  const by = { exact: 0, probable: 0, possible: 0 };
  for (const x of j.records) by[x.confidence] = (by[x.confidence] ?? 0) + 1;
  return { rids, by, skipped: j.skipped?.length ?? 0, sources: j.summary?.sources };
}

function parseBatchOutputs(outDir, manifest, n) {
  const perSid = new Map();
  const by = { exact: 0, probable: 0, possible: 0 };
  for (const sid of manifest.requests[n].subjects) {
    const dir = path.join(outDir, `R-${sid}`);
    const rids = new Set();
    if (fs.existsSync(dir)) {
      for (const f of fs.readdirSync(dir).filter((x) => /\.json$/.test(x))) {
        const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
        for (const rec of j.records ?? []) {
          rids.add(ridOf(rec));
          by[rec.confidence] = (by[rec.confidence] ?? 0) + 1;
        }
      }
    }
    perSid.set(sid, rids);
  }
  return { perSid, by };
}

async function batchAvailable() {
  const r = await measure(process.execPath, [BIN, 'batch', '--help']);
  return r.code === 0 && /Usage: ojco-dsar batch/.test(r.stdout);
}

function fmtMs(ms) {
  if (ms === undefined) return '—';
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
const fmtMb = (kb) => (kb === undefined ? '—' : `${Math.round(kb / 1024)} MB`);
const fmtRate = (bytes, ms) => (ms ? `${(bytes / 1e6 / (ms / 1000)).toFixed(1)}` : '—');

function table(rows) {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join('  ');
  return [line(rows[0]), w.map((x) => '-'.repeat(x)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function machine() {
  const cpus = os.cpus();
  let commit = '';
  let dirty = false;
  try {
    commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
    dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'connectors', 'bin'], { cwd: root, encoding: 'utf8' }).stdout.trim().length > 0;
  } catch {
    /* not a git checkout */
  }
  return { cpus: cpus.length, cpu: cpus[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, commit, dirtyWorkingTree: dirty };
}

// ---------------------------------------------------------------- rss flatness

async function rssFlatness() {
  const sizes = [parseSize('100MB'), parseSize('1GB')];
  const corpora = [];
  for (const s of sizes) corpora.push({ size: s, ...(await ensureCorpus(s)) });
  for (const c of corpora) warm(c.dir);
  const load = [os.loadavg()];
  const samples = corpora.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, c] of corpora.entries()) {
      const s = c.manifest.subjects.find((x) => x.sid === c.manifest.benchSubject);
      const r = await measure(process.execPath, toolFindArgs(path.join(c.dir, c.manifest.config), 'email', s.given.email));
      if (r.code !== 0 && r.code !== 3) log(`find failed (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
      samples[k].push({ ms: r.ms, rssKb: r.rssKb, code: r.code });
      log(`  ${c.size.label} run ${i + 1}: ${fmtMs(r.ms)}, peak RSS ${fmtMb(r.rssKb)}`);
    }
  }
  load.push(os.loadavg());
  const rows = corpora.map((c, k) => ({ size: c.size.label, bytes: c.manifest.totalBytes, medianMs: median(samples[k].map((x) => x.ms)), medianRssKb: median(samples[k].map((x) => x.rssKb)), maxRssKb: Math.max(...samples[k].map((x) => x.rssKb)), samples: samples[k] }));
  const [a, b] = rows;
  const growth = b.medianRssKb / a.medianRssKb - 1;
  const result = {
    mode: 'rss-flatness',
    when: new Date().toISOString(),
    machine: machine(),
    loadavg: { start: load[0], end: load[1] },
    runs: RUNS,
    rows,
    targets: [
      { target: 'peak RSS <= 256 MB on the 1 GB corpus', value: `${fmtMb(b.medianRssKb)} (median), ${fmtMb(b.maxRssKb)} (max)`, met: b.maxRssKb <= 256 * 1024, by: `${(((b.maxRssKb / 1024) / 256 - 1) * 100).toFixed(0)}%` },
      { target: 'peak RSS flat within 15% from 100 MB to 1 GB', value: `${(growth * 100).toFixed(1)}%`, met: Math.abs(growth) <= 0.15 },
    ],
  };
  const txt = [
    `RSS flatness: one find by e-mail (${RUNS} runs each, alternating)`,
    table([['corpus', 'MB', 'median wall', 'median peak RSS', 'max peak RSS'], ...rows.map((r) => [r.size, (r.bytes / 1e6).toFixed(0), fmtMs(r.medianMs), fmtMb(r.medianRssKb), fmtMb(r.maxRssKb)])]),
    '',
    ...result.targets.map((t) => `${t.met ? 'MET   ' : 'MISSED'}  ${t.target}: ${t.value}${!t.met && t.by ? ` (over by ${t.by})` : ''}`),
    `load average at start ${load[0].map((x) => x.toFixed(2)).join(' ')}, at end ${load[1].map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cores)`,
  ].join('\n');
  return { result, txt };
}

// ---------------------------------------------------------------- main

async function main() {
  const started = new Date();
  const mach = machine();
  const resultsDir = path.join(here, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  ensureBuilt();
  let snapshotDir;
  if (flag('snapshot')) {
    snapshotDir = snapshot(resultsDir, started.toISOString().replace(/[:.]/g, '-'));
    BIN = path.join(snapshotDir, 'bin', 'ojco-dsar.js');
    log(`Measuring a snapshot of the built tool: ${path.relative(root, snapshotDir)}`);
  }
  const wantDuck = !SKIP_DUCKDB && ONLY !== 'help' && !flag('rss-flatness');
  if (wantDuck) ensureDuckdb();

  if (flag('rss-flatness')) {
    const { result, txt } = await rssFlatness();
    const file = path.join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}-rss-flatness.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`${txt}\nresults: ${path.relative(root, file)}\n`);
    return;
  }

  const { dir, manifest, generatedMs } = await ensureCorpus(SIZE);
  const cfg = path.join(dir, manifest.config);
  const cfgDuckFiles = path.join(dir, manifest.duckdbConfig);
  const subject = manifest.subjects.find((s) => s.sid === manifest.benchSubject);
  const subjects = new Map(manifest.subjects.map((s) => [s.sid, s]));
  const corpusBytes = manifest.totalBytes;
  const duckBytes = manifest.files.filter((f) => DUCKDB_FILES.has(f.source)).reduce((a, f) => a + f.bytes, 0);
  const warmed = warm(dir);
  log(`Corpus ${SIZE.label}: ${(corpusBytes / 1e6).toFixed(1)} MB in ${manifest.files.reduce((a, f) => a + f.files, 0)} files (read once to warm the page cache: ${(warmed.bytes / 1e6 / (warmed.ms / 1000)).toFixed(0)} MB/s)`);

  const loadStart = os.loadavg();
  const doTool = ONLY !== 'duckdb' && ONLY !== 'help';
  const doDuck = wantDuck;
  const doFind = !ONLY || ONLY === 'find' || ONLY === 'duckdb';
  const doBatch = !ONLY || ONLY === 'batch' || ONLY === 'duckdb';
  const doHelp = !ONLY || ONLY === 'help';
  const hasBatch = doBatch && doTool ? await batchAvailable() : false;
  if (doBatch && doTool && !hasBatch) log('`ojco-dsar batch` is not available in this build: its rows are reported as "not available".');

  const duckScript = path.join(here, 'lib', 'duckdb-lookup.js');
  const rows = [];
  if (doFind) {
    for (const kind of ['email', 'phone', 'pnr', 'name']) {
      rows.push({
        id: `find --${kind}`,
        group: 'find',
        kinds: [kind],
        value: subject.given[kind],
        tool: doTool ? () => measure(process.execPath, toolFindArgs(cfg, kind, subject.given[kind])) : undefined,
        duck: doDuck ? () => measure(process.execPath, [duckScript, '--corpus', dir, '--kind', kind, '--value', subject.given[kind]]) : undefined,
      });
    }
    if (doTool && doDuck) {
      rows.push({
        id: 'find --email (DuckDB\'s files only)',
        group: 'find-fair',
        kinds: ['email'],
        value: subject.given.email,
        bytes: duckBytes,
        tool: () => measure(process.execPath, toolFindArgs(cfgDuckFiles, 'email', subject.given.email)),
      });
    }
  }
  const tmpRoot = path.join(resultsDir, `tmp-${process.pid}`);
  if (doBatch) {
    for (const n of [10, 1000]) {
      const req = manifest.requests[n];
      if (!req) continue;
      let k = 0;
      rows.push({
        id: `batch ${req.subjects.length}`,
        group: 'batch',
        n,
        tool: doTool && hasBatch
          ? async () => {
              const out = path.join(tmpRoot, `batch-${n}-${k++}`);
              fs.rmSync(out, { recursive: true, force: true });
              const r = await measure(process.execPath, [BIN, 'batch', path.join(dir, req.file), '--config', cfg, '--out', out, '--as-of', AS_OF, '--format', 'json', '--json']);
              r.outDir = out;
              return r;
            }
          : undefined,
        toolUnavailable: doTool && !hasBatch,
        duck: doDuck ? () => measure(process.execPath, [duckScript, '--corpus', dir, '--requests', path.join(dir, req.file)]) : undefined,
      });
    }
  }

  // A, B, A, B …: every lookup's tool run is followed by its DuckDB run, N times over.
  for (const row of rows) Object.assign(row, { toolRuns: [], duckRuns: [] });
  for (let i = 0; i < RUNS; i++) {
    for (const row of rows) {
      if (row.tool) {
        const r = await row.tool();
        const ok = r.code === 0 || r.code === 3;
        if (!ok) log(`  ${row.id}: ojco-dsar exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`);
        row.toolRuns.push({ ms: r.ms, rssKb: r.rssKb, code: r.code, ...(r.timedOut ? { timedOut: true } : {}) });
        if (i === 0 && ok) {
          try {
            if (row.group === 'batch') {
              row.toolParsed = parseBatchOutputs(r.outDir, manifest, row.n);
              row.toolSummary = JSON.parse(r.stdout).summary;
            } else row.toolParsed = parseFind(r);
          } catch (e) {
            row.toolError = `could not read the tool's output: ${e.message}`;
          }
        }
        if (r.outDir && !flag('keep-outputs')) fs.rmSync(r.outDir, { recursive: true, force: true });
        log(`  run ${i + 1}/${RUNS}  ${row.id.padEnd(36)} ojco-dsar ${fmtMs(r.ms).padStart(8)}  ${fmtMb(r.rssKb).padStart(7)}  exit ${r.code}`);
      }
      if (row.duck) {
        const r = await row.duck();
        row.duckRuns.push({ ms: r.ms, rssKb: r.rssKb, code: r.code, ...(r.timedOut ? { timedOut: true } : {}) });
        if (r.code !== 0) log(`  ${row.id}: DuckDB side exited ${r.code}: ${r.stderr.slice(0, 400)}`);
        else if (i === 0) {
          const j = JSON.parse(r.stdout);
          row.duckParsed = j;
        }
        if (r.code === 0) row.duckInner = [...(row.duckInner ?? []), JSON.parse(r.stdout).ms];
        log(`  run ${i + 1}/${RUNS}  ${row.id.padEnd(36)} DuckDB    ${fmtMs(r.ms).padStart(8)}  ${fmtMb(r.rssKb).padStart(7)}  exit ${r.code}`);
      }
    }
  }
  if (!flag('keep-outputs')) fs.rmSync(tmpRoot, { recursive: true, force: true });

  // --help start time: median of HELP_RUNS, with bare `node -e 0` for scale.
  let help;
  if (doHelp && ONLY !== 'duckdb') {
    const h = [];
    const base = [];
    for (let i = 0; i < HELP_RUNS; i++) {
      const t = performance.now();
      spawnSync(process.execPath, [BIN, '--help'], { stdio: 'ignore' });
      h.push(performance.now() - t);
      const t2 = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      base.push(performance.now() - t2);
    }
    help = { runs: HELP_RUNS, medianMs: median(h), minMs: Math.min(...h), nodeBaselineMedianMs: median(base), samplesMs: h.map((x) => Math.round(x)) };
  }
  const loadEnd = os.loadavg();

  // ---------------------------------------------------------------- results
  const out = [];
  for (const row of rows) {
    const tMs = median(row.toolRuns.map((x) => x.ms));
    const dMs = median(row.duckRuns.map((x) => x.ms));
    const bytes = row.bytes ?? corpusBytes;
    const r = {
      lookup: row.id,
      value: row.group === 'batch' ? `${manifest.requests[row.n].file}` : row.value,
      tool: row.toolRuns.length ? { medianMs: Math.round(tmsOr(tMs)), mbPerS: Number(fmtRate(bytes, tMs)), peakRssKb: median(row.toolRuns.map((x) => x.rssKb)), maxRssKb: Math.max(...row.toolRuns.map((x) => x.rssKb ?? 0)), runsMs: row.toolRuns.map((x) => Math.round(x.ms)), timedOut: row.toolRuns.filter((x) => x.timedOut).length, exitCodes: [...new Set(row.toolRuns.map((x) => x.code))] } : row.toolUnavailable ? 'not available' : undefined,
      duckdb: row.duckRuns.length ? { medianMs: Math.round(dMs), innerMedianMs: median(row.duckInner ?? []), mbPerS: Number(fmtRate(corpusBytes, dMs)), mbPerSOfFilesRead: Number(fmtRate(duckBytes, dMs)), peakRssKb: median(row.duckRuns.map((x) => x.rssKb)), runsMs: row.duckRuns.map((x) => Math.round(x.ms)), timedOut: row.duckRuns.filter((x) => x.timedOut).length, perSource: row.duckParsed?.perSource } : undefined,
      ratio: row.toolRuns.length && row.duckRuns.length ? tMs / dMs : undefined,
      bytes,
    };
    // Agreement with each other and with the ground truth.
    if (row.group === 'find' || row.group === 'find-fair') {
      // The like-for-like row reads only DuckDB's files: its ground truth is the subject's records in them.
      const only = (xs) => (row.group === 'find-fair' ? xs.filter((r) => DUCKDB_FILES.has(r.f)) : xs);
      const exp = expected({ ...subject, records: only(subject.records), namesakes: only(subject.namesakes) }, row.kinds);
      const duckRids = row.duckParsed ? new Set(row.duckParsed.matches.map((m) => m.rid)) : undefined;
      r.found = { tool: row.toolParsed ? { total: row.toolParsed.rids.size, ...row.toolParsed.by } : undefined, duckdb: duckRids?.size };
      r.check = compare(exp, row.toolParsed?.rids, duckRids);
      if (row.toolError) r.check.toolError = row.toolError;
    } else if (row.group === 'batch') {
      const req = manifest.requests[row.n];
      const duckBy = new Map();
      for (const m of row.duckParsed?.matches ?? []) {
        const sid = m.sid.replace(/^R-/, '');
        if (!duckBy.has(sid)) duckBy.set(sid, new Set());
        duckBy.get(sid).add(m.rid);
      }
      const agg = { subjects: req.subjects.length, expectedDirect: 0, expectedDirectInDuckdbFiles: 0, expectedReachable: 0, subjectRecords: 0, tool: row.toolParsed ? { found: 0, direct: 0, own: 0, reachable: 0, foreign: 0, missedDirect: 0, missedReachable: 0, missedReachableSample: [], missedOwn: 0 } : undefined, duckdb: row.duckParsed ? { found: 0, direct: 0, foreign: 0, missedDirect: 0 } : undefined, agreeSubjects: 0, disagree: [] };
      for (const sid of req.subjects) {
        const s = subjects.get(sid);
        const exp = expected(s, req.kinds[sid], { batch: true });
        const c = compare(exp, row.toolParsed?.perSid.get(sid), row.duckParsed ? duckBy.get(sid) ?? new Set() : undefined);
        agg.expectedDirect += c.expectedDirect;
        agg.expectedDirectInDuckdbFiles += c.expectedDirectInDuckdbFiles;
        agg.subjectRecords += c.subjectRecords;
        agg.expectedReachable += c.expectedReachable;
        if (c.tool) for (const k of ['found', 'direct', 'own', 'reachable', 'foreign']) agg.tool[k] += c.tool[k];
        if (c.tool) agg.tool.missedReachable += c.tool.missedReachable.length;
        if (c.tool) for (const rid of c.tool.missedReachable) if (agg.tool.missedReachableSample.length < 40) agg.tool.missedReachableSample.push({ sid, rid });
        if (c.tool) agg.tool.missedDirect += c.tool.missedDirect.length;
        if (c.tool) agg.tool.missedOwn += c.tool.missedOwn.length;
        if (c.duckdb) for (const k of ['found', 'direct', 'foreign']) agg.duckdb[k] += c.duckdb[k];
        if (c.duckdb) agg.duckdb.missedDirect += c.duckdb.missedDirect.length;
        if (c.agree) agg.agreeSubjects++;
        else if (c.agree === false && agg.disagree.length < 20) agg.disagree.push({ sid, onlyTool: c.onlyTool, onlyDuckdb: c.onlyDuckdb });
      }
      r.found = { tool: row.toolParsed ? { total: agg.tool.found, ...row.toolParsed.by } : undefined, duckdb: agg.duckdb?.found };
      r.check = agg;
      if (row.toolError) r.check.toolError = row.toolError;
    }
    out.push(r);
  }

  const agreeText = (r) => {
    const c = r.check;
    if (!c) return '—';
    if (r.lookup.startsWith('batch')) {
      if (!c.tool || !c.duckdb) return '—';
      return c.agreeSubjects === c.subjects ? `yes (${c.subjects}/${c.subjects})` : `no (${c.agreeSubjects}/${c.subjects})`;
    }
    if (c.agree === undefined) return '—';
    return c.agree ? 'yes' : `no (only tool ${c.onlyTool.length}, only DuckDB ${c.onlyDuckdb.length})`;
  };
  const foundText = (f, side) => {
    if (!f || f[side] === undefined) return '—';
    if (side === 'tool') return `${f.tool.total} (${f.tool.exact}/${f.tool.probable}/${f.tool.possible})`;
    return String(f.duckdb);
  };
  const head = ['lookup', 'ojco-dsar', 'DuckDB', 'ratio', 'MB/s tool', 'MB/s DuckDB', 'RSS tool', 'RSS DuckDB', 'found tool (e/p/p)', 'found DuckDB', 'agree?'];
  const body = out.map((r) => [
    r.lookup,
    r.tool === 'not available' ? 'not available' : `${r.tool?.timedOut ? '>= ' : ''}${fmtMs(r.tool?.medianMs)}`,
    `${r.duckdb?.timedOut ? '>= ' : ''}${fmtMs(r.duckdb?.medianMs)}`,
    r.ratio ? `${r.ratio.toFixed(2)}x` : '—',
    r.tool?.mbPerS ?? '—',
    r.duckdb?.mbPerS ?? '—',
    fmtMb(typeof r.tool === 'object' ? r.tool.peakRssKb : undefined),
    fmtMb(r.duckdb?.peakRssKb),
    foundText(r.found, 'tool'),
    foundText(r.found, 'duckdb'),
    agreeText(r),
  ]);

  // Targets of issue #7.
  const targets = [];
  const find = out.filter((r) => r.lookup.startsWith('find --') && !r.lookup.includes('only'));
  for (const r of find) {
    if (r.ratio === undefined) continue;
    targets.push({ target: `${r.lookup}: median <= 1.0x DuckDB (goal 0.5x)`, value: `${r.ratio.toFixed(2)}x`, met: r.ratio <= 1.0, goal: r.ratio <= 0.5, by: r.ratio > 1 ? `${((r.ratio - 1) * 100).toFixed(0)}% over (${fmtMs(r.tool.medianMs - r.duckdb.medianMs)} slower)` : undefined });
  }
  const b10 = out.find((r) => r.lookup === 'batch 10');
  const b1000 = out.find((r) => r.lookup === 'batch 1000');
  if (b1000?.ratio !== undefined) targets.push({ target: 'batch 1000: median <= 1.5x DuckDB\'s hash join (goal 1.0x)', value: `${b1000.ratio.toFixed(2)}x`, met: b1000.ratio <= 1.5, goal: b1000.ratio <= 1.0, by: b1000.ratio > 1.5 ? `${((b1000.ratio / 1.5 - 1) * 100).toFixed(0)}% over the 1.5x limit` : undefined });
  if (typeof b1000?.tool === 'object' && typeof b10?.tool === 'object') {
    const x = b1000.tool.medianMs / b10.tool.medianMs;
    targets.push({ target: 'batch 1000 <= 1.2x batch 10 (cost does not grow with people)', value: `${x.toFixed(2)}x`, met: x <= 1.2, by: x > 1.2 ? `${((x / 1.2 - 1) * 100).toFixed(0)}% over` : undefined });
  }
  if (b1000?.tool === 'not available') targets.push({ target: 'batch targets', value: 'not available: `ojco-dsar batch` is not in this build', met: null });
  const measured = out.filter((r) => typeof r.tool === 'object');
  if (measured.length) {
    const applies = SIZE.bytes >= 1e9;
    // Over every lookup (the target), then for the one-subject lookups and the batches apart, so that the
    // table shows which of them keep to it.
    const groups = [
      ['', measured],
      [' (one subject: find)', measured.filter((r) => !r.lookup.startsWith('batch'))],
      [' (batches)', measured.filter((r) => r.lookup.startsWith('batch'))],
    ];
    for (const [what, rowsOf] of groups) {
      if (rowsOf.length === 0 || (what && rowsOf.length === measured.length)) continue;
      const mx = Math.max(...rowsOf.map((r) => r.tool.maxRssKb));
      targets.push({ target: `peak RSS <= 256 MB on the 1 GB corpus${what}${applies ? '' : ` (this run is ${SIZE.label}: indicative only)`}`, value: fmtMb(mx), met: mx <= 256 * 1024, by: mx > 256 * 1024 ? `${((mx / 1024 / 256 - 1) * 100).toFixed(0)}% over` : undefined, indicative: !applies });
    }
  }
  if (help) targets.push({ target: '`ojco-dsar --help` median <= 150 ms', value: fmtMs(help.medianMs), met: help.medianMs <= 150, by: help.medianMs > 150 ? `${Math.round(help.medianMs - 150)} ms over` : undefined });

  const result = {
    when: started.toISOString(),
    size: SIZE.label,
    corpus: { dir: path.relative(root, dir), bytes: corpusBytes, bytesDuckdbReads: duckBytes, files: manifest.files, generatedMs, seed: manifest.seed, generator: manifest.generator, warmReadMBps: Math.round(warmed.bytes / 1e6 / (warmed.ms / 1000)) },
    runs: RUNS,
    machine: mach,
    loadavg: { start: loadStart, end: loadEnd },
    duckdb: doDuck ? { version: out.find((r) => r.duckdb)?.duckdb && rows.find((r) => r.duckParsed)?.duckParsed.version, threads: 2, notRead: rows.find((r) => r.duckParsed)?.duckParsed.notRead } : 'skipped',
    tool: { bin: path.relative(root, BIN), snapshot: Boolean(snapshotDir), batch: doBatch && doTool ? (hasBatch ? 'available' : 'not available') : 'not run' },
    benchSubject: { sid: subject.sid, given: subject.given, records: subject.records.length },
    rows: out,
    help,
    targets,
    notes: [
      'Wall time is from spawning the process to its exit (Node start-up included, on both sides); peak RSS is the child process\'s maximum resident set size' + (TIME ? ' (GNU time -v).' : ' (process.resourceUsage().maxRSS).'),
      'MB/s = corpus bytes / median wall time, for both sides; DuckDB does not read the SIE file (CP437) or the XLSX (no excel extension offline): mbPerSOfFilesRead uses the bytes it reads.',
      "The row \"find --email (DuckDB's files only)\" runs the tool on the same files DuckDB reads: that is the like-for-like ratio.",
      'Records: the tool\'s exact+probable+possible (find) or the extracts\' records (batch: exact and probable; possible matches are left out of a batch\'s extracts), against DuckDB\'s matches. agree? compares them on the direct subset: records that carry the looked-up identifier (in a field or in free text) in files DuckDB reads. The tool also follows links (customer number, GA client id, …) and finds records DuckDB\'s plain lookup cannot: see check.tool.own.',
      'batch runs with --format json --as-of ' + AS_OF + ' into a fresh folder each run.',
    ],
  };
  const file = path.join(resultsDir, `${started.toISOString().replace(/[:.]/g, '-')}-${SIZE.label}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  // Every record id each side found, per lookup and subject: for checking results afterwards.
  const records = {};
  for (const row of rows) {
    const tool = row.toolParsed ? (row.toolParsed.perSid ? Object.fromEntries([...row.toolParsed.perSid].map(([k, v]) => [k, [...v]])) : { [subject.sid]: [...row.toolParsed.rids] }) : undefined;
    const duckdb = row.duckParsed ? {} : undefined;
    for (const m of row.duckParsed?.matches ?? []) (duckdb[m.sid === 'subject' ? subject.sid : m.sid.replace(/^R-/, '')] ??= []).push(m.rid);
    records[row.id] = { tool, duckdb };
  }
  fs.writeFileSync(file.replace(/\.json$/, '-records.json'), JSON.stringify(records) + '\n');

  const lines = [];
  lines.push(`ojco-dsar bench, ${SIZE.label} corpus (${(corpusBytes / 1e6).toFixed(1)} MB; DuckDB reads ${(duckBytes / 1e6).toFixed(1)} MB of it), medians of ${RUNS} alternating runs`);
  lines.push(`machine: ${result.machine.cpus} cores (${result.machine.cpu}), node ${process.version}; load average at start ${loadStart.map((x) => x.toFixed(2)).join(' ')}, at end ${loadEnd.map((x) => x.toFixed(2)).join(' ')}`);
  lines.push('');
  if (body.length) lines.push(table([head, ...body]));
  if (help) lines.push('', `ojco-dsar --help: median ${fmtMs(help.medianMs)} over ${help.runs} runs (min ${fmtMs(help.minMs)}; bare \`node -e 0\`: ${fmtMs(help.nodeBaselineMedianMs)})`);
  lines.push('', 'Targets (issue #7):');
  for (const t of targets) lines.push(`  ${t.met === null ? 'N/A   ' : t.indicative ? (t.met ? 'ok*   ' : 'over* ') : t.met ? 'MET   ' : 'MISSED'}  ${t.target}: ${t.value}${t.goal ? ' (goal met too)' : ''}${t.by ? ` — ${t.by}` : ''}`);
  const details = out.filter((r) => r.check);
  if (details.length) {
    lines.push('', 'Ground truth (manifest) per lookup:');
    for (const r of details) {
      const c = r.check;
      const tl = c.tool
        ? `tool ${c.tool.direct}/${c.expectedDirect} direct, ${c.tool.reachable}/${c.expectedReachable} reachable through links (of ${c.subjectRecords} records of the subject${r.lookup.startsWith('batch') ? 's' : ''}), ${c.tool.foreign} foreign${c.tool.namesakes ? `, ${c.tool.namesakes} namesake` : ''}`
        : 'tool —';
      const dl = c.duckdb ? `DuckDB ${c.duckdb.direct}/${c.expectedDirectInDuckdbFiles} direct in its files, ${c.duckdb.foreign} foreign` : 'DuckDB —';
      lines.push(`  ${r.lookup}: ${tl}; ${dl}`);
      if (c.tool?.missedDirect?.length && Array.isArray(c.tool.missedDirect)) lines.push(`      tool missed (direct): ${c.tool.missedDirect.slice(0, 8).join(', ')}`);
      if (Array.isArray(c.tool?.missedReachable) && c.tool.missedReachable.length) lines.push(`      tool missed (reachable): ${c.tool.missedReachable.slice(0, 8).join(', ')}`);
      if (c.tool?.missedReachableSample?.length) lines.push(`      tool missed (reachable): ${c.tool.missedReachableSample.slice(0, 8).map((x) => `${x.sid} ${x.rid}`).join(', ')}`);
      if (c.duckdb?.missedDirect?.length && Array.isArray(c.duckdb.missedDirect)) lines.push(`      DuckDB missed: ${c.duckdb.missedDirect.slice(0, 8).join(', ')}`);
      if (c.toolError) lines.push(`      ${c.toolError}`);
    }
  }
  if (doDuck && result.duckdb.notRead) {
    lines.push('', 'DuckDB cannot read (excluded from its side):');
    for (const n of result.duckdb.notRead) lines.push(`  ${n.path}: ${n.reason}`);
  }
  lines.push('', `results: ${path.relative(root, file)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function tmsOr(x) {
  return x ?? 0;
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
