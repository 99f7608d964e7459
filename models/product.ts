import { Schema } from 'mongoose';
import { defineModel } from './define.js';

export const AVAILABILITIES = ['in stock', 'out of stock', 'available for order'] as const;
export type Availability = (typeof AVAILABILITIES)[number];
export const CONDITIONS = ['new', 'used', 'refurbished'] as const;
export type Condition = (typeof CONDITIONS)[number];
/**
 * Currencies Meta's catalog feed gets from us. MDL is not among them: Meta does not document MDL as accepted.
 * Checked 2026-12-01: the catalog pages of Meta's documentation found (feed formats,
 * https://developers.facebook.com/docs/marketing-api/catalog/reference; fields,
 * https://developers.facebook.com/docs/commerce-platform/catalog/fields) list no accepted currency codes (feed
 * guides describe `price` as "amount + ISO 4217 code", e.g. "129.99 USD"); the currency lists Meta does publish — ad accounts / Marketing API
 * (https://developers.facebook.com/docs/marketing-api/currencies) and payments
 * (https://developers.facebook.com/docs/payments/reference/supportedcurrencies) — name RON, EUR, USD… and no
 * Moldovan leu (MDL). Unconfirmed, so a price in lei goes into the feed in EUR at the rate LAG staff set (/rate).
 */
export const FEED_CURRENCIES = ['EUR', 'USD'] as const;
export type FeedCurrency = (typeof FEED_CURRENCIES)[number];
/** Currencies an owner prices a product in: the feed's, plus lei for Moldovan owners (converted for the feed). */
export const PRICE_CURRENCIES = ['EUR', 'USD', 'MDL'] as const;
export type PriceCurrency = (typeof PRICE_CURRENCIES)[number];

/**
 * The exchange rate LAG staff set for the feed (key-value namespace `exchange_rates`, key `MDL_EUR`): lei per
 * euro in ten-thousandths (19.10 → 191000), when and by whom. Stored as JSON, so the date is an ISO string.
 */
export interface ExchangeRate {
  rate4: number;
  setAt: string;
  setBy: string;
  lagId?: string;
}

export const PRODUCT_STATUSES = ['active', 'paused'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const PRODUCT_LIMITS = {
  id: 100,
  title: 150,
  description: 9999,
  brand: 100,
  category: 250,
  photos: 10,
  /** Meta's minimum image size (both sides), in px. */
  minImageSide: 500,
  /** Largest price accepted, in minor units (1 000 000.00). */
  maxPriceMinor: 100_000_000,
} as const;

export interface ProductPhoto {
  blobId: string;
  width: number;
  height: number;
}

/**
 * A product in a business's catalog. `_id` is the stable feed `id` (retailer id). Money is kept as integer
 * minor units (cents/bani) so no float arithmetic ever touches a price.
 */
export interface Product {
  _id: string;
  listingId: string;
  ownerId: string;
  title: string;
  description: string;
  priceMinor: number;
  /** The owner's currency. MDL prices (and sale prices) go into the feed converted to EUR at the LAG's rate. */
  currency: PriceCurrency;
  /** Display-only price in Moldovan lei (minor units), from before lei could be the price itself. */
  mdlMinor?: number;
  salePriceMinor?: number;
  availability: Availability;
  condition: Condition;
  photos: ProductPhoto[];
  /** Empty = the business name. */
  brand?: string;
  /** A Google product category id from services/catalog/categories.ts (older products: free text). */
  googleCategory?: string;
  status: ProductStatus;
  createdAt: Date;
  updatedAt: Date;
}

const minor = { type: Number, min: 0, max: PRODUCT_LIMITS.maxPriceMinor, validate: Number.isInteger };

export const ProductModel = defineModel<Product>('products', {
  listingId: { type: String, required: true, maxlength: 64 },
  ownerId: { type: String, required: true, maxlength: 64 },
  title: { type: String, required: true, maxlength: PRODUCT_LIMITS.title },
  description: { type: String, default: '', maxlength: PRODUCT_LIMITS.description },
  priceMinor: { ...minor, required: true },
  currency: { type: String, enum: PRICE_CURRENCIES, required: true },
  mdlMinor: minor,
  salePriceMinor: minor,
  availability: { type: String, enum: AVAILABILITIES, default: 'in stock' },
  condition: { type: String, enum: CONDITIONS, default: 'new' },
  photos: {
    type: [new Schema({ blobId: { type: String, required: true }, width: { type: Number, required: true }, height: { type: Number, required: true } }, { _id: false })],
    default: [],
  },
  brand: { type: String, maxlength: PRODUCT_LIMITS.brand },
  googleCategory: { type: String, maxlength: PRODUCT_LIMITS.category },
  status: { type: String, enum: PRODUCT_STATUSES, default: 'active' },
  createdAt: { type: Date, default: () => new Date() },
  updatedAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ listingId: 1, createdAt: 1 });
  s.index({ ownerId: 1 });
});

/** Product fields an owner edits one at a time (the ✏️ buttons on a product card). */
export const PRODUCT_EDIT_FIELDS = ['title', 'description', 'price', 'availability', 'photos', 'condition', 'brand', 'sale', 'category'] as const;
export type ProductEditField = (typeof PRODUCT_EDIT_FIELDS)[number];

export const CHECKLIST_STEPS = ['pageLinked', 'catalogCreated', 'feedAdded'] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number];

/** A push to Meta's Catalog Batch API and what Meta said about it. */
export interface PushReport {
  at: Date;
  status: 'ok' | 'errors' | 'failed';
  /** Item ids (or empty) with Meta's message. */
  issues: { id: string; message: string }[];
  sent: number;
  /** Why a push failed as a whole (auth, rate_limited, not_found, network, other, unexpected). */
  reason?: string;
  /** Batches Meta had not finished checking when we stopped polling (their per-item errors are unknown). */
  unfinished?: number;
}

/** Per-business shop settings: feed token, LAG feed opt-in, direct push, checklist. */
export interface ShopSettings {
  _id: string;
  listingId: string;
  ownerId?: string;
  /** Unguessable token in the feed URL (PUBLIC_URL/feeds/<token>.csv); the owner can rotate it. */
  feedToken: string;
  /** Include this business in the LAG-wide feed. */
  lagFeed: boolean;
  /** Commerce Manager catalog id (digits). */
  catalogId?: string;
  /** Catalog access token, AES-256-GCM encrypted (services/catalog/secrets.ts). */
  accessTokenEnc?: string;
  checklist: { pageLinked: boolean; catalogCreated: boolean; feedAdded: boolean };
  /** Item ids last sent to Meta (so removed/paused ones can be deleted there). */
  pushedIds: string[];
  lastPush?: PushReport;
  /** When the feed content last changed (products or settings): the feed's Last-Modified. */
  changedAt: Date;
  createdAt: Date;
}

export const ShopSettingsModel = defineModel<ShopSettings>('shop_settings', {
  listingId: { type: String, required: true, maxlength: 64 },
  ownerId: { type: String, maxlength: 64 },
  feedToken: { type: String, required: true, minlength: 20, maxlength: 64 },
  lagFeed: { type: Boolean, default: false },
  catalogId: { type: String, match: /^\d{5,25}$/ },
  accessTokenEnc: { type: String, maxlength: 4000 },
  checklist: {
    pageLinked: { type: Boolean, default: false },
    catalogCreated: { type: Boolean, default: false },
    feedAdded: { type: Boolean, default: false },
  },
  pushedIds: { type: [String], default: [] },
  lastPush: {
    type: new Schema({
      at: { type: Date, required: true },
      status: { type: String, enum: ['ok', 'errors', 'failed'], required: true },
      issues: { type: [new Schema({ id: { type: String, default: '' }, message: { type: String, maxlength: 1000 } }, { _id: false })], default: [] },
      sent: { type: Number, default: 0 },
      reason: { type: String, maxlength: 32 },
      unfinished: { type: Number },
    }, { _id: false }),
  },
  changedAt: { type: Date, default: () => new Date() },
  createdAt: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ listingId: 1 }, { unique: true });
  s.index({ feedToken: 1 }, { unique: true });
  s.index({ ownerId: 1 });
});
