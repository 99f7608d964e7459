/**
 * Rate limiting for bulk sends: a token bucket for the whole sender (Telegram: about 30 messages/s) and a
 * per-chat spacing (about 1 message/s in one chat). Time comes from a monotonic source so tests can drive it.
 */
export type Now = () => number;
export const monotonic: Now = () => performance.now();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Refills `rate` tokens per second up to `capacity`; `take()` waits for one. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private blockedUntil = 0;

  constructor(private readonly rate: number, private readonly capacity = 1, private readonly now: Now = monotonic) {
    this.tokens = capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }

  /** Milliseconds until a token is available (0 = now). */
  waitMs(): number {
    this.refill();
    const blocked = this.blockedUntil - this.now();
    if (blocked > 0) return blocked;
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.rate) * 1000;
  }

  tryTake(): boolean {
    if (this.waitMs() > 0) return false;
    this.tokens -= 1;
    return true;
  }

  async take(): Promise<void> {
    for (;;) {
      const w = this.waitMs();
      if (w <= 0) {
        this.tokens -= 1;
        return;
      }
      await sleep(w);
    }
  }

  /** A platform said "too many requests": no tokens until `ms` from now, and no burst after it. */
  block(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
    this.tokens = 0;
  }
}

/** At most one send per `intervalMs` per key (chat). Forgets keys that are long idle. */
export class PerKeySpacing {
  private readonly next = new Map<string, number>();

  constructor(private readonly intervalMs: number, private readonly now: Now = monotonic) {}

  ready(key: string): boolean {
    return (this.next.get(key) ?? 0) <= this.now();
  }

  mark(key: string): void {
    const t = this.now();
    this.next.set(key, t + this.intervalMs);
    if (this.next.size > 5000) {
      for (const [k, v] of this.next) if (v <= t) this.next.delete(k);
    }
  }
}

/**
 * Hard cap: at most `limit` sends in ANY window of `windowMs` (a sliding log of the last `limit` send times).
 * The token bucket keeps sends smooth; this guarantees a server counting per fixed second never sees more
 * than `limit`, whatever the alignment of its windows. `marginMs` absorbs network jitter.
 */
export class SlidingWindow {
  private readonly log: number[] = [];

  constructor(private readonly limit: number, private readonly windowMs = 1000, private readonly marginMs = 20, private readonly now: Now = monotonic) {}

  waitMs(): number {
    if (this.log.length < this.limit) return 0;
    return Math.max(0, this.log[this.log.length - this.limit] + this.windowMs + this.marginMs - this.now());
  }

  async take(): Promise<void> {
    for (let w = this.waitMs(); w > 0; w = this.waitMs()) await sleep(w);
    this.log.push(this.now());
    if (this.log.length > this.limit * 2) this.log.splice(0, this.log.length - this.limit);
  }
}
