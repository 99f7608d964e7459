/**
 * Cold-start benchmark: a DATA_DIR with N generated listings (seeded, so runs compare), then the real bot is
 * started as a child process against the local fake Bot API with a /start already waiting. Prints the time to
 * the first 200 on /healthz, to the first /start reply, and the RSS (now and peak) — beside a bare grammY bot
 * started the same way. Prints figures only; nothing is asserted.
 *
 *   npm run bench:start                        # 10,000 and 100,000 listings
 *   npm run bench:start -- 2000                # a small run
 *   npm run bench:start -- --root /tmp/old --nedb   # another checkout (e.g. the NeDB engine), seeded as NeDB files
 *
 * Runs compiled JavaScript when the checkout has dist/bot/main.js (`npm run build`), else compiles it with tsc
 * into a temporary folder; `--tsx` runs the sources instead.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { LISTING_STATUSES, NACE_SECTIONS } from '../models/listing.js';
import { EmbeddedStore } from '../services/store/embedded.js';
import { districtsOf } from '../services/territories.js';
import { tempDir, testEnv } from '../tests/helpers/app.js';
import { FakeTelegram } from '../tests/helpers/fake-telegram.js';
import { ROOT } from '../tests/helpers/process.js';
import { seededRandom } from './rng.js';

export interface StartFigures {
  label: string;
  listings: number;
  healthMs: number;
  replyMs: number;
  rssMb: number;
  peakRssMb: number;
  /** When the search index was complete (the bot logs it), and the RSS then. */
  indexedMs: number;
  indexedRssMb: number;
}

const WORDS = ['miere', 'mere', 'vin', 'brânză', 'pâine', 'мёд', 'яблоки', 'вино', 'сыр', 'хлеб', 'honey', 'apples', 'wine', 'cheese', 'bread', 'medus', 'āboli', 'vīns', 'siers', 'maize', 'natural', 'de casă', 'домашний', 'svaigi', 'livrare', 'доставка', 'piegāde', 'tradițional', 'ecologic', 'ģimene'];
const NAMES = ['Ferma', 'Stupina', 'Livada', 'Ферма', 'Пасека', 'Farm', 'Bakery', 'Saimniecība', 'Dārzs', 'Biškopība'];
const SURNAMES = ['Ionescu', 'Popescu', 'Ciobanu', 'Иванов', 'Петренко', 'Bērziņš', 'Kalniņš', 'Ozoliņš', 'Nord', 'Lielupe'];

/** Listing documents as the schema stores them (dates as Date). */
export function generateListings(n: number, seed = 7): Record<string, unknown>[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: n }, (_, i) => {
    const country = i % 3 === 0 ? 'LV' : 'MD';
    const d = pick(districtsOf(country));
    const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 700) * 86_400_000);
    const name = `${pick(NAMES)} ${pick(SURNAMES)} ${i}`;
    return {
      _id: `bench${String(i).padStart(8, '0')}`,
      slug: `bench-${i}`,
      ownerId: `owner${i}`,
      status: i % 10 === 0 ? pick(LISTING_STATUSES) : 'published',
      name,
      sectors: [pick(NACE_SECTIONS)],
      activity: Array.from({ length: 6 }, () => pick(WORDS)).join(' '),
      country,
      districtId: d.id,
      lagId: d.lag,
      locality: pick(SURNAMES),
      description: Array.from({ length: 20 + Math.floor(rand() * 30) }, () => pick(WORDS)).join(' '),
      keywords: Array.from({ length: 3 }, () => pick(WORDS)),
      phone: country === 'LV' ? `+3712${String(1_000_000 + i).slice(-7)}` : `+3736${String(1_000_000 + i).slice(-7)}`,
      languages: [country === 'LV' ? 'lv' : 'ro', 'ru'],
      submittedAt: at,
      publishedAt: at,
      createdAt: at,
      updatedAt: at,
    };
  });
}

/** Writes the listings into DATA_DIR as the SQLite engine stores them. */
async function seedSqlite(dataDir: string, docs: Record<string, unknown>[]): Promise<void> {
  const store = new EmbeddedStore(dataDir);
  await store.init();
  const ins = store.database.prepare('INSERT INTO listings (_id, doc) VALUES (?, ?)');
  store.database.transaction(() => {
    for (const d of docs) ins.run(d._id, JSON.stringify(d));
  })();
  await store.close();
}

/** Writes the listings as the former NeDB engine's file (one JSON line each, dates as {"$$date": ms}). */
function seedNedb(dataDir: string, docs: Record<string, unknown>[]): void {
  mkdirSync(join(dataDir, 'db'), { recursive: true });
  const lines = docs.map((d) => JSON.stringify(d, function (key, value) {
    const raw = (this as Record<string, unknown>)[key];
    return raw instanceof Date ? { $$date: raw.getTime() } : value;
  }));
  writeFileSync(join(dataDir, 'db', 'listings.db'), `${lines.join('\n')}\n`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function memoryMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** How a checkout's entry points are run: compiled (dist/) or sources through tsx. */
export interface Runner { describe: string; args(entry: 'bot/main' | 'scripts/bench-start-bare'): string[]; cwd: string }

export function runnerFor(root: string, opts: { tsx?: boolean; log?: (s: string) => void } = {}): Runner {
  if (opts.tsx) return { describe: `sources via tsx (${root})`, args: (e) => ['--import', 'tsx', `${e}.ts`], cwd: root };
  if (existsSync(join(root, 'dist', 'bot', 'main.js')) && existsSync(join(root, 'dist', 'scripts', 'bench-start-bare.js'))) {
    return { describe: `compiled JS in ${root}/dist`, args: (e) => [join(root, 'dist', `${e}.js`)], cwd: root };
  }
  const out = tempDir('lag-bench-build-');
  opts.log?.(`compiling ${root} with tsc into ${out} …`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--noEmit', 'false', '--outDir', out, '--rootDir', root, '--declaration', 'false', '--sourceMap', 'false'], { stdio: 'inherit' });
  // Copy what the sources read at run time by path; node_modules resolve from the checkout.
  symlinkSync(join(root, 'locales'), join(out, 'locales'));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  if (!existsSync(join(out, 'scripts', 'bench-start-bare.js'))) {
    // An older checkout without the baseline script: use ours.
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), join(ROOT, 'scripts', 'bench-start-bare.ts'), '--outDir', join(out, 'scripts'), '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022', '--skipLibCheck', '--types', 'node']);
  }
  return { describe: `compiled JS (tsc) of ${root}`, args: (e) => [join(out, `${e}.js`)], cwd: root };
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (child.exitCode !== null) throw new Error(`${what}: the process exited\n${output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms\n${output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Starts one process on `dataDir` and measures it; the process is stopped afterwards. */
export async function measureStart(runner: Runner, entry: 'bot/main' | 'scripts/bench-start-bare', dataDir: string, label: string, listings: number): Promise<StartFigures> {
  const tg = await FakeTelegram.start();
  const port = await freePort();
  const user = tg.user(4242, { language_code: 'en', first_name: 'Bench' });
  user.send('/start'); // waiting in the fake's queue before the bot exists
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...testEnv(tg, dataDir, { PORT: String(port), LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' }) };
  const started = performance.now();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...runner.args(entry)], { cwd: runner.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let indexedAt = NaN;
  child.stdout?.on('data', (d) => {
    if (Number.isNaN(indexedAt) && String(d).includes('"msg":"search index built"')) indexedAt = performance.now();
    out = (out + String(d)).slice(-20_000);
  });
  child.stderr?.on('data', (d) => (out = (out + String(d)).slice(-20_000)));
  try {
    let healthMs = NaN;
    let replyMs = NaN;
    const healthy = async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(30_000) })).status === 200;
      } catch {
        return false;
      }
    };
    const replied = () => tg.messagesTo(4242).length > 0;
    // Both clocks run at once: whichever comes first is recorded the moment it happens.
    await Promise.all([
      waitFor(healthy, 300_000, 'first 200 on /healthz', child, () => out).then(() => (healthMs = performance.now() - started)),
      waitFor(replied, 300_000, 'first /start reply', child, () => out).then(() => (replyMs = performance.now() - started)),
    ]);
    const mem = memoryMb(child.pid!);
    let indexedRss = NaN;
    if (entry === 'bot/main') {
      await waitFor(() => !Number.isNaN(indexedAt), 300_000, 'search index', child, () => out);
      indexedRss = memoryMb(child.pid!).rss;
    }
    const indexedMs = indexedAt - started;
    if (process.env.BENCH_LOG_LEVEL) console.log(out);
    return { label, listings, healthMs, replyMs, rssMb: mem.rss, peakRssMb: Math.max(mem.peak, memoryMb(child.pid!).peak), indexedMs, indexedRssMb: indexedRss };
  } finally {
    if (child.exitCode === null && child.pid) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => r(clearTimeout(t)));
      });
    }
    await tg.close();
  }
}

export function formatFigures(f: StartFigures): string {
  const n = (x: number) => (Number.isFinite(x) ? Math.round(x) : '—');
  const indexed = Number.isFinite(f.indexedMs) ? `   search index complete after ${n(f.indexedMs)} ms, RSS then ${n(f.indexedRssMb)} MB` : '';
  return `${f.label.padEnd(22)} ${String(f.listings).padStart(7)} listings   /healthz 200 after ${String(n(f.healthMs)).padStart(6)} ms   first /start reply after ${String(n(f.replyMs)).padStart(6)} ms   RSS ${n(f.rssMb)} MB (peak ${n(f.peakRssMb)} MB)${indexed}`;
}

/** Seeds and measures every size; prints as it goes. */
export async function runBench(opts: { sizes: number[]; root?: string; nedb?: boolean; tsx?: boolean; log?: (s: string) => void }): Promise<StartFigures[]> {
  const log = opts.log ?? console.log;
  const root = resolve(opts.root ?? ROOT);
  const runner = runnerFor(root, { tsx: opts.tsx, log });
  log(`bench:start — ${runner.describe}; engine: ${opts.nedb ? 'NeDB files' : 'SQLite'}; node ${process.version}`);
  const results: StartFigures[] = [];
  const bareDir = tempDir('lag-bench-bare-');
  const bare = await measureStart(runner, 'scripts/bench-start-bare', bareDir, 'bare grammY bot', 0);
  rmSync(bareDir, { recursive: true, force: true });
  log(formatFigures(bare));
  results.push(bare);
  for (const size of opts.sizes) {
    const dataDir = tempDir('lag-bench-start-');
    try {
      const docs = generateListings(size);
      if (opts.nedb) seedNedb(dataDir, docs);
      else await seedSqlite(dataDir, docs);
      const f = await measureStart(runner, 'bot/main', dataDir, opts.nedb ? 'bot (NeDB engine)' : 'bot (SQLite engine)', size);
      log(formatFigures(f));
      results.push(f);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const rootAt = args.indexOf('--root');
  await runBench({
    sizes: sizes.length ? sizes : [10_000, 100_000],
    root: rootAt >= 0 ? args[rootAt + 1] : undefined,
    nedb: args.includes('--nedb'),
    tsx: args.includes('--tsx'),
  });
}
