/**
 * The command-line entry: commander wiring only. Each command's work lives
 * in commands/<name>.ts and is imported when the command runs, so that
 * `--help` starts fast (issue #7). Errors map to the documented exit codes
 * here and nowhere else.
 */
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, UsageError, isUserError, type Problem } from '../errors.ts';
import { err, log } from './io.ts';
import { fileSystemError } from './fs-errors.ts';
import { addIdentifierOptions } from './identifier-flags.ts';
import { VERSION } from '../version.ts';
import { caseCommand } from './commands/case-definitions.ts';
import { deadlineCommand } from './commands/deadline-definition.ts';
import { planCommands } from './commands/plan-definitions.ts';

const EXIT_CODE_TEXT: Record<number, string> = {
  0: 'finished (found or not)',
  1: 'a check found problems (check, case list --fail-on-overdue, case verify)',
  2: 'usage or config error; every problem is listed',
  3: 'one or more sources could not be read; the others were still searched',
  70: 'internal error (a bug in ojco-dsar; please report it)',
};

/** The exit codes a command can end with, for its --help (README, "Exit codes"). */
export function exitCodesHelp(codes: readonly number[] = [0, 1, 2, 3, 70]): string {
  return `\nExit codes:\n${codes.map((c) => `  ${String(c).padEnd(3)} ${EXIT_CODE_TEXT[c]}`).join('\n')}`;
}

export const EXIT_CODES_HELP = exitCodesHelp();

export interface CommonOptions {
  config?: string;
  json?: boolean;
  yes?: boolean;
}

function common(cmd: Command, { config = true }: { config?: boolean } = {}): Command {
  if (config) cmd.option('-c, --config <path>', 'config file (default: ojco-dsar.config.yaml/.yml/.json in the current folder)');
  return cmd.option('--json', 'print one JSON document on stdout and nothing else there').option('-y, --yes', 'never prompt; accept defaults');
}

type Action = (opts: Record<string, unknown>, cmd: Command) => Promise<number | void>;

/** Wraps a lazily imported command so that its exit code reaches main(). */
function lazy(load: () => Promise<{ run: Action }>): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = { ...cmd.optsWithGlobals(), args: cmd.args };
    const { run } = await load();
    const code = await run(opts, cmd);
    process.exitCode = typeof code === 'number' ? code : ExitCode.Ok;
  };
}

export function buildProgram(): Command {
  const program = new Command('ojco-dsar')
    .description('Answer GDPR data subject requests (Art. 15-21) across Lime CRM, Visma, Office 365, newsletter and Google Analytics exports.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  ojco-dsar find --config fixtures/ojco-dsar.config.yaml --email marta.oberg@mail.example
  ojco-dsar deadline --received 2026-11-24
  ojco-dsar <command> --help      (each command's flags, JSON shape, exit codes, examples)

JSON (--json): every command prints one JSON document on stdout and nothing else
there; its shape is in the command's --help. Errors (exit 2) are printed as
  { "error": { "code", "message", "problems": [ { "code", "message", "file"?, "line"? } ] } }
${EXIT_CODES_HELP}`,
    )
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  const find = common(
    addIdentifierOptions(
      new Command('find')
        .description("find a person's records in every source of the config")
        .option('--cache-mb <mb>', 'keep sources up to this many MiB in memory for link rounds', '8')
        .addOption(new Option('--no-prefilter', 'read every record in full (the reference path; slower)'))
        .option('--home <dir>', 'the ojco-dsar home whose suppression list is checked (default: as for cases)')
        .addOption(new Option('--no-check-suppression', 'skip the check for people on the suppression list'))
        .addHelpText(
          'after',
          `
Examples:
  ojco-dsar find --config fixtures/ojco-dsar.config.yaml --email asa.lindqvist@lindqvistbygg.example
  ojco-dsar find --phone "070-174 06 05" --json > found.json
  ojco-dsar find --pnr 19761105-9978 --name "Örjan Bäckström"

JSON (--json): { "subject": {...}, "records": [ { "source", "connector", "confidence",
  "locator", "matchedOn", "fields", ... } ], "skipped": [...], "shared": [...], "summary": {...},
  "reappeared"?: [ { "source", "connector", "locator", "entity", "kind", "kinds", "ground",
  "plan", "caseId"?, "since" } ] }

Re-appearance check: when the home's suppression list is not empty, every record read
is checked for identifiers on it (keyed hashes; the values are never printed). A hit
is a person erased (or who objected to marketing) who is back in an export: it is
listed under "reappeared" and warned about on stderr, naming the plan and the case.
The exit code stays 0: it is a warning, not a failure of the search.
${exitCodesHelp([0, 2, 3, 70])}`,
        ),
    ),
  ).action(lazy(() => import('./commands/find.ts')));
  program.addCommand(find);

  program.addCommand(
    common(
      addIdentifierOptions(
        new Command('export')
          .description('write a register extract (registerutdrag, Art. 15) as XLSX, JSON, CSV and an HTML letter')
          .requiredOption('--out <dir>', 'folder to write the extract files into')
          .option('--format <list>', 'comma list of xlsx, json, csv, html', 'xlsx,json,csv,html')
          .addOption(new Option('--lang <lang>', 'language of the extract').choices(['sv', 'en']).default('sv'))
          .option('--force', 'overwrite existing files')
          .option('--include-possible', 'include "possible" matches without asking')
          .option('--include-third-parties', "do not redact other people's data in e-mail (Art. 15(4))")
          .option('--case <id>', 'attach the files to this case and log the export (extract-written)')
          .option('--home <dir>', 'the ojco-dsar home (cases.db: cases, suppression list)')
          .option('--actor <name>', 'who is acting, recorded in the audit trail')
          .addOption(new Option('--no-check-suppression', 'skip the check for people on the suppression list'))
          .option('--as-of <date>', 'date for retention dates and the letter (YYYY-MM-DD; default today)')
          .option('--cache-mb <mb>', 'keep sources up to this many MiB in memory for link rounds', '8')
          .addOption(new Option('--no-prefilter', 'read every record in full (the reference path; slower)'))
          .addHelpText(
            'after',
            `
Examples:
  ojco-dsar export --config fixtures/ojco-dsar.config.yaml --email marta.oberg@mail.example --out out/marta
  ojco-dsar export --pnr 19920728-9969 --format html,json --lang en --out out/marta-en --json

Files (docs/extract.md): registerutdrag-<date>.json|xlsx|html and one
registerutdrag-<date>-<system>.csv per system (English: register-extract-<date>...),
mode 0600, in a folder created 0700; an existing file is never overwritten without --force.
"possible" matches are asked about at a terminal; otherwise left out unless --include-possible.

JSON (--json): { "files": [ { "path", "format", "sha256", "bytes", "system"? } ], "out", "language",
  "asOf", "generatedAt", "records": n, "confidence": {...}, "possible": { "found", "included", "undecided" },
  "searched": [...], "notRead": [ { "source", "connector", "file", "line", "code", "reason", "message" } ],
  "unverified"?: [ as notRead: files read, their records in the extract, that failed a check (#KSUMMA) ],
  "case"?: { "id", "attachments": [n] }, "reappeared"?: [...] (as in find) }
${exitCodesHelp([0, 2, 3, 70])}`,
          ),
      ),
    ).action(lazy(() => import('./commands/export.ts'))),
  );

  program.addCommand(
    common(new Command('batch'))
      .description('answer many requests in one pass over the sources: an extract or a plan per request, and a summary')
      .argument('<requests>', 'CSV (or XLSX, first sheet) with the header id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id')
      .requiredOption('--out <dir>', 'folder for the outputs: one folder per request, summary.json and summary.csv')
      .option('--resume', 'complete a batch that was interrupted; finished requests are not redone')
      .option('--as-of <date>', 'date for retention dates and letters (YYYY-MM-DD; default today); fixed for the whole batch')
      .option('--format <list>', 'formats: extracts of access requests (json, xlsx, csv, html); plans are JSON plus html/xlsx when listed', 'json,html')
      .option('--home <dir>', 'the ojco-dsar home (cases.db: cases, suppression list, ledger); default as for `case`')
      .option('--actor <name>', 'who is acting, recorded in the audit trail')
      .addOption(new Option('--lang <lang>', 'language of the extracts').choices(['sv', 'en']).default('sv'))
      .option('--cache-mb <mb>', 'keep sources up to this many MiB in memory for link rounds', '8')
      .addOption(new Option('--no-prefilter', 'read every record in full (the reference path; slower)'))
      .addHelpText(
        'after',
        `
The requests file: one request per row; type is access, erasure, rectification,
restriction or objection; several identifiers of one kind are separated by ";";
empty cells are allowed; extra columns are an error.

  id,type,received,email,phone,pnr,orgnr,name,customer_no,ga_client_id
  R-1,access,2026-11-20,marta.oberg@mail.example,,,,,,
  R-2,erasure,2026-11-21,,070-174 06 47;+46701740647,,,,,

What each request gets, in DIR/<id>/:
  access          the Art. 15 extract (--format)
  erasure         an erasure plan, as \`erase\` makes it (plan-erasure.json); its suppression
                  entries and deferred-erasure ledger are recorded in the home
  objection       an objection plan to direct marketing, as \`object --marketing\` (Art. 21(3));
                  an objection to profiling needs \`object --profiling\`
  rectification,  found.json and status needs-input: the corrected values and the
  restriction     Art. 18(1) ground are not in the file; run \`rectify\` / \`restrict\` --case
Possible matches get no action in a batch (no one confirms them); the note says how many.
An erasure that retains records refuses the request in part: the summary says, per
request, that the reply is due with the reasons and the complaint information (ER-4).
A request that matched no record exactly but some probable or possible ones (a name
alone) gets only found.json and status needs-input (reason unconfirmed-matches): run
the command the note gives at a terminal, and confirm the matches that are the person.

Cases: when the home is given (--home, OJCO_DSAR_HOME, the config's home:) or already
holds cases.db, or the batch has erasure or objection requests, each request opens its
case (the request id is kept as the case's reference) or updates the one it opened
before, or the case it names when the id is a case id such as DSAR-2026-0001; its
outputs are attached once, with their sha256, and the case goes to in-progress.

Examples:
  ojco-dsar batch requests.csv --config fixtures/ojco-dsar.config.yaml --out out/batch
  ojco-dsar batch requests.csv --out out/batch --home /srv/dsar --resume --json

JSON (--json): { "requests": [ { "id", "type", "received", "status", "outputs": [ { "path", "format", "sha256" } ],
  "records": { "exact", "probable", "possible" }, "case"?, "planHash"?, "reason"?, "note"?,
  "reply"? (a plan that refuses part of the request, ER-4: { "partialRefusal", "rule", "legalBasis",
  "retained", "deselected", "complaintInformation": { "supervisoryAuthority", "judicialRemedy" }, "text" }) } ],
  "summary": { "total", "done", "needsInput", "failed", "asOf", "generatedAt",
    "sources": [ { "source", "connector", "reads", "records" } ], "skipped": [ { "source", "connector", "file", "line"?, "code", "message" } ] },
  "files": [ { "path", "sha256" } ] }
status: done | needs-input (the request needs the officer: values the file does not hold,
or matches to confirm; "reason" says which) | failed
Timestamps: a resumed batch writes the same bytes as an uninterrupted one (the run's clock
is fixed at its start; SOURCE_DATE_EPOCH fixes it across runs); the audit trail's event
times are the real times.

Exit codes:
  0   the batch is complete, also when some requests need input or failed (see each
      request's status and note in the summary)
  2   usage or config error: bad flags, a bad requests row (each with its line), a batch
      already in --out without --resume, nothing to resume, a requests file or config
      changed since the batch started, a home that cannot be opened
  3   one or more sources could not be read; the others were searched (summary.skipped)
  70  internal error (a bug in ojco-dsar; please report it)`,
      )
      .action(lazy(() => import('./commands/batch.ts'))),
  );

  program.addCommand(
    common(new Command('check'))
      .description('CI check: the config is valid, every source readable, every field classified, every record explained, expectations met')
      // Scripts pass the same flags to every command; check reads no case register.
      .option('--home <dir>', 'accepted as the other commands accept it; check reads no case register')
      .addHelpText(
        'after',
        `
Examples:
  ojco-dsar check --config fixtures/ojco-dsar.config.yaml
  ojco-dsar check --json > check.json

JSON (--json): { "ok": bool, "problems": [ { "code", "source", "message", "file"?, "line"?, "column"? } ],
  "sources": [ { "source", "connector", "records", "fields" } ], "expectations": [ { "name", "ok" } ] }

Exit codes:
  0   no problems
  1   problems found (all listed), including a config that cannot be loaded
  2   usage error of check itself
  70  internal error`,
      )
      .action(lazy(() => import('./commands/check.ts'))),
  );

  program.addCommand(
    common(new Command('init'), { config: false })
      .description('find export files in a folder, detect their systems and formats, and write a config')
      .argument('[dir]', 'folder with the exports (default: the current folder)')
      .option('--out <file>', 'the config file to write (default: <dir>/ojco-dsar.config.yaml)')
      .option('--force', 'overwrite an existing config')
      .addHelpText(
        'after',
        `
Examples:
  ojco-dsar init exports/            # asks about what it cannot detect
  ojco-dsar init fixtures --yes --out /tmp/ojco/ojco-dsar.config.yaml

With --yes (or without a terminal) it takes the detected answers and first
guesses, and marks each guess in the file for you to review.

JSON (--json): { "config", "sha256", "sources": [ { "name", "connector", "path", "format"?, "guessedFields" } ],
  "leftOut": [ { "path", "reason" } ] }
${exitCodesHelp([0, 2, 70])}`,
      )
      .action(lazy(() => import('./commands/init.ts'))),
  );

  program.addCommand(
    common(new Command('connectors').description('list the connectors, their formats and the fields they classify'), { config: false })
      .argument('[id]', 'show one connector in detail')
      .addHelpText(
        'after',
        `
Without an id: each connector with the formats it reads. With an id: also every
entity it yields and every field, with its data category and identifier kind.

Examples:
  ojco-dsar connectors
  ojco-dsar connectors visma
  ojco-dsar connectors --json > connectors.json

JSON (--json): { "connectors": [ { "id", "title",
  "formats": [ { "id", "title", "description", "extensions": [...] } ],
  "entities": [ { "entity", "title", "category", "bookkeeping"?,
    "fields": [ { "name", "category", "personal", "identifier"?, "namePart"?, "description"? } ] } ] } ] }
(the entities are in the JSON with or without an id)

Exit codes:
  0   listed
  2   usage error: an unknown connector id (the built-in ids are listed)
  70  internal error (a bug in ojco-dsar; please report it)`,
      )
      .action(lazy(() => import('./commands/connectors.ts'))),
  );

  for (const c of planCommands()) program.addCommand(c);
  program.addCommand(deadlineCommand());
  program.addCommand(caseCommand());

  return program;
}

function printProblems(problems: Problem[]): void {
  for (const p of problems) {
    const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
    log(`  ${err.red('•')} ${where}${p.message}`);
  }
}

/**
 * Commander quotes what was typed in its usage errors. A value typed in the
 * wrong place (`--emial=asa@example.se`, a personnummer without its flag,
 * an e-mail address as a --lang) may be personal data, and these messages
 * go to terminals, CI logs and support tickets: the flag's name stays, the
 * value does not (issue #8 point 4).
 */
export function redactUsageMessage(message: string): string {
  const word = /^-{0,2}[A-Za-z][A-Za-z0-9-]{0,40}$/u;
  return message
    .replace(/unknown option '([^']*)'/gu, (_m, opt: string) => {
      const name = opt.split('=')[0]!;
      return `unknown option '${word.test(name) ? name : '…'}${opt.includes('=') ? '=…' : ''}'`;
    })
    .replace(/unknown command '([^']*)'/gu, (m, c: string) => (word.test(c) ? m : 'unknown command (what was typed is not repeated: it is not a command name)'))
    .replace(/argument '[^']*' is invalid/gu, 'argument is invalid')
    .replace(/command-argument value '[^']*' is invalid/gu, 'command-argument value is invalid');
}

/** The redaction and exit override for a command and all its subcommands. */
function guardUsageErrors(cmd: Command): void {
  cmd.exitOverride();
  cmd.configureOutput({ outputError: (s, write) => write(redactUsageMessage(s)) });
  for (const c of cmd.commands) guardUsageErrors(c);
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  guardUsageErrors(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end "with an error" of code 0.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
        process.exitCode = ExitCode.Ok;
        return;
      }
      if (wantsJson(argv)) process.stdout.write(JSON.stringify({ error: { code: e.code, message: redactUsageMessage(e.message) } }) + '\n');
      process.exitCode = ExitCode.Usage;
      return;
    }
    const user = isUserError(e) ? e : fileSystemError(e);
    if (user) {
      if (wantsJson(argv)) {
        process.stdout.write(JSON.stringify({ error: { code: user.problems[0]?.code ?? 'error', message: user.message, problems: user.problems } }, null, 2) + '\n');
      }
      // One problem that is the message itself: said once, with its file and line if it has them (and
      // does not start with them already).
      const only = user.problems.length === 1 ? user.problems[0]! : undefined;
      if (only && only.message === user.message) {
        const where = only.file && !user.message.startsWith(`${only.file}:`) ? `${only.file}${only.line ? `:${only.line}` : ''}: ` : '';
        log(`${err.red('error:')} ${where}${user.message}`);
      } else {
        log(`${err.red('error:')} ${user.message}`);
        printProblems(user.problems);
      }
      if (user.hint) log(user.hint);
      process.exitCode = user.exitCode;
      return;
    }
    log(`${err.red('internal error:')} ${(e as Error)?.message ?? String(e)}`);
    log('This is a bug in ojco-dsar. Please report it with the command you ran (without personal data) and this trace:');
    log(String((e as Error)?.stack ?? ''));
    process.exitCode = ExitCode.Internal;
  }
}
