/**
 * The WebAssembly row validator (src/io/json-lines.wat, issue #7) may say
 * "ask JSON.parse" about a row, but must never call a line a row that
 * JSON.parse would not read as an object; and the committed module must be
 * what the .wat assembles to.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonTextTooDeep } from '../../src/io/json.ts';
import { JSON_LINES_WASM } from '../../src/io/json-lines-wasm.ts';
import { JsonRows } from '../../src/io/json-rows.ts';
import { checkNdjsonRows, NOT_NDJSON_AFTER } from '../../src/io/ndjson.ts';
import { assembledWasm } from '../helpers.ts';

const rows = JsonRows.create()!;

/** What JSON.parse says of the bytes read as Latin-1, as the check of a GA export reads them. */
function parsesAsRow(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !jsonTextTooDeep(text);
  } catch {
    return false;
  }
}

/** The answer for `text` placed inside a larger buffer, as lines of a chunk are asked. */
function isRow(bytes: Buffer): boolean {
  const padded = Buffer.concat([Buffer.from('{"x":1}\n'), bytes, Buffer.from('\n{"y":')]);
  return rows.isRow(padded, 8, 8 + bytes.length);
}

describe('the WebAssembly row validator', () => {
  it('is the module json-lines.wat assembles to', async () => {
    expect(await assembledWasm('json-lines')).toBe(JSON_LINES_WASM);
  });

  it('calls rows rows, and everything else not', () => {
    const yes = [
      '{}',
      ' \t{ }\r',
      '{"a":1}',
      '{"a":[1,2,{"b":null}],"c":true,"d":false,"e":-0.5e+10,"f":"x\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e4\\uD800"}',
      '{"event_name":"page_view","n":0,"m":-12,"e":1E5,"f":1.25e-3}',
      '{"a":[[[]]],"b":{}}',
      '{"a":"' + '\u00e4\u00f6\u007f' + '"}',
      '{"a":' + '['.repeat(63) + ']'.repeat(63) + '}',
    ];
    for (const t of yes) {
      const bytes = Buffer.from(t, 'latin1');
      expect(parsesAsRow(bytes), t).toBe(true);
      expect(isRow(bytes), t).toBe(true);
    }
    const no = [
      '',
      '   ',
      '[]',
      '[{"a":1}]',
      'true',
      '"x"',
      '1',
      '{',
      '{"a":1',
      '{"a":1,}',
      '{"a":[1,]}',
      '{,}',
      '{"a"}',
      '{"a":}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":-}',
      '{"a":+1}',
      '{"a":1e}',
      '{"a":1e+}',
      '{"a":tru}',
      '{"a":truex}',
      '{"a":nul}',
      '{"a":fals}',
      '{"a":NaN}',
      '{"a":"\\x"}',
      '{"a":"\\u12G4"}',
      '{"a":"\\u12"}',
      '{"a":"tab\there"}',
      '{"a":"unterminated}',
      '{"a":1]',
      '{"a":[1}',
      '{}x',
      '{} {}',
      '{}}',
      '\u00a0{}',
      '{}\u00a0',
      '\u00ef\u00bb\u00bf{}',
    ];
    for (const t of no) expect(isRow(Buffer.from(t, 'latin1')), JSON.stringify(t)).toBe(false);
    // Deeper than 64: JSON.parse is asked (it is a row, and the reader decides how deep is too deep).
    const deep = Buffer.from('{"a":' + '['.repeat(64) + ']'.repeat(64) + '}');
    expect(parsesAsRow(deep)).toBe(true);
    expect(isRow(deep)).toBe(false);
  });

  it('calls every object JSON.stringify writes a row', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 6 })), fc.boolean(), (o, pretty) => {
        const bytes = Buffer.from(JSON.stringify(o, null, pretty ? 2 : undefined), 'utf8');
        expect(isRow(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reads long strings 16 bytes at a time, and finds a quote, escape or control byte at any place in them', () => {
    // Strings longer than a block, with the byte that ends or breaks them at every offset.
    const special = ['"', '\\', '\\"', '\\u00e4', '\\n', '\u0001', '\t', '\u001f', '\u00e4', '\u007f', ' '];
    fc.assert(
      fc.property(fc.nat({ max: 70 }), fc.constantFrom(...special), fc.nat({ max: 40 }), fc.boolean(), (before, mid, after, close) => {
        const text = `{"k":"${'a'.repeat(before)}${mid}${'b'.repeat(after)}${close ? '"' : ''}}`;
        const bytes = Buffer.from(text, 'latin1');
        expect(isRow(bytes), text).toBe(parsesAsRow(bytes));
      }),
      { numRuns: 3000 },
    );
    // Written by JSON.stringify from long strings of any characters: always a row.
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 10, maxLength: 80 }), { maxLength: 6 }), (xs) => {
        const bytes = Buffer.from(JSON.stringify(Object.fromEntries(xs.map((x, i) => [`${x}${i}`, x]))), 'utf8');
        expect(isRow(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never calls a line a row that JSON.parse does not read as one (random and damaged lines)', () => {
    const tokens = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', 'true', 'false', 'null', ' ', '\t', '\r', 'a', 'f', '\u00e4', '\u0001', '\u00a0', '"k"', '"v"', '\\u00', '\\n'];
    const damaged = fc
      .tuple(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 4 })), fc.nat(), fc.constantFrom(...tokens), fc.constantFrom('insert', 'delete', 'replace'))
      .map(([o, at, t, how]) => {
        const s = JSON.stringify(o);
        const i = at % (s.length + 1);
        return how === 'insert' ? s.slice(0, i) + t + s.slice(i) : how === 'delete' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + t + s.slice(i + 1);
      });
    const random = fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((a) => a.join(''));
    // JSON written by a sloppy grammar: mostly right, with the mistakes a validator could let through
    // (a trailing or doubled comma, a missing colon, the wrong closer, a bad number, literal or escape).
    const sloppy = fc.letrec<{ value: string; object: string }>((tie) => {
      // Each choice right most of the time, so that a line often holds one mistake and nothing else.
      const mostly = (right: string[], wrong: string[]): fc.Arbitrary<string> =>
        fc.oneof({ arbitrary: fc.constantFrom(...right), weight: 30 }, { arbitrary: fc.constantFrom(...wrong), weight: 1 });
      const sep = mostly([',', ' , '], ['', ',,']);
      const list = (item: fc.Arbitrary<string>): fc.Arbitrary<string> =>
        fc.tuple(fc.array(fc.tuple(item, sep), { maxLength: 4 }), mostly([''], [','])).map(([xs, tail]) => xs.map(([x, s], i) => (i < xs.length - 1 ? x + s : x)).join('') + (xs.length > 0 ? tail : ''));
      const str = mostly(['"a"', '""', '"\\u00e4"', '"\u00e4"', '"\\""', '"\\\\"'], ['"\\x"', '"\\"', '"\\u12"', '"\u0001"', '"a']);
      const num = mostly(['0', '-0', '12', '-1.5e+3', '1E5', '0.0e-0'], ['01', '1.', '.5', '-', '1e', '+1', '1ee2', '--1']);
      const lit = mostly(['true', 'false', 'null'], ['tru', 'nul', 'fals', 'True', 'nulll', 'NaN']);
      const member = fc.tuple(str, mostly([':', ' : '], ['', '::']), tie('value')).map(([k, c, v]) => k + c + v);
      return {
        value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, str, num, lit, tie('object'), fc.tuple(list(tie('value')), mostly([']'], ['}', ''])).map(([l, c]) => '[' + l + c)),
        object: fc.tuple(list(member), mostly(['}'], [']', ''])).map(([l, c]) => '{' + l + c),
      };
    }).object;
    fc.assert(
      fc.property(fc.oneof(damaged, random, random.map((s) => '{' + s), sloppy), (text) => {
        const bytes = Buffer.from(text, 'latin1');
        if (isRow(bytes)) expect(parsesAsRow(bytes), JSON.stringify(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the GA check the counts JSON.parse alone gives: rows, damaged, blank and deep lines, line ends, gzip, lines over a chunk edge', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'json-rows-'));
    try {
      const line = fc.oneof(
        { arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 })).map((o) => JSON.stringify(o)), weight: 6 },
        fc.constantFrom('', '  ', '\u00a0', '{"a":1,}', '[1,2]', 'not json', '{"a":"\u00e4\u00f6"}', '{"a":' + '['.repeat(300) + ']'.repeat(300) + '}', '{"a":' + '['.repeat(70) + ']'.repeat(70) + '}'),
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(line, { maxLength: 60 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(3), async (lines, crlf, gz, terminated, bom) => {
          let text = lines.join(crlf ? '\r\n' : '\n') + (terminated ? '\n' : '');
          if (bom === 0) text = '\ufeff' + text;
          const bytes = Buffer.from(text, 'utf8');
          const abs = path.join(dir, `events_${n++}.json`);
          writeFileSync(abs, gz ? gzipSync(bytes) : bytes);
          const file = { abs, rel: path.basename(abs), size: bytes.length };
          expect(await checkNdjsonRows(file, true)).toEqual(await checkNdjsonRows(file, false));
        }),
        { numRuns: 150 },
      );
      // Not NDJSON at all, and lines that run over the 1 MiB chunks.
      const bad = Buffer.from(Array.from({ length: NOT_NDJSON_AFTER + 5 }, () => 'x').join('\n'));
      const long = Buffer.from([JSON.stringify({ a: 'y'.repeat(1_500_000) }), '{"b":1}', 'oops', JSON.stringify({ c: 'z'.repeat(3_000_000) }), ''].join('\n'));
      for (const [name, bytes] of [['bad.json', bad], ['long.json', long]] as const) {
        const abs = path.join(dir, name);
        writeFileSync(abs, bytes);
        const file = { abs, rel: name, size: bytes.length };
        const fast = await checkNdjsonRows(file, true);
        expect(fast).toEqual(await checkNdjsonRows(file, false));
        if (name === 'long.json') expect(fast).toMatchObject({ good: 3, bad: 1, firstBad: 3 });
        else expect(fast.notNdjson).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
