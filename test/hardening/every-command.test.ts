/**
 * Issue #8 points 4 and 5, on the built CLI: every command and subcommand is
 * run on a private copy of the fixtures with the identifiers of P3 Märta
 * Öberg (e-mail, phone, personnummer, name, address), succeeding and failing
 * (bad flags, a missing file, a malformed config and source, a refused
 * overwrite, an unknown case, a wrong date, ...), with and without --json.
 * The child processes run with umask 000, so every mode seen is the one the
 * code asked for.
 *
 * Point 4, no personal data in logs: none of her identifiers, in any
 * normalised form, on stderr; in any error message (the JSON error objects on
 * stdout, the `skipped` entries of a search that could not read a file); on
 * stdout of the commands that print no personal data; or anywhere in the
 * case store outside her subject record (the audit events, the suppression
 * list, the ledger, the manifests on disk and the case register export).
 *
 * Point 5, files: every file a command writes (extracts, plans, batch
 * outputs, the config of init, the case register export, cases.db, case
 * folders, copied attachments, manifests) is 0600 and every folder 0700;
 * each writing command run twice refuses to overwrite without --force and
 * leaves the first file exactly as it was; and every input (the whole
 * fixtures tree with its config, the requests file, the attached letter) has
 * the same bytes, mode and mtime after all commands as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { copyFixtures, dumpDb, ensureBuilt, leakingLines, PERSONA, PERSONA_FLAGS, personalData, pool, runCli, tempDir, walk, type Entry, type Run } from './harness.ts';

interface Spec {
  id: string;
  args: string[];
  /** Exit codes the run may end with. */
  expect: number[];
  /** A successful run prints the person's data on stdout (find, export, a plan, the case itself). */
  data?: boolean;
  /** Environment of the run (OJCO_DSAR_TODAY for a sweep or purge dated after the real today). */
  env?: Record<string, string>;
}

interface Done extends Spec {
  run: Run;
}

/** A command that writes files, run three times: first, again (refused, files untouched), again with --force. */
interface Twice {
  id: string;
  args: string[];
  files: string[];
  /** Flag that permits the overwrite (--force), or undefined when the command has none. */
  force?: string[];
  /** Exit code and error code of the second run (the refusal). */
  refused: { code: number; error?: RegExp };
  env?: Record<string, string>;
}

let T = '';
let INPUTS = '';
let CONFIG = '';
let WORK = '';
let HOME = '';
let OUT = '';
const done: Done[] = [];
const twiceResults: { t: Twice; files: string[]; first: Run; second: Run; third?: Run; before: Map<string, string>; after: Map<string, string> }[] = [];
let inputsBefore: Entry[] = [];
let inputsAfter: Entry[] = [];
let dbBeforePurge: Record<string, Record<string, unknown>[]> = {};
let dbAfterPurge: Record<string, Record<string, unknown>[]> = {};
let homeBeforePurge: Entry[] = [];
let manifestTexts: { file: string; text: string }[] = [];
let registerTexts: { file: string; text: string }[] = [];
let seconds = 0;
let namedAfterHer: string[] = [];

/** The text without the names of input files that happen to be named after her. */
function scrub(text: string): string {
  let t = text;
  for (const n of namedAfterHer) t = t.split(n).join('<file>');
  return t;
}

const CASE_A = 'DSAR-2026-0001';
const CASE_B = 'DSAR-2026-0002';
const AS_OF = ['--as-of', '2026-04-01'];

function spec(id: string, args: string[], expect: number | number[], opts: { data?: boolean; env?: Record<string, string> } = {}): Spec {
  return { id, args, expect: Array.isArray(expect) ? expect : [expect], ...opts };
}

/** The same run with and without --json. */
function both(id: string, args: string[], expect: number | number[], opts: { data?: boolean } = {}): Spec[] {
  return [spec(`${id} (human)`, args, expect, opts), spec(`${id} --json`, [...args, '--json'], expect, opts)];
}

/** A failing run, with or without --json (the coverage test checks that every command gets both). */
function fail(id: string, args: string[], expect: number | number[], opts: { data?: boolean; json: boolean; env?: Record<string, string> }): Spec {
  return opts.json ? spec(`${id} --json`, [...args, '--json'], expect, opts) : spec(`${id} (human)`, args, expect, opts);
}

async function exec(specs: Spec[]): Promise<void> {
  const runs = await pool(specs.map((s) => () => runCli(s.args, { cwd: WORK, ...(s.env ? { env: s.env } : {}) })));
  specs.forEach((s, i) => done.push({ ...s, run: runs[i]! }));
}

function fileStates(files: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of files) {
    try {
      const st = statSync(f);
      m.set(f, `${st.size} bytes, mtime ${st.mtimeMs}, mode ${(st.mode & 0o777).toString(8)}, sha256 ${createHash('sha256').update(readFileSync(f)).digest('hex')}`);
    } catch {
      m.set(f, 'missing');
    }
  }
  return m;
}

async function twice(list: Twice[]): Promise<void> {
  await pool(
    list.map((t) => async () => {
      const env = t.env ? { env: t.env } : {};
      const first = await runCli(t.args, { cwd: WORK, ...env });
      const files = t.files.length > 0 ? t.files : filesOf(first);
      const before = fileStates(files);
      const second = await runCli(t.args, { cwd: WORK, ...env });
      const after = fileStates(files);
      const third = t.force ? await runCli([...t.args, ...t.force], { cwd: WORK, ...env }) : undefined;
      twiceResults.push({ t, files, first, second, ...(third ? { third } : {}), before, after });
      done.push({ id: `${t.id} (first)`, args: t.args, expect: [0], data: true, run: first });
      done.push({ id: `${t.id} (again: refused)`, args: t.args, expect: [t.refused.code], run: second });
      if (third) done.push({ id: `${t.id} (again with ${t.force!.join(' ')})`, args: [...t.args, ...t.force!], expect: [0], data: true, run: third });
    }),
  );
}

function out(...p: string[]): string {
  return path.join(OUT, ...p);
}

beforeAll(async () => {
  await ensureBuilt();
  const started = Date.now();
  T = tempDir('ojco-dsar-hardening-');
  INPUTS = path.join(T, 'inputs');
  WORK = path.join(T, 'work');
  HOME = path.join(T, 'h', 'home');
  OUT = path.join(T, 'out');
  mkdirSync(INPUTS, { mode: 0o700 });
  mkdirSync(WORK, { mode: 0o700 });
  CONFIG = copyFixtures(path.join(INPUTS, 'fixtures'));
  // The expectations' names are the config author's own labels; here they name no one, so that
  // anything `check` prints about her comes from the tool, not from the label.
  writeFileSync(CONFIG, readFileSync(CONFIG, 'utf8').replace(/- name: .*\(P(\d)\)(.*)$/gmu, '- name: P$1$2').replace('- name: A name alone is never exact', '- name: name only'));
  writeFileSync(
    path.join(INPUTS, 'requests.csv'),
    `id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id\nR-1,access,2025-11-03,${PERSONA.email},${PERSONA.phone},,,,,\nR-2,erasure,2025-11-04,,,${PERSONA.pnr},,,,\n`,
  );
  writeFileSync(
    path.join(INPUTS, 'requests-bad.csv'),
    `id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id\nR-1,access,2025-11-31,marta.oberg@@mail.example,,${PERSONA.badPnr},,${PERSONA.name},,\nR-2,deletion,2025-11-04,,070-174 06 3,,,,,\n`,
  );
  writeFileSync(path.join(INPUTS, 'reply-letter.txt'), 'Svar på begäran om registerutdrag.\n');
  // A malformed config whose broken line holds her e-mail address.
  writeFileSync(path.join(INPUTS, 'bad.config.yaml'), `sources:\n  - name: x\n    connector: newsletter\n    path: fixtures/newsletter/nyhetsbrev\nexpectations:\n  - name: t\n    find: { email: [${PERSONA.email} }\n`);
  // A source that breaks on her own row (unbalanced quotes), beside a good one.
  mkdirSync(path.join(INPUTS, 'broken'));
  writeFileSync(
    path.join(INPUTS, 'broken', 'members.csv'),
    `Email Address,First Name,Last Name,Phone\nkarin.holm@mail.example,Karin,Holm,070-174 06 90\n${PERSONA.email},"Märta,Öberg,${PERSONA.phone}\nsven.svensson@mail.example,Sven,Svensson,\n`,
  );
  writeFileSync(
    path.join(INPUTS, 'broken.config.yaml'),
    `sources:\n  - name: broken-list\n    connector: newsletter\n    path: broken/members.csv\n  - name: good-list\n    connector: newsletter\n    path: fixtures/newsletter/nyhetsbrev\n`,
  );
  inputsBefore = walk(INPUTS);
  // Messages name files; a file the company named after her (an Outlook vCard, "Märta Öberg.vcf") is
  // named as a file, not as her. Those names are taken out before looking for her identifiers.
  namedAfterHer = [...new Set(inputsBefore.map((e) => path.basename(e.rel)).filter((n) => personalData(n).length > 0))];

  const C = ['--config', CONFIG];
  const H = ['--home', HOME];
  const P = PERSONA_FLAGS;
  const E = ['--email', PERSONA.email];

  // ---- Stage 1: everything that needs no case, and the cases.
  const stage1: Spec[] = [
    spec('find, default home --json', ['find', ...C, ...P, '--json'], 0, { data: true }),
    spec('check (human)', ['check', ...C], 0),
    spec('connectors (human)', ['connectors'], 0),
    spec('connectors lime --json', ['connectors', 'lime', '--json'], 0),
    ...both('deadline', ['deadline', '--received', '2026-03-02', '--as-of', '2026-03-10'], 0),
    spec('rectify --out (human)', ['rectify', ...C, ...P, '--set', `email=${PERSONA.newEmail}`, '--out', out('plans', 'rectify', 'plan.json'), '--format', 'json,html', ...AS_OF, '--yes'], 0, { data: true }),
    spec('restrict --json', ['restrict', ...C, ...P, '--ground', 'a', '--out', out('plans', 'restrict.json'), ...AS_OF, '--json'], 0, { data: true }),
    spec('object, default file name in the cwd (human)', ['object', ...C, ...P, '--marketing', ...H, ...AS_OF, '--yes'], 0, { data: true }),
    spec('withdraw-consent --json', ['withdraw-consent', ...C, ...E, ...H, '--out', out('plans', 'withdraw.json'), '--format', 'json,xlsx', ...AS_OF, '--json'], 0, { data: true }),
    // Failing runs that need no case.
    fail('find: unknown option with her e-mail as its value', ['find', ...C, `--emial=${PERSONA.email}`], 2, { json: false }),
    fail('find: her personnummer with a wrong check digit', ['find', ...C, '--pnr', PERSONA.badPnr], 2, { json: true }),
    fail('find: a malformed e-mail and a short phone', ['find', ...C, '--email', 'marta.oberg@@mail.example', '--phone', '070-174 06 3'], 2, { json: false }),
    fail('find: missing config', ['find', '--config', path.join(INPUTS, 'missing.yaml'), ...E], 2, { json: true }),
    fail('find: malformed config', ['find', '--config', path.join(INPUTS, 'bad.config.yaml'), ...E], 2, { json: false }),
    fail('find: a source broken on her row', ['find', '--config', path.join(INPUTS, 'broken.config.yaml'), ...P], 3, { data: true, json: true }),
    fail('unknown command that is her personnummer', [PERSONA.pnr], 2, { json: false }),
    fail('export: a wrong date', ['export', ...C, ...E, '--out', out('never'), '--as-of', '2026-02-30'], 2, { json: true }),
    fail('export: unknown case', ['export', ...C, ...E, '--out', out('never'), '--case', 'DSAR-2026-9999', ...H], 2, { json: false }),
    fail('export: a source broken on her row', ['export', '--config', path.join(INPUTS, 'broken.config.yaml'), ...P, '--out', out('export', 'broken'), '--format', 'json'], 3, { data: true, json: false }),
    fail('batch: missing requests file', ['batch', path.join(INPUTS, 'missing.csv'), ...C, '--out', out('never')], 2, { json: false }),
    fail('batch: malformed requests', ['batch', path.join(INPUTS, 'requests-bad.csv'), ...C, '--out', out('never'), ...H], 2, { json: true }),
    fail('check: malformed config', ['check', '--config', path.join(INPUTS, 'bad.config.yaml')], 1, { json: true }),
    fail('init: refuses to overwrite the config beside the exports', ['init', path.join(INPUTS, 'fixtures'), '--yes'], 2, { json: true }),
    fail('connectors: unknown id', ['connectors', 'nope'], 2, { json: false }),
    fail('deadline: a wrong date', ['deadline', '--received', '2026-13-01'], 2, { json: true }),
    fail('deadline: her personnummer as the date', ['deadline', '--received', PERSONA.pnr], 2, { json: false }),
    fail('erase: her personnummer with a wrong check digit', ['erase', ...C, '--pnr', PERSONA.badPnr, ...H], 2, { json: true }),
    fail('erase: unknown case', ['erase', ...C, ...P, ...H, '--case', 'DSAR-2026-9999', '--out', out('never.json')], 2, { json: false }),
    fail('rectify: --set without a field', ['rectify', ...C, ...E, '--set', PERSONA.newEmail], 2, { json: true }),
    fail('rectify: an invalid new personnummer', ['rectify', ...C, ...E, '--set', `pnr=${PERSONA.badPnr}`, '--dry-run'], 2, { json: false }),
    fail('restrict: no ground', ['restrict', ...C, ...E], 2, { json: false }),
    fail('object: neither --marketing nor --profiling', ['object', ...C, ...E, ...H], 2, { json: true }),
    fail('withdraw-consent: her e-mail as the case id', ['withdraw-consent', ...C, ...E, ...H, '--case', PERSONA.email], 2, { json: false }),
    fail('sweep: unknown case', ['sweep', ...H, '--case', 'DSAR-2026-9999', '--as-of', '2033-02-01'], 2, { json: true }),
    fail('ledger list: unknown status', ['ledger', 'list', ...H, '--status', 'gone'], 2, { json: false }),
    fail('ledger hold: unknown entry', ['ledger', 'hold', '99999', ...H], 2, { json: false }),
    fail('ledger release: unknown entry', ['ledger', 'release', '99999', ...H], 2, { json: true }),
    fail('ledger hold: her e-mail as the id', ['ledger', 'hold', PERSONA.email, ...H], 2, { json: true }),
    fail('case open: her personnummer with a wrong check digit', ['case', 'open', '--type', 'access', '--pnr', PERSONA.badPnr, ...H], 2, { json: false }),
    fail('case open: a wrong date', ['case', 'open', '--type', 'access', ...P, '--received', '2026-02-30', ...H], 2, { json: true }),
    fail('case list: unknown status', ['case', 'list', '--status', 'lost', ...H], 2, { json: false }),
    fail('case show: her e-mail as the case id', ['case', 'show', PERSONA.email, ...H], 2, { json: true }),
    fail('case verify: her personnummer as the case id', ['case', 'verify', PERSONA.pnr, ...H], 2, { json: false }),
    fail('case export: unknown format', ['case', 'export', '--format', 'pdf', '--out', out('never.pdf'), ...H], 2, { json: true }),
  ];
  const cases = async (): Promise<void> => {
    // Sequential: the ids are DSAR-2026-0001 (json) and DSAR-2026-0002 (human).
    await exec([spec('case open --json', ['case', 'open', '--type', 'access,erasure', ...P, '--received', '2026-03-02', '--channel', 'e-mail', ...H, ...C, '--json'], 0, { data: true })]);
    await exec([spec('case open (human)', ['case', 'open', '--type', 'access', ...E, '--received', '2026-03-03', ...H, ...C], 0, { data: true })]);
  };
  await Promise.all([
    exec(stage1),
    cases(),
    twice([
      { id: 'export', args: ['export', ...C, ...P, '--out', out('export', 'plain', 'nested'), ...AS_OF, '--json'], files: [], refused: { code: 2, error: /output\.exists/u } },
      { id: 'init', args: ['init', path.join(INPUTS, 'fixtures'), '--yes', '--out', out('init', 'a', 'ojco-dsar.config.yaml')], files: [out('init', 'a', 'ojco-dsar.config.yaml')], refused: { code: 2, error: /exists/u } },
      {
        id: 'batch',
        args: ['batch', path.join(INPUTS, 'requests.csv'), ...C, '--out', out('batch', 'run'), ...H, '--as-of', '2025-12-01', '--format', 'json,xlsx'],
        files: [out('batch', 'run', 'summary.json'), out('batch', 'run', 'summary.csv')],
        refused: { code: 2, error: /resume/u },
      },
    ]),
  ]);

  // ---- Stage 2: the case's life, and the outputs attached to it.
  const stage2 = [
    spec('case verify-identity --json (a note that names her)', ['case', 'verify-identity', CASE_A, '--method', 'bankid', '--on', '2026-03-03', '--note', `${PERSONA.name} legitimerade sig med BankID`, ...H, '--json'], 0),
    spec('case start (human)', ['case', 'start', CASE_A, ...H], 0),
    spec('case note --json (her name and phone)', ['case', 'note', CASE_A, `Ringde ${PERSONA.name} på ${PERSONA.phone}`, ...H, '--json'], 0),
    spec('case attach (human, in place)', ['case', 'attach', CASE_A, path.join(INPUTS, 'reply-letter.txt'), '--kind', 'reply', ...H], 0),
    ...both('case show', ['case', 'show', CASE_A, ...H], 0, { data: true }),
    spec('case list (human)', ['case', 'list', ...H, '--as-of', '2026-03-10'], 0),
    spec('ledger list (human)', ['ledger', 'list', ...H], 0),
    fail('case extend: unknown case', ['case', 'extend', 'DSAR-2026-9999', '--reason', `${PERSONA.name} asked`, ...H], 2, { json: false }),
    fail('case verify-identity: unknown method', ['case', 'verify-identity', CASE_B, '--method', 'telepathy', ...H], 2, { json: false }),
    fail('case start: unknown case', ['case', 'start', 'DSAR-2026-9999', ...H], 2, { json: true }),
    fail('case note: unknown case', ['case', 'note', 'DSAR-2026-9999', `${PERSONA.name} called`, ...H], 2, { json: false }),
    fail('case attach: missing file', ['case', 'attach', CASE_A, path.join(INPUTS, 'missing-letter.pdf'), ...H], 2, { json: false }),
    fail('case refuse: no reason', ['case', 'refuse', CASE_B, '--ground', 'excessive', ...H], 2, { json: true }),
    fail('case close: not answered', ['case', 'close', CASE_B, ...H], 2, { json: true }),
    fail('case log: unknown case', ['case', 'log', 'DSAR-2026-9999', ...H], 2, { json: false }),
  ];
  const extendTwice = async (): Promise<void> => {
    await exec([spec('case extend (human, a reason that names her)', ['case', 'extend', CASE_A, '--reason', `${PERSONA.name} begärde uppgifter ur fyra system`, '--as-of', '2026-03-10', ...H], 0)]);
    await exec([fail('case extend: a second extension is refused', ['case', 'extend', CASE_A, '--reason', 'again', '--as-of', '2026-03-11', ...H], 2, { json: true })]);
  };
  await Promise.all([
    exec(stage2),
    extendTwice(),
    twice([
      { id: 'case attach --copy --json', args: ['case', 'attach', CASE_A, path.join(INPUTS, 'reply-letter.txt'), '--copy', '--kind', 'reply', ...H, '--json'], files: [path.join(HOME, 'cases', CASE_A, 'files', 'reply-letter.txt')], refused: { code: 2, error: /exists/u } },
      // No --force here: that would replace files the case recorded as evidence (their sha256), and case verify would
      // rightly say so. The plain export above covers --force.
      { id: 'export --case (human)', args: ['export', ...C, ...P, '--out', out('export', 'case'), '--format', 'xlsx,json,csv,html', '--case', CASE_A, ...H, ...AS_OF], files: [], refused: { code: 2, error: /exists/u } },
      {
        id: 'erase --case --json',
        args: ['erase', ...C, ...P, '--case', CASE_A, ...H, '--out', out('plans', 'erase', 'plan.json'), '--format', 'json,xlsx,html', ...AS_OF, '--json'],
        files: [out('plans', 'erase', 'plan.json'), out('plans', 'erase', 'plan.xlsx'), out('plans', 'erase', 'plan.html')],
        force: ['--force'],
        refused: { code: 2, error: /output\.exists/u },
      },
    ]),
  ]);

  // ---- Stage 3: the suppression list and the ledger in use.
  const ledger = await runCli(['ledger', 'list', ...H, '--json'], { cwd: WORK });
  done.push({ ...spec('ledger list --json', ledger.args, 0), run: ledger });
  const entry = String(ledger.json?.entries?.[0]?.id ?? '1');
  await exec([
    spec('find with the suppression list (human)', ['find', ...C, ...P, ...H], 0, { data: true }),
    spec('ledger hold --json', ['ledger', 'hold', entry, ...H, '--json'], 0),
  ]);
  await exec([spec('ledger release (human)', ['ledger', 'release', entry, ...H], 0)]);

  // ---- Stage 4: the sweep, the answer and the refusal.
  await Promise.all([
    twice([
      { id: 'sweep', args: ['sweep', ...H, '--as-of', '2033-02-01', '--out', out('plans', 'sweep.json'), '--format', 'json,html'], files: [out('plans', 'sweep.json'), out('plans', 'sweep.html')], force: ['--force'], refused: { code: 2, error: /exists/u }, env: { OJCO_DSAR_TODAY: '2033-02-01' } },
    ]),
    exec([
      spec('case answer --json', ['case', 'answer', CASE_A, '--on', '2026-04-20', ...H, '--json'], 0),
      spec('case refuse (human, a reason that names her)', ['case', 'refuse', CASE_B, '--ground', 'excessive', '--reason', `${PERSONA.name} har fått samma svar tre gånger`, '--on', '2026-03-20', ...H], 0),
      spec('sweep --dry-run --json', ['sweep', ...H, '--as-of', '2033-02-01', '--dry-run', '--json'], 0),
    ]),
  ]);
  await exec([
    ...both('case log', ['case', 'log', CASE_A, ...H], 0),
    ...both('case verify', ['case', 'verify', ...H], 0),
    fail('case answer: already answered', ['case', 'answer', CASE_A, ...H], 2, { json: false }),
  ]);

  // ---- Stage 5: closing, the register export.
  await exec([spec('case close (human)', ['case', 'close', CASE_A, '--on', '2026-04-21', ...H], 0), spec('case close --json', ['case', 'close', CASE_B, '--on', '2026-03-21', ...H, '--json'], 0)]);
  await Promise.all([
    twice([
      { id: 'case export csv', args: ['case', 'export', '--out', out('register', 'cases.csv'), ...H, '--as-of', '2026-05-01'], files: [out('register', 'cases.csv')], force: ['--force'], refused: { code: 2, error: /exists/u } },
      { id: 'case export xlsx --json', args: ['case', 'export', '--out', out('register', 'cases.xlsx'), ...H, '--as-of', '2026-05-01', '--json'], files: [out('register', 'cases.xlsx')], force: ['--force'], refused: { code: 2, error: /exists/u } },
    ]),
    exec([
      fail('export --case: closed case', ['export', ...C, ...E, '--out', out('never'), '--case', CASE_A, ...H], 2, { json: false }),
      fail('case purge: no --yes', ['case', 'purge', '--as-of', '2099-12-31', ...H], 2, { json: false, env: { OJCO_DSAR_TODAY: '2099-12-31' } }),
      spec('case purge --dry-run --json', ['case', 'purge', '--as-of', '2099-12-31', '--dry-run', ...H, '--json'], 0),
    ]),
  ]);
  writeFileSync(path.join(T, 'runs.json'), JSON.stringify(done, null, 1));
  dbBeforePurge = dumpDb(HOME);
  homeBeforePurge = walk(path.join(T, 'h'));
  manifestTexts = (existsSync(path.join(HOME, 'cases')) ? readdirSync(path.join(HOME, 'cases'), { recursive: true, encoding: 'utf8' }) : [])
    .filter((f) => /manifest-.*\.json$/u.test(f))
    .map((f) => ({ file: f, text: readFileSync(path.join(HOME, 'cases', f), 'utf8') }));
  // (A file a failed run did not write is reported by the tests below, not here.)
  if (existsSync(out('register', 'cases.csv'))) registerTexts.push({ file: 'cases.csv', text: readFileSync(out('register', 'cases.csv'), 'utf8') });
  if (existsSync(out('register', 'cases.xlsx'))) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out('register', 'cases.xlsx'));
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.text)))));
    registerTexts.push({ file: 'cases.xlsx', text: cells.join('\n') });
  }

  // ---- Stage 6: the purge, and what is left.
  await exec([spec('case purge --json', ['case', 'purge', '--as-of', '2099-12-31', '--yes', ...H, '--json'], 0, { env: { OJCO_DSAR_TODAY: '2099-12-31' } })]);
  await exec([spec('case list --include-purged --json', ['case', 'list', '--include-purged', ...H, '--json'], 0), spec('case show: purged --json', ['case', 'show', CASE_A, ...H, '--json'], 0), spec('case verify after the purge --json', ['case', 'verify', ...H, '--json'], 0)]);
  dbAfterPurge = dumpDb(HOME);
  writeFileSync(path.join(T, 'runs.json'), JSON.stringify(done, null, 1));
  inputsAfter = walk(INPUTS);
  seconds = (Date.now() - started) / 1000;
}, 600_000);

afterAll(() => {
  // OJCO_TEST_KEEP=1 keeps the folder (runs.json lists every run with its output) for a look.
  if (process.env.OJCO_TEST_KEEP) console.log(`hardening scenario in ${T} (${seconds.toFixed(1)} s, ${done.length} runs)`);
  else if (T) rmSync(T, { recursive: true, force: true });
});

function commandPaths(): string[] {
  const paths: string[] = [];
  for (const c of buildProgram().commands) {
    if (c.name() === 'help') continue;
    const subs = c.commands.filter((s) => s.name() !== 'help');
    if (subs.length === 0) paths.push(c.name());
    for (const s of subs) paths.push(`${c.name()} ${s.name()}`);
  }
  return paths;
}

function pathOf(args: string[]): string {
  return args[0] === 'case' || args[0] === 'ledger' ? `${args[0]} ${args[1]}` : String(args[0]);
}

/**
 * Commands whose stdout, when they succeed, is the person's data: a search, an extract, a plan, or the case
 * itself (with her identifiers, and the officer's reasons, which may name her).
 */
const DATA_ON_SUCCESS = new Set(['find', 'export', 'erase', 'rectify', 'restrict', 'object', 'withdraw-consent', 'case open', 'case show', 'case extend', 'case verify-identity', 'case start', 'case answer', 'case refuse', 'case close']);

describe('every command, succeeding and failing (issue #8)', () => {
  it('ran every command and subcommand with the exit codes expected', () => {
    const wrong = done.filter((d) => !d.expect.includes(d.run.code ?? -1)).map((d) => `${d.id}: exit ${d.run.code} (expected ${d.expect.join('|')})\n${d.run.stderr.slice(0, 600)}`);
    expect(wrong).toEqual([]);
    const missing: string[] = [];
    for (const p of commandPaths()) {
      const runs = done.filter((d) => pathOf(d.args) === p);
      if (!runs.some((d) => d.run.code === 0)) missing.push(`${p}: no succeeding run`);
      if (!runs.some((d) => d.run.code !== 0)) missing.push(`${p}: no failing run`);
      if (!runs.some((d) => d.args.includes('--json'))) missing.push(`${p}: no run with --json`);
      if (!runs.some((d) => !d.args.includes('--json'))) missing.push(`${p}: no run without --json`);
    }
    expect(missing).toEqual([]);
    // Each JSON run printed one JSON document (also when it failed).
    const notJson = done.filter((d) => d.args.includes('--json') && d.run.json === undefined).map((d) => `${d.id}: ${d.run.stdout.slice(0, 200)}`);
    expect(notJson).toEqual([]);
  });

  describe('no personal data in logs (point 4)', () => {
    it('nothing of hers on stderr, whatever the outcome', () => {
      const leaks = done.filter((d) => personalData(scrub(d.run.stderr)).length > 0).map((d) => `${d.id}: ${personalData(scrub(d.run.stderr)).join(', ')}\n  ${leakingLines(scrub(d.run.stderr)).join('\n  ')}`);
      expect(leaks).toEqual([]);
    });

    it('nothing of hers in error messages, JSON error objects or the skipped files of a search', () => {
      const leaks: string[] = [];
      for (const d of done) {
        const p = pathOf(d.args);
        if (d.run.code === 3 && DATA_ON_SUCCESS.has(p)) {
          // A search that could not read a file: the data is fine on stdout, the reasons are not.
          const reasons = scrub(JSON.stringify([d.run.json?.skipped ?? [], d.run.json?.notRead ?? []]));
          if (d.args.includes('--json')) expect(reasons.length, d.id).toBeGreaterThan(10);
          if (personalData(reasons).length) leaks.push(`${d.id}: ${personalData(reasons).join(', ')} in ${reasons.slice(0, 400)}`);
        } else if (d.run.code !== 0 || !DATA_ON_SUCCESS.has(p)) {
          const text = scrub(d.run.stdout);
          if (personalData(text).length) leaks.push(`${d.id} (exit ${d.run.code}): ${personalData(text).join(', ')}\n  ${leakingLines(text).slice(0, 5).join('\n  ')}`);
        }
      }
      expect(leaks).toEqual([]);
    });

    it('the failing runs did fail with a message (not silently, not a crash)', () => {
      const bad = done
        .filter((d) => d.run.code !== 0 && d.run.code !== 3)
        .filter((d) => (d.args.includes('--json') ? !d.run.json?.error?.message && d.run.json?.ok !== false : (d.run.stderr + d.run.stdout).trim() === '') || /internal error|\n\s+at /u.test(d.run.stderr))
        .map((d) => `${d.id}: ${d.run.stdout.slice(0, 200)} ${d.run.stderr.slice(0, 300)}`);
      expect(bad).toEqual([]);
    });

    it('nothing of hers in the audit trail or anywhere in cases.db outside her subject record', () => {
      expect(dbBeforePurge.events!.length).toBeGreaterThan(20);
      // Her record holds her identifiers and the officer's texts (which name her on purpose here).
      expect(dbBeforePurge.subject_identifiers!.length).toBeGreaterThan(0);
      expect(personalData(JSON.stringify(dbBeforePurge.case_texts))).toContain('name');
      const leaks: string[] = [];
      for (const [name, snapshot] of [
        ['before the purge', dbBeforePurge],
        ['after the purge', dbAfterPurge],
      ] as const) {
        for (const [table, rows] of Object.entries(snapshot)) {
          if (table === 'subject_identifiers' || table === 'case_texts') continue;
          for (const row of rows) {
            const text = JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) || (v && typeof v === 'object' && v.type === 'Buffer') ? '<bytes>' : v));
            if (personalData(text).length) leaks.push(`${name}: ${table}: ${personalData(text).join(', ')} in ${text.slice(0, 300)}`);
          }
        }
      }
      expect(leaks).toEqual([]);
      // The purge removed the closed cases' records (the batch's open cases keep theirs).
      const ofClosed = (rows: Record<string, unknown>[] | undefined): unknown[] => (rows ?? []).filter((r) => r.case_id === CASE_A || r.case_id === CASE_B);
      expect(ofClosed(dbBeforePurge.subject_identifiers).length).toBeGreaterThan(0);
      expect(ofClosed(dbAfterPurge.subject_identifiers)).toEqual([]);
      expect(ofClosed(dbAfterPurge.case_texts)).toEqual([]);
    });

    it('nothing of hers in the evidence manifests or the case register export', () => {
      expect(manifestTexts.length).toBeGreaterThanOrEqual(4);
      expect(registerTexts.map((r) => r.file)).toEqual(['cases.csv', 'cases.xlsx']);
      const leaks = [...manifestTexts, ...registerTexts].filter((m) => personalData(m.text).length > 0).map((m) => `${m.file}: ${personalData(m.text).join(', ')}\n  ${leakingLines(m.text).slice(0, 5).join('\n  ')}`);
      expect(leaks).toEqual([]);
    });
  });

  describe('files (point 5)', () => {
    it('every file written is 0600 and every folder 0700', () => {
      const written = [...homeBeforePurge.map((e) => ({ ...e, rel: `h/${e.rel}` })), ...walk(path.join(T, 'h')).map((e) => ({ ...e, rel: `h/${e.rel}` })), ...walk(OUT).map((e) => ({ ...e, rel: `out/${e.rel}` })), ...walk(WORK).map((e) => ({ ...e, rel: `work/${e.rel}` }))];
      // What must be there: the home, cases.db, case folders, copied files, manifests, and each command's outputs.
      const rels = written.map((e) => e.rel);
      for (const must of [
        'h/home',
        'h/home/cases.db',
        `h/home/cases/${CASE_B}/manifest-01-refused.json`,
        `h/home/cases/${CASE_A}/files/reply-letter.txt`,
        'out/export/plain/nested',
        'out/export/case',
        'out/plans/rectify/plan.json',
        'out/plans/rectify/plan.html',
        'out/plans/restrict.json',
        'out/plans/withdraw.xlsx',
        'out/plans/erase/plan.xlsx',
        'out/plans/sweep.html',
        'out/init/a/ojco-dsar.config.yaml',
        'out/batch/run/summary.csv',
        'out/batch/run/summary.json',
        'out/register/cases.csv',
        'out/register/cases.xlsx',
      ]) {
        expect(rels, must).toContain(must);
      }
      expect(rels.some((r) => /^work\/plan-objection-2026-04-01\.json$/u.test(r))).toBe(true);
      expect(rels.some((r) => /^out\/export\/case\/registerutdrag-2026-04-01-.*\.csv$/u.test(r))).toBe(true);
      expect(rels.some((r) => /^out\/batch\/run\/.+\/.+\.xlsx$/u.test(r))).toBe(true);
      const wrong = written.filter((e) => (e.type === 'dir' ? e.mode !== 0o700 : e.mode !== 0o600)).map((e) => `${e.rel}: ${e.type} ${e.mode.toString(8)}`);
      expect(wrong).toEqual([]);
      const temps = written.filter((e) => /\.tmp$/u.test(e.rel)).map((e) => e.rel);
      expect(temps).toEqual([]);
    });

    it('each writing command, run twice, refuses to overwrite without --force and leaves the file as it was', () => {
      expect(twiceResults.map((r) => r.t.id).sort()).toEqual(['batch', 'case attach --copy --json', 'case export csv', 'case export xlsx --json', 'erase --case --json', 'export', 'export --case (human)', 'init', 'sweep'].sort());
      for (const r of twiceResults) {
        expect(r.first.code, `${r.t.id} first: ${r.first.stderr}`).toBe(0);
        expect(r.second.code, `${r.t.id} again: ${r.second.stderr}`).toBe(r.t.refused.code);
        if (r.t.refused.error) expect(r.second.stderr + r.second.stdout, r.t.id).toMatch(r.t.refused.error);
        // Every file of the first run is still there, byte for byte, with the same mtime and mode.
        expect(r.files.length, r.t.id).toBeGreaterThan(0);
        for (const f of r.files) {
          expect(r.before.get(f), `${r.t.id}: ${f} after the first run`).not.toBe('missing');
          expect(r.after.get(f), `${r.t.id}: ${f} after the refused run`).toBe(r.before.get(f));
        }
        if (r.third) expect(r.third.code, `${r.t.id} --force: ${r.third.stderr}`).toBe(0);
      }
    });

    it('no input was modified: the fixtures tree, its config, the requests and the attached letter', () => {
      expect(inputsBefore.filter((e) => e.type === 'file').length).toBeGreaterThan(100);
      expect(inputsAfter).toEqual(inputsBefore);
    });
  });
});

/** Output files named by a first run's stdout (export prints them with their sha256). */
function filesOf(r: Run): string[] {
  if (r.json?.files) return r.json.files.map((f: { path: string }) => f.path);
  return [...r.stdout.matchAll(/^\s+\w+\s+(\S+)\s+\d+\s+[0-9a-f]{64}$/gmu)].map((m) => path.resolve(WORK, m[1]!));
}
