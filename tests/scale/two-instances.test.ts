/**
 * Two real bot processes on one store (STORE_SHARED=1: one DATA_DIR on the embedded engine, one database with
 * MONGODB_URI), in webhook mode, behind the fake Bot API that delivers updates to them round-robin. They must
 * behave as one bot: changes reach both indexes, one outbound budget, one chat's updates in order, a digest
 * and a broadcast once — also when the broadcast worker's instance is killed with -9.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryModel } from '../../models/delivery.js';
import { LeaseModel } from '../../models/coordination.js';
import type { User } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import { ROLES } from '../../services/lease.js';
import { maxPerWindow, startCluster, type Cluster } from '../helpers/cluster.js';
import { MESSAGE_METHODS } from '../../bot/telegram/outbound.js';

const ADMIN = 9000;
const LIMIT = 10; // messages per second for the whole bot: TELEGRAM_MESSAGES_PER_SECOND and the fake's limit
const CUSTOMERS = 30;
const BROADCAST_TEXT = 'Anunț pentru toți: târg la Soroca';

let c: Cluster;
let admin: User;

async function addUser(s: Services, id: number, extra: Partial<User> = {}): Promise<User> {
  return s.users.users.insert({
    channel: 'telegram', externalId: String(id), chatId: String(id), locale: 'ro', localeChosen: true, role: 'user',
    reachable: true, lastInboundAt: new Date(), createdAt: new Date(), matchCadence: 'off', ...extra,
  } as Partial<User>);
}

async function seed(s: Services): Promise<void> {
  admin = await addUser(s, ADMIN, { role: 'admin', locale: 'en' });
  const listing = async (ext: number, name: string, extra: Record<string, unknown> = {}) => {
    const owner = await addUser(s, ext);
    const l = await s.directory.submit(owner, {
      name, sectors: ['A'], activity: 'apicultură', country: 'MD', districtId: 'md-soroca', locality: 'Vădeni',
      description: `${name}: miere din Soroca.`, keywords: ['miere'], phone: '+37369123456', languages: ['ro'], ...extra,
    });
    return { owner, l };
  };
  // Published businesses the ordering test searches for, one per word.
  for (const [i, w] of ['Alfa', 'Bravo', 'Delta', 'Ecou', 'Foxtrot', 'Golf'].entries()) {
    const { l } = await listing(5000 + i, `Ordine ${w}`, { keywords: [`ordine${w.toLowerCase()}`] });
    await s.directory.moderate(admin, l._id, 'approve');
  }
  // Waiting for review: approved through one instance, searched through the other.
  await listing(5100, 'Zmeurica Unica SRL', { keywords: ['zmeură'] });
  // Two owners whose offer and request match: the digest job (every 2 s on both instances) tells them once.
  const md = await listing(5200, 'Prisaca Digest', {});
  await s.directory.moderate(admin, md.l._id, 'approve');
  const lv = await listing(5201, 'Biškopība Digest', { country: 'LV', districtId: 'lv-jelgavas-novads', languages: ['lv'] });
  await s.directory.moderate(admin, lv.l._id, 'approve');
  const offer = await s.offers.create(md.owner, {
    kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: ['LV'], targetDistricts: [],
    title: 'Miere de salcâm pentru Letonia', description: 'Livrăm miere de salcâm în Letonia.', keywords: ['miere', 'ceară'],
  });
  await s.offers.moderate(admin, offer._id, 'approve');
  const request = await s.offers.create(lv.owner, {
    kind: 'request', type: 'supplier', sectors: ['A'], targetCountries: ['MD'], targetDistricts: [],
    title: 'Meklējam medus piegādātāju', description: 'Meklējam medus piegādātāju no Moldovas.', keywords: ['medus', 'vasks'],
  });
  await s.offers.moderate(admin, request._id, 'approve');
  await s.users.users.updateMany({ _id: { $in: [md.owner._id, lv.owner._id] } }, { $set: { matchCadence: 'instant' } });
  for (let i = 0; i < CUSTOMERS; i++) await addUser(s, 6000 + i);
}

const sends = () => c.tg.calls.filter((call) => MESSAGE_METHODS.test(call.method));

beforeAll(async () => {
  c = await startCluster({
    seed,
    env: {
      STAFF_TELEGRAM_IDS: String(ADMIN),
      TELEGRAM_MESSAGES_PER_SECOND: String(LIMIT),
      BROADCAST_RATE_PER_SECOND: String(LIMIT),
      JOB_SCHEDULES: 'offers.digests=*/2 * * * * *',
    },
  });
  c.tg.rateLimitPerSecond = LIMIT;
  await Promise.all([c.start(), c.start()]);
  c.route();
}, 120_000);

afterAll(async () => {
  await c?.close();
}, 60_000);

describe('two instances on one store', () => {
  it('a listing approved through one instance is found through the other within 5 s', async () => {
    const listing = (await c.services.directory.listings.findOne({ name: 'Zmeurica Unica SRL' }))!;
    const staff = c.tg.user(ADMIN, { language_code: 'en' });
    const customer = c.tg.user(7001, { language_code: 'ro' });
    await staff.say('/pending', 'Zmeurica Unica SRL');
    await staff.tap(`mod:ok:${listing._id}`, 'is published');
    const approvedAt = Date.now();
    const approvedBy = c.tg.webhookStats.byUpdate.get(c.tg.lastUpdateId)!;
    expect(approvedBy).toBeTruthy();
    // Search until a search handled by the OTHER instance finds it; give up after 5 s.
    let foundThroughOther = false;
    while (!foundThroughOther) {
      expect(Date.now() - approvedAt).toBeLessThan(5000);
      const since = customer.messages().length;
      customer.send('zmeurica');
      const id = c.tg.lastUpdateId;
      await c.tg.waitUntil(() => customer.messages().length > since && c.tg.webhookStats.byUpdate.get(id), 10_000);
      await c.tg.waitUntil(() => customer.messages().slice(since).length > 0);
      await new Promise((r) => setTimeout(r, 100)); // the cards follow the header
      const found = customer.messages().slice(since).some((m) => (m.text ?? m.caption ?? '').includes('Zmeurica Unica'));
      if (found && c.tg.webhookStats.byUpdate.get(id) !== approvedBy) foundThroughOther = true;
    }
    expect(foundThroughOther).toBe(true);
  }, 30_000);

  it("answers one chat's messages in order although its updates go to both instances", async () => {
    const words = ['alfa', 'bravo', 'delta', 'ecou', 'foxtrot', 'golf'];
    const u = c.tg.user(7002, { language_code: 'ro' });
    const since = u.messages().length;
    const first = c.tg.lastUpdateId + 1;
    // The first answer is slow to reach "Telegram": without one-chat-at-a-time across instances, the next
    // messages (handled by the other instance meanwhile) would be answered first.
    c.tg.beforeAnswer = (_method, params) => (Number(params.chat_id) === u.id && String(params.text ?? params.caption ?? '').includes('Ordine Alfa')
      ? new Promise((r) => setTimeout(r, 600)) : undefined);
    for (const w of words) u.send(`ordine${w}`);
    await c.tg.waitUntil(() => words.every((w) => u.messages().slice(since).some((m) => (m.text ?? m.caption ?? '').includes(`Ordine ${w[0].toUpperCase()}${w.slice(1)}`))), 30_000, 'every answer');
    c.tg.beforeAnswer = undefined;
    // Both instances handled some of them.
    const handlers = new Set(words.map((_, i) => c.tg.webhookStats.byUpdate.get(first + i)));
    expect(handlers.size).toBe(2);
    // The answers (cards naming the business) come in the order the messages were sent.
    const order = u.messages().slice(since).map((m) => words.findIndex((w) => (m.text ?? m.caption ?? '').includes(`Ordine ${w[0].toUpperCase()}${w.slice(1)}`))).filter((i) => i >= 0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(words.length);
  }, 60_000);

  it('never sends more than the one budget in total, replies to everyone', async () => {
    const from = sends().length;
    const users = Array.from({ length: 24 }, (_, i) => c.tg.user(7100 + i, { language_code: 'ro' }));
    for (const u of users) u.send('/start');
    await c.tg.waitUntil(() => users.every((u) => u.messages().length > 0), 60_000, 'a reply to everyone');
    const burst = sends().slice(from);
    expect(burst.length).toBeGreaterThanOrEqual(users.length);
    // Both instances answered (the updates went round-robin) …
    expect(new Set(users.map((u) => c.tg.webhookStats.byUpdate.get(c.tg.inbound.find((m) => m.chat_id === u.id)?.update_id ?? -1))).size).toBe(2);
    // … and the fake Bot API never saw more than the limit in any second: no 429 at all.
    // (The fake's rule: any one-second window, less its 10 ms of tolerance for loopback jitter.)
    expect(c.tg.violations.overall).toBe(0);
    expect(maxPerWindow(sends().map((s) => s.at), 1000 - c.tg.limitToleranceMs)).toBeLessThanOrEqual(LIMIT);
  }, 90_000);

  it('a match digest goes out once although both instances run the digest job', async () => {
    const md = c.tg.user(5200);
    const lv = c.tg.user(5201);
    await md.expect('Biškopība Digest', { timeoutMs: 30_000 });
    await lv.expect('Prisaca Digest', { timeoutMs: 30_000 });
    // Several more ticks of the job on both instances.
    const lock = async () => (await c.services.scheduler.locks.findById('offers.digests'))?.lastRunAt?.getTime() ?? 0;
    const ranAt = await lock();
    await c.tg.waitUntil(() => Date.now() > ranAt + 6000 || undefined, 15_000);
    const cards = (u: typeof md, name: string) => u.messages().filter((m) => (m.text ?? m.caption ?? '').includes(name)).length;
    expect(cards(md, 'Biškopība Digest')).toBe(1);
    expect(cards(lv, 'Prisaca Digest')).toBe(1);
    expect(await c.services.matching.matches.count({ notifiedAt: { $exists: false } })).toBe(0);
  }, 60_000);

  it('a broadcast goes out once; kill -9 of the worker instance hands it over: no duplicate, no loss', async () => {
    const lease = await c.store.collection(LeaseModel).findById(ROLES.broadcast);
    const holder = c.instances.find((i) => lease?.owner.includes(`:${i.pid}:`));
    expect(holder).toBeTruthy();
    let seen = 0;
    c.tg.afterAnswer = async (method, params) => {
      if (method === 'sendMessage' && params.text === BROADCAST_TEXT && ++seen === 8) {
        holder!.proc.child.kill('SIGKILL'); // recorded as sent here; the bot never hears the answer
        c.route(c.instances.filter((i) => i !== holder));
      }
    };
    const b = await c.services.broadcasts.create(admin, {
      audience: { role: 'customers', channels: ['telegram'], districts: [], sectors: [], locales: [] },
      versions: [{ locale: '*', text: BROADCAST_TEXT, entities: [] }],
    });
    await c.services.broadcasts.schedule(admin, b._id);
    await holder!.proc.exited;
    const done = async () => (await c.services.broadcasts.byId(b._id))?.status === 'done';
    for (let i = 0; i < 600 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await done()).toBe(true);
    c.tg.afterAnswer = undefined;

    const received = c.tg.sent.filter((m) => m.text === BROADCAST_TEXT).map((m) => m.chat_id);
    const deliveries = await c.store.collection(DeliveryModel).find({ broadcastId: b._id });
    const customers = await c.services.users.users.find({ _id: { $in: deliveries.map((d) => d.userId) } });
    const recipients = customers.map((u) => Number(u.chatId));
    expect(recipients.length).toBeGreaterThanOrEqual(CUSTOMERS);
    const unknown = deliveries.filter((d) => d.status === 'unknown');
    // Nobody twice.
    expect(received.length).toBe(new Set(received).size);
    // Everyone received it, except sends in flight at the kill: recorded `unknown` (reported to staff), never re-sent.
    const missing = recipients.filter((r) => !received.includes(r));
    const unknownChats = new Set(unknown.map((d) => Number(customers.find((u) => u._id === d.userId)!.chatId)));
    expect(missing.filter((m) => !unknownChats.has(m))).toEqual([]);
    expect(unknown.length).toBeGreaterThanOrEqual(1); // the send the kill interrupted
    expect(unknown.length).toBeLessThanOrEqual(8); // at most the worker's concurrency
    expect(deliveries.filter((d) => d.status === 'sent').length + unknown.length).toBe(recipients.length);
    // The surviving instance finished it: the final report was sent to the staff member once.
    const finals = () => c.tg.callsOf('sendMessage').filter((call) => Number(call.params.chat_id) === ADMIN && String(call.params.text).startsWith('✅ Broadcast finished.'));
    await c.tg.waitUntil(() => finals().length > 0, 30_000, 'the final report'); // it follows the "done" status
    await new Promise((r) => setTimeout(r, 1000));
    expect(finals()).toHaveLength(1);
    expect(finals()[0].params.text).toContain('Interrupted by a restart');
  }, 120_000);

  it('kill -9 of the instance handling a chat: another instance finishes it, the reply sent once (the dead holder\'s chat lease taken over)', async () => {
    // A third instance joins (the broadcast test killed one); two serve from now on.
    const fresh = await c.start();
    const alive = c.instances.filter((i) => i.proc.child.exitCode === null && i.proc.child.signalCode === null);
    expect(alive).toContain(fresh);
    c.route(alive);
    const u = c.tg.user(7300, { language_code: 'ro' });
    let held: (() => void) | undefined;
    c.tg.afterAnswer = (method, params) => {
      if (method !== 'sendMessage' || Number(params.chat_id) !== u.id) return;
      return new Promise<void>((resolve) => (held = resolve)); // Telegram has the reply; its answer hangs
    };
    u.send('/start');
    const id = c.tg.lastUpdateId;
    await c.tg.waitUntil(() => held, 30_000, 'the reply on the wire');
    const handler = alive.find((i) => i.hook === c.tg.webhookStats.byUpdate.get(id))!;
    expect(handler).toBeTruthy();
    await handler.proc.kill9(); // it dies before hearing back; the update is not marked done
    c.tg.afterAnswer = undefined;
    expect(u.messages()).toHaveLength(1);
    // Another instance takes the dead holder's chat lease and handles the update again — without sending the
    // reply Telegram already has (the replies journal).
    const others = alive.filter((i) => i !== handler);
    await c.tg.waitUntil(() => others.some((i) => i.proc.output().includes('replies already sent were not repeated')), 90_000, 'the update handled again elsewhere');
    await new Promise((r) => setTimeout(r, 1000));
    expect(u.messages()).toHaveLength(1);
    // The chat goes on, served by the living instances.
    const before = u.messages().length;
    u.send('/start');
    await c.tg.waitUntil(() => u.messages().length > before, 30_000, 'the next answer');
    await new Promise((r) => setTimeout(r, 1000));
    expect(u.messages()).toHaveLength(before + 1);
  }, 150_000);
});
