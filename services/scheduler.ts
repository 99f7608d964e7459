/**
 * Named background jobs on node-cron. Every run first takes a lease on the job's lock document in the
 * store (an atomic findOneAndUpdate claim with an expiry), so with several instances on one MongoDB only
 * one of them runs a job; a crashed holder's lease simply runs out. Jobs themselves are idempotent, so a
 * run repeated after a restart does no harm. A job that works on the process's own memory (`everyInstance`)
 * runs without the lease, on every instance. Time comes from the injected clock; tests call `run(name)`.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { JobLockModel, type JobLock } from '../models/job-lock.js';
import type { Clock } from './clock.js';
import { newId } from './ids.js';
import { DuplicateKeyError, type Collection, type Store } from './store/port.js';

export type JobFn = (now: Date) => Promise<unknown>;

interface Job {
  name: string;
  /** node-cron expression (UTC unless `timezone`). */
  schedule: string;
  fn: JobFn;
  leaseMs: number;
  /** After a run the lease is kept until start + this, so instances firing on the same tick run it once. */
  minIntervalMs: number;
  timezone?: string;
  /** Runs on every instance at each tick, without the lease (e.g. refreshing this process's own index). */
  everyInstance: boolean;
}

export class Scheduler {
  readonly locks: Collection<JobLock>;
  /** Who holds a lease: unique per process. */
  readonly instanceId = `${hostname()}:${process.pid}:${newId(4)}`;
  private readonly jobs = new Map<string, Job>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(store: Store, private readonly deps: { clock: Clock; log: Pick<Logger, 'info' | 'warn' | 'error'> }) {
    this.locks = store.collection(JobLockModel);
  }

  /** Registers a job by name (the name is also its lock id). */
  register(name: string, schedule: string, fn: JobFn, opts: { leaseMs?: number; minIntervalMs?: number; timezone?: string; everyInstance?: boolean } = {}): void {
    if (!cron.validate(schedule)) throw new Error(`invalid cron expression for ${name}: ${schedule}`);
    this.jobs.set(name, {
      name, schedule, fn, leaseMs: opts.leaseMs ?? 10 * 60_000, minIntervalMs: opts.minIntervalMs ?? 30_000, timezone: opts.timezone,
      everyInstance: opts.everyInstance ?? false,
    });
  }

  /** Gives a registered job another cron expression (JOB_SCHEDULES); throws on an unknown job or a bad expression. */
  reschedule(name: string, schedule: string): void {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`JOB_SCHEDULES names an unknown job: ${name} (jobs: ${this.names().join(', ')})`);
    if (!cron.validate(schedule)) throw new Error(`JOB_SCHEDULES: invalid cron expression for ${name}: ${schedule}`);
    job.schedule = schedule;
  }

  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** Takes the job's lease if it is free or expired; false when another instance holds it. */
  async acquire(name: string, leaseMs: number, now = this.deps.clock.now()): Promise<boolean> {
    try {
      await this.locks.insert({ _id: name });
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    const claimed = await this.locks.findOneAndUpdate(
      { _id: name, $or: [{ lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }] },
      { $set: { owner: this.instanceId, lockedUntil: new Date(now.getTime() + leaseMs) } },
    );
    return !!claimed;
  }

  /** Ends this instance's lease (kept until `holdUntil` when given, e.g. the job's minimum interval). */
  async release(name: string, error?: string, holdUntil?: Date): Promise<void> {
    const now = this.deps.clock.now();
    const until = holdUntil && holdUntil.getTime() > now.getTime() ? holdUntil : now;
    const set: Record<string, unknown> = { lockedUntil: until, lastRunAt: now };
    const update = error ? { $set: { ...set, lastError: error.slice(0, 1000) } } : { $set: set, $unset: { lastError: true as const } };
    await this.locks.updateOne({ _id: name, owner: this.instanceId }, update);
  }

  /** Runs a job now under its lease; returns false when another instance holds it (or the job is unknown). */
  async run(name: string): Promise<boolean> {
    const job = this.jobs.get(name);
    if (!job || this.stopped) return false;
    const leased = !job.everyInstance;
    if (leased && !(await this.acquire(name, job.leaseMs))) return false;
    const started = this.deps.clock.now();
    const hold = new Date(started.getTime() + job.minIntervalMs);
    const p = (async () => {
      try {
        await job.fn(started);
        if (leased) await this.release(name, undefined, hold);
      } catch (err) {
        this.deps.log.error({ job: name, err: String(err) }, 'job failed');
        if (leased) await this.release(name, String(err), hold).catch(() => undefined);
      }
    })();
    this.running.add(p);
    try {
      await p;
    } finally {
      this.running.delete(p);
    }
    return true;
  }

  /** Starts node-cron tasks for every registered job. */
  start(): void {
    this.stopped = false;
    for (const job of this.jobs.values()) {
      const task = cron.schedule(job.schedule, async () => {
        await this.run(job.name).catch((err) => this.deps.log.error({ job: job.name, err: String(err) }, 'job run failed'));
      }, { name: job.name, noOverlap: true, timezone: job.timezone });
      this.tasks.push(task);
    }
    this.deps.log.info({ jobs: this.names() }, 'scheduler started');
  }

  /** Stops the timers and waits for running jobs to finish (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.tasks.splice(0)) await t.destroy();
    await Promise.allSettled([...this.running]);
  }
}
