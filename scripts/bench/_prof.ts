import { FakeTelegram } from '../../tests/helpers/fake-telegram.js';
import { botEnv, startBot, tempDir, sleep } from './common.js';
const tg = await FakeTelegram.start();
const env = botEnv(tg, tempDir('prof-'), { TELEGRAM_MESSAGES_PER_SECOND: '1000', TELEGRAM_CHAT_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '100000' });
const run = await startBot(env);
const burst = async (n: number) => { const b = tg.sent.length; const t0 = performance.now(); for (let i = 0; i < n; i++) tg.user(3_000_000 + (i % 200), { first_name: `U${i % 200}` }).send('/start'); while (tg.sent.length - b < n) await sleep(5); return n / ((performance.now() - t0) / 1000); };
await burst(200);
console.log('updates/s', (await burst(Number(process.env.PROF_N ?? 2000))).toFixed(0));
await run.stop(); await tg.close(); process.exit(0);
