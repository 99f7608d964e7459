/**
 * Several real bot processes (bot/main.ts) on one store, in webhook mode, behind the fake Bot API that
 * delivers updates to them round-robin (tests/scale, the scale benchmark). On the embedded engine they share
 * one DATA_DIR (STORE_SHARED=1); with MONGODB_URI set, one test database on that server.
 */
import { rmSync } from 'node:fs';
import pino from 'pino';
import { createServices, type Services } from '../../services/app.js';
import { openStore, type Store } from '../../services/store/index.js';
import { tempDir, testEnv } from './app.js';
import { FakeTelegram } from './fake-telegram.js';
import { dropTestDatabase, testMongoUri } from './mongo.js';
import { startBotProcess, type BotProcess } from './process.js';

export const WEBHOOK_SECRET = 'scale-test-secret';

export interface Instance {
  proc: BotProcess;
  /** Base URL of its HTTP server. */
  url: string;
  /** Where the fake Bot API posts its updates. */
  hook: string;
  pid: number;
}

export interface Cluster {
  tg: FakeTelegram;
  dataDir: string;
  mongoUri?: string;
  env: Record<string, string>;
  /** The test's own view of the store (the same engine the instances use, opened shared). */
  store: Store;
  services: Services;
  instances: Instance[];
  /** Starts one more instance (not yet in the delivery rotation: call `route()`). */
  start(extraEnv?: Record<string, string>): Promise<Instance>;
  /** Delivers updates round-robin to these instances (default: all that run). */
  route(instances?: Instance[]): void;
  close(): Promise<void>;
}

/** Opens the store shared and builds the services over it, for seeding and checking (no bot, no jobs). */
export async function openSharedServices(dataDir: string, mongoUri?: string): Promise<{ store: Store; services: Services }> {
  const store = await openStore({ dataDir, mongodbUri: mongoUri, shared: true });
  const services = createServices({ settings: { publicUrl: 'http://lag.test', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
  return { store, services };
}

export async function startCluster(opts: { env?: Record<string, string>; tg?: FakeTelegram; seed?: (s: Services) => Promise<void> } = {}): Promise<Cluster & { size: number }> {
  const tg = opts.tg ?? (await FakeTelegram.start());
  const dataDir = tempDir('lag-scale-');
  const mongoUri = testMongoUri();
  const { store, services } = await openSharedServices(dataDir, mongoUri);
  await opts.seed?.(services);
  const env = testEnv(tg, dataDir, {
    STORE_SHARED: '1',
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg',
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: 'info',
    ...(mongoUri ? { MONGODB_URI: mongoUri } : {}),
    ...opts.env,
  });
  const cluster: Cluster & { size: number } = {
    tg, dataDir, mongoUri, env, store, services, instances: [],
    get size() {
      return this.instances.length;
    },
    async start(extraEnv = {}) {
      const proc = startBotProcess({ ...env, ...extraEnv }, 'bot/main.ts', 200_000);
      await proc.ready(undefined, 60_000);
      const url = proc.output().match(/"url":"(http:\/\/[^"]+)"/)![1];
      const inst = { proc, url, hook: `${url}/tg`, pid: proc.child.pid! };
      cluster.instances.push(inst);
      return inst;
    },
    route(instances = cluster.instances.filter((i) => i.proc.child.exitCode === null && i.proc.child.signalCode === null)) {
      tg.deliverTo(instances.map((i) => i.hook), WEBHOOK_SECRET);
    },
    async close() {
      await Promise.all(cluster.instances.map((i) => i.proc.stop()));
      await store.close();
      await tg.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropTestDatabase(mongoUri);
    },
  };
  return cluster;
}

/** The most messages the fake received in any window of `windowMs` (sliding over every send's time). */
export function maxPerWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
