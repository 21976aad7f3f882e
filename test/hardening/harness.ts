/**
 * Shared by the hardening tests of issue #8 points 4-6: running the built CLI
 * (`bin/ojco-dsar.js`) as a child process, a small pool so that two cores are
 * enough, the persona whose identifiers must never leak, hashing and walking
 * trees, and reading cases.db the way an auditor would.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BIN, ROOT } from '../cli/cli-helpers.ts';

export { BIN, ROOT, ensureBuilt } from '../cli/cli-helpers.ts';

export const CRASH_HOOK = path.join(import.meta.dirname, 'crash-hook.mjs');

export interface Run {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json: any;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Spawn with this umask (default 0, so every mode we see comes from the code, not from the umask). */
  umask?: number;
  /** Extra node flags, e.g. ['--import', CRASH_HOOK]. */
  nodeArgs?: string[];
  /** Kill the child with SIGKILL after this many ms. */
  killAfterMs?: number;
  timeoutMs?: number;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TZ: 'UTC', NO_COLOR: '1', USER: 'hardening-test' };
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
  else env[k] = v;
  return env;
}

/** Runs `node bin/ojco-dsar.js ...args` through `sh -c 'umask N; exec node ...'`. */
export function runCli(args: string[], opts: RunOptions): Promise<Run> {
  const umask = (opts.umask ?? 0).toString(8).padStart(3, '0');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('/bin/sh', ['-c', `umask ${umask}; exec "$0" "$@"`, process.execPath, ...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd,
      env: childEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const kill = opts.killAfterMs !== undefined ? setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs) : undefined;
    const guard = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (kill) clearTimeout(kill);
      clearTimeout(guard);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ args, code, signal, stdout, stderr, json, ms: Date.now() - started });
    });
  });
}

/** Runs the tasks at most `size` at a time, results in task order. */
export async function pool<T>(tasks: (() => Promise<T>)[], size = 2): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, tasks.length) }, worker));
  return results;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A private copy of fixtures/ (the config and every export it names). */
export function copyFixtures(dest: string): string {
  cpSync(path.join(ROOT, 'fixtures'), dest, { recursive: true });
  return path.join(dest, 'ojco-dsar.config.yaml');
}

// ------------------------------------------------------------------ the persona

/**
 * P3 Märta Öberg of docs/fixture-world.md: e-mail, phone, personnummer, name
 * and address, as given on the command line (mixed notations on purpose).
 */
export const PERSONA = {
  email: 'Marta.Oberg@Mail.Example',
  phone: '070-174 06 33',
  pnr: '19920728-9969',
  name: 'Märta Öberg',
  address: 'Södra Storgatan 7 lgh 1102, 252 23 Helsingborg',
  /** A value the persona gives in a rectification (her new address). */
  newEmail: 'marta.nyberg@mail.example',
  /** Her personnummer with a wrong check digit: an invalid value that must not be echoed either. */
  badPnr: '19920728-9968',
} as const;

export const PERSONA_FLAGS = ['--email', PERSONA.email, '--phone', PERSONA.phone, '--pnr', PERSONA.pnr, '--name', PERSONA.name, '--address', PERSONA.address];

/** Joins digits that are separated only by spaces, dashes or dots ("070-174 06 33" → "0701740633"). */
function joinDigits(text: string): string {
  return text.replace(/(\d)[ \u00a0\-–.]+(?=\d)/gu, '$1');
}

const FORMS: { form: string; test: (raw: string, lower: string, digits: string, folded: string) => boolean }[] = [
  { form: 'e-mail', test: (_r, l) => l.includes('marta.oberg@mail.example') },
  { form: 'new e-mail', test: (_r, l) => l.includes('marta.nyberg@mail.example') },
  { form: 'e-mail local part', test: (_r, l) => /(?<![a-z0-9])marta\.(?:oberg|nyberg)(?![a-z0-9])/u.test(l) },
  // E.164 +46701740633, 0046…, 46…, and the national forms 0701740633, 070-174 06 33, 070-1740633.
  { form: 'phone', test: (_r, _l, d) => /(?<![0-9a-z])(?:\+46|0046|46|0)?701740633(?![0-9a-z])/iu.test(d) },
  // 12 and 10 digits, with and without the dash; also the wrong-check-digit variant we gave.
  { form: 'personnummer', test: (_r, _l, d) => /(?<![0-9a-z])(?:19)?92072899(?:69|68)(?![0-9a-z])/iu.test(d) },
  { form: 'name', test: (_r, _l, _d, f) => /(?<![a-z])(?:marta|oberg)(?![a-z])/u.test(f) },
  { form: 'address', test: (_r, _l, d, f) => f.includes('storgatan 7') || /(?<![0-9a-z])25223(?![0-9a-z])/iu.test(d) },
];

/** Lower case without diacritics: "MÄRTA ÖBERG" → "marta oberg". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Which forms of the persona's identifiers occur in the text (empty when none). */
export function personalData(text: string): string[] {
  if (!text) return [];
  const lower = text.toLowerCase();
  const digits = joinDigits(text);
  const folded = fold(text);
  return FORMS.filter((f) => f.test(text, lower, digits, folded)).map((f) => f.form);
}

/** The lines of `text` that hold a persona identifier, for a readable failure. */
export function leakingLines(text: string): string[] {
  return text.split('\n').filter((l) => personalData(l).length > 0);
}

// ------------------------------------------------------------------ trees

export interface Entry {
  rel: string;
  type: 'file' | 'dir' | 'link';
  mode: number;
  size: number;
  mtimeMs: number;
  sha256?: string;
}

export function walk(root: string): Entry[] {
  const out: Entry[] = [];
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      const st = lstatSync(p);
      const rel = path.relative(root, p);
      if (st.isSymbolicLink()) out.push({ rel, type: 'link', mode: st.mode & 0o7777, size: st.size, mtimeMs: st.mtimeMs });
      else if (st.isDirectory()) {
        out.push({ rel, type: 'dir', mode: st.mode & 0o7777, size: 0, mtimeMs: st.mtimeMs });
        visit(p);
      } else out.push({ rel, type: 'file', mode: st.mode & 0o7777, size: st.size, mtimeMs: st.mtimeMs, sha256: createHash('sha256').update(readFileSync(p)).digest('hex') });
    }
  };
  visit(root);
  return out;
}

// ------------------------------------------------------------------ the store

/** Every row of every table of `<home>/cases.db`, read-only. */
export function dumpDb(home: string): Record<string, Record<string, unknown>[]> {
  const db = new Database(path.join(home, 'cases.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const t of tables) out[t] = db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[];
    return out;
  } finally {
    db.close();
  }
}
