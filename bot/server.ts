/**
 * One fastify app: health, Telegram webhook, media; channels and features add their routes as plugins
 * (Messenger webhook, feeds, public pages).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Services } from '../services/app.js';
import type { BotContext } from './telegram/context.js';

export interface ServerOptions {
  services: Services;
  log: Logger;
  bot?: Bot<BotContext>;
  /** Webhook mode: path derived from the configured URL, secret checked on every request. */
  telegramWebhook?: { path: string; secret: string };
  /** Extra route plugins (Messenger, feeds, pages). */
  plugins?: FastifyPluginAsync[];
}

export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log.child({ module: 'http' }) as unknown as FastifyBaseLogger,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: true,
  });

  app.get('/healthz', async (_req, reply) => {
    const store = opts.services.store;
    const reachable = await store.ping();
    // Reachable is not enough: a store that cannot write (disk full, read-only) makes the bot unable to keep
    // what users send, so the instance is unhealthy until a write succeeds again.
    const health = store.health();
    const ok = reachable && health.ok;
    const reason = reachable ? health.reason : 'store unreachable';
    return reply.code(ok ? 200 : 503).send({ ok, store: { engine: store.engine, ok, ...(ok ? {} : { reason, since: health.since }) } });
  });

  app.get<{ Params: { id: string } }>('/media/:id', async (req, reply) => {
    const blob = /^[\w.-]{1,80}$/.test(req.params.id) ? await opts.services.store.blobs.get(req.params.id) : null;
    if (!blob) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .header('cache-control', 'public, max-age=86400, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(blob.contentType)
      .send(blob.data);
  });

  if (opts.bot && opts.telegramWebhook) {
    const handle = webhookCallback(opts.bot, 'fastify', { secretToken: opts.telegramWebhook.secret, onTimeout: 'return', timeoutMilliseconds: 9_000 });
    app.post(opts.telegramWebhook.path, handle);
  }

  for (const p of opts.plugins ?? []) await app.register(p);
  return app;
}
