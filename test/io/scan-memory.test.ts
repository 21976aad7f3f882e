/**
 * The one-subject scans (literals, phone tails, decorated names) share one
 * WebAssembly memory, and within one prefilter call one copy of the span
 * (src/io/wasm.ts, withSpan; issue #7). The readers fill the same buffer
 * again for the next chunk, so a copy must never outlive its call, and a
 * scan of another span, or of another finder, must never see stale bytes.
 */
import { describe, expect, it } from 'vitest';
import { prefilterFor } from '../../src/io/anchors.ts';
import { withSpan } from '../../src/io/wasm.ts';

const KEYS = [
  { kind: 'email', value: 'marta.oberg@mail.example' },
  { kind: 'phone', value: '+46701740647' },
  { kind: 'name', value: 'Märta Öberg' },
];

/** A buffer of filler with `text` at `at`. */
function fill(buf: Buffer, at: number, text: string): void {
  buf.fill('x;y,1 2 z\n');
  buf.write(text, at, 'utf8');
}

describe('one memory for the one-subject scans', () => {
  it('finds what the refilled buffer holds now, not what it held at the last call', () => {
    const finder = prefilterFor(KEYS)!;
    const buf = Buffer.alloc(64 * 1024);
    const cases: [number, string][] = [
      [100, 'marta.oberg@mail.example'],
      [5000, '070-174 06 47'],
      [20000, 'Marta Oberg'],
      [300, 'MARTA.OBERG@MAIL.EXAMPLE'],
    ];
    for (const [at, text] of cases) {
      fill(buf, at, text);
      expect(finder.hits(buf, 0, buf.length), text).toEqual([at + (text.startsWith('070') ? 4 : 0)]);
      expect(finder.mayMatch(buf, 0, buf.length), text).toBe(true);
    }
    fill(buf, 0, '');
    expect(finder.hits(buf, 0, buf.length)).toEqual([]);
    expect(finder.mayMatch(buf, 0, buf.length)).toBe(false);
  });

  it('gives each finder its own tables over the one copy, and other spans their own bytes, inside a scope', () => {
    const email = prefilterFor([KEYS[0]!])!;
    const phone = prefilterFor([KEYS[1]!])!;
    const name = prefilterFor([KEYS[2]!])!;
    const buf = Buffer.alloc(32 * 1024);
    fill(buf, 1000, 'marta.oberg@mail.example 070-174 06 47 Märta Öberg');
    const other = Buffer.alloc(32 * 1024);
    fill(other, 7000, 'Marta Öberg');
    const found = withSpan(buf, 0, buf.length, () => [
      email.hits(buf, 0, buf.length),
      phone.hits(buf, 0, buf.length),
      name.hits(other, 0, other.length),
      // The e-mail holds the name's words too.
      name.hits(buf, 0, buf.length),
      // Part of the span is another span.
      email.hits(buf, 1000, 2000),
    ]);
    expect(found).toEqual([[1000], [1029], [7000], [1000, 1039], [1000]]);
  });
});
