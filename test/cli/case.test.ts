/**
 * `ojco-dsar case ...` through the built binary, with a temp home: the
 * interface contract's JSON, exit codes, the evidence manifest, tampering,
 * purge, export, home resolution, and no subject identifier on stderr.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir, type CliResult } from './cli-helpers.ts';

/** Made-up persona values; none may ever reach stderr. */
const SUBJECT = {
  email: 'Marta.Oberg@Mail.example',
  phone: '070-174 06 05',
  pnr: '19840312-9987',
  name: 'Marta Öberg',
};
const FORBIDDEN = [SUBJECT.email, SUBJECT.email.toLowerCase(), SUBJECT.phone, '+46701740605', SUBJECT.pnr, '198403129987', '8403129987', SUBJECT.name, 'Öberg'];
const stderrSeen: string[] = [];

let root: string;

/** A folder with a config (one newsletter source) and its export file. */
function project(name: string): { cwd: string; home: string; input: string } {
  const cwd = path.join(root, name);
  mkdirSync(path.join(cwd, 'exports'), { recursive: true });
  const input = path.join(cwd, 'exports', 'members.csv');
  writeFileSync(input, 'Email Address,First Name,Last Name\nmarta.oberg@mail.example,Marta,Öberg\n');
  writeFileSync(path.join(cwd, 'ojco-dsar.config.yaml'), 'sources:\n  - name: newsletter\n    connector: newsletter\n    path: exports\nactor: Privacy Officer\n');
  return { cwd, home: path.join(cwd, '.ojco-dsar'), input };
}

function run(args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliResult {
  const r = cli(args, { cwd, env });
  stderrSeen.push(r.stderr);
  for (const f of FORBIDDEN) expect(r.stderr, `stderr of ${args.join(' ')}`).not.toContain(f);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/u);
  return r;
}

const IDENTIFIER_ARGS = ['--email', SUBJECT.email, '--phone', SUBJECT.phone, '--pnr', SUBJECT.pnr, '--name', SUBJECT.name];

beforeAll(async () => {
  await ensureBuilt();
  root = tempDir('ojco-dsar-case-cli-');
});

afterAll(() => {
  const all = stderrSeen.join('\n');
  for (const f of FORBIDDEN) expect(all).not.toContain(f);
});

describe('case open / show / list: the interface contract', () => {
  it('open --json gives { id, types, receivedDate, dueDate, status, ... }', () => {
    const { cwd, home } = project('contract');
    const r = run(['case', 'open', '--type', 'access', '--type', 'erasure,objection', ...IDENTIFIER_ARGS, '--received', '2026-01-31', '--channel', 'e-mail', '--json'], cwd);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ id: 'DSAR-2026-0001', types: ['access', 'erasure', 'objection'], receivedDate: '2026-01-31', dueDate: '2026-03-02', nominalDate: '2026-02-28', status: 'received', extended: false, channel: 'e-mail' });
    expect(r.json.subject.identifiers.map((i: { kind: string }) => i.kind)).toEqual(['email', 'phone', 'pnr', 'name']);
    expect(existsSync(path.join(home, 'cases.db'))).toBe(true);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(home, 'cases.db')).mode & 0o777).toBe(0o600);

    const second = run(['case', 'open', '--type', 'rectification', '--email', 'other@example.se', '--received', '2026-11-20', '--json'], cwd);
    expect(second.json.id).toBe('DSAR-2026-0002');

    const show = run(['case', 'show', 'DSAR-2026-0001', '--json', '--as-of', '2026-02-20'], cwd);
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({ id: 'DSAR-2026-0001', daysLeft: 10, overdue: false, asOf: '2026-02-20' });
    expect(show.json.subject.identifiers[0].value).toBe(SUBJECT.email);

    const list = run(['case', 'list', '--json', '--as-of', '2026-03-03'], cwd);
    expect(list.code).toBe(0);
    expect(list.json.cases).toEqual([
      expect.objectContaining({ id: 'DSAR-2026-0001', dueDate: '2026-03-02', daysLeft: -1, overdue: true, status: 'received' }),
      expect.objectContaining({ id: 'DSAR-2026-0002', dueDate: '2026-12-21', daysLeft: 293, overdue: false, status: 'received' }),
    ]);
    expect(JSON.stringify(list.json)).not.toContain(SUBJECT.email);
  });

  it('open without a type or identifier, or with bad values, lists every problem (exit 2)', () => {
    const { cwd } = project('open-usage');
    const r = run(['case', 'open', '--type', 'deletion', '--pnr', '19840312-9988', '--received', '2026-02-30'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--type: an unknown value; use access, erasure');
    expect(r.stderr).not.toContain('deletion');
    expect(r.stderr).toContain('--pnr is not a valid personnummer');
    expect(r.stderr).toContain('--received must be a calendar date');
    expect(run(['case', 'open', '--type', 'access', '--received', '2026-01-01'], cwd).stderr).toContain('name the person');
    expect(run(['case', 'show', 'DSAR-2026-0042'], cwd).code).toBe(2);
  });
});

describe('case open --reference', () => {
  it('opens one case per reference: a second run gives the same case, unchanged, and says so', () => {
    const { cwd } = project('reference');
    const first = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31', '--reference', 'ticket-4711', '--json'], cwd);
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ id: 'DSAR-2026-0001', reference: 'ticket-4711', existing: false });
    const again = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31', '--reference', 'ticket-4711', '--json'], cwd);
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ id: 'DSAR-2026-0001', existing: true, types: ['access'] });
    expect(again.stderr).not.toContain('not changed');
    // Other details under the same reference: the case stays as it was, with a warning.
    const other = run(['case', 'open', '--type', 'erasure', '--email', SUBJECT.email, '--received', '2026-02-02', '--reference', 'ticket-4711'], cwd);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('Already open');
    expect(other.stderr).toContain('already names case DSAR-2026-0001, received 2026-01-31 for access; it was not changed');
    expect(run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--reference', 'ticket-4712', '--json'], cwd).json.id).toBe('DSAR-2026-0002');
    // The reference outlives the purge: the person's e-mail, phone or personnummer is refused as one (exit 2), unechoed.
    for (const personal of [SUBJECT.email, '070-174 06 33', '19920728-9969', 'T-199207289969']) {
      const r = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--reference', personal, '--json'], cwd);
      expect(r.code).toBe(2);
      expect(r.json.error.problems[0].code).toBe('usage.reference');
      expect(r.stderr).not.toContain(personal);
    }
    const list = run(['case', 'list', '--json'], cwd);
    expect(list.json.cases.map((c: { id: string }) => c.id)).toEqual(['DSAR-2026-0001', 'DSAR-2026-0002']);
    // The reference is shown with the case, in the list and in show.
    expect(list.json.cases.map((c: { references: string[] }) => c.references)).toEqual([['ticket-4711'], ['ticket-4712']]);
    expect(run(['case', 'list'], cwd).stdout).toMatch(/DSAR-2026-0001 .* ticket-4711/u);
    expect(run(['case', 'show', 'DSAR-2026-0002'], cwd).stdout).toMatch(/Reference\s+ticket-4712/u);
    const show = run(['case', 'show', 'DSAR-2026-0001', '--json'], cwd);
    expect(show.json.references).toEqual(['ticket-4711']);
    // One event (case-opened): running open again added none.
    expect(show.json.events).toBe(1);
    expect(run(['case', 'verify', '--json'], cwd).code).toBe(0);
    for (const bad of ['', 'two\nlines']) {
      const r = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--reference', bad], cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--reference must be 1 to 200 characters');
    }
  });
});

describe('case extend', () => {
  it('gives the case with the new dueDate; refused after the first deadline and a second time (exit 2)', () => {
    const { cwd } = project('extend');
    run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31'], cwd);
    run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31'], cwd);

    const late = run(['case', 'extend', 'DSAR-2026-0002', '--reason', 'Complex', '--as-of', '2026-03-03', '--json'], cwd);
    expect(late.code).toBe(2);
    expect(late.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['case.extension-late']);
    expect(late.stderr).toContain('the first deadline 2026-03-02 has passed');

    // The decision and the notice have happened: neither is dated after today.
    for (const args of [['--as-of', '2026-02-20'], ['--as-of', '2026-02-18', '--notice-date', '2026-02-20']]) {
      const ahead = run(['case', 'extend', 'DSAR-2026-0001', '--reason', 'Complex', ...args, '--json'], cwd, { OJCO_DSAR_TODAY: '2026-02-19' });
      expect(ahead.code).toBe(2);
      expect(ahead.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['case.date-future']);
    }
    expect(run(['case', 'show', 'DSAR-2026-0001', '--json'], cwd).json.extended).toBe(false);

    const ok = run(['case', 'extend', 'DSAR-2026-0001', '--reason', 'Requests covering four systems', '--as-of', '2026-02-20', '--json'], cwd);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ id: 'DSAR-2026-0001', dueDate: '2026-04-30', extended: true, extension: { decidedOn: '2026-02-20', noticeDate: '2026-02-20' } });

    const twice = run(['case', 'extend', 'DSAR-2026-0001', '--reason', 'Again', '--as-of', '2026-02-21'], cwd);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already extended');

    expect(run(['case', 'extend', 'DSAR-2026-0001', '--as-of', '2026-02-21'], cwd).stderr).toContain('--reason TEXT is required');
  });
});

describe('case list: days left, overdue in red, --fail-on-overdue', () => {
  it('marks only open cases as overdue and exits 1 with --fail-on-overdue', () => {
    const { cwd } = project('overdue');
    run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31'], cwd); // due 2026-03-02
    run(['case', 'open', '--type', 'access', '--email', 'b@example.se', '--received', '2026-01-15'], cwd); // due 2026-02-16
    run(['case', 'answer', 'DSAR-2026-0002', '--on', '2026-02-16'], cwd);

    const before = run(['case', 'list', '--as-of', '2026-03-02', '--fail-on-overdue', '--json'], cwd);
    expect(before.code).toBe(0);
    expect(before.json.summary).toEqual({ total: 2, open: 1, overdue: 0 });

    const after = run(['case', 'list', '--as-of', '2026-03-03', '--fail-on-overdue', '--json'], cwd);
    expect(after.code).toBe(1);
    expect(after.json.cases.find((c: { id: string }) => c.id === 'DSAR-2026-0001')).toMatchObject({ overdue: true, daysLeft: -1 });
    expect(after.json.cases.find((c: { id: string }) => c.id === 'DSAR-2026-0002')).toMatchObject({ overdue: false, daysLeft: null, status: 'answered' });
    expect(after.stderr).toContain('overdue: DSAR-2026-0001');

    const human = run(['case', 'list', '--as-of', '2026-03-03'], cwd, { FORCE_COLOR: '1', NO_COLOR: undefined });
    expect(human.code).toBe(0);
    const line = human.stdout.split('\n').find((l) => l.includes('DSAR-2026-0001'))!;
    expect(line).toContain('\u001b[31m'); // red
    expect(line).toContain('1 day overdue');
    expect(run(['case', 'list', '--open', '--json', '--as-of', '2026-03-03'], cwd).json.cases).toHaveLength(1);
  });
});

describe('the evidence manifest and case verify', () => {
  it('answer and close write manifests; a changed input file is named by verify (exit 1)', () => {
    const { cwd, home, input } = project('manifest');
    const opened = run(['case', 'open', '--type', 'access', ...IDENTIFIER_ARGS, '--received', '2026-01-31', '--json'], cwd);
    const id = opened.json.id as string;
    expect(run(['case', 'verify-identity', id, '--method', 'email-on-file', '--on', '2026-02-01', '--json'], cwd).json).toMatchObject({ status: 'verified', identity: { method: 'email-on-file', by: 'Privacy Officer', on: '2026-02-01' } });
    writeFileSync(path.join(cwd, 'extract.html'), '<html>extract</html>');
    const att = run(['case', 'attach', id, 'extract.html', '--kind', 'extract', '--json'], cwd);
    expect(att.code).toBe(0);
    expect(att.json.attachment).toMatchObject({ kind: 'extract', size: 20, copied: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/u) });
    // The same file again (a command run twice): nothing added, no second event (the manifest's events below).
    const twice = run(['case', 'attach', id, 'extract.html', '--kind', 'extract', '--json'], cwd);
    expect(twice.code).toBe(0);
    expect(twice.json).toMatchObject({ existing: true, attachment: { id: att.json.attachment.id } });
    // A folder is not a file: said so, exit 2, no trace.
    const folder = run(['case', 'attach', id, 'exports', '--json'], cwd);
    expect(folder.code).toBe(2);
    expect(folder.json.error.problems[0].message).toContain('is a folder');

    const answered = run(['case', 'answer', id, '--on', '2026-02-25', '--json'], cwd);
    expect(answered.code).toBe(0);
    expect(answered.json).toMatchObject({ status: 'answered', outcome: { type: 'answered', on: '2026-02-25', late: false } });
    const closed = run(['case', 'close', id, '--on', '2026-02-26', '--json'], cwd);
    expect(closed.code).toBe(0);
    expect(closed.json).toMatchObject({ status: 'closed', closedOn: '2026-02-26', retainUntil: '2029-02-26', retentionMonths: 36 });

    const manifestPath = closed.json.manifest.path as string;
    expect(path.dirname(manifestPath)).toBe(path.join(home, 'cases', id));
    expect(statSync(manifestPath).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    expect(manifest).toMatchObject({ schema: 'ojco-dsar/case-manifest/v1', caseId: id, reason: 'closed', tool: { name: 'ojco-dsar', version: expect.any(String) } });
    expect(manifest.config.sha256).toMatch(/^[0-9a-f]{64}$/u);
    expect(manifest.inputs).toEqual([expect.objectContaining({ source: 'newsletter', connector: 'newsletter', rel: 'exports/members.csv', size: statSync(input).size })]);
    expect(manifest.outputs).toEqual([expect.objectContaining({ kind: 'extract', size: 20 })]);
    expect(manifest.events.map((e: { type: string }) => e.type)).toEqual(['case-opened', 'identity-verified', 'attachment-added', 'answered', 'manifest-written', 'closed']);
    const manifestText = readFileSync(manifestPath, 'utf8');
    for (const f of FORBIDDEN) expect(manifestText).not.toContain(f);

    const ok = run(['case', 'verify', id, '--json'], cwd);
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, problems: [], cases: [{ id, manifests: 2, files: 3 }] });

    appendFileSync(input, 'someone.else@mail.example,Some,One\n');
    const bad = run(['case', 'verify', id, '--json'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.problems).toEqual([expect.objectContaining({ code: 'file.changed', file: 'exports/members.csv', caseId: id })]);
    const human = run(['case', 'verify', id], cwd);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('exports/members.csv has changed');

    writeFileSync(path.join(cwd, 'extract.html'), 'gone');
    expect(run(['case', 'verify', '--json'], cwd).json.problems.map((p: { file: string }) => path.basename(p.file))).toEqual(['members.csv', 'extract.html']);
  });

  it('a case opened without a config keeps the one its answer is given with, and the log names it', () => {
    const cwd = tempDir('ojco-dsar-case-');
    const home = path.join(cwd, 'home');
    const id = run(['case', 'open', '--type', 'access', '--email', 'marta.oberg@mail.example', '--received', '2026-01-31', '--home', home, '--json'], cwd).json.id as string;
    const config = path.join(ROOT, 'fixtures/ojco-dsar.config.yaml');
    const answered = run(['case', 'answer', id, '--on', '2026-02-25', '--home', home, '--config', config, '--json'], cwd);
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.stderr).not.toMatch(/no config file/u);
    expect(run(['case', 'show', id, '--home', home, '--json'], cwd).json.configFile).toBe(config);
    const log = run(['case', 'log', id, '--home', home], cwd).stdout;
    expect(log).toMatch(/config-remembered +.*fixtures\/ojco-dsar\.config\.yaml/u);
    expect(run(['case', 'verify', '--home', home], cwd).code).toBe(0);
  });

  it('editing an event in the database makes verify fail naming the event (exit 1)', () => {
    const { cwd, home } = project('tamper');
    run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-31'], cwd); // #1
    run(['case', 'verify-identity', 'DSAR-2026-0001', '--method', 'bankid', '--on', '2026-02-01'], cwd); // #2
    run(['case', 'note', 'DSAR-2026-0001', 'Called back'], cwd); // #3
    run(['case', 'start', 'DSAR-2026-0001'], cwd); // #4
    expect(run(['case', 'verify'], cwd).code).toBe(0);

    const db = new Database(path.join(home, 'cases.db'));
    db.exec('DROP TRIGGER events_append_only_update');
    db.prepare("UPDATE events SET payload = replace(payload, 'bankid', 'in-person') WHERE seq = 2").run();
    db.close();
    const r = run(['case', 'verify', 'DSAR-2026-0001', '--json'], cwd);
    expect(r.code).toBe(1);
    expect(r.json.problems).toContainEqual(expect.objectContaining({ code: 'event.changed', seq: 2, message: expect.stringContaining('event #2') }));
    const human = run(['case', 'verify'], cwd);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('event #2 (case DSAR-2026-0001, identity-verified) was changed');
  });
});

describe('case refuse', () => {
  it('records grounds, reasons and the complaint information', () => {
    const { cwd } = project('refuse');
    run(['case', 'open', '--type', 'erasure', '--email', SUBJECT.email, '--received', '2026-01-31'], cwd);
    expect(run(['case', 'refuse', 'DSAR-2026-0001', '--ground', 'bogus'], cwd).code).toBe(2);
    const r = run(['case', 'refuse', 'DSAR-2026-0001', '--ground', 'excessive', '--reason', 'Fourth identical request', '--on', '2026-02-10', '--json'], cwd);
    expect(r.code).toBe(0);
    expect(r.json.outcome).toMatchObject({ type: 'refused', grounds: ['excessive'], late: false, complaintInformation: { supervisoryAuthority: expect.stringContaining('IMY') } });
    const human = run(['case', 'show', 'DSAR-2026-0001'], cwd);
    expect(human.stdout).toContain('refused on 2026-02-10');
  });
});

describe('case answer: a partial refusal after an extension', () => {
  it('is late after the one-month date, and warned (ER-4, Art. 12(4))', () => {
    const cwd = path.join(root, 'partial-late');
    mkdirSync(cwd, { recursive: true });
    const o = ['--config', path.join(ROOT, 'fixtures', 'ojco-dsar.config.yaml'), '--home', path.join(cwd, 'home')];
    const env = { OJCO_DSAR_TODAY: '2026-11-26' };
    run(['case', 'open', '--type', 'erasure', '--email', SUBJECT.email, '--received', '2026-10-20', ...o], cwd, env);
    expect(run(['case', 'extend', 'DSAR-2026-0001', '--reason', 'complex', '--as-of', '2026-11-10', ...o], cwd, env).code).toBe(0);
    // The fixtures keep her invoices (BF-1): the erasure plan refuses part of the request.
    expect(run(['erase', '--email', SUBJECT.email, '--case', 'DSAR-2026-0001', '--out', path.join(cwd, 'p.json'), '--yes', ...o], cwd, env).code).toBe(0);
    const a = run(['case', 'answer', 'DSAR-2026-0001', '--json', ...o], cwd, env);
    expect(a.code, a.stderr).toBe(0);
    expect(a.json.dueDate > '2026-11-26').toBe(true);
    expect(a.json.outcome).toMatchObject({ type: 'answered', on: '2026-11-26', partialRefusal: true, late: true });
    expect(a.stderr).toContain('after the one-month date 2026-11-20 by which the reasons for the partial refusal were due (Art. 12(4), ER-4)');
    expect(run(['case', 'show', 'DSAR-2026-0001', ...o], cwd, env).stdout).toContain('(late)');
  });
});

describe('case purge', () => {
  it('needs --yes without a terminal, removes personal data after retention, and verify still passes', () => {
    const { cwd, home } = project('purge');
    run(['case', 'open', '--type', 'access', ...IDENTIFIER_ARGS, '--received', '2026-01-31'], cwd);
    run(['case', 'answer', 'DSAR-2026-0001', '--on', '2026-02-20'], cwd);
    run(['case', 'close', 'DSAR-2026-0001', '--on', '2026-02-21', '--retention-months', '12'], cwd);
    run(['case', 'open', '--type', 'access', '--email', 'keep@example.se', '--received', '2026-02-01'], cwd);

    expect(run(['case', 'purge', '--as-of', '2027-02-21', '--json'], cwd).json.due).toEqual([]);
    const dry = run(['case', 'purge', '--as-of', '2027-02-22', '--dry-run', '--json'], cwd);
    expect(dry.json.due).toEqual([{ id: 'DSAR-2026-0001', closedOn: '2026-02-21', retainUntil: '2027-02-21' }]);
    const noYes = run(['case', 'purge', '--as-of', '2027-02-22'], cwd, { OJCO_DSAR_TODAY: '2027-02-22' });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');

    // Purging what is still inside its retention today is refused; the tool's clock can be set for a rehearsal.
    const early = run(['case', 'purge', '--as-of', '2027-02-22', '--yes', '--json'], cwd, { OJCO_DSAR_TODAY: '2027-02-21' });
    expect(early.code).toBe(2);
    expect(early.json.error.problems[0].code).toBe('usage.as-of-future');
    // Chosen as of the 22nd, purged on the 25th: the tombstone says when the data went.
    const purged = run(['case', 'purge', '--as-of', '2027-02-22', '--yes', '--json'], cwd, { OJCO_DSAR_TODAY: '2027-02-25' });
    expect(purged.code).toBe(0);
    expect(purged.json.purged).toEqual([expect.objectContaining({ id: 'DSAR-2026-0001', removed: { identifiers: 4, texts: 0, attachments: 0, manifests: 2 } })]);
    expect(existsSync(path.join(home, 'cases', 'DSAR-2026-0001'))).toBe(false);
    const dbText = (() => {
      const db = new Database(path.join(home, 'cases.db'), { readonly: true });
      const t = JSON.stringify(['subject_identifiers', 'events', 'cases', 'case_texts'].map((n) => db.prepare(`SELECT * FROM ${n}`).all()));
      db.close();
      return t;
    })();
    for (const f of FORBIDDEN) expect(dbText).not.toContain(f);
    expect(dbText).toContain('keep@example.se');

    expect(run(['case', 'verify', '--json'], cwd).json).toMatchObject({ ok: true });
    expect(run(['case', 'list', '--json'], cwd).json.cases.map((c: { id: string }) => c.id)).toEqual(['DSAR-2026-0002']);
    expect(run(['case', 'list', '--include-purged', '--json'], cwd).json.cases.find((c: { id: string }) => c.id === 'DSAR-2026-0001')).toMatchObject({ status: 'purged' });
    expect(run(['case', 'log', 'DSAR-2026-0001', '--json'], cwd).json.events.at(-1).type).toBe('purged');
    expect(run(['case', 'show', 'DSAR-2026-0001', '--json'], cwd).json.purgedOn).toBe('2027-02-25');
  });
});

describe('case export', () => {
  it('writes the register as CSV and XLSX, 0600, no identifiers, never over a file without --force', async () => {
    const { cwd } = project('export');
    run(['case', 'open', '--type', 'access,erasure', ...IDENTIFIER_ARGS, '--received', '2026-01-31', '--channel', 'letter'], cwd);
    run(['case', 'extend', 'DSAR-2026-0001', '--reason', 'Marta Öberg asked for 2019 too', '--as-of', '2026-02-02'], cwd);
    const csv = run(['case', 'export', '--out', 'register.csv', '--as-of', '2026-03-01', '--json'], cwd);
    expect(csv.code).toBe(0);
    expect(csv.json).toMatchObject({ format: 'csv', rows: 1 });
    const text = readFileSync(path.join(cwd, 'register.csv'), 'utf8');
    expect(statSync(path.join(cwd, 'register.csv')).mode & 0o777).toBe(0o600);
    expect(text.split('\r\n')[0]).toContain('case_id,request_types,articles,received_date');
    expect(text).toContain('DSAR-2026-0001,"access, erasure","Art. 15, Art. 17",2026-01-31,letter');
    for (const f of FORBIDDEN) expect(text).not.toContain(f);

    const again = run(['case', 'export', '--out', 'register.csv'], cwd);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(run(['case', 'export', '--out', 'register.csv', '--force'], cwd).code).toBe(0);

    const xlsx = run(['case', 'export', '--format', 'xlsx', '--out', 'register.xlsx', '--json'], cwd);
    expect(xlsx.code).toBe(0);
    expect(statSync(path.join(cwd, 'register.xlsx')).mode & 0o777).toBe(0o600);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(cwd, 'register.xlsx'));
    const ws = wb.getWorksheet('Case register')!;
    expect(ws.getRow(1).getCell(1).value).toBe('case_id');
    expect(ws.getRow(2).getCell(1).value).toBe('DSAR-2026-0001');
    expect(run(['case', 'export', '--out', 'register.txt'], cwd).code).toBe(2);
  });
});

describe('home, actor and help', () => {
  it('home: --home > OJCO_DSAR_HOME > config home: > beside the config > the cwd', () => {
    const { cwd } = project('homes');
    const id = (r: CliResult): string => r.json.id;
    const open = (extra: string[], env: Record<string, string> = {}, where = cwd): CliResult => run(['case', 'open', '--type', 'access', '--email', 'h@example.se', '--received', '2026-05-05', '--json', ...extra], where, env);
    expect(id(open([]))).toBe('DSAR-2026-0001');
    expect(existsSync(path.join(cwd, '.ojco-dsar', 'cases.db'))).toBe(true);
    open(['--home', 'flag-home']);
    expect(existsSync(path.join(cwd, 'flag-home', 'cases.db'))).toBe(true);
    open([], { OJCO_DSAR_HOME: path.join(cwd, 'env-home') });
    expect(existsSync(path.join(cwd, 'env-home', 'cases.db'))).toBe(true);
    open(['--home', 'flag-wins'], { OJCO_DSAR_HOME: path.join(cwd, 'env-loses') });
    expect(existsSync(path.join(cwd, 'env-loses'))).toBe(false);

    const sub = path.join(cwd, 'conf');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'other.yaml'), 'sources:\n  - name: n\n    connector: newsletter\n    path: ../exports\nhome: ../config-home\nactor: From Config\n');
    const r = open(['--config', 'conf/other.yaml']);
    expect(existsSync(path.join(cwd, 'config-home', 'cases.db'))).toBe(true);
    const log = run(['case', 'log', r.json.id, '--config', 'conf/other.yaml', '--json'], cwd);
    expect(log.json.events[0].actor).toBe('From Config');
    const flagged = open(['--config', 'conf/other.yaml', '--actor', 'Flag Actor']);
    expect(run(['case', 'log', flagged.json.id, '--config', 'conf/other.yaml', '--json'], cwd).json.events[0].actor).toBe('Flag Actor');

    const bare = path.join(root, 'no-config');
    mkdirSync(bare);
    open([], {}, bare);
    expect(existsSync(path.join(bare, '.ojco-dsar', 'cases.db'))).toBe(true);
  });

  it('refuses a database from a newer version with a clear error (exit 2)', () => {
    const { cwd, home } = project('newer');
    run(['case', 'open', '--type', 'access', '--email', SUBJECT.email], cwd);
    const db = new Database(path.join(home, 'cases.db'));
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')").run();
    db.close();
    const r = run(['case', 'list'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('written by a newer ojco-dsar');
    expect(r.stderr).toContain('Upgrade ojco-dsar');
  });

  it('every case --help lists the JSON shape, the exit codes and an example', () => {
    const cwd = root;
    for (const sub of ['open', 'list', 'show', 'extend', 'verify-identity', 'start', 'note', 'attach', 'answer', 'refuse', 'close', 'log', 'verify', 'purge', 'export']) {
      const r = run(['case', sub, '--help'], cwd);
      expect(r.code, sub).toBe(0);
      expect(r.stdout, sub).toContain('JSON (--json)');
      expect(r.stdout, sub).toContain('Exit codes:');
      expect(r.stdout, sub).toMatch(/Example/u);
    }
    const open = run(['case', 'open', '--help'], cwd).stdout;
    expect(open).toContain('"id", "types", "status", "receivedDate"');
    expect(open).toContain('--email');
    expect(run(['case', '--help'], cwd).stdout).toContain('verify-identity');
    expect(run(['case', 'bogus'], cwd).code).toBe(2);
    expect(run(['case', 'list', '--bogus'], cwd).code).toBe(2);
  });
});

describe('case details found while documenting (eve warning, late extension, dates, log, purge)', () => {
  it('warns when the due date is an eve (DL-4) and no longer offers an extension after the one-month date', () => {
    const { cwd } = project('eve');
    const id = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-11-24', '--json'], cwd).json.id;
    const before = run(['case', 'show', id, '--as-of', '2026-12-01', '--json'], cwd).json;
    expect(before.dueDate).toBe('2026-12-24');
    expect(before.warnings.join('\n')).toContain('julafton');
    const human = run(['case', 'show', id, '--as-of', '2026-12-01'], cwd).stdout;
    expect(human).toContain('possible until 2026-12-24');
    expect(human).toContain('julafton');
    const late = run(['case', 'show', id, '--as-of', '2026-12-28'], cwd).stdout;
    expect(late).toContain('no longer possible: the one-month date 2026-12-24 has passed');
    expect(late).not.toContain('possible until');
  });

  it('refuses an answer dated before receipt before hashing anything, and summarises note and plan events in the log', () => {
    const { cwd } = project('order');
    const id = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-03-10', '--json'], cwd).json.id;
    const r = run(['case', 'answer', id, '--on', '2026-03-01', '--json'], cwd);
    expect(r.code).toBe(2);
    expect(r.json.error.problems[0].code).toBe('case.date-before-receipt');
    expect(r.stderr).not.toContain('answering anyway');
    expect(r.stderr).not.toContain('manifest');
    run(['case', 'note', id, 'Called back'], cwd);
    const log = run(['case', 'log', id], cwd).stdout;
    expect(log).toMatch(/note-added\s+text #1/u);
  });

  it('purge warns when --as-of lies beyond a retention that has not ended today', () => {
    const { cwd } = project('purge-future');
    const id = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-05', '--json'], cwd).json.id;
    run(['case', 'answer', id, '--on', '2026-01-20'], cwd);
    // Kept until 2126-01-21: still inside its retention on the day this test runs.
    run(['case', 'close', id, '--on', '2026-01-21', '--retention-months', '1200'], cwd);
    const far = run(['case', 'purge', '--as-of', '2199-01-01', '--dry-run', '--json'], cwd);
    expect(far.code).toBe(0);
    expect(far.json.due.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(far.stderr).toContain('is after today');
  });
  it('creates nothing for a command that only reads, in a home without a register (a mistyped --home), and says so', () => {
    const { cwd } = project('mistyped-home');
    const home = path.join(cwd, 'no-such-home');
    for (const args of [['case', 'list'], ['case', 'verify'], ['case', 'purge', '--dry-run'], ['ledger', 'list'], ['sweep', '--dry-run']]) {
      const r = run([...args, '--home', home], cwd);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr).toContain('no case register in no-such-home yet');
    }
    expect(run(['case', 'show', 'DSAR-2026-0001', '--home', home], cwd).code).toBe(2);
    expect(existsSync(home)).toBe(false);
    // An empty --home (an unset shell variable) is not quietly another home.
    const empty = run(['case', 'list', '--home', '', '--json'], cwd);
    expect(empty.code).toBe(2);
    expect(empty.json.error.problems[0].code).toBe('usage.home');
  });

  it('takes --config naming the folder of the config, as the commands that read sources do', () => {
    const { cwd } = project('config-folder');
    const opened = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--config', '.', '--json'], cwd);
    expect(opened.code, opened.stderr).toBe(0);
    // The config's actor, read from the config in the folder.
    expect(run(['case', 'log', opened.json.id, '--config', '.', '--json'], cwd).json.events[0].actor).toBe('Privacy Officer');
  });

  it('lists every problem of case open at once, and refuses --open with a status that is not open', () => {
    const { cwd } = project('all-at-once');
    const r = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-02-30', '--channel', 'mail', '--json'], cwd);
    expect(r.code).toBe(2);
    expect(r.json.error.problems.map((p: { code: string }) => p.code).sort()).toEqual(['usage.channel', 'usage.date']);
    const both = run(['case', 'list', '--open', '--status', 'closed', '--json'], cwd);
    expect(both.code).toBe(2);
    expect(both.json.error.problems[0].code).toBe('usage.status');
  });

  it('refuses a date recorded as done that lies after today, and changes nothing', () => {
    const { cwd } = project('future-on');
    const id = run(['case', 'open', '--type', 'access', '--email', SUBJECT.email, '--received', '2026-01-05', '--json'], cwd).json.id;
    const future = run(['case', 'verify-identity', id, '--method', 'bankid', '--on', '2199-01-10', '--json'], cwd);
    expect(future.code).toBe(2);
    expect(future.json.error.problems[0]).toMatchObject({ code: 'case.date-future', message: expect.stringContaining('--on 2199-01-10 is after today') });
    const v = run(['case', 'verify-identity', id, '--method', 'bankid'], cwd);
    expect(v.code).toBe(0);
    expect(v.stderr).not.toContain('after today');
    for (const cmd of [['answer'], ['refuse', '--ground', 'manifestly-unfounded', '--reason', 'x'], ['close']]) {
      const r = run(['case', ...cmd.slice(0, 1), id, ...cmd.slice(1), '--on', '2199-01-20', '--json'], cwd);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.json.error.problems[0].code).toBe('case.date-future');
    }
    // Nothing was recorded: the case answers today as usual.
    const log = run(['case', 'log', id, '--json'], cwd).json.events.map((e: { type: string }) => e.type);
    expect(log).toEqual(['case-opened', 'identity-verified']);
    expect(run(['case', 'answer', id, '--json'], cwd).code).toBe(0);
  });
});
