/**
 * A name is rarely one field: every field of the subject's party that holds
 * it or a part of it is anonymised (AN-2) or rectified (RE-1) together, by
 * what the connector says each field holds, or by its name where it says
 * nothing; another party's name beside it never is.
 */
import { describe, expect, it } from 'vitest';
import { planErasure, planRectification, type FieldDiff, type PlanSource } from '../../../src/core/plan/index.ts';
import { splitName } from '../../../src/core/plan/names.ts';
import type { NamePart, SourceRecord } from '../../../src/core/record.ts';
import { FieldClassificationSchema, withExtraFields, withNameParts } from '../../../src/sources/classify.ts';
import { SECRET, SOURCES, SRC, LINDQVIST_BYGG, limeConsent, mailchimpMember, match, register, vismaCustomer } from './helpers.ts';

/** A Lime person as the connector emits it: the name identifier on `name` only, firstname and lastname beside it. */
function limeApiPerson(extra: Record<string, unknown> = {}): SourceRecord {
  return {
    entity: 'person',
    locator: { file: 'lime/api/person-1003.json', pointer: '' },
    fields: { _id: 1003, _descriptive: 'Märta Öberg', firstname: 'Märta', lastname: 'Öberg', name: 'Märta Öberg', email: 'marta.oberg@mail.example', ...extra },
    identifiers: [
      { kind: 'systemId', field: '_id', value: 'lime:person:1003' },
      { kind: 'name', field: 'name', value: 'Märta Öberg' },
      { kind: 'email', field: 'email', value: 'marta.oberg@mail.example' },
    ],
    category: 'crm-person',
    label: 'person 1003',
  };
}

/** A client-export row without a full-name column: the name identifier (the whole name) stands on `Förnamn`. */
function clientExportRow(): SourceRecord {
  return {
    entity: 'person',
    locator: { file: 'lime/client-export/personer.xlsx', sheet: 'Personer', row: 4 },
    fields: { Förnamn: 'Märta', Efternamn: 'Öberg', 'E-post': 'marta.oberg@mail.example', Företag: '' },
    identifiers: [
      { kind: 'name', field: 'Förnamn', value: 'Märta Öberg' },
      { kind: 'email', field: 'E-post', value: 'marta.oberg@mail.example' },
    ],
    category: 'crm-person',
    label: 'person Märta Öberg',
  };
}

/** A Graph contact: display name and the composite given name + surname, a middle name, initials, a nickname, and her spouse's name. */
function graphContact(): SourceRecord {
  return {
    entity: 'contact',
    locator: { file: 'o365/contacts.json', pointer: '/value/2' },
    fields: { displayName: 'Märta Öberg', givenName: 'Märta', middleName: 'Eva', surname: 'Öberg', initials: 'M.E.Ö.', nickName: 'Mä', spouseName: 'Per Öberg', emailAddresses: [{ name: 'Märta Öberg', address: 'marta.oberg@mail.example' }] },
    identifiers: [
      { kind: 'name', field: 'displayName', value: 'Märta Öberg' },
      { kind: 'name', field: 'givenName + surname', value: 'Märta Eva Öberg' },
      { kind: 'email', field: 'emailAddresses/0/address', value: 'marta.oberg@mail.example' },
      { kind: 'name', field: 'emailAddresses/0/name', value: 'Märta Öberg' },
      { kind: 'name', field: 'spouseName', value: 'Per Öberg', holder: 'spouse' },
    ],
    holders: { spouse: { scope: 'person', role: 'spouse' } },
    category: 'mail-contact',
    label: 'contact Märta',
  };
}

/** Sources whose connectors describe name parts, as the real ones do (connectors/*\/fields.ts). */
function described(parts: Record<string, NamePart>): PlanSource[] {
  return SOURCES.map((s) => ({ ...s, field: (_entity: string, name: string) => (name in parts ? { category: 'identity', namePart: parts[name]! } : undefined) }));
}

const fieldsOf = (plan: { actions: { label?: string; primary: boolean; fields?: Record<string, unknown> }[] }, label: string) => plan.actions.find((a) => a.primary && a.label === label)!.fields!;

describe('splitName: first, middle and last name of a new name', () => {
  it('two words are a first and a last name; a particle starts the last name', () => {
    expect(splitName('Märta Nyström', false)).toEqual({ full: 'Märta Nyström', first: 'Märta', middle: '', last: 'Nyström', ambiguous: false });
    expect(splitName('  Anna-Karin   von Essen ', false)).toEqual({ full: 'Anna-Karin von Essen', first: 'Anna-Karin', middle: '', last: 'von Essen', ambiguous: false });
  });

  it('more words before the last name, or one word, are a guess and say so', () => {
    expect(splitName('Eva Lindström Andersson', false)).toEqual({ full: 'Eva Lindström Andersson', first: 'Eva Lindström', last: 'Andersson', ambiguous: true });
    expect(splitName('Eva Lindström Andersson', true)).toEqual({ full: 'Eva Lindström Andersson', first: 'Eva', middle: 'Lindström', last: 'Andersson', ambiguous: true });
    expect(splitName('Eva Maria von Essen', false)).toMatchObject({ first: 'Eva Maria', last: 'von Essen', ambiguous: true });
    expect(splitName('Nyström', false)).toEqual({ full: 'Nyström', ambiguous: true });
  });
});

describe('AN-2: anonymisation replaces every part of the name', () => {
  const erase = async (sources: PlanSource[], ...records: SourceRecord[]) =>
    planErasure({
      asOf: '2026-02-10',
      register: await register(),
      // A consent keeps the person (anonymised, not deleted).
      matches: [...records.map((r) => match(SRC.lime, r)), match(SRC.lime, limeConsent(7001, 1003), { holders: ['person'] })],
      sources,
      suppressionSecret: SECRET,
    });

  it("a Lime person found by its full name: firstname, lastname and the display string too, by the connector's description", async () => {
    const plan = await erase(described({ firstname: 'first', lastname: 'last', name: 'full', _descriptive: 'full' }), limeApiPerson());
    expect(fieldsOf(plan, 'person 1003')).toMatchObject({ name: 'PersonX X-SON', firstname: 'PersonX', lastname: 'X-SON', _descriptive: 'PersonX X-SON' });
  });

  it('without a description, the field names decide: firstname and lastname, never the display string of another kind', async () => {
    const plan = await erase(SOURCES, limeApiPerson({ middlename: 'Eva', nickname: 'Mä', position: 'Chef' }));
    const f = fieldsOf(plan, 'person 1003');
    expect(f).toMatchObject({ name: 'PersonX X-SON', firstname: 'PersonX', lastname: 'X-SON', middlename: null, nickname: null });
    expect(f).not.toHaveProperty('_descriptive');
  });

  it("the client export's row: Efternamn beside the Förnamn that carries the identifier", async () => {
    const row = clientExportRow();
    const plan = await erase(SOURCES, limeApiPerson(), row);
    expect(fieldsOf(plan, 'person Märta Öberg')).toMatchObject({ Förnamn: 'PersonX', Efternamn: 'X-SON' });
  });
});

describe('RE-1: a name rectification sets every part consistently', () => {
  const rectify = async (sources: PlanSource[], value: string, records: [number, SourceRecord, string[]?][], extra: { field: string; value: string }[] = []) =>
    planRectification({ asOf: '2026-02-10', register: await register(), matches: records.map(([src, r, holders]) => match(src, r, holders ? { holders } : {})), sources }, [{ field: 'name', value }, ...extra]);
  const diff = (plan: Awaited<ReturnType<typeof rectify>>, label: string) => fieldsOf(plan, label) as Record<string, FieldDiff>;

  it('a Lime person and a client-export row: first and last name follow the full name', async () => {
    const plan = await rectify(described({ firstname: 'first', lastname: 'last', name: 'full', Förnamn: 'first', Efternamn: 'last' }), 'Märta Nyström', [
      [SRC.lime, limeApiPerson()],
      [SRC.lime, clientExportRow()],
    ]);
    expect(diff(plan, 'person 1003')).toEqual({ name: { from: 'Märta Öberg', to: 'Märta Nyström' }, lastname: { from: 'Öberg', to: 'Nyström' } });
    expect(diff(plan, 'person Märta Öberg')).toEqual({ Efternamn: { from: 'Öberg', to: 'Nyström' } });
    expect(plan.unaffected).toEqual([]);
    expect(plan.warnings).toEqual([]);
  });

  it("Graph: display name, given name, middle name, surname and initials; the spouse's name and the nickname stay, and the plan says so", async () => {
    const plan = await rectify(
      described({ displayName: 'full', givenName: 'first', middleName: 'middle', surname: 'last', initials: 'initials', nickName: 'other' }),
      'Märta Eva Nyström',
      [[SRC.o365, graphContact()]],
    );
    expect(diff(plan, 'contact Märta')).toEqual({
      displayName: { from: 'Märta Öberg', to: 'Märta Eva Nyström' },
      'emailAddresses/0/name': { from: 'Märta Öberg', to: 'Märta Eva Nyström' },
      surname: { from: 'Öberg', to: 'Nyström' },
      initials: { from: 'M.E.Ö.', to: 'M.E.N.' },
    });
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['rectify.name-other', 'rectify.name-split']));
  });

  it('a middle name the new name does not give is left, with a warning; a one-word name is the new last name, the first name kept in the whole name too', async () => {
    const two = await rectify(SOURCES, 'Märta Nyström', [[SRC.o365, graphContact()]]);
    expect(diff(two, 'contact Märta')).not.toHaveProperty('middleName');
    expect(two.warnings.map((w) => w.code)).toContain('rectify.name-middle');
    const one = await rectify(SOURCES, 'Nyström', [[SRC.lime, limeApiPerson()]]);
    expect(diff(one, 'person 1003')).toEqual({ name: { from: 'Märta Öberg', to: 'Märta Nyström' }, lastname: { from: 'Öberg', to: 'Nyström' } });
    expect(one.warnings.map((w) => w.code)).toEqual(['rectify.name-split']);
  });

  it('a one-word name sets the last name where the name is kept only in parts (First Name + Last Name), with the split warning', async () => {
    const plan = await rectify(SOURCES, 'Lind', [
      [SRC.newsletter, mailchimpMember(1, 'marta.oberg@mail.example', 'Märta', 'Öberg')],
      [SRC.lime, clientExportRow()],
    ]);
    expect(diff(plan, 'Mailchimp member (subscribed)')).toEqual({ 'Last Name': { from: 'Öberg', to: 'Lind' } });
    expect(diff(plan, 'person Märta Öberg')).toEqual({ Efternamn: { from: 'Öberg', to: 'Lind' } });
    expect(plan.unaffected).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['rectify.name-split']);
  });

  it('lists no change of spacing alone as a correction', async () => {
    const spaced = await rectify(SOURCES, 'Lind', [[SRC.newsletter, mailchimpMember(1, 'marta.oberg@mail.example', ' Märta ', 'Öberg')]]);
    expect(diff(spaced, 'Mailchimp member (subscribed)')).toEqual({ 'Last Name': { from: 'Öberg', to: 'Lind' } });
  });

  it('never says a record holds none of the fields being corrected when it holds them', async () => {
    const same = await rectify(SOURCES, 'Märta Öberg', [[SRC.newsletter, mailchimpMember(1, 'marta.oberg@mail.example', 'Märta', 'Öberg')]]);
    expect(same.unaffected.map((u) => u.reason)).toEqual(['The record already holds the new values.']);
  });

  it("a record's exact field name wins over the split for that field", async () => {
    const plan = await rectify(SOURCES, 'Eva Lindström Andersson', [[SRC.lime, limeApiPerson()]], [{ field: 'lastname', value: 'Lindström Andersson' }, { field: 'firstname', value: 'Eva' }]);
    expect(diff(plan, 'person 1003')).toMatchObject({ firstname: { to: 'Eva' }, lastname: { to: 'Lindström Andersson' }, name: { to: 'Eva Lindström Andersson' } });
  });

  it('a composite name identifier names its parts in order: Visma Administration keeps the surname in NAMN beside FOERNAMN', async () => {
    const row: SourceRecord = {
      entity: 'customer',
      locator: { file: 'visma/KUND.DBF', row: 3 },
      fields: { KUNDNR: '1044', FOERNAMN: 'Märta', NAMN: 'Öberg', EPOST: 'marta.oberg@mail.example' },
      identifiers: [
        { kind: 'name', field: 'FOERNAMN + NAMN', value: 'Märta Öberg' },
        { kind: 'email', field: 'EPOST', value: 'marta.oberg@mail.example' },
      ],
      holders: { self: { scope: 'person', role: 'customer' } },
      category: 'customer',
      label: 'Kund 1044 (DBF)',
    };
    const plan = await rectify(SOURCES, 'Märta Nyström', [[SRC.visma, row]]);
    expect(diff(plan, 'Kund 1044 (DBF)')).toEqual({ NAMN: { from: 'Öberg', to: 'Nyström' } });
  });

  it("on a company's customer card, only the contact person's name changes: never the company's", async () => {
    const plan = await rectify(SOURCES, 'Åsa Berg', [[SRC.visma, vismaCustomer(LINDQVIST_BYGG, 1), ['contact']]]);
    expect(diff(plan, 'Kund 1042')).toEqual({ ContactPersonName: { from: 'Åsa Lindqvist', to: 'Åsa Berg' } });
  });
});

describe('name parts in the field classifications', () => {
  const fields = [
    { name: 'fnamn', category: 'identity', personal: true, identifier: 'name' as const },
    { name: 'enamn', category: 'identity', personal: true, identifier: 'name' as const },
  ];

  it("a connector marks its fields; a name it does not have is the connector's mistake", () => {
    expect(withNameParts(fields, { fnamn: 'first' }).map((f) => f.namePart)).toEqual(['first', undefined]);
    expect(() => withNameParts(fields, { fornamn: 'first' })).toThrow(/no field fornamn/u);
  });

  it("the config's options.fields may say it of a company's own field, and keeps the connector's where it says nothing", () => {
    const extra = FieldClassificationSchema.parse({ Tilltalsnamn: { category: 'identity', namePart: 'other' }, fnamn: { category: 'identity' } });
    const out = withExtraFields(withNameParts(fields, { fnamn: 'first' }), extra);
    expect(out.find((f) => f.name === 'Tilltalsnamn')?.namePart).toBe('other');
    expect(out.find((f) => f.name === 'fnamn')?.namePart).toBe('first');
    expect(FieldClassificationSchema.safeParse({ X: { category: 'identity', namePart: 'nick' } }).success).toBe(false);
  });
});
