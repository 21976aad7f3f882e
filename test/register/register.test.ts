import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGISTER, loadRegister } from '../../src/register/load.ts';
import { RECORD_CATEGORIES } from '../../src/register/categories.ts';
import { ConfigError } from '../../src/errors.ts';
import { registerJsonSchema } from '../../src/register/schema.ts';

describe('the processing register', () => {
  it('the built-in OJCO register is valid and covers every record category', async () => {
    const { register } = await loadRegister();
    expect(Object.keys(register.processing).sort()).toEqual(Object.keys(RECORD_CATEGORIES).sort());
    expect(register.controller).toMatchObject({ name: 'OJCO International AB', orgnr: '556520-6199', email: 'security@ojco.se' });
  });

  it('keeps räkenskapsinformation under the BF-1 retention, and marketing as erasable', async () => {
    const { register } = await loadRegister();
    for (const cat of ['invoice', 'payment', 'voucher', 'accounting-master']) {
      const p = register.processing[cat]!;
      expect(p.erasure).toBe('R');
      expect(register.retention[p.retention]!.rule).toBe('BF-1');
      expect(p.legalBases).toContain('legal-obligation');
    }
    expect(register.processing['newsletter-member']!.erasure).toBe('M');
  });

  it('describes every right the extract must mention, in both languages', async () => {
    const { register } = await loadRegister();
    const ids = register.rights.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['access', 'rectification', 'erasure', 'restriction', 'objection', 'objection-marketing', 'withdraw-consent', 'portability', 'complaint']));
    for (const r of register.rights) expect(r.sv.length * r.en.length).toBeGreaterThan(0);
  });

  it('reports every problem of a broken register at once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reg-'));
    const broken = readFileSync(DEFAULT_REGISTER(), 'utf8')
      .replace('    retention: bookkeeping\n    source: derived-accounting', '    retention: forever\n    source: derived-accounting')
      .replace('recipients: [newsletter-provider]\n    retention: consent\n    source: you', 'recipients: [mailchimp-inc]\n    retention: consent\n    source: you');
    const file = path.join(dir, 'register.yaml');
    writeFileSync(file, broken);
    const err = await loadRegister(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const messages = (err as ConfigError).problems.map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining([
      'processing.invoice.retention: unknown retention "forever"',
      'processing.newsletter-member.recipients: unknown recipient "mailchimp-inc"',
    ]));
  });

  it('has a JSON Schema for editors', () => {
    const s = registerJsonSchema() as { type: string; required: string[] };
    expect(s.type).toBe('object');
    expect(s.required).toEqual(expect.arrayContaining(['controller', 'processing', 'rights']));
  });
});
