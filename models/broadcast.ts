import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { CHANNELS, LOCALES, type Channel, type Locale } from './user.js';

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'done', 'cancelled'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];
export const AUDIENCE_ROLES = ['entrepreneurs', 'customers', 'everyone'] as const;
export type AudienceRole = (typeof AUDIENCE_ROLES)[number];

/** Who a broadcast is for. Empty arrays mean "no restriction" on that dimension. */
export interface Audience {
  role: AudienceRole;
  channels: Channel[];
  /** District ids (entrepreneurs are matched by their listing's district). */
  districts: string[];
  /** NACE sections (entrepreneurs are matched by their listing's sectors). */
  sectors: string[];
  locales: Locale[];
  /** Staff are limited to their LAG; admins may leave it unset. */
  lagId?: string;
}

/** One text of a broadcast; `locale` '*' is the version for everyone without their own. */
export interface BroadcastVersion {
  locale: Locale | '*';
  text: string;
  /** Telegram message entities of the staff member's message (sent with `entities`, never parse_mode). */
  entities: Record<string, unknown>[];
}

/** An announcement from LAG staff to a segment of users. */
export interface Broadcast {
  _id: string;
  createdBy: string;
  status: BroadcastStatus;
  audience: Audience;
  versions: BroadcastVersion[];
  /** Telegram file_id of the photo (reusable by the same bot) and its copy in the blob store (Messenger). */
  photo?: { telegramFileId?: string; blobId?: string };
  button?: { label: string; url: string };
  /** When to start (UTC); absent = at once. */
  sendAt?: Date;
  /** Telegram allow_paid_broadcast (0.1 Stars per message above 30/s). */
  paid: boolean;
  /** True once every delivery record exists (the audience is frozen at that moment). */
  materialized: boolean;
  total: number;
  /** Where the staff member's progress message lives. */
  progress?: { chatId: string; messageId: number };
  /** An event invitation: recipients get "I'll come" / "Not this time" buttons. */
  eventId?: string;
  /** Set once the final report went out: the progress message is never edited after that. */
  finalReported?: boolean;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export const BroadcastModel = defineModel<Broadcast>('broadcasts', {
  createdBy: { type: String, required: true },
  status: { type: String, enum: BROADCAST_STATUSES, required: true, default: 'draft' },
  audience: {
    type: new Schema({
      role: { type: String, enum: AUDIENCE_ROLES, required: true },
      channels: { type: [{ type: String, enum: CHANNELS }], default: [] },
      districts: { type: [String], default: [] },
      sectors: { type: [String], default: [] },
      locales: { type: [{ type: String, enum: LOCALES }], default: [] },
      lagId: { type: String },
    }, { _id: false }),
    required: true,
  },
  versions: {
    type: [new Schema({
      locale: { type: String, enum: [...LOCALES, '*'], required: true },
      text: { type: String, required: true, maxlength: 4096 },
      entities: { type: [Schema.Types.Mixed], default: [] },
    }, { _id: false })],
    validate: (v: unknown[]) => v.length >= 1 && v.length <= 5,
  },
  photo: { type: new Schema({ telegramFileId: String, blobId: String }, { _id: false }) },
  button: { type: new Schema({ label: { type: String, maxlength: 64 }, url: { type: String, maxlength: 500 } }, { _id: false }) },
  sendAt: { type: Date },
  paid: { type: Boolean, default: false },
  materialized: { type: Boolean, default: false },
  total: { type: Number, default: 0 },
  progress: { type: new Schema({ chatId: String, messageId: Number }, { _id: false }) },
  finalReported: { type: Boolean },
  eventId: { type: String },
  createdAt: { type: Date, default: () => new Date() },
  startedAt: { type: Date },
  finishedAt: { type: Date },
}, (s) => {
  s.index({ status: 1, sendAt: 1 });
  s.index({ createdBy: 1, createdAt: -1 });
});

