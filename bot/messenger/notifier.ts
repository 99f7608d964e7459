/**
 * Notifier port for Messenger users. Inside the 24-hour window (since the user's last message) anything may
 * be sent; outside it only non-promotional updates, with the ACCOUNT_UPDATE tag (moderation results and the
 * like). Promotional content outside the window is not sent: { status: 'outside_window' }.
 */
import type { User } from '../../models/user.js';
import type { Clock } from '../../services/clock.js';
import { translator } from '../../services/i18n.js';
import type { DeliveryOutcome, Notifier, OutMessage } from '../../services/messages.js';
import { insidePushWindow } from '../../services/users.js';
import { renderOut } from './render.js';
import type { SendApi, SendOutcome } from './send-api.js';

export function deliveryOf(o: SendOutcome): DeliveryOutcome {
  if (o.ok) return { status: 'sent', messageId: o.messageId };
  switch (o.kind) {
    case 'person_unavailable':
    case 'no_user':
      return { status: 'unreachable', reason: o.message };
    case 'outside_window':
      return { status: 'outside_window' };
    case 'rate_limited':
      return { status: 'rate_limited', retryAfterSec: 60 };
    default:
      return { status: 'failed', reason: o.message, retryable: o.retryable };
  }
}

export class MessengerNotifier implements Notifier {
  constructor(private readonly deps: { api: SendApi; clock: Clock; publicUrl: string; onUnreachable?: (user: User) => Promise<void> }) {}

  async send(user: User, message: OutMessage, opts?: { promotional?: boolean }): Promise<DeliveryOutcome> {
    const inside = insidePushWindow(user, this.deps.clock.now());
    if (!inside && opts?.promotional) return { status: 'outside_window' };
    const envelope = inside ? { messaging_type: 'UPDATE' } : { messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' };
    let last: DeliveryOutcome = { status: 'failed', reason: 'nothing to send', retryable: false };
    for (const m of renderOut(translator(user.locale), message, this.deps.publicUrl)) {
      last = deliveryOf(await this.deps.api.send({ recipient: { id: user.externalId }, ...envelope, message: m }));
      if (last.status === 'unreachable') await this.deps.onUnreachable?.(user);
      if (last.status !== 'sent') return last;
    }
    return last;
  }
}
