/**
 * What the plan commands keep in the home (issue #4): the suppression list
 * and its secret, the deferred-erasure ledger, sweeps, holds, and the
 * read-only view `find` takes. Recording is idempotent.
 */
import { describe, expect, it } from 'vitest';
import { planErasure, planObjection, planSweep, type Plan } from '../../src/core/plan/index.ts';
import { UsageError } from '../../src/errors.ts';
import { ledgerForSweep, ledgerRows, markSwept, readSuppressionList, recordPlan, setHold, suppressionRows, suppressionSecret } from '../../src/store/plans.ts';
import { LATEST_SCHEMA_VERSION } from '../../src/store/schema.ts';
import { SOURCES, SRC, limeHistory, mailchimpMember, match, register, vismaCustomer, vismaInvoice, type Customer } from '../core/plan/helpers.ts';
import { ASA, ctx, openStore, rawDb, tempHome } from './store-helpers.ts';

const anna: Customer = { guid: 'c-anna', no: '1050', name: 'Anna Svensson', email: 'anna@mail.example', street: 'Storgatan 14', postcode: '252 21', city: 'Helsingborg', note: 'x' };

async function erasure(secret: Uint8Array, asOf = '2026-01-31', caseId?: string): Promise<Plan> {
  return planErasure({
    asOf,
    register: await register(),
    sources: SOURCES,
    suppressionSecret: secret,
    ...(caseId ? { caseId } : {}),
    subjectIdentifiers: [{ kind: 'email', value: 'anna@mail.example' }],
    matches: [
      match(SRC.lime, limeHistory(5101, 1001, 'note'), { holders: ['person'] }),
      match(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0), { holders: ['customer'] }),
      match(SRC.visma, vismaInvoice(anna, '2024033', '2024-05-10', 1), { holders: ['customer'] }),
      match(SRC.visma, vismaCustomer(anna, 0)),
      match(SRC.newsletter, mailchimpMember(0, 'anna@mail.example', 'Anna', 'Svensson', '070-174 06 90')),
    ],
  });
}

describe('the suppression secret', () => {
  it('is 32 random bytes, made once per home and kept', () => {
    const home = tempHome();
    const s = openStore(home);
    const a = suppressionSecret(s, ctx());
    const b = suppressionSecret(s, ctx());
    expect(a.length).toBe(32);
    expect(b.equals(a)).toBe(true);
    s.close();
    const again = openStore(home);
    expect(suppressionSecret(again, ctx()).equals(a)).toBe(true);
    again.close();
    const other = openStore();
    expect(suppressionSecret(other, ctx()).equals(a)).toBe(false);
    other.close();
  });

  it('the store is at the schema version with the plan tables', () => {
    const s = openStore();
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
    const tables = (s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['suppression', 'ledger', 'store_secrets', 'plan_records']));
    s.close();
  });
});

describe('recording a plan', () => {
  it('puts keyed hashes on the suppression list (never the values) and every retain in the ledger; twice adds nothing', async () => {
    const s = openStore();
    const c = s.openCase({ types: ['erasure'], receivedDate: '2026-01-20', identifiers: ASA }, ctx());
    const plan = await erasure(suppressionSecret(s, ctx()), '2026-01-31', c.id);
    const first = recordPlan(s, plan, ctx());
    const retains = plan.actions.filter((a) => a.action === 'retain' && a.primary).length;
    const suppress = plan.actions.filter((a) => a.action === 'suppress').length;
    expect(retains).toBe(3);
    expect(suppress).toBeGreaterThanOrEqual(2);
    expect(first).toEqual({ suppression: { added: suppress, existing: 0 }, ledger: { added: retains, existing: 0 } });
    expect(recordPlan(s, plan, ctx())).toEqual({ suppression: { added: 0, existing: suppress }, ledger: { added: 0, existing: retains } });
    const rows = suppressionRows(s);
    expect(rows).toHaveLength(suppress);
    for (const r of rows) expect(r).toMatchObject({ ground: 'erasure', channel: 'all', since: '2026-01-31', planHash: plan.planHash, planKind: 'erasure', caseId: c.id, hash: expect.stringMatching(/^[0-9a-f]{64}$/u) });
    // No plain identifier anywhere in the plan tables.
    const db = rawDb(s);
    const dump = JSON.stringify([db.prepare('SELECT * FROM suppression').all(), db.prepare('SELECT * FROM ledger').all(), db.prepare('SELECT * FROM plan_records').all()]);
    for (const v of ['anna@mail.example', 'Anna', 'Svensson', '701740690', '1740690']) expect(dump).not.toContain(v);
    db.close();
    const ledger = ledgerRows(s);
    expect(ledger.map((e) => e.retainUntil).sort()).toEqual(['2026-12-31', '2031-12-31', '2031-12-31']);
    for (const e of ledger) expect(e).toMatchObject({ status: 'pending', caseId: c.id, planHash: plan.planHash, rule: 'BF-1' });
    expect(ledger.map((e) => e.locator.file).every(Boolean)).toBe(true);
    s.close();
  });

  it('an objection puts the marketing channels on the list with its own ground', async () => {
    const s = openStore();
    const plan = planObjection(
      { asOf: '2026-02-01', register: await register(), sources: SOURCES, suppressionSecret: suppressionSecret(s, ctx()), matches: [match(SRC.newsletter, mailchimpMember(0, 'anna@mail.example', 'Anna', 'Svensson'))] },
      { marketing: true },
    );
    recordPlan(s, plan, ctx());
    expect(suppressionRows(s).map((r) => [r.kind, r.ground, r.channel])).toEqual([['email', 'objection', 'email']]);
    expect(ledgerRows(s)).toEqual([]);
    s.close();
  });

  it('the same record kept by two plans is swept only when the later retention has passed', async () => {
    const s = openStore();
    const secret = suppressionSecret(s, ctx());
    const a = await erasure(secret, '2026-01-31');
    recordPlan(s, a, ctx());
    // A second plan keeps the 2019 invoice longer (a legal hold extended by hand, say): same record, later date.
    const b: Plan = { ...a, planHash: 'b'.repeat(64), actions: a.actions.map((x) => (x.retainUntil === '2026-12-31' ? { ...x, retainUntil: '2027-12-31', deletableFrom: '2028-01-01' } : x)) };
    recordPlan(s, b, ctx());
    expect(ledgerRows(s)).toHaveLength(6);
    expect(planSweep(ledgerForSweep(s), '2027-01-01').actions).toHaveLength(0);
    const due = planSweep(ledgerForSweep(s), '2028-01-01');
    expect(due.actions.map((x) => [x.entity, x.locator.pointer, x.retainUntil])).toEqual([['invoice', '/Data/0', '2027-12-31']]);
    expect(markSwept(s, due, ctx())).toBe(2);
    expect(ledgerRows(s, { status: ['swept'] }).map((r) => r.sweptPlan)).toEqual([due.planHash, due.planHash]);
    expect(planSweep(ledgerForSweep(s), '2028-01-01').actions).toHaveLength(0);
    s.close();
  });
});

describe('sweep and holds', () => {
  it('a date before retainUntil lists nothing; after it, the item; marking is done once', async () => {
    const s = openStore();
    recordPlan(s, await erasure(suppressionSecret(s, ctx())), ctx());
    expect(planSweep(ledgerForSweep(s), '2026-12-31').actions).toHaveLength(0);
    const plan = planSweep(ledgerForSweep(s), '2027-01-01');
    // The ledger keeps no labels (they can name the person): entity and locator say which record.
    expect(plan.actions.map((a) => [a.entity, a.locator.pointer, a.action, a.retainUntil, a.label])).toEqual([['invoice', '/Data/0', 'delete', '2026-12-31', undefined]]);
    expect(markSwept(s, plan, ctx())).toBe(1);
    expect(markSwept(s, plan, ctx())).toBe(0);
    expect(ledgerRows(s, { status: ['pending'] })).toHaveLength(2);
    s.close();
  });

  it('a legal hold keeps a due entry out of the sweep until it is released', async () => {
    const s = openStore();
    recordPlan(s, await erasure(suppressionSecret(s, ctx())), ctx());
    const id = ledgerRows(s).find((r) => r.retainUntil === '2026-12-31')!.id;
    expect(setHold(s, id, true, ctx())).toMatchObject({ status: 'hold', changed: true });
    // Held again, or another entry released that was never held: nothing changes, and the caller logs nothing.
    expect(setHold(s, id, true, ctx())).toMatchObject({ status: 'hold', changed: false });
    const other = ledgerRows(s).find((r) => r.id !== id)!.id;
    expect(setHold(s, other, false, ctx())).toMatchObject({ status: 'pending', changed: false });
    const held = planSweep(ledgerForSweep(s), '2027-06-01');
    expect(held.actions).toHaveLength(0);
    expect(held.warnings.map((w) => w.code)).toEqual(['sweep.hold']);
    setHold(s, id, false, ctx());
    const plan = planSweep(ledgerForSweep(s), '2027-06-01');
    expect(plan.actions).toHaveLength(1);
    markSwept(s, plan, ctx());
    expect(() => setHold(s, id, true, ctx())).toThrow(UsageError);
    expect(() => setHold(s, 999, true, ctx())).toThrow(UsageError);
    s.close();
  });
});

describe("find's read-only view of the list", () => {
  it('is undefined without a database or with an empty list, and never creates anything', async () => {
    const home = tempHome();
    expect(readSuppressionList(home)).toBeUndefined();
    const s = openStore(home);
    s.close();
    expect(readSuppressionList(home)).toBeUndefined();
  });

  it('gives the rows, the secret and the records each plan named', async () => {
    const home = tempHome();
    const s = openStore(home);
    const secret = suppressionSecret(s, ctx());
    const plan = await erasure(secret);
    recordPlan(s, plan, ctx());
    s.close();
    const list = readSuppressionList(home)!;
    expect(list.secret.equals(secret)).toBe(true);
    expect(list.rows.length).toBe(plan.actions.filter((a) => a.action === 'suppress').length);
    expect(list.planned.size).toBe(plan.actions.filter((a) => a.primary).length);
  });
});
