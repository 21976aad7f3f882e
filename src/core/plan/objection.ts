/**
 * Objection (Art. 21, legal-rules.md §7) and consent withdrawal (Art. 7(3)).
 *
 * Objection to direct marketing (`marketing`) is absolute (Art. 21(3),
 * DM-1): no balancing test and no delay.
 * - Party records used for marketing (a newsletter subscriber, a CRM person)
 *   get `unsubscribe`: the opt-out, at once; a Lime consent gets a new
 *   `approved=false` consent (its history is proof and is never deleted).
 * - Marketing data is also erased (Art. 17(1)(c), DM-4): a newsletter
 *   subscriber is deleted after the unsubscribe, engagement data at once.
 *   Data whose register purposes go beyond marketing (web analytics) is kept
 *   for those purposes and its marketing use stopped (`restrict`, scope
 *   marketing).
 * - Purchase records (class R) are never touched (DM-4), and customer master
 *   data (class S) is not erased: it is listed as unaffected, unless it
 *   still says the person accepts marketing (Visma Administration's
 *   REKL_EPOST, marketing labels): then those fields alone are turned off
 *   (`unsubscribe` with `fields`, DM-1). A CRM person's own marketing flags
 *   are listed with its unsubscribe.
 * - The subject's e-mail addresses and phone numbers go on the suppression
 *   list (DM-3).
 *
 * Objection to profiling (`profiling`): every record whose register entry
 * says it is used for profiling is excluded from it (`restrict`, scope
 * profiling). OJCO profiles for direct marketing (register `profiling`), so
 * the objection is absolute under Art. 21(2) as well.
 *
 * Consent withdrawal: what rested on consent alone ends (`delete`, Art.
 * 17(1)(b)); marketing ends at once whatever else it rested on (DM-1, DM-2:
 * an unsubscribe ends a soft opt-in for good); processing that has another
 * basis besides consent is kept for that purpose and listed as unaffected
 * with the reason, unless it holds the person's consent flags, which are
 * turned off (`unsubscribe` with `fields`).
 */
import { finalisePlan, gaRequests, notifyActions, PROCESSOR_ONLY, recordAction, recordNote, suppressActions } from './common.ts';
import { optOutFields } from './fields.ts';
import * as T from './instructions.ts';
import { prepare, type Prepared } from './records.ts';
import { MARKETING_SUPPRESSION_KINDS } from './suppression.ts';
import type { ObjectionOptions, Plan, PlanAction, PlanRecordNote, PlanWarning, SubjectPlanInput } from './types.ts';
import { PlanInputError } from './types.ts';

/** Register purposes that are direct marketing or marketing-related profiling and analysis [I]. */
export const MARKETING_PURPOSES: ReadonlySet<string> = new Set(['direct-marketing', 'personalisation', 'market-analysis']);

const PARTY_CATEGORIES = new Set(['crm-person', 'newsletter-member']);

const REASON = {
  unsubscribe:
    'Objection to direct marketing is absolute (Art. 21(2)-(3), DM-1, MFL 19 §): marketing stops at once, queued sends are cancelled, and a soft opt-in ends for good (DM-2).',
  unsubscribeConsent:
    "Objection to direct marketing (Art. 21(3), DM-1): the marketing consent is withdrawn by a new consent record that says no; Lime's consent history is proof and is not deleted (Art. 7(1), DM-5).",
  deleteAfterUnsubscribe:
    'Marketing data is also erased once the objection has stopped the sends (Art. 17(1)(c), DM-4); a suppression entry keeps the person from being added again (DM-3).',
  deleteMarketing: 'Data processed only for marketing and related profiling is erased (Art. 17(1)(c), DM-4).',
  restrictMarketing:
    'The data is no longer processed for direct marketing or related profiling (Art. 21(3), DM-1); it is kept for its other documented purposes, which the objection does not concern.',
  unaffectedBookkeeping: 'Purchase records and the customer data needed to read them are not marketing data and are not erased (DM-4, BF-1).',
  optOutFlags:
    "Objection to direct marketing is absolute (Art. 21(2)-(3), DM-1, MFL 19 §): the record's own consent-to-marketing flags are turned off and its marketing labels removed at once, so that no send or segment picks the person up; the record itself is kept for its other purposes (customer data needed for the accounts is not erased, DM-4).",
  withdrawFlags:
    "Consent withdrawn (Art. 7(3)): the record's own consent flags are turned off and its marketing labels removed at once (DM-1); the record itself rests on another legal basis and is kept for that purpose.",
  unaffectedOther: 'Not processed for direct marketing; the objection to marketing does not concern it (Art. 21(2)).',
  profiling:
    "Objection to profiling (Art. 21(1)-(2)): the record is excluded from profiling, segments and tailored offers. OJCO's profiling serves direct marketing, so the objection is absolute (Art. 21(3)).",
  unaffectedProfiling: 'The register does not list this processing as profiling; the objection to profiling does not concern it.',
  withdrawUnsubscribe:
    'Consent withdrawn (Art. 7(3)): marketing stops at once whatever else it rested on (DM-1); an unsubscribe also ends a soft opt-in for good (DM-2).',
  withdrawConsentRecord: "Consent withdrawn (Art. 7(3)): a new consent record says no; Lime's consent history is proof and is not deleted (Art. 7(1), DM-5).",
  withdrawDelete: 'The processing rested on consent alone; with the consent withdrawn there is no other legal ground, so the data is erased (Art. 17(1)(b)).',
  withdrawDeleteMember:
    'The subscription rested on consent or on a soft opt-in, which ends for good with the unsubscribe (DM-2); no other legal ground remains, so the subscriber is erased once the sends have stopped (Art. 17(1)(b), DM-4).',
  withdrawKept: 'The processing also rests on another legal basis than consent; it continues for that purpose, and only what rested on consent ends (Art. 7(3), Art. 17(1)(b)).',
  withdrawNone: 'The processing does not rest on consent; the withdrawal does not concern it.',
  requestGa: 'Web analytics rested on consent: Google Analytics deletes only the id named in a request, so one User Deletion request is made per id (Art. 17(1)(b)).',
} as const;

function isConsentRecord(p: Prepared): boolean {
  return p.category === 'crm-consent' || (p.connector === 'lime' && p.record.entity === 'consent');
}

function isGa(p: Prepared): boolean {
  return p.category === 'web-analytics' || p.connector === 'google-analytics';
}

function forMarketing(p: Prepared): boolean {
  return p.entry.purposes.includes('direct-marketing');
}

/**
 * The consent flags a CRM person's unsubscribe sets (a solution's own
 * `nyhetsbrev` flag on the person): listed with the action. A newsletter
 * member's unsubscribe is the tool's own status change, and its fields
 * (Mailchimp's TAGS, CONFIRM_STATUS) are not set by hand.
 */
function partyFlags(p: Prepared, scope: 'marketing' | 'consent'): { fields?: ReturnType<typeof optOutFields> } {
  if (p.category === 'newsletter-member') return {};
  const off = optOutFields(p, scope);
  return Object.keys(off).length > 0 ? { fields: off } : {};
}

function onlyMarketing(p: Prepared): boolean {
  return p.entry.purposes.length > 0 && p.entry.purposes.every((x) => MARKETING_PURPOSES.has(x));
}

export function planObjection(input: SubjectPlanInput, opts: ObjectionOptions): Plan {
  if (!opts.marketing && !opts.profiling) {
    throw new PlanInputError('the objection cannot be planned', [{ code: 'object.what', message: 'say what the objection is to: marketing, profiling or both' }]);
  }
  const { included, excluded } = prepare(input);
  const actions: PlanAction[] = [];
  const unaffected: PlanRecordNote[] = [];
  const acted: { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[] = [];
  const warnings: PlanWarning[] = [];
  let marketingStopped = false;
  for (const p of included) {
    let primary: PlanAction | undefined;
    const extra: PlanAction[] = [];
    const bookkeeping = p.cls === 'R' || p.cls === 'S';
    if (opts.marketing && !bookkeeping) {
      if (isConsentRecord(p) && forMarketing(p)) {
        primary = recordAction(p, 'unsubscribe', REASON.unsubscribeConsent, 'DM-1', { instructions: T.unsubscribe(p.connector, p.record.entity) });
      } else if (PARTY_CATEGORIES.has(p.category) && forMarketing(p)) {
        primary = recordAction(p, 'unsubscribe', REASON.unsubscribe, 'DM-1', { ...partyFlags(p, 'marketing'), instructions: T.unsubscribe(p.connector, p.record.entity) });
        if (p.cls === 'M' && onlyMarketing(p)) {
          // DM-4: the subscriber's data goes too, after the opt-out has taken effect.
          extra.push(recordAction(p, 'delete', REASON.deleteAfterUnsubscribe, 'DM-4', { primary: false, refs: [primary.id], instructions: T.deleteNewsletterMember(p.connector === 'newsletter' && ('LEID' in p.record.fields || 'EUID' in p.record.fields)) }));
        }
      } else if (p.cls === 'M' && onlyMarketing(p)) {
        primary = recordAction(p, 'delete', REASON.deleteMarketing, 'DM-4', {
          instructions: p.category === 'newsletter-activity' ? T.deleteNewsletterActivity() : T.deleteRecord(p.connector, p.record.entity),
        });
      } else if (p.cls === 'M' && p.entry.purposes.some((x) => MARKETING_PURPOSES.has(x))) {
        primary = recordAction(p, 'restrict', REASON.restrictMarketing, 'DM-1', { scope: 'marketing', instructions: T.restrict(p.connector, 'marketing', false) });
      }
      if (primary) marketingStopped = true;
    }
    // DM-1: a record kept for other purposes (a customer card) may still say the person accepts marketing (Visma
    // Administration's REKL_EPOST): the flag is turned off, nothing else in the record changes.
    let flagsOnly = false;
    if (opts.marketing && !primary && p.cls !== 'R') {
      const off = optOutFields(p, 'marketing');
      if (Object.keys(off).length > 0) {
        primary = recordAction(p, 'unsubscribe', REASON.optOutFlags, 'DM-1', { fields: off, instructions: T.unsubscribe(p.connector, p.record.entity, Object.keys(off).length) });
        marketingStopped = flagsOnly = true;
      }
    }
    if (opts.profiling && p.entry.profiling && !bookkeeping) {
      const deleted = primary?.action === 'delete' || extra.some((a) => a.action === 'delete');
      if (!deleted) {
        const r = recordAction(p, 'restrict', REASON.profiling, 'DM-1', {
          primary: !primary,
          scope: 'profiling',
          discriminator: 'profiling',
          instructions: T.restrict(p.connector, 'profiling', false),
        });
        if (primary) extra.push(r);
        else primary = r;
      }
    }
    if (!primary) {
      unaffected.push(
        recordNote(p, bookkeeping ? REASON.unaffectedBookkeeping : opts.marketing ? REASON.unaffectedOther : REASON.unaffectedProfiling, bookkeeping ? 'DM-4' : undefined),
      );
      continue;
    }
    actions.push(primary, ...extra);
    // A flag turned off in a kept record is reported to the processor that keeps it, not to every recipient of the record.
    acted.push({ p, actionId: primary.id, ...(flagsOnly ? { recipientKinds: PROCESSOR_ONLY } : {}) });
  }
  if (opts.marketing) {
    const sup = suppressActions(input, included, MARKETING_SUPPRESSION_KINDS, 'objection');
    if (sup.length === 0 && marketingStopped) warnings.push({ code: 'suppress.none', message: 'No e-mail address or phone number of the subject is known: nothing could be put on the suppression list.' });
    actions.push(...sup);
  }
  actions.push(...notifyActions(input, acted, 'objection'));
  return finalisePlan({
    kind: 'objection',
    input,
    parameters: { marketing: opts.marketing === true, profiling: opts.profiling === true },
    actions,
    excluded,
    unaffected,
    warnings,
    records: included.length,
  });
}

export function planWithdrawConsent(input: SubjectPlanInput): Plan {
  const { included, excluded } = prepare(input);
  const actions: PlanAction[] = [];
  const unaffected: PlanRecordNote[] = [];
  const acted: { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[] = [];
  const warnings: PlanWarning[] = [];
  const gaEvents: Prepared[] = [];
  const pending: { p: Prepared; action: PlanAction; recipientKinds?: ReadonlySet<string> }[] = [];
  let marketingStopped = false;
  for (const p of included) {
    const bases = p.entry.legalBases;
    const consent = bases.includes('consent');
    const consentOnly = consent && bases.every((b) => b === 'consent');
    // DM-1: a record kept on another basis (a customer card) may still carry the person's consent flags: they are turned off.
    const off = p.cls === 'R' || consentOnly || isConsentRecord(p) || (PARTY_CATEGORIES.has(p.category) && forMarketing(p)) ? {} : optOutFields(p, 'consent');
    if (Object.keys(off).length > 0) {
      const a = recordAction(p, 'unsubscribe', REASON.withdrawFlags, 'DM-1', { fields: off, instructions: T.unsubscribe(p.connector, p.record.entity, Object.keys(off).length) });
      marketingStopped = true;
      pending.push({ p, action: a, recipientKinds: PROCESSOR_ONLY });
      continue;
    }
    if (!consent || p.cls === 'R') {
      unaffected.push(recordNote(p, REASON.withdrawNone, p.cls === 'R' ? 'BF-1' : undefined));
      continue;
    }
    let a: PlanAction;
    if (isConsentRecord(p)) {
      a = recordAction(p, 'unsubscribe', REASON.withdrawConsentRecord, 'DM-5', { instructions: T.unsubscribe(p.connector, p.record.entity) });
      marketingStopped = true;
    } else if (PARTY_CATEGORIES.has(p.category) && forMarketing(p)) {
      a = recordAction(p, 'unsubscribe', REASON.withdrawUnsubscribe, 'DM-1', { ...partyFlags(p, 'consent'), instructions: T.unsubscribe(p.connector, p.record.entity) });
      marketingStopped = true;
      if (p.cls === 'M' && onlyMarketing(p)) {
        // DM-2: the soft opt-in ends with the unsubscribe, so no other ground remains (Art. 17(1)(b)).
        const del = recordAction(p, 'delete', REASON.withdrawDeleteMember, 'DM-2', {
          primary: false,
          refs: [a.id],
          instructions: T.deleteNewsletterMember(p.connector === 'newsletter' && ('LEID' in p.record.fields || 'EUID' in p.record.fields)),
        });
        pending.push({ p, action: del });
      }
    } else if (consentOnly) {
      a = recordAction(p, 'delete', REASON.withdrawDelete, 'ER-1', {
        instructions: isGa(p) ? T.deleteGaEvent() : p.category === 'newsletter-activity' ? T.deleteNewsletterActivity() : T.deleteRecord(p.connector, p.record.entity),
      });
      if (isGa(p)) gaEvents.push(p);
    } else {
      unaffected.push(recordNote(p, REASON.withdrawKept));
      continue;
    }
    pending.push({ p, action: a });
  }
  const ga = gaRequests(input, gaEvents, REASON.requestGa, 'ER-1', warnings);
  actions.push(...ga.actions);
  for (const { p, action, recipientKinds } of pending) {
    const refs = ga.refsOf.get(p.key);
    actions.push(refs && refs.length > 0 ? { ...action, refs } : action);
    acted.push({ p, actionId: action.id, ...(recipientKinds ? { recipientKinds } : {}) });
  }
  if (marketingStopped || acted.length > 0) {
    const sup = suppressActions(input, included, MARKETING_SUPPRESSION_KINDS, 'withdrawal');
    if (sup.length === 0 && marketingStopped) warnings.push({ code: 'suppress.none', message: 'No e-mail address or phone number of the subject is known: nothing could be put on the suppression list.' });
    actions.push(...sup);
  }
  actions.push(...notifyActions(input, acted, 'erasure'));
  return finalisePlan({ kind: 'withdraw-consent', input, actions, excluded, unaffected, warnings, records: included.length });
}
