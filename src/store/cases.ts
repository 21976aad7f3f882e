/**
 * The case register: cases.db (better-sqlite3, WAL) in the ojco-dsar home.
 *
 * Every change is one IMMEDIATE transaction that updates the case and
 * appends its audit event together, so the register and the trail never
 * disagree, and two processes writing at once queue on SQLite's write lock
 * (busy_timeout) instead of losing or interleaving events.
 *
 * Personal data lives in three tables only: subject_identifiers, case_texts
 * and attachments (paths can name people). Events reference their rows by id
 * with an HMAC under a per-case key, never by value: `verify` can tell that
 * a row was changed, and after a purge (key deleted) the HMACs say nothing
 * about anyone. The store takes every timestamp and "today" from the caller;
 * it never reads the clock for case data.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, rmSync, chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { compareDates, toCivilDate } from '../core/law/dates.ts';
import { isPartialRefusal } from '../core/plan/reply.ts';
import { ExitCode, UsageError, UserError, type Problem } from '../errors.ts';
import { appendEvent, readHead, toAuditEvent, verifyChain, type AuditEvent, type ChainReport, type EventRow } from './audit.ts';
import { ensurePrivateDir, isTooOpen, FILE_MODE } from './fs-safe.ts';
import {
  COMPLAINT_INFORMATION,
  DEFAULT_CASE_RETENTION_MONTHS,
  OPEN_STATUSES,
  deadlineFor,
  extensionProblems,
  formatCaseId,
  isLate,
  isOverdue,
  retainUntil,
  retentionPassed,
  type CaseStatus,
  type Channel,
  type Outcome,
  type RefusalGround,
  type RequestType,
  type VerificationMethod,
} from './rules.ts';
import { migrate } from './schema.ts';

type Db = BetterSqlite3.Database;

/**
 * better-sqlite3 compiles the SQL again on every prepare(), and a batch of a
 * thousand requests runs the same few statements thousands of times (issue
 * #7: a second of a 1,000-request batch went to compiling). Statements are
 * kept per SQL text; the texts are a fixed, small set. No caller keeps an
 * iterate() open while running the same SQL again, which a shared statement
 * would refuse.
 */
function keepPrepared(db: Db): void {
  const compile = db.prepare.bind(db);
  const kept = new Map<string, BetterSqlite3.Statement>();
  db.prepare = ((sql: string) => {
    let st = kept.get(sql);
    if (st === undefined) {
      st = compile(sql);
      kept.set(sql, st);
    }
    return st;
  }) as Db['prepare'];
}

export const DB_FILE_NAME = 'cases.db';
/** How long a writer waits for another process's transaction before giving up (ms). */
export const BUSY_TIMEOUT_MS = 15_000;

/** Who acts and when: given by the CLI (the only place that reads the clock). */
export interface ActionContext {
  actor: string;
  /** ISO 8601 instant, e.g. `2026-01-31T09:12:00.000Z`. */
  at: string;
}

export interface IdentifierInput {
  kind: string;
  value: string;
  canonical: string;
}

export interface AttachmentView {
  id: number;
  kind: string;
  path: string;
  sha256: string;
  size: number;
  copied: boolean;
  addedAt: string;
}

export interface ManifestView {
  id: number;
  reason: string;
  path: string | null;
  sha256: string;
  createdAt: string;
  purged: boolean;
}

export interface OpenCaseInput {
  types: RequestType[];
  receivedDate: string;
  channel?: Channel | undefined;
  identifiers: IdentifierInput[];
  configFile?: string | undefined;
  reference?: string | undefined;
}

export interface CaseView {
  id: string;
  types: RequestType[];
  status: CaseStatus;
  receivedDate: string;
  channel: Channel | null;
  nominalDate: string;
  dueDate: string;
  /** DL-1 + DL-2: the first deadline; an extension (DL-3) or an Art. 12(4) refusal is due by it. */
  oneMonthDueDate: string;
  se1930DueDate: string;
  extensionNoticeDue: string;
  extended: boolean;
  extension: { decidedOn: string; noticeDate: string; reason?: string } | null;
  identity: { method: VerificationMethod; by: string; on: string } | null;
  outcome: {
    type: Outcome;
    on: string;
    /** Done after the due date that applied (Art. 12(3); for refusals and partial refusals the one-month date, Art. 12(4), ER-4). */
    late: boolean;
    grounds?: RefusalGround[];
    reason?: string;
    complaintInformation?: typeof COMPLAINT_INFORMATION;
    /** An answer to a request the case's plans refuse in part (ER-4): it carried the complaint information. */
    partialRefusal?: true;
  } | null;
  closedOn: string | null;
  retentionMonths: number | null;
  retainUntil: string | null;
  purgedOn: string | null;
  configFile: string | null;
  createdAt: string;
  updatedAt: string;
  events: number;
  attachments: AttachmentView[];
  manifests: ManifestView[];
  /** Only when asked for (`show`, `open`): the subject's identifiers, from the subject table. */
  subject?: { identifiers: { id: number; kind: string; value: string }[] };
}

interface CaseRow {
  id: string;
  year: number;
  number: number;
  received_date: string;
  channel: Channel | null;
  nominal_date: string;
  due_date: string;
  one_month_due_date: string;
  se1930_due_date: string;
  extended: number;
  extension_decided_on: string | null;
  extension_notice_date: string | null;
  status: CaseStatus;
  verification_method: VerificationMethod | null;
  verified_by: string | null;
  verified_on: string | null;
  outcome: Outcome | null;
  outcome_on: string | null;
  refusal_grounds: string | null;
  closed_on: string | null;
  retention_months: number | null;
  retain_until: string | null;
  purged_on: string | null;
  config_file: string | null;
  created_at: string;
  updated_at: string;
}

/** The case columns an event may set (payload `set`); `verify` replays them against the row. */
const REPLAYED_COLUMNS = [
  'received_date',
  'channel',
  'nominal_date',
  'due_date',
  'one_month_due_date',
  'se1930_due_date',
  'extended',
  'extension_decided_on',
  'extension_notice_date',
  'status',
  'verification_method',
  'verified_by',
  'verified_on',
  'outcome',
  'outcome_on',
  'refusal_grounds',
  'closed_on',
  'retention_months',
  'retain_until',
  'purged_on',
] as const satisfies readonly (keyof CaseRow)[];
type ReplayedColumn = (typeof REPLAYED_COLUMNS)[number];
type CaseSet = Partial<Record<ReplayedColumn, string | number | null>>;

/** Event types the store writes itself; `logEvent` may not fake them. */
export const STORE_EVENT_TYPES = [
  'case-opened',
  'identity-verified',
  'extended',
  'status-changed',
  'attachment-added',
  'note-added',
  'answered',
  'refused',
  'closed',
  'manifest-written',
  'purged',
] as const;

export interface CaseProblem extends Problem {
  caseId?: string;
  seq?: number;
}

/** The schema migrated and the statements prepared, with foreign keys enforced: for the file and for an empty store in memory. */
function ready(db: Db, now: string): void {
  db.pragma('foreign_keys = ON');
  migrate(db, now);
  keepPrepared(db);
}

function notFound(id: string): UsageError {
  return new UsageError(`no case ${id}`, [{ code: 'case.not-found', message: `there is no case ${id} in this case register` }], 'Run `ojco-dsar case list` to see the cases, or check --home.');
}

function refused(message: string, problems: Problem[]): UsageError {
  return new UsageError(message, problems);
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

export class CaseStore {
  readonly db: Db;
  readonly home: string;
  readonly file: string;
  /** Things the caller may want to tell the user (e.g. a home folder others can read). */
  readonly warnings: string[];
  /** Opened with `ifExists` where no database was: an empty store in memory, nothing on disk. */
  missing = false;

  private constructor(db: Db, home: string, file: string, warnings: string[]) {
    this.db = db;
    this.home = home;
    this.file = file;
    this.warnings = warnings;
  }

  /**
   * Opens (creating if needed) `<home>/cases.db`. The folder is made 0700 and
   * the file 0600 (SQLite gives the -wal and -shm files the database file's
   * mode). `now` is the ISO instant recorded for applied migrations.
   * With `ifExists`, a home that holds no case database yet is not created:
   * an empty store in memory answers instead (`missing`), so that a command
   * that only reads (case list, ledger list, sweep --dry-run) leaves no
   * database behind a mistyped --home.
   */
  static open(home: string, opts: { now: string; ifExists?: boolean }): CaseStore {
    if (existsSync(home) && !statSync(home).isDirectory()) {
      throw new UsageError(`the home ${home} is not a folder`, [{ code: 'store.unavailable', message: `${home} is a file: the case register lives in a folder (<home>/cases.db)`, file: home }]);
    }
    if (opts.ifExists && !existsSync(path.join(home, DB_FILE_NAME))) {
      const db = new Database(':memory:');
      ready(db, opts.now);
      const store = new CaseStore(db, home, path.join(home, DB_FILE_NAME), []);
      store.missing = true;
      return store;
    }
    const warnings: string[] = [];
    const created = ensurePrivateDir(home);
    if (!created && isTooOpen(home)) warnings.push(`the case folder ${home} can be read by other users; consider chmod 700`);
    const file = path.join(home, DB_FILE_NAME);
    if (!existsSync(file)) {
      try {
        closeSync(openSync(file, 'wx', FILE_MODE));
        chmodSync(file, FILE_MODE);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    } else if (isTooOpen(file)) {
      warnings.push(`the case database ${file} can be read by other users; consider chmod 600`);
    }
    let db: Db;
    try {
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      db.pragma('journal_mode = WAL');
      // FULL in WAL mode: a committed audit event survives a power cut too.
      db.pragma('synchronous = FULL');
      // A purge or a deleted row must not leave the person's data readable in the file's free space.
      db.pragma('secure_delete = ON');
      ready(db, opts.now);
    } catch (e) {
      if (e instanceof UserError) throw e;
      if (isBusy(e)) throw busyError();
      const code = (e as { code?: string }).code ?? '';
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new UsageError(`${file} is not a readable case database`, [{ code: 'store.unreadable', message: `SQLite says ${code}`, file }]);
      }
      throw e;
    }
    return new CaseStore(db, home, file, warnings);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in an IMMEDIATE transaction: it takes the write lock first, so reads inside see the latest state. */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      if (isBusy(e)) throw busyError();
      throw e;
    }
  }

  /** A consistent snapshot for reading several tables. */
  read<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (e) {
      if (isBusy(e)) throw busyError();
      throw e;
    }
  }

  caseFolder(id: string): string {
    return path.join(this.home, 'cases', id);
  }

  // ---------------------------------------------------------------- reading

  private row(id: string): CaseRow {
    const r = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
    if (!r) throw notFound(id);
    return r;
  }

  private text(caseId: string, id: number): string | undefined {
    return (this.db.prepare('SELECT text FROM case_texts WHERE id = ? AND case_id = ?').get(id, caseId) as { text: string } | undefined)?.text;
  }

  private eventsOf(caseId: string): AuditEvent[] {
    return (this.db.prepare('SELECT * FROM events WHERE case_id = ? ORDER BY seq').all(caseId) as EventRow[]).map(toAuditEvent);
  }

  private view(r: CaseRow, withSubject: boolean): CaseView {
    const types = (this.db.prepare('SELECT type FROM case_types WHERE case_id = ? ORDER BY type').all(r.id) as { type: RequestType }[]).map((t) => t.type);
    const events = this.eventsOf(r.id);
    const textOf = (type: string, key: string): string | undefined => {
      const e = [...events].reverse().find((ev) => ev.type === type);
      const ref = parseRef((e?.payload as Record<string, unknown> | undefined)?.[key]);
      return ref?.table === 'text' ? this.text(r.id, ref.id) : undefined;
    };
    let outcome: CaseView['outcome'] = null;
    if (r.outcome && r.outcome_on) {
      outcome = { type: r.outcome, on: r.outcome_on, late: r.outcome === 'refused' ? isLate(r.outcome_on, r.one_month_due_date) : r.outcome === 'answered' ? isLate(r.outcome_on, r.due_date) : false };
      if (r.outcome === 'refused') {
        outcome.grounds = JSON.parse(r.refusal_grounds ?? '[]') as RefusalGround[];
        const reason = textOf('refused', 'reason');
        if (reason !== undefined) outcome.reason = reason;
        outcome.complaintInformation = COMPLAINT_INFORMATION;
      } else if (r.outcome === 'answered') {
        // ER-4: the answer refused part of the request, and said so (recorded when it was answered).
        const answered = [...events].reverse().find((ev) => ev.type === 'answered')?.payload as { partialRefusal?: unknown } | undefined;
        if (answered?.partialRefusal) {
          outcome.partialRefusal = true;
          outcome.complaintInformation = COMPLAINT_INFORMATION;
          // ER-4, Art. 12(4): the reasons for the part not acted on are due by the one-month date, extension or not.
          if (isLate(r.outcome_on, r.one_month_due_date)) outcome.late = true;
        }
      }
    }
    const extension: CaseView['extension'] = r.extended && r.extension_decided_on && r.extension_notice_date ? { decidedOn: r.extension_decided_on, noticeDate: r.extension_notice_date } : null;
    if (extension) {
      const reason = textOf('extended', 'reason');
      if (reason !== undefined) extension.reason = reason;
    }
    const v: CaseView = {
      id: r.id,
      types,
      status: r.status,
      receivedDate: r.received_date,
      channel: r.channel,
      nominalDate: r.nominal_date,
      dueDate: r.due_date,
      oneMonthDueDate: r.one_month_due_date,
      se1930DueDate: r.se1930_due_date,
      extensionNoticeDue: r.one_month_due_date,
      extended: r.extended === 1,
      extension,
      identity: r.verification_method && r.verified_by && r.verified_on ? { method: r.verification_method, by: r.verified_by, on: r.verified_on } : null,
      outcome,
      closedOn: r.closed_on,
      retentionMonths: r.retention_months,
      retainUntil: r.retain_until,
      purgedOn: r.purged_on,
      configFile: r.config_file,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      events: events.length,
      attachments: this.attachmentsOf(r.id),
      manifests: (this.db.prepare('SELECT * FROM manifests WHERE case_id = ? ORDER BY id').all(r.id) as { id: number; reason: string; path: string | null; sha256: string; created_at: string; purged: number }[]).map((m) => ({
        id: m.id,
        reason: m.reason,
        path: m.path,
        sha256: m.sha256,
        createdAt: m.created_at,
        purged: m.purged === 1,
      })),
    };
    if (withSubject) {
      v.subject = { identifiers: this.db.prepare('SELECT id, kind, value FROM subject_identifiers WHERE case_id = ? ORDER BY id').all(r.id) as { id: number; kind: string; value: string }[] };
    }
    return v;
  }

  attachmentsOf(caseId: string): AttachmentView[] {
    return (this.db.prepare('SELECT * FROM attachments WHERE case_id = ? ORDER BY id').all(caseId) as { id: number; kind: string; path: string; sha256: string; size: number; copied: number; added_at: string }[]).map((a) => ({
      id: a.id,
      kind: a.kind,
      path: a.path,
      sha256: a.sha256,
      size: a.size,
      copied: a.copied === 1,
      addedAt: a.added_at,
    }));
  }

  getCase(id: string, opts: { withSubject?: boolean } = {}): CaseView {
    return this.read(() => this.view(this.row(id), opts.withSubject ?? false));
  }

  hasCase(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM cases WHERE id = ?').get(id) !== undefined;
  }

  /** Cases by due date (purged tombstones only when asked for). */
  listCases(opts: { includePurged?: boolean } = {}): CaseView[] {
    return this.read(() => {
      const rows = this.db.prepare(`SELECT * FROM cases ${opts.includePurged ? '' : 'WHERE purged_on IS NULL'} ORDER BY due_date, id`).all() as CaseRow[];
      return rows.map((r) => this.view(r, false));
    });
  }

  /** The subject's identifiers, for re-running a search (`find --case`, `export --case`). */
  subjectIdentifiers(id: string): IdentifierInput[] {
    return this.read(() => {
      this.row(id);
      return this.db.prepare('SELECT kind, value, canonical FROM subject_identifiers WHERE case_id = ? ORDER BY id').all(id) as IdentifierInput[];
    });
  }

  events(caseId?: string): AuditEvent[] {
    return this.read(() => {
      if (caseId === undefined) return (this.db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[]).map(toAuditEvent);
      this.row(caseId);
      return this.eventsOf(caseId);
    });
  }

  /** The stored hash of event `seq`, if it exists. */
  eventHash(seq: number): string | undefined {
    return (this.db.prepare('SELECT hash FROM events WHERE seq = ?').get(seq) as { hash: string } | undefined)?.hash;
  }

  chainHead(): { seq: number; hash: string } | undefined {
    return readHead(this.db);
  }

  // ---------------------------------------------------------------- writing helpers

  private key(caseId: string): Buffer {
    const r = this.db.prepare('SELECT key FROM case_keys WHERE case_id = ?').get(caseId) as { key: Buffer } | undefined;
    if (!r) throw new Error(`case ${caseId} has no key (purged?)`);
    return r.key;
  }

  private mac(caseId: string, material: string): string {
    return createHmac('sha256', this.key(caseId)).update(material).digest('hex');
  }

  private addText(caseId: string, purpose: string, text: string): Ref {
    const { lastInsertRowid } = this.db.prepare('INSERT INTO case_texts (case_id, purpose, text) VALUES (?, ?, ?)').run(caseId, purpose, text);
    const id = Number(lastInsertRowid);
    return { $ref: `text:${id}`, mac: this.mac(caseId, textMaterial(purpose, text)) };
  }

  private update(caseId: string, set: CaseSet, at: string): void {
    const cols = Object.keys(set) as ReplayedColumn[];
    if (cols.length === 0) return;
    this.db.prepare(`UPDATE cases SET ${cols.map((c) => `${c} = @${c}`).join(', ')}, updated_at = @updated_at WHERE id = @id`).run({ ...set, updated_at: at, id: caseId });
  }

  private event(caseId: string, type: string, payload: Record<string, unknown>, ctx: ActionContext): AuditEvent {
    this.assertNoIdentifierValues(caseId, payload);
    return appendEvent(this.db, { caseId, at: ctx.at, actor: ctx.actor, type, payload });
  }

  /**
   * A last guard for "no personal data in the audit trail": a payload string
   * equal to one of the case's identifiers is a programming error.
   */
  private assertNoIdentifierValues(caseId: string, payload: Record<string, unknown>): void {
    const ids = this.db.prepare('SELECT value, canonical FROM subject_identifiers WHERE case_id = ?').all(caseId) as { value: string; canonical: string }[];
    if (ids.length === 0) return;
    const forbidden = new Set(ids.flatMap((i) => [i.value.trim().toLowerCase(), i.canonical.trim().toLowerCase()]).filter((s) => s.length > 0));
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        if (forbidden.has(v.trim().toLowerCase())) throw new Error('an audit event payload must not contain a subject identifier; reference it by id');
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(payload);
  }

  private openRow(id: string, action: string): CaseRow {
    const r = this.row(id);
    if (r.purged_on) throw refused(`case ${id} was purged`, [{ code: 'case.purged', message: `case ${id} was purged on ${r.purged_on}; it cannot be ${action}` }]);
    return r;
  }

  private requireOpen(r: CaseRow, action: string): void {
    if (!OPEN_STATUSES.has(r.status)) {
      throw refused(`case ${r.id} is ${r.status}`, [{ code: 'case.not-open', message: `case ${r.id} is ${r.status}; only an open case (received, verified, in-progress) can be ${action}` }]);
    }
  }

  private requireNotBefore(r: CaseRow, date: string, what: string, after: { date: string | null; name: string }[] = []): void {
    const problems: Problem[] = [];
    if (compareDates(toCivilDate(date), toCivilDate(r.received_date)) < 0) {
      problems.push({ code: 'case.date-before-receipt', message: `${what} ${date} is before the request was received (${r.received_date})` });
    }
    for (const a of after) {
      if (a.date && compareDates(toCivilDate(date), toCivilDate(a.date)) < 0) problems.push({ code: 'case.date-order', message: `${what} ${date} is before ${a.name} (${a.date})` });
    }
    if (problems.length) throw refused(`case ${r.id}: ${what} is out of order`, problems);
  }

  // ---------------------------------------------------------------- commands

  /** Opens a case: allocates `DSAR-<year of receipt>-NNNN` under the write lock, so two processes never get the same id. */
  /** The case a batch request opened earlier (migration 3), if any. */
  caseByReference(reference: string): string | undefined {
    return (this.db.prepare('SELECT case_id FROM case_references WHERE reference = ?').get(reference) as { case_id: string } | undefined)?.case_id;
  }

  /** The references each case is known by (`case open --reference`, a batch's request ids), in the order given. */
  referencesByCase(): Map<string, string[]> {
    return this.read(() => {
      const out = new Map<string, string[]>();
      for (const r of this.db.prepare('SELECT reference, case_id FROM case_references ORDER BY rowid').all() as { reference: string; case_id: string }[]) {
        out.set(r.case_id, [...(out.get(r.case_id) ?? []), r.reference]);
      }
      return out;
    });
  }

  /**
   * Opens a case. With a `reference` (a batch request's id, or `case open
   * --reference`) that already names a case, that case is returned instead,
   * checked inside the same write transaction, so a command run again after
   * a kill never opens a second.
   */
  openCase(input: OpenCaseInput, ctx: ActionContext): CaseView {
    return this.openOrFindCase(input, ctx).view;
  }

  /** openCase, and whether its reference already named the case (`existing`), as the write transaction found it. */
  openOrFindCase(input: OpenCaseInput, ctx: ActionContext): { view: CaseView; existing: boolean } {
    const d = deadlineFor(input.receivedDate, false);
    const types = [...new Set(input.types)].sort();
    if (types.length === 0) throw new UsageError('no request type', [{ code: 'usage.no-type', message: 'give at least one --type' }]);
    const year = toCivilDate(input.receivedDate).year;
    let existing = false;
    const id = this.write(() => {
      if (input.reference !== undefined) {
        const found = this.caseByReference(input.reference);
        if (found) {
          existing = true;
          return found;
        }
      }
      const seqRow = this.db.prepare('SELECT last FROM case_sequences WHERE year = ?').get(year) as { last: number } | undefined;
      const maxRow = this.db.prepare('SELECT MAX(number) AS n FROM cases WHERE year = ?').get(year) as { n: number | null };
      const n = Math.max(seqRow?.last ?? 0, maxRow.n ?? 0) + 1;
      this.db.prepare('INSERT INTO case_sequences (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last').run(year, n);
      const id = formatCaseId(year, n);
      const set: CaseSet = {
        received_date: d.receivedDate,
        channel: input.channel ?? null,
        nominal_date: d.nominalDate,
        due_date: d.dueDate,
        one_month_due_date: d.oneMonthDueDate,
        se1930_due_date: d.se1930DueDate,
        extended: 0,
        status: 'received',
      };
      this.db
        .prepare(
          `INSERT INTO cases (id, year, number, received_date, channel, nominal_date, due_date, one_month_due_date, se1930_due_date, extended, status, config_file, created_at, updated_at)
           VALUES (@id, @year, @number, @received_date, @channel, @nominal_date, @due_date, @one_month_due_date, @se1930_due_date, @extended, @status, @config_file, @at, @at)`,
        )
        .run({ ...set, id, year, number: n, config_file: input.configFile ?? null, at: ctx.at });
      for (const t of types) this.db.prepare('INSERT INTO case_types (case_id, type) VALUES (?, ?)').run(id, t);
      this.db.prepare('INSERT INTO case_keys (case_id, key) VALUES (?, ?)').run(id, randomBytes(32));
      const seen = new Set<string>();
      const refs: { kind: string; ref: Ref }[] = [];
      for (const i of input.identifiers) {
        const k = `${i.kind}\u0000${i.canonical}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const { lastInsertRowid } = this.db.prepare('INSERT INTO subject_identifiers (case_id, kind, value, canonical) VALUES (?, ?, ?, ?)').run(id, i.kind, i.value, i.canonical);
        refs.push({ kind: i.kind, ref: { $ref: `identifier:${Number(lastInsertRowid)}`, mac: this.mac(id, identifierMaterial(i)) } });
      }
      if (input.reference !== undefined) this.db.prepare('INSERT INTO case_references (reference, case_id) VALUES (?, ?)').run(input.reference, id);
      this.event(
        id,
        'case-opened',
        { set, types, identifiers: refs.map((r) => ({ kind: r.kind, ...r.ref })), rule: d.rule, ...(input.reference !== undefined ? { reference: input.reference } : {}) },
        ctx,
      );
      return id;
    });
    return { view: this.getCase(id, { withSubject: true }), existing };
  }

  /** DL-3: one extension, with reasons, decided and notified by the one-month due date. Refusals are exit 2. */
  extend(id: string, input: { reason: string; asOf: string; noticeDate?: string | undefined }, ctx: ActionContext): CaseView {
    this.write(() => {
      const r = this.openRow(id, 'extended');
      const noticeDate = input.noticeDate ?? input.asOf;
      const problems = extensionProblems({
        status: r.status,
        extended: r.extended === 1,
        receivedDate: r.received_date,
        oneMonthDueDate: r.one_month_due_date,
        asOf: input.asOf,
        noticeDate,
        reason: input.reason,
      });
      if (problems.length > 0) throw refused(`case ${id} cannot be extended`, problems);
      const d = deadlineFor(r.received_date, true);
      const set: CaseSet = {
        extended: 1,
        extension_decided_on: input.asOf,
        extension_notice_date: noticeDate,
        nominal_date: d.nominalDate,
        due_date: d.dueDate,
        se1930_due_date: d.se1930DueDate,
      };
      this.update(id, set, ctx.at);
      const reason = this.addText(id, 'extension-reason', input.reason.trim());
      this.event(id, 'extended', { set, previousDueDate: r.due_date, reason, rule: d.rule }, ctx);
    });
    return this.getCase(id);
  }

  /** AC-10 / Art. 12(6): how the identity was verified, by whom and when. */
  verifyIdentity(id: string, input: { method: VerificationMethod; by: string; on: string; note?: string | undefined }, ctx: ActionContext): CaseView {
    this.write(() => {
      const r = this.openRow(id, 'verified');
      this.requireOpen(r, 'verified');
      this.requireNotBefore(r, input.on, 'the verification date');
      const set: CaseSet = { verification_method: input.method, verified_by: input.by, verified_on: input.on };
      // The same verification again (a command run twice, or again after a crash) records nothing new.
      const note = input.note?.trim();
      if (r.verification_method === input.method && r.verified_by === input.by && r.verified_on === input.on) {
        const last = this.eventsOf(id).filter((e) => e.type === 'identity-verified').pop();
        const ref = parseRef((last?.payload as Record<string, unknown> | undefined)?.note);
        const stored = ref?.table === 'text' ? this.text(id, ref.id) : undefined;
        if (last && stored === (note || undefined)) return;
      }
      if (r.status === 'received') set.status = 'verified';
      this.update(id, set, ctx.at);
      const payload: Record<string, unknown> = { set };
      if (note) payload.note = this.addText(id, 'verification-note', note);
      this.event(id, 'identity-verified', payload, ctx);
    });
    return this.getCase(id);
  }

  /**
   * The config an output for the case was made with, kept when the case has
   * none (opened without one): `case answer` and `close` then hash its input
   * files for the evidence manifest. A config the case already names stays.
   * The event says which file, as `case-opened` does not.
   */
  rememberConfig(id: string, configFile: string, ctx: ActionContext): boolean {
    return this.write(() => {
      const r = this.openRow(id, 'given a config');
      if (r.config_file !== null || r.status === 'closed') return false;
      this.db.prepare('UPDATE cases SET config_file = ?, updated_at = ? WHERE id = ?').run(configFile, ctx.at, id);
      this.event(id, 'config-remembered', { configFile }, ctx);
      return true;
    });
  }

  /** received/verified → in-progress. */
  start(id: string, ctx: ActionContext): CaseView {
    this.write(() => {
      const r = this.openRow(id, 'started');
      this.requireOpen(r, 'started');
      if (r.status === 'in-progress') return;
      const set: CaseSet = { status: 'in-progress' };
      this.update(id, set, ctx.at);
      this.event(id, 'status-changed', { set, from: r.status }, ctx);
    });
    return this.getCase(id);
  }

  note(id: string, text: string, ctx: ActionContext): AuditEvent {
    if (!text.trim()) throw new UsageError('empty note', [{ code: 'usage.note', message: 'the note is empty' }]);
    return this.write(() => {
      this.openRow(id, 'noted');
      return this.event(id, 'note-added', { note: this.addText(id, 'note', text.trim()) }, ctx);
    });
  }

  /**
   * Links an output (extract, plan, reply letter, ...) with its sha256. The
   * caller hashes the file first (outside the lock). Not after closing: the
   * closing manifest is the final list.
   */
  attach(id: string, input: { kind: string; path: string; sha256: string; size: number; copied?: boolean }, ctx: ActionContext): AttachmentView {
    return this.write(() => {
      const r = this.openRow(id, 'attached to');
      if (r.status === 'closed') throw refused(`case ${id} is closed`, [{ code: 'case.closed', message: `case ${id} is closed; its evidence manifest is final` }]);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO attachments (case_id, kind, path, sha256, size, copied, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, input.kind, input.path, input.sha256, input.size, input.copied ? 1 : 0, ctx.at);
      const aid = Number(lastInsertRowid);
      this.event(
        id,
        'attachment-added',
        { attachment: { $ref: `attachment:${aid}`, mac: this.mac(id, attachmentMaterial({ kind: input.kind, path: input.path, sha256: input.sha256, size: input.size })) }, kind: input.kind, sha256: input.sha256, size: input.size, copied: !!input.copied },
        ctx,
      );
      return this.attachmentsOf(id).find((a) => a.id === aid)!;
    });
  }

  /**
   * An event from another command (`export --case`, `erase --case`, ...).
   * The payload must hold no personal values: ids, codes, counts, dates and
   * hashes only (checked against the case's identifiers).
   */
  logEvent(id: string, type: string, payload: Record<string, unknown>, ctx: ActionContext): AuditEvent {
    if (!/^[a-z][a-z0-9-]{1,48}$/u.test(type) || (STORE_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new Error(`logEvent: "${type}" is not an allowed event type`);
    }
    return this.write(() => {
      this.openRow(id, 'logged');
      return this.event(id, type, payload, ctx);
    });
  }

  /**
   * The reply was sent (Art. 12(3)). Late when after the due date in force.
   * When the case's plans refuse part of the request (ER-4: an erasure that
   * retains records, actions left out at the review), the answer is a
   * partial refusal under Art. 12(4): the event records which plans, and
   * that the reply carried the complaint information, as a refusal does;
   * it is late after the one-month date, as a refusal is, extension or not.
   */
  answer(id: string, input: { on: string }, ctx: ActionContext): CaseView {
    this.write(() => {
      const r = this.openRow(id, 'answered');
      this.requireOpen(r, 'answered');
      this.requireNotBefore(r, input.on, 'the answer date', [{ date: r.verified_on, name: 'the identity verification' }]);
      const set: CaseSet = { status: 'answered', outcome: 'answered', outcome_on: input.on };
      this.update(id, set, ctx.at);
      const partial = this.partialRefusals(id);
      // ER-4, Art. 12(4): a partial refusal's reasons are due by the one-month
      // date even when the deadline was extended (DL-3 extends only the answer).
      const refusalLate = partial.length > 0 && isLate(input.on, r.one_month_due_date);
      this.event(
        id,
        'answered',
        {
          set,
          dueDate: r.due_date,
          late: isLate(input.on, r.due_date) || refusalLate,
          identityVerified: r.verification_method !== null,
          ...(partial.length > 0 ? { partialRefusal: { plans: partial }, refusalNoticeDue: r.one_month_due_date, complaintInformation: COMPLAINT_INFORMATION } : {}),
        },
        ctx,
      );
    });
    return this.getCase(id);
  }

  /**
   * ER-4: the latest plan of each kind written for the case (its
   * plan-written events: kind, hash, counts) that refuses part of the
   * request. No personal values: hashes and counts.
   */
  partialRefusals(id: string): { plan: string; planHash: string; retained: number; deselected: number }[] {
    const latest = new Map<string, { plan: string; planHash: string; retained: number; deselected: number }>();
    for (const e of this.eventsOf(id)) {
      if (e.type !== 'plan-written') continue;
      const p = e.payload as { plan?: unknown; planHash?: unknown; actions?: Record<string, unknown>; deselected?: unknown };
      if (typeof p.plan !== 'string' || typeof p.planHash !== 'string') continue;
      const retained = typeof p.actions?.retain === 'number' ? p.actions.retain : 0;
      latest.set(p.plan, { plan: p.plan, planHash: p.planHash, retained, deselected: typeof p.deselected === 'number' ? p.deselected : 0 });
    }
    return [...latest.values()].filter((x) => isPartialRefusal(x.plan, x.retained, x.deselected)).sort((a, b) => (a.plan < b.plan ? -1 : a.plan > b.plan ? 1 : 0));
  }

  /**
   * Art. 12(4): not acting on the request, with reasons and the complaint
   * information (IMY and court), due by the one-month date.
   */
  refuse(id: string, input: { on: string; grounds: RefusalGround[]; reason: string }, ctx: ActionContext): CaseView {
    const problems: Problem[] = [];
    if (input.grounds.length === 0) problems.push({ code: 'usage.refusal-ground', message: 'give at least one --ground (Art. 12(4) reasons)' });
    if (!input.reason.trim()) problems.push({ code: 'usage.refusal-reason', message: 'give the reasons in words with --reason (Art. 12(4))' });
    if (problems.length) throw new UsageError('the refusal needs its reasons', problems);
    this.write(() => {
      const r = this.openRow(id, 'refused');
      this.requireOpen(r, 'refused');
      this.requireNotBefore(r, input.on, 'the refusal date');
      const grounds = [...new Set(input.grounds)].sort();
      const set: CaseSet = { status: 'refused', outcome: 'refused', outcome_on: input.on, refusal_grounds: JSON.stringify(grounds) };
      this.update(id, set, ctx.at);
      const reason = this.addText(id, 'refusal-reason', input.reason.trim());
      this.event(id, 'refused', { set, reason, noticeDue: r.one_month_due_date, late: isLate(input.on, r.one_month_due_date), complaintInformation: COMPLAINT_INFORMATION }, ctx);
    });
    return this.getCase(id);
  }

  /**
   * Closes an answered or refused case (or a withdrawn one) and fixes its own
   * retention end: `closedOn + retentionMonths` (default 36, see rules.ts).
   */
  closeCase(id: string, input: { on: string; withdrawn?: boolean; retentionMonths?: number | undefined }, ctx: ActionContext): CaseView {
    this.write(() => {
      const r = this.openRow(id, 'closed');
      if (r.status === 'closed') throw refused(`case ${id} is already closed`, [{ code: 'case.closed', message: `case ${id} was closed on ${r.closed_on}` }]);
      const set: CaseSet = {};
      if (input.withdrawn) {
        this.requireOpen(r, 'closed as withdrawn');
        set.outcome = 'withdrawn';
        set.outcome_on = input.on;
      } else if (r.status !== 'answered' && r.status !== 'refused') {
        throw refused(`case ${id} is ${r.status}`, [
          { code: 'case.not-answered', message: `case ${id} has not been answered or refused; run \`case answer\` or \`case refuse\` first, or close it with --withdrawn if the subject withdrew the request` },
        ]);
      }
      this.requireNotBefore(r, input.on, 'the closing date', [{ date: r.outcome_on, name: 'the outcome' }]);
      const months = input.retentionMonths ?? DEFAULT_CASE_RETENTION_MONTHS;
      Object.assign(set, { status: 'closed', closed_on: input.on, retention_months: months, retain_until: retainUntil(input.on, months) } satisfies CaseSet);
      this.update(id, set, ctx.at);
      this.event(id, 'closed', { set, from: r.status }, ctx);
    });
    return this.getCase(id);
  }

  /** Records an evidence manifest written to disk (its sha256 is the anchor `verify` checks it against). */
  recordManifest(id: string, input: { reason: string; path: string; sha256: string }, ctx: ActionContext): AuditEvent {
    return this.write(() => {
      this.openRow(id, 'given a manifest');
      const { lastInsertRowid } = this.db.prepare('INSERT INTO manifests (case_id, reason, path, sha256, created_at) VALUES (?, ?, ?, ?, ?)').run(id, input.reason, input.path, input.sha256, ctx.at);
      return this.event(id, 'manifest-written', { manifest: Number(lastInsertRowid), reason: input.reason, sha256: input.sha256, file: path.basename(input.path) }, ctx);
    });
  }

  /** Closed cases whose own retention has passed on `asOf`. */
  purgeCandidates(asOf: string): CaseView[] {
    return this.listCases().filter((c) => c.status === 'closed' && c.retainUntil !== null && retentionPassed(c.retainUntil, asOf));
  }

  /**
   * Removes a case's personal data once its retention has passed: subject
   * identifiers, free texts, attachment records, the HMAC key and the case
   * folder (manifests, copied files). The case row stays as a tombstone, the
   * events stay untouched (so the chain still verifies) and a `purged` event
   * is appended. Files attached in place outside the case folder are not
   * touched; their number is returned so the officer can delete them.
   */
  purge(id: string, input: { asOf: string }, ctx: ActionContext): { id: string; removed: { identifiers: number; texts: number; attachments: number; manifests: number }; externalFiles: number } {
    const result = this.write(() => {
      const r = this.openRow(id, 'purged again');
      if (r.status !== 'closed' || !r.retain_until) throw refused(`case ${id} is ${r.status}`, [{ code: 'case.not-closed', message: `case ${id} is not closed; only closed cases are purged` }]);
      if (!retentionPassed(r.retain_until, input.asOf)) {
        throw refused(`case ${id} is still within its retention`, [{ code: 'case.retention', message: `case ${id} is kept until ${r.retain_until}` }]);
      }
      const externalFiles = (this.db.prepare('SELECT COUNT(*) AS n FROM attachments WHERE case_id = ? AND copied = 0').get(id) as { n: number }).n;
      const removed = {
        identifiers: this.db.prepare('DELETE FROM subject_identifiers WHERE case_id = ?').run(id).changes,
        texts: this.db.prepare('DELETE FROM case_texts WHERE case_id = ?').run(id).changes,
        attachments: this.db.prepare('DELETE FROM attachments WHERE case_id = ?').run(id).changes,
        manifests: this.db.prepare('UPDATE manifests SET path = NULL, purged = 1 WHERE case_id = ? AND purged = 0').run(id).changes,
      };
      this.db.prepare('DELETE FROM case_keys WHERE case_id = ?').run(id);
      const set: CaseSet = { purged_on: input.asOf };
      this.update(id, set, ctx.at);
      this.event(id, 'purged', { set, retainUntil: r.retain_until, removed, externalFilesLeft: externalFiles }, ctx);
      return { id, removed, externalFiles };
    });
    rmSync(this.caseFolder(id), { recursive: true, force: true });
    // The rows' earlier versions are still in the write-ahead log: copy it into the file (whose freed
    // cells secure_delete zeroed) and empty it, so that the purged data is nowhere on disk.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result;
  }

  /**
   * The folders of purged cases that are still on disk: purge commits first
   * and removes the folder after, so a process killed in between leaves it.
   * Removes them (the purge is in the audit trail already) and returns the
   * case ids.
   */
  finishPurges(): string[] {
    const ids = (this.db.prepare('SELECT id FROM cases WHERE purged_on IS NOT NULL ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    const done: string[] = [];
    for (const id of ids) {
      if (!existsSync(this.caseFolder(id))) continue;
      rmSync(this.caseFolder(id), { recursive: true, force: true });
      done.push(id);
    }
    return done;
  }

  // ---------------------------------------------------------------- checking

  verifyChain(): ChainReport {
    return this.read(() => verifyChain(this.db));
  }

  /**
   * Checks the case rows and the subject tables against the audit trail:
   * every column an event set must still hold that value; every referenced
   * identifier, text and attachment must exist with the HMAC recorded; no
   * such row may exist that no event recorded. Problems name the case, the
   * table row id and the event, never a value.
   */
  verifyRecords(caseId?: string): CaseProblem[] {
    return this.read(() => {
      const problems: CaseProblem[] = [];
      const rows = (caseId ? [this.row(caseId)] : (this.db.prepare('SELECT * FROM cases ORDER BY id').all() as CaseRow[]));
      for (const r of rows) {
        const events = this.eventsOf(r.id);
        const replay: CaseSet = {};
        const setBy = new Map<ReplayedColumn, number>();
        const refs = new Map<string, { mac: string; seq: number }>();
        const types = new Set<string>();
        for (const e of events) {
          const set = (e.payload as { set?: CaseSet }).set;
          if (set && typeof set === 'object') {
            for (const [k, v] of Object.entries(set)) {
              if ((REPLAYED_COLUMNS as readonly string[]).includes(k)) {
                replay[k as ReplayedColumn] = v;
                setBy.set(k as ReplayedColumn, e.seq);
              }
            }
          }
          if (e.type === 'case-opened') for (const t of (e.payload as { types?: string[] }).types ?? []) types.add(t);
          collectRefs(e.payload, e.seq, refs);
        }
        if (events.length === 0 || events[0]?.type !== 'case-opened') {
          problems.push({ code: 'case.no-opening-event', caseId: r.id, message: `case ${r.id} has no case-opened event in the audit trail: it was added or its events removed outside ojco-dsar` });
          continue;
        }
        for (const col of REPLAYED_COLUMNS) {
          const expected = replay[col] ?? null;
          const actual = r[col] ?? null;
          if (expected !== actual) {
            const seq = setBy.get(col);
            problems.push({
              code: 'case.changed',
              caseId: r.id,
              ...(seq ? { seq } : {}),
              message: `case ${r.id}: ${col} in the database differs from the audit trail${seq ? ` (set by event #${seq})` : ''}`,
            });
          }
        }
        const actualTypes = (this.db.prepare('SELECT type FROM case_types WHERE case_id = ? ORDER BY type').all(r.id) as { type: string }[]).map((t) => t.type);
        if (actualTypes.join(',') !== [...types].sort().join(',')) {
          problems.push({ code: 'case.changed', caseId: r.id, message: `case ${r.id}: the request types in the database differ from the audit trail` });
        }
        if (r.purged_on) continue; // the key and the rows are gone by design
        const key = (this.db.prepare('SELECT key FROM case_keys WHERE case_id = ?').get(r.id) as { key: Buffer } | undefined)?.key;
        if (!key) {
          problems.push({ code: 'case.key-missing', caseId: r.id, message: `case ${r.id}: its key is missing, so its subject data cannot be checked` });
          continue;
        }
        const mac = (m: string): string => createHmac('sha256', key).update(m).digest('hex');
        const tables: { table: RefTable; sql: string; material: (row: Record<string, unknown>) => string; label: string }[] = [
          { table: 'identifier', sql: 'SELECT id, kind, value, canonical FROM subject_identifiers WHERE case_id = ?', material: (x) => identifierMaterial(x as unknown as IdentifierInput), label: 'subject identifier' },
          { table: 'text', sql: 'SELECT id, purpose, text FROM case_texts WHERE case_id = ?', material: (x) => textMaterial(String(x.purpose), String(x.text)), label: 'text' },
          { table: 'attachment', sql: 'SELECT id, kind, path, sha256, size FROM attachments WHERE case_id = ?', material: (x) => attachmentMaterial(x as { kind: string; path: string; sha256: string; size: number }), label: 'attachment record' },
        ];
        for (const t of tables) {
          const present = new Map<number, Record<string, unknown>>();
          for (const row of this.db.prepare(t.sql).all(r.id) as Record<string, unknown>[]) present.set(Number(row.id), row);
          for (const [ref, rec] of refs) {
            const p = parseRef({ $ref: ref });
            if (!p || p.table !== t.table) continue;
            const row = present.get(p.id);
            if (!row) problems.push({ code: `${t.table}.removed`, caseId: r.id, seq: rec.seq, message: `case ${r.id}: ${t.label} #${p.id} recorded by event #${rec.seq} was removed` });
            else if (mac(t.material(row)) !== rec.mac) problems.push({ code: `${t.table}.changed`, caseId: r.id, seq: rec.seq, message: `case ${r.id}: ${t.label} #${p.id} was changed after event #${rec.seq} recorded it` });
            present.delete(p.id);
          }
          for (const id of present.keys()) problems.push({ code: `${t.table}.unrecorded`, caseId: r.id, message: `case ${r.id}: ${t.label} #${id} was added outside the audit trail` });
        }
      }
      return problems;
    });
  }

  /** Overdue open cases on `asOf` (for `list --fail-on-overdue`). */
  overdue(asOf: string): CaseView[] {
    return this.listCases().filter((c) => isOverdue(c.status, c.dueDate, asOf));
  }
}

function busyError(): UserError {
  return new UserError('the case database is busy', {
    exitCode: ExitCode.Usage,
    problems: [{ code: 'store.busy', message: `another ojco-dsar process held the case database for more than ${BUSY_TIMEOUT_MS / 1000} s` }],
    hint: 'Try again in a moment.',
  });
}

// ---------------------------------------------------------------- references

type RefTable = 'identifier' | 'text' | 'attachment';
interface Ref {
  $ref: string;
  mac: string;
}

function parseRef(v: unknown): { table: RefTable; id: number } | undefined {
  const s = (v as { $ref?: unknown } | null)?.$ref;
  if (typeof s !== 'string') return undefined;
  const m = /^(identifier|text|attachment):(\d+)$/u.exec(s);
  return m ? { table: m[1] as RefTable, id: Number(m[2]) } : undefined;
}

function collectRefs(v: unknown, seq: number, into: Map<string, { mac: string; seq: number }>): void {
  if (Array.isArray(v)) {
    for (const x of v) collectRefs(x, seq, into);
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$ref === 'string' && typeof o.mac === 'string') into.set(o.$ref, { mac: o.mac, seq });
    for (const x of Object.values(o)) if (x && typeof x === 'object') collectRefs(x, seq, into);
  }
}

function identifierMaterial(i: { kind: string; value: string; canonical: string }): string {
  return ['identifier', i.kind, i.value, i.canonical].join('\u0000');
}
function textMaterial(purpose: string, text: string): string {
  return ['text', purpose, text].join('\u0000');
}
function attachmentMaterial(a: { kind: string; path: string; sha256: string; size: number }): string {
  return ['attachment', a.kind, a.path, a.sha256, String(a.size)].join('\u0000');
}
