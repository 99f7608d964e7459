/**
 * The demo's web chat (registered only in demo mode): GET /demo serves the page; /demo/api/* lets the page act
 * as Telegram users toward the Bot API emulator (send text, press buttons, share a contact, upload a photo,
 * switch language) and long-polls chat timelines; /demo/file/:id serves files kept by the emulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { imageSize } from 'image-size';
import { LOCALES } from '../../models/user.js';
import { assetPath } from '../../services/assets.js';
import { i18n, isLocale, LANGUAGE_NAMES } from '../../services/i18n.js';
import type { DemoChats } from './chats.js';
import { renderDemoPage } from './page.js';

const ASSETS = assetPath('bot', 'demo', 'assets');
const PHOTO_LIMIT = 10 * 1024 * 1024;
const LONG_POLL_MS = 20_000;

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function asset(name: string): Buffer {
  return readFileSync(join(ASSETS, name));
}

/** Image type by magic bytes (the page only ever shows images it got from here). */
function sniff(data: Buffer): string | null {
  if (data[0] === 0xff && data[1] === 0xd8) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

interface Act { user?: unknown; lang?: unknown }

export function demoPlugin(chats: DemoChats): FastifyPluginAsync {
  const assets = { js: asset('chat.js'), css: asset('chat.css') };
  return async (app) => {
    app.addContentTypeParser(['image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: PHOTO_LIMIT }, (_req, body, done) => done(null, body));

    const bad = (reply: FastifyReply, what: string) => reply.code(400).send({ ok: false, error: what });
    /** The acting user from a request: a known chat id, with the page's language applied to new users. */
    const actor = async (body: Act) => {
      const id = Number(body.user);
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      const u = await chats.user(id);
      if (u && isLocale(body.lang) && !u.profile.language_code) u.profile.language_code = body.lang;
      return u;
    };

    app.get('/demo', async (_req, reply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(renderDemoPage()));
    app.get('/demo/assets/chat.js', async (_req, reply) => reply.headers(PAGE_HEADERS).type('text/javascript; charset=utf-8').send(assets.js));
    app.get('/demo/assets/chat.css', async (_req, reply) => reply.headers(PAGE_HEADERS).type('text/css; charset=utf-8').send(assets.css));

    app.get('/demo/api/session', async () => ({
      personas: chats.personas.map((p) => ({ key: p.key, id: p.id, name: p.firstName, locale: p.locale })),
      languages: LOCALES.map((l) => ({ code: l, name: LANGUAGE_NAMES[l] })),
      strings: Object.fromEntries(LOCALES.map((l) => [l, i18n().getResourceBundle(l, 'demo')])),
    }));

    app.get<{ Querystring: { user?: string; after?: string } }>('/demo/api/chat', async (req, reply) => {
      const id = Number(req.query.user);
      if (!Number.isSafeInteger(id) || id <= 0) return bad(reply, 'user');
      const after = Number(req.query.after ?? -1);
      if (Number.isFinite(after) && after >= 0) await chats.emulator.changedSince(after, LONG_POLL_MS);
      return reply.header('cache-control', 'no-store').send({ ...(await chats.view(id)), chats: await chats.activeChats() });
    });

    app.post<{ Body: Act & { text?: unknown } }>('/demo/api/send', async (req, reply) => {
      const u = await actor(req.body ?? {});
      const text = req.body?.text;
      if (!u || typeof text !== 'string' || !text.trim() || text.length > 4096) return bad(reply, 'text');
      u.send(text);
      return { ok: true };
    });

    app.post<{ Body: Act & { message?: unknown; data?: unknown } }>('/demo/api/press', async (req, reply) => {
      const u = await actor(req.body ?? {});
      const messageId = Number(req.body?.message);
      const data = req.body?.data;
      const msg = chats.emulator.messagesTo(u?.id ?? -1).find((m) => m.message_id === messageId && !m.deleted);
      if (!u || !msg || typeof data !== 'string') return bad(reply, 'button');
      const has = (msg.reply_markup?.inline_keyboard as any[][] | undefined)?.flat().some((b) => b.callback_data === data);
      if (!has) return bad(reply, 'button');
      chats.emulator.pushUpdate({
        callback_query: {
          id: String(chats.emulator.nextMessageId()), from: { id: u.id, is_bot: false, ...u.profile }, chat_instance: `ci${u.id}`, data,
          message: { message_id: msg.message_id, date: Math.floor(msg.at / 1000), chat: { id: u.id, type: 'private' }, text: msg.text ?? msg.caption },
        },
      });
      return { ok: true };
    });

    app.post<{ Body: Act }>('/demo/api/contact', async (req, reply) => {
      const u = await actor(req.body ?? {});
      if (!u) return bad(reply, 'user');
      u.shareContact(chats.persona(u.id)?.phone ?? '+37369000199');
      return { ok: true };
    });

    app.post<{ Body: Act }>('/demo/api/language', async (req, reply) => {
      const u = await actor(req.body ?? {});
      if (!u || !isLocale(req.body?.lang)) return bad(reply, 'language');
      await chats.setLanguage(u, req.body.lang);
      return { ok: true };
    });

    app.post<{ Querystring: { user?: string; lang?: string; caption?: string }; Body: Buffer }>('/demo/api/photo', async (req, reply) => {
      const u = await actor({ user: req.query.user, lang: req.query.lang });
      const data = req.body;
      if (!u || !Buffer.isBuffer(data) || !sniff(data)) return bad(reply, 'photo');
      let size: { width?: number; height?: number };
      try {
        size = imageSize(data);
      } catch {
        return bad(reply, 'photo');
      }
      if (!size.width || !size.height) return bad(reply, 'photo');
      const caption = typeof req.query.caption === 'string' && req.query.caption ? req.query.caption.slice(0, 1024) : undefined;
      u.sendPhoto(data, { width: size.width, height: size.height }, caption);
      return { ok: true };
    });

    app.get<{ Params: { id: string } }>('/demo/file/:id', async (req, reply) => {
      const f = chats.emulator.files.get(req.params.id);
      if (!f) return reply.code(404).type('text/plain').send('Not found');
      const type = sniff(f.data);
      reply.header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=3600');
      if (!type) return reply.header('content-disposition', 'attachment').type('application/octet-stream').send(f.data);
      return reply.type(type).send(f.data);
    });
  };
}
