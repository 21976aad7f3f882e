/**
 * The rectification plan (Art. 16, legal-rules.md §3): for every record of
 * the subject that holds a field being corrected, a field-level diff
 * (from, to).
 *
 * - User-facing names (`email`, `phone`, `name`, `address`, `pnr`) map to
 *   the fields that carry the subject's identifiers of that kind in each
 *   record (their `field`s), so one `--set email=…` finds `email` in Lime,
 *   `EmailAddress` in Visma and `Email Address` in Mailchimp. Any other name
 *   is a record's exact field name (RE-5: an empty field is completed).
 * - The new value is written in the style of the old one (a phone number in
 *   the same notation); a name is set in every field that holds it or a part
 *   of it (first, middle, last name, initials; names.ts), and where its split
 *   is a guess the plan says so (`rectify.name-split`). A record's exact
 *   field name wins over a user-facing name for that field.
 * - Räkenskapsinformation is never edited in place (RE-3): the diff is a
 *   supplementary statement or correcting document linked to the original;
 *   the customer register is corrected for the future.
 * - Records of events (a message sent, a delivery in the message trace, a
 *   newsletter open, a web visit, a CRM note or consent; EVENT_RECORDS) are
 *   not rewritten [I]: the address, number or name they hold is the one
 *   actually used at the time, accurate for what the record is for (RE-1:
 *   "taking into account the purposes"; Art. 5(1)(d)), and rewriting it
 *   would falsify the record, as RE-3 says of booked documents. They are
 *   `unaffected`, with the reason; a field of one named by its exact name
 *   gets a supplementary statement linked to it (RE-1), never an edit.
 * - `contested` (Art. 18(1)(a), RE-2): each affected record is restricted
 *   now, and the rectification waits for the accuracy check.
 * - Art. 19 notices to the register's recipients (RE-4, NT-1), one per
 *   recipient: of the rectification, or, when contested, of the restriction
 *   now and of the rectification once the check confirms it (Art. 19 covers
 *   what is "carried out"). Customer master data (class S) is corrected in
 *   the accounting system for the future (RE-3(a)): its processor is told,
 *   not the auditor or the authorities, who receive the bookkeeping (the
 *   same rule as for clearing its fields on erasure, NT-1 [I]).
 */
import { canonical, normalisePhone, normalisePnr } from '../identity/normalise.ts';
import type { IdentifierKind } from '../identity/kinds.ts';
import { holderOf, type RawIdentifier } from '../record.ts';
import { formatPhoneLike } from './anonymise.ts';
import { finalisePlan, notifyActions, PROCESSOR_ONLY, recordAction, recordNote, subjectIds } from './common.ts';
import * as T from './instructions.ts';
import { nameChanges } from './names.ts';
import { addressSiblings, asText, isBusinessAddressField, prepare, realFields, squashFieldName, subjectIdentifiers, valueAt, type Prepared } from './records.ts';
import { PlanInputError, type FieldDiff, type Plan, type PlanAction, type PlanInput, type PlanRecordNote, type PlanWarning, type RectificationSet } from './types.ts';

const USER_FIELDS: Record<string, IdentifierKind> = {
  email: 'email',
  'e-mail': 'email',
  epost: 'email',
  phone: 'phone',
  telefon: 'phone',
  mobile: 'phone',
  name: 'name',
  namn: 'name',
  address: 'address',
  adress: 'address',
  pnr: 'pnr',
  personnummer: 'pnr',
};

/**
 * Register categories whose records are records of events (see the top):
 * never rewritten by a rectification [I].
 */
export const EVENT_RECORDS: ReadonlySet<string> = new Set(['mail-message', 'mail-trace', 'newsletter-activity', 'web-analytics', 'crm-history', 'crm-consent']);

const REASON = {
  eventRecord:
    'A record of a past event (a message, a delivery in the message trace, a newsletter open or click, a web visit, a CRM note or consent): it holds the address, number or name actually used at the time, which is accurate for what the record is for (Art. 16 and Art. 5(1)(d) are judged against the purpose, RE-1 [I]). Rewriting it would falsify the record, so it is left as it is; the data used from now on is corrected in the master and contact records.',
  eventAnnotate:
    'A record of a past event is never rewritten (RE-1 [I]): the correction is recorded as a supplementary statement linked to the record (Art. 16, completing "by means of providing a supplementary statement"), and the record itself is kept as it was.',
  noField: 'The record holds none of the fields being corrected.',
  alreadyNew: 'The record already holds the new values.',
  companyAddress:
    "The record's address is the business address of the company the person works at (the card names the company, or the address is the company's in another of its records): a company's address is never changed on a person's card, so it is left unchanged. If the person's own address belongs on the card, set it in its home or other address fields by their exact names (--set \"Home Street=…\").",
  notSet:
    "The record holds a field being corrected, but nothing in it was set: the value there is not the subject's own (rectify.not-own), or the new value gives no part that the record keeps. Check it by hand, or set its fields by their exact names (--set FIELD=VALUE).",
  inPlace: 'Inaccurate or incomplete personal data is rectified or completed without undue delay (Art. 16, RE-1, RE-5).',
  supplementary:
    'Räkenskapsinformation is never edited in place (RE-3, BFL 5 kap. 5 §): the customer register is corrected for the future and the booked document gets a supplementary statement or correcting document that refers to it, while the original is kept unchanged through its BF-1 date (Art. 16, ER-2).',
  contestedRectify: 'Carried out only if the accuracy check confirms the new value (Art. 16, RE-1); until then the record is restricted (RE-2).',
  restrict:
    "The data subject contests the accuracy: processing is restricted for the period that lets the controller verify it (Art. 18(1)(a), RE-2, RS-1 [I]). Only storage continues; the data subject is told before the restriction is lifted (Art. 18(3)).",
} as const;

interface Target {
  kind: IdentifierKind | 'field';
  request: RectificationSet;
  /** Its place among the --set values, from 1: how a field name the tool does not know is named in messages. */
  at: number;
}

/**
 * The parts of a new address as given (`c/o Bäckström, Nygatan 1, 211 22 Malmö`): the street, a c/o (or
 * other first part before the street, where the record keeps a second line for it), the postcode and city.
 */
function parseAddress(v: string): { street: string; careOf?: string; postcode?: string; city?: string } {
  const m = /^(.*?)[,\s]+(?:SE-?)?(\d{3}\s?\d{2})\s+(.+)$/iu.exec(v.trim());
  if (!m?.[1] || !m[2] || !m[3]) return { street: v.trim() };
  const lines = m[1].split(/\s*,\s*/u).filter(Boolean);
  const co = lines.findIndex((l) => /^c\/o\b/iu.test(l));
  const careOf = co >= 0 ? lines.splice(co, 1)[0] : undefined;
  // The postcode as given: `211 22` in Sweden, `60313` in Germany (a Swedish grouping would make it another code there).
  return { street: lines.join(', ').trim(), ...(careOf ? { careOf } : {}), postcode: m[2].trim(), city: m[3].trim() };
}

/**
 * A new phone number in the notation of the one it replaces, separators included: formatPhoneLike gives the
 * style (national, international, digits), and where the old number has as many digits in the same style
 * (`069-90009311`, a German number written with a dash), the new digits take the old ones' places.
 */
function phoneLike(e164: string, original: string, region?: Parameters<typeof formatPhoneLike>[2]): string {
  const formatted = formatPhoneLike(e164, original, region);
  const o = original.trim();
  const lead = (v: string): string => (v.startsWith('+') ? '+' : v.startsWith('00') ? '00' : v.startsWith('0') ? '0' : '');
  const digits = formatted.replace(/\D/gu, '');
  if (lead(o) !== lead(formatted) || o.replace(/\D/gu, '').length !== digits.length || !/^[\d\s+\-/().]+$/u.test(o)) return formatted;
  let i = 0;
  return o.replace(/\d/gu, () => digits[i++]!);
}

/** A value in capitals where the one it replaces is written so (`HELSINGBORG`). */
function capsLike(value: string, old: string | null): string {
  const o = (old ?? '').trim();
  return /\p{L}/u.test(o) && o === o.toUpperCase() && o !== o.toLowerCase() ? value.toUpperCase() : value;
}

/** A personnummer in the notation of the one it replaces (10 or 12 digits, with or without a dash). */
function pnrLike(canonical12: string, original: string | null): string {
  const o = (original ?? '').trim();
  const digits = o.replace(/\D/gu, '');
  const dash = /[-+]/u.test(o) || o === '';
  const body = digits.length === 10 ? canonical12.slice(2) : canonical12;
  return dash ? `${body.slice(0, -4)}-${body.slice(-4)}` : body;
}

/**
 * Kinds whose values are checked against the subject's own before they are
 * replaced: a switchboard number or a shared mailbox stands in the
 * person's record too, and the matcher reports it as shared, not as hers.
 */
const OWN_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>(['email', 'phone']);

/** The subject's own values of OWN_KINDS (given, learned or matched on; never a shared one), or undefined when the input does not say. */
function ownValues(input: PlanInput, included: readonly Prepared[]): Map<IdentifierKind, Set<string>> | undefined {
  if (!input.subjectIdentifiers) return undefined;
  const out = new Map<IdentifierKind, Set<string>>();
  for (const id of subjectIds(input, included)) {
    if (!OWN_KINDS.has(id.kind)) continue;
    const c = canonical(id.kind, id.value);
    if (!c) continue;
    let set = out.get(id.kind);
    if (!set) out.set(id.kind, (set = new Set()));
    set.add(c);
  }
  return out;
}

/** The field of a record a FIELD=VALUE names: an exact or case-blind key, or a `/` path into it; undefined when it has none. */
function namedField(r: Prepared['record'], name: string): string | undefined {
  const key = name in r.fields ? name : Object.keys(r.fields).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key !== undefined) return key;
  return name.includes('/') && valueAt(r.fields, name) !== undefined ? name : undefined;
}

/**
 * The addresses of organisations among the subject's records (a company customer's invoice address, a
 * CRM company's visiting address), canonical: a business address on a contact card that is one of them
 * is that company's.
 */
function organisationAddresses(included: readonly Prepared[]): Set<string> {
  const out = new Set<string>();
  for (const p of included) {
    for (const id of p.record.identifiers) {
      if (id.kind !== 'address' || holderOf(p.record, id.holder).scope !== 'organisation') continue;
      const c = canonical('address', id.value);
      if (c) out.add(c);
    }
  }
  return out;
}

/**
 * The subject's address identifiers of a record that are its company's business address: a business
 * address field (`Business Street`, Graph's `businessAddress`) on a card that names a company, or that
 * holds an address an organisation has in another record. A card without a company (a private contact
 * whose address was written in the business fields) keeps them as the person's.
 */
function companyAddressIds(p: Prepared, ids: readonly RawIdentifier[], orgAddresses: ReadonlySet<string>): Set<RawIdentifier> {
  const r = p.record;
  const namesCompany = r.identifiers.some((i) => i.kind === 'company' && i.value.trim() !== '');
  return new Set(
    ids.filter((i) => {
      if (!realFields(r, i.field).some((f) => isBusinessAddressField(r, f))) return false;
      const c = canonical('address', i.value, i.region);
      return namesCompany || (c !== undefined && orgAddresses.has(c));
    }),
  );
}

/** What changesFor left out of a record on purpose, for the reason the plan gives. */
interface Kept {
  companyAddress?: boolean;
}

/** field path → new value for one requested change in one record. */
function changesFor(
  p: Prepared,
  t: Target,
  warnings: PlanWarning[],
  own?: Map<IdentifierKind, Set<string>>,
  orgAddresses: ReadonlySet<string> = new Set(),
  kept: Kept = {},
): Record<string, string> {
  const r = p.record;
  const out: Record<string, string> = {};
  const value = t.request.value.trim();
  if (t.kind === 'field') {
    const key = namedField(r, t.request.field);
    if (key !== undefined) out[key] = value;
    return out;
  }
  let ids = subjectIdentifiers(p).filter((i) => i.kind === t.kind);
  if (own && OWN_KINDS.has(t.kind)) {
    const mine = own.get(t.kind) ?? new Set<string>();
    const others = ids.filter((i) => !mine.has(canonical(i.kind, i.value, i.region) ?? i.value));
    if (others.length > 0) {
      ids = ids.filter((i) => !others.includes(i));
      warnings.push({
        code: 'rectify.not-own',
        message: `Some records hold a ${t.kind} that is not the subject's own (shared with others, such as a company switchboard, or not known as the subject's); those fields are left unchanged: check them by hand.`,
      });
    }
  }
  if (t.kind === 'address') {
    // A further line of an address (Lime's `postaladdress2`, which may hold the street or a c/o) is set with
    // its first line, not as an address of its own: the street would stand in both.
    const lines = new Set(ids.flatMap((i) => realFields(r, i.field).flatMap((f) => addressSiblings(r, f).lines ?? [])));
    ids = ids.filter((i) => !realFields(r, i.field).every((f) => lines.has(f)));
    // A card of a person at a company: its business address is the company's, never changed on the person's
    // card (the person's own address goes in the home or other address; the README's "never the company's … address").
    const company = companyAddressIds(p, ids, orgAddresses);
    if (company.size > 0) {
      ids = ids.filter((i) => !company.has(i));
      kept.companyAddress = true;
      warnings.push(COMPANY_ADDRESS);
    }
  }
  const distinct = new Set(ids.map((i) => canonical(i.kind, i.value, i.region) ?? i.value));
  if (distinct.size > 1) warnings.push({ code: 'rectify.ambiguous', message: `A record holds more than one ${t.kind} of the subject; every one is changed: check that this is meant.` });
  // A name is set in every field that holds it or a part of it, consistently (names.ts).
  if (t.kind === 'name') {
    for (const id of ids) {
      const n = nameChanges(p, id, value);
      Object.assign(out, n.set);
      for (const [flag, w] of NAME_WARNINGS) if (n[flag]) warnings.push(w);
    }
    return out;
  }
  for (const id of ids) {
    for (const f of realFields(r, id.field)) {
      const current = asText(valueAt(r.fields, f));
      switch (t.kind) {
        case 'email':
          out[f] = canonical('email', value)!;
          break;
        case 'phone':
          // Written as the field's numbers are read: a Swedish number on a German contact with its country code.
          out[f] = phoneLike(normalisePhone(value)!.e164, current ?? value, id.region);
          break;
        case 'pnr':
          out[f] = pnrLike(normalisePnr(value)!.canonical, current);
          break;
        case 'address': {
          const a = parseAddress(value);
          const held = valueAt(r.fields, f);
          if (held !== null && typeof held === 'object' && !Array.isArray(held)) {
            // A structured address (Graph's homeAddress): its parts are set, the object stays an object.
            const parts = Object.keys(held);
            const part = (names: readonly string[], fallback: string): string => parts.find((k) => names.includes(squashFieldName(k))) ?? fallback;
            const streetKey = `${f}/${part(['street', 'streetaddress', 'address', 'address1', 'gatuadress'], 'street')}`;
            out[streetKey] = a.careOf ? `${a.careOf}, ${a.street}` : a.street;
            if (/\r?\n/u.test((asText(valueAt(r.fields, streetKey)) ?? '').trim())) warnings.push(LINE_CLEARED);
            if (a.postcode) out[`${f}/${part(['postalcode', 'postcode', 'zipcode', 'zip', 'postnummer'], 'postalCode')}`] = a.postcode;
            if (a.city) out[`${f}/${part(['city', 'ort', 'postort', 'locality'], 'city')}`] = a.city;
            break;
          }
          const s = addressSiblings(r, f);
          // No field of its own for the postcode, and the field holds a whole address line: the new line, whole.
          if (!s.postcode && a.postcode && current !== null && parseAddress(current).postcode) {
            out[f] = value;
            break;
          }
          // A c/o the new address gives goes in the record's second line, where it has one (Visma's POSTADR2, Lime's postaladdress2).
          const [street, careOf] = s.lines && a.careOf ? [a.street, a.careOf] : [a.careOf ? `${a.careOf}, ${a.street}` : a.street, undefined];
          out[f] = street;
          if (s.postcode && a.postcode) out[s.postcode] = a.postcode;
          // A city in capitals, as Swedish post addresses write it (Visma Administration's ORT), stays in capitals.
          if (s.city && a.city) out[s.city] = capsLike(a.city, asText(valueAt(r.fields, s.city)));
          // RE-1: the address is set whole. A second line the new address does not have (a c/o, a second street
          // line) would otherwise stay beside the new street and give a wrong address: it is cleared, and said.
          let cleared = current !== null && /\r?\n/u.test(current.trim()) && !/\r?\n/u.test(street);
          for (const [i, line] of (s.lines ?? []).entries()) {
            const to = i === 0 && careOf ? careOf : '';
            if (to === '' && (asText(valueAt(r.fields, line)) ?? '').trim() !== '') cleared = true;
            out[line] = to;
          }
          if (cleared) {
            warnings.push(LINE_CLEARED);
          }
          if ((a.postcode && !s.postcode) || (a.city && !s.city)) {
            warnings.push({ code: 'rectify.address-part', message: 'Some records have no field of their own for the postcode or the city of an address: only the street was set there; check the rest of those addresses by hand.' });
          }
          break;
        }
        default:
          out[f] = value;
      }
    }
  }
  return out;
}

/** A contact card's business address that is its company's: left as it is, and said (no personal values). */
const COMPANY_ADDRESS: PlanWarning = {
  code: 'rectify.company-address',
  message:
    "Some contact cards hold the business address of the company the person works at (the card names the company, or the address is the company's in another record): it was left unchanged, as a company's address is never changed on a person's card. The person's own address is set in the home or other address fields the cards hold; where a card has none and the person's address belongs there, set it by the field's exact name (--set \"Home Street=…\").",
};

/** RE-1: an address is set whole; a further line of the old one (a c/o) is not left beside the new street. */
const LINE_CLEARED: PlanWarning = {
  code: 'rectify.address-line',
  message:
    'Some records held a further address line (a c/o or a second street line) that the new address does not give: it was cleared with the rest of the old address. If it still applies, give it in the new address (--set "address=c/o …, street, postcode city").',
};

/** What the plan says when a new name's parts are not all known (no personal values). */
const NAME_WARNINGS: readonly ['ambiguous' | 'middleKept' | 'otherKept', PlanWarning][] = [
  [
    'ambiguous',
    {
      code: 'rectify.name-split',
      message:
        "The new name does not split into first and last name unambiguously (one word, or more than one word before the last name and no particle such as von that starts it: a double first name, a middle name or a double surname look alike). A one-word name is taken as the new last name: the first name is kept, in the fields that hold the whole name too; otherwise the last word is taken as the last name and the words before it as the first name (or middle name, where a record keeps one). Check the name fields in the plan, or set them by the records' exact field names (--set firstname=…).",
    },
  ],
  ['middleKept', { code: 'rectify.name-middle', message: 'Some records hold a middle name that the new name does not give: it was left unchanged; check it.' }],
  ['otherKept', { code: 'rectify.name-other', message: 'Some records also hold the name in another form (a nickname, a phonetic or file-as form), which was not changed: check it by hand.' }],
];

/** What is wrong with these FIELD=VALUE pairs, before any source is read (empty: nothing). */
export function rectificationProblems(set: readonly RectificationSet[]): { code: string; message: string }[] {
  return checkSet(set).problems;
}

function validate(set: readonly RectificationSet[]): Target[] {
  const { targets, problems } = checkSet(set);
  if (problems.length > 0) throw new PlanInputError('the rectification cannot be planned', problems);
  return targets;
}

function checkSet(set: readonly RectificationSet[]): { targets: Target[]; problems: { code: string; message: string }[] } {
  const problems: { code: string; message: string }[] = [];
  const targets: Target[] = [];
  if (set.length === 0) problems.push({ code: 'rectify.empty', message: 'give at least one FIELD=VALUE to set' });
  for (const [i, s] of set.entries()) {
    const field = s.field.trim();
    const kind = USER_FIELDS[field.toLowerCase()];
    // A name the tool knows is safe to repeat; any other is named by its place (it may be a value pasted by mistake).
    const named = kind ? field : `the field of --set number ${i + 1}`;
    if (!field) {
      problems.push({ code: 'rectify.field', message: 'a field name is empty' });
      continue;
    }
    if (!s.value.trim()) {
      problems.push({ code: 'rectify.value', message: `the new value of ${named} is empty (to remove data, use erase)` });
      continue;
    }
    if (kind === 'email' && !canonical('email', s.value)) problems.push({ code: 'rectify.value', message: `the new value of ${field} is not an e-mail address` });
    else if (kind === 'phone' && !normalisePhone(s.value)?.valid) problems.push({
        code: 'rectify.value',
        // Read as Swedish without a country code: a foreign number written nationally (069 …) is not one.
        message: `the new value of ${field} is not a valid Swedish phone number: give a number of another country with its country code (+49 …)`,
      });
    else if (kind === 'pnr' && !normalisePnr(s.value)) problems.push({ code: 'rectify.value', message: `the new value of ${field} is not a valid personnummer (check digit)` });
    else targets.push({ kind: kind ?? 'field', request: { field, value: s.value }, at: i + 1 });
  }
  return { targets, problems };
}

export function planRectification(input: PlanInput, set: readonly RectificationSet[], contested = false): Plan {
  const targets = validate(set);
  const { included, excluded } = prepare(input);
  const own = ownValues(input, included);
  const orgAddresses = organisationAddresses(included);
  const warnings: PlanWarning[] = [];
  const actions: PlanAction[] = [];
  const unaffected: PlanRecordNote[] = [];
  const rectified: { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[] = [];
  const restricted: { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[] = [];
  // A record's exact field name is applied last, so that it wins over what a user-facing name gives that field.
  const ordered = [...targets.filter((t) => t.kind !== 'field'), ...targets.filter((t) => t.kind === 'field')];
  for (const p of included) {
    const diff: Record<string, FieldDiff> = {};
    const event = EVENT_RECORDS.has(p.category);
    let heldAsUsed = false;
    // Whether the record holds a field being corrected, and whether a new value was worked out for one: the reason given
    // for an unaffected record must be true (RE-1).
    let holds = false;
    let proposed = false;
    const kept: Kept = {};
    for (const t of ordered) {
      if (event && t.kind !== 'field') {
        // A record of an event keeps the identifier it was made with (see the top).
        if (subjectIdentifiers(p).some((i) => i.kind === t.kind)) heldAsUsed = true;
        continue;
      }
      if (t.kind === 'field' ? namedField(p.record, t.request.field) !== undefined : subjectIdentifiers(p).some((i) => i.kind === t.kind)) holds = true;
      for (const [f, to] of Object.entries(changesFor(p, t, warnings, own, orgAddresses, kept))) {
        proposed = true;
        const from = asText(valueAt(p.record.fields, f));
        // The same value with other spacing around it (Mailchimp's `" Åsa "`) is no correction.
        if (from === to || (from !== null && from.trim() === to)) continue;
        diff[f] = { from: from === '' ? null : from, to };
      }
    }
    if (Object.keys(diff).length === 0) {
      const reason = heldAsUsed ? REASON.eventRecord : kept.companyAddress ? REASON.companyAddress : proposed ? REASON.alreadyNew : holds ? REASON.notSet : REASON.noField;
      unaffected.push(recordNote(p, reason, 'RE-1'));
      continue;
    }
    const bookkeeping = p.cls === 'R';
    const why = bookkeeping ? REASON.supplementary : event ? REASON.eventAnnotate : REASON.inPlace;
    const rect = recordAction(p, 'rectify', contested ? `${why} ${REASON.contestedRectify}` : why, bookkeeping ? 'RE-3' : 'RE-1', {
      primary: !contested,
      fields: diff,
      method: bookkeeping || event ? 'supplementary-statement' : 'in-place',
      ...(contested ? { condition: 'after-verification' as const } : {}),
      instructions: bookkeeping ? T.rectifySupplementary() : event ? T.rectifyAnnotate(p.connector) : T.rectifyInPlace(p.connector),
    });
    actions.push(rect);
    // NT-1 [I]: the customer register is corrected in its processor's system; the auditor and authorities get the bookkeeping.
    const recipientKinds = p.cls === 'S' ? PROCESSOR_ONLY : undefined;
    rectified.push({ p, actionId: rect.id, ...(recipientKinds ? { recipientKinds } : {}) });
    if (contested) {
      const res = recordAction(p, 'restrict', REASON.restrict, 'RE-2', {
        scope: 'all',
        ground: 'a',
        legalBasis: 'Art. 18(1)(a)',
        refs: [rect.id],
        instructions: T.restrict(p.connector, 'all', bookkeeping),
      });
      actions.push(res);
      restricted.push({ p, actionId: res.id, ...(p.cls === 'S' ? { recipientKinds: PROCESSOR_ONLY } : {}) });
    }
  }
  // A field name no record holds is most likely misspelt: the plan would change nothing for it.
  for (const t of targets) {
    if (t.kind !== 'field') continue;
    if (!included.some((p) => namedField(p.record, t.request.field) !== undefined)) {
      warnings.push({
        code: 'rectify.no-field',
        // The name typed is not repeated: a value pasted in its place (a personnummer) would reach logs and plans.
        message: `No record of the subject has the field of --set number ${t.at}: nothing is changed for it. Use email, phone, name, address or pnr, or a record's exact field name (see find --json).`,
      });
    }
  }
  // Art. 19: one notice per recipient. Contested, it reports the restriction carried out now and the rectification
  // that follows only if the check confirms it (RE-2, RE-4).
  actions.push(...(contested ? notifyActions(input, [...restricted, ...rectified], 'contested-rectification') : notifyActions(input, rectified, 'rectification')));
  return finalisePlan({
    kind: 'rectification',
    input,
    parameters: { set: targets.map((t) => t.request.field), contested },
    actions,
    excluded,
    unaffected,
    warnings: dedupeWarnings(warnings),
    records: included.length,
  });
}

function dedupeWarnings(w: PlanWarning[]): PlanWarning[] {
  const seen = new Set<string>();
  return w.filter((x) => {
    const k = `${x.code}\u0000${x.message}\u0000${x.actionId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
