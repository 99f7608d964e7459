/** The button-action codec: round trips, the 64-byte limit, and typed failures for anything else. */
import { describe, expect, it } from 'vitest';
import { act, ACTION_LIMIT, decode, decodeAs, encode, type Action } from '../../services/actions.js';

describe('action codec', () => {
  const samples: Action[] = [
    act('menu', { to: 'offers_browse' }),
    act('lang', { locale: 'lv' }),
    act('lang', { locale: 'ru', q: 'AbC-12_xyZ' }),
    act('search.page', { q: 'k3J9x0PqLm', page: 12 }),
    act('search.sector', { sector: 'I' }),
    act('search.district', { district: 'lv-jelgavas-novads' }),
    act('reg.edit', { field: 'locality' }),
    act('reg.group', { group: 'contacts' }),
    act('offers.browse', { k: 'request', c: '-', s: 'A' }),
    act('m.getStarted'),
  ];

  it('round-trips every kind within 64 bytes, keeping the codes of buttons already in chats', () => {
    for (const a of samples) {
      const s = encode(a);
      expect(Buffer.byteLength(s, 'utf8')).toBeLessThanOrEqual(ACTION_LIMIT);
      expect(decode(s)).toEqual({ ok: true, action: a });
    }
    expect(encode(act('reg.confirm'))).toBe('reg:confirm');
    expect(encode(act('search.bySector'))).toBe('srch:bs');
    expect(encode(act('m.getStarted'))).toBe('GET_STARTED');
  });

  it('refuses forged, stale and over-long data with a typed reason, never by throwing', () => {
    expect(decode('')).toEqual({ ok: false, reason: 'empty' });
    expect(decode(undefined)).toEqual({ ok: false, reason: 'empty' });
    expect(decode('x'.repeat(65))).toEqual({ ok: false, reason: 'too_long' });
    expect(decode('ă'.repeat(33))).toEqual({ ok: false, reason: 'too_long' }); // 66 bytes in 33 characters
    expect(decode('nope:1')).toEqual({ ok: false, reason: 'unknown' });
    expect(decode('srch:s:Z')).toEqual({ ok: false, reason: 'malformed' });
    expect(decode('srch:d:md-nowhere')).toEqual({ ok: false, reason: 'malformed' });
    expect(decode('srch:p:../x:1')).toEqual({ ok: false, reason: 'malformed' });
    expect(decode('srch:p:abc:1:extra')).toEqual({ ok: false, reason: 'malformed' });
    expect(decode('menu:rm -rf')).toEqual({ ok: false, reason: 'malformed' });
    expect(decode('Q:{"$where":"1"}')).toEqual({ ok: false, reason: 'unknown' });
    expect(decodeAs('reg:confirm', 'reg.cancel')).toBeUndefined();
  });

  it('refuses to write a value its field does not accept', () => {
    expect(() => encode({ kind: 'search.sector', sector: 'Z' } as unknown as Action)).toThrow();
    expect(() => encode(act('search.page', { q: 'a'.repeat(41), page: 0 }))).toThrow();
  });
});
