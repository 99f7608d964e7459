/**
 * Between the conversation plugin and the features: menu buttons start commands, and commands leave flows —
 * except registration, which asks first ("Leave registration? Your answers are kept") and, on Leave, runs the
 * command the person sent. The answers stay in the draft either way; /register continues.
 */
import type { Middleware } from 'grammy';
import type { Update } from 'grammy/types';
import { PENDING_COMMANDS_NS } from '../../models/retention.js';
import { act, decode, type MenuTarget } from '../../services/actions.js';
import { text } from '../../services/messages.js';
import { RegistrationDrafts } from '../../services/registration-drafts.js';
import type { BotContext } from './context.js';
import { replyOut } from './send.js';

/** Menu targets that are commands (the rest — browse, offers_browse — have their own handlers). */
const COMMAND_OF: Partial<Record<MenuTarget, string>> = {
  home: 'start', register: 'register', search: 'search', language: 'language', help: 'help', mybusiness: 'mybusiness',
  shop: 'shop', offer: 'offer', offers: 'offers', matches: 'matches', notifications: 'notifications', privacy: 'privacy',
  pending: 'pending', broadcast: 'broadcast', stats: 'stats', export: 'export', import: 'import', lagoffers: 'lagoffers',
};

/** Commands that never ask before leaving registration: they are about registration itself. */
const REGISTRATION_OWN = new Set(['cancel', 'register']);

export const REGISTRATION_ID = 'registration';

export function isCommand(ctx: BotContext): boolean {
  return ctx.message?.entities?.[0]?.type === 'bot_command' && ctx.message.entities[0].offset === 0;
}

function commandName(ctx: BotContext): string {
  const t = ctx.message?.text ?? '';
  return t.slice(1, ctx.message!.entities![0].length).split('@')[0].toLowerCase();
}

/**
 * Makes the rest of the chain see `/command args` sent by this user in this chat instead of the button
 * press — one path for a typed command and a tapped one.
 */
function runAsCommand(ctx: BotContext, commandText: string): void {
  const from = ctx.from!;
  const chat = ctx.callbackQuery?.message?.chat ?? { id: from.id, type: 'private' as const, first_name: from.first_name };
  const cmd = commandText.match(/^\/\w+/)?.[0] ?? commandText;
  const message = {
    message_id: ctx.callbackQuery?.message?.message_id ?? 0,
    date: Math.floor(Date.now() / 1000),
    chat, from, text: commandText,
    entities: [{ type: 'bot_command', offset: 0, length: cmd.length }],
  };
  const update = { update_id: ctx.update.update_id, message } as unknown as Update;
  Object.defineProperty(ctx, 'update', { value: update, configurable: true });
}

function pendingCommands(ctx: BotContext) {
  return ctx.services.store.kv<{ text: string }>(PENDING_COMMANDS_NS);
}

export function flowGuard(): Middleware<BotContext> {
  return async (ctx, next) => {
    const d = ctx.callbackQuery ? decode(ctx.callbackQuery.data) : undefined;
    if (d?.ok && d.action.kind === 'menu' && COMMAND_OF[d.action.to]) {
      await ctx.answerCallbackQuery().catch(() => undefined);
      runAsCommand(ctx, `/${COMMAND_OF[d.action.to]}`);
    }
    if (d?.ok && (d.action.kind === 'reg.leave' || d.action.kind === 'reg.stay')) {
      await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.conversation.exitAll();
      const key = String(ctx.from!.id);
      const pending = await pendingCommands(ctx).read(key);
      await pendingCommands(ctx).delete(key);
      // Stay: entering again resumes at the question that was open (the draft has every answer).
      runAsCommand(ctx, d.action.kind === 'reg.stay' || !pending ? '/register' : pending.text);
    }
    if (d?.ok && d.action.kind === 'reg.restart') {
      // Start over: the draft goes and the questions begin again.
      await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.conversation.exitAll();
      await new RegistrationDrafts(ctx.services.store).remove(ctx.user._id);
      runAsCommand(ctx, '/register');
    }
    if (!isCommand(ctx)) return next();
    const active = ctx.conversation.active();
    if (!Object.keys(active).length) return next();
    if (active[REGISTRATION_ID] && !REGISTRATION_OWN.has(commandName(ctx))) {
      await pendingCommands(ctx).write(String(ctx.from!.id), { text: (ctx.message?.text ?? '').slice(0, 500) });
      await replyOut(ctx, {
        text: [text('home:leave.question')],
        buttons: [[{ label: text('home:leave.leave'), action: act('reg.leave') }, { label: text('home:leave.stay'), action: act('reg.stay') }]],
      });
      return;
    }
    await ctx.conversation.exitAll();
    return next();
  };
}
