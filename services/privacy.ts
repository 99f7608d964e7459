/**
 * Erasure of a user's personal data (/deleteme): listings and their photos, conversation/session state,
 * and the user record itself. Other features register their own erasers (offers, products, deliveries…).
 * The audit log keeps what staff did, but entries about the user's listings and offers (or by the user, as
 * staff) are pseudonymised: the id becomes "erased" and notes go. Afterwards the store compacts its files,
 * so the erased records cannot be read from DATA_DIR either.
 */
import type { Logger } from 'pino';
import { AuditModel } from '../models/audit.js';
import { OfferModel } from '../models/offer.js';
import type { User } from '../models/user.js';
import type { DirectoryService } from './directory.js';
import type { Text } from './messages.js';
import type { Store } from './store/port.js';
import type { UserService } from './users.js';

/** Removes one feature's data about a user; may return a note for the user (e.g. a part that failed). */
export type Eraser = (user: User) => Promise<void | Text | undefined>;

/** KV namespaces holding per-chat state, keyed by chat id. */
export const CHAT_STATE_NAMESPACES = ['conversations', 'session'];

/** What replaces ids of erased people and things in the audit log. */
export const ERASED = 'erased';

export interface ErasureReport {
  /** Things the user should know (parts that could not be erased elsewhere, e.g. a Meta catalog). */
  notes: Text[];
}

export class PrivacyService {
  private readonly erasers: Eraser[] = [];

  constructor(private readonly store: Store, private readonly deps: { users: UserService; directory: DirectoryService; log?: Pick<Logger, 'warn' | 'info'> }) {}

  registerEraser(eraser: Eraser): void {
    this.erasers.push(eraser);
  }

  async deleteUser(user: User): Promise<ErasureReport> {
    // Collected first: the erasers below delete the listings and offers these ids point to.
    const listingIds = (await this.deps.directory.listings.find({ ownerId: user._id }, { projection: { _id: 1 } })).map((l) => l._id);
    const offerIds = (await this.store.collection(OfferModel).find({ ownerId: user._id }, { projection: { _id: 1 } })).map((o) => o._id);
    const notes: Text[] = [];
    for (const erase of this.erasers) {
      const note = await erase(user);
      if (note) notes.push(note);
    }
    await this.deps.directory.deleteByOwner(user._id, (id) => this.store.blobs.delete(id));
    for (const ns of CHAT_STATE_NAMESPACES) {
      const kv = this.store.kv(ns);
      for (const key of await kv.keys(user.chatId)) {
        if (key === user.chatId || key.startsWith(`${user.chatId}:`)) await kv.delete(key);
      }
    }
    await this.pseudonymiseAudit(user, [...listingIds, ...offerIds]);
    await this.deps.users.delete(user._id);
    // Deleted records must not stay readable in the engine's files until some later compaction.
    try {
      await this.store.compact();
    } catch (err) {
      this.deps.log?.warn({ err: String(err) }, 'compaction after an erasure failed; erased records may stay in the data files until the next one');
    }
    return { notes };
  }

  /** Audit entries about the user, their listings and offers, or by them as staff: ids and notes removed. */
  private async pseudonymiseAudit(user: User, objectIds: string[]): Promise<void> {
    const audit = this.store.collection(AuditModel);
    const targets = [user._id, ...objectIds];
    if (targets.length) await audit.updateMany({ targetId: { $in: targets } }, { $set: { targetId: ERASED }, $unset: { note: true } });
    await audit.updateMany({ actorId: user._id }, { $set: { actorId: ERASED } });
  }
}
