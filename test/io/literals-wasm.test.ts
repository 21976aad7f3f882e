/**
 * The WebAssembly anchor scan (src/io/literals.wat, issue #7) must find an
 * anchor at exactly the positions where the regular expressions the
 * one-subject prefilter used before (anchors.ts) match over the same bytes;
 * and the committed module must be what the .wat assembles to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefilterFor } from '../../src/io/anchors.ts';
import { LiteralScanner, type ScannedAnchor } from '../../src/io/literal-scan.ts';
import { LITERALS_WASM } from '../../src/io/literals-wasm.ts';
import { assembledWasm, stickyStarts } from '../helpers.ts';

const esc = (a: string): string => a.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** Every position of the Latin-1 text where one of the expressions matches. */
function regexStarts(anchors: ScannedAnchor[], buf: Buffer): number[] {
  const re = new RegExp(anchors.map((a) => (a.last ? `${a.text}(?=\\D*(?:${a.last}|\\d{0,3}$))` : esc(a.text))).join('|'), 'iy');
  return stickyStarts(re, buf.toString('latin1'));
}

function scanned(anchors: ScannedAnchor[], buf: Buffer, first = false): number[] {
  const out: number[] = [];
  LiteralScanner.create(anchors)!.hits(buf, 0, buf.length, out, first);
  return out;
}

describe('the WebAssembly anchor scan', () => {
  it('is the module literals.wat assembles to', async () => {
    expect(await assembledWasm('literals')).toBe(LITERALS_WASM);
  });

  it('finds an anchor where the expressions match, in either case, at every place of a block', () => {
    const anchors: ScannedAnchor[] = [{ text: 'hogblad' }, { text: '4f95d26eb0' }, { text: '500000' }, { text: '530220', last: '9977' }, { text: 'lars.h@x.example' }];
    for (const pad of [0, 1, 7, 14, 15, 16, 17, 30]) {
      const buf = Buffer.from(`${'z'.repeat(pad)}HogBlad;4F95D26EB0 500000x 530220-9977 530220-1234 LARS.H@X.EXAMPLE hogbla 530220`, 'latin1');
      const want = regexStarts(anchors, buf);
      expect(want.length).toBe(6);
      expect(scanned(anchors, buf), String(pad)).toEqual(want);
    }
  });

  it('finds what the expressions find for any bytes and up to 24 anchors (three to a bucket)', () => {
    const alphabet = ['a', 'B', 'b', 'c', 'A', '1', '2', '9', '0', '-', ' ', '.', '@', '"', '\n', '\u00c4', '\u00e4', '\u00ff', ';'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }).map((cs) => cs.join(''));
    const literal = fc.array(fc.constantFrom('a', 'b', 'B', 'c', '1', '2', '.', '@'), { minLength: 3, maxLength: 6 }).map((cs): ScannedAnchor => ({ text: cs.join('') }));
    const date = fc.tuple(fc.array(fc.constantFrom('1', '2', '9', '0'), { minLength: 6, maxLength: 8 }), fc.array(fc.constantFrom('1', '2', '9', '0'), { minLength: 4, maxLength: 4 })).map(([d, l]): ScannedAnchor => ({ text: d.join(''), last: l.join('') }));
    fc.assert(
      fc.property(text, fc.array(fc.oneof(literal, date), { minLength: 1, maxLength: 24 }), (t, anchors) => {
        // Each anchor once in the text too, so that hits are not rare.
        const buf = Buffer.from(`${t}${anchors.map((a) => (a.last ? `${a.text}-${a.last}` : a.text.toUpperCase())).join(' ')}${t}`, 'latin1');
        expect(scanned(anchors, buf)).toEqual(regexStarts(anchors, buf));
        expect(scanned(anchors, buf, true)).toEqual(regexStarts(anchors, buf).slice(0, 1));
      }),
      { numRuns: 500 },
    );
  });

  it('goes on past 4,096 hits in one call; takes only ASCII anchors of three bytes or more, and at most 24', () => {
    const many = Buffer.from('hogblad;'.repeat(5000));
    expect(scanned([{ text: 'hogblad' }], many)).toHaveLength(5000);
    expect(LiteralScanner.create([{ text: 'ab' }])).toBeUndefined();
    expect(LiteralScanner.create([{ text: 'högblad' }])).toBeUndefined();
    expect(LiteralScanner.create(Array.from({ length: 25 }, (_, i) => ({ text: `anchor${i}` })))).toBeUndefined();
  });

  it('serves the one-subject prefilter: the same records as with the expressions', () => {
    const p = prefilterFor([
      { kind: 'email', value: 'lars.hogblad@webbpost.example' },
      { kind: 'pnr', value: '195302209977' },
    ])!;
    const text = Buffer.from('1;LARS.HOGBLAD@WEBBPOST.EXAMPLE;x\n2;530220-9977;y\n3;530220-1111;z\n4;nobody;w\n', 'latin1');
    const lines = (hits: number[]): number[] => [...new Set(hits.map((h) => text.subarray(0, h).toString('latin1').split('\n').length))];
    expect(lines(p.hits(text, 0, text.length))).toEqual([1, 2]);
    expect(p.mayMatch(text, 50, text.length)).toBe(false);
  });
});
