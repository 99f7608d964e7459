/**
 * Durable long polling. Each batch from getUpdates is stored in the inbox BEFORE the next getUpdates
 * (whose `offset` confirms the batch to Telegram) is sent, so a crash at any moment leaves every update
 * either unconfirmed at Telegram (it is sent again) or stored here (it is handled after the restart).
 * Handling runs in the intake's per-chat queue; the poller only waits when that queue is full.
 *
 * Why not @grammyjs/runner's source: it fetches the next batch, and so confirms the previous one, while
 * that batch is still being handled — a kill -9 then loses every update in flight.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Intake } from '../../services/intake/intake.js';

export interface PollerOptions {
  allowedUpdates: readonly string[];
  /** Long-poll timeout in seconds. */
  timeoutSec?: number;
  /** Updates per getUpdates. */
  limit?: number;
  /** The poller stops fetching while this many updates are queued. */
  maxQueued?: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Told when a batch could not be stored (it stays unconfirmed), e.g. to tell the senders to come back later. */
  onUnstored?(updates: Update[], err: unknown): Promise<void>;
}

export class DurablePoller {
  private running = false;
  private loop?: Promise<void>;
  private abort?: AbortController;
  private offset?: number;
  /** Ends the current backoff wait at once (stop() must not wait up to 30 s for it). */
  private wake?: () => void;

  constructor(private readonly api: Api, private readonly intake: Intake, private readonly o: PollerOptions) {}

  isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops fetching (the open long poll is aborted) and waits for the updates already taken in. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    await this.intake.idle();
  }

  private async run(): Promise<void> {
    let backoffMs = 0;
    while (this.running) {
      if (backoffMs) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
      if (!this.running) break;
      await this.intake.queue.room(this.o.maxQueued ?? 1000);
      let updates: Update[];
      this.abort = new AbortController();
      try {
        updates = await this.api.getUpdates({
          offset: this.offset, limit: this.o.limit ?? 100, timeout: this.o.timeoutSec ?? 30,
          allowed_updates: [...this.o.allowedUpdates] as never,
        }, this.abort.signal as never);
      } catch (err) {
        if (!this.running) break;
        backoffMs = Math.min(30_000, Math.max(500, backoffMs * 2));
        if (err instanceof GrammyError && err.error_code === 409) this.o.log.error({ err: err.description }, 'another process is polling this bot (409 Conflict)');
        else this.o.log.warn({ err: err instanceof HttpError || err instanceof GrammyError ? err.message : String(err), backoffMs }, 'getUpdates failed; retrying');
        continue;
      }
      if (updates.length === 0) {
        backoffMs = 0;
        continue;
      }
      try {
        await this.intake.accept(updates.map((u) => ({ id: String(u.update_id), seq: u.update_id, payload: u })));
      } catch (err) {
        // Not stored → not confirmed: the same batch comes again with the next getUpdates.
        backoffMs = Math.min(30_000, Math.max(500, backoffMs * 2));
        this.o.log.error({ err: String(err), backoffMs }, 'could not store updates; they stay unconfirmed at Telegram');
        await this.o.onUnstored?.(updates, err).catch(() => undefined);
        continue;
      }
      backoffMs = 0;
      this.offset = updates[updates.length - 1].update_id + 1;
    }
  }
}
