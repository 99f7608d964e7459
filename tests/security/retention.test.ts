/**
 * Short-lived records expire: search paging records, Messenger dedupe records, finished broadcast deliveries
 * and abandoned import uploads. MongoDB gets TTL indexes from the schemas; the retention job deletes the same
 * records through the store port on every engine (here: the embedded engine on disk). /privacy says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryModel } from '../../models/delivery.js';
import { KvModel } from '../../models/kv.js';
import { InboundUpdateModel } from '../../models/inbound-update.js';
import { PENDING_COMMANDS_NS, RETENTION_SECONDS, SEARCH_PAGES_NS } from '../../models/retention.js';
import { IMPORT_UPLOADS_NS } from '../../services/import-export.js';
import { RETENTION_JOB } from '../../services/retention.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const DAY = 86_400_000;

describe('retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('the schemas declare TTL indexes (MongoDB expires the records itself)', () => {
    const ttl = (schema: typeof KvModel.schema) => schema.indexes().filter(([, o]) => o?.expireAfterSeconds !== undefined);
    expect(ttl(KvModel.schema)).toEqual([[{ updatedAt: 1 }, expect.objectContaining({ expireAfterSeconds: RETENTION_SECONDS.searchPages, partialFilterExpression: { ns: SEARCH_PAGES_NS } })]]);
    expect(ttl(InboundUpdateModel.schema)).toEqual([[{ doneAt: 1 }, expect.objectContaining({ expireAfterSeconds: 7 * 86_400 })]]);
    expect(ttl(DeliveryModel.schema)).toEqual([[{ doneAt: 1 }, expect.objectContaining({ expireAfterSeconds: 90 * 86_400 })]]);
  });

  it('the scheduled job deletes expired records through the store and keeps everything else', async () => {
    const s = t.app.services;
    expect(s.scheduler.names()).toContain(RETENTION_JOB);
    const now = Date.now();
    const kv = s.store.collection(KvModel);
    await kv.insert({ _id: `${SEARCH_PAGES_NS}:old`, ns: SEARCH_PAGES_NS, value: '{"text":"miere"}', updatedAt: new Date(now - 2 * DAY) });
    await kv.insert({ _id: `${SEARCH_PAGES_NS}:new`, ns: SEARCH_PAGES_NS, value: '{"text":"miere"}', updatedAt: new Date(now - 60_000) });
    // A conversation untouched for a month is a user mid-flow: never expired.
    await kv.insert({ _id: 'conversations:777', ns: 'conversations', value: '{}', updatedAt: new Date(now - 30 * DAY) });
    const events = s.store.collection(InboundUpdateModel);
    const update = (id: string, extra: Record<string, unknown>) => events.insert({ _id: id, channel: 'messenger', seq: 1, payload: '{}', receivedAt: new Date(now - 9 * DAY), done: false, ...extra });
    await update('fb:m.old', { done: true, doneAt: new Date(now - 8 * DAY) });
    await update('fb:m.new', { done: true, doneAt: new Date(now - DAY) });
    // Not handled yet (e.g. the bot was down): never expired, however old.
    await update('fb:m.waiting', {});
    const deliveries = s.store.collection(DeliveryModel);
    const d = (userId: string, extra: Record<string, unknown>) => deliveries.insert({ broadcastId: 'b1', userId, channel: 'telegram', status: 'sent', seq: 1, ...extra });
    await d('u-old', { doneAt: new Date(now - 91 * DAY) });
    await d('u-recent', { doneAt: new Date(now - 10 * DAY) });
    await d('u-queued', { status: 'queued' });
    const oldUpload = await s.store.blobs.put(Buffer.from('a;b\n1;2'), 'application/octet-stream');
    await kv.insert({ _id: `${IMPORT_UPLOADS_NS}:${oldUpload}`, ns: IMPORT_UPLOADS_NS, value: '{"fileName":"x.csv"}', updatedAt: new Date(now - 2 * DAY) });
    const freshUpload = await s.store.blobs.put(Buffer.from('a;b\n1;2'), 'application/octet-stream');
    await kv.insert({ _id: `${IMPORT_UPLOADS_NS}:${freshUpload}`, ns: IMPORT_UPLOADS_NS, value: '{"fileName":"x.csv"}', updatedAt: new Date(now - 60_000) });
    // A command held by the flow guard and never answered (the person walked away from the question).
    await kv.insert({ _id: `${PENDING_COMMANDS_NS}:old`, ns: PENDING_COMMANDS_NS, value: '{"text":"/claim ABC"}', updatedAt: new Date(now - 2 * DAY) });
    await kv.insert({ _id: `${PENDING_COMMANDS_NS}:new`, ns: PENDING_COMMANDS_NS, value: '{"text":"/help"}', updatedAt: new Date(now - 60_000) });

    expect(await s.scheduler.run(RETENTION_JOB)).toBe(true);

    expect((await kv.find({ ns: SEARCH_PAGES_NS })).map((e) => e._id)).toEqual([`${SEARCH_PAGES_NS}:new`]);
    expect(await kv.findById('conversations:777')).not.toBeNull();
    expect((await events.find({}, { sort: { _id: 1 } })).map((e) => e._id)).toEqual(['fb:m.new', 'fb:m.waiting']);
    expect((await deliveries.find({}, { sort: { userId: 1 } })).map((x) => x.userId)).toEqual(['u-queued', 'u-recent']);
    expect(await s.store.blobs.get(oldUpload)).toBeNull();
    expect(await s.store.blobs.get(freshUpload)).not.toBeNull();
    expect((await kv.find({ ns: IMPORT_UPLOADS_NS })).map((e) => e._id)).toEqual([`${IMPORT_UPLOADS_NS}:${freshUpload}`]);
    expect((await kv.find({ ns: PENDING_COMMANDS_NS })).map((e) => e._id)).toEqual([`${PENDING_COMMANDS_NS}:new`]);
  });

  it('/privacy tells how long records are kept, in the user\'s language', async () => {
    const ru = t.tg.user(6601, { language_code: 'ru' });
    const m = await ru.say('/privacy', 'Сколько хранятся записи');
    expect(m.text).toContain('24 часа');
    expect(m.text).toContain('7 дней');
    expect(m.text).toContain('90 дней');
  });
});
