/**
 * Streaming SIE 4 reader (formats.md §2.3; "SIE filformat, utgåva 4B").
 *
 * Lines are found on raw bytes: each chunk is checked for NUL (binary
 * input) and cut after its last LF, and that run of whole lines is decoded
 * in one go. LF or CRLF ends a post (spec §5.5). The encoding is settled by
 * SniffingDecoder from the content: the spec says CP437 (`#FORMAT PC8`,
 * §5.8), but real exports are also UTF-8 or ISO-8859-15/Windows-1252 while
 * still declaring PC8, so the declaration is never trusted. A file saved
 * as UTF-16 (Notepad's "Unicode") is re-encoded to UTF-8 first and read.
 *
 * What the reader yields:
 * - every top-level post as `{type:'post'}`, in file order, #KSUMMA included;
 * - every `#VER` with its `{ … }` block as one `{type:'voucher'}`, yielded at
 *   the closing `}`. #RTRANS and #BTRANS rows are kept; the #TRANS that the
 *   spec makes a writer repeat after each #RTRANS is dropped (§11 #RTRANS 4, 6).
 *
 * Policy: broken structure (braces, an object list left open, a row outside
 * a voucher) throws SourceReadError, because nothing after it can be placed
 * reliably. A missing or odd field only warns, because the rest of the post
 * is still readable and a DSAR search should not lose a whole file over it.
 * An unclosed quote warns too: a post is one line, so the damage stops at
 * the line's end (`strict` makes it an error).
 *
 * Messages never quote field values: SIE texts carry customer and employee
 * names (formats.md §2.3 "Where a customer's name appears").
 */
import { isAscii } from 'node:buffer';
import iconv from 'iconv-lite';
import { SourceReadError } from '../errors.ts';
import { isUtf8 } from 'node:buffer';
import { SniffingDecoder, utf16AsUtf8, type Encoding } from './encoding.ts';
import { readChunks, type SourceFile } from './files.ts';
import type { HitFinder } from './anchors.ts';
import type { Prefilter } from './prefilter.ts';

/**
 * Read in chunks this small (issue #7): the fast path turns each into a
 * Latin-1 string for the voucher expression, and one of 1 MiB is an external
 * string that only a full mark-compact frees (tens of MB held at once on a
 * large SIE file). One under 128 KiB is a young string a scavenge frees.
 */
export const SIE_CHUNK = 120 * 1024;

export interface SieObjectRef {
  dim: string;
  obj: string;
}

export type SieField = string | SieObjectRef[];

export interface SiePost {
  /** Upper case, with the '#': '#FNAMN', '#OBJEKT', '#VER', '#TRANS', ... */
  label: string;
  /** Tokens after the label; a `{…}` object list becomes an array of {dim, obj}. */
  fields: SieField[];
  /** 1-based physical line in the file. */
  line: number;
}

export interface SieTransaction {
  kind: 'TRANS' | 'RTRANS' | 'BTRANS';
  account: string;
  objects: SieObjectRef[];
  /** As written: SIE amounts use '.' and at most two decimals (spec §5.9). */
  amount: string;
  date?: string;
  text?: string;
  quantity?: string;
  sign?: string;
  line: number;
}

export interface SieVoucher {
  /** May be "" in 4I import files (spec §11 #VER 6). */
  series: string;
  number: string;
  date: string;
  text?: string;
  regDate?: string;
  sign?: string;
  /** Line of the #VER post. */
  line: number;
  /** Line of the closing `}` (the #VER line when the voucher has no block). */
  endLine: number;
  transactions: SieTransaction[];
  /** Sub-posts other than transaction rows: unknown labels must be tolerated (spec §7.1), and they may hold text. */
  others?: SiePost[];
}

/**
 * Posts and vouchers in file order. With a prefilter, `mayMatch` says
 * whether the item's lines hold anything it looks for, and vouchers that
 * cannot match and are plainly regular are not parsed at all: `skipped`
 * stands where they were (issue #7).
 */
export type SieItem =
  | { type: 'post'; post: SiePost; mayMatch?: boolean }
  | { type: 'voucher'; voucher: SieVoucher; mayMatch?: boolean }
  | { type: 'skipped'; vouchers: number };

export interface SieWarning {
  line: number;
  message: string;
  code: string;
}

export type SieChecksumStatus =
  /** No #KSUMMA in the file (it is optional, spec §10.3). */
  | 'absent'
  | 'ok'
  | 'mismatch'
  /** A closing #KSUMMA that is not a number, or one without the opening #KSUMMA. */
  | 'invalid';

export interface SieChecksumResult {
  status: SieChecksumStatus;
  /** The value written in the closing #KSUMMA. */
  declared?: string;
  /** CRC-32 over the CP437 bytes of the content, as spec §10.14 asks. */
  computed?: number;
  /**
   * What matched: 'cp437' (the spec's rule), or 'file-bytes' for a UTF-8 or
   * Windows-1252 file whose writer summed its own bytes instead.
   */
  basis?: 'cp437' | 'file-bytes';
}

export interface SieReadResult {
  /** 'ascii' when the file has no byte above 0x7F, so no encoding had to be chosen. */
  encoding: Encoding | 'ascii';
  /** The #FORMAT value as written (normally PC8); `encoding` is what the bytes are. */
  declaredFormat: string | undefined;
  sieType: string | undefined;
  lines: number;
  /** Top-level posts yielded (vouchers not counted). */
  posts: number;
  vouchers: number;
  /** Rows kept in vouchers, #RTRANS and #BTRANS included. */
  transactions: number;
  /** #TRANS rows dropped because they repeat the #RTRANS just before them. */
  skippedDuplicateTrans: number;
  /** U+FFFD in UTF-8 content: characters the writer already lost, or bytes that are not UTF-8. */
  replacementChars: number;
  checksum: SieChecksumResult;
  warnings: number;
}

export interface SieReadOptions {
  /**
   * Marks each item with whether its bytes may match, and skips the vouchers
   * that cannot and whose lines could not give a warning (issue #7).
   */
  prefilter?: Prefilter | undefined;
  onWarning?: (w: SieWarning) => void;
  /** Called once at the end of a file that was read without an error. */
  onSummary?: (r: SieReadResult) => void;
  /**
   * Throw 'sie.malformed' for a quoted field that is not closed on its line,
   * instead of reading it to the end of the line with a 'sie.quote-unclosed'
   * warning. Off by default: real SoftOne Business exports do this.
   */
  strict?: boolean;
}

/** Longer lines are refused instead of buffered: real posts are a few hundred bytes. */
export const SIE_MAX_LINE_BYTES = 1 << 20;

/** A file with no post in this many leading bytes is not SIE (#FLAGGA must come first, spec §5.12). */
const SIE_MAX_PREAMBLE_BYTES = 64 * 1024;

/** Labels of SIE 4B §12. Only used to tell a SIE file from other text that starts with '#'. */
const KNOWN_LABELS = new Set([
  '#ADRESS', '#BKOD', '#BTRANS', '#DIM', '#ENHET', '#FLAGGA', '#FNAMN', '#FNR', '#FORMAT', '#FTYP',
  '#GEN', '#IB', '#KONTO', '#KPTYP', '#KSUMMA', '#KTYP', '#OBJEKT', '#OIB', '#OMFATTN', '#ORGNR',
  '#OUB', '#PBUDGET', '#PROGRAM', '#PROSA', '#PSALDO', '#RAR', '#RES', '#RTRANS', '#SIETYP', '#SRU',
  '#TAXAR', '#TRANS', '#UB', '#UNDERDIM', '#VALUTA', '#VER',
]);

// ---------------------------------------------------------------------------
// CRC-32 (spec §10.11-10.13: polynomial EDB88320, preset FFFFFFFF, inverted at the end)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Continues a running CRC-32 (`previous` is a finished value, 0 to start), like zlib's crc32. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type ChecksumEncoding = 'cp437' | 'utf8' | 'cp1252';

function encodeToken(s: string, enc: ChecksumEncoding): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(s, 'latin1');
  return enc === 'utf8' ? Buffer.from(s, 'utf8') : iconv.encode(s, enc);
}

/**
 * Adds one post to a running #KSUMMA CRC. Spec §10.14: the label and the
 * field contents count; whitespace between fields, the quotes around a
 * field and the braces of object lists and sub-post blocks do not; `\"`
 * counts as `"`. That is exactly the tokens, concatenated.
 */
function checksumPost(crc: number, rawLabel: string, fields: SieField[], enc: ChecksumEncoding): number {
  crc = crc32(encodeToken(rawLabel, enc), crc);
  for (const f of fields) {
    if (typeof f === 'string') {
      if (f) crc = crc32(encodeToken(f, enc), crc);
    } else {
      for (const o of f) {
        if (o.dim) crc = crc32(encodeToken(o.dim, enc), crc);
        if (o.obj) crc = crc32(encodeToken(o.obj, enc), crc);
      }
    }
  }
  return crc;
}

/**
 * The #KSUMMA value of the posts between the opening and the closing #KSUMMA
 * (text lines as they are in the file, braces and blank lines included or not:
 * they count for nothing). Encoded as CP437 unless told otherwise (§10.14).
 */
export function sieChecksum(posts: Iterable<string>, encoding: ChecksumEncoding = 'cp437'): number {
  let crc = 0;
  for (const line of posts) {
    const t = tokenize(line, true);
    if (t) crc = checksumPost(crc, t.rawLabel, t.fields, encoding);
  }
  return crc;
}

// ---------------------------------------------------------------------------
// Tokenizer (spec §5.7)

/** A line that cannot be split into fields. The message names the problem, never the content. */
export class SieSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SieSyntaxError';
  }
}

const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

interface RawTokens {
  rawLabel: string;
  fields: SieField[];
  /** An object list had an odd number of tokens (a dimension without an object). */
  oddObjects: boolean;
  /** The last field's quote was not closed (only when tokenizing leniently). */
  unclosedQuote: boolean;
}

/**
 * Reads a quoted field from its opening quote. Returns the value, the index
 * after the field, and whether the line ended before a closing quote.
 */
function readQuoted(line: string, start: number, inList: boolean, lenient: boolean): { value: string; end: number; unclosed: boolean } {
  const n = line.length;
  let value = '';
  let seg = start + 1;
  let i = seg;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      // Fields are separated by blanks (§5.7), so a quote closes a field only
      // before a blank, the end of the line, or the } of an object list. Any
      // other quote is text: SoftOne XE writes '"' for 'ö' ("F"rutbetalda),
      // and account names like "L"n <employee name>" must stay one field.
      const next = i + 1 < n ? line.charCodeAt(i + 1) : -1;
      if (next === -1 || isBlank(next) || (inList && next === RBRACE)) {
        return { value: value + line.slice(seg, i), end: i + 1, unclosed: false };
      }
      i++;
      continue;
    }
    if (c === BACKSLASH && i + 1 < n && line.charCodeAt(i + 1) === QUOTE) {
      // `\"` is an escaped quote (§5.7). But writers do not escape backslashes
      // (Visma Fakturering writes a Windows path as #FNR), so a path that ends
      // in `\` gives `...\"` at the end of the line: there the quote closes.
      let k = i + 2;
      while (k < n && isBlank(line.charCodeAt(k))) k++;
      if (k === n) return { value: value + line.slice(seg, i + 1), end: i + 2, unclosed: false };
      value += line.slice(seg, i) + '"';
      i += 2;
      seg = i;
      continue;
    }
    i++;
  }
  if (!lenient) throw new SieSyntaxError('a quoted field is not closed before the end of the line');
  // A post is one line (§5.5), so the field can only run to the end of it:
  // SoftOne Business cuts long texts at a fixed width, closing quote and all.
  return { value: value + line.slice(seg), end: n, unclosed: true };
}

function tokenize(line: string, lenient: boolean): RawTokens | undefined {
  const n = line.length;
  let i = 0;
  while (i < n && isBlank(line.charCodeAt(i))) i++;
  if (i >= n || line.charCodeAt(i) !== HASH) return undefined;
  const labelStart = i;
  while (i < n && !isBlank(line.charCodeAt(i))) i++;
  const rawLabel = line.slice(labelStart, i);
  const fields: SieField[] = [];
  let oddObjects = false;
  let unclosedQuote = false;
  for (;;) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const c = line.charCodeAt(i);
    if (c === QUOTE) {
      const q = readQuoted(line, i, false, lenient);
      fields.push(q.value);
      i = q.end;
      if (q.unclosed) unclosedQuote = true;
    } else if (c === LBRACE) {
      // Object list (§8.21): pairs of dimension and object, each may be quoted: {1 "AO" 6 "P1"}.
      i++;
      const parts: string[] = [];
      for (;;) {
        while (i < n && isBlank(line.charCodeAt(i))) i++;
        if (i >= n) throw new SieSyntaxError('an object list { } is not closed before the end of the line');
        const d = line.charCodeAt(i);
        if (d === RBRACE) {
          i++;
          break;
        }
        if (d === QUOTE) {
          const q = readQuoted(line, i, true, lenient);
          parts.push(q.value);
          i = q.end;
        } else {
          const s = i;
          while (i < n) {
            const e = line.charCodeAt(i);
            if (isBlank(e) || e === RBRACE || e === QUOTE) break;
            i++;
          }
          parts.push(line.slice(s, i));
        }
      }
      const refs: SieObjectRef[] = [];
      for (let k = 0; k < parts.length; k += 2) refs.push({ dim: parts[k]!, obj: parts[k + 1] ?? '' });
      if (parts.length % 2 === 1) oddObjects = true;
      fields.push(refs);
    } else {
      // Unquoted fields end at whitespace only: quotes are needed only for spaces (§5.7).
      const s = i;
      while (i < n && !isBlank(line.charCodeAt(i))) i++;
      fields.push(line.slice(s, i));
    }
  }
  return { rawLabel, fields, oddObjects, unclosedQuote };
}

/**
 * Splits one SIE line into its label (upper case) and fields. Returns
 * undefined for a line that is not a post (blank, `{`, `}`, text without '#').
 * Throws SieSyntaxError for an unclosed object list, and for an unclosed
 * quote unless `lenient` (then the field runs to the end of the line, as
 * readSie reads it).
 */
export function tokenizeSieLine(line: string, opts: { lenient?: boolean } = {}): { label: string; fields: SieField[] } | undefined {
  const t = tokenize(line, opts.lenient ?? false);
  return t && { label: t.rawLabel.toUpperCase(), fields: t.fields };
}

// ---------------------------------------------------------------------------
// Post structure

function trimBlank(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isBlank(s.charCodeAt(a))) a++;
  while (b > a && isBlank(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function sameObjects(a: SieObjectRef[], b: SieObjectRef[]): boolean {
  return a.length === b.length && a.every((o, i) => o.dim === b[i]!.dim && o.obj === b[i]!.obj);
}

function sameAmount(a: string, b: string): boolean {
  return a === b || (a !== '' && b !== '' && Number(a) === Number(b));
}

/** The parser proper: fed decoded lines, it pushes items to `out`. Kept apart from I/O so it can be driven line by line. */
class SieParser {
  readonly out: SieItem[] = [];
  seenPost = false;
  preambleBytes = 0;
  encoding: Encoding | undefined;
  declaredFormat: string | undefined;
  sieType: string | undefined;
  posts = 0;
  vouchers = 0;
  transactions = 0;
  skippedDuplicateTrans = 0;
  warnings = 0;
  checksum: SieChecksumResult = { status: 'absent' };

  /** With a prefilter: the lines whose bytes hold a hit. */
  hitLines: Set<number> | undefined;

  /** A #VER waiting for its `{`. */
  private pendingVer: SieVoucher | undefined;
  /** The voucher whose `{` is open, and the line of that `{`. */
  private open: SieVoucher | undefined;
  private openBraceLine = 0;
  /** The #RTRANS just read: the next row should be its #TRANS copy. */
  private lastRtrans: SieTransaction | undefined;
  private ksumma: 'none' | 'open' | 'closed' = 'none';
  private ksummaLine = 0;
  private crcCp437 = 0;
  private crcFile = 0;
  private warnedOnce = new Set<string>();

  constructor(
    private readonly file: SourceFile,
    private readonly onWarning: ((w: SieWarning) => void) | undefined,
    private readonly strict: boolean,
  ) {}

  malformed(line: number, what: string): SourceReadError {
    return new SourceReadError(`line ${line}: ${what}`, { file: this.file.rel, line, code: 'sie.malformed' });
  }

  notSie(line: number, what: string): SourceReadError {
    return new SourceReadError(`not a SIE file: ${what}`, { file: this.file.rel, line, code: 'sie.not-sie' });
  }

  warn(line: number, code: string, message: string): void {
    this.warnings++;
    this.onWarning?.({ line, code, message });
  }

  /** For problems that repeat on every row of a writer's output: report the first only. */
  warnOnce(line: number, code: string, message: string): void {
    if (this.warnedOnce.has(code)) return;
    this.warnedOnce.add(code);
    this.warn(line, code, `${message} (first at this line; later ones are not reported)`);
  }

  line(text: string, no: number): void {
    const t = trimBlank(text);
    // A lone SUB (0x1A) is the DOS end-of-file mark that old programs append.
    if (t === '' || t === '\x1a') return;
    if (!this.seenPost && t.charCodeAt(0) !== HASH) return; // text before the first post is ignored

    if (t === '{') return this.openBlock(no);
    if (t === '}') return this.closeBlock(no);
    if (t.charCodeAt(0) !== HASH) {
      this.flushPendingVer();
      this.warn(no, 'sie.unknown-line', `line ${no} is not a post (it does not start with #) and is ignored`);
      return;
    }

    let tok: RawTokens;
    try {
      tok = tokenize(t, !this.strict)!;
    } catch (err) {
      if (err instanceof SieSyntaxError) throw this.malformed(no, err.message);
      throw err;
    }
    const label = tok.rawLabel.toUpperCase();
    if (!this.seenPost) {
      if (!KNOWN_LABELS.has(label)) throw this.notSie(no, 'the first post is not a SIE label');
      this.seenPost = true;
    }
    if (tok.unclosedQuote) {
      this.warnOnce(no, 'sie.quote-unclosed', `line ${no}: a quoted field is not closed; read to the end of the line`);
    }
    if (tok.oddObjects) this.warn(no, 'sie.objects-odd', `line ${no}: an object list has a dimension without an object`);

    if (label === '#KSUMMA' && !this.open) return this.ksummaPost(tok, no);
    if (this.ksumma === 'open') {
      this.crcCp437 = checksumPost(this.crcCp437, tok.rawLabel, tok.fields, 'cp437');
      const enc = this.encoding === 'utf8' || this.encoding === 'cp1252' ? this.encoding : 'cp437';
      this.crcFile = enc === 'cp437' ? this.crcCp437 : checksumPost(this.crcFile, tok.rawLabel, tok.fields, enc);
    }

    const isRow = label === '#TRANS' || label === '#RTRANS' || label === '#BTRANS';
    if (this.open) {
      if (isRow) return this.row(label, tok.fields, no);
      if (label === '#VER') {
        throw this.malformed(no, `a #VER starts inside the voucher opened at line ${this.openBraceLine}: its closing } is missing`);
      }
      (this.open.others ??= []).push({ label, fields: tok.fields, line: no });
      return;
    }
    this.flushPendingVer();
    if (isRow) {
      throw this.malformed(no, `a ${label} row is outside a voucher: rows belong between the { and } after a #VER (spec §11 #TRANS 3)`);
    }
    if (label === '#VER') {
      this.pendingVer = this.voucher(tok.fields, no);
      return;
    }
    if (label === '#FORMAT' && typeof tok.fields[0] === 'string') this.declaredFormat = tok.fields[0];
    if (label === '#SIETYP' && typeof tok.fields[0] === 'string') this.sieType = tok.fields[0];
    this.posts++;
    this.out.push(this.hitLines ? { type: 'post', post: { label, fields: tok.fields, line: no }, mayMatch: this.hitLines.has(no) } : { type: 'post', post: { label, fields: tok.fields, line: no } });
  }

  /** Can a regular voucher block be skipped here, unparsed? Only between posts, after the first, with no checksum running. */
  get neutral(): boolean {
    return this.seenPost && !this.open && !this.pendingVer && this.ksumma !== 'open';
  }

  /** A skipped regular block: what parsing it would have counted. */
  skipped(rows: number): void {
    this.vouchers++;
    this.transactions += rows;
    const last = this.out[this.out.length - 1];
    if (last?.type === 'skipped') last.vouchers++;
    else this.out.push({ type: 'skipped', vouchers: 1 });
  }

  private pushVoucher(v: SieVoucher): void {
    if (!this.hitLines) {
      this.out.push({ type: 'voucher', voucher: v });
      return;
    }
    let mayMatch = false;
    for (let l = v.line; l <= v.endLine && !mayMatch; l++) mayMatch = this.hitLines.has(l);
    this.out.push({ type: 'voucher', voucher: v, mayMatch });
  }

  private ksummaPost(tok: RawTokens, no: number): void {
    this.flushPendingVer();
    const value = tok.fields[0];
    this.posts++;
    this.out.push({ type: 'post', post: { label: '#KSUMMA', fields: tok.fields, line: no } });
    if (value === undefined) {
      // The opening #KSUMMA (spec §10.4); summing starts with the next post.
      if (this.ksumma === 'none') {
        this.ksumma = 'open';
        this.ksummaLine = no;
      }
      return;
    }
    if (this.ksumma !== 'open') {
      if (this.ksumma === 'none') {
        this.checksum = { status: 'invalid', ...(typeof value === 'string' ? { declared: value } : {}) };
        this.warn(no, 'sie.checksum', `line ${no}: #KSUMMA with a value but no opening #KSUMMA before it; the checksum cannot be verified`);
      }
      return;
    }
    this.ksumma = 'closed';
    const computed = this.crcCp437;
    if (typeof value !== 'string' || !/^-?\d{1,10}$/.test(value)) {
      this.checksum = { status: 'invalid', computed };
      this.warn(no, 'sie.checksum', `line ${no}: the closing #KSUMMA is not a number; the checksum cannot be verified`);
      return;
    }
    // Writers differ in printing the CRC signed or unsigned; both mean the same 32 bits.
    const declared = Number(value) >>> 0;
    if (declared === computed) this.checksum = { status: 'ok', declared: value, computed, basis: 'cp437' };
    else if (declared === this.crcFile) this.checksum = { status: 'ok', declared: value, computed: this.crcFile, basis: 'file-bytes' };
    else {
      this.checksum = { status: 'mismatch', declared: value, computed };
      this.warn(
        no,
        'sie.checksum',
        `line ${no}: the #KSUMMA checksum does not match the content from line ${this.ksummaLine}: the file may have been changed or damaged after export`,
      );
    }
  }

  private voucher(fields: SieField[], no: number): SieVoucher {
    const f = (i: number, name: string): string | undefined => {
      const v = fields[i];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw this.malformed(no, `the ${name} field of #VER is an object list { }`);
      return v;
    };
    const date = f(2, 'verdatum');
    if (!date) this.warn(no, 'sie.field-missing', `line ${no}: #VER has no verdatum (voucher date)`);
    const v: SieVoucher = { series: f(0, 'serie') ?? '', number: f(1, 'vernr') ?? '', date: date ?? '', line: no, endLine: no, transactions: [] };
    const text = f(3, 'vertext');
    const regDate = f(4, 'regdatum');
    const sign = f(5, 'sign');
    if (text) v.text = text;
    if (regDate) v.regDate = regDate;
    if (sign) v.sign = sign;
    return v;
  }

  private flushPendingVer(): void {
    const v = this.pendingVer;
    if (!v) return;
    this.pendingVer = undefined;
    this.warn(v.line, 'sie.voucher-without-rows', `line ${v.line}: #VER is not followed by a { } block of rows (spec §11 #VER 1)`);
    this.vouchers++;
    this.pushVoucher(v);
  }

  private openBlock(no: number): void {
    if (this.open) throw this.malformed(no, `a { opens inside the voucher opened at line ${this.openBraceLine}`);
    if (!this.pendingVer) throw this.malformed(no, 'a { is not preceded by a #VER post (spec §5.4)');
    this.open = this.pendingVer;
    this.pendingVer = undefined;
    this.openBraceLine = no;
  }

  private closeBlock(no: number): void {
    const v = this.open;
    if (!v) {
      this.flushPendingVer();
      this.warn(no, 'sie.stray-brace', `line ${no}: a } closes no voucher and is ignored`);
      return;
    }
    this.unpairedRtrans();
    this.open = undefined;
    v.endLine = no;
    this.vouchers++;
    this.pushVoucher(v);
  }

  private unpairedRtrans(): void {
    if (this.lastRtrans) {
      this.warnOnce(this.lastRtrans.line, 'sie.rtrans-unpaired', `line ${this.lastRtrans.line}: #RTRANS is not followed by its #TRANS copy (spec §11 #RTRANS 4)`);
      this.lastRtrans = undefined;
    }
  }

  private row(label: string, fields: SieField[], no: number): void {
    const kind = label.slice(1) as SieTransaction['kind'];
    const str = (i: number, name: string): string | undefined => {
      const v = fields[i];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw this.malformed(no, `the ${name} field of ${label} is an object list { }`);
      return v;
    };
    let objects: SieObjectRef[] = [];
    let k = 1;
    const list = fields[1];
    if (Array.isArray(list)) {
      objects = list;
      k = 2;
    } else {
      // Some writers leave the object list out altogether; the amount then comes second.
      this.warnOnce(no, 'sie.objects-missing', `line ${no}: ${label} has no object list { }; read with the amount as the second field`);
    }
    const account = str(0, 'kontonr') ?? '';
    const amount = str(k, 'belopp') ?? '';
    if (!account || !amount) this.warn(no, 'sie.field-missing', `line ${no}: ${label} has no ${account ? 'belopp (amount)' : 'kontonr (account)'}`);
    const tx: SieTransaction = { kind, account, objects, amount, line: no };
    const date = str(k + 1, 'transdat');
    const text = str(k + 2, 'transtext');
    const quantity = str(k + 3, 'kvantitet');
    const sign = str(k + 4, 'sign');
    if (date) tx.date = date;
    if (text) tx.text = text;
    if (quantity) tx.quantity = quantity;
    if (sign) tx.sign = sign;

    const prev = this.lastRtrans;
    this.lastRtrans = undefined;
    if (prev) {
      if (kind === 'TRANS' && prev.account === account && sameObjects(prev.objects, objects) && sameAmount(prev.amount, amount)) {
        // The backward-compatibility copy of the #RTRANS row: importers that know #RTRANS skip it (§11 #RTRANS 6).
        this.skippedDuplicateTrans++;
        return;
      }
      this.lastRtrans = prev;
      this.unpairedRtrans();
    }
    if (kind === 'RTRANS') this.lastRtrans = tx;
    this.transactions++;
    this.open!.transactions.push(tx);
  }

  end(lastLine: number): void {
    this.flushPendingVer();
    if (this.open) {
      throw this.malformed(
        this.openBraceLine,
        `the voucher opened here (#VER at line ${this.open.line}) is never closed with }: the file is cut off`,
      );
    }
    if (!this.seenPost) throw this.notSie(1, 'no SIE post (a line starting with #) in the file');
    if (this.ksumma === 'open') {
      throw this.malformed(
        this.ksummaLine,
        `the file starts with #KSUMMA but the closing #KSUMMA is missing after line ${lastLine}: the file is cut off (spec §10.6)`,
      );
    }
  }
}

// ---------------------------------------------------------------------------
// Bytes to lines

/**
 * Decodes runs of whole lines once the encoding is settled. A run always
 * ends at an LF, and LF (0x0A) is never part of a multi-byte character in
 * UTF-8, CP437 or Windows-1252, so runs decode independently.
 */
const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

/** Bytes of `bytes` that are not UTF-8: U+FFFD from decoding, less those written as EF BF BD. */
function invalidUtf8(bytes: Buffer): number {
  const s = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
  let n = 0;
  for (let i = s.indexOf('\uFFFD'); i >= 0; i = s.indexOf('\uFFFD', i + 1)) n++;
  for (let i = bytes.indexOf(REPLACEMENT_UTF8); i >= 0; i = bytes.indexOf(REPLACEMENT_UTF8, i + 3)) n--;
  return n;
}

class RunDecoder {
  private utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private legacy: { enc: string; d: { write(b: Buffer): string } } | undefined;
  replacementChars = 0;
  /** U+FFFD made by decoding (bytes that are not UTF-8), as opposed to written in the file (EF BF BD). */
  invalidSequences = 0;

  decode(bytes: Buffer, encoding: Encoding | undefined): string {
    if (isAscii(bytes)) return bytes.toString('latin1');
    if (encoding === 'utf8') {
      const s = this.utf8.decode(bytes);
      let found = 0;
      for (let i = s.indexOf('\uFFFD'); i >= 0; i = s.indexOf('\uFFFD', i + 1)) found++;
      if (found > 0) {
        this.replacementChars += found;
        let written = 0;
        for (let i = bytes.indexOf(REPLACEMENT_UTF8); i >= 0; i = bytes.indexOf(REPLACEMENT_UTF8, i + 3)) written++;
        this.invalidSequences += found - written;
      }
      return s;
    }
    // Unsettled cannot happen here: bytes above 0x7F settle the probe before their line is complete.
    const enc = encoding === 'cp1252' ? 'cp1252' : 'cp437';
    if (this.legacy?.enc !== enc) this.legacy = { enc, d: iconv.getDecoder(enc) };
    return this.legacy.d.write(bytes);
  }
}

/**
 * A voucher block that parses without a warning (issue #7's fast path): a
 * #VER with a non-empty verdatum and no object list among its fields, a `{`
 * line, #TRANS rows each with an account, an object list of pairs, an amount
 * and plain fields, and a `}` line; quoted fields without quotes or
 * backslashes inside, nothing but spaces and tabs between fields, no blank
 * line. Anything else (#RTRANS, other labels, unusual quoting) is parsed as
 * usual. Matched over the bytes as Latin-1, one line at a time (`[^\n]` never
 * crosses one).
 */
const SIE_FIELD = String.raw`(?:"[^"\\\r\n]*"(?=[ \t\r\n])|[^\s"{}][^\s]*)`;
const SIE_FIELD_SET = String.raw`(?:"[^"\\\r\n]+"(?=[ \t\r\n])|[^\s"{}][^\s]*)`;
const SIE_OBJ = String.raw`(?:"[^"\\\r\n]*"(?=[ \t}])|[^\s"{}]+)`;
const REGULAR_VOUCHER = new RegExp(
  String.raw`^[ \t]*#VER[ \t]+${SIE_FIELD}[ \t]+${SIE_FIELD}[ \t]+${SIE_FIELD_SET}(?:[ \t]+${SIE_FIELD})*[ \t]*\r?\n` +
    String.raw`[ \t]*\{[ \t]*\r?\n` +
    String.raw`(?:[ \t]*#TRANS[ \t]+\d+[ \t]+\{(?:[ \t]*${SIE_OBJ}[ \t]+${SIE_OBJ})*[ \t]*\}[ \t]+-?\d+(?:\.\d+)?(?:[ \t]+${SIE_FIELD})*[ \t]*\r?\n)*` +
    String.raw`[ \t]*\}[ \t]*\r?\n`,
  'gm',
);

/** 1-based line of byte `at` in `buf`, counting from `firstLine` at offset 0. */
function lineAt(buf: Buffer, at: number, firstLine: number): number {
  let line = firstLine;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < at; i = buf.indexOf(0x0a, i + 1)) line++;
  return line;
}

/**
 * Reads a SIE file as a stream of top-level posts and vouchers. Throws
 * SourceReadError ('sie.not-sie', 'sie.malformed', 'source.unreadable');
 * the items before the faulty line have been yielded by then. Returns (and
 * passes to `onSummary`) counts, the encoding found and the #KSUMMA result.
 */
export async function* readSie(file: SourceFile, opts: SieReadOptions = {}): AsyncGenerator<SieItem, SieReadResult> {
  const parser = new SieParser(file, opts.onWarning, opts.strict ?? false);
  // Decides the encoding only; lines are decoded in runs by RunDecoder.
  const probe = new SniffingDecoder('cp437');
  const runs = new RunDecoder();
  /** Bytes after the last LF so far: the start of a line not yet complete. */
  let carry: Buffer | undefined;
  let lineNo = 0;
  let atStart = true;

  /** Set when the file is UTF-16: its content reaches the parser re-encoded as UTF-8. */
  let utf16: 'utf16le' | 'utf16be' | undefined;
  const settle = (): void => {
    const enc = probe.settled;
    if (enc === 'utf16le' || enc === 'utf16be') throw parser.notSie(1, 'the file is UTF-16 text; SIE is 8-bit text (PC8, spec §5.8)');
    parser.encoding = enc;
  };

  /** The first line that holds bytes which are not UTF-8 in a UTF-8 file (0: none yet): it is warned about. */
  let mixedAt = 0;
  const decodeRun = (bytes: Buffer): string => {
    const before = runs.invalidSequences;
    const text = runs.decode(bytes, probe.settled);
    if (runs.invalidSequences > before && mixedAt === 0) {
      // Rare: find the line, one line of the run at a time. The run starts at line lineNo + 1.
      for (let from = 0, k = 1; from <= bytes.length; k++) {
        const nl = bytes.indexOf(0x0a, from);
        const end = nl < 0 ? bytes.length : nl;
        if (invalidUtf8(bytes.subarray(from, end)) > 0) {
          mixedAt = lineNo + k;
          break;
        }
        if (nl < 0) break;
        from = nl + 1;
      }
    }
    return text;
  };
  const lines = (text: string, final: boolean): void => {
    let start = 0;
    if (atStart) {
      atStart = false;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    const n = text.length;
    while (start < n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (!final) break;
        nl = n;
      }
      lineNo++;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      if (end - start > SIE_MAX_LINE_BYTES) {
        throw parser.malformed(lineNo, `the line is longer than ${SIE_MAX_LINE_BYTES >> 20} MiB`);
      }
      const line = text.slice(start, end);
      if (lineNo === 1) {
        const cr = line.indexOf('\r');
        if (cr >= 0 && line.charCodeAt(cr + 1) === HASH) {
          throw parser.malformed(1, 'lines end with CR only; SIE lines end with LF or CRLF (spec §5.5)');
        }
      }
      if (!parser.seenPost) {
        parser.preambleBytes += nl - start + 1;
        if (parser.preambleBytes > SIE_MAX_PREAMBLE_BYTES) throw parser.notSie(1, 'no SIE post in the first 64 KiB');
      }
      if (lineNo === mixedAt) {
        // A UTF-8 file with bytes of another encoding (two exports pasted together, or edited in another program).
        parser.warnOnce(lineNo, 'sie.encoding-mixed', `line ${lineNo}: bytes that are not UTF-8 in a file that is otherwise UTF-8 (the file mixes encodings); text on this line cannot be read as written, and a name in it may not be found`);
      }
      parser.line(line, lineNo);
      start = nl + 1;
    }
  };

  // The fast path (issue #7): with a prefilter, hits mark the lines they
  // fall on, and regular voucher blocks without a hit are skipped unparsed.
  const prefilter = opts.prefilter;
  const finder = prefilter && 'hits' in prefilter ? (prefilter as HitFinder) : undefined;
  if (prefilter) parser.hitLines = new Set();
  /** Byte offsets in `bytes` of hits: the finder's, or the start of each line the prefilter lets through. */
  const hitsOf = (bytes: Buffer): number[] => {
    if (finder) return finder.hits(bytes, 0, bytes.length);
    const out: number[] = [];
    for (let from = 0; from < bytes.length; ) {
      const nl = bytes.indexOf(0x0a, from);
      const end = nl < 0 ? bytes.length : nl;
      if (prefilter!.mayMatch(bytes, from, end)) out.push(from);
      from = end + 1;
    }
    return out;
  };
  /** Could decoding these bytes change the counts of the summary (U+FFFD in UTF-8)? Legacy encodings decode every byte. */
  const decodesCleanly = (bytes: Buffer): boolean => probe.settled !== 'utf8' || (isUtf8(bytes) && bytes.indexOf(REPLACEMENT_UTF8) < 0);
  const run = (bytes: Buffer, final: boolean): void => {
    if (!prefilter) {
      lines(decodeRun(bytes), final);
      return;
    }
    const hits = hitsOf(bytes);
    // The line of each hit: the run starts at line lineNo + 1.
    let line = lineNo + 1;
    let at = 0;
    for (const h of hits) {
      for (let nl = bytes.indexOf(0x0a, at); nl >= 0 && nl < h; nl = bytes.indexOf(0x0a, at)) {
        line++;
        at = nl + 1;
      }
      parser.hitLines!.add(line);
    }
    const latin1 = bytes.toString('latin1');
    let from = 0;
    let hi = 0;
    const re = REGULAR_VOUCHER;
    re.lastIndex = 0;
    for (let m = re.exec(latin1); m; m = re.exec(latin1)) {
      const start = m.index;
      const end = re.lastIndex;
      while (hi < hits.length && hits[hi]! < start) hi++;
      if (hi < hits.length && hits[hi]! < end) continue;
      const block = bytes.subarray(start, end);
      if (!decodesCleanly(block)) continue;
      if (start > from) lines(decodeRun(bytes.subarray(from, start)), false);
      from = start;
      if (!parser.neutral) continue;
      let n = 0;
      for (let nl = block.indexOf(0x0a); nl >= 0; nl = block.indexOf(0x0a, nl + 1)) n++;
      lineNo += n;
      // #VER, {, the rows, }.
      parser.skipped(n - 3);
      from = end;
    }
    if (from < bytes.length || final) lines(decodeRun(bytes.subarray(from)), final);
  };

  const guardCarry = (): void => {
    if (!carry) return;
    // A line that starts with # is a post being read: it is held to the line limit, not the preamble's.
    if (!parser.seenPost && carry[0] !== HASH && carry.length + parser.preambleBytes > SIE_MAX_PREAMBLE_BYTES) {
      throw parser.notSie(1, 'no SIE post in the first 64 KiB');
    }
    if (carry.length > SIE_MAX_LINE_BYTES) {
      throw parser.malformed(lineNo + 1, `the line is longer than ${SIE_MAX_LINE_BYTES >> 20} MiB without a line break`);
    }
  };

  let failure: unknown;
  try {
    for await (const chunk of utf16AsUtf8(readChunks(file.abs, SIE_CHUNK, file.rel), (enc) => (utf16 = enc))) {
      if (!probe.settled) probe.write(chunk);
      settle();
      const nul = chunk.indexOf(0);
      if (nul >= 0) {
        // Checked before any line of the chunk is read, so the items of a binary file's first chunk are never yielded.
        throw parser.notSie(lineAt(chunk, nul, lineNo + 1), 'the file contains NUL bytes (binary data)');
      }
      const first = chunk.indexOf(0x0a);
      if (first < 0) {
        carry = carry ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
        guardCarry();
        continue;
      }
      const last = chunk.lastIndexOf(0x0a);
      // The line that straddles the chunk edge is joined on its own, so the bulk of the chunk is decoded in place.
      const joined = carry ? Buffer.concat([carry, chunk.subarray(0, first + 1)]) : chunk.subarray(0, first + 1);
      run(joined, false);
      if (last > first) run(chunk.subarray(first + 1, last + 1), false);
      // Copied: a view would pin the whole chunk in memory.
      carry = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : undefined;
      guardCarry();
      yield* parser.out;
      parser.out.length = 0;
    }
    if (!probe.settled) probe.end();
    settle();
    if (carry) run(carry, true);
    parser.end(lineNo);
  } catch (err) {
    failure = err;
  }
  // What was read before a failure is still delivered, in order, before the error.
  yield* parser.out;
  parser.out.length = 0;
  if (failure !== undefined) {
    if (failure instanceof SourceReadError) throw failure;
    const code = (failure as NodeJS.ErrnoException).code;
    throw new SourceReadError(`cannot read file${code ? ` (${code})` : ''}`, { file: file.rel, code: 'source.unreadable', cause: failure });
  }

  const result: SieReadResult = {
    encoding: utf16 ?? probe.settled ?? 'ascii',
    declaredFormat: parser.declaredFormat,
    sieType: parser.sieType,
    lines: lineNo,
    posts: parser.posts,
    vouchers: parser.vouchers,
    transactions: parser.transactions,
    skippedDuplicateTrans: parser.skippedDuplicateTrans,
    replacementChars: runs.replacementChars,
    checksum: parser.checksum,
    warnings: parser.warnings,
  };
  opts.onSummary?.(result);
  return result;
}
