/**
 * Operational metrics in Prometheus format (served at GET /metrics by bot/server.ts). One registry per app,
 * so several apps in one process (tests) do not collide. Channel-neutral: channels report through the
 * methods below.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  /** Updates handled, by channel (telegram, messenger) and type (message, callback_query, postback…). */
  readonly updates = new Counter({ name: 'lag_updates_handled_total', help: 'Updates handled, by channel and update type', labelNames: ['channel', 'type'], registers: [this.registry] });

  /** From the update's arrival (stored) to the end of its handling, replies included (queue wait too). */
  readonly replyLatency = new Histogram({
    name: 'lag_reply_latency_seconds', help: 'Time from an update being stored to the end of its handling (replies sent)',
    labelNames: ['channel'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry],
  });

  readonly rateLimited = new Counter({ name: 'lag_outbound_rate_limited_total', help: 'Platform "too many requests" answers (429), by channel', labelNames: ['channel'], registers: [this.registry] });

  readonly storeErrors = new Counter({ name: 'lag_store_errors_total', help: 'Errors thrown by store operations, by collection, operation and kind', labelNames: ['collection', 'op', 'kind'], registers: [this.registry] });

  /** Several instances (STORE_SHARED): from a change written by another instance to this one applying it. */
  readonly changeDelay = new Summary({
    name: 'lag_change_feed_delay_seconds', help: 'Time from another instance recording a change to this instance applying it to its indexes',
    percentiles: [0.5, 0.95, 0.99], maxAgeSeconds: 600, ageBuckets: 5, registers: [this.registry],
  });

  private outboundDepth: () => { reply: number; bulk: number } = () => ({ reply: 0, bulk: 0 });
  private intakeDepth: () => Record<string, number> = () => ({});

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    // Read at scrape time (an arrow keeps `this` the Metrics; inside collect() `this` is the gauge).
    const outbound = () => this.outboundDepth();
    const intake = () => this.intakeDepth();
    new Gauge({
      name: 'lag_outbound_queue_depth', help: 'Messages waiting for a slot in the outbound budget, by priority', labelNames: ['priority'], registers: [this.registry],
      collect() {
        const d = outbound();
        this.set({ priority: 'reply' }, d.reply);
        this.set({ priority: 'bulk' }, d.bulk);
      },
    });
    new Gauge({
      name: 'lag_intake_queue_depth', help: 'Stored updates waiting or being handled, by channel', labelNames: ['channel'], registers: [this.registry],
      collect() {
        for (const [channel, n] of Object.entries(intake())) this.set({ channel }, n);
      },
    });
    // Process metrics, event-loop delay included (nodejs_eventloop_lag_*_seconds, from perf_hooks).
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** Where the queue depths are read from at scrape time. */
  sources(s: { outbound?: () => { reply: number; bulk: number }; intake?: () => Record<string, number> }): void {
    if (s.outbound) this.outboundDepth = s.outbound;
    if (s.intake) this.intakeDepth = s.intake;
  }

  /** A store operation threw (duplicate keys and validation failures are counted apart: they are expected). */
  storeError(collection: string, op: string, err: unknown): void {
    const name = (err as Error)?.name;
    const kind = name === 'DuplicateKeyError' ? 'duplicate' : name === 'ValidationFailed' ? 'validation' : 'failure';
    this.storeErrors.inc({ collection, op, kind });
  }
}
