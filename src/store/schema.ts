/**
 * Versioned schema migrations for cases.db. Each migration runs once, in its
 * own IMMEDIATE transaction, and is recorded in `schema_migrations`; two
 * processes that open a fresh store at the same moment serialise on the write
 * lock and the second finds the work done. A database written by a newer
 * ojco-dsar (a version we do not know) is refused, never "downgraded".
 *
 * Migrations are append-only: never edit one that has shipped; add the next.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { UserError, ExitCode } from '../errors.ts';
import { CHANNELS, REQUEST_TYPES, STATUSES, VERIFICATION_METHODS, OUTCOMES } from './rules.ts';

type Db = BetterSqlite3.Database;

export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cases, subject, events, attachments, manifests',
    up: (db) =>
      db.exec(`
        -- Key/value settings of the store itself; 'chain.head' = "<seq> <hash>" of the last event.
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

        -- Per-year case number sequence; numbers are never reused, even after a purge.
        CREATE TABLE case_sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL) STRICT;

        -- One row per case. No personal data here: this row is the tombstone that stays after a purge.
        CREATE TABLE cases (
          id TEXT PRIMARY KEY,
          year INTEGER NOT NULL,
          number INTEGER NOT NULL,
          received_date TEXT NOT NULL,
          channel TEXT CHECK (channel IS NULL OR channel IN (${list(CHANNELS)})),
          nominal_date TEXT NOT NULL,
          due_date TEXT NOT NULL,
          one_month_due_date TEXT NOT NULL,
          se1930_due_date TEXT NOT NULL,
          extended INTEGER NOT NULL DEFAULT 0 CHECK (extended IN (0, 1)),
          extension_decided_on TEXT,
          extension_notice_date TEXT,
          status TEXT NOT NULL CHECK (status IN (${list(STATUSES)})),
          verification_method TEXT CHECK (verification_method IS NULL OR verification_method IN (${list(VERIFICATION_METHODS)})),
          verified_by TEXT,
          verified_on TEXT,
          outcome TEXT CHECK (outcome IS NULL OR outcome IN (${list(OUTCOMES)})),
          outcome_on TEXT,
          refusal_grounds TEXT,
          closed_on TEXT,
          retention_months INTEGER,
          retain_until TEXT,
          purged_on TEXT,
          config_file TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          UNIQUE (year, number)
        ) STRICT;

        CREATE TABLE case_types (
          case_id TEXT NOT NULL REFERENCES cases(id),
          type TEXT NOT NULL CHECK (type IN (${list(REQUEST_TYPES)})),
          PRIMARY KEY (case_id, type)
        ) STRICT;

        -- The only place subject identifiers live (plain: needed to re-run searches). Deleted by purge.
        CREATE TABLE subject_identifiers (
          id INTEGER PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id),
          kind TEXT NOT NULL,
          value TEXT NOT NULL,
          canonical TEXT NOT NULL
        ) STRICT;
        CREATE INDEX subject_identifiers_case ON subject_identifiers(case_id);

        -- Free text the officer writes (extension reasons, refusal reasons, notes): it may name people,
        -- so it is kept out of the audit events and deleted by purge.
        CREATE TABLE case_texts (
          id INTEGER PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id),
          purpose TEXT NOT NULL,
          text TEXT NOT NULL
        ) STRICT;
        CREATE INDEX case_texts_case ON case_texts(case_id);

        -- Per-case HMAC key: events carry HMACs of the subject data, so tampering with it is detected;
        -- purge deletes the key, after which the HMACs in the events cannot be linked to anyone.
        CREATE TABLE case_keys (case_id TEXT PRIMARY KEY REFERENCES cases(id), key BLOB NOT NULL) STRICT;

        -- Outputs linked to the case (extract, plan, reply letter, ...). Paths can name people; deleted by purge.
        CREATE TABLE attachments (
          id INTEGER PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id),
          kind TEXT NOT NULL,
          path TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          size INTEGER NOT NULL,
          copied INTEGER NOT NULL DEFAULT 0,
          added_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX attachments_case ON attachments(case_id);

        -- Evidence manifests written at answer/refuse/close (AA-1). The sha256 stays after a purge.
        CREATE TABLE manifests (
          id INTEGER PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id),
          reason TEXT NOT NULL,
          path TEXT,
          sha256 TEXT NOT NULL,
          created_at TEXT NOT NULL,
          purged INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX manifests_case ON manifests(case_id);

        -- The audit trail (Art. 5(2), AA-1): append-only, one hash chain over all cases.
        -- payload is canonical JSON with no personal values (ids, codes, dates, hashes, HMACs only).
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id),
          at TEXT NOT NULL,
          actor TEXT NOT NULL,
          type TEXT NOT NULL,
          payload TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        ) STRICT;
        CREATE INDEX events_case ON events(case_id, seq);

        -- Defence in depth: the tool never updates or deletes an event. Someone with the file can drop
        -- these triggers; the hash chain still shows what they changed.
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      `),
  },
  {
    version: 2,
    name: 'suppression list, deferred-erasure ledger, store secrets',
    up: (db) =>
      db.exec(`
        -- Secrets of this home (issue #4): 'suppression' is the HMAC key of the suppression list (32 random
        -- bytes, made on first use). It never leaves the database: no command prints or exports it.
        CREATE TABLE store_secrets (name TEXT PRIMARY KEY, key BLOB NOT NULL, created_at TEXT NOT NULL) STRICT;

        -- The suppression list (BK-2, BK-3, DM-3): keyed hashes of identifiers, never the values (AN-1:
        -- pseudonymised data, kept minimal). One row per identifier and plan; the same plan recorded twice
        -- adds nothing. It outlives the case: a purge leaves it, so that an erased person stays erased.
        CREATE TABLE suppression (
          id INTEGER PRIMARY KEY,
          hash TEXT NOT NULL CHECK (length(hash) = 64),
          kind TEXT NOT NULL,
          channel TEXT NOT NULL CHECK (channel IN ('email', 'phone', 'all')),
          ground TEXT NOT NULL CHECK (ground IN ('erasure', 'objection', 'withdrawal')),
          since TEXT NOT NULL,
          plan_hash TEXT NOT NULL,
          plan_kind TEXT NOT NULL,
          case_id TEXT REFERENCES cases(id),
          -- phone entries: a keyed hash of the number's last 7 digits, so the re-appearance check parses
          -- only the phone numbers that may be on the list (reappearance.ts phoneTailKey).
          tail TEXT,
          added_at TEXT NOT NULL,
          UNIQUE (hash, ground, plan_hash)
        ) STRICT;
        CREATE INDEX suppression_hash ON suppression(hash);

        -- The deferred-erasure ledger (ER-5, dsar-anchors §7 point 2): one row per 'retain' action of a
        -- plan, with its last day to keep. 'sweep' lists the due ones and marks them swept; 'hold' is a
        -- legal hold (Art. 17(3)(e)) that keeps a due row out of sweeps. No values: locators and codes only.
        CREATE TABLE ledger (
          id INTEGER PRIMARY KEY,
          plan_hash TEXT NOT NULL,
          action_id TEXT NOT NULL,
          source TEXT NOT NULL,
          connector TEXT NOT NULL,
          locator TEXT NOT NULL,
          record_key TEXT NOT NULL,
          entity TEXT,
          category TEXT,
          class TEXT,
          rule TEXT,
          legal_basis TEXT,
          retain_until TEXT,
          deletable_from TEXT,
          case_id TEXT REFERENCES cases(id),
          status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'swept', 'hold')),
          swept_plan TEXT,
          swept_on TEXT,
          added_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          UNIQUE (plan_hash, action_id)
        ) STRICT;
        CREATE INDEX ledger_status ON ledger(status, retain_until);
        CREATE INDEX ledger_record ON ledger(record_key);

        -- The records a plan with suppression entries acted on (source and locator only), so that the
        -- re-appearance check can tell a record the plan named and that is still there (not carried out
        -- yet) from one it did not name (re-imported, or restored from a backup).
        CREATE TABLE plan_records (
          plan_hash TEXT NOT NULL,
          record_key TEXT NOT NULL,
          PRIMARY KEY (plan_hash, record_key)
        ) STRICT, WITHOUT ROWID;
      `),
  },
  {
    version: 3,
    name: 'case references of batch requests',
    up: (db) =>
      db.exec(`
        -- Issue #6: the id a request has in a batch's requests file (the officer's ticket number, not
        -- personal data), so that a batch run again, or resumed after a crash, updates the case it opened
        -- instead of opening a second one. Inserted in the transaction that opens the case; the
        -- case-opened event names it as well, so the audit trail shows where the case came from.
        CREATE TABLE case_references (
          reference TEXT PRIMARY KEY,
          case_id TEXT NOT NULL REFERENCES cases(id)
        ) STRICT;
        CREATE INDEX case_references_case ON case_references(case_id);
      `),
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class StoreVersionError extends UserError {
  constructor(found: number, known: number) {
    super(`the case database was written by a newer ojco-dsar (schema version ${found}; this version knows up to ${known})`, {
      exitCode: ExitCode.Usage,
      problems: [{ code: 'store.newer-schema', message: `schema version ${found} is newer than ${known}; the database was not changed` }],
      hint: 'Upgrade ojco-dsar to open this case register.',
    });
  }
}

function currentVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Brings the schema up to date. `appliedAt` is an ISO instant for the record. */
export function migrate(db: Db, appliedAt: string, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const known = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const from = currentVersion(db);
  if (from > known) throw new StoreVersionError(from, known);
  for (const m of migrations) {
    db.transaction(() => {
      // Re-read inside the write lock: another process may have applied it meanwhile.
      const v = currentVersion(db);
      if (v > known) throw new StoreVersionError(v, known);
      if (v >= m.version) return;
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, appliedAt);
    }).immediate();
  }
  return { from, to: currentVersion(db) };
}
