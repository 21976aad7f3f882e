import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { anchorOf, digitTrie, prefilterFor } from '../../src/io/anchors.ts';
import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { extractIds, phoneTail, PHONE_TAIL } from '../../src/core/match/extract.ts';
import { foldName, normaliseEmail, normalisePhone, normalisePnr } from '../../src/core/identity/normalise.ts';
import type { SourceRecord } from '../../src/core/record.ts';

const encodings = ['utf8', 'cp1252', 'cp437'] as const;
const bytes = (s: string, enc: (typeof encodings)[number]): Buffer => (enc === 'utf8' ? Buffer.from(s, 'utf8') : iconv.encode(s, enc));
const accepts = (keys: { kind: string; value: string }[], text: string): boolean[] => {
  const p = prefilterFor(keys)!;
  expect(p).toBeDefined();
  return encodings.map((e) => {
    const b = bytes(text, e);
    return p.mayMatch(b, 0, b.length);
  });
};

describe('anchors', () => {
  it('picks the substrings every rendering must contain', () => {
    expect(anchorOf('email', 'marta.oberg@mail.example')).toBe('marta.oberg');
    expect(anchorOf('pnr', '199207289969')).toBe('920728\u00009969');
    expect(anchorOf('orgnr', '5569876542')).toBe('556987');
    expect(anchorOf('systemId', 'lime:person:1001')).toBe('1001');
    expect(anchorOf('name', 'bäckström örjan')).toBe('backstrom');
    // Runs of two (`gb`, `ck`) would give up; the bases are long enough.
    expect(anchorOf('name', 'björn högbäck')).toBe('hogback');
    // A token whose base is not ASCII gives its longest ASCII run.
    expect(anchorOf('name', 'андрей smith')).toBe('smith');
    expect(anchorOf('gaClientId', '1234567890.1747037650')).toBe('1234567890.1747037650');
    expect(anchorOf('ip', '203.0.113.55')).toBe('203');
  });

  it('accepts every notation of a person in every encoding, and rejects records without them', () => {
    const keys = [
      { kind: 'email', value: 'marta.oberg@mail.example' },
      { kind: 'phone', value: '+46701740633' },
      { kind: 'pnr', value: '199207289969' },
      { kind: 'name', value: 'märta öberg' },
    ];
    for (const text of [
      'E-post;MARTA.OBERG@MAIL.EXAMPLE',
      '"url":"https://x.example/?e=marta.oberg%40mail.example"',
      'tel 070-174 06 33',
      '{"phone":"+46 (0)70 174 06 33"}',
      '0046\u00a070\u00a0174\u00a006\u00a033',
      'pnr 920728-9969',
      'Märta ÖBERG ringde',
      'Marta Oberg',
    ]) {
      expect(accepts(keys, text), text).toEqual([true, true, true]);
    }
    // Combining marks exist only in UTF-8 (the others write them `?`, and the name is gone).
    expect(accepts(keys, 'Ma\u0308rta O\u0308berg')[0]).toBe(true);
    // CP437 has no en dash; in the encodings that do, it separates digits like a hyphen.
    expect(accepts(keys, '070–174–06–33').slice(0, 2)).toEqual([true, true]);
    for (const text of ['Sven Svensson;sven@mail.example;070-174 06 34', '{"ts":1747037652123456,"n":"page_view"}', 'Anna Karlsson']) {
      expect(accepts(keys, text), text).toEqual([false, false, false]);
    }
  });

  it('is sound: whatever the matcher would match in a field, the prefilter lets through (property)', () => {
    const separators = fc.constantFrom(' ', '-', '', ' - ', '.', '\u00a0');
    fc.assert(
      fc.property(fc.integer({ min: 1000000, max: 9999999 }), separators, separators, fc.constantFrom('0', '+46 ', '0046', '+46(0)'), fc.constantFrom(...encodings), (n, s1, s2, prefix, enc) => {
        const digits = String(n);
        const rendering = `${prefix}70${s1}${digits.slice(0, 3)}${s2}${digits.slice(3, 5)} ${digits.slice(5)}`;
        const e164 = normalisePhone(rendering)?.e164;
        fc.pre(e164 !== undefined);
        const rec: SourceRecord = { entity: 'x', locator: { file: 'f' }, fields: {}, identifiers: [{ kind: 'phone', value: rendering, field: 'p' }] };
        const ids = extractIds(rec, { phoneTails: new Set(), nameTokens: new Set(), all: true });
        expect(ids.some((i) => i.key === `phone:${e164}`)).toBe(true);
        const p = prefilterFor([{ kind: 'phone', value: e164! }])!;
        const b = bytes(`;${rendering};`, enc);
        return p.mayMatch(b, 0, b.length);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.constantFrom('Åsa Lindqvist', 'Örjan Bäckström', 'Märta Öberg', 'Jörgen Åkesson', 'Zoë Ørsted', 'Björn Högbäck', 'Irène Högbäck', 'Åsa Ek'), fc.constantFrom('upper', 'lower', 'nfd', 'plain', 'other'), fc.constantFrom(...encodings), (name, form, enc) => {
        const key = foldName(name)!.key;
        let rendering: string = name;
        if (form === 'upper') rendering = name.toUpperCase();
        if (form === 'lower') rendering = name.toLowerCase();
        if (form === 'nfd') rendering = name.normalize('NFD');
        if (form === 'plain') rendering = name.normalize('NFD').replace(/\p{M}/gu, '').replace('Ø', 'O').replace('ø', 'o');
        // Other diacritics than the name's (a possible match through the base key).
        if (form === 'other') rendering = name.normalize('NFD').replace(/\p{M}/gu, '').replace('Ø', 'O').replace('ø', 'o').replace(/o/gu, 'ô').replace(/a/gu, 'à');
        const p = prefilterFor([{ kind: 'name', value: key }])!;
        const b = enc === 'utf8' ? Buffer.from(rendering) : iconv.encode(rendering.normalize('NFC'), enc);
        // A character the encoding lacks is written `?`: that file no longer holds the name.
        fc.pre(enc === 'utf8' || iconv.decode(b, enc) === rendering.normalize('NFC'));
        return p.mayMatch(b, 0, b.length);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (email, upper) => {
        const canonical = normaliseEmail(email);
        fc.pre(canonical !== undefined);
        const p = prefilterFor([{ kind: 'email', value: canonical! }]);
        fc.pre(p !== undefined);
        const b = Buffer.from(`"${upper ? email.toUpperCase() : email}"`);
        return p!.mayMatch(b, 0, b.length);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('19840312-9987', '840312-9987', '8403129987', '198403129987', '840312 - 9987', '840312\u00a0-\u00a09987', '840312 +9987', '840312\t\t9987'),
        fc.constantFrom(...encodings),
        fc.boolean(),
        (r, enc, many) => {
          const c = normalisePnr(r)!.canonical;
          const b = bytes(`x ${r} y`, enc);
          const keys = [{ kind: 'pnr', value: c }];
          // Many keys: the automaton; few: the regular expression.
          if (many) for (let i = 0; i < 30; i++) keys.push({ kind: 'email', value: `someone${i}@mail.example` });
          const p = prefilterFor(keys)!;
          return p.mayMatch(b, 0, b.length) && p.hits(b, 0, b.length).length > 0 && p.mayMatchText(`x ${r} y`);
        },
      ),
    );
  });

  it('looks for a personnummer as its date and then its last four digits, not its date alone', () => {
    for (const many of [false, true]) {
      const keys = [{ kind: 'pnr', value: '198403129987' }];
      if (many) for (let i = 0; i < 30; i++) keys.push({ kind: 'email', value: `someone${i}@mail.example` });
      const p = prefilterFor(keys)!;
      const yes = (t: string): boolean => p.mayMatch(Buffer.from(t, 'latin1'), 0, t.length);
      expect(yes('{"ts":1840312123456}'), `${many}`).toBe(false);
      expect(yes('id 840312, ref 12-9987')).toBe(false);
      expect(yes('840312;"";9987')).toBe(true);
      // Cut off before its last four: it may go on.
      expect(yes('x 840312-99')).toBe(true);
      expect(p.mayMatchText('840312')).toBe(true);
      expect(p.mayMatchText('ts 8403121234')).toBe(false);
    }
  });

  it('gives up when an anchor would be too short to select anything', () => {
    expect(prefilterFor([{ kind: 'name', value: 'bo ek' }])).toBeUndefined();
    expect(prefilterFor([{ kind: 'name', value: 'ek åsa' }])).toBeDefined();
  });
});

describe('a phone written nationally in another region (RawIdentifier.region)', () => {
  // Every region libphonenumber knows, by its example mobile number: the national rendering ends in the
  // national number, as a Swedish one does, so the extraction gate and the byte prefilter (its last seven
  // digits with separators between) let it through, in the national, digits-only, international and IDD forms.
  const regions = getCountries().filter((c) => {
    const ex = getExampleNumber(c, examples);
    // A national number of five digits or fewer (Ascension, Tokelau) is no phone number to the normaliser.
    return ex !== undefined && normalisePhone(ex.formatNational(), c) !== undefined;
  });

  it('covers nearly every region', () => {
    expect(regions.length).toBeGreaterThan(230);
  });

  it('is extracted in its region and passes the gate and the prefilter of a search for its number (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...regions), fc.constantFrom('national', 'digits', 'international', 'idd'), fc.constantFrom(...encodings), fc.boolean(), (region, form, enc, many) => {
        const ex = getExampleNumber(region, examples)!;
        const e164 = ex.number;
        const rendering = form === 'national' ? ex.formatNational() : form === 'digits' ? ex.formatNational().replace(/\D/gu, '') : form === 'international' ? ex.formatInternational() : ex.format('IDD', { fromCountry: region });
        fc.pre(!!rendering);
        const rec: SourceRecord = { entity: 'x', locator: { file: 'f' }, fields: {}, identifiers: [{ kind: 'phone', value: rendering, field: 'p', region }] };
        expect(extractIds(rec, { phoneTails: new Set(), nameTokens: new Set(), all: true }).map((i) => i.key)).toEqual([`phone:${e164}`]);
        const tail = phoneTail(e164);
        const gate = tail.length < PHONE_TAIL ? { phoneTails: new Set<string>(), shortPhones: new Set([tail]), nameTokens: new Set<string>() } : { phoneTails: new Set([tail]), nameTokens: new Set<string>() };
        expect(extractIds(rec, gate).map((i) => i.key)).toEqual([`phone:${e164}`]);
        const keys = [{ kind: 'phone', value: e164 }];
        // Many keys: the automaton; few: the regular expressions and the tail scan.
        if (many) for (let i = 0; i < 30; i++) keys.push({ kind: 'email', value: `someone${i}@mail.example` });
        const p = prefilterFor(keys);
        // A national number shorter than a tail has no selective anchor: every record is read.
        if (p === undefined) return tail.length < PHONE_TAIL;
        const b = bytes(`;${rendering};`, enc);
        return p.mayMatch(b, 0, b.length) && p.mayMatchText(`;${rendering};`);
      }),
      { numRuns: 1500 },
    );
  });

  it("lets a German contact's national number through a search for +49 711 1234567", () => {
    const keys = [{ kind: 'phone', value: '+497111234567' }];
    for (const text of ['"0711 1234567"', '"(0711) 123 45 67"', '"0711/1234567"', '"07111234567"', '"0711-1234567"']) expect(accepts(keys, text), text).toEqual([true, true, true]);
    expect(accepts(keys, '"0711 1234568"')).toEqual([false, false, false]);
  });
});

describe('the two engines agree', () => {
  it('the regular expression (few anchors) and the automaton (many) find the same records', async () => {
    const { AnchorPrefilter, RegexPrefilter } = await import('../../src/io/anchors.ts');
    const anchors = ['marta.oberg', '920728', 'ckstr', '1001', anchorOf('pnr', '198403129987')!, anchorOf('pnr', '195012249988')!];
    const tails = ['1740633'];
    const re = new RegexPrefilter(anchors, tails);
    const ac = new AnchorPrefilter(anchors, tails.map(Number));
    fc.assert(
      fc.property(fc.array(fc.constantFrom('marta.OBERG', '920728', 'x', ' ', '17', '40', '633', 'BäCKSTRöM', '-', '1001', 'ab', '840312', '9987', '99', '501224', '9', '\n'), { maxLength: 12 }), (parts) => {
        const b = Buffer.from(parts.join(''), 'latin1');
        const a1 = re.mayMatch(b, 0, b.length);
        const a2 = ac.mayMatch(b, 0, b.length);
        return a1 === a2 && (re.hits(b, 0, b.length).length > 0) === a1 && (ac.hits(b, 0, b.length).length > 0) === a2;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the regular expressions over pieces of a span', () => {
  it('find every hit the whole span finds, and more only at a personnummer date (pieces end after a line break or a quote)', async () => {
    const { RegexPrefilter } = await import('../../src/io/anchors.ts');
    const pnr = anchorOf('pnr', '198403129987')!;
    const anchors = ['marta.oberg', '1001', pnr];
    const make = (): InstanceType<typeof RegexPrefilter> => new RegexPrefilter(anchors, ['1740633'], ['backstrom']);
    const saved = RegexPrefilter.piece;
    try {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom('marta.OBERG', 'x', ' ', '17', '40', '633', 'Bäckström', '-', '1001', 'ab', '840312', '9987', '\n', '\n', '\n\n', '"', '":"', '","', 'yyyyyyyyyyyyyyyyyyyy'), { maxLength: 60 }),
          fc.integer({ min: 1, max: 64 }),
          (parts, piece) => {
            const b = Buffer.from(parts.join(''), 'utf8');
            RegexPrefilter.piece = 1 << 30;
            const whole = make().hits(b, 0, b.length);
            const wholeMay = make().mayMatch(b, 0, b.length);
            RegexPrefilter.piece = piece;
            const pieces = make().hits(b, 0, b.length);
            expect(make().mayMatch(b, 0, b.length)).toBe(pieces.length > 0);
            expect(wholeMay).toBe(whole.length > 0);
            for (const h of whole) expect(pieces).toContain(h);
            for (const h of pieces) if (!whole.includes(h)) expect(b.toString('latin1', h, h + 6)).toBe('840312');
            expect([...pieces].sort((x, y) => x - y)).toEqual(pieces);
          },
        ),
        { numRuns: 2000 },
      );
    } finally {
      RegexPrefilter.piece = saved;
    }
  });
});

describe('phone tails as one pattern', () => {
  it('matches where the plain alternation of the tails matches', () => {
    const sep = '[ -]*';
    const starts = (re: RegExp, s: string): number[] => [...s.matchAll(re)].map((m) => m.index);
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[0-2]{7}$/u), { minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom(...'012 -x'), maxLength: 200 }),
        (tails, text) => {
          const plain = new RegExp(tails.map((t) => t.split('').join(sep)).join('|'), 'g');
          expect(starts(new RegExp(digitTrie(tails, sep), 'g'), text)).toEqual(starts(plain, text));
        },
      ),
      { numRuns: 500 },
    );
  });
});
