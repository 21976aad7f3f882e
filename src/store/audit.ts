/**
 * The audit trail (Art. 5(2) accountability, AA-1): append-only events in one
 * hash chain over all cases. Each event's hash is sha256 over a canonical
 * serialisation of (previous hash, seq, case id, timestamp, actor, type,
 * payload text), so changing any byte of an event, removing one or putting
 * two in another order breaks the chain at that event, and `verifyChain`
 * names it by its sequence number.
 *
 * The head of the chain (last seq and hash) is also kept in `meta`, so that
 * removing the newest events is noticed too, and every evidence manifest
 * records the head at the time it was written: an anchor outside the
 * database. Someone who can rewrite the whole file can recompute a whole
 * chain; the manifests (and any copy of a head hash the officer keeps) are
 * what shows that.
 *
 * Payloads hold ids, codes, dates, hashes and HMACs, never the subject's
 * identifiers or free text (those live in their own tables, referenced by id).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { canonicalJson } from './canonical.ts';
import { sha256Hex } from './fs-safe.ts';

type Db = BetterSqlite3.Database;

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);
const DOMAIN = 'ojco-dsar/audit-event/v1';
const HEAD_KEY = 'chain.head';

export interface EventRow {
  seq: number;
  case_id: string;
  at: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export interface AuditEvent {
  seq: number;
  caseId: string;
  at: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  hash: string;
}

/**
 * The hash of one event. The payload enters as the exact text stored, so a
 * change that would parse to the same JSON (a space, a reordered key) is a
 * change too.
 */
export function eventHash(e: { prevHash: string; seq: number; caseId: string; at: string; actor: string; type: string; payloadText: string }): string {
  return sha256Hex(canonicalJson([DOMAIN, e.prevHash, e.seq, e.caseId, e.at, e.actor, e.type, e.payloadText]));
}

export function readHead(db: Db): { seq: number; hash: string } | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(HEAD_KEY) as { value: string } | undefined;
  if (!row) return undefined;
  const [seq, hash] = row.value.split(' ');
  return { seq: Number(seq), hash: hash ?? '' };
}

/**
 * Appends one event. Must run inside an IMMEDIATE transaction (the store's
 * `write`), so that reading the last hash and inserting after it cannot
 * interleave with another process.
 */
export function appendEvent(db: Db, e: { caseId: string; at: string; actor: string; type: string; payload: Record<string, unknown> }): AuditEvent {
  if (!db.inTransaction) throw new Error('appendEvent outside a transaction');
  const last = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  const head = readHead(db);
  // Continue from the recorded head when it is ahead of the table (events removed at the end):
  // the new event then fails to link, so verify still reports the removal instead of hiding it.
  const prevSeq = Math.max(last?.seq ?? 0, head?.seq ?? 0);
  const prevHash = head && head.seq >= (last?.seq ?? 0) ? head.hash : (last?.hash ?? GENESIS_HASH);
  const seq = prevSeq + 1;
  const payloadText = canonicalJson(e.payload);
  const hash = eventHash({ prevHash, seq, caseId: e.caseId, at: e.at, actor: e.actor, type: e.type, payloadText });
  db.prepare('INSERT INTO events (seq, case_id, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    seq,
    e.caseId,
    e.at,
    e.actor,
    e.type,
    payloadText,
    prevHash,
    hash,
  );
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(HEAD_KEY, `${seq} ${hash}`);
  return { seq, caseId: e.caseId, at: e.at, actor: e.actor, type: e.type, payload: e.payload, hash };
}

export function toAuditEvent(r: EventRow): AuditEvent {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(r.payload) as Record<string, unknown>;
  } catch {
    payload = { unreadable: true };
  }
  return { seq: r.seq, caseId: r.case_id, at: r.at, actor: r.actor, type: r.type, payload, hash: r.hash };
}

export interface ChainProblem {
  code: 'event.changed' | 'event.removed' | 'event.reordered' | 'event.link-broken' | 'chain.head';
  /** The event the problem is about (its sequence number). */
  seq: number;
  caseId?: string;
  message: string;
}

export interface ChainReport {
  events: number;
  head: { seq: number; hash: string } | undefined;
  problems: ChainProblem[];
}

/** Recomputes the whole chain. Problems name the event by `#seq` and its case. */
export function verifyChain(db: Db): ChainReport {
  const rows = db.prepare('SELECT seq, case_id, at, actor, type, payload, prev_hash, hash FROM events ORDER BY seq').iterate() as IterableIterator<EventRow>;
  const problems: ChainProblem[] = [];
  let prev: EventRow | undefined;
  let count = 0;
  const changed: EventRow[] = [];
  for (const r of rows) {
    count++;
    const expectedSeq = (prev?.seq ?? 0) + 1;
    const where = `event #${r.seq} (case ${r.case_id}, ${r.type})`;
    if (r.seq > expectedSeq) {
      const missing = r.seq - expectedSeq === 1 ? `event #${expectedSeq} was` : `events #${expectedSeq}..#${r.seq - 1} were`;
      problems.push({ code: 'event.removed', seq: expectedSeq, message: `${missing} removed from the audit trail (the chain jumps to #${r.seq})` });
    }
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    const recomputed = eventHash({ prevHash: r.prev_hash, seq: r.seq, caseId: r.case_id, at: r.at, actor: r.actor, type: r.type, payloadText: r.payload });
    if (recomputed !== r.hash) {
      changed.push(r);
    } else if (r.prev_hash !== expectedPrev && r.seq === expectedSeq) {
      problems.push({
        code: 'event.link-broken',
        seq: r.seq,
        caseId: r.case_id,
        message: `${where} does not follow event #${prev?.seq ?? 0}: an event between them was removed, changed or moved`,
      });
    }
    prev = r;
  }
  // Telling a moved event from a changed one costs one hash per possible position; do it
  // for a handful of events (a swap), not for a database rewritten wholesale.
  const lookForMoves = changed.length <= 20;
  const head = readHead(db);
  const maxSeq = Math.max(prev?.seq ?? 0, head?.seq ?? 0);
  for (const r of changed) {
    const where = `event #${r.seq} (case ${r.case_id}, ${r.type})`;
    // An event whose content hashes correctly under another sequence number was moved.
    const movedFrom = lookForMoves ? recomputeWithOtherSeq(r, maxSeq) : undefined;
    if (movedFrom !== undefined) {
      problems.push({ code: 'event.reordered', seq: r.seq, caseId: r.case_id, message: `${where} was moved: it was recorded as event #${movedFrom}` });
    } else {
      problems.push({ code: 'event.changed', seq: r.seq, caseId: r.case_id, message: `${where} was changed after it was recorded (its hash does not match its content)` });
    }
  }
  if (count > 0 || head) {
    if (!head) {
      problems.push({ code: 'chain.head', seq: prev?.seq ?? 0, message: 'the chain head record is missing from the database' });
    } else if (!prev || head.seq > prev.seq) {
      const first = (prev?.seq ?? 0) + 1;
      problems.push({
        code: 'event.removed',
        seq: first,
        message: head.seq === first ? `event #${first}, the newest, was removed from the audit trail` : `events #${first}..#${head.seq}, the newest, were removed from the audit trail`,
      });
    } else if (head.seq < prev.seq) {
      problems.push({ code: 'chain.head', seq: prev.seq, message: `events after #${head.seq} were not written by ojco-dsar (the chain head is #${head.seq})` });
    } else if (head.hash !== prev.hash) {
      problems.push({ code: 'chain.head', seq: prev.seq, caseId: prev.case_id, message: `event #${prev.seq} does not match the recorded chain head: it was changed or replaced` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { events: count, head, problems };
}

/** The sequence number under which the event's content hashes to its stored hash, if another one. */
function recomputeWithOtherSeq(r: EventRow, limit: number): number | undefined {
  for (let s = 1; s <= limit; s++) {
    if (s === r.seq) continue;
    const h = eventHash({ prevHash: r.prev_hash, seq: s, caseId: r.case_id, at: r.at, actor: r.actor, type: r.type, payloadText: r.payload });
    if (h === r.hash) return s;
  }
  return undefined;
}
