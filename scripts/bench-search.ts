/**
 * Search benchmark: `npm run bench:search [-- <listings>] [--queries N]`.
 * Generates listings in ro/ru/en/lv (seeded, so runs compare), builds the index directly from them
 * (the store is not the subject), then times mixed queries: exact, no diacritics, Cyrillic, typo, filtered.
 * Prints build time, heap/RSS and latency percentiles. Targets: p95 ≤ 10 ms, memory ≤ 500 MB.
 */
import { performance } from 'node:perf_hooks';
import { NACE_SECTIONS, type Sector } from '../models/listing.js';
import { SearchEngine, type IndexedListing, type QueryInput } from '../services/search/engine.js';
import { districts, districtsOf } from '../services/territories.js';
import { seededRandom } from './rng.js';

const args = process.argv.slice(2);
const size = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
const qIndex = args.indexOf('--queries');
const queryCount = qIndex >= 0 ? Number(args[qIndex + 1]) : 1000;

/** Every run indexes the same listings. */
const rand = seededRandom(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Product words per language; the same index in each list means the same thing. */
const PRODUCTS = {
  ro: ['miere', 'mere', 'suc', 'vin', 'lapte', 'brânză', 'carne', 'pâine', 'legume', 'fructe', 'nuci', 'cazare', 'ouă', 'ceară', 'lână', 'mobilă', 'cereale', 'căpșuni', 'prune', 'struguri', 'ulei', 'pește', 'transport', 'reparații', 'construcții', 'croitorie', 'ceramică', 'flori'],
  ru: ['мёд', 'яблоки', 'сок', 'вино', 'молоко', 'сыр', 'мясо', 'хлеб', 'овощи', 'фрукты', 'орехи', 'жильё', 'яйца', 'воск', 'шерсть', 'мебель', 'зерно', 'клубника', 'сливы', 'виноград', 'масло', 'рыба', 'перевозки', 'ремонт', 'строительство', 'пошив', 'керамика', 'цветы'],
  en: ['honey', 'apples', 'juice', 'wine', 'milk', 'cheese', 'meat', 'bread', 'vegetables', 'fruit', 'walnuts', 'accommodation', 'eggs', 'wax', 'wool', 'furniture', 'grain', 'strawberries', 'plums', 'grapes', 'oil', 'fish', 'transportation', 'repair', 'construction', 'tailoring', 'pottery', 'flowers'],
  lv: ['medus', 'āboli', 'sula', 'vīns', 'piens', 'siers', 'gaļa', 'maize', 'dārzeņi', 'augļi', 'rieksti', 'naktsmītne', 'olas', 'vasks', 'vilna', 'mēbeles', 'graudi', 'zemenes', 'plūmes', 'vīnogas', 'eļļa', 'zivis', 'pārvadājumi', 'remonts', 'būvniecība', 'šūšana', 'keramika', 'ziedi'],
} as const;
type Lang = keyof typeof PRODUCTS;
const LANGS: Lang[] = ['ro', 'ru', 'en', 'lv'];

const NAME_WORDS = {
  ro: ['Ferma', 'Gospodăria', 'Livada', 'Stupina', 'Atelierul', 'Pensiunea', 'Crama', 'Casa', 'Brutăria', 'Grădina'],
  ru: ['Ферма', 'Хозяйство', 'Сад', 'Пасека', 'Мастерская', 'Усадьба', 'Винодельня', 'Дом', 'Пекарня', 'Огород'],
  en: ['Farm', 'Homestead', 'Orchard', 'Apiary', 'Workshop', 'Guesthouse', 'Winery', 'House', 'Bakery', 'Garden'],
  lv: ['Saimniecība', 'Māja', 'Dārzs', 'Biškopība', 'Darbnīca', 'Viesu nams', 'Vīna darītava', 'Sēta', 'Maiznīca', 'Audzētava'],
} as const;
const SURNAMES = ['Ionescu', 'Popescu', 'Ciobanu', 'Rusu', 'Munteanu', 'Иванов', 'Петренко', 'Смирнов', 'Bērziņš', 'Kalniņš', 'Ozoliņš', 'Liepa', 'Nord', 'Verde', 'Soare', 'Dealul', 'Zemgale', 'Lielupe'];
const FILLER = {
  ro: ['naturală', 'de casă', 'proaspete', 'din gospodărie', 'livrare', 'comenzi', 'tradițional', 'ecologic', 'familie', 'calitate'],
  ru: ['натуральный', 'домашний', 'свежие', 'доставка', 'заказы', 'традиционный', 'экологичный', 'семейный', 'качество', 'опт'],
  en: ['natural', 'homemade', 'fresh', 'delivery', 'orders', 'traditional', 'organic', 'family', 'quality', 'wholesale'],
  lv: ['dabīgs', 'mājas', 'svaigi', 'piegāde', 'pasūtījumi', 'tradicionāls', 'bioloģisks', 'ģimene', 'kvalitāte', 'vairumā'],
} as const;

/** 30k made-up words (place names, brands, rare terms): a dictionary as big as a real directory's. */
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ru', 'sa', 'te', 'vi', 'zo', 'ka', 'lie', 'nov', 'str', 'ța', 'ši', 'ža', 'ēn', 'ый', 'ка', 'ро'];
const RARE = Array.from({ length: 30_000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(SYLLABLES)).join(''));

function generate(i: number): IndexedListing {
  const lang = LANGS[i % 4];
  const d = pick(districtsOf(lang === 'lv' ? 'LV' : 'MD'));
  const p1 = Math.floor(rand() * PRODUCTS.ro.length);
  const p2 = Math.floor(rand() * PRODUCTS.ro.length);
  const words = PRODUCTS[lang];
  const filler = FILLER[lang];
  const createdAt = new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 1000) * 86_400_000);
  const description = Array.from({ length: 12 + Math.floor(rand() * 20) }, () => {
    const r = rand();
    return r < 0.25 ? pick(words) : r < 0.4 ? pick(RARE) : pick(filler);
  }).join(' ');
  return {
    _id: `L${i.toString(36).padStart(6, '0')}`,
    name: `${pick(NAME_WORDS[lang])} ${rand() < 0.5 ? pick(SURNAMES) : pick(RARE)} ${i % 97}`,
    activity: `${words[p1]}, ${words[p2]}`,
    description,
    keywords: [words[p1], words[p2], pick(filler)],
    sectors: [pick(NACE_SECTIONS.slice(0, 19)) as Sector],
    country: d.country,
    districtId: d.id,
    locality: pick(SURNAMES),
    email: rand() < 0.5 ? 'x@y.z' : undefined,
    website: rand() < 0.3 ? 'https://example.org' : undefined,
    logoId: rand() < 0.4 ? 'logo' : undefined,
    createdAt,
    publishedAt: createdAt,
  };
}

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

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const docs = Array.from({ length: size }, (_, i) => generate(i));
  const engine = new SearchEngine({ now: () => new Date(Date.UTC(2026, 10, 1)) });
  const t0 = performance.now();
  engine.addAll(docs.map((listing) => ({ listing })));
  const buildMs = performance.now() - t0;
  docs.length = 0; // the generated source is not part of the index's footprint
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
  console.log(`memory: heap used ${mb(after.heapUsed)} MB (index ≈ ${mb(after.heapUsed - before.heapUsed)} MB${gc ? '' : ', no --expose-gc: approximate'}), rss ${mb(after.rss)} MB`);
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
