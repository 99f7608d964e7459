/** /privacy explains what is stored and why; /deleteme erases the user's data after confirmation. */
import { Composer, InlineKeyboard } from 'grammy';
import { resolveText } from '../../../services/messages.js';
import type { BotContext } from '../context.js';

export function privacyFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('privacy', (ctx) => ctx.reply(`${ctx.t('privacy:text')}\n\n${ctx.t('security:privacy.retention')}`));
  c.command('deleteme', (ctx) => ctx.reply(ctx.t('privacy:confirm'), {
    reply_markup: new InlineKeyboard().text(ctx.t('privacy:yes'), 'del:yes').text(ctx.t('privacy:no'), 'del:no'),
  }));
  c.callbackQuery('del:no', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('privacy:kept')).catch(() => undefined);
  });
  c.callbackQuery('del:yes', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    const t = ctx.t;
    const report = await ctx.services.privacy.deleteUser(ctx.user);
    await ctx.editMessageText(t('privacy:deleted')).catch(() => ctx.reply(t('privacy:deleted')));
    // What could not be erased elsewhere (e.g. items in the owner's Meta catalog) is said, never swallowed.
    for (const note of report.notes) await ctx.reply(resolveText(t, note));
  });
  return c;
}
