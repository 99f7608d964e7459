/** The long-polling loop: a stop while it backs off from failing getUpdates ends at once, not after the wait. */
import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_TOKEN } from '../../bot/demo/emulator.js';
import { DurablePoller } from '../../bot/telegram/polling.js';
import { ManualClock } from '../../services/clock.js';
import { Inbox } from '../../services/intake/inbox.js';
import { Intake } from '../../services/intake/intake.js';
import { openStore, type Store } from '../../services/store/index.js';
import { tempDir } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';

let tg: FakeTelegram;
let store: Store;
beforeAll(async () => {
  tg = await FakeTelegram.start();
  store = await openStore({ dataDir: tempDir(), inMemory: true });
});
afterAll(async () => {
  await store.close();
  await tg.close();
});

describe('DurablePoller', () => {
  it('stop() during a backoff after failing getUpdates returns at once', async () => {
    const log = pino({ level: 'silent' });
    const intake = new Intake(new Inbox(store, { clock: new ManualClock(new Date()), log }), { channel: 'telegram', log, keyOf: () => 'x', handle: async () => undefined });
    const warnings: number[] = [];
    const poller = new DurablePoller(new Api(EMULATOR_TOKEN, { apiRoot: tg.apiRoot }), intake, {
      allowedUpdates: ['message'], timeoutSec: 0,
      log: { info: () => undefined, error: () => undefined, warn: (o: object) => void warnings.push((o as { backoffMs: number }).backoffMs) },
    });
    tg.failNext('getUpdates', 502, 'Bad Gateway', { times: 1000 });
    poller.start();
    // 500 + 1000 + 2000 ms of waits: the next one is 4 s.
    await tg.waitUntil(() => warnings.includes(4000), 10_000, 'a 4 s backoff');
    // Which comes first: the stop, or the end of the 4 s wait it used to sit out?
    const first = await Promise.race([poller.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('the wait ended'), 3900))]);
    expect(first).toBe('stopped');
    expect(poller.isRunning()).toBe(false);
  }, 20_000);
});
