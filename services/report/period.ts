/**
 * Report periods typed by staff, read forgivingly: nothing → this month; "2026-11", "11.2026", "11/2026";
 * "2026-Q4", "Q4 2026", "q4-2026"; "2026"; "30d", "30 days", "30 zile", "30 дней", "30 dienas"; "last month".
 * Boundaries are local midnights in the LAG's time zone; `to` is exclusive and never later than now.
 */
import { zonedToUtc } from '../broadcast/time.js';

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** A stable label: "2026-11", "2026-Q4", "2026", "30d". */
  label: string;
}

/** "Until now" includes what happened at this very millisecond (`to` is exclusive). */
const upTo = (now: Date) => new Date(now.getTime() + 1);

const midnight = (y: number, m: number, d: number, tz: string) => zonedToUtc({ y, m, d, h: 0, min: 0 }, tz);

/** Today's calendar date in the zone. */
function localToday(now: Date, tz: string): { y: number; m: number; d: number } {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(now).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day };
}

function months(y: number, m: number, count: number, tz: string, label: string, now: Date): Period {
  const endM = m + count;
  const to = midnight(y + Math.floor((endM - 1) / 12), ((endM - 1) % 12) + 1, 1, tz);
  return { from: midnight(y, m, 1, tz), to: to > now ? upTo(now) : to, label };
}

/** Parses a period; null when it can't be read, is in the future, or is unreasonably long ago. */
export function parsePeriod(input: string, now: Date, tz: string): Period | null {
  const s = input.trim().toLowerCase().replace(/\s+/g, ' ');
  const today = localToday(now, tz);
  const pad = (n: number) => String(n).padStart(2, '0');
  let r: Period | null = null;
  let m: RegExpMatchArray | null;
  if (s === '' || s === 'month' || s === 'this month') {
    r = months(today.y, today.m, 1, tz, `${today.y}-${pad(today.m)}`, now);
  } else if (s === 'last month' || s === 'prev') {
    const y = today.m === 1 ? today.y - 1 : today.y;
    const mo = today.m === 1 ? 12 : today.m - 1;
    r = months(y, mo, 1, tz, `${y}-${pad(mo)}`, now);
  } else if ((m = s.match(/^(\d{4})[-/.](\d{1,2})$/)) || (m = s.match(/^(\d{1,2})[-/.](\d{4})$/))) {
    const [y, mo] = m[1].length === 4 ? [+m[1], +m[2]] : [+m[2], +m[1]];
    r = mo >= 1 && mo <= 12 ? months(y, mo, 1, tz, `${y}-${pad(mo)}`, now) : null;
  } else if ((m = s.match(/^(\d{4}) ?[-/ ]? ?q([1-4])$/)) || (m = s.match(/^q([1-4]) ?[-/ ]? ?(\d{4})$/))) {
    const [y, q] = s.startsWith('q') ? [+m[2], +m[1]] : [+m[1], +m[2]];
    r = months(y, (q - 1) * 3 + 1, 3, tz, `${y}-Q${q}`, now);
  } else if ((m = s.match(/^(\d{4})$/))) {
    r = months(+m[1], 1, 12, tz, m[1], now);
  } else if ((m = s.match(/^(\d{1,3}) ?(d|days?|zile|zi|дн[еяи]й?|день|дня|dienas?|dienām)$/))) {
    const n = +m[1];
    if (n >= 1 && n <= 366) {
      const start = new Date(Date.UTC(today.y, today.m - 1, today.d - (n - 1)));
      r = { from: midnight(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate(), tz), to: upTo(now), label: `${n}d` };
    }
  }
  if (!r || r.from >= now || r.from.getUTCFullYear() < 2000) return null;
  return r;
}
