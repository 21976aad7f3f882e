/**
 * Writing outputs that hold personal data (extracts, plans, case exports):
 *
 * - atomically: a temp file in the same folder, fsync, then rename, so a
 *   crash never leaves a half-written file under the final name;
 * - private: files 0600 and the folders we create 0700;
 * - never over an existing file unless the user said `--force`;
 * - inert in spreadsheets: `neutraliseFormula` for every CSV cell.
 *
 * Every write returns the file's sha256, which commands list at the end and
 * cases record as evidence.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.ts';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Creates the folder (and missing parents) with mode 0700; an existing
 * folder is left as it is. Level by level from the nearest folder that
 * exists, not `mkdir -p`: Node's recursive mkdir retries without end where
 * a file system refuses a new entry with ENOENT (`/proc/x`).
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let p = path.resolve(dir);
  while (!(await exists(p))) {
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const m of missing.reverse()) {
    try {
      await mkdir(m, { mode: DIR_MODE });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Refuses to go on when any of the files exists and `force` is not set; lists all of them. */
export async function assertWritable(files: string[], force: boolean, displayBase = process.cwd()): Promise<void> {
  const taken: string[] = [];
  for (const f of files) {
    const st = await stat(f).catch(() => undefined);
    // A folder in the file's place is never overwritten, --force or not: the error open would give, at once.
    if (st?.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${f}'`), { code: 'EISDIR', syscall: 'open', path: path.resolve(f) });
    if (st && !force) taken.push(f);
  }
  if (taken.length > 0) {
    throw new UsageError(
      'output files already exist',
      taken.map((f) => ({ code: 'output.exists', message: 'the file exists; pass --force to overwrite it', file: path.relative(displayBase, f) || f })),
    );
  }
}

/**
 * Writes `data` to `file` atomically with mode 0600. Temp files of the same
 * target left by a writer that was killed are removed first, so a command
 * run again after a crash leaves no debris.
 *
 * `sync: false` leaves the fsync to the caller (syncFile), who must make the
 * file durable before anything records it as done: a batch syncs a
 * request's files while it writes the next request's (issue #7). The file
 * is still never half-written under its name: the rename comes after the
 * last write, whatever becomes of the process.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, opts: { force?: boolean; mode?: number; sync?: boolean } = {}): Promise<WrittenFile> {
  const dir = path.dirname(file);
  await ensureDir(dir);
  if (!opts.force && (await exists(file))) await assertWritable([file], false);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  await replaceViaTemp(file, opts.mode ?? FILE_MODE, (fh) => fh.writeFile(buf), opts.sync ?? true);
  return { path: file, bytes: buf.byteLength, sha256: sha256(buf) };
}

/** Makes a file written with `sync: false` durable (opened for writing: Windows flushes only such a handle). */
export async function syncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The one way a file is put in place, here and in src/store/fs-safe.ts: a
 * temp file `.<name>.<pid>.<hex>.tmp` beside it (temp files a killed writer
 * left first removed), created exclusively with `mode`, filled, fsynced
 * (unless the caller syncs it later: writeFileAtomic), then renamed over
 * the name. A failure at any step removes the temp file,
 * so the name holds either the old bytes or all of the new ones.
 */
export async function replaceViaTemp(file: string, mode: number, fill: (fh: FileHandle) => Promise<void>, sync = true): Promise<void> {
  await removeStaleTempFilesOf(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode).catch((err: NodeJS.ErrnoException) => {
    // The error is about the file asked for: the temp file's name would only puzzle (a folder missing, a file in the way).
    if (err.path === tmp) err.path = file;
    throw err;
  });
  try {
    await fill(fh);
    if (sync) await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Spreadsheet formula injection (OWASP "CSV injection"): a cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return can run as a formula
 * when the file is opened in Excel or LibreOffice. Such values get a leading
 * apostrophe, which spreadsheets show as text. Plain numbers (`-12`,
 * `+46701740605` without spaces) cannot run anything and are left alone.
 */
export function neutraliseFormula(value: string): string {
  if (value.length === 0) return value;
  const c = value[0]!;
  if (c !== '=' && c !== '+' && c !== '-' && c !== '@' && c !== '\t' && c !== '\r') return value;
  if (/^[+-]?\d+(?:[.,]\d+)?$/u.test(value)) return value;
  return `'${value}`;
}

/** `.<name>.<pid>.<hex>.tmp`: the temp files of writeFileAtomic here and in src/store/fs-safe.ts. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8,16}\.tmp$/u;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temp files of `file` whose writer is gone (killed mid-write). */
export async function removeStaleTempFilesOf(file: string): Promise<number> {
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(path.dirname(file));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(prefix) || name.length - prefix.length > 32) continue;
    const m = TEMP_NAME.exec(name);
    if (m && !alive(Number(m[1]))) {
      await unlink(path.join(path.dirname(file), name)).catch(() => {});
      removed++;
    }
  }
  return removed;
}

/**
 * Removes the temp files that writeFileAtomic left behind when its process
 * was killed mid-write (their writer is gone). A file whose writer still
 * runs is left alone. Returns how many were removed.
 */
export async function removeStaleTempFiles(dir: string, recursive = true): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) removed += await removeStaleTempFiles(p, true);
      continue;
    }
    const m = TEMP_NAME.exec(e.name);
    if (m && !alive(Number(m[1]))) {
      await unlink(p).catch(() => {});
      removed++;
    }
  }
  return removed;
}
