/**
 * Replacement values for `anonymise` actions that the target system accepts
 * (dsar-anchors.md §7 point 8, §8 point 1: masked values that fail the
 * system's validation are the top complaint against existing tools).
 *
 * - e-mail: a valid address shape in the reserved `.invalid` TLD (RFC 2606);
 * - phone: a number in a PTS range reserved for fiction (formats.md §6.3),
 *   valid under libphonenumber, of the same length and written in the same
 *   style as the original (E.164, international, national, digits only);
 * - names: Lime's GDPR add-on replacement strings `PersonX` / `X-SON` in
 *   every field that holds the name or a part of it (names.ts, AN-2), a
 *   middle name, initials or nickname emptied, and `ANONYMIZED` for other
 *   text (formats.md §1.4);
 * - dates, personnummer and relations: emptied (null), as the add-on resets
 *   date properties and unlinks the company.
 *
 * Values are deterministic: derived from a hash of the source, the locator
 * and the field, never random and never from the clock, so the same plan
 * comes out twice (issue #4 point 4).
 */
import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { IdentifierKind } from '../identity/kinds.ts';
import { phoneParseRegion } from '../identity/normalise.ts';
import { locatorKey, type Locator, type NamePart } from '../record.ts';
import { identifierFieldPart } from './names.ts';
import { sha256Hex } from './canonical.ts';

export const ANONYMISED_EMAIL_DOMAIN = 'anonymised.invalid';
/** Lime GDPR add-on (limepkg-gdpr) replacement strings, formats.md §1.4. */
export const LIME_FIRST_NAME = 'PersonX';
export const LIME_LAST_NAME = 'X-SON';
export const LIME_DEFAULT = 'ANONYMIZED';

/** A seed for one field of one record: the same record and field always give the same value. */
export function seedOf(source: string, locator: Locator, field: string): string {
  return sha256Hex(`${source}\u0000${locatorKey(locator)}\u0000${field}`);
}

/** `anonymised-<8 hex>@anonymised.invalid`. */
export function anonymisedEmail(seed: string): string {
  return `anonymised-${seed.slice(0, 8)}@${ANONYMISED_EMAIL_DOMAIN}`;
}

/**
 * PTS ranges reserved for fiction (formats.md §6.3 [U]; libphonenumber
 * accepts them as valid SE numbers, tested): a mobile range for mobile
 * numbers and a Gothenburg fixed-line range for the rest. Both have nine
 * national digits, as Swedish mobile numbers do.
 */
const MOBILE_FICTION = { prefix: '+467017406', first: 5, last: 99 };
const FIXED_FICTION = { prefix: '+463139006', first: 0, last: 99 };

type PhoneStyle = 'e164' | 'international' | 'international-00' | 'digits-00' | 'national' | 'digits' | 'national-digits-intl';

function styleOf(raw: string): PhoneStyle {
  const s = raw.trim();
  if (/^\+\d+$/u.test(s)) return 'e164';
  if (/^00\d+$/u.test(s)) return 'digits-00';
  if (s.startsWith('00')) return 'international-00';
  if (s.startsWith('+')) return 'international';
  if (/^\d+$/u.test(s)) return s.startsWith('0') ? 'digits' : 'national-digits-intl';
  return 'national';
}

/**
 * Renders an E.164 number in the style of another rendering. `region` is
 * where the field's numbers are read (RawIdentifier.region; Sweden without
 * it): a number of another country is not written nationally there, where
 * it would be read as another number (a Swedish `070-174 06 05` on a German
 * contact is +49 70 1740605), but internationally, with `00` for digits only
 * (digits with the country code and no `+`, `46701740605`, are read so only
 * in the country of that code).
 */
export function formatPhoneLike(e164: string, original: string, region: CountryCode = 'SE'): string {
  const p = parsePhoneNumberFromString(e164);
  if (!p) return e164;
  const style = styleOf(original);
  if ((style === 'digits' || style === 'national' || style === 'national-digits-intl') && p.countryCallingCode !== getCountryCallingCode(region)) {
    return style === 'national' ? p.formatInternational() : `00${p.number.slice(1)}`;
  }
  switch (style) {
    case 'e164':
      return p.number;
    case 'international':
      return p.formatInternational();
    case 'international-00':
      return `00${p.formatInternational().slice(1)}`;
    case 'digits-00':
      return `00${p.number.slice(1)}`;
    case 'digits':
      return `0${p.nationalNumber}`;
    case 'national-digits-intl':
      return p.number.slice(1);
    case 'national':
      return p.formatNational();
  }
}

/**
 * A fictional phone number of the original's type (mobile or not) and
 * style. `avoid` lists E.164 numbers it must not be (the original, the
 * subject's own numbers), so the replacement never equals what it replaces.
 * `region`: where the original was written (RawIdentifier.region).
 */
export function anonymisedPhone(seed: string, original: string, avoid: ReadonlySet<string> = new Set(), region: CountryCode = 'SE'): string {
  const parsed = parsePhoneNumberFromString(original.trim(), phoneParseRegion(original, region));
  const mobile = parsed ? parsed.getType() === 'MOBILE' || parsed.getType() === 'FIXED_LINE_OR_MOBILE' || /^\+467/u.test(parsed.number) : /^(\+46|0046|46)?0?7/u.test(original.replace(/\D/gu, ''));
  const range = mobile ? MOBILE_FICTION : FIXED_FICTION;
  const size = range.last - range.first + 1;
  const start = parseInt(seed.slice(0, 8), 16) % size;
  const skip = new Set(avoid);
  if (parsed) skip.add(parsed.number);
  for (let i = 0; i < size; i++) {
    const n = range.first + ((start + i) % size);
    const e164 = `${range.prefix}${String(n).padStart(2, '0')}`;
    if (!skip.has(e164)) return formatPhoneLike(e164, original, region);
  }
  return formatPhoneLike(`${range.prefix}${String(range.first).padStart(2, '0')}`, original, region);
}

/**
 * The replacement of a part of the subject's name (AN-2): the add-on's
 * strings for the first, last and whole name; a middle name, initials and
 * other forms (a nickname) are emptied.
 */
export function anonymisedName(part: NamePart): string | null {
  switch (part) {
    case 'first':
      return LIME_FIRST_NAME;
    case 'last':
      return LIME_LAST_NAME;
    case 'full':
      return `${LIME_FIRST_NAME} ${LIME_LAST_NAME}`;
    case 'middle':
    case 'initials':
    case 'other':
      return null;
  }
}

/**
 * The replacement for a field that carries an identifier of the subject,
 * or `undefined` when the field is kept (the systems' own keys).
 * `region`: a phone's (RawIdentifier.region).
 */
export function replacementFor(
  kind: IdentifierKind,
  field: string,
  original: string,
  seed: string,
  avoidPhones: ReadonlySet<string>,
  region?: CountryCode,
): string | null | undefined {
  switch (kind) {
    case 'email':
      return anonymisedEmail(seed);
    case 'phone':
      return anonymisedPhone(seed, original, avoidPhones, region);
    case 'name':
      return anonymisedName(identifierFieldPart(field));
    case 'ip':
      return original.includes(':') ? '::' : '0.0.0.0';
    case 'pnr':
    case 'orgnr':
    case 'address':
    case 'gaClientId':
    case 'userId':
      return null;
    case 'customerNo':
    case 'systemId':
    case 'company':
      // The systems' keys stay so that the row keeps its links (the reason
      // for anonymising instead of deleting); relations are handled apart.
      return undefined;
  }
}
