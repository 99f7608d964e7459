/**
 * Wires config → store → services → channels → HTTP server, and stops them in reverse order.
 * main.ts runs it for real; end-to-end tests run it in-process against fake platform servers.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { syncAdmins } from '../services/admins.js';
import { createServices, type Services } from '../services/app.js';
import type { Clock } from '../services/clock.js';
import type { Update } from 'grammy/types';
import { pickLocale, translator } from '../services/i18n.js';
import { Metrics } from '../services/metrics.js';
import { isStoreUnavailable } from '../services/store/port.js';
import { LocalBudget, type OutboundBudget } from '../services/outbound/budget.js';
import { StoreBudget } from '../services/outbound/store-budget.js';
import { ChangeFeed } from '../services/changes/feed.js';
import { indexConsumer, recordChanges } from '../services/changes/wire.js';
import { LeasedRole, Leases, ROLES } from '../services/lease.js';
import { systemClock } from '../services/clock.js';
import { CHANGE_LOG_KEEP_SECONDS } from '../models/coordination.js';
import { observeStoreErrors, openStore, type Store } from '../services/store/index.js';
import { configWarnings, type Config } from './config.js';
import { GraphCatalogClient } from './meta/catalog-client.js';
import { createMessenger, type MessengerChannel } from './messenger/index.js';
import { configSecrets, createLogger } from './log.js';
import { createServer } from './server.js';
import { createBot } from './telegram/bot.js';
import { registerCommands } from './telegram/commands.js';
import { createBroadcastWorker } from './telegram/features/broadcast-sender.js';
import { telegramIntake } from './telegram/intake.js';
import { DurablePoller } from './telegram/polling.js';
import { webPlugin } from './web/plugin.js';

export interface App {
  services: Services;
  server: FastifyInstance;
  /** Base URL the HTTP server listens on (e.g. http://127.0.0.1:3000). */
  url: string;
  /** Present when MESSENGER_PAGE_ACCESS_TOKEN is set. */
  messenger?: MessengerChannel;
  metrics: Metrics;
  /** The one outbound budget (replies, notifications, broadcasts). */
  budget: OutboundBudget;
  /** Resolves when every Telegram update taken in so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** A second long-polling instance: Telegram allows one poller per bot token. */
export class PollerLeaseHeld extends Error {
  constructor(readonly holder: string) {
    super(`Another instance is already long-polling this bot (${holder}). Telegram allows one getUpdates poller per bot token. `
      + 'To run several instances, use webhook mode (TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET) with STORE_SHARED=1 on each — see docs/SCALING.md. '
      + 'If that instance was stopped on another host, its lease runs out within 6 seconds.');
    this.name = 'PollerLeaseHeld';
  }
}

/** Edits are not asked for: nothing handles them, and inside a flow one would be read as the answer. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

export { createLogger } from './log.js';

export interface StartOptions {
  log?: Logger;
  /** Where the app's own logger writes (tests capture it); ignored when `log` is given. */
  logDestination?: DestinationStream;
  clock?: Clock;
  inMemoryStore?: boolean;
  wrapStore?: (s: Store) => Store;
  /** More HTTP routes built from the services (demo mode adds its web chat; nothing else does). */
  extraPlugins?: (services: Services) => FastifyPluginAsync[];
}

export async function startApp(config: Config, opts: StartOptions = {}): Promise<App> {
  const secrets = configSecrets(config);
  const log = opts.log ?? createLogger(config.LOG_LEVEL, { secrets, destination: opts.logDestination });
  for (const warning of configWarnings(config)) log.warn(warning);
  const metrics = new Metrics();
  const shared = config.STORE_SHARED;
  const opened = await openStore({ mongodbUri: config.MONGODB_URI, dataDir: config.DATA_DIR, inMemory: opts.inMemoryStore, synchronous: config.SQLITE_SYNCHRONOUS, log: log.child({ module: 'store' }), shared });
  // Tests wrap the store to cross-check every query against MongoDB semantics; every store error is counted.
  const store = observeStoreErrors(opts.wrapStore ? opts.wrapStore(opened) : opened, (c, op, err) => metrics.storeError(c, op, err));
  log.info({ engine: store.engine, shared, sinceProcessStartMs: Math.round(performance.now()) }, 'store ready');
  const leases = new Leases(store, opts.clock ?? systemClock);
  // Long polling: one poller per bot token (Telegram answers 409 to a second one). Refused here, before anything
  // else starts, with the way to run several instances.
  let pollerRole: LeasedRole | undefined;
  let poller: DurablePoller | undefined;
  if (!config.TELEGRAM_WEBHOOK_URL) {
    // Lost later (this process stalled past the lease): stop polling — another instance polls now — and poll
    // again if the lease comes back.
    pollerRole = new LeasedRole(leases, ROLES.poller, {
      log,
      gained: async () => poller?.start(),
      lost: async () => {
        log.error('the long-polling lease went to another instance: this one stops polling');
        await poller?.stop();
      },
    });
    await pollerRole.start();
    if (!pollerRole.holding) {
      const holder = await leases.holder(ROLES.poller).catch(() => null);
      await pollerRole.stop();
      const health = store.health();
      await store.close();
      // Nobody holds it: the lease could not be written — the store is the problem, not another poller.
      if (!holder) throw new Error(`could not take the long-polling lease: the store cannot write${!health.ok ? ` (${health.reason})` : ''}`);
      throw new PollerLeaseHeld(`${holder.host}, pid ${holder.pid}, since ${holder.since.toISOString()}`);
    }
  }
  const services = createServices({
    settings: { publicUrl: config.PUBLIC_URL, defaultLocale: config.DEFAULT_LOCALE, bootstrapAdmins: config.STAFF_TELEGRAM_IDS, matchCrossBorderBoost: config.MATCH_CROSS_BORDER_BOOST },
    store,
    log,
    clock: opts.clock,
  });
  // Several instances: changes made through the others reach this one's indexes. Read from the log's head
  // taken before the indexes load, so nothing changed meanwhile is missed.
  let feed: ChangeFeed | undefined;
  if (shared) {
    feed = new ChangeFeed(store, { origin: leases.owner, clock: services.clock, log: log.child({ module: 'changes' }) });
    feed.onApplied = (entry, at) => metrics.changeDelay.observe(Math.max(0, at.getTime() - new Date(entry.at).getTime()) / 1000);
    recordChanges(services, feed);
    await feed.start(indexConsumer(services));
    const keepMs = CHANGE_LOG_KEEP_SECONDS * 1000;
    services.scheduler.register('changes.prune', '29 * * * *', (now) => feed!.prune(now, keepMs));
  }
  for (const [job, cron] of Object.entries(config.JOB_SCHEDULES)) services.scheduler.reschedule(job, cron);
  await services.matching.ensureLoaded();
  // Direct push to Meta catalogs: off (with a clear message in /shop) while SECRETS_KEY is unset.
  services.catalog.configurePush({ port: new GraphCatalogClient({ graphUrl: config.MESSENGER_GRAPH_URL, version: config.MESSENGER_GRAPH_VERSION }), secretsKey: config.SECRETS_KEY });

  const limits = {
    perSecond: config.TELEGRAM_MESSAGES_PER_SECOND, perChatIntervalMs: config.TELEGRAM_CHAT_INTERVAL_MS, perGroupPerMinute: config.TELEGRAM_GROUP_MESSAGES_PER_MINUTE,
  };
  // One budget for the bot token: in this process, or in the store when several instances share it.
  const budget: OutboundBudget = shared ? new StoreBudget(store, limits, { log }) : new LocalBudget(limits);
  const bot = createBot(config.TELEGRAM_BOT_TOKEN, { services, apiRoot: config.TELEGRAM_API_ROOT, ratePerMinute: config.RATE_LIMIT_PER_MINUTE, budget, metrics, shared });
  await bot.init();
  log.info({ username: bot.botInfo.username, sinceProcessStartMs: Math.round(performance.now()) }, 'telegram bot ready');
  // After the bot exists: the remaining admins are told through its notifier route.
  await syncAdmins(services, config.STAFF_TELEGRAM_IDS);

  // Store first, then handle: updates left unhandled by a crash are handled before any new one.
  const intake = telegramIntake(bot, services.inbox, { log: log.child({ module: 'intake' }), metrics, shared: shared ? { locks: leases } : undefined });
  await intake.recover();
  const webhook = config.TELEGRAM_WEBHOOK_URL
    ? { path: new URL(config.TELEGRAM_WEBHOOK_URL).pathname || '/telegram', secret: config.TELEGRAM_WEBHOOK_SECRET!, intake }
    : undefined;
  const messenger = config.MESSENGER_PAGE_ACCESS_TOKEN ? createMessenger(config, services, { metrics, shared: shared ? { locks: leases } : undefined }) : undefined;
  await messenger?.recover();
  metrics.sources({
    outbound: () => budget.depth(),
    intake: () => ({ telegram: intake.queue.depth, ...(messenger ? { messenger: messenger.intake.queue.depth } : {}) }),
  });
  const server = await createServer({
    services, log, secrets, trustProxy: config.TRUST_PROXY, telegramWebhook: webhook, metrics: { metrics, token: config.METRICS_TOKEN },
    plugins: [webPlugin(services, { botUsername: bot.botInfo.username }), ...(messenger ? [messenger.plugin] : []), ...(opts.extraPlugins?.(services) ?? [])],
  });
  const address = await server.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace('[::]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  log.info({ url, sinceProcessStartMs: Math.round(performance.now()) }, 'http server ready');

  const broadcastWorker = createBroadcastWorker(services, {
    token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, budget, metrics, rates: { telegram: config.BROADCAST_RATE_PER_SECOND },
  });
  // One broadcast worker per deployment: with several instances, the holder of its lease; another takes over
  // within a few seconds when the holder dies (its in-flight sends become `unknown`: never sent twice).
  const broadcastRole = shared
    ? new LeasedRole(leases, ROLES.broadcast, { log, gained: () => broadcastWorker.start(), lost: () => broadcastWorker.stop() })
    : undefined;
  if (broadcastRole) await broadcastRole.start();
  else await broadcastWorker.start();

  await registerCommands(bot.api, config.DEFAULT_LOCALE).catch((err) => log.warn({ err: String(err) }, 'setMyCommands failed'));

  services.scheduler.start();

  if (webhook) {
    await bot.api.setWebhook(config.TELEGRAM_WEBHOOK_URL!, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
    log.info({ path: webhook.path }, 'telegram webhook mode');
  } else {
    await bot.api.deleteWebhook();
    // The store cannot write: the batch stays unconfirmed (it is handled once the store works again), and each
    // sender is told once, in their language, to try again later — never silence, never a false success.
    const told = new Set<number>();
    const onUnstored = async (updates: Update[], err: unknown) => {
      if (!isStoreUnavailable(err)) return;
      for (const u of updates) {
        if (told.has(u.update_id)) continue;
        told.add(u.update_id);
        if (told.size > 10_000) told.clear();
        const from = u.message?.from ?? u.callback_query?.from;
        const chatId = u.message?.chat.id ?? u.callback_query?.message?.chat.id;
        if (chatId === undefined) continue;
        const t = translator(pickLocale(from?.language_code, config.DEFAULT_LOCALE));
        await bot.api.sendMessage(chatId, t('store:unavailable')).catch(() => undefined);
      }
    };
    poller = new DurablePoller(bot.api, intake, { allowedUpdates: ALLOWED_UPDATES, log: log.child({ module: 'polling' }), onUnstored });
    poller.start();
    log.info('telegram long polling');
  }

  // The search index builds in the background once the bot serves, from one streamed pass (the store yields
  // between batches): the bot answers from the first second at any directory size; a search waits for it.
  const searchReady = services.search.init().catch((err) => log.error({ err: String(err) }, 'search index build failed'));

  let stopped = false;
  return {
    services,
    server,
    url,
    messenger,
    metrics,
    budget,
    idle: () => intake.idle(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await poller?.stop();
      await pollerRole?.stop();
      await services.scheduler.stop();
      if (broadcastRole) await broadcastRole.stop();
      else await broadcastWorker.stop();
      await feed?.stop();
      await intake.close();
      await messenger?.intake.close();
      await server.close();
      await intake.idle();
      await messenger?.idle();
      await searchReady;
      await store.close();
      log.info('stopped');
    },
  };
}
