/**
 * The embedded engine's quick update (services/store/validate.ts quickUpdate) gives exactly the document the
 * full way (mingo's updater + mongoose cast and validation) gives, and declines whatever mongoose would cast,
 * check or fill in.
 */
import { update as applyUpdate } from 'mingo/updater';
import { describe, expect, it } from 'vitest';
import { defineModel } from '../../models/define.js';
import { InboundUpdateModel } from '../../models/inbound-update.js';
import { ListingModel } from '../../models/listing.js';
import { UserModel } from '../../models/user.js';
import type { Doc, ModelDef } from '../../services/store/port.js';
import { EmbeddedStore } from '../../services/store/embedded.js';
import { castAndValidate, directUpdate, quickInsert, quickUpdate } from '../../services/store/validate.js';

const TaggedModel = defineModel<{ _id: string; tags: string[] }>('quick_tagged', { tags: { type: [String] } });
const user = () => ({ _id: 'u1', channel: 'telegram', externalId: '1', chatId: '1', locale: 'ro', localeChosen: false, role: 'user', reachable: true, lastInboundAt: new Date('2026-01-01T00:00:00Z'), matchCadence: 'daily', createdAt: new Date('2026-01-01T00:00:00Z') });
const inbound = () => ({ _id: 'tg:1', channel: 'telegram', seq: 1, payload: '{"update_id":1}', done: false, receivedAt: new Date('2026-01-01T00:00:00Z') });

async function fullWay(def: ModelDef<Doc>, doc: Record<string, unknown>, update: Record<string, unknown>) {
  applyUpdate(doc, update as never);
  return castAndValidate<Record<string, unknown>>(def, doc);
}

describe('quick update', () => {
  const same: [string, ModelDef<Doc>, () => Record<string, unknown>, Record<string, unknown>][] = [
    ['last seen (a date with a default)', UserModel as ModelDef<Doc>, user, { $set: { lastInboundAt: new Date('2026-02-01T00:00:00Z') } }],
    ['a boolean', UserModel as ModelDef<Doc>, user, { $set: { localeChosen: true } }],
    ['unset an optional date', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), doneAt: new Date() }), { $unset: { doneAt: '' } }],
    ['journal line pushed (first and next)', InboundUpdateModel as ModelDef<Doc>, inbound, { $push: { sent: '{"k":0}' } }],
    ['journal line pushed onto lines', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), sent: ['a'] }), { $push: { sent: 'b' } }],
    ['marked done', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), sent: ['a'] }), { $set: { done: true, doneAt: new Date('2026-01-02T00:00:00Z'), payload: '{}' }, $unset: { sent: '' } }],
    ['a counter', InboundUpdateModel as ModelDef<Doc>, inbound, { $inc: { seq: 2 } }],
    ['a string within its maxlength', UserModel as ModelDef<Doc>, user, { $set: { lagId: 'md-nord' } }],
    ['a value of an enum', UserModel as ModelDef<Doc>, user, { $set: { locale: 'ru' } }],
    ['unset a field with a maxlength', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), key: '42' }), { $unset: { key: '' } }],
    ['marked done with its chat key', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), key: '42', sent: ['a'] }), { $set: { done: true, doneAt: new Date('2026-01-02T00:00:00Z'), payload: '{}' }, $unset: { key: '', sent: '' } }],
    ['journal lines pushed at once ($each)', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), sent: ['a'] }), { $push: { sent: { $each: ['b', 'c'] } } }],
  ];
  for (const [name, def, doc, update] of same) {
    it(`takes the quick way and matches the full way: ${name}`, async () => {
      const quick = doc();
      expect(quickUpdate(def, quick, update)).toBe(true);
      expect(quick).toEqual(await fullWay(def, doc(), update));
    });
  }

  const declined: [string, ModelDef<Doc>, () => Record<string, unknown>, Record<string, unknown>][] = [
    ['a value outside an enum', UserModel as ModelDef<Doc>, user, { $set: { locale: 'xx' } }],
    ['a $push modifier other than $each', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), sent: ['a'] }), { $push: { sent: { $each: ['b'], $slice: -1 } } }],
    ['a $push of a non-string into strings', InboundUpdateModel as ModelDef<Doc>, inbound, { $push: { sent: { $each: ['b', 3] } } }],

    ['a maxlength', UserModel as ModelDef<Doc>, user, { $set: { firstName: 'y'.repeat(300) } }],
    ['a value to cast (number as text)', InboundUpdateModel as ModelDef<Doc>, inbound, { $set: { seq: '5' } }],
    ['a date as text', InboundUpdateModel as ModelDef<Doc>, inbound, { $set: { receivedAt: '2026-01-01' } }],
    ['a required field emptied', InboundUpdateModel as ModelDef<Doc>, inbound, { $set: { payload: '' } }],
    ['a required field unset', InboundUpdateModel as ModelDef<Doc>, inbound, { $unset: { payload: '' } }],
    ['a field with a default unset', UserModel as ModelDef<Doc>, user, { $unset: { reachable: '' } }],
    ['an array unset (mongoose gives it [] back unless declared default: undefined)', TaggedModel as ModelDef<Doc>, () => ({ _id: 't1', tags: ['a'] }), { $unset: { tags: '' } }],
    ['an unknown field', UserModel as ModelDef<Doc>, user, { $set: { nope: 1 } }],
    ['a nested path', ListingModel as ModelDef<Doc>, () => ({ _id: 'l1' }), { $set: { 'hours.mon': 'x' } }],
    ['another operator', UserModel as ModelDef<Doc>, user, { $addToSet: { x: 1 } }],
    ['one field in two operators', InboundUpdateModel as ModelDef<Doc>, inbound, { $set: { seq: 1 }, $inc: { seq: 1 } }],
  ];
  for (const [name, def, doc, update] of declined) {
    it(`declines ${name} and leaves the document untouched`, () => {
      const d = doc();
      expect(quickUpdate(def, d, update)).toBe(false);
      expect(d).toEqual(doc());
    });
  }
});

describe('quick insert', () => {
  const stored = () => ({ ...inbound(), key: '3000001', storedBy: 'a1b2c3' });
  const same: [string, ModelDef<Doc>, () => Record<string, unknown>][] = [
    ['an update as intake stores it', InboundUpdateModel as ModelDef<Doc>, stored],
    ['a user with every defaulted field given', UserModel as ModelDef<Doc>, user],
    ['journal lines (an array of strings)', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), sent: ['a', 'b'] })],
  ];
  for (const [name, def, doc] of same) {
    it(`takes the quick way and matches the full way: ${name}`, async () => {
      const quick = quickInsert<Record<string, unknown>>(def, doc());
      expect(quick).not.toBeNull();
      expect(quick).toEqual(await castAndValidate(def, doc()));
    });
  }

  const declined: [string, ModelDef<Doc>, () => Record<string, unknown>][] = [
    ['a document without _id (the schema makes one)', InboundUpdateModel as ModelDef<Doc>, () => { const d: Record<string, unknown> = stored(); delete d._id; return d; }],
    ['a missing field with a default', InboundUpdateModel as ModelDef<Doc>, () => { const d: Record<string, unknown> = stored(); delete d.done; return d; }],
    ['a missing required field', InboundUpdateModel as ModelDef<Doc>, () => { const d: Record<string, unknown> = stored(); delete d.payload; return d; }],
    ['a user missing a defaulted field', UserModel as ModelDef<Doc>, () => { const d: Record<string, unknown> = user(); delete d.reachable; return d; }],
    ['a value to cast', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), seq: '5' })],
    ['a string over its maxlength', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), key: 'k'.repeat(201) })],
    ['a value outside an enum', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), channel: 'sms' })],
    ['an unknown field', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), extra: 1 })],
    ['an explicit undefined', InboundUpdateModel as ModelDef<Doc>, () => ({ ...stored(), doneAt: undefined })],
    ['a nested document', ListingModel as ModelDef<Doc>, () => ({ _id: 'l1', hours: { mon: '9-18' } })],
  ];
  for (const [name, def, doc] of declined) {
    it(`declines ${name}`, () => {
      expect(quickInsert(def, doc())).toBeNull();
    });
  }

  it('copies arrays, so the caller changing its document later does not change what was stored', () => {
    const d = { ...stored(), sent: ['a'] };
    const q = quickInsert<Record<string, unknown>>(InboundUpdateModel as ModelDef<Doc>, d)!;
    d.sent.push('b');
    expect(q.sent).toEqual(['a']);
  });
});

describe('direct update (applied by SQLite to the stored JSON)', () => {
  const cases: [string, ModelDef<Doc>, () => Record<string, unknown>, Record<string, unknown>][] = [
    ['marked done (set, unset)', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), key: '42', sent: ['a'] }), { $set: { done: true, doneAt: new Date('2026-01-02T00:00:00Z'), payload: '{}' }, $unset: { key: '', sent: '' } }],
    ['a journal line onto none', InboundUpdateModel as ModelDef<Doc>, inbound, { $push: { sent: '{"k":"sendMessage 1 0","phase":"sending"}' } }],
    ['journal lines onto lines ($each)', InboundUpdateModel as ModelDef<Doc>, () => ({ ...inbound(), sent: ['a'] }), { $push: { sent: { $each: ['b', 'c "quoted" \\ ünïcödé ✓'] } } }],
    ['text with quotes, newlines and emoji; a null', UserModel as ModelDef<Doc>, user, { $set: { firstName: 'Ana "la\nmiere" 🐝 \'x\'', username: null } }],
    ['a date, a number, a boolean', UserModel as ModelDef<Doc>, user, { $set: { lastInboundAt: new Date('2026-03-04T05:06:07.089Z'), localeChosen: true } }],
  ];
  for (const [name, def, doc, update] of cases) {
    it(`gives the document the full way gives: ${name}`, async () => {
      expect(directUpdate(def, update)).not.toBeNull();
      const store = new EmbeddedStore('', { inMemory: true });
      await store.init();
      try {
        const col = store.collection(def);
        await col.insert(doc() as never);
        expect(await col.updateOne({ _id: doc()._id }, update as never)).toEqual({ matched: 1, modified: 1 });
        expect(await col.findById(String(doc()._id))).toEqual(await fullWay(def, doc(), update));
        // Nothing matched: nothing written, and the result says so.
        expect(await col.updateOne({ _id: 'nobody' }, update as never)).toEqual({ matched: 0, modified: 0 });
      } finally {
        await store.close();
      }
    });
  }

  it('declines what needs the stored value or mongoose ($inc, casts, enums outside, unknown paths)', () => {
    expect(directUpdate(InboundUpdateModel as ModelDef<Doc>, { $inc: { seq: 1 } })).toBeNull();
    expect(directUpdate(InboundUpdateModel as ModelDef<Doc>, { $set: { seq: '5' } })).toBeNull();
    expect(directUpdate(UserModel as ModelDef<Doc>, { $set: { locale: 'xx' } })).toBeNull();
    expect(directUpdate(UserModel as ModelDef<Doc>, { $set: { nope: 1 } })).toBeNull();
    expect(directUpdate(UserModel as ModelDef<Doc>, { $set: { 'a.b': 1 } })).toBeNull();
    expect(directUpdate(TaggedModel as ModelDef<Doc>, { $unset: { tags: '' } })).toBeNull();
  });

  it('a $push onto a stored value that is not an array takes the usual way (whatever it makes of it)', async () => {
    const store = new EmbeddedStore('', { inMemory: true });
    await store.init();
    try {
      const col = store.collection(InboundUpdateModel);
      await col.insert(inbound() as never);
      store.database.prepare(`UPDATE inbound_updates SET doc = json_set(doc, '$.sent', 'oops') WHERE _id = 'tg:1'`).run();
      const usual = await fullWay(InboundUpdateModel as ModelDef<Doc>, { ...inbound(), sent: 'oops' }, { $push: { sent: 'x' } }).catch((e: unknown) => e);
      const got = await col.updateOne({ _id: 'tg:1' }, { $push: { sent: 'x' } }).then(() => col.findById('tg:1'), (e: unknown) => e);
      expect(got).toEqual(usual);
      expect(got).not.toEqual(expect.objectContaining({ sent: 'oops' }));
    } finally {
      await store.close();
    }
  });
});
