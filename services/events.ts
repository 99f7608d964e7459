import { EventEmitter } from 'node:events';
import type { Listing } from '../models/listing.js';

/** Domain events other services react to (search index, matching, notifications). */
export interface DomainEvents {
  'listing.changed': [listing: Listing];
  'listing.deleted': [listingId: string];
  'user.deleted': [userId: string];
  /** A listing's catalog products were added, edited, paused or deleted. */
  'listing.products_changed': [listingId: string];
  /** A search was run (first page only); anonymous: the LAGs whose businesses it showed, and how many it found. */
  'search.performed': [search: { lagIds: string[]; total: number }];
  /** Someone contacted a business (an introduction accepted, a contact button); counted per LAG, anonymously. */
  'contact.made': [contact: { lagId: string }];
}

export class EventBus extends EventEmitter<DomainEvents> {}
