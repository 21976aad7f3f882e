/**
 * What exceljs reads of an XLSX workbook (issue #7).
 *
 * exceljs's streaming reader decodes each chunk of an entry on its own, so a
 * UTF-8 character split between two chunks (every 64 KiB of a sheet) becomes
 * two U+FFFD: `Företag` read as `F��retag`. The text it parses is decoded
 * here instead, with a streaming decoder, and handed to it as strings (which
 * its parser takes as they are).
 *
 * With a prefilter, the sheet's rows are also filtered before exceljs parses
 * them: a row is left out only when its bytes hold nothing the prefilter
 * looks for and it is *plain*, a row whose XML is certainly well formed and
 * whose cell values are its bytes as written: cells of inline or formula
 * string text or of whole numbers without a style that could make them
 * dates, with no entity, no rich text and no formula. Everything else
 * (whatever exceljs would have to decide: dates, shared strings that may
 * match, damaged XML) goes to exceljs as usual, and so do the rows up to
 * the header. exceljs then gives for every row it sees exactly what it gives
 * when it reads the whole sheet.
 */
import { Readable } from 'node:stream';
import type { HitFinder } from './anchors.ts';
import type { Prefilter } from './prefilter.ts';

/** Rows that certainly hold text, kept before any row is left out: the header and the rows a connector may take for it. */
const HEADER_ROWS = 25;

/** Attribute value and text without markup, entities, `]` (for `]]>`) or characters XML forbids; text may hold a tab or LF. */
const ATTR = String.raw`[^"<>&\x00-\x1f]*`;
const TEXT = String.raw`[^<&\]\x00-\x08\x0b-\x1f]*`;
const INT = String.raw`(?:0|-?[1-9]\d{0,14})`;
const REF = String.raw`r="[A-Z]{1,3}\d+"(?: s="\d+")?`;
/** A plain cell: empty, a string, an inline string, a whole number, or a shared string index. */
const CELL =
  String.raw`<c ${REF}(?: t="(?:str|inlineStr|s|n)")?/>` +
  String.raw`|<c ${REF} t="str"><v>${TEXT}</v></c>` +
  String.raw`|<c ${REF} t="inlineStr"><is><t(?: xml:space="preserve")?>${TEXT}</t></is></c>` +
  String.raw`|<c ${REF}(?: t="n")?><v>${INT}</v></c>` +
  String.raw`|<c ${REF} t="s"><v>\d{1,9}</v></c>`;
const ROW_OPEN =
  String.raw`<row r="\d+"(?: spans="${ATTR}")?(?: s="\d+")?(?: customFormat="[01]")?(?: ht="${ATTR}")?(?: hidden="[01]")?` +
  String.raw`(?: customHeight="[01]")?(?: outlineLevel="\d+")?(?: collapsed="[01]")?(?: x14ac:dyDescent="${ATTR}")?`;
const PLAIN_ROW = new RegExp(String.raw`^${ROW_OPEN}(?:/>|>(?:${CELL})*</row>)$`, 'u');
/** A number in a cell: a style on the cell, its row or its column can make it a date, whose text is not its bytes. */
const NUMBER_CELL = /<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="n")?><v>/u;
const STYLED_NUMBER = /<c r="[A-Z]{1,3}\d+" s="\d+"(?: t="n")?><v>/u;
const SHARED = /<c r="[A-Z]{1,3}\d+"(?: s="\d+")? t="s"><v>(\d+)<\/v>/gu;
/** A cell with visible text of its own (an ASCII character that is not a space; not a shared string, whose text is elsewhere). */
const TEXT_CELL = /<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="(?:str|n|inlineStr)")?>(?:<v>|<is><t(?: xml:space="preserve")?>)[^<]*[\x21-\x3b\x3d-\x7e]/u;
/** A plain shared string item. */
const PLAIN_SI = new RegExp(String.raw`^<si><t(?: xml:space="preserve")?>${TEXT}</t></si>$`, 'u');

const SHEET_DATA = Buffer.from('<sheetData');
const SHEET_DATA_END = Buffer.from('</sheetData>');
const ROW_START = Buffer.from('<row');
const ROW_END = Buffer.from('</row>');
const SI_START = Buffer.from('<si');
const SI_END = Buffer.from('</si>');

/** What the shared strings table says about each item: may it match, and does it certainly hold text? */
export interface SharedStrings {
  mayMatch: boolean[];
  nonBlank: boolean[];
}

/** Decodes a stream of UTF-8 chunks as strings, characters never split. */
export async function* decodedChunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    if (s) yield s;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** A readable of decoded strings, for exceljs's stream consumers; `tap` sees the bytes first. */
export function decodedStream(source: AsyncIterable<Buffer>, tap?: (chunk: Buffer) => void): Readable {
  const tapped = tap
    ? (async function* (): AsyncGenerator<Buffer> {
        for await (const c of source) {
          tap(c);
          yield c;
        }
      })()
    : source;
  return Readable.from(decodedChunks(tapped));
}

/** Reads the items of a shared strings table as its bytes stream by. */
export class SharedStringsScanner {
  readonly result: SharedStrings = { mayMatch: [], nonBlank: [] };
  private carry: Buffer | undefined;
  constructor(private readonly prefilter: Prefilter) {}

  write(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const s = buf.indexOf(SI_START, pos);
      if (s < 0) {
        pos = buf.length;
        break;
      }
      const next = buf[s + 3];
      if (next === undefined) {
        pos = s;
        break;
      }
      if (next !== 0x3e && next !== 0x20 && next !== 0x2f) {
        pos = s + 3;
        continue;
      }
      const e = buf.indexOf(SI_END, s);
      if (e < 0) {
        pos = s;
        break;
      }
      const end = e + SI_END.length;
      const text = buf.toString('latin1', s, end);
      const plain = PLAIN_SI.test(text);
      this.result.mayMatch.push(!plain || this.prefilter.mayMatch(buf, s, end));
      this.result.nonBlank.push(plain && /<t(?: xml:space="preserve")?>[^<]*[\x21-\x3b\x3d-\x7e]/u.test(text));
      pos = end;
    }
    this.carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : undefined;
  }
}

/**
 * What a filtered read learned of a sheet's rows, by their place in it: the
 * rows that go to exceljs or not by the prefilter's hits alone (plain,
 * after the header, no number a style may make a date, no shared string).
 * What else a row holds is the same at every read of the same bytes, so a
 * later read of the sheet (a search's next round; issue #7) leaves them out
 * or takes them by their hits without looking at them again.
 */
export interface SheetRows {
  /** 1 at a row that goes by its hits alone. */
  hitOnly: Uint8Array;
  rows: number;
  /** Every row of the sheet was classified (the read went to its end). */
  complete: boolean;
}

/** At most this many rows are classified: a byte each. */
const MAX_CLASSIFIED_ROWS = 1 << 24;

/** The classification of sheets read in this process, by file, its size and time of change, and sheet. */
const classified = new Map<string, SheetRows>();

/** The rows of the sheet `key` as an earlier complete read classified them, or a fresh record that this read fills. */
export function sheetRowsFor(key: string): { known: SheetRows | undefined; record: SheetRows } {
  const known = classified.get(key);
  if (known?.complete) return { known, record: known };
  const record: SheetRows = { hitOnly: new Uint8Array(1024), rows: 0, complete: false };
  classified.set(key, record);
  return { known: undefined, record };
}

/**
 * A sheet's XML as exceljs should read it: decoded, and without the plain
 * rows that cannot match. `shared()` gives the shared strings table as
 * scanned so far (exceljs reads it before any sheet, or keeps the sheets
 * for after it). `rows`: what earlier reads learned of the rows, or what
 * this one should record (SheetRows).
 */
export async function* filteredSheet(
  chunks: AsyncIterable<Buffer>,
  prefilter: Prefilter,
  shared: () => SharedStrings | undefined,
  rows?: { known: SheetRows | undefined; record: SheetRows },
): AsyncGenerator<string> {
  const known = rows?.known;
  // Filled only by a read that knows nothing yet; it is complete once the rows' end is reached.
  const record = known ? undefined : rows?.record;
  let rowNo = 0;
  const decoder = new TextDecoder('utf-8');
  let carry: Buffer | undefined;
  let state: 'before' | 'rows' | 'after' = 'before';
  let prefix = '';
  let certain = 0;
  // A column style (`<col style=…>`) can make a number a date as a cell style can.
  let columnStyles = false;
  const out: string[] = [];
  // The prefilter's hits in the rest of the buffer, looked for once per buffer instead of once per row
  // (as the CSV reader does): a hit never spans two rows, since no anchor, phone separator or word
  // holds a `<`. The prefilter learns only from records, and none is given while a buffer is filtered.
  const finder = 'hits' in prefilter ? (prefilter as HitFinder) : undefined;
  let hits: number[] | undefined;
  let hi = 0;
  const emit = (buf: Buffer, s: number, e: number): void => {
    if (e > s) out.push(decoder.decode(buf.subarray(s, e), { stream: true }));
  };
  for await (const chunk of chunks) {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    hits = undefined;
    let pos = 0;
    let dataEnd = -2;
    while (pos < buf.length) {
      if (state === 'before') {
        const s = buf.indexOf(SHEET_DATA, pos);
        if (s < 0) {
          // Keep a tail that may be the start of `<sheetData`.
          const keep = Math.max(pos, buf.length - SHEET_DATA.length);
          prefix += buf.toString('latin1', pos, keep);
          emit(buf, pos, keep);
          pos = keep;
          break;
        }
        prefix += buf.toString('latin1', pos, s);
        columnStyles = /<col\b[^>]*\sstyle="/u.test(prefix);
        const gt = buf.indexOf(0x3e, s);
        if (gt < 0) {
          emit(buf, pos, s);
          pos = s;
          break;
        }
        emit(buf, pos, gt + 1);
        pos = gt + 1;
        state = buf[gt - 1] === 0x2f ? 'after' : 'rows';
        continue;
      }
      if (state === 'after') {
        if (record && record.rows === rowNo && rowNo <= MAX_CLASSIFIED_ROWS) record.complete = true;
        emit(buf, pos, buf.length);
        pos = buf.length;
        break;
      }
      // Rows: text between them goes as it is. (The end of the rows is looked for once per buffer.)
      const r = buf.indexOf(ROW_START, pos);
      if (dataEnd === -2 || (dataEnd >= 0 && dataEnd < pos)) dataEnd = buf.indexOf(SHEET_DATA_END, pos);
      const d = dataEnd;
      if (d >= 0 && (r < 0 || d < r)) {
        emit(buf, pos, d);
        pos = d;
        state = 'after';
        continue;
      }
      if (r < 0) {
        const keep = Math.max(pos, buf.length - SHEET_DATA_END.length);
        emit(buf, pos, keep);
        pos = keep;
        break;
      }
      emit(buf, pos, r);
      pos = r;
      const gt = buf.indexOf(0x3e, r);
      if (gt < 0) break;
      let end: number;
      if (buf[gt - 1] === 0x2f) end = gt + 1;
      else {
        const close = buf.indexOf(ROW_END, gt);
        if (close < 0) break;
        end = close + ROW_END.length;
      }
      if (keepRow(buf, r, end)) emit(buf, r, end);
      pos = end;
    }
    if (pos < buf.length) carry = Buffer.from(buf.subarray(pos));
    if (out.length > 0) {
      yield out.join('');
      out.length = 0;
    }
  }
  if (carry) emit(carry, 0, carry.length);
  const rest = decoder.decode();
  if (rest) out.push(rest);
  if (out.length > 0) yield out.join('');

  function rowHit(buf: Buffer, s: number, e: number): boolean {
    if (!finder) return prefilter.mayMatch(buf, s, e);
    if (hits === undefined) {
      hits = finder.hits(buf, s, buf.length);
      hi = 0;
    }
    while (hi < hits.length && hits[hi]! < s) hi++;
    return hi < hits.length && hits[hi]! < e;
  }

  /** Notes whether row `i` goes by its hits alone. */
  function classify(i: number, hitOnly: boolean): void {
    if (!record || record.rows !== i || i >= MAX_CLASSIFIED_ROWS) return;
    if (i === record.hitOnly.length) {
      const grown = new Uint8Array(2 * i);
      grown.set(record.hitOnly);
      record.hitOnly = grown;
    }
    record.hitOnly[i] = hitOnly ? 1 : 0;
    record.rows = i + 1;
  }

  function keepRow(buf: Buffer, s: number, e: number): boolean {
    const i = rowNo++;
    if (known && i < known.rows && known.hitOnly[i] === 1) return rowHit(buf, s, e);
    const row = buf.toString('latin1', s, e);
    const plain = PLAIN_ROW.test(row);
    if (certain < HEADER_ROWS) {
      if (plain && TEXT_CELL.test(row)) certain++;
      classify(i, false);
      return true;
    }
    if (!plain) {
      classify(i, false);
      return true;
    }
    // A number that a style may make a date: exceljs decides. (Strings and shared strings are never dates.)
    const styled = row.includes(' s="');
    const dated = (styled && STYLED_NUMBER.test(row)) || ((columnStyles || (styled && / s="/u.test(row.slice(0, row.indexOf('>'))))) && NUMBER_CELL.test(row));
    const sharing = row.includes(' t="s"');
    classify(i, !dated && !sharing);
    if (rowHit(buf, s, e)) return true;
    if (dated) return true;
    if (sharing) {
      const table = shared();
      if (!table) return true;
      SHARED.lastIndex = 0;
      for (let m = SHARED.exec(row); m; m = SHARED.exec(row)) {
        if (table.mayMatch[Number(m[1])] !== false) return true;
      }
    }
    return false;
  }
}
