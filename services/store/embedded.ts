/**
 * Embedded engine: one @seald-io/nedb datastore (append-only file) per collection under DATA_DIR/db.
 * Writes are validated with the mongoose schema and serialised per collection, which makes
 * findOneAndUpdate and upsert atomic within the process (the embedded engine is single-process by design).
 */
import { mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Datastore from '@seald-io/nedb';
import nedbModel from '@seald-io/nedb/lib/model.js';
import { registeredModels } from '../../models/define.js';
import { KvModel } from '../../models/kv.js';
import { newId } from '../ids.js';
import { Mutex } from './mutex.js';
import {
  DuplicateKeyError,
  type Blob, type BlobStore, type Collection, type Doc, type Filter, type FindOptions, type KeyValue,
  type ModelDef, type NewDoc, type Sort, type Store, type Update, type WriteResult,
} from './port.js';
import { castAndValidate } from './validate.js';
import { kvOver } from './kv.js';

type Nedb = Datastore<Record<string, any>>;

function isOperatorObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
    && Object.keys(v).some((k) => k.startsWith('$'));
}

/** Equality fields of a filter, used as the base of an upserted document (as MongoDB does). */
export function equalityFields(filter: Filter): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) continue;
    if (isOperatorObject(v)) {
      const eq = (v as Record<string, unknown>).$eq;
      if (eq !== undefined) setPath(base, k, eq);
      continue;
    }
    setPath(base, k, v);
  }
  return base;
}

function setPath(obj: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = value;
}

function mapDuplicate(collection: string, err: unknown): unknown {
  const e = err as { errorType?: string; key?: unknown; message?: string };
  if (e?.errorType === 'uniqueViolated') return new DuplicateKeyError(collection, String(e.key ?? e.message));
  return err;
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  private readonly lock = new Mutex();
  constructor(readonly name: string, private readonly def: ModelDef<T>, private readonly ds: Nedb) {}

  private cursor(filter: Filter, o: FindOptions = {}) {
    let c = this.ds.findAsync(filter, o.projection ?? {});
    if (o.sort) c = c.sort(o.sort);
    if (o.skip) c = c.skip(o.skip);
    if (o.limit) c = c.limit(o.limit);
    return c;
  }

  async insert(doc: NewDoc<T>): Promise<T> {
    const valid = await castAndValidate<T>(this.def, doc as Record<string, unknown>);
    return this.lock.run(async () => {
      try {
        return (await this.ds.insertAsync(valid)) as T;
      } catch (err) {
        throw mapDuplicate(this.name, err);
      }
    });
  }

  async insertMany(docs: NewDoc<T>[]): Promise<T[]> {
    const valid: T[] = [];
    for (const d of docs) valid.push(await castAndValidate<T>(this.def, d as Record<string, unknown>));
    if (valid.length === 0) return [];
    return this.lock.run(async () => {
      try {
        return (await this.ds.insertAsync(valid)) as unknown as T[];
      } catch (err) {
        throw mapDuplicate(this.name, err);
      }
    });
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const [doc] = await this.cursor(filter, { ...options, limit: 1 });
    return (doc as T) ?? null;
  }

  findById(id: string): Promise<T | null> {
    return this.findOne({ _id: id });
  }

  async find(filter: Filter, options?: FindOptions): Promise<T[]> {
    return (await this.cursor(filter, options)) as T[];
  }

  count(filter: Filter = {}): Promise<number> {
    return this.ds.countAsync(filter);
  }

  async distinct<V>(field: string, filter: Filter = {}): Promise<V[]> {
    const docs = await this.ds.findAsync(filter, { [field]: 1, _id: 0 });
    const seen = new Map<string, V>();
    for (const d of docs) {
      const v = nedbModel.getDotValue(d, field);
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined) seen.set(JSON.stringify(item), item as V);
      }
    }
    return [...seen.values()];
  }

  /** Applies `update` to one stored document, validates the result, and replaces it. */
  private async rewrite(doc: Record<string, any>, update: Update): Promise<T> {
    const next = nedbModel.modify(doc, update as Record<string, unknown>);
    const valid = await castAndValidate<T>(this.def, next);
    try {
      await this.ds.updateAsync({ _id: doc._id }, valid, {});
    } catch (err) {
      throw mapDuplicate(this.name, err);
    }
    return valid;
  }

  updateOne(filter: Filter, update: Update): Promise<WriteResult> {
    return this.lock.run(async () => {
      const doc = await this.findOne(filter);
      if (!doc) return { matched: 0, modified: 0 };
      await this.rewrite(doc, update);
      return { matched: 1, modified: 1 };
    });
  }

  updateMany(filter: Filter, update: Update): Promise<WriteResult> {
    return this.lock.run(async () => {
      const docs = await this.find(filter);
      for (const d of docs) await this.rewrite(d, update);
      return { matched: docs.length, modified: docs.length };
    });
  }

  upsert(filter: Filter, update: Update): Promise<T> {
    return this.lock.run(async () => {
      const doc = await this.findOne(filter);
      if (doc) return this.rewrite(doc, update);
      const base = nedbModel.modify({ _id: newId(), ...equalityFields(filter) }, update as Record<string, unknown>);
      const valid = await castAndValidate<T>(this.def, base);
      try {
        return (await this.ds.insertAsync(valid)) as T;
      } catch (err) {
        throw mapDuplicate(this.name, err);
      }
    });
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.lock.run(async () => {
      const doc = await this.findOne(filter, { sort: options.sort });
      return doc ? this.rewrite(doc, update) : null;
    });
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.lock.run(() => this.ds.removeAsync(filter, { multi: false }));
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.lock.run(() => this.ds.removeAsync(filter, { multi: true }));
  }

  async ensureIndexes(): Promise<void> {
    for (const [fields, opts] of this.def.schema.indexes()) {
      const names = Object.keys(fields);
      await this.ds.ensureIndexAsync({
        fieldName: names.length === 1 ? names[0] : names,
        unique: !!opts?.unique,
        sparse: !!opts?.sparse,
      });
    }
  }
}

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bin: 'application/octet-stream', csv: 'text/csv' };

class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string | null {
    return /^[A-Za-z0-9_-]{8,64}\.[a-z]{2,4}$/.test(id) ? join(this.dir, id) : null;
  }

  async put(data: Buffer, contentType: string): Promise<string> {
    const ext = Object.entries(CONTENT_TYPES).find(([, ct]) => ct === contentType)?.[0] ?? 'bin';
    const id = `${newId()}.${ext}`;
    await writeFile(join(this.dir, id), data);
    return id;
  }

  async get(id: string): Promise<Blob | null> {
    const file = this.file(id);
    if (!file) return null;
    try {
      const data = await readFile(file);
      const ext = id.split('.').pop() ?? 'bin';
      return { data, contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream', size: data.length };
    } catch {
      return null;
    }
  }

  async delete(id: string): Promise<void> {
    const file = this.file(id);
    if (file) await rm(file, { force: true });
  }
}

export class EmbeddedStore implements Store {
  readonly engine = 'embedded' as const;
  readonly blobs: BlobStore;
  private readonly collections = new Map<string, EmbeddedCollection<any>>();
  private readonly stores = new Map<string, Nedb>();
  private ready = false;

  constructor(private readonly dataDir: string, private readonly opts: { inMemory?: boolean } = {}) {
    this.blobs = new FileBlobStore(join(dataDir, 'blobs'));
  }

  private datastore(name: string): Nedb {
    let ds = this.stores.get(name);
    if (!ds) {
      ds = this.opts.inMemory
        ? new Datastore({ inMemoryOnly: true })
        : new Datastore({ filename: join(this.dataDir, 'db', `${name}.db`) });
      this.stores.set(name, ds);
    }
    return ds;
  }

  collection<T extends Doc>(model: ModelDef<T>): Collection<T> {
    if (!this.ready) throw new Error('store.init() must run before collections are used');
    let c = this.collections.get(model.collection);
    if (!c) {
      c = new EmbeddedCollection<T>(model.collection, model, this.datastore(model.collection));
      this.collections.set(model.collection, c);
    }
    return c;
  }

  kv<V>(namespace: string): KeyValue<V> {
    return kvOver<V>(this.collection(KvModel), namespace);
  }

  async init(): Promise<void> {
    await mkdir(join(this.dataDir, 'db'), { recursive: true });
    await mkdir(join(this.dataDir, 'blobs'), { recursive: true });
    this.ready = true;
    for (const def of registeredModels()) {
      const ds = this.datastore(def.collection);
      await ds.loadDatabaseAsync();
      // Keep the append-only files small; compaction rewrites them atomically.
      if (!this.opts.inMemory) ds.setAutocompactionInterval(10 * 60_000);
      await (this.collection(def) as EmbeddedCollection<Doc>).ensureIndexes();
    }
  }

  async ping(): Promise<boolean> {
    if (!this.ready) return false;
    if (this.opts.inMemory) return true;
    try {
      await readdir(join(this.dataDir, 'db'));
      return true;
    } catch {
      return false;
    }
  }

  async compact(): Promise<void> {
    if (this.opts.inMemory) return;
    for (const ds of this.stores.values()) await ds.compactDatafileAsync();
  }

  async close(): Promise<void> {
    for (const ds of this.stores.values()) {
      ds.stopAutocompaction();
      if (!this.opts.inMemory) await ds.compactDatafileAsync().catch(() => undefined);
    }
    this.ready = false;
  }
}
