/**
 * Demo mode (`npm run demo`, or `npm start` without a token): the real app (startApp: store, services, bot,
 * HTTP server, workers) against the in-process Bot API emulator, on a freshly seeded directory in its own
 * data folder (DEMO_DATA_DIR, default ./data-demo, wiped and seeded again at every start), with the web chat
 * at /demo. The embedded store is always used: a MONGODB_URI in .env is ignored, so a demo never writes to a
 * real database. It listens on 127.0.0.1 unless HOST is set (anyone who can open the page can act as any user).
 */
import { mkdirSync, rmSync } from 'node:fs';
import pino from 'pino';
import type { Listing } from '../../models/listing.js';
import { createServices } from '../../services/app.js';
import { seedDirectory } from '../../services/seed/seed.js';
import { openStore } from '../../services/store/index.js';
import { createLogger, startApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import { DemoChats, type Persona } from './chats.js';
import { BotApiEmulator, EMULATOR_TOKEN } from './emulator.js';
import { demoPlugin } from './plugin.js';

export interface Demo {
  app: App;
  emulator: BotApiEmulator;
  chats: DemoChats;
  /** The web chat's address, e.g. http://localhost:3000/demo. */
  pageUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** The new entrepreneur is nobody yet: a Telegram user who has never written to the bot. */
const NEWCOMER_ID = 100_001;

export async function startDemo(env: Record<string, string | undefined>, opts: { listings?: number } = {}): Promise<Demo> {
  const dataDir = env.DEMO_DATA_DIR || './data-demo';
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  const store = await openStore({ dataDir });
  const seeding = createServices({ settings: { publicUrl: 'http://localhost', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
  const listings = opts.listings ?? Number(env.DEMO_LISTINGS || 200);
  const seeded = await seedDirectory(seeding, { listings, offers: Math.ceil(listings / 3) });
  // The registered owner: a published business with products, so /shop, /mybusiness and /offer have content.
  let owner: Listing | null = null;
  for (const p of await seeding.catalog.products.find({}, { limit: 200 })) {
    const l = await seeding.directory.byId(p.listingId);
    if (l?.status === 'published') {
      owner = l;
      break;
    }
  }
  const user = async (id: string) => (await seeding.users.byExternal('telegram', id))!;
  const ownerUser = owner ? await seeding.users.byId(owner.ownerId!) : await user(seeded.telegramIds.owners[0]);
  const customer = await user(seeded.telegramIds.customers[0]);
  const admin = await user(seeded.telegramIds.admin);
  await store.close();

  const personas: Persona[] = [
    { key: 'newcomer', id: NEWCOMER_ID, firstName: 'Elena', phone: '+37369000101', locale: 'ro' },
    { key: 'owner', id: Number(ownerUser!.externalId), firstName: ownerUser!.firstName ?? 'Owner', phone: owner?.phone ?? '+37369000102', locale: ownerUser!.locale },
    { key: 'customer', id: Number(customer.externalId), firstName: customer.firstName ?? 'Customer', phone: '+37369000103', locale: customer.locale },
    { key: 'staff', id: Number(admin.externalId), firstName: 'Admin', phone: '+37369000104', locale: admin.locale },
  ];

  const emulator = await BotApiEmulator.start();
  const config = loadConfig({
    ...env,
    TELEGRAM_BOT_TOKEN: EMULATOR_TOKEN,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    TELEGRAM_WEBHOOK_URL: '',
    TELEGRAM_WEBHOOK_SECRET: '',
    MESSENGER_PAGE_ACCESS_TOKEN: '',
    MONGODB_URI: '',
    DATA_DIR: dataDir,
    STAFF_TELEGRAM_IDS: admin.externalId,
    // Anyone who can open the page acts as any user: only this computer, unless HOST says otherwise.
    HOST: env.HOST || '127.0.0.1',
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
  });
  let chats: DemoChats | undefined;
  let app: App;
  try {
    app = await startApp(config, {
      log: createLogger(config.LOG_LEVEL),
      extraPlugins: (services) => {
        chats = new DemoChats(emulator, personas, services);
        return [demoPlugin(chats)];
      },
    });
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const port = new URL(app.url).port;
  return {
    app,
    emulator,
    chats: chats!,
    pageUrl: `http://localhost:${port}/demo`,
    dataDir,
    async stop() {
      await app.stop();
      await emulator.close();
    },
  };
}
