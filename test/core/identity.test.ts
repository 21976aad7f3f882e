import { describe, expect, it } from 'vitest';
import {
  foldBase,
  foldName,
  isRoleEmail,
  normaliseAddress,
  normaliseAddressLine,
  normaliseCompany,
  normaliseEmail,
  normaliseGaClientId,
  normaliseIp,
  normaliseOrgnr,
  normalisePhone,
  normalisePnr,
  canonical,
} from '../../src/core/identity/normalise.ts';
import { countryCode, phoneRegions } from '../../src/core/identity/country.ts';

/**
 * Published test vectors of the personnummer project (personnummer/meta,
 * testdata/list.json @ c44a844a, MIT): each row gives one number in its
 * integer, short, separated and long-separated forms and whether it is valid.
 * Transcribed as facts; the file itself is not part of this repository.
 */
const PNR_VECTORS: { forms: string[]; long: string; valid: boolean; coordination: boolean }[] = [
  { forms: ['201509160006', '1509160006', '150916-0006', '20150916-0006'], long: '201509160006', valid: false, coordination: false },
  { forms: ['190905271474', '090527+1474', '19090527+1474'], long: '190905271474', valid: true, coordination: false },
  { forms: ['200002292399', '0002292399', '000229-2399', '20000229-2399'], long: '200002292399', valid: true, coordination: false },
  { forms: ['197004289895', '7004289895', '700428-9895', '19700428-9895'], long: '197004289895', valid: false, coordination: false },
  { forms: ['195704289999', '5704289999', '570428-9999', '19570428-9999'], long: '195704289999', valid: true, coordination: false },
  { forms: ['194205669899', '4205669899', '420566-9899', '19420566-9899'], long: '194205669899', valid: false, coordination: true },
  { forms: ['197302889931', '7302889931', '730288-9931', '19730288-9931'], long: '197302889931', valid: true, coordination: true },
  { forms: ['196004309886', '6004309886', '600430-9886', '19600430-9886'], long: '196004309886', valid: false, coordination: false },
  { forms: ['194608239986', '4608239986', '460823-9986', '19460823-9986'], long: '194608239986', valid: true, coordination: false },
  { forms: ['197210869924', '7210869924', '721086-9924', '19721086-9924'], long: '197210869924', valid: false, coordination: true },
  { forms: ['202107919967', '2107919967', '210791-9967', '20210791-9967'], long: '202107919967', valid: true, coordination: true },
  { forms: ['190901219931', '090121+9931', '19090121+9931'], long: '190901219931', valid: true, coordination: false },
  { forms: ['200004059937', '0004059937', '000405-9937', '20000405-9937'], long: '200004059937', valid: true, coordination: false },
];

/** organisationsnummer/meta testdata/list.json @ 88c48e0d (MIT), transcribed. */
const ORGNR_VECTORS: { input: string; short: string; valid: boolean; type: string }[] = [
  { input: '5560160680', short: '5560160680', valid: true, type: 'Aktiebolag' },
  { input: '165560160680', short: '5560160680', valid: true, type: 'Aktiebolag' },
  { input: '5561034249', short: '5561034249', valid: true, type: 'Aktiebolag' },
  { input: '165592440001', short: '5592440001', valid: true, type: 'Aktiebolag' },
  { input: '5560160681', short: '5560160681', valid: false, type: 'Aktiebolag' },
  { input: '165561034250', short: '5561034250', valid: false, type: 'Aktiebolag' },
  { input: '195102179974', short: '5102179974', valid: true, type: 'Enskild firma' },
  { input: '197906889972', short: '7906889972', valid: true, type: 'Enskild firma' },
  { input: '194511809891', short: '4511809891', valid: true, type: 'Enskild firma' },
];

describe('personnummer and samordningsnummer', () => {
  for (const v of PNR_VECTORS) {
    for (const form of v.forms) {
      it(`${form} is ${v.valid ? 'valid' : 'invalid'}`, () => {
        const p = normalisePnr(form);
        if (!v.valid) {
          expect(p).toBeUndefined();
          return;
        }
        expect(p?.canonical).toBe(v.long);
        expect(p?.coordination).toBe(v.coordination);
      });
    }
  }

  it('reads the personas in every notation (formats.md §0)', () => {
    for (const form of ['19840312-9987', '840312-9987', '8403129987', '198403129987', ' 840312 - 9987 '.replace(/ /g, '')]) {
      expect(normalisePnr(form)?.canonical).toBe('198403129987');
    }
    expect(normalisePnr('900574-9974')).toEqual({ canonical: '199005749974', coordination: true });
    expect(normalisePnr('840312-9988')).toBeUndefined();
    expect(normalisePnr('not a number')).toBeUndefined();
  });
});

describe('organisationsnummer', () => {
  for (const v of ORGNR_VECTORS) {
    it(`${v.input} → ${v.valid ? v.short : 'invalid'}`, () => {
      const o = normaliseOrgnr(v.input);
      if (!v.valid) return expect(o).toBeUndefined();
      expect(o?.canonical).toBe(v.short);
      expect(o?.type).toBe(v.type);
    });
  }

  it("a sole trader's org.nr is the owner's personnummer", () => {
    const o = normaliseOrgnr('761105-9978');
    expect(o).toMatchObject({ canonical: '7611059978', personal: true, pnr: '197611059978' });
    expect(normaliseOrgnr('556987-6542')).toMatchObject({ canonical: '5569876542', personal: false });
    expect(normaliseOrgnr('SE556987654201')?.canonical).toBe('5569876542');
  });
});

describe('phone numbers', () => {
  it.each([
    '070-174 06 05',
    '0701740605',
    '+46 70 174 06 05',
    '+46701740605',
    '0046701740605',
    '+46(0)70-1740605',
    '46701740605',
    '(070) 174 06 05',
    '070 - 174 06 05',
  ])('%s is +46701740605', (raw) => {
    expect(normalisePhone(raw)).toEqual({ e164: '+46701740605', valid: true });
  });

  it('keeps foreign numbers in their own country', () => {
    expect(normalisePhone('+45 20 12 34 56')?.e164).toBe('+4520123456');
  });

  it('gives invalid numbers a canonical form but says so', () => {
    expect(normalisePhone('07070034565')).toEqual({ e164: '+467070034565', valid: false });
    expect(normalisePhone('12')).toBeUndefined();
    expect(normalisePhone('no digits')).toBeUndefined();
  });

  it('reads a national number in the region it was written in, Sweden without one', () => {
    // A German contact's Stuttgart number, as a German Outlook export writes it.
    expect(normalisePhone('0711 1234567', 'DE')).toEqual({ e164: '+497111234567', valid: true });
    expect(normalisePhone('(0711) 123 45 67', 'DE')?.e164).toBe('+497111234567');
    expect(canonical('phone', '0711 1234567', 'DE')).toBe('+497111234567');
    expect(normalisePhone('22 33 44 55', 'NO')?.e164).toBe('+4722334455');
    // The same digits without the region are a Swedish number (not a valid one), as before.
    expect(normalisePhone('0711 1234567')?.e164).toBe('+467111234567');
    expect(canonical('phone', '0711 1234567')).toBe('+467111234567');
  });

  it.each([
    ['+46 70 174 06 05', 'DE'],
    ['0046 70 174 06 05', 'DE'],
    ['0046701740605', 'US'],
    ['(0046) 70-174 06 05', 'NO'],
    ['+46(0)70-1740605', 'GB'],
    ['070-174 06 05', 'SE'],
  ] as const)('%s in region %s keeps its own country: +46701740605', (raw, region) => {
    expect(normalisePhone(raw, region)).toEqual({ e164: '+46701740605', valid: true });
  });
});

describe('countries as exported, as regions', () => {
  it.each([
    ['Deutschland', 'DE'],
    ['Germany', 'DE'],
    ['Tyskland', 'DE'],
    ['tyskland ', 'DE'],
    ['DEUTSCHLAND', 'DE'],
    ['Allemagne', 'DE'],
    ['Niemcy', 'DE'],
    ['DE', 'DE'],
    ['de', 'DE'],
    ['Sverige', 'SE'],
    ['Sweden', 'SE'],
    ['Schweden', 'SE'],
    ['Suède', 'SE'],
    ['Suede', 'SE'],
    ['Ruotsi', 'SE'],
    ['Norge', 'NO'],
    ['Norwegen', 'NO'],
    ['NO', 'NO'],
    ['Danmark', 'DK'],
    ['Österreich', 'AT'],
    ['Osterreich', 'AT'],
    ['Østerrike', 'AT'],
    ['Schweiz', 'CH'],
    ['Storbritannien', 'GB'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['USA', 'US'],
    ['Verenigde Staten', 'US'],
    ['Finland', 'FI'],
    ['Suomi', 'FI'],
    ['Polska', 'PL'],
    ['Nederland', 'NL'],
    ['España', 'ES'],
    ['Italia', 'IT'],
  ])('%s is %s', (text, code) => {
    expect(countryCode(text)).toBe(code);
  });

  it('gives no region for a text that names no country', () => {
    for (const t of ['', '   ', 'Narnia', 'Helsingborg', 'Europa', 'XX', 'Skåne', '-']) expect(countryCode(t), t).toBeUndefined();
    expect(countryCode(undefined)).toBeUndefined();
  });

  it('a short name that is another region\'s code stays that region (Spanish RU for the United Kingdom is Russia)', () => {
    expect(countryCode('RU')).toBe('RU');
    expect(countryCode('Reino Unido')).toBe('GB');
  });

  it('pairs each phone with the country of its address, and the one country with every phone', () => {
    const r = phoneRegions({ business: 'Deutschland', home: 'Norge' });
    expect([r('business'), r('home'), r('mobile'), r('other'), r(undefined)]).toEqual(['DE', 'NO', 'NO', undefined, undefined]);
    // A mobile goes with the home address, else the business one.
    expect(phoneRegions({ business: 'Deutschland', other: 'Sverige' })('mobile')).toBe('DE');
    // One country on the card counts for every phone.
    const one = phoneRegions({ business: 'Germany' });
    expect([one('business'), one('home'), one('mobile'), one('other'), one(undefined)]).toEqual(['DE', 'DE', 'DE', 'DE', 'DE']);
    expect(phoneRegions({ business: 'DE', home: 'Tyskland' })('other')).toBe('DE');
    // A country text that names no country known counts as none: the card's one known country is every phone's
    // (a Swedish number there is still read as Swedish: normalisePhone).
    const unknown = phoneRegions({ business: 'Narnia', home: 'Deutschland' });
    expect([unknown('business'), unknown('home'), unknown(undefined)]).toEqual(['DE', 'DE', 'DE']);
    expect(phoneRegions({ business: 'Narnia', home: 'Deutschland', other: 'Norge' })('business')).toBeUndefined();
    expect(phoneRegions({})('mobile')).toBeUndefined();
    expect(phoneRegions({ business: '  ', home: '' })('home')).toBeUndefined();
  });
});

describe('e-mail', () => {
  it('trims and case-folds, and reads mail header forms', () => {
    expect(normaliseEmail('  ASA.Lindqvist@LindqvistBygg.Example ')).toBe('asa.lindqvist@lindqvistbygg.example');
    expect(normaliseEmail('Åsa Lindqvist <asa.lindqvist@lindqvistbygg.example>')).toBe('asa.lindqvist@lindqvistbygg.example');
    expect(normaliseEmail('mailto:info@ojco.example')).toBe('info@ojco.example');
    expect(normaliseEmail('not an address')).toBeUndefined();
  });

  it('knows role addresses', () => {
    expect(isRoleEmail('info@ojco.example')).toBe(true);
    expect(isRoleEmail('faktura@lindqvistbygg.example')).toBe(true);
    expect(isRoleEmail('asa.lindqvist@lindqvistbygg.example')).toBe(false);
  });
});

describe('names', () => {
  it('is order- and case-insensitive, and keeps diacritics apart from the base form', () => {
    const a = foldName('Åsa Lindqvist')!;
    const b = foldName('LINDQVIST, ÅSA')!;
    const c = foldName('Asa Lindqvist')!;
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(a.baseKey).toBe(c.baseKey);
  });

  it('folds decomposed and composed forms alike', () => {
    expect(foldName('Ma\u0308rta O\u0308berg')!.key).toBe(foldName('Märta Öberg')!.key);
    expect(foldBase('Örjan Bäckström')).toBe('orjan backstrom');
  });

  it('compares companies without their legal form', () => {
    expect(normaliseCompany('Lindqvist Bygg AB')).toBe(normaliseCompany('LINDQVIST BYGG AKTIEBOLAG'));
  });
});

describe('addresses, IPs and GA client ids', () => {
  it('reduces an address to postcode and street number', () => {
    expect(normaliseAddress('Södra Storgatan 7 lgh 1102', '252 23')).toBe('25223|sodra storgatan 7');
    expect(normaliseAddressLine('Södra Storgatan 7, 252 23 Helsingborg')).toBe('25223|sodra storgatan 7');
  });

  it('canonicalises IPv4 and IPv6', () => {
    expect(normaliseIp('203.0.113.055')).toBe('203.0.113.55');
    expect(normaliseIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normaliseIp('::ffff:192.0.2.10')).toBe('192.0.2.10');
    expect(normaliseIp('2001:db8::0:1')).toBe('2001:db8::1');
    expect(normaliseIp('300.1.1.1')).toBeUndefined();
    expect(normaliseIp('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });

  it('takes the client id out of a _ga cookie', () => {
    expect(normaliseGaClientId('GA1.1.1234567890.1747037650')).toBe('1234567890.1747037650');
    expect(normaliseGaClientId('1234567890.1747037650')).toBe('1234567890.1747037650');
    expect(normaliseGaClientId('nope')).toBeUndefined();
  });
});
