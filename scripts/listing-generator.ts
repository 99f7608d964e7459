/**
 * The benchmarks' listing generator: seeded (every run works on the same listings), in ro/ru/en/lv, with
 * product words, names, fillers and 30k made-up rare words so the dictionary is as big as a real directory's.
 * `listingGenerator(seed)` returns the generator and its random stream (the benchmarks draw their queries
 * from the same stream, so the data and the queries are those of earlier runs).
 */
import { NACE_SECTIONS, type Sector } from '../models/listing.js';
import type { IndexedListing } from '../services/search/engine.js';
import { districtsOf } from '../services/territories.js';
import { seededRandom } from './rng.js';


/** Product words per language; the same index in each list means the same thing. */
export const PRODUCTS = {
  ro: ['miere', 'mere', 'suc', 'vin', 'lapte', 'brânză', 'carne', 'pâine', 'legume', 'fructe', 'nuci', 'cazare', 'ouă', 'ceară', 'lână', 'mobilă', 'cereale', 'căpșuni', 'prune', 'struguri', 'ulei', 'pește', 'transport', 'reparații', 'construcții', 'croitorie', 'ceramică', 'flori'],
  ru: ['мёд', 'яблоки', 'сок', 'вино', 'молоко', 'сыр', 'мясо', 'хлеб', 'овощи', 'фрукты', 'орехи', 'жильё', 'яйца', 'воск', 'шерсть', 'мебель', 'зерно', 'клубника', 'сливы', 'виноград', 'масло', 'рыба', 'перевозки', 'ремонт', 'строительство', 'пошив', 'керамика', 'цветы'],
  en: ['honey', 'apples', 'juice', 'wine', 'milk', 'cheese', 'meat', 'bread', 'vegetables', 'fruit', 'walnuts', 'accommodation', 'eggs', 'wax', 'wool', 'furniture', 'grain', 'strawberries', 'plums', 'grapes', 'oil', 'fish', 'transportation', 'repair', 'construction', 'tailoring', 'pottery', 'flowers'],
  lv: ['medus', 'āboli', 'sula', 'vīns', 'piens', 'siers', 'gaļa', 'maize', 'dārzeņi', 'augļi', 'rieksti', 'naktsmītne', 'olas', 'vasks', 'vilna', 'mēbeles', 'graudi', 'zemenes', 'plūmes', 'vīnogas', 'eļļa', 'zivis', 'pārvadājumi', 'remonts', 'būvniecība', 'šūšana', 'keramika', 'ziedi'],
} as const;
export type Lang = keyof typeof PRODUCTS;
export const LANGS: Lang[] = ['ro', 'ru', 'en', 'lv'];

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

export interface ListingGenerator {
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  /** The i-th listing (call in order 0, 1, 2… for the same data as earlier runs). */
  generate: (i: number) => IndexedListing;
}

export function listingGenerator(seed = 42): ListingGenerator {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
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
  return { rand, pick, generate };
}
