/**
 * What the embedded SQLite engine adds beyond the port's contract: indexed filters use the schemas' indexes,
 * NeDB data directories are migrated once, compact() leaves no trace of erased data in DATA_DIR, and a write
 * that fails for lack of space is reported (StoreUnavailable, health, one error log) and recovers.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Datastore from '@seald-io/nedb';
import { afterEach, describe, expect, it } from 'vitest';
import { defineModel } from '../../models/define.js';
import { KvModel } from '../../models/kv.js';
import { InboundUpdateModel } from '../../models/inbound-update.js';
import { ListingModel } from '../../models/listing.js';
import { UserModel, type User } from '../../models/user.js';
import { DB_FILE, EmbeddedStore } from '../../services/store/embedded.js';
import { DuplicateKeyError, StoreUnavailable } from '../../services/store/port.js';
import { tempDir } from '../helpers/app.js';

interface Note { _id: string; owner: string; text: string; tags: string[]; at?: Date }
const NoteModel = defineModel<Note>('engine_notes', {
  owner: { type: String, required: true },
  text: { type: String, required: true },
  tags: { type: [String], default: [] },
  at: { type: Date },
}, (s) => s.index({ owner: 1 }));

/** Collects log calls the way pino would receive them. */
function memoryLog() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const open: EmbeddedStore[] = [];
async function openStore(dir: string, log = memoryLog()): Promise<EmbeddedStore> {
  const s = new EmbeddedStore(dir, { log });
  await s.init();
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('embedded SQLite engine', () => {
  it('serves indexed filters from the schemas\' indexes (the /start count of published listings included)', async () => {
    const store = await openStore(tempDir('sqlite-plan-'));
    const published = store.explain(ListingModel, { status: 'published' }, { count: true }).join(' | ');
    expect(published).toMatch(/USING COVERING INDEX ix_listings_status__submittedAt/);
    expect(store.explain(ListingModel, { lagId: 'lv-lielupe', status: 'published' }).join(' | ')).toMatch(/USING INDEX ix_listings_lagId__status/);
    expect(store.explain(UserModel, { channel: 'telegram', externalId: '42' }).join(' | ')).toMatch(/USING INDEX ix_users_channel__externalId_u/);
    expect(store.explain(ListingModel, { _id: 'x' }).join(' | ')).toMatch(/USING INDEX sqlite_autoindex_listings_1|PRIMARY KEY/);
    // A page of search results: ten ids among thousands of published listings, looked up by key — never by
    // walking the status index, which the planner prefers while it has no statistics (as here).
    expect(store.explain(ListingModel, { _id: { $in: ['a', 'b', 'c'] }, status: 'published' }).join(' | ')).toMatch(/USING INDEX sqlite_autoindex_listings_1 \(_id=\?\)/);
    // A range on an indexed date uses the index too.
    expect(store.explain(ListingModel, { status: 'pending', submittedAt: { $lt: new Date() } }, { sort: { submittedAt: 1 } }).join(' | ')).toMatch(/USING INDEX ix_listings_status__submittedAt/);
  });

  it('migrates a NeDB data directory written by the previous engine once, tolerating a torn last line', async () => {
    const dir = tempDir('sqlite-migrate-');
    mkdirSync(join(dir, 'db'), { recursive: true });
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    const created = new Date('2026-03-04T05:06:07.089Z');
    const users = new Datastore({ filename: join(dir, 'db', 'users.db') });
    await users.loadDatabaseAsync();
    await users.ensureIndexAsync({ fieldName: ['channel', 'externalId'], unique: true });
    for (const id of ['1', '2', '3']) {
      await users.insertAsync({
        _id: `u${id}`, channel: 'telegram', externalId: id, chatId: id, locale: 'ru', localeChosen: true, role: 'user',
        reachable: true, lastInboundAt: created, matchCadence: 'daily', createdAt: created, firstName: `Имя ${id}`,
      });
    }
    await users.updateAsync({ externalId: '2' }, { $set: { firstName: 'Changed ș' } }, {});
    await users.removeAsync({ externalId: '3' }, {});
    const kv = new Datastore({ filename: join(dir, 'db', 'kv.db') });
    await kv.loadDatabaseAsync();
    await kv.insertAsync({ _id: 'conversations:42', ns: 'conversations', value: JSON.stringify({ step: 'sec:!done' }), updatedAt: created });
    writeFileSync(join(dir, 'blobs', 'AbCdEfGh12345678.jpg'), Buffer.from([0xff, 0xd8, 1, 2, 3]));
    // The process died mid-append: the last line is cut short.
    appendFileSync(join(dir, 'db', 'users.db'), '{"_id":"u9","channel":"telegr');

    const log = memoryLog();
    const store = await openStore(dir, log);
    const col = store.collection(UserModel);
    const all = await col.find({}, { sort: { externalId: 1 } });
    expect(all.map((u) => [u.externalId, u.firstName])).toEqual([['1', 'Имя 1'], ['2', 'Changed ș']]);
    expect(all[0].createdAt).toBeInstanceOf(Date);
    expect(all[0].createdAt.toISOString()).toBe(created.toISOString());
    expect(await col.count({ createdAt: { $lte: created } })).toBe(2);
    expect(await store.kv<{ step: string }>('conversations').read('42')).toEqual({ step: 'sec:!done' });
    expect((await store.blobs.get('AbCdEfGh12345678.jpg'))?.data).toEqual(Buffer.from([0xff, 0xd8, 1, 2, 3]));
    // The schema's unique index holds on the migrated data.
    expect(await col.insert({ channel: 'telegram', externalId: '1', chatId: '1', locale: 'ro' } as Partial<User>).catch((e) => e)).toBeInstanceOf(DuplicateKeyError);
    expect(log.lines.filter((l) => l.level === 'warn' && /skipped a line/.test(l.msg))).toHaveLength(1);
    expect(log.lines.some((l) => l.level === 'info' && /migrated the NeDB/.test(l.msg))).toBe(true);
    // The old files are kept, renamed; nothing else needs them.
    expect(existsSync(join(dir, 'db'))).toBe(false);
    expect(readFileSync(join(dir, 'db.nedb-migrated', 'users.db'), 'utf8')).toContain('Changed ș');
    expect(existsSync(join(dir, 'blobs.nedb-migrated', 'AbCdEfGh12345678.jpg'))).toBe(true);
    await store.close();
    open.length = 0;

    // A second start finds nothing to migrate and the same data.
    const log2 = memoryLog();
    const again = await openStore(dir, log2);
    expect(await again.collection(UserModel).count()).toBe(2);
    expect(log2.lines.some((l) => /migrated/.test(l.msg))).toBe(false);
    expect(await again.collection(KvModel).count({ ns: 'conversations' })).toBe(1);
  });

  it('compact() after an erasure leaves no trace of the erased text or photo in any DATA_DIR file', async () => {
    const dir = tempDir('sqlite-compact-');
    const store = await openStore(dir);
    const notes = store.collection(NoteModel);
    const secret = 'ZEBRA-SECRET-778199';
    const photo = Buffer.from(`PHOTO-BYTES-${secret}`);
    for (let i = 0; i < 50; i++) await notes.insert({ owner: `o${i}`, text: `ordinary note ${i}`, tags: ['x'] });
    const doomed = await notes.insert({ owner: 'erase-me', text: `my phone and ${secret}`, tags: [secret] });
    const blobId = await store.blobs.put(photo, 'image/jpeg');
    await store.kv('conversations').write('erase-me', { typed: secret });
    // Part of it reached the main database file, part only the write-ahead log: both must be cleaned.
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    await notes.updateOne({ _id: doomed._id }, { $set: { text: `changed, still ${secret}` } });
    const before = allFiles(dir).some((f) => readFileSync(f).includes(secret));
    expect(before).toBe(true);

    await notes.deleteOne({ _id: doomed._id });
    await store.blobs.delete(blobId);
    await store.kv('conversations').delete('erase-me');
    await store.compact();

    const leaking = allFiles(dir).filter((f) => readFileSync(f).includes(secret) || readFileSync(f).includes('PHOTO-BYTES'));
    expect(leaking).toEqual([]);
    expect(await notes.count()).toBe(50);
    expect(await notes.count({ owner: 'o7' })).toBe(1);
  });

  it('$in / $nin with more values than SQLite allows variables (a report over a whole region) still work', async () => {
    const store = await openStore(tempDir('sqlite-long-in-'));
    try {
      const col = store.collection(InboundUpdateModel);
      await col.insertMany(['tg:1', 'tg:2', 'tg:3'].map((_id, i) => ({ _id, channel: 'telegram' as const, seq: i, payload: '{}', done: false, receivedAt: new Date() })));
      const ids = Array.from({ length: 40_000 }, (_, i) => `tg:${i * 2}`); // tg:2 among them, 1 and 3 not
      expect((await col.find({ _id: { $in: ids } })).map((d) => d._id)).toEqual(['tg:2']);
      expect((await col.find({ _id: { $nin: ids } }, { sort: { seq: 1 } })).map((d) => d._id)).toEqual(['tg:1', 'tg:3']);
      expect(await col.count({ seq: { $in: Array.from({ length: 40_000 }, (_, i) => i) }, _id: { $in: ids } })).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('group commit: writes made in one turn share one transaction, and each resolves only once it is committed', async () => {
    const dir = tempDir('sqlite-group-');
    const store = await openStore(dir);
    const notes = store.collection(NoteModel);
    const reader = new Database(join(dir, DB_FILE), { readonly: true });
    try {
      const resolved: number[] = [];
      const writes = Array.from({ length: 40 }, (_, i) => notes.insert({ _id: `n${i}`, owner: `o${i}`, text: `note ${i}`, tags: [] }).then(() => void resolved.push(i)));
      // The statements ran (this connection reads them), but nothing is committed yet and nobody was told "stored".
      for (let i = 0; i < 100 && (await notes.count()) < 40; i++) await Promise.resolve();
      expect(store.database.inTransaction).toBe(true);
      expect(await notes.count()).toBe(40);
      expect((reader.prepare('SELECT count(*) AS n FROM engine_notes').get() as { n: number }).n).toBe(0);
      expect(resolved).toEqual([]);
      await Promise.all(writes);
      expect(resolved).toHaveLength(40);
      expect(store.database.inTransaction).toBe(false);
      expect((reader.prepare('SELECT count(*) AS n FROM engine_notes').get() as { n: number }).n).toBe(40);
      // A failed statement in a group fails alone; the others are stored.
      const [first, dup, other] = await Promise.allSettled([notes.insert({ _id: 'same', owner: 'x', text: 'a' }), notes.insert({ _id: 'same', owner: 'y', text: 'b' }), notes.insert({ owner: 'z', text: 'c' })]);
      expect(first.status).toBe('fulfilled');
      expect(dup.status).toBe('rejected');
      expect((dup as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
      expect(other.status).toBe('fulfilled');
      expect((reader.prepare("SELECT count(*) AS n FROM engine_notes WHERE json_extract(doc, '$.owner') IN ('x', 'z')").get() as { n: number }).n).toBe(2);
    } finally {
      reader.close();
    }
  });

  it('a full disk in the middle of a group: every write told "stored" is stored, every write told "failed" is not', async () => {
    const dir = tempDir('sqlite-group-full-');
    const store = await openStore(dir);
    const notes = store.collection(NoteModel);
    await notes.insert({ owner: 'a', text: 'before' });
    const pages = Number(store.database.pragma('page_count', { simple: true }));
    store.database.pragma(`max_page_count = ${pages + 2}`);
    const big = 'x'.repeat(64 * 1024);
    // Small writes (they fit) and a big one (it does not) in the same turn.
    const results = await Promise.allSettled([
      notes.insert({ _id: 's1', owner: 'small', text: 'one' }),
      notes.insert({ _id: 'b1', owner: 'big', text: big }),
      notes.insert({ _id: 's2', owner: 'small', text: 'two' }),
    ]);
    expect(results[1].status).toBe('rejected');
    store.database.pragma('max_page_count = 1073741823');
    await store.close();
    open.splice(open.indexOf(store), 1);
    const again = await openStore(dir);
    const stored = new Set((await again.collection(NoteModel).find({})).map((n) => n._id));
    for (const [i, id] of ['s1', 'b1', 's2'].entries()) expect(stored.has(id), id).toBe(results[i].status === 'fulfilled');
  });

  it('a full disk fails the write (StoreUnavailable), reports health with the reason, logs one error, and recovers', async () => {
    const dir = tempDir('sqlite-full-');
    const log = memoryLog();
    const store = await openStore(dir, log);
    const notes = store.collection(NoteModel);
    await notes.insert({ owner: 'a', text: 'before' });
    // No room for one more page: what a full file system does to SQLite.
    const pages = Number(store.database.pragma('page_count', { simple: true }));
    store.database.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(64 * 1024);
    const err = await notes.insert({ owner: 'b', text: big }).catch((e) => e);
    expect(err).toBeInstanceOf(StoreUnavailable);
    expect((err as StoreUnavailable).reason).toMatch(/disk full/);
    expect(await notes.updateMany({}, { $set: { text: big } }).catch((e) => e)).toBeInstanceOf(StoreUnavailable);
    expect(await store.blobs.put(Buffer.alloc(100_000, 1), 'image/png').catch((e) => e)).toBeInstanceOf(StoreUnavailable);
    expect(store.health()).toMatchObject({ ok: false, reason: expect.stringMatching(/disk full \(SQLITE_FULL\)/) });
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    // Nothing half-written: the failed writes changed nothing.
    expect((await notes.find({})).map((n) => n.text)).toEqual(['before']);

    store.database.pragma('max_page_count = 1073741823');
    await notes.insert({ owner: 'b', text: big });
    expect(store.health()).toEqual({ ok: true });
    expect(log.lines.some((l) => l.level === 'info' && /work again/.test(l.msg))).toBe(true);
    expect(await notes.count()).toBe(2);
  });
});
