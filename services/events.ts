import { EventEmitter } from 'node:events';
import type { Listing } from '../models/listing.js';

/** Domain events other services react to (search index, matching, notifications). */
export interface DomainEvents {
  'listing.changed': [listing: Listing];
  'listing.deleted': [listingId: string];
  'user.deleted': [userId: string];
  /** A listing's catalog products were added, edited, paused or deleted. */
  'listing.products_changed': [listingId: string];
}

export class EventBus extends EventEmitter<DomainEvents> {}
