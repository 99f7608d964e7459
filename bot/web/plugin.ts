/**
 * Public web routes as one fastify plugin: business pages (/b/:slug) and Meta catalog feeds
 * (/feeds/<token>.csv for one business, /feeds/lag/<token>.csv for a LAG).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { LOCALES, type Locale } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import type { RenderedFeed } from '../../services/catalog/service.js';
import { pickLocale } from '../../services/i18n.js';
import { pageLanguages, pickPageLocale, renderBusinessPage, renderNotFound } from './page.js';

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function notFoundLocale(req: FastifyRequest<{ Querystring: { lang?: string } }>, fallback: Locale): Locale {
  const q = req.query.lang;
  if (typeof q === 'string' && (LOCALES as readonly string[]).includes(q)) return q as Locale;
  return pickLocale(String(req.headers['accept-language'] ?? '').split(',')[0], fallback);
}

function sendFeed(req: FastifyRequest, reply: FastifyReply, feed: RenderedFeed | null) {
  if (!feed) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  reply
    .header('etag', feed.etag)
    .header('last-modified', feed.lastModified.toUTCString())
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff');
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified = inm !== undefined
    ? inm.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(feed.etag) || inm.trim() === '*'
    : ims !== undefined && !Number.isNaN(Date.parse(ims)) && feed.lastModified.getTime() <= Date.parse(ims);
  if (notModified) return reply.code(304).send();
  return reply.type('text/csv; charset=utf-8').send(feed.csv);
}

export function webPlugin(services: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { slug: string }; Querystring: { lang?: string } }>('/b/:slug', async (req, reply) => {
      const slug = req.params.slug;
      const listing = /^[a-z0-9-]{1,80}$/.test(slug) ? await services.directory.bySlug(slug) : null;
      if (!listing || listing.status !== 'published') {
        return reply.code(404).headers(PAGE_HEADERS).type('text/html; charset=utf-8')
          .send(renderNotFound(notFoundLocale(req, services.settings.defaultLocale)));
      }
      const languages = pageLanguages(listing);
      const locale = pickPageLocale(req.query.lang, languages);
      const products = await services.catalog.activeList(listing._id, 200);
      const html = renderBusinessPage({
        listing, products, locale, languages, publicUrl: services.settings.publicUrl,
        imageUrl: (id) => services.catalog.imageLink(id),
      });
      return reply.headers(PAGE_HEADERS).header('cache-control', 'public, max-age=60').header('content-language', locale)
        .type('text/html; charset=utf-8').send(html);
    });

    app.get<{ Params: { file: string } }>('/feeds/:file', async (req, reply) => {
      const m = req.params.file.match(/^([\w-]{20,64})\.csv$/);
      return sendFeed(req, reply, m ? await services.catalog.feedByToken(m[1]) : null);
    });

    app.get<{ Params: { file: string } }>('/feeds/lag/:file', async (req, reply) => {
      const m = req.params.file.match(/^([\w-]{20,64})\.csv$/);
      return sendFeed(req, reply, m ? await services.catalog.lagFeedByToken(m[1]) : null);
    });
  };
}
