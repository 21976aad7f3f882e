/**
 * The terminal side: data goes to stdout, everything for people (logs,
 * progress, prompts) to stderr, so `--json > out.json` stays clean. Colour
 * follows NO_COLOR and FORCE_COLOR (https://no-color.org). Nothing written
 * here through `log` may contain personal data: name files, rows and counts.
 */
import path from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';

function colourLevel(stream: NodeJS.WriteStream): 0 | 1 | 2 | 3 {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') {
    const n = Number(force);
    return (n >= 1 && n <= 3 ? n : 1) as 1 | 2 | 3;
  }
  if (force === '0' || force === 'false') return 0;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return 0;
  if (!stream.isTTY) return 0;
  if (process.env.TERM === 'dumb') return 0;
  return process.env.COLORTERM === 'truecolor' ? 3 : 1;
}

export const out: ChalkInstance = new Chalk({ level: colourLevel(process.stdout) });
export const err: ChalkInstance = new Chalk({ level: colourLevel(process.stderr) });

export function writeOut(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function log(text: string): void {
  process.stderr.write(text + '\n');
}

export function warn(text: string): void {
  process.stderr.write(err.yellow('warning: ') + text + '\n');
}

/** Prompts only on a TTY and never with --yes (or in JSON mode). */
export function canPrompt(opts: { yes?: boolean; json?: boolean }): boolean {
  return !opts.yes && !opts.json && !!process.stdin.isTTY && !!process.stderr.isTTY;
}

export interface Spinner {
  update(text: string): void;
  stop(final?: string): void;
}

/** An ora spinner on stderr when it is a TTY; otherwise nothing. */
export async function spinner(text: string, enabled: boolean): Promise<Spinner> {
  // A terminal that reports no width (a pty of 0 columns): ora divides by it and clears lines without end.
  if (!enabled || !process.stderr.isTTY || !(process.stderr.columns > 0)) return { update: () => {}, stop: () => {} };
  const { default: ora } = await import('ora');
  const s = ora({ text, stream: process.stderr, isEnabled: true }).start();
  return {
    update: (t) => {
      s.text = t;
    },
    stop: (final) => {
      if (final) s.succeed(final);
      else s.stop();
    },
  };
}

/** Left-aligned columns for terminal tables. */
export function table(rows: string[][], opts: { indent?: number } = {}): string {
  const visible = (s: string): number => s.replace(/\u001b\[[0-9;]*m/gu, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c))));
  const pad = ' '.repeat(opts.indent ?? 2);
  return rows
    .map((r) => pad + r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - visible(c)))).join('  '))
    .join('\n');
}

/** One file a search could not read: source, file and line, and why (never a value); `mark` is the coloured ✖ of the stream it goes to. */
export function skippedLine(s: { source: string; file?: string | undefined; line?: number | undefined; message: string }, mark: string): string {
  return `  ${mark} ${s.source}: ${s.file ?? ''}${s.line ? `:${s.line}` : ''} — ${s.message}`;
}

/** The files a search could not read, one line each, to stderr (find prints the same lines in its report). */
export function logSkipped(skipped: readonly { source: string; file?: string | undefined; line?: number | undefined; message: string }[]): void {
  for (const s of skipped) log(skippedLine(s, err.red('✖')));
}

type Skipped = { source: string; file?: string | undefined; line?: number | undefined; message: string; recordsRead?: true | undefined };

/**
 * What a command says on stderr about the files a search reported: those that could not be read counted in
 * `unread`'s sentence and, with `list`, named one by one; those whose records were read but that failed a
 * check of being as exported (a SIE file whose #KSUMMA does not match: `recordsRead`) as a warning of their
 * own, never counted among the files that could not be read. Either ends the run with exit code 3.
 */
export function logSkippedFiles(skipped: readonly Skipped[], unread: (n: number) => string, list: boolean): void {
  const notRead = skipped.filter((s) => !s.recordsRead);
  const read = skipped.filter((s) => s.recordsRead);
  if (notRead.length > 0) {
    log(unread(notRead.length));
    if (list) logSkipped(notRead);
  }
  if (read.length > 0) {
    warn(`${read.length} file(s) were read and their records are in the result, but failed a check that they are as exported, so they may have been changed after export (exit code 3)${list ? ':' : '.'}`);
    if (list) for (const s of read) log(skippedLine(s, err.yellow('!')));
  }
}

/**
 * What a read went past without stopping (a line of a vCard that is not a
 * property, removed items of a Graph delta, rows with another number of
 * fields), one line each to stderr: named by source, file and line, never
 * by value.
 */
export function logSourceWarnings(warnings: readonly { source: string; file?: string | undefined; line?: number | undefined; message: string }[]): void {
  for (const w of warnings) warn(`${w.source}: ${w.file ?? ''}${w.line ? `:${w.line}` : ''}${w.file ? ' — ' : ''}${w.message}`);
}

/** A path as the officer reads it: relative to the current folder when it lies below it, else as it is. */
export function displayPath(p: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

/** `first`, `second`, … for naming a value by its place in a flag's list instead of repeating it. */
export function ordinal(i: number): string {
  return ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'][i] ?? `${i + 1}th`;
}
