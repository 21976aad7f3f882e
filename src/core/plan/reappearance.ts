/**
 * The re-appearance check (issue #4 point 6, BK-2, BK-3, DM-3): does a
 * record of an export carry an identifier that is on the suppression list?
 * Then a person who was erased, or who objected to marketing, is back: the
 * export was re-imported or restored from a backup, or the plan that erased
 * them has not been carried out yet.
 *
 * It is cheap by design. Only the record's own identifier fields of the
 * kinds on the list are looked at (e-mail, phone, personnummer and a sole
 * trader's org.nr, GA client id, user id, and a GA4 `user_id` as a user
 * id whatever the connector reads it as); free text is not scanned (a
 * mention is not a re-import). Each value is normalised as the matcher
 * does it, keyed with the list's secret (HMAC-SHA256, as suppressionKey)
 * and looked up in a hash set; values seen before are remembered, so a
 * client id on a thousand events costs one HMAC.
 *
 * What counts as re-appeared:
 * - an `erasure` entry: any record, except what bookkeeping keeps (register
 *   class R or S, or a record that flags itself as räkenskapsinformation):
 *   those are kept on purpose until the ledger's date (BF-1);
 * - an `objection` or `withdrawal` entry (marketing channels): only records
 *   processed for marketing alone (register class M, every purpose a
 *   marketing purpose: a newsletter subscriber or its activity). The
 *   person's invoices and CRM record may stay.
 *
 * Nothing here holds or returns an identifier value: entries name the
 * record (source and locator), the kind, the ground, the plan and the case.
 */
import { createHmac, hash as oneShotHash } from 'node:crypto';
import type { IdentifierKind } from '../identity/kinds.ts';
import { canonical, isRoleEmail, normaliseOrgnr, normalisePnr } from '../identity/normalise.ts';
import type { Locator, RawIdentifier, SourceRecord } from '../record.ts';
import { MARKETING_PURPOSES } from './objection.ts';
import { digitsOf, PHONE_TAIL } from '../match/extract.ts';
import { recordKey } from './records.ts';
import { gaUserId, isWebAnalytics, suppressionKey } from './suppression.ts';
import type { PlanRegister, SuppressionEntry } from './types.ts';

export interface SuppressionListEntry {
  hash: string;
  kind: string;
  channel: SuppressionEntry['channel'];
  ground: SuppressionEntry['ground'];
  since: string;
  planHash: string;
  caseId?: string;
  /** Phone entries: phoneTailKey of the number, so that only phones that may be listed are parsed. */
  tail?: string;
}

export interface Reappearance {
  source: string;
  connector: string;
  locator: Locator;
  entity: string;
  category?: string;
  /** The kinds of the record's identifiers found on the list (never their values). */
  kinds: IdentifierKind[];
  /** The first of `kinds`. */
  kind: IdentifierKind;
  ground: SuppressionEntry['ground'];
  /** The hash of the plan that put the person on the list. */
  plan: string;
  caseId?: string;
  since: string;
  /**
   * The plan named this very record (same source and locator): it has not
   * been carried out yet, or the record came back at the same place. False:
   * a record the plan never saw, re-imported or restored from a backup.
   */
  planned: boolean;
}

/** The salt of the phone tails: derived from the list's secret, so a tail key says nothing without it. */
export function phoneTailSalt(secret: Uint8Array): string {
  return createHmac('sha256', secret).update('ojco-dsar:phone-tail', 'utf8').digest('hex');
}

/**
 * A keyed hash of a phone number's last 7 digits (any rendering of the
 * number without letters ends in them: extract.ts phoneMayMatch). It is a
 * cheap filter in front of the phone parse, which costs ~10 µs; a hit is
 * then checked with the full suppression key. Pass the salt of
 * phoneTailSalt, or the secret.
 */
export function phoneTailKey(phone: string, saltOrSecret: string | Uint8Array): string | undefined {
  const d = digitsOf(phone);
  if (d.length < PHONE_TAIL) return undefined;
  const salt = typeof saltOrSecret === 'string' ? saltOrSecret : phoneTailSalt(saltOrSecret);
  return oneShotHash('sha256', `${salt}:${d.slice(-PHONE_TAIL)}`, 'hex');
}

const GROUND_ORDER: Record<SuppressionEntry['ground'], number> = { erasure: 0, objection: 1, withdrawal: 2 };
const CACHE_MAX = 50_000;
/** Kinds whose values repeat across records (a visitor's events): worth remembering. */
const CACHED_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>(['gaClientId', 'userId']);

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Erasure before objection before withdrawal, then the earliest entry, then the plan hash: one stable answer. */
function better(a: SuppressionListEntry, b: SuppressionListEntry): boolean {
  return (GROUND_ORDER[a.ground] - GROUND_ORDER[b.ground] || cmp(a.since, b.since) || cmp(a.planHash, b.planHash)) < 0;
}

export class SuppressionCheck {
  private readonly byHash = new Map<string, { erasure?: SuppressionListEntry; marketing?: SuppressionListEntry; plans: Set<string> }>();
  private readonly kinds = new Set<IdentifierKind>();
  private readonly cache = new Map<string, string | null>();
  /** Tail keys of the listed phones; undefined when an entry lacks one (then every phone is parsed). */
  private readonly phoneTails: Set<string> | undefined;
  private readonly tailSalt: string | undefined;
  /** Records looked at and identifiers keyed, for the cost report. */
  readonly stats = { records: 0, values: 0, hmacs: 0 };

  constructor(
    entries: readonly SuppressionListEntry[],
    private readonly secret: Uint8Array,
    private readonly register: PlanRegister | undefined,
    private readonly sources: readonly { name: string; connector: string }[],
    /** `<planHash> \0 <recordKey>` of the records each plan acted on. */
    private readonly planned: ReadonlySet<string> = new Set(),
  ) {
    for (const e of entries) {
      const slot = this.byHash.get(e.hash) ?? { plans: new Set<string>() };
      slot.plans.add(e.planHash);
      const k = e.ground === 'erasure' ? 'erasure' : 'marketing';
      const cur = slot[k];
      if (!cur || better(e, cur)) slot[k] = e;
      this.byHash.set(e.hash, slot);
      this.kinds.add(e.kind as IdentifierKind);
    }
    // A sole trader's org.nr is the owner's personnummer (suppressibleIdentifiers stores it as pnr).
    if (this.kinds.has('pnr')) this.kinds.add('orgnr');
    const phones = entries.filter((e) => e.kind === 'phone');
    if (phones.length > 0 && phones.every((e) => !!e.tail)) {
      this.phoneTails = new Set(phones.map((e) => e.tail!));
      this.tailSalt = phoneTailSalt(secret);
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** The canonical `<kind, value>` a raw identifier is listed under, as suppressibleIdentifiers makes it. */
  private listed(kind: IdentifierKind, raw: string, region?: RawIdentifier['region']): { kind: IdentifierKind; value: string } | undefined {
    if (kind === 'orgnr') {
      const o = normaliseOrgnr(raw);
      if (o) return o.personal && o.pnr ? { kind: 'pnr', value: o.pnr } : undefined;
      const p = normalisePnr(raw);
      return p ? { kind: 'pnr', value: p.canonical } : undefined;
    }
    const value = canonical(kind, raw, region);
    if (!value) return undefined;
    if (kind === 'email' && isRoleEmail(value)) return undefined;
    return { kind, value };
  }

  /** `region`: a phone's (RawIdentifier.region); the tail filter holds in any region, as the matcher's gate does. */
  private hashOf(kind: IdentifierKind, raw: string, region?: RawIdentifier['region']): string | null {
    const cached = CACHED_KINDS.has(kind);
    const ck = `${kind}\u0000${raw}`;
    if (cached) {
      const hit = this.cache.get(ck);
      if (hit !== undefined) return hit;
    }
    this.stats.values++;
    // A rendering without letters ends in the number's last digits: skip the parse unless they may be listed.
    if (kind === 'phone' && this.phoneTails && !/[a-z]/iu.test(raw)) {
      const t = phoneTailKey(raw, this.tailSalt!);
      if (t === undefined || !this.phoneTails.has(t)) return null;
    }
    const id = this.listed(kind, raw, region);
    let h: string | null = null;
    if (id && this.kinds.has(id.kind)) {
      this.stats.hmacs++;
      h = suppressionKey(id.kind, id.value, this.secret);
    }
    if (cached) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(ck, h);
    }
    return h;
  }

  private classOf(record: SourceRecord): { cls?: 'R' | 'S' | 'M' | 'O'; marketingOnly: boolean } {
    const entry = record.category ? this.register?.processing[record.category] : undefined;
    const cls = record.bookkeeping === true ? 'R' : entry?.erasure;
    const marketingOnly = !!entry && entry.erasure === 'M' && entry.purposes.length > 0 && entry.purposes.every((p) => MARKETING_PURPOSES.has(p));
    return { ...(cls ? { cls } : {}), marketingOnly: record.bookkeeping !== true && marketingOnly };
  }

  /** The record's re-appearance, if it carries a listed identifier that it should not. */
  check(sourceIndex: number, record: SourceRecord): Reappearance | undefined {
    this.stats.records++;
    let found: { entry: SuppressionListEntry; kinds: Set<IdentifierKind> } | undefined;
    const plans = new Set<string>();
    let klass: ReturnType<SuppressionCheck['classOf']> | undefined;
    // A GA4 user_id is listed as `userId` whatever kind the connector reads it as (suppression.ts gaUserId).
    const ga = this.kinds.has('userId') && isWebAnalytics(this.sources[sourceIndex]?.connector, record.category);
    const lookups: readonly Pick<RawIdentifier, 'kind' | 'value' | 'region'>[] = ga
      ? record.identifiers.flatMap((id) => {
          const user = id.kind !== 'userId' ? gaUserId(id, record.fields) : undefined;
          return user ? [id, { kind: 'userId' as const, value: user }] : [id];
        })
      : record.identifiers;
    for (const id of lookups) {
      if (!this.kinds.has(id.kind) || typeof id.value !== 'string' || id.value.length === 0) continue;
      const h = this.hashOf(id.kind, id.value, id.region);
      if (h === null) continue;
      const slot = this.byHash.get(h);
      if (!slot) continue;
      klass ??= this.classOf(record);
      const applies: SuppressionListEntry[] = [];
      if (slot.erasure && klass.cls !== 'R' && klass.cls !== 'S') applies.push(slot.erasure);
      if (slot.marketing && klass.marketingOnly) applies.push(slot.marketing);
      if (applies.length > 0) for (const p of slot.plans) plans.add(p);
      for (const e of applies) {
        if (!found || better(e, found.entry)) found = { entry: e, kinds: found?.kinds ?? new Set() };
        found.kinds.add(id.kind === 'orgnr' ? 'pnr' : id.kind);
      }
    }
    if (!found) return undefined;
    const src = this.sources[sourceIndex];
    const kinds = [...found.kinds].sort();
    const key = recordKey(src?.name ?? `#${sourceIndex}`, record.locator);
    const planned = [...plans].some((p) => this.planned.has(`${p}\u0000${key}`));
    return {
      source: src?.name ?? `#${sourceIndex}`,
      connector: src?.connector ?? '',
      locator: record.locator,
      entity: record.entity,
      ...(record.category ? { category: record.category } : {}),
      kinds,
      kind: kinds[0]!,
      ground: found.entry.ground,
      plan: found.entry.planHash,
      ...(found.entry.caseId ? { caseId: found.entry.caseId } : {}),
      since: found.entry.since,
      planned,
    };
  }
}
