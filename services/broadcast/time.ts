/**
 * Send times typed by staff in their LAG's time zone: "2026-12-01 09:30" there → the UTC instant, without a
 * date library (Intl does the zone).
 */
import { lag, timezoneOf } from '../territories.js';

export interface LocalDateTime { y: number; m: number; d: number; h: number; min: number }

/** A scheduled send may be up to this far in the past (the time it took to type it). */
const GRACE_MS = 60_000;

export function zonedToUtc(local: LocalDateTime, timeZone: string): Date {
  const guess = Date.UTC(local.y, local.m - 1, local.d, local.h, local.min);
  const offset = (at: number) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    return Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second) - at;
  };
  // Two passes settle DST boundaries.
  let t = guess - offset(guess);
  t = guess - offset(t);
  return new Date(t);
}

/** Parses "YYYY-MM-DD HH:MM" (also "DD.MM.YYYY HH:MM"); null when it is not a real date/time. */
export function parseLocalDateTime(input: string): LocalDateTime | null {
  const s = input.trim();
  let m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2})[:.](\d{2})$/);
  let v: number[] | null = m ? [+m[1], +m[2], +m[3], +m[4], +m[5]] : null;
  if (!v) {
    m = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2})[:.](\d{2})$/);
    v = m ? [+m[3], +m[2], +m[1], +m[4], +m[5]] : null;
  }
  if (!v) return null;
  const [y, mo, d, h, min] = v;
  const check = new Date(Date.UTC(y, mo - 1, d, h, min));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || min > 59) return null;
  return { y, m: mo, d, h, min };
}

/** The zone a broadcast's send time is given in: its LAG's (an admin's broadcast without a LAG: the default). */
export function sendTimeZone(lagId: string | undefined): string {
  return timezoneOf(lagId ? lag(lagId)?.country : undefined);
}

/** A typed send time → the UTC instant; null when it can't be read or is already past. */
export function parseSendAt(input: string, timeZone: string, now: number): Date | null {
  const local = parseLocalDateTime(input);
  const at = local ? zonedToUtc(local, timeZone) : null;
  return at && at.getTime() > now - GRACE_MS ? at : null;
}
