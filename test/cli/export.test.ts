/**
 * `ojco-dsar export` end to end: the built CLI (`npm test` builds it first,
 * through `pretest`) on the newsletter connector's fixtures, into a temp
 * folder. Checks the interface contract (issue #3), the file safety of
 * issue #8 point 5, no personal data on stderr (point 4), and the
 * acceptance rule: the extract holds exactly the records `find` reports as
 * exact or probable, each explained by the register.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGISTER } from '../../src/register/load.ts';
import { ExtractSchema, type Extract } from '../../src/report/extract-schema.ts';
import type { FindJson } from '../../src/report/found.ts';
import { FIXTURES, ROOT } from '../helpers.ts';
import { cli as cliIn, spyConfig } from './cli-helpers.ts';

const BIN = path.join(ROOT, 'bin/ojco-dsar.js');
const CONFIG = path.join(FIXTURES, 'newsletter/ojco-dsar.config.yaml');
const AS_OF = '2025-05-16';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'ojco-export-'));

interface Summary {
  files: { path: string; format: string; sha256: string; bytes: number; system?: string }[];
  records: number;
  notRead: { source: string; file?: string; reason: string }[];
  possible: { found: number; included: number; undecided: number };
}

/** The personas of docs/fixture-world.md, as the newsletter fixtures know them. */
const PERSONAS: { id: string; flags: string[]; secrets: string[] }[] = [
  { id: 'P1 Åsa Lindqvist', flags: ['--email', 'asa.lindqvist@lindqvistbygg.example'], secrets: ['asa.lindqvist@lindqvistbygg.example', 'Lindqvist', '0701740605'] },
  { id: 'P2 Örjan Bäckström', flags: ['--phone', '+46 70 174 06 12', '--email', 'orjan@backstromkonsult.example'], secrets: ['orjan@backstromkonsult.example', 'Bäckström', '701740612', '174 06 12'] },
  { id: 'P3 Märta Öberg', flags: ['--email', 'marta.oberg@mail.example'], secrets: ['marta.oberg@mail.example', 'Märta', 'Öberg', '701740633'] },
  { id: 'P4 Jörgen Åkesson', flags: ['--phone', '070-174 06 47'], secrets: ['jorgen.akesson@mail.example', 'Jörgen', 'Åkesson', '701740647', '174 06 47'] },
];

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const mode = (p: string): number => statSync(p).mode & 0o777;
const key = (r: { source: string; locator: object }): string => `${r.source} ${JSON.stringify(r.locator)}`;

beforeAll(() => {
  // The CLI runs from dist/: fail clearly (not with confusing diffs) when it is missing or stale.
  const built = path.join(ROOT, 'dist/src/cli/commands/export.js');
  if (!existsSync(built)) throw new Error('the CLI is not built: run `npm run build` (npm test does it through pretest)');
  const mine = [path.join(ROOT, 'src/cli/commands/export.ts'), ...readdirSync(path.join(ROOT, 'src/report')).map((f) => path.join(ROOT, 'src/report', f))];
  const newest = Math.max(...mine.map((f) => statSync(f).mtimeMs));
  if (statSync(built).mtimeMs < newest) throw new Error('dist/ is older than src/: run `npm run build` (npm test does it through pretest)');
});

describe('ojco-dsar export', () => {
  it('writes every format, 0600 in a new 0700 folder, and lists each file with its sha256', () => {
    const out = path.join(tmp(), 'new', 'marta');
    const r = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.files.map((f) => [f.format, path.basename(f.path)])).toEqual([
      ['json', 'registerutdrag-2025-05-16.json'],
      ['xlsx', 'registerutdrag-2025-05-16.xlsx'],
      ['csv', 'registerutdrag-2025-05-16-nyhetsbrevsverktyget.csv'],
      ['html', 'registerutdrag-2025-05-16.html'],
    ]);
    expect(readdirSync(out).sort()).toEqual(s.files.map((f) => path.basename(f.path)).sort());
    for (const f of s.files) {
      expect(path.isAbsolute(f.path)).toBe(true);
      expect(sha(f.path)).toBe(f.sha256);
      expect(statSync(f.path).size).toBe(f.bytes);
      expect(mode(f.path)).toBe(0o600);
    }
    expect(mode(out)).toBe(0o700);
    expect(mode(path.dirname(out))).toBe(0o700);
    expect(s.records).toBe(3);
    expect(s.notRead).toEqual([]);
    expect(s.possible).toEqual({ found: 1, included: 0, undecided: 1 });
    expect(JSON.parse(readFileSync(s.files[0]!.path, 'utf8')).undecided).toBe(1);
    const x = ExtractSchema.parse(JSON.parse(readFileSync(s.files[0]!.path, 'utf8')));
    expect(x.asOf).toBe(AS_OF);
    expect(x.language).toBe('sv');
    expect(x.controller.name).toBe('OJCO International AB');
    expect(x.subject.identifiers).toEqual([{ kind: 'email', value: 'marta.oberg@mail.example' }]);
    // No personal data on stderr (issue #8 point 4).
    for (const secret of PERSONAS[2]!.secrets) expect(r.stderr).not.toContain(secret);
  });

  it('refuses to overwrite without --force (exit 2, listing every file) and overwrites with it', () => {
    const out = tmp();
    const args = ['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', AS_OF];
    expect(cli([...args, '--json']).code).toBe(0);
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, sha(path.join(out, f))]));

    const again = cli([...args, '--json']);
    expect(again.code).toBe(2);
    const err = JSON.parse(again.stdout) as { error: { code: string; problems: { code: string; file: string }[] } };
    expect(err.error.code).toBe('output.exists');
    expect(err.error.problems.map((p) => path.basename(p.file)).sort()).toEqual(Object.keys(before).sort());
    expect(again.stderr).toContain('pass --force to overwrite it');
    expect(Object.fromEntries(readdirSync(out).map((f) => [f, sha(path.join(out, f))]))).toEqual(before);

    const forced = cli([...args, '--json', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const s = JSON.parse(forced.stdout) as Summary;
    for (const f of s.files) {
      expect(sha(f.path)).toBe(f.sha256);
      expect(mode(f.path)).toBe(0o600);
    }
    // generatedAt changed, so the JSON was really rewritten.
    expect(s.files[0]!.sha256).not.toBe(before['registerutdrag-2025-05-16.json']);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.runIf(existsSync('/proc/self'))('ends with an error, not a loop, where a file system refuses a new folder with ENOENT (/proc)', () => {
    const r = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', '/proc/nope/x', '--format', 'json', '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/mkdir/u);
  }, 60_000);

  it('checks --out before the search: a path under a file, or a folder it cannot write, is refused as the write would refuse it (exit 2), with nothing read', () => {
    const dir = tmp();
    const { config, marker } = spyConfig(dir);
    writeFileSync(path.join(dir, 'f'), 'x');
    const args = (out: string, ...more: string[]) => ['export', '--config', config, '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', AS_OF, ...more];
    for (const out of ['f/sub', 'f/sub/deeper']) {
      const r = cliIn(args(out, '--json'), { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.json.error).toMatchObject({ code: 'fs.enotdir', message: `${out}: a part of this path is a file, not a folder (mkdir)`, problems: [{ code: 'fs.enotdir', file: out }] });
      const human = cliIn(args(out), { cwd: dir });
      expect(human.code).toBe(2);
      expect(human.stderr).toContain(`error: ${out}: a part of this path is a file, not a folder (mkdir)`);
      expect(human.stderr).not.toMatch(/internal error/u);
      expect(existsSync(marker), 'a source was read').toBe(false);
    }
    // With the other usage problems, all at once.
    const several = cliIn(args('f/sub', '--format', 'pdf', '--json'), { cwd: dir });
    expect(several.json.error.problems.map((p: { code: string }) => p.code).sort()).toEqual(['fs.enotdir', 'usage.format']);
    // A folder that cannot be written (root may write anywhere, so only as another user).
    if (process.getuid?.() !== 0) {
      mkdirSync(path.join(dir, 'locked'), { mode: 0o500 });
      const locked = cliIn(args('locked/sub', '--json'), { cwd: dir });
      expect(locked.code).toBe(2);
      expect(locked.json.error.code).toBe('fs.eacces');
      expect(existsSync(marker), 'a source was read').toBe(false);
    }
    // The same config searches and writes into a folder it can create.
    const ok = cliIn(args('new/sub', '--json'), { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(readdirSync(path.join(dir, 'new/sub')).length).toBeGreaterThan(0);
  });

  it('prints a table of the files for people, and nothing personal on stderr', () => {
    const out = tmp();
    const r = cli(['export', '--config', CONFIG, '--phone', '070-174 06 47', '--out', out, '--format', 'html,json', '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/format\s+file\s+bytes\s+sha256/u);
    const json = path.join(out, 'registerutdrag-2025-05-16.json');
    expect(r.stdout).toContain(sha(json));
    expect(readdirSync(out).sort()).toEqual(['registerutdrag-2025-05-16.html', 'registerutdrag-2025-05-16.json']);
    for (const secret of PERSONAS[3]!.secrets) expect(r.stderr).not.toContain(secret);
  });

  it('lists every usage problem at once (exit 2), without echoing values', () => {
    const r = cli(['export', '--config', CONFIG, '--email', 'not-an-address', '--out', tmp(), '--format', 'pdf,json', '--as-of', '2025-02-30', '--case', 'C-1', '--json']);
    expect(r.code).toBe(2);
    const codes = (JSON.parse(r.stdout) as { error: { problems: { code: string }[] } }).error.problems.map((p) => p.code).sort();
    expect(codes).toEqual(['usage.as-of', 'usage.case-id', 'usage.format', 'usage.invalid-email']);
    expect(r.stderr).toContain('a case id looks like DSAR-2026-0001');
    expect(r.stderr).not.toContain('not-an-address');
    // The bad format is named by its place, not repeated.
    expect(r.stderr).toContain('--format: the first format is not one of json, xlsx, csv, html');
    expect(r.stderr).not.toContain('pdf');
  });

  it("takes today from OJCO_DSAR_TODAY as every command does, and refuses a bad one, or an --as-of outside the modelled years (exit 2)", () => {
    const out = tmp();
    const r = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', out, '--format', 'json', '--json'], { OJCO_DSAR_TODAY: '2027-01-10' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).asOf).toBe('2027-01-10');
    expect(readdirSync(out)).toEqual(['registerutdrag-2027-01-10.json']);
    const bogus = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', tmp(), '--json'], { OJCO_DSAR_TODAY: 'bogus' });
    expect(bogus.code).toBe(2);
    const early = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', tmp(), '--as-of', '1900-01-01', '--json']);
    expect(early.code).toBe(2);
    expect(JSON.parse(early.stdout).error.problems.map((p: { code: string }) => p.code)).toEqual(['usage.date-range']);
  });

  it('exits 3 when a source cannot be read, and still writes the extract, which names the file (register from the config)', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'empty-export'));
    // `register:` is relative to the config file.
    copyFileSync(DEFAULT_REGISTER(), path.join(dir, 'my-register.yaml'));
    writeFileSync(path.join(dir, 'my-register.yaml'), readFileSync(path.join(dir, 'my-register.yaml'), 'utf8').replace('name: OJCO International AB', 'name: Testbolaget AB'));
    const nl = path.join(FIXTURES, 'newsletter');
    writeFileSync(
      path.join(dir, 'ojco-dsar.config.yaml'),
      `register: my-register.yaml
sources:
  - { name: mailchimp-nyhetsbrev, connector: newsletter, path: ${JSON.stringify(path.join(nl, 'nyhetsbrev'))} }
  - { name: trasig, connector: newsletter, path: empty-export }
`,
    );
    const out = path.join(dir, 'out');
    const r = cli(['export', '--config', path.join(dir, 'ojco-dsar.config.yaml'), '--email', 'marta.oberg@mail.example', '--out', out, '--format', 'json,html', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.notRead).toEqual([expect.objectContaining({ source: 'trasig' })]);
    // stdout is the document; the summary and the source not read go to stderr, as find says them.
    expect(r.stderr).toContain('1 file(s) could not be read; the extract names their sources, and the other sources were searched (exit code 3):');
    expect(r.stderr).toMatch(/trasig/u);
    // The names find's skipped uses, beside the extract's reason.
    const n = s.notRead[0] as unknown as Record<string, unknown>;
    expect(n).toMatchObject({ connector: 'newsletter', code: 'source.empty', message: n.reason });
    const x = JSON.parse(readFileSync(path.join(out, 'registerutdrag-2025-05-16.json'), 'utf8')) as Extract;
    expect(x.controller.name).toBe('Testbolaget AB');
    expect(x.notRead).toEqual([expect.objectContaining({ source: 'trasig' })]);
    expect(x.records).toHaveLength(1);
    const html = readFileSync(path.join(out, 'registerutdrag-2025-05-16.html'), 'utf8');
    expect(html).toContain('En eller flera filer från följande källor kunde inte läsas');
    expect(html).toContain('trasig');
    // The extract goes to the person: it names the source, not the file (a file may be named after someone else).
    expect(x.notRead[0]).not.toHaveProperty('file');
    expect(html).not.toContain('empty-export');
  });

  it('--lang en gives the same extract in English', () => {
    const dir = tmp();
    const run = (lang: string): Extract => {
      const r = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', path.join(dir, lang), '--format', 'json', '--lang', lang, '--as-of', AS_OF, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as Summary;
      expect(path.basename(s.files[0]!.path)).toBe(lang === 'sv' ? 'registerutdrag-2025-05-16.json' : 'register-extract-2025-05-16.json');
      return JSON.parse(readFileSync(s.files[0]!.path, 'utf8')) as Extract;
    };
    const [sv, en] = [run('sv'), run('en')];
    expect(en.language).toBe('en');
    const same = (x: Extract): unknown => x.records.map((r) => ({ source: r.source, locator: r.locator, fields: r.fields, confidence: r.confidence, category: r.category, retention: r.retention.retainUntil ?? null, purposes: r.purposes.map((p) => p.id), legalBasis: r.legalBasis.map((b) => b.article) }));
    expect(same(en)).toEqual(same(sv));
    expect(en.records[0]!.system).toBe('The newsletter tool');
    expect(sv.records[0]!.system).toBe('Nyhetsbrevsverktyget');
    expect(en.records[0]!.purposes[0]!.text).not.toBe(sv.records[0]!.purposes[0]!.text);
    expect(en.processing.complaint.authority).toBe('The Swedish Authority for Privacy Protection (IMY)');
  });

  it("calls a voucher from Spiris's API what it is: bookkeeping in Visma, not an SIE export", () => {
    const dir = tmp();
    for (const lang of ['sv', 'en']) {
      const r = cli(['export', '--config', path.join(FIXTURES, 'ojco-dsar.config.yaml'), '--email', 'marta.oberg@mail.example', '--out', path.join(dir, lang), '--format', 'json', '--lang', lang, '--as-of', AS_OF, '--json']);
      expect([0, 3], r.stderr).toContain(r.code);
      const x = JSON.parse(readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
      const voucher = x.records.find((v) => v.locator.file === 'visma/api/vouchers-page1.json');
      expect(voucher?.category).toBe('voucher');
      expect(voucher?.system).toBe(lang === 'sv' ? 'Visma (bokföring)' : 'Visma (bookkeeping)');
      expect(x.records.filter((v) => /SIE/u.test(`${v.system} ${v.categoryText}`))).toEqual([]);
    }
  });

  it('--lang gives each record\'s label, and each recipient, in the extract\'s language (every connector)', () => {
    const dir = tmp();
    const run = (lang: string): Extract => {
      const r = cli(['export', '--config', path.join(FIXTURES, 'ojco-dsar.config.yaml'), '--email', 'orjan@backstromkonsult.example', '--out', path.join(dir, lang), '--home', path.join(dir, 'home'), '--format', 'json', '--lang', lang, '--as-of', AS_OF, '--json']);
      expect([0, 3], r.stderr).toContain(r.code);
      return JSON.parse(readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    };
    const [sv, en] = [run('sv'), run('en')];
    const labels = (x: Extract): string[] => x.records.map((r) => r.label ?? '');
    expect(labels(en).length).toBe(labels(sv).length);
    expect(new Set(en.records.map((r) => r.connector))).toEqual(new Set(['lime', 'visma', 'office365', 'newsletter']));
    // The connectors' own words, not the data: no Swedish ones in English, no English ones in Swedish.
    const svWords = /^(Kund|Faktura|Kundreskontra|Verifikation|Företagsuppgifter|Kontakt|Företag|Affär|Historik|Prenumerant|E-post:|Spårning)\b|konto \d|Outlook-kontakt|svenska rubriker/u;
    const enWords = /^(Customer|Invoice|Accounts receivable|Voucher|Company details|Contact|Company|Deal|History|E-mail:|Message trace)\b|account \d|Outlook contact|member \(|Swedish headers/u;
    expect(labels(en).filter((l) => svWords.test(l))).toEqual([]);
    expect(labels(sv).filter((l) => enWords.test(l))).toEqual([]);
    // Each connector gave a label in each language: the lists differ everywhere but in data-only labels.
    expect(labels(sv).filter((l) => svWords.test(l)).length).toBeGreaterThan(15);
    expect(labels(en).filter((l) => enWords.test(l)).length).toBeGreaterThan(15);
    expect(labels(en)).toContain('Invoice 2024312');
    expect(labels(sv)).toContain('Faktura 2024312');
    const countries = (x: Extract): string[] => x.records.flatMap((r) => r.recipients.map((c) => c.country));
    expect(countries(sv)).toContain('Sverige');
    expect(countries(en)).toContain('Sweden');
    expect(countries(en)).not.toContain('Sverige');
  });
});

describe('acceptance: the extract holds what find reports as exact or probable, each explained (issue #3)', () => {
  for (const p of PERSONAS) {
    it(p.id, () => {
      const dir = tmp();
      const found = cli(['find', '--config', CONFIG, ...p.flags, '--json']);
      expect(found.code, found.stderr).toBe(0);
      const f = JSON.parse(found.stdout) as FindJson;
      const sure = f.records.filter((r) => r.confidence !== 'possible');
      const possible = f.records.filter((r) => r.confidence === 'possible');
      expect(sure.length).toBeGreaterThan(0);

      const exported = (extra: string[], out: string): { x: Extract; run: Run } => {
        const run = cli(['export', '--config', CONFIG, ...p.flags, '--out', path.join(dir, out), '--format', 'json', '--as-of', AS_OF, '--json', ...extra]);
        expect(run.code, run.stderr).toBe(0);
        const s = JSON.parse(run.stdout) as Summary;
        return { x: ExtractSchema.parse(JSON.parse(readFileSync(s.files[0]!.path, 'utf8'))), run };
      };

      // Without confirmation (no TTY) possible matches stay out: exactly find's exact and probable records.
      const { x, run } = exported([], 'plain');
      expect(x.records.map(key).sort()).toEqual(sure.map(key).sort());
      for (const r of x.records) {
        const match = sure.find((s) => key(s) === key(r))!;
        expect(r.confidence).toBe(match.confidence);
        expect(r.connector).toBe(match.connector);
        // Each with its register information: none unexplained.
        expect(r.purposes.length).toBeGreaterThan(0);
        expect(r.legalBasis.length).toBeGreaterThan(0);
        expect(r.recipients.length).toBeGreaterThan(0);
        expect(r.retention.text.length).toBeGreaterThan(0);
        expect(r.origin.text.length).toBeGreaterThan(0);
        expect(r.dataCategories.length).toBeGreaterThan(0);
      }
      for (const secret of p.secrets) expect(run.stderr).not.toContain(secret);

      // With the explicit flag, the possible ones too, marked as such.
      const all = exported(['--include-possible'], 'all').x;
      expect(all.records.map(key).sort()).toEqual(f.records.map(key).sort());
      expect(all.records.filter((r) => r.confidence === 'possible').map(key).sort()).toEqual(possible.map(key).sort());
    });
  }
});

describe('export of records held past their retention', () => {
  it('marks them overdue in the extract and warns the officer, by count only', () => {
    const full = path.join(FIXTURES, 'ojco-dsar.config.yaml');
    const at = (asOf: string): { run: Run; overdue: number } => {
      const out = tmp();
      const run = cli(['export', '--config', full, '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', asOf, '--format', 'json', '--json']);
      const file = readdirSync(out).find((f) => f.endsWith('.json'))!;
      const doc = JSON.parse(readFileSync(path.join(out, file), 'utf8')) as { records: { retention: { overdue?: boolean } }[] };
      return { run, overdue: doc.records.filter((r) => r.retention.overdue).length };
    };
    const then = at(AS_OF);
    expect(then.run.code, then.run.stderr).toBe(0);
    expect(then.overdue).toBe(0);
    expect(then.run.stderr).not.toContain('after their retention ended');
    const later = at('2040-01-01');
    expect(later.overdue).toBeGreaterThan(0);
    expect(later.run.stderr).toContain(`${later.overdue} record(s) are still held after their retention ended`);
    expect(later.run.stderr).not.toMatch(/marta/iu);
  }, 120_000);

  it("states the day Lime's GDPR add-on set for a person (expireddate) as the card's retention end, overdue once past", () => {
    const full = path.join(FIXTURES, 'ojco-dsar.config.yaml');
    const card = (asOf: string): { retainUntil?: string; overdue?: boolean; id: string } => {
      const out = tmp();
      const run = cli(['export', '--config', full, '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', asOf, '--format', 'json', '--json']);
      expect([0, 3], run.stderr).toContain(run.code);
      const doc = JSON.parse(readFileSync((JSON.parse(run.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
      const persons = doc.records.filter((r) => r.connector === 'lime' && r.category === 'crm-person' && r.fields.expireddate === '2025-06-30T00:00:00+02:00');
      expect(persons.length).toBeGreaterThan(0);
      // Every copy of the card (the list page and the person's own page) says the same.
      expect(new Set(persons.map((r) => JSON.stringify(r.retention))).size).toBe(1);
      return persons[0]!.retention as { retainUntil?: string; overdue?: boolean; id: string };
    };
    expect(card('2025-06-30')).toMatchObject({ id: 'relationship', retainUntil: '2025-06-30' });
    expect(card('2025-06-30').overdue).toBeUndefined();
    expect(card('2025-07-01')).toMatchObject({ retainUntil: '2025-06-30', overdue: true });
  }, 120_000);

  it('says a consent record is kept as proof, withdrawn or not, as the erasure plan keeps it (DM-5)', () => {
    const out = tmp();
    const run = cli(['export', '--config', path.join(FIXTURES, 'ojco-dsar.config.yaml'), '--email', 'marta.oberg@mail.example', '--out', out, '--as-of', AS_OF, '--format', 'json', '--lang', 'en', '--json']);
    expect([0, 3], run.stderr).toContain(run.code);
    const doc = JSON.parse(readFileSync((JSON.parse(run.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    const consents = doc.records.filter((r) => r.category === 'crm-consent');
    expect(consents.length).toBeGreaterThan(0);
    for (const c of consents) {
      expect(c.retention.id).toBe('consent-proof');
      expect(c.retention.text).toMatch(/kept as proof/u);
      expect(c.retention.text).not.toMatch(/only a suppression entry/u);
    }
  }, 120_000);
});

describe('export with a file it cannot read', () => {
  it('names the file and line on the terminal, as find does (exit 3)', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `sources:\n  - name: nl\n    connector: newsletter\n    path: ${path.join(FIXTURES, 'bad/csv-truncated-row')}\n  - name: good\n    connector: newsletter\n    path: ${path.join(FIXTURES, 'newsletter/nyhetsbrev')}\n`);
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--out', path.join(dir, 'out'), '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/✖ nl: .*subscribed_members_export_5c0e2f\.csv:\d+ — /u);
  });
});

describe('export: the letter', () => {
  /** The HTML letter and the JSON extract of one person, on the fixtures. */
  const letterAndData = (email: string): { html: string; x: Extract } => {
    const dir = tmp();
    const r = cli(['export', '--config', path.join(FIXTURES, 'ojco-dsar.config.yaml'), '--email', email, '--out', dir, '--home', path.join(dir, 'home'), '--format', 'html,json', '--as-of', AS_OF, '--json']);
    expect([0, 3], r.stderr).toContain(r.code);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const html = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    return { html, x: JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract };
  };

  it("shows the fields that hold something: no empty Outlook columns, no Outlook's 0.0.00 for an unset birthday", () => {
    const { html, x } = letterAndData('karin.holm@mail.example');
    // Her Outlook contacts (classic and Swedish layouts) are in it, each with a value cell per field shown.
    expect(x.records.filter((rec) => rec.connector === 'office365').length).toBeGreaterThan(1);
    expect(html).toContain('<td class="value">');
    expect(html).not.toMatch(/<td class="value"><\/td>/u);
    expect(html).not.toMatch(/<td class="value">(?:\[\]|\{\})<\/td>/u);
    expect(html).not.toMatch(/0[./]0[./]00/u);
    expect(JSON.stringify(x.records)).not.toMatch(/"0[./]0[./]00"/u);
  });

  it("leaves a system's plumbing out of the letter (Lime's HAL _links, OData etags), and keeps it in the data files", () => {
    const { html, x } = letterAndData('marta.oberg@mail.example');
    const lime = x.records.filter((rec) => rec.connector === 'lime' && '_links' in rec.fields);
    expect(lime.length).toBeGreaterThan(2);
    for (const rec of lime) expect(rec.technicalFields).toContain('_links');
    expect(x.records.some((rec) => rec.technicalFields?.includes('@odata.etag'))).toBe(true);
    expect(html).not.toContain('_links');
    expect(html).not.toContain('@odata.etag');
    // A voucher's series and a consent's type tell the person what the record is: shown.
    expect(x.records.flatMap((rec) => rec.technicalFields ?? [])).not.toContain('series');
  });
});

describe('export: nested fields and an HTML e-mail body in the letter', () => {
  it('names Graph parts by their labels and shows the HTML body as text; the JSON keeps the markup', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `staffDomains: [ojco.example]\nsources:\n  - name: post\n    connector: office365\n    path: ${path.join(FIXTURES, 'office365/graph/karin.ek/messages')}\n`);
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json,html', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const html = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    expect(html).toContain('<td class="key">Från › E-postadress <span class="field-key">from.emailAddress.address</span></td><td class="value">marta.oberg@mail.example</td>');
    expect(html).toContain('<td class="value">Tack för snabbt svar! Jag hör av mig om leveransen.\n\nMärta Öberg\n070-174\u00a006\u00a033</td>');
    expect(html).not.toContain('&lt;div&gt;');
    // Graph's times in Swedish time (CEST in June), in the letter's words.
    expect(html).toContain('<td class="key">Mottaget <span class="field-key">receivedDateTime</span></td><td class="value">2 juni 2025 kl. 20:20</td>');
    expect(html).not.toMatch(/<td class="value">\d{4}-\d{2}-\d{2}T/u);
    const json = readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8');
    expect(json).toContain('<div>Tack för snabbt svar! Jag hör av mig om leveransen.</div>');
    expect(json).toContain('"receivedDateTime": "2025-06-02T18:20:41Z"');
  });
});

describe("export: Mailchimp's system columns in the letter", () => {
  it('names its codes and its own ids, and writes its API times in Swedish time; its export times stay as written', () => {
    const dir = tmp();
    const r = cli(['export', '--config', CONFIG, '--email', 'marta.oberg@mail.example', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'html', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8');
    const row = (label: string, key: string, value: string): string => `<td class="key">${label} <span class="field-key">${key}</span></td><td class="value">${value}</td>`;
    expect(html).toContain(row('Engagemang (Mailchimps betyg 1–5)', 'MEMBER_RATING', '4'));
    expect(html).toContain(row('Id i Mailchimp (som prenumerant på listan)', 'LEID', '412903117'));
    expect(html).toContain(row('Listans id i Mailchimp', 'list_id', '4f2a9c81d0'));
    // Mailchimp's export writes its account's time without a zone (formats.md §4.1): shown as written.
    expect(html).toContain(row('Anmäld', 'OPTIN_TIME', '2023-03-02 19:14:55'));
    // Its API writes ISO 8601 with an offset: a time in Swedish time.
    expect(html).toContain(row('Öppningar och klick › rad 1 › Tidpunkt', 'activity[0].timestamp', '12 maj 2025 kl. 08:58'));
  });
});

describe('export: the message trace in the letter', () => {
  it("names its columns, so that Microsoft's ids and servers read as ours, and writes its times in Swedish time; the JSON keeps them", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `staffDomains: [ojco.example]\nsources:\n  - name: trace\n    connector: office365\n    path: ${path.join(FIXTURES, 'office365/trace')}\n`);
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json,html', '--lang', 'en', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const html = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    const row = (label: string, key: string, value: string): string => `<td class="key">${label} <span class="field-key">${key}</span></td><td class="value">${value}</td>`;
    expect(html).toContain(row('Our organisation&#39;s id in Microsoft 365', 'tenant_id', 'c0ffee00-0000-4000-8000-0a1b2c3d4e5f'));
    expect(html).toContain(row('Our mail server', 'server_hostname', 'AM0PR01MB1234'));
    expect(html).toContain(row('Time', 'date_time_utc', '2 June 2025 at 20:20'));
    expect(html).toContain(row('Sent', 'origin_timestamp_utc', '2 June 2025 at 20:20'));
    const x = JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract;
    expect(x.records.map((rec) => rec.fields['date_time_utc'] ?? rec.fields['origin_timestamp_utc'])).toContain('2025-06-02T18:20:41.2100000Z');
  });
});

describe("export: a system's codes in the letter, in words", () => {
  const row = (label: string, key: string, value: string): string => `<td class="key">${label} <span class="field-key">${key}</span></td><td class="value">${value}</td>`;
  /** The HTML letter and the JSON extract of one person from the sources of a config written into a temp folder. */
  const run = (sources: string, email: string, lang: 'sv' | 'en' = 'sv'): { html: string; x: Extract } => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `staffDomains: [ojco.example]\nsources:\n${sources}`);
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', email, '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json,html', '--lang', lang, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    return { html: readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8'), x: JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract };
  };
  const source = (name: string, connector: string, p: string, format?: string): string =>
    `  - name: ${name}\n    connector: ${connector}\n    path: ${p}\n${format ? `    format: ${format}\n` : ''}`;

  it("Mailchimp's and beehiiv's status and beehiiv's tier; the JSON keeps the codes", () => {
    const { html, x } = run(source('mailchimp', 'newsletter', path.join(FIXTURES, 'newsletter/nyhetsbrev')) + source('beehiiv', 'newsletter', path.join(FIXTURES, 'newsletter/beehiiv')), 'sven.svensson@mail.example');
    expect(html).toContain(row('Prenumerationens status', 'status', 'Prenumererar'));
    expect(html).toContain(row('Prenumerationens status', 'status', 'Inaktiv'));
    expect(html).toContain(row('Prenumerationsnivå', 'tier', 'Betald'));
    expect(html).toContain(row('Nivå: silver', 'Silver Tier', 'Ja'));
    expect(html).not.toMatch(/<td class="value">(?:subscribed|inactive|premium)<\/td>/u);
    expect(x.records.map((rec) => rec.fields['status']).sort()).toEqual(['inactive', 'subscribed']);
    expect(x.records.find((rec) => rec.fields['tier'] !== undefined)!.fields).toMatchObject({ tier: 'premium', 'Silver Tier': 'Yes' });
  });

  it("Mailchimp's statuses in both languages, and its campaign activity's actions", () => {
    const { html } = run(source('mailchimp', 'newsletter', path.join(FIXTURES, 'newsletter/nyhetsbrev')) + source('activity', 'newsletter', path.join(FIXTURES, 'newsletter/campaign-activity')), 'marta.oberg@mail.example', 'en');
    expect(html).toContain(row('Subscription status', 'status', 'Subscribed'));
    expect(html).toContain(row('Opens and clicks › row 1 › Action', 'activity[0].action', 'Opened'));
    const orjan = run(source('mailchimp', 'newsletter', path.join(FIXTURES, 'newsletter/nyhetsbrev')), 'orjan@backstromkonsult.example');
    expect(orjan.html).toContain(row('Prenumerationens status', 'status', 'Avregistrerad'));
  });

  it("Graph's flag, and its importance and inbox tab where the config shows them; the JSON keeps the codes", () => {
    const post = source('post', 'office365', path.join(FIXTURES, 'office365/graph/karin.ek/messages'));
    const { html, x } = run(post, 'marta.oberg@mail.example');
    expect(html).toContain(row('Flagga › Status', 'flag.flagStatus', 'Inte flaggat'));
    expect(html).not.toContain('notFlagged');
    // importance and inferenceClassification are Outlook's plumbing (no personal data), left out of the letter;
    // a config that classifies them as the person's data shows them, in words.
    expect(html).not.toContain('inferenceClassification');
    const shown = run(`${post}    options:\n      fields:\n        importance: correspondence\n        inferenceClassification: correspondence\n`, 'marta.oberg@mail.example');
    expect(shown.html).toContain(row('Prioritet', 'importance', 'Normal'));
    expect(shown.html).toContain(row('Inkorgens flik', 'inferenceClassification', 'Prioriterat'));
    expect(shown.html).not.toMatch(/<td class="value">(?:normal|focused)<\/td>/u);
    const message = x.records.find((rec) => rec.fields['inferenceClassification'] !== undefined)!;
    expect(message.fields).toMatchObject({ importance: 'normal', inferenceClassification: 'focused', flag: { flagStatus: 'notFlagged' } });
  });

  it("the message trace's delivery events per recipient and Get-MessageTrace's Status; an unknown code as it is; the JSON keeps them", () => {
    const dir = tmp();
    const getTrace = path.join(dir, 'get-messagetrace.csv');
    writeFileSync(
      getTrace,
      [
        '"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"',
        '"2025-06-02T18:20:41.0000000Z","marta.oberg@mail.example","info@ojco.example","Begäran om registerutdrag","Delivered","","203.0.113.55","9876","<20250602182041.abc@mail.example>","5e6f7a8b-0000-4000-8000-0a1b2c3d4e5f"',
        '"2025-06-03T08:00:00.0000000Z","marta.oberg@mail.example","info@ojco.example","Komplettering","FilteredAsSpam","","203.0.113.55","1234","<20250603080000.def@mail.example>","6f7a8b9c-0000-4000-8000-0a1b2c3d4e5f"',
        '"2025-06-04T08:00:00.0000000Z","marta.oberg@mail.example","info@ojco.example","Ännu en","SomethingNew","","203.0.113.55","1234","<20250604080000.ghi@mail.example>","7a8b9c0d-0000-4000-8000-0a1b2c3d4e5f"',
      ].join('\r\n') + '\r\n',
    );
    // Status, event_id and directionality hold no personal data and are left out of the letter unless the config classifies them.
    const fields = '    options:\n      fields:\n        Status: correspondence\n        event_id: correspondence\n        directionality: correspondence\n';
    const { html, x } = run(source('trace', 'office365', path.join(FIXTURES, 'office365/trace')) + fields + source('get-trace', 'office365', getTrace, 'message-trace-csv') + fields, 'marta.oberg@mail.example', 'en');
    expect(html).toContain(row('Recipients and delivery status', 'recipient_status', 'info@ojco.example: Received, Delivered'));
    expect(html).toContain(row('Event', 'event_id', 'Received'));
    expect(html).toContain(row('Event', 'event_id', 'Delivered'));
    expect(html).toContain(row('Direction', 'directionality', 'Incoming'));
    expect(html).toContain(row('Delivery status', 'Status', 'Delivered'));
    expect(html).toContain(row('Delivery status', 'Status', 'Filtered as spam'));
    expect(html).toContain(row('Delivery status', 'Status', 'SomethingNew'));
    expect(html).not.toContain('##');
    const data = x.records.map((rec) => rec.fields);
    expect(data.map((f) => f['recipient_status'])).toContain('info@ojco.example##Receive, Deliver');
    expect(data.map((f) => f['Status']).filter(Boolean).sort()).toEqual(['Delivered', 'FilteredAsSpam', 'SomethingNew']);
    expect(data.map((f) => f['event_id']).filter(Boolean).sort()).toEqual(['DELIVER', 'RECEIVE']);
  });
});

describe("export: Lime's options in the letter", () => {
  it('shows a choice by its text, as one value; the JSON keeps the option as exported', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `sources:\n  - name: lime\n    connector: lime\n    path: ${path.join(FIXTURES, 'lime/api')}\n`);
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json,csv,html', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const html = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    // helpdesk.json: status {closed, Avslutat}, priority {normal, Normal}, type {invoice, Faktura}; her history's type {comment, Anteckning}.
    const value = (key: string): string | undefined => new RegExp(`<td class="key">(?:[^<]*<span class="field-key">)?${key}(?:</span>)?</td><td class="value">([^<]*)</td>`, 'u').exec(html)?.[1];
    expect([value('status'), value('priority'), value('type')]).toEqual(['Avslutat', 'Normal', 'Faktura']);
    expect(html).toMatch(/type(?:<\/span>)?<\/td><td class="value">Anteckning<\/td>/u);
    expect(html).not.toMatch(/(?:status|priority|type)\.(?:key|text|id)/u);
    expect(html).not.toContain('>closed<');
    // Lime's codes by their labels, with the API's name beside them.
    expect(html).toContain('<td class="key">Status <span class="field-key">status</span></td><td class="value">Avslutat</td>');
    expect(html).toContain('<td class="key">Skapad av (användare i Lime, id) <span class="field-key">_createduser</span></td><td class="value">3702</td>');
    expect(html).toContain('<td class="key">E-post till adressen kommer i retur <span class="field-key">emailhardbounce</span></td><td class="value">Nej</td>');
    const x = JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract;
    expect(x.records.find((rec) => rec.entity === 'helpdesk')!.fields['status']).toEqual({ key: 'closed', text: 'Avslutat', id: 2203 });
    const csv = files.filter((f) => f.format === 'csv').map((f) => readFileSync(f.path, 'utf8')).join('\n');
    for (const column of ['status.key', 'status.text', 'status.id']) expect(csv).toContain(column);
  });
});

describe("export: a system's coded fields and its own dates in the letter", () => {
  it('names vCard and Visma Administration fields and writes their dates as dates; the JSON and CSV keep them as exported', () => {
    const dir = tmp();
    writeFileSync(
      path.join(dir, 'c.yaml'),
      `sources:\n  - name: vcard\n    connector: office365\n    path: ${path.join(FIXTURES, 'office365/vcard')}\n  - name: administration\n    connector: visma\n    path: ${path.join(FIXTURES, 'visma/administration')}\n`,
    );
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'orjan@backstromkonsult.example', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json,csv,html', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const html = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    const row = (label: string, key: string, value: string): string => `<td class="key">${label} <span class="field-key">${key}</span></td><td class="value">${value}</td>`;
    // Outlook's vCard 2.1: a birthday of eight digits, a revision time in UTC (shown in Swedish time).
    expect(html).toContain(row('Fullständigt namn', 'FN', 'Örjan Bäckström'));
    expect(html).toContain(row('Födelsedag', 'BDAY', '1976-11-05'));
    expect(html).toContain(row('Senast ändrat', 'REV', '14 januari 2025 kl. 11:15'));
    // KUND.DBF: a type D date, and a number of seconds since 1970.
    expect(html).toContain(row('Kundnummer', 'KUNDNR', '1043'));
    expect(html).toContain(row('Senaste fakturadatum', 'FKTDAT', '2019-03-15'));
    expect(html).toContain(row('Senast ändrad', 'LASTCHANGE', '15 mars 2019 kl. 10:00'));
    expect(html).not.toMatch(/<td class="value">(?:19761105|20190315|1552640400)<\/td>/u);

    const x = JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract;
    expect(x.records.find((rec) => rec.locator.file.endsWith('orjan-backstrom.vcf'))!.fields).toMatchObject({ FN: 'Örjan Bäckström', BDAY: '19761105', REV: '20250114T101500Z' });
    expect(x.records.find((rec) => rec.connector === 'visma')!.fields).toMatchObject({ KUNDNR: '1043', FKTDAT: '20190315', LASTCHANGE: '1552640400' });
    const csv = files.filter((f) => f.format === 'csv').map((f) => readFileSync(f.path, 'utf8')).join('\n');
    for (const raw of [';BDAY;', '19761105', ';KUNDNR;', '20190315', '1552640400']) expect(csv).toContain(raw);
    for (const shown of ['Födelsedag', 'Kundnummer', '1976-11-05', '2019-03-15 09:00']) expect(csv).not.toContain(shown);
  });
});

describe("export: Spiris's and SIE's fields in the letter", () => {
  it("names Spiris's fields and ids and SIE's objects, writes the ROT/RUT type and attachment type in words and the VAT rate as a percentage; the JSON keeps them", () => {
    const dir = tmp();
    const visma = path.join(FIXTURES, 'visma');
    writeFileSync(path.join(dir, 'c.yaml'), `sources:\n  - name: spiris-api\n    connector: visma\n    path: ${path.join(visma, 'api')}\n  - name: sie\n    connector: visma\n    path: ${path.join(visma, 'sie')}\n`);
    const letter = (lang: 'sv' | 'en'): { html: string; x: Extract } => {
      const out = path.join(dir, `out-${lang}`);
      const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--out', out, '--home', path.join(dir, 'home'), '--format', 'json,html', '--lang', lang, '--as-of', AS_OF, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const files = (JSON.parse(r.stdout) as Summary).files;
      return { html: readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8'), x: JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract };
    };
    const row = (label: string, key: string, value: string): string => `<td class="key">${label} <span class="field-key">${key}</span></td><td class="value">${value}</td>`;
    const { html, x } = letter('sv');
    // Her RUT invoice (formats.md §2.1: RotReducedInvoicingType 0 normal, 1 ROT, 2 RUT).
    expect(html).toContain(row('Skatteavdrag (ROT/RUT)', 'RotReducedInvoicingType', 'RUT-avdrag'));
    expect(html).toContain(row('Skatteavdrag, belopp (ROT/RUT)', 'RotReducedInvoicingAmount', '3200'));
    expect(html).toContain(row('Fakturarader › rad 1 › Momssats', 'Rows[0].PercentVat', '25\u00a0%'));
    // The API does not document WorkCostType's codes: named, and shown as it is.
    expect(html).toContain(row('Fakturarader › rad 1 › Typ av arbete (ROT/RUT)', 'Rows[0].WorkCostType', '1'));
    expect(html).toContain(row('Kundens id i Spiris', 'CustomerId', 'c4d7a9e1-2b3c-4d5e-8f90-a1b2c3d4e503'));
    expect(html).toContain(row('Kunden är privatperson', 'CustomerIsPrivatePerson', 'Ja'));
    expect(html).toContain(row('À-priserna inkluderar moms', 'IncludesVat', 'Nej'));
    expect(html).toContain(row('Öresavrundning', 'TotalRoundings', '0'));
    expect(html).toContain(row('Skapad', 'CreatedUtc', '3 februari 2025 kl. 10:00'));
    // Her customer card, ledger item and voucher.
    expect(html).toContain(row('Betalningsvillkorens id i Spiris', 'TermsOfPaymentId', '8f9a3b3c-0d3e-4a4e-9d55-2b1c7f0a0e30'));
    expect(html).toContain(row('Valutakurs', 'CurrencyRate', '1'));
    expect(html).toContain(row('Bilagor › Dokumenttyp', 'Attachments.DocumentType', 'Ingen'));
    // The SIE file's #OBJEKT for her customer number.
    expect(html).toContain(row('Objektnummer i bokföringen (för en kund kundnumret)', 'number', '1044'));
    expect(html).toContain(row('Objektets namn i bokföringen', 'name', 'Märta Öberg'));
    // No field of these systems is named by its code alone.
    expect([...html.matchAll(/<td class="key">([^<]*)<\/td><td class="value">/gu)].map((m) => m[1])).toEqual([]);

    const en = letter('en').html;
    expect(en).toContain(row('Tax deduction (ROT/RUT)', 'RotReducedInvoicingType', 'RUT deduction (household services)'));
    expect(en).toContain(row('Invoice rows › row 1 › VAT rate', 'Rows[0].PercentVat', '25%'));
    expect(en).toContain(row('Attachments › Document type', 'Attachments.DocumentType', 'None'));
    expect(en).toContain(row('The customer&#39;s id in Spiris', 'CustomerId', 'c4d7a9e1-2b3c-4d5e-8f90-a1b2c3d4e503'));

    // The JSON keeps the API's names and values, and leaves out nothing.
    const invoice = x.records.find((rec) => rec.fields['InvoiceNumber'] === 2025007 && rec.fields['RotReducedInvoicingType'] !== undefined)!;
    expect(invoice.fields).toMatchObject({ RotReducedInvoicingType: 2, IncludesVat: false, CustomerId: 'c4d7a9e1-2b3c-4d5e-8f90-a1b2c3d4e503', Rows: [{ PercentVat: 0.25, WorkCostType: 1 }] });
    expect(x.records.some((rec) => (rec.fields['Attachments'] as { DocumentType?: unknown } | undefined)?.DocumentType === 0)).toBe(true);
    expect(x.records.flatMap((rec) => rec.technicalFields ?? [])).not.toEqual(expect.arrayContaining(['CustomerId']));
    expect(x.records.flatMap((rec) => rec.technicalFields ?? [])).not.toEqual(expect.arrayContaining(['TermsOfPaymentId']));

    // Section (d): her customer card (bookkeeping-linked) is kept as long as her latest bookkeeping record, and
    // deletable from that record's day too, as every bookkeeping row says it.
    const card = x.records.find((rec) => rec.category === 'customer')!;
    expect(card.retention.id).toBe('customer-master');
    const latest = x.records.filter((rec) => rec.retention.id === 'bookkeeping').sort((a, b) => (a.retention.retainUntil! < b.retention.retainUntil! ? 1 : -1))[0]!;
    expect(card.retention).toMatchObject({ retainUntil: latest.retention.retainUntil, deletableFrom: latest.retention.deletableFrom });
    expect(card.retention.deletableFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    const cardRow = [...html.matchAll(/<tr><td>[^<]*<\/td><td>(\d{4}-\d{2}-\d{2})[^<]*<\/td><td>([^<]*)<\/td><\/tr>/gu)];
    expect(cardRow.length).toBeGreaterThan(0);
    for (const m of cardRow) expect(m[2], m[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
  });
});

describe('export: BF-1 from the books\' own financial years', () => {
  it("dates an SIE file's records by its #RAR years, whatever the config's fiscalYearStart says: its #OBJEKT and its vouchers alike", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.yaml'), `fiscalYearStart: "07-01"\nsources:\n  - name: sie\n    connector: visma\n    path: ${path.join(FIXTURES, 'visma/sie')}\n`);
    // The books alone call Bäckström Konsult (a sole trader) a company by its trade name: its customer number is then
    // an organisation's, and its records possible matches for the officer to confirm.
    const r = cli(['export', '--config', path.join(dir, 'c.yaml'), '--customer-no', '1043', '--include-possible', '--out', path.join(dir, 'out'), '--home', path.join(dir, 'home'), '--format', 'json', '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    const of2019 = x.records.filter((rec) => (rec.locator as { file: string }).file.endsWith('ojco-2019.se'));
    // #RAR 0 20190101 20191231: a calendar year, so 2026-12-31 (a July-June year would give the object, dated at
    // the year's end, 2027-12-31 and the vouchers 2026-12-31).
    expect(new Set(of2019.map((rec) => rec.entity))).toEqual(new Set(['sie-object', 'voucher']));
    expect(new Set(of2019.map((rec) => rec.retention.retainUntil))).toEqual(new Set(['2026-12-31']));
  });
});

describe("export: other people's data in a contact card (Art. 15(4))", () => {
  it("removes the assistant's, manager's, spouse's and children's names and numbers from the subject's card, and says where", () => {
    const dir = tmp();
    // A synthetic Outlook card; the others are made-up people.
    const card = [
      'BEGIN:VCARD',
      'VERSION:2.1',
      'N:Öberg;Märta',
      'FN:Märta Öberg',
      'EMAIL;PREF;INTERNET:marta.oberg@mail.example',
      'TEL;CELL:070-174 06 33',
      'X-MS-SPOUSE:Nils Nordin',
      'X-MS-MANAGER:Petra Pålsson',
      'X-MS-ASSISTANT:Assar Ask',
      'TEL;TYPE=X-ASSISTANT:08-555 123 45',
      'X-MS-CHILD:Ella Öberg',
      'END:VCARD',
      '',
    ].join('\r\n');
    mkdirSync(path.join(dir, 'contacts'));
    writeFileSync(path.join(dir, 'contacts', 'kort.vcf'), card);
    writeFileSync(path.join(dir, 'c.yaml'), 'sources:\n  - name: contacts\n    connector: office365\n    path: contacts\n');
    const args = (extra: string[]) => ['export', '--config', path.join(dir, 'c.yaml'), '--email', 'marta.oberg@mail.example', '--home', path.join(dir, 'home'), '--format', 'json', '--as-of', AS_OF, '--json', ...extra];
    const r = cli(args(['--out', path.join(dir, 'out')]));
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    expect(x.records).toHaveLength(1);
    const text = JSON.stringify(x.records[0]!.fields);
    for (const other of ['Nils Nordin', 'Petra Pålsson', 'Assar Ask', '08-555 123 45', 'Ella Öberg']) expect(text).not.toContain(other);
    expect(text).toContain('Märta Öberg');
    expect(text).toContain('070-174 06 33');
    expect(x.records[0]!.redactions.map((d) => d.field)).toEqual(expect.arrayContaining(['X-MS-SPOUSE', 'X-MS-MANAGER', 'X-MS-ASSISTANT', 'X-MS-CHILD']));
    // The Outlook CSV's Children and Graph's children are other people too.
    mkdirSync(path.join(dir, 'csv'));
    writeFileSync(path.join(dir, 'csv', 'contacts.csv'), 'First Name,Last Name,E-mail Address,Children\r\nMärta,Öberg,marta.oberg@mail.example,"Ella Öberg, Noah Öberg"\r\n');
    mkdirSync(path.join(dir, 'graph'));
    writeFileSync(
      path.join(dir, 'graph', 'contacts.json'),
      JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(\'x\')/contacts', value: [{ id: 'AAMk1', displayName: 'Märta Öberg', givenName: 'Märta', surname: 'Öberg', emailAddresses: [{ name: 'Märta Öberg', address: 'marta.oberg@mail.example' }], children: ['Ella Öberg', 'Noah Öberg'] }] }),
    );
    writeFileSync(path.join(dir, 'c2.yaml'), 'sources:\n  - { name: csv, connector: office365, path: csv }\n  - { name: graph, connector: office365, path: graph }\n');
    const both = cli(['export', '--config', path.join(dir, 'c2.yaml'), '--email', 'marta.oberg@mail.example', '--home', path.join(dir, 'home'), '--format', 'json', '--as-of', AS_OF, '--json', '--out', path.join(dir, 'out2')]);
    expect(both.code, both.stderr).toBe(0);
    const z = JSON.parse(readFileSync((JSON.parse(both.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    expect(z.records).toHaveLength(2);
    expect(JSON.stringify(z.records.map((r) => r.fields))).not.toMatch(/Ella|Noah/u);
    // --include-third-parties shows them, and says so.
    const all = cli(args(['--out', path.join(dir, 'all'), '--include-third-parties']));
    const y = JSON.parse(readFileSync((JSON.parse(all.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    expect(JSON.stringify(y.records[0]!.fields)).toContain('Nils Nordin');
  });
});

describe('export: the systems searched', () => {
  it('names a source without records by its own system, not every system its connector describes', () => {
    const dir = tmp();
    const r = cli(['export', '--config', path.join(FIXTURES, 'ojco-dsar.config.yaml'), '--email', 'nobody@nowhere.example', '--out', dir, '--home', path.join(dir, 'home'), '--format', 'json', '--lang', 'en', '--as-of', AS_OF, '--json']);
    expect([0, 3], r.stderr).toContain(r.code);
    const x = JSON.parse(readFileSync((JSON.parse(r.stdout) as Summary).files[0]!.path, 'utf8')) as Extract;
    expect(x.records).toEqual([]);
    const systemOf = new Map(x.searched.map((s) => [s.source, s.system]));
    // Lime describes its staff accounts (coworkers) too: the letter must not say Office 365 was searched there.
    expect(systemOf.get('lime-api')).toBe('Lime CRM');
    expect(systemOf.get('graph-messages')).toBe('Office 365');
    expect(systemOf.get('sie')).toBe('Visma');
    expect([...systemOf.values()].filter((v) => v.includes(','))).toEqual([]);
  });
});

describe('export: the retention date the erasure plan keeps a record to (Art. 15(1)(d), BF-1a)', () => {
  /** Spiris API invoices of a private customer, as fixtures/visma/api writes them. */
  const invoice = (id: number, no: number, date: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    Id: `a1000000-0000-4000-8000-0000000009${id}`,
    InvoiceNumber: no,
    CustomerId: 'f7a0d2b4-5e6f-4081-9c23-d4e5f6a7b899',
    CustomerNumber: '1099',
    InvoiceCustomerName: 'Ingrid Testsson',
    InvoiceAddress1: 'Kvarngatan 9',
    InvoicePostalCode: '211 45',
    InvoiceCity: 'Malmö',
    InvoiceCountryCode: 'SE',
    CustomerEmail: 'ingrid.testsson@mail.example',
    CustomerIsPrivatePerson: true,
    InvoiceDate: date,
    DueDate: date,
    CurrencyCode: 'SEK',
    TotalAmount: 1250,
    TotalVatAmount: 250,
    RemainingAmount: 0,
    Rows: [{ LineNumber: 1, ArticleNumber: 'KURS-1', Text: 'Kurs', Quantity: 1, UnitPrice: 1000, PercentVat: 0.25, IsTextRow: false }],
    ...extra,
  });

  it('says the date erase --dry-run keeps each invoice to: the later payment, and an open receivable provisionally', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'api'));
    const data = [
      // Invoiced in FY 2024, paid in FY 2025 (kontantmetoden): BF-1a, the latest year, 2032-12-31 (not 2031-12-31).
      invoice(1, 2024901, '2024-12-15', { PaymentDate: '2025-01-20' }),
      // Invoiced in FY 2024 and still open: in the books of today's year 2026 too, 2033-12-31 for now.
      invoice(2, 2024902, '2024-11-04', { RemainingAmount: 1250 }),
    ];
    writeFileSync(path.join(dir, 'api', 'customerinvoices-page1.json'), JSON.stringify({ Meta: { CurrentPage: 1, PageSize: 50, TotalNumberOfPages: 1, TotalNumberOfResults: data.length }, Data: data }));
    writeFileSync(path.join(dir, 'c.yaml'), `sources:\n  - name: spiris-api\n    connector: visma\n    path: ${path.join(dir, 'api')}\n`);
    const env = { OJCO_DSAR_TODAY: '2026-11-26' };
    const who = ['--config', path.join(dir, 'c.yaml'), '--email', 'ingrid.testsson@mail.example', '--as-of', AS_OF, '--home', path.join(dir, 'home')];

    const r = cli(['export', ...who, '--out', path.join(dir, 'out'), '--format', 'json,html', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as Summary).files;
    const x = JSON.parse(readFileSync(files.find((f) => f.format === 'json')!.path, 'utf8')) as Extract;
    const erase = cli(['erase', ...who, '--json', '--dry-run'], env);
    expect(erase.code, erase.stderr).toBe(0);
    const plan = JSON.parse(erase.stdout) as { actions: { primary: boolean; action: string; label?: string; retainUntil?: string; deletableFrom?: string }[] };

    const extracted = (label: string): Extract['records'][number]['retention'] => x.records.find((rec) => rec.label === label)!.retention;
    const planned = (label: string): { action: string; retainUntil?: string; deletableFrom?: string } => plan.actions.find((a) => a.primary && a.label === label)!;
    for (const [label, until] of [
      ['Faktura 2024901', '2032-12-31'],
      ['Faktura 2024902', '2033-12-31'],
    ] as const) {
      expect(planned(label), label).toMatchObject({ action: 'retain', retainUntil: until });
      expect(extracted(label), label).toMatchObject({ rule: 'BF-1', retainUntil: until, deletableFrom: planned(label).deletableFrom });
    }
    // The open receivable's date is provisional (it moves with the year its settlement is booked in); the paid one's is not.
    expect(extracted('Faktura 2024902').provisional).toBe(true);
    expect(extracted('Faktura 2024901').provisional).toBeUndefined();
    expect(ExtractSchema.safeParse(x).success).toBe(true);
    const letter = readFileSync(files.find((f) => f.format === 'html')!.path, 'utf8');
    expect(letter).toContain('2033-12-31 (preliminärt: en faktura är ännu inte slutbetald');
  });
});
