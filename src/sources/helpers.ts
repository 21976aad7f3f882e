/** Building blocks shared by connectors: files of a source, format detection, per-file failure handling. */
import { SourceReadError } from '../errors.ts';
import { extOf, listSourceFiles, readHead, type SourceFile } from '../io/files.ts';
import { decodeBuffer } from '../io/encoding.ts';
import type { Connector, Detection, IdentifierScope, ReadContext, SourceInput } from './contract.ts';

export interface DetectedFile {
  file: SourceFile;
  format: string;
}

/**
 * The source's files with the format each is read as: the config's
 * `format:` when given, else what `detect()` says about the file's head.
 * Files the connector does not recognise are reported as skipped (they may
 * be a stray README next to the pages), so a mistake is visible.
 */
export async function* detectedFiles<O>(connector: Connector<O>, input: SourceInput<O>, ctx: ReadContext): AsyncGenerator<DetectedFile> {
  const files = await listSourceFiles(input.path, input.baseDir);
  for (const file of files) {
    if (file.broken) {
      ctx.fileFailed(new SourceReadError(file.broken.message, { file: file.rel, code: file.broken.code }));
      continue;
    }
    // An empty file is no export in any format (even an export of nothing has its header or brackets).
    if (file.size === 0) {
      ctx.fileFailed(new SourceReadError('the file is empty (0 bytes)', { file: file.rel, code: 'source.empty-file' }));
      continue;
    }
    if (input.format) {
      yield { file, format: input.format };
      continue;
    }
    let head: Buffer;
    try {
      head = await readHead(file.abs, undefined, file.rel);
    } catch (err) {
      // One file that cannot be opened (permission denied) must not hide the others of the folder.
      if (!(err instanceof SourceReadError)) throw err;
      ctx.fileFailed(err);
      continue;
    }
    const d: Detection | undefined = connector.detect({ name: file.rel, head, size: file.size });
    if (!d) {
      ctx.fileFailed(
        new SourceReadError(`not a format the ${connector.id} connector reads (${connector.formats.map((f) => f.id).join(', ')}); set format: in the config if it is one`, {
          file: file.rel,
          code: 'source.unknown-format',
        }),
      );
      continue;
    }
    yield { file, format: d.format };
  }
}

/**
 * Runs `read` for each file and turns a SourceReadError into a skipped file,
 * so one broken page does not hide the rest of the source.
 */
export async function* readEachFile<T>(
  files: AsyncIterable<DetectedFile>,
  ctx: ReadContext,
  read: (f: DetectedFile) => AsyncIterable<T>,
  scopeOf?: (format: string) => IdentifierScope | undefined,
): AsyncGenerator<T> {
  for await (const f of files) {
    ctx.fileScope?.(f.file.rel, scopeOf?.(f.format));
    try {
      yield* read(f);
    } catch (err) {
      if (err instanceof SourceReadError) ctx.fileFailed(err);
      else throw err;
    }
  }
}

/** Case-insensitive check of a file name's extension. */
export function hasExt(name: string, ...exts: string[]): boolean {
  return exts.includes(extOf(name));
}

/** The head of a file as text, for content sniffing: the encoding is sniffed as for reading (UTF-8/16, Windows-1252). */
export function headText(head: Buffer): string {
  return decodeBuffer(head, 'cp1252').text;
}
