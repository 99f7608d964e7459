/**
 * Anonymous usage counters for the LAG reports: searches (and those with no result) and contacts, as
 * per-day × LAG × kind tallies. Nothing about the person is kept — not the words searched, not who.
 * The search service announces each search on the event bus; this service only listens and counts.
 */
import type { Logger } from 'pino';
import { UsageCounterModel, type UsageCounter, type UsageKind } from '../models/usage-counter.js';
import type { Clock } from './clock.js';
import type { EventBus } from './events.js';
import type { Collection, Store } from './store/port.js';

/** The tally over every LAG (a search that showed no LAG's business counts only here). */
export const ALL = '*';

export type DailyUsage = Map<string, Partial<Record<UsageKind, number>>>;

export class UsageService {
  readonly counters: Collection<UsageCounter>;

  constructor(store: Store, private readonly deps: { clock: Clock; events: EventBus; log: Pick<Logger, 'warn'> }) {
    this.counters = store.collection(UsageCounterModel);
    // Every search counts once under ALL and once under each LAG whose businesses it showed.
    deps.events.on('search.performed', (s) => {
      const counted = async () => {
        for (const lagId of [ALL, ...s.lagIds]) {
          await this.record('search', lagId);
          if (s.total === 0) await this.record('search_zero', lagId);
        }
      };
      void counted().catch((err) => deps.log.warn({ err: String(err) }, 'search not counted'));
    });
    deps.events.on('contact.made', (c) => {
      const counted = async () => {
        for (const lagId of [ALL, c.lagId]) await this.record('contact', lagId);
      };
      void counted().catch((err) => deps.log.warn({ err: String(err) }, 'contact not counted'));
    });
  }

  /** Adds one to today's tally (an atomic $inc on an upserted document: concurrent counts add up). */
  async record(kind: UsageKind, lagId: string, at = this.deps.clock.now()): Promise<void> {
    const day = at.toISOString().slice(0, 10);
    await this.counters.upsert({ _id: `${day}|${lagId}|${kind}` }, { $set: { day, lagId, kind }, $inc: { count: 1 } });
  }

  /** Tallies per day in [fromDay, toDay] (inclusive, YYYY-MM-DD) for a LAG, or all LAGs when none is given. */
  async daily(fromDay: string, toDay: string, lagId?: string): Promise<DailyUsage> {
    const filter: Record<string, unknown> = { day: { $gte: fromDay, $lte: toDay }, lagId: lagId ?? ALL };
    const out: DailyUsage = new Map();
    for (const c of await this.counters.find(filter)) {
      const d = out.get(c.day) ?? {};
      d[c.kind] = (d[c.kind] ?? 0) + c.count;
      out.set(c.day, d);
    }
    return out;
  }
}
