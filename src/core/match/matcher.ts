/**
 * Identity matching: a hash join of records against one or many subjects,
 * with link following and confidence. Pure: records in, results out.
 *
 * Two phases (docs/architecture.md, "Matching"):
 *
 * 1. `offer()` during the pass. Each record's identifiers are normalised
 *    (behind cheap gates) and looked up in one index for all subjects, so
 *    the cost per record does not grow with the number of subjects. A record
 *    with any evidence is retained. An exact match on a natural person
 *    teaches the subject that person's other identifiers at once, so later
 *    records are found through them (links). This phase favours recall.
 *
 * 2. `finish()` decides precision over the retained records only: it
 *    recomputes what each subject is known by, starting from the given
 *    identifiers, drops links through identifiers that turn out to be
 *    shared (a switchboard number, a household phone), and grades every
 *    record `exact`, `probable` or `possible`.
 */
import { LINK_KINDS, UNIQUE_KINDS, type IdentifierKind } from '../identity/kinds.ts';
import { canonical, foldName, isRoleEmail, normaliseAddressLine, normaliseOrgnr } from '../identity/normalise.ts';
import { compareLocators, holderOf, locatorKey, type Locator, type SourceRecord } from '../record.ts';
import { extractIds, namePairs, PARTICLES, phoneTail, PHONE_TAIL, type ExtractionGate, type NormalisedId } from './extract.ts';

export type Confidence = 'exact' | 'probable' | 'possible';
export const CONFIDENCE_ORDER: Record<Confidence, number> = { exact: 0, probable: 1, possible: 2 };

export interface SubjectQuery {
  id: string;
  identifiers: { kind: IdentifierKind; value: string }[];
}

/** Links are followed at most this many records away from a given identifier. */
export const MAX_LINK_DEPTH = 4;

export type Origin = { type: 'given' } | { type: 'record'; recordId: string; depth: number };

export interface Evidence {
  kind: IdentifierKind;
  field: string;
  holder: string;
  /** How this identifier relates to the subject. */
  via: 'given' | 'link' | 'name' | 'name-base' | 'name-part' | 'context' | 'address' | 'ip';
  key: string;
}

export interface PathStep {
  source: number;
  locator: Locator;
  /** The identifier kind of this record that led to the next step. */
  kind: IdentifierKind;
  field: string;
}

export interface MatchedRecord {
  subject: string;
  source: number;
  record: SourceRecord;
  confidence: Confidence;
  evidence: Evidence[];
  /** From a given identifier to this record: the records whose identifiers led here. */
  path: PathStep[];
  conflicts: string[];
}

export interface SharedIdentifier {
  subject: string;
  kind: IdentifierKind;
  /** The canonical value (personal data: output only, never logged). */
  value: string;
  reason: 'role-address' | 'organisation' | 'other-person';
  given: boolean;
  occurrences: number;
}

export interface SubjectResult {
  id: string;
  records: MatchedRecord[];
  shared: SharedIdentifier[];
  /** Records whose holder matched by name but had another personnummer. */
  namesakesExcluded: number;
  /** What the subject turned out to be known by, canonical values. */
  knownBy: { kind: IdentifierKind; value: string; origin: 'given' | 'link' }[];
  /** Given identifiers that are organisations and were used as context only. */
  contextOnly: { kind: IdentifierKind; value: string; note: string }[];
}

interface Retained {
  id: string;
  order: number;
  source: number;
  record: SourceRecord;
  ids: NormalisedId[];
  /**
   * The subjects the record held evidence for when it was offered. Online
   * facts only grow, so these are all the subjects it can matter to: finish()
   * looks at a subject's own records only, and a batch of a thousand people
   * costs per record what one person does.
   */
  subjects: Set<number>;
}

/** Everything a subject is known by, with where each fact came from. */
class Facts {
  readonly keys = new Map<string, Origin>();
  readonly names = new Map<string, Origin>();
  readonly baseNames = new Map<string, Origin>();
  /**
   * The first and last names, as written, of each name of more than two
   * (`name:` key of the two): a record whose name has those two with other
   * names between or none (`Eva Maria von Essen`, `Eva Essen` for `Eva von
   * Essen`; `Anna-Karin Lindqvist` for `Anna-Karin Berg Lindqvist`) is
   * perhaps the person, by a part of the name: a possible match (`name-part`).
   */
  readonly namePairs = new Map<string, Origin>();
  /**
   * The first name with each name between it and the last (namePairs after
   * the first) of each name of more than two: a record whose whole name is
   * one of them (`Eva Lindström` for `Eva Lindström Andersson`, a second
   * surname dropped) is perhaps the person (`name-part`). Only a whole name
   * is compared with them, never another name's parts: `Erik Johan Åkesson`
   * and `Erik Johan Svensson` share nothing that says they are one.
   */
  readonly innerPairs = new Map<string, Origin>();
  /** The units (FoldedName.units) of each name, the conflict checks' view of it (namesCompatible). */
  readonly nameTokenSets: string[][] = [];
  /** Each name's units (FoldedName.units), by `name:` key: the given facts are rebuilt from them. */
  readonly nameUnits = new Map<string, string>();
  readonly context = new Map<string, Origin>();
  readonly addresses = new Map<string, Origin>();
  readonly ips = new Map<string, Origin>();
  readonly pnrs = new Set<string>();
  /** The personnummer and names the officer gave: what the online phase checks conflicts against. */
  readonly givenPnrs = new Set<string>();
  readonly givenNameTokenSets: string[][] = [];
  /**
   * Given keys that only organisations hold in the records found (a
   * company's customer number; finish() fills it, the online phase cannot
   * know yet): context for a name, and alone a possible match, never exact.
   */
  organisationKeys: ReadonlySet<string> = new Set();

  /**
   * Adds a folded name (`name:` key), its diacritic-free form, its parts
   * (`pairs`, namePairs) and its units (FoldedName.units); false if known.
   */
  addName(key: string, baseKey: string, origin: Origin, pairs?: readonly string[], units?: string): boolean {
    pairs?.forEach((p, i) => {
      const map = i === 0 ? this.namePairs : this.innerPairs;
      if (!map.has(p)) map.set(p, origin);
    });
    if (this.names.has(key)) return false;
    this.names.set(key, origin);
    if (!this.baseNames.has(baseKey)) this.baseNames.set(baseKey, origin);
    if (units !== undefined) this.nameUnits.set(key, units);
    const tokens = (units ?? baseKey.slice('name:'.length)).split(' ');
    this.nameTokenSets.push(tokens);
    if (origin.type === 'given') this.givenNameTokenSets.push(tokens);
    return true;
  }
}

const CONTEXT_KINDS: ReadonlySet<IdentifierKind> = new Set(['company', 'orgnr', 'customerNo', 'systemId']);

function depthOf(o: Origin): number {
  return o.type === 'given' ? 0 : o.depth;
}

export class Matcher {
  private readonly subjects: SubjectQuery[];
  private readonly online: Facts[];
  /** key → subjects, for every fact kind; one map keeps the per-record cost flat. */
  private readonly index = new Map<string, number[]>();
  private readonly phoneTails = new Set<string>();
  private readonly shortPhones = new Set<string>();
  private readonly nameTokens = new Set<string>();
  private readonly gate: ExtractionGate;
  private readonly fullGate: ExtractionGate = { phoneTails: new Set(), nameTokens: new Set(), all: true };
  private readonly retained = new Map<string, Retained>();
  private order = 0;
  /** Bumped whenever a fact is learned; the pipeline re-reads sources read before a change. */
  private versionCounter = 0;
  private readonly kindVersions = new Map<IdentifierKind, number>();
  /** When each key was first looked for, or last gained a subject: a re-read only needs the keys changed since the last read began. */
  private readonly keyVersions = new Map<string, number>();
  /** Every change of keyVersions in order, so that the keys changed since a version are found without a walk over all keys. */
  private readonly keyLog: { version: number; key: string }[] = [];
  private readonly contextOnly: SubjectResult['contextOnly'][];

  constructor(subjects: SubjectQuery[]) {
    this.subjects = subjects;
    this.online = subjects.map(() => new Facts());
    this.contextOnly = subjects.map(() => []);
    this.gate = { phoneTails: this.phoneTails, shortPhones: this.shortPhones, nameTokens: this.nameTokens };
    subjects.forEach((s, i) => {
      for (const g of s.identifiers) this.addGiven(i, g.kind, g.value);
    });
  }

  /** Monotonic counter of learned facts. */
  get version(): number {
    return this.versionCounter;
  }

  /** Identifier kinds (and `name`) learned after `version`. */
  kindsChangedSince(version: number): Set<IdentifierKind> {
    const out = new Set<IdentifierKind>();
    for (const [k, v] of this.kindVersions) if (v > version) out.add(k);
    return out;
  }

  /** How many times keys changed at or after `since` (an upper bound of searchKeys(since).length, found without a walk). */
  keyChangesSince(since: number): number {
    return this.keyLog.length - this.firstLogIndexAt(since);
  }

  /** The index of the key log's first entry at or after version `since` (the log is in version order). */
  private firstLogIndexAt(since: number): number {
    const log = this.keyLog;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid]!.version < since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * What the subjects are looked for by, `kind:value`; with `since`, only
   * keys added (or that gained a subject) at or after that version.
   */
  searchKeys(since = -1): { kind: string; key: string; value: string; version: number }[] {
    const out: { kind: string; key: string; value: string; version: number }[] = [];
    const add = (key: string, version: number): void => {
      const colon = key.indexOf(':');
      out.push({ kind: key.slice(0, colon), key, value: key.slice(colon + 1), version });
    };
    if (since < 0) {
      for (const [key, v] of this.keyVersions) add(key, v);
      return out;
    }
    const log = this.keyLog;
    const lo = this.firstLogIndexAt(since);
    const seen = new Set<string>();
    for (let i = log.length - 1; i >= lo; i--) {
      const key = log[i]!.key;
      if (!seen.has(key)) {
        seen.add(key);
        add(key, log[i]!.version);
      }
    }
    return out.reverse();
  }

  private bump(kind: IdentifierKind): void {
    this.versionCounter++;
    this.kindVersions.set(kind, this.versionCounter);
  }

  private indexKey(key: string, subject: number): void {
    const list = this.index.get(key);
    if (!list) {
      this.index.set(key, [subject]);
    } else if (!list.includes(subject)) {
      // A record read before with this key now concerns another subject too: the key counts as new for re-reads.
      list.push(subject);
    } else return;
    this.keyVersions.set(key, this.versionCounter);
    this.keyLog.push({ version: this.versionCounter, key });
  }

  private addGiven(s: number, kind: IdentifierKind, raw: string): void {
    const f = this.online[s]!;
    const given: Origin = { type: 'given' };
    if (kind === 'name') {
      const n = foldName(raw);
      if (!n) return;
      this.learnName(s, f, `name:${n.key}`, `nameb:${n.baseKey}`, n.tokens, n.baseTokens, given, namePairs(n), n.units);
      return;
    }
    if (kind === 'address') {
      const a = normaliseAddressLine(raw);
      if (a) this.learnFact(s, f.addresses, `address:${a}`, 'address', given);
      return;
    }
    if (kind === 'orgnr') {
      const o = normaliseOrgnr(raw);
      if (!o) return;
      if (o.personal && o.pnr) {
        this.learnKey(s, f, `pnr:${o.pnr}`, 'pnr', given);
      } else {
        this.learnFact(s, f.context, `orgnr:${o.canonical}`, 'orgnr', given);
        this.contextOnly[s]!.push({ kind, value: o.canonical, note: `${o.type}: an organisation, used as context to confirm name matches` });
      }
      return;
    }
    const c = canonical(kind, raw);
    if (c === undefined) return;
    if (kind === 'ip') this.learnFact(s, f.ips, `ip:${c}`, 'ip', given);
    else this.learnKey(s, f, `${kind}:${c}`, kind, given);
  }

  private learnKey(s: number, f: Facts, key: string, kind: IdentifierKind, origin: Origin): void {
    if (f.keys.has(key)) return;
    f.keys.set(key, origin);
    if (kind === 'pnr') f.pnrs.add(key.slice(4));
    if (kind === 'pnr' && origin.type === 'given') f.givenPnrs.add(key.slice(4));
    if (kind === 'phone') {
      const tail = phoneTail(key.slice(6));
      (tail.length < PHONE_TAIL ? this.shortPhones : this.phoneTails).add(tail);
    }
    this.indexKey(key, s);
    this.bump(kind);
  }

  private learnFact(s: number, map: Map<string, Origin>, key: string, kind: IdentifierKind, origin: Origin): void {
    if (map.has(key)) return;
    map.set(key, origin);
    this.indexKey(key, s);
    this.bump(kind);
  }

  /** `pairs`: the name's parts (namePairs), for a name of more than two; `units`: as Facts.addName. */
  private learnName(
    s: number,
    f: Facts,
    key: string,
    baseKey: string,
    tokens: string[],
    baseTokens: string[],
    origin: Origin,
    pairs: readonly string[] | undefined,
    units: string | undefined,
  ): void {
    const added = f.addName(key, baseKey.replace(/^nameb:/u, 'name:'), origin, pairs, units);
    if (added) {
      this.indexKey(key, s);
      this.indexKey(baseKey, s);
    }
    // A pair may be new for a name already known, written in another order (indexKey does nothing for a key it has).
    if (pairs !== undefined) for (const p of pairs) this.indexKey(p, s);
    if (!added) return;
    for (const t of tokens) this.nameTokens.add(t);
    for (const t of baseTokens) this.nameTokens.add(t);
    this.bump('name');
  }

  /**
   * Offers one record. Returns true when it was retained (it holds evidence
   * for some subject). Offering the same record again (a later round) replaces it.
   */
  offer(source: number, record: SourceRecord): boolean {
    const gated = extractIds(record, this.gate);
    let subjects: Set<number> | undefined;
    const hit = (key: string): void => {
      const list = this.index.get(key);
      if (list) for (const s of list) (subjects ??= new Set()).add(s);
    };
    for (const id of gated) {
      hit(id.key);
      if (id.baseKey) hit(id.baseKey.replace(/^name:/u, 'nameb:'));
      if (id.pairKeys) for (const k of id.pairKeys) hit(k);
    }
    if (!subjects) return false;
    const id = `${source}\u0000${locatorKey(record.locator)}`;
    const ids = extractIds(record, this.fullGate);
    const prev = this.retained.get(id);
    if (prev) for (const s of prev.subjects) subjects.add(s);
    this.retained.set(id, { id, order: prev?.order ?? this.order++, source, record, ids, subjects });
    this.learnOnline(id, record, ids, subjects);
    return true;
  }

  /**
   * Online learning: generous, so that the pass finds every candidate. A
   * record conflicts only with what the officer gave: a wrong identifier
   * among them (another person's phone) teaches that person's personnummer
   * and name too, and checked against those the subject's own records
   * would teach nothing, and what is reached only through them (her
   * customer number, her CRM id) would never be read. finish() decides
   * precision from the given identifiers alone.
   */
  private learnOnline(recordId: string, record: SourceRecord, ids: NormalisedId[], subjects: Set<number>): void {
    for (const s of subjects) {
      const f = this.online[s]!;
      const ev = evaluate(record, ids, f, true);
      if (!ev.exact || ev.conflicts.length > 0) continue;
      const depth = Math.min(...ev.exactEvidence.map((e) => depthOf(this.originOf(f, e.key))));
      if (depth >= MAX_LINK_DEPTH) continue;
      this.learnFrom(s, f, recordId, record, ids, ev.exactHolders, depth + 1);
    }
  }

  private originOf(f: Facts, key: string): Origin {
    return f.keys.get(key) ?? { type: 'given' };
  }

  private learnFrom(s: number, f: Facts, recordId: string, record: SourceRecord, ids: NormalisedId[], holders: Set<string>, depth: number): void {
    const origin: Origin = { type: 'record', recordId, depth };
    for (const id of ids) {
      const scope = id.scope;
      if (scope === 'mention') continue;
      if (holders.has(id.holder) && scope === 'person') {
        if (LINK_KINDS.has(id.kind)) {
          if (id.kind === 'email' && id.role) continue;
          if (id.kind === 'orgnr') continue;
          this.learnKey(s, f, id.key, id.kind, origin);
        } else if (id.kind === 'name' && id.baseKey && isFullName(id)) {
          const n = foldName(id.key.slice(5));
          // The key's tokens are sorted: the name's parts as written are the record's pairKeys.
          if (n) this.learnName(s, f, id.key, id.baseKey.replace(/^name:/u, 'nameb:'), n.tokens, n.baseTokens, origin, id.pairKeys, id.units);
        } else if (id.kind === 'address') {
          this.learnFact(s, f.addresses, id.key, 'address', origin);
        } else if (id.kind === 'company') {
          // A sole trader's trade name: context, not a person's name.
          this.learnFact(s, f.context, id.key, 'company', origin);
        }
      } else if (scope === 'organisation' && CONTEXT_KINDS.has(id.kind)) {
        // The organisation the person acts for: confirms name matches elsewhere.
        this.learnFact(s, f.context, id.key, id.kind, origin);
      }
    }
  }

  /**
   * The records retained from one source so far, in no particular order. A
   * later round offers them again, instead of keeping every candidate of a
   * source too big for the cache (src/pipeline/search.ts).
   */
  retainedOf(source: number): SourceRecord[] {
    const out: SourceRecord[] = [];
    for (const r of this.retained.values()) if (r.source === source) out.push(r.record);
    return out;
  }

  /** Number of retained candidate records (for memory accounting). */
  get retainedCount(): number {
    return this.retained.size;
  }

  /** Decides precision: recompute facts from the given identifiers, prune shared links, grade. */
  finish(): SubjectResult[] {
    // By place, not by when each record was met: the result must not depend on
    // the rounds, the cache or the prefilter that brought the records in.
    const records = [...this.retained.values()].sort((a, b) => a.source - b.source || compareLocators(a.record.locator, b.record.locator) || a.order - b.order);
    const bySubject: Retained[][] = this.subjects.map(() => []);
    for (const r of records) for (const s of r.subjects) bySubject[s]!.push(r);
    return this.subjects.map((q, s) => this.finishSubject(q, s, bySubject[s]!));
  }

  private finishSubject(q: SubjectQuery, s: number, records: Retained[]): SubjectResult {
    const shared = new Map<string, SharedIdentifier>();
    let facts = new Facts();
    // The given facts, exactly as the online phase took them in.
    const rebuild = (): void => {
      facts = new Facts();
      const on = this.online[s]!;
      for (const [k, o] of on.keys) {
        if (o.type !== 'given') continue;
        facts.keys.set(k, o);
        if (k.startsWith('pnr:')) facts.pnrs.add(k.slice(4));
      }
      for (const [k, o] of on.names) if (o.type === 'given') addNameFact(facts, k, o, undefined, undefined, on.nameUnits.get(k));
      for (const [k, o] of on.namePairs) if (o.type === 'given') facts.namePairs.set(k, o);
      for (const [k, o] of on.innerPairs) if (o.type === 'given') facts.innerPairs.set(k, o);
      for (const [k, o] of on.context) if (o.type === 'given') facts.context.set(k, o);
      for (const [k, o] of on.addresses) if (o.type === 'given') facts.addresses.set(k, o);
      for (const [k, o] of on.ips) if (o.type === 'given') facts.ips.set(k, o);
      facts.organisationKeys = organisationKeys;
    };
    // A given unique key that every holder of it in the records found is an organisation: a company's customer
    // number. One person holder (a private customer's card, a sole trader's, whom a SIE file can only call a
    // company by its trade name) makes it the person's everywhere.
    const holderScopes = new Map<string, Set<string>>();
    for (const r of records) {
      for (const id of r.ids) {
        if (!UNIQUE_KINDS.has(id.kind) || this.online[s]!.keys.get(id.key)?.type !== 'given') continue;
        let set = holderScopes.get(id.key);
        if (!set) holderScopes.set(id.key, (set = new Set()));
        set.add(id.scope);
      }
    }
    const organisationKeys: ReadonlySet<string> = new Set([...holderScopes].filter(([, sc]) => sc.has('organisation') && !sc.has('person')).map(([k]) => k));
    rebuild();
    const markShared = (id: NormalisedId, reason: SharedIdentifier['reason']): boolean => {
      if (shared.has(id.key)) return false;
      const origin = facts.keys.get(id.key);
      shared.set(id.key, {
        subject: q.id,
        kind: id.kind,
        value: id.key.slice(id.key.indexOf(':') + 1),
        reason,
        given: origin?.type === 'given',
        occurrences: 0,
      });
      // A key that was followed changes what was learned: a learned one is dropped, a given one stays (its
      // matches are downgraded), and either way what was learned through it before it was known to be
      // shared (the first card that holds a switchboard number) must be learned again without it.
      return origin !== undefined;
    };
    // A given key only organisations hold is an organisation's (evaluate: context, never exact), and is reported so.
    for (const k of organisationKeys) markShared({ kind: k.slice(0, k.indexOf(':')) as IdentifierKind, key: k, field: '', holder: '', scope: 'organisation' }, 'organisation');
    // Role addresses the officer gave are reported as shared from the start.
    for (const [k, o] of this.online[s]!.keys) {
      if (o.type === 'given' && k.startsWith('email:') && isRoleEmail(k.slice(6))) {
        markShared({ kind: 'email', key: k, field: '', holder: '', scope: 'person' }, 'role-address');
      }
    }
    // Given identifiers that lead to different people: only one of them is the subject.
    for (const k of givenOfOthers([...facts.keys.keys()], records)) {
      markShared({ kind: k.slice(0, k.indexOf(':')) as IdentifierKind, key: k, field: '', holder: '', scope: 'person' }, 'other-person');
    }
    // Fixpoint: learn from exact records through non-shared keys until nothing changes.
    for (let round = 0; round < 16; round++) {
      let changed = false;
      let newlyShared = false;
      for (const r of records) {
        const ev = evaluate(r.record, r.ids, facts);
        if (!ev.exact || ev.conflicts.length > 0) continue;
        // A record that itself shows a key to be someone else's (another
        // logged-in user on the same browser, a switchboard on a company)
        // teaches nothing through that key.
        const live: Evidence[] = [];
        for (const e of ev.exactEvidence) {
          if (shared.has(e.key)) continue;
          const carrier = r.ids.find((i) => i.key === e.key && i.holder === e.holder);
          const reason = carrier ? sharingReason(r.ids, carrier, facts) : undefined;
          if (reason && carrier) {
            if (markShared(carrier, reason)) newlyShared = true;
            continue;
          }
          live.push(e);
        }
        if (newlyShared) break;
        if (live.length === 0) continue;
        const depth = Math.min(...live.map((e) => depthOf(facts.keys.get(e.key) ?? { type: 'given' })));
        if (depth >= MAX_LINK_DEPTH) continue;
        const origin: Origin = { type: 'record', recordId: r.id, depth: depth + 1 };
        const holders = new Set(live.map((e) => e.holder));
        for (const id of r.ids) {
          const scope = id.scope;
          if (scope === 'mention') continue;
          if (holders.has(id.holder) && scope === 'person') {
            if (id.kind === 'email' && id.role) {
              // Reported, never followed: a role address reaches everyone who writes to it.
              markShared(id, 'role-address');
            } else if (LINK_KINDS.has(id.kind) && id.kind !== 'orgnr') {
              if (!facts.keys.has(id.key) && !shared.has(id.key)) {
                facts.keys.set(id.key, origin);
                if (id.kind === 'pnr') facts.pnrs.add(id.key.slice(4));
                changed = true;
              }
            } else if (id.kind === 'name' && id.baseKey && isFullName(id) && !facts.names.has(id.key)) {
              addNameFact(facts, id.key, origin, id.baseKey, id.pairKeys, id.units);
              changed = true;
            } else if (id.kind === 'address' && !facts.addresses.has(id.key)) {
              facts.addresses.set(id.key, origin);
              changed = true;
            } else if (id.kind === 'company' && !facts.context.has(id.key)) {
              facts.context.set(id.key, origin);
              changed = true;
            }
          } else if (scope === 'organisation' && CONTEXT_KINDS.has(id.kind) && !facts.context.has(id.key)) {
            facts.context.set(id.key, origin);
            changed = true;
          }
        }
      }
      // Sharing: a followed key that also belongs to an organisation or to
      // another person is not the subject's own.
      if (!newlyShared) {
        for (const r of records) {
          for (const id of r.ids) {
            if (!facts.keys.has(id.key) || shared.has(id.key)) continue;
            const reason = sharingReason(r.ids, id, facts);
            if (reason && markShared(id, reason)) newlyShared = true;
          }
        }
      }
      if (newlyShared) {
        // Start over without following the shared keys: what was learned
        // through them may belong to someone else.
        rebuild();
        continue;
      }
      if (!changed) break;
    }

    // Grade every retained record with the final facts.
    const out: MatchedRecord[] = [];
    let namesakes = 0;
    const evaluations = records.map((r) => evaluate(r.record, r.ids, facts));
    // A namesake's own keys (her customer number, e-mail, phone: a card with the name and another
    // personnummer): a record found by the name alone that holds one of them is hers too (her invoice
    // by her customer number), another namesake, not a match to confirm.
    const namesakeKeys = new Set<string>();
    records.forEach((r, i) => {
      const ev = evaluations[i]!;
      if (!ev.any || ev.exact || !ev.nameConflict) return;
      for (const id of r.ids) {
        if (UNIQUE_KINDS.has(id.kind) && id.kind !== 'pnr' && id.scope !== 'mention' && !facts.keys.has(id.key) && !shared.has(id.key)) namesakeKeys.add(id.key);
      }
    });
    for (const [ri, r] of records.entries()) {
      const ev = evaluations[ri]!;
      if (!ev.any) continue;
      // A key shared by other people proves nothing on its own.
      const exactLive = ev.exactEvidence.filter((e) => !shared.has(e.key) || facts.keys.get(e.key)?.type === 'given');
      if (exactLive.length === 0 && namesakeKeys.size > 0 && r.ids.some((id) => namesakeKeys.has(id.key))) {
        namesakes++;
        continue;
      }
      let confidence: Confidence | undefined;
      const conflicts = [...ev.conflicts];
      if (exactLive.length > 0) {
        const viaSharedGiven = exactLive.every((e) => shared.has(e.key));
        confidence = conflicts.length > 0 || viaSharedGiven ? 'possible' : 'exact';
        if (viaSharedGiven) conflicts.push('shared-identifier');
      } else if (ev.strongName) {
        if (ev.nameConflict) {
          namesakes++;
          continue;
        }
        confidence = ev.context || ev.address ? 'probable' : 'possible';
      } else if (ev.weakName) {
        if (ev.nameConflict) {
          namesakes++;
          continue;
        }
        confidence = 'possible';
      } else if (ev.ip || ev.organisationKey) {
        confidence = 'possible';
      }
      if (!confidence) continue;
      // A key the record itself taught is no evidence for it.
      const selfTaught = (key: string): boolean => {
        const o = facts.keys.get(key);
        return o?.type === 'record' && o.recordId === r.id;
      };
      const evidence = ev.evidence
        .filter((e) => !(e.via === 'link' && (shared.has(e.key) || selfTaught(e.key))))
        .map((e) => (e.via === 'given' || e.via === 'link' ? { ...e, via: facts.keys.get(e.key)?.type === 'given' ? ('given' as const) : ('link' as const) } : e));
      out.push({
        subject: q.id,
        source: r.source,
        record: r.record,
        confidence,
        evidence,
        path: this.pathOf(facts, evidence, records),
        conflicts,
      });
    }
    out.sort((a, b) => CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] || a.source - b.source);
    for (const sh of shared.values()) {
      sh.occurrences = records.filter((r) => r.ids.some((i) => i.key === `${sh.kind}:${sh.value}`)).length;
    }
    const knownBy: SubjectResult['knownBy'] = [];
    for (const [k, o] of facts.keys) {
      if (shared.has(k) && o.type !== 'given') continue;
      const kind = k.slice(0, k.indexOf(':')) as IdentifierKind;
      knownBy.push({ kind, value: k.slice(k.indexOf(':') + 1), origin: o.type === 'given' ? 'given' : 'link' });
    }
    for (const [k, o] of facts.names) knownBy.push({ kind: 'name', value: k.slice(5), origin: o.type === 'given' ? 'given' : 'link' });
    return { id: q.id, records: out, shared: [...shared.values()], namesakesExcluded: namesakes, knownBy, contextOnly: this.contextOnly[s]! };
  }

  private pathOf(facts: Facts, evidence: Evidence[], records: Retained[]): PathStep[] {
    const byId = new Map(records.map((r) => [r.id, r]));
    // Follow the shallowest linked evidence back to a given identifier.
    const links = evidence.filter((e) => e.via === 'link');
    if (links.length === 0 || evidence.some((e) => e.via === 'given')) return [];
    const best = links.reduce((a, b) => (depthOf(facts.keys.get(a.key)!) <= depthOf(facts.keys.get(b.key)!) ? a : b));
    const steps: PathStep[] = [];
    let origin = facts.keys.get(best.key);
    let kind: IdentifierKind = best.kind;
    let guard = 0;
    while (origin && origin.type === 'record' && guard++ < MAX_LINK_DEPTH + 1) {
      const r = byId.get(origin.recordId);
      if (!r) break;
      const carrier = r.ids.find((i) => i.kind === kind);
      steps.unshift({ source: r.source, locator: r.record.locator, kind, field: carrier?.field ?? '' });
      // How that record was reached.
      const reached = r.ids.filter((i) => facts.keys.has(i.key)).sort((a, b) => depthOf(facts.keys.get(a.key)!) - depthOf(facts.keys.get(b.key)!))[0];
      if (!reached) break;
      origin = facts.keys.get(reached.key);
      kind = reached.kind;
    }
    return steps;
  }
}

function addNameFact(facts: Facts, key: string, origin: Origin, baseKey?: string, pairs?: readonly string[], units?: string): void {
  const n = foldName(key.slice(5));
  facts.addName(key, baseKey ?? (n ? `name:${n.baseKey}` : key), origin, pairs, units);
}

interface Evaluation {
  any: boolean;
  exact: boolean;
  exactEvidence: Evidence[];
  exactHolders: Set<string>;
  strongName: boolean;
  weakName: boolean;
  nameConflict: boolean;
  context: boolean;
  address: boolean;
  ip: boolean;
  /** A given key that only organisations hold matched (Facts.organisationKeys). */
  organisationKey: boolean;
  conflicts: string[];
  evidence: Evidence[];
}

/**
 * A name of two units or more: one learned from a record may find others. A
 * lone first name on the subject's card (`Dolor`, `Anna-Karin`) would find
 * everyone else called so; it is evidence when the officer gives it, never
 * learned.
 */
function isFullName(id: NormalisedId): boolean {
  return (id.units ?? id.baseKey ?? '').includes(' ');
}

/** The units (FoldedName.units) of every name of a holder in the record. */
function holderNames(ids: NormalisedId[], holder: string): string[][] {
  const out: string[][] = [];
  for (const id of ids) {
    if (id.kind === 'name' && id.holder === holder && id.baseKey) out.push((id.units ?? id.baseKey.slice(5)).split(' '));
  }
  return out;
}

/**
 * Do two names plausibly belong to one person? Each is its units
 * (FoldedName.units: diacritic-free, the given name whole and first). Full
 * names (two units or more) must agree in the given name, and share a
 * surname: a particle (`von`, `af`) is none. One-unit names never conflict.
 *
 * The given name of one must be in the other (where a name written
 * surname first, `Åkesson Jörgen`, has it too), as itself or as its parts
 * (`Anna-Karin` in `Anna Karin von Essen`); a part is not it: `Anna Essen`
 * is another person than `Anna-Karin von Essen`, and so are `Per von Essen`
 * and `Per Lindström Andersson` beside `Eva Lindström Andersson`: relatives,
 * whose phone beside the subject's e-mail must not make their card hers.
 */
export function namesCompatible(a: string[], b: string[]): boolean {
  if (a.length < 2 || b.length < 2) return true;
  const has = (y: string[], u: string): boolean => y.includes(u) || (u.includes('-') && u.split('-').every((p) => y.includes(p)));
  if (!has(b, a[0]!) && !has(a, b[0]!)) return false;
  const surnames = (x: string[]): string[] => x.slice(1).filter((u) => !PARTICLES.has(u));
  const [sa, sb] = [surnames(a), surnames(b)];
  if (sa.length === 0 || sb.length === 0) return true;
  return sa.some((u) => has(b, u)) || sb.some((u) => has(a, u));
}

/** `givenOnly`: conflicts are with the given personnummer and names only (the online phase). */
function evaluate(record: SourceRecord, ids: NormalisedId[], f: Facts, givenOnly = false): Evaluation {
  const ev: Evaluation = {
    any: false,
    exact: false,
    exactEvidence: [],
    exactHolders: new Set(),
    strongName: false,
    weakName: false,
    nameConflict: false,
    context: false,
    address: false,
    ip: false,
    organisationKey: false,
    conflicts: [],
    evidence: [],
  };
  const nameHolders = new Set<string>();
  const addressHolders = new Set<string>();
  for (const id of ids) {
    if (f.organisationKeys.has(id.key)) {
      // A company's customer number the officer gave: the company's, as a given org.nr is. It confirms a name
      // as context; alone it is a possible match (a sole trader in a SIE file, which can only call the firm a
      // company by its trade name), never an exact one that would put a colleague's data in the letter.
      ev.evidence.push({ kind: id.kind, field: id.field, holder: id.holder, via: 'context', key: id.key });
      ev.context = true;
      ev.organisationKey = true;
    } else if (UNIQUE_KINDS.has(id.kind) && f.keys.has(id.key)) {
      const e: Evidence = { kind: id.kind, field: id.field, holder: id.holder, via: f.keys.get(id.key)!.type === 'given' ? 'given' : 'link', key: id.key };
      ev.evidence.push(e);
      ev.exactEvidence.push(e);
      ev.exactHolders.add(id.holder);
      ev.exact = true;
    } else if (id.kind === 'name') {
      if (f.names.has(id.key)) {
        ev.evidence.push({ kind: 'name', field: id.field, holder: id.holder, via: 'name', key: id.key });
        ev.strongName = true;
        nameHolders.add(id.holder);
      } else if (id.baseKey && f.baseNames.has(id.baseKey)) {
        ev.evidence.push({ kind: 'name', field: id.field, holder: id.holder, via: 'name-base', key: id.key });
        ev.weakName = true;
        nameHolders.add(id.holder);
      } else if (
        id.pairKeys?.some((k, i) => f.names.has(k) || (i === 0 && f.namePairs.has(k))) ||
        // A lone given name (`Anna-Karin`) is no part of `Anna Karin von Essen`: only a full name is compared with the parts.
        (isFullName(id) && (f.namePairs.has(id.key) || f.innerPairs.has(id.key)))
      ) {
        // Only a part of the name agrees, whichever side has more (`Erik Johan Åkesson`, a son at his
        // father's address, for `Erik Åkesson`; `Eva Lindström` for `Eva Lindström Andersson`): weaker than
        // the whole name, however much else agrees. Two names agree by parts only in their first and last
        // names: a shared first and middle name says nothing (Facts.innerPairs).
        ev.evidence.push({ kind: 'name', field: id.field, holder: id.holder, via: 'name-part', key: id.key });
        ev.weakName = true;
        nameHolders.add(id.holder);
      }
    } else if (CONTEXT_KINDS.has(id.kind) && f.context.has(id.key)) {
      ev.evidence.push({ kind: id.kind, field: id.field, holder: id.holder, via: 'context', key: id.key });
      ev.context = true;
    } else if (id.kind === 'address' && f.addresses.has(id.key)) {
      ev.evidence.push({ kind: 'address', field: id.field, holder: id.holder, via: 'address', key: id.key });
      addressHolders.add(id.holder);
    } else if (id.kind === 'ip' && f.ips.has(id.key)) {
      ev.evidence.push({ kind: 'ip', field: id.field, holder: id.holder, via: 'ip', key: id.key });
      ev.ip = true;
    }
  }
  for (const h of addressHolders) if (nameHolders.has(h)) ev.address = true;
  ev.any = ev.evidence.length > 0 && (ev.exact || ev.strongName || ev.weakName || ev.ip || ev.organisationKey);
  if (!ev.any) return ev;
  // Conflicts: the holder that matched carries another personnummer, or
  // (for an exact match) another person's full name.
  const subjectPnrs = givenOnly ? f.givenPnrs : f.pnrs;
  const subjectNames = givenOnly ? f.givenNameTokenSets : f.nameTokenSets;
  const matchedHolders = new Set([...ev.exactHolders, ...nameHolders]);
  for (const h of matchedHolders) {
    if (h === 'mention' || holderOf(record, h).scope === 'mention') continue;
    const pnrs = ids.filter((i) => i.kind === 'pnr' && i.holder === h).map((i) => i.key.slice(4));
    if (subjectPnrs.size > 0 && pnrs.length > 0 && !pnrs.some((p) => subjectPnrs.has(p))) {
      if (ev.exactHolders.has(h)) ev.conflicts.push('pnr');
      else ev.nameConflict = true;
    }
    if (ev.exactHolders.has(h) && subjectNames.length > 0) {
      const names = holderNames(ids, h);
      if (names.length > 0 && !names.some((n) => subjectNames.some((t) => namesCompatible(n, t)))) ev.conflicts.push('name');
    }
  }
  return ev;
}

/**
 * The given keys that belong to another person than the rest: a phone typed
 * from the wrong card next to the subject's e-mail. Each given key is tied
 * to the personnummer seen on the person holders that carry it (a given
 * personnummer to itself), and to their names. Two keys are one person when
 * their personnummer overlap; when one of them was seen with no
 * personnummer, when their names are compatible (a name-only CRM card with
 * that phone is the person whose e-mail sits on a card with a personnummer
 * and the same name), or when nothing can be compared. When the given keys
 * make more than one person, those of the person most of them lead to are
 * the subject's (a given personnummer weighs most; on a tie, the person the
 * first given identifier leads to), and the others' keys are returned. Keys
 * seen with neither a personnummer nor one person's name are never
 * returned: nothing says whose they are.
 */
function givenOfOthers(givenKeys: readonly string[], records: readonly { ids: NormalisedId[] }[]): string[] {
  if (givenKeys.length < 2) return [];
  const seen = new Map<string, { pnrs: Set<string>; names: string[][] }>(
    givenKeys.map((k) => [k, { pnrs: new Set(k.startsWith('pnr:') ? [k.slice(4)] : []), names: [] }]),
  );
  for (const r of records) {
    for (const id of r.ids) {
      const s = seen.get(id.key);
      if (!s || id.kind === 'pnr' || id.scope !== 'person') continue;
      for (const p of r.ids) if (p.kind === 'pnr' && p.holder === id.holder) s.pnrs.add(p.key.slice(4));
      for (const n of holderNames(r.ids, id.holder)) if (!s.names.some((m) => m.join(' ') === n.join(' '))) s.names.push(n);
    }
  }
  type Person = { keys: string[]; pnrs: Set<string>; names: string[][]; weight: number };
  const compatible = (a: string[][], b: string[][]): boolean => a.length === 0 || b.length === 0 || a.some((n) => b.some((t) => namesCompatible(n, t)));
  const samePerson = (g: Person, s: { pnrs: Set<string>; names: string[][] }): boolean =>
    g.pnrs.size > 0 && s.pnrs.size > 0 ? [...s.pnrs].some((p) => g.pnrs.has(p)) : compatible(g.names, s.names);
  const people: Person[] = [];
  for (const k of givenKeys) {
    const s = seen.get(k)!;
    // Seen with no personnummer, on cards of people whose names do not agree (a family's shared
    // address): nothing says whose it is.
    const onePerson = s.names.every((n) => s.names.every((m) => namesCompatible(n, m)));
    if (s.pnrs.size === 0 && (s.names.length === 0 || !onePerson)) continue;
    const same = people.filter((g) => samePerson(g, s));
    const merged: Person = {
      keys: [...same.flatMap((g) => g.keys), k],
      pnrs: new Set([...same.flatMap((g) => [...g.pnrs]), ...s.pnrs]),
      names: [...same.flatMap((g) => g.names), ...s.names],
      weight: same.reduce((w, g) => w + g.weight, 0) + (k.startsWith('pnr:') ? 1.5 : 1),
    };
    const first = same.length > 0 ? people.indexOf(same[0]!) : people.length;
    for (const g of same) people.splice(people.indexOf(g), 1);
    people.splice(Math.min(first, people.length), 0, merged);
  }
  if (people.length < 2) return [];
  // The heaviest; on a tie the earliest (people are kept in the order of their first given key).
  const subject = people.reduce((best, g) => (g.weight > best.weight ? g : best));
  return people.filter((g) => g !== subject).flatMap((g) => g.keys);
}

/** Why a followed key seen on this holder is not the subject's alone, if it is not. */
function sharingReason(ids: NormalisedId[], id: NormalisedId, f: Facts): SharedIdentifier['reason'] | undefined {
  const scope = id.scope;
  if (scope === 'mention') return undefined;
  if (scope === 'organisation' && (id.kind === 'phone' || id.kind === 'email')) return 'organisation';
  if (scope !== 'person') return undefined;
  const pnrs = ids.filter((i) => i.kind === 'pnr' && i.holder === id.holder).map((i) => i.key.slice(4));
  if (id.kind !== 'pnr' && f.pnrs.size > 0 && pnrs.length > 0 && !pnrs.some((p) => f.pnrs.has(p))) return 'other-person';
  if (id.kind === 'gaClientId') {
    // One browser, two logged-in users (a shared family computer): the
    // client id no longer tells whose anonymous visits are whose.
    for (const k of ['userId', 'customerNo'] as const) {
      const theirs = ids.filter((i) => i.kind === k && i.holder === id.holder).map((i) => i.key);
      const subjectHasKind = [...f.keys.keys()].some((key) => key.startsWith(`${k}:`));
      if (theirs.length > 0 && subjectHasKind && !theirs.some((t) => f.keys.has(t))) return 'other-person';
    }
  }
  if (id.kind === 'phone' || id.kind === 'email' || id.kind === 'customerNo') {
    const names = holderNames(ids, id.holder);
    if (f.nameTokenSets.length > 0 && names.length > 0 && !names.some((n) => f.nameTokenSets.some((t) => namesCompatible(n, t)))) {
      return 'other-person';
    }
  }
  return undefined;
}

