/**
 * The plan commands' commander definitions (issue #4): erase, rectify,
 * restrict, object, withdraw-consent and sweep, plus `ledger`. Light on
 * purpose: main.ts imports this at start-up, so nothing here may import
 * better-sqlite3, exceljs or the planners; each action imports ./plan.ts
 * (or ./ledger.ts) when it runs.
 */
import { Command, Option } from 'commander';
import { ExitCode } from '../../errors.ts';
import { addIdentifierOptions } from '../identifier-flags.ts';

export const PLAN_EXIT_CODES = `
Exit codes:
  0   the plan was written (or you answered no at the review: nothing written)
  2   usage or config error, a plan the input does not allow (a field that
      cannot be set, a category the register does not describe), an unknown
      or closed --case, or a home where the store cannot be opened; every
      problem is listed
  3   one or more sources could not be read: the plan covers the others and
      is still written; read the warning before acting on it
  70  internal error (a bug in ojco-dsar; please report it)`;

/** sweep reads no source, so it has no exit 3. */
const SWEEP_EXIT_CODES = `
Exit codes:
  0   the plan was written, nothing was due, or you answered no at the review
  2   usage error, an unknown or closed --case, or a home where the store
      cannot be opened; every problem is listed
  70  internal error (a bug in ojco-dsar; please report it)`;

const LEDGER_EXIT_CODES = `
Exit codes:
  0   done
  2   usage error: a bad --due date, an id that is not a number or not in the
      ledger, an entry already swept, or a home where the store cannot be opened
  70  internal error (a bug in ojco-dsar; please report it)`;

const PLAN_JSON = `JSON (--json): the plan itself, exactly the bytes of the plan file (canonical JSON,
sorted keys), so the same inputs and --as-of give byte-identical output:
  { "schemaVersion", "kind", "asOf", "planHash", "caseId"?, "parameters",
    "actions": [ { "id", "source", "connector", "locator", "action", "reason", "rule",
                   "retainUntil"?, "deletableFrom"?, "legalBasis"?, "primary", "entity"?,
                   "category"?, "class"?, "label"?, "fields"?, "suppression"?, "recipient"?,
                   "request"?, "refs"?, "instructions"?, ... } ],
    "excluded": [...], "unaffected": [...], "deselected"?: [...], "warnings": [...],
    "summary": { "records", "excluded", "unaffected", "actions": { "<action>": n } },
    "reply"?: { "partialRefusal": true, "rule": "ER-4", "legalBasis": "Art. 12(4)", "retained",
                "deselected", "complaintInformation": { "supervisoryAuthority", "judicialRemedy" },
                "text" } }
  reply: present when the plan refuses part of the request (an erasure that retains
  records, or actions left out at the review): the reply must then give the reasons
  and the right to complain to IMY and to go to court (Art. 12(4), ER-4).
  action: delete, anonymise, retain, suppress, notify-recipient, request-deletion,
  rectify, restrict, unsubscribe. Every matched record has exactly one action with
  "primary": true; planHash is the sha256 of the canonical plan without planHash.`;

const FILES_HELP = `Files: the plan JSON goes to --out FILE, default plan-<kind>-<as-of>.json in the
current folder; --format xlsx,html adds renderings for people beside it (same name,
.xlsx/.html). Files are 0600, written atomically, never over an existing file
without --force. With --json and neither --out, --case nor --format xlsx/html, no
file is written: the plan goes to stdout only. --dry-run writes and records nothing.
At a terminal (without --yes/--json) you review the plan: confirm possible matches,
untick actions to leave out (they move to "deselected", "deselected by <actor>"),
and confirm; answering no writes and records nothing (exit 0).`;

const STORE_HELP = `Store: <home>/cases.db (--home, else $OJCO_DSAR_HOME, else the config's "home:",
else .ojco-dsar/ beside the config). erase, object and withdraw-consent put keyed
hashes (HMAC-SHA256, never the values) of the person's identifiers on the
suppression list; erase records each "retain" in the deferred-erasure ledger,
which sweep reads. Recording the same plan twice adds nothing.
--case ID puts the case id in the plan, attaches the files to the case and logs a
plan-written event.`;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export type PlanCommandName = 'erase' | 'rectify' | 'restrict' | 'object' | 'withdraw-consent' | 'sweep';

function action(name: PlanCommandName): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const { run } = await import('./plan.ts');
    const code = await run({ ...cmd.optsWithGlobals(), args: cmd.args, planCommand: name });
    process.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  };
}

function common(cmd: Command, subject: boolean): Command {
  if (subject) addIdentifierOptions(cmd);
  cmd
    .option('-c, --config <path>', 'config file (default: ojco-dsar.config.yaml/.yml/.json in the current folder)')
    .option('--as-of <date>', 'the date the plan is made for, YYYY-MM-DD (default: today in Stockholm)')
    .option('--out <file>', 'the plan JSON file (default: plan-<kind>-<as-of>.json in the current folder)')
    .option('--format <list>', 'comma list of json, xlsx, html (json is always written)', 'json')
    .option('--force', 'overwrite existing plan files')
    .option('--dry-run', 'show the plan; write no file and record nothing in the store');
  if (subject) {
    cmd
      .option('--include-possible', 'act on "possible" matches without asking')
      .option('--cache-mb <mb>', 'keep sources up to this many MiB in memory for link rounds', '8')
      .addOption(new Option('--no-prefilter', 'read every record in full (the reference path; slower)'));
  }
  return cmd
    .option('--case <id>', 'put the case id in the plan, attach the files and log the event')
    .option('--home <dir>', 'the ojco-dsar home (cases.db: suppression list, ledger, cases)')
    .option('--actor <name>', 'who is acting: recorded in the audit trail and on deselected actions')
    .option('--json', 'print the plan JSON on stdout and nothing else there')
    .option('-y, --yes', 'never prompt: no review (possible matches are left out unless --include-possible)')
    .exitOverride();
}

function gaOption(cmd: Command): Command {
  return cmd.option('--ga-property-id <id>', "the Google Analytics property id for User Deletion requests (default: the config's gaPropertyId)");
}

function help(cmd: Command, text: string, exitCodes = PLAN_EXIT_CODES): Command {
  return cmd.addHelpText('after', `${text}\n\n${FILES_HELP}\n\n${STORE_HELP}\n\n${PLAN_JSON}\n${exitCodes}`);
}

export function planCommands(): Command[] {
  const erase = help(
    gaOption(common(new Command('erase').description('plan the erasure of a person (Art. 17): delete, anonymise, or retain what bookkeeping must keep'), true)),
    `
For every record found: delete (CRM, newsletter, tracking, mail), anonymise
(a row that must stay for other data: values the system accepts), or retain
(räkenskapsinformation: invoices, payments, vouchers, SIE; kept unchanged until
31 December of the 7th year after its financial year, BF-1, with access restricted,
Art. 17(3)(b) + BFL 7 kap. 2 §). Plus suppression entries, one Google Analytics
User Deletion request per id, and Art. 19 notices to the register's recipients.
A plan changes no system.

Examples:
  ojco-dsar erase --config fixtures/ojco-dsar.config.yaml --email marta.oberg@mail.example --as-of 2025-05-16
  ojco-dsar erase --email marta.oberg@mail.example --case DSAR-2026-0001 --format json,xlsx,html
  ojco-dsar erase --pnr 19920728-9969 --json --yes > plan.json`,
  ).action(action('erase'));

  const rectify = help(
    common(new Command('rectify').description('plan a rectification (Art. 16): a field-level diff (from, to) per system'), true)
      .option('--set <field=value>', 'the correction; field is email, phone, name, address, pnr or a field name of the export; repeatable', collect)
      .option('--contested', 'the accuracy is contested: restrict processing until it is checked (Art. 18(1)(a))'),
    `
Each record that holds the field gets "rectify" with fields: { "<field>": { "from", "to" } }.
Bookkeeping records are never edited in place (RE-3): the diff becomes a supplementary
statement linked to the original. With --contested every such record is also
restricted now and the rectification waits for the check.

Examples:
  ojco-dsar rectify --email asa.lindqvist@lindqvistbygg.example --set phone="070-174 06 99"
  ojco-dsar rectify --pnr 19920728-9969 --set email=marta.new@mail.example --set address="Nygatan 1, 252 24 Helsingborg" --contested`,
  ).action(action('rectify'));

  const restrict = help(
    common(new Command('restrict').description('plan a restriction of processing (Art. 18) on one of its grounds'), true).addOption(
      new Option('--ground <a|b|c|d>', 'the Art. 18(1) ground (see below)').choices(['a', 'b', 'c', 'd']),
    ),
    `
Grounds (Art. 18(1)):
  a  the person contests the accuracy of the data, for the time it takes to check it
  b  the processing is unlawful, and the person wants restriction instead of erasure
  c  the data is no longer needed, but the person needs it for a legal claim
  d  the person objected under Art. 21(1) and the check of overriding grounds is pending
Every record is marked restricted: only storage continues (Art. 18(2)); the
person is told before the restriction is lifted (Art. 18(3)).

Examples:
  ojco-dsar restrict --email orjan@backstromkonsult.example --ground a
  ojco-dsar restrict --pnr 19761105-9978 --ground c --case DSAR-2026-0002`,
  ).action(action('restrict'));

  const object = help(
    gaOption(
      common(new Command('object').description('plan an objection (Art. 21): to direct marketing (absolute) and/or profiling'), true)
        .option('--marketing', 'object to direct marketing: unsubscribe, CRM opt-out, delete marketing-only data, suppression (Art. 21(3))')
        .option('--profiling', 'object to profiling: exclude every profiled record from it'),
    ),
    `
Give --marketing, --profiling or both. Invoices, payments, vouchers and customer
master data are never touched by an objection (listed as unaffected).

Examples:
  ojco-dsar object --email marta.oberg@mail.example --marketing
  ojco-dsar object --phone "070-174 06 47" --marketing --profiling --json --yes`,
  ).action(action('object'));

  const withdraw = help(
    gaOption(common(new Command('withdraw-consent').description('plan a consent withdrawal (Art. 7(3)): end what rested on consent'), true)),
    `
Processing that rested on consent alone ends (delete); marketing stops at once
(unsubscribe, a new consent record that says no); processing with another legal
basis continues for that purpose (listed as unaffected). E-mail and phone go on
the suppression list.

Examples:
  ojco-dsar withdraw-consent --email jorgen.akesson@mail.example`,
  ).action(action('withdraw-consent'));

  const sweep = help(
    common(new Command('sweep').description('list the retained records whose retention has ended and plan their erasure (ER-5)'), false),
    `
Reads the deferred-erasure ledger (every "retain" of earlier erasure plans) and
plans the deletion of each entry whose last day to keep is before --as-of.
Entries under a legal hold and entries without a date are reported, not swept.
Listed entries are marked swept when the plan is written (not with --dry-run).
When nothing is due, nothing is written. No config sources are read.

Examples:
  ojco-dsar sweep --as-of 2027-01-01
  ojco-dsar sweep --dry-run
  ojco-dsar sweep --as-of 2032-01-01 --format json,html --json`,
    SWEEP_EXIT_CODES,
  ).action(action('sweep'));

  return [erase, rectify, restrict, object, withdraw, sweep, ledgerCommand()];
}

function ledgerCommand(): Command {
  const run = (name: string) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const { run: r } = await import('./ledger.ts');
      const code = await r({ ...cmd.optsWithGlobals(), args: cmd.args, ledgerCommand: name });
      process.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
    };
  const opts = (cmd: Command): Command =>
    cmd
      .option('-c, --config <path>', 'config file (locates the home when --home is not given)')
      .option('--home <dir>', 'the ojco-dsar home (cases.db)')
      .option('--actor <name>', 'who is acting')
      .option('--json', 'print one JSON document on stdout and nothing else there')
      .option('-y, --yes', 'never prompt')
      .exitOverride();
  const group = new Command('ledger')
    .description('the deferred-erasure ledger: what erasure plans retained, and until when')
    .addHelpText(
      'after',
      `
Every "retain" action of an erasure plan is a ledger entry with its last day to
keep; sweep plans the deletion of the due ones. Entries live in <home>/cases.db.

Examples:
  ojco-dsar ledger list --status pending
  ojco-dsar ledger hold 12 --json

JSON (--json): see each subcommand's --help; list prints { "entries": [...], "suppression": { "entries": n } },
hold and release print { "id", "status" }.
${LEDGER_EXIT_CODES}`,
    );
  group.addCommand(
    opts(new Command('list').description('list ledger entries'))
      .addOption(new Option('--status <status>', 'only entries with this status').choices(['pending', 'swept', 'hold']))
      .option('--due <date>', 'only pending entries due on this date (last day to keep before it)')
      .addHelpText(
        'after',
        `
Examples:
  ojco-dsar ledger list
  ojco-dsar ledger list --due 2033-01-01 --json

JSON (--json): { "entries": [ { "id", "status", "source", "connector", "locator", "entity"?, "category"?,
  "retainUntil"?, "deletableFrom"?, "planHash", "caseId"?, "sweptPlan"?, "sweptOn"? } ], "suppression": { "entries": n } }
status: pending | swept | hold; "suppression" counts the keyed hashes on the suppression list.
${LEDGER_EXIT_CODES}`,
      )
      .action(run('list')),
  );
  group.addCommand(
    opts(new Command('hold').description('put a ledger entry under a legal hold (Art. 17(3)(e)): sweep leaves it').argument('<id>', 'the entry id (ledger list)'))
      .addHelpText(
        'after',
        `
The hold is logged on the entry's case (ledger-hold) when it has one.

Example:
  ojco-dsar ledger hold 12 --json

JSON (--json): { "id": 12, "status": "hold" }
${LEDGER_EXIT_CODES}`,
      )
      .action(run('hold')),
  );
  group.addCommand(
    opts(new Command('release').description('release a legal hold: the entry is pending again').argument('<id>', 'the entry id'))
      .addHelpText(
        'after',
        `
The release is logged on the entry's case (ledger-release) when it has one.

Example:
  ojco-dsar ledger release 12 --json

JSON (--json): { "id": 12, "status": "pending" }
${LEDGER_EXIT_CODES}`,
      )
      .action(run('release')),
  );
  return group;
}
