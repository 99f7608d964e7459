/**
 * The storage port: the narrow slice of MongoDB's API that both engines (MongoDB through mongoose, and the
 * embedded SQLite engine in DATA_DIR, services/store/embedded.ts) implement identically. Repository code uses
 * only this.
 *
 * Query subset: equality, $eq $ne $gt $gte $lt $lte $in $nin, $exists, $or $and $nor, dotted paths, equality
 * on array fields ("tags: 'x'" = contains; dotted paths through arrays of subdocuments = any element). No
 * $regex, $all, $elemMatch, $expr, $where, positional $, aggregation; the embedded engine throws on them.
 * Updates: $set $unset $inc $push $pull $addToSet (plain values). Sorting on scalar paths only.
 *
 * Known divergences of the embedded engine, to stay clear of: comparisons ($gt…) only match values of the
 * bound value's type (numbers with numbers, text and dates with text) — as MongoDB's type brackets, but
 * booleans are stored as 1/0; a unique index ignores documents that miss its field(s) (MongoDB indexes a
 * missing field as null unless the index is `sparse`); indexes on array fields are not created (SQLite has no
 * multikey indexes: such queries scan); insertMany is all-or-nothing (MongoDB keeps the documents before the
 * failing one). tests/store/contract.test.ts and the mingo cross-check catch queries that stray.
 */
import type { Schema } from 'mongoose';

export type Doc = { _id: string };
export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  /** Inclusion (1) or exclusion (0) projection; do not mix, except `_id: 0`. */
  projection?: Record<string, 0 | 1>;
}

export interface Update {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true | 1 | ''>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  $pull?: Record<string, unknown>;
  $addToSet?: Record<string, unknown>;
}

export interface WriteResult {
  matched: number;
  modified: number;
}

/** A collection of documents shaped by one mongoose schema in models/. */
export interface Collection<T extends Doc> {
  readonly name: string;
  /** Validates against the schema (defaults applied, values cast), assigns an _id when missing. */
  insert(doc: NewDoc<T>): Promise<T>;
  insertMany(docs: NewDoc<T>[]): Promise<T[]>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  findById(id: string): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
  /** Distinct values of one field over matching documents. */
  distinct<V = unknown>(field: string, filter?: Filter): Promise<V[]>;
  updateOne(filter: Filter, update: Update): Promise<WriteResult>;
  updateMany(filter: Filter, update: Update): Promise<WriteResult>;
  /** Updates the first match or inserts a document built from the filter's equality fields plus the update. */
  upsert(filter: Filter, update: Update): Promise<T>;
  /** Atomic read-modify-write of the first match (after `sort`); returns the new document, or null. */
  findOneAndUpdate(filter: Filter, update: Update, options?: { sort?: Sort }): Promise<T | null>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  /**
   * Every matching document, read in batches with a pause for the event loop between them: the way to scan a
   * whole collection (index builds at start) without blocking other work. Documents inserted during the scan
   * may or may not be seen; each document is seen at most once.
   */
  stream(filter?: Filter, options?: StreamOptions): AsyncIterable<T>;
}

export interface StreamOptions {
  /** Documents read per batch (default 500). */
  batchSize?: number;
  projection?: Record<string, 0 | 1>;
}

/** Whether the store can take writes; `reason` says why not (disk full, read-only…). */
export interface StoreHealth {
  ok: boolean;
  reason?: string;
  since?: Date;
}

export type NewDoc<T extends Doc> = Omit<T, '_id'> & { _id?: string } | Partial<T>;

/** Key-value view (grammY StorageAdapter shape) for session and conversation state. */
export interface KeyValue<V = unknown> {
  read(key: string): Promise<V | undefined>;
  write(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with prefix (used to erase a user's state). */
  keys(prefix?: string): Promise<string[]>;
}

export interface Blob {
  data: Buffer;
  contentType: string;
  size: number;
}

/** Binary objects (photos, logos): files under DATA_DIR on the embedded engine, GridFS on MongoDB. */
export interface BlobStore {
  put(data: Buffer, contentType: string): Promise<string>;
  get(id: string): Promise<Blob | null>;
  delete(id: string): Promise<void>;
}

export interface ModelDef<T extends Doc> {
  /** Collection name (also the mongoose model name). */
  readonly collection: string;
  readonly schema: Schema;
  /** Phantom type carrier; never read. */
  readonly _type?: T;
}

export interface Store {
  readonly engine: 'embedded' | 'mongo';
  collection<T extends Doc>(model: ModelDef<T>): Collection<T>;
  kv<V = unknown>(namespace: string): KeyValue<V>;
  readonly blobs: BlobStore;
  /** Creates the indexes every registered schema declares (unique ones included). */
  init(): Promise<void>;
  ping(): Promise<boolean>;
  /** Write health: not ok after a write failed for lack of space or a read-only/failing disk, until one succeeds. */
  health(): StoreHealth;
  /**
   * Makes deleted data unreadable in the engine's files (called after an erasure, e.g. /deleteme): the
   * embedded engine zeroes freed pages (secure_delete) and truncates its write-ahead log; MongoDB reclaims
   * space itself (no-op).
   */
  compact(): Promise<void>;
  close(): Promise<void>;
  /**
   * Push notification of inserts into a collection, where the engine has it (MongoDB change streams on a
   * replica set or sharded cluster). Resolves with a function that stops watching, or undefined when the engine
   * cannot watch (the embedded engine, a standalone MongoDB): callers then poll. `onError`: the stream broke
   * (callers fall back to polling and may watch again).
   */
  watch?(collection: string, onInsert: () => void, onError: (err: unknown) => void): Promise<(() => Promise<void>) | undefined>;
}

/** A write broke a unique index. */
export class DuplicateKeyError extends Error {
  constructor(public readonly collection: string, detail: string) {
    super(`duplicate key in ${collection}: ${detail}`);
    this.name = 'DuplicateKeyError';
  }
}

/** A write did not pass the schema; `fields` names each failing path. */
export class ValidationFailed extends Error {
  constructor(public readonly collection: string, public readonly fields: Record<string, string>) {
    super(`invalid ${collection}: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`);
    this.name = 'ValidationFailed';
  }
}

/**
 * The store cannot take writes now (disk full, read-only or failing storage): nothing was written. Users are
 * told to try again in a few minutes; /healthz reports the reason until a write succeeds again.
 */
export class StoreUnavailable extends Error {
  constructor(public readonly reason: string, options?: { cause?: unknown }) {
    super(`store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailable';
  }
}

/** True when `err` (or an error it wraps) is StoreUnavailable. */
export function isStoreUnavailable(err: unknown): err is StoreUnavailable {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StoreUnavailable) return true;
  }
  return false;
}
