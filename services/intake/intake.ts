/**
 * One channel's intake: store first (Inbox), then handle through a per-chat queue, then mark done.
 * The channel adapter (Telegram poller or webhook, Messenger webhook) only acknowledges to the platform
 * after `accept()` resolved; `accept()` throws when the store failed, and nothing was acknowledged then.
 */
import type { Logger } from 'pino';
import type { Leases } from '../lease.js';
import { Inbox, type Arrival, type IntakeChannel, type Pending } from './inbox.js';
import { HandlingScope, runInScope } from './journal.js';
import { KeyedQueue } from './queue.js';

/**
 * Several instances on one store (STORE_SHARED): a chat's updates are handled by whichever instance holds the
 * chat's lease, in `seq` order, reading them from the store — not from this process's memory.
 */
export interface SharedIntake {
  locks: Leases;
  /** Lease of a chat while its updates are handled (renewed meanwhile; runs out when its holder died). */
  lockTtlMs?: number;
  /** How often updates left by a dead instance are looked for. */
  sweepMs?: number;
}

/** What the per-chat queue runs: one update (one instance), or "handle this chat's pending updates" (shared). */
type Work = { pending: Pending } | { chat: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IntakeOptions {
  channel: IntakeChannel;
  /** Updates with the same key (a chat) are handled one at a time, in order. */
  keyOf(payload: unknown): string;
  /** Handles one update; a rejection is logged and the update still counts as handled. */
  handle(payload: unknown): Promise<void>;
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** Told after each update: how long it took from arrival (or from the start of handling) to handled. */
  observe?(payload: unknown, seconds: number): void;
  concurrency?: number;
  stallMs?: number;
  /** Several instances on one store: per-chat order deployment-wide through chat leases. */
  shared?: SharedIntake;
}

export class Intake {
  readonly queue: KeyedQueue<Work>;
  /** Shared mode: chats with a drain waiting in the queue (one is enough), and when this process took updates in. */
  private readonly draining = new Set<string>();
  private readonly arrivedAt = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private closed = false;

  constructor(readonly inbox: Inbox, private readonly o: IntakeOptions) {
    this.queue = new KeyedQueue<Work>({
      keyOf: (w) => ('chat' in w ? w.chat : this.keyOf(w.pending.payload)),
      handle: (w) => ('chat' in w ? this.drain(w.chat) : this.process(w.pending)),
      concurrency: o.concurrency,
      // Shared mode: a drain runs as long as its chat has updates; each update is bounded by the chat lease.
      stallMs: o.shared ? Math.max(o.stallMs ?? 120_000, 3_600_000) : o.stallMs,
      log: o.log,
    });
  }

  private keyOf(payload: unknown): string {
    return this.o.keyOf(payload).slice(0, 200);
  }

  /** Queues every stored-but-not-handled update (call once at start, before new ones arrive). */
  async recover(): Promise<number> {
    if (this.o.shared) {
      await this.inbox.fillKeys(this.o.channel, (p) => this.keyOf(p));
      const keys = await this.inbox.pendingKeys(this.o.channel);
      for (const k of keys) this.wantDrain(k);
      if (keys.length) this.o.log.info({ channel: this.o.channel, chats: keys.length }, 'handling updates stored before the restart');
      this.startSweeper();
      return keys.length;
    }
    const pending = await this.inbox.pending(this.o.channel);
    for (const p of pending) this.queue.push({ pending: p });
    if (pending.length) this.o.log.info({ channel: this.o.channel, count: pending.length }, 'handling updates stored before the restart');
    return pending.length;
  }

  /** Stores the arrivals (throws if the store fails) and queues the new ones; returns how many were new. */
  async accept(arrivals: Arrival[]): Promise<number> {
    const fresh = await this.inbox.accept(this.o.channel, arrivals.map((a) => ({ ...a, key: this.keyOf(a.payload) })));
    for (const p of fresh) {
      if (!this.o.shared) {
        this.queue.push({ pending: p });
        continue;
      }
      if (this.arrivedAt.size > 10_000) this.arrivedAt.clear(); // those handled by other instances
      if (p.arrivedAt !== undefined) this.arrivedAt.set(p.id, p.arrivedAt);
      this.wantDrain(p.key!);
    }
    return fresh.length;
  }

  /** Resolves when every accepted update has been handled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops looking for updates left by other instances (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweeper);
    await this.sweeping;
  }

  private wantDrain(chat: string): void {
    if (this.draining.has(chat)) return;
    this.draining.add(chat);
    this.queue.push({ chat });
  }

  /**
   * Updates stored by an instance that died before handling them: every `sweepMs` the chats with updates older
   * than that are drained here (their lease has run out, or its holder is still at work and we wait).
   */
  private startSweeper(): void {
    const every = this.o.shared?.sweepMs ?? 5000;
    const run = () => {
      this.sweeper = setTimeout(() => {
        this.sweeping = (async () => {
          try {
            const keys = await this.inbox.pendingKeys(this.o.channel, new Date(Date.now() - every));
            for (const k of keys) this.wantDrain(k);
          } catch (err) {
            this.o.log.warn({ err: String(err) }, 'looking for unhandled updates failed');
          }
        })().finally(() => {
          if (!this.closed) run();
        });
      }, every);
      this.sweeper.unref?.();
    };
    run();
  }

  /**
   * Shared mode: takes the chat's lease and handles its pending updates in `seq` order until none is left.
   * While another instance holds the lease, waits and looks again — until the chat has nothing pending, so an
   * update stored here is never left behind when the holder finished just before it was stored.
   */
  private async drain(chat: string): Promise<void> {
    this.draining.delete(chat);
    const shared = this.o.shared!;
    const ttl = shared.lockTtlMs ?? 30_000;
    const lock = `chat:${this.o.channel}:${chat}`;
    let wait = 20;
    for (;;) {
      // A holder killed on this host (then restarted) is not waited for; on another host its lease runs out.
      if (!(await shared.locks.acquire(lock, ttl, { takeOverDead: 'other-pids' }))) {
        await sleep(wait);
        wait = Math.min(500, wait * 2);
        if (!(await this.inbox.hasPending(this.o.channel, chat))) return;
        continue;
      }
      const renew = setInterval(() => void shared.locks.renew(lock, ttl).catch(() => undefined), Math.max(100, ttl / 3));
      renew.unref?.();
      // An update handled here whose "done" mark could not be written stays pending: not again in this drain.
      const handled = new Set<string>();
      let stuck = false;
      try {
        for (;;) {
          const read = await this.inbox.pendingOf(this.o.channel, chat);
          const batch = read.filter((p) => !handled.has(p.id));
          if (batch.length === 0) {
            stuck = read.length > 0;
            break;
          }
          for (const p of batch) {
            handled.add(p.id);
            const arrived = this.arrivedAt.get(p.id);
            this.arrivedAt.delete(p.id);
            await this.process({ ...p, arrivedAt: arrived });
          }
        }
      } finally {
        clearInterval(renew);
        await shared.locks.release(lock).catch(() => undefined);
      }
      if (stuck) return; // the sweep tries again later
      // Stored by another instance between the last read and the release, and its own drain gave up? Look again.
      if (!(await this.inbox.hasPending(this.o.channel, chat))) return;
    }
  }

  private async process(p: Pending): Promise<void> {
    const from = p.arrivedAt ?? performance.now();
    const scope = new HandlingScope(p.id, p.sent ?? [], (rec) => this.inbox.recordSent(p.id, rec), (err) => {
      this.o.log.error({ channel: this.o.channel, update: p.id, err: String(err) }, 'could not record a sent reply; a crash before this update is done would send it again');
    });
    try {
      await runInScope(scope, () => this.o.handle(p.payload));
      if (scope.skipped) this.o.log.info({ channel: this.o.channel, update: p.id, skipped: scope.skipped }, 'handled again after a restart; replies already sent were not repeated');
      this.o.observe?.(p.payload, (performance.now() - from) / 1000);
    } catch (err) {
      this.o.log.error({ channel: this.o.channel, update: p.id, err: String(err) }, 'update handler failed');
    }
    // Marked right after the answers went out. A crash before this handles the update again after the restart;
    // the replies journal (journal.ts) keeps the replies already sent from going out twice.
    try {
      await this.inbox.markDone(p.id);
    } catch (err) {
      this.o.log.error({ channel: this.o.channel, update: p.id, err: String(err) }, 'could not mark an update handled; it will be handled again after a restart');
    }
  }
}
