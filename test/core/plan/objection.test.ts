import { describe, expect, it } from 'vitest';
import { PlanInputError, planObjection, planWithdrawConsent, type Plan, type SubjectPlanInput } from '../../../src/core/plan/index.ts';
import type { MatchedRecord } from '../../../src/core/match/matcher.ts';
import {
  SECRET,
  SOURCES,
  SRC,
  gaEvent,
  limeConsent,
  limeHistory,
  limePerson,
  mailchimpActivity,
  mailchimpMember,
  match,
  o365Message,
  register,
  sieVoucher,
  vismaCustomer,
  vismaInvoice,
  vismaLedgerItem,
  type Customer,
} from './helpers.ts';

const marta: Customer = { guid: 'c-1044', no: '1044', name: 'Märta Öberg', email: 'marta.oberg@mail.example', mobile: '0701740633', street: 'Södra Storgatan 7', postcode: '252 23', city: 'Helsingborg', labels: ['Nyhetsbrev'] };

function matches(): MatchedRecord[] {
  return [
    match(SRC.lime, limePerson(1003, { first: 'Märta', last: 'Öberg', email: marta.email, mobile: '070-174 06 33' })),
    match(SRC.lime, limeHistory(5103, 1003, 'Offert'), { holders: ['person'] }),
    match(SRC.lime, limeConsent(7003, 1003), { holders: ['person'] }),
    match(SRC.visma, vismaCustomer(marta, 3)),
    match(SRC.visma, vismaInvoice(marta, '2025007', '2025-02-03', 3), { holders: ['customer'] }),
    match(SRC.visma, vismaLedgerItem(marta, '2025007', '2025-02-28', 3), { holders: ['customer'] }),
    match(SRC.visma, sieVoucher(marta, 368, '2025-02-03'), { holders: ['customer'] }),
    match(SRC.o365, o365Message(0, marta.email!, 'Fråga', '2025-03-01'), { holders: ['sender'] }),
    match(SRC.newsletter, mailchimpMember(1, marta.email!, 'Märta', 'Öberg', '0701740633')),
    match(SRC.newsletter, mailchimpActivity(1, marta.email!)),
    match(SRC.ga, gaEvent(1, '1234567890.1747037650')),
  ];
}

async function input(): Promise<SubjectPlanInput> {
  return { asOf: '2026-02-10', register: await register(), matches: matches(), sources: SOURCES, suppressionSecret: SECRET, gaPropertyId: '99' };
}

const of = (plan: Plan, label: string) => plan.actions.filter((a) => a.label === label);
const BOOKKEEPING = ['Faktura 2025007', 'Kundreskontra faktura 2025007', 'Verifikation F368', 'Kund 1044'];
/** The accounting records proper: no plan of these kinds changes anything in them. */
const ACCOUNTS = BOOKKEEPING.filter((l) => l !== 'Kund 1044');

describe('objection to direct marketing (Art. 21(3)): absolute', () => {
  it('never touches invoices, payments or vouchers, and keeps the customer card, only its marketing label removed (DM-4, DM-1)', async () => {
    const plan = planObjection(await input(), { marketing: true });
    for (const label of ACCOUNTS) {
      expect(of(plan, label), label).toHaveLength(0);
      expect(plan.unaffected.find((u) => u.label === label)).toMatchObject({ rule: 'DM-4' });
    }
    // The card's "Nyhetsbrev" label is a marketing segment: removed; nothing else on the card changes.
    expect(of(plan, 'Kund 1044')).toMatchObject([{ action: 'unsubscribe', primary: true, rule: 'DM-1', fields: { CustomerLabels: null } }]);
    expect(Object.keys(of(plan, 'Kund 1044')[0]!.fields!)).toEqual(['CustomerLabels']);
    for (const n of plan.actions.filter((a) => a.action === 'notify-recipient')) expect(['auditor', 'authorities', 'payment-providers']).not.toContain(n.recipient!.id);
  });

  it('unsubscribes the newsletter at once, then erases it; erases engagement data; opts the CRM person out', async () => {
    const plan = planObjection(await input(), { marketing: true });
    const member = of(plan, 'Mailchimp member (subscribed)');
    expect(member.map((a) => [a.action, a.primary, a.rule])).toEqual([
      ['delete', false, 'DM-4'],
      ['unsubscribe', true, 'DM-1'],
    ]);
    expect(member[0]!.refs).toEqual([member[1]!.id]);
    expect(of(plan, 'campaign c1: 1 event')).toMatchObject([{ action: 'delete', primary: true, rule: 'DM-4' }]);
    expect(of(plan, 'person 1003')).toMatchObject([{ action: 'unsubscribe', primary: true, rule: 'DM-1' }]);
    // Lime consent: a new consent that says no; the history is proof and stays.
    const consent = of(plan, 'consent 7003');
    expect(consent).toMatchObject([{ action: 'unsubscribe', rule: 'DM-1' }]);
    expect(consent[0]!.instructions?.en).toMatch(/approved=false/u);
    // Analytics has purposes beyond marketing: kept, its marketing use stopped.
    expect(of(plan, 'page_view')).toMatchObject([{ action: 'restrict', scope: 'marketing' }]);
    // Not marketing data: unaffected.
    expect(plan.unaffected.map((u) => u.label)).toEqual(expect.arrayContaining(['history 5103', 'message 0']));
  });

  it('suppresses the e-mail address and phone number only, with their channels (DM-3)', async () => {
    const plan = planObjection(await input(), { marketing: true });
    const sup = plan.actions.filter((a) => a.action === 'suppress').map((a) => [a.suppression!.kind, a.suppression!.channel, a.suppression!.ground, a.rule]);
    expect(sup.sort()).toEqual([
      ['email', 'email', 'objection', 'DM-3'],
      ['phone', 'phone', 'objection', 'DM-3'],
    ]);
  });

  it('profiling: every record the register says is profiled is excluded from profiling; bookkeeping is not', async () => {
    const plan = planObjection(await input(), { profiling: true });
    const restricted = plan.actions.filter((a) => a.action === 'restrict');
    expect(restricted.every((a) => a.scope === 'profiling' && a.primary)).toBe(true);
    expect(restricted.map((a) => a.label).sort()).toEqual(['Mailchimp member (subscribed)', 'campaign c1: 1 event', 'history 5103', 'page_view', 'person 1003'].sort());
    expect(plan.actions.filter((a) => a.action === 'suppress')).toHaveLength(0);
    for (const label of BOOKKEEPING) expect(of(plan, label)).toHaveLength(0);
  });

  it('both: one primary action per record; profiling of deleted data is not restricted separately', async () => {
    const plan = planObjection(await input(), { marketing: true, profiling: true });
    const primaries = new Map<string, number>();
    for (const a of plan.actions.filter((x) => x.primary)) primaries.set(a.label!, (primaries.get(a.label!) ?? 0) + 1);
    for (const n of primaries.values()) expect(n).toBe(1);
    expect(of(plan, 'person 1003').map((a) => [a.action, a.primary])).toEqual([
      ['restrict', false],
      ['unsubscribe', true],
    ]);
    expect(of(plan, 'campaign c1: 1 event').map((a) => a.action)).toEqual(['delete']);
  });

  it('needs to know what the objection is to', async () => {
    expect(() => planObjection({ asOf: '2026-01-01', register: { processing: {}, recipients: {} }, matches: [], sources: [], suppressionSecret: SECRET }, {})).toThrow(PlanInputError);
  });
});

describe('consent withdrawal (Art. 7(3))', () => {
  it('erases what rested on consent alone, stops marketing, and keeps what has another basis, saying why', async () => {
    const plan = planWithdrawConsent(await input());
    expect(plan.kind).toBe('withdraw-consent');
    // Consent only: newsletter activity and web analytics are erased; Google gets a deletion request.
    expect(of(plan, 'campaign c1: 1 event')).toMatchObject([{ action: 'delete', rule: 'ER-1' }]);
    const ga = of(plan, 'page_view')[0]!;
    expect(ga.action).toBe('delete');
    expect(plan.actions.filter((a) => a.action === 'request-deletion').map((a) => a.id)).toEqual(ga.refs);
    // Marketing ends whatever else it rested on; the soft opt-in ends for good, so the subscriber goes too.
    expect(of(plan, 'Mailchimp member (subscribed)').map((a) => [a.action, a.primary])).toEqual([
      ['delete', false],
      ['unsubscribe', true],
    ]);
    expect(of(plan, 'person 1003')).toMatchObject([{ action: 'unsubscribe' }]);
    expect(of(plan, 'consent 7003')).toMatchObject([{ action: 'unsubscribe', rule: 'DM-5' }]);
    // Other bases: kept and explained; bookkeeping untouched, the card's marketing label removed (DM-1).
    for (const label of [...ACCOUNTS, 'history 5103', 'message 0']) expect(of(plan, label), label).toHaveLength(0);
    expect(of(plan, 'Kund 1044')).toMatchObject([{ action: 'unsubscribe', fields: { CustomerLabels: null } }]);
    expect(plan.unaffected.find((u) => u.label === 'Faktura 2025007')!.reason).toMatch(/does not rest on consent/u);
    expect(plan.actions.filter((a) => a.action === 'suppress').every((a) => a.suppression!.ground === 'withdrawal')).toBe(true);
  });

  it('a record on consent and another basis is kept for the other purpose, with the reason', async () => {
    const reg = await register();
    const participant = { ...limeHistory(9001, 1003, 'Anmäld till frukostseminarium'), entity: 'participant', category: 'crm-event', label: 'participant 9001' };
    const plan = planWithdrawConsent({ asOf: '2026-02-10', register: reg, matches: [match(SRC.lime, participant, { holders: ['person'] })], sources: SOURCES, suppressionSecret: SECRET });
    expect(plan.actions.filter((a) => a.primary)).toHaveLength(0);
    expect(plan.unaffected[0]!.reason).toMatch(/another legal basis/u);
  });
});

describe('DM-1: consent flags of a record kept for other purposes are turned off', () => {
  /** A Visma Administration customer row (KUND.DBF), as its connector describes it: REKL_* are `consent`. */
  const DESCRIBED: Record<string, { category: string }> = {
    KUNDNR: { category: 'customer-account' },
    NAMN: { category: 'identity' },
    EPOST: { category: 'contact' },
    REKL_EPOST: { category: 'consent' },
    REKL_SMS: { category: 'consent' },
    KREDITUPPL: { category: 'consent' },
  };
  const sources = SOURCES.map((s) => (s.connector === 'visma' ? { ...s, field: (_entity: string, name: string) => DESCRIBED[name] } : s));
  function dbfCustomer(flags: Record<string, unknown>, contactOnly = false): MatchedRecord {
    const rec = {
      entity: 'customer',
      locator: { file: 'visma/KUND.DBF', row: 2 },
      fields: { KUNDNR: '1044', NAMN: contactOnly ? 'Öbergs Café AB' : 'Märta Öberg', EPOST: 'marta.oberg@mail.example', ...flags },
      identifiers: [
        { kind: 'customerNo' as const, field: 'KUNDNR', value: '1044' },
        { kind: contactOnly ? ('company' as const) : ('name' as const), field: 'NAMN', value: contactOnly ? 'Öbergs Café AB' : 'Märta Öberg' },
        { kind: 'email' as const, field: 'EPOST', value: 'marta.oberg@mail.example', ...(contactOnly ? { holder: 'contact' } : {}) },
      ],
      holders: { self: { scope: contactOnly ? ('organisation' as const) : ('person' as const), role: 'customer' }, contact: { scope: 'person' as const, role: 'contact' } },
      category: 'customer',
      label: 'Kund 1044 (Visma Administration)',
    };
    return match(SRC.visma, rec, { holders: [contactOnly ? 'contact' : 'self'] });
  }
  const plans = async (m: MatchedRecord) => {
    const base = { asOf: '2026-02-10', register: await register(), matches: [m], sources, suppressionSecret: SECRET };
    return { objection: planObjection(base, { marketing: true }), withdrawal: planWithdrawConsent(base) };
  };

  it('objection and withdrawal: REKL_EPOST T → F, the flag already off and the rest of the card left alone', async () => {
    for (const plan of Object.values(await plans(dbfCustomer({ REKL_EPOST: 'T', REKL_SMS: 'F' })))) {
      const a = of(plan, 'Kund 1044 (Visma Administration)');
      expect(a).toMatchObject([{ action: 'unsubscribe', primary: true, rule: 'DM-1', fields: { REKL_EPOST: { from: 'T', to: 'F' } } }]);
      expect(Object.keys(a[0]!.fields!)).toEqual(['REKL_EPOST']);
      expect(a[0]!.instructions!.en).toMatch(/Change nothing else/u);
      expect(plan.unaffected).toEqual([]);
      // Visma is told, as the processor that keeps the card; not the auditor or the authorities.
      const told = plan.actions.filter((x) => x.action === 'notify-recipient').map((x) => x.recipient!.kind);
      expect(told.every((k) => k === 'processor')).toBe(true);
    }
  });

  it('the flag in its own notation: Ja/Nej, true/false, 1/0, a boolean', async () => {
    const cases: [unknown, string][] = [
      ['Ja', 'Nej'],
      ['true', 'false'],
      ['1', '0'],
      [true, 'false'],
      ['y', 'n'],
    ];
    for (const [on, off] of cases) {
      const { objection } = await plans(dbfCustomer({ REKL_EPOST: on }));
      expect(of(objection, 'Kund 1044 (Visma Administration)')[0]?.fields, String(on)).toEqual({ REKL_EPOST: { from: String(on), to: off } });
    }
    // Already off, or no flag at all: nothing to do, and the card stays unaffected.
    for (const flags of [{ REKL_EPOST: 'F' }, {}]) {
      const { objection } = await plans(dbfCustomer(flags));
      expect(objection.actions.filter((a) => a.primary)).toEqual([]);
      expect(objection.unaffected).toHaveLength(1);
    }
  });

  it('an objection to marketing leaves a consent that is not about marketing; a withdrawal of consent turns it off too', async () => {
    const { objection, withdrawal } = await plans(dbfCustomer({ REKL_EPOST: 'T', KREDITUPPL: 'T' }));
    expect(Object.keys(of(objection, 'Kund 1044 (Visma Administration)')[0]!.fields!)).toEqual(['REKL_EPOST']);
    expect(Object.keys(of(withdrawal, 'Kund 1044 (Visma Administration)')[0]!.fields!).sort()).toEqual(['KREDITUPPL', 'REKL_EPOST']);
  });

  it("a company's flag on a card whose contact person the subject is stays: it is the company's", async () => {
    const { objection } = await plans(dbfCustomer({ REKL_EPOST: 'T' }, true));
    expect(objection.actions.filter((a) => a.primary)).toEqual([]);
  });

  it("a CRM person's own marketing flag is listed with its unsubscribe; a newsletter member's fields are not", async () => {
    const person = limePerson(1003, { first: 'Märta', last: 'Öberg', email: marta.email });
    person.fields.nyhetsbrev = true;
    const member = mailchimpMember(1, marta.email!, 'Märta', 'Öberg');
    member.fields.TAGS = 'Kurser';
    const plan = planObjection({ asOf: '2026-02-10', register: await register(), matches: [match(SRC.lime, person), match(SRC.newsletter, member)], sources: SOURCES, suppressionSecret: SECRET }, { marketing: true });
    expect(of(plan, 'person 1003')).toMatchObject([{ action: 'unsubscribe', fields: { nyhetsbrev: { from: 'true', to: 'false' } } }]);
    expect(of(plan, 'Mailchimp member (subscribed)').find((a) => a.primary)!.fields).toBeUndefined();
  });
});
