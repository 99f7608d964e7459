/**
 * Builds the cooperation-offer services (offers, matching, scheduler with their jobs) on top of the core
 * container, and registers their privacy eraser. Called once from createServices.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory.js';
import type { Notifier } from '../messages.js';
import { OffersService } from '../offers.js';
import type { PrivacyService } from '../privacy.js';
import { Scheduler } from '../scheduler.js';
import type { Store } from '../store/port.js';
import type { UserService } from '../users.js';
import { MatchingService } from './service.js';

/** Default points for a Latvia↔Moldova pair (env MATCH_CROSS_BORDER_BOOST). */
export const DEFAULT_CROSS_BORDER_BOOST = 10;

export const JOBS = {
  /** Every 10 minutes: whoever is due (09:00 local, or instant) gets their digest. */
  digests: 'offers.digests',
  /** Hourly: reminders 14 days before expiry, then expiry. */
  lifecycle: 'offers.lifecycle',
  /** Every 5 minutes, on every instance: offers changed by other instances enter this instance's index. */
  sync: 'offers.sync',
} as const;

export function createOfferServices(core: {
  store: Store; clock: Clock; log: Logger; users: UserService; directory: DirectoryService; notifier: Notifier; privacy: PrivacyService;
}, opts: { crossBorderBoost?: number } = {}): { offers: OffersService; matching: MatchingService; scheduler: Scheduler } {
  const { store, clock, log, users, directory, notifier, privacy } = core;
  const offers = new OffersService(store, { users, directory, notifier, clock, log });
  const matching = new MatchingService(store, { offers, users, directory, notifier, clock, log, crossBorderBoost: opts.crossBorderBoost ?? DEFAULT_CROSS_BORDER_BOOST });
  const scheduler = new Scheduler(store, { clock, log });
  scheduler.register(JOBS.digests, '*/10 * * * *', (now) => matching.runDueDigests(now));
  scheduler.register(JOBS.lifecycle, '7 * * * *', (now) => offers.runLifecycle(now));
  scheduler.register(JOBS.sync, '*/5 * * * *', () => matching.sync(), { everyInstance: true });
  privacy.registerEraser(async (user) => {
    await matching.eraseUser(user);
    await offers.deleteByOwner(user);
  });
  return { offers, matching, scheduler };
}
