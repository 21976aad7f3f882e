/**
 * Property-based tests of the identifier normalisers (issue #8 point 2):
 * every notation of one identifier meets in one canonical form, normalising
 * is idempotent, and no input makes a normaliser throw. The published test
 * vectors are in test/core/identity.test.ts; these generate the numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTIFIER_KINDS } from '../../src/core/identity/kinds.ts';
import { canonical, foldName, normaliseEmail, normaliseOrgnr, normalisePhone, normalisePnr } from '../../src/core/identity/normalise.ts';

const RUNS = { numRuns: 300 };
const digits = (n: number): fc.Arbitrary<string> => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** The Luhn check digit of a digit string (personnummer, org.nr: over the 9 digits before it). */
function luhn(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    let d = Number(s[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

// ------------------------------------------------------------------ phone

/** A Swedish mobile number (070, 072, 073, 076, 079 and seven digits), as its national significant number. */
const swedishMobile = fc.tuple(fc.constantFrom('70', '72', '73', '76', '79'), digits(7)).map(([p, rest]) => `${p}${rest}`);

/** The ways Swedish exports write one mobile number (formats.md §6.3). */
function phoneRenderings(nsn: string): string[] {
  const [a, b, c, d] = [nsn.slice(0, 2), nsn.slice(2, 5), nsn.slice(5, 7), nsn.slice(7)];
  return [
    `0${nsn}`,
    `0${a}-${b} ${c} ${d}`,
    `0${a}-${b}${c}${d}`,
    `0${a} ${b} ${c} ${d}`,
    `0${a}-${b} ${c}${d}`,
    `0${a}/${b}${c}${d}`,
    `(0${a}) ${b} ${c} ${d}`,
    `+46${nsn}`,
    `+46 ${a} ${b} ${c} ${d}`,
    `+46 (0)${a}-${b} ${c} ${d}`,
    `+46(0)${a}${b}${c}${d}`,
    `0046 ${a} ${b} ${c} ${d}`,
    `0046${nsn}`,
    `46${nsn}`,
    `  0${a}-${b} ${c} ${d} `,
    `tel:+46${nsn}`,
  ];
}

describe('phone numbers', () => {
  it('every notation of a Swedish mobile number normalises to the same E.164', () => {
    fc.assert(
      fc.property(swedishMobile, (nsn) => {
        const e164 = `+46${nsn}`;
        for (const r of phoneRenderings(nsn)) {
          const p = normalisePhone(r);
          expect(p?.e164, r).toBe(e164);
          expect(p?.valid, r).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('is idempotent: the E.164 form normalises to itself', () => {
    fc.assert(
      fc.property(swedishMobile, fc.constantFrom(...phoneRenderings('701740633').map((_, i) => i)), (nsn, i) => {
        const once = normalisePhone(phoneRenderings(nsn)[i]!)!.e164;
        expect(normalisePhone(once)?.e164).toBe(once);
      }),
      RUNS,
    );
  });

  it('two different numbers never meet', () => {
    fc.assert(
      fc.property(swedishMobile, swedishMobile, (x, y) => {
        fc.pre(x !== y);
        expect(normalisePhone(`0${x}`)?.e164).not.toBe(normalisePhone(`0${y}`)?.e164);
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ personnummer

interface GeneratedPnr {
  year: number;
  month: number;
  day: number;
  serial: string;
  coordination: boolean;
}

/**
 * A valid personnummer or samordningsnummer (day + 60) of someone born 1940-2019,
 * so that the 10-digit forms (with `-`, for those under 100) are unambiguous.
 */
const pnrArb: fc.Arbitrary<GeneratedPnr> = fc
  .record({
    date: fc.date({ min: new Date(Date.UTC(1940, 0, 1)), max: new Date(Date.UTC(2019, 11, 31)), noInvalidDate: true }),
    // Serial 000 is never issued (and the personnummer library refuses it).
    serial: fc.integer({ min: 1, max: 999 }).map((n) => String(n).padStart(3, '0')),
    coordination: fc.boolean(),
  })
  .map(({ date, serial, coordination }) => ({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), serial, coordination }));

function pnrForms(p: GeneratedPnr): { canonical: string; forms: string[] } {
  const two = (n: number): string => String(n).padStart(2, '0');
  const yymmdd = `${two(p.year % 100)}${two(p.month)}${two(p.day + (p.coordination ? 60 : 0))}`;
  const check = luhn(`${yymmdd}${p.serial}`);
  const short = `${yymmdd}${p.serial}${check}`;
  const long = `${Math.floor(p.year / 100)}${short}`;
  return {
    canonical: long,
    // The four forms: 12 digits, 12 with a separator, 10 digits, 10 with a separator.
    forms: [long, `${long.slice(0, 8)}-${long.slice(8)}`, short, `${short.slice(0, 6)}-${short.slice(6)}`],
  };
}

describe('personnummer and samordningsnummer', () => {
  it('all four forms of a generated valid number give the same canonical 12 digits', () => {
    fc.assert(
      fc.property(pnrArb, (p) => {
        const { canonical: want, forms } = pnrForms(p);
        for (const f of forms) {
          const n = normalisePnr(f);
          expect(n?.canonical, f).toBe(want);
          expect(n?.coordination, f).toBe(p.coordination);
        }
        // With stray spaces around, as hand-typed exports have them.
        expect(normalisePnr(` ${forms[1]} `)?.canonical).toBe(want);
      }),
      RUNS,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(pnrArb, fc.integer({ min: 0, max: 3 }), (p, i) => {
        const once = normalisePnr(pnrForms(p).forms[i]!)!.canonical;
        expect(normalisePnr(once)?.canonical).toBe(once);
      }),
      RUNS,
    );
  });

  it('refuses the number when its check digit is wrong', () => {
    fc.assert(
      fc.property(pnrArb, fc.integer({ min: 1, max: 9 }), (p, delta) => {
        const { forms } = pnrForms(p);
        for (const f of forms) {
          const wrong = `${f.slice(0, -1)}${(Number(f.slice(-1)) + delta) % 10}`;
          expect(normalisePnr(wrong), wrong).toBeUndefined();
        }
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ org.nr

/** A valid organisationsnummer of a legal person (group digit 5, third digit 2 or more). */
const orgnrArb = fc.tuple(fc.integer({ min: 2, max: 9 }), digits(7)).map(([third, rest]) => {
  const nine = `5${rest.slice(0, 1)}${third}${rest.slice(1)}`;
  return `${nine}${luhn(nine)}`;
});

describe('organisationsnummer', () => {
  it('every notation (with and without separator, century prefix 16, VAT number) gives the same 10 digits', () => {
    fc.assert(
      fc.property(orgnrArb, (o) => {
        for (const f of [o, `${o.slice(0, 6)}-${o.slice(6)}`, `16${o}`, `16${o.slice(0, 6)}-${o.slice(6)}`, `SE${o}01`, ` ${o} `]) {
          expect(normaliseOrgnr(f)?.canonical, f).toBe(o);
          expect(normaliseOrgnr(f)?.personal, f).toBe(false);
        }
        expect(normaliseOrgnr(o)!.canonical).toBe(normaliseOrgnr(normaliseOrgnr(o)!.canonical)!.canonical);
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ e-mail

const localPart = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._%+-]{0,20}$/u);
const domain = fc.tuple(fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/u), fc.constantFrom('se', 'SE', 'com', 'Example', 'nu')).map(([d, tld]) => `${d}.${tld}`);
/** Case changed character by character. */
const recase = (s: string, flips: boolean[]): string => [...s].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('');

describe('e-mail addresses', () => {
  it('are case-folded and trimmed: every casing, with spaces, mailto: or a display name, gives one address', () => {
    fc.assert(
      fc.property(localPart, domain, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (l, d, flips) => {
        const addr = `${l}@${d}`;
        const want = addr.toLowerCase();
        for (const form of [addr, addr.toUpperCase(), recase(addr, flips), `  ${addr}\t`, `mailto:${addr}`, `Märta Öberg <${recase(addr, flips)}>`]) {
          expect(normaliseEmail(form), form).toBe(want);
        }
      }),
      RUNS,
    );
  });

  it('folds Swedish letters in an address the same way in either case', () => {
    fc.assert(
      fc.property(fc.constantFrom('märta', 'örjan', 'åsa', 'jörgen.åkesson'), domain, (l, d) => {
        const addr = `${l}@${d}`;
        expect(normaliseEmail(addr.toUpperCase())).toBe(normaliseEmail(addr));
        // NFC and NFD spellings of ä/ö/å meet too.
        expect(normaliseEmail(addr.normalize('NFD'))).toBe(normaliseEmail(addr.normalize('NFC')));
      }),
      RUNS,
    );
  });
});

// ------------------------------------------------------------------ every kind

/** Kinds whose canonical form is itself a valid raw value of the kind (name and address canonicals are keys, not values). */
const REPARSEABLE = IDENTIFIER_KINDS.filter((k) => k !== 'address');

describe('every normaliser', () => {
  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_KINDS), fc.string({ unit: 'binary', maxLength: 60 }), (kind, raw) => {
        expect(() => canonical(kind, raw)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: the canonical form normalises to itself', () => {
    const sample = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      swedishMobile.map((n) => `0${n}`),
      pnrArb.map((p) => pnrForms(p).forms[3]!),
      orgnrArb,
      fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`.toUpperCase()),
      fc.constantFrom('Märta Öberg', 'ÖBERG, Märta', 'Lindqvist Bygg AB', '203.0.113.55', '2001:DB8:0:0:0:0:0:1', 'GA1.1.1234567890.1747037650', ' 1044 '),
    );
    fc.assert(
      fc.property(fc.constantFrom(...REPARSEABLE), sample, (kind, raw) => {
        const once = canonical(kind, raw);
        if (once === undefined) return;
        expect(canonical(kind, once), `${kind}: ${JSON.stringify(raw)} -> ${JSON.stringify(once)}`).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('a name meets itself in any order, casing and spacing of its parts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Märta', 'Öberg', 'Åsa', 'Lindqvist', 'Jörgen', 'Åkesson', 'Örjan', 'Bäckström', 'Anna-Karin'), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (parts, flips) => {
          const key = foldName(parts.join(' '))!.key;
          expect(foldName([...parts].reverse().join('  '))!.key).toBe(key);
          expect(foldName(recase(parts.join(' \t'), flips))!.key).toBe(key);
        },
      ),
      RUNS,
    );
  });
});
