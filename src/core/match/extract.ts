/**
 * From a record's raw identifiers and free text to normalised keys.
 *
 * Normalising is the expensive part of matching (a libphonenumber parse is
 * ~5 µs), so the cheap gates here skip work that cannot lead to a match:
 * a phone number is parsed only when the last digits of its rendering could
 * belong to a number of interest. The gates are sound: they never skip a
 * value whose canonical form is a key the matcher is looking for.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import type { IdentifierKind, Scope } from '../identity/kinds.ts';
import {
  foldName,
  normaliseAddressLine,
  normaliseCompany,
  normaliseCustomerNo,
  normaliseEmail,
  normaliseGaClientId,
  normaliseIp,
  normaliseOrgnr,
  normalisePhone,
  normalisePnr,
  phoneNationalDigits,
  normaliseUserId,
  nameTokens,
  foldText,
  foldBase,
  isRoleEmail,
  type FoldedName,
} from '../identity/normalise.ts';
import { holderOf, type SourceRecord } from '../record.ts';

export interface NormalisedId {
  kind: IdentifierKind;
  /** `<kind>:<canonical>` */
  key: string;
  field: string;
  holder: string;
  scope: Scope;
  /** For names: the diacritic-free key (weaker evidence). */
  baseKey?: string;
  /** For names of more than two: namePairs, the first and last names, then the first with each name between. */
  pairKeys?: string[];
  /** For names: FoldedName.units, the given name first. */
  units?: string;
  /** Role addresses such as info@ (e-mail only). */
  role?: boolean;
  /** A personnummer that came from an org.nr: its holder is a sole trader, a natural person. */
  soleTrader?: boolean;
}

/** What the matcher is looking for, so extraction can skip the rest. */
export interface ExtractionGate {
  /** Last 7 national digits of every phone of interest. */
  phoneTails: ReadonlySet<string>;
  /** The whole national number of a phone of interest shorter than that (an old local number, `12 34 56`). */
  shortPhones?: ReadonlySet<string>;
  /** Folded and base tokens of every name of interest. */
  nameTokens: ReadonlySet<string>;
  /** Extract every identifier regardless (for learning from a matched record). */
  all?: boolean;
}

/**
 * How many trailing digits of a phone number its cheap gates compare: the
 * extraction gate here, the re-appearance check's keyed tails and the byte
 * prefilter (src/io/anchors.ts) all use this one length.
 */
export const PHONE_TAIL = 7;

export function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

/**
 * Could this rendering be one of the phones of interest? A rendering without
 * letters has the national number as the tail of its digits, whatever the
 * separators and prefixes (`+46(0)70-174 06 05`). With letters (`ext 12`)
 * the parse decides.
 */
function phoneMayMatch(raw: string, gate: ExtractionGate): boolean {
  if (gate.all) return true;
  if (/[a-z]/iu.test(raw)) return true;
  const d = digitsOf(raw);
  if (d.length >= PHONE_TAIL && gate.phoneTails.has(d.slice(-PHONE_TAIL))) return true;
  if (gate.shortPhones) for (const n of gate.shortPhones) if (d.endsWith(n)) return true;
  return false;
}

/**
 * The digits every rendering of the number ends with, for the gates: its
 * last seven, or its whole national number when that is shorter (a
 * rendering of a six-digit number has fewer than seven digits, or the trunk
 * 0 among them).
 */
export function phoneTail(e164: string): string {
  let tail = tails.get(e164);
  if (tail === undefined) {
    // Parsed once per number: the prefilter asks again for every key at every read of a batch.
    const national = phoneNationalDigits(e164);
    tail = national.length < PHONE_TAIL ? national : digitsOf(e164).slice(-PHONE_TAIL);
    if (tails.size >= 100_000) tails.clear();
    tails.set(e164, tail);
  }
  return tail;
}
const tails = new Map<string, string>();

const NON_ASCII = /[^\x00-\x7f]/u;
const ASCII_TOKEN_SEP = /[^a-z0-9']+/u;

/**
 * The tokens of a name or text as nameTokens(foldText()) gives them. Plain
 * ASCII, which most values are, needs no Unicode normalisation: lower-case
 * and split is the same thing, and much cheaper on the scan's hot path.
 */
export function fastTokens(raw: string): string[] {
  if (NON_ASCII.test(raw)) return nameTokens(foldText(raw));
  const out: string[] = [];
  for (const t of raw.toLowerCase().split(ASCII_TOKEN_SEP)) {
    const u = t.includes("'") ? t.replace(/^'+|'+$/gu, '') : t;
    if (u) out.push(u);
  }
  return out;
}

/** Could this token be one of a name of interest (with or without its diacritics)? */
function tokenOfInterest(t: string, gate: ExtractionGate): boolean {
  return gate.nameTokens.has(t) || (NON_ASCII.test(t) && gate.nameTokens.has(foldBase(t)));
}

function nameMayMatch(raw: string, gate: ExtractionGate): boolean {
  if (gate.all) return true;
  if (gate.nameTokens.size === 0) return false;
  for (const t of fastTokens(raw)) if (tokenOfInterest(t, gate)) return true;
  return false;
}

function nameId(raw: string, field: string, holder: string, scope: Scope): NormalisedId | undefined {
  const n = foldName(raw);
  if (!n) return undefined;
  const id: NormalisedId = { kind: 'name', key: `name:${n.key}`, baseKey: `name:${n.baseKey}`, field, holder, scope };
  const pairs = namePairs(n);
  if (pairs !== undefined) id.pairKeys = pairs;
  id.units = n.units;
  return id;
}

/** Particles of surnames: `Eva von` is no name of Eva von Essen's. */
export const PARTICLES: ReadonlySet<string> = new Set(['af', 'av', 'da', 'de', 'del', 'den', 'der', 'di', 'du', 'la', 'le', 'van', 'von', 'zu']);

/**
 * `name:` keys of the parts of a name with more between its first name and
 * last token (a middle name, a particle, a second surname): first the first
 * name with the last token as written, then the first name with each name
 * between, particles aside (`Eva Lindström` of `Eva Lindström Andersson`, a
 * second surname dropped; `Eva Maria` of `Eva Maria Lindström`, harmless:
 * only a record named just that is found by it). The first name is the first
 * word: `Anna-Karin` stays whole, so `Anna Essen` is no part of `Anna-Karin
 * von Essen`.
 */
export function namePairs(n: Pick<FoldedName, 'tokens' | 'firstWord'>): string[] | undefined {
  const first = n.firstWord.length > 0 ? n.firstWord : n.tokens.slice(0, 1);
  if (n.tokens.length <= first.length + 1) return undefined;
  const pair = (t: string): string => `name:${[...first, t].sort().join(' ')}`;
  const out = [pair(n.tokens[n.tokens.length - 1]!)];
  for (let i = first.length; i < n.tokens.length - 1; i++) {
    const t = n.tokens[i]!;
    if (!PARTICLES.has(t) && !out.includes(pair(t))) out.push(pair(t));
  }
  return out;
}

/**
 * Normalises one raw identifier; undefined when it is not a valid one of its
 * kind. `region`: where a phone was written (RawIdentifier.region). The gate
 * does not depend on it: a rendering ends in its national number in any
 * region (the trunk prefix and any international prefix come before it).
 */
export function normaliseOne(
  kind: IdentifierKind,
  raw: string,
  field: string,
  holder: string,
  scope: Scope,
  gate: ExtractionGate,
  region?: CountryCode,
): NormalisedId[] {
  const mk = (k: IdentifierKind, canonical: string | undefined, extra: Partial<NormalisedId> = {}): NormalisedId[] =>
    canonical === undefined ? [] : [{ kind: k, key: `${k}:${canonical}`, field, holder, scope, ...extra }];
  switch (kind) {
    case 'email': {
      const e = normaliseEmail(raw);
      return mk('email', e);
    }
    case 'phone':
      return phoneMayMatch(raw, gate) ? mk('phone', normalisePhone(raw, region)?.e164) : [];
    case 'pnr':
      return mk('pnr', normalisePnr(raw)?.canonical);
    case 'orgnr': {
      const o = normaliseOrgnr(raw);
      if (!o) {
        // Fields like CorporateIdentityNumber hold 12-digit personnummer too.
        const p = normalisePnr(raw);
        return p ? mk('pnr', p.canonical) : [];
      }
      // A sole trader's org.nr is the owner's personnummer: it is a person's key.
      if (o.personal && o.pnr) return [...mk('pnr', o.pnr, { scope: scope === 'mention' ? 'mention' : 'person', soleTrader: scope !== 'mention' }), ...mk('orgnr', o.canonical)];
      return mk('orgnr', o.canonical, { scope: scope === 'mention' ? 'mention' : 'organisation' });
    }
    case 'customerNo':
      return mk('customerNo', normaliseCustomerNo(raw));
    case 'ip':
      return mk('ip', normaliseIp(raw));
    case 'gaClientId':
      return mk('gaClientId', normaliseGaClientId(raw));
    case 'userId':
    case 'systemId':
      return mk(kind, normaliseUserId(raw));
    case 'name': {
      if (!nameMayMatch(raw, gate)) return [];
      const n = nameId(raw, field, holder, scope);
      return n ? [n] : [];
    }
    case 'company':
      return mk('company', normaliseCompany(raw));
    case 'address':
      return mk('address', normaliseAddressLine(raw));
  }
}

// ---------------------------------------------------------------- free text

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gu;
const PNR_IN_TEXT = /(?<![\d-])(?:\d{2})?\d{6}[-+ ]?\d{4}(?![\d-])/gu;
const PHONE_IN_TEXT = /(?<![\w+])(?:\+|00)?\d[\d \-()./]{5,18}\d(?!\d)/gu;

/** Identifiers mentioned in free text: e-mail addresses, personnummer, phone numbers and names. */
export function scanText(text: string, field: string, gate: ExtractionGate): NormalisedId[] {
  const out: NormalisedId[] = [];
  const seen = new Set<string>();
  const push = (id: NormalisedId): void => {
    if (!seen.has(id.key)) {
      seen.add(id.key);
      out.push(id);
    }
  };
  if (text.includes('@')) {
    for (const m of text.matchAll(EMAIL_IN_TEXT)) {
      const e = normaliseEmail(m[0]);
      if (e) push({ kind: 'email', key: `email:${e}`, field, holder: 'mention', scope: 'mention' });
    }
  }
  if (/\d{6}/u.test(text)) {
    for (const m of text.matchAll(PNR_IN_TEXT)) {
      const p = normalisePnr(m[0].replace(' ', ''));
      if (p) push({ kind: 'pnr', key: `pnr:${p.canonical}`, field, holder: 'mention', scope: 'mention' });
    }
  }
  if (gate.all || gate.phoneTails.size > 0 || (gate.shortPhones?.size ?? 0) > 0) {
    for (const m of text.matchAll(PHONE_IN_TEXT)) {
      if (!phoneMayMatch(m[0], gate)) continue;
      const p = normalisePhone(m[0]);
      if (p?.valid) push({ kind: 'phone', key: `phone:${p.e164}`, field, holder: 'mention', scope: 'mention' });
    }
  }
  if (gate.all || gate.nameTokens.size > 0) {
    const tokens = fastTokens(text);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (!gate.all && !tokenOfInterest(t, gate)) continue;
      // Names of two and three tokens around a token of interest.
      for (let start = Math.max(0, i - 2); start <= i; start++) {
        for (let len = 2; len <= 3; len++) {
          if (start + len <= i || start + len > tokens.length) continue;
          const gram = tokens.slice(start, start + len).join(' ');
          const n = nameId(gram, field, 'mention', 'mention');
          if (n) push(n);
        }
      }
    }
  }
  return out;
}

/** All normalised identifiers of a record that pass the gate. */
export function extractIds(record: SourceRecord, gate: ExtractionGate): NormalisedId[] {
  const out: NormalisedId[] = [];
  for (const raw of record.identifiers) {
    if (typeof raw.value !== 'string' || raw.value.length === 0) continue;
    const holder = raw.holder ?? 'self';
    const scope = holderOf(record, holder).scope;
    for (const id of normaliseOne(raw.kind, raw.value, raw.field, holder, scope, gate, raw.region)) {
      if (id.kind === 'email') id.role = isRole(id.key);
      out.push(id);
    }
  }
  // A sole trader's business is the owner: whatever the connector called
  // the holder, its identifiers are a natural person's (formats.md §6.2).
  const soleTraders = new Set(out.filter((i) => i.soleTrader).map((i) => i.holder));
  if (soleTraders.size > 0) for (const i of out) if (soleTraders.has(i.holder) && i.scope === 'organisation') i.scope = 'person';
  if (record.text) {
    for (const t of record.text) {
      if (typeof t.value === 'string' && t.value.length > 0) out.push(...scanText(t.value, t.field, gate));
    }
  }
  return out;
}

function isRole(key: string): boolean {
  return isRoleEmail(key.slice('email:'.length));
}
