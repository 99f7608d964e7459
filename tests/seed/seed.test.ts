/**
 * The seed command's data (services/seed): written through the services into a real store, then served by the
 * real bot — search finds seeded businesses in every language, photos are valid images, moderation has work,
 * the same seed gives the same directory, and a non-empty directory is refused.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../services/app.js';
import { seedDirectory, SeedRefused, type SeedResult } from '../../services/seed/seed.js';
import { openStore, type Store } from '../../services/store/index.js';
import { startTestApp, tempDir, type TestApp } from '../helpers/app.js';
import { buttons } from '../helpers/fake-telegram.js';
import { dropTestDatabase, testMongoUri } from '../helpers/mongo.js';

function services(store: Store): Services {
  return createServices({ settings: { publicUrl: 'http://lag.test', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
}

/** Where a test directory lives: a data folder, or (MONGODB_URI set) a MongoDB database of its own. */
const mongoFor = new Map<string, string | undefined>();
function open(dir: string): Promise<Store> {
  if (!mongoFor.has(dir)) mongoFor.set(dir, testMongoUri());
  return openStore({ dataDir: dir, mongodbUri: mongoFor.get(dir) });
}

async function seedInto(dir: string, listings: number, extra: { lag?: string; seed?: number } = {}): Promise<SeedResult> {
  const store = await open(dir);
  try {
    return await seedDirectory(services(store), { listings, offers: 40, ...extra });
  } finally {
    await store.close();
  }
}

let dir: string;
let seeded: SeedResult;
let t: TestApp;

beforeAll(async () => {
  dir = tempDir('lag-seed-');
  seeded = await seedInto(dir, 300);
  // STAFF_TELEGRAM_IDS is the truth at every start: the seeded admin stays admin only when listed there.
  t = await startTestApp({ dataDir: dir, mongoUri: mongoFor.get(dir), env: { STAFF_TELEGRAM_IDS: seeded.telegramIds.admin } });
});
afterAll(async () => {
  await t?.close();
  for (const [d, uri] of mongoFor) if (d !== dir) await dropTestDatabase(uri);
});

describe('seed', () => {
  it('writes listings, products, offers and users, some of them waiting for moderation', async () => {
    const s = t.app.services;
    expect(seeded).toMatchObject({ listings: 300, offers: 40, images: 6 });
    expect(await s.directory.listings.count({})).toBe(300);
    expect(await s.directory.listings.count({ status: 'published' })).toBe(seeded.published);
    expect(seeded.pending).toBeGreaterThan(0);
    expect(await s.directory.listings.count({ status: 'pending' })).toBe(seeded.pending);
    expect(await s.offers.offers.count({})).toBe(40);
    expect(await s.catalog.products.count({})).toBe(seeded.products);
    expect(seeded.products).toBeGreaterThan(100);
    const slugs = await s.directory.listings.distinct<string>('slug');
    expect(slugs).toHaveLength(300);
    expect(slugs.every((x) => /^[a-z0-9-]+$/.test(x))).toBe(true);
    // Both countries, every language, staff of every LAG.
    expect(new Set(await s.directory.listings.distinct('country'))).toEqual(new Set(['MD', 'LV']));
    expect(new Set(await s.users.users.distinct('locale'))).toEqual(new Set(['ro', 'ru', 'en', 'lv']));
    expect(await s.users.users.count({ role: 'staff' })).toBe(4);
    expect(await s.users.users.count({ role: 'admin' })).toBe(1);
    // Moldovan products show MDL beside the EUR feed price; Latvian ones are EUR only.
    const mdProduct = await s.catalog.products.findOne({ listingId: { $in: (await s.directory.listings.find({ country: 'MD' })).map((l) => l._id) } });
    expect(mdProduct?.currency).toBe('EUR');
    expect(mdProduct?.mdlMinor).toBeGreaterThan(mdProduct!.priceMinor);
    const lvProduct = await s.catalog.products.findOne({ listingId: { $in: (await s.directory.listings.find({ country: 'LV' })).map((l) => l._id) } });
    expect(lvProduct?.mdlMinor).toBeUndefined();
  });

  it('serves seeded photos as valid images of at least 500×500', async () => {
    const p = (await t.app.services.catalog.products.findOne({}))!;
    const res = await fetch(`${t.app.url}/media/${p.photos[0].blobId}`);
    expect(res.status).toBe(200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBeGreaterThanOrEqual(500);
  });

  it('the bot finds seeded businesses by search in Romanian, Russian and Latvian', async () => {
    const u = t.tg.user(4001, { language_code: 'en' });
    // Results are a header message, then one card per business (its name in the text or photo caption).
    for (const query of ['miere', 'мёд', 'medus']) {
      const since = u.messages().length;
      u.send(`/search ${query}`);
      await u.expect(/Found \d+ business/, { since });
      await u.expect(/Stupina|Пасека|Apiary|Biškopība/, { since });
    }
  });

  it('LAG staff see the seeded pending listings in /pending (in the staff member\'s stored language)', async () => {
    const admin = t.tg.user(Number(seeded.telegramIds.admin), { language_code: 'en' });
    const m = await admin.say('/pending', 'În așteptarea verificării');
    expect(m.text).toMatch(new RegExp(`\\b${seeded.pending} (de )?afaceri`));
    // The queue's cards follow the head message (the waiting time first, then the card; a logo makes it a
    // photo with a caption), each with its decision buttons.
    const card = await t.tg.waitUntil(() => admin.messages().find((x) => (x.text ?? x.caption)?.startsWith('⏳') && (x.text ?? x.caption)?.includes('🆕')
      && buttons(x).some((b) => b.callback_data?.startsWith('mod:ok:'))), 15_000, 'a pending card');
    expect(card.text ?? card.caption).toContain('🏷');
  });

  it('the same seed gives the same directory; another --lag stays in its territory', async () => {
    const again = tempDir('lag-seed-');
    const other = tempDir('lag-seed-');
    try {
      await seedInto(again, 300);
      await seedInto(other, 50, { lag: 'lv-bauska' });
      const read = async (d: string, filter = {}) => {
        const store = await open(d);
        try {
          return await services(store).directory.listings.find(filter, { sort: { slug: 1 } });
        } finally {
          await store.close();
        }
      };
      // The first directory is held by the running test app (one process per DATA_DIR): read it through the app.
      const a = (await t.app.services.directory.listings.find({}, { sort: { slug: 1 } })).map((l) => [l.slug, l.name, l.description, l.phone, l.status]);
      const b = (await read(again)).map((l) => [l.slug, l.name, l.description, l.phone, l.status]);
      expect(b).toEqual(a);
      const bauska = await read(other);
      expect(bauska).toHaveLength(50);
      expect(new Set(bauska.map((l) => l.lagId))).toEqual(new Set(['lv-bauska']));
    } finally {
      rmSync(again, { recursive: true, force: true });
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a directory that already has listings, and the CLI says so', async () => {
    const store = await open(tempDir('lag-seed-'));
    const s = services(store);
    await seedDirectory(s, { listings: 3, offers: 0 });
    await expect(seedDirectory(s, { listings: 3 })).rejects.toBeInstanceOf(SeedRefused);
    await store.close();
    const err = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--listings', 'many'], { env: { ...process.env, DATA_DIR: tempDir('lag-seed-') } })
      .then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('--listings must be a whole number');
  });
});
