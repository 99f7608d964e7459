import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { COUNTRIES, NACE_SECTIONS, type Country, type Sector } from './listing.js';

export const OFFER_KINDS = ['offer', 'request'] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

/** Partnership types, after the Enterprise Europe Network's cooperation profiles. */
export const PARTNERSHIP_TYPES = [
  'supplier', 'buyer_distribution', 'production_outsourcing', 'tourism_study_visits',
  'export_import', 'investment', 'know_how_training', 'joint_project_event',
] as const;
export type PartnershipType = (typeof PARTNERSHIP_TYPES)[number];

export const OFFER_STATUSES = ['pending', 'published', 'rejected', 'changes_requested', 'paused', 'closed', 'expired'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const OFFER_LIMITS = {
  title: 120,
  description: 2000,
  keyword: 40,
  keywords: 5,
  sectors: 5,
  /** Default and maximum validity, and the one extension's maximum, in days. */
  validityDays: 365,
  /** The owner is reminded this many days before expiry. */
  reminderDays: 14,
} as const;

/** A cooperation offer ("I offer / can provide") or request ("I am looking for") of a listed business. */
export interface Offer {
  _id: string;
  ownerId: string;
  listingId: string;
  /** Copied from the listing when submitted: who moderates it and where it sits on the map. */
  lagId: string;
  country: Country;
  districtId: string;
  kind: OfferKind;
  type: PartnershipType;
  sectors: Sector[];
  /** Countries where partners are sought; empty = anywhere. */
  targetCountries: Country[];
  /** Districts narrowing a target country; a target country with none of its districts listed counts whole. */
  targetDistricts: string[];
  title: string;
  description: string;
  keywords: string[];
  status: OfferStatus;
  validUntil: Date;
  /** The one extension was used. */
  extended: boolean;
  reminderSentAt?: Date;
  moderationNote?: string;
  moderatedBy?: string;
  moderatedAt?: Date;
  submittedAt?: Date;
  publishedAt?: Date;
  closedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const OfferModel = defineModel<Offer>('offers', {
  ownerId: { type: String, required: true },
  listingId: { type: String, required: true },
  lagId: { type: String, required: true, maxlength: 64 },
  country: { type: String, enum: COUNTRIES, required: true },
  districtId: { type: String, required: true, maxlength: 64 },
  kind: { type: String, enum: OFFER_KINDS, required: true },
  type: { type: String, enum: PARTNERSHIP_TYPES, required: true },
  sectors: { type: [{ type: String, enum: NACE_SECTIONS }], validate: (v: string[]) => v.length >= 1 && v.length <= OFFER_LIMITS.sectors },
  targetCountries: { type: [{ type: String, enum: COUNTRIES }], default: [] },
  targetDistricts: { type: [{ type: String, maxlength: 64 }], default: [] },
  title: { type: String, required: true, trim: true, minlength: 3, maxlength: OFFER_LIMITS.title },
  description: { type: String, required: true, maxlength: OFFER_LIMITS.description },
  keywords: { type: [{ type: String, maxlength: OFFER_LIMITS.keyword }], validate: (v: string[]) => v.length <= OFFER_LIMITS.keywords },
  status: { type: String, enum: OFFER_STATUSES, required: true, default: 'pending' },
  validUntil: { type: Date, required: true },
  extended: { type: Boolean, default: false },
  reminderSentAt: { type: Date },
  moderationNote: { type: String, maxlength: 500 },
  moderatedBy: { type: String },
  moderatedAt: { type: Date },
  submittedAt: { type: Date },
  publishedAt: { type: Date },
  closedAt: { type: Date },
  createdAt: { type: Date, default: () => new Date() },
  updatedAt: { type: Date, default: () => new Date() },
}, (s: Schema) => {
  s.index({ ownerId: 1 });
  s.index({ status: 1, submittedAt: 1 });
  s.index({ lagId: 1, status: 1 });
  s.index({ status: 1, validUntil: 1 });
  s.index({ updatedAt: 1 });
});
