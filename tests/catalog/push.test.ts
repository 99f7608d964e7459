/**
 * Direct push to Meta's Catalog Batch API, end to end: the owner sets the catalog id and token in chat
 * (token message deleted, stored encrypted), pushes, and sees Meta's per-item error; later changes are
 * pushed by themselves (a paused product is deleted in the catalog); batches stay ≤ 3000 requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Listing } from '../../models/listing.js';
import type { User } from '../../models/user.js';
import { CatalogService } from '../../services/catalog/service.js';
import type { BatchRequest, CatalogPushPort } from '../../services/catalog/push.js';
import { createServices } from '../../services/app.js';
import { translator } from '../../services/i18n.js';
import { resolveText } from '../../services/messages.js';
import { openStore } from '../../services/store/index.js';
import { rmSync } from 'node:fs';
import { startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { FakeGraphCatalog } from '../helpers/fake-graph-catalog.js';
import type { FakeUser } from '../helpers/fake-telegram.js';
import { photo } from './fixtures.js';

const TOKEN = 'EAAGtest1234567890abcdefghijklmnopqrstuvwxyz';
const KEY = '0f'.repeat(32);
const CATALOG = '123456789012345';

const product = (title: string, priceMinor: number, blobId: string) => ({
  title, description: `${title}, din Vădeni.`, priceMinor, currency: 'EUR' as const, availability: 'in stock' as const, condition: 'new' as const,
  photos: [photo(blobId)],
});

async function ownerWithListing(t: TestApp, u: FakeUser): Promise<{ owner: User; listing: Listing }> {
  await u.say('/start', /\S/);
  const owner = (await t.app.services.users.byExternal('telegram', String(u.id)))!;
  const listing = await t.app.services.directory.submit(owner, {
    name: 'Livada Nord', sectors: ['A'], activity: 'fructe', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
    description: 'Mere și pere.', keywords: ['mere'], phone: '+37369123457', languages: ['ro'],
  });
  await t.app.services.directory.listings.updateOne({ _id: listing._id }, { $set: { status: 'published' } });
  return { owner, listing: (await t.app.services.directory.byId(listing._id))! };
}

describe('direct push to the Meta catalog', () => {
  let t: TestApp;
  let graph: FakeGraphCatalog;
  let u: FakeUser;
  let listing: Listing;
  let owner: User;

  beforeAll(async () => {
    graph = await FakeGraphCatalog.start({ token: TOKEN });
    t = await startTestApp({ env: { SECRETS_KEY: KEY, MESSENGER_GRAPH_URL: graph.url, MESSENGER_GRAPH_VERSION: 'v21.0' } });
    u = t.tg.user(3001, { first_name: 'Maria', language_code: 'ro' });
    const o = await ownerWithListing(t, u);
    listing = o.listing;
    owner = o.owner;
    await t.app.services.catalog.add(o.owner, listing, product('Mere Golden', 450, 'b-apple'));
    await t.app.services.catalog.add(o.owner, listing, product('Pere Williams', 600, 'b-pear'));
  });
  afterAll(async () => {
    await t?.app.services.catalog.idle();
    await t?.close();
    await graph?.close();
  });

  it('takes the catalog id and the token in chat; the token message is deleted and stored encrypted', async () => {
    await u.say('/shop', 'Catalog Facebook');
    const push = await u.tap('sp:push', 'Trimitere directă în catalogul Meta');
    expect(push.text).toContain('Token de acces: nesetat');
    await u.tap('sp:cat', 'id-ul catalogului');
    await u.say('12ab', 'un număr de 5–25 de cifre');
    await u.say(CATALOG, `Id-ul catalogului ${CATALOG} a fost salvat`);
    await u.tap('sp:tok', 'tokenul de acces');
    const deletesBefore = t.tg.callsOf('deleteMessage').length;
    await u.say(TOKEN, 'Tokenul a fost salvat (criptat)');
    expect(t.tg.callsOf('deleteMessage').length).toBe(deletesBefore + 1);
    const s = await t.app.services.catalog.settingsFor(listing);
    expect(s.catalogId).toBe(CATALOG);
    expect(s.accessTokenEnc).toBeDefined();
    expect(s.accessTokenEnc).not.toContain(TOKEN.slice(4, 20));
    // Nothing the bot said repeats the token.
    expect(u.messages().some((m) => (m.text ?? '').includes(TOKEN))).toBe(false);
  });

  it('pushes every valid product and shows the owner the item Meta rejected', async () => {
    const [, pear] = await t.app.services.catalog.list(listing._id);
    graph.reject.set(pear._id, 'Image at image_link could not be downloaded');
    await u.tap('sp:push', 'Trimitere directă');
    const since = u.messages().length;
    u.press('sp:pushnow');
    const report = await u.expect('Meta a semnalat 1 problemă', { since, timeoutMs: 15_000 });
    expect(report.text).toContain('• Pere Williams: Image at image_link could not be downloaded');

    const call = graph.batches[0];
    expect(call.catalogId).toBe(CATALOG);
    expect(call.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call.body.item_type).toBe('PRODUCT_ITEM');
    expect(call.body.allow_upsert).toBe(true);
    expect(call.body.requests.map((r) => r.method)).toEqual(['UPDATE', 'UPDATE']);
    expect(call.body.requests[0].data).toMatchObject({
      title: 'Mere Golden', price: '4.50 EUR', availability: 'in stock', condition: 'new', brand: 'Livada Nord',
      link: `http://lag.test/b/${listing.slug}#p-${call.body.requests[0].data.id}`, image_link: 'http://lag.test/media/b-apple',
    });
    expect(call.body.requests[0].data).not.toHaveProperty('sale_price');
    // The status was polled until Meta finished (first answer: in_progress).
    expect(graph.statusPolls).toEqual(['h1', 'h1']);
    expect([...graph.catalog(CATALOG).keys()]).toHaveLength(1);
    const s = await t.app.services.catalog.settingsFor(listing);
    expect(s.lastPush?.status).toBe('errors');
  });

  it('pushes later changes by itself: a paused product is deleted from the catalog, the owner is told', async () => {
    graph.reject.clear();
    const [apple, pear] = await t.app.services.catalog.list(listing._id);
    const since = u.messages().length;
    await u.tap('sp:list:0', 'Produsele dvs. (2)');
    await u.tap(`sp:p:${apple._id}`, 'Mere Golden');
    u.press(`sp:st:${apple._id}`);
    await u.expect('Meta a acceptat 2 modificări', { since, timeoutMs: 15_000 });
    await t.app.services.catalog.idle();
    const last = graph.batches[graph.batches.length - 1];
    expect(last.body.requests).toEqual([
      { method: 'UPDATE', data: expect.objectContaining({ id: pear._id }) },
      { method: 'DELETE', data: { id: apple._id } },
    ]);
    expect([...graph.catalog(CATALOG).keys()]).toEqual([pear._id]);
  });

  it('a revoked token fails clearly without showing the token', async () => {
    await t.app.services.catalog.setAccessToken(listing, 'EAAGrevoked0000000000000000000000000000');
    const before = await t.app.services.catalog.settingsFor(listing);
    const report = await t.app.services.catalog.pushListing(listing._id);
    expect(report.status).toBe('failed');
    expect(report.issues[0].message).toMatch(/^auth: Error validating access token/);
    expect(JSON.stringify(report)).not.toContain('EAAGrevoked');
    // The owner reads why in their language, with Meta's own words after it.
    expect(report.reason).toBe('auth');
    const said = (await t.app.services.catalog.pushReportText(listing._id, report)).map((x) => resolveText(translator('ro'), x));
    expect(said[0]).toBe('❌ Trimiterea a eșuat: Meta a refuzat tokenul de acces. Verificați ID-ul catalogului și tokenul; adresa fluxului funcționează în continuare.');
    expect(said[1]).toMatch(/^Meta a răspuns: Error validating access token/);
    // Read after the failed push: the token stays (the owner replaces it) and the sent ids are kept.
    const s = await t.app.services.catalog.settingsFor(listing);
    expect(s.accessTokenEnc).toBeDefined();
    expect(s.lastPush?.status).toBe('failed');
    expect(s.pushedIds).toEqual(before.pushedIds);
    expect(s.pushedIds.length).toBeGreaterThan(0);
  });

  it('/deleteme also takes the items out of the Meta catalog', async () => {
    await t.app.services.catalog.setAccessToken(listing, TOKEN);
    await t.app.services.catalog.pushListing(listing._id);
    expect(graph.catalog(CATALOG).size).toBe(1);
    await t.app.services.privacy.deleteUser(owner);
    expect(graph.catalog(CATALOG).size).toBe(0);
    expect(graph.batches[graph.batches.length - 1].body.requests.map((r) => r.method)).toEqual(['DELETE']);
  });
});

describe('push without SECRETS_KEY and batching', () => {
  it('is switched off with a clear message when SECRETS_KEY is unset', async () => {
    const t = await startTestApp();
    try {
      const u = t.tg.user(3101, { first_name: 'Olga', language_code: 'ru' });
      await ownerWithListing(t, u);
      await u.say('/shop', 'Каталог Facebook');
      const m = await u.tap('sp:push', 'Прямая отправка в Meta на этом сервере выключена');
      expect(m.text).toContain('SECRETS_KEY');
    } finally {
      await t.close();
    }
  });

  it('splits large catalogs into items_batch calls of at most 3000 requests', async () => {
    const dir = tempDir();
    const store = await openStore({ inMemory: true, dataDir: dir });
    const services = createServices({ settings: { publicUrl: 'https://lag.example', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
    const catalog: CatalogService = services.catalog;
    const sizes: number[] = [];
    const port: CatalogPushPort = {
      async itemsBatch(_c, _t, requests: BatchRequest[]) {
        sizes.push(requests.length);
        return { handles: [`h${sizes.length}`], errors: [] };
      },
      // Meta is still checking the last batch when we stop polling.
      async batchStatus(_c, _t, handle) {
        return { status: handle === 'h3' ? 'in_progress' : 'finished', errors: [] };
      },
    };
    catalog.configurePush({ port, secretsKey: KEY, pollDelaysMs: [0] });
    const owner = await services.users.touch({ channel: 'telegram', externalId: '9', chatId: '9' });
    const l = await services.directory.submit(owner, {
      name: 'Mare Producător', sectors: ['C'], activity: 'x', country: 'LV', districtId: 'lv-jelgava', locality: 'Jelgava',
      description: 'd', keywords: ['k'], phone: '+37120000000', languages: ['lv'],
    });
    await services.directory.listings.updateOne({ _id: l._id }, { $set: { status: 'published' } });
    const now = new Date();
    await catalog.products.insertMany(Array.from({ length: 6001 }, (_, i) => ({
      ...product(`Produkts ${i}`, 100 + i, `b${i}`), listingId: l._id, ownerId: owner._id, status: 'active' as const, createdAt: now, updatedAt: now,
    })));
    await catalog.setCatalogId(l, CATALOG);
    await catalog.setAccessToken(l, TOKEN);
    const report = await catalog.pushListing(l._id);
    expect(report).toMatchObject({ status: 'ok', sent: 6001 });
    expect(sizes).toEqual([3000, 3000, 1]);
    expect(report.unfinished).toBe(1);
    const said = (await catalog.pushReportText(l._id, report)).map((x) => resolveText(translator('lv'), x));
    expect(said).toEqual(['✅ Meta pieņēma 6001 izmaiņu.', '⏳ Meta vēl pārbauda 1 paketi; iespējamās problēmas būs redzamas Commerce Manager.']);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
