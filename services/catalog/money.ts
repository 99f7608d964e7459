/**
 * Prices as integer minor units (cents, bani): reading what an owner types ("150 lei", "9,90 €", "12.5 EUR",
 * "1 200 MDL", "€9.90") and formatting Meta's `12.50 EUR`. No float arithmetic touches a price.
 */
import { FEED_CURRENCIES, PRICE_CURRENCIES, PRODUCT_LIMITS, type FeedCurrency, type PriceCurrency } from '../../models/product.js';

export type ParsedPrice =
  | { ok: true; minor: number; currency?: PriceCurrency }
  | { ok: false; error: string; params?: Record<string, unknown> };

/** How people write a currency, before or after the amount (matched case-insensitively, NFKC). */
const CURRENCY_WORDS: [RegExp, PriceCurrency][] = [
  [/^(€|eur|euro|eurо|euros|evro|eiro|eiro\.|евро)$/u, 'EUR'],
  [/^(\$|usd|us\$|dollars?|dolari|долл\.?|доллар(ов|а)?|dolāri|dolārs)$/u, 'USD'],
  [/^(mdl|lei|leu|lei\.|l|лей|лея|леев|lej|lejas|leji)$/u, 'MDL'],
];
const CODE_RE = /^[a-z]{3}$/u;

function currencyOf(word: string): PriceCurrency | 'unknown' | undefined {
  if (!word) return undefined;
  for (const [re, code] of CURRENCY_WORDS) if (re.test(word)) return code;
  return 'unknown';
}

/** Splits "150 lei", "€9.90", "9,90€" into the number part and the currency word (either side). */
function split(s: string): { num: string; word: string } | null {
  const m = s.match(/^([^\d\s.,'-]*)\s*([\d\s.,'\u00a0\u202f\u2009-]*\d[\d\s.,'\u00a0\u202f\u2009]*)\s*([^\d\s]*)$/u);
  if (!m) return null;
  const [, before, num, after] = m;
  if (before && after) return null;
  return { num, word: (before || after).replace(/\.$/, '') || '' };
}

/**
 * The one reader of typed prices. The currency is optional (the caller decides what a bare number means);
 * "1 200", "1.200,50" and "1,200.50" read as thousands; a lone separator before three digits ("1.200") is
 * ambiguous and refused with both readings, never guessed.
 */
export function parsePrice(input: string): ParsedPrice {
  const s = input.normalize('NFKC').trim().toLowerCase();
  if (!s) return { ok: false, error: 'shop:error.price_format' };
  const parts = split(s);
  if (!parts) return { ok: false, error: 'shop:error.price_format' };
  const cur = currencyOf(parts.word);
  if (cur === 'unknown') {
    return CODE_RE.test(parts.word) ? { ok: false, error: 'shop:error.currency', params: { currency: parts.word.toUpperCase() } } : { ok: false, error: 'shop:error.price_format' };
  }
  let num = parts.num.replace(/[\s'\u00a0\u202f\u2009]/g, '');
  if (num.startsWith('-')) return { ok: false, error: 'shop:error.price_positive' };
  let decimals = '';
  const dot = num.lastIndexOf('.');
  const comma = num.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) {
    // Both: the last one is the decimal separator, the other groups thousands.
    const sep = dot > comma ? '.' : ',';
    const at = Math.max(dot, comma);
    decimals = num.slice(at + 1);
    const int = num.slice(0, at);
    const groups = int.split(sep === '.' ? ',' : '.');
    if (groups.slice(1).some((g) => g.length !== 3) || int.includes(sep)) return { ok: false, error: 'shop:error.price_format' };
    num = groups.join('');
  } else if (dot >= 0 || comma >= 0) {
    const sep = dot >= 0 ? '.' : ',';
    const pieces = num.split(sep);
    if (pieces.length > 2) {
      // "1.200.000": thousands only.
      if (pieces.slice(1).some((g) => g.length !== 3)) return { ok: false, error: 'shop:error.price_format' };
      num = pieces.join('');
    } else if (pieces[1].length === 3 && pieces[0] !== '0') {
      const thousands = Number(pieces.join(''));
      return { ok: false, error: 'shop:error.price_ambiguous', params: { thousands: String(thousands), small: `${pieces[0]}.${pieces[1].slice(0, 2)}` } };
    } else {
      num = pieces[0];
      decimals = pieces[1];
    }
  }
  if (!/^\d{1,9}$/.test(num) || !/^\d{0,2}$/.test(decimals)) return { ok: false, error: 'shop:error.price_format' };
  const minor = Number(num) * 100 + Number(decimals.padEnd(2, '0'));
  if (minor <= 0) return { ok: false, error: 'shop:error.price_positive' };
  if (minor > PRODUCT_LIMITS.maxPriceMinor) return { ok: false, error: 'shop:error.price_too_high', params: { max: formatMinor(PRODUCT_LIMITS.maxPriceMinor) } };
  return cur ? { ok: true, minor, currency: cur } : { ok: true, minor };
}

/**
 * A price an owner typed, for their business: a bare number is lei for a Moldovan business and euros
 * otherwise; lei only in Moldova; only lei, EUR and USD. Errors are translation keys (namespace shop).
 */
export function readOwnerPrice(
  input: string, country: 'MD' | 'LV',
): { ok: true; value: { minor: number; currency: PriceCurrency } } | { ok: false; error: string; params?: Record<string, unknown> } {
  const r = parsePrice(input);
  if (!r.ok) return { ok: false, error: r.error === 'shop:error.currency' && country === 'MD' ? 'shop:error.currency_md' : r.error, params: r.params };
  const currency = r.currency ?? (country === 'MD' ? 'MDL' : 'EUR');
  if (currency === 'MDL' && country !== 'MD') return { ok: false, error: 'shop:error.lei_md_only' };
  return { ok: true, value: { minor: r.minor, currency } };
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

export function isPriceCurrency(v: unknown): v is PriceCurrency {
  return typeof v === 'string' && (PRICE_CURRENCIES as readonly string[]).includes(v);
}

/** Writes an amount in lei in the reader's language ("150 lei", «150 лей», "150 lejas"). */
export type LeiWriter = (amount: string) => string;
const plainLei: LeiWriter = (amount) => `${amount} lei`;

/** An owner's amount as they wrote it: "150 lei", "12.50 EUR" (lei without decimals when whole). */
export function ownerAmount(minor: number, currency: string, lei: LeiWriter = plainLei): string {
  if (currency === 'MDL') return lei(minor % 100 ? formatMinor(minor) : String(minor / 100));
  return feedPrice(minor, currency);
}

/** Display price for our own pages and messages: "12.50 EUR · 250.00 MDL", "150 lei" (sale price first when set). */
export function displayPrice(p: { priceMinor: number; currency: string; salePriceMinor?: number; mdlMinor?: number }, lei: LeiWriter = plainLei): string {
  const fmt = (m: number) => (p.currency === 'MDL' ? ownerAmount(m, 'MDL', lei) : feedPrice(m, p.currency));
  const main = p.salePriceMinor !== undefined && p.salePriceMinor < p.priceMinor
    ? `${fmt(p.salePriceMinor)} (${fmt(p.priceMinor)})`
    : fmt(p.priceMinor);
  return p.mdlMinor !== undefined && p.currency !== 'MDL' ? `${main} · ${feedPrice(p.mdlMinor, 'MDL')}` : main;
}

/**
 * The LAG's exchange rate: lei per euro in ten-thousandths (19.10 lei/€ → 191000), so conversion stays in
 * integers. Returns euro cents, rounded half up.
 */
export function leiToEuroCents(baniMinor: number, rate4: number): number {
  if (!Number.isSafeInteger(baniMinor) || !Number.isSafeInteger(rate4) || rate4 <= 0) throw new RangeError('bad conversion input');
  return Math.floor((baniMinor * 10000 * 2 + rate4) / (rate4 * 2));
}

/** "19,10" / "19.1" / "19.1234" → 191000 (ten-thousandths); undefined for anything else or outside 1–1000. */
export function parseRate(input: string): number | undefined {
  const m = input.normalize('NFKC').trim().replace(',', '.').match(/^(\d{1,4})(?:\.(\d{1,4}))?$/);
  if (!m) return undefined;
  const rate4 = Number(m[1]) * 10000 + Number((m[2] ?? '').padEnd(4, '0'));
  return rate4 >= 10000 && rate4 <= 10_000_000 ? rate4 : undefined;
}

/** 191000 → "19.10" (at least two decimals, more when set). */
export function formatRate(rate4: number): string {
  const int = Math.trunc(rate4 / 10000);
  const frac = String(rate4 % 10000).padStart(4, '0').replace(/0{1,2}$/, '');
  return `${int}.${frac.length < 2 ? frac.padEnd(2, '0') : frac}`;
}
