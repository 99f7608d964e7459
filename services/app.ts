/**
 * The service container: everything the channels need, built once from config and a store.
 * Channels register themselves as notifier routes after they start.
 */
import type { Logger } from 'pino';
import type { Listing } from '../models/listing.js';
import type { Channel, Locale, User } from '../models/user.js';
import { CatalogService } from './catalog/service.js';
import { BroadcastService } from './broadcast/service.js';
import { systemClock, type Clock } from './clock.js';
import { DirectoryService } from './directory.js';
import { createOfferServices } from './matching/wire.js';
import type { MatchingService } from './matching/service.js';
import type { OffersService } from './offers.js';
import type { Scheduler } from './scheduler.js';
import { EventBus } from './events.js';
import type { DeliveryOutcome, Notifier, OutMessage } from './messages.js';
import { PrivacyService } from './privacy.js';
import { PENDING_COMMANDS_NS } from '../models/retention.js';
import { RETENTION_JOB, RETENTION_SCHEDULE, sweepExpired } from './retention.js';
import { RegistrationDrafts } from './registration-drafts.js';
import { SearchService } from './search/service.js';
import { StaffService } from './staff.js';
import type { Store } from './store/port.js';
import { UserService } from './users.js';
import { ImportExportService } from './import-export.js';
import { Inbox } from './intake/inbox.js';
import { UsageService } from './usage.js';
import { ReportService } from './report/data.js';
import { EVENT_REMINDER_JOB, EventsService } from './lag-events.js';
import { MODERATION_REMINDER_JOB, ModerationReminders } from './moderation-reminders.js';

export interface AppSettings {
  publicUrl: string;
  defaultLocale: Locale;
  bootstrapAdmins: string[];
  /** Points added to Latvia↔Moldova matches (MATCH_CROSS_BORDER_BOOST). */
  matchCrossBorderBoost?: number;
}

/** Sends through whichever channel the user is on; channels plug in with `route()`. */
export class RoutingNotifier implements Notifier {
  private readonly routes = new Map<Channel, Notifier>();

  route(channel: Channel, notifier: Notifier): void {
    this.routes.set(channel, notifier);
  }

  async send(user: User, message: OutMessage, opts?: { promotional?: boolean }): Promise<DeliveryOutcome> {
    const n = this.routes.get(user.channel);
    if (!n) return { status: 'failed', reason: `channel ${user.channel} is not enabled`, retryable: false };
    return n.send(user, message, opts);
  }
}

/** A product as customers see it (Messenger carousel, Telegram cards); provided by the catalog feature. */
export interface ProductView {
  id: string;
  title: string;
  /** Display price, e.g. "12.50 EUR · 250 MDL". */
  priceText: string;
  imageUrl?: string;
  /** Product anchor on the public business page. */
  link: string;
}

/** What other channels/features may ask of the catalog without depending on it. */
export interface CatalogView {
  activeProducts(listing: Pick<Listing, '_id' | 'slug'>, limit?: number): Promise<ProductView[]>;
  activeTitles?(listingIds: string[], limit: number): Promise<Map<string, string[]>>;
}

export interface Services {
  settings: AppSettings;
  store: Store;
  clock: Clock;
  log: Logger;
  events: EventBus;
  notifier: RoutingNotifier;
  users: UserService;
  directory: DirectoryService;
  privacy: PrivacyService;
  /** LAG staff roles and audit log; broadcasts to segments (services/broadcast). */
  staff: StaffService;
  broadcasts: BroadcastService;
  /** Directory import (CSV/XLSX, dry run, claim codes) and export; LAG statistics. */
  importExport: ImportExportService;
  /** Directory search (Messenger, Telegram); `init()` builds the index at start. */
  search: SearchService;
  /** Set by the catalog feature when present. */
  catalogView?: CatalogView;
  /** Products, Meta feeds, direct push (services/catalog). */
  catalog: CatalogService;
  /** Cooperation offers, matching and the background job scheduler (started by bot/app.ts). */
  offers: OffersService;
  matching: MatchingService;
  scheduler: Scheduler;
  /** Updates stored before they are acknowledged (services/intake); handled ones are pruned daily. */
  inbox: Inbox;
  /** Anonymous search / contact counters for the reports. */
  usage: UsageService;
  /** LAG reports for a period (/stats, /report: text, chart, XLSX, PDF). */
  reports: ReportService;
  /** LAG events: invitations through the broadcast engine, RSVPs, .ics files, reminders (a scheduler job). */
  lagEvents: EventsService;
  /** The daily "waiting over 24 h" nudge to staff (a scheduler job). */
  moderationReminders: ModerationReminders;
}

export function createServices(opts: { settings: AppSettings; store: Store; log: Logger; clock?: Clock }): Services {
  const { settings, store, log } = opts;
  const clock = opts.clock ?? systemClock;
  const events = new EventBus();
  const notifier = new RoutingNotifier();
  const users = new UserService(store, { defaultLocale: settings.defaultLocale, bootstrapAdmins: settings.bootstrapAdmins, clock, events });
  const directory = new DirectoryService(store, { users, notifier, events, clock, publicUrl: settings.publicUrl });
  const privacy = new PrivacyService(store, { users, directory, log });
  const services = { settings, store, clock, log, events, notifier, users, directory, privacy } as Services;
  services.catalog = new CatalogService(store, { events, clock, publicUrl: settings.publicUrl, directory, users, notifier, log });
  services.catalogView = services.catalog;
  privacy.registerEraser((user) => services.catalog.eraseUser(user));
  privacy.registerEraser((user) => new RegistrationDrafts(store).remove(user._id));
  // A command held while the person decides whether to leave registration (bot/telegram/flow-guard.ts).
  privacy.registerEraser((user) => store.kv(PENDING_COMMANDS_NS).delete(user.externalId));
  services.staff = new StaffService(store, { users, clock });
  services.broadcasts = new BroadcastService(store, { users, clock });
  privacy.registerEraser((user) => services.broadcasts.forgetUser(user._id));
  services.importExport = new ImportExportService(store, { clock, events, staff: services.staff, directory });
  services.search = new SearchService(store, { events, clock, log, catalog: () => services.catalogView });
  Object.assign(services, createOfferServices(services, { crossBorderBoost: settings.matchCrossBorderBoost }));
  services.scheduler.register(RETENTION_JOB, RETENTION_SCHEDULE, (now) => sweepExpired(store, now));
  services.inbox = new Inbox(store, { clock, log });
  // The update asking for an erasure still holds the person's ids until it is marked handled: compact after that too.
  privacy.registerEraser(async () => services.inbox.compactAfterHandled());
  services.usage = new UsageService(store, { clock, events, log });
  services.reports = new ReportService(store, { clock, usage: services.usage });
  services.lagEvents = new EventsService(store, { clock, users, notifier, broadcasts: services.broadcasts });
  privacy.registerEraser((user) => services.lagEvents.forgetUser(user._id));
  services.scheduler.register(EVENT_REMINDER_JOB, '*/5 * * * *', (now) => services.lagEvents.runReminders(now));
  services.moderationReminders = new ModerationReminders({ directory, offers: services.offers, users, notifier });
  // 09:00 in the LAGs' zone (Chișinău and Riga share it); the lease is held 20 h after a run: once a day.
  services.scheduler.register(MODERATION_REMINDER_JOB, '0 9 * * *', (now) => services.moderationReminders.run(now),
    { timezone: 'Europe/Chisinau', minIntervalMs: 20 * 3600_000 });
  return services;
}
