/**
 * Typed errors, each mapped to one documented exit code (README "Exit codes").
 *
 * Messages must be safe to paste into a support ticket: they name files, rows,
 * fields and sources, never the personal values found in them (wrangler's
 * telemetry-safe message, see docs/architecture.md).
 */

export const ExitCode = {
  /** The command finished. "Nothing found" is a finished run too. */
  Ok: 0,
  /** A check (check, case list --fail-on-overdue, ...) found problems. */
  ProblemsFound: 1,
  /** Usage or configuration error; every problem is listed at once. */
  Usage: 2,
  /** One or more sources could not be read; the others were still searched. */
  SourceFailed: 3,
  /** A bug in ojco-dsar. Anything other than 0-3 is a bug. */
  Internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A problem located in a file, config key or request row. */
export interface Problem {
  /** Stable machine-readable code, e.g. `config.invalid`, `source.unreadable`. */
  code: string;
  message: string;
  /** Source name from the config, when the problem belongs to one. */
  source?: string;
  file?: string;
  line?: number;
  /** A config path such as `sources[2].path`, or a column name. */
  path?: string;
  column?: string;
}

/** Base class: the user can fix this. Printed without a stack trace. */
export class UserError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly problems: Problem[];
  readonly hint: string | undefined;
  constructor(message: string, opts: { exitCode?: ExitCodeValue; problems?: Problem[]; hint?: string } = {}) {
    super(message);
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? ExitCode.Usage;
    this.problems = opts.problems ?? [];
    this.hint = opts.hint;
  }
}

/** Bad flags or arguments (exit 2). */
export class UsageError extends UserError {
  constructor(message: string, problems: Problem[] = [], hint?: string) {
    super(message, { exitCode: ExitCode.Usage, problems, ...(hint ? { hint } : {}) });
  }
}

/** The config file is missing or invalid (exit 2); `problems` lists all of them. */
export class ConfigError extends UserError {
  constructor(message: string, problems: Problem[] = [], hint?: string) {
    super(message, { exitCode: ExitCode.Usage, problems, ...(hint ? { hint } : {}) });
  }
}

/**
 * A file of a source cannot be read (malformed, wrong encoding, truncated).
 * Thrown by readers inside a connector; the pipeline catches it, records the
 * source as skipped and carries on with the other sources (exit 3).
 */
export class SourceReadError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly code: string;
  /**
   * The file's records were read in full and are in the result; it is reported because it failed a check
   * that says they may not be as exported (a SIE file whose #KSUMMA does not match). Not a file that could not be read.
   */
  readonly recordsRead: boolean;
  constructor(message: string, opts: { file?: string; line?: number; code?: string; cause?: unknown; recordsRead?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SourceReadError';
    this.file = opts.file;
    this.line = opts.line;
    this.code = opts.code ?? 'source.malformed';
    this.recordsRead = opts.recordsRead ?? false;
  }
}

/** A command ran and found problems (exit 1), e.g. `check`. */
export class ProblemsFoundError extends UserError {
  constructor(message: string, problems: Problem[]) {
    super(message, { exitCode: ExitCode.ProblemsFound, problems });
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
