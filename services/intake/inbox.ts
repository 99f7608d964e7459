/**
 * The inbox: every update a platform hands us is written here BEFORE we tell the platform we have it
 * (Telegram: before the next getUpdates confirms its offset, or before the webhook answers 200; Messenger:
 * before the 200). It is marked done right after it was handled; at start everything not done is handled
 * first. The unique `_id` (`tg:<update_id>`, `fb:<mid>`) makes a redelivered update a no-op.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { InboundUpdateModel, type InboundUpdate } from '../../models/inbound-update.js';
import type { Clock } from '../clock.js';
import { DuplicateKeyError, type Collection, type Store } from '../store/port.js';
import type { JournalLine } from './journal.js';

export type IntakeChannel = InboundUpdate['channel'];

/** One update as received: its platform id, its order, and the raw payload. */
export interface Arrival {
  id: string;
  seq: number;
  payload: unknown;
  /** The chat (or sender) it belongs to. */
  key?: string;
}

/** A stored update waiting to be handled. */
export interface Pending {
  id: string;
  seq: number;
  payload: unknown;
  /** When this process took it in (performance.now()); absent for updates recovered at start. */
  arrivedAt?: number;
  /** The replies journal of an earlier, interrupted handling (recovered updates only). */
  sent?: JournalLine[];
  key?: string;
}

const PREFIX: Record<IntakeChannel, string> = { telegram: 'tg', messenger: 'fb' };

export class Inbox {
  readonly updates: Collection<InboundUpdate>;
  /** An erasure ran while updates (at least the one asking for it) still held their payloads: see markDone. */
  private compactWhenDone = false;

  constructor(private readonly store: Store, private readonly deps: { clock: Clock; log: Pick<Logger, 'warn' | 'error'> }) {
    this.updates = store.collection(InboundUpdateModel);
  }

  /**
   * Stores the arrivals and returns the ones that were new, in the given order. Already stored ones (a
   * redelivery) are left out. Throws when the store fails: the caller must then NOT acknowledge.
   */
  async accept(channel: IntakeChannel, arrivals: Arrival[]): Promise<Pending[]> {
    if (arrivals.length === 0) return [];
    const now = this.deps.clock.now();
    // The same id twice in one delivery (Meta may batch a retry with new events) is one update.
    const unique = [...new Map(arrivals.map((a) => [`${PREFIX[channel]}:${a.id}`.slice(0, 600), a])).entries()];
    arrivals = unique.map(([, a]) => a);
    const storedBy = randomUUID();
    const docs = unique.map(([_id, a]) => ({ _id, channel, seq: a.seq, payload: JSON.stringify(a.payload), ...(a.key !== undefined ? { key: a.key.slice(0, 200) } : {}), done: false, receivedAt: now, storedBy }));
    // A redelivery (Telegram resending what a crash left unconfirmed, Meta retrying) is already stored: one
    // indexed read keeps the batch insert free of duplicates.
    const seen = new Set((await this.updates.find({ _id: { $in: docs.map((d) => d._id) } }, { projection: { _id: 1 } })).map((d) => d._id));
    const fresh = docs.flatMap((d, i) => (seen.has(d._id) ? [] : [{ doc: d, payload: arrivals[i].payload }]));
    if (fresh.length === 0) return [];
    try {
      await this.updates.insertMany(fresh.map((f) => f.doc));
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // Raced with another writer: keep what this call stored (stamped with this call's id), one at a time.
      const mine: typeof fresh = [];
      for (const f of fresh) {
        try {
          await this.updates.insert(f.doc);
          mine.push(f);
        } catch (e) {
          if (!(e instanceof DuplicateKeyError)) throw e;
          const stored = await this.updates.findById(f.doc._id);
          if (stored && !stored.done && stored.storedBy === storedBy) mine.push(f);
        }
      }
      return mine.map((f) => ({ id: f.doc._id, seq: f.doc.seq, payload: f.payload, key: f.doc.key, arrivedAt: performance.now() }));
    }
    return fresh.map((f) => ({ id: f.doc._id, seq: f.doc.seq, payload: f.payload, key: f.doc.key, arrivedAt: performance.now() }));
  }

  /** Everything stored but not handled yet, oldest first (handled before new updates at start). */
  async pending(channel: IntakeChannel): Promise<Pending[]> {
    const docs = await this.updates.find({ done: false, channel }, { sort: { seq: 1 } });
    return docs.map((d) => ({ id: d._id, seq: d.seq, payload: JSON.parse(d.payload) as unknown, sent: (d.sent ?? []).map((s) => JSON.parse(s) as JournalLine) }));
  }

  /** Lines of the replies journal of update `id` (see journal.ts), in one write. */
  async recordSent(id: string, lines: JournalLine[]): Promise<void> {
    const text = lines.map((l) => JSON.stringify(l));
    await this.updates.updateOne({ _id: id }, { $push: { sent: text.length === 1 ? text[0] : { $each: text } } });
  }

  /** One chat's stored-but-not-handled updates, in order (several instances: the chat lock's holder reads them). */
  async pendingOf(channel: IntakeChannel, key: string, limit = 50): Promise<Pending[]> {
    const docs = await this.updates.find({ key, done: false, channel }, { sort: { seq: 1 }, limit });
    return docs.map((d) => ({ id: d._id, seq: d.seq, payload: JSON.parse(d.payload) as unknown, key, sent: (d.sent ?? []).map((s) => JSON.parse(s) as JournalLine) }));
  }

  /** Whether one chat still has updates not handled. */
  async hasPending(channel: IntakeChannel, key: string): Promise<boolean> {
    return !!(await this.updates.findOne({ key, done: false, channel }, { projection: { _id: 1 } }));
  }

  /** Chats with updates not handled yet — stored before `before` when given (their instance may have died). */
  async pendingKeys(channel: IntakeChannel, before?: Date): Promise<string[]> {
    return this.updates.distinct<string>('key', { done: false, channel, ...(before ? { receivedAt: { $lt: before } } : {}) });
  }

  /** Gives updates stored without a chat key (by an older version) their key. */
  async fillKeys(channel: IntakeChannel, keyOf: (payload: unknown) => string): Promise<void> {
    for (const d of await this.updates.find({ done: false, channel, key: { $exists: false } })) {
      await this.updates.updateOne({ _id: d._id }, { $set: { key: keyOf(JSON.parse(d.payload)).slice(0, 200) } });
    }
  }

  /**
   * The update was handled: a redelivery or a restart will not handle it again. What the user sent is dropped
   * here — a handled update keeps only its id and times (for dedupe), so no message text outlives its handling
   * (nor do the replies recorded in its journal).
   */
  async markDone(id: string): Promise<void> {
    // The chat key (a person's id) and the replies journal go with the payload.
    await this.updates.updateOne({ _id: id }, { $set: { done: true, doneAt: this.deps.clock.now(), payload: '{}' }, $unset: { key: true, sent: true } });
    // After an erasure the payloads cleared here (e.g. the erased person's own "delete me" update) may still be
    // readable in the engine's files: compact once no update is in flight any more.
    if (this.compactWhenDone && (await this.updates.count({ done: false })) === 0) {
      this.compactWhenDone = false;
      try {
        await this.store.compact();
      } catch (err) {
        this.deps.log.warn({ err: String(err) }, 'compaction after an erasure failed; cleared updates may stay in the data files until the next one');
      }
    }
  }

  /** Called by an erasure: the data files are compacted again once the updates being handled are done. */
  compactAfterHandled(): void {
    this.compactWhenDone = true;
  }
}
