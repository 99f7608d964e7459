/**
 * createBot(token, deps): the grammY bot with its middleware chain. The same bot serves long polling
 * (bot/telegram/polling.ts) and webhooks (bot/server.ts); both feed it through the durable intake
 * (bot/telegram/intake.ts), which also keeps the updates of one chat in order.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations } from '@grammyjs/conversations';
import { limit } from '@grammyjs/ratelimiter';
import { Api, Bot, GrammyError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Services } from '../../services/app.js';
import { pickLocale, translator } from '../../services/i18n.js';
import { isStoreUnavailable } from '../../services/store/port.js';
import type { BotContext, ConvContext } from './context.js';
import { fallbackFeature, startFeature } from './features/start.js';
import { features, type ConvPlugin } from './features/index.js';
import { flowGuard } from './flow-guard.js';
import { userMiddleware } from './middleware.js';
import { outbound } from './outbound.js';
import type { OutboundBudget } from '../../services/outbound/budget.js';
import type { Metrics } from '../../services/metrics.js';
import { knownKeys } from '../../services/store/known-keys.js';
import { StoreFloodCounter } from '../../services/flood.js';
import { TelegramNotifier } from './notifier.js';
import { wireFetch } from './wire-fetch.js';

export interface BotDeps {
  services: Services;
  apiRoot: string;
  /** Incoming updates per user per minute before the bot stops answering for a while. */
  ratePerMinute?: number;
  /** Skips getMe (tests and webhook mode can pass known bot info). */
  botInfo?: UserFromGetMe;
  /** The bot's one outbound budget (shared with the broadcast worker); replies take it with priority. */
  budget: OutboundBudget;
  metrics?: Metrics;
  /**
   * Several instances on one store (STORE_SHARED): the flood limit is counted in the store, and conversation
   * state is read from the store on every update (no in-memory key cache another instance could outdate).
   */
  shared?: boolean;
}

/** One key per chat: updates from one chat are handled in order, different chats in parallel. */
export const chatKey = (ctx: Context) => ctx.chat?.id.toString() ?? ctx.from?.id.toString();

/**
 * Network errors and 5xx: a few bounded retries. 429s never get here: `outbound` waits them out inside the
 * shared budget (it is installed first, so it sits closest to the HTTP call and paces every attempt).
 */
const RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: false };

export function createBot(token: string, deps: BotDeps): Bot<BotContext> {
  const { services } = deps;
  // wireFetch: grammY's requests on node:http, so the replies journal records a message right before it is written.
  const bot = new Bot<BotContext>(token, { client: { apiRoot: deps.apiRoot, fetch: wireFetch }, botInfo: deps.botInfo });
  const paced = outbound(deps.budget, { priority: 'reply', metrics: deps.metrics });
  bot.api.config.use(paced, autoRetry(RETRY));
  services.notifier.route('telegram', new TelegramNotifier(bot.api, services.store.blobs));

  // Block / unblock in private chats: reachability for broadcasts and digests. Only the private chat counts:
  // someone removing the bot from a group has not blocked it.
  bot.on('my_chat_member', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    const user = await services.users.byExternal('telegram', String(ctx.from.id));
    if (!user) return;
    if (status === 'kicked' || status === 'left') await services.users.markUnreachable(user._id);
    else await services.users.touch({ channel: 'telegram', externalId: user.externalId, chatId: user.chatId });
  });

  // Contexts inside conversations are built by the plugin and bypass bot.api's transformers: give them
  // the same user/translator, the same outbound budget and the same bounded retry on network errors.
  // The plugin's own transformer answers the calls of earlier steps from its log when it replays a
  // conversation; it must stay outermost, so that only calls that really go out take a slot in the budget
  // (installed after it, the budget would space every replayed message too: 1.1 s each in one chat).
  const conversationPlugins: ConvPlugin[] = [
    userMiddleware(services, { touch: false, apiRoot: deps.apiRoot }) as unknown as ConvPlugin,
    async (ctx, next) => {
      const replay = ctx.api.config.installedTransformers();
      const api = new Api(ctx.api.token, ctx.api.options);
      api.config.use(paced, autoRetry(RETRY), ...replay);
      (ctx as { api: Api }).api = api;
      await next();
    },
  ];

  const warned = new Map<number, number>();
  // An edited message is not an answer: inside a flow conv.wait() would take it as one ("please send text…").
  // ALLOWED_UPDATES no longer asks for edits; any still delivered (stored before, an old webhook setting) stop here.
  bot.use(async (ctx, next) => {
    if (ctx.editedMessage || ctx.editedChannelPost || ctx.editedBusinessMessage) return;
    await next();
  });
  bot.filter((ctx) => ctx.chat?.type === 'private' || (!ctx.chat && !!ctx.from)).use(
    limit<Context, StoreFloodCounter>({
      timeFrame: 60_000,
      limit: deps.ratePerMinute ?? 40,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      ...(deps.shared ? { storageClient: new StoreFloodCounter(services.store, 60_000, services.clock) } : {}),
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
      // Only chats known to have conversation state are read from the store (see known-keys.ts) — with one
      // instance; several instances read it every time (another one may have just written it). Version 2:
      // registration runs as short chained conversations; a replay log of the one long flow is dropped (the
      // answers are in the registration draft, and /register continues from it).
      storage: { type: 'key', version: 2, adapter: deps.shared ? services.store.kv('conversations') : knownKeys(services.store.kv('conversations')), getStorageKey: chatKey },
    }),
    // Menu buttons start commands; any command leaves the current flow (registration asks first).
    flowGuard(),
    startFeature(),
    ...features.map((f) => f(conversationPlugins)),
    fallbackFeature(),
  );

  bot.catch(async (err) => {
    const ctx = err.ctx;
    if (isStoreUnavailable(err.error)) {
      // Logged at error once per episode by the store; the user is told to come back, never a false success.
      services.log.warn({ reason: err.error.reason, updateId: ctx.update.update_id }, 'update not handled: store unavailable');
      const t = translator(ctx.user?.locale ?? pickLocale(ctx.from?.language_code, services.settings.defaultLocale));
      if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, t('store:unavailable')).catch(() => undefined);
      return;
    }
    services.log.error({ err: err.error instanceof GrammyError ? { code: err.error.error_code, description: err.error.description, method: err.error.method } : String(err.error), updateId: ctx.update.update_id }, 'update failed');
    // The user always hears something; /cancel or any command gets them out of a flow.
    const t = translator(ctx.user?.locale ?? services.settings.defaultLocale);
    if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, t('common:error')).catch(() => undefined);
  });

  return bot;
}
