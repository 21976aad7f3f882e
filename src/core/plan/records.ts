/**
 * From matched records to what the planners decide on: each record tied to
 * its register entry and erasure class, the parties in it that are the
 * subject, and the possible matches set aside (issue #2: possible matches
 * are never mixed with exact ones; they get no action unless confirmed).
 */
import type { IdentifierKind } from '../identity/kinds.ts';
import { canonical } from '../identity/normalise.ts';
import { parseIsoDate } from '../law/dates.ts';
import type { MatchedRecord } from '../match/matcher.ts';
import { holderOf, locatorKey, type Locator, type RawIdentifier, type SourceRecord } from '../record.ts';
import { PlanInputError, type PlanFieldInfo, type PlanInput, type PlanRecordNote, type PlanRegisterEntry } from './types.ts';

export type ErasureClass = 'R' | 'S' | 'M' | 'O';

export interface Prepared {
  /** Index into the input's matches. */
  index: number;
  match: MatchedRecord;
  record: SourceRecord;
  source: string;
  connector: string;
  /** `source \0 locatorKey`: one record. */
  key: string;
  category: string;
  entry: PlanRegisterEntry;
  /** The register's class, raised to R when the record says it is räkenskapsinformation. */
  cls: ErasureClass;
  /** The record flagged itself as (possible) räkenskapsinformation against its register class (an e-mail with an invoice). */
  flaggedBookkeeping: boolean;
  /** Holders in the record that are the subject (`self`, `contact`, `person`, `mention`, ...); never a legal person. */
  subjectHolders: Set<string>;
  /** A possible match the officer confirmed. */
  confirmed: boolean;
  /** The connector's description of a top-level field of the record; undefined when it does not describe it. */
  fieldInfo: (name: string) => PlanFieldInfo | undefined;
}

export function recordKey(source: string, locator: Locator): string {
  return `${source}\u0000${locatorKey(locator)}`;
}

/**
 * Ties every match to its register entry; sets aside unconfirmed possible
 * matches. Throws PlanInputError listing every problem at once.
 */
export function prepare(input: PlanInput): { included: Prepared[]; excluded: PlanRecordNote[] } {
  const problems: { code: string; message: string; source?: string }[] = [];
  if (!parseIsoDate(input.asOf)) problems.push({ code: 'plan.as-of', message: 'asOf must be a date in YYYY-MM-DD form' });
  if (input.today !== undefined && !parseIsoDate(input.today)) problems.push({ code: 'plan.today', message: 'today must be a date in YYYY-MM-DD form' });
  const included: Prepared[] = [];
  const excluded: PlanRecordNote[] = [];
  const seen = new Set<string>();
  const unexplained = new Set<string>();
  input.matches.forEach((m, index) => {
    const src = input.sources[m.source];
    if (!src) {
      problems.push({ code: 'plan.source', message: `a match refers to source #${m.source}, which was not given` });
      return;
    }
    const rec = m.record;
    const key = recordKey(src.name, rec.locator);
    if (seen.has(key)) return;
    seen.add(key);
    const category = rec.category ?? '';
    const entry = category ? input.register.processing[category] : undefined;
    if (!entry) {
      const k = `${src.name}\u0000${rec.entity}\u0000${category}`;
      if (!unexplained.has(k)) {
        unexplained.add(k);
        problems.push({
          code: 'register.unexplained',
          message: `records of entity "${rec.entity}" (source ${src.name}) have the category "${category || '(none)'}", which the register does not describe`,
          source: src.name,
        });
      }
      return;
    }
    const confirmed = m.confidence === 'possible' && input.confirmed?.has(index) === true;
    if (m.confidence === 'possible' && !confirmed) {
      excluded.push({
        source: src.name,
        connector: src.connector,
        locator: rec.locator,
        entity: rec.entity,
        ...(rec.label ? { label: rec.label } : {}),
        confidence: m.confidence,
        category,
        reason: 'A possible match (name or IP only) gets no action until the officer confirms that it is the subject.',
      });
      return;
    }
    // BF-2: a record that says it is räkenskapsinformation is retained whatever
    // its category says; `bookkeeping: false` never lowers a class R entry.
    const flagged = rec.bookkeeping === true && entry.erasure !== 'R';
    const cls: ErasureClass = rec.bookkeeping === true ? 'R' : entry.erasure;
    // An organisation is the subject only through one of the subject's own
    // keys (a sole trader's personnummer as its org.nr, its e-mail): a company
    // that merely shares the person's address is evidence, not the person's
    // data, and its fields (org.nr, switchboard, address) are neither erased
    // nor rectified.
    const subjectHolders = new Set(
      m.evidence.filter((e) => e.via !== 'context' && (holderOf(rec, e.holder).scope !== 'organisation' || e.via === 'given' || e.via === 'link')).map((e) => e.holder),
    );
    const fieldInfo = (name: string): PlanFieldInfo | undefined => src.field?.(rec.entity, name);
    included.push({ index, match: m, record: rec, source: src.name, connector: src.connector, key, category, entry, cls, flaggedBookkeeping: flagged, subjectHolders, confirmed, fieldInfo });
  });
  if (problems.length > 0) throw new PlanInputError('the plan cannot be made from this input', problems);
  return { included, excluded };
}

// ---------------------------------------------------------------- fields

/**
 * The value at a `/`-separated path into a record's fields (`EmailAddresses/0`, `Persons/1/Ssn`).
 * A field whose own name holds a `/` (a customer list's `Organisationsnummer/Personnummer`
 * column) is that field, not a path.
 */
export function valueAt(fields: unknown, path: string): unknown {
  if (fields !== null && typeof fields === 'object' && !Array.isArray(fields) && Object.hasOwn(fields, path)) return (fields as Record<string, unknown>)[path];
  let cur: unknown = fields;
  for (const part of path.split('/')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (typeof cur === 'object') cur = (cur as Record<string, unknown>)[part];
    else return undefined;
  }
  return cur;
}

export function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The real fields behind an identifier's field. Connectors name a few
 * composite fields (`First Name + Last Name` in a newsletter export); the
 * parts are the fields to change.
 */
export function realFields(record: SourceRecord, field: string): string[] {
  if (field.includes(' + ')) {
    return field
      .split(' + ')
      .map((f) => f.trim())
      .filter((f) => f && valueAt(record.fields, f) !== undefined);
  }
  return [field];
}

/** Every string leaf of a value, lower-cased, for "is this value on that document" checks. */
export function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.trim()) out.push(value.toLowerCase());
  } else if (typeof value === 'number') {
    out.push(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) stringLeaves(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) stringLeaves(v, out);
  }
  return out;
}

/** The identifiers of the record that belong to the subject. */
export function subjectIdentifiers(p: Prepared): RawIdentifier[] {
  return p.record.identifiers.filter((id) => p.subjectHolders.has(id.holder ?? 'self'));
}

/** The subject's identifiers as `<kind>:<canonical>` keys, from the evidence of a record. */
export function evidenceIdentifiers(p: Prepared): { kind: IdentifierKind; value: string }[] {
  const out: { kind: IdentifierKind; value: string }[] = [];
  for (const e of p.match.evidence) {
    if (e.via !== 'given' && e.via !== 'link') continue;
    const colon = e.key.indexOf(':');
    if (colon < 0) continue;
    out.push({ kind: e.kind, value: e.key.slice(colon + 1) });
  }
  return out;
}

/** Canonical keys of a record's identifiers of one kind. */
export function canonicalValues(record: SourceRecord, kind: IdentifierKind): Set<string> {
  const out = new Set<string>();
  for (const id of record.identifiers) {
    if (id.kind !== kind) continue;
    const c = canonical(kind, id.value, id.region);
    if (c) out.add(c);
  }
  return out;
}

// Visma Administration's DBF codes too: `POSTADR` (with `POSTNR`, `ORT`) and `LEVADR` (with `LEVPOSTNR`, `LEVORT`).
const ADDRESS_FIELD = /^(.*?)(address1?|adress1?|street|postadr1?|adr1?)$/iu;

/** Swedish and German Outlook's street field, its address named by a suffix (`Gatuadress hem`, `Straße privat`). */
const LOCALISED_OUTLOOK_STREET = /^(gatuadress|stra(?:ß|ss)e)(\s+\p{L}+)$/iu;

/** A field name as address parts are compared: case, spaces, `_` and `-` aside (Outlook's `Home Postal Code`, Graph's `postalCode`). */
export const squashFieldName = (k: string): string => k.toLowerCase().replace(/[\s_-]/gu, '');

/** Names of the further lines of an address (a c/o line) after its prefix, squashed. */
const MORE_LINES = ['address2', 'adress2', 'street2', 'street3', 'postadr2', 'adr2'];

/**
 * Postal-code and city fields that go with an address field
 * (`InvoiceAddress1` → `InvoicePostalCode`, `InvoiceCity`; Lime
 * `postaladdress1` → `postalzipcode`, `postalcity`; Outlook's `Home Street`
 * → `Home Postal Code`, `Home City`; Visma Administration's `POSTADR` →
 * `POSTNR`, `ORT`; Swedish Outlook's `Gatuadress arbete` → `Postnummer
 * arbete`, `Ort arbete`, German `Straße privat` → `Postleitzahl privat`,
 * `Ort privat`), when the record has them; and its further lines, where
 * a c/o or a second street line is kept (`InvoiceAddress2`,
 * `postaladdress2`, `Home Street 2`, `POSTADR2`).
 */
export function addressSiblings(record: SourceRecord, field: string): { postcode?: string; city?: string; lines?: string[] } {
  const fields = record.fields;
  const localised = LOCALISED_OUTLOOK_STREET.exec(field);
  if (localised) {
    // Swedish and German Outlook name the address by a suffix: `Gatuadress arbete` with `Postnummer arbete`, `Ort
    // arbete` and `Gatuadress 2 arbete`; `Straße privat` with `Postleitzahl privat`, `Ort privat`, `Straße privat 2`.
    const german = /^stra(?:ß|ss)e$/iu.test(localised[1]!);
    const suffix = squashFieldName(localised[2]!);
    const byName = (n: string): string | undefined => Object.keys(fields).find((k) => squashFieldName(k) === n);
    const street = german ? 'straße' : 'gatuadress';
    const [postcode, city] = [byName(`${german ? 'postleitzahl' : 'postnummer'}${suffix}`), byName(`ort${suffix}`)];
    const lines = ['2', '3']
      .map((n) => byName(german ? `${street}${suffix}${n}` : `${street}${n}${suffix}`) ?? (german ? byName(`strasse${suffix}${n}`) : undefined))
      .filter((k): k is string => k !== undefined);
    return { ...(postcode ? { postcode } : {}), ...(city ? { city } : {}), ...(lines.length > 0 ? { lines } : {}) };
  }
  const m = ADDRESS_FIELD.exec(field);
  if (!m) return {};
  // Compared without case, spaces, `_` and `-`: Outlook's `Home Street` has `Home Postal Code`.
  const prefix = squashFieldName(m[1] ?? '');
  const keys = Object.keys(fields);
  const find = (names: string[]): string | undefined => {
    for (const n of names) {
      for (const k of keys) if (squashFieldName(k) === prefix + squashFieldName(n)) return k;
    }
    // A prefix that only names the address (Visma's `Fakturaadress` beside `Postnummer` and `Ort`), when it
    // is the record's one postal address: beside a second one (`Leveransadress`) the plain fields are not known
    // to be its. (`E-mail Address` is no postal address.)
    if (prefix && keys.filter((k) => ADDRESS_FIELD.test(k) && !/e-?mail|e-?post/iu.test(k)).length === 1) for (const n of names) for (const k of keys) if (squashFieldName(k) === squashFieldName(n)) return k;
    return undefined;
  };
  const postcode = find(['PostalCode', 'ZipCode', 'Postcode', 'PostNr', 'Postnummer']);
  const city = find(['City', 'PostalCity', 'Ort', 'Postort']);
  const own = squashFieldName(field);
  const lines = keys.filter((k) => squashFieldName(k) !== own && MORE_LINES.some((n) => squashFieldName(k) === prefix + n));
  return { ...(postcode ? { postcode } : {}), ...(city ? { city } : {}), ...(lines.length > 0 ? { lines } : {}) };
}

/**
 * A contact card's business address: Outlook's `Business Street` (Swedish `Gatuadress arbete`, German
 * `Straße geschäftlich`), Graph's `businessAddress`, Google's `Address 2 - Street` whose type is Work. It is
 * where the person works, which is the address of the company the card names.
 */
export function isBusinessAddressField(record: SourceRecord, field: string): boolean {
  const squashed = squashFieldName(field);
  if (squashed === 'businessstreet' || squashed === 'businessaddress') return true;
  if (/^(?:gatuadress|stra(?:ß|ss)e)\s+(?:arbete|gesch(?:ä|ae?)ftlich)$/iu.test(field.trim())) return true;
  const google = /^Address (\d+) - Street$/iu.exec(field.trim());
  if (google) {
    const type = record.fields[`Address ${google[1]} - Type`];
    return typeof type === 'string' && /\bwork\b/iu.test(type);
  }
  return false;
}

// The BF-1a facts of a record (its booking dates, an open receivable, a carried balance) live with the rule.
export { bookingDates, isCarriedBalance, isOpenReceivable } from '../law/record-retention.ts';

/** Party records: their own id is an identifier (a Lime person or company, a Visma customer). */
export function ownSystemIds(record: SourceRecord): string[] {
  return record.identifiers.filter((id) => id.kind === 'systemId' && (id.holder ?? 'self') === 'self').map((id) => id.value);
}

/** Relations to other records: system ids held by another party of the record. */
export function relationSystemIds(record: SourceRecord): string[] {
  return record.identifiers.filter((id) => id.kind === 'systemId' && (id.holder ?? 'self') !== 'self').map((id) => id.value);
}

/** Does the record have a party that is an organisation (a deal's company)? */
export function hasOrganisationParty(record: SourceRecord): boolean {
  return Object.entries(record.holders ?? {}).some(([h, info]) => info.scope === 'organisation' && record.identifiers.some((id) => (id.holder ?? 'self') === h));
}
