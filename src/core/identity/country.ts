/**
 * Where a record says its holder is, as the region a phone number is read
 * in. Pure: Intl and libphonenumber's metadata only.
 *
 * Exports write a country as a name in the language of the program or of
 * the person who typed it (`Deutschland`, `Germany`, `Tyskland`, `Sverige`)
 * or as a code (`DE`, Visma's InvoiceCountryCode). The names are not a
 * table of ours: they are Intl.DisplayNames' names (long and short: `UK`,
 * `USA`) of every region libphonenumber knows, in the languages of OJCO's
 * customers, compared without case, diacritics and punctuation. A text that
 * is none of them gives no region, and the phone is read as Swedish, as a
 * phone without one is.
 */
import { getCountries, type CountryCode } from 'libphonenumber-js/max';
import { foldBase } from './normalise.ts';

/** The languages whose country names are recognised. */
export const COUNTRY_NAME_LANGUAGES = ['en', 'sv', 'de', 'da', 'nb', 'fi', 'fr', 'es', 'nl', 'it', 'pl'] as const;

/** A country text as it is compared: no case, no diacritics (`ø` is `o`, `ß` is `ss`), punctuation and spaces as one space. */
export function foldCountry(text: string): string {
  return foldBase(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

let names: Map<string, CountryCode> | undefined;

/** Built once, on the first country looked up: some 6000 names. */
function countryNames(): Map<string, CountryCode> {
  if (names) return names;
  const codes = getCountries();
  const out = new Map<string, CountryCode>();
  // The codes first: a short name that is another region's code (Spanish `RU` for the United Kingdom) stays that region's.
  for (const c of codes) out.set(c.toLowerCase(), c);
  const isCode = new Set(out.keys());
  const ambiguous = new Set<string>();
  for (const language of COUNTRY_NAME_LANGUAGES) {
    for (const style of ['long', 'short'] as const) {
      let display: Intl.DisplayNames;
      try {
        display = new Intl.DisplayNames([language], { type: 'region', style, fallback: 'none' });
      } catch {
        continue; // A Node without the language's ICU data: its names are not known.
      }
      for (const c of codes) {
        const name = display.of(c);
        if (!name) continue;
        const k = foldCountry(name);
        if (!k || isCode.has(k)) continue;
        const prev = out.get(k);
        // One name for two regions in two languages says neither.
        if (prev !== undefined && prev !== c) ambiguous.add(k);
        else out.set(k, c);
      }
    }
  }
  for (const k of ambiguous) out.delete(k);
  names = out;
  return out;
}

/** The ISO 3166 code of a country text (`Deutschland`, `germany`, `DE`, `Tyskland`), or undefined when it names no country libphonenumber knows. */
export function countryCode(text: string | undefined | null): CountryCode | undefined {
  if (typeof text !== 'string') return undefined;
  const k = foldCountry(text);
  return k ? (countryNames().get(k) ?? OTHER_NAMES[k]) : undefined;
}

/**
 * Names people write that are no region's name in Intl.DisplayNames, long
 * or short: the official long forms and the parts for the whole. Only
 * where the meaning is not in doubt.
 */
const OTHER_NAMES: Readonly<Record<string, CountryCode>> = {
  'united states of america': 'US',
  'u s a': 'US',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  storbritannien: 'GB',
  holland: 'NL',
  'the netherlands': 'NL',
  'czech republic': 'CZ',
  tjeckien: 'CZ',
  'republic of ireland': 'IE',
  'federal republic of germany': 'DE',
  brd: 'DE',
};

/** The address a phone of a contact card goes with: a business phone with the business address, and so on. */
export type AddressGroup = 'business' | 'home' | 'other';

/** What kind of phone it is, for the address it goes with; `undefined` for a phone of no group (a pager, a car phone). */
export type PhoneGroup = AddressGroup | 'mobile';

/**
 * The region of each phone of a record from the countries of its
 * addresses (texts as exported): a business phone takes the business
 * address's country, a home phone the home address's, a mobile the home
 * address's and else the business address's. A phone whose own address
 * has no country takes the record's one country, when all the countries
 * it gives are one; else it has no region (read as Swedish). A country
 * text that names no country known (`Atlantis`) counts as none: the phone
 * falls back as if its address gave no country.
 */
export function phoneRegions(countries: Partial<Record<AddressGroup, string | undefined>>): (group: PhoneGroup | undefined) => CountryCode | undefined {
  const given = new Map<AddressGroup, CountryCode | undefined>();
  for (const g of ['business', 'home', 'other'] as const) {
    const t = countries[g];
    const c = typeof t === 'string' ? countryCode(t) : undefined;
    if (c !== undefined) given.set(g, c);
  }
  const distinct = new Set(given.values());
  const only = distinct.size === 1 ? [...distinct][0] : undefined;
  return (group) => {
    const order: AddressGroup[] = group === 'mobile' ? ['home', 'business'] : group ? [group] : [];
    for (const g of order) if (given.has(g)) return given.get(g);
    return only;
  };
}
