/**
 * Backups in the register extract (AC-8): storage in a backup is processing
 * (Art. 4(2)), so the letter, the JSON and the XLSX say, per system the
 * person has records in, what the register says of its backups, who holds
 * them and when they expire (the extract's date plus the register's days),
 * under a neutral opening. A register without `backups` still gives an
 * extract that says backups may exist, without a period; `check` reminds the
 * officer of what to confirm, and export and batch warn when an extract
 * states an entry marked `assumption:`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTER } from '../../src/register/load.ts';
import type { Extract } from '../../src/report/extract-schema.ts';
import { withoutBackups } from '../register/register-text.ts';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

const ASSUMPTION_WARNING = /^warning: the extract states (\d+) backups entr(?:y|ies) that (\S+) marks as `assumption:`.*$/mu;

const FIXTURES = path.join(ROOT, 'fixtures');
const AS_OF = '2025-05-16';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

interface Files {
  stderr: string;
  html: string;
  x: Extract;
  xlsx: Buffer | undefined;
}

function exportOf(config: string, email: string, lang: 'sv' | 'en' = 'sv', formats = 'html,json'): Files {
  const dir = tempDir('ojco-dsar-backups-');
  const r = cli(['export', '--config', config, '--email', email, '--out', dir, '--home', path.join(dir, 'home'), '--format', formats, '--lang', lang, '--as-of', AS_OF, '--json'], { cwd: ROOT });
  expect([0, 3], r.stderr).toContain(r.code);
  const files = r.json.files as { path: string; format: string }[];
  const xlsx = files.find((f) => f.format === 'xlsx');
  return {
    stderr: r.stderr,
    html: readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8'),
    x: JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract,
    xlsx: xlsx ? readFileSync(xlsx.path) : undefined,
  };
}

/** The letter's section (d), where storage periods are explained. */
const sectionD = (html: string): string => html.slice(html.indexOf('<section id="art15-1-d"'), html.indexOf('<section id="art15-1-e"'));

describe('export: backups (AC-8)', () => {
  const config = path.join(FIXTURES, 'ojco-dsar.config.yaml');

  it("tells Märta, in the letter's section (d) and in the JSON, that her Lime and Office 365 data is in backups and when they expire", () => {
    const { html, x } = exportOf(config, 'marta.oberg@mail.example');
    const backups = x.processing.backups!;
    expect(backups).toBeDefined();
    const lime = backups.find((b) => b.id === 'lime')!;
    expect(lime).toMatchObject({ system: 'Lime CRM', heldBy: 'Lime Technologies Sweden AB (Lime CRM)', keptDays: 30, expiresBy: '2025-06-15' });
    expect(lime.categories).toContain('crm-person');
    const o365 = backups.find((b) => b.id === 'office365')!;
    expect(o365).toMatchObject({ keptDays: 30, expiresBy: '2025-06-15', heldBy: 'Microsoft Ireland Operations Ltd (Office 365)' });
    expect(o365.text).toContain('14 dagar som standard');
    // Only the systems she has records in; Google Analytics without a number of its own.
    const systems = new Set(x.records.map((r) => r.category));
    for (const b of backups) for (const c of b.categories) expect(systems.has(c)).toBe(true);
    const ga = backups.find((b) => b.id === 'google-analytics');
    if (ga) expect(ga.keptDays).toBeUndefined();

    const d = sectionD(html);
    expect(d).toContain('Säkerhetskopior');
    expect(d).toContain('<strong>Lime CRM:</strong>');
    expect(d).toContain('Säkerhetskopiorna sparas i 30 dagar');
    expect(d).toContain('till och med 15 juni 2025');
    expect(d).toContain('Microsoft 365 (e-post, kontakter och användarkonton)');
    expect(d).toContain('spärrlista');
  });

  it('says the same in English, and in the XLSX summary', async () => {
    const { html, x, xlsx } = exportOf(config, 'marta.oberg@mail.example', 'en', 'html,json,xlsx');
    const d = sectionD(html);
    expect(d).toContain('Backups');
    expect(d).toContain('The backups are kept for 30 days');
    expect(d).toContain('until 15 June 2025 at the latest');
    expect(d).toContain('suppression list');
    expect(x.processing.backups!.find((b) => b.id === 'lime')!.text).toContain('Lime Technologies backs up');
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx! as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    expect(cells).toContain('Backups');
    expect(cells).toEqual(expect.arrayContaining([expect.stringMatching(/^Lime CRM\nCopies gone by 2025-06-15$/u)]));
    expect(cells.some((c) => c.includes('The backups are kept for 30 days'))).toBe(true);
  });

  it('with a register without backups: the extract still says copies may exist in backups, without a period, and check reminds the officer', () => {
    const dir = tempDir('ojco-dsar-backups-reg-');
    writeFileSync(path.join(dir, 'register.yaml'), withoutBackups(readFileSync(DEFAULT_REGISTER(), 'utf8')));
    writeFileSync(
      path.join(dir, 'ojco-dsar.config.yaml'),
      `register: register.yaml
sources:
  - { name: mailchimp-nyhetsbrev, connector: newsletter, path: ${JSON.stringify(path.join(FIXTURES, 'newsletter', 'nyhetsbrev'))} }
`,
    );
    const config = path.join(dir, 'ojco-dsar.config.yaml');
    const { html, x } = exportOf(config, 'marta.oberg@mail.example');
    expect(x.processing.backups).toEqual([{ id: 'default', system: 'Nyhetsbrevsverktyget', categories: ['newsletter-member'], text: expect.stringContaining('kan finnas i säkerhetskopior') }]);
    const d = sectionD(html);
    expect(d).toContain('<strong>Nyhetsbrevsverktyget:</strong> Kopior av uppgifterna kan finnas i säkerhetskopior');
    expect(d).not.toContain('sparas i 30 dagar');

    const check = cli(['check', '--config', config, '--json'], { cwd: dir });
    expect(check.json.reminders).toEqual([expect.objectContaining({ code: 'register.backups-assumption', message: expect.stringContaining('does not say how long backups are kept') })]);
    // A reminder is not a problem: the exit code is as before.
    expect(check.json.problems.filter((p: { code: string }) => p.code.startsWith('register.'))).toEqual([]);
  });

  it("check reminds the officer of every backup period in OJCO's register that is an assumption, without failing", () => {
    const r = cli(['check', '--config', 'fixtures/ojco-dsar.config.yaml', '--json'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.json.ok).toBe(true);
    const messages = (r.json.reminders as { message: string }[]).map((m) => m.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^backups\.systems\.lime: .*\(kept 30 days\)/u), expect.stringMatching(/^backups\.systems\.office365: /u)]));
    const text = cli(['check', '--config', 'fixtures/ojco-dsar.config.yaml'], { cwd: ROOT });
    expect(text.stdout).toContain('Reminders');
    expect(text.stdout).toContain('backups.systems.visma');
  });

  it('opens neutrally ("Om säkerhetskopior: …"), so that a system whose text says OJCO takes no backups does not contradict it', () => {
    const sv = sectionD(exportOf(config, 'marta.oberg@mail.example').html);
    expect(sv).toContain('Om säkerhetskopior:');
    expect(sv).not.toContain('finns också i säkerhetskopior');
    expect(sv).not.toContain('Så här länge');
    const en = sectionD(exportOf(config, 'marta.oberg@mail.example', 'en').html);
    expect(en).toContain('About backups:');
    expect(en).not.toContain('also exist in backups');
    expect(en).not.toContain('This is how long');
  });

  it("says what is true of the message trace (OJCO's saved exports, Microsoft's own logs) and of Google Analytics (OJCO's BigQuery export)", () => {
    const { x } = exportOf(config, 'marta.oberg@mail.example');
    const trace = x.processing.backups!.find((b) => b.id === 'office365-logs')!;
    expect(x.records.some((r) => r.category === 'mail-trace')).toBe(true);
    expect(trace.text).toContain('De utdrag ur loggarna som OJCO har sparat');
    expect(trace.text).not.toContain('finns bara hos Microsoft');
    const ga = x.processing.backups!.find((b) => b.id === 'google-analytics')!;
    expect(ga.text).toContain('BigQuery i OJCOs projekt i Google Cloud');
    expect(ga.text).toContain('upp till 7 dagar');
    expect(ga.text).not.toContain('inga egna säkerhetskopior');
    const en = exportOf(config, 'marta.oberg@mail.example', 'en').x.processing.backups!;
    expect(en.find((b) => b.id === 'office365-logs')!.text).toContain("The exports of the logs that OJCO has saved");
    expect(en.find((b) => b.id === 'google-analytics')!.text).toContain("BigQuery dataset in OJCO's Google Cloud project");
  });

  it('puts who holds the copies after a label, never mid-sentence, and keeps proper names as they are', async () => {
    const sv = sectionD(exportOf(config, 'marta.oberg@mail.example').html);
    expect(sv).toContain('Kopiorna finns hos: Leverantören av nyhetsbrevsverktyget (Intuit Mailchimp).');
    expect(sv).toContain('Kopiorna finns hos: Microsoft Ireland Operations Ltd (Office 365).');
    expect(sv).not.toMatch(/hålls av Leverantören/u);
    const { html, xlsx } = exportOf(config, 'marta.oberg@mail.example', 'en', 'html,json,xlsx');
    const en = sectionD(html);
    expect(en).toContain('Copies held by: The newsletter tool&#39;s provider (Intuit Mailchimp).');
    expect(en).toContain('Copies held by: Microsoft Ireland Operations Ltd (Office 365).');
    expect(en).not.toContain('held by The');
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx! as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    expect(cells.some((c) => c.includes("Copies held by: The newsletter tool's provider (Intuit Mailchimp)."))).toBe(true);
  });

  it('warns on stderr, with a count and the register file and nothing of the person, when the extract states backups entries marked assumption:', () => {
    const { stderr } = exportOf(config, 'marta.oberg@mail.example');
    const m = ASSUMPTION_WARNING.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(Number(m![1])).toBe(6);
    expect(m![2]).toBe(path.join('register', 'ojco-register.yaml'));
    expect(m![0]).toContain('backups.systems.lime');
    expect(m![0]).not.toMatch(/marta|oberg|@/iu);

    // Confirmed (no `assumption:` left in `backups`): no warning. Without `backups`: nothing stated as fact, no warning either.
    const dir = tempDir('ojco-dsar-backups-confirmed-');
    const text = readFileSync(DEFAULT_REGISTER(), 'utf8');
    const start = text.indexOf('\nbackups:\n');
    const end = text.indexOf('\n# One entry per record category');
    writeFileSync(path.join(dir, 'confirmed.yaml'), text.slice(0, start) + text.slice(start, end).replace(/^ {6}assumption: .*\n/gmu, '') + text.slice(end));
    writeFileSync(path.join(dir, 'none.yaml'), withoutBackups(text));
    for (const reg of ['confirmed.yaml', 'none.yaml']) {
      writeFileSync(
        path.join(dir, `${reg}.config.yaml`),
        `register: ${reg}
sources:
  - { name: mailchimp-nyhetsbrev, connector: newsletter, path: ${JSON.stringify(path.join(FIXTURES, 'newsletter', 'nyhetsbrev'))} }
`,
      );
      const r = exportOf(path.join(dir, `${reg}.config.yaml`), 'marta.oberg@mail.example');
      expect(r.x.processing.backups!.length).toBeGreaterThan(0);
      expect(r.stderr).not.toMatch(ASSUMPTION_WARNING);
    }
  });

  it('batch warns once for the run, with the number of extracts, when they state backups entries marked assumption:', () => {
    const dir = tempDir('ojco-dsar-backups-batch-');
    writeFileSync(
      path.join(dir, 'requests.csv'),
      'id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id\nR-1,access,2026-11-20,marta.oberg@mail.example,,,,,,\nR-2,access,2026-11-20,nobody@nowhere.example,,,,,,\nR-3,access,2026-11-20,,070-174 06 47,,,,,\n',
    );
    const r = cli(['batch', 'requests.csv', '--config', config, '--out', 'out', '--home', 'home', '--as-of', AS_OF, '--format', 'json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes('marks as `assumption:`'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: 2 extract\(s\) state \d+ backups entr(?:y|ies) that .*ojco-register\.yaml marks as `assumption:`/u);
    expect(lines[0]).not.toMatch(/marta|oberg|070|@/iu);
  });
});
