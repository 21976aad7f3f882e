import { describe, expect, it } from 'vitest';
import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { anonymisedEmail, anonymisedPhone, formatPhoneLike, planErasure } from '../../../src/core/plan/index.ts';
import { seedOf } from '../../../src/core/plan/anonymise.ts';
import { normaliseEmail } from '../../../src/core/identity/normalise.ts';
import { SECRET, SOURCES, SRC, limeConsent, limePerson, match, register } from './helpers.ts';

const nationalLength = (s: string): number => String(parsePhoneNumberFromString(s, 'SE')!.nationalNumber).length;

describe('anonymised values keep the format the target system validates', () => {
  it('e-mail: a valid address shape in the reserved .invalid domain, derived from a hash', () => {
    const seed = seedOf('lime', { file: 'lime/person.json', pointer: '/x' }, 'email');
    const e = anonymisedEmail(seed);
    expect(e).toMatch(/^anonymised-[0-9a-f]{8}@anonymised\.invalid$/u);
    expect(normaliseEmail(e)).toBe(e);
    expect(anonymisedEmail(seedOf('lime', { file: 'lime/person.json', pointer: '/x' }, 'email'))).toBe(e);
    expect(anonymisedEmail(seedOf('lime', { file: 'lime/person.json', pointer: '/y' }, 'email'))).not.toBe(e);
  });

  const originals = ['070-174 06 05', '0701740633', '+46701740612', '+46 70 174 06 47', '0046701740690', '46701740671', '042-12 34 56', '08-123 456 78', '+4540123456'];
  for (const original of originals) {
    it(`phone ${original}: a fictional number, valid under libphonenumber (SE), same length class and notation, never the original`, () => {
      for (let i = 0; i < 30; i++) {
        const seed = seedOf('src', { file: 'f', row: i }, 'phone');
        const rep = anonymisedPhone(seed, original);
        expect(isValidPhoneNumber(rep, 'SE'), rep).toBe(true);
        expect(parsePhoneNumberFromString(rep, 'SE')!.number).not.toBe(parsePhoneNumberFromString(original, 'SE')?.number);
        const orig = parsePhoneNumberFromString(original, 'SE')!;
        // Same length class: the fiction ranges have nine national digits, as every Swedish mobile and
        // most fixed lines; a shorter fixed line (042-12 34 56) gets one digit more, never an invalid length.
        const origLen = String(orig.nationalNumber).length;
        if (orig.country === 'SE') expect(nationalLength(rep) - origLen).toBeGreaterThanOrEqual(0);
        if (orig.country === 'SE') expect(nationalLength(rep) - origLen).toBeLessThanOrEqual(1);
        if (origLen === 9 && orig.country === 'SE') expect(rep.replace(/\D/gu, '').length).toBe(original.replace(/\D/gu, '').length);
        // Same notation: a + stays a +, spaces stay spaces, bare digits stay bare digits.
        expect(rep.startsWith('+')).toBe(original.startsWith('+'));
        expect(rep.startsWith('00')).toBe(original.startsWith('00'));
        expect(/\s|-/u.test(rep)).toBe(/\s|-/u.test(original));
        if (/^0[1-9]\d+$/u.test(original)) expect(rep).toMatch(/^0\d{9}$/u);
        expect(anonymisedPhone(seed, original)).toBe(rep);
      }
    });
  }

  it('a mobile stays a mobile, a fixed line a fixed line', () => {
    const seed = seedOf('s', { file: 'f' }, 'p');
    expect(parsePhoneNumberFromString(anonymisedPhone(seed, '070-174 06 05'), 'SE')!.getType()).toBe('MOBILE');
    expect(parsePhoneNumberFromString(anonymisedPhone(seed, '042-12 34 56'), 'SE')!.getType()).toBe('FIXED_LINE');
  });

  it('formatPhoneLike writes a number in the notation of another', () => {
    expect(formatPhoneLike('+46313900642', '070-174 06 05')).toBe('031-390 06 42');
    expect(formatPhoneLike('+46313900642', '+46 70 174 06 05')).toBe('+46 31 390 06 42');
    expect(formatPhoneLike('+46313900642', '0701740605')).toBe('0313900642');
    expect(formatPhoneLike('+46313900642', '+46701740605')).toBe('+46313900642');
  });

  it('a whole Lime person kept for its consents: add-on names, valid e-mail and phones, relations unlinked, deterministic', async () => {
    const person = limePerson(1001, { first: 'Åsa', last: 'Lindqvist', email: 'asa.lindqvist@lindqvistbygg.example', mobile: '070-174 06 05', phone: '+46406280410', company: 2001, position: 'Inköpschef' });
    const make = async () =>
      planErasure({
        asOf: '2026-02-01',
        register: await register(),
        sources: SOURCES,
        suppressionSecret: SECRET,
        matches: [match(SRC.lime, person), match(SRC.lime, limeConsent(7001, 1001), { holders: ['person'] })],
      });
    const plan = await make();
    const a = plan.actions.find((x) => x.label === 'person 1001')!;
    expect(a.action).toBe('anonymise');
    const f = a.fields as Record<string, string | null>;
    expect(f.firstname).toBe('PersonX');
    expect(f.lastname).toBe('X-SON');
    expect(f.position).toBe('ANONYMIZED');
    expect(f.company).toBeNull();
    expect(normaliseEmail(f.email!)).toBe(f.email);
    expect(f.email).toMatch(/@anonymised\.invalid$/u);
    expect(isValidPhoneNumber(f.mobilephone!, 'SE')).toBe(true);
    expect(f.mobilephone).toMatch(/^07\d-\d{3} \d{2} \d{2}$/u);
    expect(f.mobilephone).not.toBe('070-174 06 05');
    expect(isValidPhoneNumber(f.phone!, 'SE')).toBe(true);
    expect(f.phone).toMatch(/^\+46\d{9}$/u);
    expect(a.fields).not.toHaveProperty('_id');
    expect((await make()).actions.find((x) => x.label === 'person 1001')!.fields).toEqual(a.fields);
  });
});
