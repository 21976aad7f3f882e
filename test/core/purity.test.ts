/** The core is pure (docs/architecture.md): no file system, network, terminal or clock. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const FORBIDDEN: [RegExp, string][] = [
  [/from\s+['"](node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads|readline|tty|os)['"]/u, 'a Node I/O module'],
  [/from\s+['"](chalk|ora|@inquirer\/prompts|inquirer|better-sqlite3|exceljs)['"]/u, 'a terminal, database or file-format package'],
  [/\bprocess\.(stdout|stderr|stdin|env|cwd|exit)/u, 'the process'],
  [/\bDate\.now\(|new Date\(\s*\)/u, 'the clock'],
  [/\bconsole\./u, 'the console'],
];

describe('src/core is pure', () => {
  for (const file of files(path.join(ROOT, 'src/core'))) {
    it(path.relative(ROOT, file), () => {
      const text = readFileSync(file, 'utf8');
      for (const [re, what] of FORBIDDEN) expect(re.test(text), `${path.relative(ROOT, file)} uses ${what}`).toBe(false);
    });
  }
});
