/**
 * Small pieces the Visma formats share: identifier lists, dates, addresses,
 * and the decision whether a customer is a natural person (formats.md §2.4:
 * CorporateIdentityNumber holds an org.nr, or a personnummer for private
 * persons and sole traders).
 */
import type { RawIdentifier } from '../../src/core/record.ts';
import { foldBase, nameTokens, normaliseOrgnr, normalisePnr } from '../../src/core/identity/normalise.ts';

/** A field value as trimmed text: strings and numbers only. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/**
 * Collects raw identifiers; blank values are left out. `phoneRegion`: where
 * the record's phones are read, the customer's country (RawIdentifier.region).
 */
export class IdList {
  readonly list: RawIdentifier[] = [];
  constructor(private readonly phoneRegion?: RawIdentifier['region']) {}
  add(kind: RawIdentifier['kind'], field: string, value: unknown, holder?: string): void {
    const s = str(value);
    if (!s) return;
    const id: RawIdentifier = holder && holder !== 'self' ? { kind, field, value: s, holder } : { kind, field, value: s };
    if (kind === 'phone' && this.phoneRegion) id.region = this.phoneRegion;
    this.list.push(id);
  }
}

/** Collects free text for the core's scan (names, e-mail addresses, phones, personnummer in texts). */
export class TextList {
  readonly list: { field: string; value: string }[] = [];
  private readonly seen = new Set<string>();
  /** Repeated texts (a voucher's rows often all say "[1044] Märta Öberg") are scanned once, under their first field. */
  add(field: string, value: unknown): void {
    const s = str(value);
    if (!s || this.seen.has(s)) return;
    this.seen.add(s);
    this.list.push({ field, value: s });
  }
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/**
 * ISO date (YYYY-MM-DD) from the API's `2025-04-30`, `2025-04-30T00:00:00`,
 * `2025-04-30T10:02:11.133Z` or SIE's `20250430` (spec §5.10). The date part is
 * taken as written: the API writes local Swedish dates without a zone.
 */
export function isoDate(v: unknown): string | undefined {
  const s = str(v);
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[T\s])/u.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return validDate(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** The latest of some ISO dates. */
export function latestDate(...dates: (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const d of dates) if (d && (!best || d > best)) best = d;
  return best;
}

/**
 * One address line as the core parses it (`Storgatan 14, 252 21 Helsingborg`):
 * the street's first line, the postcode and the city. Undefined without a
 * street or a postcode, which the core needs to compare addresses.
 */
export function addressLine(street: unknown, postcode: unknown, city: unknown): string | undefined {
  const s = str(street).split(/\r?\n/u)[0]?.trim() ?? '';
  const p = str(postcode);
  if (!s || !p) return undefined;
  const c = str(city);
  return `${s}, ${p}${c ? ` ${c}` : ''}`;
}

// ---------------------------------------------------------------- parties

/**
 * Words that mark a name as an organisation's. Legal forms first (the core's
 * own list in normalise.ts, plus more), then trade words that Swedish firm
 * names are built from. Compared without diacritics and case.
 */
const LEGAL_FORMS = [
  'ab', 'aktiebolag', 'aktiebolaget', 'hb', 'handelsbolag', 'handelsbolaget', 'kb', 'kommanditbolag', 'ef', 'enskild', 'firma',
  'ekonomisk', 'forening', 'foreningen', 'brf', 'bostadsrattsforening', 'bostadsrattsforeningen', 'stiftelse', 'stiftelsen',
  'ideell', 'publ', 'ltd', 'limited', 'inc', 'gmbh', 'as', 'asa', 'oy', 'oyj', 'aps', 'bv', 'nv', 'llc', 'plc', 'sa', 'sarl',
  'srl', 'spa', 'kg', 'ag', 'co', 'corp', 'corporation', 'company', 'kommun', 'region', 'landsting', 'forsamling',
];
const TRADE_WORDS = [
  'konsult', 'konsulter', 'konsulting', 'consulting', 'consultants', 'bygg', 'byggnad', 'entreprenad', 'vvs', 'maleri', 'mekaniska',
  'verkstad', 'data', 'trading', 'handel', 'import', 'export', 'hotell', 'hotel', 'restaurang', 'cafe', 'pensionat', 'fastighet',
  'fastigheter', 'forvaltning', 'invest', 'holding', 'group', 'gruppen', 'service', 'services', 'system', 'systems', 'teknik',
  'tech', 'butik', 'butiken', 'massan', 'skola', 'skolan', 'klinik', 'kliniken', 'tandvard', 'transport', 'akeri', 'redovisning',
  'revision', 'bokforing', 'byra', 'byran', 'design', 'media', 'forlag', 'partner', 'partners', 'solutions', 'international',
  'sverige', 'sweden', 'scandinavia', 'nordic', 'center', 'centrum', 'studio', 'salong', 'galleri', 'apotek', 'bank', 'forsakring',
  'kontor', 'shop', 'store', 'elektronik', 'stadshotell', 'turisthotell', 'fjallstation', 'egendom', 'bevakning', 'logistik',
];
/** Compound endings: Swedish firm names glue the trade word to a name (`Lindbygg`, `Möbelbutiken`). */
const TRADE_SUFFIXES = [
  'bolaget', 'butiken', 'konsult', 'bygg', 'service', 'teknik', 'hotell', 'forening', 'foreningen', 'magasinet', 'massan',
  'stationen', 'huset', 'gruppen', 'verkstad', 'akeri', 'fabrik', 'industri', 'kliniken', 'skolan', 'restaurangen', 'stallet',
  'bevakning', 'fastigheter', 'elektronik', 'byran', 'livs',
];
// `ek` (ek. för.) is left out: it is also a surname (Karin Ek).
const COMPANY_WORDS = new Set([...LEGAL_FORMS, ...TRADE_WORDS]);

/**
 * Does a name look like an organisation's rather than a person's? A
 * heuristic for registers that do not say (SIE #OBJEKT, a customer list
 * without a private-person column): a legal form or trade word, a compound
 * ending in one, `&`, a digit, or a short upper-case abbreviation in a name
 * that is not all upper case (`IWU Trading`). Anything else is taken for a
 * person, on purpose: a person's name read as a company's is never searched
 * as a name, while a company's name read as a person's only costs a
 * name-only candidate, and the matcher does not follow a company's phone or
 * e-mail whose holder's name conflicts with the subject's.
 */
export function looksLikeCompany(name: string, extraWords: readonly string[] = []): boolean {
  const raw = name.trim();
  if (!raw) return false;
  if (/[&@\d]/u.test(raw)) return true;
  const extra = new Set(extraWords.map((w) => foldBase(w)));
  const tokens = nameTokens(foldBase(raw));
  for (const t of tokens) {
    if (COMPANY_WORDS.has(t) || extra.has(t)) return true;
    if (TRADE_SUFFIXES.some((s) => t.length > s.length + 1 && t.endsWith(s))) return true;
  }
  if (raw !== raw.toUpperCase()) {
    for (const t of raw.split(/[\s,.()/-]+/u)) if (/^\p{Lu}{2,5}$/u.test(t)) return true;
  }
  return false;
}

export type PartyKind = 'private' | 'sole-trader' | 'organisation';

/**
 * What a customer is. A personnummer in the org.nr field makes it a person:
 * a sole trader (enskild firma, formats.md §6.2) when the register says it is
 * not a private person or its name is a trade name, else a private person. A
 * company org.nr makes it an organisation. Without either, the register's
 * private-person flag decides, and without that, the name.
 */
export function classifyParty(p: { privateFlag?: boolean | undefined; orgnr?: string; name?: string }, companyWords: readonly string[] = []): PartyKind {
  const raw = p.orgnr?.trim() ?? '';
  const o = raw ? normaliseOrgnr(raw) : undefined;
  const personal = (o?.personal ?? false) || (!o && raw !== '' && normalisePnr(raw) !== undefined);
  const companyName = looksLikeCompany(p.name ?? '', companyWords);
  if (personal) {
    if (p.privateFlag === true) return 'private';
    if (p.privateFlag === false) return 'sole-trader';
    return companyName ? 'sole-trader' : 'private';
  }
  if (o) return 'organisation';
  if (p.privateFlag !== undefined) return p.privateFlag ? 'private' : 'organisation';
  return companyName ? 'organisation' : 'private';
}

/** Parses a yes/no cell of a register export (`Privatperson`, `Ja`, `true`, `1`). */
export function parseFlag(v: string, yes: RegExp, no: RegExp): boolean | undefined {
  const s = foldBase(v);
  if (!s) return undefined;
  if (yes.test(s)) return true;
  if (no.test(s)) return false;
  return undefined;
}

/**
 * Spiris and BL write a receivable row's text as `[kundnr] Kundnamn`
 * (formats.md §2.3). On a kundfordringar account (BAS 1510-1519) the number in
 * brackets is the customer number; on other accounts it may be a supplier's
 * or an invoice's, so it is not taken there.
 */
export function bracketCustomer(account: unknown, text: unknown): { no: string; name: string } | undefined {
  if (!/^151\d$/u.test(str(account))) return undefined;
  const m = /^\s*\[([A-Za-z0-9][A-Za-z0-9-]{0,19})\]\s+(\S.*)$/u.exec(str(text));
  return m ? { no: m[1]!, name: m[2]!.trim() } : undefined;
}
