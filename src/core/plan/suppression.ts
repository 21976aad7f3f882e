/**
 * The suppression list's keys (BK-2, BK-3, DM-3): a keyed hash of the
 * normalised identifier, never the identifier. A keyed hash (HMAC) and not a
 * plain one, because e-mail addresses and personnummer are few enough to be
 * guessed and hashed by anyone holding a plain hash. The entry is still
 * pseudonymised personal data (AN-1 [I]): it belongs in the Art. 30 record.
 */
import { createHmac } from 'node:crypto';
import type { IdentifierKind } from '../identity/kinds.ts';
import { canonical, isRoleEmail, normaliseOrgnr } from '../identity/normalise.ts';
import type { RawIdentifier } from '../record.ts';

/** HMAC-SHA256 (hex) of `<kind>:<canonical value>` under the store's secret. */
export function suppressionKey(kind: IdentifierKind, canonicalValue: string, secret: Uint8Array): string {
  if (secret.length < 16) throw new RangeError('the suppression secret must be at least 16 bytes');
  return createHmac('sha256', secret).update(`${kind}:${canonicalValue}`, 'utf8').digest('hex');
}

/**
 * Kinds that go on the list after an erasure (BK-2): those a re-import or a
 * restored backup would bring the person back by. Names, addresses and
 * company names are not unique and would block other people; IP addresses
 * are shared; customer numbers and system ids are the systems' own keys,
 * and stay in the ledger with the retained records. A GA4 `user_id` is
 * listed as `userId` whatever the connector reads it as (gaUserId below).
 */
export const ERASURE_SUPPRESSION_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>(['email', 'phone', 'pnr', 'gaClientId', 'userId']);

/**
 * Google Analytics records: the category the register gives them, or the
 * connector that reads them.
 */
export function isWebAnalytics(connector: string | undefined, category: string | undefined): boolean {
  return category === 'web-analytics' || connector === 'google-analytics';
}

/** The GA4 event field that holds the site's id of a logged-in visitor (formats.md §5.2). */
export const GA_USER_ID_FIELD = 'user_id';

/**
 * A GA4 event's `user_id`, as exported, when `ident` is read from it. The
 * connector reads it as the kind the site puts there (`userIdKind`: OJCO's
 * portal sets the customer number, others an e-mail or a CRM id), so that
 * it links to the person's other records; for Google it is always the
 * User-ID: a User Deletion request names it with type USER_ID (formats.md
 * §5.1; developers.google.com/analytics/devguides/config/userdeletion/v3),
 * and a visitor who logs in again brings it back under a new client id.
 * So it is deleted and suppressed as `userId` of this raw value (BK-2).
 */
export function gaUserId(ident: RawIdentifier, fields: Record<string, unknown>): string | undefined {
  if (ident.field !== GA_USER_ID_FIELD) return undefined;
  const raw = fields[GA_USER_ID_FIELD];
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
  return text || ident.value.trim() || undefined;
}

/** After an objection to marketing or a withdrawal: the marketing channels only (DM-3). */
export const MARKETING_SUPPRESSION_KINDS: ReadonlySet<IdentifierKind> = new Set<IdentifierKind>(['email', 'phone']);

/**
 * The subject's identifiers in canonical form, deduplicated and sorted, of
 * the given kinds. A sole trader's org.nr is their personnummer; role
 * addresses (info@) belong to a function and would block a whole company,
 * so they are left out.
 */
export function suppressibleIdentifiers(
  ids: readonly { kind: IdentifierKind; value: string }[],
  kinds: ReadonlySet<IdentifierKind>,
): { kind: IdentifierKind; value: string }[] {
  const out = new Map<string, { kind: IdentifierKind; value: string }>();
  for (const id of ids) {
    let kind = id.kind;
    let value: string | undefined;
    if (kind === 'orgnr') {
      const o = normaliseOrgnr(id.value);
      if (!o?.personal || !o.pnr) continue;
      kind = 'pnr';
      value = o.pnr;
    } else {
      value = canonical(kind, id.value);
    }
    if (!value || !kinds.has(kind)) continue;
    if (kind === 'email' && isRoleEmail(value)) continue;
    out.set(`${kind}:${value}`, { kind, value });
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}
