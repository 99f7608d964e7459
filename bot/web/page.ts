/**
 * The public business page PUBLIC_URL/b/<slug>: server-rendered, mobile-first, in the business's languages.
 * Each product is an <article id="p-<productId>">: the anchor the Meta feed's `link` points to.
 */
import type { Listing } from '../../models/listing.js';
import type { Product } from '../../models/product.js';
import { LOCALES, type Locale } from '../../models/user.js';
import { feedPrice } from '../../services/catalog/money.js';
import { translator } from '../../services/i18n.js';
import { district } from '../../services/territories.js';
import { esc, safeHref } from './html.js';

const OG_LOCALE: Record<Locale, string> = { ro: 'ro_RO', ru: 'ru_RU', en: 'en_GB', lv: 'lv_LV' };
const LANG_NAMES: Record<Locale, string> = { ro: 'Română', ru: 'Русский', en: 'English', lv: 'Latviešu' };

/** Languages the page offers: the business's languages we have translations for (its country's first). */
export function pageLanguages(listing: Pick<Listing, 'languages' | 'country'>): Locale[] {
  const own = listing.languages.filter((l): l is Locale => (LOCALES as readonly string[]).includes(l));
  return own.length ? own : [listing.country === 'LV' ? 'lv' : 'ro'];
}

export function pickPageLocale(requested: unknown, offered: Locale[]): Locale {
  return typeof requested === 'string' && (offered as string[]).includes(requested) ? (requested as Locale) : offered[0];
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f5f1}
a{color:#0b57a4}
a:focus-visible{outline:3px solid #f0a400;outline-offset:2px}
header{background:#1d4d2b;color:#fff;padding:16px}
header a{color:#fff}
.wrap{max-width:960px;margin:0 auto}
.top{display:flex;gap:14px;align-items:center}
.logo{width:72px;height:72px;border-radius:12px;object-fit:cover;background:#fff;flex:none}
h1{font-size:1.6rem;line-height:1.2;margin:0}
.sub{margin:4px 0 0;color:#e3efe6}
nav.langs{margin-top:12px;display:flex;flex-wrap:wrap;gap:6px}
nav.langs a{padding:4px 10px;border:1px solid #cfe3d5;border-radius:999px;text-decoration:none;font-size:.9rem}
nav.langs a[aria-current]{background:#fff;color:#1d4d2b;font-weight:600}
main{padding:16px}
section{margin-bottom:24px}
h2{font-size:1.25rem;margin:0 0 10px}
.about{white-space:pre-line}
.contacts{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:8px}
.contacts a{display:inline-block;padding:10px 14px;background:#fff;border:1px solid #d4d0c4;border-radius:10px;text-decoration:none;color:#1b1b1b}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
article{background:#fff;border:1px solid #dedad0;border-radius:12px;overflow:hidden;display:flex;flex-direction:column}
article:target{outline:3px solid #f0a400}
article img{width:100%;height:auto;aspect-ratio:1/1;object-fit:cover;background:#eee;display:block}
article .body{padding:12px}
article h3{font-size:1.05rem;margin:0 0 6px}
.price{font-weight:700;font-size:1.05rem;color:#1d4d2b;margin:0}
.price s{font-weight:400;color:#555;font-size:.9rem}
.mdl{margin:0;color:#333;font-size:.95rem}
.avail{display:inline-block;margin:6px 0;padding:2px 8px;border-radius:6px;font-size:.85rem;background:#e6f2e9;color:#174224}
.avail.out{background:#f6e3e1;color:#7a1e14}
.desc{white-space:pre-line;font-size:.95rem;color:#333;margin:6px 0 0}
.empty{color:#555}
footer{padding:16px;color:#555;font-size:.85rem;text-align:center}
`;

/** Price (sale price with the regular one struck through) and the MDL price on its own line. */
function priceHtml(p: Product): string {
  const sale = p.salePriceMinor !== undefined && p.salePriceMinor < p.priceMinor;
  const main = sale
    ? `${esc(feedPrice(p.salePriceMinor!, p.currency))} <s>${esc(feedPrice(p.priceMinor, p.currency))}</s>`
    : esc(feedPrice(p.priceMinor, p.currency));
  return `<p class="price">${main}</p>${p.mdlMinor !== undefined ? `<p class="mdl">${esc(feedPrice(p.mdlMinor, 'MDL'))}</p>` : ''}`;
}

export interface PageModel {
  listing: Listing;
  products: Product[];
  locale: Locale;
  languages: Locale[];
  publicUrl: string;
  /** Absolute image URL (Open Graph needs one); <img> tags use the same-origin /media path. */
  imageUrl: (blobId: string) => string;
}

export function renderBusinessPage(m: PageModel): string {
  const { listing: l, locale } = m;
  const t = translator(locale);
  const pageUrl = `${m.publicUrl}/b/${l.slug}`;
  const place = [l.locality, district(l.districtId) ? t(`territory:district.${l.districtId}`) : ''].filter(Boolean).join(', ');
  const summary = (l.activity || l.description).slice(0, 200);
  const ogImage = l.logoId ? m.imageUrl(l.logoId) : m.products[0]?.photos[0] ? m.imageUrl(m.products[0].photos[0].blobId) : undefined;

  const langs = m.languages.length > 1
    ? `<nav class="langs" aria-label="${esc(t('page:languages'))}">${m.languages.map((lng) =>
      `<a href="?lang=${lng}" hreflang="${lng}" lang="${lng}"${lng === locale ? ' aria-current="true"' : ''}>${esc(LANG_NAMES[lng])}</a>`).join('')}</nav>`
    : '';

  const contacts: string[] = [];
  const tel = safeHref(`tel:${l.phone}`);
  if (tel) contacts.push(`<li><a href="${esc(tel)}">${esc(t('page:call'))}: ${esc(l.phone)}</a></li>`);
  const mail = l.email ? safeHref(`mailto:${l.email}`) : null;
  if (mail) contacts.push(`<li><a href="${esc(mail)}">${esc(l.email)}</a></li>`);
  const web = safeHref(l.website);
  if (web) contacts.push(`<li><a href="${esc(web)}" rel="noopener nofollow">${esc(t('page:website'))}</a></li>`);
  const fb = safeHref(l.facebook);
  if (fb) contacts.push(`<li><a href="${esc(fb)}" rel="noopener nofollow">Facebook</a></li>`);

  const products = m.products.map((p) => {
    const photo = p.photos[0];
    const img = photo
      ? `<img src="/media/${esc(photo.blobId)}" alt="${esc(p.title)}" width="${photo.width}" height="${photo.height}" loading="lazy">`
      : '';
    const out = p.availability === 'out of stock';
    return `<article id="p-${esc(p._id)}">${img}<div class="body">
<h3>${esc(p.title)}</h3>
${priceHtml(p)}
<span class="avail${out ? ' out' : ''}">${esc(t(`page:availability.${p.availability}`))}</span>${p.condition !== 'new' ? ` <span class="avail">${esc(t(`page:condition.${p.condition}`))}</span>` : ''}
<p class="desc">${esc(p.description)}</p>
</div></article>`;
  }).join('\n');

  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(l.name)}</title>
<meta name="description" content="${esc(summary)}">
<link rel="canonical" href="${esc(pageUrl)}">
${m.languages.map((lng) => `<link rel="alternate" hreflang="${lng}" href="${esc(`${pageUrl}?lang=${lng}`)}">`).join('\n')}
<meta property="og:type" content="business.business">
<meta property="og:title" content="${esc(l.name)}">
<meta property="og:description" content="${esc(summary)}">
<meta property="og:url" content="${esc(pageUrl)}">
<meta property="og:locale" content="${OG_LOCALE[locale]}">
${ogImage ? `<meta property="og:image" content="${esc(ogImage)}">` : ''}
<style>${STYLE}</style>
</head>
<body>
<header><div class="wrap">
<div class="top">${l.logoId ? `<img class="logo" src="/media/${esc(l.logoId)}" alt="${esc(t('page:logo_alt', { name: l.name }))}">` : ''}
<div><h1>${esc(l.name)}</h1>${l.activity ? `<p class="sub">${esc(l.activity)}</p>` : ''}${place ? `<p class="sub">${esc(place)}</p>` : ''}</div></div>
${langs}
</div></header>
<main class="wrap">
${l.description ? `<section><h2>${esc(t('page:about'))}</h2><p class="about">${esc(l.description)}</p></section>` : ''}
<section><h2>${esc(t('page:contacts'))}</h2><ul class="contacts">${contacts.join('')}</ul></section>
<section><h2>${esc(t('page:products'))}</h2>
${m.products.length ? `<div class="grid">\n${products}\n</div>` : `<p class="empty">${esc(t('page:no_products'))}</p>`}
</section>
</main>
<footer>${esc(t('page:footer', { lag: t(`territory:lag.${l.lagId}`) }))}</footer>
</body>
</html>`;
}

export function renderNotFound(locale: Locale): string {
  const t = translator(locale);
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(t('page:not_found_title'))}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#f6f5f1;margin:0;padding:32px 16px;text-align:center}</style></head>
<body><h1>${esc(t('page:not_found_title'))}</h1><p>${esc(t('page:not_found_text'))}</p></body>
</html>`;
}
