import { describe, expect, it } from 'vitest';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { PlanInputError, planRectification, planRestriction, type FieldDiff, type Plan, type PlanInput } from '../../../src/core/plan/index.ts';
import type { MatchedRecord } from '../../../src/core/match/matcher.ts';
import { SOURCES, SRC, limeHistory, limePerson, mailchimpActivity, mailchimpMember, match, o365Message, o365Trace, register, sharedAddressCard, vismaCustomer, vismaInvoice, type Customer } from './helpers.ts';

const marta: Customer = { guid: 'c-1044', no: '1044', name: 'Märta Öberg', email: 'marta.oberg@mail.example', mobile: '0701740633', street: 'Södra Storgatan 7', postcode: '252 23', city: 'Helsingborg' };

function matches(): MatchedRecord[] {
  return [
    match(SRC.lime, limePerson(1003, { first: 'Märta', last: 'Öberg', email: marta.email, mobile: '070-174 06 33' })),
    match(SRC.lime, limeHistory(5103, 1003, 'Offert'), { holders: ['person'] }),
    match(SRC.visma, vismaCustomer(marta, 3)),
    match(SRC.visma, vismaInvoice(marta, '2025007', '2025-02-03', 3), { holders: ['customer'] }),
    match(SRC.newsletter, mailchimpMember(1, marta.email!, 'Märta', 'Öberg', '+46701740633')),
  ];
}

async function input(ms = matches()): Promise<PlanInput> {
  return { asOf: '2026-02-10', register: await register(), matches: ms, sources: SOURCES };
}

const byLabel = (plan: Plan, label: string, action: string) => plan.actions.filter((a) => a.label === label && a.action === action);

describe('rectification (Art. 16): a field-level diff per system', () => {
  it('maps user-facing field names to each system\'s fields, with from and to', async () => {
    const plan = planRectification(await input(), [{ field: 'email', value: 'Marta.Oberg@NyMail.example' }]);
    expect(plan.kind).toBe('rectification');
    const lime = byLabel(plan, 'person 1003', 'rectify')[0]!;
    expect(lime).toMatchObject({ primary: true, method: 'in-place', rule: 'RE-1', fields: { email: { from: 'marta.oberg@mail.example', to: 'marta.oberg@nymail.example' } } });
    const card = byLabel(plan, 'Kund 1044', 'rectify')[0]!;
    expect(card.fields).toEqual({ EmailAddress: { from: 'marta.oberg@mail.example', to: 'marta.oberg@nymail.example' } });
    const member = byLabel(plan, 'Mailchimp member (subscribed)', 'rectify')[0]!;
    expect(member.fields).toEqual({ 'Email Address': { from: 'marta.oberg@mail.example', to: 'marta.oberg@nymail.example' } });
    // The CRM note holds no e-mail field: unaffected.
    expect(plan.unaffected.map((u) => u.label)).toContain('history 5103');
  });

  it('never edits räkenskapsinformation in place: a supplementary statement instead (RE-3)', async () => {
    const plan = planRectification(await input(), [{ field: 'address', value: 'Norra Storgatan 9, 252 20 Helsingborg' }]);
    const inv = byLabel(plan, 'Faktura 2025007', 'rectify')[0]!;
    expect(inv).toMatchObject({ method: 'supplementary-statement', rule: 'RE-3', class: 'R' });
    expect(inv.fields).toEqual({
      InvoiceAddress1: { from: 'Södra Storgatan 7', to: 'Norra Storgatan 9' },
      InvoicePostalCode: { from: '252 23', to: '252 20' },
    });
    expect(inv.instructions?.en).toMatch(/Do not change the booked document/u);
    // The customer register is corrected for the future, in place.
    const card = byLabel(plan, 'Kund 1044', 'rectify')[0]!;
    expect(card).toMatchObject({ method: 'in-place' });
    expect((card.fields!.InvoiceAddress1 as FieldDiff).to).toBe('Norra Storgatan 9');
  });

  it('writes a phone number in the notation of the field it replaces, and splits a name over first and last name', async () => {
    const plan = planRectification(await input(), [
      { field: 'phone', value: '+46 70 174 06 99' },
      { field: 'name', value: 'Märta Berg Öberg' },
    ]);
    const lime = byLabel(plan, 'person 1003', 'rectify')[0]!;
    expect(lime.fields).toMatchObject({ mobilephone: { from: '070-174 06 33', to: '070-174 06 99' } });
    expect(lime.fields).not.toHaveProperty('lastname');
    expect(lime.fields!.firstname).toEqual({ from: 'Märta', to: 'Märta Berg' });
    const member = byLabel(plan, 'Mailchimp member (subscribed)', 'rectify')[0]!;
    expect(member.fields!['Phone Number']).toEqual({ from: '+46701740633', to: '+46701740699' });
    expect(member.fields!['First Name']).toEqual({ from: 'Märta', to: 'Märta Berg' });
    const card = byLabel(plan, 'Kund 1044', 'rectify')[0]!;
    expect(card.fields!.MobilePhone).toEqual({ from: '0701740633', to: '0701740699' });
    expect(isValidPhoneNumber('0701740699', 'SE')).toBe(true);
  });

  it('an exact field name completes or corrects that field only (RE-5)', async () => {
    const plan = planRectification(await input(), [{ field: 'InvoiceCity', value: 'Höganäs' }]);
    const touched = plan.actions.filter((a) => a.action === 'rectify').map((a) => a.label).sort();
    expect(touched).toEqual(['Faktura 2025007', 'Kund 1044']);
  });

  it('contested: each affected record is restricted now (Art. 18(1)(a)) and the change waits for the check', async () => {
    const plan = planRectification(await input(), [{ field: 'email', value: 'marta@ny.example' }], true);
    for (const label of ['person 1003', 'Kund 1044', 'Mailchimp member (subscribed)']) {
      const r = byLabel(plan, label, 'restrict')[0]!;
      const c = byLabel(plan, label, 'rectify')[0]!;
      expect(r).toMatchObject({ primary: true, scope: 'all', ground: 'a', rule: 'RE-2', legalBasis: 'Art. 18(1)(a)', refs: [c.id] });
      expect(c).toMatchObject({ primary: false, condition: 'after-verification' });
    }
    expect(plan.parameters).toMatchObject({ contested: true, set: ['email'] });
    // Art. 19: one notice per recipient, of the restriction now and of the rectification only once it is carried out.
    const notices = plan.actions.filter((a) => a.action === 'notify-recipient');
    const ids = notices.map((n) => n.recipient!.id);
    expect(ids).toEqual([...new Set(ids)]);
    expect(ids).toEqual(expect.arrayContaining(['lime', 'visma', 'newsletter-provider']));
    const lime = notices.find((n) => n.recipient!.id === 'lime')!;
    expect(lime.rule).toBe('RE-4');
    expect(lime.refs!.sort()).toEqual([byLabel(plan, 'person 1003', 'restrict')[0]!.id, byLabel(plan, 'person 1003', 'rectify')[0]!.id].sort());
    expect(lime.reason).toMatch(/restriction carried out now under Art\. 18\(1\)\(a\).*only once the check confirms it/u);
    expect(lime.instructions!.en).toMatch(/now that the data is restricted.*If the check confirms the new value/u);
  });

  it('records of events keep what was used at the time: unaffected, with the reason; the contact data is corrected', async () => {
    const email = marta.email!;
    const ms = [
      ...matches(),
      match(SRC.o365, o365Message(0, email, 'Fråga om kurs', '2025-03-01'), { holders: ['sender'] }),
      match(SRC.o365, o365Trace(4, email, '2025-03-01'), { holders: ['sender'] }),
      match(SRC.newsletter, mailchimpActivity(1, email)),
    ];
    for (const contested of [false, true]) {
      const plan = planRectification(await input(ms), [{ field: 'email', value: 'marta.ny@mail.example' }], contested);
      for (const label of ['message 0', 'trace row 4', 'campaign c1: 1 event']) {
        expect(plan.actions.filter((a) => a.label === label), label).toEqual([]);
        const note = plan.unaffected.find((u) => u.label === label)!;
        expect(note, label).toMatchObject({ rule: 'RE-1' });
        expect(note.reason).toMatch(/record of a past event.*falsify/u);
      }
      // Master and contact data is corrected (in place, or after the check when contested).
      for (const label of ['person 1003', 'Kund 1044', 'Mailchimp member (subscribed)']) expect(byLabel(plan, label, 'rectify'), label).toHaveLength(1);
    }
    // A field of such a record named by its exact name: a supplementary statement linked to it, never an edit.
    const named = planRectification(await input(ms), [{ field: 'sender_address', value: 'marta.ny@mail.example' }]);
    expect(byLabel(named, 'trace row 4', 'rectify')[0]).toMatchObject({ method: 'supplementary-statement', rule: 'RE-1', fields: { sender_address: { from: email, to: 'marta.ny@mail.example' } } });
    expect(byLabel(named, 'trace row 4', 'rectify')[0]!.instructions!.en).toMatch(/Do not change the record/u);
  });

  it("customer master data is corrected in the accounting system: its processor is told, not the auditor or the authorities (NT-1)", async () => {
    for (const contested of [false, true]) {
      const plan = planRectification(await input([match(SRC.visma, vismaCustomer(marta, 3))]), [{ field: 'phone', value: '070-174 06 99' }], contested);
      expect(byLabel(plan, 'Kund 1044', 'rectify')).toHaveLength(1);
      expect(plan.actions.filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id)).toEqual(['visma']);
    }
  });

  it('Art. 19 notices follow the rectification (RE-4), one per recipient', async () => {
    const plan = planRectification(await input(), [{ field: 'email', value: 'marta@ny.example' }]);
    const ids = plan.actions.filter((a) => a.action === 'notify-recipient').map((a) => a.recipient!.id);
    expect(ids).toEqual([...new Set(ids)]);
    expect(ids).toEqual(expect.arrayContaining(['lime', 'visma', 'newsletter-provider']));
  });

  it('refuses values that cannot be right, listing every problem', async () => {
    const i = await input();
    let err: unknown;
    try {
      planRectification(i, [
        { field: 'email', value: 'not-an-address' },
        { field: 'phone', value: '12' },
        { field: 'pnr', value: '19840312-9988' },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanInputError);
    expect((err as PlanInputError).problems).toHaveLength(3);
  });
});

describe("rectify keeps the notation of the value it replaces", () => {
  const email = marta.email!;
  const outlook = (fields: Record<string, unknown>, ids: MatchedRecord['record']['identifiers']): MatchedRecord =>
    match(SRC.o365, { entity: 'contact', locator: { file: 'o365/contacts.csv', line: 2, row: 1 }, fields: { 'E-mail Address': email, ...fields }, identifiers: [{ kind: 'email', field: 'E-mail Address', value: email }, ...ids], category: 'mail-contact', label: 'contact' });
  const to = (plan: Plan): Record<string, string> => Object.fromEntries(Object.entries(byLabel(plan, 'contact', 'rectify')[0]!.fields as Record<string, FieldDiff>).map(([k, d]) => [k, d.to]));

  it("Outlook's display name keeps its (address): only the name in it is replaced", async () => {
    const rec = outlook({ 'E-mail Display Name': `Märta Öberg (${email})` }, [{ kind: 'name', field: 'E-mail Display Name', value: 'Märta Öberg' }]);
    const plan = planRectification(await input([rec]), [{ field: 'name', value: 'Märta Lind' }]);
    expect(to(plan)).toEqual({ 'E-mail Display Name': `Märta Lind (${email})` });
  });

  it("a German number keeps its separators: 069-90009311 becomes 069-90009322", async () => {
    const rec = outlook({ 'Business Phone': '069-90009311', 'Home Phone': '+49 69 90009311' }, [
      { kind: 'phone', field: 'Business Phone', value: '069-90009311', region: 'DE' },
      { kind: 'phone', field: 'Home Phone', value: '+49 69 90009311', region: 'DE' },
    ]);
    const plan = planRectification(await input([rec]), [{ field: 'phone', value: '+49 69 90009322' }]);
    expect(to(plan)).toEqual({ 'Business Phone': '069-90009322', 'Home Phone': '+49 69 90009322' });
  });

  it('asks for the country code when the new phone number is not a valid Swedish one', async () => {
    let err: unknown;
    try {
      planRectification(await input(), [{ field: 'phone', value: '069 90009322' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanInputError);
    expect((err as PlanInputError).problems[0]!.message).toMatch(/country code \(\+49/u);
    expect((err as PlanInputError).problems[0]!.message).not.toContain('90009322');
  });
});

describe('restriction (Art. 18, RS-1)', () => {
  it('marks every record on the ground given; bookkeeping too (its storage goes on); recipients are told', async () => {
    const plan = planRestriction(await input(), 'd');
    const recs = plan.actions.filter((a) => a.action === 'restrict');
    expect(recs).toHaveLength(5);
    for (const r of recs) expect(r).toMatchObject({ primary: true, rule: 'RS-1', ground: 'd', scope: 'all', legalBasis: 'Art. 18(1)(d)' });
    expect(recs.find((r) => r.label === 'Faktura 2025007')!.instructions?.en).toMatch(/Bookkeeping Act continues/u);
    expect(recs[0]!.reason).toMatch(/Art\. 18\(3\)/u);
    expect(plan.actions.filter((a) => a.action === 'notify-recipient').length).toBeGreaterThan(0);
  });

  it('refuses an unknown ground', async () => {
    expect(() => planRestriction({ asOf: '2026-01-01', register: { processing: {}, recipients: {} }, matches: [], sources: [] }, 'e' as 'a')).toThrow(PlanInputError);
  });
});

describe('rectification touches only what is the subject\'s own', () => {
  it('changes the contact person\'s fields of a company card, never the company\'s own number', async () => {
    const plan = planRectification(await input([sharedAddressCard()]), [{ field: 'phone', value: '070-174 06 99' }]);
    expect(byLabel(plan, 'Kund 1042', 'rectify')[0]!.fields).toEqual({ ContactPersonMobile: { from: '070-174 06 05', to: '070-174 06 99' } });
  });

  it('leaves a shared number in the person\'s own record (a switchboard) and says so', async () => {
    const asa = match(SRC.lime, limePerson(1001, { first: 'Åsa', last: 'Lindqvist', email: 'asa@lindqvistbygg.example', mobile: '070-174 06 05', phone: '040-628 04 10' }));
    // The matcher reports the switchboard as shared: it is not among the subject's identifiers.
    asa.evidence = asa.evidence.filter((e) => e.key !== 'phone:+46406280410');
    const known = [
      { kind: 'email' as const, value: 'asa@lindqvistbygg.example' },
      { kind: 'phone' as const, value: '+46701740605' },
    ];
    const plan = planRectification({ ...(await input([asa])), subjectIdentifiers: known }, [{ field: 'phone', value: '070-174 06 99' }]);
    expect(byLabel(plan, 'person 1001', 'rectify')[0]!.fields).toEqual({ mobilephone: { from: '070-174 06 05', to: '070-174 06 99' } });
    expect(plan.warnings.map((w) => w.code)).toContain('rectify.not-own');
    // Without the identifiers (an older caller), every phone of the subject's part is changed, as before.
    const all = planRectification(await input([asa]), [{ field: 'phone', value: '070-174 06 99' }]);
    expect(Object.keys(byLabel(all, 'person 1001', 'rectify')[0]!.fields!)).toEqual(['mobilephone', 'phone']);
  });
});

describe('rectify --set address: the whole address, in the shape each system keeps it', () => {
  const email = marta.email!;
  const contact = (fields: Record<string, unknown>, field: string, line: string, row: number): MatchedRecord =>
    match(SRC.o365, {
      entity: 'contact',
      locator: { file: 'o365/contacts.csv', line: row + 1, row },
      fields: { 'E-mail Address': email, ...fields },
      identifiers: [
        { kind: 'email', field: 'E-mail Address', value: email },
        { kind: 'address', field, value: line },
      ],
      category: 'mail-contact',
      label: `contact row ${row}`,
    });
  const old = 'Södra Storgatan 7, 252 23 Helsingborg';
  const shapes = (): MatchedRecord[] => [
    // Graph: an object.
    contact({ homeAddress: { street: 'Södra Storgatan 7', city: 'Helsingborg', postalCode: '252 23', countryOrRegion: 'Sverige' } }, 'homeAddress', old, 1),
    // Outlook's CSV: columns with spaces.
    contact({ 'Home Street': 'Södra Storgatan 7', 'Home City': 'Helsingborg', 'Home Postal Code': '252 23' }, 'Home Street', old, 2),
    // A Swedish customer list: the address named by its use, the postcode and city plain.
    contact({ Fakturaadress: 'Södra Storgatan 7', Postnummer: '252 23', Ort: 'Helsingborg' }, 'Fakturaadress', old, 3),
    // One field with the whole line.
    contact({ Adress: old }, 'Adress', old, 4),
  ];

  it('sets street, postcode and city, and keeps a structured address an object', async () => {
    const plan = planRectification(await input(shapes()), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    const fieldsOf = (row: number): Record<string, FieldDiff> => byLabel(plan, `contact row ${row}`, 'rectify')[0]!.fields as Record<string, FieldDiff>;
    const to = (row: number): Record<string, string | null> => Object.fromEntries(Object.entries(fieldsOf(row)).map(([k, d]) => [k, d.to]));
    expect(to(1)).toEqual({ 'homeAddress/street': 'Nygatan 1', 'homeAddress/postalCode': '211 22', 'homeAddress/city': 'Malmö' });
    expect(fieldsOf(1)['homeAddress/postalCode']!.from).toBe('252 23');
    expect(to(2)).toEqual({ 'Home Street': 'Nygatan 1', 'Home Postal Code': '211 22', 'Home City': 'Malmö' });
    expect(to(3)).toEqual({ Fakturaadress: 'Nygatan 1', Postnummer: '211 22', Ort: 'Malmö' });
    expect(to(4)).toEqual({ Adress: 'Nygatan 1, 211 22 Malmö' });
    expect(plan.warnings.map((w) => w.code)).not.toContain('rectify.address-part');
  });

  it('says so where a record has no field for the postcode or city, and sets only the street there', async () => {
    const plan = planRectification(await input([contact({ Gatuadress: 'Södra Storgatan 7' }, 'Gatuadress', 'Södra Storgatan 7', 5)]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    expect(byLabel(plan, 'contact row 5', 'rectify')[0]!.fields).toEqual({ Gatuadress: { from: 'Södra Storgatan 7', to: 'Nygatan 1' } });
    expect(plan.warnings.map((w) => w.code)).toContain('rectify.address-part');
  });

  it("leaves the plain postcode and city alone beside a second address: they may be the other one's", async () => {
    const plan = planRectification(
      await input([contact({ Fakturaadress: 'Box 12', Leveransadress: 'Södra Storgatan 7', Postnummer: '252 20', Ort: 'Helsingborg' }, 'Leveransadress', old, 6)]),
      [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }],
    );
    expect(Object.keys(byLabel(plan, 'contact row 6', 'rectify')[0]!.fields!)).toEqual(['Leveransadress']);
  });

  it("leaves a B2B contact's business address, her company's, and sets her own home address; a private contact's business fields are hers", async () => {
    const company = { kind: 'company' as const, field: 'Company', value: 'Lindqvist Bygg AB', holder: 'employer' };
    const business = { 'Business Street': 'Storgatan 14', 'Business City': 'Helsingborg', 'Business Postal Code': '252 21' };
    const work = 'Storgatan 14, 252 21 Helsingborg';
    // A card that names her company: its business address is the company's.
    const b2b = contact({ Company: 'Lindqvist Bygg AB', ...business, 'Home Street': 'Södra Storgatan 7', 'Home City': 'Helsingborg', 'Home Postal Code': '252 23' }, 'Business Street', work, 7);
    b2b.record.identifiers.push(company, { kind: 'address', field: 'Home Street', value: old });
    b2b.record.holders = { employer: { scope: 'organisation', role: 'employer' } };
    // Graph: a card that names the company, with only the business address.
    const graph = contact({ companyName: 'Lindqvist Bygg AB', businessAddress: { street: 'Storgatan 14', city: 'Helsingborg', postalCode: '252 21' } }, 'businessAddress', work, 8);
    graph.record.identifiers.push({ ...company, field: 'companyName' });
    // No company on the card, but the address is the company customer's in Visma.
    const sameAsCompany = contact(business, 'Business Street', work, 9);
    // A private contact: no company, an address that is nobody else's. Her business fields are hers, as before.
    const privat = contact({ 'Business Street': 'Södra Storgatan 7', 'Business City': 'Helsingborg', 'Business Postal Code': '252 23' }, 'Business Street', old, 10);
    const plan = planRectification(await input([b2b, graph, sameAsCompany, privat, sharedAddressCard()]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    const fieldsOf = (row: number): string[] => Object.keys(byLabel(plan, `contact row ${row}`, 'rectify')[0]?.fields ?? {});
    expect(fieldsOf(7)).toEqual(['Home Street', 'Home Postal Code', 'Home City']);
    for (const row of [8, 9]) {
      expect(fieldsOf(row)).toEqual([]);
      expect(plan.unaffected.find((u) => u.label === `contact row ${row}`)!.reason).toMatch(/business address of the company/u);
    }
    expect(fieldsOf(10)).toEqual(['Business Street', 'Business Postal Code', 'Business City']);
    // The company's own card is not the subject's either.
    expect(byLabel(plan, 'Kund 1042', 'rectify')).toEqual([]);
    const warning = plan.warnings.find((w) => w.code === 'rectify.company-address')!;
    expect(warning.message).not.toMatch(/Storgatan|Lindqvist|Nygatan/u);
  });
});

describe('rectify --set address: street, postcode, city and the further lines, consistently (RE-1)', () => {
  const email = marta.email!;
  const record = (fields: Record<string, unknown>, addresses: [string, string][], row: number): MatchedRecord =>
    match(SRC.visma, {
      entity: 'customer',
      locator: { file: 'visma/KUND.DBF', row },
      fields: { EPOST: email, ...fields },
      identifiers: [{ kind: 'email', field: 'EPOST', value: email }, ...addresses.map(([field, value]) => ({ kind: 'address' as const, field, value }))],
      category: 'customer',
      label: `record ${row}`,
    });
  const to = (plan: Plan, row: number): Record<string, string> =>
    Object.fromEntries(Object.entries(byLabel(plan, `record ${row}`, 'rectify')[0]!.fields as Record<string, FieldDiff>).map(([k, d]) => [k, d.to]));
  const codes = (plan: Plan): string[] => plan.warnings.map((w) => w.code);

  it("sets Visma Administration's POSTNR and ORT (in capitals, as kept) and clears the c/o in POSTADR2", async () => {
    const dbf = record({ POSTADR: 'Ängelholmsvägen 3', POSTADR2: 'c/o Bäckström', POSTNR: '254 40', ORT: 'HELSINGBORG', LEVADR: '', LEVPOSTNR: '', LEVORT: '' }, [['POSTADR', 'Ängelholmsvägen 3, 254 40 HELSINGBORG']], 1);
    const plan = planRectification(await input([dbf]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    expect(to(plan, 1)).toEqual({ POSTADR: 'Nygatan 1', POSTADR2: '', POSTNR: '211 22', ORT: 'MALMÖ' });
    expect(codes(plan)).not.toContain('rectify.address-part');
    expect(codes(plan)).toContain('rectify.address-line');
  });

  it("sets Swedish Outlook's Postnummer hem and Ort hem beside Gatuadress hem, and clears its Gatuadress 2 hem, not the work address", async () => {
    const outlook = record(
      { 'Gatuadress hem': 'Södra Storgatan 7', 'Gatuadress 2 hem': 'lgh 1102', 'Ort hem': 'Helsingborg', 'Postnummer hem': '252 23', 'Gatuadress arbete': 'Box 1', 'Ort arbete': 'Lund', 'Postnummer arbete': '221 00' },
      [['Gatuadress hem', 'Södra Storgatan 7, 252 23 Helsingborg']],
      3,
    );
    const plan = planRectification(await input([outlook]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    expect(to(plan, 3)).toEqual({ 'Gatuadress hem': 'Nygatan 1', 'Gatuadress 2 hem': '', 'Postnummer hem': '211 22', 'Ort hem': 'Malmö' });
    expect(codes(plan)).not.toContain('rectify.address-part');
  });

  it("sets German Outlook's Postleitzahl privat and Ort privat beside Straße privat, and writes a postcode as it is given", async () => {
    const outlook = record({ 'Straße privat': 'Mainzer Landstraße 1', 'Straße privat 2': 'bei Müller', 'Ort privat': 'Frankfurt', 'Postleitzahl privat': '60311' }, [['Straße privat', 'Mainzer Landstraße 1, 60311 Frankfurt']], 4);
    const plan = planRectification(await input([outlook]), [{ field: 'address', value: 'Goethestraße 5, 60313 Frankfurt am Main' }]);
    expect(to(plan, 4)).toEqual({ 'Straße privat': 'Goethestraße 5', 'Straße privat 2': '', 'Postleitzahl privat': '60313', 'Ort privat': 'Frankfurt am Main' });
    expect(codes(plan)).not.toContain('rectify.address-part');
  });

  it("sets the delivery address's own LEVPOSTNR and LEVORT", async () => {
    const dbf = record({ POSTADR: 'Box 1', POSTNR: '111 11', ORT: 'Stockholm', LEVADR: 'Ängelholmsvägen 3', LEVADR2: '', LEVPOSTNR: '254 40', LEVORT: 'Helsingborg' }, [['LEVADR', 'Ängelholmsvägen 3, 254 40 Helsingborg']], 2);
    const plan = planRectification(await input([dbf]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    expect(to(plan, 2)).toEqual({ LEVADR: 'Nygatan 1', LEVPOSTNR: '211 22', LEVORT: 'Malmö' });
    expect(codes(plan)).not.toContain('rectify.address-line');
  });

  it("does not write the street into Lime's second line: it is cleared (or given the new c/o)", async () => {
    const lime = (): MatchedRecord =>
      record({ postaladdress1: 'Ängelholmsvägen 3', postaladdress2: 'c/o Bäckström', postalzipcode: '254 40', postalcity: 'Helsingborg' }, [
        ['postaladdress1', 'Ängelholmsvägen 3, 254 40 Helsingborg'],
        ['postaladdress2', 'c/o Bäckström, 254 40 Helsingborg'],
      ], 3);
    const plan = planRectification(await input([lime()]), [{ field: 'address', value: 'Nygatan 1, 211 22 Malmö' }]);
    expect(to(plan, 3)).toEqual({ postaladdress1: 'Nygatan 1', postaladdress2: '', postalzipcode: '211 22', postalcity: 'Malmö' });
    // Two lines of one address are not two addresses.
    expect(codes(plan)).not.toContain('rectify.ambiguous');
    const co = planRectification(await input([lime()]), [{ field: 'address', value: 'c/o Lind, Nygatan 1, 211 22 Malmö' }]);
    expect(to(co, 3)).toEqual({ postaladdress1: 'Nygatan 1', postaladdress2: 'c/o Lind', postalzipcode: '211 22', postalcity: 'Malmö' });
    expect(codes(co)).not.toContain('rectify.address-line');
  });

  it('says so when a c/o kept in the street field itself is replaced', async () => {
    const plan = planRectification(await input([record({ Fakturaadress: 'Ängelholmsvägen 3\nc/o Bäckström', Postnummer: '254 40', Ort: 'Helsingborg' }, [['Fakturaadress', 'Ängelholmsvägen 3, 254 40 Helsingborg']], 4)]), [
      { field: 'address', value: 'Nygatan 1, 211 22 Malmö' },
    ]);
    expect(to(plan, 4)).toEqual({ Fakturaadress: 'Nygatan 1', Postnummer: '211 22', Ort: 'Malmö' });
    expect(codes(plan)).toContain('rectify.address-line');
  });
});

describe('a field name no record has', () => {
  it('changes nothing and says which --set matched no field, by its place (rectify.no-field)', async () => {
    const plan = planRectification(await input(), [{ field: 'email', value: 'ny@mail.example' }, { field: 'foo', value: 'bar' }]);
    expect(plan.actions.filter((a) => a.action === 'rectify').every((a) => !('foo' in (a.fields ?? {})))).toBe(true);
    const message = plan.warnings.find((w) => w.code === 'rectify.no-field')?.message;
    expect(message).toContain('the field of --set number 2');
    // What was typed is not repeated: it may be a value pasted in the field's place.
    expect(message).not.toContain('foo');
    // An exact field name of one of the records is not warned about.
    const named = planRectification(await input(), [{ field: 'MobilePhone', value: '070-174 06 99' }]);
    expect(named.warnings.map((w) => w.code)).not.toContain('rectify.no-field');
    expect(byLabel(named, 'Kund 1044', 'rectify')).toHaveLength(1);
  });
});
