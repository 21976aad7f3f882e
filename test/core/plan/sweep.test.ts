import { describe, expect, it } from 'vitest';
import { isDue, ledgerEntries, planErasure, planSweep, serialisePlan, type LedgerEntry } from '../../../src/core/plan/index.ts';
import { SECRET, SOURCES, SRC, limeHistory, match, register, vismaCustomer, vismaInvoice, type Customer } from './helpers.ts';

const anna: Customer = { guid: 'c-anna', no: '1050', name: 'Anna Svensson', email: 'anna@mail.example', street: 'Storgatan 14', postcode: '252 21', city: 'Helsingborg', note: 'x' };

async function erasure() {
  return planErasure({
    asOf: '2026-01-31',
    register: await register(),
    sources: SOURCES,
    suppressionSecret: SECRET,
    caseId: 'case-2026-001',
    matches: [
      match(SRC.lime, limeHistory(5101, 1001, 'note'), { holders: ['person'] }),
      match(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0), { holders: ['customer'] }),
      match(SRC.visma, vismaInvoice(anna, '2024033', '2024-05-10', 1), { holders: ['customer'] }),
      match(SRC.visma, vismaCustomer(anna, 0)),
    ],
  });
}

describe('the deferred-erasure ledger and sweep (issue #4 point 5)', () => {
  it('every retain of an erasure plan is a ledger entry with its date, plan and case', async () => {
    const plan = await erasure();
    const ledger = ledgerEntries(plan);
    expect(ledger.map((e) => [e.label, e.retainUntil, e.deletableFrom])).toEqual([
      ['Kund 1050', '2031-12-31', '2032-01-01'],
      ['Faktura 2019017', '2026-12-31', '2027-01-01'],
      ['Faktura 2024033', '2031-12-31', '2032-01-01'],
    ]);
    for (const e of ledger) expect(e).toMatchObject({ planHash: plan.planHash, caseId: 'case-2026-001', rule: 'BF-1', legalBasis: 'Art. 17(3)(b) + BFL 7 kap. 2 §' });
  });

  it('on the last day to keep nothing is due; the day after, the item is listed for erasure', async () => {
    const ledger = ledgerEntries(await erasure());
    expect(planSweep(ledger, '2026-12-31').actions).toHaveLength(0);
    const jan = planSweep(ledger, '2027-01-01');
    expect(jan.kind).toBe('sweep');
    expect(jan.actions.map((a) => [a.label, a.action, a.rule, a.retainUntil])).toEqual([['Faktura 2019017', 'delete', 'ER-5', '2026-12-31']]);
    expect(jan.actions[0]!.refs).toEqual([ledger.find((e) => e.label === 'Faktura 2019017')!.actionId]);
    expect(jan.parameters).toMatchObject({ notDue: 2 });
    const later = planSweep(ledger, '2032-01-01');
    expect(later.actions.map((a) => a.label).sort()).toEqual(['Faktura 2019017', 'Faktura 2024033', 'Kund 1050']);
    expect(isDue(ledger[0]!, '2031-12-31')).toBe(false);
  });

  it('a legal hold keeps a due item; an entry without a date is reported', () => {
    const base: LedgerEntry = { source: 'visma', connector: 'visma', locator: { file: 'visma/invoices.json', pointer: '/Data/0' }, retainUntil: '2020-12-31', label: 'Faktura 1' };
    const plan = planSweep([{ ...base, hold: true }, { ...base, locator: { file: 'visma/invoices.json', pointer: '/Data/1' }, retainUntil: undefined }], '2026-01-01');
    expect(plan.actions).toHaveLength(0);
    expect(plan.warnings.map((w) => w.code).sort()).toEqual(['sweep.hold', 'sweep.no-date']);
  });

  it('is deterministic', async () => {
    const ledger = ledgerEntries(await erasure());
    expect(serialisePlan(planSweep(ledger, '2032-06-01'))).toBe(serialisePlan(planSweep([...ledger].reverse(), '2032-06-01')));
  });
});
