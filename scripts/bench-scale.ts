/**
 * npm run bench:scale — two bot instances on one store (STORE_SHARED=1; the embedded engine in one DATA_DIR,
 * or the MONGODB_URI database), real processes in webhook mode behind the fake Bot API (round-robin):
 * (1) change propagation: listings approved by staff through instance A; how long until instance B applied
 *     each change to its indexes (B's lag_change_feed_delay_seconds summary: p50/p95 over the run);
 * (2) outbound: a burst of /start from many users through both instances against a fake Bot API enforcing
 *     TELEGRAM_MESSAGES_PER_SECOND (default 30): msg/s achieved, the most in any one second, 429s;
 * (3) updates/s: the same burst handled by one instance, then by two (budget lifted, as bench:throughput does).
 * Usage: npm run bench:scale -- [--changes 40] [--burst 300] [--updates 600]
 */
import { parseArgs } from 'node:util';
import { ListingModel } from '../models/listing.js';
import type { User } from '../models/user.js';
import type { Services } from '../services/app.js';
import { MESSAGE_METHODS } from '../bot/telegram/outbound.js';
import { maxPerWindow, startCluster, type Cluster, type Instance } from '../tests/helpers/cluster.js';
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';
import { sleep, tempDir } from './bench/common.js';
import { dropTestDatabase, testMongoUri } from '../tests/helpers/mongo.js';
import { rmSync } from 'node:fs';

const { values } = parseArgs({ options: { changes: { type: 'string', default: '40' }, burst: { type: 'string', default: '300' }, updates: { type: 'string', default: '600' } } });
const CHANGES = Number(values.changes);
const BURST = Number(values.burst);
const UPDATES = Number(values.updates);
const ADMIN = 9000;
const LIMIT = 30;

async function seed(s: Services): Promise<void> {
  await s.users.users.insert({
    channel: 'telegram', externalId: String(ADMIN), chatId: String(ADMIN), locale: 'en', localeChosen: true, role: 'admin',
    reachable: true, createdAt: new Date(), matchCadence: 'off',
  } as Partial<User>);
  for (let i = 0; i < CHANGES; i++) {
    const owner = await s.users.users.insert({
      channel: 'telegram', externalId: String(800_000 + i), chatId: String(800_000 + i), locale: 'ro', localeChosen: true, role: 'user',
      reachable: true, createdAt: new Date(), matchCadence: 'off',
    } as Partial<User>);
    await s.directory.submit(owner, {
      name: `Ferma Bench ${i}`, sectors: ['A'], activity: 'legume', country: 'MD', districtId: 'md-balti', locality: 'Bălți',
      description: 'Legume proaspete.', keywords: ['legume'], phone: '+37369123456', languages: ['ro'],
    });
  }
}

/** A quantile of the summary in an instance's /metrics. */
async function quantile(inst: Instance, q: string): Promise<number | undefined> {
  const text = await (await fetch(`${inst.url}/metrics`)).text();
  const m = text.match(new RegExp(`^lag_change_feed_delay_seconds\\{quantile="${q}"\\} ([0-9.eE+-]+|NaN)$`, 'm'));
  return m && m[1] !== 'NaN' ? Number(m[1]) * 1000 : undefined;
}

async function propagation(c: Cluster): Promise<void> {
  const [a, b] = c.instances;
  c.route([a]);
  const pending = await c.store.collection(ListingModel).find({ status: 'pending' });
  for (const l of pending) {
    // The staff member's "Approve" button, pressed in a chat served by instance A.
    c.tg.pushUpdate({
      callback_query: {
        id: String(c.tg.nextMessageId()), from: { id: ADMIN, is_bot: false, first_name: 'Staff', language_code: 'en' }, chat_instance: 'ci', data: `mod:ok:${l._id}`,
        message: { message_id: c.tg.nextMessageId(), date: 0, chat: { id: ADMIN, type: 'private' }, text: 'card' },
      },
    });
    await sleep(200);
  }
  await c.tg.delivered();
  for (let i = 0; i < 100 && (await c.store.collection(ListingModel).count({ status: 'pending' })) > 0; i++) await sleep(100);
  await sleep(1500);
  const p50 = await quantile(b, '0.5');
  const p95 = await quantile(b, '0.95');
  const p99 = await quantile(b, '0.99');
  const approved = await c.store.collection(ListingModel).count({ status: 'published' });
  console.log(`(1) change propagation A → B over ${approved} approvals: p50 ${p50?.toFixed(0)} ms, p95 ${p95?.toFixed(0)} ms, p99 ${p99?.toFixed(0)} ms (B applied them to search, matching and counts; read by polling the change log every 250 ms on ${c.mongoUri ? 'MongoDB' : 'the embedded engine'})`);
}

async function outbound(c: Cluster): Promise<void> {
  c.route();
  const sends = () => c.tg.calls.filter((call) => MESSAGE_METHODS.test(call.method));
  const from = sends().length;
  const before = new Map(c.tg.webhookStats.delivered);
  const t0 = Date.now();
  const users = Array.from({ length: BURST }, (_, i) => c.tg.user(1_000_000 + i, { first_name: `U${i}`, language_code: 'ro' }));
  for (const u of users) u.send('/start');
  await c.tg.waitUntil(() => users.every((u) => u.messages().length > 0), 10 * 60_000, 'every reply');
  const burst = sends().slice(from);
  const seconds = (burst[burst.length - 1].at - burst[0].at) / 1000;
  const byInstance = [...c.tg.webhookStats.delivered.entries()].map(([url, n]) => n - (before.get(url) ?? 0));
  console.log(`(2) outbound: ${burst.length} messages to ${BURST} users through 2 instances (updates per instance: ${byInstance.join(' / ')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s: `
    + `${(burst.length / seconds).toFixed(1)} msg/s against a limit of ${LIMIT}/s; most in any one second: ${maxPerWindow(burst.map((s) => s.at))}; 429s: ${c.tg.violations.overall}`);
}

async function updatesPerSecond(): Promise<void> {
  const tg = await FakeTelegram.start();
  const c = await startCluster({ tg, env: { TELEGRAM_MESSAGES_PER_SECOND: '1000', BROADCAST_RATE_PER_SECOND: '1000' } });
  const run = async (label: string, first: number) => {
    const t0 = Date.now();
    const users = Array.from({ length: UPDATES }, (_, i) => tg.user(first + i, { first_name: `V${i}`, language_code: 'ro' }));
    for (const u of users) u.send('/start');
    await tg.waitUntil(() => users.every((u) => u.messages().length > 0), 10 * 60_000, 'every reply');
    const s = (Date.now() - t0) / 1000;
    console.log(`    ${label}: ${UPDATES} /start from new users in ${s.toFixed(2)} s = ${(UPDATES / s).toFixed(0)} updates/s`);
    return UPDATES / s;
  };
  try {
    // Reference: one instance in the default mode (STORE_SHARED=0: in-process budget, queues and caches), on its own store.
    const soloDb = c.mongoUri ? testMongoUri() : undefined;
    const soloDir = tempDir('bench-scale-solo-');
    const solo = await c.start({ STORE_SHARED: '0', DATA_DIR: soloDir, ...(soloDb ? { MONGODB_URI: soloDb } : {}) });
    c.route([solo]);
    console.log('(3) updates/s (budget lifted; the fake Bot API answers at once):');
    await run('one instance, STORE_SHARED=0 (reference)', 1_000_000 + 500_000);
    await solo.proc.stop();
    c.instances.splice(c.instances.indexOf(solo), 1);
    rmSync(soloDir, { recursive: true, force: true });
    await dropTestDatabase(soloDb);
    await c.start();
    c.route();
    const one = await run('one instance ', 2_000_000);
    await c.start();
    c.route();
    const two = await run('two instances', 3_000_000);
    console.log(`    two / one = ${(two / one).toFixed(2)} (both on this machine's ${(await import('node:os')).cpus().length} cores, beside the fake Bot API and this driver)`);
  } finally {
    await c.close();
  }
}

async function main(): Promise<void> {
  const tg = await FakeTelegram.start();
  tg.rateLimitPerSecond = LIMIT;
  const c = await startCluster({ tg, seed, env: { STAFF_TELEGRAM_IDS: String(ADMIN), TELEGRAM_MESSAGES_PER_SECOND: String(LIMIT) } });
  try {
    await Promise.all([c.start(), c.start()]);
    console.log(`bench:scale — 2 instances, ${c.mongoUri ? 'MongoDB' : 'embedded SQLite (STORE_SHARED=1, one DATA_DIR)'}`);
    await propagation(c);
    await outbound(c);
  } finally {
    await c.close();
  }
  await updatesPerSecond();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
