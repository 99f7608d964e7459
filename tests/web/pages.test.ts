/**
 * The public web pages in a real browser (the Chromium shipped in @sparticuz/chromium) against the real app:
 * the business page as a shop (products above the fold on a phone, lei, sale, hours, contacts, share), the LAG
 * directory with search that works without JavaScript, accessibility (axe-core: no serious or critical
 * violation), valid HTML (html-validate), valid JSON-LD, ≤ 100 KB before images, no request leaving the origin.
 * Screenshots go to test-artifacts/web-*.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { HtmlValidate } from 'html-validate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { seedDirectory, type Seeded } from '../helpers/web-seed.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let t: TestApp;
let seeded: Seeded;
let browser: Browser;

beforeAll(async () => {
  // Tuesday 1 December 2026, 10:00 in Chișinău: the shop (Mon–Fri 9–18) is open.
  t = await startTestApp({ clock: { now: () => new Date('2026-12-01T08:00:00Z') } });
  seeded = await seedDirectory(t.app.services);
  mkdirSync('test-artifacts', { recursive: true });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** Opens a page recording every request and the bytes of everything that is not an image. */
async function open(url: string, viewport: { width: number; height: number }, opts: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, javaScriptEnabled: opts.javaScriptEnabled ?? true, bypassCSP: opts.bypassCSP ?? false });
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const requests: string[] = [];
  const cspErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
  const response = await page.goto(url, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle');
  // Bytes of the document and every non-image resource, as the browser decoded them.
  const bytes = () => page.evaluate(() => {
    const perf = globalThis.performance;
    const nav = perf.getEntriesByType('navigation') as unknown as { decodedBodySize: number }[];
    const res = perf.getEntriesByType('resource') as unknown as { decodedBodySize: number; initiatorType: string }[];
    return nav[0].decodedBodySize + res.filter((r) => r.initiatorType !== 'img').reduce((n, r) => n + r.decodedBodySize, 0);
  });
  return { page, context, response, requests, cspErrors, bytes };
}

async function axe(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } };
    return w.axe.run(globalThis.document, { resultTypes: ['violations'] });
  });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
}

// Validity and accessibility rules on; two pure style preferences off (upper-case DOCTYPE, `<meta>` vs `<meta/>`).
const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off', 'void-style': 'off' } });
async function htmlErrors(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message} (line ${m.line})`));
}

describe('business page', () => {
  it('on a phone: products above the fold, prices in lei with the sale, open now, contacts; no external request', async () => {
    const url = `${t.app.url}/b/${seeded.shop.slug}`;
    const { page, context, response, requests, cspErrors, bytes } = await open(url, PHONE);
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('ro');
    expect(await page.textContent('h1')).toBe('Stupina „Albinuța” <SRL>');
    // Products first: the first product card's photo is on the first screen.
    const first = (await page.locator('article.card').first().boundingBox())!;
    expect(first.y + 200).toBeLessThanOrEqual(PHONE.height);
    expect(await page.locator('h2').first().textContent()).toBe('Produse');
    // Lei first (the sale in lei in proportion), the regular price struck through, EUR underneath.
    const card = page.locator('article.card', { hasText: 'Miere de salcâm' });
    expect(await card.locator('.price .sale').textContent()).toBe('170 lei');
    expect(await card.locator('.price .was').textContent()).toBe('înainte 200 lei');
    expect(await card.locator('.price s').textContent()).toBe('200 lei');
    expect(await card.locator('.alt').textContent()).toBe('≈ 8,50\u00a0€');
    expect(await page.locator('article.card', { hasText: 'Polen' }).locator('.avail.out').textContent()).toBe('Stoc epuizat');
    // Tuesday 10:00 in Chișinău.
    expect(await page.textContent('.badge')).toBe('Deschis acum · până la 18:00');
    expect(await page.getAttribute('a[href^="tel:"]', 'href')).toBe('tel:+37369123456');
    expect(await page.getAttribute('a[href^="https://t.me/albinuta_md"]', 'href')).toBe('https://t.me/albinuta_md');
    expect(await page.getAttribute('a[href^="viber:"]', 'href')).toBe('viber://chat?number=%2B37369123456');
    expect(await page.getAttribute('a[href^="https://wa.me/"]', 'href')).toBe('https://wa.me/37369123456');
    expect(await page.getAttribute('a[href^="https://www.openstreetmap.org/"]', 'href'))
      .toBe(`https://www.openstreetmap.org/search?query=${encodeURIComponent('str. Independenței 12, Vădeni, Soroca, Moldova')}`);
    expect(await page.getAttribute(`a[href^="/lag/md-nord"]`, 'href')).toBe('/lag/md-nord?lang=ro');
    expect(await page.locator('a[href^="https://t.me/lag_test_bot?start=b_"]').count()).toBe(1);
    // The share button appears (same-origin script allowed by the CSP); with no Web Share API it copies the link.
    expect(await page.isVisible('#share')).toBe(true);
    expect(cspErrors).toEqual([]);
    // Nothing leaves the origin: no CDN, font, map tile or analytics.
    expect(requests.length).toBeGreaterThan(3);
    for (const r of requests) expect(r.startsWith(t.app.url)).toBe(true);
    const kb = (await bytes()) / 1024;
    expect(kb).toBeGreaterThan(10); // the measurement saw the document
    console.log(`business page weight before images: ${kb.toFixed(1)} KB`);
    expect(kb).toBeLessThanOrEqual(100);
    await page.screenshot({ path: 'test-artifacts/web-business-390.png', fullPage: true });
    await context.close();
  });

  it('on a desktop, and every language translates the page (description too, where the owner wrote one)', async () => {
    const { page, context } = await open(`${t.app.url}/b/${seeded.shop.slug}`, DESKTOP);
    await page.screenshot({ path: 'test-artifacts/web-business-1280.png', fullPage: true });
    await page.click('nav.langs a[hreflang="ru"]');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect(await page.locator('h2').allTextContents()).toEqual(['Товары', 'О нас', 'Связаться с нами', 'Адрес', 'Часы работы']);
    expect(await page.textContent('.about')).toContain('Наша семья держит 120 ульев');
    expect(await page.textContent('.badge')).toBe('Открыто · до 18:00');
    expect(await page.locator('table.hours th').first().textContent()).toBe('понедельник');
    await page.click('nav.langs a[hreflang="lv"]');
    expect(await page.getAttribute('html', 'lang')).toBe('lv');
    expect(await page.locator('h2').first().textContent()).toBe('Produkti');
    // No Latvian description: the owner's own text is shown.
    expect(await page.textContent('.about')).toContain('Familia noastră');
    expect(await page.locator('article.card', { hasText: 'Miere de tei' }).locator('.avail').textContent()).toBe('Ir noliktavā');
    await context.close();
  });

  it('has no serious or critical accessibility violation (axe-core) at both widths', async () => {
    for (const viewport of [PHONE, DESKTOP]) {
      const { page, context } = await open(`${t.app.url}/b/${seeded.shop.slug}`, viewport, { bypassCSP: true });
      const bad = (await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad).toEqual([]);
      await context.close();
    }
  });

  it('carries valid schema.org JSON-LD (LocalBusiness and Products), Open Graph with a product photo, canonical and hreflang', async () => {
    const res = await fetch(`${t.app.url}/b/${seeded.shop.slug}?lang=en`);
    const html = await res.text();
    expect(await htmlErrors(html)).toEqual([]);
    const block = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)![1];
    const data = JSON.parse(block) as Record<string, any>[];
    const business = data.find((d) => d['@type'] === 'LocalBusiness')!;
    expect(business).toMatchObject({
      '@context': 'https://schema.org', name: 'Stupina „Albinuța” <SRL>', telephone: '+37369123456', url: `http://lag.test/b/${seeded.shop.slug}`,
      address: { '@type': 'PostalAddress', streetAddress: 'str. Independenței 12', addressLocality: 'Vădeni', addressCountry: 'MD' },
    });
    expect(business.image).toMatch(/^http:\/\/lag\.test\/media\//);
    expect(business.openingHoursSpecification).toContainEqual({ '@type': 'OpeningHoursSpecification', dayOfWeek: 'https://schema.org/Saturday', opens: '10:00', closes: '14:00' });
    const products = data.filter((d) => d['@type'] === 'Product');
    expect(products).toHaveLength(4);
    for (const p of products) {
      expect(typeof p.name).toBe('string');
      expect(p.image[0]).toMatch(/^http:\/\/lag\.test\/media\//);
      expect(p.offers['@type']).toBe('Offer');
      expect(p.offers.price).toMatch(/^\d+\.\d{2}$/);
      expect(p.offers.priceCurrency).toBe('EUR');
      expect(p.offers.availability).toMatch(/^https:\/\/schema\.org\/(InStock|OutOfStock|MadeToOrder)$/);
    }
    expect(products.find((p) => p.name === 'Miere de salcâm, 1 kg')!.offers.price).toBe('8.50');
    // The user's "<SRL>" can't close the script block.
    expect(block).not.toContain('<');
    expect(html).toContain(`<link rel="canonical" href="http://lag.test/b/${seeded.shop.slug}?lang=en"/>`);
    for (const l of ['ro', 'ru', 'en', 'lv']) expect(html).toContain(`<link rel="alternate" hreflang="${l}" href="http://lag.test/b/${seeded.shop.slug}?lang=${l}"/>`);
    const og = html.match(/<meta property="og:image" content="([^"]+)"/)![1];
    const firstPhoto = (await t.app.services.catalog.activeList(seeded.shop._id, 1))[0].photos[0].blobId;
    expect(og).toBe(`http://lag.test/media/${firstPhoto}`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'sha256-/);
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });
});

describe('LAG directory', () => {
  it('`/lag/md-nord?q=miere` without JavaScript: the honey producers first, in the page language', async () => {
    for (const [lang, heading] of [['ro', 'Afacerile din GAL Regiunea Nord'], ['ru', 'Предприятия: ГМД Северный регион']] as const) {
      const { page, context, requests } = await open(`${t.app.url}/lag/md-nord?q=miere&lang=${lang}`, PHONE, { javaScriptEnabled: false });
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.textContent('h1')).toBe(heading);
      const names = await page.locator('li.biz h3').allTextContents();
      expect(names.slice(0, 3).sort()).toEqual(seeded.honey.map((l) => l.name).sort());
      expect(names).not.toContain('Crama Drochia');
      if (names.includes(seeded.orchard.name)) expect(names.indexOf(seeded.orchard.name)).toBeGreaterThan(2);
      for (const r of requests) expect(r.startsWith(t.app.url)).toBe(true);
      if (lang === 'ro') await page.screenshot({ path: 'test-artifacts/web-lag-search-390.png', fullPage: true });
      await context.close();
    }
  });

  it('the GET form searches, filters by district and sector, and pages, with JavaScript off', async () => {
    const { page, context } = await open(`${t.app.url}/lag/md-nord`, PHONE, { javaScriptEnabled: false });
    expect(await page.textContent('#h-results')).toBe('28 de afaceri găsite');
    await page.screenshot({ path: 'test-artifacts/web-lag-390.png', fullPage: true });
    await page.click('a[rel="next"]');
    expect(page.url()).toContain('page=2');
    expect(await page.locator('li.biz').count()).toBe(8);
    await page.fill('input[name="q"]', 'мёд');
    await page.selectOption('select[name="district"]', 'md-drochia');
    await page.click('form.search button[type="submit"]');
    expect(await page.locator('li.biz h3').allTextContents()).toEqual(['Пасека Дрокия']);
    await page.fill('input[name="q"]', 'mierre'); // a typo
    await page.selectOption('select[name="district"]', '');
    await page.selectOption('select[name="sector"]', 'A');
    await page.click('form.search button[type="submit"]');
    expect((await page.locator('li.biz h3').allTextContents()).sort()).toEqual(['Prisaca Nordului', 'Stupina „Albinuța” <SRL>']);
    expect(new URL(page.url()).searchParams.get('sector')).toBe('A');
    await context.close();
  });

  it('at 1280 px; the home page lists the LAGs; both pass axe and html-validate', async () => {
    const { page, context } = await open(`${t.app.url}/lag/md-nord?lang=en`, DESKTOP);
    await page.screenshot({ path: 'test-artifacts/web-lag-1280.png', fullPage: true });
    await context.close();
    const home = await open(`${t.app.url}/?lang=lv`, PHONE);
    expect(await home.page.locator('ul.lags a').count()).toBe(4);
    expect(await home.page.textContent('ul.lags a[href="/lag/lv-lielupe?lang=lv"]')).toContain('1 uzņēmums');
    await home.context.close();
    for (const path of ['/', '/lag/md-nord?lang=ru&q=miere', '/lag/lv-lielupe', '/lag/md-nord?q=zzzzqqq', '/b/nope']) {
      const { page, context } = await open(`${t.app.url}${path}`, DESKTOP, { bypassCSP: true });
      expect((await axe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical'), path).toEqual([]);
      await context.close();
      expect(await htmlErrors(await (await fetch(`${t.app.url}${path}`)).text()), path).toEqual([]);
    }
  });

  it('bad query parameters give the normal page, never an error', async () => {
    for (const q of ['page=abc', 'page=-3', 'page=99999999', 'sector=ZZ', 'district=../../etc', 'district=lv-jelgava', 'q=a&q=b', 'lang=xx', `q=${'x'.repeat(5000)}`, 'q[$gt]=', 'page=1e3']) {
      const res = await fetch(`${t.app.url}/lag/md-nord?${q}`);
      expect(res.status, q).toBe(200);
      expect(await res.text()).toContain('<form class="search"');
    }
    expect((await fetch(`${t.app.url}/lag/nowhere`)).status).toBe(404);
    expect((await fetch(`${t.app.url}/b/${seeded.shop.slug}?lang[]=ru`)).status).toBe(200);
  });

  it('finds a business by words of its translated description', async () => {
    const html = await (await fetch(`${t.app.url}/lag/md-nord?q=${encodeURIComponent('ульев Днестра')}&lang=ru`)).text();
    expect(html).toContain('Найдено 1 предприятие');
    expect(html).toContain(`href="/b/${seeded.shop.slug}?lang=ru"`);
  });

  it('serves robots.txt and a sitemap with every LAG and business in four languages', async () => {
    const robots = await (await fetch(`${t.app.url}/robots.txt`)).text();
    expect(robots).toContain('Sitemap: http://lag.test/sitemap.xml');
    const res = await fetch(`${t.app.url}/sitemap.xml`);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const xml = await res.text();
    expect(xml).toContain('<loc>http://lag.test/lag/md-nord</loc>');
    expect(xml).toContain(`<loc>http://lag.test/b/${seeded.latvian.slug}</loc>`);
    expect(xml).toContain(`<xhtml:link rel="alternate" hreflang="lv" href="http://lag.test/b/${seeded.shop.slug}?lang=lv"/>`);
    expect(xml.match(/<url>/g)).toHaveLength(1 + 4 + 29);
  });
});
