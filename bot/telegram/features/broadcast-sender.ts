/**
 * The Telegram side of the delivery engine: sending broadcast content (entities kept, never parse_mode)
 * and the staff member's progress message, edited in place.
 *
 * It uses its own Api instance whose sends draw from the bot's one outbound budget with bulk priority:
 * replies go first, and a 429 pauses every sender (replies too) for its retry_after.
 */
import { act, encode } from '../../../services/actions.js';
import { Api, InlineKeyboard } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type { Broadcast } from '../../../models/broadcast.js';
import type { Services } from '../../../services/app.js';
import { notifierChannel } from '../../../services/broadcast/messenger.js';
import type { BroadcastCounts } from '../../../services/broadcast/service.js';
import { BroadcastWorker, type BroadcastChannel, type BroadcastReporter, type WorkerOptions } from '../../../services/broadcast/worker.js';
import { translator, type TFunction } from '../../../services/i18n.js';
import type { Metrics } from '../../../services/metrics.js';
import type { OutboundBudget } from '../../../services/outbound/budget.js';
import { outcomeOf } from '../notifier.js';
import { outbound } from '../outbound.js';
import { fit, TEXT_LIMIT } from '../render.js';

export function telegramBroadcastChannel(api: Api): BroadcastChannel {
  return {
    async send(user, content, opts) {
      let reply_markup = content.button ? new InlineKeyboard().url(content.button.label, content.button.url) : undefined;
      if (content.eventId) {
        // An event invitation: the answer buttons, in the recipient's language.
        const t = translator(user.locale);
        reply_markup = (reply_markup?.row() ?? new InlineKeyboard())
          .text(t('events:button.yes'), encode(act('event', { op: 'y', event: content.eventId }))).text(t('events:button.no'), encode(act('event', { op: 'n', event: content.eventId })));
      }
      const paid = opts.paid ? { allow_paid_broadcast: true } : {};
      const entities = content.entities as unknown as MessageEntity[];
      try {
        if (content.photo?.telegramFileId) {
          const m = await api.sendPhoto(user.chatId, content.photo.telegramFileId, {
            caption: content.text, caption_entities: entities.length ? entities : undefined, reply_markup, ...paid,
          });
          return { status: 'sent', messageId: String(m.message_id) };
        }
        const m = await api.sendMessage(user.chatId, content.text, {
          entities: entities.length ? entities : undefined, reply_markup, link_preview_options: { is_disabled: true }, ...paid,
        });
        return { status: 'sent', messageId: String(m.message_id) };
      } catch (err) {
        return outcomeOf(err);
      }
    },
  };
}

/** The progress / final report text, in the staff member's language. */
export function reportText(t: TFunction, b: Broadcast, c: BroadcastCounts, final: boolean): string {
  const head = final
    ? t(b.status === 'cancelled' ? 'staff:bc.report.cancelled' : 'staff:bc.report.done')
    : t(b.status === 'paused' ? 'staff:bc.report.paused' : 'staff:bc.report.progress', { done: c.total - c.queued - c.sending, total: c.total });
  const lines = [
    head,
    t('staff:bc.report.delivered', { count: c.sent }),
    t('staff:bc.report.blocked', { count: c.blocked }),
    t('staff:bc.report.failed', { count: c.failed }),
  ];
  // Messenger's 24 h window means nothing to a broadcast that reached no one on Messenger.
  if (c.channels.includes('messenger') || c.outside_window) lines.push(t('staff:bc.report.outside', { count: c.outside_window }));
  if (c.unknown) lines.push(t('staff:bc.report.unknown', { count: c.unknown }));
  if (c.cancelled) lines.push(t('staff:bc.report.not_sent', { count: c.cancelled }));
  return fit(lines.join('\n'), TEXT_LIMIT);
}

export function controlsKeyboard(t: TFunction, b: Pick<Broadcast, '_id' | 'status'>): InlineKeyboard | undefined {
  if (b.status === 'sending' || b.status === 'scheduled') {
    return new InlineKeyboard().text(t('staff:bc.pause'), control('p', b._id)).text(t('staff:bc.cancel'), control('x', b._id));
  }
  if (b.status === 'paused') return new InlineKeyboard().text(t('staff:bc.resume'), control('r', b._id)).text(t('staff:bc.cancel'), control('x', b._id));
  return undefined;
}

/** Cancelling is final: the Cancel button first asks "really?" on the same message. */
export function confirmCancelKeyboard(t: TFunction, id: string): InlineKeyboard {
  return new InlineKeyboard().text(t('staff:bc.cancel_yes'), control('X', id)).text(t('staff:bc.cancel_no'), control('k', id));
}

/**
 * Edits of one progress message run one at a time (the worker's reports and a staff member's cancel), and a
 * progress edit re-reads the broadcast inside the lock: once the final report is written, nothing follows it.
 */
const progressLocks = new Map<string, Promise<unknown>>();

async function underProgressLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
  const before = progressLocks.get(id) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  progressLocks.set(id, tail);
  try {
    return await run;
  } finally {
    if (progressLocks.get(id) === tail) progressLocks.delete(id);
  }
}

export function telegramReporter(services: Services, api: Api): BroadcastReporter {
  return {
    report: (b, counts, final) => underProgressLock(b._id, async () => {
      if (!final && (await services.broadcasts.byId(b._id))?.finalReported) return;
      const staff = await services.users.byId(b.createdBy);
      if (!staff || staff.channel !== 'telegram') return;
      const t = translator(staff.locale);
      const text = reportText(t, b, counts, final);
      const reply_markup = final ? undefined : controlsKeyboard(t, b);
      if (b.progress) {
        await api.editMessageText(b.progress.chatId, b.progress.messageId, text, { reply_markup }).catch(() => undefined);
        // A separate short message, so the staff member is notified that it ended (edits make no sound).
        if (final) await api.sendMessage(staff.chatId, text);
        return;
      }
      const m = await api.sendMessage(staff.chatId, text, { reply_markup });
      return { chatId: staff.chatId, messageId: m.message_id };
    }),
  };
}

/** The worker wired to Telegram (raw Api) and, for Messenger recipients, the services' notifier. */
export function createBroadcastWorker(services: Services, opts: { token: string; apiRoot: string; budget: OutboundBudget; metrics?: Metrics } & WorkerOptions): BroadcastWorker {
  const api = new Api(opts.token, { apiRoot: opts.apiRoot });
  api.config.use(outbound(opts.budget, { priority: 'bulk', metrics: opts.metrics }));
  return new BroadcastWorker(services.broadcasts, {
    users: services.users,
    clock: services.clock,
    log: services.log.child({ module: 'broadcast' }),
    channels: { telegram: telegramBroadcastChannel(api), messenger: notifierChannel(services.notifier) },
    reporter: telegramReporter(services, api),
  }, { ...opts, budgeted: ['telegram'] });
}

/** A broadcast control button's callback data (services/actions.ts `broadcast.control`). */
function control(op: 'p' | 'r' | 'x' | 'X' | 'k', broadcast: string): string {
  return encode(act('broadcast.control', { op, broadcast }));
}
