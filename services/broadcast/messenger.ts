/** Broadcast content through the channel-neutral Notifier (Messenger: plain text, one URL button, photo). */
import { raw, type Notifier, type OutMessage } from '../messages.js';
import type { BroadcastChannel } from './worker.js';

export function notifierChannel(notifier: Notifier): BroadcastChannel {
  return {
    async send(user, content) {
      const msg: OutMessage = { text: [raw(content.text)] };
      if (content.button) msg.buttons = [[{ label: raw(content.button.label), url: content.button.url }]];
      if (content.photo?.blobId) msg.photo = { blobId: content.photo.blobId };
      try {
        return await notifier.send(user, msg, { promotional: true });
      } catch (err) {
        return { status: 'failed', reason: String((err as Error)?.message ?? err), retryable: true };
      }
    },
  };
}
