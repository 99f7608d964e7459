/**
 * One fastify app: health, metrics, Telegram webhook, media; channels and features add their routes as
 * plugins (Messenger webhook, feeds, public pages).
 */
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import type { Services } from '../services/app.js';
import type { Intake } from '../services/intake/intake.js';
import type { Metrics } from '../services/metrics.js';
import type { TrustProxy } from './config.js';
import { httpSerializers } from './log.js';

/** Constant-time comparison of a presented secret with the expected one. */
function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ServerOptions {
  services: Services;
  log: Logger;
  /** Configured secret values, kept out of request logs (see bot/log.ts). */
  secrets?: readonly string[];
  /** TRUST_PROXY: which forwarding headers to believe for the client address; off by default. */
  trustProxy?: TrustProxy;
  /** Webhook mode: path derived from the configured URL, secret checked on every request; updates go to the intake. */
  telegramWebhook?: { path: string; secret: string; intake: Intake };
  /** GET /metrics (Prometheus text); `token` set → a bearer token is required. */
  metrics?: { metrics: Metrics; token?: string };
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
    // Only pictures are public: other blobs (e.g. a staff member's uploaded import file) are never served.
    if (!blob || !blob.contentType.startsWith('image/')) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .header('cache-control', 'public, max-age=86400, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(blob.contentType)
      .send(blob.data);
  });

  if (opts.metrics) {
    const { metrics, token } = opts.metrics;
    app.get('/metrics', async (req, reply) => {
      if (token && !sameSecret(req.headers.authorization, `Bearer ${token}`)) {
        return reply.code(401).header('www-authenticate', 'Bearer').type('text/plain').send('Unauthorized');
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }

  const hook = opts.telegramWebhook;
  if (hook) {
    // 200 only once the update is stored: a storage failure answers 500 and Telegram sends it again.
    // Handling happens afterwards, in the update's chat queue.
    app.post(hook.path, async (req, reply) => {
      if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], hook.secret)) return reply.code(401).send('secret token is wrong');
      const update = req.body as { update_id?: unknown } | null;
      if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) return reply.code(400).send('not an update');
      const id = update.update_id as number;
      try {
        await hook.intake.accept([{ id: String(id), seq: id, payload: update }]);
      } catch (err) {
        opts.log.error({ err: String(err), updateId: id }, 'telegram update not stored; answering 500 so Telegram retries');
        return reply.code(500).send('not stored');
      }
      return reply.code(200).send('');
    });
  }

  for (const p of opts.plugins ?? []) await app.register(p);
  return app;
}
