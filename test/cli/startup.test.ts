/**
 * Issue #7 "lazy loading, so that `--help` does not load exceljs": the
 * commands import their heavy dependencies when they run, not when the
 * program is built. A module hook records every module the process resolves.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from './cli-helpers.ts';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

function loaded(args: string[]): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-startup-'));
  const trace = path.join(dir, 'trace.txt');
  writeFileSync(trace, '');
  writeFileSync(
    path.join(dir, 'hook.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.OJCO_TRACE_FILE, r.url + '\\n');
  return r;
}
`,
  );
  writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hook.mjs')).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href, BIN, ...args], { encoding: 'utf8', env: { ...process.env, OJCO_TRACE_FILE: trace, NO_COLOR: '1' } });
  expect(r.status).toBe(0);
  return readFileSync(trace, 'utf8').split('\n').filter(Boolean);
}

const HEAVY = ['exceljs', 'better-sqlite3', 'libphonenumber-js', 'csv-parse', '@inquirer', 'yaml', 'zod', 'ora'];

describe('startup', () => {
  it('--help and --version load none of the heavy dependencies', () => {
    for (const args of [['--help'], ['--version'], ['find', '--help'], ['case', '--help'], ['batch', '--help']]) {
      const urls = loaded(args);
      // The hook sees the CLI's own modules, so an empty trace would mean the test measures nothing.
      expect(urls.some((u) => u.includes('/dist/src/cli/main.js')), args.join(' ')).toBe(true);
      for (const dep of HEAVY) expect(urls.filter((u) => u.includes(`/node_modules/${dep}`)), `${args.join(' ')}: ${dep}`).toEqual([]);
    }
  });

  it('the hook does see a heavy dependency when a command needs it', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-startup-home-'));
    const urls = loaded(['case', 'list', '--home', home, '--json']);
    expect(urls.some((u) => u.includes('/node_modules/better-sqlite3/'))).toBe(true);
  });
});
