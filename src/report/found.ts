/**
 * The `find` result as data: the JSON shape promised to scripts (issue #2
 * interface contract) and the input to extracts and plans.
 */
import type { IdentifierKind } from '../core/identity/kinds.ts';
import type { Confidence, MatchedRecord, SharedIdentifier, SubjectResult } from '../core/match/matcher.ts';
import type { Locator } from '../core/record.ts';
import type { ResolvedSource } from '../config/load.ts';
import type { SearchResult, SkippedFile, SourceStats } from '../pipeline/search.ts';
import type { GivenIdentifier } from '../cli/subject.ts';

export interface MatchedOn {
  kind: IdentifierKind;
  field: string;
  /** given: an identifier you gave; link: one learned from a linked record; name/name-base/name-part/context/address/ip: supporting evidence. */
  via: string;
}

export interface FoundRecord {
  source: string;
  connector: string;
  confidence: Confidence;
  locator: Locator;
  matchedOn: MatchedOn[];
  fields: Record<string, unknown>;
  entity: string;
  /** A few words naming the record for people: `Faktura 2025041`. */
  label?: string;
  category?: string;
  date?: string;
  /** The record is, or may be, räkenskapsinformation (it will be retained, not deleted). */
  bookkeeping?: boolean;
  /** The linked records that led here, from a given identifier onwards. */
  path: { source: string; locator: Locator; kind: IdentifierKind; field: string }[];
  conflicts?: string[];
  /** Set when a person confirmed a possible match at the terminal. */
  confirmed?: boolean;
}

export interface FindJson {
  subject: {
    id: string;
    identifiers: { kind: IdentifierKind; value: string; canonical: string }[];
    knownBy: SubjectResult['knownBy'];
    contextOnly: SubjectResult['contextOnly'];
  };
  records: FoundRecord[];
  skipped: SkippedFile[];
  shared: SharedIdentifier[];
  warnings: SearchResult['warnings'];
  summary: {
    exact: number;
    probable: number;
    possible: number;
    namesakesExcluded: number;
    sources: SourceStats[];
  };
}

export function foundRecord(m: MatchedRecord, sources: ResolvedSource[]): FoundRecord {
  const src = sources[m.source]!;
  const seen = new Set<string>();
  const matchedOn: MatchedOn[] = [];
  for (const e of m.evidence) {
    const k = `${e.kind}|${e.field}|${e.via}`;
    if (seen.has(k)) continue;
    seen.add(k);
    matchedOn.push({ kind: e.kind, field: e.field, via: e.via });
  }
  const r: FoundRecord = {
    source: src.name,
    connector: src.connector.id,
    confidence: m.confidence,
    locator: m.record.locator,
    matchedOn,
    fields: m.record.fields,
    entity: m.record.entity,
    path: m.path.map((p) => ({ source: sources[p.source]!.name, locator: p.locator, kind: p.kind, field: p.field })),
  };
  if (m.record.label) r.label = m.record.label;
  if (m.record.category) r.category = m.record.category;
  if (m.record.date) r.date = m.record.date;
  if (m.record.bookkeeping !== undefined) r.bookkeeping = m.record.bookkeeping;
  if (m.conflicts.length > 0) r.conflicts = m.conflicts;
  return r;
}

export function findJson(result: SearchResult, subject: SubjectResult, given: GivenIdentifier[], sources: ResolvedSource[]): FindJson {
  const records = subject.records.map((m) => foundRecord(m, sources));
  const count = (c: Confidence): number => records.filter((r) => r.confidence === c).length;
  return {
    subject: {
      id: subject.id,
      identifiers: given.map((g) => ({ kind: g.kind, value: g.value, canonical: g.canonical })),
      knownBy: subject.knownBy,
      contextOnly: subject.contextOnly,
    },
    records,
    skipped: result.skipped,
    shared: subject.shared,
    warnings: result.warnings,
    summary: {
      exact: count('exact'),
      probable: count('probable'),
      possible: count('possible'),
      namesakesExcluded: subject.namesakesExcluded,
      sources: result.sources,
    },
  };
}
