/** `init` (issue #6): detects the exports and writes a config that `check` accepts. */
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

describe('ojco-dsar init', () => {
  it('init --yes on the fixtures folder writes a config whose only check problems are the damaged fixture files', () => {
    const dir = tempDir('ojco-dsar-init-');
    const config = path.join(dir, 'ojco-dsar.config.yaml');
    const r = cli(['init', 'fixtures', '--yes', '--out', config, '--json'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.json.sources.length).toBeGreaterThan(20);
    const connectors = new Set(r.json.sources.map((s: { connector: string }) => s.connector));
    expect([...connectors].sort()).toEqual(['google-analytics', 'lime', 'newsletter', 'office365', 'visma']);
    // The damaged files of the fixtures are left out, each with its reason.
    expect(r.json.leftOut.length).toBeGreaterThan(5);
    expect(r.json.leftOut.every((l: { reason: string }) => l.reason.length > 0)).toBe(true);
    // The reason does not repeat the path it stands beside; a cut-off file's says the line.
    for (const l of r.json.leftOut as { path: string; reason: string }[]) expect(l.reason, l.path).not.toContain(l.path);
    expect(r.json.leftOut.find((l: { path: string }) => l.path.endsWith('lime/broken/api/history-cut.json')).reason).toMatch(/^lime: line \d+: /u);
    // A saved Lime API mock (.js) is named with its reason, not passed over in silence; the config beside it is not listed.
    expect(r.json.leftOut.find((l: { path: string }) => l.path.endsWith('lime/broken/api/api_response_lime_core_person.js')).reason).toMatch(/^not read: a \.js file/u);
    expect(r.json.leftOut.some((l: { path: string }) => l.path.endsWith('ojco-dsar.config.yaml'))).toBe(false);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    // A source that names a folder reads all below it: no other source lies below it, or its records would be read twice.
    const paths: string[] = r.json.sources.map((s: { path: string }) => path.resolve(dir, s.path));
    for (const a of paths) for (const b of paths) if (a !== b) expect(b.startsWith(a + path.sep), `${b} under ${a}`).toBe(false);
    const sven = cli(['find', '--config', config, '--email', 'sven.svensson@mail.example', '--json'], { cwd: ROOT });
    const places = (sven.json.records as { source: string; locator: { file: string; line?: number; row?: number } }[]).map((x) => `${x.locator.file}:${x.locator.line ?? x.locator.row}`);
    expect(places.length).toBeGreaterThan(0);
    expect(new Set(places).size).toBe(places.length);
    // A damaged file that still gave records is kept, with a note, so that they are searched; check names it.
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/# only partly readable: .*KUND\.DBF/u);
    const check = cli(['check', '--config', config, '--json'], { cwd: ROOT });
    expect(check.json.problems.length).toBeGreaterThan(0);
    const damage = new Set(['csv.malformed', 'csv.truncated', 'sie.checksum', 'sie.malformed', 'dbf.truncated', 'json.malformed', 'ndjson.bad-line', 'ga.bad-line', 'vcard.unterminated']);
    for (const p of check.json.problems as { code: string; file?: string }[]) {
      expect(damage.has(p.code) || /^(?:csv|json|ndjson|ga|sie|dbf|vcard|zip|gzip|xlsx|office365|lime|visma|newsletter|dbf|line)\./u.test(p.code), `${p.code} ${p.file}`).toBe(true);
      // Only the fixtures' damaged files: every one lies in a folder of broken or bad inputs.
      expect(p.file, p.code).toMatch(/(?:broken|bad|sie-io)\//u);
    }
    expect(check.code).toBe(1);
    // And the config finds the people; the damaged files are named (exit 3), the others searched.
    const find = cli(['find', '--config', config, '--email', 'marta.oberg@mail.example', '--json'], { cwd: ROOT });
    expect(find.code).toBe(3);
    expect(find.json.summary.exact).toBeGreaterThan(20);
  });

  it('groups a folder of one system into one source, marks guesses, lists files it cannot place, and never overwrites', () => {
    const dir = tempDir('ojco-dsar-init-');
    mkdirSync(path.join(dir, 'exports/mailchimp'), { recursive: true });
    for (const f of ['subscribed', 'unsubscribed', 'cleaned']) {
      copyFileSync(path.join(ROOT, `fixtures/newsletter/nyhetsbrev/${f}_members_export_4f2a9c81d0.csv`), path.join(dir, `exports/mailchimp/${f}_members_export_4f2a9c81d0.csv`));
    }
    copyFileSync(path.join(ROOT, 'fixtures/newsletter/apsis/profiles-export.csv'), path.join(dir, 'exports/apsis.csv'));
    // A beehiiv export (once taken for a Lime export) and an Outlook business card.
    copyFileSync(path.join(ROOT, 'fixtures/newsletter/beehiiv/subscribers_export.csv'), path.join(dir, 'exports/beehiiv.csv'));
    copyFileSync(path.join(ROOT, 'fixtures/office365/vcard/orjan-backstrom.vcf'), path.join(dir, 'exports/orjan.vcf'));
    writeFileSync(path.join(dir, 'exports/notes.log'), 'nothing to see\n');
    const r = cli(['init', 'exports', '--yes'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(dir, 'exports/ojco-dsar.config.yaml'), 'utf8');
    expect(text).toMatch(/name: newsletter-mailchimp\n\s+connector: newsletter\n\s+path: mailchimp\n/u);
    expect(text).toContain('preset: apsis');
    expect(text).toMatch(/connector: newsletter\n\s+path: beehiiv\.csv\n\s+# a beehiiv subscriber export, by its columns\n\s+options:\n\s+preset: beehiiv\n/u);
    expect(text).toMatch(/connector: office365\n\s+path: orjan\.vcf\n/u);
    expect(text).toMatch(/"Nyhetsbrev \(e-post\)": consent {2}# guess, review/u);
    expect(text).toMatch(/# {3}notes\.log: no connector recognises it/u);
    expect(cli(['check', '--config', 'exports/ojco-dsar.config.yaml'], { cwd: dir }).code).toBe(0);
    const again = cli(['init', 'exports', '--yes'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    expect(cli(['init', 'exports', '--yes', '--force'], { cwd: dir }).code).toBe(0);
  });

  it('follows links in the export folder: a linked export is proposed, a link to nothing is listed with its reason', () => {
    const dir = tempDir('ojco-dsar-init-');
    mkdirSync(path.join(dir, 'exports'), { recursive: true });
    mkdirSync(path.join(dir, 'elsewhere'), { recursive: true });
    copyFileSync(path.join(ROOT, 'fixtures/office365/vcard/orjan-backstrom.vcf'), path.join(dir, 'elsewhere/orjan.vcf'));
    symlinkSync('../elsewhere/orjan.vcf', path.join(dir, 'exports/orjan.vcf'));
    symlinkSync('../elsewhere/gone.csv', path.join(dir, 'exports/gone.csv'));
    // A link back up the tree is walked once, not forever.
    symlinkSync('.', path.join(dir, 'exports/again'));
    const r = cli(['init', 'exports', '--yes', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json.sources).toEqual([expect.objectContaining({ connector: 'office365', path: 'orjan.vcf' })]);
    expect(r.json.leftOut).toEqual([expect.objectContaining({ path: expect.stringMatching(/gone\.csv$/u), reason: 'not read: the link leads to a file that does not exist' })]);
  });

  it('run in the export folder itself, writes a config whose source is that folder (`.`), which check accepts and reads without the config', () => {
    const dir = tempDir('ojco-dsar-init-');
    copyFileSync(path.join(ROOT, 'fixtures/office365/vcard/iphone-kontakter.vcf'), path.join(dir, 'iphone-kontakter.vcf'));
    copyFileSync(path.join(ROOT, 'fixtures/office365/vcard/orjan-backstrom.vcf'), path.join(dir, 'orjan-backstrom.vcf'));
    const r = cli(['init', '.', '--yes', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.sources).toEqual([expect.objectContaining({ connector: 'office365', path: '.' })]);
    expect(readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8')).toMatch(/\n\s+path: \.\n/u);
    const check = cli(['check', '--json'], { cwd: dir });
    expect(check.json.problems).toEqual([]);
    expect(check.code).toBe(0);
    const found = cli(['find', '--email', 'anna.berg@mail.example', '--json'], { cwd: dir });
    expect(found.code, found.stderr).toBe(0);
    expect(found.json.summary.exact).toBe(1);
    // An export cut off inside its second card is kept: the complete card before the cut is found, and the
    // file is named (exit 3), instead of init leaving the whole file out and find answering "nothing held".
    copyFileSync(path.join(ROOT, 'fixtures/office365/broken/contacts/kontakter-kapad.vcf'), path.join(dir, 'kontakter-kapad.vcf'));
    expect(cli(['init', '.', '--yes', '--force'], { cwd: dir }).code).toBe(0);
    const written = readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8');
    expect(written).toMatch(/# only partly readable: kontakter-kapad\.vcf:7/u);
    // A vCard file is often named after its contact, and a source's name is in every output: not named after the file.
    expect([...written.matchAll(/name: (\S+)/gu)].map((m) => m[1])).toEqual(['office365-vcard-1', 'office365-vcard-2', 'office365-vcard-3']);
    expect(written).not.toMatch(/name: \S*(?:orjan|backstrom|iphone|kapad)/u);
    const cut = cli(['find', '--email', 'karin.holm@mail.example', '--json'], { cwd: dir });
    expect(cut.code).toBe(3);
    expect(cut.json.summary.exact).toBe(2);
    expect(cut.json.skipped).toEqual([expect.objectContaining({ file: 'kontakter-kapad.vcf', line: 7, code: 'vcard.unterminated' })]);
  });

  it('takes a bare customer list with a customer number for the accounting system, and marks the close call for review', () => {
    const dir = tempDir('ojco-dsar-init-');
    // Kundnummer;Namn;E-post: a Lime list and a Visma customer list both fit. Which one decides whether
    // erase keeps the records under Bokföringslagen.
    copyFileSync(path.join(ROOT, 'fixtures/visma/broken/customer-list/kunder-ok.csv'), path.join(dir, 'kunder.csv'));
    const r = cli(['init', '.', '--yes', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.sources).toEqual([expect.objectContaining({ connector: 'visma', path: 'kunder.csv' })]);
    expect(readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8')).toMatch(/# guess, review: the files also look like lime \(client-export\)/u);
    // A Mailchimp audience file with Outlook-like columns (Company, Position, ZIP Code) is no close call either.
    writeFileSync(
      path.join(dir, 'subscribed_members_export_0a1b2c3d4e.csv'),
      'Email Address,First Name,Last Name,Company,Position,ZIP Code,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n' +
        'tora.test@mail.example,Tora,Test,,,,2,2024-01-02 10:00:00,,2024-01-02 10:00:00,,,,,,,,,2024-01-02 10:00:00,1,abc,,\n',
    );
    const mc = cli(['init', '.', '--yes', '--force', '--json'], { cwd: dir });
    expect(mc.json.sources).toContainEqual(expect.objectContaining({ connector: 'newsletter', path: 'subscribed_members_export_0a1b2c3d4e.csv' }));
    expect(readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8')).not.toContain('also look like office365');
    // A Lime list with Lime's own columns is no close call.
    copyFileSync(path.join(ROOT, 'fixtures/lime/client-export/foretag.csv'), path.join(dir, 'foretag.csv'));
    const both = cli(['init', '.', '--yes', '--force', '--json'], { cwd: dir });
    expect(both.json.sources).toContainEqual(expect.objectContaining({ connector: 'lime', path: 'foretag.csv' }));
    expect(readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8').match(/also look like/gu)).toHaveLength(1);
  });

  it("guesses an export's own identifier behind a custom property's prefix (a vCard's X-PERSONNUMMER), so find reaches it", () => {
    const dir = tempDir('ojco-dsar-init-');
    // A synthetic person; the personnummer is a valid test number.
    const card = ['BEGIN:VCARD', 'VERSION:3.0', 'N:Hogblad;Lars;;;', 'FN:Lars Hogblad', 'EMAIL;TYPE=INTERNET:lars@example.org', 'X-PERSONNUMMER:19530220-9977', 'END:VCARD', ''];
    writeFileSync(path.join(dir, 'kontakt.vcf'), card.join('\r\n'));
    expect(cli(['init', '.', '--yes'], { cwd: dir }).code).toBe(0);
    expect(readFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'utf8')).toContain('"X-PERSONNUMMER": { category: identity, identifier: pnr }  # guess, review');
    const found = cli(['find', '--pnr', '530220-9977', '--json'], { cwd: dir });
    expect(found.code, found.stderr).toBe(0);
    expect(found.json.summary.exact).toBe(1);
  });

  it('refuses a folder that does not exist (exit 2)', () => {
    const r = cli(['init', 'no-such-folder', '--yes'], { cwd: tempDir('ojco-dsar-init-') });
    expect(r.code).toBe(2);
  });

  it('writes no config when nothing in the folder can be read, and says why for each file (exit 2)', () => {
    const dir = tempDir('ojco-dsar-init-');
    mkdirSync(path.join(dir, 'api'));
    writeFileSync(path.join(dir, 'api', 'fortnox_customers_all.yml'), '---\nhttp_interactions:\n- request:\n    method: get\n');
    writeFileSync(path.join(dir, 'api', 'notes.bin'), Buffer.from([0, 1, 2, 3, 250, 251]));
    const r = cli(['init', 'api', '--yes', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const problems: { code: string; file: string; message: string }[] = r.json.error.problems;
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ['init.no-exports', 'api/notes.bin'],
      ['init.no-exports', 'api/fortnox_customers_all.yml'],
    ]);
    expect(problems[1]!.message).toMatch(/a \.yml file is a script, a config or a recording/u);
    expect(existsSync(path.join(dir, 'api', 'ojco-dsar.config.yaml'))).toBe(false);
  });
});
