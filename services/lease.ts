/**
 * Leases in the store: how several bot instances on one store agree who does what (STORE_SHARED=1).
 *
 * A lease is a document `{ _id, owner, until }`: taken by inserting it, or by claiming it atomically once it
 * ran out (findOneAndUpdate on `until <= now`); its holder renews it while it works and deletes it when done.
 * A holder killed with -9 simply stops renewing: the lease runs out and another instance takes it. A process
 * restarted on the same host does not wait for that: a lease whose holder has this host name and a pid that
 * no longer runs (or our own pid: a restarted container) is taken over at once.
 *
 * Roles (the long-polling poller, the broadcast worker) are leases kept by `LeasedRole`; per-chat locks of
 * the intake are short leases taken per batch of one chat's updates (services/intake/chat-lock.ts).
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { LeaseModel, type Lease } from '../models/coordination.js';
import type { Clock } from './clock.js';
import { newId } from './ids.js';
import { DuplicateKeyError, type Collection, type Store } from './store/port.js';

const HOST = hostname();

/** Whether a process with this pid runs on this host. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Leases {
  readonly col: Collection<Lease>;
  /** Unique per process (and per Leases: tests run two in one process). */
  readonly owner: string;
  private readonly host: string;

  /** `host`: this instance's host name (tests give two Leases of one process different ones). */
  constructor(store: Store, private readonly clock: Clock, opts: { host?: string } = {}) {
    this.col = store.collection(LeaseModel);
    this.host = opts.host ?? HOST;
    this.owner = `${this.host}:${process.pid}:${newId(6)}`;
  }

  /**
   * Takes (or renews) the lease for `ttlMs`; false while another live holder has it. `takeOverDead`: also take
   * it from a holder on this host whose process is gone — `true` counts a holder with this very pid as gone
   * too (a restarted container is pid 1 again: roles), `'other-pids'` does not (chat locks, which two
   * Leases of one process may hold in tests).
   */
  async acquire(id: string, ttlMs: number, opts: { takeOverDead?: boolean | 'other-pids' } = {}): Promise<boolean> {
    const HOST = this.host;
    const now = this.clock.now();
    const until = new Date(now.getTime() + ttlMs);
    try {
      await this.col.insert({ _id: id, owner: this.owner, host: HOST, pid: process.pid, until, since: now });
      return true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const claimed = await this.col.findOneAndUpdate(
      { _id: id, $or: [{ owner: this.owner }, { until: { $lte: now } }] },
      { $set: { owner: this.owner, host: HOST, pid: process.pid, until } },
    );
    if (claimed) return true;
    if (!opts.takeOverDead) return false;
    // Held by a process of this host that is gone (kill -9, then a restart): no need to wait for the expiry.
    const held = await this.col.findById(id);
    const gone = held && held.host === HOST && held.owner !== this.owner
      && (held.pid === process.pid ? opts.takeOverDead === true : !alive(held.pid));
    if (held && gone) {
      const taken = await this.col.findOneAndUpdate({ _id: id, owner: held.owner }, { $set: { owner: this.owner, pid: process.pid, until, since: now } });
      return !!taken;
    }
    return false;
  }

  /** Extends a lease this process holds; false when it is no longer ours (it ran out and was taken). */
  async renew(id: string, ttlMs: number): Promise<boolean> {
    const r = await this.col.updateOne({ _id: id, owner: this.owner }, { $set: { until: new Date(this.clock.now().getTime() + ttlMs) } });
    return r.matched === 1;
  }

  async release(id: string): Promise<void> {
    await this.col.deleteOne({ _id: id, owner: this.owner });
  }

  holder(id: string): Promise<Lease | null> {
    return this.col.findById(id);
  }
}

/** The poller's and the broadcast worker's lease ids. */
export const ROLES = { poller: 'role:telegram-poller', broadcast: 'role:broadcast-worker' } as const;

export interface RoleOptions {
  ttlMs?: number;
  /** How often the holder renews and the others try to take it. */
  everyMs?: number;
  /** Called when this instance took the role (start the work). */
  gained(): Promise<void>;
  /** Called when this instance lost the role or stops (stop the work; must not throw). */
  lost(): Promise<void>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * Keeps trying to hold a role: the holder renews it every `everyMs` (ttl 3× that), the others try to take it
 * at the same pace, so a dead holder is replaced within one ttl.
 */
export class LeasedRole {
  private timer?: NodeJS.Timeout;
  private held = false;
  private stopped = false;
  private tick: Promise<void> = Promise.resolve();
  private readonly ttlMs: number;
  private readonly everyMs: number;

  constructor(private readonly leases: Leases, readonly id: string, private readonly o: RoleOptions) {
    this.everyMs = o.everyMs ?? 2000;
    this.ttlMs = o.ttlMs ?? this.everyMs * 3;
  }

  get holding(): boolean {
    return this.held;
  }

  /** First attempt now (resolves after it); then every `everyMs`. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.step();
    const loop = () => {
      this.timer = setTimeout(() => {
        this.tick = this.step().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.everyMs);
      this.timer.unref?.();
    };
    loop();
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.held) {
        if (await this.leases.renew(this.id, this.ttlMs)) return;
        this.held = false;
        this.o.log.warn({ role: this.id }, 'role lease lost (not renewed in time); stopping its work');
        await this.o.lost();
        return;
      }
      if (await this.leases.acquire(this.id, this.ttlMs, { takeOverDead: true })) {
        this.held = true;
        this.o.log.info({ role: this.id, owner: this.leases.owner }, 'role lease taken');
        await this.o.gained();
      }
    } catch (err) {
      this.o.log.error({ role: this.id, err: String(err) }, 'role lease step failed');
    }
  }

  /** Stops trying; the holder stops its work and gives the role up at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
    if (!this.held) return;
    this.held = false;
    await this.o.lost();
    await this.leases.release(this.id).catch(() => undefined);
  }
}
