/** @jsxImportSource preact */
/**
 * The public business page PUBLIC_URL/b/<slug>: a small shop. On a phone the products come first (photo
 * grid, price in the owner's currency — lei in Moldova — sale price, availability), then the description in
 * the page's language, contacts (call, Telegram, Viber, WhatsApp, e-mail, share), address with an
 * OpenStreetMap link, opening hours with "open now" in the business's time zone, and the LAG's directory.
 * Each product is a <article id="p-<productId>">: the anchor the Meta feed's `link` points to.
 */
import type { VNode } from 'preact';
import type { Listing } from '../../models/listing.js';
import type { Product } from '../../models/product.js';
import { LOCALES, type Locale } from '../../models/user.js';
import { formatMinor } from '../../services/catalog/money.js';
import type { TFunction } from '../../services/i18n.js';
import { clock, localTime, openState, weekdayName } from '../../services/opening-hours.js';
import { country, district, timezoneOf } from '../../services/territories.js';
import { safeHref } from './html.js';
import { LangSwitch, pageTranslator, renderDocument, withLang, type Head } from './view.js';

/** The page's default language: the first of the business's languages we translate, else its country's. */
export function defaultLocale(listing: Pick<Listing, 'languages' | 'country'>): Locale {
  return (listing.languages.find((l) => (LOCALES as readonly string[]).includes(l)) as Locale | undefined) ?? (listing.country === 'LV' ? 'lv' : 'ro');
}

export interface BusinessPageModel {
  listing: Listing;
  products: Product[];
  locale: Locale;
  publicUrl: string;
  now: Date;
  /** Absolute image URL (Open Graph, JSON-LD); <img> tags use the same-origin /media path. */
  imageUrl: (blobId: string) => string;
  /** The bot's username (from getMe) for the "open in Telegram" deep link. */
  botUsername?: string;
}

/** "12,50" in the page's language (no decimals for whole amounts). */
function amount(minor: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: minor % 100 ? 2 : 0, maximumFractionDigits: 2 }).format(minor / 100);
}

function money(minor: number, currency: string, locale: Locale, t: TFunction): string {
  if (currency === 'MDL') return t('web:lei', { amount: amount(minor, locale) });
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: minor % 100 ? 2 : 0 }).format(minor / 100);
}

/** Price lines: in lei first for a Moldovan owner who gave one (the sale in lei in proportion), else the catalog currency. */
export function priceView(p: Product, listing: Pick<Listing, 'country'>, locale: Locale, t: TFunction): { main: string; was?: string; alt?: string; sale: boolean } {
  const sale = p.salePriceMinor !== undefined && p.salePriceMinor < p.priceMinor;
  const now = sale ? p.salePriceMinor! : p.priceMinor;
  if (listing.country === 'MD' && p.mdlMinor !== undefined) {
    const mdlNow = sale ? Math.round((p.mdlMinor * now) / p.priceMinor / 100) * 100 : p.mdlMinor;
    return { main: money(mdlNow, 'MDL', locale, t), was: sale ? money(p.mdlMinor, 'MDL', locale, t) : undefined, alt: money(now, p.currency, locale, t), sale };
  }
  return { main: money(now, p.currency, locale, t), was: sale ? money(p.priceMinor, p.currency, locale, t) : undefined, sale };
}

const AVAILABILITY: Record<string, string> = {
  'in stock': 'https://schema.org/InStock', 'out of stock': 'https://schema.org/OutOfStock', 'available for order': 'https://schema.org/MadeToOrder',
};
const SCHEMA_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** schema.org LocalBusiness with its products (each a Product with an Offer), for search engines. */
export function businessJsonLd(m: BusinessPageModel, description: string): unknown[] {
  const l = m.listing;
  const url = `${m.publicUrl}/b/${l.slug}`;
  const d = district(l.districtId);
  const business: Record<string, unknown> = {
    '@context': 'https://schema.org', '@type': 'LocalBusiness', '@id': `${url}#business`, name: l.name, url,
    description: description || l.activity || l.name, telephone: l.phone,
    address: {
      '@type': 'PostalAddress', ...(l.address ? { streetAddress: l.address } : {}), addressLocality: l.locality || d?.names.ro,
      addressRegion: d?.names[l.country === 'LV' ? 'lv' : 'ro'], addressCountry: l.country,
    },
  };
  const image = l.logoId ? m.imageUrl(l.logoId) : m.products.find((p) => p.photos[0]) ? m.imageUrl(m.products.find((p) => p.photos[0])!.photos[0].blobId) : undefined;
  if (image) business.image = image;
  if (l.email) business.email = l.email;
  const sameAs = [l.website, l.facebook].filter(Boolean);
  if (sameAs.length) business.sameAs = sameAs;
  if (l.openingHours?.length) {
    business.openingHoursSpecification = l.openingHours.map((r) => ({
      '@type': 'OpeningHoursSpecification', dayOfWeek: `https://schema.org/${SCHEMA_DAYS[r.day]}`, opens: clock(r.from), closes: r.to === 1440 ? '23:59' : clock(r.to),
    }));
  }
  const products = m.products.map((p) => {
    const sale = p.salePriceMinor !== undefined && p.salePriceMinor < p.priceMinor;
    return {
      '@context': 'https://schema.org', '@type': 'Product', '@id': `${url}#p-${p._id}`, name: p.title, description: p.description,
      ...(p.photos[0] ? { image: p.photos.map((ph) => m.imageUrl(ph.blobId)) } : {}),
      brand: { '@type': 'Brand', name: p.brand || l.name },
      offers: {
        '@type': 'Offer', url: `${url}#p-${p._id}`, price: formatMinor(sale ? p.salePriceMinor! : p.priceMinor), priceCurrency: p.currency,
        availability: AVAILABILITY[p.availability], itemCondition: `https://schema.org/${p.condition === 'new' ? 'NewCondition' : p.condition === 'used' ? 'UsedCondition' : 'RefurbishedCondition'}`,
        seller: { '@id': `${url}#business` },
      },
    };
  });
  return [business, ...products];
}

function OpenBadge({ m, t }: { m: BusinessPageModel; t: TFunction }): VNode | null {
  const hours = m.listing.openingHours;
  if (!hours?.length) return null;
  const s = openState(hours, m.now, timezoneOf(m.listing.country));
  if (s.open) return <p class="badge open">{t('web:open_until', { time: clock(s.closesAt) })}</p>;
  if (!s.opensAt) return <p class="badge closed">{t('web:closed_now')}</p>;
  const day = s.opensAt.day === localDay(m) ? t('web:today') : weekdayName(m.locale, s.opensAt.day);
  return <p class="badge closed">{t('web:closed_opens', { day, time: clock(s.opensAt.minute) })}</p>;
}

function ProductCard({ p, m, t }: { p: Product; m: BusinessPageModel; t: TFunction }): VNode {
  const photo = p.photos[0];
  const price = priceView(p, m.listing, m.locale, t);
  return (
    <article class="card" id={`p-${p._id}`}>
      {photo
        ? <img src={`/media/${photo.blobId}`} alt={p.title} width={photo.width} height={photo.height} loading="lazy" decoding="async" />
        : <div class="ph" />}
      <div class="body">
        <h3>{p.title}</h3>
        <p class="price">
          <span class={price.sale ? 'sale' : undefined}>{price.main}</span>
          {price.was ? <span class="was">{t('web:was')} <s>{price.was}</s></span> : null}
        </p>
        {price.alt ? <p class="alt">≈ {price.alt}</p> : null}
        <span class={p.availability === 'out of stock' ? 'avail out' : 'avail'}>{t(`web:availability.${p.availability}`)}</span>
        {p.condition !== 'new' ? <span class="avail">{t(`web:condition.${p.condition}`)}</span> : null}
        {price.sale ? <span class="avail out">{t('web:sale')}</span> : null}
        {p.description ? <p class="desc">{p.description}</p> : null}
      </div>
    </article>
  );
}

function Hours({ m, t }: { m: BusinessPageModel; t: TFunction }): VNode | null {
  const hours = m.listing.openingHours;
  if (!hours?.length) return null;
  const today = localDay(m);
  return (
    <section aria-labelledby="h-hours">
      <h2 id="h-hours">{t('web:hours')}</h2>
      <table class="hours">
        <tbody>
          {[0, 1, 2, 3, 4, 5, 6].map((d) => {
            const ranges = hours.filter((r) => r.day === d).sort((a, b) => a.from - b.from);
            return (
              <tr class={d === today ? 'today' : undefined}>
                <th scope="row">{weekdayName(m.locale, d, 'long')}</th>
                <td>{ranges.length ? ranges.map((r) => `${clock(r.from)}–${clock(r.to)}`).join(', ') : t('web:closed')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function localDay(m: BusinessPageModel): number {
  return localTime(m.now, timezoneOf(m.listing.country)).day;
}

/** Links to write or call: only what the owner gave, each a plain link that works without JavaScript. */
function contactLinks(l: Listing, t: TFunction): { href: string; label: string; main?: boolean }[] {
  const out: { href: string; label: string; main?: boolean }[] = [];
  // One unbreakable label: a phone number must not wrap (and html-validate's tel-non-breaking agrees).
  out.push({ href: `tel:${l.phone}`, label: t('web:call', { phone: l.phone }).replace(/ /g, '\u00a0'), main: true });
  if (l.telegram) out.push({ href: `https://t.me/${l.telegram}`, label: t('web:telegram') });
  if (l.viber) out.push({ href: `viber://chat?number=${encodeURIComponent(l.viber)}`, label: t('web:viber') });
  if (l.whatsapp) out.push({ href: `https://wa.me/${l.whatsapp.replace(/\D/g, '')}`, label: t('web:whatsapp') });
  const mail = l.email ? safeHref(`mailto:${l.email}`) : null;
  if (mail) out.push({ href: mail, label: t('web:email') });
  const web = safeHref(l.website);
  if (web) out.push({ href: web, label: t('web:website') });
  const fb = safeHref(l.facebook);
  if (fb) out.push({ href: fb, label: t('web:facebook') });
  return out;
}

/** An OpenStreetMap search for the address (a link: the page itself loads no map tiles). */
export function mapLink(l: Pick<Listing, 'address' | 'locality' | 'districtId' | 'country'>): string {
  const d = district(l.districtId);
  const parts = [l.address, l.locality, d?.names[l.country === 'LV' ? 'lv' : 'ro'], country(l.country)?.names.en].filter(Boolean);
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(parts.join(', '))}`;
}

export function renderBusinessPage(m: BusinessPageModel): string {
  const { listing: l, locale } = m;
  const t = pageTranslator(locale);
  const path = `/b/${l.slug}`;
  const lagName = t(`territory:lag.${l.lagId}`);
  const place = [l.locality, district(l.districtId) ? t(`territory:district.${l.districtId}`) : ''].filter(Boolean).join(', ');
  const description = l.descriptions?.[locale] ?? l.description;
  const firstPhoto = m.products.find((p) => p.photos[0])?.photos[0];
  const ogImage = firstPhoto ? m.imageUrl(firstPhoto.blobId) : l.logoId ? m.imageUrl(l.logoId) : undefined;
  const head: Head = {
    title: `${l.name}${place ? ` — ${place}` : ''}`,
    description: (l.activity ? `${l.activity}. ${description}` : description).slice(0, 200),
    url: `${m.publicUrl}${path}`, path, locale, ogType: 'business.business', ogImage,
    ldJson: businessJsonLd(m, description), scripts: ['/static/share.js'],
  };
  const pageUrl = `${m.publicUrl}${withLang(path, locale)}`;
  const links = contactLinks(l, t);
  return renderDocument(head, <>
    <a class="skip" href="#main">{t('web:skip')}</a>
    <header>
      <div class="wrap">
        <div class="top">
          {l.logoId ? <img class="logo" src={`/media/${l.logoId}`} alt={t('web:logo_alt', { name: l.name })} width={72} height={72} /> : null}
          <div>
            <h1>{l.name}</h1>
            {l.activity || place ? <p class="sub">{[l.activity, place].filter(Boolean).join(' · ')}</p> : null}
            <OpenBadge m={m} t={t} />
          </div>
        </div>
        <LangSwitch head={head} t={t} />
      </div>
    </header>
    <main id="main" class="wrap">
      <section aria-labelledby="h-products">
        <h2 id="h-products">{t('web:products')}</h2>
        {m.products.length
          ? <div class="grid">{m.products.map((p) => <ProductCard p={p} m={m} t={t} />)}</div>
          : <p class="muted">{t('web:no_products')}</p>}
      </section>
      <div class="cols">
        <div>
          {description ? (
            <section aria-labelledby="h-about">
              <h2 id="h-about">{t('web:about')}</h2>
              <p class="about">{description}</p>
            </section>
          ) : null}
          <section aria-labelledby="h-contacts">
            <h2 id="h-contacts">{t('web:contacts')}</h2>
            <ul class="buttons">
              {links.map((x) => <li><a class={x.main ? 'btn main' : 'btn'} href={x.href} rel={x.href.startsWith('http') ? 'noopener nofollow' : undefined}>{x.label}</a></li>)}
              <li>
                <button type="button" class="btn" id="share" hidden data-url={pageUrl} data-title={l.name} data-copied={t('web:copied')} data-prompt={t('web:copy_this')}>{t('web:share')}</button>
              </li>
            </ul>
            <p class="muted" id="share-status" role="status" aria-live="polite" />
          </section>
        </div>
        <div>
          <section aria-labelledby="h-address">
            <h2 id="h-address">{t('web:address')}</h2>
            <p>{[l.address, place, t(`territory:country.${l.country}`)].filter(Boolean).join(', ')}</p>
            <p><a href={mapLink(l)} rel="noopener nofollow">{t('web:map')}</a></p>
          </section>
          <Hours m={m} t={t} />
        </div>
      </div>
      <p><a href={withLang(`/lag/${l.lagId}`, locale)}>{t('web:lag_link', { lag: lagName })}</a></p>
      {m.botUsername ? <p><a href={`https://t.me/${m.botUsername}?start=b_${l._id}`} rel="noopener">{t('web:open_in_telegram')}</a></p> : null}
    </main>
    <footer>
      <p>{t('web:listed_in', { lag: lagName })}</p>
      <p><a href={withLang(`/poster/b/${l.slug}.pdf`, locale)}>{t('web:poster')}</a></p>
    </footer>
  </>);
}

export function renderNotFound(locale: Locale, publicUrl: string): string {
  const t = pageTranslator(locale);
  const head: Head = { title: t('web:not_found_title'), description: t('web:not_found_text'), url: `${publicUrl}/`, path: '/', locale, noindex: true };
  return renderDocument(head, <main id="main" class="wrap">
    <h1>{t('web:not_found_title')}</h1>
    <p>{t('web:not_found_text')}</p>
    <p><a href={withLang('/', locale)}>{t('web:back_home')}</a></p>
  </main>);
}
