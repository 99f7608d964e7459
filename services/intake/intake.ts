/**
 * One channel's intake: store first (Inbox), then handle through a per-chat queue, then mark done.
 * The channel adapter (Telegram poller or webhook, Messenger webhook) only acknowledges to the platform
 * after `accept()` resolved; `accept()` throws when the store failed, and nothing was acknowledged then.
 */
import type { Logger } from 'pino';
import { Inbox, type Arrival, type IntakeChannel, type Pending } from './inbox.js';
import { HandlingScope, runInScope } from './journal.js';
import { KeyedQueue } from './queue.js';

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
}

export class Intake {
  readonly queue: KeyedQueue<Pending>;

  constructor(readonly inbox: Inbox, private readonly o: IntakeOptions) {
    this.queue = new KeyedQueue<Pending>({
      keyOf: (p) => o.keyOf(p.payload),
      handle: (p) => this.process(p),
      concurrency: o.concurrency,
      stallMs: o.stallMs,
      log: o.log,
    });
  }

  /** Queues every stored-but-not-handled update (call once at start, before new ones arrive). */
  async recover(): Promise<number> {
    const pending = await this.inbox.pending(this.o.channel);
    for (const p of pending) this.queue.push(p);
    if (pending.length) this.o.log.info({ channel: this.o.channel, count: pending.length }, 'handling updates stored before the restart');
    return pending.length;
  }

  /** Stores the arrivals (throws if the store fails) and queues the new ones; returns how many were new. */
  async accept(arrivals: Arrival[]): Promise<number> {
    const fresh = await this.inbox.accept(this.o.channel, arrivals);
    for (const p of fresh) this.queue.push(p);
    return fresh.length;
  }

  /** Resolves when every accepted update has been handled. */
  idle(): Promise<void> {
    return this.queue.idle();
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
