/**
 * Wires config → store → services → channels → HTTP server, and stops them in reverse order.
 * main.ts runs it for real; end-to-end tests run it in-process against fake platform servers.
 */
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createServices, type Services } from '../services/app.js';
import type { Clock } from '../services/clock.js';
import { openStore, type Store } from '../services/store/index.js';
import type { Config } from './config.js';
import { GraphCatalogClient } from './meta/catalog-client.js';
import { createMessenger, type MessengerChannel } from './messenger/index.js';
import { createServer } from './server.js';
import { createBot } from './telegram/bot.js';
import { registerCommands } from './telegram/commands.js';
import { createBroadcastWorker } from './telegram/features/broadcast-sender.js';
import { webPlugin } from './web/plugin.js';

export interface App {
  services: Services;
  server: FastifyInstance;
  /** Base URL the HTTP server listens on (e.g. http://127.0.0.1:3000). */
  url: string;
  /** Present when MESSENGER_PAGE_ACCESS_TOKEN is set. */
  messenger?: MessengerChannel;
  stop(): Promise<void>;
}

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export function createLogger(level: string): Logger {
  return pino({
    level,
    // Tokens and secrets never reach the logs, wherever they appear in a logged object.
    redact: { paths: ['*.token', '*.*.token', '*.access_token', '*.secret', 'config', '*.config', 'headers.authorization'], censor: '[redacted]' },
  });
}

export async function startApp(config: Config, opts: { log?: Logger; clock?: Clock; inMemoryStore?: boolean; wrapStore?: (s: Store) => Store } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const opened = await openStore({ mongodbUri: config.MONGODB_URI, dataDir: config.DATA_DIR, inMemory: opts.inMemoryStore });
  // Tests wrap the store to cross-check every query against MongoDB semantics.
  const store = opts.wrapStore ? opts.wrapStore(opened) : opened;
  log.info({ engine: store.engine }, 'store ready');
  const services = createServices({
    settings: { publicUrl: config.PUBLIC_URL, defaultLocale: config.DEFAULT_LOCALE, bootstrapAdmins: config.STAFF_TELEGRAM_IDS, matchCrossBorderBoost: config.MATCH_CROSS_BORDER_BOOST },
    store,
    log,
    clock: opts.clock,
  });
  await services.search.init();
  await services.matching.ensureLoaded();
  // Direct push to Meta catalogs: off (with a clear message in /shop) while SECRETS_KEY is unset.
  services.catalog.configurePush({ port: new GraphCatalogClient({ graphUrl: config.MESSENGER_GRAPH_URL, version: config.MESSENGER_GRAPH_VERSION }), secretsKey: config.SECRETS_KEY });

  const bot = createBot(config.TELEGRAM_BOT_TOKEN, { services, apiRoot: config.TELEGRAM_API_ROOT, ratePerMinute: config.RATE_LIMIT_PER_MINUTE });
  await bot.init();
  log.info({ username: bot.botInfo.username }, 'telegram bot ready');

  const webhook = config.TELEGRAM_WEBHOOK_URL
    ? { path: new URL(config.TELEGRAM_WEBHOOK_URL).pathname || '/telegram', secret: config.TELEGRAM_WEBHOOK_SECRET! }
    : undefined;
  const messenger = config.MESSENGER_PAGE_ACCESS_TOKEN ? createMessenger(config, services) : undefined;
  const server = await createServer({ services, log, bot, telegramWebhook: webhook, plugins: [webPlugin(services, { botUsername: bot.botInfo.username }), ...(messenger ? [messenger.plugin] : [])] });
  const address = await server.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace('[::]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');

  const broadcastWorker = createBroadcastWorker(services, { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, rates: { telegram: config.BROADCAST_RATE_PER_SECOND } });
  await broadcastWorker.start();

  await registerCommands(bot.api, config.DEFAULT_LOCALE).catch((err) => log.warn({ err: String(err) }, 'setMyCommands failed'));

  services.scheduler.start();

  let runner: RunnerHandle | undefined;
  if (webhook) {
    await bot.api.setWebhook(config.TELEGRAM_WEBHOOK_URL!, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
    log.info({ path: webhook.path }, 'telegram webhook mode');
  } else {
    await bot.api.deleteWebhook();
    runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    log.info('telegram long polling');
  }

  let stopped = false;
  return {
    services,
    server,
    url,
    messenger,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (runner?.isRunning()) await runner.stop();
      await services.scheduler.stop();
      await broadcastWorker.stop();
      await server.close();
      await messenger?.idle();
      await store.close();
      log.info('stopped');
    },
  };
}
