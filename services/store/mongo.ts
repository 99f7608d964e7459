/**
 * MongoDB engine through a mongoose connection. Models are compiled on that connection from the same
 * schemas; updates run with `runValidators`, inserts are validated documents, blobs live in GridFS.
 */
import mongoose, { type Connection, type Model } from 'mongoose';
import { Readable } from 'node:stream';
import { registeredModels } from '../../models/define.js';
import { KvModel } from '../../models/kv.js';
import { newId } from '../ids.js';
import { HealthState, type HealthLog } from './health.js';
import { kvOver } from './kv.js';
import {
  DuplicateKeyError,
  type Blob, type BlobStore, type Collection, type Doc, type Filter, type FindOptions, type KeyValue,
  type ModelDef, type NewDoc, type Sort, type Store, type StoreHealth, type StreamOptions, type Update, type WriteResult,
} from './port.js';
import { toValidationFailed } from './validate.js';

const UPDATE_OPTS = { runValidators: true, strict: 'throw' as const };

/** Why MongoDB cannot take writes now (unreachable, out of disk space), or null for any other error. */
function mongoUnavailable(err: unknown): string | null {
  const e = err as { name?: string; code?: number };
  if (e?.name === 'MongoNetworkError' || e?.name === 'MongoServerSelectionError' || e?.name === 'MongoNotConnectedError') return 'database unreachable';
  if (e?.code === 14031) return 'disk full (OutOfDiskSpace)';
  return null;
}

class MongoCollection<T extends Doc> implements Collection<T> {
  constructor(readonly name: string, private readonly M: Model<any>, private readonly health: HealthState) {}

  private wrap = async <R>(fn: () => Promise<R>): Promise<R> => {
    try {
      const r = await fn();
      this.health.ok();
      return r;
    } catch (err) {
      const e = err as { code?: number; message?: string };
      if (e?.code === 11000) throw new DuplicateKeyError(this.name, e.message ?? '');
      const down = mongoUnavailable(err);
      if (down) throw this.health.unavailable(down, err, `write to ${this.name}`);
      throw toValidationFailed(this.name, err);
    }
  };

  insert(doc: NewDoc<T>): Promise<T> {
    return this.wrap(async () => (await this.M.create(doc)).toObject({ versionKey: false, flattenMaps: true }) as T);
  }

  insertMany(docs: NewDoc<T>[]): Promise<T[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return this.wrap(async () => {
      const created = await this.M.insertMany(docs, { ordered: true });
      return created.map((d: any) => d.toObject({ versionKey: false, flattenMaps: true }) as T);
    });
  }

  findOne(filter: Filter, o: FindOptions = {}): Promise<T | null> {
    return this.wrap(async () => {
      let q = this.M.findOne(filter, o.projection);
      if (o.sort) q = q.sort(o.sort);
      if (o.skip) q = q.skip(o.skip);
      return (await q.lean()) as T | null;
    });
  }

  findById(id: string): Promise<T | null> {
    return this.findOne({ _id: id });
  }

  find(filter: Filter, o: FindOptions = {}): Promise<T[]> {
    return this.wrap(async () => {
      let q = this.M.find(filter, o.projection);
      if (o.sort) q = q.sort(o.sort);
      if (o.skip) q = q.skip(o.skip);
      if (o.limit) q = q.limit(o.limit);
      return (await q.lean()) as T[];
    });
  }

  count(filter: Filter = {}): Promise<number> {
    return this.wrap(() => this.M.countDocuments(filter).exec());
  }

  distinct<V>(field: string, filter: Filter = {}): Promise<V[]> {
    return this.wrap(async () => (await this.M.distinct(field, filter).exec()) as V[]);
  }

  updateOne(filter: Filter, update: Update): Promise<WriteResult> {
    return this.wrap(async () => {
      const r = await this.M.updateOne(filter, update, UPDATE_OPTS);
      return { matched: r.matchedCount, modified: r.matchedCount };
    });
  }

  updateMany(filter: Filter, update: Update): Promise<WriteResult> {
    return this.wrap(async () => {
      const r = await this.M.updateMany(filter, update, UPDATE_OPTS);
      return { matched: r.matchedCount, modified: r.matchedCount };
    });
  }

  upsert(filter: Filter, update: Update): Promise<T> {
    return this.wrap(async () => {
      const withId = { ...update, $setOnInsert: { _id: newId() } } as Record<string, unknown>;
      if (('_id' in filter) || update.$set?._id) delete withId.$setOnInsert;
      return (await this.M.findOneAndUpdate(filter, withId, {
        ...UPDATE_OPTS, upsert: true, returnDocument: 'after', setDefaultsOnInsert: true,
      }).lean()) as T;
    });
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.wrap(async () => (await this.M.findOneAndUpdate(filter, update, {
      ...UPDATE_OPTS, returnDocument: 'after', sort: options.sort,
    }).lean()) as T | null);
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.wrap(async () => (await this.M.deleteOne(filter)).deletedCount ?? 0);
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.wrap(async () => (await this.M.deleteMany(filter)).deletedCount ?? 0);
  }

  async *stream(filter: Filter = {}, options: StreamOptions = {}): AsyncIterable<T> {
    const cursor = this.M.find(filter, options.projection).lean().batchSize(options.batchSize ?? 500).cursor();
    for await (const doc of cursor) yield doc as T;
  }
}

class GridFsBlobStore implements BlobStore {
  constructor(private readonly conn: Connection) {}

  private bucket() {
    return new mongoose.mongo.GridFSBucket(this.conn.db!, { bucketName: 'blobs' });
  }

  async put(data: Buffer, contentType: string): Promise<string> {
    const id = newId();
    await new Promise<void>((resolve, reject) => {
      Readable.from([data])
        .pipe(this.bucket().openUploadStreamWithId(id as any, id, { metadata: { contentType } }))
        .on('finish', () => resolve())
        .on('error', reject);
    });
    return id;
  }

  async get(id: string): Promise<Blob | null> {
    const [file] = await this.bucket().find({ _id: id as any }).toArray();
    if (!file) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket().openDownloadStream(id as any)) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    return { data, contentType: String(file.metadata?.contentType ?? 'application/octet-stream'), size: data.length };
  }

  async delete(id: string): Promise<void> {
    await this.bucket().delete(id as any).catch(() => undefined);
  }
}

export class MongoStore implements Store {
  readonly engine = 'mongo' as const;
  readonly blobs: BlobStore;
  private readonly conn: Connection;
  private readonly collections = new Map<string, MongoCollection<any>>();
  private readonly healthState: HealthState;

  constructor(uri: string, opts: { log?: HealthLog } = {}) {
    this.healthState = new HealthState(opts.log);
    this.conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, sanitizeFilter: false });
    this.blobs = new GridFsBlobStore(this.conn);
  }

  private model(def: ModelDef<Doc>): Model<any> {
    return this.conn.models[def.collection] ?? this.conn.model(def.collection, def.schema, def.collection);
  }

  collection<T extends Doc>(def: ModelDef<T>): Collection<T> {
    let c = this.collections.get(def.collection);
    if (!c) {
      c = new MongoCollection<T>(def.collection, this.model(def), this.healthState);
      this.collections.set(def.collection, c);
    }
    return c;
  }

  kv<V>(namespace: string): KeyValue<V> {
    return kvOver<V>(this.collection(KvModel), namespace);
  }

  async init(): Promise<void> {
    await this.conn.asPromise();
    for (const def of registeredModels()) await this.model(def).createIndexes();
  }

  async ping(): Promise<boolean> {
    try {
      await this.conn.db?.admin().ping();
      return true;
    } catch {
      return false;
    }
  }

  health(): StoreHealth {
    return this.healthState.current;
  }

  /** Change streams need a replica set (or mongos); a standalone server answers undefined: callers poll. */
  async watch(collection: string, onInsert: () => void, onError: (err: unknown) => void): Promise<(() => Promise<void>) | undefined> {
    const db = this.conn.db;
    if (!db) return undefined;
    const hello = await db.admin().command({ hello: 1 }).catch(() => ({} as Record<string, unknown>));
    if (!hello.setName && hello.msg !== 'isdbgrid') return undefined;
    const stream = db.collection(collection).watch([{ $match: { operationType: 'insert' } }]);
    stream.on('change', () => onInsert());
    stream.on('error', (err) => onError(err));
    return async () => {
      await stream.close().catch(() => undefined);
    };
  }

  /** WiredTiger reuses the space of deleted documents; nothing to rewrite here. */
  async compact(): Promise<void> {}

  async close(): Promise<void> {
    await this.conn.close();
  }
}
