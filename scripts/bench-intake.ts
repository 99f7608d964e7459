/**
 * npm run bench:intake — nothing lost, nothing twice, nothing refused.
 * (a) kill -9 of the real bot process during a burst of N /start from different users (default 400), then a
 *     restart: answered / lost / answered twice.
 * (b) a burst of M /start (default 300) against a fake Bot API enforcing 30 msg/s overall and 1 msg/s per
 *     chat (429 + retry_after beyond): greeted, error messages, no answer, duration vs M/30 s + 20 %.
 * Usage: npm run bench:intake -- [--kill-users 400] [--burst-users 300]
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';
import type { BotProcess } from '../tests/helpers/process.js';
import { botEnv, isError, isWelcome, sleep, startBot, tempDir } from './bench/common.js';

function tally(tg: FakeTelegram, first: number, n: number) {
  let answered = 0;
  let twice = 0;
  let errors = 0;
  let nothing = 0;
  for (let i = 0; i < n; i++) {
    const msgs = tg.messagesTo(first + i);
    const w = msgs.filter((m) => isWelcome(m.text)).length;
    if (w >= 1) answered++;
    if (w >= 2) twice++;
    if (msgs.some((m) => isError(m.text))) errors++;
    if (msgs.length === 0) nothing++;
  }
  return { answered, twice, errors, nothing };
}

async function killBurst(n: number): Promise<void> {
  const tg = await FakeTelegram.start();
  const dataDir = tempDir('bench-intake-a-');
  let run: BotProcess | undefined;
  const FIRST = 1_000_000;
  try {
    const env = botEnv(tg, dataDir);
    run = await startBot(env);
    const t0 = Date.now();
    for (let i = 0; i < n; i++) tg.user(FIRST + i, { first_name: `U${i}` }).send('/start');
    const killAt = Math.floor(n / 4);
    await tg.waitUntil(() => tally(tg, FIRST, n).answered >= killAt, 120_000, `${killAt} answers`);
    await run.kill9();
    const before = tally(tg, FIRST, n).answered;
    run = await startBot(env);
    // Until everyone is answered, or nothing new arrives for 10 s.
    let last = -1;
    let quietSince = Date.now();
    for (;;) {
      const now = tally(tg, FIRST, n).answered;
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      }
      if (now >= n || Date.now() - quietSince > 10_000) break;
      await sleep(200);
    }
    await sleep(2000);
    const r = tally(tg, FIRST, n);
    console.log(`(a) kill -9 during a burst of ${n} /start (killed after ${before} answers), restart:`);
    console.log(`    answered ${r.answered} of ${n}, lost ${n - r.answered}, answered twice ${r.twice}, error messages ${r.errors}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } finally {
    await run?.kill9();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function limitedBurst(n: number): Promise<void> {
  const tg = await FakeTelegram.start();
  tg.rateLimitPerSecond = 30;
  tg.perChatIntervalMs = 1000;
  const dataDir = tempDir('bench-intake-b-');
  let run: BotProcess | undefined;
  const FIRST = 2_000_000;
  try {
    run = await startBot(botEnv(tg, dataDir));
    const t0 = Date.now();
    for (let i = 0; i < n; i++) tg.user(FIRST + i, { first_name: `U${i}` }).send('/start');
    let lastAnswer = t0;
    let last = -1;
    let quietSince = Date.now();
    for (;;) {
      const sent = tg.sent.length;
      if (sent !== last) {
        last = sent;
        quietSince = Date.now();
        lastAnswer = Date.now();
      }
      const r = tally(tg, FIRST, n);
      if (r.answered + r.errors >= n || Date.now() - quietSince > 15_000) break;
      await sleep(50);
    }
    const r = tally(tg, FIRST, n);
    const seconds = (lastAnswer - t0) / 1000;
    const bar = (n / 30) * 1.2;
    console.log(`(b) burst of ${n} /start against a fake enforcing 30 msg/s and 1 msg/s per chat:`);
    console.log(`    greeted ${r.answered} of ${n}, error messages ${r.errors}, no answer ${r.nothing}, answered twice ${r.twice}`);
    console.log(`    duration ${seconds.toFixed(1)} s (bar: ${n}/30 s + 20 % = ${bar.toFixed(1)} s); 429s from the fake: ${tg.violations.overall + tg.violations.perChat} (overall ${tg.violations.overall}, per chat ${tg.violations.perChat})`);
  } finally {
    await run?.kill9();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({ options: { 'kill-users': { type: 'string', default: '400' }, 'burst-users': { type: 'string', default: '300' }, only: { type: 'string' } } });
if (values.only !== 'b') await killBurst(Number(values['kill-users']));
if (values.only !== 'a') await limitedBurst(Number(values['burst-users']));
process.exit(0);
