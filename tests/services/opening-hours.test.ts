/** Opening hours: what owners type in four languages, "open now" in the business's time zone, display. */
import { describe, expect, it } from 'vitest';
import type { OpeningRange } from '../../models/listing.js';
import { formatOpeningHours, openState, parseOpeningHours } from '../../services/opening-hours.js';
import { normalizeTelegram } from '../../services/profile.js';

const days = (from: number, to: number, d: number[]): OpeningRange[] => d.map((day) => ({ day, from, to }));
const WEEKDAYS = [0, 1, 2, 3, 4];
const parse = (s: string) => {
  const r = parseOpeningHours(s);
  if (!r.ok) throw new Error(`${s}: ${r.error}`);
  return r.value;
};

describe('parseOpeningHours', () => {
  it('reads the same week written in Romanian, Russian, Latvian and English', () => {
    const expected = [...days(540, 1080, WEEKDAYS), { day: 5, from: 600, to: 840 }];
    for (const s of ['Lu-Vi 9-18, Sa 10-14', 'Luni–Vineri 9:00–18:00; Sâmbătă 10:00–14:00, duminică închis', 'Пн-Пт 9:00-18:00, Сб 10-14',
      'пн-пт 09.00-18.00 сб 10.00-14.00 вс выходной', 'P-Pk 9-18, S 10-14', 'Pirmdiena-piektdiena 9-18; sestdiena 10-14; svētdiena slēgts',
      'Mon-Fri 9-18, Sat 10-14', 'mon - fri: 9 to 18 / sat: 10 to 14, sun closed']) {
      expect(parse(s), s).toEqual(expected);
    }
  });

  it('splits the day, lets later days win, spans midnight, and knows non-stop', () => {
    expect(parse('Lu-Vi 9-13, 14-18')).toEqual(WEEKDAYS.flatMap((day) => [{ day, from: 540, to: 780 }, { day, from: 840, to: 1080 }]));
    expect(parse('Lu-Du 8-20, Du închis')).toEqual(days(480, 1200, [0, 1, 2, 3, 4, 5]));
    expect(parse('Vi-Sa 22-02')).toEqual([{ day: 4, from: 1320, to: 1440 }, { day: 5, from: 0, to: 120 }, { day: 5, from: 1320, to: 1440 }, { day: 6, from: 0, to: 120 }]);
    expect(parse('Sa-Lu 10-14')).toEqual([{ day: 0, from: 600, to: 840 }, { day: 5, from: 600, to: 840 }, { day: 6, from: 600, to: 840 }]);
    expect(parse('non-stop')).toEqual(days(0, 1440, [0, 1, 2, 3, 4, 5, 6]));
    expect(parse('круглосуточно')).toEqual(days(0, 1440, [0, 1, 2, 3, 4, 5, 6]));
    expect(parse('9-18')).toEqual(days(540, 1080, [0, 1, 2, 3, 4, 5, 6]));
    expect(parse('Lu 10-24')).toEqual([{ day: 0, from: 600, to: 1440 }]);
  });

  it('reads a single letter as a day only next to a dash or hours; reads am/pm', () => {
    const expected = [...days(540, 1080, WEEKDAYS), { day: 5, from: 600, to: 840 }];
    for (const s of ['Mon-Fri 9-18, Sat 10-14 o\'clock', 'Mon-Fri 9am-6pm, Sat 10am-2pm', 'Mon-Fri 9 a.m. - 6 p.m., Sat 10:00am-2:00pm',
      'P-Pk 9-18, S: 10-14', 'P - Pk 9-18, S 10-14, Sv slēgts', 'Mon-Fri 9-18, Sat 10-14 (o clock, s.a.)']) {
      expect(parse(s), s).toEqual(expected);
    }
    expect(parse('Mon-Sun 12am-12pm')).toEqual(days(0, 720, [0, 1, 2, 3, 4, 5, 6]));
    expect(parse('Fri 8pm-2am')).toEqual([{ day: 4, from: 1200, to: 1440 }, { day: 5, from: 0, to: 120 }]);
    for (const s of ['Mon 13pm-6pm', 'Mon 0am-6am']) expect(parseOpeningHours(s).ok, s).toBe(false);
  });

  it('refuses what it cannot read, with a reason key, and never throws', () => {
    for (const s of ['', '   ', 'hello', 'Lu-Vi', 'Lu 25-30', 'Lu 9', 'Lu 9:75-18', 'Lu 9-9', '{"$gt": ""}', '.*', 'x'.repeat(201)]) {
      const r = parseOpeningHours(s);
      expect(r.ok, s).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^(profile:hours\.error_(empty|format)|errors:too_long)$/);
    }
  });
});

describe('openState', () => {
  const week = parse('Lu-Vi 9-18, Sa 10-14');
  it('is computed in the business’s time zone, across daylight saving', () => {
    // Tuesday 1 Dec 2026 07:30 UTC = 09:30 in Chișinău and Riga (UTC+2).
    expect(openState(week, new Date('2026-12-01T07:30:00Z'), 'Europe/Chisinau')).toEqual({ open: true, closesAt: 1080 });
    // 06:30 UTC in winter = 08:30 local: opens at 09:00 today.
    expect(openState(week, new Date('2026-12-01T06:30:00Z'), 'Europe/Riga')).toEqual({ open: false, opensAt: { day: 1, minute: 540 } });
    // Summer (UTC+3): 06:30 UTC = 09:30 local, open.
    expect(openState(week, new Date('2026-07-07T06:30:00Z'), 'Europe/Riga').open).toBe(true);
    // Saturday 15:00 local: closed until Monday 09:00.
    expect(openState(week, new Date('2026-12-05T13:00:00Z'), 'Europe/Chisinau')).toEqual({ open: false, opensAt: { day: 0, minute: 540 } });
  });

  it('a night across midnight closes the next morning; no hours at all means no next opening', () => {
    expect(openState(parse('Vi 22-02'), new Date('2026-12-04T21:00:00Z'), 'Europe/Chisinau')).toEqual({ open: true, closesAt: 1440 + 120 });
    expect(openState([], new Date(), 'Europe/Riga')).toEqual({ open: false });
  });
});

describe('display and messenger names', () => {
  it('groups equal days in the reader’s language', () => {
    const week = parse('Lu-Vi 9-18, Sa 10-14');
    expect(formatOpeningHours(week, 'en', 'closed')).toBe('Mon–Fri 09:00–18:00; Sat 10:00–14:00; Sun closed');
    expect(formatOpeningHours(week, 'ru', 'выходной')).toBe('пн–пт 09:00–18:00; сб 10:00–14:00; вс выходной');
  });

  it('reads Telegram usernames however they are pasted', () => {
    for (const s of ['@prisaca_albina', 'prisaca_albina', 't.me/prisaca_albina', 'https://t.me/prisaca_albina/']) expect(normalizeTelegram(s)).toEqual({ ok: true, value: 'prisaca_albina' });
    for (const s of ['@ab', 'two words', 'https://evil.example/x', '<b>x</b>', '1abcde']) expect(normalizeTelegram(s).ok).toBe(false);
  });
});
