/**
 * The identifier flags shared by every command that names a person
 * (`--email`, `--phone`, `--pnr`, `--orgnr`, `--name`, `--customer-no`,
 * `--ip`, `--ga-client-id`, and the additions `--address`, `--user-id`).
 * Every value is validated up front; all invalid ones are reported at once
 * (exit 2), naming the flag, never echoing the value.
 */
import type { Command } from 'commander';
import type { IdentifierKind } from '../core/identity/kinds.ts';
import { canonical, normaliseOrgnr, normalisePnr } from '../core/identity/normalise.ts';
import type { SubjectQuery } from '../core/match/matcher.ts';
import { UsageError, type Problem } from '../errors.ts';

export const IDENTIFIER_FLAGS: { flag: string; key: string; kind: IdentifierKind; help: string; example: string }[] = [
  { flag: '--email <address>', key: 'email', kind: 'email', help: 'e-mail address', example: 'asa@example.se' },
  { flag: '--phone <number>', key: 'phone', kind: 'phone', help: 'phone number in any notation (070-174 06 05, +46701740605)', example: '070-174 06 05' },
  { flag: '--pnr <personnummer>', key: 'pnr', kind: 'pnr', help: 'personnummer or samordningsnummer, 10 or 12 digits', example: '19840312-9987' },
  { flag: '--orgnr <orgnr>', key: 'orgnr', kind: 'orgnr', help: "org.nr; a sole trader's is the owner's personnummer", example: '556987-6542' },
  { flag: '--name <name>', key: 'name', kind: 'name', help: 'full name (name-only matches are "possible")', example: 'Åsa Lindqvist' },
  { flag: '--customer-no <number>', key: 'customerNo', kind: 'customerNo', help: 'customer number in Visma/Lime/SIE', example: '1042' },
  { flag: '--ip <address>', key: 'ip', kind: 'ip', help: 'IPv4 or IPv6 address (weak evidence)', example: '203.0.113.55' },
  { flag: '--ga-client-id <id>', key: 'gaClientId', kind: 'gaClientId', help: 'Google Analytics client id or _ga cookie value', example: 'GA1.1.1234567890.1747037650' },
  { flag: '--address <address>', key: 'address', kind: 'address', help: 'postal address "street no, postcode city"', example: 'Storgatan 14, 252 21 Helsingborg' },
  { flag: '--user-id <id>', key: 'userId', kind: 'userId', help: 'website user id (GA4 user_id)', example: 'u-1001' },
];

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addIdentifierOptions(cmd: Command): Command {
  for (const f of IDENTIFIER_FLAGS) cmd.option(f.flag, `${f.help}; repeatable`, collect);
  return cmd;
}

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
