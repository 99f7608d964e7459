/** Broadcast send times typed in the LAG's zone (services/broadcast/time.ts), around DST changes too. */
import { describe, expect, it } from 'vitest';
import { parseLocalDateTime, parseSendAt, sendTimeZone, zonedToUtc } from '../../services/broadcast/time.js';

const utc = (local: string, tz: string) => zonedToUtc(parseLocalDateTime(local)!, tz).toISOString();

describe('broadcast send time', () => {
  it('uses the LAG\'s zone; admins without a LAG get the default', () => {
    expect(sendTimeZone('md-nord')).toBe('Europe/Chisinau');
    expect(sendTimeZone('lv-lielupe')).toBe('Europe/Riga');
    expect(sendTimeZone(undefined)).toBe('Europe/Chisinau');
  });

  it('converts local wall time to UTC in winter, summer and across the DST changes', () => {
    expect(utc('2026-11-26 14:00', 'Europe/Chisinau')).toBe('2026-11-26T12:00:00.000Z');
    expect(utc('01.07.2026 09:30', 'Europe/Chisinau')).toBe('2026-07-01T06:30:00.000Z');
    expect(utc('2026-12-01 09:30', 'Europe/Riga')).toBe('2026-12-01T07:30:00.000Z');
    // Spring forward in Riga (03:00 → 04:00): a time that does not exist lands an hour later.
    expect(utc('2026-03-29 04:00', 'Europe/Riga')).toBe('2026-03-29T01:00:00.000Z');
    expect(utc('2026-03-29 03:30', 'Europe/Riga')).toBe('2026-03-29T01:30:00.000Z');
    // Fall back (04:00 → 03:00): an hour that happens twice resolves to one instant.
    expect(utc('2026-10-25 03:30', 'Europe/Riga')).toBe('2026-10-25T01:30:00.000Z');
  });

  it('rejects impossible dates and times already past (a minute of grace)', () => {
    expect(parseLocalDateTime('30.02.2026 10:00')).toBeNull();
    expect(parseLocalDateTime('2026-11-26 24:00')).toBeNull();
    expect(parseLocalDateTime('tomorrow 9')).toBeNull();
    const now = Date.parse('2026-11-26T12:00:30Z');
    expect(parseSendAt('2026-11-26 14:00', 'Europe/Chisinau', now)?.toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseSendAt('2026-11-26 13:58', 'Europe/Chisinau', now)).toBeNull();
    expect(parseSendAt('2026-11-26 14:05', 'Europe/Chisinau', now)?.toISOString()).toBe('2026-11-26T12:05:00.000Z');
  });
});
