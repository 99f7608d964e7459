import { defineModel } from './define.js';
import { RETENTION_SECONDS } from './retention.js';

/**
 * A Messenger message id we already handled. Meta redelivers webhooks it thinks failed; the unique index
 * makes "handle once" hold across restarts and concurrent deliveries. Kept for RETENTION_SECONDS.messengerEvents (TTL index; the retention job on the embedded engine).
 */
export interface MessengerEvent {
  _id: string;
  mid: string;
  createdAt: Date;
}

export const MessengerEventModel = defineModel<MessengerEvent>('messenger_events', {
  mid: { type: String, required: true, maxlength: 512 },
  createdAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ mid: 1 }, { unique: true });
  s.index({ createdAt: 1 }, { expireAfterSeconds: RETENTION_SECONDS.messengerEvents });
});
