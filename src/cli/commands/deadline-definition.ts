/**
 * The `deadline` command's commander definition. Light on purpose: main.ts
 * imports it at start-up; the work is imported when the command runs.
 */
import { Command } from 'commander';
import { ExitCode } from '../../errors.ts';

export const DEADLINE_HELP = `
Counts the Art. 12(3) deadline the way IMY and Reg 1182/71 do: one calendar
month from receipt (same day-number, clamped to a shorter month's last day,
DL-1), moved to the next working day when it ends on a Saturday, Sunday or
Swedish allmän helgdag (DL-2); with --extended, three months (DL-3). The eves
(midsommarafton, julafton, nyårsafton) are not helgdagar: the date stands,
with a warning (DL-4). Never "30 days".

Examples:
  ojco-dsar deadline --received 2026-01-31
  ojco-dsar deadline --received 2026-11-24 --extended --json
  ojco-dsar deadline --received 2026-03-05 --as-of 2026-03-20

JSON (--json):
  { "receivedDate": "2026-01-31", "nominalDate": "2026-02-28", "dueDate": "2026-03-02",
    "extended": false, "nominalOneMonth", "oneMonthDueDate", "se1930DueDate",
    "extensionNoticeDue", "warnings": [ { "code", "date", "eve", "sendBy", "message" } ],
    "rule": ["DL-1", "DL-2"], "asOf", "daysLeft", "skipped": [ { "date", "why" } ],
    "ifExtended": { "nominalDate", "dueDate", "noticeBy" } }

Exit codes:
  0   the deadline was computed
  2   usage error: --received missing or not a YYYY-MM-DD date in 1953-2199
  70  internal error (a bug in ojco-dsar; please report it)`;

export function deadlineCommand(): Command {
  return new Command('deadline')
    .description('compute the Art. 12(3) response deadline for a request (Swedish holidays, extension, eves)')
    .option('--received <date>', 'date the request was received, YYYY-MM-DD (Stockholm date, any channel, any day)')
    .option('--extended', 'the deadline after the one extension of two further months (DL-3)')
    .option('--as-of <date>', 'count days left from this date instead of today')
    .option('--json', 'print one JSON document on stdout and nothing else there')
    .option('-y, --yes', 'never prompt (this command never prompts)')
    .addHelpText('after', DEADLINE_HELP)
    .exitOverride()
    .action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const { run } = await import('./deadline.ts');
      const code = await run({ ...cmd.optsWithGlobals(), args: cmd.args });
      process.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
    });
}
