import { defineModel } from './define.js';

export const LISTING_STATUSES = ['pending', 'published', 'rejected', 'changes_requested'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];
export const COUNTRIES = ['MD', 'LV'] as const;
export type Country = (typeof COUNTRIES)[number];
export const NACE_SECTIONS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U'] as const;
export type Sector = (typeof NACE_SECTIONS)[number];

export const LISTING_LIMITS = {
  name: 100,
  activity: 200,
  description: 750,
  locality: 80,
  keyword: 40,
  keywords: 20,
  email: 254,
  url: 500,
  address: 200,
  telegram: 32,
} as const;

/**
 * One opening interval: weekday 0 = Monday … 6 = Sunday, minutes from local midnight, `from` < `to` ≤ 1440.
 * A day with no interval is closed; a night past midnight is two intervals (services/opening-hours.ts).
 */
export interface OpeningRange {
  day: number;
  from: number;
  to: number;
}

/** The description in other languages the owner wrote (the main `description` stays the first one). */
export type Descriptions = Partial<Record<'ro' | 'ru' | 'en' | 'lv', string>>;

/** A business in the LAG directory. */
export interface Listing {
  _id: string;
  /** Public page path segment: PUBLIC_URL/b/<slug>. */
  slug: string;
  /** User _id of the owner; absent for imported listings not yet claimed. */
  ownerId?: string;
  status: ListingStatus;
  name: string;
  sectors: Sector[];
  activity: string;
  country: Country;
  /** District / municipality id from services/reference/territories.json. */
  districtId: string;
  /** LAG id derived from the district. */
  lagId: string;
  locality: string;
  description: string;
  keywords: string[];
  /** E.164. */
  phone: string;
  email?: string;
  website?: string;
  facebook?: string;
  /** Street and number (the page links it to OpenStreetMap with the locality and district). */
  address?: string;
  /** Weekly opening hours; absent = not given (the page shows no "open now"). */
  openingHours?: OpeningRange[];
  /** Telegram username (without @) customers can write to. */
  telegram?: string;
  /** E.164 numbers on Viber / WhatsApp. */
  viber?: string;
  whatsapp?: string;
  /** Translations of the description, per page language. */
  descriptions?: Descriptions;
  /** Languages spoken (ro/ru/en/lv and others as ISO 639-1). */
  languages: string[];
  /** Blob id of the logo/photo. */
  logoId?: string;
  /** Why staff rejected it or what they asked to change. */
  moderationNote?: string;
  moderatedBy?: string;
  moderatedAt?: Date;
  submittedAt?: Date;
  publishedAt?: Date;
  /** One-time code for an imported listing's owner to claim it. */
  claimCode?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const ListingModel = defineModel<Listing>('listings', {
  slug: { type: String, required: true, maxlength: 80, match: /^[a-z0-9-]+$/ },
  ownerId: { type: String },
  status: { type: String, enum: LISTING_STATUSES, required: true, default: 'pending' },
  name: { type: String, required: true, trim: true, minlength: 2, maxlength: LISTING_LIMITS.name },
  sectors: { type: [{ type: String, enum: NACE_SECTIONS }], validate: (v: string[]) => v.length >= 1 && v.length <= 5 },
  activity: { type: String, default: '', maxlength: LISTING_LIMITS.activity },
  country: { type: String, enum: COUNTRIES, required: true },
  districtId: { type: String, required: true, maxlength: 64 },
  lagId: { type: String, required: true, maxlength: 64 },
  locality: { type: String, default: '', maxlength: LISTING_LIMITS.locality },
  description: { type: String, default: '', maxlength: LISTING_LIMITS.description },
  keywords: { type: [{ type: String, maxlength: LISTING_LIMITS.keyword }], validate: (v: string[]) => v.length <= LISTING_LIMITS.keywords },
  phone: { type: String, required: true, match: /^\+[1-9]\d{6,14}$/ },
  email: { type: String, maxlength: LISTING_LIMITS.email },
  website: { type: String, maxlength: LISTING_LIMITS.url },
  facebook: { type: String, maxlength: LISTING_LIMITS.url },
  address: { type: String, maxlength: LISTING_LIMITS.address },
  openingHours: {
    type: [{ _id: false, day: { type: Number, min: 0, max: 6, required: true }, from: { type: Number, min: 0, max: 1439, required: true }, to: { type: Number, min: 1, max: 1440, required: true } }],
    default: undefined,
  },
  telegram: { type: String, maxlength: LISTING_LIMITS.telegram, match: /^[A-Za-z]\w{3,31}$/ },
  viber: { type: String, match: /^\+[1-9]\d{6,14}$/ },
  whatsapp: { type: String, match: /^\+[1-9]\d{6,14}$/ },
  descriptions: {
    type: { _id: false, ro: { type: String, maxlength: LISTING_LIMITS.description }, ru: { type: String, maxlength: LISTING_LIMITS.description }, en: { type: String, maxlength: LISTING_LIMITS.description }, lv: { type: String, maxlength: LISTING_LIMITS.description } },
    default: undefined,
  },
  languages: { type: [String], default: [] },
  logoId: { type: String },
  moderationNote: { type: String, maxlength: 500 },
  moderatedBy: { type: String },
  moderatedAt: { type: Date },
  submittedAt: { type: Date },
  publishedAt: { type: Date },
  claimCode: { type: String },
  createdAt: { type: Date, default: () => new Date() },
  updatedAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ slug: 1 }, { unique: true });
  s.index({ ownerId: 1 });
  s.index({ status: 1, submittedAt: 1 });
  s.index({ lagId: 1, status: 1 });
});
