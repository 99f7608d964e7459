/** Staff decisions on listing cards: Approve, Reject (with a reason), Ask for changes (with a note). */
import { createConversation } from '@grammyjs/conversations';
import { Composer } from 'grammy';
import { canActIn } from '../../../services/staff.js';
import type { BotContext, ConvContext } from '../context.js';
import { askModerationNote, REGISTRATION_HINTS, type Conv } from './questions.js';

export const MODERATION_NOTE = 'moderationNote';

async function moderationNote(conv: Conv, ctx: ConvContext, listingId: string, decision: 'reject' | 'request_changes'): Promise<void> {
  const note = await askModerationNote(conv, ctx, ctx.t(decision === 'reject' ? 'moderation:ask_reason' : 'moderation:ask_changes'), REGISTRATION_HINTS);
  const done = await conv.external(async (outside) => {
    const l = await outside.services.directory.moderate(outside.user, listingId, decision, note);
    return l ? l.name : null;
  });
  await ctx.reply(done ? ctx.t(`moderation:done.${decision}`, { name: done }) : ctx.t('moderation:already_decided'));
}

export function moderationFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(moderationNote, { id: MODERATION_NOTE, plugins }));

  c.callbackQuery(/^mod:(ok|no|ch):([\w-]+)$/, async (ctx) => {
    const [, action, id] = ctx.match;
    const listing = await ctx.services.directory.byId(id);
    if (!listing || !canActIn(ctx.user, listing.lagId)) {
      return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    }
    if (listing.status !== 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t('moderation:already_decided') });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    if (action === 'ok') {
      const done = await ctx.services.directory.moderate(ctx.user, id, 'approve');
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(done ? ctx.t('moderation:done.approve', { name: done.name }) : ctx.t('moderation:already_decided'));
      return;
    }
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.conversation.enter(MODERATION_NOTE, id, action === 'no' ? 'reject' : 'request_changes');
  });
  return c;
}
