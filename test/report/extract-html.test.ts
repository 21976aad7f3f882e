import { describe, expect, it } from 'vitest';
import { esc, extractHtml } from '../../src/report/extract-html.ts';
import { FORMULA, SCRIPT, SUBJECT_EMAIL, THIRD_PARTY, sampleExtract } from './sample-extract.ts';

const SECTION_IDS = ['confirmation', 'art15-1-a', 'art15-1-b', 'art15-1-c', 'art15-1-d', 'art15-1-e', 'art15-1-f', 'art15-1-g', 'art15-1-h', 'art15-2'];

const html = async (lang: 'sv' | 'en' = 'sv'): Promise<string> => extractHtml(await sampleExtract(lang)).toString('utf8');

describe('the HTML letter', () => {
  it('is dated, addressed and titled in Swedish', async () => {
    const h = await html('sv');
    expect(h).toMatch(/^<!DOCTYPE html>\n<html lang="sv">/u);
    expect(h).toContain('<h1>Registerutdrag enligt artikel 15 i dataskyddsförordningen</h1>');
    expect(h).toContain('<time datetime="2025-05-16">16 maj 2025</time>');
    expect(h).toContain(`<strong>Till:</strong> E-post ${SUBJECT_EMAIL}`);
    expect(h).toContain('<strong>OJCO International AB</strong>');
  });

  it('has the Art. 15(1)(a)-(h) sections in order, then 15(2), then the data, then the sources', async () => {
    const h = await html('sv');
    const order = [...SECTION_IDS, 'data', 'system-1', 'searched', 'not-read', 'redaction'].map((id) => h.indexOf(`id="${id}"`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const headings = [...h.matchAll(/<h2>([a-h])\) /gu)].map((m) => m[1]);
    expect(headings).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it("answers for this person's records: a concrete BF-1 date, the US transfer, the file not read", async () => {
    const h = await html('sv');
    const d = h.slice(h.indexOf('id="art15-1-d"'), h.indexOf('id="art15-1-e"'));
    expect(d).toContain('Faktura 2025007 (2025-02-03)</td><td>2032-12-31</td><td>2033-01-01</td>');
    expect(d).toContain('2026-07-12');
    const transfers = h.slice(h.indexOf('id="art15-2"'), h.indexOf('id="data"'));
    expect(transfers).toContain('Google Ireland Ltd / Google LLC (Google Analytics)');
    expect(h).toContain('lime/persons.csv:12');
    // The reason is the officer's technical message (kept in the JSON), not a text for the person.
    const notRead = h.slice(h.indexOf('id="not-read"'));
    expect(notRead).not.toContain('unbalanced quotes');
    expect(notRead).toMatch(/<td>crm<\/td>/u);
  });

  it('escapes every value: a <script> in a field stays text', async () => {
    const h = await html('sv');
    expect(h).not.toMatch(/<script/iu);
    expect(h).toContain(esc(SCRIPT));
    expect(h).toContain(esc(FORMULA));
    expect(esc(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });

  it('loads nothing from outside: no scripts, no images, links only to mailto: and IMY', async () => {
    const h = await html('sv');
    expect(h).not.toMatch(/<(script|img|link|iframe|object|embed|video|audio|source|base|form)\b/iu);
    expect(h).not.toMatch(/@import|url\(/iu);
    const refs = [...h.matchAll(/\b(?:src|href|srcset|action|poster)\s*=\s*"([^"]*)"/giu)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r === 'https://www.imy.se' || r.startsWith('mailto:')).toBe(true);
    expect(h).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`);
    // A URL in the data is shown as text, not a link.
    expect(h).toContain('https://www.ojco.example/kontakt');
    expect(h).not.toContain('href="https://www.ojco.example');
  });

  it('is print-friendly: @media print, one page per system', async () => {
    const h = await html('sv');
    expect(h).toContain('@media print');
    expect(h).toMatch(/section\.system\{break-before:page/u);
    expect((h.match(/<section class="system"/gu) ?? []).length).toBe(4);
  });

  it('removes third parties and says so (Art. 15(4))', async () => {
    const h = await html('sv');
    expect(h).not.toContain(THIRD_PARTY);
    expect(h).toContain('[uppgift om annan person borttagen]');
    expect(h).toContain('Borttaget (art. 15.4): body, toRecipients[0].emailAddress.address');
  });

  it('in English has the same structure and data with English words', async () => {
    const [sv, en] = [await html('sv'), await html('en')];
    expect(en).toMatch(/<html lang="en">/u);
    expect(en).toContain('<h1>Register extract under Article 15 of the General Data Protection Regulation (GDPR)</h1>');
    expect(en).toContain('<time datetime="2025-05-16">16 May 2025</time>');
    expect(en).toContain('<strong>To:</strong> E-mail');
    expect(en).toContain('a) Why we process your data');
    const ids = (s: string): string[] => [...s.matchAll(/ id="([^"]+)"/gu)].map((m) => m[1]!);
    expect(ids(en)).toEqual(ids(sv));
    const values = (s: string): string[] => [...s.matchAll(/<td class="value">([^<]*)<\/td>/gu)].map((m) => m[1]!);
    // The data is the same except for the redaction marker's language.
    expect(values(en).map((v) => v.replace("[another person&#39;s data removed]", 'R'))).toEqual(values(sv).map((v) => v.replace('[uppgift om annan person borttagen]', 'R')));
  });

  it('says "no" when nothing was found, and still gives the rights', async () => {
    const x = await sampleExtract('sv');
    const h = extractHtml({ ...x, records: [], confirmation: false }).toString('utf8');
    expect(h).toContain('Nej. Vi hittade inga personuppgifter om dig');
    expect(h).toContain('id="art15-1-e"');
    expect(h).not.toContain('class="system"');
  });
});

describe('a record held past its retention', () => {
  it('is marked overdue from the day after its last day, and the letter says it is due for deletion', async () => {
    const now = await sampleExtract('sv');
    const dated = now.records.filter((r) => r.retention.retainUntil);
    expect(dated.length).toBeGreaterThan(0);
    // Every date the sample gives lies after its asOf: nothing is overdue.
    expect(now.records.some((r) => r.retention.overdue)).toBe(false);
    expect(String(extractHtml(now))).not.toContain('lagringstiden har gått ut');
    const last = dated.map((r) => r.retention.retainUntil!).sort()[0]!;
    // On the last day it is still kept; the day after, it is overdue.
    const onTheDay = await sampleExtract('sv', last);
    expect(onTheDay.records.filter((r) => r.retention.retainUntil === last).every((r) => !r.retention.overdue)).toBe(true);
    const dayAfter = new Date(`${last}T00:00:00Z`);
    dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
    const later = await sampleExtract('en', dayAfter.toISOString().slice(0, 10));
    const overdue = later.records.filter((r) => r.retention.overdue);
    expect(overdue.map((r) => r.retention.retainUntil)).toEqual(later.records.filter((r) => r.retention.retainUntil === last).map(() => last));
    expect(String(extractHtml(later))).toContain('the retention period has ended and the data is due for deletion');
  });
});
