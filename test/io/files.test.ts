/**
 * readChunksReused (issue #7): a file's bytes in chunks that take turns with
 * two buffers. The readers that use it (csv-fast.ts, ndjson.ts) are tested
 * across chunk edges in csv-fast.test.ts and json-lines-wasm.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.ts';
import { readChunksReused } from '../../src/io/files.ts';

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
