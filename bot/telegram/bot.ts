/**
 * createBot(token, deps): the grammY bot with its middleware chain. The same bot serves long polling
 * (bot/telegram/polling.ts) and webhooks (bot/server.ts).
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import { limit } from '@grammyjs/ratelimiter';
import { sequentialize } from '@grammyjs/runner';
import { Bot, GrammyError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Services } from '../../services/app.js';
import { translator } from '../../services/i18n.js';
import type { BotContext, ConvContext } from './context.js';
import { fallbackFeature, startFeature } from './features/start.js';
import { features, type ConvPlugin } from './features/index.js';
import { flowGuard } from './flow-guard.js';
import { userMiddleware } from './middleware.js';
import { TelegramNotifier } from './notifier.js';

export interface BotDeps {
  services: Services;
  apiRoot: string;
  /** Incoming updates per user per minute before the bot stops answering for a while. */
  ratePerMinute?: number;
  /** Skips getMe (tests and webhook mode can pass known bot info). */
  botInfo?: UserFromGetMe;
}

/** One key per chat: updates from one chat are handled in order, different chats in parallel. */
export const chatKey = (ctx: Context) => ctx.chat?.id.toString() ?? ctx.from?.id.toString();

/** Bounded: a flood wait longer than 30 s or more than 3 attempts fails the call instead of stalling the chat. */
const RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: false };

export function createBot(token: string, deps: BotDeps): Bot<BotContext> {
  const { services } = deps;
  const bot = new Bot<BotContext>(token, { client: { apiRoot: deps.apiRoot }, botInfo: deps.botInfo });
  bot.api.config.use(autoRetry(RETRY));
  services.notifier.route('telegram', new TelegramNotifier(bot.api, services.store.blobs));

  bot.use(sequentialize(chatKey));

  // Block / unblock in private chats: reachability for broadcasts and digests.
  bot.on('my_chat_member', async (ctx) => {
    const status = ctx.myChatMember.new_chat_member.status;
    const user = await services.users.byExternal('telegram', String(ctx.from.id));
    if (!user) return;
    if (status === 'kicked' || status === 'left') await services.users.markUnreachable(user._id);
    else await services.users.touch({ channel: 'telegram', externalId: user.externalId, chatId: user.chatId });
  });

  // Contexts inside conversations are built by the plugin and bypass bot.api's transformers: give them
  // the same user/translator and the same bounded retry on 429 / network errors.
  const conversationPlugins: ConvPlugin[] = [
    userMiddleware(services, { touch: false, apiRoot: deps.apiRoot }) as unknown as ConvPlugin,
    async (ctx, next) => {
      ctx.api.config.use(autoRetry(RETRY));
      await next();
    },
  ];

  const warned = new Map<number, number>();
  bot.filter((ctx) => ctx.chat?.type === 'private' || (!ctx.chat && !!ctx.from)).use(
    limit<Context, never>({
      timeFrame: 60_000,
      limit: deps.ratePerMinute ?? 40,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: async (ctx) => {
        // Tell once per minute, in the user's language; the rest of the burst is dropped silently.
        const id = ctx.from?.id ?? 0;
        const now = Date.now();
        if ((warned.get(id) ?? 0) > now - 60_000) return;
        warned.set(id, now);
        if (warned.size > 10_000) warned.clear();
        const user = ctx.from ? await services.users.byExternal('telegram', String(ctx.from.id)) : null;
        await ctx.reply(translator(user?.locale ?? services.settings.defaultLocale)('common:slow_down')).catch(() => undefined);
      },
    }),
    userMiddleware(services, { touch: true, apiRoot: deps.apiRoot }),
    conversations<BotContext, ConvContext>({
      storage: { type: 'key', version: 1, adapter: services.store.kv('conversations'), getStorageKey: chatKey },
    }),
    // Menu buttons start commands; any command leaves the current flow (registration asks first).
    flowGuard(),
    startFeature(),
    ...features.map((f) => f(conversationPlugins)),
    fallbackFeature(),
  );

  bot.catch(async (err) => {
    const ctx = err.ctx;
    services.log.error({ err: err.error instanceof GrammyError ? { code: err.error.error_code, description: err.error.description, method: err.error.method } : String(err.error), updateId: ctx.update.update_id }, 'update failed');
    // The user always hears something; /cancel or any command gets them out of a flow.
    const t = translator(ctx.user?.locale ?? services.settings.defaultLocale);
    if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, t('common:error')).catch(() => undefined);
  });

  return bot;
}
