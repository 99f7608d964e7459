/** Prices as people type them, the LAG's lei → euro rate, and lei prices in the Meta feed. */
import { describe, expect, it } from 'vitest';
import { formatRate, leiToEuroCents, ownerAmount, parsePrice, parseRate, readOwnerPrice as checkPrice } from '../../services/catalog/money.js';
import { toFeedItem } from '../../services/catalog/feed.js';
import { validateItem } from '../../services/catalog/validate.js';
import { translator } from '../../services/i18n.js';
import { LOCALES } from '../../models/user.js';
import { links, listing, products } from './fixtures.js';

describe('parsePrice: as written on a price tag', () => {
  it.each([
    ['150 lei', 15000, 'MDL'], ['150', 15000, undefined], ['9,90 €', 990, 'EUR'], ['12.5 EUR', 1250, 'EUR'], ['1 200 MDL', 120000, 'MDL'],
    ['€9.90', 990, 'EUR'], ['€ 9,9', 990, 'EUR'], ['9,90€', 990, 'EUR'], ['150lei', 15000, 'MDL'], ['150 LEI', 15000, 'MDL'], ['lei 35', 3500, 'MDL'],
    ['35 лей', 3500, 'MDL'], ['12 евро', 1200, 'EUR'], ['$15', 1500, 'USD'], ['15 usd', 1500, 'USD'], ['1\u00a0200,50 lei', 120050, 'MDL'],
    ['1.200,50 lei', 120050, 'MDL'], ['1,200.50 EUR', 120050, 'EUR'], ['1.000.000', 100000000, undefined], ['0,5 €', 50, 'EUR'], ['  7  ', 700, undefined],
  ])('%j → %i %s', (input, minor, currency) => {
    expect(parsePrice(input)).toEqual(currency ? { ok: true, minor, currency } : { ok: true, minor });
  });

  it.each([
    ['', 'shop:error.price_format'], ['abc', 'shop:error.price_format'], ['o sută de lei', 'shop:error.price_format'], ['12.50.1', 'shop:error.price_format'],
    ['1e3', 'shop:error.price_format'], ['12,505', 'shop:error.price_ambiguous'], ['1.200', 'shop:error.price_ambiguous'], ['€ 5 lei', 'shop:error.price_format'],
    ['0', 'shop:error.price_positive'], ['0,00 lei', 'shop:error.price_positive'], ['-5', 'shop:error.price_positive'], ['3 GBP', 'shop:error.currency'],
    ['99999999999', 'shop:error.price_format'], ['2000000 EUR', 'shop:error.price_too_high'], ['12.5.5 lei', 'shop:error.price_format'], ['1,2,3', 'shop:error.price_format'],
  ])('refuses %j with %s', (input, error) => {
    const r = parsePrice(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(error);
  });

  it('names both readings of an ambiguous price, and the currency it does not know', () => {
    expect(parsePrice('1.200')).toEqual({ ok: false, error: 'shop:error.price_ambiguous', params: { thousands: '1200', small: '1.20' } });
    expect(parsePrice('3 gbp')).toMatchObject({ params: { currency: 'GBP' } });
  });

  it('every refusal reads as a sentence in all four languages', () => {
    for (const l of LOCALES) {
      const t = translator(l);
      for (const key of ['price_format', 'price_ambiguous', 'price_positive', 'currency', 'currency_md', 'lei_md_only']) {
        const s = t(`shop:error.${key}`, { thousands: '1200', small: '1.20', currency: 'GBP', max: '1000000.00' });
        expect(s).not.toContain('shop:');
        expect(s).not.toContain('{{');
      }
    }
  });
});

describe('what a bare number means depends on the business', () => {
  it('lei in Moldova, euros in Latvia; lei only in Moldova', () => {
    expect(checkPrice('150', 'MD')).toEqual({ ok: true, value: { minor: 15000, currency: 'MDL' } });
    expect(checkPrice('150', 'LV')).toEqual({ ok: true, value: { minor: 15000, currency: 'EUR' } });
    expect(checkPrice('9,90 €', 'MD')).toEqual({ ok: true, value: { minor: 990, currency: 'EUR' } });
    expect(checkPrice('150 lei', 'LV')).toEqual({ ok: false, error: 'shop:error.lei_md_only' });
    expect(checkPrice('3 GBP', 'MD')).toMatchObject({ ok: false, error: 'shop:error.currency_md' });
    expect(checkPrice('3 GBP', 'LV')).toMatchObject({ ok: false, error: 'shop:error.currency' });
  });
});

describe('the LAG exchange rate', () => {
  it('reads the rate as staff type it and converts in integers', () => {
    expect(parseRate('19,10')).toBe(191000);
    expect(parseRate('19.1')).toBe(191000);
    expect(parseRate('19.1234')).toBe(191234);
    for (const bad of ['', 'abc', '0', '0.5', '19.12345', '-19', '20000']) expect(parseRate(bad)).toBeUndefined();
    expect(formatRate(191000)).toBe('19.10');
    expect(formatRate(191234)).toBe('19.1234');
    expect(formatRate(200000)).toBe('20.00');
    // 150 lei at 19.10 lei/€ = 7.853… → 7.85 EUR; rounding half up.
    expect(leiToEuroCents(15000, 191000)).toBe(785);
    expect(leiToEuroCents(12000, 191000)).toBe(628);
    expect(leiToEuroCents(1000, 200000)).toBe(50);
    expect(leiToEuroCents(5, 100000)).toBe(1); // 0.05 lei at 10 lei/€ = 0.005 € → 0.01
    expect(ownerAmount(15000, 'MDL')).toBe('150 lei');
    expect(ownerAmount(12050, 'MDL')).toBe('120.50 lei');
  });

  it('feeds a lei price in EUR at the rate; without a rate the item is refused with its reason', () => {
    const honey = { ...products[0], currency: 'MDL' as const, priceMinor: 15000, salePriceMinor: 12000, mdlMinor: undefined };
    const item = toFeedItem(honey, listing, links, (bani) => leiToEuroCents(bani, 191000));
    expect([item.price, item.sale_price]).toEqual(['7.85 EUR', '6.28 EUR']);
    expect(validateItem(item, honey.photos)).toEqual([]);
    const noRate = toFeedItem(honey, listing, links);
    expect(noRate.price).toBe('');
    expect(validateItem(noRate, honey.photos).map((p) => p.key)).toContain('shop:problem.no_rate');
    // Prices already in EUR/USD are not touched by the rate.
    expect(toFeedItem(products[1], listing, links, () => 1).price).toBe('8.00 EUR');
  });
});
