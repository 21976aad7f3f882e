/**
 * Running the built CLI (`node bin/ojco-dsar.js ...`) in tests. `npm test`
 * builds first (pretest); when vitest is run directly, `ensureBuilt` builds
 * once if dist/ is missing or older than src/ or connectors/ (a lock keeps parallel test
 * files from building at the same time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync, statSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'ojco-dsar.js');
const DIST_MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const LOCK = path.join(os.tmpdir(), `ojco-dsar-test-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function stale(): boolean {
  if (!existsSync(DIST_MAIN)) return true;
  const built = statSync(path.join(ROOT, 'dist', 'src', 'store', 'cases.js'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  // The connectors are built into dist/ too: a change to one alone must rebuild.
  const newest = Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'connectors')));
  return built === 0 || newest > Math.min(built, statSync(DIST_MAIN).mtimeMs);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function ensureBuilt(): Promise<void> {
  if (!stale()) return;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build');
      await sleep(250);
    }
  }
  try {
    if (!stale()) return;
    // Other sessions' work-in-progress may not type-check; tsc still emits, which is all we need here.
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(DIST_MAIN)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmdirSync(LOCK);
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, OJCO_DSAR_HOME: undefined, TZ: 'UTC' };
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

function parse(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}

/** Runs the CLI synchronously. */
export function cli(args: string[], opts: RunOptions): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: baseEnv(opts.env), encoding: 'utf8', input: opts.input ?? '' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parse(r.stdout) };
}

/** Runs the CLI as a child process without waiting (for concurrency tests). */
export function cliAsync(args: string[], opts: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: baseEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: parse(stdout) }));
  });
}

export function tempDir(prefix = 'ojco-dsar-case-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A config in `dir` whose one source is read by a module connector that
 * leaves `read-happened` beside its file when it is read: a test of what a
 * command refuses before the search sees that it never read.
 */
export function spyConfig(dir: string): { config: string; marker: string } {
  writeFileSync(
    path.join(dir, 'spy.mjs'),
    `import { writeFileSync } from 'node:fs';
import path from 'node:path';
export default function spy({ z }) {
  return {
    id: 'spy',
    title: 'Spy',
    formats: [{ id: 'txt', title: 'Text', description: 'any file', extensions: ['txt'] }],
    optionsSchema: z.object({}).strict(),
    describe: () => ({ entities: [{ entity: 'row', title: 'Row', category: 'customer', fields: [] }] }),
    detect: () => ({ format: 'txt', confidence: 0.9 }),
    check: async () => [],
    async *read(input) {
      writeFileSync(path.join(path.dirname(input.path), 'read-happened'), 'x');
    },
  };
}
`,
  );
  writeFileSync(path.join(dir, 'data.txt'), 'x\n');
  const config = path.join(dir, 'spy.config.yaml');
  writeFileSync(config, 'sources:\n  - name: spy\n    connector: ./spy.mjs\n    path: data.txt\n');
  return { config, marker: path.join(dir, 'read-happened') };
}
