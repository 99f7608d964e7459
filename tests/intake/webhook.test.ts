/**
 * Webhook mode: Telegram gets its 200 only once the update is stored; a storage failure answers 500 (so
 * Telegram delivers it again) and answers nobody; a redelivered update is answered once. /metrics shows
 * the updates, the latency, the store errors and the queues, behind METRICS_TOKEN.
 */
import { rmSync } from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { crosscheckStore } from '../helpers/crosscheck-store.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { failingWrites, type FailSwitch } from './failing-store.js';

const SECRET = 'hook-secret_2';
const METRICS_TOKEN = 'metrics-token-0123456789';

let tg: FakeTelegram;
let app: App;
let dataDir: string;
const sw: FailSwitch = { failing: false };

function update(id: number, chat: number, text: string) {
  const cmd = text.match(/^\/\w+/);
  return {
    update_id: id,
    message: {
      message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Ana', language_code: 'en' },
      text, ...(cmd ? { entities: [{ type: 'bot_command', offset: 0, length: cmd[0].length }] } : {}),
    },
  };
}

const post = (body: unknown, secret = SECRET) => fetch(`${app.url}/tg/hook`, {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body),
});

async function scrape(): Promise<string> {
  const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample line (`name{labels} value`), 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `) || (labels && l.startsWith(`${name}{`) && l.includes(labels) && !l.startsWith('#')));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

beforeAll(async () => {
  tg = await FakeTelegram.start();
  dataDir = tempDir('intake-wh-');
  const config = loadConfig(testEnv(tg, dataDir, { TELEGRAM_WEBHOOK_URL: 'https://lag.example.md/tg/hook', TELEGRAM_WEBHOOK_SECRET: SECRET, METRICS_TOKEN }));
  app = await startApp(config, { log: pino({ level: 'silent' }), wrapStore: (s) => failingWrites(crosscheckStore(s), 'inbound_updates', sw) });
});
afterAll(async () => {
  await app?.stop();
  await tg.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Telegram webhook intake', () => {
  it('answers 200 only after storing; a store failure answers 500 and nobody; the retry is answered once', async () => {
    expect((await post(update(501, 6001, '/help'), 'wrong')).status).toBe(401);
    expect((await post({ hello: 1 })).status).toBe(400);

    sw.failing = true;
    const failed = await post(update(502, 6001, '/help'));
    expect(failed.status).toBe(500);
    sw.failing = false;
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.messagesTo(6001)).toHaveLength(0);
    expect(await app.services.inbox.updates.findById('tg:502')).toBeNull();

    // Telegram retries: now it is stored before the 200 arrives, and answered.
    const ok = await post(update(502, 6001, '/help'));
    expect(ok.status).toBe(200);
    expect(await app.services.inbox.updates.findById('tg:502')).toMatchObject({ channel: 'telegram', seq: 502 });
    await tg.waitUntil(() => tg.messagesTo(6001).length === 1, 10_000, 'the /help answer');
    expect(tg.messagesTo(6001)[0].text).toContain('Commands you can use');
    await app.idle();
    expect(await app.services.inbox.updates.findById('tg:502')).toMatchObject({ done: true });

    // A redelivery of a handled update: 200, nothing sent again.
    expect((await post(update(502, 6001, '/help'))).status).toBe(200);
    await app.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.messagesTo(6001)).toHaveLength(1);
  });

  it('keeps each chat in order while chats run in parallel', async () => {
    const texts = ['/help', '/start', '/help', '/start', '/help'];
    for (const [i, text] of texts.entries()) {
      expect((await post(update(600 + i, 6002, text))).status).toBe(200);
      expect((await post(update(700 + i, 6003, text))).status).toBe(200);
    }
    await tg.waitUntil(() => tg.messagesTo(6002).length >= 5 && tg.messagesTo(6003).length >= 5, 15_000, 'ten answers');
    for (const chat of [6002, 6003]) {
      const kinds = tg.messagesTo(chat).map((m) => (m.text?.includes('Commands you can use') ? '/help' : '/start'));
      expect(kinds).toEqual(texts);
    }
  });

  it('serves Prometheus metrics behind METRICS_TOKEN, and they move with traffic', async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const before = await scrape();
    for (const name of ['lag_updates_handled_total', 'lag_reply_latency_seconds', 'lag_outbound_queue_depth', 'lag_outbound_rate_limited_total',
      'lag_store_errors_total', 'lag_intake_queue_depth', 'nodejs_eventloop_lag_max_seconds']) {
      expect(before).toContain(`# TYPE ${name}`);
    }
    const handled = sample(before, 'lag_updates_handled_total', 'channel="telegram",type="message"');
    const latencyCount = sample(before, 'lag_reply_latency_seconds_count', 'channel="telegram"');
    const storeErrors = sample(before, 'lag_store_errors_total', 'collection="inbound_updates",op="find",kind="failure"')
      + sample(before, 'lag_store_errors_total', 'collection="inbound_updates",op="insertMany",kind="failure"');
    expect(handled).toBeGreaterThanOrEqual(11);
    expect(storeErrors).toBeGreaterThanOrEqual(1);

    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1 });
    expect((await post(update(801, 6004, '/help'))).status).toBe(200);
    sw.failing = true;
    expect((await post(update(802, 6004, '/help'))).status).toBe(500);
    sw.failing = false;
    await tg.waitUntil(() => tg.messagesTo(6004).length === 1, 10_000, 'the answer after a 429');
    await app.idle();

    const after = await scrape();
    expect(sample(after, 'lag_updates_handled_total', 'channel="telegram",type="message"')).toBe(handled + 1);
    expect(sample(after, 'lag_reply_latency_seconds_count', 'channel="telegram"')).toBe(latencyCount + 1);
    expect(sample(after, 'lag_outbound_rate_limited_total', 'channel="telegram"')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'lag_store_errors_total', 'collection="inbound_updates",op="insertMany",kind="failure"')
      + sample(after, 'lag_store_errors_total', 'collection="inbound_updates",op="find",kind="failure"')).toBe(storeErrors + 1);
  });
});
