/**
 * The outbound budget shared by several bot instances on one store (STORE_SHARED=1): the same limits as
 * LocalBudget, counted for the whole bot token instead of one process.
 *
 * The overall rate is a GCRA ("virtual scheduling") on one document: `global.at` is the earliest time the next
 * message may go; taking a slot moves it `interval` = (1000 ms + margin) / perSecond further, by
 * compare-and-swap. Every message of every instance takes its own slot, so any window of one second holds at
 * most ⌊1000 / interval⌋ + 1 ≤ perSecond sends (30/s → one every 36.7 ms: 27.3/s, as LocalBudget's margin).
 * A chat's spacing (and a group's per-minute count) is a second document per chat, checked after the overall
 * slot: when the chat is not ready by then, that slot is left unused and a later one is taken.
 *
 * Replies before broadcasts, deployment-wide: a reply may reserve a slot in the future (it queues behind the
 * other replies); a bulk send only takes a slot that is free now — so while any instance has replies waiting,
 * `global.at` is ahead of the clock and bulk sends wait. Within an instance bulk also waits for local replies.
 * A 429 pushes `global.at` forward by retry_after: every instance pauses.
 *
 * Times are wall-clock milliseconds (Date.now()) shared by the instances: their clocks must agree (NTP); a
 * skew of d ms between two hosts lets their sends come up to d ms closer together than the interval.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { OutboundPaceModel, type OutboundPace } from '../../models/coordination.js';
import { Mutex } from '../store/mutex.js';
import { DuplicateKeyError, type Collection, type Store } from '../store/port.js';
import { TELEGRAM_LIMITS, type BudgetLimits, type OutboundBudget, type Priority, type SendSlot } from './budget.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export class StoreBudget implements OutboundBudget {
  readonly pace: Collection<OutboundPace>;
  private readonly limits: BudgetLimits;
  private readonly waiting: Record<Priority, number> = { reply: 0, bulk: 0 };
  /** Slots taken by this instance (tests and the benchmark). */
  taken = 0;
  /**
   * One reservation at a time from this process: concurrent senders of one instance would otherwise mostly
   * collide with each other on the compare-and-swap (N senders → N² attempts); conflicts are then only
   * between instances.
   */
  private readonly reserving = new Mutex();

  constructor(store: Store, limits: Partial<BudgetLimits> = {}, private readonly o: { log?: Pick<Logger, 'warn'>; now?: () => number } = {}) {
    this.pace = store.collection(OutboundPaceModel);
    this.limits = { ...TELEGRAM_LIMITS, ...limits };
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  private interval(paid: boolean): number {
    return (1000 + this.limits.marginMs) / Math.max(1, Math.floor(paid ? this.limits.paidPerSecond : this.limits.perSecond));
  }

  depth(): { reply: number; bulk: number } {
    return { ...this.waiting };
  }

  async acquire(slot: SendSlot): Promise<void> {
    this.waiting[slot.priority]++;
    try {
      let notBefore = 0;
      for (;;) {
        if (slot.priority === 'bulk' && this.waiting.reply > 0) {
          await sleep(10);
          continue;
        }
        const at = await this.reserving.run(() => this.take(slot.paid ? 'paid' : 'global', slot.priority, notBefore));
        if (at === null) {
          await sleep(Math.min(200, this.interval(!!slot.paid)));
          continue;
        }
        const chatReady = await this.reserving.run(() => this.takeChat(slot, at));
        if (chatReady !== true) {
          notBefore = chatReady; // the slot stays unused; a later one after the chat is ready
          continue;
        }
        await sleep(at - this.now());
        // Woken late (a busy event loop, a store write waiting for a lock): sending now would bunch this message
        // with the ones of the next slots. Leave the slot unused and take another.
        if (this.now() - at > this.limits.marginMs / 2) continue;
        this.taken++;
        return;
      }
    } finally {
      this.waiting[slot.priority]--;
    }
  }

  /** Reserves the next overall slot; null for a bulk send when none is free now. */
  private async take(id: 'global' | 'paid', priority: Priority, notBefore: number): Promise<number | null> {
    const interval = this.interval(id === 'paid');
    for (;;) {
      const now = this.now();
      const doc = await this.pace.findById(id);
      const tat = doc?.at ?? 0;
      if (priority === 'bulk' && tat > now + interval) return null;
      const start = Math.max(tat, now, notBefore);
      if (await this.swap(id, doc, { at: start + interval })) return start;
    }
  }

  /** True when the chat may receive at `at` (and it is now booked); else the time it may. */
  private async takeChat(slot: SendSlot, at: number): Promise<true | number> {
    if (this.limits.perChatIntervalMs <= 0 && !slot.group) return true;
    // Hashed: the pacing record holds no one's chat id (it outlives an erasure by a few minutes).
    const id = `chat:${createHash('sha256').update(slot.chat).digest('base64url').slice(0, 22)}`;
    const minute = 60_000 + this.limits.marginMs;
    for (;;) {
      const doc = await this.pace.findById(id);
      let ready = doc?.at ?? 0;
      const recent = (doc?.recent ?? []).filter((t) => t > at - minute);
      if (slot.group && recent.length >= this.limits.perGroupPerMinute) ready = Math.max(ready, recent[0] + minute);
      if (ready > at) return ready;
      const next = at + (this.limits.perChatIntervalMs > 0 ? this.limits.perChatIntervalMs + this.limits.marginMs : 0);
      const fields: Partial<OutboundPace> = { at: next, expiresAt: new Date(Math.max(next, at + minute) + 60_000) };
      if (slot.group) fields.recent = [...recent, at];
      if (await this.swap(id, doc, fields)) return true;
    }
  }

  /** Compare-and-swap on `at` (insert when there is no document yet); false when another writer came first. */
  private async swap(id: string, doc: OutboundPace | null, fields: Partial<OutboundPace>): Promise<boolean> {
    if (!doc) {
      try {
        await this.pace.insert({ _id: id, ...fields } as OutboundPace);
        return true;
      } catch (err) {
        if (err instanceof DuplicateKeyError) return false;
        throw err;
      }
    }
    return !!(await this.pace.findOneAndUpdate({ _id: id, at: doc.at }, { $set: fields }));
  }

  /** Telegram answered 429: no instance sends anything for `ms`. */
  pause(ms: number): void {
    const until = this.now() + ms;
    const push = async (id: 'global' | 'paid') => {
      for (let i = 0; i < 20; i++) {
        const doc = await this.pace.findById(id);
        if ((doc?.at ?? 0) >= until || (await this.swap(id, doc, { at: until }))) return;
      }
    };
    void Promise.all([push('global'), push('paid')]).catch((err) => this.o.log?.warn({ err: String(err) }, 'could not pause the shared outbound budget'));
  }
}
