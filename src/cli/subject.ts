/**
 * The identifier flags shared by every command that names a person
 * (`--email`, `--phone`, `--pnr`, `--orgnr`, `--name`, `--customer-no`,
 * `--ip`, `--ga-client-id`, and the additions `--address`, `--user-id`).
 * Every value is validated up front; all invalid ones are reported at once
 * (exit 2), naming the flag, never echoing the value.
 */
import type { IdentifierKind } from '../core/identity/kinds.ts';
import { canonical, normaliseOrgnr, normalisePnr } from '../core/identity/normalise.ts';
import type { SubjectQuery, SubjectResult } from '../core/match/matcher.ts';
import { UsageError, type Problem } from '../errors.ts';
import { IDENTIFIER_FLAGS } from './identifier-flags.ts';
import { warn } from './io.ts';

export { IDENTIFIER_FLAGS, addIdentifierOptions } from './identifier-flags.ts';

export interface GivenIdentifier {
  kind: IdentifierKind;
  value: string;
  canonical: string;
}

/** Validates the identifier flags; throws UsageError listing every invalid one. */
export function subjectFromFlags(opts: Record<string, unknown>, id = 'subject', required = true): { query: SubjectQuery; given: GivenIdentifier[] } {
  const problems: Problem[] = [];
  const given: GivenIdentifier[] = [];
  for (const f of IDENTIFIER_FLAGS) {
    const values = (opts[f.key] as string[] | undefined) ?? [];
    for (const [i, v] of values.entries()) {
      const flag = f.flag.split(' ')[0]!;
      const nth = values.length > 1 ? ` (value ${i + 1})` : '';
      let c: string | undefined;
      if (f.kind === 'pnr') {
        c = normalisePnr(v)?.canonical;
        if (!c) problems.push({ code: 'usage.invalid-pnr', message: `${flag}${nth} is not a valid personnummer or samordningsnummer (10 or 12 digits with a correct check digit)` });
      } else if (f.kind === 'orgnr') {
        c = normaliseOrgnr(v)?.canonical;
        if (!c) problems.push({ code: 'usage.invalid-orgnr', message: `${flag}${nth} is not a valid organisationsnummer (10 digits with a correct check digit)` });
      } else {
        c = canonical(f.kind, v);
        if (!c) problems.push({ code: `usage.invalid-${f.key}`, message: `${flag}${nth} is not a valid ${f.help.split(';')[0]}` });
      }
      if (c) given.push({ kind: f.kind, value: v, canonical: c });
    }
  }
  if (problems.length > 0) throw new UsageError('invalid identifier', problems);
  if (required && given.length === 0) {
    throw new UsageError('no identifier given', [
      { code: 'usage.no-identifier', message: `name the person with at least one of ${IDENTIFIER_FLAGS.map((f) => f.flag.split(' ')[0]).join(', ')}` },
    ]);
  }
  return { query: { id, identifiers: given.map((g) => ({ kind: g.kind, value: g.value })) }, given };
}

/**
 * Says so when an identifier the officer gave turns out to be another
 * person's too (another person's phone typed by mistake, a family's shared
 * e-mail): it is not followed, and what it alone reaches is only a possible
 * match. Kinds only, never the values (they go to stderr, which is logged).
 */
export function warnGivenOfOthers(subject: Pick<SubjectResult, 'shared'>): void {
  const kinds = [...new Set(subject.shared.filter((s) => s.given && s.reason === 'other-person').map((s) => s.kind))];
  if (kinds.length === 0) return;
  warn(
    `the ${kinds.join(' and ')} you gave is also another person's (it sits with another personnummer or name): it was not followed, and records found only through it are possible matches. Check the identifiers before acting on the result.`,
  );
}
