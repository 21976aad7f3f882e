/**
 * Issue #6 point 4: the exit codes and --json shapes of every command are in
 * its --help, with examples, and in the README. The command tree is walked
 * from the program itself, so a new command or subcommand without them fails
 * here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { ExitCode } from '../../src/errors.ts';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

/** Every command path below the program: ['find'], ['case', 'open'], ... (commander's implicit `help` left out). */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const sub of cmd.commands) {
    if (sub.name() === 'help') continue;
    const p = [...prefix, sub.name()];
    paths.push(p, ...commandPaths(sub, p));
  }
  return paths;
}

const KNOWN_CODES = new Set<number>(Object.values(ExitCode));

/** The codes listed in the help's "Exit codes:" block. */
function exitCodesIn(help: string): number[] {
  const block = help.slice(help.lastIndexOf('Exit codes:'));
  return [...block.matchAll(/^ {2}(\d+) {2,}\S/gmu)].map((m) => Number(m[1]));
}

let cwd: string;

beforeAll(async () => {
  await ensureBuilt();
  cwd = tempDir('ojco-dsar-help-');
});

describe('--help of every command', () => {
  const paths = commandPaths(buildProgram());

  it('finds the whole tree, groups and their subcommands included', () => {
    const names = paths.map((p) => p.join(' '));
    for (const n of ['find', 'export', 'batch', 'check', 'init', 'connectors', 'erase', 'sweep', 'ledger list', 'ledger hold', 'deadline', 'case open', 'case purge', 'case export']) {
      expect(names).toContain(n);
    }
  });

  it.each([[[] as string[]], ...paths.map((p) => [p])])('ojco-dsar %s --help has an "Exit codes" block, a JSON (--json) shape and an example', (p) => {
    const r = cli([...p, '--help'], { cwd });
    const what = ['ojco-dsar', ...p].join(' ');
    expect(r.code, what).toBe(0);
    expect(r.stdout, what).toContain('Exit codes:');
    expect(r.stdout, what).toContain('JSON (--json)');
    expect(r.stdout, what).toMatch(/^Examples?( \(.*\))?:$/mu);
    // An example of this very command.
    expect(r.stdout, what).toContain(['ojco-dsar', ...p].join(' ') + (p.length ? ' ' : ''));
    const codes = exitCodesIn(r.stdout);
    expect(codes, what).toContain(0);
    expect(codes, what).toContain(2);
    expect(codes, what).toContain(70);
    for (const c of codes) expect(KNOWN_CODES.has(c), `${what}: exit code ${c} is not in src/errors.ts`).toBe(true);
  });

  // The README's table of which command can end with which code; a command's --help lists its own.
  it.each([
    ['find', [0, 2, 3, 70]],
    ['export', [0, 2, 3, 70]],
    ['batch', [0, 2, 3, 70]],
    ['init', [0, 2, 70]],
    ['connectors', [0, 2, 70]],
    ['check', [0, 1, 2, 70]],
  ])('ojco-dsar %s --help lists exactly the codes it can end with', (name, expected) => {
    expect([...new Set(exitCodesIn(cli([name, '--help'], { cwd }).stdout))].sort((a, b) => a - b)).toEqual(expected);
  });
});

describe('README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('has a section for every top-level command', () => {
    for (const c of buildProgram().commands) {
      if (c.name() === 'help') continue;
      expect(readme, c.name()).toMatch(new RegExp(`^### ${c.name()}$`, 'mu'));
    }
  });

  it('lists every exit code of src/errors.ts in its Exit codes table, and no other', () => {
    const start = readme.indexOf('\n## Exit codes\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
    const listed = [...section.matchAll(/^\| (\d+) \|/gmu)].map((m) => Number(m[1]));
    expect(listed.sort((a, b) => a - b)).toEqual([...KNOWN_CODES].sort((a, b) => a - b));
  });
});
