import { describe, expect, it } from 'vitest';
import { PlanInputError, planErasure, serialisePlan, suppressionKey, type ErasureInput, type Plan, type PlanAction } from '../../../src/core/plan/index.ts';
import type { MatchedRecord } from '../../../src/core/match/matcher.ts';
import type { FiscalYearSetup } from '../../../src/core/law/retention.ts';
import type { SourceRecord } from '../../../src/core/record.ts';
import {
  SECRET,
  SOURCES,
  SRC,
  gaEvent,
  limeCompany,
  limeConsent,
  limeDeal,
  limeHistory,
  limePerson,
  mailchimpActivity,
  mailchimpMember,
  match,
  o365Contact,
  o365Message,
  o365Trace,
  register,
  sieBalance,
  sieObject,
  sieVoucher,
  vismaCustomer,
  vismaInvoice,
  vismaLedgerItem,
  LINDQVIST_BYGG,
  sharedAddressCard,
  type Customer,
} from './helpers.ts';

async function erase(matches: MatchedRecord[], extra: Partial<ErasureInput> = {}): Promise<Plan> {
  return planErasure({ asOf: '2026-01-31', register: await register(), matches, sources: SOURCES, suppressionSecret: SECRET, gaPropertyId: '123456789', ...extra });
}

const primaryOf = (plan: Plan, label: string): PlanAction => {
  const found = plan.actions.filter((a) => a.primary && a.label === label);
  expect(found, `one primary action for ${label}`).toHaveLength(1);
  return found[0]!;
};

const anna: Customer = {
  guid: 'c-anna',
  no: '1050',
  name: 'Anna Svensson',
  email: 'anna.svensson@mail.example',
  extraEmail: 'anna.privat@mail.example',
  mobile: '070-174 06 71',
  note: 'Spelar golf, ring efter 17',
  labels: ['Nyhetsbrev', 'Golf'],
  street: 'Storgatan 14',
  postcode: '252 21',
  city: 'Helsingborg',
};

describe('BF-1 through the planner: the worked examples of legal-rules.md §12.1', () => {
  const cases: { id: string; fy: FiscalYearSetup; date: string; paid?: string; until: string; from: string }[] = [
    { id: 'R1', fy: { start: '01-01' }, date: '2019-03-15', until: '2026-12-31', from: '2027-01-01' },
    { id: 'R2', fy: { start: '07-01' }, date: '2019-03-15', until: '2026-12-31', from: '2027-01-01' },
    { id: 'R3', fy: { start: '07-01' }, date: '2019-08-01', until: '2027-12-31', from: '2028-01-01' },
    { id: 'R4', fy: { start: '09-01', periods: [{ start: '2019-03-01', end: '2020-08-31' }] }, date: '2019-03-15', until: '2027-12-31', from: '2028-01-01' },
    { id: 'R5', fy: { start: '01-01' }, date: '2024-05-10', until: '2031-12-31', from: '2032-01-01' },
    { id: 'R6', fy: { start: '01-01' }, date: '2019-12-20', paid: '2020-01-15', until: '2027-12-31', from: '2028-01-01' },
  ];
  for (const c of cases) {
    it(`${c.id}: an invoice dated ${c.date}${c.paid ? ` and paid ${c.paid}` : ''} is retained through ${c.until}`, async () => {
      const inv = vismaInvoice(anna, 'F1', c.date, 0, c.paid ? { paymentDate: c.paid } : {});
      const plan = await erase([match(SRC.visma, inv, { holders: ['customer'] })], { fiscalYear: c.fy });
      const a = primaryOf(plan, 'Faktura F1');
      expect(a).toMatchObject({ action: 'retain', rule: 'BF-1', retainUntil: c.until, deletableFrom: c.from, legalBasis: 'Art. 17(3)(b) + BFL 7 kap. 2 §' });
      expect(a.reason).toMatch(/ER-2/u);
      expect(a.reason).toMatch(/restricted/u);
      expect(plan.parameters.fiscalYearStart).toBe(c.fy.start);
    });
  }

  it('the issue acceptance: 2019-03-15 in a calendar year is kept until 2026-12-31; in the July-June year ending 2020-06-30, until 2027-12-31', async () => {
    const cal = await erase([match(SRC.visma, vismaInvoice(anna, 'F1', '2019-03-15', 0), { holders: ['customer'] })]);
    expect(primaryOf(cal, 'Faktura F1').retainUntil).toBe('2026-12-31');
    for (const date of ['2019-08-01', '2020-06-30']) {
      const broken = await erase([match(SRC.visma, vismaInvoice(anna, 'F1', date, 0), { holders: ['customer'] })], { fiscalYear: { start: '07-01' } });
      expect(primaryOf(broken, 'Faktura F1').retainUntil).toBe('2027-12-31');
    }
  });
});

describe('legal-rules.md §12.3: Anna asks to be erased on 2026-01-31', () => {
  async function annaPlan(): Promise<Plan> {
    return erase([
      match(SRC.newsletter, mailchimpMember(0, anna.email!, 'Anna', 'Svensson')),
      match(SRC.newsletter, mailchimpActivity(0, anna.email!)),
      match(SRC.lime, limePerson(1001, { first: 'Anna', last: 'Svensson', email: anna.email, mobile: anna.mobile })),
      match(SRC.lime, limeHistory(5101, 1001, 'Ringde om offert på golfresa'), { holders: ['person'] }),
      match(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0), { holders: ['customer'] }),
      match(SRC.visma, vismaInvoice(anna, '2024033', '2024-05-10', 1), { holders: ['customer'] }),
      match(SRC.visma, vismaCustomer(anna, 0)),
    ]);
  }

  it('newsletter: deleted permanently (Mailchimp delete-permanent), suppressed, and the newsletter tool told (Art. 19)', async () => {
    const plan = await annaPlan();
    const member = primaryOf(plan, 'Mailchimp member (subscribed)');
    expect(member).toMatchObject({ action: 'delete', rule: 'DM-1', class: 'M' });
    expect(member.request?.url).toMatch(/\/actions\/delete-permanent$/u);
    expect(member.instructions?.en).toMatch(/Cancel queued sends/u);
    expect(primaryOf(plan, 'campaign c1: 1 event').action).toBe('delete');
    const suppressed = plan.actions.filter((a) => a.action === 'suppress');
    expect(suppressed.map((a) => a.suppression!.kind).sort()).toEqual(['email', 'email', 'phone']);
    expect(suppressed.every((a) => a.suppression!.ground === 'erasure' && a.suppression!.since === '2026-01-31' && /^[0-9a-f]{64}$/u.test(a.suppression!.hash))).toBe(true);
    const notified = plan.actions.filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id);
    expect(notified).toContain('newsletter-provider');
    expect(notified).toContain('lime');
    // A plan is in English: the register's English name and country of each recipient.
    const provider = plan.actions.find((a) => a.recipient?.id === 'newsletter-provider')!.recipient!;
    expect([provider.name, provider.country]).toEqual(["The newsletter tool's provider (Intuit Mailchimp)", 'USA']);
    expect(plan.actions.find((a) => a.recipient?.id === 'lime')!.recipient!.country).toBe('Sweden');
  });

  it('CRM notes and the CRM person are deleted (class O)', async () => {
    const plan = await annaPlan();
    expect(primaryOf(plan, 'history 5101')).toMatchObject({ action: 'delete', rule: 'ER-1' });
    expect(primaryOf(plan, 'person 1001')).toMatchObject({ action: 'delete', rule: 'ER-1' });
  });

  it('the FY2019 invoice is retained until 2026-12-31 and the FY2024 invoice until 2031-12-31', async () => {
    const plan = await annaPlan();
    expect(primaryOf(plan, 'Faktura 2019017')).toMatchObject({ action: 'retain', retainUntil: '2026-12-31', deletableFrom: '2027-01-01' });
    expect(primaryOf(plan, 'Faktura 2024033')).toMatchObject({ action: 'retain', retainUntil: '2031-12-31', deletableFrom: '2032-01-01' });
  });

  it('customer master data is retained until the latest date (2031-12-31), reduced to the fields on the invoices', async () => {
    const plan = await annaPlan();
    const card = primaryOf(plan, 'Kund 1050');
    expect(card).toMatchObject({ action: 'retain', class: 'S', retainUntil: '2031-12-31', deletableFrom: '2032-01-01', legalBasis: 'Art. 17(3)(b) + BFL 7 kap. 2 §' });
    // Notes, the extra address, the mobile and marketing labels are on no invoice: cleared now.
    expect(card.fields).toEqual({ Note: null, CustomerLabels: null, 'EmailAddresses/0': null, MobilePhone: null });
    // Name, invoice address and the invoice e-mail stay: they are on the retained invoices.
    expect(card.instructions?.en).toMatch(/Clear the 4 listed fields now/u);
    // The clearing is an erasure in Visma's system: Visma is told; the auditor and authorities are not.
    const notified = plan.actions.filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id);
    expect(notified).toContain('visma');
    expect(notified).not.toContain('auditor');
    expect(notified).not.toContain('authorities');
    expect(notified).not.toContain('payment-providers');
  });

  it('the retained invoices give no Art. 19 notice (NT-1); the notices name what they report', async () => {
    const plan = await annaPlan();
    const retained = new Set(plan.actions.filter((a) => a.action === 'retain' && a.class === 'R').map((a) => a.id));
    for (const n of plan.actions.filter((a) => a.action === 'notify-recipient')) {
      expect(n.refs!.some((r) => retained.has(r))).toBe(false);
      expect(n.recipient!.name.length).toBeGreaterThan(0);
    }
  });

  it('never writes an identifier of the subject in clear into the plan, and reasons carry no personal data', async () => {
    const plan = await annaPlan();
    const text = serialisePlan(plan);
    for (const v of [anna.email!, anna.extraEmail!, '0701740671', '070-174 06 71', '+46701740671']) expect(text).not.toContain(v);
    for (const a of plan.actions) for (const v of ['Anna', 'Svensson', 'golf', 'Storgatan', '1050']) expect(a.reason).not.toContain(v);
  });
});

describe('ER-5: räkenskapsinformation whose retention date has passed is erased, not refused', () => {
  const records = (): MatchedRecord[] => [
    match(SRC.visma, vismaInvoice(anna, '2019017', '2019-03-15', 0), { holders: ['customer'] }),
    match(SRC.visma, vismaCustomer(anna, 0)),
  ];

  it('on its last day to keep (BF-1 is inclusive) the invoice and the card are still retained', async () => {
    const plan = await erase(records(), { asOf: '2026-12-31' });
    expect(primaryOf(plan, 'Faktura 2019017')).toMatchObject({ action: 'retain', retainUntil: '2026-12-31' });
    expect(primaryOf(plan, 'Kund 1050')).toMatchObject({ action: 'retain', retainUntil: '2026-12-31' });
  });

  it('the day after, both are deleted under ER-5, and nothing cites Art. 17(3)(b) for them', async () => {
    const plan = await erase(records(), { asOf: '2027-01-01' });
    const invoice = primaryOf(plan, 'Faktura 2019017');
    expect(invoice).toMatchObject({ action: 'delete', rule: 'ER-5' });
    expect(invoice.retainUntil).toBeUndefined();
    expect(invoice.reason).toMatch(/last day to keep was 2026-12-31/u);
    const card = primaryOf(plan, 'Kund 1050');
    expect(card).toMatchObject({ action: 'delete', rule: 'ER-5' });
    expect(card.review).toBeUndefined();
    expect(plan.actions.filter((a) => a.action === 'retain')).toEqual([]);
    // Deleting in Visma is an erasure there: Visma is told (Art. 19).
    expect(plan.actions.filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id)).toContain('visma');
  });

  it('a card with one expired and one retained invoice is kept for the retained one', async () => {
    const plan = await erase([...records(), match(SRC.visma, vismaInvoice(anna, '2024033', '2024-05-10', 1), { holders: ['customer'] })], { asOf: '2027-06-01' });
    expect(primaryOf(plan, 'Faktura 2019017')).toMatchObject({ action: 'delete', rule: 'ER-5' });
    expect(primaryOf(plan, 'Faktura 2024033')).toMatchObject({ action: 'retain', retainUntil: '2031-12-31' });
    expect(primaryOf(plan, 'Kund 1050')).toMatchObject({ action: 'retain', retainUntil: '2031-12-31' });
  });

  it("a card dated only by its own last invoice date is deleted once that date's retention has passed", async () => {
    const card = (): MatchedRecord => match(SRC.visma, vismaCustomer({ ...anna, lastInvoiceDate: '2018-06-01' }, 0));
    expect(primaryOf(await erase([card()], { asOf: '2025-12-31' }), 'Kund 1050')).toMatchObject({ action: 'retain', retainUntil: '2025-12-31' });
    const plan = await erase([card()], { asOf: '2026-01-31' });
    expect(primaryOf(plan, 'Kund 1050')).toMatchObject({ action: 'delete', rule: 'ER-5' });
    expect(primaryOf(plan, 'Kund 1050').reason).toMatch(/last day to keep was 2025-12-31/u);
  });
});

describe('a plan made without some files', () => {
  it('names every file the search could not read in its warnings, so that it never looks complete', async () => {
    const records = (): MatchedRecord[] => [match(SRC.visma, vismaCustomer(anna, 0))];
    const whole = await erase(records());
    const partial = await erase(records(), { notRead: [{ source: 'ga4-bigquery', file: 'bigquery/events_20250513.json', line: 3 }, { source: 'lime' }] });
    const unread = partial.warnings.filter((w) => w.code === 'source.not-read').map((w) => w.message);
    expect(unread).toHaveLength(2);
    expect(unread.some((m) => m.startsWith('bigquery/events_20250513.json:3 (source ga4-bigquery) could not be read'))).toBe(true);
    expect(unread.some((m) => m.startsWith('Source lime could not be read'))).toBe(true);
    expect(whole.warnings.some((w) => w.code === 'source.not-read')).toBe(false);
    // The same actions, but not the same plan.
    expect(partial.actions).toEqual(whole.actions);
    expect(partial.planHash).not.toBe(whole.planHash);
  });
});

describe('every record gets exactly one primary action; bookkeeping is never deleted and nothing else is kept', () => {
  const p3: Customer = { guid: 'c-1044', no: '1044', name: 'Märta Öberg', email: 'marta.oberg@mail.example', mobile: '0701740633', street: 'Södra Storgatan 7', postcode: '252 23', city: 'Helsingborg', note: 'Vill ha faktura per post' };
  function all(): MatchedRecord[] {
    return [
      match(SRC.lime, limePerson(1003, { first: 'Märta', last: 'Öberg', email: p3.email, mobile: '070-174 06 33', misc: 'Träffades på mässan' })),
      match(SRC.lime, limeHistory(5103, 1003, 'Offert skickad')),
      match(SRC.lime, limeDeal(4003, 1003, undefined, 'Konsultuppdrag'), { holders: ['person'] }),
      match(SRC.lime, limeConsent(7003, 1003), { holders: ['person'] }),
      match(SRC.visma, vismaCustomer(p3, 3)),
      match(SRC.visma, vismaInvoice(p3, '2025007', '2025-02-03', 3), { holders: ['customer'] }),
      match(SRC.visma, vismaLedgerItem(p3, '2025007', '2025-02-28', 3), { holders: ['customer'] }),
      match(SRC.visma, sieVoucher(p3, 368, '2025-02-03'), { holders: ['customer'] }),
      match(SRC.visma, sieObject(p3, 364, '2025-12-31')),
      match(SRC.o365, o365Contact(2, p3.email!, 'Märta Öberg', '070-174 06 33')),
      match(SRC.o365, o365Message(0, p3.email!, 'Fråga om kurs', '2025-03-01'), { holders: ['sender'] }),
      match(SRC.o365, o365Message(1, p3.email!, 'Faktura 2025007', '2025-02-03', true), { holders: ['sender'] }),
      match(SRC.o365, o365Trace(4, p3.email!, '2025-11-02'), { holders: ['sender'] }),
      match(SRC.newsletter, mailchimpMember(1, p3.email!, 'Märta', 'Öberg', '0701740633')),
      match(SRC.newsletter, mailchimpActivity(1, p3.email!)),
      match(SRC.ga, gaEvent(1, '1234567890.1747037650')),
      match(SRC.ga, gaEvent(2, '1234567890.1747037650', 'u-1003')),
    ];
  }

  it('one primary action per record, with a reason and a rule id', async () => {
    const matches = all();
    const plan = await erase(matches);
    for (const m of matches) {
      const mine = plan.actions.filter((a) => a.source === SOURCES[m.source]!.name && JSON.stringify(a.locator) === JSON.stringify(m.record.locator) && a.primary);
      expect(mine, m.record.label).toHaveLength(1);
      expect(mine[0]!.reason.length).toBeGreaterThan(40);
      expect(mine[0]!.rule).toMatch(/^[A-Z]{2}-\d$/u);
    }
    expect(plan.summary.records).toBe(matches.length);
  });

  it('räkenskapsinformation (R, or flagged) is retained; classes M and O are never retained', async () => {
    const matches = all();
    const plan = await erase(matches);
    for (const a of plan.actions.filter((x) => x.primary)) {
      if (a.class === 'R') expect(a.action, a.label).toBe('retain');
      else if (a.class === 'S') expect(['retain', 'anonymise']).toContain(a.action);
      else expect(a.action, a.label).not.toBe('retain');
    }
    // Invoice, ledger item, voucher, SIE object and the invoice e-mail.
    expect(plan.actions.filter((a) => a.action === 'retain' && a.class === 'R').map((a) => a.label).sort()).toEqual(
      ['#OBJEKT 8 1044', 'Faktura 2025007', 'Kundreskontra faktura 2025007', 'Verifikation F368', 'message 1'].sort(),
    );
    expect(primaryOf(plan, 'Kund 1044')).toMatchObject({ action: 'retain', retainUntil: '2032-12-31' });
  });

  it('an e-mail that may carry an invoice is retained for review (BF-2), never deleted unseen', async () => {
    const plan = await erase(all());
    const mail = primaryOf(plan, 'message 1');
    expect(mail).toMatchObject({ action: 'retain', class: 'R', retainUntil: '2032-12-31', review: true });
    expect(plan.warnings.some((w) => w.code === 'retain.review' && w.actionId === mail.id)).toBe(true);
    expect(primaryOf(plan, 'message 0').action).toBe('delete');
  });

  it('Google Analytics: the exported rows are deleted and one User Deletion request is made per distinct id', async () => {
    const plan = await erase(all());
    const requests = plan.actions.filter((a) => a.action === 'request-deletion');
    expect(requests.map((r) => (r.request!.body as { id: { type: string; userId: string } }).id)).toEqual(
      expect.arrayContaining([
        { type: 'CLIENT_ID', userId: '1234567890.1747037650' },
        { type: 'USER_ID', userId: 'u-1003' },
      ]),
    );
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.request).toMatchObject({ method: 'POST', url: 'https://www.googleapis.com/analytics/v3/userDeletion/userDeletionRequests:upsert' });
      expect(r.request!.body).toMatchObject({ kind: 'analytics#userDeletionRequest', propertyId: '123456789' });
    }
    const events = plan.actions.filter((a) => a.label === 'page_view');
    expect(events.map((e) => [e.action, e.primary, e.refs!.length])).toEqual([
      ['delete', true, 1],
      ['delete', true, 2],
    ]);
    expect(events[0]!.instructions?.en).toMatch(/BigQuery/u);
    const ids = new Set(requests.map((r) => r.id));
    for (const e of events) for (const r of e.refs!) expect(ids.has(r)).toBe(true);
  });

  it('a user_id read as a customer number (userIdKind: customerNo) is still deleted and suppressed as the GA user id', async () => {
    // OJCO's portal sets user_id to the customer number: the connector reads it as customerNo, so that it links to Visma.
    const plan = await erase([
      match(SRC.ga, gaEvent(1, '1234567890.1747037650', '1044', 'customerNo')),
      match(SRC.ga, gaEvent(2, '5555555555.1750000000', '1044', 'customerNo')),
      // Found by her client id, but logged in as someone else (a shared computer): that login is not hers.
      match(SRC.ga, gaEvent(3, '1234567890.1747037650', '2001', 'customerNo'), { holders: [] }),
    ], { subjectIdentifiers: [{ kind: 'gaClientId', value: '1234567890.1747037650' }, { kind: 'customerNo', value: '1044' }] });
    const ids = plan.actions.filter((a) => a.action === 'request-deletion').map((r) => (r.request!.body as { id: { type: string; userId: string } }).id);
    expect(ids).toContainEqual({ type: 'USER_ID', userId: '1044' });
    expect(ids).toContainEqual({ type: 'CLIENT_ID', userId: '5555555555.1750000000' });
    const listed = plan.actions.filter((a) => a.action === 'suppress').map((a) => a.suppression!);
    expect(listed.filter((e) => e.kind === 'userId').map((e) => e.hash)).toEqual([suppressionKey('userId', '1044', SECRET)]);
    // The customer number itself is not listed: it stays in Visma with the retained records.
    expect(listed.map((e) => e.kind)).not.toContain('customerNo');
    // The other login is neither deleted from Google nor suppressed for her, and the plan says so.
    expect(ids.map((i) => i.userId)).not.toContain('2001');
    expect(plan.warnings.map((w) => w.code)).toContain('ga.user-id-not-own');
  });

  it('without a property id the request carries a placeholder and the plan warns', async () => {
    const plan = await erase([match(SRC.ga, gaEvent(1, '1234567890.1747037650'))], { gaPropertyId: undefined });
    const r = plan.actions.find((a) => a.action === 'request-deletion')!;
    expect(r.request!.body).toMatchObject({ propertyId: '<GA4_PROPERTY_ID>' });
    expect(plan.warnings.map((w) => w.code)).toContain('ga.property-id');
  });

  it('Lime: the consent stays as proof, so the person is anonymised (not deleted) and stays linked', async () => {
    const plan = await erase(all());
    const consent = primaryOf(plan, 'consent 7003');
    expect(consent).toMatchObject({ action: 'anonymise', rule: 'DM-5' });
    expect(consent.fields).toEqual({});
    const person = primaryOf(plan, 'person 1003');
    expect(person).toMatchObject({ action: 'anonymise', rule: 'ER-1' });
    expect(person.fields).toMatchObject({ firstname: 'PersonX', lastname: 'X-SON', misc: 'ANONYMIZED' });
    expect(person.instructions?.en).toMatch(/consent history stays linked/u);
    // A B2C deal has no organisation to keep it for: deleted.
    expect(primaryOf(plan, 'deal 4003').action).toBe('delete');
  });

  it('the subject is suppressed by every unique identifier, never by name, address or IP', async () => {
    const plan = await erase(all());
    const kinds = plan.actions.filter((a) => a.action === 'suppress').map((a) => a.suppression!.kind);
    expect(kinds.sort()).toEqual(['email', 'gaClientId', 'phone', 'userId']);
  });
});

describe('rows that stay for the integrity of other data', () => {
  const lindqvist: Customer = {
    guid: 'c-1042',
    no: '1042',
    name: 'Lindqvist Bygg AB',
    street: 'Verkstadsgatan 3',
    postcode: '252 25',
    city: 'Helsingborg',
    company: { contactName: 'Åsa Lindqvist', contactEmail: 'asa.lindqvist@lindqvistbygg.example', contactMobile: '070-174 06 05' },
  };

  it("a company's deal is anonymised: the contact person is unlinked and removed from its texts", async () => {
    const deal = limeDeal(4001, 1001, 2001, 'Tak för Åsa Lindqvist');
    const plan = await erase([match(SRC.lime, deal, { holders: ['person'], mentions: ['name'] })]);
    const a = primaryOf(plan, 'deal 4001');
    expect(a).toMatchObject({ action: 'anonymise', rule: 'ER-1', fields: { person: null, name: 'ANONYMIZED' } });
    expect(a.fields).not.toHaveProperty('company');
  });

  it("a company's customer card on which the subject is only the contact is anonymised, the company's data untouched", async () => {
    const plan = await erase([
      match(SRC.visma, vismaCustomer(lindqvist, 0), { holders: ['contact'] }),
      match(SRC.visma, vismaInvoice(lindqvist, '2025041', '2025-04-30', 0), { holders: ['customer'] }),
    ]);
    const card = primaryOf(plan, 'Kund 1042');
    expect(card).toMatchObject({ action: 'anonymise', class: 'S', fields: { ContactPersonName: null, ContactPersonEmail: null, ContactPersonMobile: null } });
    expect(Object.keys(card.fields!).sort()).toEqual(['ContactPersonEmail', 'ContactPersonMobile', 'ContactPersonName']);
  });

  it("…but keeps the contact's name when a retained invoice shows it (Your reference)", async () => {
    const plan = await erase([
      match(SRC.visma, vismaCustomer(lindqvist, 0), { holders: ['contact'] }),
      match(SRC.visma, vismaInvoice(lindqvist, '2025041', '2025-04-30', 0, { yourReference: 'Åsa Lindqvist' }), { holders: ['reference'] }),
    ]);
    const card = primaryOf(plan, 'Kund 1042');
    expect(card).toMatchObject({ action: 'retain', retainUntil: '2032-12-31', fields: { ContactPersonEmail: null, ContactPersonMobile: null } });
    expect(card.fields).not.toHaveProperty('ContactPersonName');
    // The company's invoice on which she is the reference is retained unchanged (ER-2).
    expect(primaryOf(plan, 'Faktura 2025041')).toMatchObject({ action: 'retain', retainUntil: '2032-12-31' });
  });

  it('a customer card without any retained document or invoice date is deleted, flagged for review', async () => {
    const plan = await erase([match(SRC.visma, vismaCustomer({ ...anna, note: undefined }, 0))]);
    const card = primaryOf(plan, 'Kund 1050');
    expect(card).toMatchObject({ action: 'delete', review: true });
    expect(plan.warnings.map((w) => w.code)).toContain('delete.review');
  });

  it("a customer card whose invoices are not in the exports keeps its own last invoice date's BF-1 date", async () => {
    const plan = await erase([match(SRC.visma, vismaCustomer({ ...anna, lastInvoiceDate: '2023-06-01' }, 0))]);
    const card = primaryOf(plan, 'Kund 1050');
    expect(card).toMatchObject({ action: 'retain', retainUntil: '2030-12-31' });
    // Only notes and marketing labels are cleared: what the invoices show cannot be checked.
    expect(card.fields).toEqual({ Note: null, CustomerLabels: null });
  });

  it('a Lime company record of the subject (a sole trader) is deleted when nothing refers to it', async () => {
    const plan = await erase([match(SRC.lime, limeCompany(2002, 'Bäckström Konsult', '761105-9978'))]);
    expect(primaryOf(plan, 'company 2002').action).toBe('delete');
    // The sole trader's org.nr is his personnummer: suppressed as a personnummer.
    expect(plan.actions.filter((a) => a.action === 'suppress').map((a) => a.suppression!.kind)).toEqual(['pnr']);
  });
});

describe('possible matches and bad input', () => {
  it('possible matches get no action unless confirmed, and are listed as excluded', async () => {
    const rec = o365Contact(9, 'other@mail.example', 'Anna Svensson');
    const m = match(SRC.o365, rec, { confidence: 'possible', nameOnly: true });
    const plan = await erase([m]);
    expect(plan.actions.filter((a) => a.source === 'o365')).toHaveLength(0);
    expect(plan.excluded).toHaveLength(1);
    expect(plan.excluded[0]).toMatchObject({ source: 'o365', confidence: 'possible', entity: 'contact' });
    expect(plan.actions.filter((a) => a.action === 'suppress')).toHaveLength(0);

    const confirmed = await erase([m], { confirmed: new Set([0]) });
    expect(primaryOf(confirmed, 'contact row 9')).toMatchObject({ action: 'delete', confidence: 'possible', confirmed: true });
    expect(confirmed.excluded).toHaveLength(0);
  });

  it('a record whose category the register does not describe stops the plan, naming the source (exit 2)', async () => {
    const rec = { ...limeHistory(5101, 1001, 'x'), category: 'crm-mystery' };
    await expect(erase([match(SRC.lime, rec, { holders: ['person'] })])).rejects.toBeInstanceOf(PlanInputError);
    await expect(erase([match(SRC.lime, rec, { holders: ['person'] })])).rejects.toMatchObject({ problems: [{ code: 'register.unexplained', source: 'lime' }] });
  });

  it('asOf must be a date', async () => {
    await expect(erase([], { asOf: '31/01/2026' })).rejects.toMatchObject({ problems: [{ code: 'plan.as-of' }] });
  });

  it('a retained record without a date is flagged for a person, and warned about', async () => {
    const plan = await erase([match(SRC.visma, sieObject(anna, 12))]);
    const a = primaryOf(plan, '#OBJEKT 8 1050');
    expect(a).toMatchObject({ action: 'retain', review: true });
    expect(a.retainUntil).toBeUndefined();
    expect(plan.warnings.map((w) => w.code)).toContain('retain.no-date');
  });
});

describe('class S keeps a personnummer only when a retained document shows it', () => {
  const rut: Customer = { guid: 'c-9', no: '9', name: 'Märta Öberg', email: 'marta.oberg@mail.example', pnr: '19920728-9969', street: 'Södra Storgatan 7', postcode: '252 23', city: 'Helsingborg' };

  it('a RUT invoice with the buyer\'s Ssn keeps it on the card; without one it is cleared', async () => {
    const withSsn = vismaInvoice(rut, 'R1', '2025-03-01', 0);
    withSsn.fields.Persons = [{ Ssn: '199207289969', Amount: 5000 }];
    withSsn.identifiers.push({ kind: 'pnr', field: 'Persons/0/Ssn', value: '199207289969', holder: 'rut' });
    const kept = await erase([match(SRC.visma, vismaCustomer(rut, 0)), match(SRC.visma, withSsn, { holders: ['customer', 'rut'] })]);
    expect(primaryOf(kept, 'Kund 9').fields ?? {}).not.toHaveProperty('CorporateIdentityNumber');
    const cleared = await erase([match(SRC.visma, vismaCustomer(rut, 0)), match(SRC.visma, vismaInvoice(rut, 'R1', '2025-03-01', 0), { holders: ['customer'] })]);
    expect(primaryOf(cleared, 'Kund 9').fields).toMatchObject({ CorporateIdentityNumber: null });
  });
});

describe('one object exported twice gets one decision', () => {
  it('a client-export row without ids follows the API row of the same person (anonymised for its consents)', async () => {
    const api = limePerson(1003, { first: 'Märta', last: 'Öberg', email: 'marta.oberg@mail.example' });
    const xlsx = { ...limePerson(1003, { first: 'Märta', last: 'Öberg', email: 'MARTA.OBERG@mail.example' }), locator: { file: 'lime/personer.xlsx', sheet: 'Personer', row: 3 }, label: 'person row 3' };
    xlsx.identifiers = xlsx.identifiers.filter((i) => i.kind !== 'systemId');
    const other = { ...xlsx, locator: { file: 'lime/personer.xlsx', sheet: 'Personer', row: 4 }, label: 'person row 4', fields: { email: 'marta@other.example' }, identifiers: [{ kind: 'email' as const, field: 'email', value: 'marta@other.example' }] };
    const plan = await erase([
      match(SRC.lime, api),
      match(SRC.lime, xlsx),
      match(SRC.lime, other),
      match(SRC.lime, limeConsent(7003, 1003), { holders: ['person'] }),
    ]);
    expect(primaryOf(plan, 'person 1003').action).toBe('anonymise');
    expect(primaryOf(plan, 'person row 3').action).toBe('anonymise');
    expect(primaryOf(plan, 'person row 4').action).toBe('delete');
  });
});

describe('replacement values follow the object, not the export', () => {
  it('two exports of one Lime person get the same replacements, whatever the field names', async () => {
    const a = limePerson(1003, { first: 'Märta', last: 'Öberg', email: 'marta.oberg@mail.example', mobile: '070-174 06 33' });
    const b = { ...limePerson(1003, { first: 'Märta', last: 'Öberg' }), locator: { file: 'lime/query.json', pointer: '/objects/0' }, label: 'person 1003 (query)' };
    b.fields = { _id: 1003, 'E-post': 'marta.oberg@mail.example', Mobiltelefon: '0701740633' };
    b.identifiers = [...b.identifiers.filter((i) => i.kind === 'systemId'), { kind: 'email', field: 'E-post', value: 'marta.oberg@mail.example' }, { kind: 'phone', field: 'Mobiltelefon', value: '0701740633' }];
    const plan = await erase([match(SRC.lime, a), match(SRC.lime, b), match(SRC.lime, limeConsent(7003, 1003), { holders: ['person'] })]);
    const fa = primaryOf(plan, 'person 1003').fields as Record<string, string>;
    const fb = primaryOf(plan, 'person 1003 (query)').fields as Record<string, string>;
    expect(fb['E-post']).toBe(fa.email);
    expect(fb.Mobiltelefon!.replace(/\D/gu, '')).toBe(fa.mobilephone!.replace(/\D/gu, ''));
  });
});

describe('a sole trader: the company record stays while a kept deal refers to it', () => {
  it('the deal is anonymised and unlinked from the person; the company record it refers to is anonymised, the person deleted', async () => {
    const person = limePerson(1002, { first: 'Örjan', last: 'Bäckström', email: 'orjan@backstromkonsult.example', company: 2002 });
    const company = limeCompany(2002, 'Bäckström Konsult', '761105-9978');
    const deal = limeDeal(4002, 1002, 2002, 'Webbprojekt');
    const plan = await erase([match(SRC.lime, person), match(SRC.lime, company), match(SRC.lime, deal, { holders: ['person'] })]);
    expect(primaryOf(plan, 'deal 4002')).toMatchObject({ action: 'anonymise', fields: { person: null } });
    expect(primaryOf(plan, 'company 2002')).toMatchObject({ action: 'anonymise', fields: { name: 'ANONYMIZED', registrationno: null } });
    expect(primaryOf(plan, 'person 1002').action).toBe('delete');
  });
});

describe('a company card that shares the person\'s address', () => {
  it('clears the contact person\'s fields only: the company\'s number and org.nr stay', async () => {
    const card = sharedAddressCard();
    const plan = await erase([card, match(SRC.visma, vismaInvoice(LINDQVIST_BYGG, '2025041', '2025-03-01', 1), { holders: ['customer'] })]);
    const fields = Object.keys(primaryOf(plan, 'Kund 1042').fields ?? {});
    expect(fields).not.toContain('MobilePhone');
    expect(fields).not.toContain('CorporateIdentityNumber');
    expect(fields).not.toContain('InvoiceAddress1');
    expect(fields).toContain('ContactPersonMobile');
  });
});

describe('an open receivable (BF-1a): kept as long as the latest books that carry it, and the date is provisional', () => {
  const orjan: Customer = { guid: 'c-1043', no: '1043', name: 'Örjan Bäckström', email: 'orjan@backstromkonsult.example' };
  const world = (remaining: number, balanceYearEnd?: string): MatchedRecord[] => [
    match(SRC.visma, vismaCustomer(orjan, 1)),
    match(SRC.visma, vismaInvoice(orjan, '2024312', '2024-12-15', 1, { remaining }), { holders: ['customer'] }),
    match(SRC.visma, vismaLedgerItem(orjan, '2024312', '2024-12-15', 1, remaining), { holders: ['customer'] }),
    ...(balanceYearEnd
      ? [match(SRC.visma, sieBalance(orjan, 26, '#OIB', '4375.00', balanceYearEnd), { holders: ['customer'] }), match(SRC.visma, sieBalance(orjan, 27, '#OUB', '4375.00', balanceYearEnd), { holders: ['customer'] })]
      : []),
  ];

  it('an unpaid invoice of FY 2024 carried in the FY 2025 books is kept through 2032-12-31, with its ledger item, and the plan warns', async () => {
    const plan = await erase(world(4375, '2025-12-31'), { asOf: '2025-05-16' });
    for (const label of ['Faktura 2024312', 'Kundreskontra faktura 2024312', '#OIB konto 1510', '#OUB konto 1510']) {
      expect(primaryOf(plan, label), label).toMatchObject({ action: 'retain', retainUntil: '2032-12-31', deletableFrom: '2033-01-01', rule: 'BF-1' });
    }
    const open = [primaryOf(plan, 'Faktura 2024312'), primaryOf(plan, 'Kundreskontra faktura 2024312')];
    expect(plan.warnings.filter((w) => w.code === 'retain.open-receivable').map((w) => w.actionId).sort()).toEqual(open.map((a) => a.id).sort());
    for (const a of open) {
      expect(a.reason).toMatch(/BF-1a/u);
      expect(a.instructions!.en).toMatch(/provisional/u);
    }
    // The card follows the latest date of its documents.
    expect(primaryOf(plan, 'Kund 1043')).toMatchObject({ action: 'retain', retainUntil: '2032-12-31' });
  });

  it('a later year whose books carry the open balance moves the date further', async () => {
    const plan = await erase(world(4375, '2026-12-31'), { asOf: '2025-05-16' });
    expect(primaryOf(plan, 'Faktura 2024312').retainUntil).toBe('2033-12-31');
  });

  it("still open on the plan's date, it is in that year's opening balance: kept at least as that year's books", async () => {
    const plan = await erase(world(4375), { asOf: '2026-11-26' });
    expect(primaryOf(plan, 'Faktura 2024312').retainUntil).toBe('2033-12-31');
    // Even when the invoice's own date would long have passed, an open receivable is never deleted under ER-5.
    const old = await erase(world(4375), { asOf: '2033-02-01' });
    expect(primaryOf(old, 'Faktura 2024312')).toMatchObject({ action: 'retain', retainUntil: '2040-12-31' });
  });

  it('a plan dated back (--as-of) still counts the books of today, which carry it too (the later of the two)', async () => {
    // As of 2025-01-15 alone: the 2025 books, 2032-12-31. Still open on 2026-11-26: the 2026 books, 2033-12-31.
    const plan = await erase(world(4375), { asOf: '2025-01-15', today: '2026-11-26' });
    expect(primaryOf(plan, 'Faktura 2024312')).toMatchObject({ action: 'retain', retainUntil: '2033-12-31', deletableFrom: '2034-01-01' });
    expect(primaryOf(plan, 'Kundreskontra faktura 2024312').retainUntil).toBe('2033-12-31');
    expect(plan.parameters.today).toBe('2026-11-26');
    expect((await erase(world(4375), { asOf: '2025-01-15' })).parameters.today).toBeUndefined();
    // A today before --as-of (a dry run of a later date) changes nothing; nor does today for a paid invoice.
    const later = await erase(world(4375), { asOf: '2026-11-26', today: '2025-01-15' });
    expect(primaryOf(later, 'Faktura 2024312').retainUntil).toBe('2033-12-31');
    expect(later.parameters.today).toBeUndefined();
    expect(primaryOf(await erase(world(0), { asOf: '2025-01-15', today: '2026-11-26' }), 'Faktura 2024312').retainUntil).toBe('2031-12-31');
    await expect(erase(world(4375), { today: '26-11-2026' })).rejects.toThrow();
  });

  it('a paid invoice keeps the date of its own year (R5), without a warning', async () => {
    const plan = await erase(world(0, '2025-12-31'), { asOf: '2025-05-16' });
    expect(primaryOf(plan, 'Faktura 2024312').retainUntil).toBe('2031-12-31');
    expect(primaryOf(plan, 'Kundreskontra faktura 2024312').retainUntil).toBe('2031-12-31');
    expect(plan.warnings.map((w) => w.code)).not.toContain('retain.open-receivable');
  });
});

describe('the reply (ER-4): retaining records refuses the erasure in part', () => {
  const anna: Customer = { guid: 'c-anna', no: '1050', name: 'Anna Svensson', email: 'anna@mail.example' };

  it('a plan that retains records says so, with the right to complain to IMY and to go to court (Art. 12(4))', async () => {
    const plan = await erase([match(SRC.visma, vismaInvoice(anna, '2025001', '2025-01-10', 0), { holders: ['customer'] }), match(SRC.newsletter, mailchimpMember(1, anna.email!, 'Anna', 'Svensson'))]);
    expect(plan.reply).toMatchObject({ partialRefusal: true, rule: 'ER-4', legalBasis: 'Art. 12(4)', retained: 1, deselected: 0 });
    expect(plan.reply!.complaintInformation.supervisoryAuthority).toMatch(/Integritetsskyddsmyndigheten \(IMY\)/u);
    expect(plan.reply!.complaintInformation.judicialRemedy).toMatch(/court/u);
    expect(plan.reply!.text).toMatch(/Art\. 12\(4\).*IMY.*court/u);
    // The contract keys are unchanged; reply is an addition.
    expect(Object.keys(plan)).toEqual(expect.arrayContaining(['asOf', 'planHash', 'actions', 'summary', 'warnings']));
  });

  it('a plan that erases everything has no reply to explain', async () => {
    const plan = await erase([match(SRC.newsletter, mailchimpMember(1, anna.email!, 'Anna', 'Svensson'))]);
    expect(plan.reply).toBeUndefined();
  });
});

describe('class S keeps the fields the retained documents print, compared as text (§4.2)', () => {
  const orjan: Customer = { guid: 'c-1043', no: '1043', name: 'Örjan Bäckström', email: 'orjan@backstromkonsult.example', pnr: '19761105-9978', street: 'Ängelholmsvägen 3', postcode: '254 40', city: 'Helsingborg' };
  /** The customer list's row: the street and the c/o line in one multi-line cell, the org.nr under a header with a slash. */
  function listRow(address: string): MatchedRecord {
    const rec: SourceRecord = {
      entity: 'customer',
      locator: { file: 'visma/customer-list/kunder.csv', line: 3, row: 2 },
      fields: { Kundnummer: '1043', Namn: 'Örjan Bäckström', 'Organisationsnummer/Personnummer': '761105-9978', Fakturaadress: address, 'Fakturaadress 2': '', Postnummer: '254 40', Ort: 'Helsingborg', 'E-post': orjan.email },
      identifiers: [
        { kind: 'customerNo', field: 'Kundnummer', value: '1043' },
        { kind: 'name', field: 'Namn', value: 'Örjan Bäckström' },
        { kind: 'orgnr', field: 'Organisationsnummer/Personnummer', value: '761105-9978' },
        { kind: 'address', field: 'Fakturaadress', value: `${address.split(/\r?\n/u)[0]}, 254 40 Helsingborg` },
        { kind: 'email', field: 'E-post', value: orjan.email! },
      ],
      holders: { self: { scope: 'person', role: 'customer' } },
      category: 'customer',
      label: 'Kund 1043 (lista)',
    };
    return match(SRC.visma, rec);
  }
  function invoice(): MatchedRecord {
    const inv = vismaInvoice(orjan, '2024312', '2024-12-15', 1);
    inv.fields.InvoiceAddress2 = 'c/o Bäckström';
    return match(SRC.visma, inv, { holders: ['customer'] });
  }

  it('an address on two lines of one cell is on the invoice that prints the lines in two fields: it stays, with its postcode and city', async () => {
    for (const address of ['Ängelholmsvägen 3\r\nc/o Bäckström', 'ÄNGELHOLMSVÄGEN  3\nc/o  bäckström ']) {
      const plan = await erase([listRow(address), invoice()]);
      const f = primaryOf(plan, 'Kund 1043 (lista)').fields ?? {};
      for (const k of ['Fakturaadress', 'Postnummer', 'Ort']) expect(f, JSON.stringify(address)).not.toHaveProperty([k]);
    }
  });

  it('a line the invoice does not print clears the address: another c/o, or another house number that only begins like it', async () => {
    for (const address of ['Ängelholmsvägen 3\r\nc/o Svensson', 'Ängelholmsvägen 31']) {
      const plan = await erase([listRow(address), invoice()]);
      expect(primaryOf(plan, 'Kund 1043 (lista)').fields, address).toMatchObject({ Fakturaadress: null, Postnummer: null, Ort: null });
    }
  });

  it("an address cleared takes its further line along, unless a retained invoice prints that line", async () => {
    const withSecond = (address: string, second: string): MatchedRecord => {
      const m = listRow(address);
      m.record.fields['Fakturaadress 2'] = second;
      return m;
    };
    const moved = await erase([withSecond('Storgatan 9', 'c/o Svensson'), invoice()]);
    expect(primaryOf(moved, 'Kund 1043 (lista)').fields).toMatchObject({ Fakturaadress: null, 'Fakturaadress 2': null });
    // The street on the invoice, a c/o it does not print: the c/o goes, the street stays.
    const other = await erase([withSecond('Ängelholmsvägen 3', 'c/o Andersson'), invoice()]);
    expect(primaryOf(other, 'Kund 1043 (lista)').fields).toMatchObject({ 'Fakturaadress 2': null });
    expect(primaryOf(other, 'Kund 1043 (lista)').fields).not.toHaveProperty(['Fakturaadress']);
    const printed = await erase([withSecond('Storgatan 9', 'c/o Bäckström'), invoice()]);
    expect(primaryOf(printed, 'Kund 1043 (lista)').fields).toMatchObject({ Fakturaadress: null });
    expect(primaryOf(printed, 'Kund 1043 (lista)').fields).not.toHaveProperty(['Fakturaadress 2']);
  });

  it('a header with a slash is a field, not a path: the org.nr no invoice shows is cleared like any other copy of it', async () => {
    const plan = await erase([listRow('Ängelholmsvägen 3'), invoice()]);
    expect(primaryOf(plan, 'Kund 1043 (lista)').fields).toHaveProperty(['Organisationsnummer/Personnummer'], null);
  });
});
