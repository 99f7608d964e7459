/**
 * The real entry point (`npm start` = tsx bot/main.ts) as a child process: it serves a user in their
 * language, survives kill -9 in the middle of a registration, serves /healthz, refuses to start without a
 * token, and in webhook mode checks Telegram's secret token.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, TEST_TOKEN } from '../helpers/fake-telegram.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { skipProfileSteps } from '../helpers/flows.js';
import { startBotProcess, type BotProcess } from '../helpers/process.js';
import { readStoreText } from '../helpers/store-files.js';

const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;

/** The real bot, started and ready; all its output is kept (the token must never appear in it). */
async function startMain(env: Record<string, string>): Promise<BotProcess> {
  const run = startBotProcess(env, 'bot/main.ts', 5_000_000);
  await run.ready();
  return run;
}

describe('the bot process', () => {
  let tg: FakeTelegram;
  let dataDir: string;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
    dataDir = tempDir('proc-');
  });
  afterAll(async () => {
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits with a clear message when TELEGRAM_BOT_TOKEN is missing', async () => {
    const run = startBotProcess({ DOTENV_CONFIG_PATH: '/nonexistent' });
    expect((await run.exited).code).toBe(1);
    const err = run.output();
    expect(err).toContain('TELEGRAM_BOT_TOKEN is required');
    expect(err).toContain('@BotFather');
  });

  it('survives kill -9 in the middle of a registration and the staff approval reaches the owner', async () => {
    const env = { ...testEnv(tg, dataDir, { STAFF_TELEGRAM_IDS: '777', LOG_LEVEL: 'info', PORT: '0' }), DOTENV_CONFIG_PATH: '/nonexistent' };
    let run = await startMain(env);
    expect(run.output()).not.toContain(TEST_TOKEN);

    const staff = tg.user(777, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = tg.user(4001, { language_code: 'ro', first_name: 'Maria' });
    await u.say('/start', 'Bună ziua, Maria');
    await u.say('/register', 'Cum se numește afacerea?');
    await u.say('Ferma Maria', 'Alegeți domeniile');
    u.press('sec:A');
    await u.tap('sec:!done', 'Descrieți activitatea');
    // The reply goes out before the conversation state is written: kill once the step is on disk, as a
    // crash a moment later would find it (a crash inside that window replays the previous question).
    await tg.waitUntil(() => {
      try {
        return readStoreText(dataDir, "SELECT doc FROM kv WHERE doc LIKE '%sec:!done%'").length > 0;
      } catch {
        return false;
      }
    }, 10_000, 'the conversation step on disk');

    await run.kill9();
    run = await startMain(env);

    await u.say('legume și fructe', 'Unde se află afacerea');
    await u.tap('dst:md-balti', 'În ce localitate');
    await u.say('Bălți', 'Descrieți afacerea');
    await u.say('Legume de seră și fructe de sezon din Bălți.', 'Scrieți produsele');
    await u.say('roșii, castraveți, mere', 'Numărul de telefon');
    await u.say('+37369000111', 'Adresa de e-mail');
    await u.tap('step:skip', 'Site-ul web');
    await u.tap('step:skip', 'Pagina de Facebook');
    await u.tap('step:skip', 'Adresa (stradă');
    await skipProfileSteps(u, 'În ce limbi');
    await u.tap('spk:!done', 'Trimiteți logoul');
    const summary = await u.tap('step:skip', 'Verificați datele');
    expect(summary.text).toContain('Ferma Maria');
    expect(summary.text).toContain('legume și fructe');
    const staffSince = staff.messages().length;
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    const card = await staff.expect('New business to review', { since: staffSince });
    const approve = card.reply_markup.inline_keyboard.flat().find((b: any) => b.callback_data?.startsWith('mod:ok:'));
    await staff.tap(approve.callback_data, 'is published');
    await u.expect('„Ferma Maria” a fost aprobată');

    // Health over HTTP from the running process.
    const port = run.output().match(LISTENING)?.[1];
    expect(port).toBeTruthy();
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json());
    expect(health).toEqual({ ok: true, store: { engine: 'embedded', ok: true } });

    await run.stop();
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toContain('"msg":"stopped"');
    expect(run.output()).not.toContain(TEST_TOKEN);
  }, 60_000); // two bot processes start, and registration now has six optional page questions

  it('in webhook mode registers the webhook with a secret and rejects requests without it', async () => {
    const dir = tempDir('proc-wh-');
    const env = { ...testEnv(tg, dir, { LOG_LEVEL: 'info', TELEGRAM_WEBHOOK_URL: 'https://lag.example.md/tg/hook', TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1' }), DOTENV_CONFIG_PATH: '/nonexistent' };
    const run = await startMain(env);
    try {
      const set = tg.callsOf('setWebhook').at(-1)!;
      expect(set.params).toMatchObject({ url: 'https://lag.example.md/tg/hook', secret_token: 'hook-secret_1' });
      const port = run.output().match(LISTENING)![1];
      const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 4100, type: 'private' }, from: { id: 4100, is_bot: false, first_name: 'W', language_code: 'en' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
      const post = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${port}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401);
      expect(tg.messagesTo(4100)).toHaveLength(0);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'hook-secret_1' })).status).toBe(200);
      await tg.waitUntil(() => tg.messagesTo(4100).find((m) => m.text?.includes('Commands you can use')));
    } finally {
      await run.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
