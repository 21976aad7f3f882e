/**
 * The register's `backups` (AC-8: a copy in a backup is processing, Art.
 * 4(2)): validated with the rest of the register, optional, and every
 * period OJCO has not confirmed marked `assumption:` so that `check` reminds
 * the officer of it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { RECORD_CATEGORIES } from '../../src/register/categories.ts';
import { DEFAULT_REGISTER, loadRegister } from '../../src/register/load.ts';
import { backupReminders } from '../../src/register/schema.ts';
import { withoutBackups } from './register-text.ts';

const write = (text: string): string => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'reg-backups-')), 'register.yaml');
  writeFileSync(file, text);
  return file;
};

describe('the register: backups', () => {
  it("covers every record category of OJCO's register once, each held by OJCO or a recipient", async () => {
    const { register } = await loadRegister();
    const b = register.backups!;
    expect(b).toBeDefined();
    const covered = Object.values(b.systems).flatMap((s) => s.categories);
    expect([...covered].sort()).toEqual(Object.keys(RECORD_CATEGORIES).sort());
    expect(b.systems['lime']).toMatchObject({ heldBy: 'lime', days: 30 });
    expect(b.systems['office365']).toMatchObject({ heldBy: 'microsoft', days: 30 });
    expect(b.systems['office365']!.en).toContain('14 days by default');
    // Google Analytics: no backups of OJCO's and no number of its own.
    expect(b.systems['google-analytics']!.days).toBeUndefined();
  });

  it('marks every period the policy does not state as an assumption, and check reminds of each', async () => {
    const { register } = await loadRegister();
    for (const [id, s] of Object.entries(register.backups!.systems)) expect(s.assumption, id).toBeTruthy();
    const reminders = backupReminders(register);
    expect(reminders).toHaveLength(Object.keys(register.backups!.systems).length);
    expect(reminders).toEqual(expect.arrayContaining([expect.stringMatching(/^backups\.systems\.lime: an assumption to confirm .*\(kept 30 days\)/u)]));
  });

  it('a register without backups still loads, and check reminds that it says nothing about them', async () => {
    const text = withoutBackups(readFileSync(DEFAULT_REGISTER(), 'utf8'));
    expect(text).not.toContain('\nbackups:');
    const { register } = await loadRegister(write(text));
    expect(register.backups).toBeUndefined();
    expect(backupReminders(register)).toEqual([expect.stringContaining('does not say how long backups are kept')]);
  });

  it('reports an unknown category, a category covered twice, an unknown holder and a period that is no number of days, all at once', async () => {
    const text = readFileSync(DEFAULT_REGISTER(), 'utf8')
      .replace('categories: [mail-trace]', 'categories: [mail-trace, crm-person, mail-tracking]')
      .replace('heldBy: visma', 'heldBy: spiris-ab')
      .replace('      heldBy: newsletter-provider\n      days: 30', '      heldBy: newsletter-provider\n      days: 1.5');
    const err = await loadRegister(write(text)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const messages = (err as ConfigError).problems.map((p) => p.message);
    expect(messages).toEqual([expect.stringMatching(/^backups\.systems\.newsletter\.days: /u)]);
    // The cross-references are checked once the schema holds.
    const refs = readFileSync(DEFAULT_REGISTER(), 'utf8')
      .replace('categories: [mail-trace]', 'categories: [mail-trace, crm-person, mail-tracking]')
      .replace('heldBy: visma', 'heldBy: spiris-ab');
    const err2 = await loadRegister(write(refs)).catch((e: unknown) => e);
    expect((err2 as ConfigError).problems.map((p) => p.message)).toEqual(expect.arrayContaining([
      'backups.systems.office365-logs.categories: unknown processing entry "mail-tracking"',
      'backups.systems.lime.categories: "crm-person" is already covered by backups.systems.office365-logs',
      'backups.systems.visma.heldBy: unknown holder "spiris-ab" (controller, or a key of recipients)',
    ]));
  });
});
