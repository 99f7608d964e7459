/**
 * Button actions on Telegram: handlers subscribe by action kind (decoded and validated by
 * services/actions.ts), and keyboards are built from actions — no callback_data written or parsed by hand.
 */
import { Composer, InlineKeyboard } from 'grammy';
import { decode, encode, type Action, type ActionKind, type ActionOf, type MenuTarget } from '../../services/actions.js';
import type { BotContext } from './context.js';

/**
 * Runs `handler` for callback queries whose data decodes to one of `kinds`; the callback query is answered
 * first (the spinner stops even if the handler fails). `when` narrows further (a menu target). Everything else
 * passes on.
 */
export function onAction<K extends ActionKind>(
  c: Composer<BotContext>, kinds: K | K[], handler: (ctx: BotContext, action: ActionOf<K>) => unknown, when?: (action: ActionOf<K>) => boolean,
): void {
  listen(c, kinds, true, handler, when);
}

/**
 * Like onAction, but the handler answers the callback query itself (an alert, a toast with the outcome):
 * Telegram takes one answer per query.
 */
export function onActionAnswering<K extends ActionKind>(
  c: Composer<BotContext>, kinds: K | K[], handler: (ctx: BotContext, action: ActionOf<K>) => unknown, when?: (action: ActionOf<K>) => boolean,
): void {
  listen(c, kinds, false, handler, when);
}

function listen<K extends ActionKind>(
  c: Composer<BotContext>, kinds: K | K[], answer: boolean, handler: (ctx: BotContext, action: ActionOf<K>) => unknown, when?: (action: ActionOf<K>) => boolean,
): void {
  const wanted = new Set<ActionKind>(Array.isArray(kinds) ? kinds : [kinds]);
  c.on('callback_query:data', async (ctx, next) => {
    const d = decode(ctx.callbackQuery.data);
    if (!d.ok || !wanted.has(d.action.kind) || (when && !when(d.action as ActionOf<K>))) return next();
    if (answer) await ctx.answerCallbackQuery().catch(() => undefined);
    await handler(ctx, d.action as ActionOf<K>);
  });
}

/** Adds a button for `action` to `kb` (a new keyboard by default). */
export function actionButton(kb: InlineKeyboard, label: string, action: Action): InlineKeyboard {
  return kb.text(label, encode(action));
}

/** Runs `handler` when a menu button for one of `targets` is pressed. */
export function onMenu(c: Composer<BotContext>, targets: MenuTarget | MenuTarget[], handler: (ctx: BotContext, target: MenuTarget) => unknown): void {
  const set = new Set<MenuTarget>(Array.isArray(targets) ? targets : [targets]);
  onAction(c, 'menu', (ctx, a) => handler(ctx, a.to), (a) => set.has(a.to));
}
