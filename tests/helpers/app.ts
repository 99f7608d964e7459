/** Starts the real app (HTTP server, store, bot by long polling) against local fake platform servers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import type { Clock } from '../../services/clock.js';
import { crosscheckStore, divergences } from './crosscheck-store.js';
import { FakeTelegram, TEST_TOKEN } from './fake-telegram.js';
import { dropTestDatabase, testMongoUri } from './mongo.js';

export interface TestApp {
  app: App;
  tg: FakeTelegram;
  dataDir: string;
  /** The test's own MongoDB database when MONGODB_URI is set (tests/helpers/mongo.ts); else the embedded store. */
  mongoUri?: string;
  /** Stops the app (as a clean shutdown) and starts a new one on the same data directory. */
  restart(): Promise<TestApp>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'lag-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testEnv(tg: FakeTelegram, dataDir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://lag.test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '1000',
    // Test users answer within milliseconds, where a person takes seconds: without this every flow step
    // that sends two messages would wait Telegram's one second per chat. Budget tests set their own.
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    ...env,
  };
}

export async function startTestApp(opts: { tg?: FakeTelegram; dataDir?: string; mongoUri?: string; env?: Record<string, string>; clock?: Clock } = {}): Promise<TestApp> {
  const tg = opts.tg ?? (await FakeTelegram.start());
  const dataDir = opts.dataDir ?? tempDir();
  // On MongoDB (MONGODB_URI set): a database of this test app's own, kept across restart(), dropped by close().
  const mongoUri = opts.mongoUri ?? testMongoUri();
  const config = loadConfig(testEnv(tg, dataDir, { ...(mongoUri ? { MONGODB_URI: mongoUri } : {}), ...opts.env }));
  const app = await startApp(config, { log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), clock: opts.clock, wrapStore: crosscheckStore });
  const handle: TestApp = {
    app,
    tg,
    dataDir,
    mongoUri,
    async restart() {
      await app.stop();
      return startTestApp({ ...opts, tg, dataDir, mongoUri });
    },
    async close() {
      await app.stop();
      await tg.close();
      rmSync(dataDir, { recursive: true, force: true });
      await dropTestDatabase(mongoUri);
      if (divergences.length) throw new Error(`store queries diverged from MongoDB semantics: ${divergences.join('; ')}`);
    },
  };
  return handle;
}
