/**
 * vCard contacts (`.vcf`): what Outlook writes when a contact is saved or
 * sent as a business card (vCard 2.1, Windows-1252 or quoted-printable),
 * what an iPhone or Android phone exports (3.0 and 2.1, several cards in one
 * file), and vCard 4.0 (RFC 6350) from newer programs.
 *
 * The format, as the real exports write it:
 * - a content line is `[group.]NAME[;PARAM…]:value`; a line that starts
 *   with a space or a tab continues the one before (folding, RFC 6350 §3.2);
 * - 2.1 parameters may be bare (`TEL;WORK;FAX`), 3.0 writes `type=cell`
 *   once per type or `TYPE=CELL,VOICE`, 4.0 may quote a value;
 * - 2.1 encodes text as quoted-printable (`ENCODING=QUOTED-PRINTABLE` or a
 *   bare `QUOTED-PRINTABLE`), whose `=` at the end of a line is a soft line
 *   break: the next line goes on without a leading space (Outlook 2007's
 *   NOTE, Android's long names); its bytes are in the `CHARSET` given, or
 *   in the file's encoding;
 * - 3.0 and 4.0 escape `\n`, `\,`, `\;` and `\\` (iOS also `\:`); in N and
 *   ADR an unescaped `;` separates the components;
 * - PHOTO, LOGO, SOUND and KEY are binary (`ENCODING=BASE64`, `b`, or a
 *   `data:` URI) and kept only as a note of what they are and their size.
 *
 * No library on npm reads all of this: `vcf` 2.1.2 keeps the CR of CRLF
 * files in every value and takes a quoted-printable continuation line for a
 * property of its own; ical.js 2.2.1 rejects 2.1's bare parameters (both
 * tried on the real samples' Android and Outlook 2007 exports, 2026-11-25).
 *
 * A card is one contact record. Its phones, e-mails and addresses are the
 * contact's, except a work fax (the company's, as Outlook's Business Fax)
 * and the assistant's, manager's and spouse's entries (other people). A card
 * of an organisation (KIND:org or group, X-ABShowAs:COMPANY) is the
 * organisation's own: its name is a company name and nothing on it is a
 * person's.
 */
import iconv from 'iconv-lite';
import { phoneRegions, type AddressGroup, type PhoneGroup } from '../../src/core/identity/country.ts';
import { bilingualLabel, type HolderInfo, type RawIdentifier, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import type { SourceFile } from '../../src/io/files.ts';
import { readLines } from '../../src/io/lines.ts';
import type { ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { CONTACT_CARD_PARTIES, looksLikeAddress } from './common.ts';
import { addressLine } from './outlook-csv.ts';

export interface VcardOptions {
  fields?: FieldClassification | undefined;
}

/** One property of a card, decoded. */
export interface VcardProperty {
  group?: string;
  /** Upper case: `TEL`, `X-MS-IMADDRESS`. */
  name: string;
  /** Parameter names in upper case; bare 2.1 parameters are TYPE (or ENCODING) values. Values as written. */
  params: Map<string, string[]>;
  /** TYPE values, lower case: `cell`, `work`, `pref`. */
  types: string[];
  /** The text value, unescaped; for N and ADR the components (also unescaped). */
  value: string;
  components?: string[];
  line: number;
}

export interface VcardCard {
  line: number;
  version?: string;
  properties: VcardProperty[];
}

const BINARY = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
const STRUCTURED = new Set(['N', 'ADR', 'ORG', 'GENDER', 'CLIENTPIDMAP']);
const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);

/** Splits at `sep` outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** The index of the first `:` outside double quotes, or -1. */
function colonOutsideQuotes(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

/** Splits a structured value at unescaped `;`, keeping the escapes for unescape(). */
function splitComponents(v: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') i++;
    else if (v[i] === ';') {
      out.push(v.slice(start, i));
      start = i + 1;
    }
  }
  out.push(v.slice(start));
  return out;
}

function unescape(v: string): string {
  return v.replace(/\\([nN,;:\\])/gu, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Quoted-printable to bytes; a `=` not followed by two hex digits stays as it is. */
function qpBytes(v: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/u.test(v.slice(i + 1, i + 3))) {
      out.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x100) out.push(c);
    else for (const b of Buffer.from(v[i]!, 'utf8')) out.push(b);
  }
  return Buffer.from(out);
}

/** Bytes in the charset a property names, or UTF-8 when they are valid UTF-8 and Windows-1252 when not. */
function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  if (charset && iconv.encodingExists(charset)) return iconv.decode(bytes, charset);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'cp1252');
  }
}

const first = (p: Map<string, string[]>, name: string): string | undefined => p.get(name)?.[0];

/**
 * A content line (unfolded) as a property, or undefined when it has no `:`.
 * Quoted-printable values are decoded here, before the split into components.
 */
export function parseContentLine(text: string, line: number): VcardProperty | undefined {
  const colon = colonOutsideQuotes(text);
  if (colon <= 0) return undefined;
  const head = splitOutsideQuotes(text.slice(0, colon), ';');
  let name = head[0]!.trim();
  let group: string | undefined;
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    group = name.slice(0, dot);
    name = name.slice(dot + 1);
  }
  name = name.toUpperCase();
  if (!/^[A-Z0-9-]+$/u.test(name)) return undefined;
  const params = new Map<string, string[]>();
  const add = (k: string, v: string): void => {
    const list = params.get(k) ?? [];
    list.push(v);
    params.set(k, list);
  };
  for (const p of head.slice(1)) {
    const eq = p.indexOf('=');
    if (eq < 0) {
      const bare = p.trim();
      if (!bare) continue;
      add(ENCODINGS.has(bare.toUpperCase()) ? 'ENCODING' : 'TYPE', bare);
      continue;
    }
    const k = p.slice(0, eq).trim().toUpperCase();
    for (const v of splitOutsideQuotes(p.slice(eq + 1), ',')) add(k, v.trim().replace(/^"(.*)"$/su, '$1'));
  }
  const types = (params.get('TYPE') ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);
  const encoding = first(params, 'ENCODING')?.toUpperCase();
  let raw = text.slice(colon + 1);
  const prop: VcardProperty = { name, params, types, value: '', line, ...(group ? { group } : {}) };
  if (BINARY.has(name) && (encoding === 'BASE64' || encoding === 'B' || /^data:/iu.test(raw))) {
    // Binary data: what it is and its size, not the bytes (a photo is personal data; the extract says it is there).
    const data = raw.replace(/^data:[^,]*,/iu, '').replace(/\s+/gu, '');
    const bytes = Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
    const kind = (types[0] ?? /^data:([^;,]+)/iu.exec(raw)?.[1] ?? '').toLowerCase();
    prop.value = `[${name.toLowerCase()}${kind ? `, ${kind}` : ''}, ${bytes} bytes]`;
    return prop;
  }
  if (encoding === 'QUOTED-PRINTABLE') raw = decodeCharset(qpBytes(raw), first(params, 'CHARSET'));
  if (STRUCTURED.has(name)) {
    prop.components = splitComponents(raw).map(unescape);
    prop.value = prop.components.join(';');
  } else prop.value = unescape(raw);
  return prop;
}

/**
 * The cards of a file, from its decoded lines: unfolded, quoted-printable
 * continuations joined. Problems that leave the rest readable are warned
 * about; a card the file ends inside is an error, after the cards before it.
 */
export async function* vcardCards(lines: AsyncIterable<{ line: number; text: string }>, file: SourceFile, ctx: Pick<ReadContext, 'warn'>): AsyncGenerator<VcardCard> {
  let card: VcardCard | undefined;
  let nested = 0;
  let logical: { text: string; line: number } | undefined;
  let cards = 0;
  const warned = new Set<string>();
  const warn = (code: string, line: number, message: string): void => {
    // One warning per kind of problem and file: a damaged export would otherwise repeat it per line.
    if (warned.has(code)) return;
    warned.add(code);
    ctx.warn({ code, message, file: file.rel, line });
  };
  const isQp = (text: string): boolean => /^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]/iu.test(text);
  // 2.1's base64 value runs on to a blank line; some writers (old phones, Outlook add-ins) do not
  // indent its lines. A base64 line holds no `:`, so it is never taken for a property.
  const isBase64 = (text: string): boolean => /^[^:]*;(?:ENCODING=)?(?:BASE64|B)[;:]/iu.test(text);
  const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/u;

  const finish = (l: { text: string; line: number }): VcardCard | undefined => {
    const t = l.text;
    if (t.trim() === '') return undefined;
    const upper = t.trim().toUpperCase();
    if (!card) {
      if (upper === 'BEGIN:VCARD') card = { line: l.line, properties: [] };
      else warn('vcard.outside', l.line, `line ${l.line} is outside any vCard (BEGIN:VCARD … END:VCARD) and was not read`);
      return undefined;
    }
    if (upper === 'BEGIN:VCARD') {
      // A vCard 2.1 AGENT holds a card of another person: not this contact's, and not read.
      nested++;
      return undefined;
    }
    if (upper === 'END:VCARD') {
      if (nested > 0) {
        nested--;
        return undefined;
      }
      const done = card;
      card = undefined;
      cards++;
      return done;
    }
    if (nested > 0) return undefined;
    const p = parseContentLine(t, l.line);
    if (!p) {
      warn('vcard.bad-line', l.line, `line ${l.line} of a vCard is not a property (NAME:value) and was not read`);
      return undefined;
    }
    if (p.name === 'VERSION') card.version = p.value.trim();
    else card.properties.push(p);
    return undefined;
  };

  for await (const l of lines) {
    const line = l.line;
    // Every CR at the end: a CRLF file converted once more has CR CR LF (the real samples' iPhone export).
    const text = l.text.replace(/\r+$/u, '');
    if (logical) {
      if ((text.startsWith(' ') || text.startsWith('\t')) && !(isQp(logical.text) && logical.text.endsWith('='))) {
        logical.text += text.slice(1);
        continue;
      }
      if (isQp(logical.text) && logical.text.endsWith('=')) {
        // A soft line break: the encoded text goes on in the next line as it is.
        logical.text = logical.text.slice(0, -1) + text;
        continue;
      }
      if (BASE64_LINE.test(text) && isBase64(logical.text)) {
        logical.text += text;
        continue;
      }
      const done = finish(logical);
      if (done) yield done;
    }
    logical = { text, line };
  }
  if (logical) {
    const done = finish(logical);
    if (done) yield done;
  }
  if (card) {
    throw new SourceReadError(`the file ends inside the vCard that begins on line ${card.line} (no END:VCARD): the export is cut off; the cards before it were read`, {
      file: file.rel,
      line: card.line,
      code: 'vcard.unterminated',
    });
  }
  if (cards === 0) throw new SourceReadError('the file holds no vCard (BEGIN:VCARD … END:VCARD)', { file: file.rel, line: 1, code: 'vcard.invalid' });
}

/** A group's label (iOS writes `itemN.X-ABLabel:_$!<AssistantPhone>!$_` next to `itemN.TEL`), lower case, without the markers. */
function labelOf(card: VcardCard, group: string | undefined): string {
  if (!group) return '';
  const l = card.properties.find((p) => p.group === group && p.name === 'X-ABLABEL');
  return l ? l.value.replace(/^_\$!<|>!\$_$/gu, '').toLowerCase() : '';
}

/** Another person's entry: by its type (`x-assistant`) or its iOS label. */
function otherParty(card: VcardCard, p: VcardProperty): 'assistant' | 'manager' | 'spouse' | undefined {
  // The labels iOS writes, and those people type, in English and Swedish (`Chef`, `Assistent`, `Sambo`).
  const words = [...p.types, labelOf(card, p.group)].join(' ');
  if (/assistant|assistent|sekreterare|secretary/u.test(words)) return 'assistant';
  if (/manager|boss|\bchef\b|närmaste/u.test(words)) return 'manager';
  if (/spouse|partner|husband|wife|\b(?:make|maka|sambo|fru|man)\b/u.test(words)) return 'spouse';
  return undefined;
}

const OTHER_NAMES: Record<string, 'assistant' | 'manager' | 'spouse' | 'children'> = {
  'X-MS-CHILD': 'children',
  'X-CHILD': 'children',
  'X-MS-ASSISTANT': 'assistant',
  'X-ASSISTANT': 'assistant',
  'X-MS-MANAGER': 'manager',
  'X-MANAGER': 'manager',
  'X-MS-SPOUSE': 'spouse',
  'X-SPOUSE': 'spouse',
};

/** The address group a TEL or ADR goes with, by its types (`work`, `home`, `cell`); undefined for none of them. */
function vcardGroup(p: VcardProperty): PhoneGroup | undefined {
  const t = p.types;
  if (t.includes('cell') || t.includes('mobile') || t.includes('car') || t.includes('pager')) return 'mobile';
  if (t.includes('work')) return 'business';
  if (t.includes('home')) return 'home';
  return undefined;
}

/**
 * Where each TEL of a card is read: the country (the ADR's seventh
 * component) of the address of its type, a work number with the work
 * address and a mobile with the home address, else the work one
 * (identity/country.ts phoneRegions). An ADR of no type counts as `other`.
 */
function cardPhoneRegions(card: VcardCard): (p: VcardProperty) => RawIdentifier['region'] {
  const countries: Partial<Record<AddressGroup, string>> = {};
  for (const p of card.properties) {
    if (p.name !== 'ADR') continue;
    const country = (p.components?.[6] ?? '').trim();
    const g = vcardGroup(p);
    if (country) countries[g === 'business' || g === 'home' ? g : 'other'] ??= country;
  }
  const regionOf = phoneRegions(countries);
  return (p) => regionOf(vcardGroup(p));
}

/** A structured value as a person reads it: a name in its spoken order, an address and an organisation as one line each. */
function shownValue(p: VcardProperty): string {
  const c = p.components?.map((x) => x.replace(/\s*\n\s*/gu, ', ').trim());
  if (!c) return p.value;
  if (p.name === 'N') return [c[3], c[1], c[2]?.replace(/,/gu, ' '), c[0], c[4]].filter(Boolean).join(' ');
  if (p.name === 'ADR' || p.name === 'ORG') return c.map((x) => x.replace(/,$/u, '')).filter(Boolean).join(', ');
  return p.value;
}

/**
 * The card's fields as the extract shows them: each property by name, several values as a list, with
 * their types; and where each property's value is (`TEL`, or `TEL/1` in a list), so that a plan changes
 * that one value and not the company's fax beside it.
 */
function fieldsOf(card: VcardCard): { fields: Record<string, unknown>; paths: Map<VcardProperty, string> } {
  const fields: Record<string, unknown> = {};
  const count = new Map<string, number>();
  for (const p of card.properties) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  const paths = new Map<VcardProperty, string>();
  for (const p of card.properties) {
    if (p.name === 'X-ABLABEL' || p.name === 'PRODID') continue;
    const types = p.types.filter((t) => t !== 'internet' && t !== 'x400');
    const label = labelOf(card, p.group);
    const tags = [...types, ...(label ? [label] : [])];
    const value = shownValue(p);
    const shown = tags.length > 0 && !BINARY.has(p.name) ? `${value} (${tags.join(', ')})` : value;
    if (count.get(p.name) === 1) {
      fields[p.name] = shown;
      paths.set(p, p.name);
    } else {
      const i = seen.get(p.name) ?? 0;
      seen.set(p.name, i + 1);
      ((fields[p.name] ??= []) as string[]).push(shown);
      paths.set(p, `${p.name}/${i}`);
    }
  }
  return { fields, paths };
}

export async function* readVcard(file: SourceFile, ctx: ReadContext, opts: VcardOptions): AsyncGenerator<SourceRecord> {
  const holders: Record<string, HolderInfo> = { ...CONTACT_CARD_PARTIES };
  let n = 0;
  for await (const card of vcardCards(readLines(file), file, ctx)) {
    n++;
    const ids: RawIdentifier[] = [];
    const notes: { field: string; value: string }[] = [];
    const { fields, paths } = fieldsOf(card);
    const regionOf = cardPhoneRegions(card);
    // A card of an organisation (vCard 4's KIND, Apple's "show as company" and group kind): its name is a
    // company's, and its phones and addresses an organisation's, context for a match and never followed.
    const kind = (card.properties.find((p) => p.name === 'KIND' || p.name === 'X-ADDRESSBOOKSERVER-KIND')?.value ?? '').trim().toLowerCase();
    const organisation = (kind !== '' && kind !== 'individual') || card.properties.some((p) => p.name === 'X-ABSHOWAS' && p.value.trim().toUpperCase() === 'COMPANY');
    for (const p of card.properties) {
      const value = p.value.trim();
      if (!value) continue;
      const other = otherParty(card, p);
      const at = paths.get(p) ?? p.name;
      if (organisation && (p.name === 'FN' || p.name === 'N' || p.name === 'ORG')) {
        const company = (p.name === 'N' ? (p.components ?? []).filter(Boolean).join(' ') : p.name === 'ORG' ? (p.components?.[0] ?? value) : value).trim();
        if (company) ids.push({ kind: 'company', field: at, value: company });
        continue;
      }
      switch (p.name) {
        case 'FN':
          if (!looksLikeAddress(value)) ids.push({ kind: 'name', field: at, value });
          break;
        case 'N': {
          // Family; given; additional; prefixes; suffixes.
          const [family = '', given = '', additional = ''] = p.components ?? [];
          const name = [given, additional, family].map((s) => s.replace(/,/gu, ' ').trim()).filter(Boolean).join(' ');
          if (name) ids.push({ kind: 'name', field: at, value: name });
          break;
        }
        case 'EMAIL':
          ids.push({ kind: 'email', field: at, value, ...(other ? { holder: other } : {}) });
          break;
        case 'TEL':
        case 'X-MS-TEL': {
          const fax = p.types.includes('fax') && p.types.includes('work');
          const holder = other ?? (fax ? 'employer' : undefined);
          const region = regionOf(p);
          ids.push({ kind: 'phone', field: at, value: value.replace(/^tel:/iu, ''), ...(holder ? { holder } : {}), ...(region ? { region } : {}) });
          break;
        }
        case 'ADR': {
          // PO box; extended; street; locality; region; postal code; country.
          const c = p.components ?? [];
          const a = addressLine(c[2] ?? '', c[5] ?? '', c[3] ?? '');
          if (a) ids.push({ kind: 'address', field: at, value: a, ...(other ? { holder: other } : {}) });
          break;
        }
        case 'ORG': {
          const company = (p.components?.[0] ?? value).trim();
          if (company) ids.push({ kind: 'company', field: at, value: company, holder: 'employer' });
          break;
        }
        case 'NOTE':
          notes.push({ field: at, value });
          break;
        default:
          if (OTHER_NAMES[p.name]) ids.push({ kind: 'name', field: at, value, holder: OTHER_NAMES[p.name]! });
      }
    }
    ids.push(...extraIdentifiers(fields, opts.fields));
    const rec: SourceRecord = {
      entity: 'contact',
      locator: { file: file.rel, line: card.line, row: n },
      fields,
      identifiers: ids,
      holders: organisation ? { ...holders, self: { scope: 'organisation', role: kind === 'group' ? 'group' : 'organisation' } } : holders,
      category: 'mail-contact',
      ...bilingualLabel(
        `${organisation ? 'Organisation' : 'Kontakt'} i vCard${card.version ? ` (vCard ${card.version})` : ''}`,
        `vCard ${organisation ? 'organisation' : 'contact'}${card.version ? ` (vCard ${card.version})` : ''}`,
        'en',
      ),
    };
    if (notes.length > 0) rec.text = notes;
    yield rec;
  }
}

/** For tests. */
export const vcardInternals = { otherParty };
