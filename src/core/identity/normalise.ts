/**
 * Canonical forms of identifiers. Pure: no I/O, no clock.
 *
 * Well-kept libraries do the hard parts: libphonenumber-js for phone numbers,
 * personnummer and organisationsnummer for Swedish ids (formats.md §6).
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import PersonnummerModule from 'personnummer';
import OrganisationsnummerModule from 'organisationsnummer';
import type { IdentifierKind } from './kinds.ts';

// Both packages are CommonJS (`module.exports = Class`) while their typings
// declare an ES default export; this gives the class under either loader.
function interop<T>(m: T): T {
  return ((m as { default?: T }).default ?? m) as T;
}
type PersonnummerClass = (typeof PersonnummerModule)['default'];
type OrganisationsnummerClass = (typeof OrganisationsnummerModule)['default'];
const Personnummer = interop(PersonnummerModule as unknown as PersonnummerClass);
const Organisationsnummer = interop(OrganisationsnummerModule as unknown as OrganisationsnummerClass);

// ---------------------------------------------------------------- e-mail

const EMAIL_SHAPE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/u;

/**
 * Trimmed and case-folded. The local part is folded too: no mail system
 * OJCO uses treats it case-sensitively, and exports upper-case addresses.
 * Accepts `mailto:` prefixes and `Name <addr>` forms as seen in mail headers.
 */
export function normaliseEmail(raw: string): string | undefined {
  let s = raw.trim();
  const angle = /<([^<>]+)>\s*$/u.exec(s);
  if (angle?.[1]) s = angle[1].trim();
  if (s.toLowerCase().startsWith('mailto:')) s = s.slice(7);
  s = s.normalize('NFC').toLowerCase();
  return EMAIL_SHAPE.test(s) ? s : undefined;
}

/**
 * Role addresses belong to a function, not a person (`info@`, `faktura@`).
 * They are never followed as links and are reported as shared.
 */
const ROLE_LOCAL_PARTS = new Set([
  'info', 'information', 'kontakt', 'contact', 'hello', 'hej', 'faktura', 'fakturor', 'invoice', 'invoices',
  'billing', 'ekonomi', 'economy', 'accounts', 'accounting', 'order', 'orders', 'sales', 'salj', 'forsaljning',
  'support', 'kundtjanst', 'service', 'admin', 'office', 'kontoret', 'reception', 'noreply', 'no-reply',
  'donotreply', 'do-not-reply', 'postmaster', 'webmaster', 'security', 'privacy', 'gdpr', 'dataskydd',
  'hr', 'jobb', 'career', 'careers', 'marketing', 'marknad', 'press', 'media', 'inkop', 'purchasing', 'post',
  'mail', 'registrator', 'dpo',
]);

export function isRoleEmail(canonical: string): boolean {
  const at = canonical.indexOf('@');
  if (at < 0) return false;
  return ROLE_LOCAL_PARTS.has(foldBase(canonical.slice(0, at)));
}

// ---------------------------------------------------------------- phone

export interface PhoneNumber {
  /** E.164, e.g. `+46701740605`. */
  e164: string;
  valid: boolean;
}

/**
 * E.164 through libphonenumber-js with SE as the default region, so that
 * `070-174 06 05`, `0046 70 174 06 05`, `+46(0)70-1740605` and
 * `46701740605` all give `+46701740605` (formats.md §6.3). Numbers that start
 * with `+` or `00` keep their own country. Numbers libphonenumber parses but
 * considers invalid (real exports hold `07070034565`) still get a canonical
 * form, flagged `valid: false`, so that an exact repeat still matches.
 *
 * `region` is where the number was written, when the record says so (a
 * German contact's `0711 1234567` is +49 711 1234567, RawIdentifier.region).
 * A number with `00` keeps its own country in any region, as with `+`: `00`
 * is the international prefix of Sweden and of the regions OJCO's customers
 * write from, but not of every region (`0046 70…` would be a number of the
 * United States), and a record's country must not turn an international
 * number into a national one.
 */
export function normalisePhone(raw: string, region: CountryCode = 'SE'): PhoneNumber | undefined {
  const s = raw.trim();
  if (!/\d/u.test(s)) return undefined;
  const digits = s.replace(/\D/gu, '');
  if (digits.length < 6 || digits.length > 17) return undefined;
  let p = parsePhoneNumberFromString(s, phoneParseRegion(s, region));
  if (region !== 'SE' && (!p || !p.isValid())) {
    // A Swedish number on a foreign record (a Swedish contact person's mobile at a Danish customer, a
    // Norwegian's Swedish phone): no number of the record's country, but a Swedish one.
    const se = parsePhoneNumberFromString(s, 'SE');
    if (se?.isValid()) p = se;
  }
  if (!p) return undefined;
  const valid = p.isValid();
  // An invalid number whose E.164 form reads back as another number (`000101-0008` gives
  // +46001010008, which gives +4601010008) is not a phone number: normalising must be idempotent.
  if (!valid && parsePhoneNumberFromString(p.number)?.number !== p.number) return undefined;
  return { e164: p.number, valid };
}

/** `00` as the international prefix, with anything a rendering puts before the digits (`(00)`, `[0046]`). */
const INTERNATIONAL_00 = /^[^\d+]*00/u;

/** The region libphonenumber reads a rendering in: `region`, but Sweden for a number with `00` (normalisePhone). */
export function phoneParseRegion(raw: string, region: CountryCode): CountryCode {
  return region !== 'SE' && INTERNATIONAL_00.test(raw) ? 'SE' : region;
}

/**
 * The digits a rendering of this number must contain, in order, ignoring
 * separators: the national significant number (`701740605`). Used by the
 * fast pre-checks and the byte prefilter; the full parse decides.
 */
export function phoneNationalDigits(e164: string): string {
  const p = parsePhoneNumberFromString(e164);
  return p ? String(p.nationalNumber) : e164.replace(/\D/gu, '');
}

// ---------------------------------------------------------------- Swedish ids

/**
 * Luhn over the last ten digits, the check both numbers carry. The libraries
 * check it too, but they throw on failure, and an exception per non-matching
 * value is the most expensive thing a scan can do: this rejects first.
 */
function luhnOk(digits: string): boolean {
  const ten = digits.slice(-10);
  if (ten.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = ten.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface Pnr {
  /** 12 digits, `YYYYMMDDNNNK`. */
  canonical: string;
  coordination: boolean;
}

/**
 * Personnummer and samordningsnummer in any of their forms: 10 or 12 digits,
 * with `-`, `+` (over 100) or no separator. The Luhn check digit must hold.
 */
export function normalisePnr(raw: string): Pnr | undefined {
  // Spaces are allowed only around the separator (`840312 - 9987`): the date
  // digits stay together, which the byte prefilter relies on (issue #7).
  const m = /^(\d{6}(?:\d{2})?)\s*([-+]?)\s*(\d{4})$/u.exec(raw.trim());
  if (!m || !luhnOk(`${m[1]}${m[3]}`)) return undefined;
  const s = `${m[1]}${m[2]}${m[3]}`;
  try {
    const p = Personnummer.parse(s, { allowCoordinationNumber: true, allowInterimNumber: false });
    return { canonical: p.format(true), coordination: p.isCoordinationNumber() };
  } catch {
    return undefined;
  }
}

export interface Orgnr {
  /** 10 digits without separator. */
  canonical: string;
  /** A sole trader's org.nr is the owner's personnummer (formats.md §6.2). */
  personal: boolean;
  /** The owner's personnummer (12 digits) when `personal`. */
  pnr?: string;
  type: string;
}

export function normaliseOrgnr(raw: string): Orgnr | undefined {
  const s = raw.trim().replace(/^(\S+)\s*([-+]?)\s*(\d{4})$/u, '$1$2$3');
  // SE556987654201 (VAT number) carries the org.nr too.
  const vat = /^SE(\d{10})01$/iu.exec(s);
  const candidate = vat?.[1] ?? s;
  if (!/^(16|\d{2})?\d{6}[-+]?\d{4}$/u.test(candidate) || !luhnOk(candidate.replace(/\D/gu, ''))) return undefined;
  try {
    const o = Organisationsnummer.parse(candidate);
    const personal = o.isPersonnummer();
    const result: Orgnr = { canonical: o.format(false), personal, type: o.type() };
    if (personal) {
      const pnr = normalisePnr(candidate.replace(/^16/u, ''));
      if (pnr) result.pnr = pnr.canonical;
    }
    return result;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- other ids

/** Customer numbers are compared as trimmed, upper-cased strings. */
export function normaliseCustomerNo(raw: string): string | undefined {
  const s = raw.trim().replace(/\s+/gu, ' ').toUpperCase();
  return s.length > 0 && s.length <= 64 ? s : undefined;
}

/** IPv4 without leading zeros; IPv6 in RFC 5952 form; IPv4-mapped IPv6 as IPv4. */
export function normaliseIp(raw: string): string | undefined {
  const s = raw.trim().replace(/^\[|\]$/gu, '');
  const v4 = parseIpv4(s);
  if (v4) return v4;
  return parseIpv6(s);
}

function parseIpv4(s: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/u.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255)) return undefined;
  return parts.join('.');
}

function parseIpv6(input: string): string | undefined {
  let s = input.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9a-f:.]+$/u.test(s) || !s.includes(':')) return undefined;
  // A trailing dotted quad (::ffff:192.0.2.1) stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/u.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  // IPv4-mapped addresses are the IPv4 address.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const a = groups[6] ?? 0;
    const b = groups[7] ?? 0;
    return [a >> 8, a & 255, b >> 8, b & 255].join('.');
  }
  // RFC 5952: compress the longest run (length >= 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The GA client id is the last two parts of the `_ga` cookie
 * (`GA1.1.1234567890.1747037650` → `1234567890.1747037650`), which equals
 * the BigQuery export's `user_pseudo_id` (formats.md §5.2, cookie layout [U]).
 */
export function normaliseGaClientId(raw: string): string | undefined {
  const s = raw.trim();
  const m = /^(?:GA\d+\.\d+\.)?(\d{1,20}\.\d{1,20})$/iu.exec(s);
  return m?.[1];
}

export function normaliseUserId(raw: string): string | undefined {
  const s = raw.trim();
  return s.length > 0 && s.length <= 256 ? s : undefined;
}

// ---------------------------------------------------------------- names

export interface FoldedName {
  /** Unicode-normalised, case-folded tokens, sorted: order-insensitive key. */
  key: string;
  /** The same with diacritics removed: weaker evidence only. */
  baseKey: string;
  tokens: string[];
  baseTokens: string[];
  /** The tokens of the first word as written: a hyphenated given name (`Anna-Karin`) is one name, not `Anna`. */
  firstWord: string[];
  /**
   * The base tokens with the given name kept whole and first, the others
   * sorted (`anna-karin essen von`): what tells one person's name from a
   * relative's (`Anna Essen`, `Per von Essen`; namesCompatible). The given
   * name is the first word, or the first after the comma of `Efternamn,
   * Förnamn`; other hyphenated words split (`Lindström-Andersson` may be
   * written `Lindström`).
   */
  units: string;
}

const SPECIAL_BASE: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ð: 'd', þ: 'th', ł: 'l', đ: 'd', ı: 'i' };

/** Case-folded, NFKC-normalised, whitespace collapsed. */
export function foldText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** Folded and stripped of diacritics: `Örjan Bäckström` → `orjan backstrom`. */
export function foldBase(s: string): string {
  let v = baseMemo.get(s);
  if (v === undefined) {
    v = foldBaseUncached(s);
    remember(baseMemo, s, v);
  }
  return v;
}

function foldBaseUncached(s: string): string {
  return foldText(s)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[øæœßðþłđı]/gu, (c) => SPECIAL_BASE[c] ?? c)
    .normalize('NFC');
}

/** Letters and digits form tokens; hyphens, commas and dots separate them. */
export function nameTokens(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}']+/u).map((t) => t.replace(/^'+|'+$/gu, '')).filter((t) => t.length > 0);
}

export function foldName(raw: string): Readonly<FoldedName> | undefined {
  let v = nameMemo.get(raw);
  if (v === undefined) {
    v = foldNameUncached(raw) ?? null;
    remember(nameMemo, raw, v);
  }
  return v ?? undefined;
}

function foldNameUncached(raw: string): Readonly<FoldedName> | undefined {
  const folded = foldText(raw);
  const tokens = nameTokens(folded);
  if (tokens.length === 0) return undefined;
  const baseTokens = tokens.map((t) => foldBase(t));
  // The first word with a token in it (a leading `-` or `,` is none).
  const first = folded.split(' ').map((w) => nameTokens(w)).find((t) => t.length > 0) ?? [];
  const words = folded.replace(/,/gu, ', ').split(' ').map((w) => ({ tokens: nameTokens(w), comma: w.includes(',') }));
  const commas = words.filter((w) => w.comma).length;
  const afterComma = words.findIndex((w) => w.comma) + 1;
  const surnameFirst = commas === 1 && words.slice(0, afterComma).some((w) => w.tokens.length > 0);
  let given = words.findIndex((w, i) => w.tokens.length > 0 && (!surnameFirst || i >= afterComma));
  if (given < 0) given = words.findIndex((w) => w.tokens.length > 0);
  const givenUnit = given >= 0 ? words[given]!.tokens.map((t) => foldBase(t)).join('-') : '';
  const rest = words.flatMap((w, i) => (i === given ? [] : w.tokens.map((t) => foldBase(t)))).sort();
  // Shared through the memo: frozen, so no caller can change another's result.
  return Object.freeze({
    key: [...tokens].sort().join(' '),
    baseKey: [...baseTokens].sort().join(' '),
    tokens: Object.freeze(tokens) as string[],
    baseTokens: Object.freeze(baseTokens) as string[],
    firstWord: Object.freeze(first) as string[],
    units: [givenUnit, ...rest].join(' '),
  });
}

/*
 * Names repeat across a source (the same people in every export), and
 * folding one costs several Unicode normalisations: the results of foldName
 * and foldBase are remembered, a bounded number of them (pure functions, so
 * this changes nothing but the time).
 */
const MEMO_MAX = 1 << 15;
const nameMemo = new Map<string, Readonly<FoldedName> | null>();
const baseMemo = new Map<string, string>();

function remember<V>(memo: Map<string, V>, k: string, v: V): void {
  if (k.length > 200) return;
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(k, v);
}

/**
 * Company names compare without their legal form, so `Lindqvist Bygg AB`
 * and `Lindqvist Bygg Aktiebolag` meet.
 */
const LEGAL_FORMS = new Set(['ab', 'aktiebolag', 'hb', 'handelsbolag', 'kb', 'kommanditbolag', 'ef', 'enskild', 'firma', 'publ', 'ek', 'för', 'ekonomisk', 'förening', 'ltd', 'inc', 'gmbh', 'as', 'asa', 'oy', 'aps', 'bv', 'llc']);

export function normaliseCompany(raw: string): string | undefined {
  const tokens = nameTokens(foldBase(raw)).filter((t) => !LEGAL_FORMS.has(t));
  return tokens.length > 0 ? tokens.join(' ') : undefined;
}

// ---------------------------------------------------------------- addresses

/**
 * A postal address reduced to what identifies a dwelling: the postcode's
 * digits and the street up to and including the first house number
 * (`Södra Storgatan 7 lgh 1102`, `252 23` → `25223|sodra storgatan 7`).
 * Diacritics are removed because address registers often drop them.
 */
export function normaliseAddress(street: string, postcode: string): string | undefined {
  const pc = postcode.replace(/\D/gu, '');
  const tokens = nameTokens(foldBase(street));
  const cut = tokens.findIndex((t) => /^\d/u.test(t));
  const kept = cut >= 0 ? tokens.slice(0, cut + 1) : tokens;
  if (pc.length < 4 || kept.length === 0) return undefined;
  return `${pc}|${kept.join(' ')}`;
}

/** Parses one free-form address line: `Storgatan 14, 252 21 Helsingborg`. */
export function normaliseAddressLine(raw: string): string | undefined {
  const m = /^(.*?)[,\s]+(?:SE-?)?(\d{3}\s?\d{2})\b/iu.exec(raw.trim());
  if (!m?.[1] || !m[2]) return undefined;
  return normaliseAddress(m[1], m[2]);
}

// ---------------------------------------------------------------- dispatch

/**
 * The canonical form of one raw value of a kind, or undefined if it is not
 * one. `region`: where a phone was written (RawIdentifier.region; without
 * it, Sweden); other kinds ignore it.
 */
export function canonical(kind: IdentifierKind, raw: string, region?: CountryCode): string | undefined {
  switch (kind) {
    case 'email':
      return normaliseEmail(raw);
    case 'phone':
      return normalisePhone(raw, region)?.e164;
    case 'pnr':
      return normalisePnr(raw)?.canonical;
    case 'orgnr':
      return normaliseOrgnr(raw)?.canonical;
    case 'customerNo':
      return normaliseCustomerNo(raw);
    case 'ip':
      return normaliseIp(raw);
    case 'gaClientId':
      return normaliseGaClientId(raw);
    case 'userId':
    case 'systemId':
      return normaliseUserId(raw);
    case 'name':
      return foldName(raw)?.key;
    case 'company':
      return normaliseCompany(raw);
    case 'address':
      return normaliseAddressLine(raw);
  }
}

export function key(kind: IdentifierKind, canonicalValue: string): string {
  return `${kind}:${canonicalValue}`;
}

/**
 * Does a reference or request id hold a person's identifier: an e-mail
 * address, a phone number or a personnummer as the whole of it, or a
 * personnummer inside it (`T-199207289969`)? Such ids outlive the purge of
 * a case (they keep a request from being opened twice), so they must not
 * name the person. A ticket number of ten or twelve digits is refused only
 * when it is a valid personnummer (a real date and check digit).
 */
export function looksLikePersonalId(v: string): boolean {
  const t = v.trim();
  if (t.includes('@') && normaliseEmail(t) !== undefined) return true;
  if (normalisePnr(t) !== undefined) return true;
  // As a phone is written (+46…, 07…, 08-…); a reference such as 2026-0042 is not one.
  if (/^(?:\+|0)[\d\s()./-]{7,}$/u.test(t) && normalisePhone(t) !== undefined) return true;
  for (const m of t.matchAll(/(?<!\d)(?:\d{8}|\d{6})[-+]?\d{4}(?!\d)/gu)) if (normalisePnr(m[0]) !== undefined) return true;
  return false;
}
