/**
 * One fastify app: health, Telegram webhook, media; channels and features add their routes as plugins
 * (Messenger webhook, feeds, public pages).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Services } from '../services/app.js';
import type { TrustProxy } from './config.js';
import { httpSerializers } from './log.js';
import type { BotContext } from './telegram/context.js';

export interface ServerOptions {
  services: Services;
  log: Logger;
  /** Configured secret values, kept out of request logs (see bot/log.ts). */
  secrets?: readonly string[];
  /** TRUST_PROXY: which forwarding headers to believe for the client address; off by default. */
  trustProxy?: TrustProxy;
  bot?: Bot<BotContext>;
  /** Webhook mode: path derived from the configured URL, secret checked on every request. */
  telegramWebhook?: { path: string; secret: string };
  /** Extra route plugins (Messenger, feeds, pages). */
  plugins?: FastifyPluginAsync[];
}

export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.log.child({ module: 'http' }, { serializers: httpSerializers(opts.secrets ?? []) }) as unknown as FastifyBaseLogger,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
  });

  // fastify's own 404 logs the raw URL (a mistyped feed token, a query with a secret): ours does not.
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain').send('Not found'));

  app.get('/healthz', async (_req, reply) => {
    const store = await opts.services.store.ping();
    return reply.code(store ? 200 : 503).send({ ok: store, store: { engine: opts.services.store.engine, ok: store } });
  });

  app.get<{ Params: { id: string } }>('/media/:id', async (req, reply) => {
    const blob = /^[\w.-]{1,80}$/.test(req.params.id) ? await opts.services.store.blobs.get(req.params.id) : null;
    // Only pictures are public: other blobs (e.g. a staff member's uploaded import file) are never served.
    if (!blob || !blob.contentType.startsWith('image/')) return reply.code(404).type('text/plain').send('Not found');
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
