/** /mybusiness: the owner's card (with its photo), with an edit button for every field. */
import { createConversation } from '@grammyjs/conversations';
import { Composer } from 'grammy';
import { act } from '../../../services/actions.js';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import { text, type Button } from '../../../services/messages.js';
import { onAction } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { replyOut } from '../send.js';
import { askField, FIELDS, type Conv, type Draft } from './listing-steps.js';
import { fieldButtons } from './registration.js';

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
  await replyOut(ctx, {
    text: [text(result.remoderate ? 'mybusiness:saved_remoderation' : 'mybusiness:saved')],
    buttons: [[{ label: text('mybusiness:show'), action: act('biz.show') }]],
  });
}

export async function showMyBusiness(ctx: BotContext): Promise<void> {
  const listing = await ctx.services.directory.byOwner(ctx.user._id);
  if (!listing) {
    await replyOut(ctx, { text: [text('mybusiness:none')], buttons: [[{ label: text('home:button.register'), action: act('menu', { to: 'register' }) }]] });
    return;
  }
  const rows: Button[][] = fieldButtons(FIELDS, (f) => ({ label: text(`registration:field.${f}`), action: act('biz.field', { field: f }) }));
  if (listing.status === 'published') {
    rows.push([{ label: text('mybusiness:public_page'), url: ctx.services.directory.publicLink(listing) }]);
    // The printable poster (features/posters.ts answers this intent).
    rows.push([{ label: text('poster:button'), action: act('poster.business') }]);
  }
  await replyOut(ctx, { text: ctx.services.directory.summary(listing), buttons: rows, ...(listing.logoId ? { photo: { blobId: listing.logoId, caption: listing.name } } : {}) });
}

export function myBusinessFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(editListing, { id: EDIT_LISTING, plugins }));
  c.command('mybusiness', showMyBusiness);
  onAction(c, ['biz.show', 'biz.edit'], (ctx) => showMyBusiness(ctx));
  onAction(c, 'biz.field', async (ctx, a) => {
    if (!FIELDS.includes(a.field)) return;
    if (!(await ctx.services.directory.byOwner(ctx.user._id))) return showMyBusiness(ctx);
    await ctx.conversation.enter(EDIT_LISTING, a.field);
  });
  return c;
}
