/**
 * ZIP archives (a Mailchimp audience export; every XLSX file is one too).
 *
 * Archives are inspected before anything is decompressed: too many entries,
 * too much uncompressed data, or an absurd compression ratio means a zip
 * bomb, and an entry named `../x` or `/x` is refused. Nothing is ever
 * extracted to disk; entries are streamed. yauzl checks that each entry
 * inflates to exactly the size its header declares.
 */
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
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

/** yauzl refuses such names itself (validateFileName), before our own check sees them. */
function isUnsafeNameError(err: unknown): boolean {
  return /^(invalid relative path|absolute path):/u.test((err as Error)?.message ?? '');
}

function damaged(file: SourceFile, err: unknown): SourceReadError {
  if (isUnsafeNameError(err)) {
    return new SourceReadError('the archive has an entry whose name points outside the archive (path traversal)', { file: file.rel, code: 'zip.unsafe-name', cause: err });
  }
  return new SourceReadError('the ZIP archive is damaged', { file: file.rel, code: 'zip.invalid', cause: err });
}

/**
 * An entry's data as it is read: yauzl checks that it inflates to exactly
 * the size the headers declare, so a bomb whose headers lie stops at the
 * declared size. Its errors become SourceReadErrors that name the entry.
 */
function entryStream(raw: Readable, file: SourceFile, name: string): Readable {
  const where = `${file.rel}!${name}`;
  return Readable.from(
    (async function* () {
      try {
        for await (const chunk of raw) yield chunk as Buffer;
      } catch (err) {
        const msg = (err as Error)?.message ?? '';
        if (/^too many bytes in the stream/u.test(msg)) {
          throw new SourceReadError('the entry inflates to more than its header declares: a zip bomb, or a damaged archive', { file: where, code: 'zip.bomb', cause: err });
        }
        if (/^not enough bytes in the stream/u.test(msg)) {
          throw new SourceReadError('the entry ends before the size its header declares: the archive is cut off or damaged', { file: where, code: 'zip.invalid', cause: err });
        }
        throw new SourceReadError('the entry cannot be decompressed: the archive is damaged', { file: where, code: 'zip.invalid', cause: err });
      } finally {
        raw.destroy();
      }
    })(),
    { objectMode: false },
  );
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
      zf.on('error', (err: Error) => reject(damaged(file, err)));
      zf.readEntry();
    });
    return entries;
  } finally {
    zf.close();
  }
}

function allEntries(zf: yauzl.ZipFile, file: SourceFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    zf.on('entry', (e: yauzl.Entry) => {
      out.push(e);
      zf.readEntry();
    });
    zf.on('end', () => resolve(out));
    zf.on('error', (err: Error) => reject(damaged(file, err)));
    zf.readEntry();
  });
}

/** Bytes a data descriptor (and zip64 sizes) may take after an entry's data; a local header needs 30, so nothing hides in less. */
const MAX_GAP = 24;

/**
 * After inspectZip: each local header must agree with the directory, and
 * the entries must follow each other with nothing between them (no entry
 * the directory does not list). Reads only the headers.
 *
 * It no longer inflates every entry to check its size first (issue #7: one
 * more pass over a 57 MB sheet, 0.2 s of a 10 MB workbook's first read).
 * The only reader, openZipArchive, reads each entry by the directory and
 * inflates it through `inflating()`, which stops at the declared size (a
 * bomb whose headers lie is cut there, so the XML parser never sees more
 * than inspectZip allowed) and reports an entry that ends short. A damaged
 * entry is then reported when the read reaches it; the rows before it have
 * been given, as a CSV file's rows before a malformed line are.
 */
export async function verifyZip(file: SourceFile): Promise<void> {
  const zf = await openZip(file);
  // Before the first readEntry, yauzl's cursor is where the central directory starts.
  const directoryStart = zf.readEntryCursor as unknown as number;
  try {
    const entries = await allEntries(zf, file);
    const inconsistent = (): SourceReadError =>
      new SourceReadError("an entry's local header does not agree with the archive's directory, or the archive holds data the directory does not list: a crafted or damaged archive", {
        file: file.rel,
        code: 'zip.inconsistent',
      });
    const spans: [number, number][] = [];
    for (const e of entries) {
      let lh: yauzl.LocalFileHeader;
      try {
        lh = await zf.readLocalFileHeaderPromise(e);
      } catch (err) {
        throw damaged(file, err);
      }
      const descriptor = (lh.generalPurposeBitFlag & 0x08) !== 0;
      const same = (local: number, central: number): boolean => local === central || local === 0xffffffff || (descriptor && local === 0);
      if (!lh.fileName.equals(e.fileNameRaw) || !same(lh.compressedSize, e.compressedSize) || !same(lh.uncompressedSize, e.uncompressedSize)) throw inconsistent();
      spans.push([e.relativeOffsetOfLocalHeader, lh.fileDataStart + e.compressedSize]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [start, end] of spans) {
      if (start < at || start - at > MAX_GAP) throw inconsistent();
      at = end;
    }
    if (typeof directoryStart === 'number' && (directoryStart < at || directoryStart - at > MAX_GAP)) throw inconsistent();
  } finally {
    zf.close();
  }
}

/**
 * A deflated entry's data, inflated here in chunks of 1 MiB (yauzl's own
 * stream inflates in zlib's 16 KiB chunks, one trip to the thread pool each:
 * 0.4 s for a 57 MB sheet, issue #7), and checked as yauzl checks with
 * validateEntrySizes: more than the declared size is a bomb (stopped within
 * a chunk of it), less is a damaged archive.
 */
function inflating(raw: Readable, declared: number, file: SourceFile, name: string): Readable {
  const where = `${file.rel}!${name}`;
  return Readable.from(
    (async function* () {
      const inflate = createInflateRaw({ chunkSize: 1 << 20 });
      raw.on('error', (err) => inflate.destroy(err));
      raw.pipe(inflate);
      let n = 0;
      try {
        for await (const chunk of inflate) {
          n += (chunk as Buffer).length;
          if (n > declared) throw new SourceReadError('the entry inflates to more than its header declares: a zip bomb, or a damaged archive', { file: where, code: 'zip.bomb' });
          yield chunk as Buffer;
        }
      } catch (err) {
        if (err instanceof SourceReadError) throw err;
        throw new SourceReadError('the entry cannot be decompressed: the archive is damaged', { file: where, code: 'zip.invalid', cause: err });
      } finally {
        raw.destroy();
        inflate.destroy();
      }
      if (n < declared) throw new SourceReadError('the entry ends before the size its header declares: the archive is cut off or damaged', { file: where, code: 'zip.invalid' });
    })(),
    { objectMode: false },
  );
}

/** An entry's data, inflated and checked against its declared size. */
async function openEntry(zf: yauzl.ZipFile, e: yauzl.Entry, file: SourceFile): Promise<Readable> {
  const deflated = e.compressionMethod === 8;
  let raw: Readable;
  try {
    raw = await zf.openReadStreamPromise(e, deflated ? { decompress: false } : {});
  } catch (err) {
    throw damaged(file, err);
  }
  return deflated ? inflating(raw, e.uncompressedSize, file, e.fileName) : entryStream(raw, file, e.fileName);
}

/** An archive whose entries are read by its central directory, in any order. */
export interface ZipArchive {
  /** The file entries, in the directory's order. */
  names: string[];
  open(name: string): Promise<Readable>;
  close(): void;
}

/**
 * Opens an archive to read its entries in the order the caller needs (an
 * XLSX workbook's relations and shared strings before its sheets, which
 * Excel writes after them). Only after inspectZip and verifyZip: then the
 * directory lists every entry there is. Each entry stops at its declared
 * size (`inflating`).
 */
export async function openZipArchive(file: SourceFile): Promise<ZipArchive> {
  const zf = await openZip(file);
  let entries: yauzl.Entry[];
  try {
    entries = await allEntries(zf, file);
  } catch (err) {
    zf.close();
    throw err;
  }
  const byName = new Map(entries.filter((e) => !e.fileName.endsWith('/')).map((e) => [e.fileName, e] as const));
  return {
    names: [...byName.keys()],
    open: (name) => {
      const e = byName.get(name);
      if (!e) return Promise.reject(new SourceReadError(`the archive has no entry ${name}`, { file: file.rel, code: 'zip.invalid' }));
      return openEntry(zf, e, file);
    },
    close: () => zf.close(),
  };
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
      if (failure) throw damaged(file, failure);
      const e = queue.shift();
      if (!e) {
        if (done) break;
        continue;
      }
      if (!e.fileName.endsWith('/') && wanted(e.fileName)) {
        yield { name: e.fileName, stream: await openEntry(zf, e, file) };
      }
      zf.readEntry();
    }
  } finally {
    zf.close();
  }
}
