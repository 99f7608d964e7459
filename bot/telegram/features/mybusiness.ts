/** /mybusiness: the owner's card, with an edit button for every field. */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import type { BotContext, ConvContext } from '../context.js';
import { CAPTION_LIMIT, renderText } from '../render.js';
import { askField, FIELDS, type Conv, type Draft } from './listing-steps.js';
import { fieldKeyboard } from './registration.js';

export const EDIT_LISTING = 'editListing';

async function editListing(conv: Conv, ctx: ConvContext, field: ListingField): Promise<void> {
  const listing = await conv.external((outside) => outside.services.directory.byOwner(outside.user._id));
  if (!listing || !FIELDS.includes(field)) return;
  const draft: Draft = { ...listing } as Draft;
  await askField(conv, ctx, field, draft, true);
  const patch: Partial<ListingDraft> = {};
  const keys: ListingField[] = field === 'districtId' ? ['country', 'districtId'] : [field];
  for (const k of keys) (patch as Record<string, unknown>)[k] = draft[k];
  const result = await conv.external(async (outside) => {
    const r = await outside.services.directory.edit(outside.user, listing._id, patch);
    if (field === 'logoId' && listing.logoId && listing.logoId !== r.listing.logoId) await outside.services.store.blobs.delete(listing.logoId);
    return { remoderate: r.remoderate };
  });
  await ctx.reply(ctx.t(result.remoderate ? 'mybusiness:saved_remoderation' : 'mybusiness:saved'), {
    reply_markup: new InlineKeyboard().text(ctx.t('mybusiness:show'), 'biz:show'),
  });
}

export async function showMyBusiness(ctx: BotContext): Promise<void> {
  const listing = await ctx.services.directory.byOwner(ctx.user._id);
  if (!listing) {
    await ctx.reply(ctx.t('mybusiness:none'), { reply_markup: new InlineKeyboard().text(ctx.t('common:menu.register'), 'menu:register') });
    return;
  }
  const card = { text: ctx.services.directory.summary(listing) };
  const kb = fieldKeyboard(ctx, 'biz:f');
  if (listing.status === 'published') kb.url(ctx.t('mybusiness:public_page'), ctx.services.directory.publicLink(listing)).row().text(ctx.t('poster:button'), 'biz:poster');
  const photo = listing.logoId ? await ctx.services.store.blobs.get(listing.logoId) : null;
  if (photo) {
    await ctx.replyWithPhoto(new InputFile(photo.data), { caption: renderText(ctx.t, card, CAPTION_LIMIT), reply_markup: kb });
  } else {
    await ctx.reply(renderText(ctx.t, card), { reply_markup: kb });
  }
}

export function myBusinessFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(editListing, { id: EDIT_LISTING, plugins }));
  c.command('mybusiness', showMyBusiness);
  c.callbackQuery(['biz:show', 'biz:edit'], async (ctx) => {
    await ctx.answerCallbackQuery();
    await showMyBusiness(ctx);
  });
  c.callbackQuery(/^biz:f:(\w+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const field = ctx.match[1] as ListingField;
    if (!FIELDS.includes(field)) return;
    if (!(await ctx.services.directory.byOwner(ctx.user._id))) return showMyBusiness(ctx);
    await ctx.conversation.enter(EDIT_LISTING, field);
  });
  return c;
}
