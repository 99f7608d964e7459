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

/** The product as Meta's feed fields (empty strings for absent optional fields). */
export function toFeedItem(p: Product, listing: Pick<Listing, 'slug' | 'name'>, links: LinkBuilder): FeedItem {
  const [first, ...more] = p.photos;
  return {
    id: p._id,
    title: p.title,
    description: p.description,
    availability: p.availability,
    condition: p.condition,
    price: feedPrice(p.priceMinor, p.currency),
    link: links.productLink(listing, p._id),
    image_link: first ? links.imageLink(first.blobId) : '',
    brand: p.brand?.trim() || listing.name,
    sale_price: p.salePriceMinor !== undefined ? feedPrice(p.salePriceMinor, p.currency) : '',
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
