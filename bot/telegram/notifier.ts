/**
 * Sends channel-neutral messages to Telegram users and maps Bot API errors to delivery outcomes.
 */
import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { User } from '../../models/user.js';
import type { DeliveryOutcome, Notifier, OutMessage } from '../../services/messages.js';
import { translator } from '../../services/i18n.js';
import type { BlobStore } from '../../services/store/port.js';
import { CAPTION_LIMIT, keyboard, renderText } from './render.js';

const UNREACHABLE = [/bot was blocked by the user/i, /user is deactivated/i, /chat not found/i, /bot was kicked/i, /have no rights to send/i, /bot can't initiate conversation/i];

/** Maps any error from a Bot API call to an outcome (429 → rate_limited with retry_after). */
export function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof GrammyError) {
    if (err.error_code === 429) return { status: 'rate_limited', retryAfterSec: err.parameters.retry_after ?? 1 };
    if (UNREACHABLE.some((re) => re.test(err.description))) return { status: 'unreachable', reason: err.description };
    if (err.error_code === 403) return { status: 'unreachable', reason: err.description };
    return { status: 'failed', reason: err.description, retryable: err.error_code >= 500 };
  }
  if (err instanceof HttpError) return { status: 'failed', reason: 'network', retryable: true };
  return { status: 'failed', reason: String((err as Error)?.message ?? err), retryable: false };
}

export class TelegramNotifier implements Notifier {
  constructor(private readonly api: Api, private readonly blobs: BlobStore) {}

  async send(user: User, message: OutMessage, extra: Record<string, unknown> = {}): Promise<DeliveryOutcome> {
    const t = translator(user.locale);
    try {
      const reply_markup = keyboard(t, message.buttons);
      if (message.photo) {
        const blob = message.photo.blobId ? await this.blobs.get(message.photo.blobId) : null;
        const photo = blob ? new InputFile(blob.data) : message.photo.url;
        if (photo) {
          const sent = await this.api.sendPhoto(user.chatId, photo, { caption: renderText(t, message, CAPTION_LIMIT), reply_markup, ...extra });
          return { status: 'sent', messageId: String(sent.message_id) };
        }
      }
      const sent = await this.api.sendMessage(user.chatId, renderText(t, message), {
        reply_markup, link_preview_options: { is_disabled: true }, ...extra,
      });
      return { status: 'sent', messageId: String(sent.message_id) };
    } catch (err) {
      return outcomeOf(err);
    }
  }
}
