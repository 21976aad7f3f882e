/**
 * `find` as users and scripts meet it: the built CLI, its JSON contract,
 * exit codes, and what goes to stdout and stderr.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

const CONFIG = 'fixtures/ojco-dsar.config.yaml';
const run = (args: string[], cwd = ROOT) => cli(args, { cwd });

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

describe('ojco-dsar find', () => {
  it('prints one JSON document with the contract keys, and nothing on stderr but progress-free text', () => {
    const r = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toBeDefined();
    expect(Object.keys(r.json)).toEqual(expect.arrayContaining(['subject', 'records', 'skipped']));
    expect(r.json.skipped).toEqual([]);
    for (const rec of r.json.records) {
      expect(Object.keys(rec)).toEqual(expect.arrayContaining(['source', 'connector', 'confidence', 'locator', 'matchedOn', 'fields']));
      expect(['exact', 'probable', 'possible']).toContain(rec.confidence);
      expect(['lime', 'visma', 'office365', 'newsletter', 'google-analytics']).toContain(rec.connector);
      expect(rec.locator.file).toBeTruthy();
    }
    // No personal data on stderr.
    expect(r.stderr).not.toMatch(/marta|öberg|oberg|0701740633|920728/iu);
  });

  it('shows people a table grouped by system, possible matches apart', () => {
    const r = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Visma eAccounting / Spiris');
    expect(r.stdout).toMatch(/Possible matches/u);
    expect(r.stdout).toMatch(/\d+ records in \d+ systems: \d+ exact/u);
    expect(r.stdout).toContain('visma/sie/ojco-2025.se:30');
  });

  it('finds a customer in Germany by her +49 number, exact, though the exports write it nationally; not by the same digits as a Swedish number', () => {
    const r = run(['find', '--config', CONFIG, '--phone', '+49 69 90009311', '--json']);
    expect(r.code).toBe(0);
    expect(r.json.records.map((x: { source: string; confidence: string }) => `${x.source}:${x.confidence}`).sort()).toEqual(['outlook-classic:exact', 'outlook-de:exact', 'spiris-api:exact']);
    expect(r.stderr).not.toMatch(/heike|brandt|90009/iu);
    const swedish = run(['find', '--config', CONFIG, '--phone', '069-900 093 11', '--json']);
    expect(swedish.code).toBe(0);
    expect(swedish.json.records).toEqual([]);
  });

  it('lists every invalid identifier at once, without echoing it, exit 2', () => {
    const r = run(['find', '--config', CONFIG, '--pnr', '19920728-9968', '--email', 'not-an-address', '--phone', 'abc', '--json']);
    expect(r.code).toBe(2);
    expect(r.json.error.problems.map((p: { code: string }) => p.code).sort()).toEqual(['usage.invalid-email', 'usage.invalid-phone', 'usage.invalid-pnr']);
    expect(r.stderr).toContain('--pnr is not a valid personnummer');
    expect(r.stderr + r.stdout).not.toContain('19920728-9968');
  });

  it('needs an identifier and a config (exit 2)', () => {
    expect(run(['find', '--config', CONFIG]).code).toBe(2);
    const dir = tempDir('ojco-dsar-find-');
    const r = cli(['find', '--email', 'a@b.example'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no config file');
    expect(r.stderr).toContain('ojco-dsar init');
    // --config naming the folder that holds the config reads it; a folder without one is exit 2, not a crash.
    const folder = run(['find', '--config', path.dirname(CONFIG), '--email', 'marta.oberg@mail.example', '--json']);
    expect(folder.code, folder.stderr).toBe(0);
    expect(folder.json.summary.exact).toBeGreaterThan(30);
    const empty = cli(['find', '--config', '.', '--email', 'a@b.example', '--json'], { cwd: dir });
    expect(empty.code).toBe(2);
    expect(empty.json.error.problems[0]).toMatchObject({ code: 'config.missing', message: expect.stringContaining('none of ojco-dsar.config.yaml') });
    // A path the system refuses (--out below a file) is exit 2 with the path, not a trace.
    writeFileSync(path.join(dir, 'a-file'), 'x');
    const out = cli(['export', '--config', path.join(ROOT, CONFIG), '--email', 'marta.oberg@mail.example', '--out', 'a-file/extract', '--home', path.join(dir, 'home'), '--json'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.json.error.code).toBe('fs.enotdir');
    expect(out.stderr).not.toContain('internal error');
  });

  it('reports every problem of a bad config at once (exit 2)', () => {
    const dir = tempDir('ojco-dsar-find-');
    writeFileSync(
      path.join(dir, 'ojco-dsar.config.yaml'),
      'sources:\n  - name: a\n    connector: lime\n    path: x\n    options: { nope: 1 }\n  - name: a\n    connector: vizma\n    path: y\n  - connector: visma\nfiscalYearStart: "13-01"\n',
    );
    const r = cli(['find', '--email', 'a@b.example', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const messages: string[] = r.json.error.problems.map((p: { message: string }) => p.message);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    expect(messages.join('\n')).toMatch(/fiscalYearStart/u);
    expect(messages.join('\n')).toMatch(/sources\[2\]\.name/u);
    expect(messages.join('\n')).toMatch(/unknown connector "vizma"/u);
    expect(messages.join('\n')).toMatch(/sources\[0\]\.options/u);
  });

  it('a malformed export names the file and line, the other sources are still searched, exit 3', () => {
    const dir = tempDir('ojco-dsar-find-');
    mkdirSync(path.join(dir, 'nl'));
    cpSync(path.join(ROOT, 'fixtures/newsletter/nyhetsbrev'), path.join(dir, 'nl'), { recursive: true });
    copyFileSync(path.join(ROOT, 'fixtures/visma/customer-list/kunder.csv'), path.join(dir, 'kunder.csv'));
    writeFileSync(path.join(dir, 'broken.csv'), 'Kundnummer;Namn;E-post\n1044;"Märta Öberg;marta.oberg@mail.example\n1045;Sven;s@x.example\n');
    writeFileSync(
      path.join(dir, 'ojco-dsar.config.yaml'),
      'sources:\n  - {name: nyhetsbrev, connector: newsletter, path: nl}\n  - {name: kunder, connector: visma, path: kunder.csv}\n  - {name: trasig, connector: visma, path: broken.csv, format: customer-list}\n',
    );
    const r = cli(['find', '--email', 'marta.oberg@mail.example', '--json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.json.skipped).toEqual([expect.objectContaining({ source: 'trasig', file: 'broken.csv', line: 2, code: 'csv.malformed' })]);
    expect(r.json.records.map((x: { source: string }) => x.source)).toEqual(expect.arrayContaining(['nyhetsbrev', 'kunder']));
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/u);
    expect(r.stderr + JSON.stringify(r.json.skipped)).not.toMatch(/Märta|marta\.oberg/u);
    // stdout is the one JSON document; the people's summary and the file that was not read go to stderr.
    expect(r.stderr).toContain('1 file(s) could not be read; the other sources were searched (exit code 3):');
    expect(r.stderr).toMatch(/trasig: broken\.csv:2/u);
  });

  it('answers --help, --version and unknown flags with the documented codes', () => {
    const help = run(['find', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--ga-client-id');
    expect(help.stdout).toContain('Exit codes');
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/u);
    expect(run(['find', '--bogus']).code).toBe(2);
    expect(run(['no-such-command']).code).toBe(2);
  });

  it('follows NO_COLOR and FORCE_COLOR', () => {
    const plain = cli(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example'], { cwd: ROOT, env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = cli(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example'], { cwd: ROOT, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(coloured.stdout).toContain('\u001b[');
  });
});

describe('find with another person\'s identifier among those given', () => {
  /** The exact records of a `find --json`, by source and place. */
  const exact = (r: { json: { records: { source: string; locator: object; confidence: string }[] } }): string[] =>
    r.json.records.filter((x) => x.confidence === 'exact').map((x) => `${x.source} ${JSON.stringify(x.locator)}`).sort();
  it("finds all of the subject's records, grades his as possible, and warns without naming the value", () => {
    const alone = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--json']);
    // Jörgen's mobile (docs/fixture-world.md), typed next to her e-mail.
    const mixed = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--phone', '070-174 06 47', '--json']);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(exact(mixed)).toEqual(exact(alone));
    expect(exact(alone).length).toBeGreaterThan(30);
    expect(mixed.json.shared).toContainEqual(expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true }));
    expect(mixed.stderr).toMatch(/the phone you gave is also another person's/u);
    expect(mixed.stderr).not.toMatch(/174 ?06 ?47|1740647/u);
    expect(alone.stderr).not.toMatch(/you gave is also another person's/u);
  });

  it("keeps the subject when the other person's phone sits only on cards without a personnummer (Åsa's, next to Märta's e-mail)", () => {
    const alone = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--json']);
    const mixed = run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--phone', '070-174 06 05', '--json']);
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(exact(mixed)).toEqual(exact(alone));
    expect(mixed.json.shared).toEqual([expect.objectContaining({ kind: 'phone', reason: 'other-person', given: true })]);
    expect(mixed.stderr).toMatch(/the phone you gave is also another person's/u);
    expect(mixed.stderr).not.toMatch(/the email you gave/u);
  });
});

describe('a terminal that reports no width', () => {
  // `script` gives the run a pty; `stty cols 0` is what some CI runners and serial consoles report.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('gets no spinner (ora cleared lines without end at 0 columns) and finishes', () => {
    const bin = path.join(ROOT, 'bin/ojco-dsar.js');
    const cmd = `stty cols 0; ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} find --config ${CONFIG} --email marta.oberg@mail.example --json`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, input: '' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeLessThan(1_000_000);
    expect(r.stdout).toContain('"records"');
  });
});

describe('find: what a read went past', () => {
  it('says on stderr, by source, file and line and never by value, what was skipped without stopping the read', () => {
    const r = cli(['find', '--config', 'fixtures/office365/ojco-dsar.config.yaml', '--email', 'marta.oberg@mail.example'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: graph-contacts: graph/karin.ek/contacts/contacts-delta.json — 1 item(s) marked "@removed" in a delta response were skipped');
    expect(r.stderr).not.toMatch(/marta|Märta|070/u);
  });

  it('says so on stderr with --json too, and stdout stays one JSON document', () => {
    const r = cli(['find', '--config', 'fixtures/office365/ojco-dsar.config.yaml', '--email', 'marta.oberg@mail.example', '--json'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).warnings.length).toBeGreaterThan(0);
    expect(r.stderr).toContain('warning: graph-contacts: graph/karin.ek/contacts/contacts-delta.json — 1 item(s) marked "@removed" in a delta response were skipped');
    expect(r.stderr).not.toMatch(/marta|Märta|070/u);
  });
});

describe('find: a phone number shorter than seven digits', () => {
  it('finds the card that holds it in any notation (an old local number), through the prefilter and the gates', () => {
    const dir = tempDir('ojco-dsar-find-');
    // Synthetic cards: Tora's six-digit number, and someone else's mobile.
    const card = (n: string, given: string, tel: string) => ['BEGIN:VCARD', 'VERSION:3.0', `N:${n};${given};;;`, `FN:${given} ${n}`, `TEL;TYPE=CELL:${tel}`, 'END:VCARD'].join('\r\n');
    writeFileSync(path.join(dir, 'kort.vcf'), [card('Test', 'Tora', '12 34 56'), card('Other', 'Olle', '070-123 45 67')].join('\r\n') + '\r\n');
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: c\n    connector: office365\n    path: kort.vcf\n');
    for (const phone of ['12 34 56', '012-34 56', '+46 12 34 56']) {
      const r = cli(['find', '--config', 'c.yaml', '--phone', phone, '--home', path.join(dir, 'home'), '--json'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.summary.exact, phone).toBe(1);
      expect(JSON.stringify(r.json.records)).toContain('Tora');
      expect(JSON.stringify(r.json.records)).not.toContain('Olle');
    }
  });

  it('warns, by source, file and line, about found records that hold U+FFFD (characters lost before the export), on both read paths', () => {
    const dir = tempDir('ojco-dsar-fffd-');
    const src = path.join(ROOT, 'fixtures/newsletter/nyhetsbrev');
    mkdirSync(path.join(dir, 'nyhetsbrev'));
    for (const f of ['subscribed_members_export_4f2a9c81d0.csv', 'unsubscribed_members_export_4f2a9c81d0.csv']) copyFileSync(path.join(src, f), path.join(dir, 'nyhetsbrev', f));
    // Märta's row with a city of an export that lost its å ä ö, as UTF-8 files of damaged text hold them.
    const file = path.join(dir, 'nyhetsbrev', 'subscribed_members_export_4f2a9c81d0.csv');
    writeFileSync(file, readFileSync(file, 'utf8').replace('""Helsingborg""', '""H\uFFFDlsingborg""'));
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - { name: nyhetsbrev, connector: newsletter, path: nyhetsbrev }\n');
    for (const extra of [[], ['--no-prefilter']]) {
      const r = run(['find', '--config', 'c.yaml', '--email', 'marta.oberg@mail.example', '--json', ...extra], dir);
      expect(r.code).toBe(0);
      expect(r.json.warnings).toEqual([
        expect.objectContaining({ source: 'nyhetsbrev', code: 'record.replacement-char', file: 'nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv', line: 2 }),
      ]);
      const human = run(['find', '--config', 'c.yaml', '--email', 'marta.oberg@mail.example', ...extra], dir);
      expect(human.stderr).toMatch(/nyhetsbrev: nyhetsbrev\/subscribed_members_export_4f2a9c81d0\.csv:2 — 1 found record\(s\) hold the character U\+FFFD/u);
    }
    // Without it, no warning.
    expect(run(['find', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--json']).json.warnings.some((w: { code: string }) => w.code === 'record.replacement-char')).toBe(false);
  });
});
