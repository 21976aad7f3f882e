import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGISTER, loadRegister } from '../../src/register/load.ts';
import { RECORD_CATEGORIES } from '../../src/register/categories.ts';
import { ConfigError } from '../../src/errors.ts';
import { registerJsonSchema } from '../../src/register/schema.ts';
import { localised } from '../../src/core/localised.ts';
import { sampleExtract } from '../report/sample-extract.ts';

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

  it("cites policy §6.3's legitimate interest (offers and segmentation) only where the purposes are offers, marketing or analysis", async () => {
    const { register } = await loadRegister();
    const marketing = new Set(['direct-marketing', 'personalisation', 'market-analysis', 'web-analytics', 'service-development']);
    for (const [cat, p] of Object.entries(register.processing)) {
      if (!p.legalBases.includes('legitimate-interest')) continue;
      expect(p.purposes.some((x) => marketing.has(x)), cat).toBe(true);
    }
    for (const cat of ['mail-trace', 'directory-user']) expect(register.processing[cat]!.legalBases).toEqual(['legitimate-interest-operations']);
    for (const cat of ['mail-message', 'mail-contact']) expect(register.processing[cat]!.legalBases).toContain('legitimate-interest-relationship');
  });

  it("keeps the message trace Microsoft's 90 days, not three months, and takes a fixed period in months or days, not both", async () => {
    const { register } = await loadRegister();
    expect(register.retention['mail-trace']).toMatchObject({ kind: 'fixed', days: 90 });
    expect(register.retention['mail-trace']).not.toHaveProperty('months');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reg-'));
    const file = path.join(dir, 'register.yaml');
    writeFileSync(file, readFileSync(DEFAULT_REGISTER(), 'utf8').replace('    kind: fixed\n    days: 90\n', '    kind: fixed\n    days: 90\n    months: 3\n'));
    const err = await loadRegister(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.message).join('\n')).toContain('a fixed retention has months or days');
  });

  it('cites the Bookkeeping Act only for accounting records; a consent record is kept to show the consent (Art. 7(1))', async () => {
    const { register } = await loadRegister();
    expect(register.legalBases['legal-obligation']!.sv).toContain('bokföringslagen');
    for (const [cat, p] of Object.entries(register.processing)) {
      if (p.legalBases.includes('legal-obligation') || p.purposes.includes('legal-obligation')) expect(['R', 'S'], cat).toContain(p.erasure);
    }
    const consent = register.processing['crm-consent']!;
    expect(consent.legalBases).toEqual(['consent', 'consent-proof']);
    expect(register.legalBases['consent-proof']).toMatchObject({ article: expect.stringContaining('7.1') });
    expect(register.legalBases['consent-proof']!.sv).not.toContain('bokföringslagen');
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

  it('takes a recipient\'s name and country as one text or one per language, and the extract shows its language\'s', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reg-'));
    // The register of an older version, with every name and country one text.
    const plain = readFileSync(DEFAULT_REGISTER(), 'utf8').replace(/\n    (name|country):\n      sv: (.*)\n      en: .*\n/gu, '\n    $1: $2\n');
    expect(plain).not.toMatch(/    country:\n/u);
    const file = path.join(dir, 'register.yaml');
    writeFileSync(file, plain);
    const old = (await loadRegister(file)).register;
    expect(old.recipients['microsoft']!.country).toBe('Irland (EU)');
    expect(localised(old.recipients['microsoft']!.country, 'en')).toBe('Irland (EU)');

    const { register } = await loadRegister();
    const microsoft = register.recipients['microsoft']!;
    expect([localised(microsoft.country, 'sv'), localised(microsoft.country, 'en')]).toEqual(['Irland (EU)', 'Ireland (EU)']);
    expect(localised(microsoft.name, 'en')).toBe('Microsoft Ireland Operations Ltd (Office 365)');
    // In an English extract no recipient or transfer is named in Swedish.
    for (const lang of ['sv', 'en'] as const) {
      const x = await sampleExtract(lang);
      const named = [...x.processing.recipients.flatMap((r) => [r.name, r.country]), ...x.processing.transfers.map((t) => t.country), ...x.records.flatMap((r) => r.recipients.flatMap((c) => [c.name, c.country]))];
      const swedish = named.filter((t) => /Sverige|Irland|Leverantör|OJCOs|Myndigheter| och |EES/u.test(t));
      if (lang === 'en') expect(swedish).toEqual([]);
      else expect(swedish.length).toBeGreaterThan(0);
    }
  });

  it('has a JSON Schema for editors', () => {
    const s = registerJsonSchema() as { type: string; required: string[] };
    expect(s.type).toBe('object');
    expect(s.required).toEqual(expect.arrayContaining(['controller', 'processing', 'rights']));
  });
});
