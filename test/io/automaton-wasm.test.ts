/**
 * The batch prefilter's byte loop in WebAssembly (src/io/automaton.wat,
 * issue #7) must find exactly what the JavaScript loop finds, and the
 * committed module must be what the .wat assembles to.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AnchorPrefilter, THEN } from '../../src/io/anchors.ts';
import { AUTOMATON_WASM } from '../../src/io/automaton-wasm.ts';
import { assembledWasm, ROOT } from '../helpers.ts';

const LANE_MIN_SPAN = AnchorPrefilter.laneMinSpan;
afterEach(() => {
  AnchorPrefilter.wasm = true;
  AnchorPrefilter.laneMinSpan = LANE_MIN_SPAN;
});

/** Hits and first-hit answers of a finder, with the WebAssembly loop or without. */
function answers(make: () => AnchorPrefilter, buf: Uint8Array, wasm: boolean): { hits: number[]; may: boolean; tail: boolean } {
  AnchorPrefilter.wasm = wasm;
  const f = make();
  const half = Math.floor(buf.length / 2);
  return { hits: f.hits(buf, 0, buf.length), may: f.mayMatch(buf, 0, buf.length), tail: f.mayMatch(buf, half, buf.length) };
}

describe('the WebAssembly byte loop', () => {
  it('is the module automaton.wat assembles to', async () => {
    expect(await assembledWasm('automaton')).toBe(AUTOMATON_WASM);
  });

  it('finds what the JavaScript loop finds, on random bytes, anchors, personnummer and phone tails', () => {
    // Few symbols, so that anchors, dates and tails occur by chance.
    const alphabet = [...'ab0120125 -.x\n;', '\u00e4', '\u00f6'];
    const bytesOf = (s: string): Uint8Array => Buffer.from(s, 'utf8');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom(...'ab123x'), minLength: 3, maxLength: 6 }), { maxLength: 6 }),
        fc.array(fc.tuple(fc.stringMatching(/^[1-3]{6}$/u), fc.stringMatching(/^[1-5]{4}$/u)), { maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 9_999_999 }), { maxLength: 4 }),
        // Tails of few digits, leading zeros among them, so that the buffer holds them.
        fc.array(fc.stringMatching(/^[0-2]{7}$/u), { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(...alphabet), { minLength: 520, maxLength: 3000 }),
        (anchors, pnrs, randomTails, tailStrings, chars) => {
          const tails = [...randomTails, ...tailStrings.map(Number)];
          const all = [...anchors, ...pnrs.map(([d, l]) => `${d}${THEN}${l}`)];
          if (all.length === 0 && tails.length === 0) return;
          const buf = bytesOf(chars.join(''));
          const make = (): AnchorPrefilter => new AnchorPrefilter(all, tails);
          const reference = answers(make, buf, false);
          expect(answers(make, buf, true)).toEqual(reference);
          // Four lanes side by side, cut where the loop from the start is at its root, give the same hits.
          AnchorPrefilter.laneMinSpan = 0;
          expect(answers(make, buf, true)).toEqual(reference);
          AnchorPrefilter.laneMinSpan = LANE_MIN_SPAN;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds what the JavaScript loop finds in the fixtures, for the persona and a batch of keys', () => {
    const files = ['fixtures/lime/client-export/foretag.csv', 'fixtures/visma/sie/ojco-2025.se', 'fixtures/visma/sie/ojco-2019.se', 'fixtures/office365/graph/karin.ek/messages/messages-page1.json'];
    const present = files.map((f) => readFileSync(path.join(ROOT, f)));
    // Anchors of the kinds a batch has: e-mail local parts, personnummer (date, then last four), customer numbers, names; phone tails.
    const anchors = ['marta.oberg', 'oberg', 'lindqvist', `761105${THEN}9978`, '1044', 'asa', 'faktura'];
    const tails = [1740647, 1740600, 8123456];
    for (const buf of present) {
      const make = (): AnchorPrefilter => new AnchorPrefilter(anchors, tails);
      const w = answers(make, buf, true);
      expect(w).toEqual(answers(make, buf, false));
      AnchorPrefilter.laneMinSpan = 0;
      expect(answers(make, buf, true)).toEqual(w);
      AnchorPrefilter.laneMinSpan = LANE_MIN_SPAN;
    }
    // And they found something: the comparison is not of two empty lists.
    const all = present.flatMap((b) => answers(() => new AnchorPrefilter(anchors, tails), b, true).hits);
    expect(all.length).toBeGreaterThan(0);
  });
});
