import { describe, expect, it } from 'vitest';
import { displayPrice, feedPrice, formatMinor, parsePrice } from '../../services/catalog/money.js';
import { SecretBox, parseSecretsKey } from '../../services/catalog/secrets.js';
import { toFeedItem } from '../../services/catalog/feed.js';
import { validateItem, type FeedItem } from '../../services/catalog/validate.js';
import { translator } from '../../services/i18n.js';
import { links, listing, products } from './fixtures.js';

const good: FeedItem = toFeedItem(products[0], listing, links);
const keys = (item: Partial<FeedItem>, photos = [{ width: 800, height: 800 }]) =>
  validateItem({ ...good, ...item }, photos).map((p) => p.key.replace('shop:problem.', ''));

describe('Meta feed rules', () => {
  it('accepts a complete item', () => {
    expect(validateItem(good, products[0].photos)).toEqual([]);
  });

  it.each([
    [{ id: '' }, 'id_missing'],
    [{ id: 'x'.repeat(101) }, 'id_too_long'],
    [{ title: '' }, 'title_missing'],
    [{ title: 'ă'.repeat(151) }, 'title_too_long'],
    [{ title: 'Miere <b>bună</b>' }, 'title_markup'],
    [{ description: '   ' }, 'description_missing'],
    [{ description: 'x'.repeat(10000) }, 'description_too_long'],
    [{ description: 'line<br/>line' }, 'description_markup'],
    [{ availability: 'in_stock' }, 'availability_invalid'],
    [{ availability: 'preorder' }, 'availability_invalid'],
    [{ condition: 'second hand' }, 'condition_invalid'],
    [{ price: '12,50 EUR' }, 'price_format'],
    [{ price: '12.5 EUR' }, 'price_format'],
    [{ price: '12.50' }, 'price_format'],
    [{ price: 'EUR 12.50' }, 'price_format'],
    [{ price: '0.00 EUR', sale_price: '' }, 'price_positive'],
    [{ sale_price: '13.00 EUR' }, 'sale_not_lower'],
    [{ sale_price: '12.50 EUR' }, 'sale_not_lower'],
    [{ sale_price: '9.00 USD' }, 'sale_not_lower'],
    [{ sale_price: '9 EUR' }, 'price_format'],
    [{ link: 'javascript:alert(1)' }, 'link_invalid'],
    [{ link: '/b/x#p-1' }, 'link_invalid'],
    [{ image_link: '' }, 'image_missing'],
    [{ image_link: 'ftp://x/y.jpg' }, 'image_link_invalid'],
    [{ brand: '' }, 'brand_missing'],
    [{ brand: 'b'.repeat(101) }, 'brand_too_long'],
    [{ google_product_category: 'c'.repeat(251) }, 'category_too_long'],
  ] as [Partial<FeedItem>, string][])('%j → %s', (patch, expected) => {
    expect(keys(patch)).toEqual([expected]);
  });

  it.each([
    [[{ width: 499, height: 800 }], ['image_too_small']],
    [[{ width: 800, height: 320 }], ['image_too_small']],
    [[{ width: 500, height: 500 }], []],
    [[{ width: 800, height: 800 }, { width: 200, height: 200 }], ['image_too_small']],
  ])('image sizes %j → %j', (photos, expected) => {
    expect(keys({}, photos)).toEqual(expected);
  });

  it('reports every problem at once, each explained in the owner language with its numbers', () => {
    const problems = validateItem({ ...good, title: '', price: '12 EUR', image_link: good.image_link }, [{ width: 320, height: 240 }]);
    expect(problems.map((p) => p.field)).toEqual(['title', 'price', 'image_link']);
    const ro = translator('ro');
    const small = problems.find((p) => p.key.endsWith('image_too_small'))!;
    expect(ro(small.key, small.params)).toBe('Fotografia 1 are 320×240 px; Facebook cere cel puțin 500×500 px.');
    expect(translator('lv')(small.key, small.params)).toContain('320×240 px');
    expect(translator('ru')(problems[1].key, problems[1].params)).toContain('«12 EUR»');
  });

  it('accepts every availability and condition Meta knows, spelled with spaces', () => {
    for (const availability of ['in stock', 'out of stock', 'available for order']) expect(keys({ availability })).toEqual([]);
    for (const condition of ['new', 'used', 'refurbished']) expect(keys({ condition })).toEqual([]);
  });
});

describe('prices in minor units', () => {
  it.each([
    ['12.50', 1250, undefined], ['12,5', 1250, undefined], ['12', 1200, undefined], ['1 200,99', 120099, undefined],
    ['12.50 EUR', 1250, 'EUR'], ['9.99 usd', 999, 'USD'], ['€7', 700, 'EUR'], ['250 lei', 25000, 'MDL'], ['0.10', 10, undefined],
  ])('%s → %i %s', (input, minor, currency) => {
    expect(parsePrice(input)).toEqual({ ok: true, minor, currency });
  });

  it.each([['0'], ['-5'], ['12.505'], ['abc'], ['1e3'], [''], ['12.50.1'], ['99999999999']])('refuses %j', (input) => {
    expect(parsePrice(input).ok).toBe(false);
  });

  it('formats without float drift', () => {
    expect(formatMinor(1)).toBe('0.01');
    expect(formatMinor(1005)).toBe('10.05');
    expect(feedPrice(29, 'EUR')).toBe('0.29 EUR');
    // 0.1 + 0.2 style sums stay exact in minor units.
    expect(formatMinor(10 + 20)).toBe('0.30');
    expect(displayPrice(products[0])).toBe('9.90 EUR (12.50 EUR) · 250.00 MDL');
    expect(displayPrice(products[1])).toBe('8.00 EUR');
  });
});

describe('token encryption (AES-256-GCM)', () => {
  const key = 'a'.repeat(64);
  it('round-trips, randomises, and rejects tampering or another key', () => {
    const box = new SecretBox(key);
    const a = box.seal('EAAG-secret-token');
    expect(a).not.toContain('EAAG');
    expect(box.seal('EAAG-secret-token')).not.toBe(a);
    expect(box.open(a)).toBe('EAAG-secret-token');
    const parts = a.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('b'.repeat(64)).open(a)).toThrow();
  });
  it('accepts 32-byte keys as hex or base64 only', () => {
    expect(parseSecretsKey('ab'.repeat(32))?.length).toBe(32);
    expect(parseSecretsKey(Buffer.alloc(32, 7).toString('base64'))?.length).toBe(32);
    expect(parseSecretsKey('short')).toBeNull();
    expect(() => new SecretBox('short')).toThrow(/SECRETS_KEY/);
  });
});
