/**
 * What a person can do now, by role: a customer searches; an owner has a business (with its status),
 * products, offers and matches; staff have a moderation queue. Channels show it as the home screen
 * (/start, /help) and as their command menu.
 */
import type { ListingStatus } from '../models/listing.js';
import type { Cadence, User } from '../models/user.js';
import type { Services } from './app.js';
import { RegistrationDrafts } from './registration-drafts.js';
import { hasStaffTools, isAdmin, scopeOf } from './staff.js';

export type HomeRole = 'customer' | 'owner' | 'staff';

export interface HomeFacts {
  role: HomeRole;
  admin: boolean;
  /** The owner's business. */
  business?: { name: string; status: ListingStatus };
  products: number;
  /** Offers not closed or expired. */
  offers: number;
  /** Matches not shown yet. */
  newMatches: number;
  cadence: Cadence;
  /** Staff: listings and offers waiting for review in their LAG (all LAGs for admins). */
  pending: number;
  /** An unfinished registration: the next step and the number of steps. */
  draft?: { step: number; steps: number };
}

const LIVE_OFFER = new Set(['pending', 'published', 'paused', 'changes_requested']);

/** Gathers the facts of the home screen; every count a failing service can't give is 0, never an error. */
export async function homeFacts(services: Services, user: User, steps: number): Promise<HomeFacts> {
  const listing = await services.directory.byOwner(user._id);
  const staff = hasStaffTools(user);
  const count = async (work: () => Promise<number>) => {
    try {
      return await work();
    } catch (err) {
      services.log.warn({ err: String(err) }, 'home screen count unavailable');
      return 0;
    }
  };
  const draft = listing ? null : await new RegistrationDrafts(services.store).load(user._id);
  const [products, offers, newMatches, pending] = await Promise.all([
    listing ? count(async () => (await services.catalog.list(listing._id)).length) : 0,
    count(async () => (await services.offers.byOwner(user._id)).filter((o) => LIVE_OFFER.has(o.status)).length),
    listing ? count(async () => (await services.matching.newMatches(user._id)).length) : 0,
    staff ? count(async () => (await services.directory.pending(scopeOf(user))).length + (await services.offers.pending(scopeOf(user))).length) : 0,
  ]);
  return {
    role: staff ? 'staff' : listing ? 'owner' : 'customer',
    admin: isAdmin(user),
    ...(listing ? { business: { name: listing.name, status: listing.status } } : {}),
    products, offers, newMatches, pending,
    cadence: user.matchCadence,
    ...(draft ? { draft: { step: Math.min(draft.done.length + 1, steps), steps } } : {}),
  };
}
