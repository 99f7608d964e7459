/**
 * One typed codec for button actions on every channel: an action is a `kind` with typed fields, written as
 * `code:field:field…` (Telegram callback_data, Messenger postback/quick-reply payload), at most 64 BYTES in
 * UTF-8 (Telegram's limit, the stricter one). Decoding validates everything — a forged, stale, unknown or
 * too-long string is a typed failure, never an exception — so handlers only ever see well-formed actions.
 *
 * The codes of older buttons (`srch:p`, `reg:confirm`, `sec:A`, Messenger's `GET_STARTED`…) are kept, so
 * buttons already sitting in people's chats and Meta's stored persistent menu keep working.
 */
import { NACE_SECTIONS, type Sector } from '../models/listing.js';
import { OFFER_KINDS } from '../models/offer.js';
import { CHECKLIST_STEPS, PRODUCT_EDIT_FIELDS } from '../models/product.js';
import { CADENCES, LOCALES, type Locale } from '../models/user.js';
import { CATEGORY_KEYS } from './catalog/categories.js';
import type { ListingField } from './directory.js';
import { byteLength } from './messages.js';
import { district } from './territories.js';

/** The byte limit every encoded action must respect (Telegram callback_data: 1–64 bytes). */
export const ACTION_LIMIT = 64;

/** A field type: how a value is checked on decode and written on encode. */
interface FieldType<T> {
  parse(s: string): T | undefined;
  write(v: T): string;
}

const ID_RE = /^[\w-]{1,40}$/;
/** An opaque identifier (listing, product, saved query): letters, digits, `_` and `-`. */
const id: FieldType<string> = { parse: (s) => (ID_RE.test(s) ? s : undefined), write: (v) => v };
/** A small non-negative integer (a page, an index). */
const int: FieldType<number> = {
  parse: (s) => (/^\d{1,3}$/.test(s) ? Number(s) : undefined),
  write: (v) => String(v),
};
function oneOf<const V extends string>(values: readonly V[]): FieldType<V> {
  const set = new Set<string>(values);
  return { parse: (s) => (set.has(s) ? (s as V) : undefined), write: (v) => v };
}
const sector = oneOf<Sector>(NACE_SECTIONS);
const districtId: FieldType<string> = { parse: (s) => (ID_RE.test(s) && district(s) ? s : undefined), write: (v) => v };
const locale = oneOf<Locale>(LOCALES);
/** "-" is "any" in a filter. */
const ANY = '-';
const offerKindFilter = oneOf([ANY, ...OFFER_KINDS]);
const countryFilter = oneOf([ANY, 'MD', 'LV'] as const);
const sectorFilter = oneOf([ANY, ...NACE_SECTIONS]);

/** Places a person can be sent to from a menu (home screens, /start, /help). */
export const MENU_TARGETS = [
  'home', 'register', 'search', 'browse', 'language', 'help', 'mybusiness', 'shop', 'offer', 'offers', 'offers_browse', 'matches', 'notifications',
  'privacy', 'pending', 'broadcast', 'stats', 'export', 'import', 'lagoffers',
] as const;
export type MenuTarget = (typeof MENU_TARGETS)[number];

/** The registration's field groups on the summary card (one ✏️ per group instead of one per field). */
export const EDIT_GROUPS = ['about', 'place', 'contacts', 'extra'] as const;
export type EditGroup = (typeof EDIT_GROUPS)[number];

/**
 * A listing field's name as it travels in buttons (`edit:locality`, `biz:f:phone`). Any camelCase name is
 * well-formed here; the handlers accept only the fields their flow asks (listing-steps FIELDS), so a field added
 * there (opening hours, address…) needs no change in the codec.
 */
const listingField: FieldType<ListingField> = { parse: (s) => (/^[a-z][A-Za-z]{1,30}$/.test(s) ? (s as ListingField) : undefined), write: (v) => v };

/** Every action: its code on the wire and its fields in order (optional ones last). */
const SPEC = {
  menu: { code: 'menu', fields: { to: oneOf(MENU_TARGETS) } },
  lang: { code: 'lang', fields: { locale }, optional: { q: id } },
  'search.page': { code: 'srch:p', fields: { q: id, page: int } },
  'search.query': { code: 'srch:n', fields: { q: id, page: int } },
  'search.bySector': { code: 'srch:bs', fields: {} },
  'search.byDistrict': { code: 'srch:bd', fields: {} },
  'search.sector': { code: 'srch:s', fields: { sector } },
  'search.district': { code: 'srch:d', fields: { district: districtId } },
  'search.products': { code: 'srch:pr', fields: { listing: id } },
  'offers.browse': { code: 'ofb', fields: { k: offerKindFilter, c: countryFilter, s: sectorFilter } },
  'offers.sectors': { code: 'ofbs', fields: { k: offerKindFilter, c: countryFilter } },
  'reg.confirm': { code: 'reg:confirm', fields: {} },
  'reg.cancel': { code: 'reg:cancel', fields: {} },
  'reg.back': { code: 'reg:back', fields: {} },
  'reg.edit': { code: 'edit', fields: { field: listingField } },
  'reg.group': { code: 'reg:grp', fields: { group: oneOf(EDIT_GROUPS) } },
  'reg.leave': { code: 'reg:leave', fields: {} },
  'reg.stay': { code: 'reg:stay', fields: {} },
  'reg.restart': { code: 'reg:new', fields: {} },
  'biz.show': { code: 'biz:show', fields: {} },
  'biz.edit': { code: 'biz:edit', fields: {} },
  'biz.field': { code: 'biz:f', fields: { field: listingField } },
  // /shop (the codes of the hand-written `sp:*` buttons, so buttons already in chats keep working).
  'shop.home': { code: 'sp:home', fields: {} },
  'shop.list': { code: 'sp:list', fields: { page: int } },
  'shop.product': { code: 'sp:p', fields: { product: id } },
  'shop.add': { code: 'sp:add', fields: {} },
  // `mdl` was the separate lei price before lei became the price itself: it opens the price now.
  'shop.edit': { code: 'sp:e', fields: { product: id, field: oneOf([...PRODUCT_EDIT_FIELDS, 'mdl'] as const) } },
  'shop.pause': { code: 'sp:st', fields: { product: id } },
  'shop.delete': { code: 'sp:del', fields: { product: id } },
  'shop.deleteOk': { code: 'sp:delok', fields: { product: id } },
  'shop.steps': { code: 'sp:steps', fields: {} },
  'shop.check': { code: 'sp:ck', fields: { step: oneOf(CHECKLIST_STEPS) } },
  'shop.feed': { code: 'sp:feed', fields: {} },
  'shop.rotate': { code: 'sp:rot', fields: {} },
  'shop.rotateOk': { code: 'sp:rotok', fields: {} },
  'shop.lag': { code: 'sp:lag', fields: {} },
  'shop.lagUrl': { code: 'sp:lagurl', fields: {} },
  'shop.push': { code: 'sp:push', fields: {} },
  'shop.catalog': { code: 'sp:cat', fields: {} },
  'shop.token': { code: 'sp:tok', fields: {} },
  'shop.tokenDelete': { code: 'sp:tokdel', fields: {} },
  'shop.pushNow': { code: 'sp:pushnow', fields: {} },
  // Inside the /shop conversations.
  'shop.choice': { code: 'shp:c', fields: { i: int } },
  'shop.category': { code: 'shp:cat', fields: { c: oneOf(CATEGORY_KEYS) } },
  'shop.skip': { code: 'shp:skip', fields: {} },
  'shop.done': { code: 'shp:done', fields: {} },
  'shop.save': { code: 'shp:save', fields: {} },
  'shop.more': { code: 'shp:more', fields: {} },
  // Cooperation offers: the owner's cards (/offers) and reminders.
  'offers.mine': { code: 'ofl', fields: {} },
  'offers.edit': { code: 'ofe', fields: { offer: id } },
  // t = title, d = description, k = keywords
  'offers.editField': { code: 'ofef', fields: { offer: id, field: oneOf(['t', 'd', 'k'] as const) } },
  'offers.pause': { code: 'ofp', fields: { offer: id } },
  'offers.resume': { code: 'ofr', fields: { offer: id } },
  'offers.extend': { code: 'ofx', fields: { offer: id } },
  'offers.close': { code: 'ofc', fields: { offer: id } },
  // Staff on offers: ok approve, ch request changes, no reject (asks first), NO reject confirmed, cl close (asks
  // first), CL close confirmed, bk back to the card, ed edit.
  'offers.moderate': { code: 'omod', fields: { op: oneOf(['ok', 'ch', 'no', 'NO', 'cl', 'CL', 'bk', 'ed'] as const), offer: id } },
  // Staff on listings: the same letters.
  'listing.moderate': { code: 'mod', fields: { op: oneOf(['ok', 'ch', 'no', 'NO', 'bk', 'ed'] as const), listing: id } },
  // Match cards: y interested, n not relevant; "see more"; the other side's yes/no to an introduction.
  'match.answer': { code: 'mt', fields: { op: oneOf(['y', 'n'] as const), match: id } },
  'match.more': { code: 'mt:more', fields: {} },
  'intro.answer': { code: 'ix', fields: { op: oneOf(['y', 'n'] as const), intro: id } },
  'cadence': { code: 'cad', fields: { cadence: oneOf(CADENCES) } },
  // Staff tools.
  'staff.grant': { code: 'sg', fields: { user: id, lag: id } },
  // `user` "no" = keep (the Back button of the confirmation).
  'staff.revoke': { code: 'srv', fields: { user: id } },
  // `lag` "all" = every LAG (admins).
  'staff.stats': { code: 'st', fields: { lag: id } },
  'staff.report': { code: 'rep', fields: { what: oneOf(['s', 'r'] as const), lag: id, period: { parse: (s) => (/^[\w-]{1,12}$/.test(s) ? s : undefined), write: (v: string) => v } as FieldType<string> } },
  'poster.lag': { code: 'pst', fields: { lag: { parse: (s) => (/^[a-z0-9-]{1,60}$/.test(s) ? s : undefined), write: (v: string) => v } as FieldType<string> } },
  'poster.business': { code: 'biz:poster', fields: {} },
  // Broadcast controls: p pause, r resume, x cancel (asks first), X cancel confirmed, k keep going.
  'broadcast.control': { code: 'bc', fields: { op: oneOf(['p', 'r', 'x', 'X', 'k'] as const), broadcast: id } },
  // LAG events: y/n attend or not, c calendar file; staff: l list, x export (csv or xlsx).
  'event.new': { code: 'ev:new', fields: {} },
  'event': { code: 'ev', fields: { op: oneOf(['y', 'n', 'c', 'l', 'x'] as const), event: id }, optional: { format: oneOf(['csv', 'xlsx'] as const) } },
  'privacy.delete': { code: 'del:yes', fields: {} },
  'privacy.keep': { code: 'del:no', fields: {} },
  // Messenger's stored profile (Get Started, persistent menu) still sends these literal payloads.
  'm.getStarted': { code: 'GET_STARTED', fields: {} },
  'm.search': { code: 'MENU_SEARCH', fields: {} },
  'm.browse': { code: 'MENU_BROWSE', fields: {} },
  'm.language': { code: 'MENU_LANGUAGE', fields: {} },
  'm.privacy': { code: 'MENU_PRIVACY', fields: {} },
  'm.deleteMe': { code: 'PRIVACY_DELETE', fields: {} },
  'm.bySector': { code: 'BROWSE_SECTOR', fields: {} },
  'm.byDistrict': { code: 'BROWSE_DISTRICT', fields: {} },
} as const;

type Spec = typeof SPEC;
export type ActionKind = keyof Spec;
type FieldsOf<S> = { -readonly [K in keyof S]: S[K] extends FieldType<infer T> ? T : never };
type OptionalOf<S> = S extends { optional: infer O } ? Partial<FieldsOf<O>> : unknown;
/** One action of the given kind, with its typed fields. */
export type ActionOf<K extends ActionKind> = { kind: K } & FieldsOf<Spec[K]['fields']> & OptionalOf<Spec[K]>;
/** Any action. */
export type Action = { [K in ActionKind]: ActionOf<K> }[ActionKind];

export type DecodeFailure = 'empty' | 'too_long' | 'unknown' | 'malformed';
export type Decoded = { ok: true; action: Action } | { ok: false; reason: DecodeFailure };

const SEP = ':';
interface Entry { kind: ActionKind; code: string; fields: [string, FieldType<unknown>][]; optional: [string, FieldType<unknown>][] }
const ENTRIES: Entry[] = (Object.entries(SPEC) as [ActionKind, Spec[ActionKind]][]).map(([kind, s]) => ({
  kind,
  code: s.code,
  fields: Object.entries(s.fields) as [string, FieldType<unknown>][],
  optional: Object.entries('optional' in s ? s.optional : {}) as [string, FieldType<unknown>][],
}));
// Longest codes first, so `srch:bs` is tried before `srch` would be.
const BY_CODE = [...ENTRIES].sort((a, b) => b.code.length - a.code.length);

/** Writes an action. Throws only on a programming error (a value its field type refuses, or > 64 bytes). */
export function encode(action: Action): string {
  const entry = ENTRIES.find((e) => e.kind === action.kind)!;
  const values = action as unknown as Record<string, unknown>;
  const parts: string[] = [entry.code];
  for (const [name, type] of entry.fields) parts.push(writeField(type, values[name], name, action.kind));
  for (const [name, type] of entry.optional) {
    if (values[name] === undefined) break;
    parts.push(writeField(type, values[name], name, action.kind));
  }
  const out = parts.join(SEP);
  if (byteLength(out) > ACTION_LIMIT) throw new Error(`action ${action.kind} encodes to more than ${ACTION_LIMIT} bytes`);
  return out;
}

function writeField(type: FieldType<unknown>, value: unknown, name: string, kind: string): string {
  const s = value === undefined ? '' : type.write(value);
  if (type.parse(s) === undefined) throw new Error(`action ${kind}: bad value for ${name}`);
  return s;
}

/** Reads a callback/postback string; anything not written by `encode` (or no longer valid) is a failure. */
export function decode(data: unknown): Decoded {
  if (typeof data !== 'string' || !data) return { ok: false, reason: 'empty' };
  if (byteLength(data) > ACTION_LIMIT) return { ok: false, reason: 'too_long' };
  for (const e of BY_CODE) {
    if (data !== e.code && !data.startsWith(e.code + SEP)) continue;
    const rest = data === e.code ? [] : data.slice(e.code.length + 1).split(SEP);
    return build(e, rest);
  }
  return { ok: false, reason: 'unknown' };
}

function build(e: Entry, parts: string[]): Decoded {
  if (parts.length < e.fields.length || parts.length > e.fields.length + e.optional.length) return { ok: false, reason: 'malformed' };
  const out: Record<string, unknown> = { kind: e.kind };
  const all = [...e.fields, ...e.optional];
  for (let i = 0; i < parts.length; i++) {
    const [name, type] = all[i];
    const v = type.parse(parts[i]);
    if (v === undefined) return { ok: false, reason: 'malformed' };
    out[name] = v;
  }
  return { ok: true, action: out as Action };
}

/** The action if `data` decodes to the given kind, else undefined. */
export function decodeAs<K extends ActionKind>(data: unknown, kind: K): ActionOf<K> | undefined {
  const d = decode(data);
  return d.ok && d.action.kind === kind ? (d.action as ActionOf<K>) : undefined;
}

/** Shorthand for building an action with its kind checked by the compiler. */
export function act<K extends ActionKind>(kind: K, fields: Omit<ActionOf<K>, 'kind'> = {} as Omit<ActionOf<K>, 'kind'>): ActionOf<K> {
  return { kind, ...fields } as ActionOf<K>;
}
