/**
 * The owner's journey, end to end on the real app: /shop while the listing is pending, three products added
 * in chat (a too-small photo refused with its size), the feed served over HTTP (ETag/304, rotation), the
 * public page rendered in headless Chromium with each feed link's anchor on it.
 */
import { mkdirSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listing } from '../../models/listing.js';
import { validateItem } from '../../services/catalog/validate.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';
import { jpeg, png } from './images.js';


describe('/shop end to end', () => {
  let t: TestApp;
  let u: FakeUser;
  let listing: Listing;
  let browser: Browser | undefined;
  const local = (url: string) => url.replace('http://lag.test', t.app.url);
  /** Presses a button sent by an older version (no message of this run carries it). */
  const pressOld = (data: string) => t.tg.pushUpdate({
    callback_query: {
      id: `old-${data}`, from: { id: 2001, is_bot: false, first_name: 'Ion', language_code: 'ro' }, chat_instance: 'ci2001', data,
      message: { message_id: u.last()!.message_id, date: 0, chat: { id: 2001, type: 'private' } },
    },
  } as never);

  beforeAll(async () => {
    t = await startTestApp();
    u = t.tg.user(2001, { first_name: 'Ion', language_code: 'ro' });
    await u.say('/start', 'Bună');
    const owner = (await t.app.services.users.byExternal('telegram', '2001'))!;
    const logoId = await t.app.services.store.blobs.put(await png(256, 256, '#f2b632'), 'image/png');
    listing = await t.app.services.directory.submit(owner, {
      name: 'Prisaca „Albina” <SRL>', sectors: ['A'], activity: 'Apicultură: miere, ceară, polen', country: 'MD', districtId: 'md-soroca',
      locality: 'Vădeni', description: 'Miere de salcâm și polifloră din satul Vădeni.\nLivrăm în toată Moldova.', keywords: ['miere'],
      phone: '+37369123456', languages: ['ro', 'ru', 'en'], email: 'albina@example.md', facebook: 'https://facebook.com/albina.soroca', logoId,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the checklist while the listing is still pending', async () => {
    const m = await u.say('/shop', 'Catalog Facebook');
    expect(m.text).toContain('Progres: 0 din 4 pași');
    expect(m.text).toContain('nu este încă publicată');
    expect(buttons(m).map((b) => b.callback_data)).toEqual(expect.arrayContaining(['sp:add', 'sp:steps', 'sp:feed', 'sp:push']));
    const steps = await u.tap('sp:steps', 'Cum ajung produsele');
    expect(steps.text).toContain('/feeds/');
    const ck = await t.tg.waitUntil(() => u.messages().find((x) => buttons(x).some((b) => b.callback_data === 'sp:ck:pageLinked')));
    u.press('sp:ck:pageLinked');
    await t.tg.waitUntil(() => ck.edits > 0 && buttons(ck).find((b) => b.callback_data === 'sp:ck:pageLinked')?.text.startsWith('✅'));
  });

  it('adds a product priced in lei: a too-small photo is refused, then "More details" (sale price in lei, category from a localized list)', async () => {
    await u.tap('sp:add', 'Denumirea produsului');
    await u.say('Miere de salcâm, 500 g', 'Descrieți produsul');
    const priceQ = await u.say('Miere „de casă”, cu gust delicat.\nRecoltată în mai; borcan de sticlă, 500 g.', 'Prețul în lei');
    expect(priceQ.text).not.toContain('EUR sau USD');
    // Typed as on a price tag: no currency question, no second price in lei.
    await u.say('150 lei', 'Este disponibil?');
    await u.tap('shp:c:0', 'Trimiteți o fotografie');
    let since = u.messages().length;
    u.sendPhoto(await jpeg(320, 240, '#c98a1b'), { width: 320, height: 240 });
    const refused = await u.expect('Fotografia are 320×240 px', { since });
    expect(refused.text).toContain('cel puțin 500×500 px');
    since = u.messages().length;
    u.sendPhoto(await jpeg(800, 800, '#e0a526', 'miere'), { width: 800, height: 800 });
    const saved = await u.expect('Fotografia 1 a fost salvată', { since });
    expect(buttons(saved).map((b) => [b.callback_data, b.text])).toEqual([['shp:save', '✅ Salvați produsul'], ['shp:more', '➕ Mai multe detalii']]);
    await u.tap('shp:more', 'Starea produsului');
    await u.tap('shp:c:0', 'Marca afișată');
    const sale = await u.tap('shp:skip', 'Preț redus');
    expect(sale.text).toContain('mai mic decât 150 lei');
    await u.say('200', 'mai mic decât prețul obișnuit');
    await u.say('9 EUR', 'Prețul redus trebuie să fie în lei');
    const cat = await u.say('120 lei', 'Ce categorie i se potrivește produsului?');
    // The category list is in the owner's language: no English taxonomy, no numbers.
    const labels = buttons(cat).map((b) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['Alimente', 'Băuturi', 'Vin', 'Plante și răsaduri', 'Omiteți ⏭']));
    expect(labels.join(' ')).not.toMatch(/Food|Beverages|\d/);
    const added = await u.tap('shp:cat:food', 'a fost adăugat în catalog');
    expect(added.text).toContain('Preț: 120 lei (150 lei)');
    // No rate set by the LAG yet: the owner is told the price goes into the catalog once it is.
    expect(added.text).toContain('Prețul dvs. de 150 lei intră în catalogul Facebook în euro după ce GAL stabilește cursul lei/€');
    // getFile + download through the Bot API, as Telegram clients' files are fetched.
    expect(t.tg.callsOf('getFile').length).toBe(2);
    const [p] = await t.app.services.catalog.list(listing._id);
    expect(p).toMatchObject({ priceMinor: 15000, currency: 'MDL', salePriceMinor: 12000, googleCategory: '422', condition: 'new' });
    expect(p.mdlMinor).toBeUndefined();
  });

  it('adds two more products: euros typed by a Moldovan owner, "More details" used for the brand, and the shortest path (Save)', async () => {
    await u.tap('sp:add', 'Denumirea produsului');
    await u.say('Ceară de albine "naturală"', 'Descrieți produsul');
    await u.say('Bucăți de ceară; ideală pentru lumânări, creme etc.', 'Prețul în lei');
    await u.say('8 EUR', 'Este disponibil?');
    await u.tap('shp:c:2', 'Trimiteți o fotografie');
    let since = u.messages().length;
    u.sendPhoto(await jpeg(1000, 750, '#b8860b', 'ceară'), { width: 1000, height: 750 });
    await u.expect('Fotografia 1 a fost salvată', { since });
    await u.tap('shp:more', 'Starea produsului');
    await u.tap('shp:c:0', 'Marca afișată');
    await u.say('Ștefan și fiii', 'Preț redus');
    await u.tap('shp:skip', 'Ce categorie');
    const wax = await u.tap('shp:skip', 'a fost adăugat în catalog');
    expect(wax.text).toContain('Preț: 8.00 EUR');
    expect(wax.text).not.toContain('cursul');

    // The shortest path: /shop, Add, name, description, price, availability, photo, Save = 8 actions.
    await u.tap('sp:add', 'Denumirea produsului');
    await u.say('Liepziedu medus — ā ž; мёд липовый й', 'Descrieți produsul');
    await u.say('Medus no Zemgales. Мёд с пасеки.', 'Prețul în lei');
    await u.say('$15', 'Este disponibil?');
    await u.tap('shp:c:1', 'Trimiteți o fotografie');
    since = u.messages().length;
    u.sendPhoto(await jpeg(600, 600, '#d4a017', 'medus'), { width: 600, height: 600 });
    await u.expect('Fotografia 1 a fost salvată', { since });
    await u.tap('shp:save', 'a fost adăugat în catalog');

    const list = await u.tap('sp:list:0', 'Produsele dvs. (3)');
    expect(list.text).toContain('120 lei (150 lei)');
    expect(list.text).toContain('8.00 EUR');
    expect(list.text).toContain('15.00 USD');
    const products = await t.app.services.catalog.list(listing._id);
    expect(products.map((p) => [p.currency, p.brand, p.condition, p.googleCategory])).toEqual([
      ['MDL', undefined, 'new', '422'], ['EUR', 'Ștefan și fiii', 'new', undefined], ['USD', undefined, 'new', undefined],
    ]);
  });

  it('feeds lei in EUR at the rate LAG staff set with /rate (none set: the lei product stays out); ETag/304; rotation', async () => {
    const feedMsg = await u.tap('sp:feed', 'Adresa fluxului pentru Commerce Manager');
    const feedUrl = feedMsg.text!.match(/http:\/\/lag\.test\/feeds\/[\w-]+\.csv/)![0];
    let res = await fetch(local(feedUrl));
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toHaveLength(1);

    await t.app.services.directory.listings.updateOne({ _id: listing._id }, { $set: { status: 'published', publishedAt: new Date(), updatedAt: new Date() } });
    res = await fetch(local(feedUrl));
    let rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    // No rate yet: the product priced in lei is not in the feed, and its card says why.
    expect(rows.map((r) => r.price)).toEqual(['8.00 EUR', '15.00 USD']);
    const [honey] = await t.app.services.catalog.list(listing._id);
    const card = await u.tap(`sp:p:${honey._id}`, 'Miere de salcâm');
    expect(card.caption).toContain('GAL nu a stabilit încă cursul lei/€');

    // LAG staff set the rate; an owner cannot.
    await u.say('/rate 19,10', 'nu este disponibil');
    const staff = t.tg.user(2004, { first_name: 'Mihai', language_code: 'ro' });
    await staff.say('/start', /\S/);
    await t.app.services.users.setRole((await t.app.services.users.byExternal('telegram', '2004'))!._id, 'staff', 'md-nord');
    // Latvian LAG staff have no lei to convert.
    const lvStaff = t.tg.user(2005, { first_name: 'Anna', language_code: 'lv' });
    await lvStaff.say('/start', /\S/);
    await t.app.services.users.setRole((await t.app.services.users.byExternal('telegram', '2005'))!._id, 'staff', 'lv-dobele');
    await lvStaff.say('/rate 19,10', 'nav pieejama');
    expect(await t.app.services.catalog.refreshRate()).toBeUndefined();
    const none = await staff.say('/rate', 'Nu este stabilit niciun curs');
    expect(none.text).toContain('/rate 19.10');
    await staff.say('/rate nouăsprezece', 'Trimiteți cursul ca lei pentru un euro');
    const set = await staff.say('/rate 19,10', 'Cursul a fost salvat: 19.10 lei/€');
    expect(set.text).toContain('150 lei = 7.85 EUR');
    const date = new Intl.DateTimeFormat('ro', { dateStyle: 'long' }).format(new Date());
    expect((await staff.say('/rate', 'Cursul pentru cataloagele Facebook')).text).toContain(`19.10 lei/€, stabilit pe ${date}`);

    res = await fetch(local(feedUrl));
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const etag = res.headers.get('etag')!;
    const lastModified = res.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(new Date(lastModified).getTime()).toBeGreaterThan(0);
    const csv = await res.text();
    console.log(`\n--- sample feed (${feedUrl}) ---\n${csv}`);
    rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.title)).toEqual(['Miere de salcâm, 500 g', 'Ceară de albine "naturală"', 'Liepziedu medus — ā ž; мёд липовый й']);
    // 150 lei / 19.10 = 7.853… → 7.85 EUR; the sale 120 lei → 6.28 EUR.
    expect(rows.map((r) => r.price)).toEqual(['7.85 EUR', '8.00 EUR', '15.00 USD']);
    expect(rows[0].sale_price).toBe('6.28 EUR');
    expect(rows[0].google_product_category).toBe('422');
    expect(rows[0].description).toContain('\n');
    expect(rows[1].brand).toBe('Ștefan și fiii');
    expect(rows[2].brand).toBe('Prisaca „Albina” <SRL>');
    expect(rows.map((r) => r.availability)).toEqual(['in stock', 'available for order', 'out of stock']);
    const products = await t.app.services.catalog.list(listing._id);
    rows.forEach((r, i) => {
      expect(validateItem(r as never, products[i].photos)).toEqual([]);
      expect(r.link).toBe(`http://lag.test/b/${listing.slug}#p-${products[i]._id}`);
    });
    // The owner sees the lei price they typed and where it stands in the catalog.
    const after = await u.tap(`sp:p:${honey._id}`, 'Miere de salcâm');
    expect(after.caption).toContain('Preț: 120 lei (150 lei)');
    expect(after.caption).toContain(`Prețul în catalog: 7.85 EUR la cursul de 19.10 lei/€ stabilit de GAL pe ${date}`);
    expect(after.caption).toContain('Categorie: Alimente');
    // The images Meta will fetch are served by the app.
    const img = await fetch(local(rows[0].image_link));
    expect(img.headers.get('content-type')).toBe('image/jpeg');

    const again = await fetch(local(feedUrl), { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const since = await fetch(local(feedUrl), { headers: { 'if-modified-since': lastModified } });
    expect(since.status).toBe(304);

    await u.tap('sp:rot', 'Faceți o adresă nouă');
    const rotated = await u.tap('sp:rotok', 'Adresa nouă a fluxului');
    const newUrl = rotated.text!.match(/http:\/\/lag\.test\/feeds\/[\w-]+\.csv/)![0];
    expect(newUrl).not.toBe(feedUrl);
    expect((await fetch(local(feedUrl))).status).toBe(404);
    expect((await fetch(local(newUrl))).status).toBe(200);
  });

  it('renders the public page in Chromium with every feed anchor, escaped user text, languages and Open Graph', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    const products = await t.app.services.catalog.list(listing._id);
    const resp = await page.goto(`${t.app.url}/b/${listing.slug}#p-${products[1]._id}`);
    expect(resp?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('ro');
    expect(await page.textContent('h1')).toBe('Prisaca „Albina” <SRL>');
    for (const p of products) {
      expect(await page.locator(`article[id="p-${p._id}"] h3`).textContent()).toBe(p.title);
      expect(await page.locator(`article[id="p-${p._id}"] img`).getAttribute('alt')).toBe(p.title);
    }
    // A Moldovan owner's price in lei, as typed (the sale price and the normal one).
    expect(await page.locator(`article[id="p-${products[0]._id}"] .price .sale`).textContent()).toBe('120 lei');
    expect(await page.locator(`article[id="p-${products[0]._id}"] .price s`).textContent()).toBe('150 lei');
    expect(await page.getAttribute('a[href^="tel:"]', 'href')).toBe('tel:+37369123456');
    expect(await page.getAttribute('a[href^="mailto:"]', 'href')).toBe('mailto:albina@example.md');
    expect(await page.getAttribute('meta[property="og:title"]', 'content')).toBe('Prisaca „Albina” <SRL> — Vădeni, Soroca');
    expect(await page.getAttribute('meta[property="og:image"]', 'content')).toMatch(/^http:\/\/lag\.test\/media\//);
    // Every image really loaded (served from /media by the app).
    const loaded = await page.$$eval('img', (imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0 && !!i.getAttribute('alt')));
    expect(loaded).toEqual([true, true, true, true]);
    // The business's own text is never markup.
    expect(await page.locator('h1 b, h1 srl').count()).toBe(0);
    mkdirSync('test-artifacts', { recursive: true });
    await page.goto(`${t.app.url}/b/${listing.slug}`);
    await page.screenshot({ path: 'test-artifacts/business-page.png', fullPage: true });

    await page.click('nav.langs a[hreflang="ru"]');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');
    expect((await page.locator('h2').allTextContents()).slice(0, 3)).toEqual(['Товары', 'О нас', 'Связаться с нами']);
    expect(await page.locator('.avail').first().textContent()).toBe('В наличии');

    const missing = await page.goto(`${t.app.url}/b/no-such-business?lang=lv`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('h1')).toBe('Lapa nav atrasta');
  });

  it('edits, pauses and deletes (with confirmation); the feed follows', async () => {
    const products = await t.app.services.catalog.list(listing._id);
    const [honey, wax, medus] = products;
    await u.tap(`sp:p:${wax._id}`, 'Ceară de albine');
    await u.tap(`sp:e:${wax._id}:price`, 'Prețul în lei');
    await u.say('0', 'mai mare decât zero');
    await u.say('7,5 €', 'a fost salvat');
    expect((await t.app.services.catalog.byId(listing._id, wax._id))!).toMatchObject({ priceMinor: 750, currency: 'EUR' });
    // The category is edited from the same localized list.
    await u.tap(`sp:e:${wax._id}:category`, 'Ce categorie');
    await u.tap('shp:cat:crafts', 'a fost salvat');
    expect((await t.app.services.catalog.byId(listing._id, wax._id))!.googleCategory).toBe('8');
    // A sale price typed as a bare number is in the product's own currency (EUR here), not lei.
    const saleQ = await u.tap(`sp:e:${wax._id}:sale`, 'Preț redus');
    expect(saleQ.text).toContain('mai mic decât 7.50 EUR');
    await u.say('5', 'a fost salvat');
    expect((await t.app.services.catalog.byId(listing._id, wax._id))!.salePriceMinor).toBe(500);
    // A "MDL price" button from before lei became the price opens the price question.
    const since = u.messages().length;
    pressOld(`sp:e:${wax._id}:mdl`);
    await u.expect('Prețul în lei', { since });
    await u.say('/cancel', 'anulat');

    const card = await u.tap(`sp:p:${honey._id}`, 'Miere de salcâm');
    expect(card.photo).toBe(true);
    expect(card.caption).toContain('Respectă regulile Facebook');
    await u.tap(`sp:st:${honey._id}`, 'este în pauză');
    await u.tap(`sp:p:${medus._id}`, 'Liepziedu');
    await u.tap(`sp:del:${medus._id}`, 'Ștergeți');
    expect(await t.app.services.catalog.byId(listing._id, medus._id)).not.toBeNull();
    await u.tap(`sp:delok:${medus._id}`, 'a fost șters');
    const s = await t.app.services.catalog.settingsFor(listing);
    const rows = parse(await (await fetch(`${t.app.url}/feeds/${s.feedToken}.csv`)).text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.id, r.price])).toEqual([[wax._id, '7.50 EUR']]);
    expect(await t.app.services.store.blobs.get(medus.photos[0].blobId)).toBeNull();
  });

  it('bad input gets a reason and the same question; /cancel leaves the flow without saving', async () => {
    const before = await t.app.services.catalog.products.count({ listingId: listing._id });
    await u.tap('sp:add', 'Denumirea produsului');
    let since = u.messages().length;
    u.sendSticker();
    const hint = await u.expect('trimiteți răspunsul ca text', { since });
    expect(hint.text).toContain('/cancel');
    await u.say('<b>Miere</b>', 'text simplu, fără etichete HTML');
    await u.say('Polen', 'Descrieți produsul');
    await u.say('Polen de albine, 200 g.', 'Prețul în lei');
    await u.say('o sută', 'Nu am putut citi prețul. Scrieți-l ca pe etichetă');
    await u.say('1.200', 'Ați vrut să scrieți 1200 sau 1.20?');
    await u.say('3 GBP', 'GBP nu este acceptată în catalog; scrieți prețul în lei, EUR sau USD');
    await u.say('1 200 MDL', 'Este disponibil?');
    await u.say('da', 'alegeți cu butoanele');
    await u.tap('shp:c:0', 'Trimiteți o fotografie');
    since = u.messages().length;
    u.send('nu am poză');
    await u.expect('Vă rog să trimiteți o fotografie', { since });
    await u.say('/cancel', 'anulat');
    expect(await t.app.services.catalog.products.count({ listingId: listing._id })).toBe(before);
    await u.say('/shop', 'Catalog Facebook');
  });

  it('old buttons answer: a question button after /cancel shows /shop, an unknown one says so and shows the menu', async () => {
    let since = u.messages().length;
    u.press('shp:c:1');
    await u.expect('Acest buton este învechit', { since });
    await u.expect('Catalog Facebook', { since });
    since = u.messages().length;
    pressOld('sp:zzz:1');
    await u.expect('Acest buton este învechit. Iată meniul dvs.', { since });
    const home = await u.expect(/Prisaca/, { since });
    expect(buttons(home).length).toBeGreaterThan(0);
    // Forged values in a known code are refused the same way, never silently.
    since = u.messages().length;
    pressOld('sp:e:x:../../etc');
    await u.expect('Acest buton este învechit', { since });
    // Every old button was answered (the spinner stops), with the toast.
    const answered = t.tg.callsOf('answerCallbackQuery').filter((c) => ['old-sp:zzz:1', 'old-sp:e:x:../../etc'].includes(String(c.params.callback_query_id)));
    expect(answered.map((c) => c.params.text)).toEqual(['Acest buton nu mai este valabil.', 'Acest buton nu mai este valabil.']);
  });

  it('an owner without a business is sent to /register; /deleteme erases products and shop settings', async () => {
    const stranger = t.tg.user(2002, { first_name: 'Ana', language_code: 'en' });
    await stranger.say('/shop', 'Register your business first');
    // LAG staff without a business of their own get the LAG's joint feed.
    const staff = t.tg.user(2003, { first_name: 'Vera', language_code: 'en' });
    await staff.say('/start', 'Hello');
    await t.app.services.users.setRole((await t.app.services.users.byExternal('telegram', '2003'))!._id, 'staff', 'md-nord');
    const lagFeed = await staff.say('/shop', 'Joint feed of LAG North Region (all businesses');
    const lagUrl = lagFeed.text!.match(/http:\/\/lag\.test\/feeds\/lag\/[\w-]+\.csv/)![0];
    expect((await fetch(local(lagUrl))).status).toBe(200);
    const owner = (await t.app.services.users.byExternal('telegram', '2001'))!;
    const photos = (await t.app.services.catalog.list(listing._id)).flatMap((p) => p.photos.map((ph) => ph.blobId));
    await t.app.services.privacy.deleteUser(owner);
    expect(await t.app.services.catalog.products.count({ listingId: listing._id })).toBe(0);
    expect(await t.app.services.catalog.settings.count({ listingId: listing._id })).toBe(0);
    expect(await t.app.services.catalog.products.count({ ownerId: owner._id })).toBe(0);
    for (const id of photos) expect(await t.app.services.store.blobs.get(id)).toBeNull();
  });
});
