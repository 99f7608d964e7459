/** Meta's CSV feed: one row per valid, active product of a published business. */
import { stringify } from 'csv-stringify/sync';
import type { Listing } from '../../models/listing.js';
import type { Product } from '../../models/product.js';
import { feedPrice } from './money.js';
import { FEED_COLUMNS, type FeedItem } from './validate.js';

export interface LinkBuilder {
  productLink(listing: Pick<Listing, 'slug'>, productId: string): string;
  imageLink(blobId: string): string;
}

/** Converts lei (bani) to euro cents; undefined when the LAG has set no rate. */
export type ToEuro = (baniMinor: number) => number | undefined;

/**
 * The product as Meta's feed fields (empty strings for absent optional fields). A price in lei goes in as EUR
 * at the LAG's rate; without a rate the price is empty (the item is refused: `shop:problem.no_rate`).
 */
export function toFeedItem(p: Product, listing: Pick<Listing, 'slug' | 'name'>, links: LinkBuilder, toEuro: ToEuro = () => undefined): FeedItem {
  const [first, ...more] = p.photos;
  const money = (minor: number): string => {
    if (p.currency !== 'MDL') return feedPrice(minor, p.currency);
    const cents = toEuro(minor);
    return cents === undefined ? '' : feedPrice(cents, 'EUR');
  };
  return {
    id: p._id,
    title: p.title,
    description: p.description,
    availability: p.availability,
    condition: p.condition,
    price: money(p.priceMinor),
    link: links.productLink(listing, p._id),
    image_link: first ? links.imageLink(first.blobId) : '',
    brand: p.brand?.trim() || listing.name,
    sale_price: p.salePriceMinor !== undefined ? money(p.salePriceMinor) : '',
    additional_image_link: more.map((ph) => links.imageLink(ph.blobId)).join(','),
    google_product_category: p.googleCategory ?? '',
  };
}

/**
 * CSV in Meta's format: a header row, RFC 4180 quoting (fields with commas, quotes or line breaks are quoted,
 * quotes doubled), UTF-8, "\n" between records.
 */
export function feedCsv(items: FeedItem[]): string {
  return stringify(items, { header: true, columns: FEED_COLUMNS as string[], record_delimiter: 'unix', quoted_match: /^\s|\s$/ });
}
