/** The built-in register's text with its `backups:` block taken out (the block ends at the processing comment). */
export function withoutBackups(text: string): string {
  const start = text.indexOf('\nbackups:\n');
  const end = text.indexOf('\n# One entry per record category');
  if (start < 0 || end < start) throw new Error('the built-in register has no backups block where the test expects it');
  return text.slice(0, start) + text.slice(end);
}
