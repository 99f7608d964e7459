/**
 * Opening hours: a forgiving reader for what owners type ("Lu-Vi 9-18, Sa 10-14", "Пн-Пт 9:00-18:00",
 * "P-Pk 9-18", "Mon-Fri 9-18; Sun closed", "non-stop"), a compact display and "open now" in the business's
 * time zone. Stored as OpeningRange[] (models/listing.ts): weekday 0 = Monday, minutes from local midnight.
 */
import type { OpeningRange } from '../models/listing.js';
import type { Checked } from './validation.js';

/** Longest text read (longer input is refused, not cut: a cut list of days would be wrong). */
export const MAX_HOURS_TEXT = 200;

/** Weekday names and abbreviations in ro, ru, en and lv, folded (lower case, no diacritics). */
const DAY_WORDS: Record<string, number> = {};
const DAY_LISTS: string[][] = [
  ['lu', 'lun', 'luni', 'mo', 'mon', 'monday', 'пн', 'пон', 'понедельник', 'p', 'pr', 'pirmd', 'pirmdiena'],
  ['ma', 'mar', 'marti', 'tu', 'tue', 'tues', 'tuesday', 'вт', 'вторник', 'o', 'ot', 'otrd', 'otrdiena'],
  ['mi', 'mie', 'miercuri', 'we', 'wed', 'wednesday', 'ср', 'среда', 't', 'tr', 'tresd', 'tresdiena'],
  ['jo', 'joi', 'th', 'thu', 'thur', 'thurs', 'thursday', 'чт', 'четверг', 'c', 'ce', 'cet', 'ceturtd', 'ceturtdiena'],
  ['vi', 'vin', 'vineri', 'fr', 'fri', 'friday', 'пт', 'пятница', 'pk', 'piektd', 'piektdiena'],
  ['sa', 'sam', 'sambata', 'sat', 'saturday', 'сб', 'суббота', 's', 'se', 'sestd', 'sestdiena'],
  ['du', 'dum', 'duminica', 'su', 'sun', 'sunday', 'вс', 'вск', 'воскресенье', 'sv', 'svetd', 'svetdiena'],
];
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

DAY_LISTS.forEach((words, day) => words.forEach((w) => (DAY_WORDS[fold(w)] = day)));
const ALL_DAY = new Set(['nonstop', 'non-stop', '24/7', 'круглосуточно', 'diennakts'].map(fold));
const CLOSED = new Set(['inchis', 'closed', 'закрыто', 'выходной', 'выходные', 'slegts', 'brivdiena', 'brivs'].map(fold));

type Token =
  | { kind: 'day'; day: number }
  | { kind: 'dash' }
  | { kind: 'time'; from: number; to: number }
  | { kind: 'closed' }
  | { kind: 'allday' }
  | { kind: 'bad' };

/** An hour, optionally with minutes ("9", "9:30", "09.30", "9h30") and am/pm ("9am", "6 p.m."). */
const TIME = String.raw`(\d{1,2})(?:[:.h](\d{2}))?(?:\s*([ap])\.?m\.?(?!\p{L}))?`;
const LEXER = new RegExp(String.raw`${TIME}\s*(?:-|до|to|pana la|lidz)\s*${TIME}|24/7|non-stop|[\p{L}]+|-|\d+|\S`, 'gu');

function minutes(h: string, m: string | undefined, half: string | undefined): number | null {
  let hh = Number(h);
  const mm = m === undefined ? 0 : Number(m);
  if (half) {
    // 12-hour clock: 12am is midnight, 12pm noon; "15pm" is not a time.
    if (hh < 1 || hh > 12) return null;
    hh = (hh % 12) + (half === 'p' ? 12 : 0);
  }
  if (hh > 24 || mm > 59 || (hh === 24 && mm > 0)) return null;
  return hh * 60 + mm;
}

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  const lexemes = [...fold(text).replace(/[\u2010-\u2015\u2212]/g, '-').matchAll(LEXER)];
  // A single letter ("P", "O", "S": Latvian's shortest day names) is a day only next to a dash or before
  // hours ("P-Pk 9-18", "S 10-14"); anywhere else it is a letter of a word ("10-14 o'clock").
  const nextMeaningful = (i: number) => {
    let j = i + 1;
    while (lexemes[j] && /^[:.]$/.test(lexemes[j][0])) j++;
    return lexemes[j];
  };
  const isDayLetter = (i: number) => {
    const next = nextMeaningful(i);
    return lexemes[i - 1]?.[0] === '-' || next?.[0] === '-' || next?.[1] !== undefined;
  };
  lexemes.forEach((m, i) => {
    const w = m[0];
    if (m[1] !== undefined) {
      const from = minutes(m[1], m[2], m[3]);
      const to = minutes(m[4], m[5], m[6]);
      tokens.push(from === null || to === null || from === to ? { kind: 'bad' } : { kind: 'time', from, to: to === 0 ? 1440 : to });
    } else if (w === '-') tokens.push({ kind: 'dash' });
    else if (ALL_DAY.has(w)) tokens.push({ kind: 'allday' });
    else if (CLOSED.has(w)) tokens.push({ kind: 'closed' });
    else if (w in DAY_WORDS && (w.length > 1 || isDayLetter(i))) tokens.push({ kind: 'day', day: DAY_WORDS[w] });
    else if (/^\d+$/.test(w)) tokens.push({ kind: 'bad' }); // a lone number: an hour without its pair
    // Any other word ("de la", "ora", "часы", "un") or punctuation is filler.
  });
  return tokens;
}

interface Group { days: Set<number>; ranges: [number, number][]; closed: boolean }

/**
 * Reads opening hours. Days followed by times apply those times; later mentions of a day win ("Lu-Du 9-18,
 * Du închis"); times with no day before them mean every day; a night past midnight continues the next day.
 */
export function parseOpeningHours(input: string): Checked<OpeningRange[]> {
  const text = String(input ?? '').trim();
  if (!text) return { ok: false, error: 'profile:hours.error_empty' };
  if (text.length > MAX_HOURS_TEXT) return { ok: false, error: 'errors:too_long', params: { max: MAX_HOURS_TEXT, length: text.length } };
  const tokens = lex(text);
  if (tokens.some((t) => t.kind === 'bad')) return { ok: false, error: 'profile:hours.error_format' };
  const groups: Group[] = [];
  let cur: Group = { days: new Set(), ranges: [], closed: false };
  let rangeStart: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'day') {
      if (cur.ranges.length || cur.closed) {
        groups.push(cur);
        cur = { days: new Set(), ranges: [], closed: false };
      }
      if (rangeStart !== undefined) {
        for (let d = rangeStart; ; d = (d + 1) % 7) {
          cur.days.add(d);
          if (d === t.day) break;
        }
        rangeStart = undefined;
      } else cur.days.add(t.day);
      if (tokens[i + 1]?.kind === 'dash' && tokens[i + 2]?.kind === 'day') rangeStart = t.day;
    } else if (t.kind === 'time') cur.ranges.push([t.from, t.to]);
    else if (t.kind === 'allday') cur.ranges.push([0, 1440]);
    else if (t.kind === 'closed') cur.closed = true;
  }
  groups.push(cur);
  const week: [number, number][][] = Array.from({ length: 7 }, () => []);
  let any = false;
  for (const g of groups) {
    if (!g.ranges.length && !g.closed) {
      if (g.days.size) return { ok: false, error: 'profile:hours.error_format' }; // days without hours
      continue;
    }
    const days = g.days.size ? [...g.days] : [0, 1, 2, 3, 4, 5, 6];
    for (const d of days) week[d] = [];
    if (g.closed) continue;
    for (const d of days) {
      for (const [from, to] of g.ranges) {
        any = true;
        if (to > from) week[d].push([from, to]);
        else {
          week[d].push([from, 1440]);
          week[(d + 1) % 7].push([0, to]);
        }
      }
    }
  }
  if (!any) return { ok: false, error: 'profile:hours.error_format' };
  const out: OpeningRange[] = [];
  week.forEach((ranges, day) => {
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([...r]);
    }
    for (const [from, to] of merged) out.push({ day, from, to });
  });
  return { ok: true, value: out };
}

/** Weekday (0 = Monday) and minutes since midnight at `at` in time zone `tz`. */
export function localTime(at: Date, tz: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday'));
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export type OpenState =
  | { open: true; closesAt: number }
  | { open: false; opensAt?: { day: number; minute: number } };

/** Open or closed at `at` in `tz`, with when that changes (closing time today; next opening within a week). */
export function openState(ranges: readonly OpeningRange[], at: Date, tz: string): OpenState {
  const { day, minute } = localTime(at, tz);
  const today = ranges.filter((r) => r.day === day);
  const now = today.find((r) => r.from <= minute && minute < r.to);
  if (now) {
    // An interval ending at midnight that the next day continues from 00:00 closes later.
    const next = ranges.find((r) => r.day === (day + 1) % 7 && r.from === 0);
    return { open: true, closesAt: now.to === 1440 && next ? 1440 + next.to : now.to };
  }
  for (let k = 0; k < 8; k++) {
    const d = (day + k) % 7;
    const r = ranges.filter((x) => x.day === d && (k > 0 || x.from > minute)).sort((a, b) => a.from - b.from)[0];
    if (r) return { open: false, opensAt: { day: d, minute: r.from } };
  }
  return { open: false };
}

/** "09:00"; 1440 → "24:00". */
export function clock(minute: number): string {
  const m = minute % 1440 === 0 && minute > 0 ? 1440 : minute % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Short weekday name in `locale` (0 = Monday), from the platform's CLDR data. */
export function weekdayName(locale: string, day: number, width: 'short' | 'long' = 'short'): string {
  // 2024-01-01 was a Monday.
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 1 + day)));
}

/** Days with the same hours grouped: [{ days: [0..4], ranges: [[540, 1080]] }, { days: [6], ranges: [] }]. */
export function weekRows(ranges: readonly OpeningRange[]): { days: number[]; ranges: [number, number][] }[] {
  const rows: { days: number[]; ranges: [number, number][] }[] = [];
  for (let d = 0; d < 7; d++) {
    const mine = ranges.filter((r) => r.day === d).sort((a, b) => a.from - b.from).map((r): [number, number] => [r.from, r.to]);
    const last = rows[rows.length - 1];
    if (last && JSON.stringify(last.ranges) === JSON.stringify(mine) && last.days[last.days.length - 1] === d - 1) last.days.push(d);
    else rows.push({ days: [d], ranges: mine });
  }
  return rows;
}

/** One line for chats and summaries: "lun.–vin. 09:00–18:00; sâm. 10:00–14:00; dum. —". */
export function formatOpeningHours(ranges: readonly OpeningRange[], locale: string, closedWord: string): string {
  return weekRows(ranges).map((row) => {
    const first = weekdayName(locale, row.days[0]);
    const days = row.days.length > 1 ? `${first}–${weekdayName(locale, row.days[row.days.length - 1])}` : first;
    const hours = row.ranges.length ? row.ranges.map(([f, t]) => `${clock(f)}–${clock(t)}`).join(', ') : closedWord;
    return `${days} ${hours}`;
  }).join('; ');
}
