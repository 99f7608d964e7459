/**
 * Broadcast benchmark: N recipients (default 10,000) against a local fake Bot API that allows 30 messages/s
 * and answers 429 beyond it. The real bot runs as a child process (bot/main.ts); the second run kills it
 * with SIGKILL about half way and starts it again.
 *
 *   npm run bench:broadcast            # 10,000 recipients, both runs (about 12 minutes)
 *   npm run bench:broadcast -- 300     # a small run
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DeliveryModel } from '../models/delivery.js';
import { UserModel, type User } from '../models/user.js';
import { BroadcastService } from '../services/broadcast/service.js';
import { systemClock } from '../services/clock.js';
import { openStore } from '../services/store/index.js';
import { UserService } from '../services/users.js';
import { tempDir, testEnv } from '../tests/helpers/app.js';
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';
import { startBotProcess, type BotProcess } from '../tests/helpers/process.js';

export const STAFF_ID = 900_000_001;
const FIRST_RECIPIENT = 500_000_000;

export interface BenchResult {
  recipients: number;
  delivered: number;
  duplicates: number;
  missing: number;
  /** In flight at the kill and deliberately not re-sent (at-most-once). */
  uncertain: number;
  uncertainReceived: number;
  rateLimited: number;
  sustainedRate: number;
  seconds: number;
  killedAt?: number;
}

/** Seeds N Telegram users and a broadcast to everyone, due now, into a fresh data directory. */
export async function seed(dataDir: string, n: number): Promise<string> {
  const store = await openStore({ dataDir });
  const users = new UserService(store, { defaultLocale: 'en', bootstrapAdmins: [], clock: systemClock });
  const now = new Date();
  const admin = await users.users.insert({
    channel: 'telegram', externalId: String(STAFF_ID), chatId: String(STAFF_ID), locale: 'en', localeChosen: true, role: 'admin',
    reachable: true, lastInboundAt: now, createdAt: now, matchCadence: 'off',
  } as Partial<User>);
  const col = store.collection(UserModel);
  for (let i = 0; i < n; i += 1000) {
    await col.insertMany(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({
      channel: 'telegram' as const, externalId: String(FIRST_RECIPIENT + i + k), chatId: String(FIRST_RECIPIENT + i + k),
      locale: 'ro' as const, localeChosen: true, role: 'user' as const, reachable: true, lastInboundAt: now,
      createdAt: new Date(now.getTime() + i + k), matchCadence: 'off' as const,
    })));
  }
  const service = new BroadcastService(store, { users, clock: systemClock });
  const b = await service.create(admin, {
    audience: { role: 'customers', channels: ['telegram'], districts: [], sectors: [], locales: [] },
    versions: [{ locale: '*', text: 'Târg de primăvară la Soroca, 12 aprilie. Intrarea liberă!', entities: [{ type: 'bold', offset: 0, length: 17 }] }],
  });
  await service.schedule(admin, b._id);
  await store.close();
  return b._id;
}

/** Chats whose delivery was in flight at the kill (marked `unknown`, not re-sent). */
async function uncertainChats(dataDir: string, broadcastId: string): Promise<number[]> {
  const store = await openStore({ dataDir });
  const unknown = await store.collection(DeliveryModel).find({ broadcastId, status: 'unknown' });
  const users = await store.collection(UserModel).find({ _id: { $in: unknown.map((d) => d.userId) } });
  await store.close();
  return users.map((u) => Number(u.chatId));
}

/** One benchmark run; `killAtFraction` kills the sender with SIGKILL once that share has been delivered. */
export async function runBench(n: number, opts: { killAtFraction?: number; log?: (s: string) => void; timeoutMs?: number } = {}): Promise<BenchResult> {
  const log = opts.log ?? (() => undefined);
  const tg = await FakeTelegram.start();
  tg.rateLimitPerSecond = 30;
  const dataDir = tempDir('lag-bench-');
  let proc: BotProcess | undefined;
  try {
    const broadcastId = await seed(dataDir, n);
    const env = testEnv(tg, dataDir, { LOG_LEVEL: 'warn', STAFF_TELEGRAM_IDS: String(STAFF_ID), ...(process.env.BROADCAST_RATE_PER_SECOND ? { BROADCAST_RATE_PER_SECOND: process.env.BROADCAST_RATE_PER_SECOND } : {}) });
    const isRecipient = (chatId: number) => chatId !== STAFF_ID;
    const delivered = () => tg.sent.filter((m) => isRecipient(m.chat_id)).length;
    const finished = () => tg.sent.some((m) => m.chat_id === STAFF_ID && /finished|cancelled/i.test(m.text ?? '') && !m.reply_markup);
    const started = Date.now();
    const deadline = started + (opts.timeoutMs ?? Math.max(120_000, (n / 20) * 1000 * 2));
    proc = startBotProcess(env);
    let killedAt: number | undefined;
    if (opts.killAtFraction) {
      const at = Math.floor(n * opts.killAtFraction);
      await tg.waitUntil(() => delivered() >= at, deadline - Date.now(), `${at} deliveries`);
      await proc.kill9();
      killedAt = delivered();
      log(`  killed -9 after ${killedAt} deliveries; restarting`);
      proc = startBotProcess(env);
    }
    let lastLog = Date.now();
    await tg.waitUntil(() => {
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`  … ${delivered()} / ${n}`);
      }
      return finished();
    }, deadline - Date.now(), 'the final report');
    await proc.stop();
    proc = undefined;

    const sends = tg.calls.filter((c) => /^send/.test(c.method) && isRecipient(Number(c.params.chat_id)));
    const okSends = tg.sent.filter((m) => isRecipient(m.chat_id));
    const counts = new Map<number, number>();
    for (const m of okSends) counts.set(m.chat_id, (counts.get(m.chat_id) ?? 0) + 1);
    const duplicates = [...counts.values()].reduce((s, c) => s + (c > 1 ? c - 1 : 0), 0);
    const uncertain = await uncertainChats(dataDir, broadcastId);
    const uncertainReceived = uncertain.filter((c) => counts.has(c)).length;
    const missingChats = [];
    for (let i = 0; i < n; i++) if (!counts.has(FIRST_RECIPIENT + i)) missingChats.push(FIRST_RECIPIENT + i);
    const uncertainSet = new Set(uncertain);
    const times = sends.map((c) => c.at);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    return {
      recipients: n,
      delivered: okSends.length,
      duplicates,
      // Not received and not accounted for as "interrupted while sending".
      missing: missingChats.filter((c) => !uncertainSet.has(c)).length,
      uncertain: uncertain.length,
      uncertainReceived,
      rateLimited: sends.length - okSends.length,
      sustainedRate: (okSends.length - 1) / span,
      seconds: (Date.now() - started) / 1000,
      killedAt,
    };
  } finally {
    await proc?.kill9();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function print(title: string, r: BenchResult): void {
  console.log(`\n${title}`);
  console.log(`  recipients            ${r.recipients}`);
  console.log(`  delivered             ${r.delivered}`);
  console.log(`  sustained rate        ${r.sustainedRate.toFixed(2)} msg/s (first to last send${r.killedAt ? ', including the restart gap' : ''})`);
  console.log(`  429 answers           ${r.rateLimited}`);
  console.log(`  duplicates            ${r.duplicates}`);
  console.log(`  missing               ${r.missing}`);
  if (r.killedAt !== undefined) {
    console.log(`  killed -9 after       ${r.killedAt} deliveries`);
    console.log(`  in flight at the kill ${r.uncertain} (marked unknown, not re-sent; ${r.uncertainReceived} of them had reached Telegram)`);
  }
  console.log(`  wall time             ${r.seconds.toFixed(1)} s`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  if (!Number.isInteger(n) || n < 10) throw new Error('usage: bench-broadcast [recipients ≥ 10]');
  const log = (s: string) => console.log(s);
  console.log(`Broadcast benchmark: ${n} recipients, fake Bot API limited to 30 msg/s (429 beyond)`);
  print('Run 1: uninterrupted', await runBench(n, { log }));
  print('Run 2: kill -9 at about half way, then restart', await runBench(n, { killAtFraction: 0.5, log }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
