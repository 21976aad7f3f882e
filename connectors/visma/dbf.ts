/**
 * Visma Administration (SPCS, 500/1000/2000) keeps its registers as dBase III
 * tables: KUND.DBF (customers) and KONTAKT.DBF (contact persons). OJCO's
 * register from before the move to eEkonomi is such a folder (formats.md §2.2:
 * the move carries customers over, and the old files stay on disk).
 *
 * dBase III layout (the de-facto standard; no vendor spec for Visma's files,
 * field meanings from their names [U]): a 32-byte header (version, date,
 * record count, header length, record length, language driver at byte 29),
 * 32-byte field descriptors ended by 0x0D, then fixed-length records whose
 * first byte is ' ' or '*' (deleted), and an optional 0x1A end mark. The
 * file is streamed record by record; memo fields (.DBT/.FPT) are not read.
 *
 * A row marked deleted still holds its data in the file, so it is read and
 * flagged (`deleted: true`): an erasure must not take "deleted" for "gone".
 */
import iconv from 'iconv-lite';
import { countryCode } from '../../src/core/identity/country.ts';
import { bilingualLabel, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import { readChunks, type SourceFile } from '../../src/io/files.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { addressLine, classifyParty, IdList, isoDate, TextList } from './common.ts';

export interface DbfField {
  name: string;
  type: string;
  length: number;
  /** Byte offset in the record (after the deletion flag). */
  offset: number;
}

export interface DbfHeader {
  version: number;
  records: number;
  headerLength: number;
  recordLength: number;
  fields: DbfField[];
  encoding: string;
}

const VERSIONS = new Set([0x03, 0x83, 0x8b, 0x30, 0x31, 0xf5]);
/** dBase language driver ids (header byte 29) of the code pages Swedish programs use; 0 means not set. */
const LANGUAGE_DRIVERS: Record<number, string> = { 0x01: 'cp437', 0x02: 'cp850', 0x03: 'cp1252', 0x57: 'cp1252', 0x58: 'cp1252', 0x66: 'cp865' };
const FIELD_TYPES = new Set(['C', 'N', 'F', 'L', 'D', 'M', 'B', 'G', 'I', 'Y', 'T', '@', '+', 'O', 'P', 'V', '0']);

/** Parses and checks a dBase header from the file's first bytes; undefined if it is not one. */
export function parseDbfHeader(buf: Uint8Array): DbfHeader | undefined {
  if (buf.length < 65) return undefined;
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = b[0]!;
  if (!VERSIONS.has(version)) return undefined;
  const month = b[2]!;
  const day = b[3]!;
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const records = b.readUInt32LE(4);
  const headerLength = b.readUInt16LE(8);
  const recordLength = b.readUInt16LE(10);
  if (headerLength < 65 || recordLength < 2) return undefined;
  const fields: DbfField[] = [];
  let offset = 0;
  let at = 32;
  for (;;) {
    if (at >= b.length || at >= headerLength) return undefined;
    if (b[at] === 0x0d) break;
    if (at + 32 > b.length) return undefined;
    const rawName = b.subarray(at, at + 11);
    const nul = rawName.indexOf(0);
    const name = rawName.subarray(0, nul < 0 ? 11 : nul).toString('latin1');
    const type = String.fromCharCode(b[at + 11]!);
    let length = b[at + 16]!;
    // Clipper and FoxPro store long character fields' length in two bytes.
    if (type === 'C' && b[at + 17]! > 0) length += b[at + 17]! * 256;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,10}$/u.test(name) || !FIELD_TYPES.has(type) || length === 0) return undefined;
    fields.push({ name, type, length, offset });
    offset += length;
    at += 32;
  }
  if (fields.length === 0 || offset + 1 !== recordLength) return undefined;
  return { version, records, headerLength, recordLength, fields, encoding: LANGUAGE_DRIVERS[b[29]!] ?? 'cp1252' };
}

/** Which Visma register a dBase table is, from its columns. */
export function dbfTable(h: DbfHeader): 'customer' | 'contact' | undefined {
  const names = new Set(h.fields.map((f) => f.name.toUpperCase()));
  if (names.has('KONTAKTID') && names.has('NAMN')) return 'contact';
  if (names.has('KUNDNR') && names.has('NAMN')) return 'customer';
  return undefined;
}

export interface DbfOptions {
  companyWords?: string[] | undefined;
  fields?: FieldClassification | undefined;
}

const TEXT_TYPES = new Set(['C', 'N', 'F', 'L', 'D']);

export async function* readDbf(file: SourceFile, ctx: ReadContext, opts: DbfOptions): AsyncGenerator<SourceRecord> {
  let header: DbfHeader | undefined;
  let table: 'customer' | 'contact' | undefined;
  let pending: Buffer = Buffer.alloc(0);
  let row = 0;
  let done = false;
  for await (const chunk of readChunks(file.abs)) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    if (!header) {
      // The header is read whole before any record: 32 bytes per field, a few KiB.
      if (pending.length < 32) continue;
      const want = pending.readUInt16LE(8);
      if (pending.length < want) continue;
      header = parseDbfHeader(pending);
      if (!header) throw new SourceReadError('not a dBase III table (the header is not valid)', { file: file.rel, code: 'dbf.invalid' });
      table = dbfTable(header);
      if (!table) {
        throw new SourceReadError('a dBase table that is not a Visma Administration customer (KUND) or contact (KONTAKT) register', {
          file: file.rel,
          code: 'dbf.unknown-table',
        });
      }
      if (header.fields.some((f) => !TEXT_TYPES.has(f.type))) {
        ctx.warn({ code: 'dbf.memo-skipped', message: 'memo and binary fields (dBase types M, B, G and others) are not read; their text stays in the .DBT/.FPT file', file: file.rel });
      }
      pending = pending.subarray(header.headerLength);
    }
    const h = header;
    let at = 0;
    while (!done && pending.length - at >= 1) {
      if (row >= h.records || pending[at] === 0x1a) {
        done = true;
        break;
      }
      if (pending.length - at < h.recordLength) break;
      const rec = pending.subarray(at, at + h.recordLength);
      at += h.recordLength;
      row++;
      yield dbfRecord(file, h, table!, rec, row, opts);
    }
    // Copied: a view would pin the whole chunk.
    pending = Buffer.from(pending.subarray(at));
    if (done) break;
  }
  if (!header) throw new SourceReadError('the file ends inside the dBase header: it is cut off', { file: file.rel, code: 'dbf.truncated' });
  if (!done && row < header.records) {
    throw new SourceReadError(`the file ends after record ${row} of ${header.records}: it is cut off`, { file: file.rel, code: 'dbf.truncated' });
  }
}

function decodeRow(h: DbfHeader, rec: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of h.fields) {
    if (!TEXT_TYPES.has(f.type)) continue;
    const bytes = rec.subarray(1 + f.offset, 1 + f.offset + f.length);
    const v = iconv.decode(bytes, h.encoding).replace(/\0+$/u, '').trim();
    // Empty dBase fields are padding; a record lists what it holds.
    if (v && !(f.type === 'L' && v === '?')) out[f.name] = v;
  }
  return out;
}

function dbfRecord(file: SourceFile, h: DbfHeader, table: 'customer' | 'contact', rec: Buffer, row: number, opts: DbfOptions): SourceRecord {
  const v = decodeRow(h, rec);
  const fields: Record<string, unknown> = { ...v };
  if (rec[0] === 0x2a) fields.deleted = true;
  // The country code, else the country's name: where the row's phones are read.
  const ids = new IdList(countryCode(v.LANDKOD) ?? countryCode(v.LAND));
  const text = new TextList();
  const locator = { file: file.rel, row };
  if (table === 'customer') {
    const kind = classifyParty({ orgnr: v.ORGNR ?? '', name: v.NAMN ?? '' }, opts.companyWords);
    ids.add('customerNo', 'KUNDNR', v.KUNDNR);
    const first = v.FOERNAMN ?? '';
    const name = first && !(v.NAMN ?? '').includes(first) ? `${first} ${v.NAMN ?? ''}` : v.NAMN;
    ids.add(kind === 'private' ? 'name' : 'company', first && name !== v.NAMN ? 'FOERNAMN + NAMN' : 'NAMN', name);
    ids.add('orgnr', 'ORGNR', v.ORGNR);
    ids.add('orgnr', 'MOMSREGNR', v.MOMSREGNR);
    for (const k of ['TEL', 'TEL2', 'TEL3', 'FAX', 'MBTEL', 'LEVTEL', 'LEVTEL2', 'LEVTEL3', 'LEVFAX']) ids.add('phone', k, v[k]);
    ids.add('email', 'EPOST', v.EPOST);
    ids.add('address', 'POSTADR', addressLine(v.POSTADR, v.POSTNR, v.ORT));
    ids.add('address', 'LEVADR', addressLine(v.LEVADR, v.LEVPOSTNR, v.LEVORT));
    ids.add('name', 'REF', v.REF, 'contact');
    for (const k of ['ANM1', 'ANM2', 'ANTECK_1', 'ANTECK_2', 'ANTECK_3', 'ANTECK_4', 'LEVNAMN', 'LAST_CC_NM']) text.add(k, v[k]);
    ids.list.push(...extraIdentifiers(fields, opts.fields));
    const r: SourceRecord = {
      entity: 'customer',
      category: 'customer',
      locator,
      fields,
      identifiers: ids.list,
      holders: {
        self: { scope: kind === 'organisation' ? 'organisation' : 'person', role: kind === 'sole-trader' ? 'customer (sole trader)' : 'customer' },
        contact: { scope: 'person', role: 'contact person' },
      },
      ...bilingualLabel(
        `Kund ${v.KUNDNR ?? ''}${v.NAMN ? ` ${v.NAMN}` : ''} (Visma Administration)`.replace(/\s+/gu, ' '),
        `Customer ${v.KUNDNR ?? ''}${v.NAMN ? ` ${v.NAMN}` : ''} (Visma Administration)`.replace(/\s+/gu, ' '),
        'sv',
      ),
    };
    if (text.list.length > 0) r.text = text.list;
    const date = isoDate(v.FKTDAT);
    if (date) r.date = date;
    return r;
  }
  ids.add('name', 'NAMN', v.NAMN);
  for (const k of ['TEL', 'TEL2', 'MBTEL']) ids.add('phone', k, v[k]);
  ids.add('email', 'EPOST', v.EPOST);
  ids.add('address', 'POSTADR', addressLine(v.POSTADR, v.POSTNR, v.ORT));
  // The customer (or supplier) the contact works for: context for name matches.
  ids.add('customerNo', 'KUNDNR', v.KUNDNR, 'company');
  ids.add('company', 'FTGNAMN', v.FTGNAMN, 'company');
  for (const k of ['ANTECK_1', 'ANTECK_2', 'ANTECK_3', 'ANTECK_4']) text.add(k, v[k]);
  ids.list.push(...extraIdentifiers(fields, opts.fields));
  const r: SourceRecord = {
    entity: 'contact',
    category: 'customer',
    locator,
    fields,
    identifiers: ids.list,
    holders: { self: { scope: 'person', role: 'contact person' }, company: { scope: 'organisation', role: 'company' } },
    ...bilingualLabel(`Kontakt ${v.NAMN ?? ''} (Visma Administration)`.replace(/\s+/gu, ' '), `Contact ${v.NAMN ?? ''} (Visma Administration)`.replace(/\s+/gu, ' '), 'sv'),
  };
  if (text.list.length > 0) r.text = text.list;
  return r;
}
