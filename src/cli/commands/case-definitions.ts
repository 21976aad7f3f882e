/**
 * The `case` command group's commander definitions. Light on purpose:
 * main.ts imports this at start-up, so nothing here may import
 * better-sqlite3 or exceljs; each action imports ./case.ts when it runs.
 */
import { Command, Option } from 'commander';
import { ExitCode } from '../../errors.ts';
import { addIdentifierOptions } from '../identifier-flags.ts';
import { CHANNELS, REFUSAL_GROUNDS, REQUEST_TYPES, VERIFICATION_METHODS } from '../../store/rules.ts';

export const CASE_EXIT_CODES = `
Exit codes:
  0   done
  1   a check found problems (case verify: a changed, removed or reordered event,
      a changed or missing file; case list --fail-on-overdue: an open case is overdue)
  2   usage or config error, or the case rules refuse the change (a second or
      late extension, a closed or purged case, a date before receipt, ...);
      every problem is listed
  70  internal error (a bug in ojco-dsar; please report it)`;

const HOME_HELP = `
The case register is <home>/cases.db. <home> is --home, else $OJCO_DSAR_HOME,
else the config's "home:" (relative to the config file), else .ojco-dsar/
beside the config file, else .ojco-dsar/ in the current folder.
Events name the actor: --actor, else the config's "actor:", else the OS user.`;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const CASE_IDS_TEXT = 'case id, e.g. DSAR-2026-0001';

function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <path>', 'config file (default: ojco-dsar.config.yaml/.yml/.json in the current folder)')
    .option('--home <dir>', 'the ojco-dsar home folder holding cases.db')
    .option('--actor <name>', 'who is acting, recorded in the audit trail')
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .option('-y, --yes', 'never prompt; accept defaults')
    .exitOverride();
}

function help(cmd: Command, text: string): Command {
  return cmd.addHelpText('after', `${text}\n${CASE_EXIT_CODES}`);
}

function action(name: string): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const { run } = await import('./case.ts');
    const code = await run({ ...cmd.optsWithGlobals(), args: cmd.args, caseCommand: name });
    process.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  };
}

const CASE_JSON = `{ "id", "types", "status", "receivedDate", "channel", "nominalDate", "dueDate",
    "oneMonthDueDate", "se1930DueDate", "extensionNoticeDue", "extended",
    "extension": { "decidedOn", "noticeDate", "reason" } | null,
    "identity": { "method", "by", "on" } | null,
    "outcome": { "type", "on", "late", "grounds"?, "reason"?, "complaintInformation"?, "partialRefusal"? } | null,
    "closedOn", "retentionMonths", "retainUntil", "purgedOn", "configFile", "createdAt", "updatedAt", "events",
    "attachments": [ { "id", "kind", "path", "sha256", "size", "copied", "addedAt" } ],
    "manifests": [ { "id", "reason", "path", "sha256", "createdAt", "purged" } ],
    "asOf", "daysLeft", "overdue", "warnings": [...] }
  status: received | verified | in-progress (open: the clock runs) | answered | refused | closed;
  daysLeft is null once the case is answered, refused or closed.`;

export function caseCommand(): Command {
  const group = new Command('case')
    .description('the case register: deadlines, extension, identity, outcome, audit trail and evidence')
    .addHelpText(
      'after',
      `
A case is one request (Art. 15-21), with an id such as DSAR-2026-0001, its
deadline (DL-1..DL-4), at most one extension (DL-3), the identity check
(Art. 12(6)), its outcome (answered, or refused under Art. 12(4)), linked
outputs with their sha256, an append-only hash-chained audit trail and, when
answered, refused or closed, an evidence manifest (Art. 5(2)).

Examples (a typical flow):
  ojco-dsar case open --type access --email asa@example.se --received 2026-01-31
  ojco-dsar case verify-identity DSAR-2026-0001 --method email-on-file
  ojco-dsar case attach DSAR-2026-0001 out/extract.html --kind extract
  ojco-dsar case answer DSAR-2026-0001
  ojco-dsar case close DSAR-2026-0001
  ojco-dsar case verify DSAR-2026-0001

JSON (--json): every subcommand prints one JSON document; see its --help
(ojco-dsar case open --help, ...). Most print the case:
  { "id", "types", "status", "receivedDate", "dueDate", "daysLeft", "overdue", ... }
${HOME_HELP}
${CASE_EXIT_CODES}`,
    )
    .exitOverride();

  group.addCommand(
    help(
      common(
        addIdentifierOptions(
          new Command('open')
            .description('open a case for a request: allocates its id and computes its deadline')
            .option('--type <types>', `request type(s), repeatable or comma-separated: ${REQUEST_TYPES.join(', ')}`, collect)
            .option('--received <date>', 'date the request was received, YYYY-MM-DD, Stockholm date (default: today)')
            // Checked with the other flags (not by commander's choices), so that every problem is listed at once.
            .addOption(new Option('--channel <channel>', `how the request came in: ${CHANNELS.join(', ')}`))
            .option('--reference <ref>', 'your own id of the request (a ticket number): opening the same reference again gives the case it opened, so a script can repeat the command safely'),
        ),
      ),
      `
The subject's identifiers are stored in the subject table of cases.db only;
the audit trail references them by id. Give at least one identifier flag.

--reference REF: a reference that already names a case (one you opened, or
a batch request of that id) gives that case again, unchanged, instead of a
second one; run the command again after a kill. The reference is kept in
the audit trail: use a ticket number, never a name or an e-mail address.

Example:
  ojco-dsar case open --type access,erasure --email asa@example.se --phone "070-174 06 05" --received 2026-01-31 --json

JSON (--json):
  ${CASE_JSON.replace('"events",', '"events", "subject": { "identifiers": [ { "id", "kind", "value" } ] },')}
  With --reference, also "reference" and "existing" (true: the case was opened earlier).`,
    ).action(action('open')),
  );

  group.addCommand(
    help(
      common(
        new Command('list')
          .description('list cases with their due dates and days left; overdue open cases in red')
          .option('--as-of <date>', 'count days left from this date instead of today')
          .option('--open', 'only open cases (received, verified, in-progress)')
          .addOption(new Option('--status <status>', 'only cases with this status').choices(['received', 'verified', 'in-progress', 'answered', 'refused', 'closed', 'purged']))
          .option('--include-purged', 'also list purged cases (tombstones)')
          .option('--fail-on-overdue', 'exit 1 when an open case is overdue (for cron or CI)'),
      ),
      `
Only open cases (received, verified, in-progress) can be overdue; an answered,
refused or closed case has stopped the clock.

Examples:
  ojco-dsar case list
  ojco-dsar case list --open --fail-on-overdue --as-of 2026-03-03

JSON (--json):
  { "asOf": "2026-03-03", "cases": [ { "id", "types", "status", "receivedDate", "dueDate",
    "daysLeft", "overdue", "extended", "identityVerified", "references": [ your ids ] } ],
    "summary": { "total", "open", "overdue" } }`,
    ).action(action('list')),
  );

  group.addCommand(
    help(
      common(new Command('show').description('show one case, with its subject identifiers').argument('<id>', CASE_IDS_TEXT).option('--as-of <date>', 'count days left from this date')),
      `
Example:
  ojco-dsar case show DSAR-2026-0001 --json

JSON (--json):
  ${CASE_JSON.replace('"events",', '"events", "subject": { "identifiers": [ { "id", "kind", "value" } ] }, "references": [ your ids ],')}`,
    ).action(action('show')),
  );

  group.addCommand(
    help(
      common(
        new Command('extend')
          .description('extend the deadline once by two further months, with reasons (DL-3, Art. 12(3))')
          .argument('<id>', CASE_IDS_TEXT)
          .option('--reason <text>', 'the reasons for the delay, as told to the subject (required)')
          .option('--as-of <date>', 'the date of the decision (default: today)')
          .option('--notice-date <date>', 'the date the notice was sent to the subject (default: --as-of)'),
      ),
      `
Refused (exit 2) when the case is already extended, when the one-month due
date has passed on --as-of, or when the notice date is after it: the notice,
with reasons, must reach the subject within one month of receipt.

Example:
  ojco-dsar case extend DSAR-2026-0001 --reason "Requests covering four systems and 2019-2026" --json

JSON (--json): the case, with the new "dueDate":
  ${CASE_JSON}`,
    ).action(action('extend')),
  );

  group.addCommand(
    help(
      common(
        new Command('verify-identity')
          .description("record how the requester's identity was verified (Art. 12(6))")
          .argument('<id>', CASE_IDS_TEXT)
          .addOption(new Option('--method <method>', 'how the identity was verified').choices([...VERIFICATION_METHODS]))
          .option('--by <name>', 'who verified it (default: the actor)')
          .option('--on <date>', 'when (default: today)')
          .option('--note <text>', 'a note, kept out of the audit trail (it may name people)'),
      ),
      `
Ask only for what is proportionate (AC-10): a request from the e-mail address
on file usually suffices; BankID is the proportionate Swedish option; do not
ask for ID copies by default. A received case becomes verified.

Example:
  ojco-dsar case verify-identity DSAR-2026-0001 --method bankid --json

JSON (--json): the case.`,
    ).action(action('verify-identity')),
  );

  group.addCommand(
    help(common(new Command('start').description('mark a case as in progress').argument('<id>', CASE_IDS_TEXT)), `\nExample:\n  ojco-dsar case start DSAR-2026-0001\n\nJSON (--json): the case.`).action(action('start')),
  );

  group.addCommand(
    help(
      common(new Command('note').description('add a note to a case (kept in the case, referenced from the audit trail)').argument('<id>', CASE_IDS_TEXT).argument('<text>', 'the note')),
      `\nExample:\n  ojco-dsar case note DSAR-2026-0001 "Called the subject to clarify the scope"\n\nJSON (--json): { "id", "event": { "seq", "at", "actor", "type" } }`,
    ).action(action('note')),
  );

  group.addCommand(
    help(
      common(
        new Command('attach')
          .description('link an output file (extract, plan, reply, notice) to a case with its sha256')
          .argument('<id>', CASE_IDS_TEXT)
          .argument('<file>', 'the file')
          .addOption(new Option('--kind <kind>', 'what the file is').choices(['extract', 'plan', 'reply', 'extension-notice', 'refusal-notice', 'other']).default('other'))
          .option('--copy', 'copy the file into the case folder (<home>/cases/<id>/files/), mode 0600'),
      ),
      `
The evidence manifest written when the case is answered, refused or closed
lists every attachment with its sha256; case verify re-hashes them.

Example:
  ojco-dsar case attach DSAR-2026-0001 out/extract.html --kind extract --copy --json

JSON (--json): { "id", "attachment": { "id", "kind", "path", "sha256", "size", "copied", "addedAt" } }`,
    ).action(action('attach')),
  );

  group.addCommand(
    help(
      common(
        new Command('answer')
          .description('record that the reply was sent; writes the evidence manifest')
          .argument('<id>', CASE_IDS_TEXT)
          .option('--on <date>', 'the date the reply was sent (default: today)'),
      ),
      `
When a plan written for the case refuses part of the request (an erasure plan
that retains bookkeeping records, or actions left out at the review), the reply
is a partial refusal under Art. 12(4) (ER-4): it must give the reasons and tell
the subject of the right to complain to IMY and to go to court. The answer then
records that (outcome.partialRefusal, outcome.complaintInformation) and warns.

Example:
  ojco-dsar case answer DSAR-2026-0001 --on 2026-02-20 --json

JSON (--json): the case, plus "manifest": { "path", "sha256" }.`,
    ).action(action('answer')),
  );

  group.addCommand(
    help(
      common(
        new Command('refuse')
          .description('record a refusal under Art. 12(4), with reasons and the complaint information; writes the evidence manifest')
          .argument('<id>', CASE_IDS_TEXT)
          .option('--ground <grounds>', `ground(s), repeatable or comma-separated: ${REFUSAL_GROUNDS.join(', ')}`, collect)
          .option('--reason <text>', 'the reasons in words, as told to the subject (required)')
          .option('--on <date>', 'the date the refusal was sent (default: today)'),
      ),
      `
Art. 12(4): the refusal is due within one month of receipt and must tell the
subject that they can complain to IMY and seek a judicial remedy; the case
records that this information was given (complaintInformation).

Example:
  ojco-dsar case refuse DSAR-2026-0002 --ground excessive --reason "Fourth identical request this month" --json

JSON (--json): the case, plus "manifest": { "path", "sha256" }.`,
    ).action(action('refuse')),
  );

  group.addCommand(
    help(
      common(
        new Command('close')
          .description('close an answered or refused case (or a withdrawn one); fixes its retention and writes the final manifest')
          .argument('<id>', CASE_IDS_TEXT)
          .option('--on <date>', 'the closing date (default: today)')
          .option('--withdrawn', 'the subject withdrew the request')
          .option('--retention-months <n>', 'keep this case this many months after closing (default: config caseRetentionMonths, else 36)'),
      ),
      `
The closed case is kept until closedOn + retention months, then case purge
removes its personal data. The default, 36 months, is a design choice [I]:
it covers an IMY complaint and its follow-up, a claim raised within the
3-year consumer limitation period (preskriptionslagen 2 §, by analogy) and
the Art. 12(5) check for repeated requests, without keeping requests longer
than needed (Art. 5(1)(e)). Set caseRetentionMonths in the config to change it.

Example:
  ojco-dsar case close DSAR-2026-0001 --json

JSON (--json): the case, plus "manifest": { "path", "sha256" }.`,
    ).action(action('close')),
  );

  group.addCommand(
    help(
      common(new Command('log').description("show a case's audit trail").argument('<id>', CASE_IDS_TEXT)),
      `
Example:
  ojco-dsar case log DSAR-2026-0001

JSON (--json): { "id", "events": [ { "seq", "caseId", "at", "actor", "type", "payload", "hash" } ] }`,
    ).action(action('log')),
  );

  group.addCommand(
    help(
      common(new Command('verify').description('recompute the audit chain and re-check the evidence manifests').argument('[id]', 'one case (default: every case)')),
      `
Recomputes every event's hash and names any event that was changed, removed or
reordered (by its sequence number #N); checks the case records and subject
data against the trail; re-hashes the config, input and output files listed
in the case's manifests and names each one that changed or is missing.

Example:
  ojco-dsar case verify DSAR-2026-0001 --json

JSON (--json): { "ok": true|false, "chain": { "events", "head": { "seq", "hash" } },
  "cases": [ { "id", "manifests", "files" } ],
  "problems": [ { "code", "message", "seq"?, "caseId"?, "file"? } ] }`,
    ).action(action('verify')),
  );

  group.addCommand(
    help(
      common(
        new Command('purge')
          .description('remove the personal data of closed cases whose retention has passed')
          .option('--as-of <date>', 'the date to judge retention by (default: today)')
          .option('--dry-run', 'list what would be purged; change nothing'),
      ),
      `
For each closed case with retainUntil before --as-of: deletes the subject's
identifiers, the free texts, the attachment records, the case's key and its
folder (manifests, copied files). The case row stays as a tombstone and the
audit events stay, plus a "purged" event, so case verify still passes.
Asks for confirmation on a terminal; elsewhere it needs --yes (exit 2 without).

Example:
  ojco-dsar case purge --as-of 2029-12-31 --yes --json

JSON (--json): { "asOf", "dryRun", "purged": [ { "id", "retainUntil", "removed": { "identifiers",
  "texts", "attachments", "manifests" }, "externalFiles" } ],
  "due"?: [ { "id", "closedOn", "retainUntil" } ] }
  "due" is there when nothing was purged (--dry-run, or no case due): the cases
  that would be purged, with "purged": [].`,
    ).action(action('purge')),
  );

  group.addCommand(
    help(
      common(
        new Command('export')
          .description('write the case register as CSV or XLSX (no subject identifiers)')
          .addOption(new Option('--format <format>', 'csv or xlsx (default: from --out)').choices(['csv', 'xlsx']))
          .option('--out <file>', 'the file to write (required)')
          .option('--force', 'replace the file if it exists')
          .option('--delimiter <char>', 'CSV delimiter', ',')
          .option('--as-of <date>', 'judge "overdue" on this date (default: today)'),
      ),
      `
One row per case (purged cases as tombstones): id, types, articles, dates,
channel, extension, identity method, status, outcome, on time, refusal grounds,
closing, retention, events, last manifest sha256. No identifiers, no free
text. Cells starting with = + - @ tab or CR get a leading ' (formula injection).
The file is written with mode 0600, never over an existing one without --force.

Example:
  ojco-dsar case export --format xlsx --out register-2026.xlsx

JSON (--json): { "file", "format", "rows" }`,
    ).action(action('export')),
  );

  return group;
}
