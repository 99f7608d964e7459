import { defineModel } from './define.js';

/** What is counted: searches (and those that found nothing) and contacts made with a business. */
export const USAGE_KINDS = ['search', 'search_zero', 'contact'] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/**
 * An anonymous daily tally for the LAG reports: one document per day × LAG × kind, nothing about who.
 * `_id` is "<day>|<lagId>|<kind>"; lagId "*" is the tally over every LAG.
 */
export interface UsageCounter {
  _id: string;
  /** Calendar day in UTC, YYYY-MM-DD. */
  day: string;
  lagId: string;
  kind: UsageKind;
  count: number;
}

export const UsageCounterModel = defineModel<UsageCounter>('usage_counters', {
  day: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
  lagId: { type: String, default: '', maxlength: 64 },
  kind: { type: String, enum: USAGE_KINDS, required: true },
  count: { type: Number, default: 0 },
}, (s) => {
  s.index({ day: 1 });
});
