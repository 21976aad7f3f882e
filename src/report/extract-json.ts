/**
 * The JSON extract: the Extract object itself, checked against its own
 * schema (ExtractSchema, docs/extract.schema.json) before a byte is
 * written. It is the complete, machine-readable form (Art. 15(3) in a
 * commonly used electronic form, AC-5) and serves data portability
 * (Art. 20) too.
 */
import { ExtractSchema, type Extract } from './extract-schema.ts';

/**
 * The builder made an extract its own schema rejects: a bug in ojco-dsar,
 * not in the user's input (exit 70). The message names paths and zod
 * codes only, never values (they are personal data).
 */
export class ExtractSchemaError extends Error {
  constructor(readonly issues: { path: string; code: string }[]) {
    super(`the extract does not match its schema (a bug): ${issues.slice(0, 10).map((i) => `${i.path || '(root)'} ${i.code}`).join('; ')}`);
    this.name = 'ExtractSchemaError';
  }
}

/** Validates the extract; returns it as the schema has it (documented keys, schema order). */
export function validateExtract(extract: Extract): Extract {
  const parsed = ExtractSchema.safeParse(extract);
  if (!parsed.success) {
    throw new ExtractSchemaError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })));
  }
  return parsed.data;
}

/** UTF-8 JSON, two-space indented, ending in a newline. */
export function extractJson(extract: Extract): Buffer {
  return Buffer.from(JSON.stringify(validateExtract(extract), null, 2) + '\n', 'utf8');
}
