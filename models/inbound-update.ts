import { defineModel } from './define.js';
import { RETENTION_SECONDS } from './retention.js';

/**
 * An update received from a platform, kept from the moment it arrives until it has been handled (and for a
 * retention period after, so a redelivery is recognised). `_id` is `<channel>:<platform id>` — Telegram's
 * update_id, Messenger's message mid — which makes "stored once" a unique-key fact on every engine.
 */
export interface InboundUpdate {
  /** `tg:<update_id>` or `fb:<mid>`. */
  _id: string;
  channel: 'telegram' | 'messenger';
  /** Handling order within the channel (Telegram's update_id; arrival order for Messenger). */
  seq: number;
  /** The update as the platform sent it (JSON text). */
  payload: string;
  /** The chat (or sender) it belongs to: one chat's updates are handled one at a time, in `seq` order. */
  key?: string;
  done: boolean;
  /** The replies journal while it is being handled (JSON lines, services/intake/journal.ts): a second handling skips what went out. */
  sent?: string[];
  receivedAt: Date;
  /** Which accept() call stored it (random): of two deliveries racing, only the one that stored it handles it. */
  storedBy?: string;
  doneAt?: Date;
}

export const InboundUpdateModel = defineModel<InboundUpdate>('inbound_updates', {
  channel: { type: String, required: true, enum: ['telegram', 'messenger'] },
  seq: { type: Number, required: true },
  payload: { type: String, required: true },
  key: { type: String, maxlength: 200 },
  done: { type: Boolean, required: true, default: false },
  sent: { type: [String], default: undefined },
  receivedAt: { type: Date, required: true },
  storedBy: { type: String },
  doneAt: { type: Date },
}, (s) => {
  // Pending work at start (done=false, in order) and the retention sweep (done, oldest first).
  s.index({ done: 1, channel: 1, seq: 1 });
  s.index({ done: 1, doneAt: 1 });
  // Several instances (STORE_SHARED): the pending updates of one chat, in order.
  s.index({ key: 1, done: 1, seq: 1 });
  // MongoDB forgets handled updates by itself (only handled ones have doneAt); the retention job does it elsewhere.
  s.index({ doneAt: 1 }, { expireAfterSeconds: RETENTION_SECONDS.messengerEvents });
});
