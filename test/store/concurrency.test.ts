/**
 * Two processes writing to one case register at once lose nothing: every
 * event lands, the chain stays valid, case ids are never handed out twice.
 * The writers are real child processes (the built store in dist/ and the
 * built CLI), not threads of this one.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, ensureBuilt, ROOT, tempDir } from '../cli/cli-helpers.ts';
import { openStore, tempHome } from './store-helpers.ts';

beforeAll(async () => {
  await ensureBuilt();
});

const WRITER = `
import { pathToFileURL } from 'node:url';
const [, , root, home, caseId, who, n, mode] = process.argv;
const { CaseStore } = await import(pathToFileURL(root + '/dist/src/store/cases.js').href);
const store = CaseStore.open(home, { now: new Date().toISOString() });
const ids = [];
for (let i = 0; i < Number(n); i++) {
  const ctx = { actor: who, at: new Date().toISOString() };
  if (mode === 'open') ids.push(store.openCase({ types: ['access'], receivedDate: '2026-03-0' + (1 + (i % 9)), identifiers: [] }, ctx).id);
  else store.logEvent(caseId, 'progress-noted', { writer: who, i }, ctx);
}
store.close();
process.stdout.write(JSON.stringify(ids));
`;

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('two processes at once', () => {
  it('appending N events each: 2N events, a valid chain, each writer in order', async () => {
    const home = tempHome();
    const s = openStore(home);
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-03-01', identifiers: [] }, { actor: 'setup', at: '2026-03-01T08:00:00Z' });
    s.close();
    const script = path.join(tempDir('ojco-dsar-writer-'), 'writer.mjs');
    writeFileSync(script, WRITER);
    const N = 300;
    const [a, b] = await Promise.all([run(script, [ROOT, home, id, 'writer-a', String(N), 'log']), run(script, [ROOT, home, id, 'writer-b', String(N), 'log'])]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);

    const after = openStore(home);
    const events = after.events(id).filter((e) => e.type === 'progress-noted');
    expect(events).toHaveLength(2 * N);
    for (const w of ['writer-a', 'writer-b']) {
      expect(events.filter((e) => e.actor === w).map((e) => (e.payload as { i: number }).i)).toEqual([...Array(N).keys()]);
    }
    // Interleaved, not one after the other (otherwise the test proves little).
    const switches = events.reduce((n, e, i) => n + (i > 0 && events[i - 1]!.actor !== e.actor ? 1 : 0), 0);
    expect(switches).toBeGreaterThan(0);
    const seqs = after.events().map((e) => e.seq);
    expect(seqs).toEqual([...Array(2 * N + 1).keys()].map((i) => i + 1));
    expect(after.verifyChain().problems).toEqual([]);
    after.close();
  }, 120_000);

  it('opening cases at once: unique, gapless ids', async () => {
    const home = tempHome();
    openStore(home).close();
    const script = path.join(tempDir('ojco-dsar-writer-'), 'writer.mjs');
    writeFileSync(script, WRITER);
    const M = 40;
    const [a, b] = await Promise.all([run(script, [ROOT, home, '', 'a', String(M), 'open']), run(script, [ROOT, home, '', 'b', String(M), 'open'])]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const ids = [...(JSON.parse(a.stdout) as string[]), ...(JSON.parse(b.stdout) as string[])].sort();
    expect(new Set(ids).size).toBe(2 * M);
    expect(ids).toEqual([...Array(2 * M).keys()].map((i) => `DSAR-2026-${String(i + 1).padStart(4, '0')}`));
    const s = openStore(home);
    expect(s.verifyChain().problems).toEqual([]);
    expect(s.verifyRecords()).toEqual([]);
    s.close();
  }, 120_000);

  it('the CLI: two processes adding notes at once', async () => {
    const cwd = tempDir('ojco-dsar-cli-conc-');
    const env = { OJCO_DSAR_HOME: path.join(cwd, 'home') };
    const opened = await cliAsync(['case', 'open', '--type', 'access', '--email', 'conc@example.se', '--received', '2026-03-01', '--json'], { cwd, env });
    expect(opened.code).toBe(0);
    const id = opened.json.id as string;
    const K = 8;
    const writer = async (who: string): Promise<number[]> => {
      const codes: number[] = [];
      for (let i = 0; i < K; i++) codes.push((await cliAsync(['case', 'note', id, `note ${i}`, '--actor', who], { cwd, env })).code);
      return codes;
    };
    const [a, b] = await Promise.all([writer('cli-a'), writer('cli-b')]);
    expect([...a, ...b].every((c) => c === 0)).toBe(true);
    const log = await cliAsync(['case', 'log', id, '--json'], { cwd, env });
    const notes = (log.json.events as { type: string; actor: string }[]).filter((e) => e.type === 'note-added');
    expect(notes.filter((e) => e.actor === 'cli-a')).toHaveLength(K);
    expect(notes.filter((e) => e.actor === 'cli-b')).toHaveLength(K);
    const verify = await cliAsync(['case', 'verify', '--json'], { cwd, env });
    expect(verify.code).toBe(0);
    expect(verify.json.ok).toBe(true);
  }, 120_000);
});
