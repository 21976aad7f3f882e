/**
 * Which fields of a record an anonymisation replaces, and which fields of
 * retained customer master data (class S) are cleared because they appear
 * on no retained document.
 */
import type { IdentifierKind } from '../identity/kinds.ts';
import { canonical, normaliseOrgnr, normalisePnr } from '../identity/normalise.ts';
import type { NamePart, RawIdentifier, SourceRecord } from '../record.ts';
import { anonymisedName, LIME_DEFAULT, replacementFor, seedOf } from './anonymise.ts';
import { nameFieldsOf, squash } from './names.ts';
import { sha256Hex } from './canonical.ts';
import type { FieldDiff } from './types.ts';
import { addressSiblings, asText, canonicalValues, realFields, stringLeaves, subjectIdentifiers, valueAt, type Prepared } from './records.ts';

/** The 12-digit personnummer in a personnummer or a sole trader's org.nr. */
function personalNumber(raw: string): string | undefined {
  const o = normaliseOrgnr(raw);
  if (o?.personal) return o.pnr;
  return normalisePnr(raw)?.canonical;
}

function topField(path: string): string {
  return path.split('/')[0] ?? path;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** Text fields of the record in which the subject is mentioned (free-text evidence). */
function mentionedTextFields(p: Prepared): Set<string> {
  const text = new Set((p.record.text ?? []).map((t) => t.field));
  return new Set(p.match.evidence.filter((e) => text.has(e.field)).map((e) => e.field));
}

/** Personal fields of a party that carry no identifier: Lime's GDPR add-on anonymises these too (formats.md §1.4). */
const PARTY_TEXT_FIELDS = ['position', 'role', 'misc', 'title', 'jobtitle', 'befattning'];
const PARTY_DATE_FIELDS = ['birthday', 'birthdate', 'dateofbirth', 'födelsedag', 'fodelsedag'];

export interface AnonymiseOptions {
  /** Empty relations from this record to the subject (a deal's contact person). */
  unlinkSubject: boolean;
  /** Replace every free-text field, not only those that mention the subject (the subject's own party record). */
  allText: boolean;
  /** The subject's own party record: also unlink its company and reset its personal extras, as Lime's add-on does. */
  party: boolean;
  /** E.164 numbers a phone replacement must not be. */
  avoidPhones: ReadonlySet<string>;
  /**
   * The object the row is, when known (`lime:person:1003`): every export of
   * that object gets the same replacement values, whatever its field names.
   * Without it the values derive from the source, locator and field.
   */
  objectKey?: string;
}

/**
 * The fields an identifier of the subject stands in: for a name, every field
 * of that party that holds the name or a part of it, with the part
 * (names.ts, AN-2); otherwise the identifier's own fields.
 */
function fieldsOf(p: Prepared, id: RawIdentifier): { field: string; part?: NamePart }[] {
  return id.kind === 'name' ? nameFieldsOf(p, id) : realFields(p.record, id.field).map((field) => ({ field }));
}

/** field path → replacement (null: empty or unlink). Deterministic per source, locator and field. */
export function anonymiseFields(p: Prepared, opts: AnonymiseOptions): Record<string, string | null> {
  const r = p.record;
  const out: Record<string, string | null> = {};
  const mentioned = mentionedTextFields(p);
  for (const t of r.text ?? []) {
    if ((opts.allText || mentioned.has(t.field)) && !isEmpty(valueAt(r.fields, t.field))) out[t.field] = LIME_DEFAULT;
  }
  if (opts.party) {
    for (const key of Object.keys(r.fields)) {
      const k = key.toLowerCase().replace(/[\s_\-.]+/gu, '');
      if (isEmpty(r.fields[key])) continue;
      if (PARTY_TEXT_FIELDS.includes(k)) out[key] = LIME_DEFAULT;
      else if (PARTY_DATE_FIELDS.includes(k)) out[key] = null;
    }
    // The add-on unlinks the company (`replacewith: unlink`): the row no longer says where the person worked.
    for (const id of r.identifiers) {
      const h = id.holder ?? 'self';
      if (h !== 'self' && r.holders?.[h]?.scope === 'organisation' && id.kind === 'systemId') out[topField(id.field)] = null;
    }
  }
  // The n-th distinct value of a kind (in canonical order, which reveals nothing) seeds the replacement of an object's field.
  const ordinals = new Map<string, number>();
  if (opts.objectKey) {
    const byKind = new Map<string, Set<string>>();
    for (const id of subjectIdentifiers(p)) {
      const c = canonical(id.kind, id.value, id.region) ?? id.value;
      byKind.set(id.kind, (byKind.get(id.kind) ?? new Set()).add(c));
    }
    for (const [kind, values] of byKind) [...values].sort().forEach((v, i) => ordinals.set(`${kind}:${v}`, i));
  }
  const soleTrader = r.identifiers.some((i) => (i.holder ?? 'self') === 'self' && i.kind === 'orgnr' && normaliseOrgnr(i.value)?.personal === true);
  for (const id of subjectIdentifiers(p)) {
    const holder = id.holder ?? 'self';
    if (id.kind === 'systemId') {
      if (holder !== 'self' && opts.unlinkSubject) out[topField(id.field)] = null;
      continue;
    }
    const ordinal = ordinals.get(`${id.kind}:${canonical(id.kind, id.value, id.region) ?? id.value}`);
    for (const { field: f, part } of fieldsOf(p, id)) {
      const current = asText(valueAt(r.fields, f));
      if (current === null || current.trim() === '') continue;
      const seed = opts.objectKey && ordinal !== undefined ? sha256Hex(`${opts.objectKey}\u0000${id.kind}\u0000${ordinal}`) : seedOf(p.source, r.locator, f);
      // A sole trader's trade name is personal data (its org.nr is the owner's personnummer).
      const soleTraderName = id.kind === 'company' && opts.party && holder === 'self' && soleTrader;
      // AN-2: every field that holds the name or a part of it, not only the one the identifier names.
      const rep = soleTraderName ? LIME_DEFAULT : part ? anonymisedName(part) : replacementFor(id.kind, f, current, seed, opts.avoidPhones, id.region);
      if (rep === undefined) continue;
      out[f] = rep;
      if (id.kind === 'address') {
        const s = addressSiblings(r, f);
        if (s.postcode && !isEmpty(r.fields[s.postcode])) out[s.postcode] = null;
        if (s.city && !isEmpty(r.fields[s.city])) out[s.city] = null;
        // The address's further lines (a c/o, `POSTADR2`) are the person's address too (AN-2).
        for (const l of s.lines ?? []) if (!isEmpty(r.fields[l])) out[l] = null;
      }
    }
  }
  return out;
}

/** Field names of marketing extras in customer registers (formats.md §2.4: "marketing labels" are erasable). */
const MARKETING_FIELDS = new Set(['customerlabels', 'labels', 'tags', 'reklepost', 'reklsms', 'marketing', 'newsletter', 'nyhetsbrev']);

/** Marketing labels and segments of a register (Spiris' CustomerLabels, tags). */
const MARKETING_LABELS = new Set(['customerlabels', 'labels', 'tags']);

/** A field name that speaks of marketing (Visma Administration's REKL_EPOST, a solution's "Nyhetsbrev (e-post)"). */
const MARKETING_NAME = /rekl|marknadsf|marketing|newsletter|nyhetsbrev|utskick|mailing/u;

/** "Yes" in the notations flags are kept in, and "no" in the same one (dBase logicals T/F, Ja/Nej, 1/0). */
const FLAG_OFF: Readonly<Record<string, string>> = { t: 'f', true: 'false', y: 'n', yes: 'no', j: 'n', ja: 'nej', '1': '0', on: 'off', x: '' };

/** The value that turns a set flag off, in its own notation; undefined when the value is no set flag (already off, or not a flag). */
function flagOff(v: unknown): string | undefined {
  if (v === true) return 'false';
  if (v === 1) return '0';
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  const off = FLAG_OFF[t.toLowerCase()];
  if (off === undefined) return undefined;
  if (t === t.toUpperCase()) return off.toUpperCase();
  return t[0] === t[0]!.toUpperCase() ? off.charAt(0).toUpperCase() + off.slice(1) : off;
}

/**
 * The subject's own consent flags and marketing labels in a record, turned
 * off (DM-1, Art. 21(3), Art. 7(3)): a set flag gets its "no" (`{from:
 * 'T', to: 'F'}`), a marketing label is emptied (null). `marketing`: only
 * flags whose name speaks of marketing (an objection to marketing leaves a
 * consent to a credit check alone); `consent`: every consent flag (a
 * withdrawal of consent). A flag is a field its connector classifies as
 * `consent`, or, where it does not describe the field, one named so.
 * Only the record's own party: a company's flag on a card whose contact
 * person the subject is stays (it is the company's).
 */
export function optOutFields(p: Prepared, scope: 'marketing' | 'consent'): Record<string, FieldDiff | null> {
  const out: Record<string, FieldDiff | null> = {};
  if (!p.subjectHolders.has('self')) return out;
  for (const [key, v] of Object.entries(p.record.fields)) {
    const name = squash(key);
    const info = p.fieldInfo(key);
    if (MARKETING_LABELS.has(name) && (!info || info.category === 'interest')) {
      if (!isEmpty(v)) out[key] = null;
      continue;
    }
    const marketingNamed = MARKETING_NAME.test(name);
    const flag = info ? info.category === 'consent' : marketingNamed;
    if (!flag || (scope === 'marketing' && !marketingNamed)) continue;
    const off = flagOff(v);
    if (off !== undefined) out[key] = { from: asText(v), to: off };
  }
  return out;
}

/** A text's lines as compared with the documents: split at line breaks, spacing collapsed, without case. */
function textLines(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/\r\n|\r|\n/u)
    .map((l) => l.trim().replace(/\s+/gu, ' ').toLowerCase())
    .filter(Boolean);
}

/** Does `text` hold `part` as whole words (`storgatan 14, 252 21` holds `storgatan 14`, and not `storgatan 1`)? */
function containsWords(text: string, part: string): boolean {
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
    const before = text.slice(Math.max(0, i - 2), i);
    const after = text.slice(i + part.length, i + part.length + 2);
    if (!/[\p{L}\p{N}]$/u.test(before) && !/^[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}

const ON_DOCUMENT_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>(['email', 'phone', 'name', 'address', 'pnr', 'orgnr', 'ip', 'gaClientId', 'userId']);

/**
 * Class S, §12.3 step 6: customer master data is reduced to the fields that
 * appear on the retained documents. A field of the subject is kept when its
 * value (canonical, or as text) is on one of the linked retained records;
 * notes, extra addresses and numbers, and marketing labels are cleared now.
 * Without linked records in the plan only notes and marketing labels are
 * cleared (`linkedKnown` false): what the invoices show cannot be checked.
 */
export function masterDataToClear(p: Prepared, linked: readonly SourceRecord[]): { clear: Record<string, null>; kept: number; candidates: number } {
  const r = p.record;
  const self = p.subjectHolders.has('self');
  const linkedKnown = linked.length > 0;
  const leaves = new Set(linked.flatMap((l) => stringLeaves(l.fields)));
  // The documents' text as lines: an address on one document in two fields is on another in one field of two lines.
  const docLines = [...new Set([...leaves].flatMap(textLines))];
  const lineOnDocs = (line: string): boolean => docLines.some((d) => d === line || containsWords(d, line));
  // A personnummer may stand as a private customer's org.nr on the card and as a ROT/RUT buyer's Ssn on the invoice.
  const linkedPnrs = new Set(linked.flatMap((l) => l.identifiers.filter((i) => i.kind === 'pnr' || i.kind === 'orgnr').map((i) => personalNumber(i.value)).filter((v): v is string => !!v)));
  const onDocs = (kind: IdentifierKind, raw: string, region?: RawIdentifier['region']): boolean => {
    if (kind === 'pnr' || kind === 'orgnr') {
      const pnr = personalNumber(raw);
      if (pnr && linkedPnrs.has(pnr)) return true;
    }
    const c = canonical(kind, raw, region);
    if (c && linked.some((l) => canonicalValues(l, kind).has(c))) return true;
    // §4.2 class S: an address field is on the documents when each of its lines is (a street and a c/o line
    // in one multi-line cell, printed as two lines of the invoice), whatever the case and spacing.
    if (kind === 'address') {
      const lines = textLines(raw);
      return lines.length === 0 || lines.every(lineOnDocs);
    }
    const t = raw.trim().toLowerCase();
    if (!t) return true;
    for (const leaf of leaves) if (leaf === t || (t.length >= 4 && leaf.includes(t))) return true;
    return false;
  };
  const clear: Record<string, null> = {};
  let kept = 0;
  let candidates = 0;
  const mentioned = mentionedTextFields(p);
  for (const t of r.text ?? []) {
    if (!self && !mentioned.has(t.field)) continue;
    const v = asText(valueAt(r.fields, t.field));
    if (v === null || v.trim() === '') continue;
    candidates++;
    if (linkedKnown && onDocs('name', v)) kept++;
    else clear[t.field] = null;
  }
  if (self) {
    for (const key of Object.keys(r.fields)) {
      if (!MARKETING_FIELDS.has(key.toLowerCase().replace(/[\s_\-.]+/gu, '')) || isEmpty(r.fields[key])) continue;
      candidates++;
      clear[key] = null;
    }
  }
  if (linkedKnown) {
    for (const id of subjectIdentifiers(p)) {
      if (!ON_DOCUMENT_KINDS.has(id.kind)) continue;
      for (const { field: f } of fieldsOf(p, id)) {
        const v = asText(valueAt(r.fields, f));
        if (v === null || v.trim() === '' || f in clear) continue;
        candidates++;
        const s = id.kind === 'address' ? addressSiblings(r, f) : {};
        // An address's further lines (a c/o, `POSTADR2`) are weighed on their own, whether the street stays or
        // goes: a line no retained document prints is cleared (§4.2; a c/o names another person).
        for (const l of s.lines ?? []) {
          const lv = asText(valueAt(r.fields, l));
          if (lv !== null && lv.trim() !== '' && !(l in clear) && !onDocs('address', lv)) clear[l] = null;
        }
        // A part of a name (a last name alone) is on the documents when the whole name is.
        if (onDocs(id.kind, v, id.region) || (id.kind === 'name' && onDocs('name', id.value))) {
          kept++;
          continue;
        }
        clear[f] = null;
        if (s.postcode && !isEmpty(r.fields[s.postcode])) clear[s.postcode] = null;
        if (s.city && !isEmpty(r.fields[s.city])) clear[s.city] = null;
      }
    }
  }
  return { clear, kept, candidates };
}
