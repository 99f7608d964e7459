/** /privacy explains what is stored and why; /deleteme erases the user's data after confirmation. */
import { Composer } from 'grammy';
import { act } from '../../../services/actions.js';
import { resolveText, text } from '../../../services/messages.js';
import { onAction } from '../actions.js';
import type { BotContext } from '../context.js';
import { replyOut } from '../send.js';

export function privacyFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('privacy', (ctx) => ctx.reply(`${ctx.t('privacy:text')}\n\n${ctx.t('security:privacy.retention')}`));
  c.command('deleteme', (ctx) => replyOut(ctx, {
    text: [text('privacy:confirm')],
    buttons: [[{ label: text('privacy:yes'), action: act('privacy.delete') }, { label: text('privacy:no'), action: act('privacy.keep') }]],
  }));
  onAction(c, 'privacy.keep', (ctx) => ctx.editMessageText(ctx.t('privacy:kept')).catch(() => undefined));
  onAction(c, 'privacy.delete', async (ctx) => {
    await ctx.conversation.exitAll();
    const t = ctx.t;
    const report = await ctx.services.privacy.deleteUser(ctx.user);
    await ctx.editMessageText(t('privacy:deleted')).catch(() => ctx.reply(t('privacy:deleted')));
    // What could not be erased elsewhere (e.g. items in the owner's Meta catalog) is said, never swallowed.
    for (const note of report.notes) await ctx.reply(resolveText(t, note));
  });
  return c;
}
