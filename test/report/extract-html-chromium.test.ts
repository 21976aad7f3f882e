/**
 * End-to-end: the HTML letter in a real browser, Debian's headless Chromium
 * (issue #3 acceptance). It must FAIL, not skip, when Chromium is missing:
 * CI installs it through .ci/run.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { extractHtml } from '../../src/report/extract-html.ts';
import { SUBJECT_EMAIL, sampleExtract } from './sample-extract.ts';

const CHROMIUM = process.env.OJCO_DSAR_CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ojco-html-'));

/** Launched by the first test; every test fails (none is skipped) when Chromium is missing. */
async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (Debian: apt-get install chromium; .ci/run does this) or set OJCO_DSAR_CHROMIUM`);
  }
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

async function open(lang: 'sv' | 'en', tamper: (html: string) => string = (h) => h): Promise<{ page: import('playwright-core').Page; requests: string[]; errors: string[] }> {
  const file = path.join(dir, `letter-${lang}.html`);
  writeFileSync(file, tamper(extractHtml(await sampleExtract(lang)).toString('utf8')));
  // The letter's own CSP would block an external resource before any request; bypass it, so that
  // the markup itself is tested: any reference to the outside shows up as a request here.
  const context = await (await launch()).newContext({ bypassCSP: true });
  const requests: string[] = [];
  const errors: string[] = [];
  // Every request is seen here; anything that is not the file itself fails the test.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url.startsWith('file:')) await route.continue();
    else await route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const res = await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  expect(res === null || res.ok()).toBe(true);
  return { page, requests, errors };
}

describe('the HTML letter in headless Chromium', () => {
  it('shows the Art. 15 sections in order and the data, loads nothing else, and prints to PDF', async () => {
    const { page, requests, errors } = await open('sv');
    expect(await page.title()).toBe('Registerutdrag enligt artikel 15 i dataskyddsförordningen – 2025-05-16');
    expect(await page.locator('h1').innerText()).toBe('Registerutdrag enligt artikel 15 i dataskyddsförordningen');

    const h2 = await page.locator('h2').allInnerTexts();
    const letters = h2.map((t) => /^([a-h])\) /u.exec(t)?.[1]).filter(Boolean);
    expect(letters).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const at = (s: string): number => h2.findIndex((t) => t.startsWith(s));
    const order = [at('Behandlar vi'), at('a)'), at('h)'), at('Överföring till länder utanför EU/EES'), at('Dina uppgifter, system för system'), at('Nyhetsbrevsverktyget'), at('Sökta system'), at('Filer som inte kunde läsas'), at('Uppgifter om andra personer')];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    // Known values, as the person sees them.
    const body = await page.locator('body').innerText();
    expect(body).toContain(`Till: E-post ${SUBJECT_EMAIL}`);
    expect(body).toContain('16 maj 2025');
    expect(body).toContain('Märta');
    expect(body).toContain('Hållbar logistik');
    expect(body).toContain('2032-12-31');
    expect(body).toContain('Integritetsskyddsmyndigheten (IMY)');
    expect(body).toContain('lime/persons.csv:12');
    // The script tag in a field is text on the page, and nothing ran.
    expect(body).toContain('<script>alert("x")</script>');
    const value = page.locator('td.value', { hasText: 'alert(' });
    expect(await value.innerText()).toBe('<script>alert("x")</script>');
    expect(await page.locator('script').count()).toBe(0);
    // Four systems, each starting a page in print.
    const systems = page.locator('section.system');
    expect(await systems.count()).toBe(4);
    // A string, as the test's TypeScript has no DOM types.
    const breakBefore = "getComputedStyle(document.querySelector('section.system')).breakBefore";
    expect(await page.evaluate(breakBefore)).toBe('auto');
    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate(breakBefore)).toBe('page');

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);

    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('would notice a request to the outside (the check can fail)', async () => {
    const { page, requests } = await open('sv', (h) => h.replace('</body>', '<img src="https://tracker.example/p.gif" alt=""></body>'));
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual(['https://tracker.example/p.gif']);
    await page.context().close();
  });

  it('renders the English letter with the same sections', async () => {
    const { page, requests } = await open('en');
    expect(await page.locator('h1').innerText()).toBe('Register extract under Article 15 of the General Data Protection Regulation (GDPR)');
    const letters = (await page.locator('h2').allInnerTexts()).map((t) => /^([a-h])\) /u.exec(t)?.[1]).filter(Boolean);
    expect(letters).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(await page.locator('body').innerText()).toContain('16 May 2025');
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.context().close();
  });
});
