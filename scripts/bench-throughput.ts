/**
 * npm run bench:throughput — the bot's speed against a bare grammY echo bot on the same fake Bot API.
 * 1. Throughput: a burst of updates from returning users (/start), bot vs echo bot, same run. The bot's
 *    outbound budget is lifted for this part (TELEGRAM_MESSAGES_PER_SECOND=1000, no per-chat spacing):
 *    the echo bot has none, and the subject is the work per update.
 * 2. Latency: /start at a steady 20 updates/s from rotating users (default budget): p50/p99 from the
 *    update's arrival at the fake to the reply's arrival there.
 * 3. Event loop: max delay inside the bot process during the steady run (preloaded probe).
 * Each part starts once the bot's search index is built (bench:start measures the start itself).
 * Usage: npm run bench:throughput -- [--listings 1000] [--updates 6000] [--runs 1] [--seconds 20] [--rate 20] [--users 200]
 * (6000 updates: a burst of 2000 lasts ~1.3 s for the echo bot, and its figure then varied from 800 to 1,650/s.)
 * (the long run: --listings 100000 --seconds 600)
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ListingModel } from '../models/listing.js';
import { openStore } from '../services/store/index.js';
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';
import type { BotProcess } from '../tests/helpers/process.js';
import { botEnv, percentile, sleep, startBot, tempDir } from './bench/common.js';
import { seededRandom } from './rng.js';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '1000' }, updates: { type: 'string', default: '6000' }, seconds: { type: 'string', default: '20' },
    rate: { type: 'string', default: '20' }, users: { type: 'string', default: '200' }, runs: { type: 'string', default: '1' },
  },
});
const LISTINGS = Number(values.listings);
const UPDATES = Number(values.updates);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const USERS = Number(values.users);
const FIRST = 3_000_000;

const DISTRICTS = ['md-soroca', 'md-balti', 'md-drochia', 'md-edinet', 'md-floresti'];
const WORDS = ['miere', 'vin', 'lapte', 'mere', 'cazare', 'brânză', 'legume', 'pâine', 'suc', 'nuci'];

/** Published listings written straight into the store (through the port, so any engine). */
async function seedListings(dataDir: string, n: number): Promise<void> {
  if (n <= 0) return;
  const rnd = seededRandom(9);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const store = await openStore({ dataDir });
  const col = store.collection(ListingModel);
  const now = new Date();
  for (let i = 0; i < n; i += 1000) {
    await col.insertMany(Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
      const w = pick(WORDS);
      return {
        name: `Ferma ${w} ${i + k}`, slug: `ferma-${i + k}`, status: 'published' as const, sectors: ['A' as const], activity: `${w} de casă`,
        country: 'MD' as const, districtId: pick(DISTRICTS), lagId: 'md-nord', locality: 'Soroca', description: `Producem ${w} și ${pick(WORDS)}.`,
        keywords: [w, pick(WORDS)], phone: '+37360000000', languages: ['ro' as const], ownerId: `owner-${i + k}`,
        createdAt: now, updatedAt: now, publishedAt: now,
      };
    }));
  }
  await store.close();
}

/**
 * Pushes `count` /start updates round-robin over the users and waits for every reply (or 60 s without a
 * new one: a bot without retries may lose a few); replies per second.
 */
async function burst(tg: FakeTelegram, count: number, text = '/start'): Promise<number> {
  const before = tg.sent.length;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) tg.user(FIRST + (i % USERS), { first_name: `U${i % USERS}` }).send(text);
  let seen = -1;
  let lastAt = performance.now();
  while (tg.sent.length - before < count && performance.now() - lastAt < 60_000) {
    if (tg.sent.length !== seen) {
      seen = tg.sent.length;
      lastAt = performance.now();
    }
    await sleep(5);
  }
  const replies = tg.sent.length - before;
  if (replies < count) console.log(`  (${count - replies} of ${count} updates got no reply)`);
  return replies / ((lastAt - t0) / 1000);
}

/**
 * Waits until the bot's search index is built (in the background after start: ~20 s at 100k listings), so
 * that the figures are those of a running bot, not of one still starting. bench:start measures the start.
 */
async function indexed(run: BotProcess): Promise<void> {
  await run.ready(/"msg":"search index built"/, 300_000);
}

async function warmUp(tg: FakeTelegram, text = '/start'): Promise<void> {
  await burst(tg, USERS, text);
}

/** Each fake continues the update ids where the last one stopped, as Telegram does for one bot. */
let nextUpdateId = 1;
async function fake(): Promise<FakeTelegram> {
  const tg = await FakeTelegram.start({ firstUpdateId: nextUpdateId });
  nextUpdateId += 10_000_000;
  return tg;
}

async function throughputOf(kind: 'bot' | 'echo', dataDir: string): Promise<number> {
  const tg = await fake();
  let run: BotProcess | undefined;
  try {
    const env = botEnv(tg, dataDir, { TELEGRAM_MESSAGES_PER_SECOND: '1000', TELEGRAM_CHAT_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '100000' });
    run = await startBot(env, kind === 'echo' ? { entry: 'scripts/bench/echo-bot.ts' } : {});
    if (kind === 'bot') await indexed(run);
    await warmUp(tg);
    return await burst(tg, UPDATES);
  } finally {
    await run?.kill9();
    await tg.close();
  }
}

async function steady(dataDir: string): Promise<{ p50: number; p99: number; max: number; n: number; loopMax: number }> {
  const tg = await fake();
  let run: BotProcess | undefined;
  try {
    run = await startBot(botEnv(tg, dataDir, { RATE_LIMIT_PER_MINUTE: '100000' }), { probe: true });
    await indexed(run);
    await warmUp(tg);
    await sleep(1500);
    const pushedAt = new Map<number, number[]>();
    const latencies: number[] = [];
    tg.afterAnswer = (method, params) => {
      if (method !== 'sendMessage') return;
      const q = pushedAt.get(Number(params.chat_id));
      const t = q?.shift();
      if (t !== undefined) latencies.push(performance.now() - t);
    };
    const outputFrom = run.output().length;
    const total = Math.round(SECONDS * RATE);
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const chat = FIRST + (i % USERS);
      const q = pushedAt.get(chat) ?? [];
      q.push(performance.now());
      pushedAt.set(chat, q);
      tg.user(chat, { first_name: `U${i % USERS}` }).send('/start');
    }
    await tg.waitUntil(() => latencies.length >= total, 60_000, 'the last replies');
    const probe = run.output().slice(Math.max(0, outputFrom - 100)).match(/LOOP_MAX_MS=([\d.]+)/g) ?? [];
    const loopMax = Math.max(...probe.map((l) => Number(l.split('=')[1])));
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1], n: latencies.length, loopMax };
  } finally {
    await run?.kill9();
    await tg.close();
  }
}

const dataDir = tempDir('bench-tp-');
try {
  const t = performance.now();
  await seedListings(dataDir, LISTINGS);
  console.log(`seeded ${LISTINGS} published listings in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const ratios: string[] = [];
  for (let r = 0; r < Number(values.runs); r++) {
    const echo = await throughputOf('echo', dataDir);
    const bot = await throughputOf('bot', dataDir);
    ratios.push(`${((bot / echo) * 100).toFixed(0)} %`);
    console.log(`throughput (${UPDATES} /start from ${USERS} returning users): bot ${bot.toFixed(0)} updates/s, bare grammY echo bot ${echo.toFixed(0)} updates/s → ${((bot / echo) * 100).toFixed(0)} % (bar ≥ 50 %)`);
  }
  if (ratios.length > 1) console.log(`ratios: ${ratios.join(', ')}`);
  const s = await steady(dataDir);
  console.log(`latency at ${RATE} updates/s for ${SECONDS} s (${s.n} replies): p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (bar ≤ 50 ms), max ${s.max.toFixed(1)} ms`);
  console.log(`max event-loop delay in the bot during that run: ${s.loopMax.toFixed(1)} ms (bar ≤ 50 ms; ${LISTINGS} listings)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
