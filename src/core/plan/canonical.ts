/**
 * Canonical JSON of a plan, so that the same inputs and asOf give
 * byte-identical output (issue #4 point 4) and a hash that can be recomputed
 * later. Keys are sorted by UTF-16 code units (as RFC 8785), `undefined` is
 * dropped, and only finite numbers are allowed. node:crypto is computation,
 * not I/O, so it is allowed in the core.
 */
import { createHash } from 'node:crypto';
import type { Plan } from './types.ts';

function write(value: unknown, indent: string, step: string, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON: numbers must be finite');
      out.push(JSON.stringify(value));
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON: unsupported type ${typeof value}`);
  }
  const inner = step ? indent + step : '';
  const nl = step ? '\n' : '';
  const colon = step ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[' + nl);
    value.forEach((v, i) => {
      out.push(inner);
      write(v, inner, step, out);
      if (i < value.length - 1) out.push(',');
      out.push(nl);
    });
    out.push(indent + ']');
    return;
  }
  const o = value as Record<string, unknown>;
  // Sorted by code units, never by locale: the order must not depend on the machine.
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) {
    out.push('{}');
    return;
  }
  out.push('{' + nl);
  keys.forEach((k, i) => {
    out.push(inner + JSON.stringify(k) + colon);
    write(o[k], inner, step, out);
    if (i < keys.length - 1) out.push(',');
    out.push(nl);
  });
  out.push(indent + '}');
}

/** Compact canonical JSON (no whitespace), the input of the plan hash. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', '', out);
  return out.join('');
}

/** The plan file: canonical (sorted keys), indented by two spaces, with a final newline. */
export function serialisePlan(plan: Plan): string {
  const out: string[] = [];
  write(plan, '', '  ', out);
  return out.join('') + '\n';
}

/** sha256 (hex) over the compact canonical JSON of the plan without `planHash`. */
export function computePlanHash(plan: Omit<Plan, 'planHash'> | Plan): string {
  const { planHash: _ignored, ...rest } = plan as Plan;
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** Does the plan's `planHash` match its content (nothing was edited after planning)? */
export function verifyPlanHash(plan: Plan): boolean {
  return plan.planHash === computePlanHash(plan);
}

/** sha256 (hex) of a string; used for stable ids and deterministic replacement values. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}
