/**
 * The WebAssembly phone-tail scan (src/io/tails.wat, issue #7) must find a
 * tail at exactly the positions where the regular expression the one-subject
 * prefilter used before (anchors.ts, digitTrie) matches; and the committed
 * module must be what the .wat assembles to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitTrie, prefilterFor } from '../../src/io/anchors.ts';
import { TailScanner, TAIL_SEPARATORS } from '../../src/io/tail-scan.ts';
import { TAILS_WASM } from '../../src/io/tails-wasm.ts';
import { assembledWasm, stickyStarts } from '../helpers.ts';

const SEP = '(?:[ \\t\\-./()\\[\\]~]|[\\x80-\\xff])*';

/** Every position of the Latin-1 text where the expression matches (not only where a left-to-right scan stops). */
function regexStarts(tails: string[], buf: Buffer): number[] {
  const re = new RegExp(digitTrie(tails, SEP), 'y');
  return stickyStarts(re, buf.toString('latin1'));
}

function scanned(tails: string[], buf: Buffer, first = false): number[] {
  const out: number[] = [];
  TailScanner.create(tails)!.hits(buf, 0, buf.length, out, first);
  return out;
}

describe('the WebAssembly phone-tail scan', () => {
  it('is the module tails.wat assembles to', async () => {
    expect(await assembledWasm('tails')).toBe(TAILS_WASM);
  });

  it('takes the separators of the regular expression, every byte of them and no other', () => {
    const re = new RegExp(`^1${SEP}2$`, 'u');
    for (let b = 0; b < 256; b++) {
      const buf = Buffer.from([0x31, b, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37]);
      const sep = re.test(Buffer.from([0x31, b, 0x32]).toString('latin1'));
      expect(sep, `byte ${b}`).toBe(b >= 0x80 || TAIL_SEPARATORS.includes(b));
      // At the start of a block and at every place in it.
      for (const pad of [0, 5, 15, 16, 31]) {
        const padded = Buffer.concat([Buffer.alloc(pad, 0x61), buf, Buffer.alloc(20, 0x61)]);
        const want = regexStarts(['1234567'], padded);
        expect(scanned(['1234567'], padded), `byte ${b} after ${pad}`).toEqual(want);
        expect(want.includes(pad), `byte ${b} after ${pad}`).toBe(sep);
      }
    }
  });

  it('finds a tail where the expression matches, for any bytes and up to eight tails', () => {
    const alphabet = ['1', '7', '4', '2', '0', '9', ' ', '-', '.', '(', ')', '\t', '\u00a0', '"', '\n', ';', 'a', '+', '4', '6'];
    const bytes = fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }).map((cs) => Buffer.from(cs.join(''), 'latin1'));
    const tail = fc.array(fc.constantFrom('1', '7', '4', '2'), { minLength: 7, maxLength: 7 }).map((d) => d.join(''));
    fc.assert(
      fc.property(bytes, fc.array(tail, { minLength: 1, maxLength: 8 }), (buf, tails) => {
        const planted = Buffer.concat([buf, Buffer.from(` ${tails[0]!.slice(0, 3)}-${tails[0]!.slice(3)} `), buf]);
        expect(scanned(tails, planted)).toEqual(regexStarts(tails, planted));
        expect(scanned(tails, planted, true)).toEqual(regexStarts(tails, planted).slice(0, 1));
      }),
      { numRuns: 500 },
    );
  });

  it('goes on past 4,096 hits in one call, and finds a tail cut by nothing but the end', () => {
    const many = Buffer.from(Array.from({ length: 5000 }, () => '070-174 27 75').join(';'));
    const hits = scanned(['1742775'], many);
    expect(hits).toHaveLength(5000);
    expect(hits).toEqual(regexStarts(['1742775'], many));
    expect(scanned(['1742775'], Buffer.from('x 174277'))).toEqual([]);
    expect(scanned(['1742775'], Buffer.from('x 1742775'))).toEqual([2]);
  });

  it('serves the one-subject prefilter: the same records kept as with the expression', () => {
    const p = prefilterFor([{ kind: 'phone', value: '+46 70 174 27 75' }])!;
    const text = Buffer.from('a;070-174 27 75;x\nb;0701742776;y\nc;+46 (0)70 17 42 77 5;z\nd;1746214637265947;w\n', 'latin1');
    const lines = (hits: number[]): number[] => [...new Set(hits.map((h) => text.subarray(0, h).toString('latin1').split('\n').length))];
    expect(lines(p.hits(text, 0, text.length))).toEqual([1, 3]);
    expect(p.mayMatch(text, 18, 33)).toBe(false);
    expect(p.mayMatch(text, 0, 18)).toBe(true);
  });
});
