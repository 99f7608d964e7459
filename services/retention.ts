/**
 * The retention job: deletes expired short-lived records through the store port, so it works on every
 * engine (on MongoDB the TTL indexes declared in models/ do the same; running both is harmless). Periods:
 * models/retention.ts.
 */
import { DeliveryModel } from '../models/delivery.js';
import { KvModel } from '../models/kv.js';
import { InboundUpdateModel } from '../models/inbound-update.js';
import { PENDING_COMMANDS_NS, RETENTION_SECONDS, SEARCH_PAGES_NS } from '../models/retention.js';
import { IMPORT_UPLOADS_NS } from './import-export.js';
import type { Store } from './store/port.js';
import { CounterModel, LeaseModel, OutboundPaceModel } from '../models/coordination.js';

export const RETENTION_JOB = 'retention.sweep';
/** Hourly, off the full hour. */
export const RETENTION_SCHEDULE = '41 * * * *';

export interface SweepReport {
  searchPages: number;
  messengerEvents: number;
  deliveries: number;
  importUploads: number;
  pendingCommands: number;
  /** Several instances: flood counters and per-chat pacing of past windows, chat locks left by a dead instance. */
  coordination: number;
}

const before = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

export async function sweepExpired(store: Store, now: Date): Promise<SweepReport> {
  const kv = store.collection(KvModel);
  const searchPages = await kv.deleteMany({ ns: SEARCH_PAGES_NS, updatedAt: { $lt: before(now, RETENTION_SECONDS.searchPages) } });
  const messengerEvents = await store.collection(InboundUpdateModel).deleteMany({ done: true, doneAt: { $lt: before(now, RETENTION_SECONDS.messengerEvents) } });
  const deliveries = await store.collection(DeliveryModel).deleteMany({ doneAt: { $lt: before(now, RETENTION_SECONDS.deliveries) } });
  // Abandoned uploads: the file in the blob store goes with its record.
  const stale = await kv.find({ ns: IMPORT_UPLOADS_NS, updatedAt: { $lt: before(now, RETENTION_SECONDS.importUploads) } }, { projection: { _id: 1 } });
  for (const e of stale) {
    await store.blobs.delete(e._id.slice(IMPORT_UPLOADS_NS.length + 1));
    await kv.deleteOne({ _id: e._id });
  }
  const pendingCommands = await kv.deleteMany({ ns: PENDING_COMMANDS_NS, updatedAt: { $lt: before(now, RETENTION_SECONDS.pendingCommands) } });
  const coordination = await store.collection(CounterModel).deleteMany({ expiresAt: { $lt: now } })
    + await store.collection(OutboundPaceModel).deleteMany({ expiresAt: { $lt: now } })
    + await store.collection(LeaseModel).deleteMany({ until: { $lt: before(now, 3600) } });
  return { searchPages, messengerEvents, deliveries, importUploads: stale.length, pendingCommands, coordination };
}
