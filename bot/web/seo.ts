/**
 * What search engines read: robots.txt and sitemap.xml (every LAG page and every published business page,
 * each with its four language versions as hreflang alternates: `?lang=ro|ru|en|lv`).
 */
import type { Listing } from '../../models/listing.js';
import { LOCALES } from '../../models/user.js';
import type { Collection } from '../../services/store/port.js';
import { lags } from '../../services/territories.js';

export function robotsTxt(publicUrl: string): string {
  return ['User-agent: *', 'Allow: /', 'Disallow: /feeds/', 'Disallow: /poster/', 'Disallow: /media/', '', `Sitemap: ${publicUrl}/sitemap.xml`, ''].join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function entry(publicUrl: string, path: string, lastmod?: Date): string {
  const alternates = LOCALES.map((l) => `<xhtml:link rel="alternate" hreflang="${l}" href="${xml(`${publicUrl}${path}?lang=${l}`)}"/>`).join('');
  return `<url><loc>${xml(`${publicUrl}${path}`)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}${alternates}<xhtml:link rel="alternate" hreflang="x-default" href="${xml(`${publicUrl}${path}`)}"/></url>`;
}

const PAGE = 1000;

/** The sitemap, reading published listings a page at a time (one sitemap holds up to 50,000 URLs). */
export async function sitemapXml(publicUrl: string, listings: Collection<Listing>): Promise<string> {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">'];
  parts.push(entry(publicUrl, '/'));
  for (const lag of lags) parts.push(entry(publicUrl, `/lag/${lag.id}`));
  let lastId: string | undefined;
  // 50,000 URLs in all, the home page and the LAG pages included (the protocol's limit for one sitemap).
  const max = 50_000 - 1 - lags.length;
  for (let n = 0; n < max;) {
    const filter = lastId ? { status: 'published', _id: { $gt: lastId } } : { status: 'published' };
    const page = await listings.find(filter, { sort: { _id: 1 }, limit: Math.min(PAGE, max - n), projection: { _id: 1, slug: 1, updatedAt: 1 } });
    for (const l of page) parts.push(entry(publicUrl, `/b/${l.slug}`, l.updatedAt));
    n += page.length;
    if (page.length < Math.min(PAGE, max - n + page.length)) break;
    lastId = page[page.length - 1]._id;
  }
  parts.push('</urlset>');
  return parts.join('\n');
}
