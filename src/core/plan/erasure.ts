/**
 * The erasure plan (Art. 17, legal-rules.md §4): exactly one primary action
 * for every record of the subject, with its reason and rule, plus the
 * plan-level suppression entries, Google's deletion requests and the Art. 19
 * notices. The `retain` actions are the deferred-erasure ledger (sweep.ts).
 *
 * Per record, by the register's erasure class (§4.2):
 * - R räkenskapsinformation, or a record that flags itself as bookkeeping
 *   (an e-mail carrying an invoice): `retain` until the BF-1 date, unchanged
 *   (ER-2), access restricted (BF-2, ER-3). BF-1a: the latest financial year
 *   of the record's bookings (its date and a payment date) decides. An
 *   invoice or ledger item with an amount still to pay is an open
 *   receivable: it is part of the books of every year it is carried into
 *   (the specification of the balance sheet item): the year of the plan's
 *   date, in whose opening balance it is if it is still open as the export
 *   shows, and every year whose books carry the customer's open balance
 *   (SIE #OIB/#OUB); the latest of them decides [I]. The date is
 *   provisional: the payment, credit or write-off is booked in a later
 *   year still, which moves it again (BF-1a); the plan warns.
 * - S customer master data needed to read R: `retain` until the latest
 *   BF-1 date of the subject's R records of the same system (§12.3 step 6),
 *   with the fields that appear on no retained document cleared now. A
 *   company's customer card on which the subject is only the contact person,
 *   and none of whose subject fields is on a retained document, is
 *   `anonymise`d instead: the card stays for the company's invoices.
 *   Without any retained record or invoice date the card is not needed to
 *   read anything: `delete`, with a review flag.
 * - M marketing and tracking: `delete` (newsletter: Mailchimp's permanent
 *   delete, which also blocks re-import); GA events: `delete` the exported
 *   rows, plus one User Deletion request per distinct id; Lime consents are
 *   the exception below.
 * - O other (CRM person, history, deal, mail, contacts): `delete` (ER-1),
 *   except where a row must stay for the integrity of other data.
 *
 * When a row stays for integrity [I] (it is then `anonymise`d with values
 * the system accepts, anonymise.ts):
 * 1. A Lime consent: consents are never deleted and are the proof of
 *    Art. 7(1) (formats.md §1.4, DM-5); it stays linked to the anonymised
 *    person and loses only free text that names the subject.
 * 2. A party record (a Lime person or company) that a record staying in the
 *    same system still refers to (a consent, a retained document, an
 *    anonymised deal): deleting it would break that record.
 * 3. A CRM deal of an organisation: the deal is the company's pipeline; the
 *    subject is unlinked from it and removed from its texts.
 */
import { addDays, formatIsoDate, parseIsoDate } from '../law/dates.ts';
import { bookkeepingRetention } from '../law/retention.ts';
import { recordRetention, type SystemRecord } from '../law/record-retention.ts';
import type { SourceRecord } from '../record.ts';
import { canonical } from '../identity/normalise.ts';
import { anonymiseFields, masterDataToClear } from './fields.ts';
import * as T from './instructions.ts';
import { finalisePlan, gaRequests, notifyActions, PROCESSOR_ONLY, recordAction, subjectIds, suppressActions } from './common.ts';
import { hasOrganisationParty, ownSystemIds, prepare, valueAt, type Prepared } from './records.ts';
import { ERASURE_SUPPRESSION_KINDS, isWebAnalytics } from './suppression.ts';
import type { ErasureInput, Plan, PlanAction, PlanWarning } from './types.ts';

export const BOOKKEEPING_LEGAL_BASIS = 'Art. 17(3)(b) + BFL 7 kap. 2 §';

const REASON = {
  retainR:
    'Räkenskapsinformation (BFL 1 kap. 2 §): kept unchanged through 31 December of the seventh year after the end of its financial year (BF-1); erasure is refused under Art. 17(3)(b) (BF-2) and the record may not be redacted (ER-2). Access is restricted to finance and audit meanwhile (ER-3); it is deleted after that date (ER-5).',
  retainRFlagged:
    'The record flagged itself as possible räkenskapsinformation (an invoice, receipt, order or agreement in an e-mail, BFL 1 kap. 2 § 9): it is retained unchanged until a person has reviewed it (BF-2, ER-2), with access restricted (ER-3); if it is an accounting record it is kept through the BF-1 date.',
  retainROpen:
    "The receivable was still open in the export (an amount left to pay): the business event is not completed, and the invoice is part of the books of every year that carries it as an open item, at least through the year of the plan's date (or of the day it is made, when later) and any later year whose books carry the customer's open balance; the latest of them decides (BF-1a [I]). The date moves again when the payment, credit or write-off is booked in a later year: plan again after that.",
  retainRNoDate:
    'Räkenskapsinformation (BF-1, BF-2): the record carries no date, so its financial year and retention date must be established by hand; until then it is retained unchanged with access restricted (ER-2, ER-3).',
  retainS:
    'Customer master data needed to read retained räkenskapsinformation (class S, legal-rules.md §4.2): kept with access restricted until the latest retention date of the linked accounting records of this system (BF-1, §12.3 step 6, ER-3); fields that appear on no retained document are cleared now (Art. 17(1), ER-1).',
  retainSOwnDate:
    "Customer master data needed to read retained räkenskapsinformation (class S): no linked accounting record is among the searched exports, so the retention date follows from the customer's last invoice date (BF-1 [I]); access is restricted (ER-3); notes and marketing labels are cleared now (ER-1).",
  anonymiseContactOnCard:
    "The customer card belongs to an organisation and stays for its accounting records (class S); the subject is only its contact person and none of the subject's details appears on a retained document, so they are removed now (Art. 17(1), ER-1) while the row stays.",
  deleteRExpired:
    'Räkenskapsinformation whose retention date (BF-1) has passed: the Bookkeeping Act no longer requires it, so Art. 17(3)(b) no longer refuses its erasure (BF-2), and it is erased (ER-5, Art. 17(1)(a)), unless a legal hold applies (class L, Art. 17(3)(e)).',
  deleteSExpired:
    'Customer master data (class S) kept only to read räkenskapsinformation whose retention dates (BF-1) have all passed: it is erased with them (ER-5, Art. 17(1)(a)), unless a legal hold applies (class L, Art. 17(3)(e)).',
  deleteSNoLinks:
    'Customer master data (class S) is kept only to read retained räkenskapsinformation; none was found for this customer in the searched exports, so it is erased (Art. 17(1)(a), ER-1). Check in the accounting system that no document refers to it before deleting.',
  deleteM:
    'Marketing data (class M): erased without undue delay (Art. 17(1)(b)/(c), Art. 21(3), ER-1); a suppression entry keeps the person from being added again (DM-3).',
  deleteNewsletterMember:
    'Newsletter subscription (class M): erased without undue delay and sends stopped at once (Art. 17(1)(b)/(c), Art. 21(3), DM-1, ER-1). A permanent delete, not an archive, so that the address cannot be re-imported (BK-3).',
  deleteNewsletterActivity:
    'Newsletter engagement data (opens, clicks, IP addresses, location; class M): erased without undue delay (Art. 17(1)(b)/(c), DM-4, ER-1).',
  deleteGaEvent:
    "Web analytics event (class M): the exported rows are erased (Art. 17(1)(b), ER-1); Google's copy is erased by a User Deletion request per id, which does not reach data already exported.",
  requestGa:
    'Web analytics (class M): Google Analytics deletes only the id named in a request, so one User Deletion request is made per client id or user id of the subject (Art. 17(1)(b), Art. 28 processor instruction, ER-1).',
  deleteO: 'Not räkenskapsinformation and no other documented ground to keep it (class O): erased without undue delay (Art. 17(1)(a), ER-1).',
  anonymiseConsent:
    "Proof of consent (Art. 7(1), DM-5 [I]): Lime's consent records are never deleted; the record stays linked to the anonymised person, so it no longer identifies the subject, and free text that names the subject is replaced (legal-rules.md §4.3).",
  anonymiseReferenced:
    "The row must stay for the integrity of other data: records that stay in the same system refer to it (a consent kept as proof, a retained document, a deal). Its personal fields are replaced with values the system accepts (Lime GDPR add-on replacements, a valid e-mail shape, a fictional phone number of the same length), as Art. 17(1) requires (ER-1 [I]); the system's own ids remain, so it is pseudonymised rather than anonymous while other systems keep the mapping (AN-1, AN-2).",
  anonymiseDeal:
    "A deal of an organisation is the company's sales record and stays for the integrity of its pipeline; the subject is unlinked from it and removed from its texts (Art. 17(1), ER-1 [I]).",
} as const;

type Decision =
  | { kind: 'retain'; reason: string; rule: string; retainUntil?: string; deletableFrom?: string; clear?: Record<string, null>; review?: boolean; linkedKnown?: boolean; open?: boolean }
  | { kind: 'delete'; reason: string; rule: string; review?: boolean; mailchimp?: boolean }
  | { kind: 'anonymise'; reason: string; rule: string; mode: 'consent' | 'referenced' | 'deal' | 'contact'; fields?: Record<string, string | null> };

function isMailchimp(r: SourceRecord): boolean {
  const f = r.fields;
  return 'LEID' in f || 'EUID' in f || 'Email Address' in f || /mailchimp/iu.test(r.label ?? '');
}

/**
 * Mailchimp's permanent delete (formats.md §4.1). The subscriber hash is the
 * MD5 of the lower-cased address of the record at the locator; it is not
 * written into the plan, because an unkeyed hash of an e-mail address is
 * easily reversed.
 */
const MAILCHIMP_DELETE: NonNullable<PlanAction['request']> = {
  method: 'POST',
  url: 'https://{dc}.api.mailchimp.com/3.0/lists/{list_id}/members/{subscriber_hash}/actions/delete-permanent',
  note: 'subscriber_hash: MD5 of the lower-cased e-mail address of the record. DELETE /lists/{list_id}/members/{subscriber_hash} only archives; the permanent delete also blocks re-import.',
};

/** The object a party row is, by its own id in its system: every export of it gets the same replacements. */
function objectKeyOf(p: Prepared): string | undefined {
  const ids = ownSystemIds(p.record).sort();
  return ids.length > 0 ? `${p.connector}\u0000${ids[0]}` : undefined;
}

/** Canonical keys of the subject's e-mail addresses, phone numbers and personnummer in a record. */
function uniqueKeys(p: Prepared): string[] {
  const out: string[] = [];
  for (const id of p.record.identifiers) {
    if (!p.subjectHolders.has(id.holder ?? 'self') || (id.kind !== 'email' && id.kind !== 'phone' && id.kind !== 'pnr')) continue;
    const c = canonical(id.kind, id.value, id.region);
    if (c) out.push(`${id.kind}:${c}`);
  }
  return out;
}

function isConsent(p: Prepared): boolean {
  return p.category === 'crm-consent' || (p.connector === 'lime' && p.record.entity === 'consent');
}

function isGa(p: Prepared): boolean {
  return isWebAnalytics(p.connector, p.category);
}

export function planErasure(input: ErasureInput): Plan {
  const { included, excluded } = prepare(input);
  const fy = input.fiscalYear;
  const warnings: PlanWarning[] = [];
  const decisions = new Map<string, Decision>();
  // BF-1a [I]: an open receivable is carried into the current year's books too (recordRetention); the plan
  // records that day when it is not asOf.
  let carriedTo: string | undefined;
  // The subject's records with their systems: an open receivable's carried balances are looked for among them.
  const peers: SystemRecord[] = included.map((q) => ({ record: q.record, system: q.connector }));

  // R first: the S records take their date from them.
  const retainedR = new Map<string, LinkedR[]>();
  for (const p of included) {
    if (p.cls !== 'R') continue;
    // BF-1, BF-1a: the one computation the Art. 15 extract states to the subject too (record-retention.ts).
    const ret = recordRetention({ record: p.record, system: p.connector }, peers, { fiscalYear: fy, asOf: input.asOf, ...(input.today !== undefined ? { today: input.today } : {}) });
    let d: Decision;
    let expiredOn: string | undefined;
    if (!ret) {
      d = { kind: 'retain', reason: REASON.retainRNoDate, rule: 'BF-1', review: true };
    } else {
      const open = ret.open;
      if (open && ret.carriedTo !== input.asOf) carriedTo = ret.carriedTo;
      // ER-5: after its last day to keep (retainUntil is inclusive, BF-1) nothing refuses the erasure any more.
      if (ret.retainUntil < input.asOf) expiredOn = ret.retainUntil;
      const reason = p.flaggedBookkeeping ? REASON.retainRFlagged : open ? `${REASON.retainR} ${REASON.retainROpen}` : REASON.retainR;
      d = expiredOn
        ? { kind: 'delete', reason: `${REASON.deleteRExpired} Its last day to keep was ${expiredOn}.`, rule: 'ER-5' }
        : { kind: 'retain', reason, rule: 'BF-1', retainUntil: ret.retainUntil, deletableFrom: ret.deletableFrom, ...(p.flaggedBookkeeping ? { review: true } : {}), ...(open ? { open: true } : {}) };
    }
    decisions.set(p.key, d);
    const list = retainedR.get(p.connector) ?? [];
    list.push({ p, ...(d.kind === 'retain' && d.retainUntil ? { retainUntil: d.retainUntil } : {}), ...(expiredOn ? { expiredOn } : {}) });
    retainedR.set(p.connector, list);
  }

  for (const p of included) {
    if (p.cls === 'R') continue;
    if (p.cls === 'S') {
      decisions.set(p.key, decideMaster(p, retainedR.get(p.connector) ?? [], input));
      continue;
    }
    if (isConsent(p)) {
      decisions.set(p.key, { kind: 'anonymise', reason: REASON.anonymiseConsent, rule: 'DM-5', mode: 'consent' });
    } else if (p.cls === 'M') {
      if (isGa(p)) decisions.set(p.key, { kind: 'delete', reason: REASON.deleteGaEvent, rule: 'ER-1' });
      else if (p.category === 'newsletter-member') decisions.set(p.key, { kind: 'delete', reason: REASON.deleteNewsletterMember, rule: 'DM-1', mailchimp: isMailchimp(p.record) });
      else if (p.category === 'newsletter-activity') decisions.set(p.key, { kind: 'delete', reason: REASON.deleteNewsletterActivity, rule: 'DM-4' });
      else decisions.set(p.key, { kind: 'delete', reason: REASON.deleteM, rule: 'ER-1' });
    } else if (p.category === 'crm-deal' && hasOrganisationParty(p.record)) {
      decisions.set(p.key, { kind: 'anonymise', reason: REASON.anonymiseDeal, rule: 'ER-1', mode: 'deal' });
    } else {
      decisions.set(p.key, { kind: 'delete', reason: REASON.deleteO, rule: 'ER-1' });
    }
  }

  // Integrity (rule 2 above): a party record that a staying record of the same system refers to is anonymised.
  const stayingRefs = new Map<string, Set<string>>();
  for (const p of included) {
    const d = decisions.get(p.key)!;
    if (d.kind === 'delete') continue;
    const refs = stayingRefs.get(p.connector) ?? new Set<string>();
    // An anonymised deal no longer refers to the subject (unlinked); its other relations stay.
    const unlinked = d.kind === 'anonymise' && d.mode === 'deal' ? p.subjectHolders : new Set<string>();
    for (const id of p.record.identifiers) {
      const h = id.holder ?? 'self';
      if (id.kind === 'systemId' && h !== 'self' && !unlinked.has(h)) refs.add(id.value);
    }
    stayingRefs.set(p.connector, refs);
  }
  for (const p of included) {
    const d = decisions.get(p.key)!;
    if (d.kind !== 'delete' || p.cls === 'S') continue;
    const refs = stayingRefs.get(p.connector);
    if (refs && ownSystemIds(p.record).some((id) => refs.has(id))) {
      decisions.set(p.key, { kind: 'anonymise', reason: REASON.anonymiseReferenced, rule: 'ER-1', mode: 'referenced' });
    }
  }

  // The same object exported twice (an API page with ids and a client export without): a row without
  // its own id that shares a unique identifier with an anonymised party row of the same system and
  // entity is that object, and gets the same action, so the plan never says both "delete" and "anonymise" [I].
  const objectKeys = new Map<string, string>();
  for (const p of included) {
    const k = objectKeyOf(p);
    if (k) objectKeys.set(p.key, k);
  }
  const anonymisedParties = included.filter((p) => {
    const d = decisions.get(p.key)!;
    return d.kind === 'anonymise' && d.mode === 'referenced';
  });
  for (const p of included) {
    const d = decisions.get(p.key)!;
    if (d.kind !== 'delete' || ownSystemIds(p.record).length > 0) continue;
    const keys = uniqueKeys(p);
    const same = anonymisedParties.find((q) => q.connector === p.connector && q.record.entity === p.record.entity && uniqueKeys(q).some((k) => keys.includes(k)));
    if (same) {
      decisions.set(p.key, { kind: 'anonymise', reason: REASON.anonymiseReferenced, rule: 'ER-1', mode: 'referenced' });
      objectKeys.set(p.key, objectKeyOf(same)!);
    }
  }

  const avoidPhones = new Set(
    subjectIds(input, included)
      .filter((i) => i.kind === 'phone')
      .map((i) => canonical('phone', i.value))
      .filter((v): v is string => !!v),
  );
  const gaEvents = included.filter((p) => isGa(p) && decisions.get(p.key)!.kind === 'delete');
  const ga = gaRequests(input, gaEvents, REASON.requestGa, 'ER-1', warnings);

  const actions: PlanAction[] = [...ga.actions];
  const acted: { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[] = [];
  for (const p of included) {
    const d = decisions.get(p.key)!;
    let a: PlanAction;
    if (d.kind === 'retain') {
      const master = p.cls === 'S';
      a = recordAction(p, 'retain', d.reason, d.rule, {
        ...(d.retainUntil ? { retainUntil: d.retainUntil, deletableFrom: d.deletableFrom } : {}),
        legalBasis: BOOKKEEPING_LEGAL_BASIS,
        ...(d.clear && Object.keys(d.clear).length > 0 ? { fields: d.clear } : {}),
        ...(d.review ? { review: true as const } : {}),
        instructions: master
          ? T.retainMaster(p.connector, d.retainUntil, d.deletableFrom, Object.keys(d.clear ?? {}).length, d.linkedKnown ?? false)
          : T.retainBookkeeping(d.retainUntil, d.deletableFrom, p.flaggedBookkeeping, d.open === true),
      });
      if (!d.retainUntil) warnings.push({ code: 'retain.no-date', message: 'A retained record has no date: its retention date must be set by hand before sweep can list it.', actionId: a.id });
      if (p.flaggedBookkeeping) warnings.push({ code: 'retain.review', message: 'A record flagged as a possible verification is retained until a person reviews it.', actionId: a.id });
      if (d.open) {
        warnings.push({
          code: 'retain.open-receivable',
          message: `An invoice or customer-ledger item still had an amount to pay in the export: its retention date (${d.retainUntil ?? 'none yet'}) is not final, since it moves to the financial year in which the payment, credit or write-off is booked (BF-1a). Plan again once it is settled, before sweep reaches the date.`,
          actionId: a.id,
        });
      }
      // Clearing fields of the customer card is an erasure carried out in the processor's system (NT-1 [I]).
      if (master && d.clear && Object.keys(d.clear).length > 0) acted.push({ p, actionId: a.id, recipientKinds: PROCESSOR_ONLY });
    } else if (d.kind === 'delete') {
      const request = d.mailchimp ? MAILCHIMP_DELETE : undefined;
      const refs = ga.refsOf.get(p.key);
      a = recordAction(p, 'delete', d.reason, d.rule, {
        ...(request ? { request } : {}),
        ...(refs && refs.length > 0 ? { refs } : {}),
        ...(d.review ? { review: true as const } : {}),
        instructions: isGa(p)
          ? T.deleteGaEvent()
          : p.category === 'newsletter-member'
            ? T.deleteNewsletterMember(d.mailchimp === true)
            : p.category === 'newsletter-activity'
              ? T.deleteNewsletterActivity()
              : T.deleteRecord(p.connector, p.record.entity),
      });
      if (d.review) warnings.push({ code: 'delete.review', message: 'Customer master data with no retained document in the searched exports is planned for deletion: check the accounting system first.', actionId: a.id });
      acted.push({ p, actionId: a.id });
    } else {
      const fields =
        d.fields ??
        anonymiseFields(p, {
          unlinkSubject: d.mode === 'deal',
          allText: d.mode === 'referenced',
          party: d.mode === 'referenced',
          avoidPhones,
          ...(objectKeys.has(p.key) ? { objectKey: objectKeys.get(p.key)! } : {}),
        });
      a = recordAction(p, 'anonymise', d.reason, d.rule, {
        fields,
        instructions: T.anonymiseRecord(p.connector, p.record.entity, d.mode === 'referenced' && included.some((q) => isConsent(q) && q.connector === p.connector), Object.keys(fields).length),
      });
      acted.push({ p, actionId: a.id });
    }
    actions.push(a);
  }

  actions.push(...suppressActions(input, included, ERASURE_SUPPRESSION_KINDS, 'erasure'));
  actions.push(...notifyActions(input, acted, 'erasure'));

  return finalisePlan({
    kind: 'erasure',
    input,
    // What the plan was computed with: the day that dated the open receivables' books, when not asOf.
    ...(input.gaPropertyId || carriedTo ? { parameters: { ...(input.gaPropertyId ? { gaPropertyId: input.gaPropertyId } : {}), ...(carriedTo ? { today: carriedTo } : {}) } } : {}),
    actions,
    excluded,
    unaffected: [],
    warnings,
    records: included.length,
  });
}

/** An R record of the customer's system, as a customer card (class S) sees it: kept to `retainUntil`, or deleted, its retention over on `expiredOn`. */
interface LinkedR {
  p: Prepared;
  retainUntil?: string;
  expiredOn?: string;
}

function decideMaster(p: Prepared, allLinkedR: readonly LinkedR[], input: ErasureInput): Decision {
  const linkedR = allLinkedR.filter((l) => !l.expiredOn);
  const expired = allLinkedR.length - linkedR.length;
  const dates = linkedR.map((l) => l.retainUntil).filter((d): d is string => !!d);
  // The card's own last invoice date is evidence of a document the exports may lack (BF-1 [I]).
  const lastInvoice = valueAt(p.record.fields, 'LastInvoiceDate');
  const own = typeof lastInvoice === 'string' && /^\d{4}-\d{2}-\d{2}/u.test(lastInvoice) ? bookkeepingRetention([lastInvoice.slice(0, 10)], input.fiscalYear) : undefined;
  if (own) dates.push(own.retainUntil);
  if (dates.length === 0) {
    // Every linked document's retention has passed (ER-5): the card goes with them.
    if (expired > 0 && linkedR.length === 0) {
      const last = allLinkedR.map((l) => l.expiredOn!).sort().at(-1)!;
      return { kind: 'delete', reason: `${REASON.deleteSExpired} Its last day to keep was ${last}.`, rule: 'ER-5' };
    }
    if (linkedR.length > 0) {
      // Linked documents without dates: keep the card until they are dated by hand.
      return { kind: 'retain', reason: REASON.retainS, rule: 'BF-1', review: true, clear: masterDataToClear(p, linkedR.map((l) => l.p.record)).clear, linkedKnown: true };
    }
    return { kind: 'delete', reason: REASON.deleteSNoLinks, rule: 'ER-1', review: true };
  }
  const retainUntil = dates.sort().at(-1)!;
  // Dated by the card's own last invoice alone, and that date has passed too (ER-5).
  if (retainUntil < input.asOf && linkedR.length === 0) return { kind: 'delete', reason: `${REASON.deleteSExpired} Its last day to keep was ${retainUntil}.`, rule: 'ER-5' };
  const deletableFrom = formatIsoDate(addDays(parseIsoDate(retainUntil)!, 1));
  const linked = linkedR.map((l) => l.p.record);
  const { clear, kept } = masterDataToClear(p, linked);
  if (!p.subjectHolders.has('self') && linked.length > 0 && kept === 0 && Object.keys(clear).length > 0) {
    return { kind: 'anonymise', reason: REASON.anonymiseContactOnCard, rule: 'ER-1', mode: 'contact', fields: clear };
  }
  return {
    kind: 'retain',
    reason: linkedR.length > 0 ? REASON.retainS : REASON.retainSOwnDate,
    rule: 'BF-1',
    retainUntil,
    deletableFrom,
    clear,
    linkedKnown: linkedR.length > 0,
  };
}
