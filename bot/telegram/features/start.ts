/** /start, /help, /language, /cancel and the fallback for things the bot can't read. */
import { Composer, InlineKeyboard } from 'grammy';
import { LOCALES } from '../../../models/user.js';
import { isLocale, LANGUAGE_NAMES, translator } from '../../../services/i18n.js';
import type { BotContext } from '../context.js';
import { syncCommands } from '../commands.js';
import { handleClaim } from './staff-data.js';
import { parseStartPayload } from '../../../services/deep-links.js';

export function languageKeyboard(): InlineKeyboard {
  const kb = new InlineKeyboard();
  LOCALES.forEach((l, i) => {
    kb.text(LANGUAGE_NAMES[l], `lang:${l}`);
    if (i % 2 === 1) kb.row();
  });
  return kb;
}

export function startFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command('start', async (ctx, next) => {
    // Deep link t.me/<bot>?start=claim_<code>: an imported business claimed by its owner.
    if (typeof ctx.match === 'string' && ctx.match.startsWith('claim_')) return handleClaim(ctx, ctx.match.slice(6));
    // Poster and page links (b_<listing>, lag_<lag>): handled by the posters feature, after registration is installed.
    if (typeof ctx.match === 'string' && parseStartPayload(ctx.match)) return next();
    const published = await ctx.services.directory.listings.count({ status: 'published' });
    const size = ctx.t('common:directory_size', { businesses: ctx.t('common:businesses', { count: published }) });
    await ctx.reply(`${ctx.t('common:welcome', { name: ctx.from?.first_name ?? '' })}\n\n${size}`, {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('common:menu.register'), 'menu:register').row()
        .text(ctx.t('common:menu.search'), 'menu:search').row()
        .text(ctx.t('common:menu.language'), 'menu:language'),
    });
    await syncCommands(ctx.api, ctx.user).catch(() => undefined);
  });

  c.command('help', (ctx) => ctx.reply(ctx.t('common:help')));

  const askLanguage = (ctx: BotContext) => ctx.reply(ctx.t('common:language.choose'), { reply_markup: languageKeyboard() });
  c.command('language', askLanguage);
  c.callbackQuery('menu:language', async (ctx) => {
    await ctx.answerCallbackQuery();
    await askLanguage(ctx);
  });

  c.callbackQuery(/^lang:(\w+)$/, async (ctx) => {
    const locale = ctx.match[1];
    if (!isLocale(locale)) return ctx.answerCallbackQuery();
    const user = await ctx.services.users.setLocale(ctx.user._id, locale);
    if (user) ctx.user = user;
    ctx.locale = locale;
    ctx.t = translator(locale);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('common:language.changed', { language: LANGUAGE_NAMES[locale] })).catch(() => undefined);
    await syncCommands(ctx.api, ctx.user).catch(() => undefined);
  });

  c.command('cancel', async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t('common:cancelled'), { reply_markup: { remove_keyboard: true } });
  });

  return c;
}

/** Last in the chain: anything no feature handled. */
export function fallbackFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: ctx.t('common:expired_button') }));
  c.on('message:text', (ctx) => ctx.reply(ctx.t('common:unknown_text')));
  c.on('message', (ctx) => ctx.reply(ctx.t('common:unsupported_message')));
  return c;
}
