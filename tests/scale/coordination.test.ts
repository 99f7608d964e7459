/**
 * The pieces that make several instances one bot, each exercised on two store connections to the same data
 * (two shared embedded stores on one DATA_DIR; two connections to one database when MONGODB_URI is set):
 * atomic read-modify-write across connections, leases, the change feed (with its resync on a hole), the
 * shared outbound budget and the flood counter.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeEntryModel, CounterModel, LeaseModel } from '../../models/coordination.js';
import { systemClock } from '../../services/clock.js';
import { ChangeFeed, type ChangeKind } from '../../services/changes/feed.js';
import { StoreFloodCounter } from '../../services/flood.js';
import { Leases } from '../../services/lease.js';
import { Inbox } from '../../services/intake/inbox.js';
import { Intake } from '../../services/intake/intake.js';
import { StoreBudget } from '../../services/outbound/store-budget.js';
import { DataDirLock, DataDirLocked } from '../../services/store/lock.js';
import { openStore, type Store } from '../../services/store/index.js';
import { tempDir } from '../helpers/app.js';
import { maxPerWindow } from '../helpers/cluster.js';
import { dropTestDatabase, testMongoUri } from '../helpers/mongo.js';

let dir: string;
let uri: string | undefined;
let a: Store;
let b: Store;

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  dir = tempDir('lag-coord-');
  uri = testMongoUri();
  a = await openStore({ dataDir: dir, mongodbUri: uri, shared: true });
  b = await openStore({ dataDir: dir, mongodbUri: uri, shared: true });
});

afterEach(async () => {
  await a.close();
  await b.close();
  await dropTestDatabase(uri);
  rmSync(dir, { recursive: true, force: true });
});

describe('two connections on one store', () => {
  it('read-modify-write is atomic across them (no lost update)', async () => {
    const ca = a.collection(CounterModel);
    const cb = b.collection(CounterModel);
    await ca.insert({ _id: 'x', n: 0 });
    await Promise.all(Array.from({ length: 150 }, (_, i) => (i % 2 ? ca : cb).findOneAndUpdate({ _id: 'x' }, { $inc: { n: 1 } })));
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? ca : cb).updateOne({ _id: 'x' }, { $inc: { n: 1 } })));
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? ca : cb).upsert({ _id: 'y' }, { $inc: { n: 1 } })));
    expect((await ca.findById('x'))!.n).toBe(200);
    expect((await cb.findById('y'))!.n).toBe(50);
  });

  it('a lease has one holder; it runs out, and a dead holder on this host is replaced at once for roles', async () => {
    const la = new Leases(a, systemClock, { host: 'host-a' });
    const lb = new Leases(b, systemClock, { host: 'host-b' });
    expect(await la.acquire('role:x', 60_000)).toBe(true);
    expect(await lb.acquire('role:x', 60_000)).toBe(false);
    expect(await la.acquire('role:x', 60_000)).toBe(true); // renewal by its holder
    await la.release('role:x');
    expect(await lb.acquire('role:x', 50)).toBe(true);
    expect(await la.acquire('role:x', 60_000)).toBe(false);
    await sleep(80);
    expect(await la.acquire('role:x', 60_000)).toBe(true); // ran out
    expect(await lb.renew('role:x', 60_000)).toBe(false); // and the old holder knows it lost it

    // A holder on this host whose process is gone (kill -9, then a restart).
    const lc = new Leases(b, systemClock);
    await a.collection(LeaseModel).insert({ _id: 'role:y', owner: 'gone', host: (await import('node:os')).hostname(), pid: 2 ** 22 + 12345, until: new Date(Date.now() + 60_000), since: new Date() });
    expect(await lc.acquire('role:y', 60_000)).toBe(false);
    expect(await lc.acquire('role:y', 60_000, { takeOverDead: 'other-pids' })).toBe(true);
    // Held by another Leases of this very process (two instances in one test process): a chat lock stays its
    // holder's; a role counts this pid as a restarted predecessor (a container's pid 1).
    const ld = new Leases(b, systemClock);
    expect(await lc.acquire('chat:z', 60_000)).toBe(true);
    expect(await ld.acquire('chat:z', 60_000, { takeOverDead: 'other-pids' })).toBe(false);
    expect(await ld.acquire('chat:z', 60_000, { takeOverDead: true })).toBe(true);
  });

  it("the change feed brings one connection's changes to the other, and resyncs over a hole", async () => {
    const seen: [ChangeKind, string][] = [];
    let resyncs = 0;
    const fa = new ChangeFeed(a, { origin: 'A', clock: systemClock, log, pollMs: 20, gapMs: 100 });
    const fb = new ChangeFeed(b, { origin: 'B', clock: systemClock, log, pollMs: 20, gapMs: 100 });
    const own: string[] = [];
    await fa.start({ apply: async (_k, ref) => void own.push(ref), resync: async () => undefined });
    await fb.start({ apply: async (k, ref) => void seen.push([k, ref]), resync: async () => void resyncs++ });
    try {
      await fa.record('listing', 'L1');
      await fa.record('offer', 'O1');
      await fb.record('listing.products', 'L2');
      for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(20);
      expect(seen).toEqual([['listing', 'L1'], ['offer', 'O1']]);
      for (let i = 0; i < 100 && own.length < 1; i++) await sleep(20);
      expect(own).toEqual(['L2']); // each side applies only the other's entries

      // A writer that took a number and died before writing its entry: a hole. After gapMs, a full resync.
      await a.collection(CounterModel).updateOne({ _id: 'change_log' }, { $inc: { n: 1 } });
      await fa.record('listing', 'L3');
      for (let i = 0; i < 100 && resyncs === 0; i++) await sleep(20);
      expect(resyncs).toBe(1);
      await fa.record('listing', 'L4');
      for (let i = 0; i < 100 && !seen.some(([, r]) => r === 'L4'); i++) await sleep(20);
      expect(seen.map(([, r]) => r)).toEqual(['L1', 'O1', 'L4']); // L3 came through the resync
    } finally {
      await fa.stop();
      await fb.stop();
    }
  });

  it('the shared outbound budget holds the limit across both, and replies go before bulk sends', async () => {
    const limits = { perSecond: 20, perChatIntervalMs: 0 };
    const ba = new StoreBudget(a, limits);
    const bb = new StoreBudget(b, limits);
    const granted: { at: number; priority: string }[] = [];
    const take = (budget: StoreBudget, priority: 'reply' | 'bulk', chat: string) =>
      budget.acquire({ chat, priority }).then(() => void granted.push({ at: Date.now(), priority }));
    const replies = Array.from({ length: 24 }, (_, i) => take(i % 2 ? ba : bb, 'reply', `r${i}`));
    await sleep(5);
    const bulk = Array.from({ length: 16 }, (_, i) => take(i % 2 ? ba : bb, 'bulk', `b${i}`));
    await Promise.all([...replies, ...bulk]);
    expect(granted).toHaveLength(40);
    expect(maxPerWindow(granted.map((g) => g.at))).toBeLessThanOrEqual(20);
    const lastReply = Math.max(...granted.filter((g) => g.priority === 'reply').map((g) => g.at));
    const firstBulk = Math.min(...granted.filter((g) => g.priority === 'bulk').map((g) => g.at));
    expect(firstBulk).toBeGreaterThanOrEqual(lastReply);
  }, 20_000);

  it('the shared budget spaces one chat across both, and a 429 pauses both', async () => {
    const ba = new StoreBudget(a, { perSecond: 100, perChatIntervalMs: 200, marginMs: 0 });
    const bb = new StoreBudget(b, { perSecond: 100, perChatIntervalMs: 200, marginMs: 0 });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, (_, i) => (i % 2 ? ba : bb).acquire({ chat: 'same', priority: 'reply' }).then(() => void times.push(Date.now()))));
    times.sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(190);
    ba.pause(400);
    await sleep(50);
    const before = Date.now();
    await bb.acquire({ chat: 'other', priority: 'reply' });
    expect(Date.now() - before).toBeGreaterThanOrEqual(300);
  }, 20_000);

  it('watch: none on the embedded engine; on MongoDB a change stream where there is a replica set', async () => {
    if (a.engine === 'embedded') {
      expect(a.watch).toBeUndefined();
      return;
    }
    let inserts = 0;
    const stop = await a.watch!(ChangeEntryModel.collection, () => void inserts++, () => undefined);
    if (!stop) return; // a standalone server (the CI service): the feed polls
    try {
      await new ChangeFeed(b, { origin: 'B', clock: systemClock, log }).record('listing', 'W1');
      for (let i = 0; i < 250 && inserts === 0; i++) await sleep(20);
      expect(inserts).toBe(1);
    } finally {
      await stop();
    }
  });

  it('intake: at start, updates left unhandled (also those stored without a chat key) are handled in order, once', async () => {
    const inbox = new Inbox(a, { clock: systemClock, log });
    const now = new Date();
    await inbox.updates.insertMany([
      { _id: 'tg:1', channel: 'telegram', seq: 1, payload: JSON.stringify({ n: 1, chat: 'c1' }), key: 'c1', done: false, receivedAt: now },
      { _id: 'tg:2', channel: 'telegram', seq: 2, payload: JSON.stringify({ n: 2, chat: 'c1' }), done: false, receivedAt: now },
      { _id: 'tg:3', channel: 'telegram', seq: 3, payload: JSON.stringify({ n: 3, chat: 'c2' }), key: 'c2', done: true, receivedAt: now },
    ]);
    const handled: number[] = [];
    const make = (store: Store, host: string) => new Intake(new Inbox(store, { clock: systemClock, log }), {
      channel: 'telegram', log, keyOf: (p) => (p as { chat: string }).chat,
      handle: async (p) => void handled.push((p as { n: number }).n),
      shared: { locks: new Leases(store, systemClock, { host }), sweepMs: 50 },
    });
    // Two instances start at once: each update is handled by one of them.
    const ia = make(a, 'host-a');
    const ib = make(b, 'host-b');
    try {
      await Promise.all([ia.recover(), ib.recover()]);
      await Promise.all([ia.idle(), ib.idle()]);
      expect(handled).toEqual([1, 2]);
      expect(await inbox.updates.count({ done: false })).toBe(0);
    } finally {
      await ia.close();
      await ib.close();
    }
  });

  it("counts one user's messages together (flood limit)", async () => {
    const fa = new StoreFloodCounter(a, 60_000, systemClock);
    const fb = new StoreFloodCounter(b, 60_000, systemClock);
    const counts = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? fa : fb).incr('42')));
    expect(Math.max(...counts)).toBe(30);
    expect(new Set(counts).size).toBe(30);
  });
});

describe.skipIf(!!process.env.MONGODB_URI)('the DATA_DIR lock in shared mode (embedded engine)', () => {
  it('lets shared processes in together, never beside an exclusive one', () => {
    const d = tempDir('lag-lock-');
    try {
      const s1 = DataDirLock.acquire(d, { shared: true });
      const s2 = DataDirLock.acquire(d, { shared: true });
      expect(() => DataDirLock.acquire(d)).toThrow(DataDirLocked);
      s1.release();
      s2.release();
      const ex = DataDirLock.acquire(d);
      expect(() => DataDirLock.acquire(d, { shared: true })).toThrow(DataDirLocked);
      ex.release();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
