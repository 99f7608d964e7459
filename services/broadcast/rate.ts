/**
 * Rate limiting for bulk sends: a token bucket for the whole sender (Telegram: about 30 messages/s) and a
 * per-chat spacing (about 1 message/s in one chat). Time comes from a monotonic source so tests can drive it.
 */
export type Now = () => number;
export const monotonic: Now = () => performance.now();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

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
