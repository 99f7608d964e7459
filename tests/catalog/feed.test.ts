import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { feedCsv, toFeedItem } from '../../services/catalog/feed.js';
import { FEED_COLUMNS, validateItem } from '../../services/catalog/validate.js';
import { links, listing, products } from './fixtures.js';

const GOLDEN = join(import.meta.dirname, 'golden');

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('Meta CSV feed', () => {
  const items = products.map((p) => toFeedItem(p, listing, links));

  it('matches the golden file: quoting of commas, quotes and newlines; Unicode; empty optional fields', () => {
    golden('sample-business.csv', feedCsv(items));
  });

  it('parses back to exactly the items, and every row passes the feed rules', () => {
    const rows = parse(feedCsv(items), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    expect(rows).toEqual(items);
    expect(Object.keys(rows[0])).toEqual(FEED_COLUMNS);
    rows.forEach((r, i) => expect(validateItem(r as never, products[i].photos)).toEqual([]));
  });

  it('fills Meta fields: brand defaults to the business name, link to the product anchor, images to /media', () => {
    const [honey, wax, medus] = items;
    expect(honey.brand).toBe('Prisaca „Albina”');
    expect(wax.brand).toBe('Ștefan și fiii');
    expect(honey.link).toBe('https://lag.example.md/b/prisaca-albina#p-p-honey-1');
    expect(honey.image_link).toBe('https://lag.example.md/media/img-honey-a');
    expect(honey.additional_image_link).toBe('https://lag.example.md/media/img-honey-b');
    expect(honey.price).toBe('12.50 EUR');
    expect(honey.sale_price).toBe('9.90 EUR');
    expect(medus.price).toBe('15.00 USD');
    expect(medus.sale_price).toBe('');
    expect(medus.google_product_category).toBe('');
  });

  it('an empty catalog is a header-only feed', () => {
    golden('empty.csv', feedCsv([]));
  });
});
