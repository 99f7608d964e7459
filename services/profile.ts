/**
 * The optional parts of a listing the public page shows: street address, opening hours, messenger contacts
 * (Telegram, Viber, WhatsApp) and the description in other languages — their checks and their lines on the
 * listing card. Keys live in the "profile" namespace.
 */
import type { Listing, OpeningRange } from '../models/listing.js';
import { LOCALES } from '../models/user.js';
import { text, raw, type Card, type Text } from './messages.js';
import { clock, formatOpeningHours, weekRows } from './opening-hours.js';
import type { Checked } from './validation.js';

/** "@name", "t.me/name", "https://t.me/name" or "name" → "name" (Telegram's 5–32 letters, digits, _). */
export function normalizeTelegram(input: string): Checked<string> {
  const s = input.trim().replace(/^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me)\//i, '').replace(/^@/, '').replace(/\/$/, '');
  return /^[A-Za-z]\w{3,31}$/.test(s) ? { ok: true, value: s } : { ok: false, error: 'profile:error.telegram' };
}

/** Opening hours as translatable rows: "Mon–Fri 09:00–18:00", "Sun closed". */
export function hoursText(ranges: readonly OpeningRange[]): Text[] {
  return weekRows(ranges).map((row) => {
    const first = text(`profile:day.${row.days[0]}`);
    const days = row.days.length > 1 ? text('profile:hours.day_range', { from: first, to: text(`profile:day.${row.days[row.days.length - 1]}`) }) : first;
    const hours = row.ranges.length ? raw(row.ranges.map(([f, t]) => `${clock(f)}–${clock(t)}`).join(', ')) : text('profile:hours.closed');
    return text('profile:hours.row', { days, hours });
  });
}

/** The card lines for the optional fields the listing has. */
export function profileLines(l: Partial<Listing>): Text[] {
  const lines: Text[] = [];
  if (l.address) lines.push(text('profile:card.address', { value: l.address }));
  if (l.openingHours?.length) lines.push(text('profile:card.hours', { value: hoursText(l.openingHours) }));
  if (l.telegram) lines.push(text('profile:card.telegram', { value: `@${l.telegram}` }));
  if (l.viber) lines.push(text('profile:card.viber', { value: l.viber }));
  if (l.whatsapp) lines.push(text('profile:card.whatsapp', { value: l.whatsapp }));
  const translated = LOCALES.filter((lng) => l.descriptions?.[lng]);
  if (translated.length) lines.push(text('profile:card.descriptions', { value: translated.map((lng) => text(`profile:language.${lng}`)) }));
  return lines;
}

/**
 * The description's translations, one card each ("Description in English:" and the text), for staff to read
 * before approving: they are published on the page like the description itself.
 */
export function descriptionCards(l: Pick<Listing, 'name' | 'descriptions'>): Card[] {
  return LOCALES.filter((lng) => l.descriptions?.[lng]).map((lng) => ({
    title: l.name,
    lines: [text('profile:card.description_in', { language: text(`profile:language.${lng}`) }), raw(l.descriptions![lng]!)],
  }));
}

const AUDIT_MAX = 450;

/** A listing field's value as audit text: names joined, opening hours as "Mon–Fri 09:00–18:00", never "[object Object]". */
function auditText(field: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  if (field === 'openingHours' && Array.isArray(v)) return v.length ? formatOpeningHours(v as OpeningRange[], 'en', 'closed') : '—';
  if (Array.isArray(v)) return v.join(', ') || '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * What a staff correction changed, as readable old/new text for the audit log; null when nothing changed.
 * Translated descriptions show only the languages that changed ("[en] old → [en] new").
 */
export function auditChange(field: string, from: unknown, to: unknown): { from: string; to: string } | null {
  const cut = (s: string) => [...s].slice(0, AUDIT_MAX).join('');
  if (field === 'descriptions') {
    const a = (from ?? {}) as Partial<Record<string, string>>;
    const b = (to ?? {}) as Partial<Record<string, string>>;
    const langs = LOCALES.filter((lng) => (a[lng] ?? '') !== (b[lng] ?? ''));
    if (!langs.length) return null;
    const side = (d: Partial<Record<string, string>>) => cut(langs.map((lng) => `[${lng}] ${d[lng] || '—'}`).join('; '));
    return { from: side(a), to: side(b) };
  }
  const a = auditText(field, from);
  const b = auditText(field, to);
  return a === b ? null : { from: cut(a), to: cut(b) };
}
