/**
 * File writing for the case store: folders 0700, files 0600, atomic writes
 * (temp file in the same folder + rename, so a crash never leaves half a
 * manifest or register), and never overwriting without an explicit force.
 * Evidence files hold personal data about the case (Art. 32: access limited
 * to the officer who runs the tool).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync, chmodSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { replaceViaTemp } from '../io/output.ts';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Creates `dir` (and parents) with mode 0700. Returns true when it had to create it. */
export function ensurePrivateDir(dir: string): boolean {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError(`not a folder: ${dir}`, [{ code: 'store.not-a-folder', message: `${dir} exists and is not a folder`, file: dir }]);
    }
    return false;
  }
  // Level by level, not recursive: Node's recursive mkdir retries without end where a file system
  // refuses a new entry with ENOENT (`/proc/x`).
  const missing: string[] = [];
  for (let p = path.resolve(dir); !existsSync(p); ) {
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing.reverse()) mkdirSync(m, { mode: DIR_MODE });
  // mkdir's mode is filtered by the umask; make sure the folder is private.
  chmodSync(dir, DIR_MODE);
  return true;
}

/** True when group or others may read, write or enter. */
export function isTooOpen(p: string): boolean {
  if (process.platform === 'win32') return false;
  return (statSync(p).mode & 0o077) !== 0;
}

export interface WriteOptions {
  /** Replace an existing file (`--force`). Without it an existing file is an error (exit 2). */
  overwrite?: boolean;
  mode?: number;
}

/** Writes `data` to `file` atomically with mode 0600. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<void> {
  if (!opts.overwrite && existsSync(file)) {
    throw new UsageError(`${file} exists`, [{ code: 'usage.exists', message: `${file} already exists; pass --force to replace it`, file }]);
  }
  const dir = path.dirname(file);
  // A folder that is not there yet is made private (0700), parents included, as output.ts does.
  if (!existsSync(dir)) ensurePrivateDir(dir);
  await replaceViaTemp(file, opts.mode ?? FILE_MODE, (fh) => fh.writeFile(data));
}

/**
 * Copies `src` to `dest` the way writeFileAtomic writes: streamed into a
 * temp file created 0600 beside `dest`, fsynced, then renamed, so `dest` is
 * never half a copy and never readable by others, even for a moment.
 * Returns the digest of the bytes copied.
 */
export async function copyFileAtomic(src: string, dest: string, opts: WriteOptions = {}): Promise<FileDigest> {
  if (!opts.overwrite && existsSync(dest)) {
    throw new UsageError(`${dest} exists`, [{ code: 'usage.exists', message: `${dest} already exists; pass --force to replace it`, file: dest }]);
  }
  const dir = path.dirname(dest);
  if (!existsSync(dir)) ensurePrivateDir(dir);
  const hash = createHash('sha256');
  let size = 0;
  await replaceViaTemp(dest, opts.mode ?? FILE_MODE, async (fh) => {
    for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20 })) {
      const b = chunk as Buffer;
      hash.update(b);
      size += b.length;
      await fh.write(b);
    }
  });
  return { size, sha256: hash.digest('hex') };
}

export interface FileDigest {
  size: number;
  sha256: string;
}

/** Streams a file through sha256 (inputs can be gigabytes). */
export async function digestFile(file: string): Promise<FileDigest> {
  const st = await stat(file);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { size: st.size, sha256: hash.digest('hex') };
}

/** Like digestFile, but `undefined` when the file is gone or unreadable. */
export async function digestIfPresent(file: string): Promise<FileDigest | undefined> {
  try {
    return await digestFile(file);
  } catch {
    return undefined;
  }
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
