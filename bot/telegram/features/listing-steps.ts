/**
 * The questions that fill a listing, shared by /register (all of them, in order) and /mybusiness (one).
 * Every free-text answer is validated; a bad answer gets a localized reason and the question again.
 */
import { InlineKeyboard, Keyboard } from 'grammy';
import { LISTING_LIMITS, type Country, type Sector } from '../../../models/listing.js';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import { districtsOf } from '../../../services/territories.js';
import { cleanText, normalizeEmail, normalizePhone, normalizeUrl, parseKeywords, type Checked } from '../../../services/validation.js';
import type { ConvContext } from '../context.js';
import { downloadPhoto, FileTooLarge } from '../files.js';
import { askChoice, askText as ask, askToggles, REGISTRATION_HINTS, sectorItems, type Conv } from './questions.js';
import { askProfileField, PROFILE_FIELDS, type ProfileField } from './profile-steps.js';

export type { Conv };
export type Draft = Partial<ListingDraft>;

/** Languages offered for "languages spoken" (ISO 639-1). */
export const SPOKEN = ['ro', 'ru', 'en', 'lv', 'uk', 'de', 'fr', 'it'] as const;

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

function askText<T>(conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>, opts: { optional?: boolean; current?: string } = {}) {
  const skip = opts.optional ? { label: ctx.t('registration:skip'), data: SKIP } : undefined;
  return ask(conv, ctx, question, check, REGISTRATION_HINTS, { skip, current: opts.current });
}

async function askSectors(conv: Conv, ctx: ConvContext, current: Sector[] = []): Promise<Sector[]> {
  const { chosen } = await askToggles(conv, ctx, ctx.t('registration:ask.sectors'), sectorItems(ctx), 'sec', REGISTRATION_HINTS, {
    chosen: current, done: 'registration:done',
    min: { count: 1, alert: 'registration:sectors_min' }, max: { count: 5, alert: 'registration:sectors_max' },
  });
  return chosen as Sector[];
}

async function askDistrict(conv: Conv, ctx: ConvContext): Promise<{ country: Country; districtId: string }> {
  const country = (await askChoice(conv, ctx, ctx.t('registration:ask.country'), [
    [ctx.t('territory:country.MD'), 'MD'], [ctx.t('territory:country.LV'), 'LV'],
  ], 'cty', REGISTRATION_HINTS)) as Country;
  const districtId = await askChoice(conv, ctx, ctx.t('registration:ask.district'),
    districtsOf(country).map((d) => [ctx.t(`territory:district.${d.id}`), d.id]), 'dst', REGISTRATION_HINTS, 3);
  return { country, districtId };
}

async function askPhone(conv: Conv, ctx: ConvContext, country: Country | undefined): Promise<string> {
  const kb = new Keyboard().requestContact(ctx.t('registration:share_phone')).oneTime().resized();
  await ctx.reply(ctx.t('registration:ask.phone'), { reply_markup: kb });
  for (;;) {
    const next = await conv.wait();
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

async function askLanguages(conv: Conv, ctx: ConvContext, current: string[] = []): Promise<string[]> {
  const { chosen } = await askToggles(conv, ctx, ctx.t('registration:ask.languages'),
    SPOKEN.map((l) => [ctx.t(`registration:lang.${l}`), l]), 'spk', REGISTRATION_HINTS, {
      chosen: current.length ? current : [ctx.locale], done: 'registration:done',
      min: { count: 1, alert: 'registration:languages_min' },
    });
  return chosen;
}

async function askLogo(conv: Conv, ctx: ConvContext): Promise<string | null> {
  const kb = new InlineKeyboard().text(ctx.t('registration:skip'), SKIP);
  await ctx.reply(ctx.t('registration:ask.logo'), { reply_markup: kb });
  for (;;) {
    const next = await conv.wait();
    if (next.callbackQuery?.data === SKIP) {
      await next.answerCallbackQuery().catch(() => undefined);
      return null;
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
export async function askField(conv: Conv, ctx: ConvContext, field: ListingField, draft: Draft, editing = false): Promise<void> {
  const cur = (v: unknown) => (editing && v !== undefined && v !== '' ? String(v) : undefined);
  switch (field) {
    case 'name':
      draft.name = (await askText(conv, ctx, ctx.t('registration:ask.name'), (s) => cleanText(s, { min: 2, max: LISTING_LIMITS.name }), { current: cur(draft.name) })) as string;
      return;
    case 'sectors':
      draft.sectors = await askSectors(conv, ctx, draft.sectors);
      return;
    case 'activity':
      draft.activity = (await askText(conv, ctx, ctx.t('registration:ask.activity', { max: LISTING_LIMITS.activity }), (s) => cleanText(s, { min: 3, max: LISTING_LIMITS.activity }), { current: cur(draft.activity) })) as string;
      return;
    case 'country':
    case 'districtId':
      Object.assign(draft, await askDistrict(conv, ctx));
      return;
    case 'locality':
      draft.locality = (await askText(conv, ctx, ctx.t('registration:ask.locality'), (s) => cleanText(s, { min: 2, max: LISTING_LIMITS.locality }), { current: cur(draft.locality) })) as string;
      return;
    case 'description':
      draft.description = (await askText(conv, ctx, ctx.t('registration:ask.description', { max: LISTING_LIMITS.description }), (s) => cleanText(s, { min: 10, max: LISTING_LIMITS.description, multiline: true }), { current: cur(draft.description) })) as string;
      return;
    case 'keywords':
      draft.keywords = (await askText(conv, ctx, ctx.t('registration:ask.keywords'), (s) => parseKeywords(s, { max: LISTING_LIMITS.keywords, maxLength: LISTING_LIMITS.keyword }), { current: cur(draft.keywords?.join(', ')) })) as string[];
      return;
    case 'phone':
      draft.phone = await askPhone(conv, ctx, draft.country);
      return;
    case 'email':
      draft.email = ((await askText(conv, ctx, ctx.t('registration:ask.email'), normalizeEmail, { optional: true, current: cur(draft.email) })) as string | null) ?? undefined;
      return;
    case 'website':
      draft.website = ((await askText(conv, ctx, ctx.t('registration:ask.website'), normalizeUrl, { optional: true, current: cur(draft.website) })) as string | null) ?? undefined;
      return;
    case 'facebook':
      draft.facebook = ((await askText(conv, ctx, ctx.t('registration:ask.facebook'), normalizeUrl, { optional: true, current: cur(draft.facebook) })) as string | null) ?? undefined;
      return;
    case 'languages':
      draft.languages = await askLanguages(conv, ctx, draft.languages);
      return;
    case 'logoId':
      draft.logoId = (await askLogo(conv, ctx)) ?? undefined;
      return;
    default:
      if ((PROFILE_FIELDS as ListingField[]).includes(field)) await askProfileField(conv, ctx, field as ProfileField, draft, editing);
  }
}
