/**
 * The case store: ids, the extension rule (DL-3), status rules, the audit
 * chain against tampering, the subject data against the trail, purge.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { canonicalJson } from '../../src/store/canonical.ts';
import { DEFAULT_CASE_RETENTION_MONTHS, normaliseCaseId, retainUntil } from '../../src/store/rules.ts';
import { safeCell, registerRows } from '../../src/store/register-export.ts';
import { ASA, ctx, openStore, rawDb } from './store-helpers.ts';

function refusal(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('case ids', () => {
  it('DSAR-<year of receipt>-NNNN, a sequence per year', () => {
    const s = openStore();
    const ids = [
      s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx()).id,
      s.openCase({ types: ['erasure'], receivedDate: '2025-12-30', identifiers: [] }, ctx()).id,
      s.openCase({ types: ['access'], receivedDate: '2026-02-01', identifiers: [] }, ctx()).id,
      s.openCase({ types: ['objection'], receivedDate: '2025-11-01', identifiers: [] }, ctx()).id,
    ];
    expect(ids).toEqual(['DSAR-2026-0001', 'DSAR-2025-0001', 'DSAR-2026-0002', 'DSAR-2025-0002']);
    s.close();
  });

  it('accepts short forms of an id', () => {
    expect(normaliseCaseId('dsar-2026-1')).toBe('DSAR-2026-0001');
    expect(normaliseCaseId('2026-0042')).toBe('DSAR-2026-0042');
    expect(() => normaliseCaseId('DSAR-26-1')).toThrow(UsageError);
  });

  it('stores the deadline of the case (legal-rules.md §12.2 E1) and types once each', () => {
    const s = openStore();
    const c = s.openCase({ types: ['erasure', 'access', 'access'], receivedDate: '2026-01-31', channel: 'e-mail', identifiers: ASA }, ctx());
    expect(c).toMatchObject({ types: ['access', 'erasure'], status: 'received', receivedDate: '2026-01-31', nominalDate: '2026-02-28', dueDate: '2026-03-02', oneMonthDueDate: '2026-03-02', extended: false, channel: 'e-mail' });
    expect(c.subject?.identifiers.map((i) => i.kind)).toEqual(['email', 'phone', 'pnr']);
    s.close();
  });
});

describe('extension (DL-3, Art. 12(3))', () => {
  it('extends once, to three months from receipt, with the notice date', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    const c = s.extend(id, { reason: 'Four systems, eight years of invoices', asOf: '2026-02-20', noticeDate: '2026-02-21' }, ctx());
    expect(c).toMatchObject({ extended: true, nominalDate: '2026-04-30', dueDate: '2026-04-30', oneMonthDueDate: '2026-03-02' });
    expect(c.extension).toEqual({ decidedOn: '2026-02-20', noticeDate: '2026-02-21', reason: 'Four systems, eight years of invoices' });
    s.close();
  });

  it('is allowed on the first due date itself (the period runs to the end of that day)', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(s.extend(id, { reason: 'complex', asOf: '2026-03-02' }, ctx()).dueDate).toBe('2026-04-30');
    s.close();
  });

  it('is refused after the first deadline', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    const e = refusal(() => s.extend(id, { reason: 'complex', asOf: '2026-03-03' }, ctx()));
    expect(e.exitCode).toBe(2);
    expect(e.problems.map((p) => p.code)).toEqual(['case.extension-late']);
    expect(s.getCase(id)).toMatchObject({ extended: false, dueDate: '2026-03-02' });
    expect(s.events(id).map((ev) => ev.type)).toEqual(['case-opened']);
    s.close();
  });

  it('is refused when the notice is dated after the first deadline', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(refusal(() => s.extend(id, { reason: 'complex', asOf: '2026-02-27', noticeDate: '2026-03-03' }, ctx())).problems.map((p) => p.code)).toEqual(['case.extension-notice-late']);
    s.close();
  });

  it('is refused when the notice is dated before the decision it tells of', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(refusal(() => s.extend(id, { reason: 'complex', asOf: '2026-02-25', noticeDate: '2026-02-20' }, ctx())).problems.map((p) => p.code)).toEqual(['case.notice-before-decision']);
    // On the day of the decision, or after it within the first month, it is fine.
    expect(s.extend(id, { reason: 'complex', asOf: '2026-02-20', noticeDate: '2026-02-20' }, ctx()).extension?.noticeDate).toBe('2026-02-20');
    s.close();
  });

  it('is refused a second time', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    s.extend(id, { reason: 'complex', asOf: '2026-02-10' }, ctx());
    const e = refusal(() => s.extend(id, { reason: 'still complex', asOf: '2026-02-11' }, ctx()));
    expect(e.problems.map((p) => p.code)).toEqual(['case.extension-twice']);
    expect(s.events(id).filter((ev) => ev.type === 'extended')).toHaveLength(1);
    s.close();
  });

  it('needs reasons, and a date not before receipt', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(refusal(() => s.extend(id, { reason: '  ', asOf: '2026-01-30' }, ctx())).problems.map((p) => p.code).sort()).toEqual(['case.date-before-receipt', 'case.extension-reason']);
    s.close();
  });

  it.each([
    // legal-rules.md §12.2, "Extension (+3 months from receipt)".
    ['2026-01-06', '2026-04-06', '2026-04-07'],
    ['2026-11-30', '2027-02-28', '2027-03-01'],
  ])('received %s: nominal %s, due %s', (received, nominal, due) => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: received, identifiers: [] }, ctx());
    expect(s.extend(id, { reason: 'complex', asOf: received }, ctx())).toMatchObject({ nominalDate: nominal, dueDate: due });
    s.close();
  });
});

describe('status', () => {
  it('received → verified → in-progress → answered → closed, with retention', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    expect(s.verifyIdentity(id, { method: 'bankid', by: 'Test Officer', on: '2026-02-02' }, ctx()).status).toBe('verified');
    expect(s.start(id, ctx()).status).toBe('in-progress');
    const a = s.answer(id, { on: '2026-03-02' }, ctx());
    expect(a.outcome).toEqual({ type: 'answered', on: '2026-03-02', late: false });
    const c = s.closeCase(id, { on: '2026-03-05' }, ctx());
    expect(c).toMatchObject({ status: 'closed', closedOn: '2026-03-05', retentionMonths: DEFAULT_CASE_RETENTION_MONTHS, retainUntil: '2029-03-05' });
    expect(s.events(id).map((e) => e.type)).toEqual(['case-opened', 'identity-verified', 'status-changed', 'answered', 'closed']);
    s.close();
  });

  it('an answer after the due date is late', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(s.answer(id, { on: '2026-03-03' }, ctx()).outcome?.late).toBe(true);
    s.close();
  });

  it('a refusal records the Art. 12(4) grounds, reasons and complaint information', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['erasure'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    expect(refusal(() => s.refuse(id, { on: '2026-02-10', grounds: [], reason: '' }, ctx())).problems).toHaveLength(2);
    const c = s.refuse(id, { on: '2026-02-10', grounds: ['excessive'], reason: 'Fourth identical request this month' }, ctx());
    expect(c.status).toBe('refused');
    expect(c.outcome).toMatchObject({ type: 'refused', grounds: ['excessive'], reason: 'Fourth identical request this month', late: false });
    expect(c.outcome?.complaintInformation?.supervisoryAuthority).toContain('IMY');
    expect(c.outcome?.complaintInformation?.judicialRemedy).toContain('court');
    s.close();
  });

  it('an answer to a request a plan refuses in part (ER-4) records the complaint information; a full answer does not', () => {
    const s = openStore();
    const plan = (id: string, kind: string, actions: Record<string, number>, deselected = 0): void => {
      s.logEvent(id, 'plan-written', { plan: kind, planHash: kind.padEnd(64, '0'), asOf: '2026-02-10', records: 5, actions, deselected, formats: ['json'] }, ctx());
    };
    const partial = s.openCase({ types: ['erasure'], receivedDate: '2026-01-31', identifiers: ASA }, ctx()).id;
    plan(partial, 'erasure', { delete: 3, retain: 2, suppress: 2 });
    const a = s.answer(partial, { on: '2026-02-20' }, ctx());
    expect(a.outcome).toMatchObject({ type: 'answered', partialRefusal: true, complaintInformation: { supervisoryAuthority: expect.stringContaining('IMY'), judicialRemedy: expect.stringContaining('court') } });
    const event = s.events(partial).find((e) => e.type === 'answered')!.payload as Record<string, unknown>;
    expect(event).toMatchObject({ partialRefusal: { plans: [{ plan: 'erasure', retained: 2, deselected: 0 }] }, refusalNoticeDue: '2026-03-02', complaintInformation: { supervisoryAuthority: expect.stringContaining('Integritetsskyddsmyndigheten') } });
    expect(s.verifyChain().problems).toEqual([]);
    expect(s.verifyRecords()).toEqual([]);

    // Everything erased: a full answer, no refusal to explain.
    const full = s.openCase({ types: ['erasure'], receivedDate: '2026-01-31', identifiers: [] }, ctx()).id;
    plan(full, 'erasure', { delete: 5, suppress: 2 });
    expect(s.answer(full, { on: '2026-02-20' }, ctx()).outcome).toEqual({ type: 'answered', on: '2026-02-20', late: false });
    // Only the latest plan of a kind counts; actions left out at the review are a partial refusal too.
    const redone = s.openCase({ types: ['rectification'], receivedDate: '2026-01-31', identifiers: [] }, ctx()).id;
    plan(redone, 'rectification', { rectify: 4 }, 1);
    expect(s.partialRefusals(redone)).toEqual([{ plan: 'rectification', planHash: 'rectification'.padEnd(64, '0'), retained: 0, deselected: 1 }]);
    plan(redone, 'rectification', { rectify: 5 });
    expect(s.partialRefusals(redone)).toEqual([]);
    s.close();
  });

  it('a partial refusal answered after the one-month date is late even when the deadline was extended (ER-4, Art. 12(4))', () => {
    const s = openStore();
    const plan = (id: string, actions: Record<string, number>): void => {
      s.logEvent(id, 'plan-written', { plan: 'erasure', planHash: 'e'.padEnd(64, '0'), asOf: '2026-11-10', records: 5, actions, deselected: 0, formats: ['json'] }, ctx());
    };
    // Received 2026-10-20: the one-month date is 2026-11-20, extended to 2027-01-20.
    const partial = s.openCase({ types: ['erasure'], receivedDate: '2026-10-20', identifiers: ASA }, ctx()).id;
    expect(s.extend(partial, { reason: 'complex', asOf: '2026-11-10' }, ctx()).oneMonthDueDate).toBe('2026-11-20');
    plan(partial, { delete: 3, retain: 2 });
    const a = s.answer(partial, { on: '2026-11-26' }, ctx());
    expect(a.outcome).toMatchObject({ type: 'answered', partialRefusal: true, late: true });
    expect(s.events(partial).find((e) => e.type === 'answered')!.payload).toMatchObject({ late: true, refusalNoticeDue: '2026-11-20' });
    expect(s.getCase(partial).outcome?.late).toBe(true);
    // Within the one-month date it is on time; a full answer is judged against the extended date alone.
    const early = s.openCase({ types: ['erasure'], receivedDate: '2026-10-20', identifiers: [] }, ctx()).id;
    s.extend(early, { reason: 'complex', asOf: '2026-11-10' }, ctx());
    plan(early, { delete: 3, retain: 2 });
    expect(s.answer(early, { on: '2026-11-20' }, ctx()).outcome).toMatchObject({ partialRefusal: true, late: false });
    const full = s.openCase({ types: ['erasure'], receivedDate: '2026-10-20', identifiers: [] }, ctx()).id;
    s.extend(full, { reason: 'complex', asOf: '2026-11-10' }, ctx());
    plan(full, { delete: 5 });
    expect(s.answer(full, { on: '2026-11-26' }, ctx()).outcome).toEqual({ type: 'answered', on: '2026-11-26', late: false });
    expect(s.verifyChain().problems).toEqual([]);
    s.close();
  });

  it('refuses what the rules do not allow (exit 2)', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(refusal(() => s.closeCase(id, { on: '2026-02-01' }, ctx())).problems[0]?.code).toBe('case.not-answered');
    expect(refusal(() => s.verifyIdentity(id, { method: 'bankid', by: 'x', on: '2026-01-30' }, ctx())).problems[0]?.code).toBe('case.date-before-receipt');
    s.answer(id, { on: '2026-02-10' }, ctx());
    expect(refusal(() => s.answer(id, { on: '2026-02-11' }, ctx())).problems[0]?.code).toBe('case.not-open');
    expect(refusal(() => s.extend(id, { reason: 'x', asOf: '2026-02-11' }, ctx())).problems.map((p) => p.code)).toContain('case.not-open');
    expect(refusal(() => s.closeCase(id, { on: '2026-02-09' }, ctx())).problems[0]?.code).toBe('case.date-order');
    s.closeCase(id, { on: '2026-02-11' }, ctx());
    expect(refusal(() => s.attach(id, { kind: 'reply', path: '/x', sha256: '0'.repeat(64), size: 1 }, ctx())).problems[0]?.code).toBe('case.closed');
    expect(refusal(() => s.getCase('DSAR-2026-0099')).problems[0]?.code).toBe('case.not-found');
    s.close();
  });

  it('a withdrawn request can be closed without an answer', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: [] }, ctx());
    expect(s.closeCase(id, { on: '2026-02-03', withdrawn: true, retentionMonths: 12 }, ctx())).toMatchObject({ status: 'closed', outcome: { type: 'withdrawn' }, retainUntil: '2027-02-03' });
    s.close();
  });
});

describe('the audit trail holds no personal data', () => {
  it('no event payload contains an identifier or a free text', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    s.extend(id, { reason: 'Åsa asked about her 2019 invoices too', asOf: '2026-02-01' }, ctx());
    s.verifyIdentity(id, { method: 'email-on-file', by: 'Test Officer', on: '2026-02-01', note: 'Mail came from Asa.Lindqvist@lindqvistbygg.example' }, ctx());
    s.note(id, 'Phoned 070-174 06 05', ctx());
    s.attach(id, { kind: 'extract', path: '/out/asa-lindqvist-extract.html', sha256: 'a'.repeat(64), size: 10 }, ctx());
    const all = (s.db.prepare('SELECT * FROM events').all() as Record<string, unknown>[]).map((r) => JSON.stringify(r)).join('\n');
    for (const needle of ['Asa.Lindqvist', 'asa.lindqvist', '+46701740605', '070-174', '19840312', '198403129987', 'Åsa', 'asa-lindqvist', 'Phoned']) {
      expect(all).not.toContain(needle);
    }
    s.close();
  });

  it('refuses a payload that carries an identifier (a programming error)', () => {
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    expect(() => s.logEvent(id, 'extract-written', { email: 'asa.lindqvist@lindqvistbygg.example' }, ctx())).toThrow(/must not contain a subject identifier/u);
    expect(() => s.logEvent(id, 'answered', {}, ctx())).toThrow(/not an allowed event type/u);
    expect(s.logEvent(id, 'extract-written', { files: 4, sha256: 'b'.repeat(64) }, ctx()).seq).toBe(2);
    s.close();
  });
});

/** A store with two cases and a dozen events, for tampering. */
function populated(): { s: ReturnType<typeof openStore>; a: string; b: string } {
  const s = openStore();
  const a = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx()).id; // #1
  const b = s.openCase({ types: ['erasure'], receivedDate: '2026-02-02', identifiers: [{ kind: 'email', value: 'b@example.se', canonical: 'b@example.se' }] }, ctx()).id; // #2
  s.verifyIdentity(a, { method: 'bankid', by: 'Test Officer', on: '2026-02-01' }, ctx()); // #3
  s.extend(b, { reason: 'complex', asOf: '2026-02-05' }, ctx()); // #4
  s.note(a, 'called back', ctx()); // #5
  s.start(a, ctx()); // #6
  s.attach(a, { kind: 'extract', path: '/out/a.html', sha256: 'c'.repeat(64), size: 3 }, ctx()); // #7
  s.answer(a, { on: '2026-02-20' }, ctx()); // #8
  return { s, a, b };
}

describe('case verify: the hash chain names the tampered event', () => {
  it('an untouched store verifies', () => {
    const { s } = populated();
    const r = s.verifyChain();
    expect(r.events).toBe(8);
    expect(r.problems).toEqual([]);
    expect(s.verifyRecords()).toEqual([]);
    s.close();
  });

  it('the tool itself cannot update or delete an event (triggers)', () => {
    const { s } = populated();
    expect(() => s.db.prepare("UPDATE events SET actor = 'x' WHERE seq = 1").run()).toThrow(/append-only/u);
    expect(() => s.db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/append-only/u);
    s.close();
  });

  it.each([
    ['payload', "UPDATE events SET payload = replace(payload, '2026-02-01', '2026-01-31') WHERE seq = 3"],
    ['payload whitespace only', "UPDATE events SET payload = payload || ' ' WHERE seq = 3"],
    ['timestamp', "UPDATE events SET at = '2026-01-01T09:00:00.000Z' WHERE seq = 3"],
    ['actor', "UPDATE events SET actor = 'Someone Else' WHERE seq = 3"],
    ['type', "UPDATE events SET type = 'note-added' WHERE seq = 3"],
    ['case id', "UPDATE events SET case_id = 'DSAR-2026-0002' WHERE seq = 3"],
    ['stored hash', "UPDATE events SET hash = '" + 'f'.repeat(64) + "' WHERE seq = 3"],
  ])('a changed %s', (_what, sql) => {
    const { s } = populated();
    rawDb(s).prepare(sql).run();
    const r = s.verifyChain();
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]).toMatchObject({ seq: expect.any(Number) });
    expect(r.problems.map((p) => p.seq)).toContain(_what === 'stored hash' ? 4 : 3);
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/event #[34]/u);
    s.close();
  });

  it('a changed payload is reported as a change of that event, and only that', () => {
    const { s } = populated();
    rawDb(s).prepare("UPDATE events SET payload = replace(payload, 'bankid', 'in-person') WHERE seq = 3").run();
    expect(s.verifyChain().problems).toEqual([{ code: 'event.changed', seq: 3, caseId: 'DSAR-2026-0001', message: expect.stringContaining('event #3 (case DSAR-2026-0001, identity-verified) was changed') }]);
    s.close();
  });

  it('a removed event', () => {
    const { s } = populated();
    rawDb(s).prepare('DELETE FROM events WHERE seq = 5').run();
    const r = s.verifyChain();
    expect(r.problems).toEqual([expect.objectContaining({ code: 'event.removed', seq: 5, message: expect.stringContaining('event #5 was removed') })]);
    s.close();
  });

  it('the newest event removed (caught by the recorded chain head)', () => {
    const { s } = populated();
    rawDb(s).prepare('DELETE FROM events WHERE seq = 8').run();
    expect(s.verifyChain().problems).toEqual([expect.objectContaining({ code: 'event.removed', seq: 8, message: expect.stringContaining('event #8, the newest, was removed') })]);
    s.close();
  });

  it('two events swapped (their seq exchanged)', () => {
    const { s } = populated();
    const db = rawDb(s);
    db.transaction(() => {
      db.prepare('UPDATE events SET seq = 1000 WHERE seq = 3').run();
      db.prepare('UPDATE events SET seq = 3 WHERE seq = 6').run();
      db.prepare('UPDATE events SET seq = 6 WHERE seq = 1000').run();
    })();
    const r = s.verifyChain();
    const reordered = r.problems.filter((p) => p.code === 'event.reordered');
    expect(reordered.map((p) => p.seq)).toEqual([3, 6]);
    expect(reordered[0]?.message).toContain('was recorded as event #6');
    s.close();
  });

  it('an event rewritten with a recomputed hash still breaks the link to the next one', async () => {
    const { eventHash } = await import('../../src/store/audit.ts');
    const { s } = populated();
    const db = rawDb(s);
    const r = db.prepare('SELECT * FROM events WHERE seq = 3').get() as { prev_hash: string; seq: number; case_id: string; at: string; actor: string; type: string; payload: string };
    const payload = r.payload.replace('bankid', 'in-person');
    const hash = eventHash({ prevHash: r.prev_hash, seq: 3, caseId: r.case_id, at: r.at, actor: r.actor, type: r.type, payloadText: payload });
    db.prepare('UPDATE events SET payload = ?, hash = ? WHERE seq = 3').run(payload, hash);
    expect(s.verifyChain().problems).toEqual([expect.objectContaining({ code: 'event.link-broken', seq: 4 })]);
    // And the case row no longer matches what the trail says? It does: the forger changed only the trail.
    expect(s.verifyRecords().map((p) => p.code)).toContain('case.changed');
    s.close();
  });

  it('events appended after tampering do not hide it', () => {
    const { s, a } = populated();
    rawDb(s).prepare('DELETE FROM events WHERE seq = 8').run();
    s.note(a, 'later', ctx());
    const r = s.verifyChain();
    expect(r.problems.map((p) => [p.code, p.seq])).toEqual([['event.removed', 8]]);
    s.close();
  });
});

describe('case verify: the case rows and subject data against the trail', () => {
  it('names a changed due date, a changed identifier, a removed text and an unrecorded identifier', () => {
    const { s, a, b } = populated();
    const db = rawDb(s);
    db.prepare("UPDATE cases SET due_date = '2026-06-30' WHERE id = ?").run(b);
    db.prepare("UPDATE subject_identifiers SET value = 'someone@else.example' WHERE kind = 'email' AND case_id = ?").run(a);
    db.prepare("DELETE FROM case_texts WHERE purpose = 'extension-reason'").run();
    db.prepare("INSERT INTO subject_identifiers (case_id, kind, value, canonical) VALUES (?, 'phone', 'x', 'x')").run(a);
    const problems = s.verifyRecords();
    const text = problems.map((p) => p.message).join('\n');
    expect(text).toContain(`case ${b}: due_date in the database differs from the audit trail (set by event #4)`);
    expect(text).toMatch(new RegExp(`case ${a}: subject identifier #\\d+ was changed after event #1 recorded it`, 'u'));
    expect(text).toMatch(new RegExp(`case ${b}: text #\\d+ recorded by event #4 was removed`, 'u'));
    expect(text).toMatch(new RegExp(`case ${a}: subject identifier #\\d+ was added outside the audit trail`, 'u'));
    expect(text).not.toContain('someone@else');
    s.close();
  });
});

describe('purge', () => {
  it('removes the personal data after retention, keeps a tombstone, and the chain still verifies', () => {
    const home = path.join(path.dirname(openStore().home), 'purge-home');
    const s = openStore(home);
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    s.extend(id, { reason: 'complex', asOf: '2026-02-01' }, ctx());
    s.attach(id, { kind: 'extract', path: '/elsewhere/extract.html', sha256: 'd'.repeat(64), size: 1 }, ctx());
    s.answer(id, { on: '2026-03-10' }, ctx());
    s.closeCase(id, { on: '2026-03-15', retentionMonths: 36 }, ctx());
    mkdirSync(s.caseFolder(id), { recursive: true });
    writeFileSync(path.join(s.caseFolder(id), 'manifest-01-closed.json'), '{}');
    s.recordManifest(id, { reason: 'closed', path: path.join(s.caseFolder(id), 'manifest-01-closed.json'), sha256: 'e'.repeat(64) }, ctx());
    const other = s.openCase({ types: ['access'], receivedDate: '2026-02-01', identifiers: [{ kind: 'email', value: 'b@example.se', canonical: 'b@example.se' }] }, ctx()).id;

    expect(retainUntil('2026-03-15', 36)).toBe('2029-03-15');
    expect(s.purgeCandidates('2029-03-15')).toEqual([]);
    expect(refusal(() => s.purge(id, { asOf: '2029-03-15' }, ctx())).problems[0]?.code).toBe('case.retention');
    expect(s.purgeCandidates('2029-03-16').map((c) => c.id)).toEqual([id]);
    const r = s.purge(id, { asOf: '2029-03-16' }, ctx());
    expect(r).toEqual({ id, removed: { identifiers: 3, texts: 1, attachments: 1, manifests: 1 }, externalFiles: 1 });

    for (const t of ['subject_identifiers', 'case_texts', 'attachments', 'case_keys']) {
      expect((s.db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE case_id = ?`).get(id) as { n: number }).n).toBe(0);
    }
    expect(existsSync(s.caseFolder(id))).toBe(false);
    const tomb = s.listCases({ includePurged: true }).find((c) => c.id === id);
    expect(tomb).toMatchObject({ id, types: ['access'], status: 'closed', purgedOn: '2029-03-16', receivedDate: '2026-01-31' });
    expect(s.listCases().map((c) => c.id)).toEqual([other]);
    expect(s.events(id).at(-1)?.type).toBe('purged');
    expect(s.verifyChain().problems).toEqual([]);
    expect(s.verifyRecords()).toEqual([]);
    expect(refusal(() => s.note(id, 'x', ctx())).problems[0]?.code).toBe('case.purged');
    // Nowhere on disk: not in the file's freed cells, nor in the write-ahead log.
    const onDisk = ['cases.db', 'cases.db-wal']
      .map((f) => path.join(s.home, f))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    for (const v of ['Asa.Lindqvist', 'asa.lindqvist', '198403129987', '19840312-9987', '070-174 06 05', 'complex']) expect(onDisk).not.toContain(v);
    expect(onDisk).toContain('b@example.se');
    // Numbers are not reused after a purge.
    expect(s.openCase({ types: ['access'], receivedDate: '2026-12-01', identifiers: [] }, ctx()).id).toBe('DSAR-2026-0003');
    s.close();
  });
});

describe('register export', () => {
  it('neutralises spreadsheet formulas', () => {
    expect(['=1+1', '+46701740605', '-2', '@SUM(A1)', '\tx', '\rx', 'ok', '2026-01-31'].map(safeCell)).toEqual(["'=1+1", "'+46701740605", "'-2", "'@SUM(A1)", "'\tx", "'\rx", 'ok', '2026-01-31']);
  });

  it('rows carry no identifiers and no free text', () => {
    const { s, a } = populated();
    const rows = registerRows(s.listCases({ includePurged: true }), '2026-03-10');
    const text = JSON.stringify(rows);
    for (const i of ASA) {
      expect(text).not.toContain(i.value);
      expect(text).not.toContain(i.canonical);
    }
    expect(text).not.toContain('called back');
    expect(rows.find((r) => r.case_id === a)).toMatchObject({ request_types: 'access', articles: 'Art. 15', identity_method: 'bankid', outcome: 'answered', on_time: 'yes' });
    s.close();
  });
});

describe('canonical JSON', () => {
  it('sorts keys and refuses floats', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: undefined })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(() => canonicalJson({ x: 1.5 })).toThrow(TypeError);
  });
});

describe('the API for export --case / erase --case', () => {
  it('attachOutputs hashes, attaches and logs one summary event', async () => {
    const { attachOutputs } = await import('../../src/store/index.ts');
    const s = openStore();
    const { id } = s.openCase({ types: ['access'], receivedDate: '2026-01-31', identifiers: ASA }, ctx());
    const dir = path.dirname(s.home);
    writeFileSync(path.join(dir, 'extract.json'), '{"records":[]}');
    writeFileSync(path.join(dir, 'extract.html'), '<p>hej</p>');
    const attached = await attachOutputs(
      s,
      id,
      [
        { path: path.join(dir, 'extract.json'), kind: 'extract' },
        { path: path.join(dir, 'extract.html'), kind: 'extract' },
      ],
      ctx(),
      { type: 'extract-written', payload: { records: 0, formats: ['json', 'html'] } },
    );
    expect(attached.map((a) => a.size)).toEqual([14, 10]);
    // The output starts the work on the request: the case goes to in-progress after the attachments.
    expect(s.events(id).map((e) => e.type)).toEqual(['case-opened', 'attachment-added', 'attachment-added', 'extract-written', 'status-changed']);
    expect(s.events(id).at(-2)?.payload).toEqual({ records: 0, formats: ['json', 'html'], attachments: attached.map((a) => a.id) });
    expect(s.getCase(id).status).toBe('in-progress');
    expect(s.verifyRecords()).toEqual([]);
    s.close();
  });
});
