/**
 * Validation and normalisation of free-text answers. Each check returns the value or an error key that
 * the channel translates (namespace "errors").
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Country } from '../models/listing.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string; params?: Record<string, unknown> };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (error: string, params?: Record<string, unknown>): Checked<never> => ({ ok: false, error, params });

/** Trims, collapses inner whitespace and control characters, enforces length. */
export function cleanText(input: string, opts: { min?: number; max: number; multiline?: boolean }): Checked<string> {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  let s = input.normalize('NFC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
  s = opts.multiline ? s.replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim() : s.replace(/\s+/g, ' ').trim();
  const min = opts.min ?? 1;
  const len = [...s].length;
  if (len < min) return fail('errors:too_short', { min });
  if (len > opts.max) return fail('errors:too_long', { max: opts.max, length: len });
  return ok(s);
}

/** Normalises a phone to E.164, defaulting to the listing's country (MD +373 / LV +371). */
export function normalizePhone(input: string, country: Country | undefined): Checked<string> {
  const p = parsePhoneNumberFromString(input.trim(), (country ?? 'MD') as CountryCode);
  if (!p || !p.isValid()) return fail('errors:phone_invalid');
  return ok(p.number);
}

export function normalizeEmail(input: string): Checked<string> {
  const s = input.trim().toLowerCase();
  // Deliberately simple: one @, a dot in the domain, no spaces; the real check is the user reading it back.
  if (s.length > 254 || !/^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[a-z]{2,}$/i.test(s)) return fail('errors:email_invalid');
  return ok(s);
}

/** Accepts "example.md" or "https://…"; only http(s) with a dotted host. */
export function normalizeUrl(input: string): Checked<string> {
  let s = input.trim();
  if (!/^https?:\/\//i.test(s)) s = `https://${s}`;
  try {
    const u = new URL(s);
    if (!/^https?:$/.test(u.protocol) || !u.hostname.includes('.') || u.username || u.password) return fail('errors:url_invalid');
    if (u.toString().length > 500) return fail('errors:too_long', { max: 500, length: u.toString().length });
    return ok(u.toString());
  } catch {
    return fail('errors:url_invalid');
  }
}

/** Splits "honey, wax; pollen" into distinct keywords. */
export function parseKeywords(input: string, opts: { max: number; maxLength: number }): Checked<string[]> {
  const words = input.split(/[,;\n]+/).map((w) => w.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const unique = [...new Map(words.map((w) => [w.toLowerCase(), w])).values()];
  if (unique.length === 0) return fail('errors:too_short', { min: 1 });
  if (unique.length > opts.max) return fail('errors:too_many_keywords', { max: opts.max });
  const long = unique.find((w) => [...w].length > opts.maxLength);
  if (long) return fail('errors:keyword_too_long', { max: opts.maxLength });
  return ok(unique);
}
