/** Schema migrations: versioned, one transaction each, and no opening of a newer database. */
import { existsSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/store/cases.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, StoreVersionError, migrate, type Migration } from '../../src/store/schema.ts';
import { openStore, tempHome } from './store-helpers.ts';

const tables = (db: Database.Database): string[] =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('a fresh store is migrated to the latest version and records it', () => {
    const store = openStore();
    const rows = store.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows.at(-1)?.version).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(store.db)).toEqual(
      expect.arrayContaining(['cases', 'case_types', 'subject_identifiers', 'case_texts', 'case_keys', 'events', 'attachments', 'manifests', 'case_sequences', 'meta', 'schema_migrations']),
    );
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
  });

  it('opening again applies nothing twice', () => {
    const home = tempHome();
    openStore(home).close();
    const store = openStore(home);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    store.close();
  });

  it('each migration runs in its own transaction: a failing one leaves the earlier ones and nothing of itself', () => {
    const db = new Database(':memory:');
    const broken: Migration[] = [
      { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE one (x INTEGER)') },
      {
        version: 2,
        name: 'two',
        up: (d) => {
          d.exec('CREATE TABLE two (x INTEGER)');
          throw new Error('disk full');
        },
      },
    ];
    expect(() => migrate(db, '2026-01-01T00:00:00Z', broken)).toThrow('disk full');
    expect(tables(db)).toContain('one');
    expect(tables(db)).not.toContain('two');
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(1);
    // Fixed, the next run continues from version 1.
    const fixed: Migration[] = [broken[0]!, { version: 2, name: 'two', up: (d) => d.exec('CREATE TABLE two (x INTEGER)') }];
    expect(migrate(db, '2026-01-02T00:00:00Z', fixed)).toEqual({ from: 1, to: 2 });
  });

  it('refuses a database written by a newer version, and leaves it unchanged', () => {
    const home = tempHome();
    const store = openStore(home);
    store.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(LATEST_SCHEMA_VERSION + 1, 'from the future', '2030-01-01T00:00:00Z');
    store.close();
    let error: unknown;
    try {
      openStore(home);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreVersionError);
    expect((error as StoreVersionError).exitCode).toBe(2);
    expect((error as StoreVersionError).message).toMatch(/newer ojco-dsar/u);
    expect((error as StoreVersionError).problems[0]?.code).toBe('store.newer-schema');
    const db = new Database(path.join(home, 'cases.db'), { readonly: true });
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(LATEST_SCHEMA_VERSION + 1);
    db.close();
  });

  it('creates the home folder 0700 and the database 0600', () => {
    const home = tempHome();
    const store = openStore(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    store.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, { actor: 'a', at: '2026-01-31T10:00:00Z' });
    for (const f of ['cases.db-wal', 'cases.db-shm']) {
      const p = path.join(home, f);
      if (existsSync(p)) expect(statSync(p).mode & 0o077).toBe(0);
    }
    store.close();
  });

  it('a file that is not a database is a clear error (exit 2)', () => {
    const home = tempHome();
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(home, 'cases.db'), 'this is not sqlite, it is a text file that is long enough to have a header'.repeat(10), { mode: 0o600 });
    expect(() => CaseStore.open(home, { now: '2026-01-01T00:00:00Z' })).toThrow(/not a readable case database/u);
  });
});
