/**
 * Microsoft Graph responses saved to disk (formats.md §3.1): pages of
 * `{ "@odata.context", "value": [...], "@odata.nextLink" }`, one page per
 * file or a JSON array of pages in one file; a single entity
 * (`…/$entity`); and delta pages, whose `@removed` items are skipped.
 *
 * The resource type comes from an item's `@odata.type`, else the page's
 * `@odata.context` (`$metadata#users`, `…/contacts`, `$metadata#users('…')/messages(…)`,
 * `Collection(message)`), else the item's properties: saved samples carry
 * placeholder contexts such as `"odata-context"`.
 */
import { isAscii } from 'node:buffer';
import iconv from 'iconv-lite';
import { countryCode, phoneRegions, type PhoneGroup } from '../../src/core/identity/country.ts';
import { bilingualLabel, type HolderInfo, type RawIdentifier, type SourceRecord } from '../../src/core/record.ts';
import { SourceReadError } from '../../src/errors.ts';
import { readHead, type SourceFile } from '../../src/io/files.ts';
import {
  anyIn,
  JSON_IN_MEMORY_LIMIT,
  jsonElementSpans,
  jsonHidingEscapes,
  jsonMayHide,
  parseJsonBytes,
  lendJsonBytes,
  readJsonDocument,
  streamJsonItems,
  type JsonPath,
} from '../../src/io/json.ts';
import type { HitFinder } from '../../src/io/anchors.ts';
import { check } from '../../src/io/checks.ts';
import { jsonPageShape, type PageShape } from '../../src/io/json-shape.ts';
import type { Problem } from '../../src/errors.ts';
import { decodeBuffer, settledEncoding } from '../../src/io/encoding.ts';
import { reportLater, type ReadContext } from '../../src/sources/contract.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import { bookkeepingPattern, CONTACT_CARD_PARTIES, domainOf, htmlToText, isoDate, looksLikeAddress, short } from './common.ts';
import { addressLine } from './outlook-csv.ts';

export type GraphResource = 'user' | 'contact' | 'message';

export interface GraphOptions {
  ownDomains?: string[] | undefined;
  bookkeepingWords?: string[] | undefined;
  fields?: FieldClassification | undefined;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** What a page's `@odata.context` says its items are. */
export function resourceOfContext(context: unknown): GraphResource | undefined {
  if (typeof context !== 'string') return undefined;
  const hash = context.indexOf('#');
  if (hash < 0) return undefined;
  const s = context.slice(hash + 1);
  const coll = /^Collection\((?:microsoft\.graph\.)?(\w+)\)/iu.exec(s);
  const segments = s.split('/').filter((x) => x && !x.startsWith('$') && x !== 'delta');
  const last = coll?.[1] ?? segments[segments.length - 1]?.replace(/\(.*\)$/u, '') ?? '';
  switch (last.toLowerCase()) {
    case 'users':
    case 'user':
      return 'user';
    case 'contacts':
    case 'contact':
      return 'contact';
    case 'messages':
    case 'message':
    case 'eventmessage':
      return 'message';
    default:
      return undefined;
  }
}

/** The mailbox a page was read from: `$metadata#users('karin.ek%40ojco.example')/messages`. */
export function mailboxOfContext(context: unknown): string | undefined {
  if (typeof context !== 'string') return undefined;
  const m = /#users\('([^']+)'\)\//u.exec(context);
  if (!m?.[1]) return undefined;
  let v = m[1];
  try {
    v = decodeURIComponent(v);
  } catch {
    return undefined;
  }
  return v.includes('@') ? v.toLowerCase() : undefined;
}

const MESSAGE_KEYS = ['subject', 'toRecipients', 'from', 'sender', 'bodyPreview', 'receivedDateTime', 'sentDateTime', 'internetMessageId', 'conversationId'];
const CONTACT_KEYS = ['emailAddresses', 'personalNotes', 'homePhones', 'fileAs', 'businessAddress', 'homeAddress', 'spouseName'];

export function resourceOf(item: Obj, context: unknown): GraphResource | undefined {
  const t = str(item['@odata.type']).toLowerCase();
  if (/\.(event)?message(request|response)?$/u.test(t)) return 'message';
  if (t.endsWith('.contact')) return 'contact';
  if (t.endsWith('.user')) return 'user';
  const c = resourceOfContext(context);
  if (c) return c;
  if ('userPrincipalName' in item || 'mailNickname' in item || /DirectoryServices\.User/u.test(str(item['@odata.id']))) return 'user';
  if (MESSAGE_KEYS.some((k) => k in item)) return 'message';
  if (CONTACT_KEYS.some((k) => k in item)) return 'contact';
  return undefined;
}

interface GraphItem {
  pointer: string;
  value: unknown;
  context: unknown;
}

function looksLikeItem(o: Obj): boolean {
  return resourceOf(o, o['@odata.context']) !== undefined || '@removed' in o;
}

/** The items of a saved response, page by page, with their JSON pointers. `parsed`: the file's document, already parsed. */
export async function* graphItems(file: SourceFile, parsed?: { doc: unknown }): AsyncGenerator<GraphItem> {
  if (!parsed && file.size > JSON_IN_MEMORY_LIMIT) {
    yield* streamedItems(file);
    return;
  }
  const doc = parsed ? parsed.doc : await readJsonDocument(file);
  const pages: [unknown, string][] = Array.isArray(doc) ? doc.map((p, i): [unknown, string] => [p, `/${i}`]) : [[doc, '']];
  for (const [page, base] of pages) {
    if (isObj(page) && Array.isArray(page.value)) {
      const context = page['@odata.context'];
      for (let i = 0; i < page.value.length; i++) yield { pointer: `${base}/value/${i}`, value: page.value[i], context };
    } else if (isObj(page) && isObj(page.error)) {
      throw new SourceReadError('the file holds a Graph error response, not data: save the response of a request that succeeded', {
        file: file.rel,
        code: 'office365.graph-error-response',
      });
    } else if (isObj(page) && looksLikeItem(page)) {
      // A single entity (`…/$entity`), or a bare array of items.
      yield { pointer: base, value: page, context: page['@odata.context'] };
    } else {
      throw new SourceReadError(`${base ? `element ${base.slice(1)} is` : 'the file is'} not a Graph page: no "value" array of users, contacts or messages`, {
        file: file.rel,
        code: 'office365.not-a-graph-page',
      });
    }
  }
}

/**
 * A saved response over JSON_IN_MEMORY_LIMIT: streamed. The page context is
 * taken from the head (Graph writes `@odata.context` first).
 */
export async function* streamedItems(file: SourceFile): AsyncGenerator<GraphItem> {
  const { text } = decodeBuffer(await readHead(file.abs), 'cp1252');
  const context = /"@odata\.context"\s*:\s*"([^"]*)"/u.exec(text)?.[1];
  const path: JsonPath = text.trimStart().startsWith('[') ? ['*', 'value', '*'] : ['value', '*'];
  for await (const it of streamJsonItems(file, [path])) yield { pointer: it.pointer, value: it.value, context };
}

/** `bytes`: the file's bytes, when the caller has read them already (graphPageReports). */
export async function* readGraphJson(file: SourceFile, ctx: ReadContext, opts: GraphOptions, records = true, bytes?: Buffer): AsyncGenerator<SourceRecord> {
  let removed = 0;
  let unknown = 0;
  let recognised = 0;
  const subjectWords = bookkeepingPattern(opts.bookkeepingWords);
  // With a prefilter (issue #7), records are built only for the items whose
  // bytes hold a hit (or an escape that could hide one). The others are
  // still parsed and sorted, for the errors and warnings, unless the page is
  // plain (plainPageItems): then there is nothing to report about them.
  let parsed: { doc: unknown } | undefined;
  // A plain page's items that hold a hit, parsed one by one (plainPageItems).
  let hitItems: GraphItem[] | undefined;
  let itemMayMatch: (pointer: string) => boolean = () => true;
  // A page's bytes are needed until it is parsed (or known to hold nothing): the buffer is lent (lendJsonBytes).
  const lent = bytes === undefined && ctx.prefilter && file.size <= JSON_IN_MEMORY_LIMIT ? await lendJsonBytes(file) : undefined;
  const buf = bytes ?? lent?.bytes;
  try {
    // UTF-16 text is decoded first: its bytes hold no anchor as written (decodeBuffer reads it).
    if (ctx.prefilter && buf && !utf16(buf)) {
      const prefilter = ctx.prefilter;
      let html: boolean | undefined;
      const holdsHtml = (): boolean => (html ??= mayHoldHtml(buf));
      if ('hits' in prefilter) {
        const hits = [...(prefilter as HitFinder).hits(buf, 0, buf.length), ...jsonHidingEscapes(buf)].sort((a, b) => a - b);
        if (hits.length > 0 && records && itemsAlone.enabled && !holdsHtml()) hitItems = plainPageItems(buf, hits);
        const spans = hits.length > 0 && !hitItems ? jsonElementSpans(buf, (p) => p === '' || p.endsWith('/value')) : undefined;
        itemMayMatch = (pointer) => {
          if (hits.length === 0) return false;
          const span = spans?.get(pointer);
          return span === undefined || anyIn(hits, span[0], span[1]);
        };
      } else {
        const page = prefilter.mayMatch(buf, 0, buf.length) || jsonMayHide(buf);
        itemMayMatch = () => page;
      }
      if (hitItems) {
        // Nothing to report (a plain page), and the records are those of hitItems.
      } else if (!itemMayMatch('') && !holdsHtml()) {
        // Nothing to find in this page. A later read, whose problems are not reported again, is done;
        // the first read has the page checked in a worker (checks.ts) for the reports the reference read makes.
        if (ctx.validate === false) return;
        const reports = check<PageReport[]>({ module: GRAPH_MODULE, fn: 'graphPageReports', args: [file, plainOptions(opts)] });
        await reportLater(
          ctx,
          reports.then((list) => () => {
            for (const r of list) {
              if (r.warning) ctx.warn(r.warning);
              else if (r.failed) ctx.fileFailed(new SourceReadError(r.failed.message, r.failed));
            }
          }),
        );
        return;
      } else parsed = { doc: parseJsonBytes(file, buf) };
    } else if (buf) parsed = { doc: parseJsonBytes(file, buf) };
  } finally {
    lent?.giveBack();
  }
  if (hitItems) {
    for (const it of hitItems) {
      const value = it.value as Obj;
      const locator = { file: file.rel, pointer: it.pointer };
      // A plain page's context names its resource, so every item has one (an item's own @odata.type first).
      yield itemRecord(resourceOf(value, it.context)!, value, locator, it.context, opts, subjectWords);
    }
    return;
  }
  for await (const it of graphItems(file, parsed)) {
    if (!isObj(it.value)) {
      unknown++;
      continue;
    }
    if ('@removed' in it.value) {
      // Delta: the item left the folder or was deleted; only its id is left (formats.md §3.1).
      removed++;
      continue;
    }
    const kind = resourceOf(it.value, it.context);
    if (!kind) {
      unknown++;
      continue;
    }
    recognised++;
    // HTML bodies are read as text (entities decoded, tags dropped): their bytes may hide what the text holds.
    if (!records || (!itemMayMatch(it.pointer) && !(kind === 'message' && htmlBodyOf(it.value) !== undefined))) continue;
    yield itemRecord(kind, it.value, { file: file.rel, pointer: it.pointer }, it.context, opts, subjectWords);
  }
  if (removed > 0) {
    ctx.warn({
      code: 'office365.delta-removed',
      message: `${removed} item(s) marked "@removed" in a delta response were skipped: they were deleted or moved out of the folder`,
      file: file.rel,
    });
  }
  if (unknown > 0 && recognised === 0) {
    throw new SourceReadError(`none of the ${unknown} item(s) is a user, contact or message (by @odata.type, @odata.context or properties)`, {
      file: file.rel,
      code: 'office365.graph-unknown-resource',
    });
  }
  if (unknown > 0) {
    ctx.warn({ code: 'office365.graph-unknown-item', message: `${unknown} item(s) are not users, contacts or messages and were skipped`, file: file.rel });
  }
}

/** The record of an item of a known resource. */
function itemRecord(kind: GraphResource, value: Obj, locator: { file: string; pointer: string }, context: unknown, opts: GraphOptions, subjectWords: RegExp): SourceRecord {
  if (kind === 'message') return messageRecord(value, locator, context, opts, subjectWords);
  if (kind === 'contact') return contactRecord(value, locator, opts);
  return userRecord(value, locator, opts);
}

// ------------------------------------------------------------ messages

const PARTY_LISTS: [key: string, prefix: string, role: string][] = [
  ['toRecipients', 'to', 'recipient (to)'],
  ['ccRecipients', 'cc', 'recipient (cc)'],
  ['bccRecipients', 'bcc', 'recipient (bcc)'],
  ['replyTo', 'replyTo', 'reply-to'],
];

/** This module, for checks.ts to run graphPageReports in its worker. */
export const GRAPH_MODULE = import.meta.url;

type PageReport = { warning?: Problem; failed?: { message: string; file?: string; line?: number; code: string } };

/** Options as plain data, for a worker. */
function plainOptions(o: GraphOptions): GraphOptions {
  return JSON.parse(JSON.stringify(o)) as GraphOptions;
}

/**
 * A check (checks.ts): the reports the reference read of one Graph file
 * makes (its warnings, and the error that ends it), without the records. A
 * plain page (plainPage) is known to make none without being parsed.
 */
export async function graphPageReports(file: SourceFile, opts: GraphOptions, quick = true): Promise<PageReport[]> {
  const out: PageReport[] = [];
  const failed = (e: SourceReadError): void => {
    out.push({ failed: { message: e.message, code: e.code, ...(e.file !== undefined ? { file: e.file } : {}), ...(e.line !== undefined ? { line: e.line } : {}) } });
  };
  const ctx: ReadContext = { warn: (p) => out.push({ warning: p }), fileFailed: failed };
  // The bytes are read once, for the shape and (when that cannot tell) the parse. A file that cannot be
  // read here is left to the reference read, which reports why.
  const lent = file.size <= JSON_IN_MEMORY_LIMIT ? await lendJsonBytes(file).catch(() => undefined) : undefined;
  try {
    // `quick: false` always parses (the reference, for the tests).
    if (quick && lent && plainPage(lent.bytes)) return out;
    try {
      for await (const r of readGraphJson(file, ctx, opts, false, lent?.bytes)) void r;
    } catch (err) {
      if (!(err instanceof SourceReadError)) throw err;
      failed(err);
    }
    return out;
  } finally {
    lent?.giveBack();
  }
}

/**
 * Would the reference read of this page report nothing? True only when the
 * bytes show it without a parse (json-shape.ts): one page of JSON whose
 * context names the resource (so every item that is an object is
 * recognised, resourceOf) and whose items are all objects, none `@removed`.
 * False: the page must be parsed to know.
 */
function plainPage(buf: Buffer): boolean {
  return isPlain(jsonPageShape(buf, 'value', '@odata.context', '@removed'));
}

function isPlain(shape: PageShape | undefined): shape is PageShape & { context: string } {
  return shape !== undefined && shape.items >= 0 && shape.nonObjects === 0 && shape.marked === 0 && resourceOfContext(shape.context) !== undefined;
}

/** Off in the tests that compare parsing a plain page's items alone with parsing the page whole. */
export const itemsAlone = { enabled: true };

/**
 * The items of a plain page (plainPage) that hold a hit, each parsed from
 * its own bytes, as the parse of the whole page gives them (issue #7); or
 * undefined when the page is not plain, and must be parsed whole.
 *
 * A plain page makes no report, and the reference read makes records only
 * of the items with a hit when no body may be HTML (the caller's
 * mayHoldHtml): parsing the page whole built every item of it to keep a
 * few. A batch finds a hit in nearly every page, and parsed all 150 MB of
 * the bench's pages twice. An item's bytes are decoded as the whole page
 * is (decodeBuffer: by its first byte above 0x7F); an item starts and ends
 * with an ASCII byte, so its characters are those of its part of the page.
 */
function plainPageItems(buf: Buffer, hits: readonly number[]): GraphItem[] | undefined {
  const spans: number[] = [];
  const shape = jsonPageShape(buf, 'value', '@odata.context', '@removed', spans);
  // The context as JSON.parse gives it: the shape took it without escapes, and ASCII reads the same in every encoding.
  if (!isPlain(shape) || spans.length !== 2 * shape.items || !/^[\x20-\x7e]*$/u.test(shape.context)) return undefined;
  const decode = spanDecoder(buf);
  const out: GraphItem[] = [];
  for (let k = 0, hi = 0; k < shape.items && hi < hits.length; k++) {
    const start = spans[2 * k]!;
    const end = spans[2 * k + 1]!;
    while (hi < hits.length && hits[hi]! < start) hi++;
    if (hi < hits.length && hits[hi]! < end) out.push({ pointer: `/value/${k}`, value: JSON.parse(decode(start, end)) as unknown, context: shape.context });
  }
  return out;
}

/** Decodes parts of a page as decodeBuffer decodes all of it (SniffingDecoder: the first byte above 0x7F settles it). */
function spanDecoder(buf: Buffer): (start: number, end: number) => string {
  const enc = isAscii(buf) ? 'utf8' : (settledEncoding(buf, 0, 'cp1252', true) ?? 'utf8');
  if (enc === 'utf8') {
    const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
    return (start, end) => utf8.decode(buf.subarray(start, end));
  }
  return (start, end) => iconv.decode(buf.subarray(start, end), enc);
}

/** Is the file UTF-16 (a BOM, or the zero bytes of ASCII text in UTF-16)? */
function utf16(buf: Buffer): boolean {
  return decodeBuffer(buf.subarray(0, 4096), 'cp1252').encoding.startsWith('utf16');
}

/**
 * Could a message of this page have a body read as HTML (whose text the
 * bytes may hide)? `html` anywhere (a contentType), or a content that
 * starts with `<`.
 */
export function mayHoldHtml(buf: Buffer): boolean {
  // On the bytes: a page is one line of 1.4 MB, and its string would be an external one that only a
  // full GC frees (issue #7). Latin-1 \s: tab, LF, VT, FF, CR, space, no-break space.
  const space = (b: number | undefined): boolean => b !== undefined && ((b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0);
  for (const h of [0x68, 0x48]) {
    for (let i = buf.indexOf(h); i >= 0 && i + 3 < buf.length; i = buf.indexOf(h, i + 1)) {
      if ((buf[i + 1]! | 0x20) === 0x74 && (buf[i + 2]! | 0x20) === 0x6d && (buf[i + 3]! | 0x20) === 0x6c) return true;
    }
  }
  for (let i = buf.indexOf(CONTENT_KEY); i >= 0; i = buf.indexOf(CONTENT_KEY, i + 1)) {
    let j = i + CONTENT_KEY.length;
    while (space(buf[j])) j++;
    if (buf[j] !== 0x3a) continue;
    j++;
    while (space(buf[j])) j++;
    if (buf[j] !== 0x22) continue;
    j++;
    for (;;) {
      if (space(buf[j])) j++;
      else if (buf[j] === 0x5c && (buf[j + 1] === 0x6e || buf[j + 1] === 0x72 || buf[j + 1] === 0x74)) j += 2;
      else break;
    }
    if (buf[j] === 0x3c) return true;
  }
  return false;
}

const CONTENT_KEY = Buffer.from('"content"', 'latin1');

const BODY_KEYS = ['body', 'uniqueBody'];

function isHtmlBody(b: Obj): boolean {
  return str(b.contentType).toLowerCase() === 'html' || /^\s*<(!doctype|html|div|p|body|meta)\b/iu.test(str(b.content));
}

/** The key of a message's first body read as HTML, if any. */
function htmlBodyOf(m: Obj): string | undefined {
  for (const key of BODY_KEYS) {
    const b = m[key];
    if (isObj(b) && str(b.content) && isHtmlBody(b)) return key;
  }
  return undefined;
}

function messageRecord(m: Obj, locator: { file: string; pointer: string }, context: unknown, opts: GraphOptions, subjectWords: RegExp): SourceRecord {
  const ids: RawIdentifier[] = [];
  const holders: Record<string, HolderInfo> = {};
  const addresses: string[] = [];
  // AC-9: every party is its own holder, so that a match on one of them
  // never makes the others the subject's, and they can be redacted apart.
  const party = (recipient: unknown, path: string, holder: string, role: string): void => {
    if (!isObj(recipient) || !isObj(recipient.emailAddress)) return;
    const address = str(recipient.emailAddress.address);
    const name = str(recipient.emailAddress.name);
    if (!address && !name) return;
    holders[holder] = { scope: 'person', role };
    if (address) {
      ids.push({ kind: 'email', field: `${path}/emailAddress/address`, value: address, holder });
      addresses.push(address);
    }
    if (name && !looksLikeAddress(name) && name.toLowerCase() !== address.toLowerCase()) {
      ids.push({ kind: 'name', field: `${path}/emailAddress/name`, value: name, holder });
    }
  };
  party(m.from, 'from', 'from', 'sender');
  party(m.sender, 'sender', 'sender', 'sender (account that sent it)');
  for (const [key, prefix, role] of PARTY_LISTS) {
    const list = m[key];
    if (!Array.isArray(list)) continue;
    list.forEach((r, i) => party(r, `${key}/${i}`, `${prefix}${i}`, role));
  }
  ids.push(...extraIdentifiers(m, opts.fields));

  const text: { field: string; value: string }[] = [];
  const subject = str(m.subject);
  if (subject) text.push({ field: 'subject', value: subject });
  if (str(m.bodyPreview)) text.push({ field: 'bodyPreview', value: str(m.bodyPreview) });
  for (const key of BODY_KEYS) {
    const b = m[key];
    if (!isObj(b) || !str(b.content)) continue;
    text.push({ field: `${key}/content`, value: isHtmlBody(b) ? htmlToText(str(b.content)) : str(b.content) });
  }
  const attachments = Array.isArray(m.attachments) ? m.attachments : [];
  attachments.forEach((a, i) => {
    if (isObj(a) && str(a.name)) text.push({ field: `attachments/${i}/name`, value: str(a.name) });
  });

  const rec: SourceRecord = {
    entity: 'message',
    locator,
    fields: m,
    identifiers: ids,
    holders,
    category: 'mail-message',
    ...(subject ? bilingualLabel(`E-post: ${short(subject)}`, `E-mail: ${short(subject)}`, 'en') : bilingualLabel('E-post (utan ämne)', 'E-mail (no subject)', 'en')),
  };
  if (text.length > 0) rec.text = text;
  const date = isoDate(m.receivedDateTime, m.sentDateTime, m.createdDateTime);
  if (date) rec.date = date;
  if (mayBeBookkeeping(subject, m.hasAttachments === true || attachments.length > 0, addresses, context, opts, subjectWords)) rec.bookkeeping = true;
  return rec;
}

/**
 * formats.md §3.5, BFL 1 kap. 2 §: an e-mail may be räkenskapsinformation
 * (a verifikation, an agreement, kept in the form it was received) when its
 * subject names an invoice, receipt, order or agreement, or when it carries
 * attachments to or from someone outside the organisation. Without
 * `ownDomains` and without a mailbox in `@odata.context`, any message with
 * attachments counts: the flag only stops an unseen deletion.
 */
export function mayBeBookkeeping(subject: string, attached: boolean, addresses: string[], context: unknown, opts: GraphOptions, subjectWords: RegExp): boolean {
  if (subject && subjectWords.test(subject)) return true;
  if (!attached) return false;
  const own = new Set((opts.ownDomains ?? []).map((d) => d.toLowerCase().replace(/^@/u, '')));
  const mailbox = mailboxOfContext(context);
  const mailboxDomain = mailbox ? domainOf(mailbox) : undefined;
  if (mailboxDomain) own.add(mailboxDomain);
  if (own.size === 0) return true;
  return addresses.some((a) => {
    const d = domainOf(a);
    return d !== undefined && !own.has(d);
  });
}

// ------------------------------------------------------------ contacts

function contactRecord(c: Obj, locator: { file: string; pointer: string }, opts: GraphOptions): SourceRecord {
  const ids: RawIdentifier[] = [];
  const display = str(c.displayName);
  if (display && !looksLikeAddress(display)) ids.push({ kind: 'name', field: 'displayName', value: display });
  const parts = [str(c.givenName), str(c.middleName), str(c.surname)].filter(Boolean);
  if (parts.length > 0) ids.push({ kind: 'name', field: 'givenName + surname', value: parts.join(' ') });
  if (Array.isArray(c.emailAddresses)) {
    c.emailAddresses.forEach((e, i) => {
      if (!isObj(e)) return;
      const address = str(e.address);
      const name = str(e.name);
      if (address) ids.push({ kind: 'email', field: `emailAddresses/${i}/address`, value: address });
      if (name && !looksLikeAddress(name) && name !== display) ids.push({ kind: 'name', field: `emailAddresses/${i}/name`, value: name });
    });
  }
  // Each phone is read in the country of its address (identity/country.ts phoneRegions): business with business, home with home, the mobile with home, else business.
  const country = (key: string): string => (isObj(c[key]) ? str((c[key] as Obj).countryOrRegion) : '');
  const regionOf = phoneRegions({ business: country('businessAddress'), home: country('homeAddress'), other: country('otherAddress') });
  const phone = (field: string, value: string, group: PhoneGroup): void => {
    const region = regionOf(group);
    ids.push({ kind: 'phone', field, value, ...(region ? { region } : {}) });
  };
  if (str(c.mobilePhone)) phone('mobilePhone', str(c.mobilePhone), 'mobile');
  for (const [key, group] of [['businessPhones', 'business'], ['homePhones', 'home']] as const) {
    const list = c[key];
    if (Array.isArray(list)) list.forEach((p, i) => str(p) && phone(`${key}/${i}`, str(p), group));
  }
  for (const key of ['businessAddress', 'homeAddress', 'otherAddress']) {
    const a = c[key];
    if (!isObj(a)) continue;
    const line = addressLine(str(a.street), str(a.postalCode), str(a.city));
    if (line) ids.push({ kind: 'address', field: key, value: line });
  }
  if (str(c.companyName)) ids.push({ kind: 'company', field: 'companyName', value: str(c.companyName), holder: 'employer' });
  if (str(c.spouseName)) ids.push({ kind: 'name', field: 'spouseName', value: str(c.spouseName), holder: 'spouse' });
  if (str(c.manager)) ids.push({ kind: 'name', field: 'manager', value: str(c.manager), holder: 'manager' });
  if (str(c.assistantName)) ids.push({ kind: 'name', field: 'assistantName', value: str(c.assistantName), holder: 'assistant' });
  // Other people on the subject's card, whose names the letter must not show (Art. 15(4)).
  if (Array.isArray(c.children)) c.children.forEach((child, i) => str(child) && ids.push({ kind: 'name', field: `children/${i}`, value: str(child), holder: 'children' }));
  ids.push(...extraIdentifiers(c, opts.fields));
  const rec: SourceRecord = {
    entity: 'contact',
    locator,
    fields: c,
    identifiers: ids,
    holders: { ...CONTACT_CARD_PARTIES },
    category: 'mail-contact',
    ...bilingualLabel('Outlook-kontakt (Graph)', 'Outlook contact (Graph)', 'en'),
  };
  if (str(c.personalNotes)) rec.text = [{ field: 'personalNotes', value: str(c.personalNotes) }];
  const date = isoDate(c.lastModifiedDateTime, c.createdDateTime);
  if (date) rec.date = date;
  return rec;
}

// ------------------------------------------------------------ users

function userRecord(u: Obj, locator: { file: string; pointer: string }, opts: GraphOptions): SourceRecord {
  const ids: RawIdentifier[] = [];
  const seen = new Set<string>();
  const email = (field: string, value: string): void => {
    const k = value.toLowerCase();
    if (!value || seen.has(k)) return;
    seen.add(k);
    ids.push({ kind: 'email', field, value });
  };
  email('mail', str(u.mail));
  if (looksLikeAddress(str(u.userPrincipalName))) email('userPrincipalName', str(u.userPrincipalName));
  if (Array.isArray(u.otherMails)) u.otherMails.forEach((m, i) => email(`otherMails/${i}`, str(m)));
  if (Array.isArray(u.proxyAddresses)) {
    u.proxyAddresses.forEach((p, i) => {
      // `SMTP:` is the primary address and `smtp:` an alias; `SIP:`, `X500:` are not mail addresses.
      const m = /^smtp:(.+)$/iu.exec(str(p));
      if (m?.[1]) email(`proxyAddresses/${i}`, m[1]);
    });
  }
  const display = str(u.displayName);
  if (display && !looksLikeAddress(display)) ids.push({ kind: 'name', field: 'displayName', value: display });
  const parts = [str(u.givenName), str(u.surname)].filter(Boolean);
  if (parts.length > 0) ids.push({ kind: 'name', field: 'givenName + surname', value: parts.join(' ') });
  // The user's country (text), else the usage location (an ISO code Microsoft requires for licences): where the user's phones are read.
  const region = countryCode(str(u.country)) ?? countryCode(str(u.usageLocation));
  const phone = (field: string, value: string): void => void ids.push({ kind: 'phone', field, value, ...(region ? { region } : {}) });
  if (str(u.mobilePhone)) phone('mobilePhone', str(u.mobilePhone));
  if (Array.isArray(u.businessPhones)) u.businessPhones.forEach((p, i) => str(p) && phone(`businessPhones/${i}`, str(p)));
  // The directory object id; `@odata.id` carries it when `id` was not selected (`…/directoryObjects/<id>/Microsoft.DirectoryServices.User`).
  const objectId = str(u.id) || /directoryObjects\/([0-9a-f-]{36})\//iu.exec(str(u['@odata.id']))?.[1] || '';
  if (objectId) ids.push({ kind: 'systemId', field: str(u.id) ? 'id' : '@odata.id', value: `m365:user:${objectId}` });
  const line = addressLine(str(u.streetAddress), str(u.postalCode), str(u.city));
  if (line) ids.push({ kind: 'address', field: 'streetAddress', value: line });
  if (str(u.companyName)) ids.push({ kind: 'company', field: 'companyName', value: str(u.companyName), holder: 'employer' });
  ids.push(...extraIdentifiers(u, opts.fields));
  return {
    entity: 'user',
    locator,
    fields: u,
    identifiers: ids,
    holders: { employer: { scope: 'organisation', role: 'employer' } },
    category: 'directory-user',
    ...bilingualLabel('Användarkonto i Microsoft 365', 'Microsoft 365 user account', 'en'),
  };
}
