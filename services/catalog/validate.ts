/**
 * Meta's catalog feed rules, checked on the item exactly as it would
 * appear in the feed. Each problem is a translation key + params, explained to the owner in their language.
 */
import { AVAILABILITIES, CONDITIONS, PRODUCT_LIMITS, type ProductPhoto } from '../../models/product.js';

/** One row of Meta's CSV feed (column names are Meta's). */
export interface FeedItem {
  id: string;
  title: string;
  description: string;
  availability: string;
  condition: string;
  price: string;
  link: string;
  image_link: string;
  brand: string;
  sale_price: string;
  additional_image_link: string;
  google_product_category: string;
}

export const FEED_COLUMNS: (keyof FeedItem)[] = [
  'id', 'title', 'description', 'availability', 'condition', 'price', 'link', 'image_link', 'brand',
  'sale_price', 'additional_image_link', 'google_product_category',
];

export interface Problem {
  /** Which feed field (for grouping). */
  field: keyof FeedItem;
  /** Translation key, namespace "shop". */
  key: string;
  params?: Record<string, unknown>;
}

const PRICE_RE = /^\d{1,9}\.\d{2} [A-Z]{3}$/;
// Markup in a plain-text field: a tag-looking "<b>", "</p>", "<br/>".
const TAG_RE = /<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>/i;

/** True when the text holds something tag-like, which Meta refuses in plain-text fields. */
export function hasMarkup(s: string): boolean {
  return TAG_RE.test(s);
}

const len = (s: string) => [...s].length;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !!u.hostname;
  } catch {
    return false;
  }
}

function priceAmount(s: string): number {
  // Compared as integer minor units: "12.50 EUR" → 1250.
  return Number(s.slice(0, s.indexOf(' ')).replace('.', ''));
}

/** Every rule the item breaks; empty = the item can go into the feed. `photos` carry the real image sizes. */
export function validateItem(item: FeedItem, photos: Pick<ProductPhoto, 'width' | 'height'>[]): Problem[] {
  const out: Problem[] = [];
  const add = (field: keyof FeedItem, key: string, params?: Record<string, unknown>) => out.push({ field, key: `shop:problem.${key}`, params });

  if (!item.id.trim()) add('id', 'id_missing');
  else if (len(item.id) > PRODUCT_LIMITS.id) add('id', 'id_too_long', { max: PRODUCT_LIMITS.id });

  if (!item.title.trim()) add('title', 'title_missing');
  else if (len(item.title) > PRODUCT_LIMITS.title) add('title', 'title_too_long', { max: PRODUCT_LIMITS.title, length: len(item.title) });
  else if (hasMarkup(item.title)) add('title', 'title_markup');

  if (!item.description.trim()) add('description', 'description_missing');
  else if (len(item.description) > PRODUCT_LIMITS.description) add('description', 'description_too_long', { max: PRODUCT_LIMITS.description, length: len(item.description) });
  else if (hasMarkup(item.description)) add('description', 'description_markup');

  if (!(AVAILABILITIES as readonly string[]).includes(item.availability)) add('availability', 'availability_invalid', { value: item.availability });
  if (!(CONDITIONS as readonly string[]).includes(item.condition)) add('condition', 'condition_invalid', { value: item.condition });

  // An empty price is a price in lei with no exchange rate set by the LAG yet.
  if (!item.price) add('price', 'no_rate');
  else if (!PRICE_RE.test(item.price)) add('price', 'price_format', { value: item.price });
  else if (priceAmount(item.price) <= 0) add('price', 'price_positive');
  if (item.sale_price) {
    if (!PRICE_RE.test(item.sale_price)) add('sale_price', 'price_format', { value: item.sale_price });
    else if (PRICE_RE.test(item.price) && (item.sale_price.slice(-3) !== item.price.slice(-3) || priceAmount(item.sale_price) >= priceAmount(item.price))) {
      add('sale_price', 'sale_not_lower', { sale: item.sale_price, price: item.price });
    }
  }

  if (!isHttpUrl(item.link)) add('link', 'link_invalid');
  if (!item.image_link) add('image_link', 'image_missing', { min: PRODUCT_LIMITS.minImageSide });
  else if (!isHttpUrl(item.image_link)) add('image_link', 'image_link_invalid');
  photos.forEach((p, i) => {
    if (p.width < PRODUCT_LIMITS.minImageSide || p.height < PRODUCT_LIMITS.minImageSide) {
      add(i === 0 ? 'image_link' : 'additional_image_link', 'image_too_small', { n: i + 1, width: p.width, height: p.height, min: PRODUCT_LIMITS.minImageSide });
    }
  });

  if (!item.brand.trim()) add('brand', 'brand_missing');
  else if (len(item.brand) > PRODUCT_LIMITS.brand) add('brand', 'brand_too_long', { max: PRODUCT_LIMITS.brand });
  if (len(item.google_product_category) > PRODUCT_LIMITS.category) add('google_product_category', 'category_too_long', { max: PRODUCT_LIMITS.category });
  return out;
}
