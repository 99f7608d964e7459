/**
 * Question primitives for conversations: wait for a text answer, or for one of a set of buttons.
 * Anything else gets a hint (translation keys passed by the caller) and the wait goes on.
 */
import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';
import type { BotContext, ConvContext } from '../context.js';

export type Conv = Conversation<BotContext, ConvContext>;

/** Hints shown for the wrong kind of answer (translation keys). */
export interface Hints {
  /** A button was pressed or a non-text message sent while text is expected. */
  text: string;
  /** Text was sent while a button is expected. */
  buttons: string;
}

export const REGISTRATION_HINTS: Hints = { text: 'registration:text_expected', buttons: 'registration:use_buttons' };

/** Answers a callback query, ignoring failures (an old query can't be answered any more). */
export async function answer(c: ConvContext, text?: string): Promise<void> {
  await c.answerCallbackQuery(text ? { text } : undefined).catch(() => undefined);
}

/** Waits for text; `skip` is callback data that returns null instead. */
export async function waitText(conv: Conv, ctx: ConvContext, hints: Hints, opts: { skip?: string } = {}): Promise<string | null> {
  for (;;) {
    const next = await conv.wait();
    if (opts.skip && next.callbackQuery?.data === opts.skip) {
      await answer(next);
      return null;
    }
    if (next.callbackQuery) {
      await answer(next, ctx.t(hints.text));
      continue;
    }
    const text = next.message?.text;
    if (text !== undefined) return text;
    await ctx.reply(`${ctx.t(hints.text)}\n${ctx.t('registration:hint_cancel')}`);
  }
}

/** Shows `options` as buttons (`prefix:value`) and returns the chosen value. */
export async function askChoice(
  conv: Conv, ctx: ConvContext, question: string, options: [label: string, value: string][], prefix: string,
  hints: Hints, perRow = 2,
): Promise<string> {
  const kb = new InlineKeyboard();
  options.forEach(([label, value], i) => {
    kb.text(label, `${prefix}:${value}`);
    if (i % perRow === perRow - 1) kb.row();
  });
  await ctx.reply(question, { reply_markup: kb });
  const values = new Set(options.map(([, v]) => v));
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (data?.startsWith(`${prefix}:`) && values.has(data.slice(prefix.length + 1))) {
      await answer(next);
      return data.slice(prefix.length + 1);
    }
    if (next.callbackQuery) await answer(next);
    else await ctx.reply(ctx.t(hints.buttons));
  }
}
