/**
 * Erasure of a user's personal data (/deleteme): listings and their photos, conversation/session state,
 * and the user record itself. Other features register their own erasers (offers, products, deliveries…).
 */
import type { User } from '../models/user.js';
import type { DirectoryService } from './directory.js';
import type { Store } from './store/port.js';
import type { UserService } from './users.js';

/** Removes one feature's data about a user. */
export type Eraser = (user: User) => Promise<void>;

/** KV namespaces holding per-chat state, keyed by chat id. */
export const CHAT_STATE_NAMESPACES = ['conversations', 'session'];

export class PrivacyService {
  private readonly erasers: Eraser[] = [];

  constructor(private readonly store: Store, private readonly deps: { users: UserService; directory: DirectoryService }) {}

  registerEraser(eraser: Eraser): void {
    this.erasers.push(eraser);
  }

  async deleteUser(user: User): Promise<void> {
    for (const erase of this.erasers) await erase(user);
    await this.deps.directory.deleteByOwner(user._id, (id) => this.store.blobs.delete(id));
    for (const ns of CHAT_STATE_NAMESPACES) {
      const kv = this.store.kv(ns);
      for (const key of await kv.keys(user.chatId)) {
        if (key === user.chatId || key.startsWith(`${user.chatId}:`)) await kv.delete(key);
      }
    }
    await this.deps.users.delete(user._id);
  }
}
