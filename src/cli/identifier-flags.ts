/**
 * The identifier flags' definitions, kept apart from their validation so
 * that defining the commands (all of them, for `--help`) loads no
 * libphonenumber metadata: `--help` must start fast (issue #7).
 */
import type { Command } from 'commander';
import type { IdentifierKind } from '../core/identity/kinds.ts';

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

