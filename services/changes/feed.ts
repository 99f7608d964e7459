/**
 * The change feed: how a listing, product or offer changed through one instance reaches the in-memory indexes
 * (search, matching, cached counts) of every other instance on the same store (STORE_SHARED=1).
 *
 * Writer: after a change, the instance that made it appends `{ seq, kind, ref, origin }` to the `change_log`
 * collection, `seq` taken from a shared counter (`counters`, atomic $inc). It has already applied the change
 * to its own memory through the domain events.
 *
 * Readers: every instance reads the log from its cursor, in `seq` order, and refreshes what each entry names
 * by reading its current state from the store (so applying an entry twice, or late, is harmless). The read is
 * woken by a MongoDB change stream on the log where one exists (replica set), and otherwise runs every
 * `pollMs` — the embedded engine and a standalone MongoDB. A hole in the sequence is waited for (a writer that
 * took its number has not written yet); a hole that stays longer than `gapMs` means a writer died between the
 * two writes, or the log was pruned past this cursor: the reader then resyncs everything from the store.
 *
 * What can still be missed: a process killed between writing a listing and appending its entry leaves the
 * other instances' index stale for that listing until it changes again or they resync (offers are also
 * re-read every 5 minutes by the matching sync). The window is one store write.
 */
import type { Logger } from 'pino';
import { ChangeEntryModel, CounterModel, type ChangeEntry, type Counter } from '../../models/coordination.js';
import type { Clock } from '../clock.js';
import type { Collection, Store } from '../store/port.js';

export type ChangeKind = ChangeEntry['kind'];

/** What a reader does with the changes: apply one, or rebuild everything from the store. */
export interface ChangeConsumer {
  apply(kind: ChangeKind, ref: string): Promise<void>;
  resync(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** This instance: its own entries are not applied again. */
  origin: string;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Poll interval without a change stream (default 250 ms), and as a safety net with one (default 5 s). */
  pollMs?: number;
  /** How long a hole in the sequence may stay before a full resync (default 5 s). */
  gapMs?: number;
}

const COUNTER_ID = 'change_log';
const BATCH = 500;

export class ChangeFeed {
  readonly entries: Collection<ChangeEntry>;
  private readonly counters: Collection<Counter>;
  private cursor = 0;
  private gapSince?: number;
  private timer?: NodeJS.Timeout;
  private running = false;
  private reading?: Promise<void>;
  private again = false;
  private unwatch?: () => Promise<void>;
  /** A read failed and nothing has been read since (one error logged per episode). */
  private failing = false;
  private consumer?: ChangeConsumer;
  /** Entries applied from other instances, and full resyncs (for tests, metrics and the benchmark). */
  readonly stats = { applied: 0, resyncs: 0 };
  /** When each applied entry was written and applied here (the benchmark's propagation delay). */
  onApplied?: (entry: ChangeEntry, appliedAt: Date) => void;

  constructor(private readonly store: Store, private readonly o: ChangeFeedOptions) {
    this.entries = store.collection(ChangeEntryModel);
    this.counters = store.collection(CounterModel);
  }

  /** Appends a change (called by the instance that made it, after the write). */
  async record(kind: ChangeKind, ref: string): Promise<void> {
    const { n: seq } = await this.counters.upsert({ _id: COUNTER_ID }, { $inc: { n: 1 } });
    await this.entries.insert({ seq, kind, ref, origin: this.o.origin, at: this.o.clock.now() });
  }

  /** The latest sequence number handed out. */
  async head(): Promise<number> {
    return (await this.counters.findById(COUNTER_ID))?.n ?? 0;
  }

  /**
   * Starts reading after the current head: call BEFORE the indexes are built from the store, so a change made
   * during the build is applied afterwards (applying one twice is harmless).
   */
  async start(consumer: ChangeConsumer): Promise<void> {
    this.consumer = consumer;
    this.cursor = await this.head();
    this.running = true;
    try {
      this.unwatch = await this.store.watch?.(ChangeEntryModel.collection, () => this.poke(), (err) => {
        this.o.log.warn({ err: String(err) }, 'change stream failed; reading the change log by polling');
        this.unwatch = undefined;
      });
    } catch (err) {
      this.o.log.warn({ err: String(err) }, 'change stream unavailable; reading the change log by polling');
    }
    this.o.log.info({ cursor: this.cursor, push: !!this.unwatch }, 'change feed started');
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.unwatch?.();
    await this.reading;
  }

  /** Reads now (a change stream saw an insert). */
  poke(): void {
    if (!this.running) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      } else this.schedule();
    });
  }

  private schedule(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    const every = this.unwatch ? 5000 : (this.o.pollMs ?? 250);
    this.timer = setTimeout(() => this.poke(), every);
    this.timer.unref?.();
  }

  /** Applies every entry after the cursor that is in sequence; handles holes (see the file comment). */
  async read(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    try {
      for (;;) {
        const batch = await this.entries.find({ seq: { $gt: this.cursor } }, { sort: { seq: 1 }, limit: BATCH });
        this.failing = false;
        if (batch.length === 0) return;
        for (const e of batch) {
          if (e.seq !== this.cursor + 1) {
            const now = Date.now();
            this.gapSince ??= now;
            if (now - this.gapSince < (this.o.gapMs ?? 5000)) return; // a writer between its two writes: wait
            this.o.log.warn({ missing: this.cursor + 1, next: e.seq }, 'change log has a hole (a writer died, or the log was pruned): resyncing from the store');
            await this.resync();
            return;
          }
          this.gapSince = undefined;
          if (e.origin !== this.o.origin) {
            await consumer.apply(e.kind, e.ref);
            this.stats.applied++;
            this.onApplied?.(e, new Date());
          }
          this.cursor = e.seq;
        }
        if (batch.length < BATCH) return;
      }
    } catch (err) {
      if (!this.failing) this.o.log.error({ err: String(err) }, 'reading the change log failed; trying again at every poll');
      this.failing = true;
    }
  }

  /**
   * Rebuilds everything from the store, then reads on from the head taken before the rebuild: what changed
   * before it is in the rebuilt state, what changes during or after it is applied from the log.
   */
  private async resync(): Promise<void> {
    this.stats.resyncs++;
    this.gapSince = undefined;
    const head = await this.head();
    await this.consumer!.resync();
    this.cursor = head;
  }

  /** Forgets entries older than `keepMs` (a scheduler job; MongoDB's TTL index does the same). */
  prune(now: Date, keepMs: number): Promise<number> {
    return this.entries.deleteMany({ at: { $lt: new Date(now.getTime() - keepMs) } });
  }
}
