/**
 * Canonical JSON for hashing (in the spirit of RFC 8785): object keys sorted
 * by UTF-16 code units, no whitespace, no `undefined`. The same value always
 * gives the same bytes, so a hash over it can be recomputed years later.
 * Only the JSON types the audit trail uses are allowed; integers only, so no
 * float formatting question can arise.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError('canonical JSON: only safe integers are allowed');
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v === undefined ? null : v)).join(',') + ']';
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
    }
    default:
      throw new TypeError(`canonical JSON: unsupported type ${typeof value}`);
  }
}
