/**
 * The fields that hold the subject's name in a record, and what part of it
 * each holds. A name is rarely one field: Lime keeps `firstname`,
 * `lastname` and `name`, Graph `givenName`, `middleName`, `surname`,
 * `displayName` and `initials`, a client export `Förnamn` and `Efternamn`.
 * Connectors name one of them (or a composite, `First Name + Last Name`) as
 * the name identifier, enough to find the person; a plan must reach them all:
 *
 * - an anonymised row with a first or last name left is not anonymous (AN-2
 *   [I]: the remaining name singles the person out);
 * - a rectified name must be set in every part, consistently (Art. 16, RE-1).
 *
 * What part a field holds comes from its connector's description
 * (`FieldDescription.namePart`); where that says none (a company's own
 * module, a nested object) the field's name decides.
 */
import { PARTICLES } from '../match/extract.ts';
import type { NamePart, RawIdentifier } from '../record.ts';
import { asText, realFields, valueAt, type Prepared } from './records.ts';

/** A field name as compared here: case, spaces, `_`, `-` and `.` aside (`First Name`, `first_name`, `Subscriber.FirstName`). */
export const squash = (name: string): string => name.normalize('NFC').toLowerCase().replace(/[\s_\-.]+/gu, '');

/** The `(address)` Outlook writes after the name in the display name of an e-mail entry (`Märta Öberg (marta.oberg@mail.example)`). */
const DISPLAY_ADDRESS = /\s*\([^()]*@[^()]*\)\s*$/u;

/** A display name's name and its `(address)` with the spacing before it ('' when it has none). */
function displayNameParts(v: string): { name: string; address: string } {
  const m = DISPLAY_ADDRESS.exec(v);
  return m ? { name: v.slice(0, m.index), address: m[0].trimEnd() } : { name: v, address: '' };
}

/** The last segment of a field path (`from/emailAddress/name` → `name`). */
const lastSegment = (path: string): string => path.split('/').at(-1) ?? path;

/**
 * Field names that are a part of a person's name, wherever they stand. Only
 * whole names: `contactpersonfirstname` beside a customer's own name would
 * be another party's, and a bare `name` may be a company's.
 */
const SIBLING_PARTS: Readonly<Record<string, NamePart>> = {
  firstname: 'first',
  fname: 'first',
  givenname: 'first',
  förnamn: 'first',
  fornamn: 'first',
  middlename: 'middle',
  additionalname: 'middle',
  mellannamn: 'middle',
  lastname: 'last',
  lname: 'last',
  surname: 'last',
  familyname: 'last',
  efternamn: 'last',
  fullname: 'full',
  displayname: 'full',
  fullständigtnamn: 'full',
  visningsnamn: 'full',
  initials: 'initials',
  initialer: 'initials',
  nickname: 'other',
  smeknamn: 'other',
};

/** What part of a name a field not described by its connector holds, by its name; undefined: none known. */
export function namePartByName(field: string): NamePart | undefined {
  return SIBLING_PARTS[squash(lastSegment(field))];
}

/**
 * What part a field that carries the subject's name identifier holds, by
 * its name: also a name ending in a part (`Subscriber.FirstName`), and the
 * whole name otherwise (`name`, `Namn`, `ContactPersonName`, `from/emailAddress/name`).
 */
export function identifierFieldPart(field: string): NamePart {
  const own = namePartByName(field);
  if (own) return own;
  const f = squash(lastSegment(field));
  if (/(?:firstname|givenname|förnamn|fornamn)$/u.test(f) || f === 'first') return 'first';
  if (/(?:middlename|mellannamn)$/u.test(f) || f === 'middle') return 'middle';
  if (/(?:lastname|surname|familyname|efternamn)$/u.test(f) || f === 'last') return 'last';
  return 'full';
}

export interface NameField {
  /** The field path in the record's fields. */
  field: string;
  part: NamePart;
}

/** The part its connector says a top-level field holds; by the field's name where it says none. */
function described(p: Prepared, field: string): NamePart | undefined {
  return p.fieldInfo(field)?.namePart;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * Every field that holds the name of the subject's party that `id` (a
 * `name` identifier of a subject holder) names, with its part: the
 * identifier's own fields, and the name parts beside them in the same
 * object: by the connector's description, else by the field's name. Only
 * the record's own party (`self`) has top-level name parts; in a nested
 * object (a relation, a recipient) they count only when no other party's
 * identifier stands in that object. A field that carries another party's
 * identifier, or another kind (a company's name), is never one of them.
 */
export function nameFieldsOf(p: Prepared, id: RawIdentifier): NameField[] {
  const r = p.record;
  const holder = id.holder ?? 'self';
  const out = new Map<string, NamePart>();
  const own = realFields(r, id.field);
  // A composite (`FOERNAMN + NAMN`) names the parts in order: first, middle, last, where neither the
  // connector nor the field's name says otherwise (Visma Administration's NAMN is the surname there).
  const byPosition = (i: number): NamePart => (i === 0 ? 'first' : i === own.length - 1 ? 'last' : 'middle');
  own.forEach((f, i) => out.set(f, described(p, f) ?? (own.length > 1 ? (namePartByName(f) ?? byPosition(i)) : identifierFieldPart(f))));
  // Fields no name part of this party can be: other parties' identifiers, and identifiers of other kinds.
  const taken = new Set<string>();
  const others = new Set<string>();
  for (const i of r.identifiers) {
    const h = i.holder ?? 'self';
    const foreign = h !== holder && !p.subjectHolders.has(h);
    if (!foreign && i.kind === 'name') continue;
    for (const f of realFields(r, i.field)) {
      taken.add(f);
      if (h !== holder) others.add(parentOf(f));
    }
  }
  for (const parent of new Set(own.map(parentOf))) {
    const top = parent === '';
    if (top ? holder !== 'self' : others.has(parent)) continue;
    const obj = top ? r.fields : valueAt(r.fields, parent);
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) continue;
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      const path = top ? k : `${parent}/${k}`;
      if (out.has(path) || taken.has(path) || typeof v !== 'string' || v.trim() === '') continue;
      const part = (top ? described(p, k) : undefined) ?? namePartByName(k);
      if (part) out.set(path, part);
    }
  }
  return [...out.entries()].map(([field, part]) => ({ field, part }));
}

// ---------------------------------------------------------------- a new name in parts

export interface NameSplit {
  /** The whole name as given. */
  full: string;
  /** Undefined when the name does not say (one word: a first or a last name?). */
  first?: string;
  last?: string;
  /** The names between, when the record keeps a middle name; '' when the new name has none. */
  middle?: string;
  /** The split is a guess: one word, or more than two before the last name's start. */
  ambiguous: boolean;
}

/**
 * Splits a new name into first, middle and last name. Two words are a first
 * and a last name. A particle (`von`, `af`, `de`) after the first word
 * starts the last name (`Anna-Karin von Essen`). Otherwise the last word is
 * the last name, and more than one word before it (a double first name, a
 * middle name, or a double surname: `Eva Lindström Andersson`) cannot be
 * told apart: the words before the last go to the first name, or the first
 * word to it and the rest to the middle name where the record keeps one,
 * and the split is flagged ambiguous so that the plan says so.
 */
export function splitName(value: string, keepsMiddle: boolean): NameSplit {
  const full = value.trim().replace(/\s+/gu, ' ');
  const words = full.split(' ');
  if (words.length < 2) return { full, ambiguous: true };
  const particle = words.findIndex((w, i) => i > 0 && i < words.length - 1 && PARTICLES.has(w.toLowerCase()));
  const cut = particle > 0 ? particle : words.length - 1;
  const given = words.slice(0, cut);
  const last = words.slice(cut).join(' ');
  if (given.length === 1) return { full, first: given[0]!, middle: '', last, ambiguous: false };
  return keepsMiddle ? { full, first: given[0]!, middle: given.slice(1).join(' '), last, ambiguous: true } : { full, first: given.join(' '), last, ambiguous: true };
}

/** Initials of a split name in the notation of the old ones (`M.N.`, `MN`, `M N`). */
function initialsLike(split: NameSplit, old: string): string | undefined {
  if (split.first === undefined || split.last === undefined) return undefined;
  const letters = [split.first, split.middle ?? '', split.last]
    .flatMap((part) => part.split(/[\s-]+/u))
    .filter((w) => w && !PARTICLES.has(w.toLowerCase()))
    .map((w) => [...w][0]!.toUpperCase());
  if (letters.length === 0) return undefined;
  if (old.includes('.')) return letters.map((l) => `${l}.`).join(old.includes('. ') ? ' ' : '');
  return letters.join(/\s/u.test(old.trim()) ? ' ' : '');
}

export interface NameChanges {
  /** field path → new value. */
  set: Record<string, string>;
  /** The record's first, last or middle name fields needed a split that is a guess. */
  ambiguous: boolean;
  /** A middle name the new name does not mention, left as it is. */
  middleKept: boolean;
  /** Fields that hold the name in another form (a nickname), left as they are. */
  otherKept: boolean;
}

/**
 * The new values of the name fields of one party in a record (RE-1): the
 * whole name where a field holds it, its parts where fields hold parts.
 * A part the new name does not give (a one-word name's first or last name,
 * a middle name it does not mention) is left as it is and reported.
 */
export function nameChanges(p: Prepared, id: RawIdentifier, value: string): NameChanges {
  const fields = nameFieldsOf(p, id);
  const current = (f: string): string => asText(valueAt(p.record.fields, f))?.trim() ?? '';
  const keepsMiddle = fields.some((f) => f.part === 'middle' && current(f.field) !== '');
  const given = splitName(value, keepsMiddle);
  // A one-word name is taken as the new last name, the commoner change (a marriage), and flagged as a guess: the
  // first name is kept, in the whole name too, so that a record that keeps both (Lime's `name` beside `lastname`)
  // says one name, and one that keeps only parts (Mailchimp's First Name + Last Name) is not left with the old
  // name while every other system has the new one (RE-1).
  let split = given;
  if (given.first === undefined && given.last === undefined) {
    const firstField = fields.filter((f) => f.part === 'first').map((f) => current(f.field)).find((v) => v !== '');
    const fullField = fields.filter((f) => f.part === 'full').map((f) => displayNameParts(current(f.field)).name).find((v) => v !== '');
    const oldFirst = firstField ?? (fullField !== undefined ? splitName(fullField, false).first : undefined);
    split = oldFirst !== undefined ? { ...given, first: oldFirst, last: given.full, full: `${oldFirst} ${given.full}` } : { ...given, last: given.full };
  }
  const out: NameChanges = { set: {}, ambiguous: false, middleKept: false, otherKept: false };
  for (const { field, part } of fields) {
    const old = current(field);
    let to: string | undefined;
    switch (part) {
      case 'full': {
        // Outlook's display name of an e-mail entry: `Märta Öberg (marta.oberg@mail.example)`. The notation stays;
        // only the name in it is replaced.
        const d = displayNameParts(old);
        to = d.address && d.name.trim() !== '' ? `${split.full}${d.address}` : split.full;
        break;
      }
      case 'first':
      case 'last':
        to = split[part];
        if (split.ambiguous) out.ambiguous = true;
        break;
      case 'middle':
        // A middle name the new name does not give may simply not have been said: it stays.
        if (split.middle === '' || split.middle === undefined) {
          if (old !== '') out.middleKept = true;
        } else to = split.middle;
        if (split.ambiguous && old !== '') out.ambiguous = true;
        break;
      case 'initials':
        to = old === '' ? undefined : initialsLike(split, old);
        break;
      case 'other':
        if (old !== '') out.otherKept = true;
        break;
    }
    if (to !== undefined && to !== '') out.set[field] = to;
  }
  return out;
}
