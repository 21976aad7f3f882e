/**
 * The plan commands end to end (issue #4): the built CLI on the full
 * fixture world (docs/fixture-world.md) with a temp home. Checks the
 * acceptance list: one primary action per record `find` reports, nothing
 * bookkeeping must keep is deleted and nothing else is kept, byte-identical
 * plans, the suppression list and the re-appearance warning in `find`,
 * sweep before and after the retention date, rectification diffs, an
 * objection that never touches invoices, --case, 0600 files, and no
 * personal data on stderr.
 */
import { createHash, createHmac } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, spyConfig, tempDir, type CliResult } from './cli-helpers.ts';

const FIXTURES = path.join(ROOT, 'fixtures');
const CONFIG = path.join(FIXTURES, 'ojco-dsar.config.yaml');
const AS_OF = '2025-05-16';
const BOOKKEEPING_BASIS = 'Art. 17(3)(b) + BFL 7 kap. 2 §';
const T = 120_000;

/** The personas, searched by e-mail; `secrets` must never reach stderr. */
const PERSONAS = [
  { id: 'P1', email: 'asa.lindqvist@lindqvistbygg.example', secrets: ['asa.lindqvist', 'Lindqvist', '0701740605', '701740605', '840312', 'Åsa'] },
  { id: 'P2', email: 'orjan@backstromkonsult.example', secrets: ['orjan@', 'Bäckström', '701740612', '761105', 'Örjan'] },
  { id: 'P3', email: 'marta.oberg@mail.example', secrets: ['marta.oberg', 'Märta', 'Öberg', '701740633', '920728', '1234567890.1747037650'] },
  { id: 'P4', email: 'jorgen.akesson@mail.example', secrets: ['jorgen.akesson', 'Jörgen', 'Åkesson', '701740647', '900574', '987654321.1746900000'] },
] as const;
const ALL_SECRETS = PERSONAS.flatMap((p) => [p.email, ...p.secrets]);

const R_CATEGORIES = new Set(['invoice', 'payment', 'voucher', 'accounting-master']);

const run = (args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliResult => cli(args, { cwd, env });
/** source + locator, with the locator's keys sorted (the plan's JSON is canonical, find's is not). */
const key = (r: { source: string; locator: object }): string => `${r.source} ${JSON.stringify(Object.fromEntries(Object.entries(r.locator).sort(([a], [b]) => (a < b ? -1 : 1))))}`;
const mode = (p: string): number => statSync(p).mode & 0o777;
const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

function clean(r: CliResult): void {
  for (const s of ALL_SECRETS) expect(r.stderr.toLowerCase(), `stderr names ${s}`).not.toContain(s.toLowerCase());
}

interface Action {
  id: string;
  source: string;
  locator: object;
  action: string;
  reason: string;
  rule: string;
  primary: boolean;
  class?: string;
  category?: string;
  retainUntil?: string;
  legalBasis?: string;
  fields?: Record<string, unknown>;
  suppression?: { kind: string; hash: string };
}

/** The suppression secret of a home, read the way only a test may (it is never printed). */
function secretOf(home: string): Buffer {
  const db = new Database(path.join(home, 'cases.db'), { readonly: true });
  try {
    return (db.prepare("SELECT key FROM store_secrets WHERE name = 'suppression'").get() as { key: Buffer }).key;
  } finally {
    db.close();
  }
}

function suppressionHashes(home: string): Set<string> {
  const db = new Database(path.join(home, 'cases.db'), { readonly: true });
  try {
    return new Set((db.prepare('SELECT hash FROM suppression').all() as { hash: string }[]).map((r) => r.hash));
  } finally {
    db.close();
  }
}

const hmac = (secret: Buffer, kind: string, value: string): string => createHmac('sha256', secret).update(`${kind}:${value}`, 'utf8').digest('hex');

/**
 * The fixture world's config with absolute paths, in a folder of its own,
 * plus extra sources. Locators are relative to the config's folder, so the
 * plan and the later search use configs in the same folder.
 */
function worldConfig(dir: string, extra: { name: string; connector: string; path: string }[] = [], name = 'ojco-dsar.config.yaml'): string {
  const c = parse(readFileSync(CONFIG, 'utf8')) as { sources: { path: string }[]; expectations?: unknown };
  for (const s of c.sources) s.path = path.join(FIXTURES, s.path);
  delete c.expectations;
  c.sources.push(...(extra as { path: string }[]));
  const file = path.join(dir, name);
  writeFileSync(file, stringify(c));
  return file;
}

/** Märta (P3) erased in a new folder with its own home, the world's config beside it as `before.yaml`. */
function martaErased(): { cwd: string; home: string; base: string; erase: CliResult } {
  const cwd = tempDir('ojco-plan-');
  const home = path.join(cwd, 'home');
  const base = worldConfig(cwd, [], 'before.yaml');
  const erase = run(['erase', '--config', base, '--email', PERSONAS[2].email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
  expect(erase.code, erase.stderr).toBe(0);
  return { cwd, home, base, erase };
}

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

describe('erase on every persona', () => {
  for (const p of PERSONAS) {
    it(
      `${p.id}: exactly one primary action per record find reports exact or probable; bookkeeping retained, nothing else kept`,
      () => {
        const cwd = tempDir('ojco-plan-');
        const home = path.join(cwd, 'home');
        const found = run(['find', '--config', CONFIG, '--email', p.email, '--json', '--home', home], cwd);
        expect(found.code, found.stderr).toBe(0);
        const records = (found.json.records as { source: string; locator: object; confidence: string; category?: string; bookkeeping?: boolean }[]).filter((r) => r.confidence !== 'possible');
        expect(records.length).toBeGreaterThan(5);

        const r = run(['erase', '--config', CONFIG, '--email', p.email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
        expect(r.code, r.stderr).toBe(0);
        clean(r);
        const plan = r.json as { asOf: string; planHash: string; kind: string; actions: Action[]; summary: { records: number } };
        expect(plan).toMatchObject({ asOf: AS_OF, kind: 'erasure', planHash: expect.stringMatching(/^[0-9a-f]{64}$/u) });
        // --json alone writes no file: the plan is on stdout.
        expect(readdirSync(cwd).sort()).toEqual(['home']);

        const primaries = plan.actions.filter((a) => a.primary);
        expect(primaries.map(key).sort()).toEqual(records.map(key).sort());
        expect(new Set(primaries.map(key)).size).toBe(primaries.length);
        expect(plan.summary.records).toBe(records.length);
        const byKey = new Map(records.map((x) => [key(x), x]));
        for (const a of primaries) {
          const rec = byKey.get(key(a))!;
          expect(a.reason.length, a.id).toBeGreaterThan(20);
          expect(a.rule).toMatch(/^[A-Z]{2}-\d+$/u);
          const bookkeeping = R_CATEGORIES.has(rec.category ?? '') || rec.bookkeeping === true;
          if (bookkeeping) {
            expect(a.action, `${key(a)} must be retained`).toBe('retain');
            expect(a.retainUntil).toMatch(/^\d{4}-12-31$/u);
            expect(a.legalBasis).toBe(BOOKKEEPING_BASIS);
          } else if (a.class === 'S') {
            // Customer master data: kept with the documents it explains, or its contact removed.
            expect(['retain', 'anonymise']).toContain(a.action);
          } else {
            expect(a.action, `${key(a)} must not be kept`).not.toBe('retain');
          }
        }
        // Every contract action name, and the suppression entries for the person.
        for (const a of plan.actions) expect(['delete', 'anonymise', 'retain', 'suppress', 'notify-recipient', 'request-deletion', 'rectify', 'restrict', 'unsubscribe']).toContain(a.action);
        const hashes = suppressionHashes(home);
        expect(hashes.has(hmac(secretOf(home), 'email', p.email))).toBe(true);
        expect(plan.actions.filter((a) => a.action === 'suppress').every((a) => hashes.has(a.suppression!.hash))).toBe(true);
      },
      T,
    );
  }

  it(
    'the same plan twice with the same --as-of is byte-identical, in files too, and the store gets no duplicate rows',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const args = ['erase', '--config', CONFIG, '--email', PERSONAS[2].email, '--as-of', AS_OF, '--home', home, '--yes'];
      const a = run([...args, '--json'], cwd);
      const b = run([...args, '--json'], cwd);
      expect(a.code, a.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      const f1 = run([...args, '--out', 'one.json'], cwd);
      const f2 = run([...args, '--out', 'two.json'], cwd);
      expect(f1.code, f1.stderr).toBe(0);
      expect(readFileSync(path.join(cwd, 'two.json'), 'utf8')).toBe(readFileSync(path.join(cwd, 'one.json'), 'utf8'));
      expect(readFileSync(path.join(cwd, 'one.json'), 'utf8')).toBe(a.stdout);
      // The plan hash and the file's sha256 are printed.
      expect(f1.stdout).toContain(`Plan hash: ${a.json.planHash}`);
      expect(f1.stdout).toContain(sha(path.join(cwd, 'one.json')));
      expect(f2.stdout).toMatch(/already there/u);
      const db = new Database(path.join(home, 'cases.db'), { readonly: true });
      const counts = db.prepare('SELECT (SELECT COUNT(*) FROM ledger) AS ledger, (SELECT COUNT(*) FROM suppression) AS suppression').get() as { ledger: number; suppression: number };
      db.close();
      expect(counts.ledger).toBe((a.json.actions as Action[]).filter((x) => x.action === 'retain' && x.primary).length);
      expect(counts.suppression).toBe((a.json.actions as Action[]).filter((x) => x.action === 'suppress').length);
      // A different date is a different plan.
      const c = run([...args.slice(0, 5), '--as-of', '2025-06-01', '--home', home, '--json', '--yes'], cwd);
      expect(c.json.planHash).not.toBe(a.json.planHash);
    },
    T,
  );

  it(
    'writes the plan and its renderings 0600, prints the hash and sha256, and never overwrites without --force',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const args = ['erase', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--yes', '--format', 'json,xlsx,html'];
      const r = run(args, cwd);
      expect(r.code, r.stderr).toBe(0);
      clean(r);
      const names = ['plan-erasure-2025-05-16.html', 'plan-erasure-2025-05-16.json', 'plan-erasure-2025-05-16.xlsx'];
      expect(readdirSync(cwd).filter((f) => f.startsWith('plan-')).sort()).toEqual(names);
      for (const n of names) {
        expect(mode(path.join(cwd, n))).toBe(0o600);
        expect(r.stdout).toContain(sha(path.join(cwd, n)));
      }
      expect(mode(home)).toBe(0o700);
      // The terminal table: grouped by system, with the retention dates.
      expect(r.stdout).toMatch(/Visma eAccounting \/ Spiris.*— sie \(visma\)/u);
      expect(r.stdout).toMatch(/retain\s+.*BF-1\s+2026-12-31/u);
      expect(r.stdout).toMatch(/Reply \(ER-4\)\s+The request is refused in part .*Integritetsskyddsmyndigheten \(IMY\)/u);
      const html = readFileSync(path.join(cwd, names[0]!), 'utf8');
      expect(html).toContain("default-src 'none'");
      expect(html).toContain('Retained through 2026-12-31');
      expect(html).not.toMatch(/<script/iu);
      const again = run(args, cwd);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/exists; pass --force/u);
      expect(run([...args, '--force'], cwd).code).toBe(0);
      // A folder where a file goes: --force would not help, and the message says what is wrong at once.
      const other = path.join(cwd, 'other');
      mkdirSync(path.join(other, 'plan.json'), { recursive: true });
      for (const extra of [[], ['--force']]) {
        const f = run([...args.filter((a, i) => a !== '--format' && args[i - 1] !== '--format'), '--out', path.join(other, 'plan.json'), ...extra], cwd);
        expect(f.code, f.stderr).toBe(2);
        expect(f.stderr).toMatch(/plan\.json: is a folder, not a file/u);
        expect(f.stderr).not.toMatch(/pass --force/u);
      }
    },
    T,
  );
});

describe('erase: an unpaid invoice (BF-1a)', () => {
  it(
    'invoice 2024312, still open in the 2025 SIE file, is kept as long as that file, with its ledger item, and the plan warns that the date is not final',
    () => {
      const cwd = tempDir('ojco-plan-');
      // Made on its own date: a later today would date the open receivable by today's books (below).
      const r = run(['erase', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', AS_OF, '--json', '--yes', '--dry-run'], cwd, { OJCO_DSAR_TODAY: AS_OF });
      expect(r.code, r.stderr).toBe(0);
      clean(r);
      const plan = r.json as { actions: (Action & { label?: string })[]; warnings: { code: string; actionId?: string; message: string }[] };
      const byLabel = (label: string): Action => plan.actions.find((a) => a.primary && a.label === label)!;
      // The open balance in the 2025 books (#OIB/#OUB 1510 {8 "1043"}) and the invoice it is.
      expect(byLabel('#OUB konto 1510').retainUntil).toBe('2032-12-31');
      for (const label of ['Faktura 2024312', 'Kundreskontra faktura 2024312']) expect(byLabel(label), label).toMatchObject({ action: 'retain', retainUntil: '2032-12-31' });
      const warned = plan.warnings.filter((w) => w.code === 'retain.open-receivable');
      expect(warned.map((w) => w.actionId).sort()).toEqual([byLabel('Faktura 2024312').id, byLabel('Kundreskontra faktura 2024312').id].sort());
      expect(warned[0]!.message).toMatch(/not final/u);
      // A paid invoice keeps its own year's date.
      expect(byLabel('Faktura 2019021').retainUntil).toBe('2026-12-31');
    },
    T,
  );

  it(
    'a plan dated back keeps the invoice still open today as long as the books of today (BF-1a): the later of --as-of and today',
    () => {
      const cwd = tempDir('ojco-plan-');
      const r = run(['erase', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', '2025-01-15', '--json', '--yes', '--dry-run'], cwd, { OJCO_DSAR_TODAY: '2026-11-26' });
      expect(r.code, r.stderr).toBe(0);
      const plan = r.json as { parameters: Record<string, unknown>; actions: (Action & { label?: string })[] };
      const byLabel = (label: string): Action => plan.actions.find((a) => a.primary && a.label === label)!;
      for (const label of ['Faktura 2024312', 'Kundreskontra faktura 2024312']) expect(byLabel(label), label).toMatchObject({ action: 'retain', retainUntil: '2033-12-31' });
      expect(byLabel('Faktura 2019021').retainUntil).toBe('2026-12-31');
      expect(plan.parameters.today).toBe('2026-11-26');
    },
    T,
  );

  it(
    "tells the subject in the register extract the same dates erase keeps the records to (Art. 15(1)(d)): the open invoice's provisionally",
    () => {
      const cwd = tempDir('ojco-plan-');
      const env = { OJCO_DSAR_TODAY: AS_OF };
      const r = run(['erase', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', AS_OF, '--json', '--yes', '--dry-run'], cwd, env);
      expect(r.code, r.stderr).toBe(0);
      const x = run(['export', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', AS_OF, '--out', path.join(cwd, 'out'), '--format', 'json', '--json'], cwd, env);
      expect(x.code, x.stderr).toBe(0);
      const extract = JSON.parse(readFileSync((x.json.files as { path: string }[])[0]!.path, 'utf8')) as {
        records: { source: string; locator: object; label?: string; retention: { rule?: string; retainUntil?: string; deletableFrom?: string; provisional?: boolean } }[];
      };
      const plan = r.json as { actions: (Action & { label?: string; deletableFrom?: string })[] };
      const told = new Map(extract.records.map((rec) => [key(rec), rec.retention]));
      const kept = plan.actions.filter((a) => a.primary && a.action === 'retain' && a.rule === 'BF-1' && a.class === 'R' && a.retainUntil);
      expect(kept.length).toBeGreaterThan(0);
      for (const a of kept) {
        expect(told.get(key(a)), `${a.label}`).toMatchObject({ rule: 'BF-1', retainUntil: a.retainUntil, deletableFrom: a.deletableFrom });
      }
      // Invoice 2024312, open and carried in the 2025 books (#OIB/#OUB): 2032-12-31, not its own year's 2031-12-31, for now.
      for (const label of ['Faktura 2024312', 'Kundreskontra faktura 2024312']) {
        const rec = extract.records.find((e) => e.label === label)!;
        expect(rec.retention, label).toMatchObject({ retainUntil: '2032-12-31', provisional: true });
      }
      expect(extract.records.find((e) => e.label === 'Faktura 2019021')!.retention).toMatchObject({ retainUntil: '2026-12-31' });
      expect(extract.records.find((e) => e.label === 'Faktura 2019021')!.retention.provisional).toBeUndefined();
    },
    T,
  );

  it(
    'tells the subject the BF-1 date erase keeps an e-mail to that flags itself as räkenskapsinformation (an invoice mail)',
    () => {
      const cwd = tempDir('ojco-plan-');
      const env = { OJCO_DSAR_TODAY: AS_OF };
      const who = ['--email', 'asa.lindqvist@lindqvistbygg.example'];
      const r = run(['erase', '--config', CONFIG, ...who, '--as-of', AS_OF, '--json', '--yes', '--dry-run'], cwd, env);
      expect(r.code, r.stderr).toBe(0);
      const x = run(['export', '--config', CONFIG, ...who, '--as-of', AS_OF, '--out', path.join(cwd, 'out'), '--format', 'json', '--json'], cwd, env);
      expect(x.code, x.stderr).toBe(0);
      const extract = JSON.parse(readFileSync((x.json.files as { path: string }[])[0]!.path, 'utf8')) as {
        records: { source: string; locator: object; category: string; retention: { rule?: string; retainUntil?: string } }[];
      };
      const told = new Map(extract.records.map((rec) => [key(rec), rec]));
      const flagged = (r.json as { actions: (Action & { review?: boolean })[] }).actions.filter((a) => a.primary && a.action === 'retain' && a.rule === 'BF-1' && a.review === true);
      expect(flagged.length).toBeGreaterThan(0);
      for (const a of flagged) {
        const rec = told.get(key(a))!;
        expect(rec.category).toBe('mail-message');
        expect(rec.retention).toMatchObject({ rule: 'BF-1', retainUntil: a.retainUntil });
      }
    },
    T,
  );
});

describe('erase --dry-run', () => {
  it(
    'writes nothing, not even a home: without one, the hashes get a throwaway key and a warning says so',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const r = run(['erase', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--dry-run', '--json'], cwd);
      expect(r.code, r.stderr).toBe(0);
      expect((r.json.actions as Action[]).some((a) => a.action === 'suppress')).toBe(true);
      expect(r.stderr).toMatch(/throwaway key/u);
      expect(existsSync(home)).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
      // With a home, the dry run keys them as the real run will, and still records nothing.
      run(['erase', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
      const entries = run(['ledger', 'list', '--home', home, '--json'], cwd).json.entries as unknown[];
      const again = run(['erase', '--config', CONFIG, '--email', PERSONAS[2].email, '--as-of', AS_OF, '--home', home, '--dry-run', '--json'], cwd);
      expect(again.stderr).not.toMatch(/throwaway key/u);
      expect(run(['ledger', 'list', '--home', home, '--json'], cwd).json.entries).toEqual(entries);
    },
    T,
  );
});

describe('the suppression list and the re-appearance check in find', () => {
  it(
    'a copy of the newsletter export in a new source makes find warn, naming the plan, without the identifier; exit 0',
    () => {
      const { cwd, home, base, erase } = martaErased();
      const planHash = erase.json.planHash as string;
      const secret = secretOf(home);
      const listed = suppressionHashes(home);
      for (const [kind, value] of [['email', 'marta.oberg@mail.example'], ['phone', '+46701740633'], ['pnr', '199207289969'], ['gaClientId', '1234567890.1747037650']]) {
        expect(listed.has(hmac(secret, kind!, value!)), kind).toBe(true);
      }
      // The backup comes back: the newsletter export, restored as a source of its own.
      const restored = path.join(cwd, 'restored');
      mkdirSync(restored);
      copyFileSync(path.join(FIXTURES, 'newsletter/nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv'), path.join(restored, 'subscribed_members_export_4f2a9c81d0.csv'));
      const world = worldConfig(cwd, [{ name: 'restored-backup', connector: 'newsletter', path: restored }]);
      // Searching for someone else entirely: the check runs over everything read.
      const f = run(['find', '--config', world, '--email', PERSONAS[3].email, '--home', home, '--json'], cwd);
      expect(f.code, f.stderr).toBe(0);
      clean(f);
      const back = (f.json.reappeared as { source: string; plan: string; planned: boolean; ground: string; kind: string; since: string }[]).filter((h) => !h.planned);
      expect(back).toEqual([expect.objectContaining({ source: 'restored-backup', plan: planHash, ground: 'erasure', since: AS_OF, kind: 'email' })]);
      // The records the plan named and that are still in the exports are reported as not carried out yet.
      expect((f.json.reappeared as { planned: boolean }[]).filter((h) => h.planned).length).toBeGreaterThan(10);
      // Retained bookkeeping is not a re-appearance.
      expect((f.json.reappeared as { source: string }[]).some((h) => h.source === 'sie' || h.source === 'spiris-api')).toBe(false);
      expect(f.stderr).toContain('restored-backup');
      expect(f.stderr).toContain(planHash.slice(0, 12));
      expect(f.stderr).toMatch(/re-imported, or restored from a backup/u);
      // The terminal run warns the same way and still exits 0.
      const t = run(['find', '--config', world, '--email', PERSONAS[3].email, '--home', home], cwd);
      expect(t.code).toBe(0);
      expect(t.stderr).toContain(planHash.slice(0, 12));
      clean(t);
      // No list in the home: no check, no key, no warning; --no-check-suppression skips it.
      const none = run(['find', '--config', world, '--email', PERSONAS[3].email, '--json'], cwd);
      expect(none.json.reappeared).toBeUndefined();
      expect(none.stderr).not.toMatch(/suppression/u);
      expect(existsSync(path.join(cwd, '.ojco-dsar'))).toBe(false);
      const off = run(['find', '--config', world, '--email', PERSONAS[3].email, '--home', home, '--no-check-suppression', '--json'], cwd);
      expect(off.json.reappeared).toBeUndefined();
    },
    T,
  );

  it(
    'a GA user_id read as a customer number is deleted at Google and suppressed: a later visit under a new client id is reported',
    () => {
      const { cwd, home, base, erase } = martaErased();
      const actions = erase.json.actions as (Action & { request?: { body: { id: { type: string; userId: string } } } })[];
      // The fixture config reads user_id as the customer number (userIdKind: customerNo); Google deletes it as USER_ID.
      const ids = actions.filter((a) => a.action === 'request-deletion').map((a) => a.request!.body.id);
      expect(ids).toContainEqual({ type: 'USER_ID', userId: '1044' });
      expect(ids).toContainEqual({ type: 'CLIENT_ID', userId: '1234567890.1747037650' });
      expect(suppressionHashes(home).has(hmac(secretOf(home), 'userId', '1044'))).toBe(true);
      // She logs in again from a new browser: a new client id, the same user_id.
      const later = path.join(cwd, 'ga-later');
      mkdirSync(later);
      const event = {
        event_date: '20251201',
        event_timestamp: '1764590400000000',
        event_name: 'login',
        user_pseudo_id: '4242424242.1764590000',
        user_id: '1044',
        event_params: [{ key: 'page_location', value: { string_value: 'https://www.ojco.example/mina-sidor/logga-in' } }],
        platform: 'WEB',
      };
      writeFileSync(path.join(later, 'events_20251201.json'), `${JSON.stringify(event)}\n`);
      const world = worldConfig(cwd, [{ name: 'ga-later', connector: 'google-analytics', path: later, options: { userIdKind: 'customerNo' } } as { name: string; connector: string; path: string }]);
      const f = run(['find', '--config', world, '--email', PERSONAS[3].email, '--home', home, '--json'], cwd);
      expect(f.code, f.stderr).toBe(0);
      clean(f);
      const back = (f.json.reappeared as { source: string; kinds: string[]; planned: boolean; ground: string }[]).filter((h) => !h.planned);
      expect(back).toEqual([expect.objectContaining({ source: 'ga-later', kinds: ['userId'], ground: 'erasure' })]);
      expect(f.stderr).not.toContain('1044');
    },
    T,
  );

  it(
    'an objection to marketing never touches invoices, and only a newsletter copy counts as back',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const base = worldConfig(cwd, [], 'before.yaml');
      const r = run(['object', '--config', base, '--email', PERSONAS[2].email, '--marketing', '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
      expect(r.code, r.stderr).toBe(0);
      clean(r);
      const plan = r.json as { kind: string; actions: Action[]; unaffected: { category: string }[] };
      expect(plan.kind).toBe('objection');
      for (const a of plan.actions) expect(R_CATEGORIES.has(a.category ?? '') || a.class === 'S', `${a.action} on ${key(a)}`).toBe(false);
      expect(plan.unaffected.map((u) => u.category)).toEqual(expect.arrayContaining(['invoice', 'payment', 'voucher']));
      expect(plan.actions.filter((a) => a.action === 'unsubscribe').length).toBeGreaterThan(0);
      expect(plan.actions.filter((a) => a.action === 'suppress').map((a) => a.suppression!.kind).sort()).toEqual(['email', 'phone']);
      const restored = path.join(cwd, 'restored');
      mkdirSync(restored);
      copyFileSync(path.join(FIXTURES, 'newsletter/nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv'), path.join(restored, 'members.csv'));
      const world = worldConfig(cwd, [{ name: 'restored-backup', connector: 'newsletter', path: restored }]);
      const f = run(['find', '--config', world, '--email', PERSONAS[3].email, '--home', home, '--json'], cwd);
      const hits = f.json.reappeared as { source: string; ground: string; category: string; planned: boolean }[];
      expect(hits.filter((h) => !h.planned).map((h) => [h.source, h.ground])).toEqual([['restored-backup', 'objection']]);
      // Her CRM record and contacts may stay after an objection: they are not reported.
      expect(hits.every((h) => h.category === 'newsletter-member' || h.category === 'newsletter-activity')).toBe(true);
    },
    T,
  );
});

describe('sweep', () => {
  it(
    'lists an item after its retainUntil and not before; marks it swept once; --dry-run marks nothing',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      // P2's 2019 SIE vouchers are kept through 2026-12-31, his 2024 invoice through 2031-12-31. Made on its
      // own date: a later today would keep his still open invoice as long as today's books (BF-1a).
      const e = run(['erase', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd, { OJCO_DSAR_TODAY: AS_OF });
      expect(e.code, e.stderr).toBe(0);
      const early = (e.json.actions as Action[]).filter((a) => a.action === 'retain' && a.retainUntil === '2026-12-31');
      expect(early.length).toBeGreaterThan(0);

      const before = run(['sweep', '--home', home, '--as-of', '2026-12-31', '--json'], cwd);
      expect(before.code, before.stderr).toBe(0);
      expect(before.json).toMatchObject({ kind: 'sweep', asOf: '2026-12-31', actions: [] });
      expect(run(['sweep', '--home', home, '--as-of', '2026-12-31'], cwd).stdout).toMatch(/Nothing is due on 2026-12-31/u);

      const dry = run(['sweep', '--home', home, '--as-of', '2027-01-01', '--dry-run'], cwd);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/Dry run: nothing was written or recorded/u);
      expect(readdirSync(cwd).filter((f) => f.startsWith('plan-'))).toEqual([]);

      // Nor does an erasure: as of a later date, records kept until a day before it would be deleted (ER-5).
      const erase = run(['erase', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', '2027-06-01', '--home', home, '--json', '--yes'], cwd, { OJCO_DSAR_TODAY: '2026-12-31' });
      expect(erase.code).toBe(2);
      expect(erase.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['usage.as-of-future']);
      const erasePreview = run(['erase', '--config', CONFIG, '--orgnr', '761105-9978', '--as-of', '2027-06-01', '--home', home, '--json', '--dry-run'], cwd, { OJCO_DSAR_TODAY: '2026-12-31' });
      expect(erasePreview.code, erasePreview.stderr).toBe(0);
      expect(erasePreview.json.asOf).toBe('2027-06-01');
      expect(readdirSync(cwd).filter((f) => f.startsWith('plan-'))).toEqual([]);

      // A date after today only previews: a sweep then would delete what must still be kept (ER-5).
      const ahead = run(['sweep', '--home', home, '--as-of', '2027-01-01', '--json'], cwd, { OJCO_DSAR_TODAY: '2026-12-31' });
      expect(ahead.code).toBe(2);
      expect(ahead.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['usage.as-of-future']);
      expect(readdirSync(cwd).filter((f) => f.startsWith('plan-'))).toEqual([]);

      const after = run(['sweep', '--home', home, '--as-of', '2027-01-01'], cwd, { OJCO_DSAR_TODAY: '2027-01-01' });
      expect(after.code, after.stderr).toBe(0);
      clean(after);
      const plan = JSON.parse(readFileSync(path.join(cwd, 'plan-sweep-2027-01-01.json'), 'utf8')) as { actions: Action[]; planHash: string };
      expect(mode(path.join(cwd, 'plan-sweep-2027-01-01.json'))).toBe(0o600);
      expect(plan.actions.map(key).sort()).toEqual(early.map(key).sort());
      for (const a of plan.actions) expect(a).toMatchObject({ action: 'delete', rule: 'ER-5', retainUntil: '2026-12-31', primary: true });
      expect(after.stdout).toMatch(new RegExp(`Marked ${early.length} ledger entr`, 'u'));

      const list = run(['ledger', 'list', '--home', home, '--json'], cwd);
      const statuses = (list.json.entries as { status: string; retainUntil: string; sweptPlan?: string }[]).map((x) => [x.retainUntil, x.status, x.sweptPlan ?? '']);
      for (const [until, status, swept] of statuses) {
        if (until === '2026-12-31') expect([status, swept]).toEqual(['swept', plan.planHash]);
        else expect(status).toBe('pending');
      }
      // Swept once: the same date lists nothing more.
      expect(run(['sweep', '--home', home, '--as-of', '2027-01-01', '--json'], cwd, { OJCO_DSAR_TODAY: '2027-01-01' }).json.actions).toEqual([]);
      // The rest comes due with its own date.
      const late = run(['sweep', '--home', home, '--as-of', '2033-01-01', '--json'], cwd, { OJCO_DSAR_TODAY: '2033-01-01' });
      expect((late.json.actions as Action[]).length).toBe((e.json.actions as Action[]).filter((a) => a.action === 'retain').length - early.length);
    },
    T,
  );

  it(
    'a legal hold keeps a due entry out until it is released',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      run(['erase', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
      const entries = run(['ledger', 'list', '--home', home, '--json'], cwd).json.entries as { id: number; retainUntil: string; locator: object }[];
      const id = entries.find((x) => x.retainUntil === '2026-12-31')!.id;
      expect(run(['ledger', 'hold', String(id), '--home', home, '--json'], cwd).json).toEqual({ id, status: 'hold', changed: true });
      const held = run(['sweep', '--home', home, '--as-of', '2027-01-01', '--json', '--dry-run'], cwd).json;
      expect((held.actions as Action[]).map((a) => a.locator)).not.toContainEqual(entries.find((x) => x.id === id)!.locator);
      expect(held.warnings.map((w: { code: string }) => w.code)).toContain('sweep.hold');
      run(['ledger', 'release', String(id), '--home', home], cwd);
      const released = run(['sweep', '--home', home, '--as-of', '2027-01-01', '--json', '--dry-run'], cwd).json;
      expect((released.actions as Action[]).length).toBe((held.actions as Action[]).length + 1);
    },
    T,
  );
});

describe('rectify, restrict, withdraw-consent', () => {
  it(
    'rectify --set email gives a from/to diff per system; bookkeeping gets a supplementary statement',
    () => {
      const cwd = tempDir('ojco-plan-');
      const r = run(['rectify', '--config', CONFIG, '--email', PERSONAS[2].email, '--set', 'email=marta.ny@mail.example', '--as-of', AS_OF, '--json', '--yes'], cwd);
      expect(r.code, r.stderr).toBe(0);
      clean(r);
      const plan = r.json as { kind: string; actions: Action[] };
      expect(plan.kind).toBe('rectification');
      const rect = plan.actions.filter((a) => a.action === 'rectify');
      expect(rect.length).toBeGreaterThan(5);
      for (const a of rect) {
        const diffs = Object.values(a.fields!) as { from: string | null; to: string }[];
        expect(diffs.length).toBeGreaterThan(0);
        for (const d of diffs) {
          expect(d.to).toBe('marta.ny@mail.example');
          expect(d.from?.toLowerCase()).toContain('marta');
        }
      }
      expect(new Set(rect.map((a) => a.source)).size).toBeGreaterThan(3);
      for (const a of rect.filter((x) => x.class === 'R')) expect(a).toMatchObject({ rule: 'RE-3', method: 'supplementary-statement' });
      expect(plan.actions.some((a) => a.action === 'notify-recipient')).toBe(true);
      // No store is needed for a rectification without --case.
      expect(readdirSync(cwd)).toEqual([]);
      // A field name none of her records holds (a typo, or a value pasted in its place) writes no plan: exit 2,
      // the --set named by its place; neither the name nor the value is repeated.
      const typo = run(['rectify', '--config', CONFIG, '--email', PERSONAS[2].email, '--set', 'emial=marta.ny@mail.example', '--set', '19920728-9969=x', '--as-of', AS_OF, '--out', 'plan.json'], cwd);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('No record of the subject has the field of --set number 1');
      expect(typo.stderr).toContain('No record of the subject has the field of --set number 2');
      expect(typo.stderr).not.toMatch(/marta\.ny@mail\.example|emial|19920728-9969/u);
      expect(readdirSync(cwd)).toEqual([]);
    },
    T,
  );

  it(
    'rectify --contested: messages, the message trace and newsletter activity are records of events and stay as they were; one Art. 19 notice per recipient',
    () => {
      const cwd = tempDir('ojco-plan-');
      const r = run(['rectify', '--config', CONFIG, '--pnr', '19920728-9969', '--set', 'email=marta.ny@mail.example', '--contested', '--as-of', AS_OF, '--json', '--yes', '--dry-run'], cwd);
      expect(r.code, r.stderr).toBe(0);
      clean(r);
      const plan = r.json as { actions: Action[]; unaffected: { source: string; category: string; reason: string }[] };
      const touched = new Set(plan.actions.filter((a) => a.action === 'rectify' || a.action === 'restrict').map((a) => a.category));
      for (const c of ['mail-message', 'mail-trace', 'newsletter-activity']) {
        expect(touched.has(c), c).toBe(false);
        expect(plan.unaffected.filter((u) => u.category === c).length, c).toBeGreaterThan(0);
        for (const u of plan.unaffected.filter((x) => x.category === c)) expect(u.reason).toMatch(/record of a past event/u);
      }
      // Her contact and master data is corrected once the check confirms it.
      for (const c of ['crm-person', 'customer', 'mail-contact', 'newsletter-member']) expect(touched.has(c), c).toBe(true);
      const notices = plan.actions.filter((a) => a.action === 'notify-recipient') as (Action & { recipient: { id: string } })[];
      const ids = notices.map((n) => n.recipient.id);
      expect(ids).toEqual([...new Set(ids)]);
      expect(notices.every((n) => n.rule === 'RE-4')).toBe(true);

      // A phone change on her contact and customer cards: the auditor and the authorities are not told of it.
      const phone = run(['rectify', '--config', CONFIG, '--email', PERSONAS[0].email, '--set', 'phone=070-174 06 99', '--as-of', AS_OF, '--json', '--yes', '--dry-run'], cwd);
      expect(phone.code, phone.stderr).toBe(0);
      const told = (phone.json.actions as (Action & { recipient?: { id: string } })[]).filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id);
      expect(told).toContain('visma');
      expect(told).not.toContain('auditor');
      expect(told).not.toContain('authorities');
    },
    T,
  );

  it(
    "rectify --set phone changes the person's own numbers only: a company's switchboard stays, in the company's card and in hers",
    () => {
      const cwd = tempDir('ojco-plan-');
      const r = run(['rectify', '--config', CONFIG, '--email', PERSONAS[0].email, '--set', 'phone=070-174 06 99', '--as-of', AS_OF, '--json', '--yes'], cwd);
      expect(r.code, r.stderr).toBe(0);
      const rect = (r.json.actions as Action[]).filter((a) => a.action === 'rectify');
      expect(rect.length).toBeGreaterThan(5);
      for (const a of rect) {
        for (const d of Object.values(a.fields!) as { from: string | null; to: string }[]) {
          // Her mobile 070-174 06 05 in every notation; never Lindqvist Bygg's 040-628 04 10.
          expect(d.from?.replace(/\D/gu, '')).toMatch(/701740605$/u);
        }
      }
      expect((r.json.warnings as { code: string }[]).map((w) => w.code)).toContain('rectify.not-own');
    },
    T,
  );

  it(
    'rectify --contested restricts now and rectifies after the check; restrict takes its ground; withdraw-consent plans',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const c = run(['rectify', '--config', CONFIG, '--email', PERSONAS[3].email, '--set', 'phone=070-174 06 48', '--contested', '--as-of', AS_OF, '--json', '--yes'], cwd);
      expect(c.code, c.stderr).toBe(0);
      const acts = c.json.actions as (Action & { condition?: string })[];
      expect(acts.filter((a) => a.action === 'restrict' && a.primary).length).toBeGreaterThan(0);
      for (const a of acts.filter((x) => x.action === 'rectify')) expect(a).toMatchObject({ primary: false, condition: 'after-verification' });

      const s = run(['restrict', '--config', CONFIG, '--email', PERSONAS[1].email, '--ground', 'c', '--as-of', AS_OF, '--json', '--yes'], cwd);
      expect(s.code, s.stderr).toBe(0);
      const prim = (s.json.actions as Action[]).filter((a) => a.primary);
      expect(prim.every((a) => a.action === 'restrict' && a.legalBasis === 'Art. 18(1)(c)')).toBe(true);

      const w = run(['withdraw-consent', '--config', CONFIG, '--email', PERSONAS[3].email, '--as-of', AS_OF, '--home', home, '--json', '--yes'], cwd);
      expect(w.code, w.stderr).toBe(0);
      clean(w);
      expect(w.json.kind).toBe('withdraw-consent');
      expect((w.json.actions as Action[]).some((a) => a.action === 'unsubscribe')).toBe(true);
      expect(suppressionHashes(home).has(hmac(secretOf(home), 'email', PERSONAS[3].email))).toBe(true);
    },
    T,
  );
});

describe('--case', () => {
  it(
    "refuses a case about someone else (nothing written or attached), and warns about a case of another type",
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const id = run(['case', 'open', '--type', 'erasure', '--email', PERSONAS[0].email, '--received', '2025-05-02', '--home', home, '--json'], cwd).json.id as string;
      const other = run(['restrict', '--config', CONFIG, '--email', PERSONAS[1].email, '--ground', 'a', '--as-of', AS_OF, '--home', home, '--case', id, '--json', '--yes'], cwd);
      expect(other.code).toBe(2);
      expect(other.json.error.problems[0].code).toBe('case.subject');
      expect(readdirSync(cwd).filter((f) => f.startsWith('plan-'))).toEqual([]);
      const x = run(['export', '--config', CONFIG, '--email', PERSONAS[1].email, '--as-of', AS_OF, '--home', home, '--case', id, '--out', 'extract', '--json', '--yes'], cwd);
      expect(x.code).toBe(2);
      expect(existsSync(path.join(cwd, 'extract'))).toBe(false);
      expect(run(['case', 'show', id, '--home', home, '--json'], cwd).json.attachments).toEqual([]);
      // Her own case, of another type: a warning.
      const mine = run(['restrict', '--config', CONFIG, '--email', PERSONAS[0].email, '--ground', 'a', '--as-of', AS_OF, '--home', home, '--case', id, '--json', '--yes'], cwd);
      expect(mine.code, mine.stderr).toBe(0);
      expect(mine.stderr).toMatch(new RegExp(`case ${id} is a request of type erasure, and this is a plan \\(restriction\\)`, 'u'));
      // A sole trader's case opened by the firm's org.nr is his: the person is known by it as his personnummer.
      const firm = run(['case', 'open', '--type', 'restriction', '--orgnr', '761105-9978', '--received', '2025-05-02', '--home', home, '--json'], cwd).json.id as string;
      const his = run(['restrict', '--config', CONFIG, '--email', PERSONAS[1].email, '--ground', 'a', '--as-of', AS_OF, '--home', home, '--case', firm, '--json', '--yes', '--force'], cwd);
      expect(his.code, his.stderr).toBe(0);
      expect(run(['restrict', '--config', CONFIG, '--email', PERSONAS[2].email, '--ground', 'a', '--as-of', AS_OF, '--home', home, '--case', firm, '--json', '--yes', '--force'], cwd).json.error.problems[0].code).toBe('case.subject');
    },
    T,
  );

  it(
    'erase and export attach their files to the case and log the events; case verify still passes',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const opened = run(['case', 'open', '--type', 'erasure', '--email', PERSONAS[0].email, '--received', '2025-05-02', '--home', home, '--json'], cwd);
      expect(opened.code, opened.stderr).toBe(0);
      const id = opened.json.id as string;
      const e = run(['erase', '--config', CONFIG, '--email', PERSONAS[0].email, '--as-of', AS_OF, '--home', home, '--case', id, '--format', 'json,html', '--json', '--yes', '--actor', 'Karin Ek'], cwd);
      expect(e.code, e.stderr).toBe(0);
      clean(e);
      expect(e.json.caseId).toBe(id);
      // The plan retains bookkeeping: a partial refusal, and the reply must give the complaint information (ER-4).
      expect(e.json.reply).toMatchObject({ partialRefusal: true, rule: 'ER-4', legalBasis: 'Art. 12(4)', complaintInformation: { supervisoryAuthority: expect.stringContaining('Integritetsskyddsmyndigheten') } });
      const html = readFileSync(path.join(cwd, 'plan-erasure-2025-05-16.html'), 'utf8');
      expect(html).toContain('Reply (ER-4)');
      expect(html).toContain('Integritetsskyddsmyndigheten (IMY)');
      // With --case the plan file is written even with --json.
      const file = path.join(cwd, 'plan-erasure-2025-05-16.json');
      expect(readFileSync(file, 'utf8')).toBe(e.stdout);

      const x = run(['export', '--config', CONFIG, '--email', PERSONAS[0].email, '--as-of', AS_OF, '--home', home, '--case', id, '--out', 'extract', '--format', 'json,html', '--json', '--yes'], cwd);
      expect(x.code, x.stderr).toBe(0);
      clean(x);
      expect(x.json.case).toMatchObject({ id, attachments: [3, 4] });

      const show = run(['case', 'show', id, '--home', home, '--json'], cwd).json;
      expect(show.attachments.map((a: { kind: string; sha256: string; path: string }) => [a.kind, path.basename(a.path)])).toEqual([
        ['plan', 'plan-erasure-2025-05-16.json'],
        ['plan', 'plan-erasure-2025-05-16.html'],
        ['extract', 'registerutdrag-2025-05-16.json'],
        ['extract', 'registerutdrag-2025-05-16.html'],
      ]);
      expect(show.attachments[0].sha256).toBe(sha(file));
      // Outputs are work on the request: the case is in progress, as a batch leaves it.
      expect(show.status).toBe('in-progress');
      const log = run(['case', 'log', id, '--home', home, '--json'], cwd).json.events as { type: string; actor: string; payload: Record<string, unknown> }[];
      const written = log.find((ev) => ev.type === 'plan-written')!;
      expect(written).toMatchObject({ actor: 'Karin Ek', payload: { plan: 'erasure', planHash: e.json.planHash, asOf: AS_OF } });
      expect(log.map((ev) => ev.type)).toContain('extract-written');
      expect(JSON.stringify(log)).not.toContain(PERSONAS[0].email);
      // Opened without a config, the case keeps the one its first output was made with, once.
      expect(show.configFile).toBe(path.resolve(CONFIG));
      expect(log.filter((ev) => ev.type === 'config-remembered')).toEqual([expect.objectContaining({ payload: { configFile: path.resolve(CONFIG) } })]);
      const v = run(['case', 'verify', '--home', home], cwd);
      expect(v.code, v.stdout + v.stderr).toBe(0);
      // The ledger and the suppression list carry the case.
      const entries = run(['ledger', 'list', '--home', home, '--json'], cwd).json.entries as { caseId?: string }[];
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((en) => en.caseId === id)).toBe(true);
      // The sweep tells the case when its retention comes due.
      run(['sweep', '--home', home, '--as-of', '2033-01-01', '--json'], cwd, { OJCO_DSAR_TODAY: '2033-01-01' });
      expect((run(['case', 'log', id, '--home', home, '--json'], cwd).json.events as { type: string }[]).map((ev) => ev.type)).toContain('ledger-swept');
      expect(run(['case', 'verify', '--home', home], cwd).code).toBe(0);
      // So the answer's evidence manifest hashes that config's input files, without being told it again.
      const answered = run(['case', 'answer', id, '--home', home, '--json'], cwd, { OJCO_DSAR_TODAY: '2033-01-01' });
      expect(answered.code, answered.stderr).toBe(0);
      expect(answered.stderr).not.toMatch(/no config file/u);
      const manifest = JSON.parse(readFileSync(answered.json.manifest.path, 'utf8')) as { inputs: unknown[] };
      expect(manifest.inputs.length).toBeGreaterThan(10);
      // ER-4: the plan retained her invoices, so the reply refused part of the erasure (Art. 12(4)): the answer
      // records the complaint information and says so, as a refusal does.
      expect(answered.json.outcome).toMatchObject({ type: 'answered', partialRefusal: true, complaintInformation: { supervisoryAuthority: expect.stringContaining('IMY'), judicialRemedy: expect.stringContaining('court') } });
      expect(answered.stderr).toMatch(new RegExp(`case ${id}: the reply refuses part of the request \\(erasure plan ${(e.json.planHash as string).slice(0, 12)}`, 'u'));
      expect(answered.stderr).toMatch(/complain to IMY and to go to court/u);
      clean(answered);
      expect(run(['case', 'verify', '--home', home], cwd).code).toBe(0);
    },
    T,
  );

  it(
    'an unknown case is refused before the search (exit 2), and nothing is written',
    () => {
      const cwd = tempDir('ojco-plan-');
      const home = path.join(cwd, 'home');
      const r = run(['erase', '--config', CONFIG, '--email', PERSONAS[0].email, '--home', home, '--case', 'DSAR-2025-0042', '--yes'], cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no case DSAR-2025-0042/u);
      expect(readdirSync(cwd)).toEqual(['home']);
    },
    T,
  );
});

describe('usage and store errors (exit 2)', () => {
  it('lists every problem at once, without echoing values', () => {
    const cwd = tempDir('ojco-plan-');
    const r = run(['erase', '--config', CONFIG, '--email', 'not-an-address', '--as-of', '2025-02-30', '--format', 'pdf', '--ga-property-id', 'x y', '--json'], cwd);
    expect(r.code).toBe(2);
    expect((r.json.error.problems as { code: string }[]).map((p) => p.code).sort()).toEqual(['usage.date', 'usage.format', 'usage.ga-property-id', 'usage.invalid-email']);
    expect(r.stderr).not.toContain('not-an-address');
    const rect = run(['rectify', '--config', CONFIG, '--email', PERSONAS[0].email, '--set', '=x', '--json'], cwd);
    expect(rect.code).toBe(2);
    expect(run(['rectify', '--config', CONFIG, '--email', PERSONAS[0].email, '--json'], cwd).json.error.problems[0].code).toBe('usage.set');
    const bad = run(['rectify', '--config', CONFIG, '--email', PERSONAS[0].email, '--set', 'email=nope', '--as-of', AS_OF, '--json', '--yes'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.json.error.problems[0].code).toBe('rectify.value');
    // Checked with the other flags, before the config is read or a source searched.
    const early = run(['rectify', '--config', 'missing.yaml', '--email', PERSONAS[0].email, '--set', 'phone=', '--json'], cwd);
    expect(early.code).toBe(2);
    expect(early.json.error.problems.map((p: { code: string }) => p.code)).toEqual(['rectify.value']);
    expect(bad.stderr).not.toContain('nope');
    expect(run(['object', '--config', CONFIG, '--email', PERSONAS[0].email, '--json'], cwd).json.error.problems[0].code).toBe('usage.object');
    expect(run(['restrict', '--config', CONFIG, '--email', PERSONAS[0].email, '--ground', 'e'], cwd).code).toBe(2);
    expect(run(['restrict', '--config', CONFIG, '--email', PERSONAS[0].email, '--json'], cwd).json.error.problems[0].code).toBe('usage.ground');
    expect(run(['erase', '--config', CONFIG, '--email', PERSONAS[0].email, '--dry-run', '--case', 'DSAR-2025-0001', '--json'], cwd).json.error.problems[0].code).toBe('usage.dry-run-case');
  }, T);

  it('a plan file under a file, or over a folder, is refused before the search as the write would refuse it', () => {
    const cwd = tempDir('ojco-plan-');
    const { config, marker } = spyConfig(cwd);
    writeFileSync(path.join(cwd, 'f'), 'x');
    mkdirSync(path.join(cwd, 'folder'));
    const under = run(['erase', '--config', config, '--email', PERSONAS[0].email, '--home', 'home', '--out', 'f/sub/plan.json', '--yes', '--json'], cwd);
    expect(under.code).toBe(2);
    expect(under.json.error).toMatchObject({ code: 'fs.enotdir', message: 'f/sub: a part of this path is a file, not a folder (mkdir)' });
    const over = run(['rectify', '--config', config, '--email', PERSONAS[0].email, '--set', 'email=ny@example.se', '--home', 'home', '--out', 'folder', '--force', '--yes', '--json'], cwd);
    expect(over.code).toBe(2);
    expect(over.json.error).toMatchObject({ code: 'fs.eisdir', message: 'folder: is a folder, not a file (open)' });
    expect(existsSync(marker), 'a source was read').toBe(false);
    const ok = run(['erase', '--config', config, '--email', PERSONAS[0].email, '--home', 'home', '--out', 'new/plan.json', '--yes', '--json'], cwd);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  }, T);

  it('a home that cannot be created is a clear error (exit 2), not a crash', () => {
    const cwd = tempDir('ojco-plan-');
    writeFileSync(path.join(cwd, 'not-a-folder'), 'x');
    const r = run(['erase', '--config', CONFIG, '--email', PERSONAS[0].email, '--home', path.join(cwd, 'not-a-folder', 'home'), '--yes'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/home cannot be opened|not a folder/u);
    expect(r.stderr).not.toMatch(/internal error/u);
    const s = run(['sweep', '--home', path.join(cwd, 'not-a-folder'), '--json'], cwd);
    expect(s.code).toBe(2);
  }, T);

  it('--help documents the JSON shape, the grounds and the exit codes', () => {
    const cwd = tempDir('ojco-plan-');
    const h = run(['restrict', '--help'], cwd);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/a\s+the person contests the accuracy/u);
    expect(h.stdout).toMatch(/"planHash"/u);
    expect(h.stdout).toMatch(/Exit codes:/u);
    for (const c of ['erase', 'rectify', 'object', 'withdraw-consent', 'sweep']) expect(run([c, '--help'], cwd).stdout).toMatch(/retainUntil/u);
  }, T);
});
