/**
 * Per-conversation ordering: items with the same key (a chat) are handled one at a time, in the order they
 * were pushed; different keys run in parallel, up to `concurrency` at once. An item whose handler has not
 * finished after `stallMs` releases its key (logged), so one hung call cannot lock a chat until restart.
 */
import type { Logger } from 'pino';

export interface KeyedQueueOptions<T> {
  keyOf(item: T): string;
  handle(item: T): Promise<void>;
  concurrency?: number;
  stallMs?: number;
  log?: Pick<Logger, 'warn' | 'error'>;
}

export class KeyedQueue<T> {
  private readonly lanes = new Map<string, T[]>();
  /** Keys with work and no running item, in the order they became ready. */
  private readonly ready: string[] = [];
  private running = 0;
  private waiting = 0;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly stallMs: number;

  constructor(private readonly o: KeyedQueueOptions<T>) {
    this.concurrency = o.concurrency ?? 64;
    this.stallMs = o.stallMs ?? 120_000;
  }

  /** Items waiting or running. */
  get depth(): number {
    return this.waiting + this.running;
  }

  push(item: T): void {
    const key = this.o.keyOf(item);
    const lane = this.lanes.get(key);
    this.waiting++;
    if (lane) {
      lane.push(item);
      return;
    }
    this.lanes.set(key, [item]);
    this.ready.push(key);
    this.pump();
  }

  /** Resolves when fewer than `limit` items are queued (back-pressure for a poller). */
  async room(limit: number): Promise<void> {
    while (this.depth >= limit) await new Promise<void>((r) => this.roomWaiters.push(r));
  }

  /** Resolves when nothing is waiting or running. */
  async idle(): Promise<void> {
    while (this.depth > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const lane = this.lanes.get(key)!;
      const item = lane[0];
      this.waiting--;
      this.running++;
      void this.run(key, item);
    }
  }

  private async run(key: string, item: T): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((r) => {
      timer = setTimeout(() => r('stalled'), this.stallMs);
      timer.unref?.();
    });
    try {
      const outcome = await Promise.race([this.o.handle(item).then(() => 'done' as const), stalled]);
      if (outcome === 'stalled') this.o.log?.warn({ key, stallMs: this.stallMs }, 'update still running; the chat moves on');
    } catch (err) {
      this.o.log?.error({ key, err: String(err) }, 'queued item failed');
    } finally {
      clearTimeout(timer);
    }
    const lane = this.lanes.get(key)!;
    lane.shift();
    if (lane.length > 0) this.ready.push(key);
    else this.lanes.delete(key);
    this.running--;
    this.pump();
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const room = this.roomWaiters;
    this.roomWaiters = [];
    for (const r of room) r();
    if (this.depth === 0) {
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const r of idle) r();
    }
  }
}
