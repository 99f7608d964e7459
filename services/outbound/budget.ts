/**
 * One outbound budget for the whole bot: every message the bot sends — replies, notifications and the
 * broadcast worker — takes a slot here first. Limits (Telegram's defaults): `perSecond` messages overall,
 * one per `perChatIntervalMs` in one chat, `perGroupPerMinute` in one group. Replies are served before
 * bulk sends; a platform "too many requests" pauses the whole budget for its retry_after.
 *
 * The interface is small on purpose: a store-backed version shared by several instances can replace the
 * in-process one without touching the callers.
 */
import { performance } from 'node:perf_hooks';

export type Priority = 'reply' | 'bulk';

export interface SendSlot {
  /** Who receives it (a chat id); sends to one chat are spaced. */
  chat: string;
  /** Group or channel chat: the per-minute group limit applies too. */
  group?: boolean;
  priority: Priority;
  /** Paid broadcast (Telegram allow_paid_broadcast): not counted against the overall free rate. */
  paid?: boolean;
}

export interface OutboundBudget {
  /** Resolves when the message may be sent now (the slot is then used). */
  acquire(slot: SendSlot): Promise<void>;
  /** The platform answered "too many requests": nothing goes out for `ms`. */
  pause(ms: number): void;
  /** Sends waiting for a slot, by priority. */
  depth(): { reply: number; bulk: number };
}

export interface BudgetLimits {
  perSecond: number;
  perChatIntervalMs: number;
  perGroupPerMinute: number;
  /** Paid broadcasts per second (allow_paid_broadcast). */
  paidPerSecond: number;
  /**
   * Added to every interval: a send granted on time may reach the server late (a busy event loop, the
   * network) and the next one early; 100 ms keeps a server counting arrivals from ever seeing more than the
   * limit, at the cost of ~9 % of the rate (30/s → 27.5/s).
   */
  marginMs: number;
}

export const TELEGRAM_LIMITS: BudgetLimits = { perSecond: 30, perChatIntervalMs: 1000, perGroupPerMinute: 20, paidPerSecond: 1000, marginMs: 100 };

interface Waiter {
  slot: SendSlot;
  resolve: () => void;
}

/** Sliding log of send times: at most `limit` in any `windowMs`. */
class Window {
  private readonly times: number[] = [];
  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Milliseconds until one more send fits (0 = now). */
  waitMs(now: number): number {
    while (this.times.length && this.times[0] <= now - this.windowMs) this.times.shift();
    return this.times.length < this.limit ? 0 : this.times[0] + this.windowMs - now;
  }

  use(now: number): void {
    this.times.push(now);
  }

  get empty(): boolean {
    return this.times.length === 0;
  }
}

/** The in-process budget (one bot instance). */
export class LocalBudget implements OutboundBudget {
  private readonly queues: Record<Priority, Waiter[]> = { reply: [], bulk: [] };
  private readonly overall: Window;
  private readonly paid: Window;
  private readonly chatNext = new Map<string, number>();
  private readonly groups = new Map<string, Window>();
  private pausedUntil = 0;
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private readonly limits: BudgetLimits;

  constructor(limits: Partial<BudgetLimits> = {}, private readonly now: () => number = () => performance.now()) {
    this.limits = { ...TELEGRAM_LIMITS, ...limits };
    this.overall = new Window(Math.max(1, Math.floor(this.limits.perSecond)), 1000 + this.limits.marginMs);
    this.paid = new Window(Math.max(1, Math.floor(this.limits.paidPerSecond)), 1000 + this.limits.marginMs);
  }

  acquire(slot: SendSlot): Promise<void> {
    return new Promise<void>((resolve) => {
      this.queues[slot.priority].push({ slot, resolve });
      this.pump();
    });
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.schedule(this.pausedUntil);
  }

  depth(): { reply: number; bulk: number } {
    return { reply: this.queues.reply.length, bulk: this.queues.bulk.length };
  }

  /** Milliseconds until this slot could go (0 = now), ignoring the overall rate. */
  private chatWait(slot: SendSlot, now: number): number {
    const spaced = Math.max(0, (this.chatNext.get(slot.chat) ?? 0) - now);
    if (!slot.group) return spaced;
    return Math.max(spaced, this.groups.get(slot.chat)?.waitMs(now) ?? 0);
  }

  private use(slot: SendSlot, now: number): void {
    (slot.paid ? this.paid : this.overall).use(now);
    this.chatNext.set(slot.chat, now + this.limits.perChatIntervalMs + this.limits.marginMs);
    if (slot.group) {
      let w = this.groups.get(slot.chat);
      if (!w) this.groups.set(slot.chat, (w = new Window(this.limits.perGroupPerMinute, 60_000 + this.limits.marginMs)));
      w.use(now);
    }
    if (this.chatNext.size > 10_000) for (const [k, t] of this.chatNext) if (t <= now) this.chatNext.delete(k);
    if (this.groups.size > 1000) for (const [k, w] of this.groups) if (w.waitMs(now) === 0 && w.empty) this.groups.delete(k);
  }

  /** Hands out every slot that may go now, replies first; sets a timer for the earliest next one. */
  private pump(): void {
    const now = this.now();
    if (now < this.pausedUntil) return this.schedule(this.pausedUntil);
    let next = Infinity;
    for (const priority of ['reply', 'bulk'] as const) {
      const q = this.queues[priority];
      for (let i = 0; i < q.length;) {
        const w = q[i];
        const rate = w.slot.paid ? this.paid : this.overall;
        const wait = Math.max(rate.waitMs(now), this.chatWait(w.slot, now));
        if (wait === 0) {
          this.use(w.slot, now);
          q.splice(i, 1);
          w.resolve();
          continue;
        }
        next = Math.min(next, now + wait);
        // The overall rate is exhausted: nothing behind this one can go either (bulk waits for replies).
        if (rate.waitMs(now) > 0 && !w.slot.paid) {
          if (priority === 'reply') return this.schedule(next);
          break;
        }
        i++;
      }
    }
    if (next < Infinity) this.schedule(next);
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(1, Math.ceil(at - this.now())));
  }
}
