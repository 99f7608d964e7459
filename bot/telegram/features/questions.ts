/**
 * Question primitives for conversations: wait for a text answer, for one of a set of buttons, or for a set of
 * toggled buttons.
 * Anything else gets a hint (translation keys passed by the caller) and the wait goes on.
 */
import type { Conversation } from '@grammyjs/conversations';
import { InlineKeyboard } from 'grammy';
import { NACE_SECTIONS } from '../../../models/listing.js';
import type { BotContext, ConvContext } from '../context.js';
import { fit } from '../render.js';
import { cleanText, type Checked } from '../../../services/validation.js';

export type Conv = Conversation<BotContext, ConvContext>;

/** Hints shown for the wrong kind of answer (translation keys). */
export interface Hints {
  /** A button was pressed or a non-text message sent while text is expected. */
  text: string;
  /** Text was sent while a button is expected. */
  buttons: string;
}

export const REGISTRATION_HINTS: Hints = { text: 'registration:text_expected', buttons: 'registration:use_buttons' };

/** A Back button on a question: the label and its callback data (the flow decides what "back" means). */
export interface BackButton { label: string; data: string }

/**
 * Thrown by a question when its Back button is pressed. Conversations replay deterministically, so the flow
 * catches it around the question and steps back; flows without a Back button never see it.
 */
export class GoBack extends Error {
  constructor() {
    super('back');
  }
}

/** Answers a callback query, ignoring failures (an old query can't be answered any more). */
export async function answer(c: ConvContext, text?: string): Promise<void> {
  await c.answerCallbackQuery(text ? { text } : undefined).catch(() => undefined);
}

/** Waits for text; `skip` is callback data that returns null instead; `back` throws GoBack. */
export async function waitText(conv: Conv, ctx: ConvContext, hints: Hints, opts: { skip?: string; back?: string } = {}): Promise<string | null> {
  for (;;) {
    const next = await conv.wait();
    if (opts.skip && next.callbackQuery?.data === opts.skip) {
      await answer(next);
      return null;
    }
    if (opts.back && next.callbackQuery?.data === opts.back) {
      await answer(next);
      throw new GoBack();
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

/**
 * Asks for text until `check` accepts it; a refusal repeats the reason and the question. With `skip`, a Skip
 * button returns null; `current` shows the value being changed.
 */
export async function askText<T>(
  conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>, hints: Hints,
  opts: { skip?: { label: string; data: string }; current?: string; back?: BackButton; header?: string } = {},
): Promise<T | null> {
  let kb: InlineKeyboard | undefined;
  if (opts.back) kb = new InlineKeyboard().text(opts.back.label, opts.back.data);
  if (opts.skip) kb = (kb ?? new InlineKeyboard()).text(opts.skip.label, opts.skip.data);
  const body = opts.current ? `${question}\n\n${ctx.t('registration:current', { value: opts.current })}` : question;
  const prompt = opts.header ? `${opts.header}\n${body}` : body;
  await ctx.reply(prompt, { reply_markup: kb });
  for (;;) {
    const answer = await waitText(conv, ctx, hints, { skip: opts.skip?.data, back: opts.back?.data });
    if (answer === null) return null;
    const r = check(answer);
    if (r.ok) return r.value;
    await ctx.reply(`${ctx.t(r.error, r.params)}\n${question}`, { reply_markup: kb });
  }
}

/** The note staff write with a decision (reason for rejecting, changes asked): 3–500 characters. */
export async function askModerationNote(conv: Conv, ctx: ConvContext, question: string, hints: Hints): Promise<string> {
  return (await askText(conv, ctx, question, (s) => cleanText(s, { min: 3, max: 500, multiline: true }), hints))!;
}

/** Shows `options` as buttons (`prefix:value`) and returns the chosen value. */
export async function askChoice(
  conv: Conv, ctx: ConvContext, question: string, options: [label: string, value: string][], prefix: string,
  hints: Hints, perRow = 2, back?: BackButton,
): Promise<string> {
  const kb = new InlineKeyboard();
  options.forEach(([label, value], i) => {
    kb.text(label, `${prefix}:${value}`);
    if (i % perRow === perRow - 1) kb.row();
  });
  if (back) kb.row().text(back.label, back.data);
  await ctx.reply(question, { reply_markup: kb });
  const values = new Set(options.map(([, v]) => v));
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (back && data === back.data) {
      await answer(next);
      throw new GoBack();
    }
    if (data?.startsWith(`${prefix}:`) && values.has(data.slice(prefix.length + 1))) {
      await answer(next);
      return data.slice(prefix.length + 1);
    }
    if (next.callbackQuery) await answer(next);
    else await ctx.reply(ctx.t(hints.buttons));
  }
}

/** The 21 NACE sections as toggle items: "A · Agriculture, …" in the user's language. */
export function sectorItems(ctx: ConvContext): [label: string, value: string][] {
  return NACE_SECTIONS.map((s) => [`${s} · ${fit(ctx.t(`sectors:${s}`), 28)}`, s]);
}

/** Options of a toggle question; the keys are translation keys. */
export interface ToggleOptions {
  /** Values ticked at the start. */
  chosen?: readonly string[];
  /** The Done button's label. */
  done: string;
  /** At least / at most this many values, each with the alert shown when Done or a tick would break it. */
  min?: { count: number; alert: string };
  max?: { count: number; alert: string };
  /** Buttons after the items (`prefix:!action`); pressing one ends the question like Done does. */
  extra?: [label: string, action: string][];
  perRow?: number;
  back?: BackButton;
}

/**
 * A toggle keyboard (✅ on ticked items, `prefix:value`) with Done (`prefix:!done`) and any extra buttons in
 * the last row. Returns the ticked values in `items` order and the button that ended it ('done' or an extra).
 */
export async function askToggles(
  conv: Conv, ctx: ConvContext, question: string, items: [label: string, value: string][], prefix: string,
  hints: Hints, opts: ToggleOptions,
): Promise<{ chosen: string[]; action: string }> {
  const chosen = new Set(opts.chosen ?? []);
  const perRow = opts.perRow ?? 2;
  const render = () => {
    const kb = new InlineKeyboard();
    items.forEach(([label, value], i) => {
      kb.text(`${chosen.has(value) ? '✅ ' : ''}${label}`, `${prefix}:${value}`);
      if (i % perRow === perRow - 1) kb.row();
    });
    kb.row();
    if (opts.back) kb.text(opts.back.label, opts.back.data);
    for (const [label, action] of opts.extra ?? []) kb.text(label, `${prefix}:!${action}`);
    return kb.text(ctx.t(opts.done), `${prefix}:!done`);
  };
  const msg = await ctx.reply(question, { reply_markup: render() });
  const values = new Set(items.map(([, v]) => v));
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (opts.back && data === opts.back.data) {
      await answer(next);
      throw new GoBack();
    }
    if (!data?.startsWith(`${prefix}:`)) {
      if (next.callbackQuery) await answer(next);
      else await ctx.reply(ctx.t(hints.buttons));
      continue;
    }
    const v = data.slice(prefix.length + 1);
    if (v.startsWith('!')) {
      const action = v.slice(1);
      if (action === 'done' && opts.min && chosen.size < opts.min.count) {
        await next.answerCallbackQuery({ text: ctx.t(opts.min.alert, { min: opts.min.count }), show_alert: true }).catch(() => undefined);
        continue;
      }
      await answer(next);
      return { chosen: items.map(([, x]) => x).filter((x) => chosen.has(x)), action };
    }
    if (!values.has(v)) {
      await answer(next);
      continue;
    }
    if (chosen.has(v)) chosen.delete(v);
    else if (opts.max && chosen.size >= opts.max.count) {
      await next.answerCallbackQuery({ text: ctx.t(opts.max.alert, { max: opts.max.count }), show_alert: true }).catch(() => undefined);
      continue;
    } else chosen.add(v);
    await answer(next);
    await ctx.api.editMessageReplyMarkup(msg.chat.id, msg.message_id, { reply_markup: render() }).catch(() => undefined);
  }
}
