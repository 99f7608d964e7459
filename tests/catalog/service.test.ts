/**
 * The catalog service without any chat: the LAG-wide feed (opt-in, published only, its own token), the
 * CatalogView port used by other channels, the products_changed event, and the routes' 404s.
 */
import { rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../bot/server.js';
import { webPlugin } from '../../bot/web/plugin.js';
import type { Listing } from '../../models/listing.js';
import type { User } from '../../models/user.js';
import { createServices, type Services } from '../../services/app.js';
import { openStore } from '../../services/store/index.js';
import type { Store } from '../../services/store/port.js';
import { tempDir } from '../helpers/app.js';
import { photo } from './fixtures.js';

const product = (title: string, priceMinor: number, extra: Record<string, unknown> = {}) => ({
  title, description: `${title}.`, priceMinor, currency: 'EUR' as const, availability: 'in stock' as const, condition: 'new' as const,
  photos: [photo(`img-${priceMinor}`)], ...extra,
});

describe('catalog service', () => {
  let dir: string;
  let store: Store;
  let s: Services;
  let server: FastifyInstance;
  const owners: User[] = [];
  const listings: Listing[] = [];

  async function business(n: number, districtId: string, country: 'MD' | 'LV', published = true): Promise<Listing> {
    const owner = await s.users.touch({ channel: 'telegram', externalId: String(100 + n), chatId: String(100 + n) });
    owners.push(owner);
    const l = await s.directory.submit(owner, {
      name: `Afacerea ${n}`, sectors: ['A'], activity: 'x', country, districtId, locality: 'Loc', description: 'd', keywords: ['k'],
      phone: country === 'MD' ? '+37369123450' : '+37120000000', languages: [country === 'MD' ? 'ro' : 'lv'],
    });
    if (published) await s.directory.listings.updateOne({ _id: l._id }, { $set: { status: 'published' } });
    const fresh = (await s.directory.byId(l._id))!;
    listings.push(fresh);
    return fresh;
  }

  beforeAll(async () => {
    dir = tempDir();
    store = await openStore({ inMemory: true, dataDir: dir });
    s = createServices({ settings: { publicUrl: 'https://lag.example', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
    server = await createServer({ services: s, log: pino({ level: 'silent' }), plugins: [webPlugin(s)] });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('emits listing.products_changed on every change and shows products through CatalogView', async () => {
    const l = await business(1, 'md-soroca', 'MD');
    const seen: string[] = [];
    s.events.on('listing.products_changed', (id) => seen.push(id));
    const p = await s.catalog.add(owners[0], l, product('Miere', 1250, { mdlMinor: 25000 }));
    await s.catalog.add(owners[0], l, product('Fără poză', 500, { photos: [] }));
    await s.catalog.setStatus(l._id, p._id, 'paused');
    await s.catalog.setStatus(l._id, p._id, 'active');
    expect(seen).toEqual([l._id, l._id, l._id, l._id]);
    const views = await s.catalogView!.activeProducts(l);
    expect(views[0]).toEqual({
      id: p._id, title: 'Miere', priceText: '12.50 EUR · 250.00 MDL', imageUrl: 'https://lag.example/media/img-1250',
      link: `https://lag.example/b/${l.slug}#p-${p._id}`,
    });
    expect(views).toHaveLength(2);
    const o = await s.catalog.overview(l);
    expect(o.valid.map((x) => x.title)).toEqual(['Miere']);
    expect(o.invalid[0].problems.map((x) => x.key)).toEqual(['shop:problem.image_missing']);
  });

  it('an edit that replaces the photos deletes the dropped ones; null clears an optional field', async () => {
    const l = listings[0];
    const kept = await s.store.blobs.put(Buffer.from('kept'), 'image/jpeg');
    const dropped = await s.store.blobs.put(Buffer.from('dropped'), 'image/jpeg');
    const p = await s.catalog.add(owners[0], l, product('Polen', 300, { photos: [photo(kept), photo(dropped)], brand: 'Albina' }));
    const edited = await s.catalog.update(l._id, p._id, { photos: [photo(kept)], brand: null });
    expect(edited.photos.map((x) => x.blobId)).toEqual([kept]);
    expect(edited.brand).toBeUndefined();
    expect(await s.store.blobs.get(kept)).not.toBeNull();
    expect(await s.store.blobs.get(dropped)).toBeNull();
    await s.catalog.remove(l._id, p._id);
    expect(await s.store.blobs.get(kept)).toBeNull();
  });

  it('serves a LAG feed of opted-in, published businesses of that LAG only', async () => {
    const [a] = listings;
    const b = await business(2, 'md-drochia', 'MD');
    const notOptedIn = await business(3, 'md-soroca', 'MD');
    const pending = await business(4, 'md-soroca', 'MD', false);
    const latvian = await business(5, 'lv-jelgava', 'LV');
    await s.catalog.add(owners[1], b, product('Vin de Drochia, 0,75 l', 900));
    await s.catalog.add(owners[2], notOptedIn, product('Ascuns', 100));
    await s.catalog.add(owners[3], pending, product('În așteptare', 200));
    await s.catalog.add(owners[4], latvian, product('Medus', 700));
    for (const l of [a, b, pending, latvian]) await s.catalog.setLagFeed(l, true);

    const token = await s.catalog.lagFeedToken('md-nord');
    expect(await s.catalog.lagFeedToken('md-nord')).toBe(token);
    expect(s.catalog.lagFeedUrl(token)).toBe(`https://lag.example/feeds/lag/${token}.csv`);
    const res = await server.inject({ method: 'GET', url: `/feeds/lag/${token}.csv` });
    expect(res.statusCode).toBe(200);
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.title, r.brand]).sort()).toEqual([['Miere', 'Afacerea 1'], ['Vin de Drochia, 0,75 l', 'Afacerea 2']]);
    const cached = await server.inject({ method: 'GET', url: `/feeds/lag/${token}.csv`, headers: { 'if-none-match': res.headers.etag as string } });
    expect(cached.statusCode).toBe(304);

    const rotated = await s.catalog.rotateLagFeedToken('md-nord');
    expect((await server.inject({ method: 'GET', url: `/feeds/lag/${token}.csv` })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: `/feeds/lag/${rotated}.csv` })).statusCode).toBe(200);
  });

  it('answers 404 for unknown or malformed feed tokens and unpublished pages', async () => {
    for (const url of ['/feeds/short.csv', '/feeds/aaaaaaaaaaaaaaaaaaaaaaaa.csv', '/feeds/../../etc/passwd', '/feeds/lag/nope.csv']) {
      expect((await server.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    const pending = listings[3];
    const page = await server.inject({ method: 'GET', url: `/b/${pending.slug}`, headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('<html lang="ru">');
    expect(page.body).toContain('Страница не найдена');
  });

  it('escapes everything users wrote on the public page', async () => {
    const owner = await s.users.touch({ channel: 'telegram', externalId: '999', chatId: '999' });
    const l = await s.directory.submit(owner, {
      name: '<script>alert(1)</script>', sectors: ['A'], activity: '"><img src=x onerror=alert(1)>', country: 'MD', districtId: 'md-soroca',
      locality: 'Soroca', description: "It's <b>bold</b> & more", keywords: ['k'], phone: '+37369123459', languages: ['ro'],
      website: 'https://example.md/?q="x"',
    });
    await s.directory.listings.updateOne({ _id: l._id }, { $set: { status: 'published' } });
    await s.catalog.add(owner, l, product('<i>Titlu</i> & "ghilimele"', 300));
    const res = await server.inject({ method: 'GET', url: `/b/${l.slug}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).not.toContain('<b>bold');
    // "<" and "&" are escaped in text ("> " alone can't open a tag), quotes in attributes.
    expect(res.body).toContain('&lt;script>alert(1)&lt;/script>');
    expect(res.body).toContain('&lt;i>Titlu&lt;/i> &amp; &quot;ghilimele&quot;');
    expect(res.body).toContain("It's &lt;b>bold&lt;/b> &amp; more");
    expect(res.body).toContain('&quot;>&lt;img src=x onerror=alert(1)>');
    // Inside the JSON-LD block too: nothing the owner typed can close the script or open a tag.
    const ld = res.body.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/)![1];
    expect(ld).not.toMatch(/[<>]/);
    expect(JSON.parse(ld)[0].name).toBe('<script>alert(1)</script>');
  });

  it('gives the active product titles of many listings in one call, oldest first, at most the limit each', async () => {
    const a = await business(21, 'md-soroca', 'MD');
    const b = await business(22, 'md-soroca', 'MD');
    const first = await s.catalog.add(owners[0], a, product('Miere de salcâm', 1000));
    await s.catalog.add(owners[0], a, product('Ceară', 500));
    await s.catalog.add(owners[0], a, product('Polen', 700));
    const paused = await s.catalog.add(owners[1], b, product('Vin roșu', 900));
    await s.catalog.setStatus(b._id, paused._id, 'paused');
    const titles = await s.catalogView!.activeTitles!([a._id, b._id, 'none'], 2);
    expect(titles.get(a._id)).toEqual([first.title, 'Ceară']);
    expect(titles.has(b._id)).toBe(false);
    expect(titles.has('none')).toBe(false);
  });
});
