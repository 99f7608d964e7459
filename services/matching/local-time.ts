/** Wall-clock facts in a time zone (Intl, no dependency): the day, the ISO week, the hour. */

export interface LocalTime {
  /** "2026-11-26" */
  date: string;
  /** "2026-W48" */
  week: string;
  hour: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

export function localTime(at: Date, timeZone: string): LocalTime {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const y = Number(parts.year);
  const m = Number(parts.month);
  const d = Number(parts.day);
  const day = new Date(Date.UTC(y, m - 1, d));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  // ISO week: the week's Thursday decides the year.
  const thursday = new Date(day.getTime() + (4 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    week: `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`,
    hour: Number(parts.hour),
    weekday,
  };
}
