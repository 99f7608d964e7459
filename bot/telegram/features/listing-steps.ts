/**
 * The questions that fill a listing, shared by /register (all of them, in order) and /mybusiness (one).
 * Every free-text answer is validated; a bad answer gets a localized reason and the question again.
 */
import { InlineKeyboard, Keyboard } from 'grammy';
import { LISTING_LIMITS, type Country, type Sector } from '../../../models/listing.js';
import { SPOKEN_LANGUAGES, type ListingDraft, type ListingField } from '../../../services/directory.js';
import { act, encode } from '../../../services/actions.js';
import { districtsOf } from '../../../services/territories.js';
import { cleanText, normalizeEmail, normalizePhone, normalizeUrl, parseKeywords, type Checked } from '../../../services/validation.js';
import type { ConvContext } from '../context.js';
import { downloadPhoto, FileTooLarge } from '../files.js';
import { askChoice, askText as ask, askToggles, GoBack, REGISTRATION_HINTS, sectorItems, type BackButton, type Conv } from './questions.js';
import { askProfileField, PROFILE_FIELDS, type ProfileField } from './profile-steps.js';

export type { Conv };
export { GoBack };

/** Where a question sits in the registration: "Step 5 of 13", and whether Back is offered. */
export interface Nav {
  step: number;
  steps: number;
  back: boolean;
}

/** Back, as a button (callback data from the action codec). */
function backButton(ctx: ConvContext, nav?: Nav): BackButton | undefined {
  return nav?.back ? { label: ctx.t('registration:back'), data: encode(act('reg.back')) } : undefined;
}

/** "Step 5 of 13" above the question (registration only). */
function header(ctx: ConvContext, nav?: Nav): string | undefined {
  return nav ? ctx.t('registration:step', { step: nav.step, steps: nav.steps }) : undefined;
}

function withHeader(ctx: ConvContext, nav: Nav | undefined, question: string): string {
  const h = header(ctx, nav);
  return h ? `${h}\n${question}` : question;
}
export type Draft = Partial<ListingDraft>;

/** Languages offered for "languages spoken" (ISO 639-1). */
export const SPOKEN = SPOKEN_LANGUAGES;

/** Fields an owner can edit, in the order the registration asks them. */
export const FIELDS: ListingField[] = [
  'name', 'sectors', 'activity', 'districtId', 'locality', 'description', 'keywords', 'phone', 'email', 'website', 'facebook',
  ...PROFILE_FIELDS, 'languages', 'logoId',
];
export const OPTIONAL: ReadonlySet<ListingField> = new Set(['email', 'website', 'facebook', 'logoId', ...PROFILE_FIELDS]);

const SKIP = 'step:skip';

function hint(ctx: ConvContext): string {
  return ctx.t('registration:hint_cancel');
}

function askText<T>(conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>, opts: { optional?: boolean; current?: string; nav?: Nav } = {}) {
  const skip = opts.optional ? { label: ctx.t('registration:skip'), data: SKIP } : undefined;
  const q = opts.optional ? `${question}\n${ctx.t('registration:optional')}` : question;
  return ask(conv, ctx, q, check, REGISTRATION_HINTS, { skip, current: opts.current, back: backButton(ctx, opts.nav), header: header(ctx, opts.nav) });
}

async function askSectors(conv: Conv, ctx: ConvContext, current: Sector[] = [], nav?: Nav): Promise<Sector[]> {
  const { chosen } = await askToggles(conv, ctx, withHeader(ctx, nav, ctx.t('registration:ask.sectors')), sectorItems(ctx), 'sec', REGISTRATION_HINTS, {
    chosen: current, done: 'registration:done', back: backButton(ctx, nav),
    min: { count: 1, alert: 'registration:sectors_min' }, max: { count: 5, alert: 'registration:sectors_max' },
  });
  return chosen as Sector[];
}

const FLAG: Record<Country, string> = { MD: '🇲🇩', LV: '🇱🇻' };

/** One question for the place: every district of both countries, flagged (the country follows from it). */
async function askDistrict(conv: Conv, ctx: ConvContext, nav?: Nav): Promise<{ country: Country; districtId: string }> {
  const countries: Country[] = ['MD', 'LV'];
  const options = countries.flatMap((c) => districtsOf(c).map((d): [string, string] => [`${FLAG[c]} ${ctx.t(`territory:district.${d.id}`)}`, d.id]));
  const districtId = await askChoice(conv, ctx, withHeader(ctx, nav, ctx.t('registration:ask.district')), options, 'dst', REGISTRATION_HINTS, 3, backButton(ctx, nav));
  const country = countries.find((c) => districtsOf(c).some((d) => d.id === districtId))!;
  return { country, districtId };
}

async function askPhone(conv: Conv, ctx: ConvContext, country: Country | undefined, nav?: Nav): Promise<string> {
  const back = backButton(ctx, nav);
  const kb = new Keyboard().requestContact(ctx.t('registration:share_phone'));
  if (back) kb.row().text(back.label);
  kb.oneTime().resized();
  await ctx.reply(withHeader(ctx, nav, ctx.t('registration:ask.phone')), { reply_markup: kb });
  for (;;) {
    const next = await conv.wait();
    if (back && next.message?.text === back.label) {
      await ctx.reply(ctx.t('registration:going_back'), { reply_markup: { remove_keyboard: true } });
      throw new GoBack();
    }
    const input = next.message?.contact?.phone_number ?? next.message?.text;
    if (input === undefined) {
      if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
      await ctx.reply(`${ctx.t('registration:phone_expected')}\n${hint(ctx)}`);
      continue;
    }
    // A shared contact comes without "+" at times; libphonenumber needs it to read the country code.
    const r = normalizePhone(next.message?.contact && !input.startsWith('+') ? `+${input}` : input, country);
    if (r.ok) {
      await ctx.reply(ctx.t('registration:phone_saved', { phone: r.value }), { reply_markup: { remove_keyboard: true } });
      return r.value;
    }
    await ctx.reply(ctx.t(r.error, r.params), { reply_markup: kb });
  }
}

async function askLanguages(conv: Conv, ctx: ConvContext, current: string[] = [], nav?: Nav): Promise<string[]> {
  const ticked = current.length ? current : [ctx.locale];
  // Say what is ticked already: a tap on a ticked language unticks it.
  const question = `${ctx.t('registration:ask.languages')}\n${ctx.t('registration:languages_ticked', { languages: ticked.map((l) => ctx.t(`registration:lang.${l}`)).join(', '), count: ticked.length })}`;
  const { chosen } = await askToggles(conv, ctx, withHeader(ctx, nav, question),
    SPOKEN.map((l) => [ctx.t(`registration:lang.${l}`), l]), 'spk', REGISTRATION_HINTS, {
      chosen: ticked, done: 'registration:done', back: backButton(ctx, nav),
      min: { count: 1, alert: 'registration:languages_min' },
    });
  return chosen;
}

async function askLogo(conv: Conv, ctx: ConvContext, nav?: Nav): Promise<string | null> {
  const back = backButton(ctx, nav);
  const kb = new InlineKeyboard();
  if (back) kb.text(back.label, back.data);
  kb.text(ctx.t('registration:skip'), SKIP);
  await ctx.reply(withHeader(ctx, nav, `${ctx.t('registration:ask.logo')}\n${ctx.t('registration:optional')}`), { reply_markup: kb });
  for (;;) {
    const next = await conv.wait();
    if (next.callbackQuery?.data === SKIP) {
      await next.answerCallbackQuery().catch(() => undefined);
      return null;
    }
    if (back && next.callbackQuery?.data === back.data) {
      await next.answerCallbackQuery().catch(() => undefined);
      throw new GoBack();
    }
    const photos = next.message?.photo;
    if (!photos?.length) {
      if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
      await ctx.reply(ctx.t('registration:photo_expected'), { reply_markup: kb });
      continue;
    }
    const largest = photos[photos.length - 1];
    const stored: { id?: string; error?: string } = await conv.external(async (outside) => {
      try {
        return { id: await downloadPhoto(outside, largest.file_id) };
      } catch (err) {
        return { error: err instanceof FileTooLarge ? 'errors:photo_too_large' : 'errors:photo_failed' };
      }
    });
    if (stored.id) return stored.id;
    await ctx.reply(ctx.t(stored.error ?? 'errors:photo_failed'), { reply_markup: kb });
  }
}

/** Asks one field and writes the answer into the draft (null clears an optional field). */
export async function askField(conv: Conv, ctx: ConvContext, field: ListingField, draft: Draft, editing = false, nav?: Nav): Promise<void> {
  const cur = (v: unknown) => (editing && v !== undefined && v !== '' ? String(v) : undefined);
  switch (field) {
    case 'name':
      draft.name = (await askText(conv, ctx, ctx.t('registration:ask.name'), (s) => cleanText(s, { min: 2, max: LISTING_LIMITS.name }), { nav, current: cur(draft.name) })) as string;
      return;
    case 'sectors':
      draft.sectors = await askSectors(conv, ctx, draft.sectors, nav);
      return;
    case 'activity':
      draft.activity = (await askText(conv, ctx, ctx.t('registration:ask.activity', { max: ctx.t('registration:chars', { count: LISTING_LIMITS.activity }) }), (s) => cleanText(s, { min: 3, max: LISTING_LIMITS.activity }), { nav, current: cur(draft.activity) })) as string;
      return;
    case 'country':
    case 'districtId':
      Object.assign(draft, await askDistrict(conv, ctx, nav));
      return;
    case 'locality':
      draft.locality = (await askText(conv, ctx, ctx.t('registration:ask.locality'), (s) => cleanText(s, { min: 2, max: LISTING_LIMITS.locality }), { nav, current: cur(draft.locality) })) as string;
      return;
    case 'description':
      draft.description = (await askText(conv, ctx, ctx.t('registration:ask.description', { max: ctx.t('registration:chars', { count: LISTING_LIMITS.description }) }), (s) => cleanText(s, { min: 10, max: LISTING_LIMITS.description, multiline: true }), { nav, current: cur(draft.description) })) as string;
      return;
    case 'keywords':
      draft.keywords = (await askText(conv, ctx, ctx.t('registration:ask.keywords'), (s) => parseKeywords(s, { max: LISTING_LIMITS.keywords, maxLength: LISTING_LIMITS.keyword }), { nav, current: cur(draft.keywords?.join(', ')) })) as string[];
      return;
    case 'phone':
      draft.phone = await askPhone(conv, ctx, draft.country, nav);
      return;
    case 'email':
      draft.email = ((await askText(conv, ctx, ctx.t('registration:ask.email'), normalizeEmail, { optional: true, nav, current: cur(draft.email) })) as string | null) ?? undefined;
      return;
    case 'website':
      draft.website = ((await askText(conv, ctx, ctx.t('registration:ask.website'), normalizeUrl, { optional: true, nav, current: cur(draft.website) })) as string | null) ?? undefined;
      return;
    case 'facebook':
      draft.facebook = ((await askText(conv, ctx, ctx.t('registration:ask.facebook'), normalizeUrl, { optional: true, nav, current: cur(draft.facebook) })) as string | null) ?? undefined;
      return;
    case 'languages':
      draft.languages = await askLanguages(conv, ctx, draft.languages, nav);
      return;
    case 'logoId':
      draft.logoId = (await askLogo(conv, ctx, nav)) ?? undefined;
      return;
    default:
      if ((PROFILE_FIELDS as ListingField[]).includes(field)) await askProfileField(conv, ctx, field as ProfileField, draft, editing, { header: header(ctx, nav), back: backButton(ctx, nav) });
  }
}
