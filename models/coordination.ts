/**
 * Collections through which several bot instances on one store act as one bot (STORE_SHARED=1; see
 * docs/SCALING.md): leases (roles, chat locks), the change log (what changed, for the other instances'
 * in-memory indexes), counters (sequence numbers, the flood limit) and the shared outbound pace.
 */
import { defineModel } from './define.js';

/** A lease: held by `owner` until `until`; renewed by its holder, taken over once it ran out. */
export interface Lease {
  /** `role:<name>` (poller, broadcast worker) or `chat:<key>` (one chat's updates). */
  _id: string;
  owner: string;
  /** Host and pid of the owner: a restarted process on the same host takes over a lease its dead predecessor left. */
  host: string;
  pid: number;
  until: Date;
  since: Date;
}

export const LeaseModel = defineModel<Lease>('leases', {
  owner: { type: String, required: true, maxlength: 200 },
  host: { type: String, required: true, maxlength: 200 },
  pid: { type: Number, required: true },
  until: { type: Date, required: true },
  since: { type: Date, required: true },
});

/** One change to something other instances keep in memory. Read in `seq` order from a cursor. */
export interface ChangeEntry {
  _id: string;
  /** Gapless except where a writer died between taking the number and writing the entry. */
  seq: number;
  /** `listing` (changed or deleted), `listing.products` (its catalog changed), `offer`. */
  kind: 'listing' | 'listing.products' | 'offer';
  /** The listing's or offer's id. */
  ref: string;
  /** The instance that made the change (it has applied it already). */
  origin: string;
  at: Date;
}

export const CHANGE_LOG_KEEP_SECONDS = 24 * 60 * 60;

export const ChangeEntryModel = defineModel<ChangeEntry>('change_log', {
  seq: { type: Number, required: true },
  kind: { type: String, required: true, enum: ['listing', 'listing.products', 'offer'] },
  ref: { type: String, required: true, maxlength: 200 },
  origin: { type: String, required: true, maxlength: 200 },
  at: { type: Date, required: true },
}, (s) => {
  s.index({ seq: 1 }, { unique: true });
  s.index({ at: 1 }, { expireAfterSeconds: CHANGE_LOG_KEEP_SECONDS });
});

/** A number shared by the instances: the change log's sequence, a user's messages in the current minute. */
export interface Counter {
  _id: string;
  n: number;
  /** Counters of a time window go once it is over (TTL on MongoDB, the retention job elsewhere). */
  expiresAt?: Date;
}

export const CounterModel = defineModel<Counter>('counters', {
  n: { type: Number, required: true, default: 0 },
  expiresAt: { type: Date },
}, (s) => {
  s.index({ expiresAt: 1 }, { expireAfterSeconds: 0, sparse: true });
});

/**
 * The shared outbound pace (services/outbound/store-budget.ts): `global` / `paid` hold the next free send time
 * of the whole bot; `chat:<id>` the next time one chat may receive a message (and a group's recent sends).
 */
export interface OutboundPace {
  _id: string;
  /** Epoch milliseconds. */
  at: number;
  /** Groups: epoch ms of the sends in the last minute. */
  recent?: number[];
  expiresAt?: Date;
}

export const OutboundPaceModel = defineModel<OutboundPace>('outbound_pace', {
  at: { type: Number, required: true },
  recent: { type: [Number], default: undefined },
  expiresAt: { type: Date },
}, (s) => {
  s.index({ expiresAt: 1 }, { expireAfterSeconds: 0, sparse: true });
});
