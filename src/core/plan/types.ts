/**
 * The plan: what should happen to each record of a data subject after an
 * erasure, rectification, restriction, objection or consent withdrawal, and
 * why (issue #4). A plan is instructions; it changes no system. Pure data.
 *
 * The JSON contract (issue #4, "Interface contract"; keys may be added, not
 * changed): `{ asOf, planHash, actions: [{ source, connector, locator,
 * action, reason, rule, retainUntil?, legalBasis? }] }`. Everything else
 * here is an addition. `reason` texts explain the rule and never carry a
 * personal value; values the executor needs (replacements, diffs, request
 * bodies) are in their own keys.
 */
import type { IdentifierKind } from '../identity/kinds.ts';
import type { Localised } from '../localised.ts';
import type { FiscalYearSetup } from '../law/retention.ts';
import type { Confidence, MatchedRecord } from '../match/matcher.ts';
import type { Locator, NamePart } from '../record.ts';

export const PLAN_SCHEMA_VERSION = 1;

export const PLAN_KINDS = ['erasure', 'rectification', 'restriction', 'objection', 'withdraw-consent', 'sweep'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const ACTION_TYPES = [
  'delete',
  'anonymise',
  'retain',
  'suppress',
  'notify-recipient',
  'request-deletion',
  'rectify',
  'restrict',
  'unsubscribe',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Plain-language steps for the person who carries the action out, in Swedish and English. */
export interface Instructions {
  sv: string;
  en: string;
}

/** A field-level change of a rectification: the value now and the value it gets. */
export interface FieldDiff {
  from: string | null;
  to: string;
}

export interface RecipientRef {
  /** The register's recipient id. */
  id: string;
  name: string;
  kind: 'processor' | 'controller' | 'authority';
  country: string;
}

export interface SuppressionEntry {
  /** The identifier kind (`email`, `phone`, `pnr`, ...). */
  kind: IdentifierKind;
  /** HMAC-SHA256 (hex) of `<kind>:<canonical value>` with the store's secret (BK-2): never the value itself. */
  hash: string;
  /** What the entry blocks: marketing by e-mail, by phone/SMS, or every import (BK-2). */
  channel: 'email' | 'phone' | 'all';
  /** Why the person is on the list (DM-3). */
  ground: 'erasure' | 'objection' | 'withdrawal';
  /** The date the entry takes effect: the plan's asOf. */
  since: string;
}

export interface PlanAction {
  /** Stable id of the action (derived from source, locator, action and target), for review and references. */
  id: string;
  /** The source's name from the config; plan-level actions use `suppression-list` or `register`. */
  source: string;
  /** The connector id; plan-level actions use `ojco-dsar`. */
  connector: string;
  locator: Locator;
  action: ActionType;
  /** Why, in words that cite the rule; never a personal value. */
  reason: string;
  /** The deciding rule id of legal-rules.md (BF-1, ER-1, DM-1, RE-3, NT-1, ...). */
  rule: string;
  /** retain: the last day to keep, YYYY-MM-DD (inclusive). */
  retainUntil?: string;
  /** retain: the first day the record may be deleted (ER-5). */
  deletableFrom?: string;
  legalBasis?: string;
  /** True for the one action that decides what happens to a record; false for follow-ups and plan-level actions. */
  primary: boolean;
  entity?: string;
  /** The record's register category. */
  category?: string;
  /** The register's erasure class of the record (legal-rules.md §4.2). */
  class?: 'R' | 'S' | 'M' | 'O';
  /** A few words that tell a person which record this is (may name the person: the plan is a case document). */
  label?: string;
  confidence?: Confidence;
  /** The officer confirmed this `possible` match. */
  confirmed?: true;
  /**
   * anonymise: field path → replacement (null = empty the field or unlink the relation);
   * retain (class S): fields to clear now (null);
   * rectify: field path → {from, to};
   * unsubscribe: consent flags turned off ({from, to}) and marketing labels emptied (null) in a record kept otherwise (DM-1).
   */
  fields?: Record<string, string | null | FieldDiff>;
  /** rectify on räkenskapsinformation: never in place (RE-3). */
  method?: 'in-place' | 'supplementary-statement';
  /** rectify while contested: carried out only when the check confirms the new value (RE-2). */
  condition?: 'after-verification';
  /** restrict: what is blocked. `all` is Art. 18 (RS-1); the others are purpose-limited stops. */
  scope?: 'all' | 'marketing' | 'profiling';
  /** restrict: the Art. 18(1) ground. */
  ground?: 'a' | 'b' | 'c' | 'd';
  recipient?: RecipientRef;
  suppression?: SuppressionEntry;
  /** request-deletion and Mailchimp deletes: the API call to make. */
  request?: { method: string; url: string; body?: unknown; note?: string };
  /** Ids of related actions: an event's delete refers to its User Deletion request, a notice to the actions it reports. */
  refs?: string[];
  /** sweep: the plan (and case) whose `retain` this follows up. */
  ledger?: { planHash: string; caseId?: string };
  /** A person must look at this before it is carried out (a possible verifikation, a missing date). */
  review?: true;
  instructions?: Instructions;
}

/** A record that gets no action, with the reason. */
export interface PlanRecordNote {
  source: string;
  connector: string;
  locator: Locator;
  entity: string;
  label?: string;
  confidence: Confidence;
  category?: string;
  reason: string;
  rule?: string;
}

export interface PlanWarning {
  code: string;
  /** No personal values. */
  message: string;
  actionId?: string;
}

export interface Plan {
  schemaVersion: number;
  kind: PlanKind;
  /** The date the plan is made for (YYYY-MM-DD): retention and sweep compare against it. */
  asOf: string;
  /** sha256 (hex) of the canonical JSON of the plan without this key. */
  planHash: string;
  caseId?: string;
  /** What the plan was computed with, so it can be recomputed. */
  parameters: Record<string, string | number | boolean | string[] | Record<string, string>[]>;
  actions: PlanAction[];
  /** Records that get no action: possible matches not confirmed (never mixed with exact ones). */
  excluded: PlanRecordNote[];
  /** Records the request does not touch, and why (invoices under an objection, consent-free processing). */
  unaffected: PlanRecordNote[];
  warnings: PlanWarning[];
  /** Actions the officer left out at the review, with who did it (review.ts); absent when none were. */
  deselected?: DeselectedAction[];
  /** What the reply must say when the plan refuses part of the request (ER-4, reply.ts); absent when it does not. */
  reply?: PlanReply;
  summary: { records: number; excluded: number; unaffected: number; actions: Partial<Record<ActionType, number>>; deselected?: number };
}

/**
 * A partial refusal (Art. 12(4), ER-4): the reply must give the reasons and
 * the complaint information.
 */
export interface PlanReply {
  partialRefusal: true;
  rule: 'ER-4';
  legalBasis: 'Art. 12(4)';
  /** Records an erasure plan retains (its primary `retain` actions). */
  retained: number;
  /** Records whose primary action the officer left out at the review. */
  deselected: number;
  /** The right to complain to the supervisory authority (Art. 77) and to go to court (Art. 79). */
  complaintInformation: { supervisoryAuthority: string; judicialRemedy: string };
  /** What the reply must say, in words; no personal values. */
  text: string;
}

/** An action the officer deselected at the review: it is not carried out. */
export type DeselectedAction = PlanAction & { deselected: { by: string; reason: string } };

// ---------------------------------------------------------------- input

/** The parts of the processing register (src/register/schema.ts) a plan needs; the real Register fits. */
export interface PlanRegisterEntry {
  erasure: 'R' | 'S' | 'M' | 'O';
  purposes: string[];
  legalBases: string[];
  recipients: string[];
  profiling: boolean;
}

export interface PlanRegister {
  processing: Record<string, PlanRegisterEntry>;
  recipients: Record<string, { name: Localised; kind: 'processor' | 'controller' | 'authority'; country: Localised }>;
}

/** What a connector says about a field of its records (its describe()), as far as a plan uses it. */
export interface PlanFieldInfo {
  /** The data category (`consent`, `interest`, `identity`, ...). */
  category: string;
  /** The part of the record's own party's name the field holds (AN-2). */
  namePart?: NamePart;
}

export interface PlanSource {
  name: string;
  connector: string;
  /**
   * The connector's description of a top-level field of a record of
   * `entity` (`describedField` over its describe()). Absent, or undefined
   * for a field: the field is not described, and the planners go by its name.
   */
  field?: (entity: string, name: string) => PlanFieldInfo | undefined;
}

export interface PlanInput {
  /** YYYY-MM-DD. The plan's date; no clock is read. */
  asOf: string;
  /**
   * YYYY-MM-DD. The day the plan is made, as the CLI's clock gives it (the
   * core reads none). An open receivable is in the books of the current year
   * too (BF-1a), so its retention counts from the later of `asOf` and this
   * day; absent, from `asOf`.
   */
  today?: string;
  register: PlanRegister;
  /** One subject's matched records, as `Matcher.finish()` gives them. */
  matches: readonly MatchedRecord[];
  /** Indexed like `MatchedRecord.source`. */
  sources: readonly PlanSource[];
  /** Indexes into `matches` of `possible` matches the officer confirmed. */
  confirmed?: ReadonlySet<number>;
  /** The company's financial year (BF-1); a calendar year by default. */
  fiscalYear?: FiscalYearSetup;
  /**
   * Identifiers of the subject (given and learned through links, as
   * SubjectResult.knownBy). Evidence of the planned records adds to them.
   */
  subjectIdentifiers?: readonly { kind: IdentifierKind; value: string }[];
  caseId?: string;
  /**
   * Files the search could not read: the plan does not cover what they hold,
   * and says so in its warnings (`source.not-read`), so that the plan, read
   * on its own later or attached to a case, never looks complete.
   */
  notRead?: readonly {
    source: string;
    file?: string;
    line?: number;
    /** Read, its records in the plan, but it failed a check of being as exported (a SIE file's #KSUMMA): `source.unverified`. */
    recordsRead?: true;
  }[];
}

/** Plans that put the subject on the suppression list and may ask Google to delete. */
export interface SubjectPlanInput extends PlanInput {
  /** The store's secret for keyed hashes (BK-2). */
  suppressionSecret: Uint8Array;
  /** The GA4 property id for User Deletion requests; a placeholder is used (and warned about) without it. */
  gaPropertyId?: string;
}

export type ErasureInput = SubjectPlanInput;

export interface RectificationSet {
  /** `email`, `phone`, `name`, `address`, `pnr`, or a record's exact field name. */
  field: string;
  value: string;
}

export type RestrictionGround = 'a' | 'b' | 'c' | 'd';

export interface ObjectionOptions {
  marketing?: boolean;
  profiling?: boolean;
}

/** The deferred-erasure ledger: one entry per `retain` action (BK-2, ER-5). */
export interface LedgerEntry {
  source: string;
  connector: string;
  locator: Locator;
  entity?: string;
  category?: string;
  class?: 'R' | 'S' | 'M' | 'O';
  label?: string;
  /** The last day to keep; without it the entry needs a person (sweep warns). */
  retainUntil?: string;
  deletableFrom?: string;
  rule?: string;
  legalBasis?: string;
  /** The plan and action that recorded it. */
  planHash?: string;
  actionId?: string;
  caseId?: string;
  /** Class L: a legal hold keeps the record past retainUntil until released (17(3)(e)). */
  hold?: boolean;
}

/** Input the planner cannot work with; every problem is listed (the CLI maps it to exit code 2). */
export class PlanInputError extends Error {
  readonly problems: { code: string; message: string; source?: string }[];
  constructor(message: string, problems: { code: string; message: string; source?: string }[]) {
    super(message);
    this.name = 'PlanInputError';
    this.problems = problems;
  }
}
