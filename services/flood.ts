/**
 * The per-user flood limit counted in the store, so several instances (STORE_SHARED=1) count one user's
 * messages together. It is the counter behind @grammyjs/ratelimiter (which takes a Redis-like client with
 * `incr` and `pexpire`): each user's count lives in one document per fixed window of `windowMs`, incremented
 * atomically; windows that are over expire (a TTL index on MongoDB, the retention job elsewhere).
 */
import { createHash } from 'node:crypto';
import { CounterModel, type Counter } from '../models/coordination.js';
import type { Clock } from './clock.js';
import type { Collection, Store } from './store/port.js';

export const FLOOD_PREFIX = 'flood:';

export class StoreFloodCounter {
  private readonly counters: Collection<Counter>;

  constructor(store: Store, private readonly windowMs: number, private readonly clock: Clock) {
    this.counters = store.collection(CounterModel);
  }

  /** Messages of `key` in the current window, this one included. */
  async incr(key: string): Promise<number> {
    const now = this.clock.now().getTime();
    const window = Math.floor(now / this.windowMs);
    const doc = await this.counters.upsert(
      // Hashed: the counter holds no one's id (it outlives an erasure by up to two minutes).
      { _id: `${FLOOD_PREFIX}${createHash('sha256').update(key).digest('base64url').slice(0, 22)}:${window}` },
      { $inc: { n: 1 }, $set: { expiresAt: new Date((window + 2) * this.windowMs) } },
    );
    return doc.n;
  }

  /** The window is fixed by the document id; nothing to do (ratelimiter's Redis interface). */
  async pexpire(): Promise<number> {
    return 1;
  }
}
