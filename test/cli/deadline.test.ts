/**
 * `ojco-dsar deadline` through the built binary: the legal-rules.md §12.2
 * worked examples, the extension examples, and usage errors (exit 2, no trace).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './cli-helpers.ts';

let cwd: string;
beforeAll(async () => {
  await ensureBuilt();
  cwd = tempDir('ojco-dsar-deadline-');
});

// legal-rules.md §12.2: received, nominal (+1 month), due (EU/IMY), due (SE1930 analogy).
const E = [
  ['E1', '2026-01-31', '2026-02-28', '2026-03-02', '2026-03-02'],
  ['E2', '2026-11-24', '2026-12-24', '2026-12-24', '2026-12-28'],
  ['E3', '2026-11-25', '2026-12-25', '2026-12-28', '2026-12-28'],
  ['E4', '2026-03-05', '2026-04-05', '2026-04-07', '2026-04-07'],
  ['E5', '2026-03-03', '2026-04-03', '2026-04-07', '2026-04-07'],
  ['E6', '2026-04-14', '2026-05-14', '2026-05-15', '2026-05-15'],
  ['E7', '2026-05-06', '2026-06-06', '2026-06-08', '2026-06-08'],
  ['E8', '2026-05-19', '2026-06-19', '2026-06-19', '2026-06-22'],
  ['E9', '2029-11-30', '2029-12-30', '2029-12-31', '2030-01-02'],
  ['E10', '2028-11-30', '2028-12-30', '2029-01-02', '2029-01-02'],
  ['E11', '2026-12-01', '2027-01-01', '2027-01-04', '2027-01-04'],
  ['E12', '2026-08-31', '2026-09-30', '2026-09-30', '2026-09-30'],
  ['E13', '2026-12-31', '2027-01-31', '2027-02-01', '2027-02-01'],
] as const;

describe('deadline --json: legal-rules.md §12.2', () => {
  it.each(E)('%s received %s', (_id, received, nominal, due, se) => {
    const r = cli(['deadline', '--received', received, '--as-of', received, '--json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json).toMatchObject({ receivedDate: received, nominalDate: nominal, dueDate: due, se1930DueDate: se, extended: false });
    expect(r.json.rule).toContain('DL-1');
  });

  it('E2 and E8 warn that the due date is an eve (DL-4)', () => {
    const e2 = cli(['deadline', '--received', '2026-11-24', '--json'], { cwd }).json;
    expect(e2.warnings).toEqual([expect.objectContaining({ code: 'due-on-eve', eve: 'julafton', sendBy: '2026-12-23' })]);
    const e8 = cli(['deadline', '--received', '2026-05-19', '--json'], { cwd }).json;
    expect(e8.warnings[0]).toMatchObject({ eve: 'midsommarafton', date: '2026-06-19' });
  });

  it.each([
    // §12.2 "Extension (+3 months from receipt)".
    ['2026-01-31', '2026-04-30', '2026-04-30', '2026-03-02'],
    ['2026-01-06', '2026-04-06', '2026-04-07', '2026-02-06'],
    ['2026-11-30', '2027-02-28', '2027-03-01', '2026-12-30'],
  ])('--extended, received %s', (received, nominal, due, notice) => {
    const r = cli(['deadline', '--received', received, '--extended', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ receivedDate: received, nominalDate: nominal, dueDate: due, extended: true, extensionNoticeDue: notice });
    expect(r.json.rule).toContain('DL-3');
  });

  it('counts days left from --as-of and names the days it rolled over', () => {
    const r = cli(['deadline', '--received', '2026-03-05', '--as-of', '2026-03-10', '--json'], { cwd });
    expect(r.json.daysLeft).toBe(28);
    expect(r.json.skipped).toEqual([
      { date: '2026-04-05', why: 'söndag, påskdagen' },
      { date: '2026-04-06', why: 'annandag påsk' },
    ]);
    expect(r.json.ifExtended).toEqual({ nominalDate: '2026-06-05', dueDate: '2026-06-05', noticeBy: '2026-04-07' });
  });
});

describe('deadline, for people', () => {
  it('explains in plain English words, holidays by their names in the statute', () => {
    const r = cli(['deadline', '--received', '2026-01-31', '--as-of', '2026-02-01'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Saturday 31 January 2026');
    expect(r.stdout).toContain('2026-03-02 (Monday)');
    expect(r.stdout).toMatch(/2026-02-28 is a Saturday; 2026-03-01 is a Sunday/u);
    expect(r.stdout).not.toMatch(/lördag|söndag|måndag|januari/u);
    const easter = cli(['deadline', '--received', '2026-03-05', '--as-of', '2026-03-10'], { cwd });
    expect(easter.stdout).toMatch(/2026-04-05 is a Sunday, påskdagen; 2026-04-06 is annandag påsk/u);
    expect(r.stdout).toContain('29 days left');
    expect(r.stdout).toContain('DL-2');
  });

  it('--help shows the JSON shape, the exit codes and an example, quickly', () => {
    const t = Date.now();
    const r = cli(['deadline', '--help'], { cwd });
    expect(r.code).toBe(0);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(r.stdout).toContain('"receivedDate"');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('ojco-dsar deadline --received 2026-01-31');
  });
});

describe('deadline usage errors: exit 2, no stack trace', () => {
  it.each([
    [['deadline', '--received', '2026-02-30'], 'calendar date'],
    [['deadline', '--received', '31/01/2026'], 'calendar date'],
    [['deadline', '--received', '1900-01-01'], '1953-2199'],
    [['deadline', '--received', '2300-01-01'], '1953-2199'],
    [['deadline'], '--received YYYY-MM-DD is required'],
    [['deadline', '--received', '2026-01-31', '--as-of', 'today'], '--as-of'],
    [['deadline', '--received', '2026-01-31', '--bogus'], 'unknown option'],
    // Given but empty (an unset shell variable): an error, never today.
    [['deadline', '--received', ''], '--received is empty'],
    [['deadline', '--received', '2026-01-31', '--as-of', ' '], '--as-of is empty'],
    [['case', 'open', '--type', 'access', '--email', 'a@example.se', '--received', ''], '--received is empty'],
    [['sweep', '--as-of', ''], '--as-of is empty'],
    [['deadline', '--received', '2026-01-31'], 'OJCO_DSAR_TODAY', { OJCO_DSAR_TODAY: '2026-13-01' }],
  ])('%j', (args, text, env?: Record<string, string>) => {
    const r = cli(args as string[], { cwd, ...(env ? { env } : {}) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /u);
    expect(r.stderr).not.toContain('internal error');
  });

  it('--json errors are one JSON document on stdout', () => {
    const r = cli(['deadline', '--received', '2026-13-01', '--json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.json.error.problems[0].code).toBe('usage.date');
  });
});
