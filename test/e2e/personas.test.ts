/**
 * The issue #2 acceptance on the whole fixture world (docs/fixture-world.md):
 * each persona found by e-mail alone in every system and format where they
 * appear, links included; found by any phone notation, personnummer form, or
 * (the sole trader) org.nr; name-only hits possible; namesakes never exact.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, find, type Flags } from '../helpers.ts';
import type { FindJson } from '../../src/report/found.ts';

const CONFIG = path.join(FIXTURES, 'ojco-dsar.config.yaml');

type Found = Awaited<ReturnType<typeof find>>;
const sources = (d: FindJson, confidence = 'exact'): string[] => [...new Set(d.records.filter((r) => r.confidence === confidence).map((r) => r.source))].sort();
const locs = (d: FindJson, confidence?: string): string[] =>
  d.records
    .filter((r) => !confidence || r.confidence === confidence)
    .map((r) => `${r.source} ${r.locator.file}${r.locator.entry ? '!' + r.locator.entry : ''}${r.locator.pointer ?? ''}${r.locator.line ? ':' + r.locator.line : ''}${r.locator.sheet ? `[${r.locator.sheet}]` : ''}${r.locator.row && !r.locator.line ? ' row ' + r.locator.row : ''}`)
    .sort();

const cache = new Map<string, Promise<Found>>();
function search(flags: Flags): Promise<Found> {
  const k = JSON.stringify(flags);
  if (!cache.has(k)) cache.set(k, find(CONFIG, flags));
  return cache.get(k)!;
}

describe('the fixture world: every persona in every system, by e-mail alone', () => {
  it('reads every source of the full config without a failure', async () => {
    const d = await search({ email: ['marta.oberg@mail.example'] });
    expect(d.skipped).toEqual([]);
    expect(d.summary.sources.every((s) => s.records > 0)).toBe(true);
  });

  it('P3 Märta: CRM, Visma (API, lists, SIE through the customer number), Office 365, newsletter and GA (through the portal login)', async () => {
    const d = await search({ email: ['marta.oberg@mail.example'] });
    expect(sources(d)).toEqual([
      'ga4-bigquery',
      'graph-contacts',
      'graph-messages',
      'kundlista',
      'lime-api',
      'lime-export',
      'mailchimp-activity',
      'mailchimp-kurser',
      'mailchimp-nyhetsbrev',
      'message-trace',
      'outlook-classic',
      'outlook-com',
      'outlook-sv',
      'sie',
      'spiris-api',
    ]);
    // The SIE customer object and verifications carry only the customer number: reached through the link.
    const sie = d.records.filter((r) => r.source === 'sie' && r.confidence === 'exact');
    expect(sie.map((r) => r.entity).sort()).toEqual(['sie-object', 'voucher', 'voucher']);
    for (const r of sie) {
      expect(r.confidence).toBe('exact');
      expect(r.matchedOn.some((m) => m.via === 'link' && m.kind === 'customerNo')).toBe(true);
      expect(r.path.length).toBeGreaterThan(0);
      expect(r.locator.line).toBeGreaterThan(0);
    }
    // The RUT invoice and its payment, with bookkeeping dates.
    const invoice = d.records.find((r) => r.source === 'spiris-api' && r.entity === 'invoice')!;
    expect(invoice).toMatchObject({ confidence: 'exact', date: '2025-02-03', bookkeeping: true });
    // GA: logged-in events by the customer number, then the anonymous ones by the learned client id.
    const ga = d.records.filter((r) => r.source === 'ga4-bigquery');
    expect(ga.length).toBeGreaterThanOrEqual(5);
    expect(ga.some((r) => r.path.map((p) => p.kind).join('>') === 'customerNo>gaClientId')).toBe(true);
    // The namesake (another personnummer) is never exact.
    for (const r of d.records) expect(JSON.stringify(r.fields)).not.toContain('19650405-9988');
    expect(d.summary.namesakesExcluded).toBeGreaterThan(0);
  });

  it('P1 Åsa: her CRM records and history, the Visma contact, mail; invoices of her company only where they name her (probable)', async () => {
    const d = await search({ email: ['asa.lindqvist@lindqvistbygg.example'] });
    expect(sources(d)).toEqual(expect.arrayContaining(['lime-api', 'lime-export', 'spiris-api', 'kundlista', 'graph-contacts', 'graph-messages', 'message-trace', 'mailchimp-nyhetsbrev', 'mailchimp-activity']));
    const probable = d.records.filter((r) => r.confidence === 'probable');
    expect(probable.map((r) => `${r.source}:${r.entity}`).sort()).toEqual(expect.arrayContaining(['sie:voucher', 'spiris-api:invoice']));
    // Never the whole company: no exact invoice of Lindqvist Bygg AB, and no colleague.
    expect(d.records.filter((r) => r.entity === 'invoice' && r.confidence === 'exact')).toEqual([]);
    expect(JSON.stringify(d.records.map((r) => r.fields))).not.toContain('per.lindqvist@lindqvistbygg.example');
    // The switchboard and the invoice mailbox are reported as shared, not followed.
    expect(d.shared.map((s) => `${s.kind}:${s.value}`)).toEqual(expect.arrayContaining(['phone:+46406280410']));
    expect(d.subject.knownBy.map((k) => k.value)).not.toContain('faktura@lindqvistbygg.example');
    // The Lime history note of another person that names her is a possible mention.
    expect(d.records.some((r) => r.source === 'lime-api' && r.entity === 'history' && r.confidence === 'possible')).toBe(true);
  });

  it('P2 Örjan (sole trader): CRM person and company, Visma customer and invoices, SIE, mail, newsletter', async () => {
    const d = await search({ email: ['orjan@backstromkonsult.example'] });
    expect(sources(d)).toEqual(expect.arrayContaining(['lime-api', 'spiris-api', 'kundlista', 'sie', 'visma-administration', 'graph-contacts', 'graph-messages', 'mailchimp-nyhetsbrev']));
    const invoices = d.records.filter((r) => r.entity === 'invoice' && r.confidence === 'exact').map((r) => r.label);
    expect(invoices).toEqual(expect.arrayContaining(['Faktura 2024312']));
  });

  it('P4 Jörgen (web-form lead): CRM, newsletter and APSIS, and GA through the client id the web form stored in Lime', async () => {
    const d = await search({ email: ['jorgen.akesson@mail.example'] });
    expect(sources(d)).toEqual(expect.arrayContaining(['lime-api', 'lime-export', 'mailchimp-nyhetsbrev', 'mailchimp-kurser', 'apsis', 'ga4-bigquery', 'ga4-console']));
    expect(sources(d)).not.toContain('spiris-api');
    const ga = d.records.filter((r) => r.connector === 'google-analytics');
    expect(ga.every((r) => r.confidence === 'exact' && r.path.some((p) => p.kind === 'gaClientId'))).toBe(true);
  });
});

describe('the same person by any notation', () => {
  let byEmail: Found;
  beforeAll(async () => {
    byEmail = await search({ email: ['marta.oberg@mail.example'] });
  });

  it.each([['070-174 06 33'], ['+46701740633'], ['0046 70 174 06 33'], ['0701740633'], ['+46 (0)70-174 06 33']])('phone %s finds what the e-mail finds', async (phone) => {
    const d = await search({ phone: [phone] });
    expect(locs(d, 'exact')).toEqual(locs(byEmail, 'exact'));
  });

  it.each([['19920728-9969'], ['920728-9969'], ['199207289969'], ['9207289969']])('personnummer %s finds what the e-mail finds', async (pnr) => {
    const d = await search({ pnr: [pnr] });
    const want = locs(byEmail, 'exact');
    // The personnummer reaches her records in the systems that hold it and everything linked from them.
    expect(locs(d, 'exact').filter((l) => want.includes(l)).length).toBeGreaterThan(want.length * 0.8);
    expect(locs(d, 'exact').every((l) => want.includes(l))).toBe(true);
  });

  it("the sole trader's org.nr is his personnummer", async () => {
    const byOrg = await search({ orgnr: ['761105-9978'] });
    const byPnr = await search({ pnr: ['19761105-9978'] });
    expect(locs(byOrg, 'exact')).toEqual(locs(byPnr, 'exact'));
    expect(locs(byOrg, 'exact').length).toBeGreaterThan(5);
  });
});

describe('a customer in Germany (Heike Brandt), her number written nationally: read in her country', () => {
  const HEIKE = [
    'outlook-classic office365/outlook/classic/Kontakter.CSV:10',
    'outlook-de office365/outlook/deutsch/Kontakte.CSV:2',
    'spiris-api visma/api/customers-page3.json/Data/0',
  ];

  it('her e-mail finds her contacts and her Visma customer, and learns her number as +49', async () => {
    const d = await search({ email: ['heike.brandt@mail.example'] });
    expect(locs(d, 'exact')).toEqual(HEIKE);
    expect(d.subject.knownBy).toContainEqual({ kind: 'phone', value: '+496990009311', origin: 'link' });
    expect(d.subject.knownBy.filter((k) => k.kind === 'phone').map((k) => k.value)).toEqual(['+496990009311']);
  });

  it.each([['+49 69 90009311'], ['0049 69 90009311'], ['+49 (0)69 90009-311'], ['+496990009311']])('phone %s finds her in every system, exact', async (phone) => {
    const d = await search({ phone: [phone] });
    expect(locs(d, 'exact')).toEqual(HEIKE);
    expect(d.records.every((r) => r.confidence === 'exact')).toBe(true);
  });

  it('the same digits as a Swedish number find nobody', async () => {
    for (const phone of ['069-900 093 11', '06990009311', '+46 69 90009311']) expect((await search({ phone: [phone] })).records, phone).toEqual([]);
  });
});

describe('names alone', () => {
  it('are possible, never exact, and a namesake with another personnummer is left out', async () => {
    const d = await search({ name: ['Märta Öberg'] });
    expect(d.records.length).toBeGreaterThan(3);
    expect(new Set(d.records.map((r) => r.confidence))).toEqual(new Set(['possible']));
    const withPnr = await search({ name: ['Märta Öberg'], pnr: ['19920728-9969'] });
    expect(withPnr.summary.namesakesExcluded).toBeGreaterThan(0);
    for (const r of withPnr.records.filter((x) => x.confidence === 'exact')) expect(JSON.stringify(r.fields)).not.toMatch(/19650405-?9988|650405-?9988/u);
  });
});
