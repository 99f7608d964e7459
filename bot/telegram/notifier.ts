/**
 * Sends channel-neutral messages to Telegram users and maps Bot API errors to delivery outcomes.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { User } from '../../models/user.js';
import type { DeliveryOutcome, Notifier, OutMessage } from '../../services/messages.js';
import { translator } from '../../services/i18n.js';
import type { BlobStore } from '../../services/store/port.js';
import { sendOut } from './send.js';

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
      const sent = await sendOut(this.api, user.chatId, t, message, this.blobs, extra);
      return { status: 'sent', messageId: String(sent.message_id) };
    } catch (err) {
      return outcomeOf(err);
    }
  }
}
