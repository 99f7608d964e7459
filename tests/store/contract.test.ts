/**
 * The storage contract: every operation of the port behaves the same on the embedded engine (always) and
 * on MongoDB (when MONGODB_URI is set, e.g. the GitHub Actions service container). Every filter is also
 * evaluated by mingo over the same documents (crosscheck wrapper), and every write is replayed on a mingo
 * "shadow" copy whose contents must equal the store's.
 */
import { update as mingoUpdate } from 'mingo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModel } from '../../models/define.js';
import { Schema } from 'mongoose';
import { EmbeddedStore } from '../../services/store/embedded.js';
import { MongoStore } from '../../services/store/mongo.js';
import { DuplicateKeyError, ValidationFailed, type Collection, type Store, type Update } from '../../services/store/port.js';
import { crosscheckStore, divergences } from '../helpers/crosscheck-store.js';
import { tempDir } from '../helpers/app.js';

interface Item {
  _id: string;
  sku: string;
  name: string;
  kind: 'a' | 'b' | 'c';
  qty: number;
  tags: string[];
  owner?: string;
  meta: { country: string; score: number };
  lines: { sku: string; n: number }[];
  at: Date;
}

const ItemModel = defineModel<Item>('contract_items', {
  sku: { type: String, required: true },
  name: { type: String, required: true, maxlength: 40 },
  kind: { type: String, enum: ['a', 'b', 'c'], default: 'a' },
  qty: { type: Number, default: 0, min: 0 },
  tags: { type: [String], default: [] },
  owner: { type: String },
  meta: { country: { type: String, default: 'MD' }, score: { type: Number, default: 0 } },
  lines: { type: [new Schema({ sku: String, n: Number }, { _id: false })], default: [] },
  at: { type: Date, default: () => new Date('2026-01-01T00:00:00Z') },
}, (s) => {
  s.index({ sku: 1 }, { unique: true });
  s.index({ owner: 1 }, { unique: true, sparse: true });
  s.index({ kind: 1, qty: -1 });
});

/** A compound unique key, like (broadcast, recipient) deliveries. */
const PairModel = defineModel<{ _id: string; a: string; b: string }>('contract_pairs', {
  a: { type: String, required: true },
  b: { type: String, required: true },
}, (s) => s.index({ a: 1, b: 1 }, { unique: true }));

const engines: [string, () => Promise<Store>][] = [
  ['embedded', async () => { const s = new EmbeddedStore(tempDir('contract-')); await s.init(); return s; }],
];
if (process.env.MONGODB_URI) {
  engines.push(['mongo', async () => {
    const s = new MongoStore(process.env.MONGODB_URI!);
    await s.init();
    await s.collection(ItemModel).deleteMany({});
    return s;
  }]);
}

/** Filters repository code is allowed to use (the shared subset). */
const FILTERS: Record<string, unknown>[] = [
  {},
  { kind: 'b' },
  { kind: { $in: ['a', 'c'] } },
  { kind: { $nin: ['a'] } },
  { kind: { $ne: 'a' } },
  { qty: { $gt: 2 } },
  { qty: { $gte: 2, $lt: 5 } },
  { qty: { $lte: 1 } },
  { tags: 'red' },
  { tags: { $in: ['blue', 'green'] } },
  { 'meta.country': 'LV' },
  { 'meta.score': { $gte: 0.5 } },
  { owner: { $exists: true } },
  { owner: { $exists: false } },
  { $or: [{ kind: 'c' }, { qty: 0 }] },
  { $and: [{ kind: 'a' }, { qty: { $gt: 0 } }] },
  { at: { $lt: new Date('2026-06-01T00:00:00Z') } },
  { 'lines.sku': 'x1' },
  { _id: { $in: ['nope'] } },
  // User text is a value, never an operator: these match nothing and break nothing.
  { name: '{"$gt": ""}' },
  { name: '.*(' },
];

function seed(i: number): Partial<Item> {
  return {
    sku: `sku-${i}`,
    name: i === 7 ? '{"$gt": ""}' : `Item ${i} ăîșțāčё`,
    kind: (['a', 'b', 'c'] as const)[i % 3],
    qty: i % 6,
    tags: i % 2 ? ['red', 'big'] : i % 5 ? ['blue'] : [],
    owner: i % 4 === 0 ? `owner-${i}` : undefined,
    meta: { country: i % 2 ? 'LV' : 'MD', score: (i % 10) / 10 },
    lines: i % 3 === 0 ? [{ sku: 'x1', n: i }] : [],
    at: new Date(Date.UTC(2026, i % 12, 1)),
  };
}

for (const [engine, open] of engines) {
  describe(`store contract: ${engine}`, () => {
    let store: Store;
    let raw: Store;
    let items: Collection<Item>;
    let shadow: Item[] = [];

    /** Replays a write on the mingo shadow, then compares it with the store's contents. */
    async function sameAsShadow(): Promise<void> {
      const actual = (await raw.collection(ItemModel).find({}, { sort: { sku: 1 } })).map((d) => JSON.parse(JSON.stringify(d)));
      const expected = [...shadow].sort((a, b) => a.sku.localeCompare(b.sku)).map((d) => JSON.parse(JSON.stringify(d)));
      expect(actual).toEqual(expected);
    }
    function shadowUpdate(filterIds: string[], update: Update): void {
      for (const d of shadow.filter((x) => filterIds.includes(x._id))) mingoUpdate(d as any, update as any);
    }

    beforeAll(async () => {
      raw = await open();
      store = crosscheckStore(raw);
      items = store.collection(ItemModel);
      shadow = [];
      for (let i = 0; i < 24; i++) shadow.push(await items.insert(seed(i)));
    });
    afterAll(async () => {
      if (engine === 'mongo') await raw.collection(ItemModel).deleteMany({});
      await raw.close();
      expect(divergences).toEqual([]);
    });

    it('insert applies schema defaults and casts; the stored document equals the returned one', async () => {
      const d = await items.insert({ sku: 'defaults', name: 'x' } as Partial<Item>);
      shadow.push(d);
      expect(d).toMatchObject({ kind: 'a', qty: 0, tags: [], meta: { country: 'MD', score: 0 }, lines: [] });
      expect(typeof d._id).toBe('string');
      expect(d.at).toBeInstanceOf(Date);
      await sameAsShadow();
    });

    it('insert rejects invalid documents naming each field, and stores nothing', async () => {
      const before = await items.count();
      const err = await items.insert({ sku: 'bad', name: 'n'.repeat(41), kind: 'z' as any, qty: -1 }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationFailed);
      expect(Object.keys((err as ValidationFailed).fields).sort()).toEqual(['kind', 'name', 'qty']);
      expect(await items.insert({ sku: 'bad2', name: 'x', extra: 1 } as any).catch((e) => e)).toBeInstanceOf(ValidationFailed);
      expect(await items.count()).toBe(before);
    });

    it('unique indexes hold, single and compound', async () => {
      expect(await items.insert({ sku: 'sku-1', name: 'dup' }).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
      expect(await items.insert({ sku: 'other', name: 'dup', owner: 'owner-0' }).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
      const ok = await items.insert({ sku: 'other2', name: 'ok', owner: 'owner-new' });
      shadow.push(ok);
      await sameAsShadow();
      const pairs = store.collection(PairModel);
      await pairs.deleteMany({});
      await pairs.insert({ a: '1', b: '1' });
      await pairs.insert({ a: '1', b: '2' });
      await pairs.insert({ a: '2', b: '1' });
      expect(await pairs.insert({ a: '1', b: '1' }).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
      expect(await pairs.count()).toBe(3);
    });

    it('find/count/findOne agree with mingo for every filter in the shared subset', async () => {
      for (const f of FILTERS) {
        const found = await items.find(f);
        expect(await items.count(f)).toBe(found.length);
        const one = await items.findOne(f);
        expect(one === null).toBe(found.length === 0);
      }
      expect(await items.find({ name: '{"$gt": ""}' })).toHaveLength(1);
      expect(await items.find({ name: '.*(' })).toHaveLength(0);
    });

    it('sort, skip, limit and projection', async () => {
      const page = await items.find({ kind: 'a' }, { sort: { qty: -1, sku: 1 }, skip: 1, limit: 3 });
      const all = await items.find({ kind: 'a' }, { sort: { qty: -1, sku: 1 } });
      expect(page.map((d) => d._id)).toEqual(all.slice(1, 4).map((d) => d._id));
      const projected = await items.find({ kind: 'b' }, { projection: { sku: 1 } });
      expect(Object.keys(projected[0]).sort()).toEqual(['_id', 'sku']);
      const first = await items.findOne({}, { sort: { 'meta.score': -1, sku: 1 } });
      expect(first?.meta.score).toBe(0.9);
    });

    it('distinct flattens arrays like MongoDB', async () => {
      expect((await items.distinct<string>('tags')).sort()).toEqual(['big', 'blue', 'red']);
      expect((await items.distinct<string>('kind', { qty: { $gt: 4 } })).sort()).toEqual(['a', 'b', 'c'].filter((k) => shadow.some((d) => d.kind === k && d.qty > 4)));
    });

    it('update operators: $set (dotted), $inc, $push, $pull, $addToSet, $unset', async () => {
      const target = shadow.find((d) => d.sku === 'sku-3')!;
      const updates: Update[] = [
        { $set: { name: 'renamed', 'meta.country': 'LV' } },
        { $inc: { qty: 2 } },
        { $push: { tags: 'pushed' } },
        { $pull: { tags: 'red' } },
        { $addToSet: { tags: 'pushed' } },
        { $addToSet: { tags: 'new' } },
        { $push: { lines: { sku: 'x9', n: 9 } } },
        { $unset: { owner: true } },
      ];
      for (const u of updates) {
        const r = await items.updateOne({ _id: target._id }, u);
        expect(r.matched).toBe(1);
        shadowUpdate([target._id], u);
        await sameAsShadow();
      }
      expect((await items.findById(target._id))?.tags).toEqual(['big', 'pushed', 'new']);
    });

    it('updates are validated and change nothing when invalid', async () => {
      const before = await items.findOne({ sku: 'sku-4' });
      expect(await items.updateOne({ sku: 'sku-4' }, { $set: { kind: 'zzz' } }).catch((e) => e)).toBeInstanceOf(ValidationFailed);
      expect(await items.updateOne({ sku: 'sku-4' }, { $inc: { qty: -100 } }).catch((e) => e)).toBeInstanceOf(ValidationFailed);
      expect(await items.updateOne({ sku: 'sku-4' }, { $set: { sku: 'sku-5' } }).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
      expect(await items.findOne({ sku: 'sku-4' })).toEqual(before);
      await sameAsShadow();
    });

    it('updateMany and deleteOne/deleteMany report what they matched', async () => {
      const ids = shadow.filter((d) => d.kind === 'c').map((d) => d._id);
      const r = await items.updateMany({ kind: 'c' }, { $set: { 'meta.score': 1 } });
      expect(r.matched).toBe(ids.length);
      shadowUpdate(ids, { $set: { 'meta.score': 1 } });
      await sameAsShadow();
      expect(await items.deleteOne({ sku: 'nope' })).toBe(0);
      expect(await items.deleteOne({ sku: 'defaults' })).toBe(1);
      shadow = shadow.filter((d) => d.sku !== 'defaults');
      const gone = shadow.filter((d) => d.qty === 5).length;
      expect(await items.deleteMany({ qty: 5 })).toBe(gone);
      shadow = shadow.filter((d) => d.qty !== 5);
      await sameAsShadow();
    });

    it('upsert inserts from the filter equality fields, then updates the same document', async () => {
      const a = await items.upsert({ sku: 'ups', kind: 'b' }, { $set: { name: 'first' }, $inc: { qty: 1 } });
      expect(a).toMatchObject({ sku: 'ups', kind: 'b', name: 'first', qty: 1, tags: [] });
      const b = await items.upsert({ sku: 'ups', kind: 'b' }, { $set: { name: 'second' }, $inc: { qty: 1 } });
      expect(b._id).toBe(a._id);
      expect(b).toMatchObject({ name: 'second', qty: 2 });
      shadow.push(b);
      await sameAsShadow();
    });

    it('findOneAndUpdate is an atomic claim: parallel claimers never get the same document', async () => {
      for (let i = 0; i < 10; i++) shadow.push(await items.insert({ sku: `job-${i}`, name: 'job', kind: 'c', owner: undefined, tags: ['queued'] }));
      const claims = await Promise.all(Array.from({ length: 14 }, (_, w) =>
        items.findOneAndUpdate({ tags: 'queued', name: 'job' }, { $set: { name: `worker-${w}`, tags: ['claimed'] } }, { sort: { sku: 1 } })));
      const won = claims.filter(Boolean).map((d) => d!._id);
      expect(won).toHaveLength(10);
      expect(new Set(won).size).toBe(10);
      expect(claims.filter((c) => c === null)).toHaveLength(4);
      expect(await items.count({ tags: 'queued' })).toBe(0);
      for (const c of claims) if (c) shadow = shadow.map((d) => (d._id === c._id ? c : d));
    });

    it('key-value view round-trips any JSON, lists keys by prefix, deletes', async () => {
      const kv = store.kv<Record<string, unknown>>(`test-${engine}`);
      await kv.write('42', { $odd: { 'a.b': [1, 'ș', null] } });
      await kv.write('42:x', { n: 1 });
      await kv.write('7', { n: 2 });
      expect(await kv.read('42')).toEqual({ $odd: { 'a.b': [1, 'ș', null] } });
      expect((await kv.keys('42')).sort()).toEqual(['42', '42:x']);
      await kv.delete('42');
      expect(await kv.read('42')).toBeUndefined();
      expect(await kv.read('missing')).toBeUndefined();
    });

    it('stream yields every matching document once, in batches, and tolerates writes between batches', async () => {
      for (const f of [{}, { kind: 'b' }, { tags: 'red' }, { qty: { $gte: 2 } }]) {
        const seen: string[] = [];
        for await (const d of items.stream(f, { batchSize: 4 })) seen.push(d._id);
        expect(seen.sort()).toEqual((await items.find(f)).map((d) => d._id).sort());
      }
      const projected: Item[] = [];
      for await (const d of items.stream({ kind: 'a' }, { batchSize: 3, projection: { sku: 1 } })) projected.push(d);
      expect(Object.keys(projected[0]).sort()).toEqual(['_id', 'sku']);
      // A write while the stream is paused between batches neither breaks it nor repeats a document.
      const seen = new Set<string>();
      let wrote = false;
      for await (const d of items.stream({}, { batchSize: 5 })) {
        expect(seen.has(d._id)).toBe(false);
        seen.add(d._id);
        if (!wrote) {
          wrote = true;
          shadow.push(await items.insert({ sku: 'during-stream', name: 'x' }));
        }
      }
      expect(seen.size).toBeGreaterThanOrEqual(shadow.length - 1);
      await sameAsShadow();
    });

    it('compact keeps every document and the indexes working', async () => {
      await store.compact();
      await sameAsShadow();
      expect(await items.insert({ sku: 'sku-1', name: 'dup' }).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
    });

    it('blobs store bytes and content type; unknown or hostile ids return null', async () => {
      const data = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      const id = await store.blobs.put(data, 'image/png');
      const got = await store.blobs.get(id);
      expect(got?.contentType).toBe('image/png');
      expect(got?.data.equals(data)).toBe(true);
      expect(await store.blobs.get('../../etc/passwd')).toBeNull();
      expect(await store.blobs.get('nope.png')).toBeNull();
      await store.blobs.delete(id);
      expect(await store.blobs.get(id)).toBeNull();
    });
  });
}
