/**
 * Prices as integer minor units (cents, bani): parsing what an owner types and formatting Meta's
 * `12.50 EUR`. No float arithmetic touches a price.
 */
import { FEED_CURRENCIES, PRODUCT_LIMITS, type FeedCurrency } from '../../models/product.js';

export type ParsedPrice = { ok: true; minor: number; currency?: string } | { ok: false; error: string; params?: Record<string, unknown> };

/** Reads "12.50", "12,5", "1 200", "12.50 EUR", "€12" into minor units (and a currency if one was typed). */
export function parsePrice(input: string): ParsedPrice {
  let s = input.normalize('NFKC').trim().toUpperCase();
  let currency: string | undefined;
  const symbols: Record<string, string> = { '€': 'EUR', $: 'USD', LEI: 'MDL', LEU: 'MDL' };
  for (const [sym, code] of Object.entries(symbols)) {
    if (s.startsWith(sym) || s.endsWith(sym)) {
      currency = code;
      s = (s.startsWith(sym) ? s.slice(sym.length) : s.slice(0, -sym.length)).trim();
    }
  }
  const m = s.match(/^(.*?)\s*([A-Z]{3})$/);
  if (!currency && m) {
    currency = m[2];
    s = m[1];
  }
  s = s.replace(/[\s\u00a0']/g, '');
  const parts = s.match(/^(\d{1,9})(?:[.,](\d{1,2}))?$/);
  if (!parts) return { ok: false, error: 'shop:error.price_format' };
  const minor = Number(parts[1]) * 100 + Number((parts[2] ?? '0').padEnd(2, '0'));
  if (minor <= 0) return { ok: false, error: 'shop:error.price_positive' };
  if (minor > PRODUCT_LIMITS.maxPriceMinor) return { ok: false, error: 'shop:error.price_too_high', params: { max: formatMinor(PRODUCT_LIMITS.maxPriceMinor) } };
  return { ok: true, minor, currency };
}

/** 1250 → "12.50". */
export function formatMinor(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`not a price in minor units: ${minor}`);
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** Meta's price text: "12.50 EUR". */
export function feedPrice(minor: number, currency: string): string {
  return `${formatMinor(minor)} ${currency}`;
}

export function isFeedCurrency(v: unknown): v is FeedCurrency {
  return typeof v === 'string' && (FEED_CURRENCIES as readonly string[]).includes(v);
}

/** Display price for our own pages and messages: "12.50 EUR · 250.00 MDL" (sale price first when set). */
export function displayPrice(p: { priceMinor: number; currency: string; salePriceMinor?: number; mdlMinor?: number }): string {
  const main = p.salePriceMinor !== undefined && p.salePriceMinor < p.priceMinor
    ? `${feedPrice(p.salePriceMinor, p.currency)} (${feedPrice(p.priceMinor, p.currency)})`
    : feedPrice(p.priceMinor, p.currency);
  return p.mdlMinor !== undefined ? `${main} · ${feedPrice(p.mdlMinor, 'MDL')}` : main;
}
