import { UserModel, type Channel, type Locale, type Role, type User } from '../models/user.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import type { Collection, Store } from './store/port.js';
import { pickLocale } from './i18n.js';

/** Messenger allows promotional messages only within 24 hours of the user's last message (PLATFORMS.md). */
export const MESSENGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Whether promotional content (digests, broadcasts) may reach the user now: always on Telegram; on Messenger
 * only strictly within 24 hours of their last message. The one rule every sender uses.
 */
export function insidePushWindow(user: Pick<User, 'channel' | 'lastInboundAt'>, now: Date): boolean {
  return user.channel !== 'messenger' || now.getTime() - new Date(user.lastInboundAt).getTime() < MESSENGER_WINDOW_MS;
}

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

  /** Records an inbound message: creates the user on first contact, marks them reachable, stamps the time. */
  async touch(c: InboundContact): Promise<User> {
    const now = this.opts.clock.now();
    const isAdmin = c.channel === 'telegram' && this.opts.bootstrapAdmins.includes(c.externalId);
    // Every update passes here: a returning user costs one atomic round trip.
    const set: Record<string, unknown> = { lastInboundAt: now, reachable: true, chatId: c.chatId };
    if (c.username !== undefined) set.username = c.username.toLowerCase();
    if (c.firstName !== undefined) set.firstName = c.firstName.slice(0, 128);
    if (isAdmin) set.role = 'admin';
    const existing = await this.users.findOneAndUpdate({ channel: c.channel, externalId: c.externalId }, { $set: set });
    if (existing) return existing;
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
