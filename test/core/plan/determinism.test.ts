import { describe, expect, it } from 'vitest';
import { computePlanHash, planErasure, serialisePlan, verifyPlanHash, canonicalJson, type ErasureInput } from '../../../src/core/plan/index.ts';
import type { MatchedRecord } from '../../../src/core/match/matcher.ts';
import { SECRET, SOURCES, SRC, gaEvent, limeConsent, limeHistory, limePerson, mailchimpMember, match, o365Trace, register, vismaCustomer, vismaInvoice, type Customer } from './helpers.ts';

const c: Customer = { guid: 'c-7', no: '7', name: 'Jörgen Åkesson', email: 'jorgen.akesson@mail.example', mobile: '070-174 06 47', note: 'Ring inte före 9', street: 'Bruksgatan 2', postcode: '252 20', city: 'Helsingborg' };

function matches(): MatchedRecord[] {
  return [
    match(SRC.lime, limePerson(1004, { first: 'Jörgen', last: 'Åkesson', email: c.email, mobile: c.mobile })),
    match(SRC.lime, limeConsent(7004, 1004), { holders: ['person'] }),
    match(SRC.lime, limeHistory(5104, 1004, 'Webbformulär'), { holders: ['person'] }),
    match(SRC.visma, vismaCustomer(c, 1)),
    match(SRC.visma, vismaInvoice(c, '2023011', '2023-05-02', 1), { holders: ['customer'] }),
    match(SRC.newsletter, mailchimpMember(2, c.email!, 'Jörgen', 'Åkesson')),
    match(SRC.o365, o365Trace(10, c.email!, '2025-11-02'), { holders: ['sender'] }),
    match(SRC.o365, o365Trace(9, c.email!, '2025-11-01'), { holders: ['sender'] }),
    match(SRC.ga, gaEvent(3, '555.666')),
  ];
}

async function input(ms: MatchedRecord[], asOf = '2026-03-01'): Promise<ErasureInput> {
  return { asOf, register: await register(), matches: ms, sources: SOURCES, suppressionSecret: SECRET, gaPropertyId: '42' };
}

describe('a plan is deterministic (issue #4 point 4)', () => {
  it('the same inputs and asOf give byte-identical JSON and the same hash', async () => {
    const a = planErasure(await input(matches()));
    const b = planErasure(await input(matches()));
    expect(serialisePlan(a)).toBe(serialisePlan(b));
    expect(a.planHash).toBe(b.planHash);
    expect(a.planHash).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('the order in which records arrive does not matter', async () => {
    const ms = matches();
    const a = planErasure(await input(ms));
    const b = planErasure(await input([...ms].reverse()));
    expect(serialisePlan(b)).toBe(serialisePlan(a));
  });

  it('actions are sorted by source, locator (lines as numbers) and action', async () => {
    const plan = planErasure(await input(matches()));
    const traces = plan.actions.filter((x) => x.entity === 'trace').map((x) => x.locator.line);
    expect(traces).toEqual([10, 11]);
    const keys = plan.actions.map((x) => x.source);
    expect(keys).toEqual([...keys].sort((p, q) => (p < q ? -1 : p > q ? 1 : 0)));
  });

  it('the hash covers the plan without planHash, and changes with the asOf', async () => {
    const a = planErasure(await input(matches()));
    expect(verifyPlanHash(a)).toBe(true);
    expect(computePlanHash(a)).toBe(a.planHash);
    const tampered = { ...a, actions: a.actions.slice(1) };
    expect(verifyPlanHash(tampered)).toBe(false);
    const later = planErasure(await input(matches(), '2026-03-02'));
    expect(later.planHash).not.toBe(a.planHash);
  });

  it('serialisation is canonical: sorted keys, two-space indent, final newline; reparsing and reserialising changes nothing', async () => {
    const a = planErasure(await input(matches()));
    const text = serialisePlan(a);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "actions": [')).toBe(true);
    expect(serialisePlan(JSON.parse(text))).toBe(text);
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: undefined, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2}}');
  });

  it('a plan has a schema version, its kind and the contract keys on every action', async () => {
    const a = planErasure(await input(matches()));
    expect(a).toMatchObject({ schemaVersion: 1, kind: 'erasure', asOf: '2026-03-01' });
    for (const x of a.actions) {
      for (const k of ['source', 'connector', 'locator', 'action', 'reason', 'rule']) expect(x, `${x.action} has ${k}`).toHaveProperty(k);
      if (x.retainUntil) expect(x.retainUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/u);
    }
  });
});
