/**
 * /register: a conversation that asks every listing field, shows a summary where any field can be
 * changed, and submits the listing for moderation. State lives in the store, so a restart resumes it.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import type { BotContext, ConvContext } from '../context.js';
import { renderText } from '../render.js';
import { askField, FIELDS, type Conv, type Draft } from './listing-steps.js';

export const REGISTRATION = 'registration';

/** A listing-shaped preview of the draft, for the shared summary card. */
function preview(draft: Draft): Listing {
  return {
    _id: '', slug: '', status: 'pending', lagId: '', createdAt: new Date(0), updatedAt: new Date(0),
    name: '', sectors: [], activity: '', country: 'MD', districtId: '', locality: '', description: '', keywords: [], phone: '', languages: [],
    ...draft,
  } as Listing;
}

export function fieldKeyboard(ctx: ConvContext, prefix: string, extra?: (kb: InlineKeyboard) => void): InlineKeyboard {
  const kb = new InlineKeyboard();
  FIELDS.forEach((f, i) => {
    kb.text(ctx.t(`registration:field.${f}`), `${prefix}:${f}`);
    if (i % 3 === 2) kb.row();
  });
  kb.row();
  extra?.(kb);
  return kb;
}

async function registration(conv: Conv, ctx: ConvContext): Promise<void> {
  const draft: Draft = {};
  await ctx.reply(ctx.t('registration:intro'));
  for (const field of FIELDS) await askField(conv, ctx, field, draft);

  for (;;) {
    const card = ctx.services.directory.summary(preview(draft));
    await ctx.reply(
      `${ctx.t('registration:summary_title')}\n\n${renderText(ctx.t, { text: card.slice(0, -1) })}\n\n${ctx.t('registration:summary_hint')}`,
      { reply_markup: fieldKeyboard(ctx, 'edit', (kb) => kb.text(ctx.t('registration:confirm'), 'reg:confirm').text(ctx.t('registration:cancel'), 'reg:cancel')) },
    );
    const next = await conv.waitFor('callback_query:data', { otherwise: (c) => c.reply(ctx.t('registration:use_buttons')) });
    await next.answerCallbackQuery().catch(() => undefined);
    const data = next.callbackQuery.data;
    if (data === 'reg:cancel') {
      await ctx.reply(ctx.t('common:cancelled'));
      return;
    }
    if (data === 'reg:confirm') break;
    if (data.startsWith('edit:')) {
      const field = data.slice(5) as ListingField;
      if (FIELDS.includes(field)) await askField(conv, ctx, field, draft, true);
    }
  }

  const listing = await conv.external((outside) => outside.services.directory.submit(outside.user, draft as ListingDraft));
  await ctx.reply(ctx.t('registration:submitted', { name: listing.name }));
}

export function registrationFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(registration, { id: REGISTRATION, plugins }));

  const start = async (ctx: BotContext) => {
    const existing = await ctx.services.directory.byOwner(ctx.user._id);
    if (existing) {
      await ctx.reply(ctx.t('registration:already', { name: existing.name }));
      return;
    }
    await ctx.conversation.enter(REGISTRATION);
  };
  c.command('register', start);
  c.callbackQuery('menu:register', async (ctx) => {
    await ctx.answerCallbackQuery();
    await start(ctx);
  });
  return c;
}
