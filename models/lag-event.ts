import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { LOCALES, type Locale } from './user.js';
import type { Audience } from './broadcast.js';

export const RSVP_STATUSES = ['going', 'waiting', 'declined'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];
export const EVENT_LIMITS = { title: 120, description: 1000, place: 200, capacity: 10_000 } as const;

/** A webinar, master class or study visit a LAG invites its people to. */
export interface LagEvent {
  _id: string;
  lagId?: string;
  createdBy: string;
  /** Per language; at least the staff member's own. Readers without their language get `fallback`'s. */
  title: Partial<Record<Locale, string>>;
  description: Partial<Record<Locale, string>>;
  fallback: Locale;
  startsAt: Date;
  /** IANA zone the time was given in (the LAG's). */
  timeZone: string;
  place?: string;
  link?: string;
  /** 0 = no limit. */
  capacity: number;
  /** Seats taken (an atomic counter: two people can't take the last seat at once). */
  going: number;
  audience: Audience;
  /** The invitation broadcast. */
  broadcastId?: string;
  createdAt: Date;
}

/** One person's answer to an invitation; `_id` is "<eventId>|<userId>". Reminder fields are send claims. */
export interface EventRsvp {
  _id: string;
  eventId: string;
  userId: string;
  status: RsvpStatus;
  at: Date;
  remindedDay?: Date;
  remindedHour?: Date;
}

const perLocale = new Schema(Object.fromEntries(LOCALES.map((l) => [l, { type: String }])), { _id: false });

export const LagEventModel = defineModel<LagEvent>('lag_events', {
  lagId: { type: String, maxlength: 64 },
  createdBy: { type: String, required: true },
  title: { type: perLocale, required: true },
  description: { type: perLocale, default: {} },
  fallback: { type: String, enum: LOCALES, required: true },
  startsAt: { type: Date, required: true },
  timeZone: { type: String, required: true, maxlength: 64 },
  place: { type: String, maxlength: EVENT_LIMITS.place },
  link: { type: String, maxlength: 500 },
  capacity: { type: Number, default: 0, min: 0, max: EVENT_LIMITS.capacity },
  going: { type: Number, default: 0 },
  audience: { type: Schema.Types.Mixed, required: true },
  broadcastId: { type: String },
  createdAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ startsAt: 1 });
});

export const EventRsvpModel = defineModel<EventRsvp>('event_rsvps', {
  eventId: { type: String, required: true },
  userId: { type: String, required: true },
  status: { type: String, enum: RSVP_STATUSES, required: true },
  at: { type: Date, required: true },
  remindedDay: { type: Date },
  remindedHour: { type: Date },
}, (s) => {
  s.index({ eventId: 1, status: 1, at: 1 });
  s.index({ userId: 1 });
});
