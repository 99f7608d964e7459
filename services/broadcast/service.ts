/**
 * Broadcasts: drafts composed by staff, their audience (role, channel, districts, sectors, languages, LAG),
 * the frozen list of recipients (one delivery record per recipient) and the controls pause/resume/cancel.
 * Sending is the worker's job (worker.ts).
 */
import { onceInHandling } from '../intake/journal.js';
import { AuditModel, type AuditEntry } from '../../models/audit.js';
import { BroadcastModel, type Audience, type Broadcast, type BroadcastVersion } from '../../models/broadcast.js';
import { DeliveryModel, DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../../models/delivery.js';
import { ListingModel, type Listing } from '../../models/listing.js';
import type { Channel, Locale, User } from '../../models/user.js';
import type { Clock } from '../clock.js';
import { canActIn } from '../staff.js';
import type { Collection, Store } from '../store/port.js';
import { insidePushWindow, type UserService } from '../users.js';

/** A Messenger user whose 24 h window is closed at `now` (they are skipped as "outside window"). */
export function outsideMessengerWindow(user: Pick<User, 'channel' | 'lastInboundAt'>, now: Date): boolean {
  return !insidePushWindow(user, now);
}

export type BroadcastCounts = Record<DeliveryStatus, number> & {
  total: number;
  /** Channels the recipients are on (reports mention channel-specific outcomes only for these). */
  channels: Channel[];
};

export interface AudiencePreview {
  total: number;
  byChannel: Partial<Record<Channel, number>>;
  byLocale: Partial<Record<Locale, number>>;
  /** Messenger recipients whose 24 h window is closed now (they would be skipped). */
  outsideWindow: number;
}

export interface BroadcastDraft {
  audience: Audience;
  versions: BroadcastVersion[];
  photo?: Broadcast['photo'];
  button?: Broadcast['button'];
  paid?: boolean;
  /** An event invitation (services/lag-events.ts). */
  eventId?: string;
}

export class BroadcastNotAllowed extends Error {}

export class BroadcastService {
  readonly broadcasts: Collection<Broadcast>;
  readonly deliveries: Collection<Delivery>;
  private readonly listings: Collection<Listing>;
  private readonly audit: Collection<AuditEntry>;

  constructor(store: Store, private readonly deps: { users: UserService; clock: Clock }) {
    this.broadcasts = store.collection(BroadcastModel);
    this.deliveries = store.collection(DeliveryModel);
    this.listings = store.collection(ListingModel);
    this.audit = store.collection(AuditModel);
  }

  /** Everyone the audience selects right now (reachable users only). */
  async recipients(a: Audience): Promise<User[]> {
    const userFilter: Record<string, unknown> = { reachable: true };
    if (a.channels.length) userFilter.channel = { $in: a.channels };
    if (a.locales.length) userFilter.locale = { $in: a.locales };
    const users = await this.deps.users.users.find(userFilter, { sort: { createdAt: 1 } });
    const owned = await this.listings.find({ ownerId: { $exists: true } }, { projection: { ownerId: 1, districtId: 1, sectors: 1, lagId: 1 } });
    const owners = new Set(owned.map((l) => l.ownerId!));
    const matching = new Set(owned.filter((l) =>
      (!a.lagId || l.lagId === a.lagId)
      && (!a.districts.length || a.districts.includes(l.districtId))
      && (!a.sectors.length || l.sectors.some((s) => a.sectors.includes(s)))).map((l) => l.ownerId!));
    // Customers have no territory in our data: a LAG-bound staff audience never includes them.
    const customersAllowed = !a.lagId && !a.districts.length && !a.sectors.length;
    // "Everyone in my LAG" also reaches the LAG's own staff (they have a LAG, not a listing).
    const lagStaff = (u: User) => a.role === 'everyone' && !!a.lagId && u.lagId === a.lagId && !a.districts.length && !a.sectors.length;
    return users.filter((u) => {
      if (owners.has(u._id)) return a.role !== 'customers' && matching.has(u._id);
      if (lagStaff(u)) return true;
      return a.role !== 'entrepreneurs' && customersAllowed;
    });
  }

  async preview(a: Audience): Promise<AudiencePreview> {
    const users = await this.recipients(a);
    const now = this.deps.clock.now();
    const p: AudiencePreview = { total: users.length, byChannel: {}, byLocale: {}, outsideWindow: 0 };
    for (const u of users) {
      p.byChannel[u.channel] = (p.byChannel[u.channel] ?? 0) + 1;
      p.byLocale[u.locale] = (p.byLocale[u.locale] ?? 0) + 1;
      if (outsideMessengerWindow(u, now)) p.outsideWindow++;
    }
    return p;
  }

  async create(staff: User, draft: BroadcastDraft): Promise<Broadcast> {
    if (!canActIn(staff, draft.audience.lagId)) throw new BroadcastNotAllowed();
    return onceInHandling('broadcast.create', () => this.broadcasts.insert({ ...draft, paid: !!draft.paid, createdBy: staff._id, status: 'draft', createdAt: this.deps.clock.now() }), (id) => this.broadcasts.findById(id));
  }

  byId(id: string): Promise<Broadcast | null> {
    return this.broadcasts.findById(id);
  }

  /** Admins control every broadcast; staff those of their LAG. */
  canControl(user: User, b: Broadcast): boolean {
    return canActIn(user, b.audience.lagId);
  }

  /** Queues a draft: at `sendAt`, or at once. The worker freezes the audience when it starts. */
  async schedule(staff: User, id: string, sendAt?: Date): Promise<Broadcast | null> {
    const b = await this.broadcasts.findOneAndUpdate({ _id: id, status: 'draft' }, { $set: { status: 'scheduled', sendAt: sendAt ?? this.deps.clock.now() } });
    if (b) await this.log(staff, sendAt ? 'broadcast.schedule' : 'broadcast.send', id, sendAt?.toISOString());
    return b;
  }

  async pause(staff: User, id: string): Promise<Broadcast | null> {
    const b = await this.broadcasts.findOneAndUpdate({ _id: id, status: { $in: ['sending', 'scheduled'] } }, { $set: { status: 'paused' } });
    if (b) await this.log(staff, 'broadcast.pause', id);
    return b;
  }

  async resume(staff: User, id: string): Promise<Broadcast | null> {
    const current = await this.broadcasts.findOne({ _id: id, status: 'paused' });
    if (!current) return null;
    // Not yet started (was scheduled): back to the schedule, so the worker freezes the audience as usual.
    const status = current.materialized ? 'sending' : 'scheduled';
    const b = await this.broadcasts.findOneAndUpdate({ _id: id, status: 'paused' }, { $set: { status } });
    if (b) await this.log(staff, 'broadcast.resume', id);
    return b;
  }

  async cancel(staff: User, id: string): Promise<Broadcast | null> {
    const b = await this.broadcasts.findOneAndUpdate(
      { _id: id, status: { $in: ['draft', 'scheduled', 'sending', 'paused'] } },
      { $set: { status: 'cancelled', finishedAt: this.deps.clock.now() } },
    );
    if (!b) return null;
    await this.deliveries.updateMany({ broadcastId: id, status: 'queued' }, { $set: { status: 'cancelled', doneAt: this.deps.clock.now() } });
    await this.log(staff, 'broadcast.cancel', id);
    return b;
  }

  async counts(broadcastId: string): Promise<BroadcastCounts> {
    const c = { total: 0, channels: [] } as unknown as BroadcastCounts;
    for (const s of DELIVERY_STATUSES) {
      c[s] = await this.deliveries.count({ broadcastId, status: s });
      c.total += c[s];
    }
    c.channels = (await this.deliveries.distinct<Channel>('channel', { broadcastId })).sort();
    return c;
  }

  /** Where the staff member's one progress message lives (set by the composer before the send starts). */
  async setProgress(id: string, where: { chatId: string; messageId: number }): Promise<void> {
    await this.broadcasts.updateOne({ _id: id }, { $set: { progress: where } });
  }

  /**
   * Claims the right to write the final report, once per broadcast (the worker's finish and a staff
   * member's cancel may both try); false when it was already written.
   */
  async claimFinalReport(id: string): Promise<boolean> {
    return !!(await this.broadcasts.findOneAndUpdate({ _id: id, finalReported: { $ne: true } }, { $set: { finalReported: true } }));
  }

  /** The audience of the staff member's latest broadcast ("last audience" preset). */
  async lastAudience(staff: User): Promise<Audience | undefined> {
    const last = await this.broadcasts.findOne({ createdBy: staff._id }, { sort: { createdAt: -1 }, projection: { audience: 1 } });
    return last && canActIn(staff, last.audience.lagId) ? last.audience : undefined;
  }

  /**
   * Creates the missing delivery records (idempotent: a crash halfway through just continues), then marks
   * the broadcast as sending. The audience is frozen from here on.
   */
  async materialize(b: Broadcast): Promise<Broadcast | null> {
    const users = await this.recipients(b.audience);
    const existing = new Set(await this.deliveries.distinct<string>('userId', { broadcastId: b._id }));
    const missing = users.filter((u) => !existing.has(u._id));
    let seq = existing.size;
    for (let i = 0; i < missing.length; i += 500) {
      await this.deliveries.insertMany(missing.slice(i, i + 500).map((u) => ({
        broadcastId: b._id, userId: u._id, channel: u.channel, status: 'queued' as const, seq: seq++, attempts: 0, notBefore: new Date(0),
      })));
    }
    const total = await this.deliveries.count({ broadcastId: b._id });
    return this.broadcasts.findOneAndUpdate({ _id: b._id, status: { $in: ['scheduled', 'sending'] } }, {
      $set: { materialized: true, total, status: 'sending', startedAt: b.startedAt ?? this.deps.clock.now() },
    });
  }

  /** The version a recipient gets: their language's, else the one for everyone, else the first. */
  versionFor(b: Pick<Broadcast, 'versions'>, locale: Locale): BroadcastVersion {
    return b.versions.find((v) => v.locale === locale) ?? b.versions.find((v) => v.locale === '*') ?? b.versions[0];
  }

  async log(actor: User, action: string, targetId: string, note?: string): Promise<void> {
    await this.audit.insert({ actorId: actor._id, action, targetType: 'broadcast', targetId, note, at: this.deps.clock.now() });
  }

  /** Privacy: a deleted user's delivery records go with them. */
  async forgetUser(userId: string): Promise<void> {
    await this.deliveries.deleteMany({ userId });
  }
}
