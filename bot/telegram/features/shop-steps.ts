/**
 * The /shop conversations' questions: add a product (the essentials, then "More details" the owner may skip),
 * edit one field. Prices are read as people write them (services/catalog/money.ts); a Moldovan owner's bare
 * number is lei. Buttons are typed actions (services/actions.ts). DB and network work runs in conv.external.
 */
import { InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import {
  AVAILABILITIES, CONDITIONS, PRODUCT_LIMITS, type Availability, type Condition, type ProductEditField, type ProductPhoto,
} from '../../../models/product.js';
import { act, decode, encode, type Action } from '../../../services/actions.js';
import { CATEGORY_KEYS, PRODUCT_CATEGORIES } from '../../../services/catalog/categories.js';
import { ownerAmount, parsePrice, readOwnerPrice as checkPrice } from '../../../services/catalog/money.js';
import type { ProductDraft } from '../../../services/catalog/service.js';
import { hasMarkup } from '../../../services/catalog/validate.js';
import { cleanText, type Checked } from '../../../services/validation.js';
import { actionButton } from '../actions.js';
import type { ConvContext } from '../context.js';
import { fetchTelegramFile, FileTooLarge } from '../files.js';
import { answer, waitText, type Conv, type Hints } from './questions.js';

const SKIP = encode(act('shop.skip'));
export const SHOP_HINTS: Hints = { text: 'shop:text_expected', buttons: 'shop:use_buttons' };

/** The listing facts a product conversation needs (plain JSON: it is replayed from storage). */
export interface ListingFacts {
  id: string;
  name: string;
  country: Listing['country'];
}

export type Draft = Partial<ProductDraft>;

async function ask<T>(conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>, opts: { optional?: boolean; skipLabel?: string } = {}): Promise<T | null> {
  const kb = opts.optional ? actionButton(new InlineKeyboard(), opts.skipLabel ?? ctx.t('shop:skip'), act('shop.skip')) : undefined;
  await ctx.reply(question, { reply_markup: kb });
  for (;;) {
    const reply = await waitText(conv, ctx, SHOP_HINTS, { skip: kb ? SKIP : undefined });
    if (reply === null) return null;
    const r = check(reply);
    if (r.ok) return r.value;
    await ctx.reply(`${ctx.t(r.error, r.params)}\n\n${question}`, { reply_markup: kb });
  }
}

/**
 * Buttons for `actions`; returns the pressed one. Text gets the "use the buttons" hint; other buttons are
 * answered and ignored (the wait goes on).
 */
async function pick(conv: Conv, ctx: ConvContext, question: string, buttons: [label: string, action: Action][], perRow = 1): Promise<Action> {
  const kb = new InlineKeyboard();
  buttons.forEach(([label, action], i) => {
    actionButton(kb, label, action);
    if (i % perRow === perRow - 1) kb.row();
  });
  const wanted = new Set(buttons.map(([, a]) => encode(a)));
  await ctx.reply(question, { reply_markup: kb });
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (data !== undefined && wanted.has(data)) {
      await answer(next);
      const d = decode(data);
      if (d.ok) return d.action;
    }
    if (next.callbackQuery) await answer(next);
    else await ctx.reply(ctx.t(SHOP_HINTS.buttons));
  }
}

/** One of `options` by button (`shop.choice` with the option's index). */
async function choose<T extends string>(conv: Conv, ctx: ConvContext, question: string, options: readonly T[], label: (v: T) => string): Promise<T> {
  const a = await pick(conv, ctx, question, options.map((o, i): [string, Action] => [label(o), act('shop.choice', { i })]));
  return options[a.kind === 'shop.choice' ? a.i : 0];
}

const plain = (max: number, min = 2, multiline = false) => (s: string): Checked<string> => {
  const r = cleanText(s, { min, max, multiline });
  if (r.ok && hasMarkup(r.value)) return { ok: false, error: 'shop:error.markup' };
  return r;
};

/**
 * Photos, one or more: each downloaded through getFile, checked for Meta's 500×500 minimum, stored. After the
 * first, the `finish` buttons end the question (Save / More details when adding, Done when editing).
 */
async function askPhotos(
  conv: Conv, ctx: ConvContext, finish: (n: number) => [label: string, action: Action][], savedKey = 'shop:photo_saved',
): Promise<{ photos: ProductPhoto[]; action: Action }> {
  const photos: ProductPhoto[] = [];
  const kb = () => {
    const k = new InlineKeyboard();
    for (const [label, action] of finish(photos.length)) actionButton(k, label, action);
    return k;
  };
  const ends = new Set(finish(0).map(([, a]) => encode(a)));
  await ctx.reply(ctx.t('shop:ask.photos', { min: PRODUCT_LIMITS.minImageSide, max: PRODUCT_LIMITS.photos }));
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (data !== undefined && ends.has(data) && photos.length > 0) {
      await answer(next);
      const d = decode(data);
      if (d.ok) return { photos, action: d.action };
    }
    if (next.callbackQuery) {
      await answer(next);
      continue;
    }
    const msg = next.message;
    const doc = msg?.document && /^image\/(jpeg|png)$/.test(msg.document.mime_type ?? '') ? msg.document : undefined;
    const fileId = msg?.photo?.length ? msg.photo[msg.photo.length - 1].file_id : doc?.file_id;
    if (!fileId) {
      await ctx.reply(ctx.t('shop:photo_expected', { min: PRODUCT_LIMITS.minImageSide }), { reply_markup: photos.length ? kb() : undefined });
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
      return { photos, action: finish(photos.length)[0][1] };
    }
    const say = got.photo ? ctx.t(savedKey, { n: photos.length }) : ctx.t(got.error ?? 'errors:photo_failed', got.params);
    await ctx.reply(say, { reply_markup: photos.length ? kb() : undefined });
  }
}

async function askPrice(conv: Conv, ctx: ConvContext, draft: Draft, listing: ListingFacts): Promise<void> {
  const question = ctx.t(listing.country === 'MD' ? 'shop:ask.price_md' : 'shop:ask.price_lv');
  const price = (await ask(conv, ctx, question, (s) => checkPrice(s, listing.country)))!;
  draft.priceMinor = price.minor;
  draft.currency = price.currency;
  // The price in lei is the price now: the older display-only lei price goes.
  (draft as Record<string, unknown>).mdlMinor = undefined;
  // A sale price must stay below the new price, in the same currency.
  if (draft.salePriceMinor !== undefined && draft.salePriceMinor >= draft.priceMinor) draft.salePriceMinor = undefined;
}

async function askCategory(conv: Conv, ctx: ConvContext): Promise<string | null> {
  const buttons = CATEGORY_KEYS.map((c): [string, Action] => [ctx.t(`shop:category.${c}`), act('shop.category', { c })]);
  buttons.push([ctx.t('shop:skip'), act('shop.skip')]);
  const a = await pick(conv, ctx, ctx.t('shop:ask.category_pick'), buttons, 2);
  return a.kind === 'shop.category' ? PRODUCT_CATEGORIES[a.c] : null;
}

/** Asks one field; `null` in the draft means "clear it" (optional fields only). */
export async function askProductField(conv: Conv, ctx: ConvContext, field: ProductEditField, draft: Draft, listing: ListingFacts): Promise<void> {
  const d = draft as Record<string, unknown>;
  switch (field) {
    case 'title':
      draft.title = (await ask(conv, ctx, ctx.t('shop:ask.title', { max: PRODUCT_LIMITS.title }), plain(PRODUCT_LIMITS.title)))!;
      return;
    case 'description':
      draft.description = (await ask(conv, ctx, ctx.t('shop:ask.description'), plain(PRODUCT_LIMITS.description, 3, true)))!;
      return;
    case 'price':
      return askPrice(conv, ctx, draft, listing);
    case 'availability':
      draft.availability = await choose<Availability>(conv, ctx, ctx.t('shop:ask.availability'), AVAILABILITIES, (a) => ctx.t(`shop:availability.${a}`));
      return;
    case 'condition':
      draft.condition = await choose<Condition>(conv, ctx, ctx.t('shop:ask.condition'), CONDITIONS, (c) => ctx.t(`shop:condition.${c}`));
      return;
    case 'photos':
      draft.photos = (await askPhotos(conv, ctx, (n) => [[ctx.t('shop:photos_done', { n }), act('shop.done')]])).photos;
      return;
    case 'brand':
      d.brand = await ask(conv, ctx, ctx.t('shop:ask.brand', { name: listing.name }), plain(PRODUCT_LIMITS.brand, 1),
        { optional: true, skipLabel: ctx.t('shop:use_business_name', { name: listing.name.slice(0, 40) }) });
      return;
    case 'sale': {
      const price = draft.priceMinor ?? 0;
      const currency = draft.currency ?? 'EUR';
      d.salePriceMinor = await ask(conv, ctx, ctx.t('shop:ask.sale', { price: ownerAmount(price, currency, (amount) => ctx.t('shop:lei', { amount })) }), (s): Checked<number> => {
        // A bare number is in the price's own currency.
        const r = parsePrice(s);
        if (!r.ok) return r;
        if ((r.currency ?? currency) !== currency) return { ok: false, error: 'shop:error.sale_currency', params: { currency: currency === 'MDL' ? ctx.t('shop:lei', { amount: '' }).trim() : currency } };
        if (r.minor >= price) return { ok: false, error: 'shop:error.sale_not_lower' };
        return { ok: true, value: r.minor };
      }, { optional: true });
      return;
    }
    case 'category':
      d.googleCategory = await askCategory(conv, ctx);
      return;
  }
}

/** The essentials asked when adding a product; the rest is under "More details". */
export const ADD_ESSENTIALS: ProductEditField[] = ['title', 'description', 'price', 'availability'];
export const MORE_DETAILS: ProductEditField[] = ['condition', 'brand', 'sale', 'category'];

/**
 * Adds a product's answers to `draft`: the essentials, the photos, then Save or "More details" (condition,
 * brand, sale price, category — each skippable).
 */
export async function askNewProduct(conv: Conv, ctx: ConvContext, draft: Draft, listing: ListingFacts): Promise<void> {
  for (const field of ADD_ESSENTIALS) await askProductField(conv, ctx, field, draft, listing);
  const { photos, action } = await askPhotos(conv, ctx, () => [
    [ctx.t('shop:button.save_product'), act('shop.save')],
    [ctx.t('shop:button.more_details'), act('shop.more')],
  ], 'shop:photo_saved_add');
  draft.photos = photos;
  if (action.kind !== 'shop.more') return;
  for (const field of MORE_DETAILS) await askProductField(conv, ctx, field, draft, listing);
}

/** Draft keys touched by a field (for building the edit patch). */
export const FIELD_KEYS: Record<ProductEditField, (keyof ProductDraft)[]> = {
  title: ['title'],
  description: ['description'],
  price: ['priceMinor', 'currency', 'salePriceMinor', 'mdlMinor'],
  availability: ['availability'],
  condition: ['condition'],
  photos: ['photos'],
  brand: ['brand'],
  sale: ['salePriceMinor'],
  category: ['googleCategory'],
};

export { SKIP };
