/**
 * Search benchmark: `npm run bench:search [-- <listings>] [--queries N]`.
 * Generates listings in ro/ru/en/lv (seeded, so runs compare), builds the index directly from them
 * (the store is not the subject), then times mixed queries: exact, no diacritics, Cyrillic, typo, filtered.
 * Prints build time, heap/RSS and latency percentiles. Targets: p95 ≤ 10 ms, memory ≤ 500 MB.
 */
import { performance } from 'node:perf_hooks';
import { NACE_SECTIONS, type Sector } from '../models/listing.js';
import { SearchEngine, type QueryInput } from '../services/search/engine.js';
import { benchListingGenerator, PRODUCTS } from '../services/seed/generator.js';
import { districts } from '../services/territories.js';
import { seededRandom } from './rng.js';

const args = process.argv.slice(2);
const size = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const qIndex = args.indexOf('--queries');
const queryCount = qIndex >= 0 ? Number(args[qIndex + 1]) : 1000;

/** Every run indexes the same listings (the shared generator, services/seed/generator.ts). */
const rand = seededRandom(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const generate = benchListingGenerator(rand);

/** Drops diacritics the way customers type on a phone without a Romanian/Latvian layout. */
const plain = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '');

/** One edit (a wrong or missing letter); every fourth is a swap (two edits: exercises the suggestions). */
function typo(w: string): string {
  if (w.length < 5) return w;
  const i = 1 + Math.floor(rand() * (w.length - 2));
  const r = rand();
  if (r < 0.25) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  if (r < 0.6) return w.slice(0, i) + w.slice(i + 1);
  return w.slice(0, i) + pick('aeioulnrst'.split('')) + w.slice(i + 1);
}

function queries(n: number): { kind: string; q: QueryInput }[] {
  const out: { kind: string; q: QueryInput }[] = [];
  const kinds = ['exact', 'no-diacritics', 'cyrillic', 'typo', 'filtered'] as const;
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const p = Math.floor(rand() * PRODUCTS.ro.length);
    const d = pick(districts);
    switch (kind) {
      case 'exact': out.push({ kind, q: { text: rand() < 0.5 ? PRODUCTS.ro[p] : `${PRODUCTS.lv[p]} ${d.names.lv}` } }); break;
      case 'no-diacritics': out.push({ kind, q: { text: plain(`${pick([PRODUCTS.ro[p], PRODUCTS.lv[p]])} ${d.names.ro}`) } }); break;
      case 'cyrillic': out.push({ kind, q: { text: rand() < 0.5 ? PRODUCTS.ru[p] : `${PRODUCTS.ru[p]} ${d.names.ru}` } }); break;
      case 'typo': out.push({ kind, q: { text: typo(plain(pick([PRODUCTS.ro[p], PRODUCTS.en[p], PRODUCTS.lv[p]]))) } }); break;
      case 'filtered': out.push({ kind, q: { text: pick([PRODUCTS.ro[p], PRODUCTS.ru[p], PRODUCTS.en[p]]), country: d.country, ...(rand() < 0.5 ? { districtId: d.id } : { sector: pick(NACE_SECTIONS.slice(0, 19)) as Sector }) } }); break;
    }
  }
  return out;
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * Generates the listings and indexes them. A function of its own: once it returns, the generated listings are
 * unreachable (inside one function the interpreter's registers kept them alive through gc(), which counted
 * them as the index's — 118 MB of "index" at 100,000 listings, of which ~30 MB was the index).
 */
function build(): { engine: SearchEngine; buildMs: number } {
  const docs = Array.from({ length: size }, (_, i) => generate(i));
  const engine = new SearchEngine({ now: () => new Date(Date.UTC(2026, 10, 1)) });
  const t0 = performance.now();
  engine.addAll(docs.map((listing) => ({ listing })));
  return { engine, buildMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const { engine, buildMs } = build();
  gc?.();
  const after = process.memoryUsage();

  const qs = queries(queryCount);
  for (const { q } of qs.slice(0, 50)) engine.query(q); // warm-up (JIT)
  const times: number[] = [];
  const byKind = new Map<string, number[]>();
  let hits = 0;
  let empty = 0;
  for (const { kind, q } of qs) {
    const s = performance.now();
    const r = engine.query({ ...q, pageSize: 10 });
    const ms = performance.now() - s;
    times.push(ms);
    byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
    hits += r.total;
    if (!r.total) empty++;
  }
  times.sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(2);
  console.log(`listings: ${engine.size}`);
  console.log(`vocabulary: ${engine.vocabularySize} words`);
  console.log(`index build: ${buildMs.toFixed(0)} ms`);
  // The postings are typed arrays outside the JS heap (process.memoryUsage().arrayBuffers): counted separately.
  console.log(`memory: heap used ${mb(after.heapUsed)} MB (index ≈ ${mb(after.heapUsed - before.heapUsed)} MB of heap + ${mb(engine.postingBytes)} MB of postings${gc ? '' : ', no --expose-gc: approximate'}), rss ${mb(after.rss)} MB`);
  console.log(`queries: ${times.length} (${[...byKind.keys()].join(', ')}); zero-result ${empty}; mean hits ${(hits / times.length).toFixed(0)}`);
  console.log(`latency: p50 ${f(pct(times, 50))} ms, p95 ${f(pct(times, 95))} ms, p99 ${f(pct(times, 99))} ms, max ${f(times[times.length - 1])} ms`);
  for (const [kind, ts] of byKind) {
    ts.sort((a, b) => a - b);
    console.log(`  ${kind}: p50 ${f(pct(ts, 50))} ms, p95 ${f(pct(ts, 95))} ms`);
  }
  const p95 = pct(times, 95);
  const rssMb = after.rss / 1024 / 1024;
  console.log(`targets: p95 ≤ 10 ms ${p95 <= 10 ? 'OK' : 'MISSED'}; memory ≤ 500 MB ${rssMb <= 500 ? 'OK' : 'MISSED'}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
