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
    act('shop.edit', { product: 'FhdDLJqIwDaadZyv', field: 'category' }),
    act('shop.category', { c: 'plants' }),
    act('offers.moderate', { op: 'NO', offer: 'o-123' }),
    act('match.answer', { op: 'y', match: 'm_1' }),
    act('match.more'),
    act('cadence', { cadence: 'weekly' }),
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

  it('reads the strings of buttons sent before the codec (sp:*, ofe:*, mt:*, omod:*, cad:*) as the same actions', () => {
    const old: [string, Action][] = [
      ['sp:home', act('shop.home')],
      ['sp:list:2', act('shop.list', { page: 2 })],
      ['sp:p:abc_1', act('shop.product', { product: 'abc_1' })],
      ['sp:e:abc_1:mdl', act('shop.edit', { product: 'abc_1', field: 'mdl' })],
      ['sp:delok:abc_1', act('shop.deleteOk', { product: 'abc_1' })],
      ['sp:del:abc_1', act('shop.delete', { product: 'abc_1' })],
      ['sp:ck:feedAdded', act('shop.check', { step: 'feedAdded' })],
      ['sp:tokdel', act('shop.tokenDelete')],
      ['sp:pushnow', act('shop.pushNow')],
      ['shp:c:2', act('shop.choice', { i: 2 })],
      ['shp:skip', act('shop.skip')],
      ['ofl', act('offers.mine')],
      ['ofe:o1', act('offers.edit', { offer: 'o1' })],
      ['ofef:o1:k', act('offers.editField', { offer: 'o1', field: 'k' })],
      ['ofx:o1', act('offers.extend', { offer: 'o1' })],
      ['omod:CL:o1', act('offers.moderate', { op: 'CL', offer: 'o1' })],
      ['mod:bk:l1', act('listing.moderate', { op: 'bk', listing: 'l1' })],
      ['mt:y:m1', act('match.answer', { op: 'y', match: 'm1' })],
      ['mt:more', act('match.more')],
      ['ix:n:i1', act('intro.answer', { op: 'n', intro: 'i1' })],
      ['cad:daily', act('cadence', { cadence: 'daily' })],
      ['sg:u1:md-nord', act('staff.grant', { user: 'u1', lag: 'md-nord' })],
      ['srv:no', act('staff.revoke', { user: 'no' })],
      ['st:all', act('staff.stats', { lag: 'all' })],
      ['rep:r:lv-zemgale:2026-11', act('staff.report', { what: 'r', lag: 'lv-zemgale', period: '2026-11' })],
      ['pst:md-nord', act('poster.lag', { lag: 'md-nord' })],
      ['biz:poster', act('poster.business')],
      ['bc:X:b1', act('broadcast.control', { op: 'X', broadcast: 'b1' })],
      ['ev:new', act('event.new')],
      ['ev:c:e1', act('event', { op: 'c', event: 'e1' })],
      ['ev:x:e1:xlsx', act('event', { op: 'x', event: 'e1', format: 'xlsx' })],
    ];
    for (const [data, action] of old) {
      expect(decode(data)).toEqual({ ok: true, action });
      expect(encode(action)).toBe(data);
    }
    for (const bad of ['sp:e:abc:price:x', 'sp:ck:nope', 'shp:cat:Food', 'omod:zz:o1', 'mt:maybe:m1', 'cad:hourly', 'sp:list:-1', 'ev:x:e1:pdf', 'bc:z:b1', 'rep:q:all:2026', 'pst:MD_NORD']) {
      expect(decode(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses to write a value its field does not accept', () => {
    expect(() => encode({ kind: 'search.sector', sector: 'Z' } as unknown as Action)).toThrow();
    expect(() => encode(act('search.page', { q: 'a'.repeat(41), page: 0 }))).toThrow();
  });
});
