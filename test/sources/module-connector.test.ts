import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError } from '../../src/errors.ts';
import { FIXTURES, ROOT, find, where } from '../helpers.ts';

describe("a company's own connector module", () => {
  it('is loaded from the config, checked, and searched like a built-in one', async () => {
    const d = await find(path.join(FIXTURES, 'custom/ojco-dsar.config.yaml'), { pnr: ['19920728-9969'] });
    expect(d.skipped).toEqual([]);
    // The ERP row matches by personnummer; its e-mail (in capitals) then leads to the newsletter.
    expect(where(d, 'exact')).toEqual(['erp erp-customers.csv:2', 'newsletter ../newsletter/nyhetsbrev/subscribed_members_export_4f2a9c81d0.csv:2']);
    const erp = d.records.find((r) => r.source === 'erp')!;
    expect(erp.connector).toBe('my-erp');
    expect(erp.label).toBe('ERP customer E-77');
    const nl = d.records.find((r) => r.source === 'newsletter')!;
    expect(nl.path.map((p) => `${p.source}:${p.kind}`)).toEqual(['erp:email']);
  });

  it('reports every problem of a bad config at once: a module that breaks the contract, a missing module, an unknown connector and key', async () => {
    const err = await loadConfig(path.join(FIXTURES, 'custom/broken.config.yaml'), ROOT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const msgs = (err as ConfigError).problems.map((p) => p.message).join('\n');
    expect(msgs).toContain('sources[2]: unknown key: unknownKey');
    // The other sources are still checked in the same run.
    expect(msgs).toContain('sources[1].connector: connector module not found: ./no-such-module.mjs');
    expect(msgs).toMatch(/sources\[0\]\.connector: connector module \.\/broken-module\.mjs does not follow the connector contract/u);
  });

  it('after fixing the keys, lists the connector problems together', async () => {
    const { writeFileSync, mkdtempSync, copyFileSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    copyFileSync(path.join(FIXTURES, 'custom/broken-module.mjs'), path.join(dir, 'broken-module.mjs'));
    writeFileSync(
      path.join(dir, 'c.yaml'),
      'sources:\n  - {name: erp, connector: ./broken-module.mjs, path: x.csv}\n  - {name: missing, connector: ./no-such-module.mjs, path: x.csv}\n  - {name: typo, connector: visma-typo, path: x.csv}\n  - {name: erp, connector: newsletter, path: x.csv, options: {preset: mailchimp}}\n',
    );
    const err = (await loadConfig(path.join(dir, 'c.yaml'), dir).catch((e: unknown) => e)) as ConfigError;
    const msgs = err.problems.map((p) => p.message);
    expect(msgs.some((m) => m.startsWith('sources[0].connector: connector module ./broken-module.mjs does not follow the connector contract: id: must be kebab-case'))).toBe(true);
    expect(msgs.some((m) => m.includes('read: must be a function'))).toBe(true);
    expect(msgs).toContain('sources[1].connector: connector module not found: ./no-such-module.mjs');
    expect(msgs.some((m) => m.startsWith('sources[2].connector: unknown connector "visma-typo"'))).toBe(true);
    expect(msgs).toContain('sources[3].name: "erp" is used by two sources');
    expect(msgs.some((m) => m.startsWith('sources[3].options.preset'))).toBe(true);
  });
});

describe('the connector kit', () => {
  it("gives a module the country names a phone's region is read from", async () => {
    const { connectorKit } = await import('../../src/sources/kit.ts');
    expect(connectorKit.countryCode('Tyskland')).toBe('DE');
    expect(connectorKit.phoneRegions({ home: 'Norge' })('mobile')).toBe('NO');
  });
});
