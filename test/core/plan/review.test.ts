/**
 * The officer's review (deselectActions) and the re-appearance check
 * (SuppressionCheck): pure, deterministic, and never holding a value.
 */
import { describe, expect, it } from 'vitest';
import {
  PlanInputError,
  SuppressionCheck,
  deselectActions,
  phoneTailKey,
  planErasure,
  serialisePlan,
  suppressionKey,
  verifyPlanHash,
  type Plan,
  type SuppressionListEntry,
} from '../../../src/core/plan/index.ts';
import { SECRET, SOURCES, SRC, gaEvent, limeHistory, limePerson, mailchimpMember, match, register, vismaCustomer, vismaInvoice, type Customer } from './helpers.ts';

const anna: Customer = { guid: 'c-anna', no: '1050', name: 'Anna Svensson', email: 'anna@mail.example', street: 'Storgatan 14', postcode: '252 21', city: 'Helsingborg', note: 'x' };

async function erasure(): Promise<Plan> {
  return planErasure({
    asOf: '2026-01-31',
    register: await register(),
    sources: SOURCES,
    suppressionSecret: SECRET,
    subjectIdentifiers: [{ kind: 'email', value: 'anna@mail.example' }],
    matches: [
      match(SRC.lime, limeHistory(5101, 1001, 'note'), { holders: ['person'] }),
      match(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0), { holders: ['customer'] }),
      match(SRC.visma, vismaCustomer(anna, 0)),
      match(SRC.newsletter, mailchimpMember(0, 'anna@mail.example', 'Anna', 'Svensson', '070-174 06 90')),
      match(SRC.ga, gaEvent(1, '1234567890.1747037650')),
      match(SRC.ga, gaEvent(2, '1234567890.1747037650')),
    ],
  });
}

describe('deselectActions', () => {
  it('moves a primary action and its record to deselected, names the actor, and rehashes', async () => {
    const plan = await erasure();
    const member = plan.actions.find((a) => a.primary && a.category === 'newsletter-member')!;
    const out = deselectActions(plan, [member.id], 'Karin Ek');
    expect(out.actions.some((a) => a.id === member.id)).toBe(false);
    expect(out.deselected![0]).toEqual({ ...member, deselected: { by: 'Karin Ek', reason: 'deselected by Karin Ek' } });
    // The newsletter tool's notice reported only that record: it goes too.
    expect(out.deselected!.slice(1).map((a) => [a.action, a.recipient?.id])).toEqual([['notify-recipient', 'newsletter-provider']]);
    expect(out.summary.deselected).toBe(1);
    expect(out.summary.actions.delete).toBe(plan.summary.actions.delete! - 1);
    expect(out.planHash).not.toBe(plan.planHash);
    expect(verifyPlanHash(out)).toBe(true);
    // The same selection gives the same bytes.
    expect(serialisePlan(deselectActions(plan, [member.id], 'Karin Ek'))).toBe(serialisePlan(out));
    // Nothing selected: the plan as it was.
    expect(deselectActions(plan, [], 'Karin Ek')).toBe(plan);
  });

  it("drops a Google request no event refers to any more, and trims the notices' references", async () => {
    const plan = await erasure();
    const events = plan.actions.filter((a) => a.primary && a.category === 'web-analytics');
    expect(events).toHaveLength(2);
    const req = plan.actions.find((a) => a.action === 'request-deletion')!;
    const one = deselectActions(plan, [events[0]!.id], 'x');
    expect(one.actions.some((a) => a.id === req.id)).toBe(true);
    const both = deselectActions(plan, events.map((e) => e.id), 'x');
    expect(both.actions.some((a) => a.id === req.id)).toBe(false);
    expect(both.deselected!.map((a) => a.action).sort()).toEqual(['delete', 'delete', 'notify-recipient', 'request-deletion']);
    const google = both.actions.find((a) => a.action === 'notify-recipient' && a.recipient?.id === 'google');
    expect(google).toBeUndefined();
    for (const n of both.actions.filter((a) => a.action === 'notify-recipient')) for (const r of n.refs ?? []) expect(both.actions.some((a) => a.id === r)).toBe(true);
  });

  it('refuses ids that are not primary actions of the plan', async () => {
    const plan = await erasure();
    const suppress = plan.actions.find((a) => a.action === 'suppress')!;
    expect(() => deselectActions(plan, ['nope', suppress.id], 'x')).toThrow(PlanInputError);
  });
});

describe('review and the reply (ER-4)', () => {
  it('a record left out at the review is not acted on: the reply becomes a partial refusal, even of a plan that retains nothing', async () => {
    const plan = planErasure({
      asOf: '2026-01-31',
      register: await register(),
      sources: SOURCES,
      suppressionSecret: SECRET,
      matches: [match(SRC.newsletter, mailchimpMember(0, 'anna@mail.example', 'Anna', 'Svensson')), match(SRC.lime, limeHistory(5101, 1001, 'note'), { holders: ['person'] })],
    });
    expect(plan.reply).toBeUndefined();
    const note = plan.actions.find((a) => a.primary && a.label === 'history 5101')!;
    const out = deselectActions(plan, [note.id], 'Karin Ek');
    expect(out.reply).toMatchObject({ partialRefusal: true, rule: 'ER-4', retained: 0, deselected: 1 });
    expect(verifyPlanHash(out)).toBe(true);
  });
});

describe('SuppressionCheck', () => {
  const reg = { processing: {} as Record<string, { erasure: 'R' | 'S' | 'M' | 'O'; purposes: string[]; legalBases: string[]; recipients: string[]; profiling: boolean }>, recipients: {} };
  const entry = (kind: string, value: string, extra: Partial<SuppressionListEntry> = {}): SuppressionListEntry => ({
    hash: suppressionKey(kind as never, value, SECRET),
    kind,
    channel: 'all',
    ground: 'erasure',
    since: '2026-01-31',
    planHash: 'p'.repeat(64),
    ...extra,
  });

  it('finds a listed identifier in any notation, names the plan and never the value', async () => {
    const r = await register();
    const check = new SuppressionCheck(
      [entry('email', 'anna@mail.example', { caseId: 'DSAR-2026-0001' }), entry('phone', '+46701740690', { tail: phoneTailKey('+46701740690', SECRET) })],
      SECRET,
      r,
      SOURCES,
    );
    const hit = check.check(SRC.newsletter, mailchimpMember(3, ' ANNA@mail.example', 'Anna', 'Svensson', '070-174 06 90'))!;
    expect(hit).toMatchObject({ source: 'newsletter', kinds: ['email', 'phone'], kind: 'email', ground: 'erasure', plan: 'p'.repeat(64), caseId: 'DSAR-2026-0001', since: '2026-01-31', planned: false });
    expect(JSON.stringify(hit)).not.toMatch(/anna@|740690/iu);
    // Only the phone, in another notation.
    expect(check.check(SRC.lime, limePerson(1009, { first: 'X', last: 'Y', mobile: '+46 70 174 06 90' }))?.kinds).toEqual(['phone']);
    expect(check.check(SRC.lime, limePerson(1010, { first: 'X', last: 'Y', email: 'other@mail.example', mobile: '070-174 06 91' }))).toBeUndefined();
  });

  it('a GA user_id read as another kind (a customer number) is checked as the user id it is listed as', async () => {
    const r = await register();
    const check = new SuppressionCheck([entry('userId', '1044')], SECRET, r, SOURCES);
    // A later visit: logged in again, under a new client id.
    const hit = check.check(SRC.ga, gaEvent(9, '7777777777.1760000000', '1044', 'customerNo'));
    expect(hit).toMatchObject({ source: 'ga', kinds: ['userId'], ground: 'erasure', planned: false });
    expect(check.check(SRC.ga, gaEvent(10, '7777777777.1760000000', '1045', 'customerNo'))).toBeUndefined();
    // Outside Google Analytics a customer number is the system's own key, not a GA user id.
    expect(check.check(SRC.visma, vismaCustomer({ ...anna, no: '1044' }, 0))).toBeUndefined();
  });

  it('retained bookkeeping is not a re-appearance; marketing entries count only in marketing-only data', async () => {
    const r = await register();
    const erased = new SuppressionCheck([entry('email', 'anna@mail.example')], SECRET, r, SOURCES);
    expect(erased.check(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0))).toBeUndefined();
    expect(erased.check(SRC.visma, vismaCustomer(anna, 0))).toBeUndefined();
    expect(erased.check(SRC.lime, limePerson(1001, { first: 'Anna', last: 'S', email: 'anna@mail.example' }))).toBeDefined();
    const objected = new SuppressionCheck([entry('email', 'anna@mail.example', { ground: 'objection', channel: 'email' })], SECRET, r, SOURCES);
    expect(objected.check(SRC.lime, limePerson(1001, { first: 'Anna', last: 'S', email: 'anna@mail.example' }))).toBeUndefined();
    expect(objected.check(SRC.newsletter, mailchimpMember(0, 'anna@mail.example', 'Anna', 'S'))).toMatchObject({ ground: 'objection' });
    // Without a register every erasure hit counts and no marketing one does.
    const member = mailchimpMember(0, 'anna@mail.example', 'Anna', 'S');
    expect(new SuppressionCheck([entry('email', 'anna@mail.example')], SECRET, reg, SOURCES).check(SRC.newsletter, member)).toBeDefined();
    expect(new SuppressionCheck([entry('email', 'anna@mail.example', { ground: 'objection', channel: 'email' })], SECRET, undefined, SOURCES).check(SRC.newsletter, member)).toBeUndefined();
  });

  it("tells the records a plan named from the ones it never saw, and a sole trader's org.nr is the personnummer", async () => {
    const r = await register();
    const rec = limePerson(1001, { first: 'Anna', last: 'S', email: 'anna@mail.example' });
    const named = new Set([`${'p'.repeat(64)}\u0000lime\u0000${[rec.locator.file, '', '', rec.locator.pointer, '', ''].join('\u0000')}`]);
    const check = new SuppressionCheck([entry('email', 'anna@mail.example'), entry('pnr', '197611059978')], SECRET, r, SOURCES, named);
    expect(check.check(SRC.lime, rec)?.planned).toBe(true);
    expect(check.check(SRC.lime, { ...rec, locator: { file: 'lime/restored.json', pointer: '/0' } })?.planned).toBe(false);
    const company = { entity: 'company', locator: { file: 'lime/company.json', pointer: '/1' }, fields: { registrationno: '761105-9978' }, identifiers: [{ kind: 'orgnr' as const, field: 'registrationno', value: '761105-9978' }], category: 'crm-company' };
    expect(check.check(SRC.lime, company)?.kinds).toEqual(['pnr']);
  });
});
