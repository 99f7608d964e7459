/**
 * The one outbound budget: replies go before bulk sends; against a fake Bot API that enforces 30 msg/s
 * and one message per second per chat (429 beyond, violations counted), a reply overtakes a running
 * broadcast and nothing is ever refused; a 429 storm inside and outside a conversation ends in the real
 * answer, never in "Something went wrong".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../models/user.js';
import { LocalBudget } from '../../services/outbound/budget.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';

describe('LocalBudget', () => {
  it('hands free slots to replies before bulk sends, and pauses everything after a 429', async () => {
    const budget = new LocalBudget({ perSecond: 4, marginMs: 0 });
    const order: string[] = [];
    const take = (name: string, priority: 'reply' | 'bulk') => budget.acquire({ chat: name, priority }).then(() => order.push(name));
    const all = [];
    for (let i = 0; i < 8; i++) all.push(take(`b${i}`, 'bulk'));
    for (let i = 0; i < 3; i++) all.push(take(`r${i}`, 'reply'));
    expect(budget.depth()).toEqual({ reply: 3, bulk: 4 });
    await Promise.all(all);
    // The first four went at once; the replies took the next window, ahead of the four waiting bulk sends.
    expect(order).toEqual(['b0', 'b1', 'b2', 'b3', 'r0', 'r1', 'r2', 'b4', 'b5', 'b6', 'b7']);

    budget.pause(300);
    let granted = false;
    const next = budget.acquire({ chat: 'x', priority: 'reply' }).then(() => (granted = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(granted).toBe(false);
    await next;
    expect(granted).toBe(true);
  });

  it('spaces the messages of one chat and lets other chats through meanwhile', async () => {
    const budget = new LocalBudget({ perSecond: 100, perChatIntervalMs: 400, marginMs: 0 });
    const order: string[] = [];
    await budget.acquire({ chat: 'a', priority: 'reply' });
    const second = budget.acquire({ chat: 'a', priority: 'reply' }).then(() => order.push('a2'));
    const other = budget.acquire({ chat: 'b', priority: 'bulk' }).then(() => order.push('b1'));
    await Promise.all([second, other]);
    expect(order).toEqual(['b1', 'a2']);
  });
});

describe('replies under Telegram limits (fake enforcing 30 msg/s and 1 msg/s per chat)', () => {
  let t: TestApp;
  const RECIPIENTS = 120;

  beforeAll(async () => {
    const tg = await FakeTelegram.start();
    tg.rateLimitPerSecond = 30;
    tg.perChatIntervalMs = 1000;
    t = await startTestApp({ tg, env: { TELEGRAM_CHAT_INTERVAL_MS: '1000', STAFF_TELEGRAM_IDS: '5555' } });
  });
  afterAll(async () => t?.close());

  it('a /start sent during a broadcast is answered before the broadcast is through, and no limit is broken', async () => {
    const s = t.app.services;
    const admin = await s.users.touch({ channel: 'telegram', externalId: '5555', chatId: '5555' });
    for (let i = 0; i < RECIPIENTS; i++) {
      await s.users.users.insert({
        channel: 'telegram', externalId: String(70_000 + i), chatId: String(70_000 + i), locale: 'ro', localeChosen: true, role: 'user',
        reachable: true, lastInboundAt: new Date(), createdAt: new Date(), matchCadence: 'off',
      } as Partial<User>);
    }
    const b = await s.broadcasts.create(admin, {
      audience: { role: 'customers', channels: ['telegram'], districts: [], sectors: [], locales: [] },
      versions: [{ locale: '*', text: 'Târg de primăvară', entities: [] }],
    });
    await s.broadcasts.schedule(admin, b._id);
    const broadcastSent = () => t.tg.sent.filter((m) => m.text === 'Târg de primăvară').length;
    await t.tg.waitUntil(() => broadcastSent() >= 30, 30_000, 'the broadcast under way');

    const u = t.tg.user(6100, { language_code: 'en', first_name: 'Ion' });
    await u.say('/start', 'Hello, Ion');
    // The reply did not queue behind the rest of the broadcast.
    expect(broadcastSent()).toBeLessThan(RECIPIENTS - 20);
    expect(await s.broadcasts.deliveries.count({ broadcastId: b._id, status: 'queued' })).toBeGreaterThan(0);

    // The audience is the 120 customers and the admin (not a business owner, so a customer of this audience too):
    // wait for exactly that many (equality alone could be met on the way to 121).
    expect(await s.broadcasts.deliveries.count({ broadcastId: b._id })).toBe(RECIPIENTS + 1);
    await t.tg.waitUntil(() => broadcastSent() === RECIPIENTS + 1, 60_000, 'the whole broadcast');
    expect(t.tg.violations).toEqual({ overall: 0, perChat: 0 });
    expect(t.tg.sent.filter((m) => /went wrong|nu a mers/i.test(m.text ?? ''))).toHaveLength(0);
  }, 120_000);

  it('a 429 storm outside and inside a conversation ends in the real answers, never an error message', async () => {
    const u = t.tg.user(6101, { language_code: 'en' });
    t.tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1, times: 4 });
    await u.say('/help', 'Commands you can use');
    await u.say('/register', 'What is the name');
    t.tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1, times: 4 });
    await u.say('Storm Ltd', 'Choose your sectors');
    expect(u.messages().filter((m) => /went wrong/i.test(m.text ?? ''))).toHaveLength(0);
    await u.say('/cancel', 'cancelled');
    const m = await fetch(`${t.app.url}/metrics`).then((r) => r.text());
    expect(Number(m.match(/^lag_outbound_rate_limited_total\{channel="telegram"\} (\d+)/m)?.[1])).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
