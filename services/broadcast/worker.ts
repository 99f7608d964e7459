/**
 * The delivery engine. One worker per deployment claims delivery records one at a time (atomic
 * findOneAndUpdate: queued → sending), sends through a channel port, and records the outcome.
 *
 * Rates: a token bucket per channel (the broadcast's share) and ≤ 1 msg/s per chat. A channel listed in
 * `budgeted` sends through the bot's one outbound budget (services/outbound/budget.ts), which spaces chats,
 * caps the whole bot, serves replies first and waits out 429s: the worker then only applies its share cap
 * (bucket + window at the channel's broadcast rate).
 * A 429 that still reaches the worker empties the bucket and blocks it for `retry_after`.
 *
 * Crash safety (at-most-once): a record is marked `sending` BEFORE the platform call and gets its outcome
 * after it. If the process dies in between we cannot know whether the platform delivered it, so on the
 * next start such records become `unknown` and are NOT sent again: "nobody gets it twice" wins over
 * "certainly everyone". Everything still `queued` is sent after the restart, so nobody else is missed.
 * The window is one HTTP round trip per in-flight message (a few ms at 30 msg/s).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Broadcast } from '../../models/broadcast.js';
import type { Delivery, DeliveryStatus } from '../../models/delivery.js';
import type { Channel, User } from '../../models/user.js';
import type { Clock } from '../clock.js';
import type { DeliveryOutcome } from '../messages.js';
import type { UserService } from '../users.js';
import { monotonic, PerKeySpacing, sleep, SlidingWindow, TokenBucket, type Now } from './rate.js';
import { outsideMessengerWindow, type BroadcastCounts, type BroadcastService } from './service.js';

/** What one recipient receives (their language's version). */
export interface BroadcastContent {
  text: string;
  entities: Record<string, unknown>[];
  photo?: Broadcast['photo'];
  button?: Broadcast['button'];
  /** An event invitation: the channel adds the RSVP buttons. */
  eventId?: string;
}

/** A channel's way of sending broadcast content. */
export interface BroadcastChannel {
  send(user: User, content: BroadcastContent, opts: { paid: boolean }): Promise<DeliveryOutcome>;
}

/** Tells the staff member how it goes; returns where the progress message lives (first call). */
export interface BroadcastReporter {
  report(b: Broadcast, counts: BroadcastCounts, final: boolean): Promise<{ chatId: string; messageId: number } | void>;
}

export interface WorkerOptions {
  /** Messages per second per channel. */
  rates?: Partial<Record<Channel, number>>;
  /** Token bucket capacity (default 3); the sliding window still caps every second at the rate. */
  burst?: number;
  /** Paid broadcasts on Telegram (allow_paid_broadcast) may go this fast. */
  paidRate?: number;
  perChatIntervalMs?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  pollMs?: number;
  reportEveryMs?: number;
  maxAttempts?: number;
  /** Channels whose transport draws from the shared outbound budget (no own per-chat spacing or window). */
  budgeted?: Channel[];
  now?: Now;
}

export class BroadcastWorker {
  readonly id = randomUUID();
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly buckets = new Map<Channel, TokenBucket>();
  private readonly windows = new Map<Channel, SlidingWindow>();
  private paidBucket: TokenBucket;
  private readonly spacing: PerKeySpacing;
  private readonly lastReport = new Map<string, number>();
  private readonly now: Now;
  private readonly o: Required<Omit<WorkerOptions, 'rates' | 'now' | 'burst' | 'budgeted'>>;
  private readonly budgeted: ReadonlySet<Channel>;

  constructor(
    private readonly service: BroadcastService,
    private readonly deps: {
      users: UserService;
      clock: Clock;
      log: Logger;
      channels: Partial<Record<Channel, BroadcastChannel>>;
      reporter?: BroadcastReporter;
    },
    opts: WorkerOptions = {},
  ) {
    this.now = opts.now ?? monotonic;
    this.o = {
      paidRate: opts.paidRate ?? 300,
      perChatIntervalMs: opts.perChatIntervalMs ?? 1000,
      concurrency: opts.concurrency ?? 8,
      pollMs: opts.pollMs ?? 500,
      reportEveryMs: opts.reportEveryMs ?? 5000,
      maxAttempts: opts.maxAttempts ?? 5,
    };
    this.budgeted = new Set(opts.budgeted ?? []);
    const rates = { telegram: 30, messenger: 100, ...opts.rates };
    // A small burst lets a few ms of database or timer delay be caught up instead of lost (a capacity of 1
    // loses ~3% of the rate to jitter); the sliding window keeps every one-second window at ≤ the limit.
    for (const [ch, rate] of Object.entries(rates)) {
      this.buckets.set(ch as Channel, new TokenBucket(rate, opts.burst ?? 3, this.now));
      this.windows.set(ch as Channel, new SlidingWindow(Math.max(1, Math.floor(rate)), 1000, 35, this.now));
    }
    this.paidBucket = new TokenBucket(this.o.paidRate, 1, this.now);
    this.spacing = new PerKeySpacing(this.o.perChatIntervalMs, this.now);
  }

  /** Recovers interrupted sends (see the file comment), then runs until stop(). */
  async start(): Promise<void> {
    if (this.running) return;
    const interrupted = await this.service.deliveries.updateMany(
      { status: 'sending', claimedBy: { $ne: this.id } },
      { $set: { status: 'unknown', error: 'interrupted while sending; not re-sent (at-most-once)', doneAt: this.deps.clock.now() } },
    );
    if (interrupted.modified) this.deps.log.warn({ count: interrupted.modified }, 'broadcast deliveries interrupted by a crash marked unknown');
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops claiming, waits for sends in flight to be recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await Promise.all([...this.inFlight]);
  }

  /** Wakes the worker now (a broadcast was queued or resumed). */
  poke(): void {
    this.wake?.();
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const worked = await this.tick();
        if (!worked && this.running) await this.idle(this.o.pollMs);
      } catch (err) {
        this.deps.log.error({ err: String(err) }, 'broadcast worker tick failed');
        if (this.running) await this.idle(1000);
      }
    }
  }

  /** One pass: start due broadcasts, send a batch of each active one, finish completed ones. */
  async tick(): Promise<boolean> {
    const due = await this.service.broadcasts.find({ status: 'scheduled', sendAt: { $lte: this.deps.clock.now() } }, { sort: { sendAt: 1 } });
    for (const b of due) {
      const started = await this.service.materialize(b);
      if (started) await this.report(started, true);
    }
    const active = await this.service.broadcasts.find({ status: 'sending', materialized: true }, { sort: { createdAt: 1 } });
    let worked = false;
    for (const b of active) {
      if (!this.running) break;
      if (await this.sendBatch(b)) worked = true;
      else await this.finishIfComplete(b);
      await this.report(b, false);
    }
    return worked;
  }

  private bucketFor(channel: Channel, paid: boolean): TokenBucket {
    if (paid && channel === 'telegram') return this.paidBucket;
    return this.buckets.get(channel) ?? this.buckets.get('telegram')!;
  }

  private async sendBatch(b: Broadcast): Promise<boolean> {
    const batch = await this.service.deliveries.find(
      { broadcastId: b._id, status: 'queued', notBefore: { $lte: this.deps.clock.now() } },
      { sort: { seq: 1 }, limit: 60 },
    );
    let worked = false;
    let checkedAt = this.now();
    for (const [i, d] of batch.entries()) {
      if (!this.running) break;
      // Pause / cancel take effect at once (the status is re-read at most every 200 ms).
      if (i > 0 && this.now() - checkedAt >= 200) {
        checkedAt = this.now();
        const fresh = await this.service.byId(b._id);
        if (fresh?.status !== 'sending') break;
      }
      const key = `${d.channel}:${d.userId}`;
      const budgeted = this.budgeted.has(d.channel);
      if (!budgeted && !this.spacing.ready(key)) continue;
      await this.bucketFor(d.channel, b.paid).take();
      if (!(b.paid && d.channel === 'telegram')) await this.windows.get(d.channel)?.take();
      while (this.inFlight.size >= this.o.concurrency) await Promise.race(this.inFlight);
      if (!this.running) break;
      const claimed = await this.service.deliveries.findOneAndUpdate(
        { _id: d._id, status: 'queued' },
        { $set: { status: 'sending', claimedBy: this.id, claimedAt: this.deps.clock.now() }, $inc: { attempts: 1 } },
      );
      if (!claimed) continue;
      this.spacing.mark(key);
      worked = true;
      const p = this.deliver(b, claimed).catch((err) => this.deps.log.error({ err: String(err), delivery: d._id }, 'delivery failed'));
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
    return worked;
  }

  private async record(d: Delivery, status: DeliveryStatus, extra: Partial<Delivery> = {}): Promise<void> {
    const set: Record<string, unknown> = { status, ...extra };
    if (status !== 'queued') set.doneAt = this.deps.clock.now();
    await this.service.deliveries.updateOne({ _id: d._id, status: 'sending' }, { $set: set, $unset: { claimedBy: true } });
  }

  private async deliver(b: Broadcast, d: Delivery): Promise<void> {
    const user = await this.deps.users.byId(d.userId);
    if (!user) return this.record(d, 'failed', { error: 'user deleted' });
    if (!user.reachable) return this.record(d, 'blocked');
    if (outsideMessengerWindow(user, this.deps.clock.now())) return this.record(d, 'outside_window');
    const channel = this.deps.channels[user.channel];
    if (!channel) return this.record(d, 'failed', { error: `channel ${user.channel} not enabled` });
    const v = this.service.versionFor(b, user.locale);
    const outcome = await channel.send(user, { text: v.text, entities: v.entities, photo: b.photo, button: b.button, eventId: b.eventId }, { paid: b.paid });
    await this.apply(d, user, outcome);
  }

  private async apply(d: Delivery, user: User, outcome: DeliveryOutcome): Promise<void> {
    switch (outcome.status) {
      case 'sent':
        return this.record(d, 'sent', outcome.messageId ? { messageId: outcome.messageId } : {});
      case 'unreachable':
        await this.deps.users.markUnreachable(user._id);
        return this.record(d, 'blocked', { error: outcome.reason.slice(0, 300) });
      case 'outside_window':
        return this.record(d, 'outside_window');
      case 'rate_limited': {
        // Not sent: the whole channel waits retry_after, then this one goes again.
        this.deps.log.warn({ retryAfterSec: outcome.retryAfterSec, channel: d.channel }, 'broadcast rate limited; pausing');
        this.bucketFor(d.channel, false).block(outcome.retryAfterSec * 1000);
        this.paidBucket.block(outcome.retryAfterSec * 1000);
        return this.record(d, 'queued', { attempts: Math.max(0, d.attempts - 1) });
      }
      case 'failed': {
        if (outcome.retryable && d.attempts < this.o.maxAttempts) {
          const backoffMs = Math.min(60_000, 1000 * 2 ** (d.attempts - 1));
          return this.record(d, 'queued', { error: outcome.reason.slice(0, 300), notBefore: new Date(this.deps.clock.now().getTime() + backoffMs) });
        }
        return this.record(d, 'failed', { error: outcome.reason.slice(0, 300) });
      }
    }
  }

  private async finishIfComplete(b: Broadcast): Promise<void> {
    const open = await this.service.deliveries.count({ broadcastId: b._id, status: { $in: ['queued', 'sending'] } });
    if (open > 0) return;
    const done = await this.service.broadcasts.findOneAndUpdate({ _id: b._id, status: 'sending' }, { $set: { status: 'done', finishedAt: this.deps.clock.now() } });
    if (done) await this.report(done, true);
  }

  /**
   * Progress about every reportEveryMs; `force` for start and end. Whether the report is final is read from
   * the stored status at that moment (a caller's copy may be stale), and a final report is claimed once: after
   * it, the progress message is never touched again — it can't go back from "finished" to "sending".
   */
  async report(b: Broadcast, force: boolean): Promise<void> {
    const reporter = this.deps.reporter;
    if (!reporter) return;
    const last = this.lastReport.get(b._id) ?? -Infinity;
    if (!force && this.now() - last < this.o.reportEveryMs) return;
    this.lastReport.set(b._id, this.now());
    try {
      const fresh = (await this.service.byId(b._id)) ?? b;
      if (fresh.finalReported) return;
      const final = fresh.status === 'done' || fresh.status === 'cancelled';
      if (final) {
        this.lastReport.delete(b._id);
        if (!(await this.service.claimFinalReport(b._id))) return;
      }
      if (!this.budgeted.has('telegram')) {
        await this.bucketFor('telegram', false).take();
        await this.windows.get('telegram')?.take();
      }
      const where = await reporter.report(fresh, await this.service.counts(b._id), final);
      if (where && !fresh.progress) await this.service.broadcasts.updateOne({ _id: b._id }, { $set: { progress: where } });
    } catch (err) {
      this.deps.log.warn({ err: String(err) }, 'broadcast progress report failed');
    }
  }

  /** Used by the cancel control: the final report comes right away. */
  async reportNow(id: string): Promise<void> {
    const b = await this.service.byId(id);
    if (b) await this.report(b, true);
  }

  /** For tests and the benchmark: resolves when nothing is queued or sending for the broadcast. */
  async drained(broadcastId: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const open = async () => {
      const b = await this.service.byId(broadcastId);
      if (!b || b.status === 'done' || b.status === 'cancelled') return false;
      return !b.materialized || (await this.service.deliveries.count({ broadcastId, status: { $in: ['queued', 'sending'] } })) > 0;
    };
    while (await open()) {
      if (Date.now() > deadline) throw new Error('broadcast not drained in time');
      await sleep(50);
    }
  }
}
