import { UserModel, type Channel, type Locale, type Role, type User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import type { Collection, Store } from './store/port.js';
import { pickLocale } from './i18n.js';

/** Messenger allows promotional messages only within 24 hours of the user's last message. */
export const MESSENGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Whether promotional content (digests, broadcasts) may reach the user now: always on Telegram; on Messenger
 * only strictly within 24 hours of their last message. The one rule every sender uses.
 */
export function insidePushWindow(user: Pick<User, 'channel' | 'lastInboundAt'>, now: Date): boolean {
  return user.channel !== 'messenger' || now.getTime() - new Date(user.lastInboundAt).getTime() < MESSENGER_WINDOW_MS;
}

/** Telegram last-seen times are written at most this often per user (statistics need no more). */
export const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

export interface InboundContact {
  channel: Channel;
  externalId: string;
  chatId: string;
  username?: string;
  firstName?: string;
  /** Platform language hint (Telegram language_code); used only on first contact. */
  languageCode?: string;
}

/** Who is talking to us: created on first contact, refreshed on every inbound message. */
export class UserService {
  readonly users: Collection<User>;

  constructor(
    store: Store,
    private readonly opts: { defaultLocale: Locale; bootstrapAdmins: string[]; clock: Clock; events?: EventBus },
  ) {
    this.users = store.collection(UserModel);
  }

  /**
   * Records an inbound message: creates the user on first contact, marks them reachable, stamps the time.
   * Every update passes here, so a returning user whose record would not change costs one read and no
   * write: on Telegram the last-seen time is kept to `LAST_SEEN_RESOLUTION_MS`; on Messenger it is the
   * 24-hour window's start and is written exactly, every time.
   */
  async touch(c: InboundContact): Promise<User> {
    const now = this.opts.clock.now();
    const isAdmin = c.channel === 'telegram' && this.opts.bootstrapAdmins.includes(c.externalId);
    const existing = await this.users.findOne({ channel: c.channel, externalId: c.externalId });
    if (existing) {
      const set = this.changes(existing, c, now, isAdmin);
      if (!set) return existing;
      return (await this.users.findOneAndUpdate({ _id: existing._id }, { $set: set })) ?? existing;
    }
    try {
      return await this.users.insert({
        channel: c.channel,
        externalId: c.externalId,
        chatId: c.chatId,
        username: c.username?.toLowerCase(),
        firstName: c.firstName?.slice(0, 128),
        locale: pickLocale(c.languageCode, this.opts.defaultLocale),
        localeChosen: false,
        role: isAdmin ? 'admin' : 'user',
        lastInboundAt: now,
        createdAt: now,
      });
    } catch (err) {
      // Two updates from a brand-new user raced: the other one created the record.
      const again = await this.users.findOne({ channel: c.channel, externalId: c.externalId });
      if (again) return again;
      throw err;
    }
  }

  /** What an inbound message changes on a known user (null: nothing worth a write). */
  private changes(u: User, c: InboundContact, now: Date, isAdmin: boolean): Record<string, unknown> | null {
    const set: Record<string, unknown> = {};
    if (!u.reachable) set.reachable = true;
    if (u.chatId !== c.chatId) set.chatId = c.chatId;
    if (c.username !== undefined && u.username !== c.username.toLowerCase()) set.username = c.username.toLowerCase();
    if (c.firstName !== undefined && u.firstName !== c.firstName.slice(0, 128)) set.firstName = c.firstName.slice(0, 128);
    if (isAdmin && u.role !== 'admin') set.role = 'admin';
    const seenAgo = now.getTime() - new Date(u.lastInboundAt).getTime();
    const stale = c.channel === 'messenger' || !(seenAgo >= 0 && seenAgo < LAST_SEEN_RESOLUTION_MS);
    if (!stale && Object.keys(set).length === 0) return null;
    set.lastInboundAt = now;
    return set;
  }

  byId(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  byExternal(channel: Channel, externalId: string): Promise<User | null> {
    return this.users.findOne({ channel, externalId });
  }

  byUsername(username: string): Promise<User | null> {
    return this.users.findOne({ channel: 'telegram', username: username.replace(/^@/, '').toLowerCase() });
  }

  async setLocale(id: string, locale: Locale): Promise<User | null> {
    return this.users.findOneAndUpdate({ _id: id }, { $set: { locale, localeChosen: true } });
  }

  async setRole(id: string, role: Role, lagId?: string): Promise<User | null> {
    const update = lagId ? { $set: { role, lagId } } : role === 'user' ? { $set: { role }, $unset: { lagId: true as const } } : { $set: { role } };
    return this.users.findOneAndUpdate({ _id: id }, update);
  }

  async markUnreachable(id: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { reachable: false } });
  }

  /** Admins and staff (for moderation cards); staff of a LAG only when lagId is given. */
  staff(lagId?: string): Promise<User[]> {
    const filter = lagId
      ? { $or: [{ role: 'admin' }, { role: 'staff', lagId }] }
      : { role: { $in: ['admin', 'staff'] } };
    return this.users.find(filter, { sort: { createdAt: 1 } });
  }

  async delete(id: string): Promise<void> {
    await this.users.deleteOne({ _id: id });
    this.opts.events?.emit('user.deleted', id);
  }
}
