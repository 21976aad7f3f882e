/**
 * What the plan commands keep in the ojco-dsar home (issue #4), beside the
 * cases in cases.db (schema migration 2):
 *
 * - the suppression list (BK-2, BK-3, DM-3): one row per keyed hash and
 *   plan, with its kind, channel, ground, date, plan hash and case id, and
 *   never the identifier itself;
 * - its secret: the HMAC key, 32 random bytes made on first use and kept in
 *   the `store_secrets` table. It never leaves the database: nothing prints,
 *   logs or exports it. Losing it (a new home) makes the old hashes useless,
 *   so the database is what has to be backed up;
 * - the deferred-erasure ledger (ER-5): one row per `retain` action, with
 *   its last day to keep, until `sweep` lists it (status pending, swept or
 *   hold).
 *
 * Recording is idempotent: the same plan recorded twice adds no rows
 * (UNIQUE constraints and INSERT OR IGNORE). Timestamps come from the
 * caller; the store reads no clock.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { canonicalJson, ledgerEntries, type LedgerEntry, type Plan, type SuppressionEntry } from '../core/plan/index.ts';
import { locatorKey, type Locator } from '../core/record.ts';
import { UsageError } from '../errors.ts';
import { DB_FILE_NAME, type ActionContext, type CaseStore } from './cases.ts';

type Db = BetterSqlite3.Database;

export const SUPPRESSION_SECRET = 'suppression';
const SECRET_BYTES = 32;

export type LedgerStatus = 'pending' | 'swept' | 'hold';

export interface LedgerRow extends LedgerEntry {
  id: number;
  status: LedgerStatus;
  sweptPlan?: string;
  sweptOn?: string;
  addedAt: string;
}

export interface SuppressionRow {
  hash: string;
  kind: string;
  channel: SuppressionEntry['channel'];
  ground: SuppressionEntry['ground'];
  since: string;
  planHash: string;
  planKind: string;
  caseId?: string;
  tail?: string;
}

export interface RecordResult {
  suppression: { added: number; existing: number };
  ledger: { added: number; existing: number };
}

/** `source \0 locatorKey`: one record, as the planners key it. */
export function ledgerRecordKey(source: string, locator: Locator): string {
  return `${source}\u0000${locatorKey(locator)}`;
}

/** The suppression list's HMAC key; made (32 random bytes) the first time it is needed. */
export function suppressionSecret(store: CaseStore, ctx: Pick<ActionContext, 'at'>): Buffer {
  return store.write(() => {
    const row = store.db.prepare('SELECT key FROM store_secrets WHERE name = ?').get(SUPPRESSION_SECRET) as { key: Buffer } | undefined;
    if (row) return Buffer.from(row.key);
    const key = randomBytes(SECRET_BYTES);
    store.db.prepare('INSERT INTO store_secrets (name, key, created_at) VALUES (?, ?, ?)').run(SUPPRESSION_SECRET, key, ctx.at);
    return key;
  });
}

/**
 * Records a plan's suppression entries and its ledger entries (the `retain`
 * actions) in one transaction. Idempotent per plan hash.
 */
export function recordPlan(store: CaseStore, plan: Plan, ctx: Pick<ActionContext, 'at'>, opts: { phoneTails?: ReadonlyMap<string, string> } = {}): RecordResult {
  const suppress = plan.actions.filter((a) => a.action === 'suppress' && a.suppression).map((a) => a.suppression!);
  const ledger = plan.kind === 'sweep' ? [] : ledgerEntries(plan);
  return store.write(() => {
    const res: RecordResult = { suppression: { added: 0, existing: 0 }, ledger: { added: 0, existing: 0 } };
    const sup = store.db.prepare(
      'INSERT OR IGNORE INTO suppression (hash, kind, channel, ground, since, plan_hash, plan_kind, case_id, tail, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const s of suppress) {
      const tail = s.kind === 'phone' ? (opts.phoneTails?.get(s.hash) ?? null) : null;
      const { changes } = sup.run(s.hash, s.kind, s.channel, s.ground, s.since, plan.planHash, plan.kind, plan.caseId ?? null, tail, ctx.at);
      if (changes > 0) res.suppression.added++;
      else res.suppression.existing++;
    }
    if (suppress.length > 0) {
      const rec = store.db.prepare('INSERT OR IGNORE INTO plan_records (plan_hash, record_key) VALUES (?, ?)');
      for (const a of plan.actions) if (a.primary) rec.run(plan.planHash, ledgerRecordKey(a.source, a.locator));
    }
    const led = store.db.prepare(
      `INSERT OR IGNORE INTO ledger (plan_hash, action_id, source, connector, locator, record_key, entity, category, class, rule, legal_basis,
         retain_until, deletable_from, case_id, status, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    );
    for (const e of ledger) {
      const { changes } = led.run(
        e.planHash ?? plan.planHash,
        e.actionId ?? '',
        e.source,
        e.connector,
        canonicalJson(e.locator),
        ledgerRecordKey(e.source, e.locator),
        e.entity ?? null,
        e.category ?? null,
        e.class ?? null,
        e.rule ?? null,
        e.legalBasis ?? null,
        e.retainUntil ?? null,
        e.deletableFrom ?? null,
        e.caseId ?? null,
        ctx.at,
        ctx.at,
      );
      if (changes > 0) res.ledger.added++;
      else res.ledger.existing++;
    }
    return res;
  });
}

interface LedgerDbRow {
  id: number;
  plan_hash: string;
  action_id: string;
  source: string;
  connector: string;
  locator: string;
  entity: string | null;
  category: string | null;
  class: string | null;
  rule: string | null;
  legal_basis: string | null;
  retain_until: string | null;
  deletable_from: string | null;
  case_id: string | null;
  status: LedgerStatus;
  swept_plan: string | null;
  swept_on: string | null;
  added_at: string;
}

function toLedgerRow(r: LedgerDbRow): LedgerRow {
  return {
    id: r.id,
    status: r.status,
    source: r.source,
    connector: r.connector,
    locator: JSON.parse(r.locator) as Locator,
    ...(r.entity !== null ? { entity: r.entity } : {}),
    ...(r.category !== null ? { category: r.category } : {}),
    ...(r.class !== null ? { class: r.class as NonNullable<LedgerEntry['class']> } : {}),
    ...(r.rule !== null ? { rule: r.rule } : {}),
    ...(r.legal_basis !== null ? { legalBasis: r.legal_basis } : {}),
    ...(r.retain_until !== null ? { retainUntil: r.retain_until } : {}),
    ...(r.deletable_from !== null ? { deletableFrom: r.deletable_from } : {}),
    planHash: r.plan_hash,
    actionId: r.action_id,
    ...(r.case_id !== null ? { caseId: r.case_id } : {}),
    ...(r.status === 'hold' ? { hold: true } : {}),
    ...(r.swept_plan !== null ? { sweptPlan: r.swept_plan } : {}),
    ...(r.swept_on !== null ? { sweptOn: r.swept_on } : {}),
    addedAt: r.added_at,
  };
}

/** Ledger rows, oldest first; `status` narrows them. */
export function ledgerRows(store: CaseStore, opts: { status?: LedgerStatus[] } = {}): LedgerRow[] {
  const statuses = opts.status ?? ['pending', 'swept', 'hold'];
  return store.read(() =>
    (store.db.prepare(`SELECT * FROM ledger WHERE status IN (${statuses.map(() => '?').join(', ')}) ORDER BY id`).all(...statuses) as LedgerDbRow[]).map(toLedgerRow),
  );
}

/**
 * The ledger as `planSweep` takes it: pending and held rows, each record's
 * rows together and its latest last-day-to-keep first (a row without a date
 * before all), so that the record is swept only when every plan that kept it
 * has come due.
 */
export function ledgerForSweep(store: CaseStore): LedgerRow[] {
  const rows = ledgerRows(store, { status: ['pending', 'hold'] });
  const key = (r: LedgerRow): string => ledgerRecordKey(r.source, r.locator);
  return rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ra = a.retainUntil ?? '';
    const rb = b.retainUntil ?? '';
    if (ra !== rb) return ra === '' ? -1 : rb === '' ? 1 : ra < rb ? 1 : -1;
    return a.id - b.id;
  });
}

/**
 * Marks the pending rows of the records a sweep plan lists as swept by it.
 * Only rows whose last day to keep is before the plan's date; held rows stay.
 */
export function markSwept(store: CaseStore, plan: Plan, ctx: Pick<ActionContext, 'at'>): number {
  if (plan.kind !== 'sweep') throw new Error('markSwept needs a sweep plan');
  return store.write(() => {
    const upd = store.db.prepare(
      `UPDATE ledger SET status = 'swept', swept_plan = ?, swept_on = ?, updated_at = ?
       WHERE record_key = ? AND status = 'pending' AND retain_until IS NOT NULL AND retain_until < ?`,
    );
    let n = 0;
    for (const a of plan.actions) {
      if (!a.primary) continue;
      n += upd.run(plan.planHash, plan.asOf, ctx.at, ledgerRecordKey(a.source, a.locator), plan.asOf).changes;
    }
    return n;
  });
}

/**
 * Puts a ledger row under a legal hold (Art. 17(3)(e)) or releases it back
 * to pending. `changed` is false when it already was so (a hold of a held
 * entry, a release of one not held): nothing is written, and the caller
 * logs no event.
 */
export function setHold(store: CaseStore, id: number, hold: boolean, ctx: Pick<ActionContext, 'at'>): LedgerRow & { changed: boolean } {
  return store.write(() => {
    const row = store.db.prepare('SELECT * FROM ledger WHERE id = ?').get(id) as LedgerDbRow | undefined;
    if (!row) throw new UsageError(`no ledger entry ${id}`, [{ code: 'ledger.not-found', message: `there is no ledger entry #${id} in this home` }]);
    if (row.status === 'swept') throw new UsageError(`ledger entry ${id} was swept`, [{ code: 'ledger.swept', message: `ledger entry #${id} was already listed for erasure by sweep plan ${row.swept_plan?.slice(0, 12) ?? ''}` }]);
    if ((row.status === 'hold') === hold) return { ...toLedgerRow(row), changed: false };
    const status: LedgerStatus = hold ? 'hold' : 'pending';
    store.db.prepare('UPDATE ledger SET status = ?, updated_at = ? WHERE id = ?').run(status, ctx.at, id);
    return { ...toLedgerRow({ ...row, status }), changed: true };
  });
}

export function suppressionCount(store: CaseStore): number {
  return (store.db.prepare('SELECT COUNT(*) AS n FROM suppression').get() as { n: number }).n;
}

interface SuppressionDbRow {
  hash: string;
  kind: string;
  channel: SuppressionEntry['channel'];
  ground: SuppressionEntry['ground'];
  since: string;
  plan_hash: string;
  plan_kind: string;
  case_id: string | null;
  tail: string | null;
}

function readSuppression(db: Db): SuppressionRow[] {
  return (db.prepare('SELECT hash, kind, channel, ground, since, plan_hash, plan_kind, case_id, tail FROM suppression ORDER BY since, plan_hash, hash').all() as SuppressionDbRow[]).map((r) => ({
    hash: r.hash,
    kind: r.kind,
    channel: r.channel,
    ground: r.ground,
    since: r.since,
    planHash: r.plan_hash,
    planKind: r.plan_kind,
    ...(r.case_id !== null ? { caseId: r.case_id } : {}),
    ...(r.tail !== null ? { tail: r.tail } : {}),
  }));
}

export function suppressionRows(store: CaseStore): SuppressionRow[] {
  return store.read(() => readSuppression(store.db));
}

/**
 * For `find` and `export`: the suppression list and its secret, read
 * without creating or migrating anything (a search never writes the home).
 * Undefined when the home has no database, no list yet, or an empty one.
 */
export function readSuppressionList(home: string): { rows: SuppressionRow[]; secret: Buffer; planned: Set<string> } | undefined {
  const file = path.join(home, DB_FILE_NAME);
  if (!existsSync(file)) return undefined;
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
    const has = db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('suppression', 'store_secrets', 'plan_records')").get() as { n: number };
    if (has.n < 3) return undefined;
    const n = (db.prepare('SELECT COUNT(*) AS n FROM suppression').get() as { n: number }).n;
    if (n === 0) return undefined;
    const secret = db.prepare('SELECT key FROM store_secrets WHERE name = ?').get(SUPPRESSION_SECRET) as { key: Buffer } | undefined;
    if (!secret) return undefined;
    const planned = new Set((db.prepare('SELECT plan_hash, record_key FROM plan_records').all() as { plan_hash: string; record_key: string }[]).map((r) => `${r.plan_hash}\u0000${r.record_key}`));
    return { rows: readSuppression(db), secret: Buffer.from(secret.key), planned };
  } finally {
    db?.close();
  }
}
