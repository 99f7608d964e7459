import { defineModel } from './define.js';

/**
 * A Messenger message id we already handled. Meta redelivers webhooks it thinks failed; the unique index
 * makes "handle once" hold across restarts and concurrent deliveries. Old rows can be pruned by createdAt.
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
  s.index({ createdAt: 1 });
});
