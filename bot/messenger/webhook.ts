/**
 * The Messenger webhook as a fastify plugin: GET verification and signed POSTs. The JSON body is kept as
 * the raw Buffer (a content-type parser scoped to this plugin only), verified, parsed, and its events are
 * STORED before the 200 (a storage failure answers 500, and Meta delivers the POST again). Handling
 * happens afterwards, from the store (bot/messenger/index.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { verifySignature } from './signature.js';

/** One entry of `messaging[]` (the fields we read). */
export interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; quick_reply?: { payload?: string }; attachments?: unknown[] };
  postback?: { mid?: string; title?: string; payload?: string };
  read?: unknown;
  delivery?: unknown;
  [k: string]: unknown;
}

export interface WebhookOptions {
  path: string;
  verifyToken: string;
  appSecret: string;
  log: Logger;
  /**
   * Stores the events worth handling (echoes, reads, deliveries, standby are skipped) before the 200; a
   * rejection answers 500.
   */
  accept(events: MessagingEvent[]): Promise<void>;
}

/** The events of a verified body that are messages or postbacks from a person. */
export function eventsOf(body: unknown): MessagingEvent[] {
  const b = body as { object?: string; entry?: { messaging?: MessagingEvent[]; standby?: unknown[] }[] } | null;
  if (!b || b.object !== 'page' || !Array.isArray(b.entry)) return [];
  const out: MessagingEvent[] = [];
  for (const entry of b.entry) {
    // `standby[]` arrives when another app owns the thread: not ours to answer, so never read.
    for (const ev of Array.isArray(entry?.messaging) ? entry.messaging : []) {
      if (!ev || typeof ev !== 'object' || typeof ev.sender?.id !== 'string') continue;
      if (ev.message?.is_echo) continue;
      if (ev.message || ev.postback) out.push(ev);
    }
  }
  return out;
}

export function messengerWebhook(opts: WebhookOptions): FastifyPluginAsync {
  return async (app) => {
    // Scoped to this plugin: other routes keep fastify's JSON parser.
    app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.get<{ Querystring: Record<string, string | undefined> }>(opts.path, async (req, reply) => {
      const q = req.query;
      if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === opts.verifyToken && typeof q['hub.challenge'] === 'string') {
        return reply.code(200).type('text/plain').send(q['hub.challenge']);
      }
      return reply.code(403).type('text/plain').send('Forbidden');
    });

    app.post(opts.path, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!verifySignature(raw, req.headers['x-hub-signature-256'], opts.appSecret)) {
        opts.log.warn({ ip: req.ip, bytes: raw.length }, 'messenger webhook with a missing or bad signature ignored');
        return reply.code(403).type('text/plain').send('Forbidden');
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).type('text/plain').send('Bad Request');
      }
      // Meta wants the 200 within seconds: storing is one write; the work happens afterwards.
      try {
        await opts.accept(eventsOf(body));
      } catch (err) {
        opts.log.error({ err: String(err) }, 'messenger events not stored; answering 500 so Meta retries');
        return reply.code(500).type('text/plain').send('Not stored');
      }
      return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
    });
  };
}
