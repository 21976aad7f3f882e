/**
 * `batch` (issue #6): many requests in one pass over the sources, resumable
 * after a kill, every bad row reported with its line.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

const CONFIG = path.join(ROOT, 'fixtures/ojco-dsar.config.yaml');
const HEADER = 'id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

/** Persona identifiers and strangers, round-robin, so every source is relevant to some request. */
function requests(n: number, type: string | ((i: number) => string) = 'access'): string {
  const people = [
    ',marta.oberg@mail.example,,,,,,',
    ',,070-174 06 47,,,,,',
    ',,,19761105-9978,,,,',
    ',ASA.LINDQVIST@LINDQVISTBYGG.EXAMPLE,,,,,,',
    ',,,,,,1044,',
    ',,,,,,,GA1.1.987654321.1746900000',
  ];
  const rows = [HEADER];
  for (let i = 0; i < n; i++) {
    const who = i % 10 < people.length ? people[i % 10]! : `,nobody${i}@nowhere.example,,,,,,`;
    rows.push(`R-${String(i + 1).padStart(4, '0')},${typeof type === 'function' ? type(i) : type},2026-11-${String((i % 20) + 1).padStart(2, '0')}${who}`);
  }
  return rows.join('\n') + '\n';
}

function tree(dir: string, normalise: (s: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), normalise(readFileSync(p, 'utf8')));
    }
  };
  walk(dir);
  return out;
}

describe('ojco-dsar batch', () => {
  it('1,000 requests read each source once through the connector contract', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'requests.csv'), requests(1000));
    const r = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json.requests).toHaveLength(1000);
    expect(r.json.summary.done).toBe(1000);
    const reads = r.json.summary.sources.map((s: { source: string; reads: number }) => [s.source, s.reads]);
    expect(reads.length).toBeGreaterThan(15);
    for (const [source, n] of reads) expect(n, source).toBe(1);
    // Each request got its own answer: Märta's and Jörgen's are not each other's.
    const marta = r.json.requests.find((x: { id: string }) => x.id === 'R-0001');
    const jorgen = r.json.requests.find((x: { id: string }) => x.id === 'R-0002');
    expect(marta.records.exact).toBeGreaterThan(30);
    expect(jorgen.records.exact).toBeGreaterThan(5);
    const nobody = r.json.requests.find((x: { id: string }) => x.id === 'R-0007');
    expect(nobody.records).toEqual({ exact: 0, probable: 0, possible: 0 });
    const extract = JSON.parse(readFileSync(path.join(dir, 'out', marta.outputs[0].path), 'utf8'));
    expect(extract.records.length).toBe(marta.records.exact + marta.records.probable);
    expect(statSync(path.join(dir, 'out', marta.outputs[0].path)).mode & 0o777).toBe(0o600);
  }, 300_000);

  it('killed at any point and resumed, it gives the outputs and the cases of an uninterrupted run', async () => {
    const dir = tempDir('ojco-dsar-batch-');
    const types = ['access', 'erasure', 'access', 'objection', 'rectification', 'access', 'restriction'];
    writeFileSync(path.join(dir, 'requests.csv'), requests(60, (i) => types[i % types.length]!));
    // Both homes start as copies of one, so they share the suppression list's secret and the plans' hashes agree.
    writeFileSync(path.join(dir, 'seed.csv'), `${HEADER}\nS-1,erasure,2026-10-01,seed@nowhere.example,,,,,,\n`);
    const seed = cli(['batch', 'seed.csv', '--config', CONFIG, '--out', 'seed', '--home', 'seed-home', '--as-of', '2026-11-24'], { cwd: dir });
    expect(seed.code, seed.stderr).toBe(0);
    for (const h of ['home-whole', 'home-killed']) {
      mkdirSync(path.join(dir, h), { mode: 0o700 });
      for (const f of readdirSync(path.join(dir, 'seed-home'))) copyFileSync(path.join(dir, 'seed-home', f), path.join(dir, h, f));
    }
    const args = (out: string, resume = false) => ['batch', 'requests.csv', '--config', CONFIG, '--out', out, '--home', `home-${out}`, '--as-of', '2026-11-18', ...(resume ? ['--resume'] : [])];
    // A fixed clock (SOURCE_DATE_EPOCH, 2026-11-18, the --as-of: plans are made as of today) makes two runs comparable byte for byte.
    const env = { SOURCE_DATE_EPOCH: '1795000000' };
    const whole = cli([...args('whole'), '--json'], { cwd: dir, env });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.json.summary.done).toBeGreaterThan(40);

    // Kill the same batch several times at different moments, resuming each time.
    const delays = [900, 1600, 2300, 3100];
    let first = true;
    for (const delay of delays) {
      await new Promise<void>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args('killed', !first)], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', ...env } });
        const t = setTimeout(() => child.kill('SIGKILL'), delay);
        child.on('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
      try {
        statSync(path.join(dir, 'killed/.batch/state.json'));
        first = false;
      } catch {
        // Killed before the batch wrote its state: the next try starts afresh.
      }
    }
    const done = cli(args('killed', !first), { cwd: dir, env });
    expect(done.code, done.stderr).toBe(0);

    const a = tree(path.join(dir, 'whole'), (s) => s);
    const b = tree(path.join(dir, 'killed'), (s) => s);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    // No temp file is left behind.
    expect([...b.keys()].filter((k) => k.endsWith('.tmp'))).toEqual([]);

    // The same cases, each opened once, with each output attached once, and both audit trails intact.
    const cases = (home: string) => {
      const r = cli(['case', 'list', '--home', home, '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      return (r.json.cases as { id: string; types: string[]; status: string }[]).map((c) => {
        const shown = cli(['case', 'show', c.id, '--home', home, '--json'], { cwd: dir }).json;
        const attachments = (shown.case ?? shown).attachments as { kind: string; sha256: string }[];
        return { id: c.id, types: c.types, status: c.status, attachments: attachments.map((x) => `${x.kind}:${x.sha256}`).sort() };
      });
    };
    const wholeCases = cases('home-whole');
    expect(wholeCases).toHaveLength(61);
    expect(cases('home-killed')).toEqual(wholeCases);
    for (const h of ['home-whole', 'home-killed']) expect(cli(['case', 'verify', '--home', h], { cwd: dir }).code, h).toBe(0);
  }, 300_000);

  it('plans erasure and objection requests, records their suppression, and opens or updates a case per request', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(
      path.join(dir, 'requests.csv'),
      [
        HEADER,
        'R-1,access,2026-11-20,marta.oberg@mail.example,,,,,,',
        'R-2,erasure,2026-11-21,MARTA.OBERG@mail.example,,,,,,',
        'R-3,objection,2026-11-21,ASA.LINDQVIST@LINDQVISTBYGG.EXAMPLE,,,,,,',
        'R-4,rectification,2026-11-22,,,19761105-9978,,,,',
      ].join('\n') + '\n',
    );
    const run = (out: string) => cli(['batch', 'requests.csv', '--config', CONFIG, '--out', out, '--home', 'home', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    const r = run('out');
    expect(r.code).toBe(0);
    const by = (id: string) => r.json.requests.find((x: { id: string }) => x.id === id);
    expect(by('R-1')).toMatchObject({ status: 'done', case: 'DSAR-2026-0001' });
    expect(by('R-4')).toMatchObject({ status: 'needs-input', case: 'DSAR-2026-0004' });
    expect(by('R-4').note).toContain('--case DSAR-2026-0004');

    const erasure = JSON.parse(readFileSync(path.join(dir, 'out', by('R-2').outputs[0].path), 'utf8'));
    expect(by('R-2')).toMatchObject({ status: 'done', case: 'DSAR-2026-0002', planHash: erasure.planHash });
    expect(erasure.kind).toBe('erasure');
    expect(erasure.caseId).toBe('DSAR-2026-0002');
    const actions = new Set(erasure.actions.map((a: { action: string }) => a.action));
    for (const a of ['delete', 'anonymise', 'retain', 'suppress', 'notify-recipient']) expect(actions, a).toContain(a);
    const objection = JSON.parse(readFileSync(path.join(dir, 'out', by('R-3').outputs[0].path), 'utf8'));
    expect(objection.kind).toBe('objection');
    expect(objection.parameters).toMatchObject({ marketing: true, profiling: false });
    expect(statSync(path.join(dir, 'out', by('R-2').outputs[0].path)).mode & 0o777).toBe(0o600);

    // The erased person is on the home's suppression list, and the ledger holds the kept bookkeeping records.
    const ledger = cli(['ledger', 'list', '--home', 'home', '--json'], { cwd: dir });
    expect(ledger.code).toBe(0);
    const retained = erasure.actions.filter((a: { action: string }) => a.action === 'retain').length;
    expect(ledger.json.entries).toHaveLength(retained);
    expect(ledger.json.suppression.entries).toBeGreaterThanOrEqual(erasure.actions.filter((a: { action: string }) => a.action === 'suppress').length);
    // find warns when the erased person comes back (the fixtures still hold her).
    const found = cli(['find', '--config', CONFIG, '--home', 'home', '--email', 'marta.oberg@mail.example', '--json'], { cwd: dir });
    expect(found.json.reappeared?.length ?? 0).toBeGreaterThan(0);

    // A second batch of the same requests updates the same four cases and opens none.
    const again = run('out2');
    expect(again.code).toBe(0);
    expect(again.json.requests.map((x: { case: string }) => x.case)).toEqual(['DSAR-2026-0001', 'DSAR-2026-0002', 'DSAR-2026-0003', 'DSAR-2026-0004']);
    const list = cli(['case', 'list', '--home', 'home', '--json'], { cwd: dir });
    expect(list.json.cases).toHaveLength(4);
    expect(list.json.cases.find((c: { id: string }) => c.id === 'DSAR-2026-0002').status).toBe('in-progress');
    expect(cli(['case', 'verify', '--home', 'home'], { cwd: dir }).code).toBe(0);
    // Nothing on stderr names the people.
    expect(r.stderr + again.stderr).not.toMatch(/marta|lindqvist|19761105/iu);
  }, 180_000);

  it("says per request when the reply must carry the complaint information (ER-4), and gives the plan's reply in the JSON", () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(
      path.join(dir, 'requests.csv'),
      [
        HEADER,
        'R-1,access,2026-11-20,marta.oberg@mail.example,,,,,,',
        'R-2,erasure,2026-11-21,marta.oberg@mail.example,,,,,,',
        'R-3,objection,2026-11-21,ASA.LINDQVIST@LINDQVISTBYGG.EXAMPLE,,,,,,',
        'R-4,erasure,2026-11-22,nobody@nowhere.example,,,,,,',
      ].join('\n') + '\n',
    );
    const r = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out', '--home', 'home', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const by = (id: string) => r.json.requests.find((x: { id: string }) => x.id === id);
    // Her erasure retains bookkeeping records: a partial refusal, whose reply the plan describes.
    const plan = JSON.parse(readFileSync(path.join(dir, 'out', by('R-2').outputs[0].path), 'utf8'));
    expect(plan.reply).toMatchObject({ partialRefusal: true, rule: 'ER-4' });
    expect(by('R-2').reply).toEqual(plan.reply);
    expect(by('R-2').reply.retained).toBeGreaterThan(0);
    expect(by('R-2').reply.complaintInformation.supervisoryAuthority).toMatch(/IMY/u);
    // The keys that were there stay as they were.
    expect(by('R-2')).toMatchObject({ status: 'done', case: 'DSAR-2026-0002', planHash: plan.planHash });
    for (const id of ['R-1', 'R-3', 'R-4']) expect(by(id), id).not.toHaveProperty('reply');
    // summary.json holds what --json gives per request.
    const written = JSON.parse(readFileSync(path.join(dir, 'out', 'summary.json'), 'utf8'));
    expect(written.requests.find((x: { id: string }) => x.id === 'R-2').reply).toEqual(plan.reply);

    // The same requests without --json: the summary names the request whose reply is due, by id and case, never the person.
    const human = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out2', '--home', 'home', '--as-of', '2026-11-24', '--format', 'json'], { cwd: dir });
    expect(human.code, human.stderr).toBe(0);
    const said = human.stdout + human.stderr;
    expect(said).toContain('1 request(s) refused in part');
    expect(said).toMatch(new RegExp(`R-2 \\(DSAR-2026-0002\\): a reply with complaint information is due \\(the erasure is refused in part: ${by('R-2').reply.retained} record\\(s\\) retained\\)`, 'u'));
    expect(said).toMatch(/complain to IMY and go to court/u);
    expect(said).not.toMatch(/R-[134] \(DSAR-2026-000[134]\): a reply/u);
    expect(said).not.toMatch(/marta|lindqvist/iu);
  }, 180_000);

  it('reports every bad row with its line, and refuses extra columns', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(
      path.join(dir, 'bad.csv'),
      [HEADER, 'R-1,access,2026-11-20,a@b.example,,,,,,', 'R-2,deletion,2026-11-20,a@b.example,,,,,,', 'R-3,access,2026-13-01,,,,,,,', 'R-1,access,2026-11-20,,,19920728-9968,,,,', 'R/5,access,2026-11-20,x,,,,,,'].join('\n') + '\n',
    );
    const r = cli(['batch', 'bad.csv', '--config', CONFIG, '--out', 'out', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const problems: { message: string; line: number }[] = r.json.error.problems;
    expect(problems.map((p) => p.line)).toEqual(expect.arrayContaining([3, 4, 5, 6]));
    expect(problems.find((p) => p.line === 3)!.message).toMatch(/type must be one of/u);
    expect(problems.find((p) => p.line === 4)!.message).toMatch(/received must be a date/u);
    expect(problems.some((p) => p.line === 5 && /pnr is not a valid/u.test(p.message))).toBe(true);
    expect(problems.some((p) => p.line === 5 && /used by an earlier row/u.test(p.message))).toBe(true);
    expect(problems.some((p) => p.line === 6 && /id must be/u.test(p.message))).toBe(true);
    expect(r.stderr + r.stdout).not.toContain('19920728-9968');

    writeFileSync(path.join(dir, 'extra.csv'), `${HEADER},comment\nR-1,access,2026-11-20,a@b.example,,,,,,,hello\n`);
    const x = cli(['batch', 'extra.csv', '--config', CONFIG, '--out', 'out2', '--json'], { cwd: dir });
    expect(x.code).toBe(2);
    expect(x.json.error.problems[0].message).toContain('unknown column(s): comment');

    // A row shifted by a stray comma, or cut short, is refused, with its line once (not the line in the message too).
    writeFileSync(path.join(dir, 'shifted.csv'), `${HEADER}\nR-1,access,2026-11-20,a@b.example,,,,,,,extra\nR-2,access,2026-11-20,a@b.example,,,,,\nR-3,access,2026-11-20,a@b.example,,,,,,\n`);
    const sh = cli(['batch', 'shifted.csv', '--config', CONFIG, '--out', 'out3', '--json'], { cwd: dir });
    expect(sh.code).toBe(2);
    expect(sh.json.error.problems).toEqual([
      expect.objectContaining({ line: 2, message: 'the row has 11 fields and the header 10' }),
      expect.objectContaining({ line: 3, message: 'the row has 9 fields and the header 10' }),
    ]);
    const human = cli(['batch', 'shifted.csv', '--config', CONFIG, '--out', 'out3'], { cwd: dir });
    expect(human.stderr).toContain('shifted.csv:2: the row has 11 fields');
    expect(human.stderr).not.toContain('shifted.csv:2: shifted.csv:2');
  });

  it('never puts a request into another request\'s case: a reused id, a case of someone else, a case id that does not exist', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'a.csv'), `${HEADER}\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\n`);
    const first = cli(['batch', 'a.csv', '--config', CONFIG, '--out', 'o1', '--home', 'home', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(first.json.requests[0]).toMatchObject({ status: 'done', case: 'DSAR-2026-0001' });
    writeFileSync(
      path.join(dir, 'b.csv'),
      [
        HEADER,
        // Short ids are reused from batch to batch: another person's erasure under Märta's old id.
        'R-1,erasure,2026-11-23,jorgen.akesson@mail.example,,,,,,',
        // The same request again (type and date of receipt) is the same case, as on a resumed run.
        'R-1B,access,2026-11-20,marta.oberg@mail.example,,,,,,',
        'DSAR-2026-0001,access,2026-11-23,jorgen.akesson@mail.example,,,,,,',
        'DSAR-2026-0099,access,2026-11-23,jorgen.akesson@mail.example,,,,,,',
      ].join('\n') + '\n',
    );
    const r = cli(['batch', 'b.csv', '--config', CONFIG, '--out', 'o2', '--home', 'home', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    const rows: { id: string; type: string; status: string; case?: string; note?: string; outputs: unknown[] }[] = r.json.requests;
    const reused = rows.find((x) => x.id === 'R-1')!;
    expect(reused).toMatchObject({ status: 'failed', outputs: [] });
    expect(reused.case).toBeUndefined();
    expect(reused.note).toMatch(/already names case DSAR-2026-0001.*give it an id of its own/u);
    expect(rows.find((x) => x.id === 'R-1B')).toMatchObject({ status: 'done', case: 'DSAR-2026-0002' });
    const someoneElse = rows.find((x) => x.id === 'DSAR-2026-0001' && x.type === 'access')!;
    expect(someoneElse).toMatchObject({ status: 'failed', outputs: [] });
    expect(someoneElse.note).toMatch(/none of the identifiers case DSAR-2026-0001 was opened with/u);
    expect(rows.find((x) => x.id === 'DSAR-2026-0099')!.note).toMatch(/not in the case register/u);
    // No folder of the failed requests, and no third case.
    expect(readdirSync(path.join(dir, 'o2')).filter((f) => f !== '.batch').sort()).toEqual(['R-1B', 'summary.csv', 'summary.json']);
    expect(cli(['case', 'list', '--home', 'home', '--json'], { cwd: dir }).json.cases).toHaveLength(2);
    // Her own case takes her erasure plan, with a note that the case was opened for access.
    writeFileSync(path.join(dir, 'c.csv'), `${HEADER}\nDSAR-2026-0001,erasure,2026-11-23,MARTA.OBERG@MAIL.EXAMPLE,,,,,,\n`);
    const c = cli(['batch', 'c.csv', '--config', CONFIG, '--out', 'o3', '--home', 'home', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(c.json.requests[0]).toMatchObject({ status: 'done', case: 'DSAR-2026-0001' });
    expect(c.json.requests[0].note).toMatch(/a request of type access, and this row is erasure/u);
  }, 120_000);

  it('refuses a date of receipt outside the modelled years and an id that is a phone number or personnummer, with their lines', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(
      path.join(dir, 'c.csv'),
      [HEADER, 'R-9,access,1900-01-01,a@b.example,,,,,,', '199207289969,access,2026-11-20,a@b.example,,,,,,', '0701740633,access,2026-11-20,a@b.example,,,,,,', 'T-199207289969,access,2026-11-20,a@b.example,,,,,,', 'T-2026-0042,access,2026-11-20,a@b.example,,,,,,'].join('\n') + '\n',
    );
    const r = cli(['batch', 'c.csv', '--config', CONFIG, '--out', 'out', '--home', 'home', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const problems: { message: string; line: number }[] = r.json.error.problems;
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(problems[0]!.message).toMatch(/received must be a date in the years 1953-2199/u);
    for (const p of problems.slice(1)) expect(p.message).toMatch(/id looks like or holds a phone number or personnummer/u);
    expect(r.stderr + r.stdout).not.toMatch(/199207289969|0701740633/u);
    // Nothing was started: the folder is free for the corrected file.
    expect(() => readdirSync(path.join(dir, 'out'))).toThrow();
    expect(cli(['batch', 'c.csv', '--config', CONFIG, '--out', 'out', '--as-of', '1900-01-01', '--json'], { cwd: dir }).json.error.problems[0].code).toBe('usage.date-range');
    // A folder named for the requests file is called a folder.
    mkdirSync(path.join(dir, 'requests'));
    const folder = cli(['batch', 'requests', '--config', CONFIG, '--out', 'out', '--json'], { cwd: dir });
    expect(folder.code).toBe(2);
    expect(folder.json.error.problems[0].message).toBe('requests is a folder: name the requests file (CSV or XLSX) in it');
  });

  it('does not call a file read but whose #KSUMMA does not match unread in the extract: unverified, as export says it', () => {
    const dir = tempDir('ojco-dsar-batch-');
    copyFileSync(path.join(ROOT, 'fixtures/visma/broken/sie/ksumma-fel.se'), path.join(dir, 'ksumma-fel.se'));
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - { name: sie-ksumma, connector: visma, path: ksumma-fel.se }\n');
    writeFileSync(path.join(dir, 'r.csv'), `${HEADER}\nR-1,access,2026-11-20,,,,,,1044,\n`);
    const r = cli(['batch', 'r.csv', '--config', 'c.yaml', '--out', 'out', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    const extract = JSON.parse(readFileSync(path.join(dir, 'out', r.json.requests[0].outputs[0].path), 'utf8'));
    expect(extract.notRead).toEqual([]);
    expect(extract.unverified).toEqual([{ source: 'sie-ksumma', reason: expect.stringMatching(/#KSUMMA does not match/u) }]);
    expect(extract.records.some((x: { source: string }) => x.source === 'sie-ksumma')).toBe(true);
  });

  it('tells the person which source was not read without naming its file, as export does, and counts a damaged record once for two requests', () => {
    const dir = tempDir('ojco-dsar-batch-');
    const src = path.join(ROOT, 'fixtures/newsletter/nyhetsbrev');
    mkdirSync(path.join(dir, 'nyhetsbrev'));
    copyFileSync(path.join(src, 'subscribed_members_export_4f2a9c81d0.csv'), path.join(dir, 'nyhetsbrev', 'members.csv'));
    const members = path.join(dir, 'nyhetsbrev', 'members.csv');
    writeFileSync(members, readFileSync(members, 'utf8').replace('""Helsingborg""', '""H\uFFFDlsingborg""'));
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - { name: nyhetsbrev, connector: newsletter, path: nyhetsbrev }\n  - { name: kontakter, connector: office365, path: Kalle_Karlsson.vcf }\n');
    writeFileSync(path.join(dir, 'r.csv'), `${HEADER}\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\nR-2,access,2026-11-21,MARTA.OBERG@mail.example,,,,,,\n`);
    const r = cli(['batch', 'r.csv', '--config', 'c.yaml', '--out', 'out', '--as-of', '2026-11-24', '--format', 'json', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    const extract = JSON.parse(readFileSync(path.join(dir, 'out', r.json.requests[0].outputs[0].path), 'utf8'));
    expect(extract.notRead).toEqual([{ source: 'kontakter', reason: 'the export file or folder the configuration names does not exist' }]);
    expect(JSON.stringify(extract)).not.toContain('Kalle_Karlsson');
    // The reads' warnings, in the JSON and on the terminal: the damaged row once, though both requests found it.
    expect(r.json.summary.warnings).toEqual([expect.objectContaining({ source: 'nyhetsbrev', code: 'record.replacement-char', file: 'nyhetsbrev/members.csv', line: 2 })]);
    expect(r.json.summary.warnings[0].message).toMatch(/^1 found record\(s\) hold/u);
    const human = cli(['batch', 'r.csv', '--config', 'c.yaml', '--out', 'out2', '--as-of', '2026-11-24', '--format', 'json'], { cwd: dir });
    expect(human.stderr).toMatch(/nyhetsbrev: nyhetsbrev\/members\.csv:2 — 1 found record\(s\) hold the character U\+FFFD/u);
  }, 60_000);

  it('answers no request on possible matches alone: by name only, every kind needs the officer (needs-input), with no letter or plan and its case left received', () => {
    const dir = tempDir('ojco-dsar-batch-');
    const types = ['access', 'erasure', 'objection', 'rectification', 'restriction'];
    writeFileSync(
      path.join(dir, 'r.csv'),
      [HEADER, ...types.map((t, i) => `R-${i + 1},${t},2026-11-23,,,,,Märta Öberg,,`), 'R-9,access,2026-11-23,marta.oberg@mail.example,,,,,,'].join('\n') + '\n',
    );
    const env = { OJCO_DSAR_TODAY: '2026-11-24' };
    const r = cli(['batch', 'r.csv', '--config', CONFIG, '--out', 'out', '--home', 'home', '--format', 'json,html', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    for (const [i, type] of types.entries()) {
      const req = r.json.requests[i];
      expect(req, type).toMatchObject({ id: `R-${i + 1}`, type, status: 'needs-input', reason: 'unconfirmed-matches', records: { exact: 0 }, case: `DSAR-2026-000${i + 1}` });
      expect(req.records.possible, type).toBeGreaterThan(0);
      expect(req.note, type).toMatch(/^no record matched a unique identifier of this person \(0 exact\), so the \d+ possible match\(es\) need the officer's confirmation/u);
      expect(req.note, type).toContain(`--case DSAR-2026-000${i + 1}`);
      // The search result for the officer, and no extract, letter or plan presented as the answer.
      expect(req.outputs.map((o: { path: string }) => o.path), type).toEqual([`R-${i + 1}/found.json`]);
      expect(readdirSync(path.join(dir, 'out', `R-${i + 1}`)), type).toEqual(['found.json']);
    }
    expect(r.json.requests[5]).toMatchObject({ status: 'done', records: { exact: expect.any(Number) } });
    expect(r.json.requests[5].records.exact).toBeGreaterThan(0);
    expect(r.json.requests[5].reason).toBeUndefined();
    expect(r.json.summary).toMatchObject({ total: 6, done: 1, needsInput: 5, failed: 0 });
    const summaryJson = JSON.parse(readFileSync(path.join(dir, 'out', 'summary.json'), 'utf8'));
    expect(summaryJson.requests[0]).toMatchObject({ status: 'needs-input', reason: 'unconfirmed-matches', note: r.json.requests[0].note });
    const csv = readFileSync(path.join(dir, 'out', 'summary.csv'), 'utf8').split('\r\n');
    expect(csv[1]).toMatch(/^R-1;access;2026-11-23;needs-input;0;0;\d+;R-1\/found\.json;DSAR-2026-0001;no record matched a unique identifier/u);
    // Nothing was answered: the cases stay received, and no plan put anyone on the suppression list.
    const list = cli(['case', 'list', '--home', 'home', '--json'], { cwd: dir, env });
    expect(list.json.cases.map((c: { status: string }) => c.status)).toEqual(['received', 'received', 'received', 'received', 'received', 'in-progress']);
    const ledger = cli(['ledger', 'list', '--home', 'home', '--json'], { cwd: dir, env });
    expect(ledger.json.suppression.entries).toBe(0);
    expect(ledger.json.entries).toEqual([]);
    const human = cli(['batch', 'r.csv', '--config', CONFIG, '--out', 'out2', '--home', 'home2', '--format', 'json'], { cwd: dir, env });
    expect(human.stdout).toMatch(/1 done, 5 need input, 0 failed/u);
    expect(human.stderr + r.stderr).not.toMatch(/märta|marta|öberg|oberg/iu);
  }, 120_000);

  it("says in an access request's note how many possible matches the extract left out", () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'access.csv'), `${HEADER}\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\n`);
    const r = cli(['batch', 'access.csv', '--config', CONFIG, '--out', 'out', '--format', 'json', '--json'], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1795000000' } });
    expect(r.code, r.stderr).toBe(0);
    const req = r.json.requests[0];
    expect(req.records.possible).toBeGreaterThan(0);
    expect(req.note).toBe(`${req.records.possible} possible match(es) were left out of the extract: check them with \`ojco-dsar find\` at a terminal, and add them with \`ojco-dsar export --include-possible\` if they are this person`);
  });

  it("names a system's coded fields in an access request's letter and writes its dates as dates, as export does", () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'access.csv'), `${HEADER}\nR-1,access,2026-11-20,,,19761105-9978,,,,\n`);
    const r = cli(['batch', 'access.csv', '--config', CONFIG, '--out', 'out', '--home', 'home', '--format', 'html', '--json'], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1795000000' } });
    expect(r.code, r.stderr).toBe(0);
    const letter = r.json.requests[0].outputs.find((o: { format: string }) => o.format === 'html');
    const html = readFileSync(path.join(dir, 'out', letter.path), 'utf8');
    // Visma Administration's KUND.DBF row of customer 1043.
    expect(html).toContain('<td class="key">Kundnummer <span class="field-key">KUNDNR</span></td><td class="value">1043</td>');
    expect(html).toContain('<td class="key">Senaste fakturadatum <span class="field-key">FKTDAT</span></td><td class="value">2019-03-15</td>');
  });

  it('warns about a request received after today, as case open does', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'future.csv'), `${HEADER}\nR-1,access,2026-12-30,marta.oberg@mail.example,,,,,,\n`);
    const r = cli(['batch', 'future.csv', '--config', CONFIG, '--out', 'out', '--format', 'json', '--json'], { cwd: dir, env: { SOURCE_DATE_EPOCH: '1795000000' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/future\.csv:2: received 2026-12-30 is after today \(2026-11-18\)/u);
    // OJCO_DSAR_TODAY sets a batch's today as it sets every other command's (SOURCE_DATE_EPOCH wins when both are set).
    const t = cli(['batch', 'future.csv', '--config', CONFIG, '--out', 'out2', '--format', 'json', '--json'], { cwd: dir, env: { OJCO_DSAR_TODAY: '2027-01-15' } });
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).not.toMatch(/after today/u);
    expect(t.json.summary).toMatchObject({ asOf: '2027-01-15', generatedAt: expect.stringMatching(/^2027-01-15T/u) });
    const both = cli(['batch', 'future.csv', '--config', CONFIG, '--out', 'out3', '--format', 'json', '--json'], { cwd: dir, env: { OJCO_DSAR_TODAY: '2027-01-15', SOURCE_DATE_EPOCH: '1795000000' } });
    expect(both.json.summary.asOf).toBe('2026-11-18');
    const bad = cli(['batch', 'future.csv', '--config', CONFIG, '--out', 'out4', '--json'], { cwd: dir, env: { OJCO_DSAR_TODAY: '2027-13-01' } });
    expect(bad.code).toBe(2);
  });

  it('refuses a later --as-of for plans, which would delete records still kept today; access requests may be dated so', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'erase.csv'), `${HEADER}\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\nR-2,erasure,2026-11-21,,,,761105-9978,,,\n`);
    writeFileSync(path.join(dir, 'access.csv'), `${HEADER}\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\n`);
    const env = { OJCO_DSAR_TODAY: '2026-11-26', OJCO_DSAR_HOME: path.join(dir, 'home') };
    const r = cli(['batch', 'erase.csv', '--config', CONFIG, '--out', 'out', '--as-of', '2027-06-01', '--json'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['usage.as-of-future']);
    expect(readdirSync(dir).sort()).toEqual(['access.csv', 'erase.csv']);
    const a = cli(['batch', 'access.csv', '--config', CONFIG, '--out', 'out', '--as-of', '2027-06-01', '--format', 'json', '--json'], { cwd: dir, env });
    expect(a.code, a.stderr).toBe(0);
    expect(a.json.summary.asOf).toBe('2027-06-01');
    const today = cli(['batch', 'erase.csv', '--config', CONFIG, '--out', 'out2', '--as-of', '2026-11-26', '--format', 'json', '--json'], { cwd: dir, env });
    expect(today.code, today.stderr).toBe(0);
  });

  it('will not run twice into one folder, and resumes only with the same inputs', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'requests.csv'), requests(3));
    expect(cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out', '--format', 'json'], { cwd: dir }).code).toBe(0);
    const again = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--resume');
    // Resumed on another day: the batch keeps its own date, and says so.
    const later = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out', '--resume', '--json'], { cwd: dir, env: { OJCO_DSAR_TODAY: '2099-01-02' } });
    expect(later.code).toBe(0);
    expect(later.stderr).toMatch(/the batch keeps the date it started with, \d{4}-\d{2}-\d{2} \(today is 2099-01-02 by OJCO_DSAR_TODAY\)/u);
    writeFileSync(path.join(dir, 'requests.csv'), requests(4));
    const changed = cli(['batch', 'requests.csv', '--config', CONFIG, '--out', 'out', '--resume'], { cwd: dir });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('the requests file changed');
  });
  it('keeps finished requests in a journal until the end: a cut-off last line is redone, a damaged one refused', () => {
    const dir = tempDir('ojco-dsar-batch-');
    writeFileSync(path.join(dir, 'requests.csv'), requests(3));
    const args = (out: string, resume = false) => ['batch', 'requests.csv', '--config', CONFIG, '--out', out, '--format', 'json', '--as-of', '2026-11-24', '--json', ...(resume ? ['--resume'] : [])];
    const env = { SOURCE_DATE_EPOCH: '1795000000' };
    const whole = cli(args('whole'), { cwd: dir, env });
    expect(whole.code, whole.stderr).toBe(0);
    // The journal is folded into state.json when the batch ends.
    expect(() => statSync(path.join(dir, 'whole/.batch/done.ndjson'))).toThrow();
    const state = JSON.parse(readFileSync(path.join(dir, 'whole/.batch/state.json'), 'utf8')) as { done: Record<string, unknown> };
    expect(Object.keys(state.done)).toEqual(['R-0001', 'R-0002', 'R-0003']);

    // As a kill leaves it: R-0001 journalled, R-0002 cut off in the middle of its line, R-0003 not begun.
    const cut = cli(args('cut'), { cwd: dir, env });
    expect(cut.code, cut.stderr).toBe(0);
    const first = JSON.stringify({ id: 'R-0001', state: state.done['R-0001'] });
    const second = JSON.stringify({ id: 'R-0002', state: state.done['R-0002'] });
    writeFileSync(path.join(dir, 'cut/.batch/state.json'), JSON.stringify({ ...state, done: {} }, null, 2) + '\n');
    writeFileSync(path.join(dir, 'cut/.batch/done.ndjson'), `${first}\n${second.slice(0, 40)}`, { mode: 0o600 });
    const resumed = cli(args('cut', true), { cwd: dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json.summary.done).toBe(3);
    expect(readFileSync(path.join(dir, 'cut/.batch/state.json'), 'utf8')).toBe(readFileSync(path.join(dir, 'whole/.batch/state.json'), 'utf8'));
    expect(() => statSync(path.join(dir, 'cut/.batch/done.ndjson'))).toThrow();

    writeFileSync(path.join(dir, 'cut/.batch/state.json'), JSON.stringify({ ...state, done: {} }, null, 2) + '\n');
    writeFileSync(path.join(dir, 'cut/.batch/done.ndjson'), `not json\n${first}\n`, { mode: 0o600 });
    const damaged = cli(args('cut', true), { cwd: dir, env });
    expect(damaged.code).toBe(2);
    expect(damaged.json.error.problems[0]).toMatchObject({ code: 'batch.state', message: 'the batch journal is damaged at line 1' });

    // A state file damaged by something else: refused with its name, not a crash.
    writeFileSync(path.join(dir, 'cut/.batch/state.json'), '{"version": 1, "done": {"R-00');
    const broken = cli(args('cut', true), { cwd: dir, env });
    expect(broken.code, broken.stderr).toBe(2);
    expect(broken.json.error.problems[0]).toMatchObject({ code: 'batch.state', file: path.join('cut', '.batch', 'state.json') });
    expect(broken.stderr).not.toContain('internal error');
  });
});
