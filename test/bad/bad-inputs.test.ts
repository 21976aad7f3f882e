/**
 * The bad-input corpus of issue #8 (fixtures/bad/cases.yaml), run through the
 * built CLI: for every case, `find --json` must exit with the expected code,
 * name every file it could not read (with its line where there is one) in a
 * message that matches, still find the good source's record (and the records
 * of a bad file read up to its damage, or read in an odd encoding), print no
 * stack trace and no personal data, and stay within bounded memory (peak RSS
 * of the child process) and time. Inputs are hashed before and after.
 *
 * The large and hostile files are generated into a temporary folder first
 * (scripts/fixtures/bad.mjs); nothing large is committed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bad from '../../scripts/fixtures/bad.mjs';
import type { BadCase, ExpectedRecord } from '../../scripts/fixtures/bad.mjs';
import { BIN, ensureBuilt, ROOT } from '../cli/cli-helpers.ts';

const manifest = bad.loadManifest();
const PEAK_RSS_HOOK = path.join(import.meta.dirname, 'peak-rss.mjs');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

let tmp = '';
let gen = '';
const hashesBefore = new Map<string, string>();

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json: any;
  seconds: number;
  peakRssMiB: number | undefined;
  timedOut: boolean;
}

/** uid and gid of an unprivileged user, from /etc/passwd. */
function userIds(name: string): { uid: number; gid: number } {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return { uid: 65534, gid: 65534 };
}

function runCase(c: BadCase, config: string, cwd: string): Promise<Run> {
  const limits = { ...manifest.limits, ...(c.limits ?? {}) };
  const rssFile = path.join(cwd, 'peak-rss.json');
  // Root reads a mode-000 file anyway. Dropping root's DAC capabilities (setpriv, util-linux) makes the
  // permission bits count while the child can still read the checkout, wherever it is cloned (a
  // mktemp folder is 0700, so another user could not even load the CLI); without setpriv, another user.
  const dropCaps = !!c.asUser && isRoot && SETPRIV !== undefined;
  const asUser = c.asUser && isRoot && !dropCaps ? userIds(c.asUser) : undefined;
  const args = ['--import', PEAK_RSS_HOOK, BIN, 'find', '--config', config, '--email', manifest.persona.email, '--json'];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const [cmd, argv] = dropCaps ? [SETPRIV!, ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(cmd, argv, {
      cwd,
      env: { PATH: process.env.PATH, HOME: cwd, TZ: 'UTC', NO_COLOR: '1', OJCO_TEST_PEAK_RSS: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asUser ?? {}),
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.seconds * 1000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      let peakRssMiB: number | undefined;
      try {
        peakRssMiB = JSON.parse(readFileSync(rssFile, 'utf8')).peakRssKiB / 1024;
      } catch {
        peakRssMiB = undefined;
      }
      resolve({ code, signal, stdout, stderr, json, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMiB, timedOut });
    });
  });
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Content hash, with the mode and mtime, of every input; a file we may not read is described by its metadata. */
async function fingerprint(file: string): Promise<string> {
  const st = statSync(file);
  const meta = `${st.size}:${st.mode}:${st.mtimeMs}`;
  try {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    return `${meta}:${h.digest('hex')}`;
  } catch {
    return `${meta}:unreadable`;
  }
}

function inputFiles(): string[] {
  return [...listFiles(bad.BAD), ...listFiles(path.join(ROOT, 'fixtures', 'newsletter', 'nyhetsbrev')), ...listFiles(gen)].sort();
}

/** Does a record match an expectation? Fields are compared as given (a subset). */
function matches(r: any, e: ExpectedRecord): boolean {
  if (r.source !== e.source || r.locator?.file !== e.file) return false;
  if (e.line !== undefined && r.locator.line !== e.line) return false;
  if (e.pointer !== undefined && r.locator.pointer !== e.pointer) return false;
  for (const [k, v] of Object.entries(e.fields ?? {})) if (r.fields?.[k] !== v) return false;
  return true;
}

/** The persona's identifiers found in a text (case-insensitively). */
function personalDataIn(text: string): string[] {
  const t = text.toLowerCase();
  return manifest.persona.identifiers.filter((id) => t.includes(id.toLowerCase()));
}

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/mu;

beforeAll(async () => {
  await ensureBuilt();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-bad-'));
  gen = path.join(tmp, 'gen');
  mkdirSync(gen);
  bad.writeGenerated(gen);
  if (isRoot) {
    // The case that runs as an unprivileged user must reach its config and files.
    for (const d of [tmp, gen, ...readdirSync(gen).map((n) => path.join(gen, n))]) chmodSync(d, 0o755);
  }
  for (const f of inputFiles()) hashesBefore.set(f, await fingerprint(f));
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the committed corpus', () => {
  it('is what scripts/fixtures/bad.mjs writes, byte for byte, and stays small', () => {
    const files = bad.smallFiles();
    let total = 0;
    for (const [rel, data] of Object.entries(files)) {
      const p = path.join(bad.BAD, rel);
      expect(readFileSync(p).equals(data), `${rel} differs from the generator (run node scripts/fixtures/bad.mjs)`).toBe(true);
      total += data.length;
    }
    const committed = listFiles(bad.BAD).map((p) => path.relative(bad.BAD, p).split(path.sep).join('/'));
    const known = new Set([...Object.keys(files), 'cases.yaml', 'README.md', '.gitattributes']);
    expect(committed.filter((f) => !known.has(f))).toEqual([]);
    expect(total).toBeLessThan(1024 * 1024);
  });

  it('has a case for every committed input, and every case a good source and an expectation for each of its sources', () => {
    const used = new Set(manifest.cases.flatMap((c) => c.sources.map((s) => s.path.split('/').slice(0, 2).join('/'))));
    for (const rel of Object.keys(bad.smallFiles())) expect(used.has(`bad/${rel.split('/')[0]}`), `${rel} is in no case`).toBe(true);
    for (const c of manifest.cases) {
      const names = c.sources.map((s) => s.name);
      expect(new Set(names).size, `${c.id}: source names repeat`).toBe(names.length);
      expect(names).not.toContain(manifest.good.name);
      if (c.exit === 3) for (const n of names) expect(c.skipped.some((s) => s.source === n), `${c.id}: no expected skip for source ${n}`).toBe(true);
    }
  });
});

describe('find on every bad input (fixtures/bad/cases.yaml)', () => {
  for (const c of manifest.cases) {
    const limits = { ...manifest.limits, ...(c.limits ?? {}) };
    it(
      `${c.id}: exit ${c.exit}${c.skipped.length ? `, ${[...new Set(c.skipped.map((s) => s.code))].join(', ')}` : ''}`,
      async () => {
        const dir = path.join(tmp, 'runs', c.id);
        const config = bad.prepareRunDir(dir, manifest, c, gen);
        if (isRoot) chmodSync(path.join(tmp, 'runs'), 0o755);
        if (isRoot) chmodSync(dir, 0o777);
        const r = await runCase(c, config, dir);
        const context = `case ${c.id}\n--- stderr\n${r.stderr.slice(0, 2000)}\n--- stdout\n${r.stdout.slice(0, 2000)}`;

        // Bounded time and memory, then the contract.
        expect(r.timedOut, `did not finish within ${limits.seconds} s\n${context}`).toBe(false);
        expect(r.peakRssMiB, `peak RSS not measured\n${context}`).toBeDefined();
        expect(r.peakRssMiB!, `peak RSS ${r.peakRssMiB?.toFixed(0)} MiB over ${limits.rssMiB} MiB`).toBeLessThan(limits.rssMiB);
        expect(r.code, context).toBe(c.exit);
        expect(r.json, `stdout is not one JSON document\n${context}`).toBeDefined();

        // Never a stack trace, never personal data on stderr.
        expect(r.stderr).not.toMatch(STACK_FRAME);
        expect(r.stderr).not.toMatch(/internal error|This is a bug/u);
        expect(personalDataIn(r.stderr)).toEqual([]);

        // Every file that could not be read is named, with its line where expected, and a message that says why.
        const skipped = r.json.skipped as { source: string; file?: string; line?: number; code: string; message: string }[];
        const key = (s: { source: string; file?: string; code: string }): string => `${s.source} ${s.file} ${s.code}`;
        expect(skipped.map(key).sort(), context).toEqual(c.skipped.map(key).sort());
        for (const e of c.skipped) {
          const s = skipped.find((x) => key(x) === key(e))!;
          expect(s.line, `${key(e)}: line`).toBe(e.line);
          expect(s.message, key(e)).toMatch(new RegExp(e.message, 'u'));
        }
        for (const s of skipped) {
          expect(s.file, `${s.source} ${s.code}: no file named`).toBeTruthy();
          expect(personalDataIn(s.message), `personal data in the message of ${key(s)}`).toEqual([]);
        }
        const warnings = r.json.warnings as { source: string; file?: string; line?: number; code: string; message: string }[];
        for (const w of warnings) expect(personalDataIn(w.message), `personal data in the warning ${key(w)}`).toEqual([]);
        for (const e of c.warnings ?? []) {
          const w = warnings.find((x) => key(x) === key(e));
          expect(w, `warning ${key(e)} missing; warnings: ${JSON.stringify(warnings)}`).toBeDefined();
          expect(w!.line, `${key(e)}: line`).toBe(e.line);
          expect(w!.message, key(e)).toMatch(new RegExp(e.message, 'u'));
        }

        // The other sources are still searched; what a bad file held before its damage (or in its odd encoding) is found.
        const records = r.json.records as any[];
        expect(
          records.some((x) => x.source === manifest.good.name && x.locator.file === manifest.good.finds && x.confidence === 'exact'),
          `the good source's record was not found\n${context}`,
        ).toBe(true);
        for (const e of c.found ?? []) {
          expect(
            records.some((x) => matches(x, e)),
            `not found: ${JSON.stringify(e)}\nfound: ${JSON.stringify(records.filter((x) => x.source === e.source).map((x) => [x.locator, x.fields]))}`,
          ).toBe(true);
        }
      },
      limits.seconds * 1000 + 60_000,
    );
  }

  it('leaves every input file as it was (content, mode and mtime)', async () => {
    const after = new Map<string, string>();
    for (const f of inputFiles()) after.set(f, await fingerprint(f));
    expect([...after.keys()]).toEqual([...hashesBefore.keys()]);
    const changed = [...hashesBefore].filter(([f, h]) => after.get(f) !== h).map(([f]) => path.relative(tmp, f));
    // The same files, so nothing was written next to the inputs either (no extracted ZIP entry, no temp file).
    expect(changed).toEqual([]);
  }, 120_000);
});
