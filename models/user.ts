import { defineModel } from './define.js';

export const LOCALES = ['ro', 'ru', 'en', 'lv'] as const;
export type Locale = (typeof LOCALES)[number];
export const CHANNELS = ['telegram', 'messenger'] as const;
export type Channel = (typeof CHANNELS)[number];
export const ROLES = ['user', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const CADENCES = ['instant', 'daily', 'weekly', 'off'] as const;
export type Cadence = (typeof CADENCES)[number];

/** Someone who talked to the bot on one channel. */
export interface User {
  _id: string;
  channel: Channel;
  /** Telegram user id or Messenger PSID, as text. */
  externalId: string;
  /** Where to send messages (Telegram private chat id = user id). */
  chatId: string;
  username?: string;
  firstName?: string;
  locale: Locale;
  /** True once the user picked a language explicitly. */
  localeChosen: boolean;
  role: Role;
  /** LAG a staff member works for (territory ids in services/reference/territories.json). */
  lagId?: string;
  /** False after the platform said the user blocked us / is gone; true again when they write. */
  reachable: boolean;
  lastInboundAt: Date;
  matchCadence: Cadence;
  createdAt: Date;
}

export const UserModel = defineModel<User>('users', {
  channel: { type: String, enum: CHANNELS, required: true },
  externalId: { type: String, required: true, maxlength: 64 },
  chatId: { type: String, required: true, maxlength: 64 },
  username: { type: String, maxlength: 64 },
  firstName: { type: String, maxlength: 128 },
  locale: { type: String, enum: LOCALES, required: true },
  localeChosen: { type: Boolean, default: false },
  role: { type: String, enum: ROLES, default: 'user', index: true },
  lagId: { type: String, maxlength: 64 },
  reachable: { type: Boolean, default: true },
  lastInboundAt: { type: Date, default: () => new Date() },
  matchCadence: { type: String, enum: CADENCES, default: 'daily' },
  createdAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ channel: 1, externalId: 1 }, { unique: true });
  s.index({ username: 1 });
});
