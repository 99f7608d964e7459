/**
 * Fills a store with a realistic directory through the services (schemas validate every document, slugs come
 * from DirectoryService, products and offers go to their services' collections): businesses of Moldova's North
 * and Zemgale in four languages, products with photos, cooperation offers and requests, items waiting for
 * moderation, and users (owners, customers, LAG staff). Deterministic for a given seed. Used by
 * `npm run seed` and by demo mode.
 */
import type { Listing } from '../../models/listing.js';
import type { Offer } from '../../models/offer.js';
import type { Product } from '../../models/product.js';
import type { User } from '../../models/user.js';
import type { Services } from '../app.js';
import { districtsOfLag, lag as lagById, lags } from '../territories.js';
import { businessGenerator, type GeneratedBusiness } from './generator.js';
import { seedImage, SEED_IMAGE_SIZE } from './images.js';
import { randomTools, seededRandom } from './rng.js';

export interface SeedOptions {
  listings: number;
  /** Cooperation offers and requests (default: a quarter of the listings). */
  offers?: number;
  /** Only this LAG's territory (a LAG id from services/reference/territories.json). */
  lag?: string;
  /** Customers (default: a fifth of the listings, at least 5). */
  customers?: number;
  seed?: number;
  /** First Telegram user id of seeded users (owners, then customers, then staff). */
  firstUserId?: number;
  /** Progress lines (e.g. console.log). */
  log?: (line: string) => void;
}

export interface SeedResult {
  listings: number;
  published: number;
  pending: number;
  products: number;
  offers: number;
  pendingOffers: number;
  users: number;
  images: number;
  /** Telegram ids: the admin, each LAG's staff member, some owners of published listings, some customers. */
  telegramIds: { admin: string; staff: string[]; owners: string[]; customers: string[] };
}

const BATCH = 1000;
const IMAGES = 6;
const DAY = 86_400_000;

export class SeedRefused extends Error {}

export async function seedDirectory(services: Services, opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 42;
  if (opts.lag && !lagById(opts.lag)) throw new SeedRefused(`unknown LAG "${opts.lag}"; known: ${lags.map((l) => l.id).join(', ')}`);
  if (await services.directory.listings.count({})) {
    throw new SeedRefused('the directory is not empty: seed into an empty DATA_DIR (or an empty MongoDB database)');
  }
  const now = services.clock.now();
  const { pick, chance } = randomTools(seededRandom(seed + 1));
  const gen = businessGenerator(seed, { images: IMAGES, since: new Date(now.getTime() - 540 * DAY), districts: opts.lag ? districtsOfLag(opts.lag) : undefined });
  let nextId = opts.firstUserId ?? 700_000_001;
  const user = (u: Partial<User>): Partial<User> => {
    const id = String(nextId++);
    return { channel: 'telegram', externalId: id, chatId: id, localeChosen: true, role: 'user', reachable: true, lastInboundAt: now, matchCadence: 'daily', createdAt: now, ...u };
  };

  const imageIds: string[] = [];
  for (let i = 0; i < IMAGES; i++) imageIds.push(await services.store.blobs.put(await seedImage(i), 'image/jpeg'));

  const result: SeedResult = {
    listings: 0, published: 0, pending: 0, products: 0, offers: 0, pendingOffers: 0, users: 0, images: IMAGES,
    telegramIds: { admin: '', staff: [], owners: [], customers: [] },
  };
  const offerTarget = opts.offers ?? Math.floor(opts.listings / 4);
  let offersLeft = offerTarget;
  const started = Date.now();

  for (let done = 0; done < opts.listings; done += BATCH) {
    const businesses = Array.from({ length: Math.min(BATCH, opts.listings - done) }, gen.business);
    const owners = await services.users.users.insertMany(businesses.map((b) => user({ firstName: b.owner.firstName, locale: b.owner.locale, createdAt: b.createdAt })));
    const listings = await services.directory.insertManyWithSlugs(businesses.map((b, i) => ({
      ownerId: owners[i]._id,
      status: b.status,
      name: b.name,
      sectors: b.sectors,
      activity: b.activity,
      country: b.country,
      districtId: b.district.id,
      lagId: b.district.lag,
      locality: b.locality,
      description: b.description,
      keywords: b.keywords,
      phone: b.phone,
      email: b.email,
      website: b.website,
      languages: b.languages,
      logoId: b.logo !== undefined ? imageIds[b.logo] : undefined,
      submittedAt: b.createdAt,
      publishedAt: b.status === 'published' ? new Date(b.createdAt.getTime() + DAY) : undefined,
      moderationNote: b.status === 'changes_requested' ? 'Adăugați vă rog o fotografie și programul de lucru.' : undefined,
      createdAt: b.createdAt,
      updatedAt: b.createdAt,
    })));
    const products: Partial<Product>[] = [];
    const batchPublished: { listing: Listing; business: GeneratedBusiness }[] = [];
    listings.forEach((l, i) => {
      const b = businesses[i];
      if (l.status === 'published') {
        batchPublished.push({ listing: l, business: b });
        result.published++;
        if (result.telegramIds.owners.length < 20) result.telegramIds.owners.push(owners[i].externalId);
      } else if (l.status === 'pending') result.pending++;
      for (const p of b.products) {
        products.push({
          listingId: l._id, ownerId: owners[i]._id, title: p.title, description: p.description, priceMinor: p.priceMinor, currency: 'EUR',
          ...(p.mdlMinor !== undefined ? { mdlMinor: p.mdlMinor } : {}), availability: p.availability, condition: 'new',
          photos: [{ blobId: imageIds[p.image], width: SEED_IMAGE_SIZE, height: SEED_IMAGE_SIZE }], status: 'active', createdAt: b.createdAt, updatedAt: b.createdAt,
        });
      }
    });
    if (products.length) await services.catalog.products.insertMany(products);
    result.products += products.length;
    result.listings += listings.length;
    result.users += owners.length;

    // Offers of this batch's published businesses, spread evenly over the whole run.
    const share = Math.min(offersLeft, Math.round((offerTarget * (done + listings.length)) / opts.listings) - (offerTarget - offersLeft));
    const offers: Partial<Offer>[] = [];
    for (let k = 0; k < share && batchPublished.length; k++) {
      const { listing, business } = pick(batchPublished);
      const [o] = gen.offers(business, 1);
      const submittedAt = new Date(listing.createdAt.getTime() + 2 * DAY);
      offers.push({
        ownerId: listing.ownerId!, listingId: listing._id, lagId: listing.lagId, country: listing.country, districtId: listing.districtId,
        kind: o.kind, type: o.type, sectors: listing.sectors, targetCountries: o.targetCountries, targetDistricts: [],
        title: o.title, description: o.description, keywords: o.keywords, status: o.status,
        validUntil: new Date(now.getTime() + (90 + Math.floor((k * 37) % 270)) * DAY), extended: false, submittedAt,
        ...(o.status === 'published' ? { publishedAt: new Date(submittedAt.getTime() + DAY) } : {}),
        createdAt: submittedAt, updatedAt: submittedAt,
      });
      if (o.status === 'pending') result.pendingOffers++;
    }
    if (offers.length) await services.offers.offers.insertMany(offers);
    offersLeft -= offers.length;
    result.offers += offers.length;
    log(`seed: ${result.listings}/${opts.listings} listings, ${result.products} products, ${result.offers} offers (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  const customerCount = opts.customers ?? Math.max(5, Math.floor(opts.listings / 5));
  for (let done = 0; done < customerCount; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, customerCount - done) }, () => {
      const locale = pick(['ro', 'ro', 'ru', 'lv', 'en'] as const);
      return user({ firstName: pick(['Ana', 'Victor', 'Ольга', 'Līga', 'Emma', 'Dorin', 'Pēteris']), locale, matchCadence: chance(0.5) ? 'daily' : 'off' });
    });
    const customers = await services.users.users.insertMany(batch);
    result.telegramIds.customers.push(...customers.slice(0, 20 - result.telegramIds.customers.length).map((c) => c.externalId));
    result.users += customers.length;
  }

  const staffLags = opts.lag ? [opts.lag] : lags.map((l) => l.id);
  const staff = await services.users.users.insertMany([
    user({ firstName: 'Admin', locale: 'ro', role: 'admin', matchCadence: 'off' }),
    ...staffLags.map((id) => user({ firstName: `Staff ${id}`, locale: lagById(id)!.country === 'LV' ? 'lv' : 'ro', role: 'staff', lagId: id, matchCadence: 'off' })),
  ]);
  result.telegramIds.admin = staff[0].externalId;
  result.telegramIds.staff = staff.slice(1).map((s) => s.externalId);
  result.users += staff.length;
  return result;
}
