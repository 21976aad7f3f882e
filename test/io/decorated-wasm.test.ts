/**
 * The WebAssembly word scan of decorated.ts (src/io/decorated.wat, issue
 * #7): it leaves out a word only when the word cannot hold a token that
 * folds to a base of interest, so it must give every word the JavaScript
 * path (hitsInLatin1, piece by piece as the prefilter asked it before) finds;
 * the bound it leaves words out by must hold for every character; and the
 * committed module must be what the .wat assembles to.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { foldBase } from '../../src/core/identity/normalise.ts';
import { pieceEnd } from '../../src/io/anchors.ts';
import { DECORATED_WASM } from '../../src/io/decorated-wasm.ts';
import { DecoratedNames, MAX_CHARS_PER_BYTE } from '../../src/io/decorated.ts';
import { assembledWasm } from '../helpers.ts';

/** ASCII characters a folded token of a name can hold: letters, digits, the apostrophe. */
const asciiOf = (s: string): number => [...foldBase(s)].filter((c) => /[a-z0-9']/u.test(c)).length;

/** The hits as the prefilter found them before: hitsInLatin1 over each piece's Latin-1 text. */
function reference(d: DecoratedNames, buf: Buffer): number[] {
  const out: number[] = [];
  for (let a = 0; a < buf.length; ) {
    const b = pieceEnd(buf, a, buf.length, true);
    d.hitsInLatin1(buf.toString('latin1', a, b), a, out);
    a = b;
  }
  return out;
}

function scanned(d: DecoratedNames, buf: Buffer): number[] {
  const out: number[] = [];
  d.hitsInBytes(buf, 0, buf.length, out);
  return out;
}

describe('the WebAssembly word scan of decorated names', () => {
  it('is the module decorated.wat assembles to', async () => {
    expect(await assembledWasm('decorated')).toBe(DECORATED_WASM);
  });

  it('leaves words out by a bound every character keeps: one byte above 0x7F gives a folded token at most two ASCII characters', () => {
    // Every byte in the single-byte encodings words are decoded in.
    for (const enc of ['cp1252', 'cp437', 'latin1']) {
      for (let b = 0x80; b < 0x100; b++) expect(asciiOf(iconv.decode(Buffer.from([b]), enc)), `${enc} ${b}`).toBeLessThanOrEqual(MAX_CHARS_PER_BYTE);
    }
    // Every code point, as its UTF-8 bytes.
    let worst = 0;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const n = asciiOf(c);
      if (n === 0) continue;
      const ratio = n / Buffer.byteLength(c, 'utf8');
      if (ratio > worst) worst = ratio;
      expect(n, `U+${cp.toString(16)}`).toBeLessThanOrEqual(MAX_CHARS_PER_BYTE * Buffer.byteLength(c, 'utf8'));
    }
    // The bound is not loose by more than it needs: `æ` in Windows-1252 gives two from one byte.
    expect(asciiOf(iconv.decode(Buffer.from([0xe6]), 'cp1252'))).toBe(2);
    expect(worst).toBeGreaterThan(1);
  }, 120_000);

  it('finds what the JavaScript path finds, in every encoding, after escapes, and across the 4,096 words of one call', () => {
    const d = new DecoratedNames(new Set(['hogblad', 'marta']));
    const text = [
      'Lars Högblad;Södra Storgatan;Märta Öberg;"Hej!\\nMärta";Ｈｏｇｂｌａｄ;HÖGBLAD;Hogbläd',
      'Ängelholmsvägen 3, Björn Ström, Åkesson\u00a0Högblad, Mårta',
    ].join('\n');
    for (const enc of ['utf8', 'cp1252', 'cp437'] as const) {
      const buf = enc === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text.replace(/Ｈｏｇｂｌａｄ/u, ''), enc);
      const want = reference(d, buf);
      expect(want.length, enc).toBeGreaterThan(3);
      expect(scanned(d, buf), enc).toEqual(want);
    }
    // More candidate words than one call gives back: the scan goes on where it stopped.
    const many = Buffer.from(Array.from({ length: 9000 }, (_, i) => (i % 3 === 0 ? 'Högblad' : 'Bäckström')).join(' '), 'utf8');
    const hits = scanned(d, many);
    expect(hits).toEqual(reference(d, many));
    expect(hits).toHaveLength(3000);
    // With `first`, only the first.
    const one: number[] = [];
    d.hitsInBytes(many, 0, many.length, one, true);
    expect(one).toEqual([0]);
  });

  it('gives the same hits as the JavaScript path for any bytes and bases', () => {
    const letters = ['a', 'b', 'g', 'h', 'l', 'o', 'd', 'r', 'å', 'ä', 'ö', 'Ö', 'é', 'æ', 'ß', 'ﬃ', 'Ｈ', '\u0308', '\u00a0', ' ', '-', '\\', '"', '\n', '1', "'", 'Ω'];
    const word = fc.array(fc.constantFrom(...letters), { minLength: 0, maxLength: 12 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.array(fc.constantFrom('hogblad', 'marta', 'oberg', 'ab', 'hå', 'ae', 'ss', 'ffi'), { minLength: 1, maxLength: 3 }), fc.constantFrom('utf8', 'cp1252'), (words, bases, enc) => {
        const text = words.join(' ');
        const buf = enc === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'cp1252');
        const d = new DecoratedNames(new Set(bases.map((b) => foldBase(b))));
        expect(scanned(d, buf)).toEqual(reference(d, buf));
      }),
      { numRuns: 400 },
    );
  });

  it('hands only the words that could fold to a base to JavaScript', () => {
    const d = new DecoratedNames(new Set(['hogblad']));
    const names = ['Södra', 'Ström', 'Åkesson', 'Öberg', 'Björn', 'Märta', 'Åsa', 'Göteborg', 'Högblad'];
    const buf = Buffer.from(Array.from({ length: 2000 }, (_, i) => `${names[i % names.length]}${i}`).join(';'), 'utf8');
    const fresh = new DecoratedNames(new Set(['hogblad']));
    expect(scanned(fresh, buf)).toEqual(reference(d, buf));
    // Asked about: each distinct word the scan gave (the answers are kept per word). `Högblad`, and
    // `Göteborg`, whose G, b, o, g and ö could make seven letters; none of the other words with å, ä or ö.
    const asked = [...(fresh as unknown as { memo: Map<string, boolean> }).memo.keys()].map((w) => Buffer.from(w, 'latin1').toString('utf8').replace(/\d+$/u, ''));
    expect(new Set(asked)).toEqual(new Set(['Högblad', 'Göteborg']));
    expect(asked).toHaveLength(Array.from({ length: 2000 }, (_, i) => names[i % names.length]).filter((n) => n === 'Högblad' || n === 'Göteborg').length);
    // The JavaScript path asks about every one of them.
    expect((d as unknown as { memo: Map<string, boolean> }).memo.size).toBe(2000);
  });
});
