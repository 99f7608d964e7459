/**
 * Long polling allows one poller per bot token: a second instance on the same store refuses to start, saying
 * that webhook mode is the way to run several; a poller killed with -9 is replaced at once by a restart.
 */
import { rmSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { dropTestDatabase, testMongoUri } from '../helpers/mongo.js';
import { startBotProcess, type BotProcess } from '../helpers/process.js';

const procs: BotProcess[] = [];
const dir = tempDir('lag-poller-');
const uri = testMongoUri();
let tg: FakeTelegram | undefined;

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill9()));
  await tg?.close();
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabase(uri);
});

it('refuses a second poller with the way to scale, and replaces a killed one at once', async () => {
  tg = await FakeTelegram.start();
  const env = testEnv(tg, dir, { STORE_SHARED: '1', LOG_LEVEL: 'info', ...(uri ? { MONGODB_URI: uri } : {}) });
  const first = startBotProcess(env);
  procs.push(first);
  await first.ready(/"msg":"telegram long polling"/, 60_000);

  const second = startBotProcess(env);
  procs.push(second);
  const { code } = await second.exited;
  expect(code).toBe(1);
  expect(second.output()).toContain('Another instance is already long-polling this bot');
  expect(second.output()).toContain('use webhook mode (TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET) with STORE_SHARED=1');
  expect(second.output()).not.toContain('telegram long polling');

  // The poller still answers.
  const u = tg.user(4242);
  u.send('/start');
  await u.expect(/./, { timeoutMs: 30_000 }).catch((err) => {
    throw new Error(`${String(err)}\n--- first instance:\n${first.output().slice(-4000)}`);
  });

  // kill -9, then a restart on this host: the dead process's lease is taken over without waiting for it to run out.
  await first.kill9();
  const third = startBotProcess(env);
  procs.push(third);
  await third.ready(/"msg":"telegram long polling"/, 60_000);
  const since = u.messages().length;
  u.send('/start');
  await u.expect(/./, { since });
}, 120_000);
