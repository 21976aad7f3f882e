/**
 * What every planner shares: stable action ids, record actions, the
 * plan-level suppression and Art. 19 notices, Google's deletion requests,
 * and the final step that sorts, counts and hashes the plan.
 */
import type { IdentifierKind } from '../identity/kinds.ts';
import { canonical } from '../identity/normalise.ts';
import { localised } from '../localised.ts';
import type { Locator, RawIdentifier } from '../record.ts';
import { computePlanHash, sha256Hex } from './canonical.ts';
import { planReply } from './reply.ts';
import * as T from './instructions.ts';
import { evidenceIdentifiers, valueAt, type Prepared } from './records.ts';
import { gaUserId, isWebAnalytics, suppressibleIdentifiers, suppressionKey } from './suppression.ts';
import {
  PLAN_SCHEMA_VERSION,
  type ActionType,
  type Plan,
  type PlanAction,
  type PlanInput,
  type PlanKind,
  type PlanRecordNote,
  type PlanWarning,
  type SubjectPlanInput,
  type SuppressionEntry,
} from './types.ts';

export const TOOL = 'ojco-dsar';
export const SUPPRESSION_SOURCE = 'suppression-list';
export const REGISTER_SOURCE = 'register';

export function actionId(source: string, locator: Locator, action: ActionType, discriminator = ''): string {
  return sha256Hex([source, locator.file, locator.entry ?? '', locator.sheet ?? '', locator.pointer ?? '', locator.line ?? '', locator.row ?? '', action, discriminator].join('\u0000')).slice(0, 16);
}

type ActionExtras = Omit<PlanAction, 'id' | 'source' | 'connector' | 'locator' | 'action' | 'primary' | 'reason' | 'rule'> & { primary?: boolean; discriminator?: string };

/** An action on one record, carrying the record's description. */
export function recordAction(p: Prepared, action: ActionType, reason: string, rule: string, extras: ActionExtras = {}): PlanAction {
  const { primary = true, discriminator = '', ...rest } = extras;
  const r = p.record;
  return {
    id: actionId(p.source, r.locator, action, discriminator),
    source: p.source,
    connector: p.connector,
    locator: r.locator,
    action,
    reason,
    rule,
    primary,
    entity: r.entity,
    category: p.category,
    class: p.cls,
    ...(r.label ? { label: r.label } : {}),
    confidence: p.match.confidence,
    ...(p.confirmed ? { confirmed: true as const } : {}),
    ...rest,
  };
}

export function recordNote(p: Prepared, reason: string, rule?: string): PlanRecordNote {
  return {
    source: p.source,
    connector: p.connector,
    locator: p.record.locator,
    entity: p.record.entity,
    ...(p.record.label ? { label: p.record.label } : {}),
    confidence: p.match.confidence,
    category: p.category,
    reason,
    ...(rule ? { rule } : {}),
  };
}

// ---------------------------------------------------------------- suppression

const SUPPRESSION_REASON: Record<SuppressionEntry['ground'], { reason: string; rule: string }> = {
  erasure: {
    rule: 'BK-2',
    reason:
      'Erasure ledger (BK-2, BK-3 [I]): a keyed hash of the identifier, never the identifier, so that a re-import, a lead list or a restored backup cannot bring the erased person back. The entry is pseudonymised data and is kept minimal (AN-1).',
  },
  objection: {
    rule: 'DM-3',
    reason:
      'Objection to direct marketing (Art. 21(3), DM-1, MFL 19 §): a minimal suppression entry, a keyed hash with channel and date and no name or profile, keeps the person from being marketed to again (DM-3 [I]).',
  },
  withdrawal: {
    rule: 'DM-3',
    reason:
      'Consent withdrawn (Art. 7(3)): a minimal suppression entry, a keyed hash with channel and date and no name or profile, keeps the person from being added again from imports or lead lists (DM-3 [I]).',
  },
};

/** The subject's identifiers: those given or learned, and those the planned records were matched on. */
export function subjectIds(input: PlanInput, planned: readonly Prepared[]): { kind: IdentifierKind; value: string }[] {
  return [...(input.subjectIdentifiers ?? []), ...planned.flatMap((p) => evidenceIdentifiers(p))];
}

/** The `<kind>:<canonical>` key of an identifier, to ask whether it is one of the subject's (keysOf). */
function keyOf(i: { kind: IdentifierKind; value: string }): string {
  return `${i.kind}:${canonical(i.kind, i.value) ?? i.value}`;
}

function keysOf(ids: readonly { kind: IdentifierKind; value: string }[]): Set<string> {
  return new Set(ids.map(keyOf));
}

/**
 * A GA4 event's user id (gaUserId) when it is one of the subject's
 * identifiers (`mine`, keysOf): an event found by the client id may carry
 * another person's login (a shared computer), which is neither deleted nor
 * suppressed for the subject.
 */
function ownGaUserId(ident: RawIdentifier, p: Prepared, mine: ReadonlySet<string>): string | undefined {
  const id = gaUserId(ident, p.record.fields);
  return id && mine.has(keyOf(ident)) ? id : undefined;
}

/**
 * The GA4 user ids of the subject in the planned events, as `userId` of the
 * exported value: a `user_id` read as another kind (OJCO's customer number)
 * is listed as what Google and a returning visitor know it by (BK-2).
 */
function gaUserIds(known: readonly { kind: IdentifierKind; value: string }[], planned: readonly Prepared[]): { kind: IdentifierKind; value: string }[] {
  const mine = keysOf(known);
  const out: { kind: IdentifierKind; value: string }[] = [];
  for (const p of planned) {
    if (!isWebAnalytics(p.connector, p.category)) continue;
    for (const ident of p.record.identifiers) {
      const id = ownGaUserId(ident, p, mine);
      if (id) out.push({ kind: 'userId', value: id });
    }
  }
  return out;
}

export function suppressActions(
  input: SubjectPlanInput,
  planned: readonly Prepared[],
  kinds: ReadonlySet<IdentifierKind>,
  ground: SuppressionEntry['ground'],
): PlanAction[] {
  const known = subjectIds(input, planned);
  const ids = suppressibleIdentifiers(kinds.has('userId') ? [...known, ...gaUserIds(known, planned)] : known, kinds);
  const text = SUPPRESSION_REASON[ground];
  return ids.map((id) => {
    const hash = suppressionKey(id.kind, id.value, input.suppressionSecret);
    const locator: Locator = { file: SUPPRESSION_SOURCE, pointer: `/${id.kind}/${hash.slice(0, 16)}` };
    const channel: SuppressionEntry['channel'] = ground === 'erasure' ? 'all' : id.kind === 'phone' ? 'phone' : 'email';
    return {
      id: actionId(SUPPRESSION_SOURCE, locator, 'suppress', hash),
      source: SUPPRESSION_SOURCE,
      connector: TOOL,
      locator,
      action: 'suppress',
      reason: text.reason,
      rule: text.rule,
      primary: false,
      suppression: { kind: id.kind, hash, channel, ground, since: input.asOf },
      instructions: T.suppress(),
    };
  });
}

// ---------------------------------------------------------------- Art. 19

/**
 * The recipients told of a change made in a processor's system only (a
 * customer card's fields, a consent flag; NT-1 [I]): not the auditor or the
 * authorities, who receive the bookkeeping.
 */
export const PROCESSOR_ONLY: ReadonlySet<string> = new Set(['processor']);

/**
 * NT-1 [I]: one notice per recipient of the register entries of the records
 * whose data was erased, rectified or restricted, naming the recipient and
 * the actions it reports. Retained räkenskapsinformation is not erased
 * under Art. 17(1), so it gives no notice.
 */
export function notifyActions(
  input: PlanInput,
  acted: readonly { p: Prepared; actionId: string; recipientKinds?: ReadonlySet<string> }[],
  change: 'erasure' | 'rectification' | 'restriction' | 'objection' | 'contested-rectification',
): PlanAction[] {
  const byRecipient = new Map<string, Set<string>>();
  for (const a of acted) {
    for (const rid of a.p.entry.recipients) {
      const rc = input.register.recipients[rid];
      if (!rc) continue;
      if (a.recipientKinds && !a.recipientKinds.has(rc.kind)) continue;
      let s = byRecipient.get(rid);
      if (!s) byRecipient.set(rid, (s = new Set()));
      s.add(a.actionId);
    }
  }
  const told = {
    erasure: 'the change carried out under Art. 17(1)',
    rectification: 'the change carried out under Art. 16',
    restriction: 'the change carried out under Art. 18',
    objection: 'the change carried out under Art. 21 and the erasure or stop that follows',
    // Art. 19 covers what is carried out: the rectification only once the check confirms it (RE-2).
    'contested-rectification': 'the restriction carried out now under Art. 18(1)(a) while the accuracy is checked, and of the rectification under Art. 16 only once the check confirms it',
  }[change];
  const rule = change === 'rectification' || change === 'contested-rectification' ? 'RE-4' : change === 'erasure' ? 'ER-6' : 'NT-1';
  return [...byRecipient.keys()].sort().map((rid) => {
    const rc = input.register.recipients[rid]!;
    const locator: Locator = { file: REGISTER_SOURCE, pointer: `/recipients/${rid}` };
    return {
      id: actionId(REGISTER_SOURCE, locator, 'notify-recipient', change),
      source: REGISTER_SOURCE,
      connector: TOOL,
      locator,
      action: 'notify-recipient',
      reason: `Art. 19 (NT-1): each recipient to whom the data were disclosed is told of ${told}, from the register's recipients of the records concerned, unless that proves impossible or involves disproportionate effort; the notice is logged.`,
      rule,
      primary: false,
      // A plan is written in English (its reasons and table), so the register's English forms.
      recipient: { id: rid, name: localised(rc.name, 'en'), kind: rc.kind, country: localised(rc.country, 'en') },
      refs: [...byRecipient.get(rid)!].sort(),
      instructions: T.notify(change),
    };
  });
}

// ---------------------------------------------------------------- Google Analytics

export const GA_PROPERTY_PLACEHOLDER = '<GA4_PROPERTY_ID>';
const GA_UPSERT_URL = 'https://www.googleapis.com/analytics/v3/userDeletion/userDeletionRequests:upsert';

/**
 * The ids of a GA event that a User Deletion request can name (formats.md
 * §5.1): CLIENT_ID, APP_INSTANCE_ID, and USER_ID for the site's `user_id`
 * whatever kind the connector reads it as (a customer number at OJCO); a
 * user id that is not the subject's (`mine`) is left out and counted in
 * `others`.
 */
export function gaIds(p: Prepared, mine?: ReadonlySet<string>): { ids: { type: 'CLIENT_ID' | 'USER_ID' | 'APP_INSTANCE_ID'; id: string }[]; others: number } {
  const out: { type: 'CLIENT_ID' | 'USER_ID' | 'APP_INSTANCE_ID'; id: string }[] = [];
  let others = 0;
  for (const ident of p.record.identifiers) {
    const raw = valueAt(p.record.fields, ident.field);
    const rawText = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
    if (ident.kind === 'gaClientId') out.push({ type: 'CLIENT_ID', id: rawText || ident.value });
    else {
      const user = gaUserId(ident, p.record.fields);
      if (user) {
        if (!mine || mine.has(keyOf(ident))) out.push({ type: 'USER_ID', id: user });
        else others++;
      } else if (ident.kind === 'systemId' && ident.value.startsWith('ga4:user_pseudo_id:')) out.push({ type: 'APP_INSTANCE_ID', id: rawText || ident.value.slice('ga4:user_pseudo_id:'.length) });
    }
  }
  return { ids: out, others };
}

/**
 * One User Deletion request per distinct id (a request deletes only the id
 * it names, formats.md §5.1); each event's action refers to its requests.
 */
export function gaRequests(
  input: SubjectPlanInput,
  events: readonly Prepared[],
  reason: string,
  rule: string,
  warnings: PlanWarning[],
): { actions: PlanAction[]; refsOf: Map<string, string[]> } {
  const byId = new Map<string, { type: 'CLIENT_ID' | 'USER_ID' | 'APP_INSTANCE_ID'; id: string; source: string; connector: string; events: Set<string> }>();
  const refsOf = new Map<string, string[]>();
  const mine = keysOf(subjectIds(input, events));
  let others = 0;
  for (const p of events) {
    const found = gaIds(p, mine);
    others += found.others;
    for (const g of found.ids) {
      const k = `${p.source}\u0000${g.type}\u0000${g.id}`;
      let e = byId.get(k);
      if (!e) byId.set(k, (e = { ...g, source: p.source, connector: p.connector, events: new Set() }));
      e.events.add(p.key);
    }
  }
  if (others > 0) {
    warnings.push({
      code: 'ga.user-id-not-own',
      message: `${others} Google Analytics event(s) of the subject carry a user id that is not known as the subject's (another login on the same browser?): no deletion request is made for it; check it by hand.`,
    });
  }
  const property = input.gaPropertyId?.trim() || GA_PROPERTY_PLACEHOLDER;
  if (byId.size > 0 && property === GA_PROPERTY_PLACEHOLDER) {
    warnings.push({ code: 'ga.property-id', message: 'No Google Analytics property id was given: the deletion requests carry a placeholder to fill in.' });
  }
  const actions: PlanAction[] = [];
  for (const [k, e] of [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const hash = sha256Hex(k);
    const locator: Locator = { file: 'google-analytics:user-deletion', pointer: `/${e.type}/${hash.slice(0, 12)}` };
    const id = actionId(e.source, locator, 'request-deletion', hash);
    actions.push({
      id,
      source: e.source,
      connector: e.connector,
      locator,
      action: 'request-deletion',
      reason,
      rule,
      primary: false,
      request: {
        method: 'POST',
        url: GA_UPSERT_URL,
        body: { kind: 'analytics#userDeletionRequest', id: { type: e.type, userId: e.id }, propertyId: property },
        note: 'GA4 alternative: POST https://analyticsadmin.googleapis.com/v1alpha/properties/{propertyId}:submitUserDeletion with {clientId} or {userId}.',
      },
      instructions: T.requestGaDeletion(property === GA_PROPERTY_PLACEHOLDER),
    });
    for (const ev of e.events) {
      const list = refsOf.get(ev) ?? [];
      list.push(id);
      refsOf.set(ev, list);
    }
  }
  for (const list of refsOf.values()) list.sort();
  return { actions, refsOf };
}

// ---------------------------------------------------------------- finishing

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Locators in reading order: file, archive entry, sheet, pointer, then line and row as numbers. */
export function compareLocators(a: Locator, b: Locator): number {
  return cmp(a.file, b.file) || cmp(a.entry, b.entry) || cmp(a.sheet, b.sheet) || cmp(a.pointer, b.pointer) || cmp(a.line, b.line) || cmp(a.row, b.row);
}

const byRecord = (a: { source: string; locator: Locator }, b: { source: string; locator: Locator }): number => cmp(a.source, b.source) || compareLocators(a.locator, b.locator);

export interface PlanParts {
  kind: PlanKind;
  input: Pick<PlanInput, 'asOf' | 'caseId' | 'fiscalYear' | 'notRead'>;
  parameters?: Plan['parameters'];
  actions: PlanAction[];
  excluded: PlanRecordNote[];
  unaffected: PlanRecordNote[];
  warnings: PlanWarning[];
  records: number;
}

/** Sorts (source, locator, action, id), counts, and hashes: the same parts always give the same bytes. */
export function finalisePlan(parts: PlanParts): Plan {
  const actions = [...parts.actions].sort((a, b) => byRecord(a, b) || cmp(a.action, b.action) || cmp(a.id, b.id));
  const ids = new Set<string>();
  for (const a of actions) {
    if (ids.has(a.id)) throw new Error(`two plan actions have the id ${a.id}`);
    ids.add(a.id);
  }
  const counts: Partial<Record<ActionType, number>> = {};
  for (const a of actions) counts[a.action] = (counts[a.action] ?? 0) + 1;
  const fy = parts.input.fiscalYear;
  const parameters: Plan['parameters'] = {
    ...(parts.kind === 'sweep' ? {} : { fiscalYearStart: fy?.start ?? '01-01' }),
    ...(fy?.periods && fy.periods.length > 0 ? { fiscalYearPeriods: fy.periods.map((p) => ({ start: p.start, end: p.end })) } : {}),
    ...(parts.parameters ?? {}),
  };
  const unread = (parts.input.notRead ?? []).map((n): PlanWarning => {
    const where = `${n.file ? `${n.file}${n.line ? `:${n.line}` : ''} (source ${n.source})` : `Source ${n.source}`}`;
    // Its records are in the plan; what is in doubt is whether they are as the system exported them.
    if (n.recordsRead) return { code: 'source.unverified', message: `${where} was read and its records are planned, but it failed a check that it is as exported (a checksum): compare it with the system before acting on the plan.` };
    return { code: 'source.not-read', message: `${where} could not be read: this plan does not cover what it holds. Make it readable and plan again before acting on the plan.` };
  });
  const warnings = [...parts.warnings, ...unread].sort((a, b) => cmp(a.code, b.code) || cmp(a.actionId, b.actionId) || cmp(a.message, b.message));
  const retained = actions.filter((a) => a.primary && a.action === 'retain').length;
  const reply = planReply(parts.kind, retained, 0);
  const body: Omit<Plan, 'planHash'> = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: parts.kind,
    asOf: parts.input.asOf,
    ...(parts.input.caseId ? { caseId: parts.input.caseId } : {}),
    parameters,
    actions,
    excluded: [...parts.excluded].sort(byRecord),
    unaffected: [...parts.unaffected].sort(byRecord),
    warnings,
    summary: { records: parts.records, excluded: parts.excluded.length, unaffected: parts.unaffected.length, actions: counts },
    ...(reply ? { reply } : {}),
  };
  return { ...body, planHash: computePlanHash(body) };
}
