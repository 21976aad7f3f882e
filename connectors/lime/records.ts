/**
 * One Lime object (or one row of the client's list export) as a record:
 * its identifiers grouped by holder, its free text, date and label.
 *
 * Holders: `self` is the object itself, a natural person unless its
 * limetype is an organisation (company). A belongs-to relation is a holder
 * of its own named after the field (`person`, `company`, `coworker`), and
 * its id is a namespaced systemId (`lime:person:1001`), the same string the
 * person object carries on itself, so the core follows history, deals and
 * consents to the person. Relations to limetypes that are not parties (a
 * history's `deal`) are not identifiers: a deal is not a person.
 */
import { countryCode } from '../../src/core/identity/country.ts';
import type { IdentifierKind } from '../../src/core/identity/kinds.ts';
import type { HolderInfo, Locator, RawIdentifier, SourceRecord } from '../../src/core/record.ts';
import { extraIdentifiers, type FieldClassification } from '../../src/sources/classify.ts';
import type { RecordCategory } from '../../src/register/categories.ts';
import {
  IDENTIFIER_NAMES,
  LIMETYPES,
  limetypeEn,
  limetypeSv,
  normName,
  RELATION_NAMES,
  TEXT_NAMES,
  UNKNOWN_LIMETYPE_CATEGORY,
  type Party,
} from './fields.ts';

export interface LimetypeDeclaration {
  category: RecordCategory;
  title?: string | undefined;
  party?: Party | undefined;
}

/** What the source's options say about its solution: its own limetypes, relation names and fields. */
export interface Solution {
  limetypes?: Record<string, LimetypeDeclaration> | undefined;
  relations?: Record<string, string> | undefined;
  fields?: FieldClassification | undefined;
  textFields?: string[] | undefined;
}

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A limetype's register category and party: the solution's declaration, else the core model's, else the generic rule. */
export function limetypeInfo(limetype: string, solution: Solution): { category: RecordCategory; party: Party | undefined } {
  const declared = solution.limetypes?.[limetype];
  const core = LIMETYPES[limetype];
  return {
    category: declared?.category ?? core?.category ?? UNKNOWN_LIMETYPE_CATEGORY,
    party: declared?.party ?? core?.party,
  };
}

/** The limetype a field of `obj` relates to, if the field is a belongs-to relation. */
export function relationTarget(field: string, obj: Obj, solution: Solution): string | undefined {
  const mapped = solution.relations?.[field];
  if (mapped) return mapped;
  if (RELATION_NAMES.includes(field) || solution.limetypes?.[field] || LIMETYPES[field]) return field;
  const links = obj._links;
  if (isObj(links) && isObj(links[`relation_${field}`])) return field;
  return undefined;
}

/** An object id as a string: Lime ids are integers, some saved responses quote them. */
export function idOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if (typeof v === 'string' && /^\d+$/u.test(v.trim())) return v.trim();
  return undefined;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

/**
 * The identifiers of one party held in a set of properties: recognised
 * identifier fields, the name (a person's) or company name (an
 * organisation's), and an organisation's postal and visiting addresses.
 * Without a party (a history, a deal) only the recognised identifier
 * fields count: the name of a deal is not a person's.
 * `fieldOf` turns a property into the record's field path (a nested
 * relation's `company/name`, a client export's column header).
 */
export function partyIdentifiers(props: Obj, party: Party | undefined, holder: string, fieldOf: (property: string) => string): RawIdentifier[] {
  const out: RawIdentifier[] = [];
  // A party's own `country` (a company's, formats.md §1.2): where its phones are read. Another party's (a person's company) is not hers.
  const region = countryCode(str(props.country));
  const add = (kind: IdentifierKind, property: string, value: string): void => {
    if (value) out.push({ kind, value, field: fieldOf(property), ...(holder === 'self' ? {} : { holder }), ...(kind === 'phone' && region ? { region } : {}) });
  };
  for (const [k, v] of Object.entries(props)) {
    const kind = IDENTIFIER_NAMES[normName(k)];
    if (kind) add(kind, k, str(v));
  }
  const name = str(props.name);
  if (party === 'person') {
    const full = `${str(props.firstname)} ${str(props.lastname)}`.trim();
    if (name) add('name', 'name', name);
    if (full && full.toLowerCase() !== name.toLowerCase()) add('name', props.firstname ? 'firstname' : 'lastname', full);
  } else if (party === 'organisation') {
    add('company', 'name', name);
    for (const [street, more, zip, city] of [
      ['postaladdress1', 'postaladdress2', 'postalzipcode', 'postalcity'],
      ['visitingaddress1', 'visitingaddress2', 'visitingzipcode', 'visitingcity'],
    ] as const) {
      const z = str(props[zip]);
      if (!z) continue;
      // Either line may be the street: `c/o` goes in one, the street in the other.
      for (const line of [street, more]) {
        const s = str(props[line]);
        if (s) add('address', line, `${s.replace(/\s*\n\s*/gu, ', ')}, ${z} ${str(props[city])}`.trim());
      }
    }
  }
  return out;
}

const DATE_FIELDS = ['date', 'closeddate', 'enddate', 'registrationdate', '_timestamp', '_createdtime'];

/** The date part of the first ISO date among the fields (Lime writes local time with its offset). */
export function dateOf(values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = /^(\d{4}-\d{2}-\d{2})/u.exec(v.trim());
    if (m) return m[1];
  }
  return undefined;
}

function label(parts: unknown[]): string {
  const s = parts.map(str).filter(Boolean).join(' ');
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * A record of one Lime object of `limetype`. The object's `_embedded`
 * relations are records of their own, so they are left out of its fields.
 */
export function objectRecord(obj: Obj, limetype: string, locator: Locator, solution: Solution): SourceRecord {
  const { category, party } = limetypeInfo(limetype, solution);
  const fields: Obj = {};
  // The properties that are the object's own, not a relation's (whose identifiers belong to another holder).
  const own: Obj = {};
  const holders: Record<string, HolderInfo> = {};
  const related: RawIdentifier[] = [];
  const text: { field: string; value: string }[] = [];
  const textFields = new Set(solution.textFields ?? []);
  if (party === 'organisation') holders.self = { scope: 'organisation', role: limetype };
  for (const [k, v] of Object.entries(obj)) {
    if (k === '_embedded') continue;
    fields[k] = v;
    if (k.startsWith('_')) continue;
    const target = relationTarget(k, obj, solution);
    if (target) {
      const targetParty = limetypeInfo(target, solution).party;
      if (targetParty && v !== null && v !== undefined) {
        holders[k] = { scope: targetParty === 'organisation' ? 'organisation' : 'person', role: k };
        related.push(...relationIdentifiers(k, target, targetParty, v));
      }
      continue;
    }
    // The config's own identifier fields are added by extraIdentifiers.
    const c = solution.fields?.[k];
    if (!(typeof c === 'object' && c.identifier)) own[k] = v;
    // A non-party's `name` (a deal's title) may name people: it is free text.
    const isText = TEXT_NAMES.has(normName(k)) || textFields.has(k) || (!party && k === 'name');
    if (isText && typeof v === 'string' && v.trim()) text.push({ field: k, value: v });
  }
  const id = idOf(obj._id);
  // Only a party's own id is an identifier: lime:history:5101 names nobody.
  const ids: RawIdentifier[] = party && id ? [{ kind: 'systemId', field: '_id', value: `lime:${limetype}:${id}` }] : [];
  ids.push(...partyIdentifiers(own, party, 'self', (p) => p), ...related, ...extraIdentifiers(fields, solution.fields));
  const title = str(obj._descriptive) || str(obj.name) || `${str(obj.firstname)} ${str(obj.lastname)}`;
  const rec: SourceRecord = {
    entity: limetype,
    locator,
    fields,
    identifiers: ids,
    category,
    label: label([limetype, id, title]),
    labels: { sv: label([limetypeSv(limetype), id, title]), en: label([limetypeEn(limetype), id, title]) },
  };
  if (Object.keys(holders).length > 0) rec.holders = holders;
  if (text.length > 0) rec.text = text;
  const d = dateOf(DATE_FIELDS.map((n) => obj[n]));
  if (d) rec.date = d;
  return rec;
}

/**
 * A relation's value: an id (`company: 2001`), an embedded object
 * (`company: {_id: 2001, name: ...}`, as the Query API nests them), or the
 * related party's name as text.
 */
function relationIdentifiers(field: string, target: string, party: Party, v: unknown): RawIdentifier[] {
  const id = idOf(v);
  if (id) return [{ kind: 'systemId', field, value: `lime:${target}:${id}`, holder: field }];
  if (isObj(v)) {
    const out = partyIdentifiers(v, party, field, (p) => `${field}/${p}`);
    const nested = idOf(v._id) ?? idOf(v.id);
    if (nested) out.push({ kind: 'systemId', field: `${field}/${v._id !== undefined ? '_id' : 'id'}`, value: `lime:${target}:${nested}`, holder: field });
    return out;
  }
  if (typeof v === 'string' && v.trim()) return [{ kind: party === 'organisation' ? 'company' : 'name', field, value: v.trim(), holder: field }];
  return [];
}
