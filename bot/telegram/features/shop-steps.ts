/**
 * The /shop conversations: add a product (every field in turn), edit one field, set the catalog id and the
 * catalog access token. Answers are validated as they come; DB and network work runs in conv.external.
 */
import { InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import {
  AVAILABILITIES, CONDITIONS, PRODUCT_LIMITS, type Availability, type Condition, type FeedCurrency, type ProductPhoto,
} from '../../../models/product.js';
import { formatMinor, isFeedCurrency, parsePrice } from '../../../services/catalog/money.js';
import type { ProductDraft } from '../../../services/catalog/service.js';
import { hasMarkup } from '../../../services/catalog/validate.js';
import { cleanText, type Checked } from '../../../services/validation.js';
import type { ConvContext } from '../context.js';
import { fetchTelegramFile, FileTooLarge } from '../files.js';
import { askChoice, waitText, type Conv, type Hints } from './questions.js';
import type { ProductFieldCode } from './shop-render.js';

const SKIP = 'shp:skip';
const DONE = 'shp:done';
export const SHOP_HINTS: Hints = { text: 'shop:text_expected', buttons: 'shop:use_buttons' };

/** The listing facts a product conversation needs (plain JSON: it is replayed from storage). */
export interface ListingFacts {
  id: string;
  name: string;
  country: Listing['country'];
}

export type Draft = Partial<ProductDraft>;

async function ask<T>(conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>, opts: { optional?: boolean; skipLabel?: string } = {}): Promise<T | null> {
  const kb = opts.optional ? new InlineKeyboard().text(opts.skipLabel ?? ctx.t('shop:skip'), SKIP) : undefined;
  await ctx.reply(question, { reply_markup: kb });
  for (;;) {
    const answer = await waitText(conv, ctx, SHOP_HINTS, { skip: kb ? SKIP : undefined });
    if (answer === null) return null;
    const r = check(answer);
    if (r.ok) return r.value;
    await ctx.reply(`${ctx.t(r.error, r.params)}\n\n${question}`, { reply_markup: kb });
  }
}

/** One of `options` by button; the callback data is the option's index (`shp:c:<i>`). */
async function choose<T extends string>(conv: Conv, ctx: ConvContext, question: string, options: readonly T[], label: (v: T) => string): Promise<T> {
  const i = await askChoice(conv, ctx, question, options.map((o, n): [string, string] => [label(o), String(n)]), 'shp:c', SHOP_HINTS, 1);
  return options[Number(i)];
}

const plain = (max: number, min = 2, multiline = false) => (s: string): Checked<string> => {
  const r = cleanText(s, { min, max, multiline });
  if (r.ok && hasMarkup(r.value)) return { ok: false, error: 'shop:error.markup' };
  return r;
};

function checkPrice(s: string): Checked<{ minor: number; currency?: FeedCurrency }> {
  const r = parsePrice(s);
  if (!r.ok) return { ok: false, error: r.error, params: r.params };
  if (r.currency === 'MDL') return { ok: false, error: 'shop:error.mdl_not_in_feed' };
  if (r.currency && !isFeedCurrency(r.currency)) return { ok: false, error: 'shop:error.currency', params: { currency: r.currency } };
  return { ok: true, value: { minor: r.minor, currency: r.currency as FeedCurrency | undefined } };
}

function checkMdl(s: string): Checked<number> {
  // parsePrice reads "MDL", "lei" and "leu" as MDL; any other currency is a mistake here.
  const r = parsePrice(s);
  if (!r.ok) return { ok: false, error: r.error, params: r.params };
  if (r.currency && r.currency !== 'MDL') return { ok: false, error: 'shop:error.price_format' };
  return { ok: true, value: r.minor };
}

/** Photos, one or more: each downloaded through getFile, checked for Meta's 500×500 minimum, stored. */
async function askPhotos(conv: Conv, ctx: ConvContext): Promise<ProductPhoto[]> {
  const photos: ProductPhoto[] = [];
  const doneKb = () => new InlineKeyboard().text(ctx.t('shop:photos_done', { n: photos.length }), DONE);
  await ctx.reply(ctx.t('shop:ask.photos', { min: PRODUCT_LIMITS.minImageSide, max: PRODUCT_LIMITS.photos }));
  for (;;) {
    const next = await conv.wait();
    if (next.callbackQuery?.data === DONE && photos.length > 0) {
      await next.answerCallbackQuery().catch(() => undefined);
      return photos;
    }
    if (next.callbackQuery) {
      await next.answerCallbackQuery().catch(() => undefined);
      continue;
    }
    const msg = next.message;
    const doc = msg?.document && /^image\/(jpeg|png)$/.test(msg.document.mime_type ?? '') ? msg.document : undefined;
    const fileId = msg?.photo?.length ? msg.photo[msg.photo.length - 1].file_id : doc?.file_id;
    if (!fileId) {
      await ctx.reply(ctx.t('shop:photo_expected', { min: PRODUCT_LIMITS.minImageSide }), { reply_markup: photos.length ? doneKb() : undefined });
      continue;
    }
    const got: { photo?: ProductPhoto; error?: string; params?: Record<string, unknown> } = await conv.external(async (outside) => {
      try {
        const f = await fetchTelegramFile(outside.api, outside.apiRoot, fileId);
        if (!['image/jpeg', 'image/png'].includes(f.contentType)) return { error: 'shop:error.photo_type' };
        const min = PRODUCT_LIMITS.minImageSide;
        if (f.width < min || f.height < min) return { error: 'shop:error.photo_small', params: { width: f.width, height: f.height, min } };
        const blobId = await outside.services.store.blobs.put(f.data, f.contentType);
        return { photo: { blobId, width: f.width, height: f.height } };
      } catch (err) {
        return { error: err instanceof FileTooLarge ? 'errors:photo_too_large' : 'errors:photo_failed' };
      }
    });
    if (got.photo) photos.push(got.photo);
    if (got.photo && photos.length >= PRODUCT_LIMITS.photos) {
      await ctx.reply(ctx.t('shop:photos_max', { max: PRODUCT_LIMITS.photos }));
      return photos;
    }
    const say = got.photo ? ctx.t('shop:photo_saved', { n: photos.length }) : ctx.t(got.error ?? 'errors:photo_failed', got.params);
    await ctx.reply(say, { reply_markup: photos.length ? doneKb() : undefined });
  }
}

async function askPrice(conv: Conv, ctx: ConvContext, draft: Draft): Promise<void> {
  const price = (await ask(conv, ctx, ctx.t('shop:ask.price'), checkPrice))!;
  draft.priceMinor = price.minor;
  draft.currency = price.currency ?? await choose(conv, ctx, ctx.t('shop:ask.currency', { amount: formatMinor(price.minor) }), ['EUR', 'USD'] as const, (c) => c);
  // A sale price must stay below the new price.
  if (draft.salePriceMinor !== undefined && draft.salePriceMinor >= draft.priceMinor) draft.salePriceMinor = undefined;
}

/** Asks one field; `null` in the draft means "clear it" (optional fields only). */
export async function askProductField(conv: Conv, ctx: ConvContext, field: ProductFieldCode, draft: Draft, listing: ListingFacts): Promise<void> {
  const d = draft as Record<string, unknown>;
  switch (field) {
    case 'title':
      draft.title = (await ask(conv, ctx, ctx.t('shop:ask.title', { max: PRODUCT_LIMITS.title }), plain(PRODUCT_LIMITS.title)))!;
      return;
    case 'description':
      draft.description = (await ask(conv, ctx, ctx.t('shop:ask.description'), plain(PRODUCT_LIMITS.description, 3, true)))!;
      return;
    case 'price':
      return askPrice(conv, ctx, draft);
    case 'mdl':
      d.mdlMinor = await ask(conv, ctx, ctx.t('shop:ask.mdl'), checkMdl, { optional: true });
      return;
    case 'availability':
      draft.availability = await choose<Availability>(conv, ctx, ctx.t('shop:ask.availability'), AVAILABILITIES, (a) => ctx.t(`shop:availability.${a}`));
      return;
    case 'condition':
      draft.condition = await choose<Condition>(conv, ctx, ctx.t('shop:ask.condition'), CONDITIONS, (c) => ctx.t(`shop:condition.${c}`));
      return;
    case 'photos':
      draft.photos = await askPhotos(conv, ctx);
      return;
    case 'brand':
      d.brand = await ask(conv, ctx, ctx.t('shop:ask.brand', { name: listing.name }), plain(PRODUCT_LIMITS.brand, 1),
        { optional: true, skipLabel: ctx.t('shop:use_business_name', { name: listing.name.slice(0, 40) }) });
      return;
    case 'sale': {
      const price = draft.priceMinor ?? 0;
      d.salePriceMinor = await ask(conv, ctx, ctx.t('shop:ask.sale', { price: `${formatMinor(price)} ${draft.currency ?? ''}`.trim() }), (s): Checked<number> => {
        const r = checkPrice(s);
        if (!r.ok) return r;
        if (r.value.currency && r.value.currency !== draft.currency) return { ok: false, error: 'shop:error.sale_currency', params: { currency: draft.currency } };
        if (r.value.minor >= price) return { ok: false, error: 'shop:error.sale_not_lower' };
        return { ok: true, value: r.value.minor };
      }, { optional: true });
      return;
    }
    case 'category':
      d.googleCategory = await ask(conv, ctx, ctx.t('shop:ask.category'), plain(PRODUCT_LIMITS.category, 1), { optional: true });
      return;
  }
}

/** The order in which "add product" asks; MDL only for Moldovan businesses. */
export function addOrder(listing: ListingFacts): ProductFieldCode[] {
  const order: ProductFieldCode[] = ['title', 'description', 'price'];
  if (listing.country === 'MD') order.push('mdl');
  order.push('availability', 'condition', 'photos', 'brand', 'sale', 'category');
  return order;
}

/** Draft keys touched by a field code (for building the edit patch). */
export const FIELD_KEYS: Record<ProductFieldCode, (keyof ProductDraft)[]> = {
  title: ['title'],
  description: ['description'],
  price: ['priceMinor', 'currency', 'salePriceMinor'],
  mdl: ['mdlMinor'],
  availability: ['availability'],
  condition: ['condition'],
  photos: ['photos'],
  brand: ['brand'],
  sale: ['salePriceMinor'],
  category: ['googleCategory'],
};

export { SKIP };
