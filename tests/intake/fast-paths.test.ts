/**
 * Fast paths: a returning Telegram user costs no write (last-seen kept to 5 minutes; changes still
 * written), a Messenger user's window time is exact; conversation state is read only for chats that have
 * some, also after a restart; /start's directory count is not recounted until a listing changes.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../services/app.js';
import { ManualClock } from '../../services/clock.js';
import { knownKeys } from '../../services/store/known-keys.js';
import { openStore, type KeyValue, type Store } from '../../services/store/index.js';
import { LAST_SEEN_RESOLUTION_MS } from '../../services/users.js';
import { tempDir } from '../helpers/app.js';
import { listing } from '../search/fixtures.js';

/** Counts the store operations by collection and method. */
function counting(store: Store, counts: Map<string, number>): Store {
  return new Proxy(store, {
    get(obj, prop, receiver) {
      if (prop !== 'collection') {
        const v = Reflect.get(obj, prop, receiver);
        return typeof v === 'function' ? v.bind(obj) : v;
      }
      return (model: Parameters<Store['collection']>[0]) => new Proxy(obj.collection(model), {
        get(c, p, r) {
          const v = Reflect.get(c, p, r);
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            const key = `${model.collection}.${String(p)}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
            return (v as (...a: unknown[]) => unknown).apply(c, args);
          };
        },
      });
    },
  }) as Store;
}

const WRITES = ['insert', 'insertMany', 'updateOne', 'updateMany', 'upsert', 'findOneAndUpdate', 'deleteOne', 'deleteMany'];
let counts: Map<string, number>;
let services: Services;
let clock: ManualClock;
const writesTo = (col: string) => WRITES.reduce((n, w) => n + (counts.get(`${col}.${w}`) ?? 0), 0);

beforeEach(async () => {
  counts = new Map();
  clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
  const store = counting(await openStore({ dataDir: tempDir(), inMemory: true }), counts);
  services = createServices({ settings: { publicUrl: 'http://x', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }), clock });
});
afterEach(async () => services.store.close());

describe('fast paths', () => {
  it('a returning Telegram user is not written again until something changes or 5 minutes pass', async () => {
    const contact = { channel: 'telegram' as const, externalId: '11', chatId: '11', username: 'Ana', firstName: 'Ana' };
    const first = await services.users.touch(contact);
    const after = writesTo('users');
    clock.advance(60_000);
    const again = await services.users.touch(contact);
    expect(writesTo('users')).toBe(after);
    expect(again.lastInboundAt).toEqual(first.lastInboundAt);

    const renamed = await services.users.touch({ ...contact, firstName: 'Ana Maria' });
    expect(writesTo('users')).toBe(after + 1);
    expect(renamed.firstName).toBe('Ana Maria');

    clock.advance(LAST_SEEN_RESOLUTION_MS);
    const later = await services.users.touch({ ...contact, firstName: 'Ana Maria' });
    expect(writesTo('users')).toBe(after + 2);
    expect(later.lastInboundAt).toEqual(clock.now());

    await services.users.markUnreachable(later._id);
    expect((await services.users.touch({ ...contact, firstName: 'Ana Maria' })).reachable).toBe(true);
  });

  it('a Messenger user\'s last message time is exact (the 24-hour window starts there)', async () => {
    const contact = { channel: 'messenger' as const, externalId: 'psid-1', chatId: 'psid-1' };
    await services.users.touch(contact);
    clock.advance(30_000);
    const u = await services.users.touch(contact);
    expect(u.lastInboundAt).toEqual(clock.now());
    expect((await services.users.byExternal('messenger', 'psid-1'))!.lastInboundAt).toEqual(clock.now());
  });

  it('conversation state is read only for chats that have some, also after a restart', async () => {
    const reads: string[] = [];
    const inner = services.store.kv<unknown>('conversations');
    const spied: KeyValue<unknown> = { ...inner, read: (k) => (reads.push(k), inner.read(k)) };
    const kv = knownKeys(spied);
    expect(await kv.read('100')).toBeUndefined();
    expect(reads).toEqual([]);
    await kv.write('100', { step: 2 });
    expect(await kv.read('100')).toEqual({ step: 2 });
    expect(reads).toEqual(['100']);
    // A new process: the keys come from the store.
    const restarted = knownKeys(spied);
    expect(await restarted.read('100')).toEqual({ step: 2 });
    expect(await restarted.read('200')).toBeUndefined();
    expect(reads).toEqual(['100', '100']);
    await restarted.delete('100');
    expect(await restarted.read('100')).toBeUndefined();
    expect(reads).toEqual(['100', '100']);
  });

  it('the published count is counted once, and again after a listing changed', async () => {
    await services.directory.listings.insertMany([listing({ name: 'Ferma A', ownerId: 'o1' }), listing({ name: 'Ferma B', ownerId: 'o2' }), listing({ name: 'Ferma C', ownerId: 'o3', status: 'pending' })]);
    expect(await services.directory.publishedCount()).toBe(2);
    expect(await services.directory.publishedCount()).toBe(2);
    expect(counts.get('listings.count')).toBe(1);
    const c = (await services.directory.listings.findOne({ name: 'Ferma C' }))!;
    const published = (await services.directory.listings.findOneAndUpdate({ _id: c._id }, { $set: { status: 'published' } }))!;
    services.events.emit('listing.changed', published);
    expect(await services.directory.publishedCount()).toBe(3);
    expect(counts.get('listings.count')).toBe(2);
  });
});
