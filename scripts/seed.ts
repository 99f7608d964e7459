/**
 * `npm run seed -- --listings N [--offers M] [--lag <id>] [--customers C] [--seed S]`
 * Fills DATA_DIR (or the MONGODB_URI database) with a realistic generated directory through the services:
 * businesses of Moldova's North and Zemgale in ro/ru/lv/en, products with photos and prices, cooperation
 * offers, items waiting for moderation, owners, customers and LAG staff. The same seed gives the same data.
 * Refuses a directory that already has listings. Run it while the bot is stopped (the bot builds its search
 * index at start).
 */
import 'dotenv/config';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createServices } from '../services/app.js';
import { seedDirectory, SeedRefused } from '../services/seed/seed.js';
import { openStore } from '../services/store/index.js';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '1000' },
    offers: { type: 'string' },
    lag: { type: 'string' },
    customers: { type: 'string' },
    seed: { type: 'string', default: '42' },
  },
});

function count(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number ≥ 0 (got "${v}")`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR || './data';
  const mongodbUri = process.env.MONGODB_URI || undefined;
  const store = await openStore({ mongodbUri, dataDir });
  const services = createServices({ settings: { publicUrl: process.env.PUBLIC_URL || 'http://localhost:3000', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
  const started = Date.now();
  try {
    const r = await seedDirectory(services, {
      listings: count('listings', values.listings)!, offers: count('offers', values.offers), customers: count('customers', values.customers),
      seed: count('seed', values.seed), lag: values.lag, log: (line) => console.log(line),
    });
    console.log(`seeded ${mongodbUri ? 'MongoDB' : dataDir} in ${((Date.now() - started) / 1000).toFixed(1)} s: `
      + `${r.listings} listings (${r.published} published, ${r.pending} pending), ${r.products} products, `
      + `${r.offers} offers (${r.pendingOffers} pending), ${r.users} users, ${r.images} photos`);
    console.log(`admin Telegram id ${r.telegramIds.admin}; LAG staff ${r.telegramIds.staff.join(', ')}; an owner ${r.telegramIds.owners[0] ?? '-'}`);
  } catch (err) {
    if (err instanceof SeedRefused) {
      console.error(`seed: ${err.message}`);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
