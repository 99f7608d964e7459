/**
 * Web directory benchmark: `npm run bench:web [-- <listings>] [--requests N]`.
 * Stores generated listings (the benchmarks' seeded generator, 10k by default) as published businesses in the
 * embedded store, builds the search index, serves the real web plugin over HTTP on 127.0.0.1 and times
 * `GET /lag/<id>?q=…` (exact, no diacritics, Cyrillic, typo, filtered, later pages) one request at a time
 * (alternating with the baseline), end to end: HTTP, schema, search, loading the page's listings, rendering. A bare fastify server answering
 * a constant page is timed in the same run, so the figures say what the machine itself costs.
 * Target: p95 ≤ 20 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import pino from 'pino';
import { NACE_SECTIONS, type Listing } from '../models/listing.js';
import { webPlugin } from '../bot/web/plugin.js';
import { createServices } from '../services/app.js';
import { openStore } from '../services/store/index.js';
import { district, districts } from '../services/territories.js';
import { listingGenerator, PRODUCTS } from './listing-generator.js';

const args = process.argv.slice(2);
const size = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const rIndex = args.indexOf('--requests');
const requestCount = rIndex >= 0 ? Number(args[rIndex + 1]) : 1000;

const { rand, pick, generate } = listingGenerator(42);
const plain = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');

function typo(w: string): string {
  if (w.length < 5) return w;
  const i = 1 + Math.floor(rand() * (w.length - 2));
  return w.slice(0, i) + w.slice(i + 1);
}

/** Request paths over every LAG, in the page's four languages. */
function paths(n: number): { kind: string; path: string }[] {
  const out: { kind: string; path: string }[] = [];
  const kinds = ['exact', 'no-diacritics', 'cyrillic', 'typo', 'filtered', 'page-2'] as const;
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const d = pick(districts);
    const p = Math.floor(rand() * PRODUCTS.ro.length);
    const lang = pick(['ro', 'ru', 'en', 'lv']);
    const params = new URLSearchParams({ lang });
    switch (kind) {
      case 'exact': params.set('q', d.country === 'LV' ? PRODUCTS.lv[p] : PRODUCTS.ro[p]); break;
      case 'no-diacritics': params.set('q', plain(`${d.country === 'LV' ? PRODUCTS.lv[p] : PRODUCTS.ro[p]} ${d.names.ro}`)); break;
      case 'cyrillic': params.set('q', PRODUCTS.ru[p]); break;
      case 'typo': params.set('q', typo(plain(pick([PRODUCTS.ro[p], PRODUCTS.en[p], PRODUCTS.lv[p]])))); break;
      case 'filtered':
        params.set('q', pick([PRODUCTS.ro[p], PRODUCTS.en[p]]));
        if (rand() < 0.5) params.set('district', d.id);
        else params.set('sector', pick(NACE_SECTIONS.slice(0, 19)));
        break;
      case 'page-2': params.set('page', '2'); break;
    }
    out.push({ kind, path: `/lag/${d.lag}?${params.toString()}` });
  }
  return out;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Times each path on both servers in turn, so both see the same moments of a busy machine. */
async function time(bases: string[], list: string[]): Promise<{ times: number[][]; bytes: number }> {
  for (const p of list.slice(0, 50)) for (const b of bases) await (await fetch(b + p)).arrayBuffer(); // warm-up (JIT, keep-alive)
  const times: number[][] = bases.map(() => []);
  let bytes = 0;
  for (const p of list) {
    for (const [i, b] of bases.entries()) {
      const s = performance.now();
      const res = await fetch(b + p);
      const body = await res.arrayBuffer();
      times[i].push(performance.now() - s);
      if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
      if (i === 0) bytes += body.byteLength;
    }
  }
  return { times: times.map((t) => t.sort((a, b) => a - b)), bytes };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-web-'));
  const log = pino({ level: 'silent' });
  const store = await openStore({ dataDir: dir, inMemory: true });
  const services = createServices({ settings: { publicUrl: 'https://lag.example', defaultLocale: 'ro', bootstrapAdmins: [] }, store, log });

  const t0 = performance.now();
  const batch: Omit<Listing, '_id'>[] = [];
  const now = new Date();
  for (let i = 0; i < size; i++) {
    const g = generate(i);
    const { _id, ...rest } = g;
    batch.push({
      ...rest, slug: `biz-${_id.toLowerCase()}`, status: 'published', lagId: district(g.districtId)!.lag, phone: '+37369123456',
      languages: [g.country === 'LV' ? 'lv' : 'ro'], updatedAt: now, logoId: undefined,
    } as Omit<Listing, '_id'>);
    if (batch.length === 1000 || i === size - 1) await services.directory.listings.insertMany(batch.splice(0));
  }
  const storeMs = performance.now() - t0;
  const t1 = performance.now();
  await services.search.init();
  const indexMs = performance.now() - t1;

  const app = Fastify({ logger: false });
  await app.register(webPlugin(services, { botUsername: 'lag_bench_bot' }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = Fastify({ logger: false });
  const constant = '<!doctype html><title>x</title><p>bare fastify</p>';
  bare.get('/lag/:id', async (_req, reply) => reply.type('text/html; charset=utf-8').send(constant));
  const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });

  const list = paths(requestCount);
  const { times: [webTimes, bareTimes], bytes } = await time([base, bareBase], list.map((x) => x.path));
  const web = { times: webTimes, bytes };
  const baseline = { times: bareTimes };
  const f = (n: number) => n.toFixed(2);
  console.log(`listings: ${services.search.engine.size} published (stored in ${(storeMs / 1000).toFixed(1)} s, index built in ${indexMs.toFixed(0)} ms)`);
  console.log(`requests: ${list.length} sequential GET /lag/<id>?q=… over HTTP on 127.0.0.1 (${[...new Set(list.map((x) => x.kind))].join(', ')}); mean page ${(web.bytes / list.length / 1024).toFixed(1)} KB`);
  console.log(`web directory: p50 ${f(pct(web.times, 50))} ms, p95 ${f(pct(web.times, 95))} ms, p99 ${f(pct(web.times, 99))} ms, max ${f(web.times[web.times.length - 1])} ms`);
  console.log(`bare fastify:  p50 ${f(pct(baseline.times, 50))} ms, p95 ${f(pct(baseline.times, 95))} ms, p99 ${f(pct(baseline.times, 99))} ms (same requests, constant page)`);
  console.log(`target: p95 ≤ 20 ms ${pct(web.times, 95) <= 20 ? 'OK' : 'MISSED'}`);
  await app.close();
  await bare.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
