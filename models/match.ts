import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { NACE_SECTIONS, type Sector } from './listing.js';

/**
 * One side of a match: `userId` (owner of `offerId`) is told about `otherOfferId`. The unique key
 * (userId, offerId, otherOfferId) means a match is recorded — and therefore pushed — at most once per user.
 */
export interface Match {
  _id: string;
  userId: string;
  offerId: string;
  otherOfferId: string;
  otherUserId: string;
  score: number;
  /** Why they fit (rendered per recipient language at send time). */
  sectors: Sector[];
  /** Shared words as the recipient wrote them, and as the other side did. */
  terms: string[];
  otherTerms: string[];
  crossBorder: boolean;
  /** The other side targets the recipient's country explicitly (else: anywhere). */
  targeted: boolean;
  /** Set (claimed) just BEFORE the push is sent: a restart after sending never sends it again. */
  notifiedAt?: Date;
  /** The user pressed "Not relevant", or the other offer went away. */
  hidden: boolean;
  createdAt: Date;
}

export const MatchModel = defineModel<Match>('matches', {
  userId: { type: String, required: true },
  offerId: { type: String, required: true },
  otherOfferId: { type: String, required: true },
  otherUserId: { type: String, required: true },
  score: { type: Number, required: true },
  sectors: { type: [{ type: String, enum: NACE_SECTIONS }], default: [] },
  terms: { type: [String], default: [] },
  otherTerms: { type: [String], default: [] },
  crossBorder: { type: Boolean, default: false },
  targeted: { type: Boolean, default: false },
  notifiedAt: { type: Date },
  hidden: { type: Boolean, default: false },
  createdAt: { type: Date, default: () => new Date() },
}, (s: Schema) => {
  s.index({ userId: 1, offerId: 1, otherOfferId: 1 }, { unique: true });
  s.index({ userId: 1, notifiedAt: 1 });
  s.index({ otherOfferId: 1 });
  s.index({ offerId: 1 });
});

export const INTRO_STATUSES = ['asked', 'connected', 'declined'] as const;
export type IntroStatus = (typeof INTRO_STATUSES)[number];

/** An expression of interest between two offers' owners; contacts are shared only when both said yes. */
export interface Introduction {
  _id: string;
  /** Sorted "offerA:offerB": one introduction per pair of offers. */
  pairKey: string;
  offerIds: string[];
  userIds: string[];
  lagIds: string[];
  /** Who pressed "Interested" first. */
  initiatorId: string;
  /** Users who agreed / declined. */
  yes: string[];
  no: string[];
  status: IntroStatus;
  createdAt: Date;
  connectedAt?: Date;
}

export const IntroductionModel = defineModel<Introduction>('introductions', {
  pairKey: { type: String, required: true },
  offerIds: { type: [String], required: true },
  userIds: { type: [String], required: true },
  lagIds: { type: [String], default: [] },
  initiatorId: { type: String, required: true },
  yes: { type: [String], default: [] },
  no: { type: [String], default: [] },
  status: { type: String, enum: INTRO_STATUSES, required: true, default: 'asked' },
  createdAt: { type: Date, default: () => new Date() },
  connectedAt: { type: Date },
}, (s: Schema) => {
  s.index({ pairKey: 1 }, { unique: true });
  s.index({ lagIds: 1 });
  s.index({ userIds: 1 });
});

/** "Not relevant": the user never hears about this offer again. */
export interface HiddenOffer {
  _id: string;
  userId: string;
  offerId: string;
  at: Date;
}

export const HiddenOfferModel = defineModel<HiddenOffer>('hidden_offers', {
  userId: { type: String, required: true },
  offerId: { type: String, required: true },
  at: { type: Date, default: () => new Date() },
}, (s: Schema) => {
  s.index({ userId: 1, offerId: 1 }, { unique: true });
});

/** One digest per user and period ("d:2026-11-26" daily, "w:2026-W48" weekly): inserting it is the claim. */
export interface DigestRun {
  _id: string;
  userId: string;
  period: string;
  at: Date;
}

export const DigestRunModel = defineModel<DigestRun>('digest_runs', {
  userId: { type: String, required: true },
  period: { type: String, required: true, maxlength: 16 },
  at: { type: Date, default: () => new Date() },
}, (s: Schema) => {
  s.index({ userId: 1, period: 1 }, { unique: true });
});
