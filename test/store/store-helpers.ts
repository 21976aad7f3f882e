/** Helpers for the store tests: a fresh store in a temp folder, a fixed actor and clock. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CaseStore, type ActionContext, type IdentifierInput } from '../../src/store/cases.ts';

export function tempHome(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-store-')), 'home');
}

let tick = 0;
/** Strictly increasing timestamps, so event order is visible in `at` too. */
export function ctx(actor = 'Test Officer'): ActionContext {
  tick++;
  return { actor, at: new Date(Date.UTC(2026, 0, 1, 8, 0, tick)).toISOString() };
}

export function openStore(home = tempHome()): CaseStore {
  return CaseStore.open(home, { now: '2026-01-01T00:00:00.000Z' });
}

/** Åsa, the persona of fixtures/ and legal-rules.md §12.3 (made up). */
export const ASA: IdentifierInput[] = [
  { kind: 'email', value: 'Asa.Lindqvist@lindqvistbygg.example', canonical: 'asa.lindqvist@lindqvistbygg.example' },
  { kind: 'phone', value: '070-174 06 05', canonical: '+46701740605' },
  { kind: 'pnr', value: '19840312-9987', canonical: '198403129987' },
];

/** A second connection straight to the file, as someone editing the database by hand would use. */
export function rawDb(store: CaseStore): Database.Database {
  const db = new Database(store.file);
  // Whoever tampers can drop the append-only triggers; the hash chain must still tell.
  db.exec('DROP TRIGGER IF EXISTS events_append_only_update; DROP TRIGGER IF EXISTS events_append_only_delete;');
  return db;
}
