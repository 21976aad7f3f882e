/**
 * A phone written nationally is read in the region its record says
 * (RawIdentifier.region): a German contact's `0711 1234567` is
 * +49 711 1234567, not the Swedish +46 711 234 567. Extraction, matching and
 * the links learned from such a record all use the number the record means.
 */
import { describe, expect, it } from 'vitest';
import { extractIds, phoneTail, type ExtractionGate } from '../../../src/core/match/extract.ts';
import { Matcher, type SubjectQuery } from '../../../src/core/match/matcher.ts';
import type { RawIdentifier, SourceRecord } from '../../../src/core/record.ts';
import { normalisePhone } from '../../../src/core/identity/normalise.ts';
import { countryCode, phoneRegions } from '../../../src/core/identity/country.ts';

let line = 0;
function rec(entity: string, identifiers: RawIdentifier[]): SourceRecord {
  line++;
  return { entity, locator: { file: 'test.csv', line }, fields: {}, identifiers };
}
const phone = (value: string, region?: RawIdentifier['region']): RawIdentifier => ({ kind: 'phone', field: 'Business Phone', value, ...(region ? { region } : {}) });
const email = (value: string): RawIdentifier => ({ kind: 'email', field: 'E-mail Address', value });
const ALL: ExtractionGate = { phoneTails: new Set(), nameTokens: new Set(), all: true };

function found(identifiers: SubjectQuery['identifiers'], records: SourceRecord[]): string[] {
  const m = new Matcher([{ id: 's', identifiers }]);
  for (let pass = 0; pass < 2; pass++) for (const r of records) m.offer(0, r);
  return m.finish()[0]!.records.map((x) => `${x.record.entity}:${x.confidence}`).sort();
}

describe('a phone with the region of its record', () => {
  it('is normalised in that region; without one, in Sweden as before', () => {
    const keys = (ids: RawIdentifier[]): string[] => extractIds(rec('contact', ids), ALL).map((i) => i.key);
    expect(keys([phone('0711 1234567', 'DE')])).toEqual(['phone:+497111234567']);
    expect(keys([phone('0711 1234567')])).toEqual(['phone:+467111234567']);
    // An international number keeps its country whatever the record's.
    expect(keys([phone('+46 70 174 06 05', 'DE'), phone('0046 70 174 06 05', 'US')])).toEqual(['phone:+46701740605', 'phone:+46701740605']);
  });

  it('passes the gate of a search for the number in its own country (the tail is the same in any notation)', () => {
    const gate: ExtractionGate = { phoneTails: new Set([phoneTail('+497111234567')]), nameTokens: new Set() };
    expect(extractIds(rec('contact', [phone('(0711) 123 45 67', 'DE'), phone('0711/1234567', 'DE')]), gate).map((i) => i.key)).toEqual(['phone:+497111234567', 'phone:+497111234567']);
  });

  it('finds the German contact by her international number, exact, and not by the same digits as a Swedish number', () => {
    const contact = rec('contact', [email('katrin.vogel@mail.example'), phone('0711 1234567', 'DE')]);
    expect(found([{ kind: 'phone', value: '+49 711 1234567' }], [contact])).toEqual(['contact:exact']);
    expect(found([{ kind: 'phone', value: '0049 711 1234567' }], [contact])).toEqual(['contact:exact']);
    expect(found([{ kind: 'phone', value: '0711 1234567' }], [contact])).toEqual([]);
  });

  it('links through the number the record means: a record with her +49 number is hers, one with the Swedish reading of her digits is not', () => {
    const contact = rec('contact', [email('katrin.vogel@mail.example'), phone('0711 1234567', 'DE')]);
    const customer = rec('customer', [phone('+49 711 1234567')]);
    const swede = rec('member', [phone('+46 711 123 45 67')]);
    expect(found([{ kind: 'email', value: 'katrin.vogel@mail.example' }], [contact, customer, swede])).toEqual(['contact:exact', 'customer:exact']);
  });
});

describe('a Swedish number on a foreign record, and country texts people write', () => {
  it('reads a number that is no number of the record country but a Swedish one as Swedish', () => {
    for (const region of ['NO', 'DK', 'DE'] as const) expect(normalisePhone('070-174 06 70', region)?.e164, region).toBe('+46701740670');
    // A number of the record's country stays its own.
    expect(normalisePhone('0711 1234567', 'DE')?.e164).toBe('+497111234567');
    expect(normalisePhone('22 33 44 55', 'NO')?.e164).toBe('+4722334455');
  });

  it('knows the long and the everyday names Intl does not give, and falls back past a country it does not know', () => {
    expect(countryCode('United States of America')).toBe('US');
    expect(countryCode('U.S.A.')).toBe('US');
    expect(countryCode('Great Britain')).toBe('GB');
    expect(countryCode('England')).toBe('GB');
    expect(countryCode('Holland')).toBe('NL');
    expect(countryCode('Czech Republic')).toBe('CZ');
    expect(countryCode('Atlantis')).toBeUndefined();
    // The real iPhone vCard: HOME in "United States of America", WORK in "USA"; an unknown home country falls back to work.
    expect(phoneRegions({ home: 'United States of America', business: 'USA' })('mobile')).toBe('US');
    expect(phoneRegions({ home: 'Atlantis', business: 'USA' })('mobile')).toBe('US');
    expect(phoneRegions({ home: 'Atlantis', business: 'USA' })('home')).toBe('US');
    expect(phoneRegions({ home: 'Atlantis' })('mobile')).toBeUndefined();
  });
});
