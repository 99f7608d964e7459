/**
 * /start and /help: the person's home — what they can do now, by role (services/screens/home.ts) — and the
 * commands they may use; /language, /cancel, and the fallback: any plain text outside a flow is a search.
 */
import { Composer } from 'grammy';
import { LOCALES } from '../../../models/user.js';
import { act } from '../../../services/actions.js';
import { homeFacts } from '../../../services/home.js';
import { LANGUAGE_NAMES, translator } from '../../../services/i18n.js';
import { raw, text, type Button, type OutMessage } from '../../../services/messages.js';
import { helpScreen, homeScreen } from '../../../services/screens/home.js';
import { onAction } from '../actions.js';
import { commandNames, syncCommands } from '../commands.js';
import type { BotContext } from '../context.js';
import { replyOut } from '../send.js';
import { FIELDS } from './listing-steps.js';
import { showResults } from './search.js';
import { handleClaim } from './staff-data.js';
import { parseStartPayload } from '../../../services/deep-links.js';

/** The language picker, two languages a row (the pending search travels along when there is one). */
export function languageScreen(): OutMessage {
  const rows: Button[][] = [];
  LOCALES.forEach((l, i) => {
    if (i % 2 === 0) rows.push([]);
    rows[rows.length - 1].push({ label: raw(LANGUAGE_NAMES[l]), action: act('lang', { locale: l }) });
  });
  return { text: [text('common:language.choose')], buttons: rows };
}

async function facts(ctx: BotContext) {
  return homeFacts(ctx.services, ctx.user, FIELDS.length);
}

/** The home screen; also refreshes the person's command menu (their role may have changed). */
export async function showHome(ctx: BotContext): Promise<void> {
  const f = await facts(ctx);
  await replyOut(ctx, homeScreen(f, ctx.from?.first_name ?? ''));
  await syncCommands(ctx.api, ctx.user, { owner: f.role !== 'customer' }).catch((err) => ctx.services.log.warn({ err: String(err) }, 'setMyCommands failed'));
}

export function startFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command('start', async (ctx, next) => {
    // Deep link t.me/<bot>?start=claim_<code>: an imported business claimed by its owner.
    if (typeof ctx.match === 'string' && ctx.match.startsWith('claim_')) return handleClaim(ctx, ctx.match.slice(6));
    // Poster and page links (b_<listing>, lag_<lag>): handled by the posters feature, after registration is installed.
    if (typeof ctx.match === 'string' && parseStartPayload(ctx.match)) return next();
    await showHome(ctx);
  });

  c.command('help', async (ctx) => {
    const f = await facts(ctx);
    const t = ctx.t;
    await replyOut(ctx, helpScreen(commandNames(f.role, f.admin).map((command) => ({ command, description: t(`commands:${command}`) }))));
  });

  c.command('language', (ctx) => replyOut(ctx, languageScreen()));

  onAction(c, 'lang', async (ctx, a) => {
    const user = await ctx.services.users.setLocale(ctx.user._id, a.locale);
    if (user) ctx.user = user;
    ctx.locale = a.locale;
    ctx.t = translator(a.locale);
    await ctx.editMessageText(ctx.t('common:language.changed', { language: LANGUAGE_NAMES[a.locale] })).catch(() => undefined);
    const owner = !!(await ctx.services.directory.byOwner(ctx.user._id));
    await syncCommands(ctx.api, ctx.user, { owner }).catch(() => undefined);
  });

  c.command('cancel', async (ctx) => {
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t('common:cancelled'), { reply_markup: { remove_keyboard: true } });
  });

  return c;
}

/** Last in the chain: anything no feature handled. Plain text is a search, as on Messenger. */
export function fallbackFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  // A button no handler knows (from an older version, or for a step that is over): say so and show the menu.
  c.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t('common:expired_button') }).catch(() => undefined);
    await ctx.reply(ctx.t('common:outdated_button'));
    await showHome(ctx);
  });
  c.on('message:text', (ctx) => {
    if (ctx.message.text.startsWith('/')) return ctx.reply(ctx.t('common:unknown_command'));
    return showResults(ctx, { text: ctx.message.text });
  });
  c.on('message', (ctx) => ctx.reply(ctx.t('common:unsupported_message')));
  return c;
}
