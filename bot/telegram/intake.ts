/**
 * Telegram's side of the durable intake: the same store-first pipeline for long polling and webhooks.
 * An update is handled by bot.handleUpdate in its chat's queue, then marked done.
 */
import { BotError, Context, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Inbox } from '../../services/intake/inbox.js';
import { Intake, type SharedIntake } from '../../services/intake/intake.js';
import type { Metrics } from '../../services/metrics.js';
import { chatKey } from './bot.js';
import type { BotContext } from './context.js';

/** The update's kind (message, callback_query, …) for metrics. */
export function updateType(update: object): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
}

export function telegramIntake(bot: Bot<BotContext>, inbox: Inbox, opts: { log: Logger; metrics?: Metrics; stallMs?: number; shared?: SharedIntake }): Intake {
  return new Intake(inbox, {
    channel: 'telegram',
    shared: opts.shared,
    log: opts.log,
    stallMs: opts.stallMs,
    keyOf: (payload) => chatKey(new Context(payload as Update, bot.api, bot.botInfo)) ?? 'none',
    async handle(payload) {
      try {
        await bot.handleUpdate(payload as Update);
      } catch (err) {
        // What bot.start() and the runner do: the error handler (bot.catch) tells the user.
        if (err instanceof BotError) await bot.errorHandler(err);
        else throw err;
      }
    },
    observe(payload, seconds) {
      opts.metrics?.updates.inc({ channel: 'telegram', type: updateType(payload as object) });
      opts.metrics?.replyLatency.observe({ channel: 'telegram' }, seconds);
    },
  });
}
