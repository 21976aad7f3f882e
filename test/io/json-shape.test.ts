/**
 * The page validator (src/io/json-shape.ts, issue #7) may answer "parse it"
 * about any page, but a shape it gives must be what JSON.parse reads: the
 * Graph check then skips the parse, so a wrong answer would drop a report.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphPageReports } from '../../connectors/office365/graph.ts';
import { jsonPageShape, type PageShape } from '../../src/io/json-shape.ts';
import { ROOT, sourceFileAt } from '../helpers.ts';

const shapeOf = (bytes: Buffer): PageShape | undefined => jsonPageShape(bytes, 'value', '@odata.context', '@removed');

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What JSON.parse makes of the bytes, in the terms of a shape; undefined when it does not parse to an object. */
function parsedShape(bytes: Buffer): PageShape | undefined {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('latin1'));
  } catch {
    return undefined;
  }
  if (!isObj(v)) return undefined;
  const arr = v['value'];
  const items = Array.isArray(arr) ? (arr as unknown[]) : undefined;
  const context = v['@odata.context'];
  return {
    context: typeof context === 'string' ? context : undefined,
    items: items ? items.length : -1,
    nonObjects: items ? items.filter((x) => !isObj(x)).length : 0,
    marked: items ? items.filter((x) => isObj(x) && Object.hasOwn(x, '@removed')).length : 0,
  };
}

/** A shape given must be JSON.parse's. */
function agrees(bytes: Buffer): void {
  const s = shapeOf(bytes);
  if (s === undefined) return;
  const ref = parsedShape(bytes);
  expect(ref, JSON.stringify(bytes.toString('latin1'))).toBeDefined();
  expect(s, JSON.stringify(bytes.toString('latin1'))).toEqual(ref);
}

const key = fc.constantFrom('id', 'subject', '@odata.type', '@removed', 'value', '@odata.context', 'body', 'x');
const item = fc.oneof(
  { arbitrary: fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })), weight: 5 },
  // Not an object (an object's keys could need escapes, which are left to the parse).
  { arbitrary: fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 2 }))), weight: 1 },
);
const page = fc.record(
  {
    // Contexts as Graph writes them (without escapes: one with an escape is left to the parse).
    '@odata.context': fc.oneof(fc.constantFrom('https://graph.microsoft.com/v1.0/$metadata#users(\'a%40b.example\')/messages', 'odata-context', ''), fc.integer()),
    value: fc.array(item, { maxLength: 6 }),
    '@odata.nextLink': fc.string(),
  },
  { requiredKeys: [] },
);

describe('the page validator', () => {
  it('reads every page JSON.stringify writes as JSON.parse does', () => {
    fc.assert(
      fc.property(page, fc.boolean(), (p, pretty) => {
        const bytes = Buffer.from(JSON.stringify(p, null, pretty ? 2 : undefined), 'utf8');
        const s = shapeOf(bytes);
        expect(s).toEqual(parsedShape(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("gives each object item's bytes, which parse to the item JSON.parse gives", () => {
    fc.assert(
      fc.property(page, fc.boolean(), (p, pretty) => {
        const bytes = Buffer.from(JSON.stringify(p, null, pretty ? 2 : undefined), 'utf8');
        const spans: number[] = [];
        const s = jsonPageShape(bytes, 'value', '@odata.context', '@removed', spans);
        if (!s) return;
        const objects = (Array.isArray(p.value) ? p.value : []).filter(isObj);
        expect(spans).toHaveLength(2 * objects.length);
        objects.forEach((o, k) => {
          const text = bytes.toString('utf8', spans[2 * k], spans[2 * k + 1]);
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(o)));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never gives a shape JSON.parse does not (damaged and random pages)', () => {
    const tokens = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '+', '.', 'e', 'true', 'false', 'null', ' ', '\r\n', '\u00e4', '\u0001', '\u00a0', '"value"', '"@removed"', '"@odata.context"', '\\u0040', '\\n'];
    const damaged = fc
      .tuple(page, fc.nat(), fc.constantFrom(...tokens), fc.constantFrom('insert', 'delete', 'replace'))
      .map(([p, at, t, how]) => {
        const s = JSON.stringify(p);
        const i = at % (s.length + 1);
        return how === 'insert' ? s.slice(0, i) + t + s.slice(i) : how === 'delete' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + t + s.slice(i + 1);
      });
    const random = fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((a) => '{' + a.join(''));
    fc.assert(
      fc.property(fc.oneof(damaged, random), (text) => agrees(Buffer.from(text, 'latin1'))),
      { numRuns: 3000 },
    );
  });

  it('leaves to the parse what it cannot tell from the bytes', () => {
    const ctx = '"@odata.context":"x#users"';
    for (const t of [
      // A key written with an escape may be the key it looks for.
      `{${ctx},"val\\u0075e":[{}]}`,
      `{${ctx},"value":[{"\\u0040removed":1}]}`,
      `{"@odata.context":"x\\u0023users","value":[]}`,
      // A key given twice: JSON.parse keeps the last.
      `{${ctx},"value":[{}],"value":[]}`,
      `{${ctx},${ctx},"value":[]}`,
      // Not one page object.
      `[{${ctx},"value":[]}]`,
      '\u00ef\u00bb\u00bf{"value":[]}',
      '',
      ' ',
      // Deeper than it follows.
      `{${ctx},"value":[${'['.repeat(200)}${']'.repeat(200)}]}`,
    ]) {
      expect(shapeOf(Buffer.from(t, 'latin1')), t).toBeUndefined();
    }
    expect(shapeOf(Buffer.from('{"a":{"value":[1]},"value":[{"@removed":{}},2,{"b":{"@removed":1}}]}'))).toEqual({ context: undefined, items: 3, nonObjects: 1, marked: 1 });
    // Bytes above 0x7F inside strings are characters in any decoding.
    expect(shapeOf(Buffer.from(`{${ctx},"value":[{"subject":"Pris\u00e4\u0080\u00ff"}]}`, 'latin1'))).toEqual({ context: 'x#users', items: 1, nonObjects: 0, marked: 0 });
  });
});

describe('the Graph page check', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : []));

  it('reports on every Graph fixture what the parse of the page reports', async () => {
    const all = [...files(path.join(ROOT, 'fixtures/office365/graph')), ...files(path.join(ROOT, 'fixtures/office365/broken/graph'))];
    expect(all.length).toBeGreaterThan(5);
    for (const abs of all) {
      const f = sourceFileAt(abs);
      expect(await graphPageReports(f, {}), f.rel).toEqual(await graphPageReports(f, {}, false));
    }
  });

  it('still reports removed, unknown and non-object items and broken pages', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ojco-shape-'));
    try {
      const pages = [
        '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(\'k%40ojco.example\')/contacts/delta","value":[{"id":"1","@removed":{"reason":"deleted"}},{"id":"2","displayName":"A"}]}',
        '{"@odata.context":"odata-context","value":[{"id":"1"}]}',
        '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[1,{"id":"2"}]}',
        '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"id":"2"}',
        '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"id":"2"}]}',
      ];
      const reports = [];
      for (const [i, text] of pages.entries()) {
        const abs = path.join(dir, `p${i}.json`);
        writeFileSync(abs, text);
        const f = sourceFileAt(abs);
        const quick = await graphPageReports(f, {});
        expect(quick, text).toEqual(await graphPageReports(f, {}, false));
        reports.push(quick.length);
      }
      // Every page but the last, plain one has something to report.
      expect(reports).toEqual([1, 1, 1, 1, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
