/**
 * System errors on paths the user gave, as user errors (exit 2) with the
 * path: mapped in one place for main.ts, and used by the commands that
 * check a path before their work (export's --out).
 */
import path from 'node:path';
import { UsageError } from '../errors.ts';

/**
 * A path the user gave that the system refused (a folder where a file was
 * wanted, a file where a folder was, no permission, a full disk): the user
 * can fix that, so it is an error with the path, not a bug with a trace.
 * Paths name files, never values.
 */
const FS_REASONS: Record<string, string> = {
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of this path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'the name is too long',
};

/** The user error a system error on a path is, or undefined for any other error. */
export function fileSystemError(e: unknown): UsageError | undefined {
  const x = e as { code?: unknown; path?: unknown; syscall?: unknown } | undefined;
  if (!x || typeof x.code !== 'string' || typeof x.syscall !== 'string') return undefined;
  const reason = FS_REASONS[x.code];
  if (!reason) return undefined;
  // A read through a file handle does not say its path.
  const file = typeof x.path === 'string' ? path.relative(process.cwd(), x.path) || x.path : undefined;
  const message = file ? `${file}: ${reason} (${x.syscall})` : `a path given: ${reason} (${x.syscall})`;
  return new UsageError(message, [{ code: `fs.${x.code.toLowerCase()}`, message, ...(file ? { file } : {}) }]);
}

/**
 * Would creating `dir` (with its missing parents) and writing files into it
 * work? Throws the system error it would meet, before any work: a part of
 * the path that is a file (ENOTDIR), a folder that cannot be written or a
 * read-only file system (EACCES, EROFS). `dir` itself being a file is the
 * caller's to say. The answer is a forecast: a check at the time of writing
 * still decides.
 */
export async function assertDirCreatable(dir: string): Promise<void> {
  const { stat, access, constants } = await import('node:fs/promises');
  let p = path.resolve(dir);
  for (;;) {
    // ENOTDIR: a part above is a file; the walk up comes to it.
    const st = await stat(p).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
      throw e;
    });
    if (st) {
      if (!st.isDirectory()) {
        // An ancestor that is a file: what mkdir would meet.
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: path.resolve(dir) });
      }
      await access(p, constants.W_OK | constants.X_OK);
      return;
    }
    const parent = path.dirname(p);
    if (parent === p) return;
    p = parent;
  }
}

/**
 * Would writing each of `files` work? A file that is a folder (EISDIR), and
 * what assertDirCreatable says of its folder, thrown before any work.
 */
export async function assertFilesCreatable(files: readonly string[]): Promise<void> {
  const { stat } = await import('node:fs/promises');
  for (const file of files) {
    const st = await stat(file).catch(() => undefined);
    if (st?.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${file}'`), { code: 'EISDIR', syscall: 'open', path: path.resolve(file) });
    await assertDirCreatable(path.dirname(file));
  }
}
