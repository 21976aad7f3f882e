/**
 * ZIP archives (a Mailchimp audience export; every XLSX file is one too).
 *
 * Archives are inspected before anything is decompressed: too many entries,
 * too much uncompressed data, or an absurd compression ratio means a zip
 * bomb, and an entry named `../x` or `/x` is refused. Nothing is ever
 * extracted to disk; entries are streamed. yauzl checks that each entry
 * inflates to exactly the size its header declares.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { SourceReadError } from '../errors.ts';
import type { SourceFile } from './files.ts';

export interface ZipLimits {
  maxEntries: number;
  maxTotalUncompressed: number;
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxTotalUncompressed: 4 * 1024 * 1024 * 1024,
  // Text compresses well, but not 1000:1; that is a crafted file.
  maxRatio: 200,
};

export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

function openZip(file: SourceFile): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file.abs, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zf) => {
      if (err || !zf) reject(new SourceReadError('not a readable ZIP archive (or an XLSX file that is damaged)', { file: file.rel, code: 'zip.invalid', cause: err }));
      else resolve(zf);
    });
  });
}

function unsafeName(name: string): boolean {
  const n = name.replace(/\\/gu, '/');
  return n.startsWith('/') || /^[a-z]:/iu.test(n) || n.split('/').includes('..');
}

/** Lists and vets the entries; throws SourceReadError for a bomb or a path-traversal name. */
export async function inspectZip(file: SourceFile, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipEntryInfo[]> {
  const zf = await openZip(file);
  try {
    if (zf.entryCount > limits.maxEntries) {
      throw new SourceReadError(`the archive has ${zf.entryCount} entries, more than the limit of ${limits.maxEntries}`, {
        file: file.rel,
        code: 'zip.too-many-entries',
      });
    }
    const entries: ZipEntryInfo[] = [];
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      zf.on('entry', (e: yauzl.Entry) => {
        const name = e.fileName;
        if (unsafeName(name)) {
          reject(new SourceReadError('the archive has an entry whose name points outside the archive (path traversal)', { file: file.rel, code: 'zip.unsafe-name' }));
          return;
        }
        total += e.uncompressedSize;
        const ratio = e.compressedSize > 0 ? e.uncompressedSize / e.compressedSize : e.uncompressedSize > 0 ? Infinity : 0;
        if (e.uncompressedSize > 1024 * 1024 && ratio > limits.maxRatio) {
          reject(new SourceReadError(`an entry expands ${Math.round(ratio)} times (limit ${limits.maxRatio}): a zip bomb`, { file: file.rel, code: 'zip.bomb' }));
          return;
        }
        if (total > limits.maxTotalUncompressed) {
          reject(new SourceReadError('the archive expands to more than the size limit: a zip bomb', { file: file.rel, code: 'zip.bomb' }));
          return;
        }
        entries.push({ name, compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize });
        zf.readEntry();
      });
      zf.on('end', () => resolve());
      zf.on('error', (err: Error) => reject(new SourceReadError('the ZIP archive is damaged', { file: file.rel, code: 'zip.invalid', cause: err })));
      zf.readEntry();
    });
    return entries;
  } finally {
    zf.close();
  }
}

/** Streams the named entries in archive order, one at a time. */
export async function* readZipEntries(file: SourceFile, wanted: (name: string) => boolean): AsyncGenerator<{ name: string; stream: Readable }> {
  const zf = await openZip(file);
  try {
    const queue: yauzl.Entry[] = [];
    let done = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    zf.on('entry', (e: yauzl.Entry) => {
      queue.push(e);
      wake?.();
    });
    zf.on('end', () => {
      done = true;
      wake?.();
    });
    zf.on('error', (err: Error) => {
      failure = err;
      wake?.();
    });
    zf.readEntry();
    while (true) {
      if (queue.length === 0 && !done && !failure) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      if (failure) throw new SourceReadError('the ZIP archive is damaged', { file: file.rel, code: 'zip.invalid', cause: failure });
      const e = queue.shift();
      if (!e) {
        if (done) break;
        continue;
      }
      if (!e.fileName.endsWith('/') && wanted(e.fileName)) {
        const stream = await new Promise<Readable>((resolve, reject) =>
          zf.openReadStream(e, (err, s) => (err || !s ? reject(err) : resolve(s))),
        );
        yield { name: e.fileName, stream };
      }
      zf.readEntry();
    }
  } finally {
    zf.close();
  }
}
