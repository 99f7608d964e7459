/**
 * The one generator of directory data, shared by the benchmarks (scripts/bench-*.ts) and the seed command
 * (npm run seed, demo mode). Seeded: the same seed always gives the same data.
 *   - vocabulary: product words, business-name words, fillers in ro/ru/en/lv (same index = same meaning)
 *   - benchListingGenerator: the search benchmark's listings (with a long tail of made-up words)
 *   - offerGenerator: the matching benchmark's offers
 *   - businessGenerator: realistic businesses for the seed command (names, descriptions, keywords, products,
 *     offers in the business's language, territories from services/reference/territories.json)
 */
import { NACE_SECTIONS, type Country, type Sector } from '../../models/listing.js';
import type { OfferKind, PartnershipType } from '../../models/offer.js';
import type { Locale } from '../../models/user.js';
import data from '../reference/synonyms.json' with { type: 'json' };
import type { MatchableOffer } from '../matching/engine.js';
import type { IndexedListing } from '../search/engine.js';
import { districtsOf, type District } from '../territories.js';
import { randomTools, seededRandom } from './rng.js';

/** Product words per language; the same index in each list means the same thing. */
export const PRODUCTS = {
  ro: ['miere', 'mere', 'suc', 'vin', 'lapte', 'brânză', 'carne', 'pâine', 'legume', 'fructe', 'nuci', 'cazare', 'ouă', 'ceară', 'lână', 'mobilă', 'cereale', 'căpșuni', 'prune', 'struguri', 'ulei', 'pește', 'transport', 'reparații', 'construcții', 'croitorie', 'ceramică', 'flori'],
  ru: ['мёд', 'яблоки', 'сок', 'вино', 'молоко', 'сыр', 'мясо', 'хлеб', 'овощи', 'фрукты', 'орехи', 'жильё', 'яйца', 'воск', 'шерсть', 'мебель', 'зерно', 'клубника', 'сливы', 'виноград', 'масло', 'рыба', 'перевозки', 'ремонт', 'строительство', 'пошив', 'керамика', 'цветы'],
  en: ['honey', 'apples', 'juice', 'wine', 'milk', 'cheese', 'meat', 'bread', 'vegetables', 'fruit', 'walnuts', 'accommodation', 'eggs', 'wax', 'wool', 'furniture', 'grain', 'strawberries', 'plums', 'grapes', 'oil', 'fish', 'transportation', 'repair', 'construction', 'tailoring', 'pottery', 'flowers'],
  lv: ['medus', 'āboli', 'sula', 'vīns', 'piens', 'siers', 'gaļa', 'maize', 'dārzeņi', 'augļi', 'rieksti', 'naktsmītne', 'olas', 'vasks', 'vilna', 'mēbeles', 'graudi', 'zemenes', 'plūmes', 'vīnogas', 'eļļa', 'zivis', 'pārvadājumi', 'remonts', 'būvniecība', 'šūšana', 'keramika', 'ziedi'],
} as const;
export type Lang = keyof typeof PRODUCTS;
export const LANGS: Lang[] = ['ro', 'ru', 'en', 'lv'];

export const NAME_WORDS = {
  ro: ['Ferma', 'Gospodăria', 'Livada', 'Stupina', 'Atelierul', 'Pensiunea', 'Crama', 'Casa', 'Brutăria', 'Grădina'],
  ru: ['Ферма', 'Хозяйство', 'Сад', 'Пасека', 'Мастерская', 'Усадьба', 'Винодельня', 'Дом', 'Пекарня', 'Огород'],
  en: ['Farm', 'Homestead', 'Orchard', 'Apiary', 'Workshop', 'Guesthouse', 'Winery', 'House', 'Bakery', 'Garden'],
  lv: ['Saimniecība', 'Māja', 'Dārzs', 'Biškopība', 'Darbnīca', 'Viesu nams', 'Vīna darītava', 'Sēta', 'Maiznīca', 'Audzētava'],
} as const;
export const SURNAMES = ['Ionescu', 'Popescu', 'Ciobanu', 'Rusu', 'Munteanu', 'Иванов', 'Петренко', 'Смирнов', 'Bērziņš', 'Kalniņš', 'Ozoliņš', 'Liepa', 'Nord', 'Verde', 'Soare', 'Dealul', 'Zemgale', 'Lielupe'];
export const FILLER = {
  ro: ['naturală', 'de casă', 'proaspete', 'din gospodărie', 'livrare', 'comenzi', 'tradițional', 'ecologic', 'familie', 'calitate'],
  ru: ['натуральный', 'домашний', 'свежие', 'доставка', 'заказы', 'традиционный', 'экологичный', 'семейный', 'качество', 'опт'],
  en: ['natural', 'homemade', 'fresh', 'delivery', 'orders', 'traditional', 'organic', 'family', 'quality', 'wholesale'],
  lv: ['dabīgs', 'mājas', 'svaigi', 'piegāde', 'pasūtījumi', 'tradicionāls', 'bioloģisks', 'ģimene', 'kvalitāte', 'vairumā'],
} as const;

/** 30k made-up words (place names, brands, rare terms): a dictionary as big as a real directory's. */
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ru', 'sa', 'te', 'vi', 'zo', 'ka', 'lie', 'nov', 'str', 'ța', 'ši', 'ža', 'ēn', 'ый', 'ка', 'ро'];

/**
 * The search benchmark's listings: built from `rand` (the benchmark keeps drawing its queries from the same
 * stream afterwards), one language per listing in turn, with made-up words in names and descriptions.
 */
export function benchListingGenerator(rand: () => number): (i: number) => IndexedListing {
  const { pick } = randomTools(rand);
  const RARE = Array.from({ length: 30_000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(SYLLABLES)).join(''));
  return (i) => {
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
  };
}

const SECTOR_WEIGHTS: Partial<Record<Sector, number>> = { A: 30, C: 20, G: 15, I: 12, F: 6, H: 4, M: 4, N: 3, P: 2, R: 3, S: 1 };
const TYPE_WEIGHTS: Record<PartnershipType, number> = {
  supplier: 25, buyer_distribution: 20, production_outsourcing: 10, tourism_study_visits: 10,
  export_import: 10, investment: 5, know_how_training: 10, joint_project_event: 10,
};
const OFFER_FILLER = ['quality', 'local', 'organic', 'fresh', 'calitate', 'local', 'bio', 'svezhii', 'kvalitate', 'vietējais', 'farm', 'ferma', 'small', 'large'];

/** The matching benchmark's offers: skewed sectors, types and vocabulary; both countries; mixed targets. */
export function offerGenerator(seed = 42): () => MatchableOffer {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const weighted = <T extends string>(w: Partial<Record<T, number>>): T => {
    const entries = Object.entries(w) as [T, number][];
    let x = r() * entries.reduce((s, [, v]) => s + v, 0);
    for (const [k, v] of entries) if ((x -= v) < 0) return k;
    return entries[0][0];
  };
  // Real product words (all languages) plus a long tail of rarer ones.
  const real = data.groups.flat();
  // Made-up words whose 6-letter stems differ (matching stems long words), e.g. "kavomi", "tirelu".
  const syl = ['ka', 'mo', 'ri', 'tu', 'le', 'si', 'na', 'po', 've', 'du', 'gi', 'zo', 'be', 'fa', 'lu', 'ne'];
  const tailSet = new Set<string>();
  while (tailSet.size < 3000) tailSet.add(Array.from({ length: 3 }, () => pick(syl)).join(''));
  const tail = [...tailSet];
  const vocab = [...real, ...tail];
  const word = () => vocab[Math.floor(vocab.length * r() ** 1.4)];
  const countries: Country[] = ['MD', 'LV'];
  let n = 0;
  return (): MatchableOffer => {
    n++;
    const country: Country = r() < 0.6 ? 'MD' : 'LV';
    const other: Country = country === 'MD' ? 'LV' : 'MD';
    const sectors = [...new Set([weighted(SECTOR_WEIGHTS), ...(r() < 0.3 ? [pick(NACE_SECTIONS)] : [])])];
    const keywords = [...new Set(Array.from({ length: 2 + Math.floor(r() * 4) }, word))];
    const t = r();
    let targetCountries: Country[] = [];
    let targetDistricts: string[] = [];
    if (t < 0.4) targetCountries = [];
    else if (t < 0.7) targetCountries = [other];
    else if (t < 0.9) targetCountries = [country];
    else {
      const c = pick(countries);
      targetCountries = [c];
      targetDistricts = [pick(districtsOf(c)).id, pick(districtsOf(c)).id];
    }
    return {
      _id: `o${n.toString(36).padStart(6, '0')}`,
      ownerId: `u${Math.floor(n / 2)}`,
      kind: r() < 0.5 ? 'offer' : 'request',
      type: weighted(TYPE_WEIGHTS),
      sectors,
      country,
      districtId: pick(districtsOf(country)).id,
      targetCountries: [...new Set(targetCountries)],
      targetDistricts: [...new Set(targetDistricts)],
      title: `${word()} ${pick(OFFER_FILLER)} ${word()} ${pick(OFFER_FILLER)}`,
      keywords,
    };
  };
}


// ---- realistic businesses (seed command, demo mode) ----------------------------------------------------

/** Kinds of local business: NACE sector, the product words they sell (PRODUCTS indexes), a name per language. */
const KINDS: { sectors: Sector[]; products: number[]; names: Record<Lang, string>; price: [number, number]; offers: PartnershipType[] }[] = [
  { sectors: ['A'], products: [0, 13], names: { ro: 'Stupina', ru: 'Пасека', en: 'Apiary', lv: 'Biškopība' }, price: [6, 14], offers: ['supplier', 'buyer_distribution'] },
  { sectors: ['A'], products: [1, 2, 18], names: { ro: 'Livada', ru: 'Сад', en: 'Orchard', lv: 'Augļu dārzs' }, price: [1, 4], offers: ['supplier', 'export_import'] },
  { sectors: ['C', 'A'], products: [3, 19], names: { ro: 'Crama', ru: 'Винодельня', en: 'Winery', lv: 'Vīna darītava' }, price: [7, 25], offers: ['export_import', 'tourism_study_visits'] },
  { sectors: ['A', 'C'], products: [4, 5], names: { ro: 'Ferma', ru: 'Ферма', en: 'Dairy farm', lv: 'Piena saimniecība' }, price: [2, 12], offers: ['supplier', 'investment'] },
  { sectors: ['C'], products: [7, 16], names: { ro: 'Brutăria', ru: 'Пекарня', en: 'Bakery', lv: 'Maiznīca' }, price: [1, 5], offers: ['buyer_distribution', 'supplier'] },
  { sectors: ['I'], products: [11], names: { ro: 'Pensiunea', ru: 'Усадьба', en: 'Guesthouse', lv: 'Viesu nams' }, price: [30, 80], offers: ['tourism_study_visits', 'joint_project_event'] },
  { sectors: ['C'], products: [15], names: { ro: 'Atelierul de mobilă', ru: 'Мебельная мастерская', en: 'Furniture workshop', lv: 'Mēbeļu darbnīca' }, price: [40, 400], offers: ['production_outsourcing', 'buyer_distribution'] },
  { sectors: ['A'], products: [12, 6], names: { ro: 'Gospodăria', ru: 'Хозяйство', en: 'Homestead', lv: 'Saimniecība' }, price: [2, 9], offers: ['supplier'] },
  { sectors: ['A'], products: [8, 17], names: { ro: 'Grădina', ru: 'Огород', en: 'Market garden', lv: 'Dārzeņu audzētava' }, price: [1, 5], offers: ['supplier', 'buyer_distribution'] },
  { sectors: ['A', 'G'], products: [27], names: { ro: 'Florăria', ru: 'Цветочная ферма', en: 'Flower farm', lv: 'Ziedu audzētava' }, price: [3, 20], offers: ['supplier'] },
  { sectors: ['H'], products: [22], names: { ro: 'Transport', ru: 'Перевозки', en: 'Haulage', lv: 'Pārvadājumi' }, price: [20, 150], offers: ['buyer_distribution', 'export_import'] },
  { sectors: ['F'], products: [24, 23], names: { ro: 'Construcții', ru: 'Стройсервис', en: 'Builders', lv: 'Būvdarbi' }, price: [50, 500], offers: ['production_outsourcing', 'joint_project_event'] },
  { sectors: ['C', 'S'], products: [25, 14], names: { ro: 'Croitoria', ru: 'Ателье', en: 'Tailor', lv: 'Šūšanas darbnīca' }, price: [10, 90], offers: ['production_outsourcing', 'know_how_training'] },
  { sectors: ['C', 'R'], products: [26], names: { ro: 'Atelierul de ceramică', ru: 'Гончарная мастерская', en: 'Pottery', lv: 'Keramikas darbnīca' }, price: [5, 60], offers: ['know_how_training', 'tourism_study_visits'] },
  { sectors: ['A'], products: [21], names: { ro: 'Iazul', ru: 'Рыбное хозяйство', en: 'Fish farm', lv: 'Zivju saimniecība' }, price: [4, 15], offers: ['supplier'] },
  { sectors: ['C'], products: [20, 10], names: { ro: 'Presa de ulei', ru: 'Маслобойня', en: 'Oil press', lv: 'Eļļas spiestuve' }, price: [4, 18], offers: ['export_import', 'supplier'] },
];

const FAMILY = {
  MD: ['Ionescu', 'Popescu', 'Ciobanu', 'Rusu', 'Munteanu', 'Cojocaru', 'Lungu', 'Ceban', 'Țurcanu', 'Bejenaru', 'Moraru', 'Sîrbu'],
  MDru: ['Иванов', 'Петренко', 'Смирнов', 'Коваленко', 'Бондарь', 'Ткачук', 'Морозов', 'Гуцу'],
  LV: ['Bērziņš', 'Kalniņš', 'Ozoliņš', 'Liepiņš', 'Krūmiņš', 'Zariņš', 'Vītols', 'Jansons', 'Eglītis', 'Kļaviņš'],
};
const FIRST_NAMES: Record<Lang, string[]> = {
  ro: ['Ion', 'Maria', 'Vasile', 'Elena', 'Andrei', 'Ana', 'Mihai', 'Natalia'],
  ru: ['Сергей', 'Ольга', 'Алексей', 'Татьяна', 'Дмитрий', 'Ирина', 'Николай', 'Светлана'],
  en: ['Daniel', 'Laura', 'Victor', 'Diana', 'Robert', 'Irina'],
  lv: ['Jānis', 'Ilze', 'Andris', 'Inese', 'Mārtiņš', 'Dace', 'Kristaps', 'Līga'],
};
/** Villages and towns by district (the district's own town when none are listed). */
const LOCALITIES: Record<string, string[]> = {
  'md-soroca': ['Soroca', 'Vădeni', 'Cosăuți', 'Rublenița'], 'md-edinet': ['Edineț', 'Cupcini', 'Brătușeni'],
  'md-briceni': ['Briceni', 'Lipcani', 'Corjeuți'], 'md-drochia': ['Drochia', 'Pelinia', 'Țarigrad'],
  'md-falesti': ['Fălești', 'Pîrlița', 'Călinești'], 'md-floresti': ['Florești', 'Mărculești', 'Ghindești'],
  'md-glodeni': ['Glodeni', 'Balatina', 'Cuhnești'], 'md-ocnita': ['Ocnița', 'Otaci', 'Frunză'],
  'md-riscani': ['Râșcani', 'Costești', 'Corlăteni'], 'md-singerei': ['Sângerei', 'Biruința', 'Bilicenii Vechi'],
  'md-donduseni': ['Dondușeni', 'Tîrnova', 'Sudarca'], 'md-balti': ['Bălți', 'Elizaveta', 'Sadovoe'],
  'lv-jelgava': ['Jelgava'], 'lv-jelgavas-novads': ['Ozolnieki', 'Eleja', 'Svēte', 'Kalnciems', 'Glūda'],
  'lv-dobeles-novads': ['Dobele', 'Tērvete', 'Auce', 'Bēne', 'Krimūnas'], 'lv-bauskas-novads': ['Bauska', 'Iecava', 'Rundāle', 'Vecumnieki', 'Mežotne'],
};
const TITLE_WORDS: Record<Lang, string[]> = {
  ro: ['de casă', 'din gospodărie', 'de la producător'],
  ru: ['с фермы', 'от производителя', 'домашнего производства'],
  en: ['Homemade', 'Local', 'Farm-fresh'],
  lv: ['no saimniecības', 'no ražotāja', 'mājražots'],
};

const cap = (s: string) => s.charAt(0).toLocaleUpperCase() + s.slice(1);

function describe(lang: Lang, kind: string, place: string, words: string[]): { description: string; activity: string } {
  const [w1, w2 = w1] = words;
  switch (lang) {
    case 'ro': return {
      activity: `${cap(w1)}${w2 !== w1 ? ` și ${w2}` : ''} de la producător`,
      description: `${kind} de familie din ${place}. Oferim ${w1}${w2 !== w1 ? ` și ${w2}` : ''} de calitate, după rețete tradiționale. Primim comenzi la telefon și livrăm în toată regiunea de Nord.`,
    };
    case 'ru': return {
      activity: `${cap(w1)}${w2 !== w1 ? ` и ${w2}` : ''} от производителя`,
      description: `${kind} — семейное хозяйство (${place}). Продукция собственного производства: ${w1}${w2 !== w1 ? `, ${w2}` : ''}. Принимаем заказы по телефону, доставка по всему региону.`,
    };
    case 'en': return {
      activity: `${cap(w1)}${w2 !== w1 ? ` and ${w2}` : ''} from the producer`,
      description: `Family-run ${kind.toLowerCase()} in ${place}. We offer ${w1}${w2 !== w1 ? ` and ${w2}` : ''} of our own production. Orders by phone; delivery across the region and to partners abroad.`,
    };
    case 'lv': return {
      activity: `${cap(w1)}${w2 !== w1 ? `, ${w2}` : ''} no ražotāja`,
      description: `${kind} — ģimenes uzņēmums (${place}). Pašu ražota produkcija: ${w1}${w2 !== w1 ? `, ${w2}` : ''}. Pasūtījumus pieņemam pa tālruni, piegādājam visā Zemgalē.`,
    };
  }
}

export interface GeneratedProduct {
  title: string;
  description: string;
  /** Feed price in EUR cents; Moldovan products also carry the MDL price shown in our own texts. */
  priceMinor: number;
  mdlMinor?: number;
  availability: 'in stock' | 'available for order';
  /** Which of the shared seed images to show. */
  image: number;
}

export interface GeneratedOffer {
  kind: OfferKind;
  type: PartnershipType;
  title: string;
  description: string;
  keywords: string[];
  targetCountries: Country[];
  status: 'published' | 'pending';
}

export interface GeneratedBusiness {
  owner: { firstName: string; locale: Locale };
  name: string;
  sectors: Sector[];
  activity: string;
  description: string;
  keywords: string[];
  country: Country;
  district: District;
  locality: string;
  phone: string;
  email?: string;
  website?: string;
  languages: string[];
  status: 'published' | 'pending' | 'changes_requested';
  /** Index of a shared seed image used as the logo, if any. */
  logo?: number;
  products: GeneratedProduct[];
  createdAt: Date;
}

/** MDL per EUR used for generated Moldovan prices (a round figure, not a live rate). */
export const SEED_MDL_PER_EUR = 19.5;

/**
 * Realistic businesses, one per call: Moldova's North (60 %, in Romanian or Russian) and Zemgale (40 %, in
 * Latvian), with a few written in English; products with prices; `offers(b)` gives its cooperation offers.
 */
export function businessGenerator(seed = 42, opts: { images?: number; since?: Date; districts?: District[] } = {}) {
  const { rand, pick, int, chance } = randomTools(seededRandom(seed));
  const images = opts.images ?? 6;
  const since = (opts.since ?? new Date(Date.UTC(2025, 0, 1))).getTime();
  const names = new Set<string>();
  let n = 0;

  function business(): GeneratedBusiness {
    n++;
    const district = opts.districts?.length ? pick(opts.districts) : pick(districtsOf(chance(0.6) ? 'MD' : 'LV'));
    const country = district.country;
    const lang: Lang = chance(0.06) ? 'en' : country === 'MD' ? (chance(0.65) ? 'ro' : 'ru') : (chance(0.9) ? 'lv' : 'ru');
    const locality = pick(LOCALITIES[district.id] ?? [district.names.ro]);
    const kind = pick(KINDS);
    const family = country === 'LV' ? pick(FAMILY.LV) : lang === 'ru' ? pick(FAMILY.MDru) : pick(FAMILY.MD);
    let name = lang === 'lv' ? `${kind.names.lv} „${family.replace(/(is|š|s)$/, 'i')}”` : `${kind.names[lang]} ${family}`;
    if (names.has(name)) name = `${name} ${locality}`;
    if (names.has(name)) name = `${name} ${n}`;
    names.add(name);
    const words = kind.products.map((p) => PRODUCTS[lang][p]);
    const place = lang === 'ro' ? `${locality} (${district.names[lang]})` : `${locality}, ${district.names[lang]}`;
    const { description, activity } = describe(lang, kind.names[lang], place, words);
    // Keywords in the business's language plus English, so customers find it either way.
    const keywords = [...new Set([...words, ...(lang === 'en' ? [] : kind.products.slice(0, 2).map((p) => PRODUCTS.en[p]))])].slice(0, 6);
    const phone = country === 'MD' ? `+373${pick(['60', '68', '69', '78', '79'])}${String(int(0, 999_999)).padStart(6, '0')}` : `+3712${String(int(0, 9_999_999)).padStart(7, '0')}`;
    const slugName = family.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]/g, '') || 'firma';
    const tld = country === 'MD' ? 'md' : 'lv';
    const eur = (x: number) => Math.round(x * 100);
    const products: GeneratedProduct[] = chance(0.55) ? Array.from({ length: int(1, Math.min(3, kind.products.length + 1)) }, (_, i) => {
      const word = words[i % words.length];
      const tail = pick(TITLE_WORDS[lang]);
      const price = kind.price[0] + rand() * (kind.price[1] - kind.price[0]);
      return {
        title: lang === 'en' ? `${tail} ${word}` : `${cap(word)} ${tail}`,
        description: `${cap(word)} — ${name}.`,
        priceMinor: eur(Math.round(price * 2) / 2),
        ...(country === 'MD' ? { mdlMinor: Math.round(price * SEED_MDL_PER_EUR) * 100 } : {}),
        availability: chance(0.8) ? 'in stock' : 'available for order',
        image: int(0, images - 1),
      };
    }) : [];
    const r = rand();
    return {
      owner: { firstName: pick(FIRST_NAMES[lang]), locale: lang },
      name,
      sectors: kind.sectors,
      activity,
      description,
      keywords,
      country,
      district,
      locality,
      phone,
      email: chance(0.5) ? `${slugName}${n}@example.${tld}` : undefined,
      website: chance(0.25) ? `https://${slugName}${n}.example.${tld}` : undefined,
      languages: [...new Set([lang, ...(country === 'MD' ? [chance(0.7) ? 'ru' : 'ro'] : chance(0.3) ? ['en'] : [])])],
      status: r < 0.9 ? 'published' : r < 0.97 ? 'pending' : 'changes_requested',
      logo: chance(0.4) ? int(0, images - 1) : undefined,
      products,
      createdAt: new Date(since + Math.floor(rand() * 500) * 86_400_000),
    };
  }

  /** `count` cooperation offers/requests of a business, about what it makes (its own language). */
  function offers(b: GeneratedBusiness, count: number): GeneratedOffer[] {
    const kind = KINDS.find((k) => k.sectors[0] === b.sectors[0] && b.name.includes(k.names[b.owner.locale as Lang])) ?? pick(KINDS);
    const lang = b.owner.locale as Lang;
    return Array.from({ length: count }, () => {
      const offerKind: OfferKind = chance(0.55) ? 'offer' : 'request';
      const word = PRODUCTS[lang][pick(kind.products)];
      const title = offerKind === 'offer'
        ? { ro: `Oferim ${word} pentru parteneri`, ru: `Предлагаем партнёрам: ${word}`, en: `We supply ${word} to partners`, lv: `Piedāvājam partneriem: ${word}` }[lang]
        : { ro: `Căutăm distribuitori de ${word}`, ru: `Ищем дистрибьюторов: ${word}`, en: `Looking for ${word} distributors`, lv: `Meklējam izplatītājus: ${word}` }[lang];
      const description = offerKind === 'offer'
        ? { ro: `Producem ${word} în ${b.locality} și căutăm cumpărători stabili, inclusiv din străinătate.`, ru: `Наша продукция (${word}, ${b.locality}) — ищем постоянных покупателей, в том числе за рубежом.`, en: `We produce ${word} in ${b.locality} and look for steady buyers, abroad too.`, lv: `Mūsu produkcija (${word}, ${b.locality}) — meklējam pastāvīgus pircējus, arī ārzemēs.` }[lang]
        : { ro: `Căutăm parteneri pentru vânzarea produselor noastre (${word}).`, ru: `Ищем партнёров для продажи нашей продукции (${word}).`, en: `We are looking for partners to sell our ${word}.`, lv: `Meklējam partnerus mūsu produkcijas (${word}) tirdzniecībai.` }[lang];
      return {
        kind: offerKind,
        type: pick(kind.offers),
        title,
        description,
        keywords: [...new Set([word, PRODUCTS.en[kind.products[0]]])],
        targetCountries: chance(0.5) ? [] : [b.country === 'MD' ? 'LV' : 'MD'],
        status: chance(0.93) ? 'published' : 'pending',
      };
    });
  }

  return { business, offers };
}
