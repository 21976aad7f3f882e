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
