/**
 * Offers and matching services without any chat: a recording notifier stands in for the channels.
 * Covers the scheduler's lease lock, cadences (instant / weekly / off), the Messenger 24 h window,
 * "Not relevant", a declined introduction, staff permissions with audit, privacy erasure, and a small
 * run of the matching benchmark.
 */
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Action } from '../../services/actions.js';
import type { Country } from '../../models/listing.js';
import type { Channel, User } from '../../models/user.js';
import { runBench } from '../../scripts/bench-matching.js';
import { createServices, type Services } from '../../services/app.js';
import { ManualClock } from '../../services/clock.js';
import { JOBS } from '../../services/matching/wire.js';
import type { DeliveryOutcome, Notifier, OutMessage } from '../../services/messages.js';
import type { OfferDraft } from '../../services/offers.js';
import { Scheduler } from '../../services/scheduler.js';
import { openStore } from '../../services/store/index.js';

interface Sent { user: User; msg: OutMessage; promotional?: boolean }

class RecordingNotifier implements Notifier {
  sent: Sent[] = [];
  next?: DeliveryOutcome;
  async send(user: User, msg: OutMessage, opts?: { promotional?: boolean }): Promise<DeliveryOutcome> {
    if (this.next) {
      const o = this.next;
      this.next = undefined;
      return o;
    }
    this.sent.push({ user, msg, promotional: opts?.promotional });
    return { status: 'sent' };
  }
  to(u: User): Sent[] {
    return this.sent.filter((s) => s.user._id === u._id);
  }
  cards(u: User): Sent[] {
    return this.to(u).filter((s) => s.msg.buttons?.flat().some((b) => 'action' in b && b.action.kind === 'match.answer' && b.action.op === 'y'));
  }
}

const log = pino({ level: 'silent' });
let clock: ManualClock;
let s: Services;
let rec: RecordingNotifier;
let admin: User;
let n = 0;

async function person(country: Country, channel: Channel = 'telegram', extra: Partial<User> = {}): Promise<User> {
  n++;
  let u = await s.users.touch({ channel, externalId: String(5000 + n), chatId: String(5000 + n), languageCode: country === 'LV' ? 'lv' : 'ro' });
  const listing = await s.directory.submit(u, {
    name: `Business ${n}`, sectors: ['A'], activity: 'farming', country, districtId: country === 'LV' ? 'lv-jelgava' : 'md-soroca', locality: 'x',
    description: 'A farm.', keywords: ['farm'], phone: country === 'LV' ? '+37129000000' : '+37369000000', languages: [],
  });
  await s.directory.moderate(admin, listing._id, 'approve');
  if (Object.keys(extra).length) u = (await s.users.users.findOneAndUpdate({ _id: u._id }, { $set: extra }))!;
  return u;
}

const honeyOffer: OfferDraft = { kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: [], targetDistricts: [], title: 'Acacia honey', description: 'Honey from the north.', keywords: ['honey'] };
const honeyRequest: OfferDraft = { ...honeyOffer, kind: 'request', title: 'Looking for honey', keywords: ['miere'] };

async function publish(u: User, d: OfferDraft) {
  const o = await s.offers.create(u, d);
  return (await s.offers.moderate(admin, o._id, 'approve'))!;
}

beforeEach(async () => {
  clock = new ManualClock(new Date('2026-11-25T10:00:00Z')); // a Wednesday
  const store = await openStore({ dataDir: '/nonexistent', inMemory: true });
  s = createServices({ settings: { publicUrl: 'http://lag.test', defaultLocale: 'ro', bootstrapAdmins: ['1'] }, store, log, clock });
  rec = new RecordingNotifier();
  s.notifier.route('telegram', rec);
  s.notifier.route('messenger', rec);
  admin = await s.users.touch({ channel: 'telegram', externalId: '1', chatId: '1' });
});

describe('scheduler lease', () => {
  it('only one instance holds a job at a time; an expired lease can be taken over; failures are recorded', async () => {
    const a = new Scheduler(s.store, { clock, log });
    const b = new Scheduler(s.store, { clock, log });
    expect(await a.acquire('job', 60_000)).toBe(true);
    expect(await b.acquire('job', 60_000)).toBe(false);
    clock.advance(61_000);
    expect(await b.acquire('job', 60_000)).toBe(true);
    expect((await b.locks.findById('job'))!.owner).toBe(b.instanceId);

    let runs = 0;
    a.register('count', '* * * * *', async () => { runs++; });
    b.register('count', '* * * * *', async () => { runs++; });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    a.register('slow', '* * * * *', () => gate);
    b.register('slow', '* * * * *', async () => { runs += 100; });
    const slow = a.run('slow');
    await new Promise((r) => setTimeout(r, 20));
    expect(await b.run('slow')).toBe(false); // a holds it
    release();
    expect(await slow).toBe(true);
    expect(await a.run('count')).toBe(true);
    expect(await b.run('count')).toBe(false); // the same tick on another instance: runs once
    clock.advance(31_000);
    expect(await b.run('count')).toBe(true); // the next tick may be anyone's
    expect(runs).toBe(2);

    a.register('boom', '* * * * *', async () => { throw new Error('kaput'); });
    expect(await a.run('boom')).toBe(true);
    expect((await a.locks.findById('boom'))!.lastError).toContain('kaput');
    expect(await b.acquire('boom', 1000)).toBe(false);
    clock.advance(31_000);
    expect(await b.acquire('boom', 1000)).toBe(true);
    expect(() => a.register('bad', 'not a cron', async () => undefined)).toThrow(/invalid cron/);
  });
});

describe('several instances on one store', () => {
  it('an offer published through one instance reaches the other instance\'s index at the next sync', async () => {
    const other = createServices({ settings: { publicUrl: 'http://lag.test', defaultLocale: 'ro', bootstrapAdmins: ['1'] }, store: s.store, log, clock });
    await other.matching.ensureLoaded();
    const md = await person('MD');
    const o = await publish(md, honeyOffer);
    expect(s.matching.index.has(o._id)).toBe(true);
    expect(other.matching.index.has(o._id)).toBe(false);
    clock.advance(1000);
    expect(await other.matching.sync()).toBeGreaterThan(0);
    expect(other.matching.index.has(o._id)).toBe(true);
    await s.offers.pause(md, o._id);
    clock.advance(1000);
    await other.matching.sync();
    expect(other.matching.index.has(o._id)).toBe(false);

    // The sync job refreshes each instance's own index: it runs on every instance at the same tick (no lease).
    await s.offers.resume(md, o._id);
    clock.advance(1000);
    expect(await s.scheduler.run(JOBS.sync)).toBe(true);
    expect(await other.scheduler.run(JOBS.sync)).toBe(true);
    expect(other.matching.index.has(o._id)).toBe(true);
  });
});

describe('cadences and channels', () => {
  it('instant sends at once; off never; weekly waits for Monday 09:00', async () => {
    const instant = await person('MD', 'telegram', { matchCadence: 'instant' });
    const off = await person('LV', 'telegram', { matchCadence: 'off' });
    const weekly = await person('LV', 'telegram', { matchCadence: 'weekly' });
    await publish(instant, honeyOffer);
    expect(rec.cards(instant)).toHaveLength(0);
    await publish(off, honeyRequest);
    expect(rec.cards(instant)).toHaveLength(1); // pushed as soon as the match exists
    await publish(weekly, { ...honeyRequest, title: 'Honey for our shop' });
    expect(rec.cards(instant)).toHaveLength(2);

    clock.set(new Date('2026-11-26T07:00:00Z')); // Thursday 09:00 — weekly: this week's digest is due
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(weekly)).toHaveLength(1);
    expect(rec.cards(off)).toHaveLength(0);
    clock.set(new Date('2026-11-27T07:00:00Z'));
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(weekly)).toHaveLength(1);
    // A new match on Sunday waits for Monday 09:00 Riga time.
    const another = await person('MD');
    clock.set(new Date('2026-11-29T12:00:00Z'));
    await publish(another, { ...honeyOffer, title: 'Linden honey' });
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(weekly)).toHaveLength(1);
    clock.set(new Date('2026-11-30T06:59:00Z')); // Monday 08:59 in Riga
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(weekly)).toHaveLength(1);
    clock.set(new Date('2026-11-30T07:00:00Z'));
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(weekly)).toHaveLength(2);
    expect(rec.to(off).map((x) => (x.msg.text[0] as { key: string }).key)).toEqual(['directory:outcome.approve', 'offers:outcome.approve']);
  });

  it('Messenger users get digests only inside the 24 h window, as promotional messages', async () => {
    const md = await person('MD');
    const fb = await person('LV', 'messenger');
    await publish(md, honeyOffer);
    await publish(fb, honeyRequest);
    clock.set(new Date('2026-11-27T07:00:00Z')); // two days after the user last wrote
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(fb)).toHaveLength(0);
    expect(rec.cards(md)).toHaveLength(1);
    // They write a few minutes later: the window (strictly under 24 h) still covers tomorrow's 09:00 digest.
    clock.advance(5 * 60_000);
    await s.users.touch({ channel: 'messenger', externalId: fb.externalId, chatId: fb.chatId });
    // The platform still says "outside the window" once: the match is released and sent next time.
    rec.next = { status: 'outside_window' };
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(fb)).toHaveLength(0);
    expect(await s.matching.newMatches(fb._id)).toHaveLength(1);
    clock.set(new Date('2026-11-28T07:00:00Z'));
    await s.matching.runDueDigests(clock.now());
    const cards = rec.cards(fb);
    expect(cards).toHaveLength(1);
    expect(cards[0].promotional).toBe(true);
  });

  it('an instant push to a Messenger user outside the window waits until they write again', async () => {
    const fb = await person('LV', 'messenger', { matchCadence: 'instant' });
    clock.advance(2 * 86_400_000);
    const md = await person('MD');
    await publish(fb, honeyRequest);
    await publish(md, honeyOffer);
    expect(rec.cards(fb)).toHaveLength(0);
    await s.users.touch({ channel: 'messenger', externalId: fb.externalId, chatId: fb.chatId });
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(fb)).toHaveLength(1);
  });

  it('a digest holds the top 5 and "see more"; see more sends the rest', async () => {
    const me = await person('MD');
    await publish(me, honeyOffer);
    for (let i = 0; i < 7; i++) await publish(await person('LV'), { ...honeyRequest, title: `Honey buyer ${i}` });
    clock.set(new Date('2026-11-26T07:00:00Z'));
    await s.matching.runDueDigests(clock.now());
    expect(rec.cards(me)).toHaveLength(5);
    const more = rec.to(me).find((x) => x.msg.buttons?.flat().some((b) => 'action' in b && b.action.kind === 'match.more'));
    expect(more?.msg.text[0]).toMatchObject({ key: 'offers:digest.more', params: { count: 2 } });
    expect(await s.matching.deliverNew(me, clock.now(), false)).toBe(2);
    expect(rec.cards(me)).toHaveLength(7);
    expect(await s.matching.deliverNew(me, clock.now(), false)).toBe(0);
  });
});

describe('match cards', () => {
  it('cut a long description at a word boundary, within 300 characters', async () => {
    const md = await person('MD');
    const lv = await person('LV');
    await publish(md, honeyOffer);
    await publish(lv, { ...honeyRequest, description: 'Honey wanted. '.repeat(40) });
    const [m] = await s.matching.matches.find({ userId: md._id });
    const desc = (await s.matching.matchCard(m))!.text.find((p) => 'raw' in p) as { raw: string };
    expect([...desc.raw].length).toBeLessThanOrEqual(300);
    expect(desc.raw).toMatch(/^Honey wanted\. .* wanted\.…$/);
  });
});

describe('interest', () => {
  it('"Not relevant" hides the offer for good; a declined introduction shares nothing', async () => {
    const md = await person('MD', 'telegram', { matchCadence: 'instant' });
    const lv = await person('LV', 'telegram', { matchCadence: 'instant' });
    await publish(md, honeyOffer);
    const theirs = await publish(lv, honeyRequest);
    const [m] = await s.matching.matches.find({ userId: md._id });
    expect(await s.matching.notRelevant(md, m._id)).toBe(true);
    // Edited and approved again: still hidden for md, while lv hears about md's offer again only once.
    await s.offers.edit(lv, theirs._id, { title: 'Looking for acacia honey' });
    await s.offers.moderate(admin, theirs._id, 'approve');
    expect(await s.matching.matches.count({ userId: md._id, hidden: false })).toBe(0);
    expect(await s.matching.notRelevant(lv, m._id)).toBe(false); // not lv's match

    const [lm] = await s.matching.matches.find({ userId: lv._id });
    expect(await s.matching.interested(lv, lm._id)).toBe('asked');
    const question = rec.to(md).find((x) => x.msg.buttons?.flat().some((b) => 'action' in b && b.action.kind === 'intro.answer' && b.action.op === 'n'))!;
    const no = question.msg.buttons![0][1] as { action: Action };
    const introId = no.action.kind === 'intro.answer' ? no.action.intro : '';
    expect(await s.matching.answer(md, introId, false)).toBe('declined');
    expect(await s.matching.interested(lv, lm._id)).toBe('already');
    const everything = JSON.stringify(rec.sent.map((x) => x.msg));
    expect(everything).not.toContain('offers:connected');
    expect(await s.matching.introductions()).toBe(0);
    expect(await s.matching.answer(lv, 'nope', true)).toBe('unavailable');
  });
});

describe('staff and lifecycle rules', () => {
  it('pending is oldest first per LAG; moderation is audited; staff close only in their LAG', async () => {
    const md = await person('MD');
    const lv = await person('LV');
    const a = await s.offers.create(md, honeyOffer);
    clock.advance(1000);
    const b = await s.offers.create(lv, honeyRequest);
    expect((await s.offers.pending()).map((o) => o._id)).toEqual([a._id, b._id]);
    expect((await s.offers.pending('lv-lielupe')).map((o) => o._id)).toEqual([b._id]);
    await s.offers.moderate(admin, a._id, 'request_changes', 'Add quantities');
    expect(await s.offers.audit.count({ targetId: a._id, action: 'offer.request_changes' })).toBe(1);
    expect(rec.to(md).some((x) => x.msg.text.some((t) => 'key' in t && t.key === 'offers:outcome.note' && t.params?.note === 'Add quantities'))).toBe(true);

    const mdStaff = (await s.users.setRole((await person('MD'))._id, 'staff', 'md-nord'))!;
    await expect(s.offers.close(mdStaff, b._id)).rejects.toThrow(/not_allowed/);
    await expect(s.offers.close(md, b._id)).rejects.toThrow(/not_allowed/);
    expect((await s.offers.close(mdStaff, a._id)).status).toBe('closed');
    expect(await s.offers.audit.count({ targetId: a._id, action: 'offer.close' })).toBe(1);
    expect((await s.offers.close(admin, b._id)).status).toBe('closed');
    await expect(s.offers.create(md, { ...honeyOffer, targetDistricts: ['lv-jelgava'], targetCountries: ['MD'] })).rejects.toThrow(/bad_target/);
    const stranger = await s.users.touch({ channel: 'telegram', externalId: '777', chatId: '777' });
    await expect(s.offers.create(stranger, honeyOffer)).rejects.toThrow(/no_listing/);
  });

  it('live offers for /lagoffers: published and paused of the staff member\'s LAG, newest first; admins see every LAG', async () => {
    const md = await person('MD');
    const lv = await person('LV');
    const a = await publish(md, honeyOffer);
    clock.advance(1000);
    const b = await publish(lv, honeyRequest);
    await s.offers.pause(lv, b._id);
    clock.advance(1000);
    await s.offers.create(md, { ...honeyOffer, title: 'Linden honey' }); // pending: not live
    const mdStaff = (await s.users.setRole((await person('MD'))._id, 'staff', 'md-nord'))!;
    expect((await s.offers.live(mdStaff, 10)).map((o) => o._id)).toEqual([a._id]);
    expect((await s.offers.live(admin, 10)).map((o) => o._id)).toEqual([b._id, a._id]);
    expect(await s.offers.live(admin, 1)).toHaveLength(1);
    expect(await s.offers.live({ ...mdStaff, lagId: undefined }, 10)).toEqual([]);
  });

  it('expiry takes an offer out of matching; deleting the user erases offers and matches', async () => {
    const md = await person('MD');
    const lv = await person('LV');
    const o = await publish(md, { ...honeyOffer, validityDays: 30 });
    await publish(lv, honeyRequest);
    expect(s.matching.index.has(o._id)).toBe(true);
    clock.advance(31 * 86_400_000);
    expect(await s.offers.runLifecycle(clock.now())).toMatchObject({ expired: 1 });
    expect(s.matching.index.has(o._id)).toBe(false);
    expect(await s.offers.runLifecycle(clock.now())).toEqual({ reminded: 0, expired: 0 });
    await s.privacy.deleteUser(lv);
    expect(await s.offers.offers.count({ ownerId: lv._id })).toBe(0);
    expect(await s.matching.matches.count({ $or: [{ userId: lv._id }, { otherUserId: lv._id }] })).toBe(0);
  });
});

describe('benchmark (small run)', () => {
  it('finds the same top matches as the naive scan and reports figures', () => {
    const f = runBench(1500, { queries: 30, naiveQueries: 30 });
    expect(f.sameResults).toBe(true);
    expect(f.pairs).toBeGreaterThan(0);
    expect(f.avgCandidates).toBeLessThan(1500);
    expect(Number.isFinite(f.p95Ms) && Number.isFinite(f.recomputeMs)).toBe(true);
  });
});
