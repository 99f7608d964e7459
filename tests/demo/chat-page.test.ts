/**
 * The demo web chat in Chromium, driving the real bot through the page only: a new entrepreneur registers a
 * business (types answers, taps inline buttons, uploads a photo), the LAG staff persona approves it, and the
 * customer persona finds it by search. Also: the language switch, the inbox switch, escaping of bot text.
 * Screenshots go to test-artifacts/demo-*.png.
 */
import { mkdirSync, rmSync } from 'node:fs';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../bot/demo/start.js';
import { tempDir } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';

/** The page's DOM, inside page.waitForFunction callbacks (run in the browser). */
declare const document: any;

let demo: Demo;
let browser: Browser;
let page: Page;
const dataDir = tempDir('lag-demo-');

beforeAll(async () => {
  mkdirSync('test-artifacts', { recursive: true });
  demo = await startDemo({ DEMO_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, { listings: 40 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const url = () => demo.pageUrl.replace('localhost', '127.0.0.1');

/** Opens the page unless an earlier test left it open. */
async function opened(p: Page): Promise<void> {
  if (!p.url().startsWith('http')) {
    await p.goto(url());
    await p.waitForSelector('#persona option', { state: 'attached' });
  }
}

/** Number of messages on screen (new bot replies are looked for after it). */
const count = (p: Page) => p.locator('#messages .msg').count();

async function waitForBot(p: Page, needle: string, since: number, timeout = 60_000): Promise<void> {
  await p.waitForFunction(([n, s]) => [...document.querySelectorAll('#messages .msg')].slice(s as number)
    .some((m: any) => m.classList.contains('bot') && (m.textContent ?? '').includes(n as string)), [needle, since], { timeout });
}

async function say(p: Page, text: string, expectText: string): Promise<void> {
  const since = await count(p);
  await p.fill('#text', text);
  await p.click('#send');
  await waitForBot(p, expectText, since);
}

async function tap(p: Page, data: string, expectText: string): Promise<void> {
  const since = await count(p);
  await p.locator(`.inline-kb .kb-btn[data-data="${data}"]`).last().click();
  await waitForBot(p, expectText, Math.max(0, since - 1));
}

describe('demo chat page', () => {
  it('a new entrepreneur registers through the page, staff approve, a customer finds the business', { timeout: 90_000 }, async () => {
    await page.goto(url());
    await page.waitForSelector('#messages .empty');
    expect(await page.textContent('#send')).toBe('Trimiteți');
    await say(page, '/start', 'Bună ziua, Elena');
    await say(page, '/register', 'Cum se numește afacerea?');
    await say(page, 'Stupina Demo <b>Albina</b>', 'Alegeți domeniile');
    await page.locator('.inline-kb .kb-btn[data-data="sec:A"]').last().click();
    await page.waitForFunction(() => [...document.querySelectorAll('.kb-btn[data-data="sec:A"]')].some((b) => b.textContent?.includes('✅')));
    await tap(page, 'sec:!done', 'Descrieți activitatea');
    await say(page, 'miere și ceară', 'Unde se află afacerea');
    await tap(page, 'dst:md-soroca', 'În ce localitate');
    await say(page, 'Vădeni', 'Descrieți afacerea');
    await say(page, 'Miere de salcâm din satul Vădeni.', 'Scrieți produsele');
    await say(page, 'miere, ceară', 'Numărul de telefon');
    // The reply keyboard's "share phone number" button sends the persona's contact.
    const since = await count(page);
    await page.locator('#reply-kb .kb-btn').first().click();
    await waitForBot(page, 'Adresa de e-mail', since);
    await expect.poll(() => page.locator('#reply-kb').isHidden()).toBe(true);
    await tap(page, 'step:skip', 'Site-ul web');
    await tap(page, 'step:skip', 'Pagina de Facebook');
    // The optional page questions (address, hours, messengers, other languages), all skipped.
    await tap(page, 'step:skip', 'Adresa (stradă');
    await tap(page, 'step:skip', 'Programul de lucru (opțional)');
    await tap(page, 'step:skip', 'Numele de utilizator Telegram');
    await tap(page, 'step:skip', 'Numărul de Viber');
    await tap(page, 'step:skip', 'Numărul de WhatsApp');
    await tap(page, 'step:skip', 'descrierea și în altă limbă');
    await tap(page, 'dsc:!done', 'În ce limbi');
    await tap(page, 'spk:!done', 'Trimiteți logoul');
    const photo = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#e0a020' } }).png().toBuffer();
    const before = await count(page);
    await page.setInputFiles('#photo', { name: 'logo.png', mimeType: 'image/png', buffer: photo });
    await waitForBot(page, 'Verificați datele', before);
    // The uploaded photo shows in the user's bubble, served from the emulator's files.
    const img = page.locator('#messages .msg.user img.photo').last();
    await img.waitFor();
    expect(await img.evaluate((i: any) => i.complete && i.naturalWidth)).toBe(600);
    // Bot text is text: the name's "<b>" is shown literally, never as markup.
    expect(await page.locator('#messages b').count()).toBe(0);
    expect(await page.locator('#messages').textContent()).toContain('Stupina Demo <b>Albina</b>');
    await page.screenshot({ path: 'test-artifacts/demo-registration.png' });
    await tap(page, 'reg:confirm', 'a fost trimisă echipei GAL');
    const listing = await demo.app.services.directory.listings.findOne({ name: 'Stupina Demo <b>Albina</b>' });
    expect(listing).toMatchObject({ status: 'pending', districtId: 'md-soroca', phone: '+37369000101' });
    expect(listing!.logoId).toBeTruthy();

    // LAG staff (an admin in demo mode) approve it from the card they were sent.
    await page.selectOption('#persona', 'staff');
    await page.waitForFunction(() => document.querySelector('#chat-user')?.textContent?.startsWith('Admin'));
    const card = page.locator('#messages .msg.bot', { hasText: 'Stupina Demo <b>Albina</b>' }).last();
    await card.waitFor();
    const staffSince = await count(page);
    await card.locator(`.kb-btn[data-data="mod:ok:${listing!._id}"]`).click();
    await waitForBot(page, 'este publicată', Math.max(0, staffSince - 1));
    expect((await demo.app.services.directory.byId(listing!._id))?.status).toBe('published');
    await page.screenshot({ path: 'test-artifacts/demo-staff.png' });

    // The owner's inbox (opened from the inbox switch) has the approval.
    await page.selectOption('#inbox', '100001');
    await page.waitForFunction(() => [...document.querySelectorAll('#messages .msg.bot')].some((m) => m.textContent?.includes('a fost aprobată')));

    // The customer finds it by search, in English after the language switch.
    await page.selectOption('#persona', 'customer');
    await page.selectOption('#language', 'en');
    await expect.poll(() => page.textContent('#send')).toBe('Send');
    await say(page, '/search Albina', 'Stupina Demo <b>Albina</b>');
    // The results come as a "Found N" header followed by one card per business.
    expect(await page.locator('#messages .msg.bot', { hasText: 'Found' }).count()).toBeGreaterThan(0);
    expect(await page.locator('#messages .msg.bot').last().textContent()).toContain('Stupina Demo <b>Albina</b>');
    await page.screenshot({ path: 'test-artifacts/demo-customer.png' });
  });

  it('the owner persona has a published business with products (/shop shows them)', { timeout: 60_000 }, async () => {
    await opened(page);
    await page.selectOption('#persona', 'owner');
    await page.selectOption('#language', 'en');
    await say(page, '/shop', 'Facebook');
    await page.screenshot({ path: 'test-artifacts/demo-owner-shop.png' });
  });

  it('staff broadcast through the page reaches the seeded users, whose inboxes open from the page', { timeout: 120_000 }, async () => {
    await opened(page);
    await page.selectOption('#persona', 'staff');
    await page.selectOption('#language', 'ro');
    await expect.poll(() => page.textContent('#send')).toBe('Trimiteți');
    await say(page, '/broadcast', 'Anunț nou');
    await say(page, 'Târg de primăvară la Soroca, 12 aprilie', 'buton cu link');
    // The presets come with the optional link button; "choose in detail" leads to the role question.
    await tap(page, 'bcp:custom', 'Clienții');
    await tap(page, 'bcr:everyone', 'Pe ce canal?');
    await tap(page, 'bcc:telegram', 'Ce limbi');
    await tap(page, 'bcl:!done', 'altă limbă');
    await tap(page, 'bcv:no', 'Va ajunge la');
    await tap(page, 'bcgo:now', 'Se trimite');
    const text = 'Târg de primăvară la Soroca, 12 aprilie';
    // Seeded users are emulator chats: the broadcast lands in their inboxes, which the page can open.
    const recipients = await demo.app.services.users.users.count({ role: 'user' });
    await demo.emulator.waitUntil(() => demo.emulator.sent.filter((m) => m.text === text).length >= recipients - 1, 60_000, 'broadcast deliveries');
    await page.selectOption('#persona', 'customer');
    await page.waitForFunction((needle) => [...document.querySelectorAll('#messages .msg.bot')].some((m: any) => m.textContent?.includes(needle)), text);
    const seededOwner = [...demo.emulator.sent].reverse().find((m) => m.text === text && !demo.chats.persona(m.chat_id))!;
    await expect.poll(() => page.locator(`#inbox option[value="${seededOwner.chat_id}"]`).count()).toBe(1);
    await page.selectOption('#inbox', String(seededOwner.chat_id));
    await page.waitForFunction((needle) => [...document.querySelectorAll('#messages .msg.bot')].some((m: any) => m.textContent?.includes(needle)), text);
    await page.screenshot({ path: 'test-artifacts/demo-broadcast-inbox.png' });
  });
});
