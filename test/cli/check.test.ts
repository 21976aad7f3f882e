/**
 * `check` (issue #6): CI fails when an export holds a field nobody
 * classified, and passes again when it is gone; every problem at once.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempDir } from './cli-helpers.ts';
import { fiscalYearProblem } from '../../src/pipeline/check.ts';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

/** A copy of the fixtures, so the test can change an export. */
function fixtureCopy(): string {
  const dir = tempDir('ojco-dsar-check-');
  cpSync(path.join(ROOT, 'fixtures'), dir, { recursive: true });
  return dir;
}

describe('ojco-dsar check', () => {
  it('passes on the bundled fixtures, expectations included', () => {
    const r = cli(['check', '--config', 'fixtures/ojco-dsar.config.yaml', '--json'], { cwd: ROOT });
    expect(r.json.problems).toEqual([]);
    expect(r.json.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(r.json.expectations.length).toBeGreaterThanOrEqual(5);
    expect(r.json.expectations.every((e: { ok: boolean }) => e.ok)).toBe(true);
  });

  it('takes a column the header names twice (a real GA4 Fivetran export) as that column, classified', () => {
    const dir = tempDir('ojco-dsar-check-');
    cpSync(path.join(ROOT, 'fixtures/google-analytics/broken/fivetran'), path.join(dir, 'fivetran'), { recursive: true });
    writeFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'sources:\n  - name: ga\n    connector: google-analytics\n    path: fivetran/event_data.csv\n');
    const r = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(r.json.problems).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('compares the latest financial year a file states: an earlier year may be a changed one (omläggning)', () => {
    const changed = [
      { start: '2023-01-01', end: '2023-12-31' },
      { start: '2025-05-01', end: '2026-04-30' },
      { start: '2024-01-01', end: '2025-04-30' },
    ];
    expect(fiscalYearProblem(changed, '05-01')).toBeUndefined();
    expect(fiscalYearProblem(changed, '01-01')).toMatch(/ends 2026-04-30, so its years start on 05-01/u);
    expect(fiscalYearProblem([{ start: '2024-02-29', end: '2025-02-28' }], '03-01')).toBeUndefined();
  });

  it("fails when the config's financial year is not the one the SIE files state (#RAR): invoices and their vouchers would be kept to different dates", () => {
    const dir = fixtureCopy();
    const config = path.join(dir, 'ojco-dsar.config.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^fiscalYearStart:.*$/mu, '') + '\nfiscalYearStart: "03-01"\n');
    const r = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const years = r.json.problems.filter((p: { code: string }) => p.code === 'check.fiscal-year');
    expect(years.length).toBeGreaterThan(0);
    expect(years[0].message).toMatch(/start on 01-01, but the config's fiscalYearStart is 03-01/u);
    expect(years.every((p: { file: string }) => /\.se$/iu.test(p.file))).toBe(true);
  });

  it('fails with the name of an unclassified column added to an export, and passes once it is removed', () => {
    const dir = fixtureCopy();
    const file = path.join(dir, 'newsletter/nyhetsbrev/unsubscribed_members_export_4f2a9c81d0.csv');
    const original = readFileSync(file, 'utf8');
    const lines = original.split('\n');
    lines[0] = lines[0] + ',Favoritfärg';
    for (let i = 1; i < lines.length; i++) if (lines[i]) lines[i] = lines[i] + ',blå';
    writeFileSync(file, lines.join('\n'));
    const bad = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.problems).toEqual([
      expect.objectContaining({
        code: 'check.unclassified-field',
        source: 'mailchimp-nyhetsbrev',
        file: 'newsletter/nyhetsbrev/unsubscribed_members_export_4f2a9c81d0.csv',
        column: 'Favoritfärg',
      }),
    ]);
    expect(bad.json.problems[0].message).toContain('Favoritfärg');
    // The value itself is never shown.
    expect(bad.stdout).not.toContain('blå');
    const human = cli(['check', '--config', 'ojco-dsar.config.yaml'], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Favoritfärg');

    writeFileSync(file, original);
    const good = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(good.json.problems).toEqual([]);
    expect(good.code).toBe(0);
  });

  it('classifying the new column in the config makes check pass', () => {
    const dir = fixtureCopy();
    const file = path.join(dir, 'newsletter/apsis/profiles-export.csv');
    const bytes = readFileSync(file, 'latin1').split('\r\n');
    bytes[0] = bytes[0] + ';SMS (mobil)';
    for (let i = 1; i < bytes.length; i++) if (bytes[i]) bytes[i] = bytes[i] + ';Ja';
    writeFileSync(file, bytes.join('\r\n'), 'latin1');
    expect(cli(['check', '--config', 'ojco-dsar.config.yaml'], { cwd: dir }).code).toBe(1);
    const cfg = path.join(dir, 'ojco-dsar.config.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('"Kurser (e-post)": consent', '"Kurser (e-post)": consent\n        "SMS (mobil)": consent'));
    expect(cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir }).json.problems).toEqual([]);
  });

  it('reports an unreadable file, a broken config and failed expectations together as problems (exit 1)', () => {
    const dir = fixtureCopy();
    writeFileSync(path.join(dir, 'visma/sie/ojco-2025.se'), '#FLAGGA 0\r\n#VER "F" 1 20250101 "x"\r\n{\r\n#TRANS 1510 {} 1.00\r\n');
    const r = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const codes = r.json.problems.map((p: { code: string }) => p.code);
    expect(codes).toContain('sie.malformed');
    expect(codes).toContain('check.expectation');
    expect(r.json.problems.find((p: { code: string }) => p.code === 'sie.malformed')).toMatchObject({ source: 'sie', file: 'visma/sie/ojco-2025.se' });

    writeFileSync(path.join(dir, 'ojco-dsar.config.yaml'), 'sources:\n  - name: x\n    connector: nope\n    path: y\nbogus: 1\n');
    const cfg = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(cfg.code).toBe(1);
    expect(cfg.json.problems.length).toBe(2);
  });

  it('gives every YAML syntax error of the config its line and column, without the text of the line, here and where the store reads the config', () => {
    const dir = tempDir('ojco-dsar-check-');
    // Line 5 is indented wrongly; line 8's block scalar header and line 9's string carry a value that must not be echoed.
    writeFileSync(path.join(dir, 'c1.yaml'), 'sources:\n  - name: a\n    connector: lime\n    path: /tmp\n   bad: [\n');
    writeFileSync(
      path.join(dir, 'c2.yaml'),
      'sources:\n  - name: a\n    connector: lime\n    path: /tmp\n  - name: b\n    connector: lime\n    path: /tmp\n    format: |x marta.oberg@mail.example\n    options: { note: "\\q 19920728-9969" }\n',
    );
    const c1 = cli(['check', '--config', 'c1.yaml', '--json'], { cwd: dir });
    expect(c1.code).toBe(1);
    expect(c1.json.problems.length).toBeGreaterThan(0);
    for (const p of c1.json.problems) expect(p, JSON.stringify(p)).toMatchObject({ code: 'config.syntax', file: 'c1.yaml', line: expect.any(Number) });
    expect(c1.json.problems[0]).toMatchObject({ line: 5, message: expect.stringMatching(/\(column \d+\)$/u) });
    const human = cli(['check', '--config', 'c1.yaml'], { cwd: dir });
    expect(human.stdout + human.stderr).toMatch(/c1\.yaml:5: .*\(column \d+\)/u);

    const c2 = cli(['check', '--config', 'c2.yaml', '--json'], { cwd: dir });
    expect(c2.code).toBe(1);
    expect(c2.json.problems.map((p: { line?: number }) => p.line)).toEqual(expect.arrayContaining([8, 9]));
    for (const p of c2.json.problems) expect(p, JSON.stringify(p)).toMatchObject({ code: 'config.syntax', file: 'c2.yaml', line: expect.any(Number) });
    // The store's light read of the config (home, actor) gives the same problems, lines and all.
    const list = cli(['case', 'list', '--config', 'c2.yaml', '--json'], { cwd: dir });
    expect(list.code).toBe(2);
    expect(list.json.error.problems).toEqual(c2.json.problems);
    const listHuman = cli(['case', 'list', '--config', 'c2.yaml'], { cwd: dir });
    expect(listHuman.stderr).toMatch(/c2\.yaml:8: /u);
    expect(listHuman.stderr).not.toMatch(/exact line/u);
    for (const out of [c2.stdout, c2.stderr, list.stdout, listHuman.stderr, human.stdout, human.stderr]) expect(out).not.toMatch(/marta|oberg|19920728|9969|\\q/iu);
  });

  it('reports an alias to no anchor in the config or the register as a syntax problem with its line, not a crash that prints its name', () => {
    const dir = tempDir('ojco-dsar-check-');
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: s\n    connector: visma\n    path: *marta.oberg@mail.example\n');
    const c = cli(['check', '--config', 'c.yaml', '--json'], { cwd: dir });
    expect(c.code).toBe(1);
    expect(c.json.problems).toEqual([{ code: 'config.syntax', file: 'c.yaml', line: 4, message: expect.stringMatching(/alias .* no anchor .*\(column 11\)$/u) }]);
    const found = cli(['find', '--config', 'c.yaml', '--email', 'x@mail.example', '--json'], { cwd: dir });
    expect(found.code).toBe(2);
    // The register's YAML is read the same way.
    writeFileSync(path.join(dir, 'register.yaml'), 'schemaVersion: 1\ncontroller: *19920728-9969\n');
    writeFileSync(path.join(dir, 'r.yaml'), `register: register.yaml\nsources:\n  - name: s\n    connector: visma\n    path: ${JSON.stringify(path.join(ROOT, 'fixtures/visma/sie'))}\n`);
    const r = cli(['check', '--config', 'r.yaml', '--json'], { cwd: dir });
    expect([1, 2]).toContain(r.code);
    expect(JSON.stringify(r.json)).toMatch(/register\.syntax/u);
    expect(JSON.stringify(r.json)).toMatch(/"line":2/u);
    for (const out of [c.stdout, c.stderr, found.stdout, found.stderr, r.stdout, r.stderr]) {
      expect(out).not.toMatch(/marta|oberg|19920728|9969|at .*\.js:\d+/iu);
    }
  });

  it('refuses an expectation that names a source the config does not have, instead of passing it vacuously (exit 1)', () => {
    const dir = fixtureCopy();
    const cfg = path.join(dir, 'ojco-dsar.config.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('notSources: [visma-administration, apsis, graph-users]', 'notSources: [Sie, apsis, graph-users]'));
    const r = cli(['check', '--config', 'ojco-dsar.config.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const bad = r.json.problems.filter((p: { code: string }) => p.code === 'check.expectation-invalid');
    expect(bad).toHaveLength(1);
    expect(bad[0].message).toMatch(/no source named "Sie" in the config/u);
  });
});
