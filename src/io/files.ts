/** Finding and opening the files of a source. Inputs are only ever opened for reading. */
import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { SourceReadError } from '../errors.ts';

/** Read-ahead for export files: large enough that syscalls do not dominate. */
export const READ_CHUNK = 1 << 20;

export interface SourceFile {
  /** Absolute path. */
  abs: string;
  /** Relative to the config's folder, with forward slashes: used in locators and messages. */
  rel: string;
  size: number;
  /**
   * An entry in a source folder that leads to no file (a link whose target
   * is gone, links that lead round in a loop, a device, pipe or socket):
   * listed, so that the read reports it as a skipped file instead of
   * passing over it (`source.broken-link`, `source.not-a-file`).
   */
  broken?: { code: string; message: string };
}

/**
 * Skipped when a source is a folder: hidden files (the home `.ojco-dsar/`
 * among them), Office lock files, and the tool's own config, which `init`
 * writes into the export folder it was run in (CONFIG_FILE_NAMES of
 * config/load.ts).
 */
function ignored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~$') || name === 'Thumbs.db' || name === 'desktop.ini' || /^ojco-dsar\.config\.(?:ya?ml|json)$/u.test(name);
}

/** Relative to the config's folder (`../exports/x.csv` too), so outputs do not depend on where the tool runs. */
export function relPath(baseDir: string, abs: string): string {
  const r = path.relative(baseDir, abs);
  return (path.isAbsolute(r) ? abs : r).split(path.sep).join('/');
}

/**
 * The files of a source path: the file itself, or every file under the
 * folder, recursively, in a stable order (so that runs are reproducible).
 */
export async function listSourceFiles(sourcePath: string, baseDir: string): Promise<SourceFile[]> {
  let st;
  try {
    st = await stat(sourcePath);
  } catch {
    throw new SourceReadError(`path does not exist: ${relPath(baseDir, sourcePath)}`, {
      file: relPath(baseDir, sourcePath),
      code: 'source.missing',
    });
  }
  if (st.isFile()) return [{ abs: sourcePath, rel: relPath(baseDir, sourcePath), size: st.size }];
  if (!st.isDirectory()) {
    throw new SourceReadError('not a regular file or folder', { file: relPath(baseDir, sourcePath), code: 'source.unreadable' });
  }
  return walkFiles(sourcePath, baseDir, { skipName: ignored });
}

/**
 * Every file under `root`, recursively, in a stable order. Links are
 * followed, as a user who links an export into the folder expects it read:
 * a folder reached twice (a link back up the tree) is walked once, a file
 * reached twice (its own name and a link to it) is listed once, and a link
 * that leads nowhere is listed as `broken`.
 */
export async function walkFiles(
  root: string,
  baseDir: string,
  opts: { skipName?: (name: string) => boolean; skipDir?: (name: string) => boolean } = {},
): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const seenDirs = new Set<string>();
  /** Real path of each file listed → its place in `out`. */
  const seenFiles = new Map<string, number>();
  const walk = async (dir: string): Promise<void> => {
    const realDir = await realpath(dir);
    if (seenDirs.has(realDir)) return;
    seenDirs.add(realDir);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (opts.skipName?.(e.name)) continue;
      const abs = path.join(dir, e.name);
      let kind: 'file' | 'dir' | undefined = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : undefined;
      let real = path.join(realDir, e.name);
      if (e.isSymbolicLink()) {
        try {
          const s = await stat(abs);
          kind = s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
          real = await realpath(abs);
        } catch (err) {
          const loop = (err as NodeJS.ErrnoException)?.code === 'ELOOP';
          out.push({
            abs,
            rel: relPath(baseDir, abs),
            size: 0,
            broken: { code: 'source.broken-link', message: loop ? 'the link leads round in a loop and reaches no file' : 'the link leads to a file that does not exist' },
          });
          continue;
        }
      }
      if (kind === 'dir') {
        if (!opts.skipDir?.(e.name)) await walk(abs);
      } else if (kind === 'file') {
        const s = await stat(abs);
        const entry = { abs, rel: relPath(baseDir, abs), size: s.size };
        const before = seenFiles.get(real);
        if (before === undefined) {
          seenFiles.set(real, out.length);
          out.push(entry);
        } else if (path.basename(out[before]!.abs) !== path.basename(real) && e.name === path.basename(real)) {
          // Read under the name it was exported with: a Mailchimp file's status is in its name.
          out[before] = entry;
        }
      } else {
        // A device, pipe or socket (or a link to one): no export, but not passed over in silence either.
        out.push({ abs, rel: relPath(baseDir, abs), size: 0, broken: { code: 'source.not-a-file', message: 'not a regular file (a device, pipe or socket)' } });
      }
    }
  };
  await walk(root);
  return out;
}

/** The first `n` bytes of a file. */
export async function readHead(abs: string, n = 65536, rel: string = abs): Promise<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(abs, 'r');
  } catch (err) {
    throw ioFailure(err, rel);
  }
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** An operating-system error as a SourceReadError: the code says what (EACCES, EISDIR), never a value. */
export function ioFailure(err: unknown, file: string): SourceReadError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const what =
    code === 'EACCES' || code === 'EPERM'
      ? 'cannot be read: permission denied'
      : code === 'ENOENT'
        ? 'disappeared while it was being read'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? 'I/O error'})`;
  return new SourceReadError(`the file ${what}`, { file, code: 'source.unreadable', cause: err });
}

/** Reads a file in large chunks. `rel` names it in errors. */
export async function* readChunks(abs: string, chunkSize = READ_CHUNK, rel: string = abs): AsyncGenerator<Buffer> {
  const stream = createReadStream(abs, { highWaterMark: chunkSize });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof SourceReadError) throw err;
    throw ioFailure(err, rel);
  } finally {
    stream.destroy();
  }
}

/** readChunksReused's chunk size; the tests make it small, so that records and lines cross the chunks' edges. */
export const reusedChunk = { size: READ_CHUNK };

/**
 * Reads a file in large chunks into two buffers it takes turns with: **a
 * chunk is only valid until the loop asks for the next one**, so a reader
 * that keeps any part of it longer must copy that part. The next chunk is
 * read while the caller works on this one, as a stream reads ahead.
 *
 * readChunks gives each chunk a buffer of its own. A prefiltered read makes
 * so few JavaScript objects per megabyte that V8 seldom collects, and those
 * buffers then pile up: 30 to 50 MB of garbage on the main thread and as much
 * in the check worker, and a page fault for every fresh 4 KiB (issue #7's
 * peak RSS). Two buffers are all this ever holds.
 */
export async function* readChunksReused(abs: string, rel: string = abs, chunkSize = reusedChunk.size): AsyncGenerator<Buffer> {
  let fh: FileHandle;
  try {
    fh = await open(abs, 'r');
  } catch (err) {
    throw ioFailure(err, rel);
  }
  const bufs = [Buffer.allocUnsafeSlow(chunkSize), Buffer.allocUnsafeSlow(chunkSize)] as const;
  let position = 0;
  let pending: Promise<{ bytesRead: number }> | undefined;
  const readInto = (buf: Buffer): Promise<{ bytesRead: number }> => fh.read(buf, 0, chunkSize, position);
  try {
    pending = readInto(bufs[0]);
    for (let k = 0; ; k ^= 1) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      position += bytesRead;
      pending = readInto(bufs[k ^ 1]!);
      yield bufs[k]!.subarray(0, bytesRead);
    }
  } catch (err) {
    if (err instanceof SourceReadError) throw err;
    throw ioFailure(err, rel);
  } finally {
    // A read still running when the caller stops early must end before the file is closed.
    if (pending) await pending.catch(() => undefined);
    await fh.close().catch(() => undefined);
  }
}

/** File name extension, lower case, without the dot (`xlsx`, `csv`, `se`). */
export function extOf(name: string): string {
  const base = name.split('/').pop() ?? name;
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i + 1).toLowerCase() : '';
}
