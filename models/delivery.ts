import { defineModel } from './define.js';
import { RETENTION_SECONDS } from './retention.js';
import { CHANNELS, type Channel } from './user.js';

/**
 * queued → sending → sent | blocked | failed | outside_window; `unknown` = the process died between
 * marking it sending and recording the answer (never re-sent: a recipient must not get it twice);
 * `cancelled` = the broadcast was cancelled before it went out.
 */
export const DELIVERY_STATUSES = ['queued', 'sending', 'sent', 'blocked', 'failed', 'outside_window', 'unknown', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One recipient of one broadcast: exactly one record per (broadcast, recipient). */
export interface Delivery {
  _id: string;
  broadcastId: string;
  userId: string;
  channel: Channel;
  status: DeliveryStatus;
  /** Send order within the broadcast. */
  seq: number;
  attempts: number;
  /** A retry waits until then. */
  notBefore: Date;
  claimedBy?: string;
  claimedAt?: Date;
  error?: string;
  messageId?: string;
  doneAt?: Date;
}

export const DeliveryModel = defineModel<Delivery>('deliveries', {
  broadcastId: { type: String, required: true },
  userId: { type: String, required: true },
  channel: { type: String, enum: CHANNELS, required: true },
  status: { type: String, enum: DELIVERY_STATUSES, required: true, default: 'queued' },
  seq: { type: Number, required: true },
  attempts: { type: Number, default: 0 },
  notBefore: { type: Date, default: () => new Date(0) },
  claimedBy: { type: String },
  claimedAt: { type: Date },
  error: { type: String, maxlength: 300 },
  messageId: { type: String },
  doneAt: { type: Date },
}, (s) => {
  s.index({ broadcastId: 1, userId: 1 }, { unique: true });
  s.index({ broadcastId: 1, status: 1 });
  s.index({ userId: 1 });
  // Finished deliveries expire (queued/sending ones have no doneAt and never do).
  s.index({ doneAt: 1 }, { expireAfterSeconds: RETENTION_SECONDS.deliveries });
});
