/**
 * Atomic writes of outputs (src/io/output.ts): mode 0600, no file over an
 * existing one without force, no temp file left behind, and the deferred
 * fsync a batch uses (`sync: false`, then syncFile before the journal).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceViaTemp, sha256, syncFile, writeFileAtomic } from '../../src/io/output.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-dsar-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it.each([true, false])('puts the whole file in place with mode 0600 and leaves no temp file (sync: %s)', async (sync) => {
    const file = path.join(dir, `out-${sync}`, 'extract.json');
    const data = JSON.stringify({ records: Array.from({ length: 500 }, (_, i) => ({ i })) });
    const w = await writeFileAtomic(file, data, { sync });
    if (!sync) await syncFile(file);
    expect(readFileSync(file, 'utf8')).toBe(data);
    expect(w).toEqual({ path: file, bytes: Buffer.byteLength(data), sha256: sha256(data) });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['extract.json']);
  });

  it('refuses to write over a file without force, and replaces it with force', async () => {
    const file = path.join(dir, 'taken.json');
    writeFileSync(file, 'old');
    await expect(writeFileAtomic(file, 'new')).rejects.toMatchObject({ name: 'UsageError' });
    expect(readFileSync(file, 'utf8')).toBe('old');
    await writeFileAtomic(file, 'new', { force: true, sync: false });
    expect(readFileSync(file, 'utf8')).toBe('new');
  });

  it('names the file asked for, not its temp file, when the place cannot take it (a file where a folder should be)', async () => {
    writeFileSync(path.join(dir, 'plain'), 'x');
    const file = path.join(dir, 'plain', 'export.csv');
    await expect(replaceViaTemp(file, 0o600, async (fh) => void (await fh.write('a')))).rejects.toMatchObject({ code: 'ENOTDIR', path: file });
  });

  it('syncFile fails for a file that is not there, so a batch never journals a request whose file is gone', async () => {
    await expect(syncFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
