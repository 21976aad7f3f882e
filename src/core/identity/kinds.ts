/**
 * The kinds of identifier ojco-dsar understands.
 *
 * Each kind has one canonical form (see normalise.ts), and a key is
 * `<kind>:<canonical>`. Matching is a hash join on these keys.
 */
export const IDENTIFIER_KINDS = [
  'email',
  'phone',
  'pnr',
  'orgnr',
  'customerNo',
  'ip',
  'gaClientId',
  /** A website or app user id (GA4 `user_id`, a web shop login id). */
  'userId',
  /** An internal record id, namespaced by system: `lime:person:1001`. */
  'systemId',
  'name',
  /** The name of an organisation (a company the person works for). */
  'company',
  'address',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * Kinds that single out one person when they belong to a natural person.
 * A match on one of them is `exact`; a match on anything else needs more
 * evidence (see core/match/confidence.ts).
 */
export const UNIQUE_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>([
  'email',
  'phone',
  'pnr',
  'orgnr',
  'customerNo',
  'gaClientId',
  'userId',
  'systemId',
]);

/**
 * Kinds that are followed from a matched record to find more records
 * (issue #2 point 5). Names and addresses are learned as context instead,
 * and IP addresses are never followed: a NAT or office network gives many
 * people one address.
 */
export const LINK_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>([
  'email',
  'phone',
  'pnr',
  'orgnr',
  'customerNo',
  'gaClientId',
  'userId',
  'systemId',
]);

/** Who an identifier in a record belongs to. */
export type Scope = 'person' | 'organisation' | 'mention';
