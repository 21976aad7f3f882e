/**
 * A name is rarely one field: every field of the subject's party that holds
 * it or a part of it is anonymised together (AN-2), by
 * what the connector says each field holds, or by its name where it says
 * nothing; another party's name beside it never is.
 */
import { describe, expect, it } from 'vitest';
import { planErasure, type PlanSource } from '../../../src/core/plan/index.ts';
import type { NamePart, SourceRecord } from '../../../src/core/record.ts';
import { FieldClassificationSchema, withExtraFields, withNameParts } from '../../../src/sources/classify.ts';
import { SECRET, SOURCES, SRC, limeConsent, match, register } from './helpers.ts';

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

/** Sources whose connectors describe name parts, as the real ones do (connectors/*\/fields.ts). */
function described(parts: Record<string, NamePart>): PlanSource[] {
  return SOURCES.map((s) => ({ ...s, field: (_entity: string, name: string) => (name in parts ? { category: 'identity', namePart: parts[name]! } : undefined) }));
}

const fieldsOf = (plan: { actions: { label?: string; primary: boolean; fields?: Record<string, unknown> }[] }, label: string) => plan.actions.find((a) => a.primary && a.label === label)!.fields!;

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
