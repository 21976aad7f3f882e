/**
 * Line-oriented reading (NDJSON, message-trace logs): splits on LF, strips a
 * trailing CR, keeps physical line numbers. Lines are decoded with the
 * content-sniffing decoder, so UTF-16 and Windows-1252 files read correctly.
 */
import { SourceReadError } from '../errors.ts';
import { SniffingDecoder, type Encoding, type LegacyEncoding } from './encoding.ts';
import { readChunks, type SourceFile } from './files.ts';

export interface TextLine {
  line: number;
  text: string;
}

/** Longer lines are refused rather than buffered without bound (issue #8). */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

export async function* readLines(
  file: SourceFile,
  opts: { encoding?: Encoding; legacyEncoding?: LegacyEncoding; maxLineChars?: number } = {},
): AsyncGenerator<TextLine> {
  const decoder = new SniffingDecoder(opts.legacyEncoding ?? 'cp1252', opts.encoding);
  const max = opts.maxLineChars ?? MAX_LINE_CHARS;
  let carry = '';
  let lineNo = 0;
  const emit = function* (text: string): Generator<TextLine> {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const piece = carry.length > 0 ? carry + text.slice(start, nl) : text.slice(start, nl);
      carry = '';
      lineNo++;
      yield { line: lineNo, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece };
      start = nl + 1;
    }
    carry += text.slice(start);
    if (carry.length > max) {
      throw new SourceReadError(`line ${lineNo + 1} is longer than ${Math.round(max / 1048576)} MiB without a line break`, {
        file: file.rel,
        line: lineNo + 1,
        code: 'line.too-long',
      });
    }
  };
  for await (const chunk of readChunks(file.abs, undefined, file.rel)) yield* emit(decoder.write(chunk));
  yield* emit(decoder.end());
  if (carry.length > 0) {
    lineNo++;
    yield { line: lineNo, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
  }
}

/**
 * The 1-based line and column of a character offset in a text, for JSON
 * parse errors, which report a position.
 */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
