/**
 * kill -9 of the real bot process (bot/main.ts) while a burst of /start is being answered, with replies on
 * the wire (Telegram has them, the bot has not heard back): after the restart every user has exactly one
 * welcome — the replies journal keeps those from being sent again. Also: Telegram re-sending updates whose confirmation it did
 * not see (before and after the crash) changes nothing.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { startBotProcess, type BotProcess } from '../helpers/process.js';

const USERS = 60;
const FIRST = 91_000;
const welcomes = (tg: FakeTelegram, id: number) => tg.messagesTo(id).filter((m) => m.text?.startsWith('Bună ziua, U')).length;

describe('durable intake under kill -9', () => {
  let tg: FakeTelegram;
  let dataDir: string;
  let run: BotProcess | undefined;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
    dataDir = tempDir('intake-kill-');
  });
  afterAll(async () => {
    await run?.stop();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every /start of a burst exactly once across a kill -9 with replies in flight', async () => {
    const env = { ...testEnv(tg, dataDir, { LOG_LEVEL: 'info' }), DOTENV_CONFIG_PATH: '/nonexistent' };
    run = startBotProcess(env);
    await run.ready(undefined, 60_000);

    // Replies pass until 20 are out; after that Telegram takes each one (it is delivered) but never answers:
    // the bot dies with them on the wire.
    let gate: Promise<void> | undefined;
    let held = 0;
    tg.afterAnswer = async (method) => {
      if (method !== 'sendMessage') return;
      if (!gate && tg.callsOf('sendMessage').length >= 20) gate = new Promise<void>(() => undefined);
      if (gate) {
        held++;
        await gate;
      }
    };
    // Telegram misses the first confirmations: the same updates come again while the bot runs.
    tg.ignoreOffsetTimes = 3;
    for (let i = 0; i < USERS; i++) tg.user(FIRST + i, { first_name: `U${i}` }).send('/start');

    await tg.waitUntil(() => held >= 3, 30_000, 'replies held in flight');
    // Let the answered ones finish being marked done, then crash with replies still in flight.
    await new Promise((r) => setTimeout(r, 500));
    const before = Array.from({ length: USERS }, (_, i) => welcomes(tg, FIRST + i)).filter((n) => n > 0).length;
    expect(before).toBeGreaterThanOrEqual(20);
    expect(before).toBeLessThan(USERS);
    await run.kill9();
    tg.afterAnswer = undefined;
    // After the crash Telegram sends again what it has not seen confirmed.
    tg.ignoreOffsetTimes = 2;

    run = startBotProcess(env);
    await run.ready(undefined, 60_000);
    await tg.waitUntil(() => Array.from({ length: USERS }, (_, i) => welcomes(tg, FIRST + i)).every((n) => n >= 1), 60_000, 'every user welcomed');
    // Settle: a duplicate would show up within this time.
    await new Promise((r) => setTimeout(r, 1500));
    const counts = Array.from({ length: USERS }, (_, i) => welcomes(tg, FIRST + i));
    expect(counts.filter((n) => n === 0)).toHaveLength(0);
    expect(counts.filter((n) => n > 1)).toHaveLength(0);
    expect(run.output()).toContain('handling updates stored before the restart');
    expect(run.output()).toContain('replies already sent were not repeated');
  }, 180_000);
});
