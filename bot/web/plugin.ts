/**
 * Public web routes as one fastify plugin: the LAG directory site (/, /lag/:id), business pages (/b/:slug),
 * posters (/poster/…pdf), robots.txt and sitemap.xml, the share script, and the Meta catalog feeds
 * (/feeds/<token>.csv for one business, /feeds/lag/<token>.csv for a LAG).
 *
 * Query strings are checked by route schemas (zod, compiled by this plugin's validator compiler) in which every
 * field falls back to its default: a bad `page`, an unknown `sector` or a repeated `q` gives the normal page,
 * never a 400 or a 500.
 */
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NACE_SECTIONS } from '../../models/listing.js';
import { LOCALES, type Locale } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import type { RenderedFeed } from '../../services/catalog/service.js';
import { assetPath } from '../../services/assets.js';
import { pickLocale } from '../../services/i18n.js';
import { posterForBusiness, posterForLag, renderPosterPdf } from '../../services/poster.js';
import { districtsOfLag, lag as lagById, lags } from '../../services/territories.js';
import { defaultLocale, renderBusinessPage, renderNotFound } from './business-page.js';
import { PAGE_SIZE, renderHome, renderLagPage } from './directory-pages.js';
import { robotsTxt, sitemapXml } from './seo.js';
import { CSP } from './view.js';

export interface WebOptions {
  /** The bot's username (getMe) for t.me deep links on pages and posters; none → no Telegram links. */
  botUsername?: string;
}

const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': CSP,
};

const SHARE_JS = readFileSync(assetPath('bot', 'web', 'static', 'share.js'), 'utf8');

const lang = z.enum(LOCALES).optional().catch(undefined);
const LangQuery = z.object({ lang });
const LagQuerySchema = z.object({
  lang,
  q: z.string().transform((s) => s.slice(0, 200)).catch(''),
  sector: z.enum(NACE_SECTIONS).optional().catch(undefined),
  district: z.string().regex(/^[a-z0-9-]{1,64}$/).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
type LangQueryT = z.infer<typeof LangQuery>;
type LagQueryT = z.infer<typeof LagQuerySchema>;

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

export function webPlugin(services: Services, opts: WebOptions = {}): FastifyPluginAsync {
  const publicUrl = services.settings.publicUrl;
  const fallback = services.settings.defaultLocale;
  const bot = opts.botUsername;

  const html = (reply: FastifyReply, body: string, locale: Locale, code = 200) => reply.code(code).headers(PAGE_HEADERS)
    .header('content-language', locale).header('cache-control', code === 200 ? 'public, max-age=60' : 'no-cache')
    .type('text/html; charset=utf-8').send(body);
  // A missing page has no language of its own: the visitor's browser language, else the default.
  const notFound = (reply: FastifyReply, req: FastifyRequest<{ Querystring: LangQueryT }>) => {
    const locale = req.query.lang ?? pickLocale(String(req.headers['accept-language'] ?? '').split(',')[0], fallback);
    return html(reply, renderNotFound(locale, publicUrl), locale, 404);
  };
  const pdf = (reply: FastifyReply, body: Buffer, name: string) => reply.header('cache-control', 'public, max-age=3600')
    .header('x-content-type-options', 'nosniff').header('content-disposition', `inline; filename="${name}"`).type('application/pdf').send(body);

  return async (app) => {
    // Every schema here is a zod object whose fields fall back to defaults, so validation never fails.
    app.setValidatorCompiler(({ schema }) => (data) => {
      const r = (schema as z.ZodType).safeParse(data);
      return r.success ? { value: r.data } : { error: r.error as unknown as Error };
    });

    app.get<{ Querystring: LangQueryT }>('/', { schema: { querystring: LangQuery } }, async (req, reply) => {
      const locale = req.query.lang ?? fallback;
      await services.search.init();
      const counts = new Map<string, number>();
      for (const l of lags) {
        counts.set(l.id, services.search.engine.query({ text: '', lagId: l.id, pageSize: 1 }).total);
      }
      return html(reply, renderHome({ locale, publicUrl, counts }), locale);
    });

    app.get<{ Params: { id: string }; Querystring: LagQueryT }>('/lag/:id', { schema: { querystring: LagQuerySchema } }, async (req, reply) => {
      const lag = lagById(req.params.id);
      const locale = req.query.lang ?? (lag?.country === 'LV' ? 'lv' : fallback);
      if (!lag) return notFound(reply, req);
      const { q, sector } = req.query;
      const district = districtsOfLag(lag.id).some((d) => d.id === req.query.district) ? req.query.district : undefined;
      let page = req.query.page;
      // Only a search someone typed counts in the LAG's statistics; following links (people, crawlers) does not.
      const run = (p: number) => services.search.search({ text: q, sector, districtId: district, lagId: lag.id, page: p - 1, pageSize: PAGE_SIZE, count: !!q?.trim() });
      let result = await run(page);
      const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      if (page > pages) result = await run((page = pages));
      const facets = services.search.facets(undefined, lag.id);
      return html(reply, renderLagPage({ lag, locale, publicUrl, query: { q, sector, district, page }, result, facets, botUsername: bot }), locale);
    });

    app.get<{ Params: { slug: string }; Querystring: LangQueryT }>('/b/:slug', { schema: { querystring: LangQuery } }, async (req, reply) => {
      const slug = req.params.slug;
      const listing = /^[a-z0-9-]{1,80}$/.test(slug) ? await services.directory.bySlug(slug) : null;
      if (!listing || listing.status !== 'published') return notFound(reply, req);
      const locale = req.query.lang ?? defaultLocale(listing);
      const products = await services.catalog.activeList(listing._id, 200);
      return html(reply, renderBusinessPage({
        listing, products, locale, publicUrl, now: services.clock.now(), botUsername: bot,
        imageUrl: (id) => services.catalog.imageLink(id),
      }), locale);
    });

    app.get<{ Params: { file: string }; Querystring: LangQueryT }>('/poster/b/:file', { schema: { querystring: LangQuery } }, async (req, reply) => {
      const m = req.params.file.match(/^([a-z0-9-]{1,80})\.pdf$/);
      const listing = m ? await services.directory.bySlug(m[1]) : null;
      if (!listing || listing.status !== 'published') return notFound(reply, req);
      const locale = req.query.lang ?? defaultLocale(listing);
      return pdf(reply, await renderPosterPdf(posterForBusiness(listing, locale, publicUrl, bot)), `${listing.slug}.pdf`);
    });

    app.get<{ Params: { file: string }; Querystring: LangQueryT }>('/poster/lag/:file', { schema: { querystring: LangQuery } }, async (req, reply) => {
      const m = req.params.file.match(/^([a-z0-9-]{1,64})\.pdf$/);
      const lag = m ? lagById(m[1]) : undefined;
      if (!lag) return notFound(reply, req);
      const locale = req.query.lang ?? (lag.country === 'LV' ? 'lv' : fallback);
      return pdf(reply, await renderPosterPdf(posterForLag(lag.id, locale, publicUrl, bot)), `${lag.id}.pdf`);
    });

    app.get('/robots.txt', async (_req, reply) => reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(robotsTxt(publicUrl)));

    app.get('/sitemap.xml', async (_req, reply) => reply.type('application/xml; charset=utf-8').header('cache-control', 'public, max-age=3600')
      .send(await sitemapXml(publicUrl, services.directory.listings)));

    app.get('/static/share.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff').send(SHARE_JS));

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
