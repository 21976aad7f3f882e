/**
 * Reads into buffers that are used again (issue #7's peak RSS):
 * readChunksReused, a file's bytes in chunks that take turns with two
 * buffers, and lendJsonBytes, a whole JSON page in a buffer given back. The
 * readers that use them are tested across chunk edges in csv-fast.test.ts
 * and json-lines-wasm.test.ts, and on the Graph fixtures in office365.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.ts';
import { READ_CHUNK, readChunksReused, reusedChunk } from '../../src/io/files.ts';
import { readNdjsonLines } from '../../src/io/ndjson.ts';
import { prefilterFor } from '../../src/io/anchors.ts';
import { lendJsonBytes } from '../../src/io/json.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const abs = path.join(dir, name);
  writeFileSync(abs, bytes);
  return abs;
}

const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31 + (i >> 7)) & 0xff));

describe('readChunksReused', () => {
  it.each([1, 7, 4096, 10_000, 65_536])('gives every byte once, in order, in chunks of at most %i bytes', async (size) => {
    const abs = file(`b${size}.bin`, bytes);
    const copies: Buffer[] = [];
    for await (const chunk of readChunksReused(abs, 'b.bin', size)) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(size);
      copies.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(copies.length).toBe(Math.ceil(bytes.length / size));
  });

  it('takes turns with two buffers, so that a chunk kept past the next one is overwritten', async () => {
    const abs = file('turns.bin', bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of readChunksReused(abs, 'turns.bin', 1000)) chunks.push(chunk);
    expect(chunks).toHaveLength(10);
    const buffers = new Set(chunks.map((c) => c.buffer));
    expect(buffers.size).toBe(2);
    expect(chunks[0]!.buffer).toBe(chunks[2]!.buffer);
    expect(chunks[0]!.buffer).not.toBe(chunks[1]!.buffer);
    // The first chunk's view now holds the ninth chunk's bytes: a reader must copy what it keeps.
    expect(chunks[0]!.equals(bytes.subarray(8000, 9000))).toBe(true);
  });

  it('gives nothing for an empty file', async () => {
    const abs = file('empty.bin', Buffer.alloc(0));
    const got: Buffer[] = [];
    for await (const chunk of readChunksReused(abs, 'empty.bin')) got.push(chunk);
    expect(got).toEqual([]);
  });

  it.runIf(existsSync('/proc/self/fd'))('closes the file when the reader stops early, with a read still running', async () => {
    const abs = file('early.bin', bytes);
    const open = (): number => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let k = 0; k < 20; k++) {
      for await (const chunk of readChunksReused(abs, 'early.bin', 100)) {
        expect(chunk.length).toBe(100);
        break;
      }
    }
    expect(open()).toBe(before);
  });

  it('names the file, not its bytes, when it is missing or a folder', async () => {
    const folder = path.join(dir, 'a-folder');
    mkdirSync(folder);
    const cases: [string, string, RegExp][] = [
      [path.join(dir, 'missing.csv'), 'exports/missing.csv', /disappeared/u],
      [folder, 'exports/a-folder', /is a folder/u],
    ];
    for (const [abs, rel, what] of cases) {
      let err: unknown;
      try {
        for await (const chunk of readChunksReused(abs, rel)) void chunk;
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SourceReadError);
      expect((err as SourceReadError).file).toBe(rel);
      expect((err as SourceReadError).code).toBe('source.unreadable');
      expect((err as Error).message).toMatch(what);
    }
  });
});

describe('lendJsonBytes', () => {
  const page = (n: number): Buffer => Buffer.from(JSON.stringify({ value: Array.from({ length: n }, (_, i) => ({ id: `m${i}` })) }));
  const at = (name: string, b: Buffer) => {
    const abs = file(name, b);
    return { abs, rel: name, size: b.length };
  };

  it('gives the whole file, and a buffer given back holds the next file', async () => {
    const a = at('a.json', page(500));
    const b = at('b.json', page(520));
    const first = await lendJsonBytes(a);
    expect(first.bytes.equals(page(500))).toBe(true);
    const kept = first.bytes;
    first.giveBack();
    const second = await lendJsonBytes(b);
    expect(second.bytes.equals(page(520))).toBe(true);
    // The same memory: what the first caller did not copy is now the second file.
    expect(second.bytes.buffer).toBe(kept.buffer);
    expect(kept.equals(page(500))).toBe(false);
    second.giveBack();
  });

  it('lends two files at once in two buffers, and takes a larger one for a file that does not fit', async () => {
    const a = at('c.json', page(10));
    const big = at('big.json', page(40_000));
    const one = await lendJsonBytes(a);
    const two = await lendJsonBytes(a);
    expect(one.bytes.buffer).not.toBe(two.bytes.buffer);
    one.giveBack();
    two.giveBack();
    two.giveBack(); // twice is once
    const large = await lendJsonBytes(big);
    expect(large.bytes.equals(page(40_000))).toBe(true);
    large.giveBack();
  });

  it('reads to the end of a file that grew after it was listed', async () => {
    const f = at('grew.json', page(5));
    writeFileSync(f.abs, page(9000));
    const lent = await lendJsonBytes(f);
    expect(lent.bytes.equals(page(9000))).toBe(true);
    lent.giveBack();
  });

  it('names the file when it cannot be read', async () => {
    await expect(lendJsonBytes({ abs: path.join(dir, 'gone.json'), rel: 'graph/gone.json', size: 10 })).rejects.toMatchObject({
      name: 'SourceReadError',
      file: 'graph/gone.json',
      code: 'source.unreadable',
    });
  });
});

describe('the NDJSON reader on reused chunks', () => {
  const events = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({ event_name: 'page_view', user_id: i % 7 === 0 ? 'märta.öberg@mail.example' : `u${i}`, note: 'å'.repeat(i % 5), n: i }),
  );
  const text = events.join('\r\n') + '\r\n';
  const lines = async (abs: string, prefilter?: ReturnType<typeof prefilterFor>) => {
    const out: { line: number; text: string }[] = [];
    for await (const l of readNdjsonLines({ abs, rel: path.basename(abs), size: 0 }, prefilter ? { prefilter } : {})) out.push({ line: l.line, text: l.text });
    return out;
  };

  it.each([3, 7, 64, 1000])('reads UTF-8 and UTF-16 (odd chunk edges split its code units) as the same lines, in chunks of %i bytes', async (size) => {
    const utf8 = file(`ev-${size}.json`, Buffer.from(text, 'utf8'));
    const utf16 = file(`ev16-${size}.json`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const wanted = events.map((t, i) => ({ line: i + 1, text: t }));
    const name = prefilterFor([{ kind: 'email', value: 'märta.öberg@mail.example' }]);
    reusedChunk.size = size;
    try {
      expect(await lines(utf8)).toEqual(wanted);
      expect(await lines(utf16)).toEqual(wanted);
      // With a prefilter, the lines that hold the address, from both encodings.
      const hits = wanted.filter((w) => w.text.includes('märta'));
      expect(await lines(utf8, name)).toEqual(hits);
      expect(await lines(utf16, name)).toEqual(hits);
    } finally {
      reusedChunk.size = READ_CHUNK;
    }
  });
});

