/**
 * Wraps a Store so that every filter a repository uses is also evaluated by mingo (a faithful
 * implementation of MongoDB's query language) over the same documents. Any disagreement throws, so a query
 * outside the subset both engines share fails the test that ran it — including every end-to-end test.
 */
import { find as mingoFind } from 'mingo';
import { Mutex } from '../../services/store/mutex.js';
import type { Collection, Doc, Filter, FindOptions, ModelDef, Store, StreamOptions, Update } from '../../services/store/port.js';

export class CrosscheckError extends Error {}

/** Every divergence seen in this process (errors inside bot handlers are caught there; tests check this). */
export const divergences: string[] = [];

function ids(docs: { _id: string }[]): string[] {
  return docs.map((d) => d._id).sort();
}

function expectSame(what: string, filter: Filter, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    divergences.push(`${what} ${JSON.stringify(filter)}`);
    throw new CrosscheckError(`${what} disagrees with MongoDB semantics (mingo) for filter ${JSON.stringify(filter)}: store=${JSON.stringify(actual)} mingo=${JSON.stringify(expected)}`);
  }
}

export function crosscheckCollection<T extends Doc>(inner: Collection<T>): Collection<T> {
  const all = () => inner.find({});
  const mingoIds = async (filter: Filter) => ids(mingoFind(await all(), filter).all() as { _id: string }[]);

  const checked: Collection<T> = {
    name: inner.name,
    insert: (d) => inner.insert(d),
    insertMany: (d) => inner.insertMany(d),
    findById: (id) => inner.findById(id),
    async find(filter: Filter, options: FindOptions = {}) {
      const result = await inner.find(filter, options);
      const docs = await all();
      let cursor = mingoFind(docs, filter);
      if (options.sort) cursor = cursor.sort(options.sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      const expected = cursor.all() as T[];
      if (options.sort) {
        // Ties may come in any order: compare the sequence of sort keys, and the id sets.
        const keys = (list: T[]) => list.map((d) => Object.keys(options.sort!).map((k) => JSON.stringify(k.split('.').reduce((o: any, p) => o?.[p], d))).join('|'));
        expectSame(`find(sort) on ${inner.name}`, filter, keys(result), keys(expected));
        if (!options.skip && !options.limit) expectSame(`find on ${inner.name}`, filter, ids(result), ids(expected));
      } else if (!options.skip && !options.limit) {
        expectSame(`find on ${inner.name}`, filter, ids(result), ids(expected));
      } else {
        expectSame(`find(limit) count on ${inner.name}`, filter, result.length, expected.length);
      }
      return result;
    },
    async findOne(filter: Filter, options?: FindOptions) {
      const result = await inner.findOne(filter, options);
      const matching = await mingoIds(filter);
      if (result ? !matching.includes(result._id) : matching.length > 0) {
        expectSame(`findOne on ${inner.name}`, filter, result?._id ?? null, matching);
      }
      return result;
    },
    async count(filter: Filter = {}) {
      const n = await inner.count(filter);
      expectSame(`count on ${inner.name}`, filter, n, (await mingoIds(filter)).length);
      return n;
    },
    async distinct<V>(field: string, filter: Filter = {}) {
      expectSame(`distinct filter on ${inner.name}`, filter, ids(await inner.find(filter)), await mingoIds(filter));
      return inner.distinct<V>(field, filter);
    },
    async updateOne(filter: Filter, update: Update) {
      const expected = Math.min(1, (await mingoIds(filter)).length);
      const r = await inner.updateOne(filter, update);
      expectSame(`updateOne on ${inner.name}`, filter, r.matched, expected);
      return r;
    },
    async updateMany(filter: Filter, update: Update) {
      const expected = (await mingoIds(filter)).length;
      const r = await inner.updateMany(filter, update);
      expectSame(`updateMany on ${inner.name}`, filter, r.matched, expected);
      return r;
    },
    async upsert(filter: Filter, update: Update) {
      const existing = ids(await all());
      const matching = await mingoIds(filter);
      const r = await inner.upsert(filter, update);
      // With a match the engine must update one of the matches; without one it must insert a new document.
      const ok = matching.length ? matching.includes(r._id) : !existing.includes(r._id);
      if (!ok) expectSame(`upsert on ${inner.name}`, filter, r._id, matching);
      return r;
    },
    async findOneAndUpdate(filter: Filter, update: Update, options?: { sort?: Record<string, 1 | -1> }) {
      const matching = await mingoIds(filter);
      const r = await inner.findOneAndUpdate(filter, update, options);
      if (r ? !matching.includes(r._id) : matching.length > 0) expectSame(`findOneAndUpdate on ${inner.name}`, filter, r?._id ?? null, matching);
      return r;
    },
    async deleteOne(filter: Filter) {
      const expected = Math.min(1, (await mingoIds(filter)).length);
      const n = await inner.deleteOne(filter);
      expectSame(`deleteOne on ${inner.name}`, filter, n, expected);
      return n;
    },
    async *stream(filter: Filter = {}, options?: StreamOptions) {
      // Writes may happen between batches: a document matching before and after must be seen, and nothing
      // that matched at neither time may be.
      const before = new Set(await mingoIds(filter));
      const seen = new Set<string>();
      for await (const doc of inner.stream(filter, options)) {
        seen.add(doc._id);
        yield doc;
      }
      const after = new Set(await mingoIds(filter));
      const missing = [...before].filter((id) => after.has(id) && !seen.has(id));
      const extra = [...seen].filter((id) => !before.has(id) && !after.has(id));
      expectSame(`stream on ${inner.name}`, filter, { missing, extra }, { missing: [], extra: [] });
    },
    async deleteMany(filter: Filter) {
      const expected = (await mingoIds(filter)).length;
      const n = await inner.deleteMany(filter);
      expectSame(`deleteMany on ${inner.name}`, filter, n, expected);
      return n;
    },
  };

  // A check reads the whole collection around the operation; serialising the operations that go through this
  // wrapper keeps a concurrent writer from slipping in between (that would look like a divergence).
  const lock = new Mutex();
  const serial = { name: inner.name } as Collection<T>;
  for (const [key, value] of Object.entries(checked)) {
    // A stream is consumed at the caller's pace (it may write between documents): it is checked, not serialised.
    if (key === 'stream') (serial as any)[key] = value;
    else if (typeof value === 'function') (serial as any)[key] = (...args: unknown[]) => lock.run(() => value(...args));
  }
  return serial;
}

/** The whole store with every collection cross-checked. */
export function crosscheckStore(store: Store): Store {
  const cache = new Map<string, Collection<any>>();
  return {
    engine: store.engine,
    blobs: store.blobs,
    collection<T extends Doc>(def: ModelDef<T>) {
      let c = cache.get(def.collection);
      if (!c) {
        c = crosscheckCollection(store.collection(def));
        cache.set(def.collection, c);
      }
      return c as Collection<T>;
    },
    kv: (ns) => store.kv(ns),
    init: () => store.init(),
    ping: () => store.ping(),
    health: () => store.health(),
    compact: () => store.compact(),
    close: () => store.close(),
    ...(store.watch ? { watch: store.watch.bind(store) } : {}),
  };
}
