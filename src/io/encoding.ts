/**
 * Text encodings of real exports: UTF-8 with or without a BOM, UTF-16 (the
 * Exchange message-trace report), Windows-1252 (Swedish Excel's "CSV (semikolonavgränsad)"),
 * and CP437 (SIE "PC8"). Real SIE files are also UTF-8 while they declare PC8
 * (formats.md §2.3), so nothing here trusts a declaration.
 *
 * The decision is made in a streaming way, at the first non-ASCII byte: if it
 * starts a valid UTF-8 sequence, the file is UTF-8; otherwise it is the
 * legacy encoding. Everything before that byte is ASCII, which every
 * candidate encoding decodes the same, so nothing read so far changes.
 */
import iconv from 'iconv-lite';

export type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'cp1252' | 'cp437';
export type LegacyEncoding = 'cp1252' | 'cp437';

export interface BomResult {
  encoding: Encoding | undefined;
  bomLength: number;
}

export function sniffBom(head: Uint8Array): BomResult {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf16be', bomLength: 2 };
  return { encoding: undefined, bomLength: 0 };
}

/**
 * UTF-16 without a BOM: text in a Latin script has a zero byte in every other
 * position. Checked on the head of the file only.
 */
export function sniffUtf16(head: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf16be';
  return undefined;
}

/**
 * The encoding that the first byte above 0x7F at or after `from` settles,
 * as SniffingDecoder decides it: UTF-8 when a valid sequence starts there
 * (overlong forms and surrogates are not valid), else the legacy code page
 * the bytes look like. Undefined when every byte is ASCII, or when the
 * sequence runs past the end of `buf` and more bytes may follow; at the
 * end of the text (`last`) a cut sequence is not UTF-8.
 */
export function settledEncoding(buf: Uint8Array, from: number, legacy: LegacyEncoding, last = false): 'utf8' | LegacyEncoding | undefined {
  let i = from;
  while (i < buf.length && buf[i]! < 0x80) i++;
  if (i >= buf.length) return undefined;
  const len = utf8SequenceLength(buf, i);
  if (len === -1 && !last) return undefined;
  return len > 0 ? 'utf8' : guessLegacy(buf, i, legacy);
}

/** Length of a valid UTF-8 sequence at `i`, 0 if invalid, -1 if cut off by the end of `buf`. */
function utf8SequenceLength(buf: Uint8Array, i: number): number {
  const b = buf[i]!;
  let len: number;
  if (b >= 0xc2 && b <= 0xdf) len = 2;
  else if (b >= 0xe0 && b <= 0xef) len = 3;
  else if (b >= 0xf0 && b <= 0xf4) len = 4;
  else return 0;
  for (let k = 1; k < len; k++) {
    if (i + k >= buf.length) return -1;
    const c = buf[i + k]!;
    if ((c & 0xc0) !== 0x80) return 0;
  }
  // Overlong and surrogate forms are invalid UTF-8.
  const b1 = buf[i + 1]!;
  if (b === 0xe0 && b1 < 0xa0) return 0;
  if (b === 0xed && b1 > 0x9f) return 0;
  if (b === 0xf0 && b1 < 0x90) return 0;
  if (b === 0xf4 && b1 > 0x8f) return 0;
  return len;
}

/**
 * CP437 or Windows-1252? Swedish letters are 0x84 0x86 0x94 0x8E 0x8F 0x99 in
 * CP437 and 0xE4 0xE5 0xF6 0xC4 0xC5 0xD6 in Windows-1252. Whichever range
 * dominates the high bytes seen decides; ties go to the connector's default.
 */
export function guessLegacy(buf: Uint8Array, start: number, fallback: LegacyEncoding): LegacyEncoding {
  let low = 0;
  let high = 0;
  const end = Math.min(buf.length, start + 65536);
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80 && b <= 0x9f) low++;
    else if (b >= 0xc0) high++;
  }
  if (low > high) return 'cp437';
  if (high > low) return 'cp1252';
  return fallback;
}

/**
 * A streaming decoder that settles its encoding from the content.
 * `write()` returns the text decoded so far; `end()` flushes the rest.
 */
export class SniffingDecoder {
  private encoding: Encoding | undefined;
  private decoder: { write(b: Buffer): string; end(): string | undefined } | undefined;
  private pending: Buffer | undefined;
  private first = true;
  /** Number of bytes that were not valid in the settled encoding (UTF-8 only). */
  invalidBytes = 0;

  constructor(
    private readonly legacy: LegacyEncoding = 'cp1252',
    forced?: Encoding,
  ) {
    if (forced) this.settle(forced);
  }

  get settled(): Encoding | undefined {
    return this.encoding;
  }

  private settle(enc: Encoding): void {
    this.encoding = enc;
    if (enc === 'utf8') {
      const td = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
      this.decoder = {
        write: (b) => td.decode(b, { stream: true }),
        end: () => td.decode(),
      };
    } else {
      const d = iconv.getDecoder(enc === 'utf16le' ? 'utf-16le' : enc === 'utf16be' ? 'utf-16be' : enc);
      this.decoder = { write: (b) => d.write(b), end: () => d.end() };
    }
  }

  write(chunk: Buffer): string {
    let buf = chunk;
    if (this.pending) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    if (this.first) {
      if (buf.length < 4 && !this.encoding) {
        this.pending = buf;
        return '';
      }
      this.first = false;
      const bom = sniffBom(buf);
      if (bom.encoding) {
        if (!this.encoding) this.settle(bom.encoding);
        buf = buf.subarray(bom.bomLength);
      } else if (!this.encoding) {
        const u16 = sniffUtf16(buf);
        if (u16) this.settle(u16);
      }
    }
    if (this.encoding) return this.decode(buf);
    // Undecided: everything so far was ASCII.
    const firstHigh = buf.findIndex((b) => b >= 0x80);
    if (firstHigh < 0) return buf.toString('latin1');
    const enc = settledEncoding(buf, firstHigh, this.legacy);
    if (!enc) {
      // The sequence is cut by the chunk edge: decide with the next chunk.
      this.pending = Buffer.from(buf.subarray(firstHigh));
      return buf.toString('latin1', 0, firstHigh);
    }
    this.settle(enc);
    return buf.toString('latin1', 0, firstHigh) + this.decode(buf.subarray(firstHigh));
  }

  private decode(buf: Buffer): string {
    const text = this.decoder!.write(buf);
    if (this.encoding === 'utf8') {
      for (let i = text.indexOf('\uFFFD'); i >= 0; i = text.indexOf('\uFFFD', i + 1)) this.invalidBytes++;
    }
    return text;
  }

  end(): string {
    let out = '';
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      if (!this.encoding) {
        // A file that ends inside an undecided multi-byte sequence is not UTF-8.
        this.first = false;
        this.settle(utf8SequenceLength(p, 0) > 0 ? 'utf8' : guessLegacy(p, 0, this.legacy));
      }
      out += this.decode(p);
    }
    if (this.decoder) out += this.decoder.end() ?? '';
    return out;
  }
}

/** Decodes a whole small buffer the same way (SniffingDecoder in one go). */
export function decodeBuffer(buf: Buffer, legacy: LegacyEncoding = 'cp1252', forced?: Encoding): { text: string; encoding: Encoding } {
  const d = new SniffingDecoder(legacy, forced);
  const text = d.write(buf) + d.end();
  return { text, encoding: d.settled ?? 'utf8' };
}

/**
 * Bytes as UTF-8, for readers that find lines on bytes (NDJSON, SIE): UTF-16
 * content (a BOM, or the zero-byte pattern of its first chunk) is re-encoded
 * chunk by chunk without its BOM; anything else passes through unchanged.
 * A recognised encoding is read rather than refused (issue #8).
 */
export async function* utf16AsUtf8(chunks: AsyncIterable<Buffer>, onUtf16?: (encoding: 'utf16le' | 'utf16be') => void): AsyncGenerator<Buffer> {
  let decoder: { write(b: Buffer): string; end(): string | undefined } | undefined;
  let first = true;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      const bom = sniffBom(chunk).encoding;
      const enc = bom === 'utf16le' || bom === 'utf16be' ? bom : bom ? undefined : sniffUtf16(chunk);
      // iconv-lite's decoders drop the BOM.
      if (enc) {
        decoder = iconv.getDecoder(enc === 'utf16le' ? 'utf-16le' : 'utf-16be');
        onUtf16?.(enc);
      }
    }
    if (!decoder) {
      yield chunk;
      continue;
    }
    const text = decoder.write(chunk);
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder?.end();
  if (rest) yield Buffer.from(rest, 'utf8');
}
