/**
 * Messenger intake with the real bot process: an event is stored before the 200 (a storage failure would
 * answer 500), handled from the store, and — killed with kill -9 while its answer was in flight — handled
 * after the restart; Meta's redelivery of the same mid is answered once.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../bot/messenger/signature.js';
import { MESSENGER_WEBHOOK_PATH } from '../../bot/messenger/index.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeGraph } from '../helpers/fake-graph.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { startBotProcess, type BotProcess } from '../helpers/process.js';
import { APP_SECRET, envelope, metaJson, PAGE_TOKEN, textEvent, VERIFY_TOKEN } from '../messenger/helpers.js';

const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;

describe('Messenger intake across kill -9', () => {
  let tg: FakeTelegram;
  let graph: FakeGraph;
  let dataDir: string;
  let run: BotProcess | undefined;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
    graph = await FakeGraph.start();
    dataDir = tempDir('intake-fb-');
  });
  afterAll(async () => {
    await run?.stop();
    await graph.close();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('an event acknowledged with 200 is answered after a crash, once; an answer Meta took is not sent again', async () => {
    const env = {
      ...testEnv(tg, dataDir, {
        LOG_LEVEL: 'info', MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
        MESSENGER_GRAPH_URL: graph.url, MESSENGER_GRAPH_VERSION: 'v21.0',
      }),
      DOTENV_CONFIG_PATH: '/nonexistent',
    };
    run = startBotProcess(env);
    await run.ready(undefined, 60_000);
    const post = async (proc: BotProcess, body: unknown) => {
      const raw = metaJson(body);
      const port = proc.output().match(LISTENING)![1];
      return fetch(`http://127.0.0.1:${port}${MESSENGER_WEBHOOK_PATH}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(raw), APP_SECRET) }, body: raw,
      });
    };

    // 1. The Send API refuses the answer (rate limit): the bot dies while backing off, nothing delivered.
    graph.failNext('/me/messages', 400, { message: 'Calls to this api have exceeded the rate limit.', code: 4 });
    const ev = textEvent('8101', 'miere');
    const res = await post(run, envelope(ev));
    expect(res.status).toBe(200);
    await tg.waitUntil(() => graph.messages('8101').length >= 1, 10_000, 'the refused answer');
    // Killed once the refusal is recorded (the bot logs its back-off after that): a kill between Meta's answer
    // and that record leaves the message "on the wire", which the journal does not resend (see journal.ts).
    await tg.waitUntil(() => run!.output().includes('messenger rate limited, backing off'), 10_000, 'the back-off');
    await run.kill9();

    run = startBotProcess(env);
    await run.ready(undefined, 60_000);
    await tg.waitUntil(() => graph.messages('8101').length >= 2, 15_000, 'the answer after the restart');
    expect(graph.messages('8101')[1].body.message.text).toContain('Alegeți limba');
    // Meta redelivers the same POST (it never saw our 200 as final): nothing is answered twice.
    expect((await post(run, envelope(ev))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(graph.messages('8101')).toHaveLength(2);

    // 2. Meta takes the answer but the bot dies before hearing back: after the restart it is not sent again.
    let held = 0;
    graph.afterRecord = async () => {
      held++;
      await new Promise<void>(() => undefined);
    };
    expect((await post(run, envelope(textEvent('8102', 'vin')))).status).toBe(200);
    await tg.waitUntil(() => held >= 1, 10_000, 'the answer on the wire');
    await run.kill9();
    graph.afterRecord = undefined;
    expect(graph.messages('8102')).toHaveLength(1);
    run = startBotProcess(env);
    await run.ready(undefined, 60_000);
    await tg.waitUntil(() => run!.output().includes('replies already sent were not repeated'), 15_000, 'the journal replayed');
    await new Promise((r) => setTimeout(r, 500));
    expect(graph.messages('8102')).toHaveLength(1);
  }, 180_000);
});
