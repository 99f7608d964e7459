/** The delivery engine against the fake Bot API: 403 → unreachable, 429 → whole sender pauses, transient retry, resume. */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBroadcastWorker } from '../../bot/telegram/features/broadcast-sender.js';
import type { User } from '../../models/user.js';
import { createServices, type Services } from '../../services/app.js';
import { openStore } from '../../services/store/index.js';
import { TokenBucket } from '../../services/broadcast/rate.js';
import { LocalBudget } from '../../services/outbound/budget.js';
import { FakeTelegram, TEST_TOKEN } from '../helpers/fake-telegram.js';
import { tempDir } from '../helpers/app.js';

let tg: FakeTelegram;
let services: Services;

async function addUser(id: number, extra: Partial<User> = {}): Promise<User> {
  return services.users.users.insert({
    channel: 'telegram', externalId: String(id), chatId: String(id), locale: 'ro', localeChosen: true, role: 'user',
    reachable: true, lastInboundAt: new Date(), createdAt: new Date(), matchCadence: 'off', ...extra,
  } as Partial<User>);
}

async function broadcastToCustomers(admin: User, text = 'Anunț'): Promise<string> {
  const b = await services.broadcasts.create(admin, {
    audience: { role: 'customers', channels: ['telegram'], districts: [], sectors: [], locales: [] },
    versions: [{ locale: '*', text, entities: [] }],
  });
  await services.broadcasts.schedule(admin, b._id);
  return b._id;
}

const receivedBy = (text: string) => tg.sent.filter((m) => m.text === text).map((m) => m.chat_id).sort((a, b) => a - b);

beforeEach(async () => {
  tg = await FakeTelegram.start();
  const store = await openStore({ dataDir: tempDir(), inMemory: true });
  services = createServices({ settings: { publicUrl: 'http://x', defaultLocale: 'en', bootstrapAdmins: [] }, store, log: pino({ level: 'silent' }) });
});
afterEach(async () => {
  await tg.close();
  await services.store.close();
});

describe('broadcast delivery engine', () => {
  it('403 marks the user unreachable, skipped by the next broadcast; 429 pauses and the message goes later, once', async () => {
    const admin = await addUser(1, { role: 'admin', locale: 'en', channel: 'messenger' }); // no progress messages in the Telegram log
    for (let i = 0; i < 6; i++) await addUser(100 + i);
    const worker = createBroadcastWorker(services, { token: TEST_TOKEN, apiRoot: tg.apiRoot, budget: new LocalBudget({ perSecond: 200 }), rates: { telegram: 200 }, reportEveryMs: 100_000 });
    tg.failNext('sendMessage', 403, 'Forbidden: bot was blocked by the user');
    const id = await broadcastToCustomers(admin, 'Primul anunț');
    // One recipient 403s, the next send is refused with 429 for 1 s.
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1 });
    const started = Date.now();
    await worker.start();
    await worker.drained(id, 20_000);
    const counts = await services.broadcasts.counts(id);
    expect(counts.sent + counts.blocked).toBe(6);
    expect(counts.blocked).toBe(1);
    const recipients = receivedBy('Primul anunț');
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toHaveLength(5);
    // The 429 stopped everything for retry_after.
    const sends = tg.callsOf('sendMessage').filter((c) => c.params.text === 'Primul anunț');
    expect(sends.at(-1)!.at - started).toBeGreaterThanOrEqual(900);
    const blocked = (await services.users.users.find({ reachable: false })).map((u) => u.externalId);
    expect(blocked).toHaveLength(1);

    const second = await broadcastToCustomers(admin, 'Al doilea');
    await worker.drained(second, 20_000);
    expect(receivedBy('Al doilea').map(String)).not.toContain(blocked[0]);
    expect(receivedBy('Al doilea')).toHaveLength(5);
    await worker.stop();
  }, 30_000);

  it('retries a transient error with backoff and records one delivery per recipient', async () => {
    const admin = await addUser(1, { role: 'admin', locale: 'en', channel: 'messenger' }); // no progress messages in the Telegram log
    for (let i = 0; i < 3; i++) await addUser(200 + i);
    const worker = createBroadcastWorker(services, { token: TEST_TOKEN, apiRoot: tg.apiRoot, budget: new LocalBudget({ perSecond: 200 }), rates: { telegram: 200 }, reportEveryMs: 100_000 });
    const id = await broadcastToCustomers(admin, 'Reîncercare');
    tg.failNext('sendMessage', 502, 'Bad Gateway', { times: 2 });
    await worker.start();
    await worker.drained(id, 20_000);
    await worker.stop();
    expect(receivedBy('Reîncercare')).toEqual([200, 201, 202]);
    expect(await services.broadcasts.deliveries.count({ broadcastId: id })).toBe(3);
    await expect(services.broadcasts.deliveries.insert({ broadcastId: id, userId: (await services.users.byExternal('telegram', '200'))!._id, channel: 'telegram', status: 'queued', seq: 9, attempts: 0, notBefore: new Date(0) }))
      .rejects.toThrow(/duplicate/);
  }, 30_000);

  it('pause holds the queue, resume finishes it, cancel stops the rest', async () => {
    const admin = await addUser(1, { role: 'admin', locale: 'en', channel: 'messenger' }); // no progress messages in the Telegram log
    for (let i = 0; i < 8; i++) await addUser(300 + i);
    const worker = createBroadcastWorker(services, { token: TEST_TOKEN, apiRoot: tg.apiRoot, budget: new LocalBudget({ perSecond: 200 }), rates: { telegram: 4 }, reportEveryMs: 100_000 });
    const id = await broadcastToCustomers(admin, 'Pauză');
    await worker.start();
    await tg.waitUntil(() => receivedBy('Pauză').length >= 2);
    await services.broadcasts.pause(admin, id);
    // Sends claimed before the pause still finish (how many depends on the machine's speed); after they
    // have, the queue stays put — at most the one claim that was already waiting for a slot goes too.
    const open = (status: string) => services.broadcasts.deliveries.count({ broadcastId: id, status });
    for (let i = 0; i < 200 && (await open('sending')) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const queuedAtPause = await open('queued');
    const atPause = receivedBy('Pauză').length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(queuedAtPause).toBeGreaterThan(0);
    expect(await open('queued')).toBeGreaterThanOrEqual(queuedAtPause - 1);
    expect(receivedBy('Pauză').length).toBeLessThanOrEqual(atPause + 1);
    await services.broadcasts.resume(admin, id);
    await tg.waitUntil(() => receivedBy('Pauză').length >= atPause + 2);
    await services.broadcasts.cancel(admin, id);
    await new Promise((r) => setTimeout(r, 600));
    const c = await services.broadcasts.counts(id);
    expect(c.cancelled).toBeGreaterThan(0);
    expect(c.sent + c.cancelled).toBe(8);
    expect(receivedBy('Pauză')).toHaveLength(c.sent);
    await worker.stop();
  }, 30_000);

  it('Messenger recipients only inside the 24 h window; the rest are counted "outside window"', async () => {
    const admin = await addUser(1, { role: 'admin', locale: 'en', channel: 'messenger' });
    const now = Date.now();
    const fresh = await addUser(400, { channel: 'messenger', lastInboundAt: new Date(now - 2 * 3600_000) });
    await addUser(401, { channel: 'messenger', lastInboundAt: new Date(now - 30 * 3600_000) });
    const window = await addUser(402, { channel: 'messenger', lastInboundAt: new Date(now - 3600_000) });
    const sent: string[] = [];
    services.notifier.route('messenger', { send: async (user, msg, opts) => {
      expect(opts?.promotional).toBe(true);
      expect(msg.text).toEqual([{ raw: 'Târg' }]);
      if (user._id === window._id) return { status: 'outside_window' };
      sent.push(user._id);
      return { status: 'sent' };
    } });
    const b = await services.broadcasts.create(admin, {
      audience: { role: 'customers', channels: ['messenger'], districts: [], sectors: [], locales: [] },
      versions: [{ locale: '*', text: 'Târg', entities: [] }],
    });
    expect((await services.broadcasts.preview(b.audience)).outsideWindow).toBe(1);
    await services.broadcasts.schedule(admin, b._id);
    const worker = createBroadcastWorker(services, { token: TEST_TOKEN, apiRoot: tg.apiRoot, budget: new LocalBudget({ perSecond: 200 }), reportEveryMs: 100_000 });
    await worker.start();
    await worker.drained(b._id, 10_000);
    await worker.stop();
    // The admin (a Messenger user who just wrote) is a customer too: 4 recipients; 401 is never tried.
    expect(sent.sort()).toEqual([admin._id, fresh._id].sort());
    const c = await services.broadcasts.counts(b._id);
    expect(c.outside_window).toBe(2);
    expect(c.sent).toBe(2);
    expect(tg.sent).toHaveLength(0);
  });

  it('token bucket: never more than rate × t + capacity', async () => {
    let now = 0;
    const b = new TokenBucket(30, 1, () => now);
    let taken = 0;
    for (let ms = 0; ms <= 1000; ms += 1) {
      now = ms;
      while (b.tryTake()) taken++;
    }
    expect(taken).toBeLessThanOrEqual(31);
    expect(taken).toBeGreaterThanOrEqual(30);
    b.block(2000);
    now = 2000;
    expect(b.tryTake()).toBe(false);
  });
});
