/**
 * The planners read a record's phones in the region the record gives them
 * (RawIdentifier.region), as the matcher does, and write a number so that
 * the field reads it back as that number: a German contact's
 * `0711 1234567` is +49 711 1234567 when a plan compares, keeps or replaces it.
 */
import { describe, expect, it } from 'vitest';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { anonymisedPhone, formatPhoneLike, planErasure, planRectification, phoneTailKey, suppressionKey, SuppressionCheck, type ErasureInput, type Plan, type PlanAction } from '../../../src/core/plan/index.ts';
import { canonicalValues } from '../../../src/core/plan/records.ts';
import type { MatchedRecord } from '../../../src/core/match/matcher.ts';
import type { RawIdentifier, SourceRecord } from '../../../src/core/record.ts';
import { SECRET, SOURCES, SRC, limeConsent, limePerson, match, register, vismaCustomer, vismaInvoice, type Customer } from './helpers.ts';

/** Lime person 1010, Katrin Vogel in Stuttgart, her phones written nationally in Germany. */
function katrin(phones: { field: string; value: string; region?: RawIdentifier['region'] }[], locator?: SourceRecord['locator']): SourceRecord {
  const r = limePerson(1010, { first: 'Katrin', last: 'Vogel', email: 'katrin.vogel@mail.example' });
  for (const p of phones) {
    r.fields[p.field] = p.value;
    r.identifiers.push({ kind: 'phone', field: p.field, value: p.value, ...(p.region ? { region: p.region } : {}) });
  }
  if (locator) {
    r.locator = locator;
    r.identifiers = r.identifiers.filter((i) => i.kind !== 'systemId');
  }
  return r;
}

async function erase(matches: MatchedRecord[], extra: Partial<ErasureInput> = {}): Promise<Plan> {
  return planErasure({ asOf: '2026-01-31', register: await register(), matches, sources: SOURCES, suppressionSecret: SECRET, gaPropertyId: '123456789', ...extra });
}
const primaryOf = (plan: Plan, label: string): PlanAction => plan.actions.find((a) => a.primary && a.label === label)!;
const e164In = (rendering: string, region: 'SE' | 'DE'): string | undefined => parsePhoneNumberFromString(rendering, region)?.number;

describe('rendering a number for a field of another region', () => {
  it('writes a number of another country internationally where a national rendering would be read as another number', () => {
    // A Swedish number on a German contact.
    expect(formatPhoneLike('+46701740699', '0711 1234567', 'DE')).toBe('+46 70 174 06 99');
    expect(formatPhoneLike('+46701740699', '07111234567', 'DE')).toBe('0046701740699');
    expect(formatPhoneLike('+46701740699', '497111234567', 'DE')).toBe('0046701740699');
    // A German number on a German contact, and (unchanged) a Swedish one on a Swedish contact, nationally.
    expect(formatPhoneLike('+497117654321', '0711 1234567', 'DE')).toBe('0711 7654321');
    expect(formatPhoneLike('+46313900642', '070-174 06 05')).toBe('031-390 06 42');
    // A German number on a Swedish contact: internationally too.
    expect(formatPhoneLike('+497117654321', '070-174 06 05')).toBe('+49 711 7654321');
  });

  it('an anonymised phone of a German contact is a Swedish fiction number that the field reads as one', () => {
    const rep = anonymisedPhone('ab'.repeat(32), '0711 1234567', new Set(), 'DE');
    expect(e164In(rep, 'DE')).toMatch(/^\+4631390060\d$|^\+463139006\d\d$/u);
  });
});

describe('the planners compare a record\'s phones in its region', () => {
  it('canonicalValues reads each phone in its own region', () => {
    const r = katrin([{ field: 'phone', value: '0711 1234567', region: 'DE' }, { field: 'mobilephone', value: '070-174 06 05' }]);
    expect([...canonicalValues(r, 'phone')].sort()).toEqual(['+46701740605', '+497111234567']);
  });

  it('rectification: the German contact\'s national number is hers, and the new number is written so the field reads it', async () => {
    const rec = katrin([{ field: 'phone', value: '0711 1234567', region: 'DE' }]);
    const input = { asOf: '2026-02-10', register: await register(), matches: [match(SRC.lime, rec)], sources: SOURCES, subjectIdentifiers: [{ kind: 'phone' as const, value: '+497111234567' }, { kind: 'email' as const, value: 'katrin.vogel@mail.example' }] };
    const german = planRectification(input, [{ field: 'phone', value: '+49 711 7654321' }]);
    expect(german.warnings.map((w) => w.code)).not.toContain('rectify.not-own');
    expect(german.actions.find((a) => a.action === 'rectify')!.fields).toEqual({ phone: { from: '0711 1234567', to: '0711 7654321' } });
    const swedish = planRectification(input, [{ field: 'phone', value: '070-174 06 99' }]);
    expect(swedish.warnings).toEqual([]);
    expect(swedish.actions.find((a) => a.action === 'rectify')!.fields).toEqual({ phone: { from: '0711 1234567', to: '+46 70 174 06 99' } });
  });

  it('rectification: one German number in two notations on a record is one number, not two', async () => {
    const rec = katrin([{ field: 'phone', value: '0711 1234567', region: 'DE' }, { field: 'mobilephone', value: '+49 711 1234567' }]);
    const plan = planRectification({ asOf: '2026-02-10', register: await register(), matches: [match(SRC.lime, rec)], sources: SOURCES }, [{ field: 'phone', value: '+49 711 7654321' }]);
    expect(plan.warnings.map((w) => w.code)).not.toContain('rectify.ambiguous');
  });

  it('erasure: an anonymised German phone is replaced by a number the field reads as a Swedish fiction number', async () => {
    const plan = await erase([match(SRC.lime, katrin([{ field: 'phone', value: '0711 1234567', region: 'DE' }])), match(SRC.lime, limeConsent(7010, 1010), { holders: ['person'] })]);
    const a = primaryOf(plan, 'person 1010');
    expect(a.action).toBe('anonymise');
    const rep = (a.fields as Record<string, string>).phone!;
    expect(e164In(rep, 'DE')).toMatch(/^\+46313900/u);
  });

  it('erasure: an export row without ids is the same object as the API row that holds its German number in another notation', async () => {
    const api = katrin([{ field: 'phone', value: '+49 711 1234567' }]);
    const row = { ...katrin([{ field: 'Telefon', value: '0711 1234567', region: 'DE' }], { file: 'lime/personer.xlsx', sheet: 'Personer', row: 3 }), label: 'person row 3' };
    // Only the phone says that the row is that person: the row's e-mail is another.
    row.identifiers = row.identifiers.filter((i) => i.kind !== 'email');
    const plan = await erase([match(SRC.lime, api), match(SRC.lime, row), match(SRC.lime, limeConsent(7010, 1010), { holders: ['person'] })]);
    expect(primaryOf(plan, 'person 1010').action).toBe('anonymise');
    expect(primaryOf(plan, 'person row 3').action).toBe('anonymise');
  });

  it('erasure: two exports of one object get the same replacement for the same German number', async () => {
    const a = katrin([{ field: 'phone', value: '+49 30 23125123' }, { field: 'mobilephone', value: '+46 70 174 06 33' }]);
    const b = { ...katrin([{ field: 'Telefon', value: '030 23125123', region: 'DE' }, { field: 'Mobiltelefon', value: '0701740633' }]), locator: { file: 'lime/query.json', pointer: '/objects/0' }, label: 'person 1010 (query)' };
    const plan = await erase([match(SRC.lime, a), match(SRC.lime, b), match(SRC.lime, limeConsent(7010, 1010), { holders: ['person'] })]);
    const fa = primaryOf(plan, 'person 1010').fields as Record<string, string>;
    const fb = primaryOf(plan, 'person 1010 (query)').fields as Record<string, string>;
    expect(e164In(fb.Telefon!, 'DE')).toBe(e164In(fa.phone!, 'DE'));
    expect(e164In(fb.Mobiltelefon!, 'SE')).toBe(e164In(fa.mobilephone!, 'SE'));
  });

  it('erasure: a retained customer card keeps the German phone that is on its retained invoice', async () => {
    const customer: Customer = { guid: 'c-1060', no: '1060', name: 'Katrin Vogel', email: 'katrin.vogel@mail.example', street: 'Königstraße 1', postcode: '70173', city: 'Stuttgart' };
    const withPhone = (r: SourceRecord, field: string, value: string, region?: RawIdentifier['region'], holder?: string): SourceRecord => {
      r.fields[field] = value;
      r.identifiers.push({ kind: 'phone', field, value, ...(holder ? { holder } : {}), ...(region ? { region } : {}) });
      return r;
    };
    for (const [onCard, onInvoice] of [
      [['0711 1234567', 'DE'], ['+49 711 1234567', undefined]],
      [['+49 711 1234567', undefined], ['0711 1234567', 'DE']],
    ] as const) {
      const card = withPhone(vismaCustomer(customer, 0), 'Telephone', onCard[0], onCard[1]);
      const invoice = withPhone(vismaInvoice(customer, '2025090', '2025-03-01', 0), 'Telephone', onInvoice[0], onInvoice[1], 'customer');
      const plan = await erase([match(SRC.visma, card), match(SRC.visma, invoice, { holders: ['customer'] })]);
      const a = primaryOf(plan, 'Kund 1060');
      expect(a.action, onCard.join(' ')).toBe('retain');
      expect(Object.keys(a.fields ?? {}), onCard.join(' ')).not.toContain('Telephone');
    }
  });
});

describe('the re-appearance check reads a record\'s phones in its region', () => {
  it('finds a listed German number written nationally on a German contact', async () => {
    const listed = { hash: suppressionKey('phone', '+497111234567', SECRET), kind: 'phone', channel: 'all' as const, ground: 'erasure' as const, since: '2026-01-31', planHash: 'p'.repeat(64), tail: phoneTailKey('+497111234567', SECRET)! };
    const check = new SuppressionCheck([listed], SECRET, await register(), SOURCES);
    const person = (value: string, region?: RawIdentifier['region']): SourceRecord => ({ ...katrin([{ field: 'phone', value, ...(region ? { region } : {}) }]), identifiers: [{ kind: 'phone', field: 'phone', value, ...(region ? { region } : {}) }] });
    expect(check.check(SRC.lime, person('0711 1234567', 'DE'))?.kinds).toEqual(['phone']);
    expect(check.check(SRC.lime, person('0711 1234567'))).toBeUndefined();
  });
});
