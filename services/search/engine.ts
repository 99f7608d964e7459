/**
 * The in-memory full-text index over published listings: a compact inverted index (postings in typed
 * arrays, BM25-style weights per field) whose term dictionary is MiniSearch's radix tree (SearchableMap),
 * which gives prefix and Levenshtein-automaton fuzzy lookups. MiniSearch's own document index was measured
 * first and was 15× too slow at 100k listings (it builds a result object per matching document and field);
 * see scripts/bench-search.ts.
 *
 * Everything is folded first (normalize.ts), so "Bălți", "balti" and "BALTI" are one term, and Cyrillic is
 * transliterated ("Бельцы" → "beltsy", which is why district names are indexed in all four languages).
 * The engine knows nothing about the store: it returns ids in rank order; SearchService loads one page.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { NACE_SECTIONS } from '../../models/listing.js';
import type { Country, Listing, Sector } from '../../models/listing.js';
import { LOCALES } from '../../models/user.js';
import { translator } from '../i18n.js';
import { district } from '../territories.js';
import { allowedEdits, fold } from './normalize.js';
import { synonymsOf } from './synonyms.js';

/** The listing fields the index reads. */
export type IndexedListing = Pick<Listing, '_id' | 'name' | 'activity' | 'description' | 'keywords' | 'sectors' | 'country'
  | 'districtId' | 'locality' | 'createdAt'> & Partial<Pick<Listing, 'logoId' | 'website' | 'facebook' | 'email' | 'publishedAt' | 'updatedAt' | 'descriptions'>>;

export interface SearchFilters {
  sector?: Sector;
  country?: Country;
  districtId?: string;
}

export type FilterName = keyof SearchFilters;

/** A LAG's own directory (the web site's /lag/<id>): never dropped by a suggestion. */
export interface Scope {
  lagId?: string;
}

export type Suggestion =
  /** The query with misspelt words replaced by close words from the index. */
  | { kind: 'spelling'; text: string; total: number }
  /** The same query without one filter finds `total` businesses. */
  | { kind: 'drop_filter'; filter: FilterName; total: number };

export interface Facets {
  sectors: { sector: Sector; count: number }[];
  districts: { districtId: string; count: number }[];
}

export interface RankedIds {
  /** Ids of this page, best first. */
  ids: string[];
  total: number;
  /** Filled only when nothing matched. */
  suggestions: Suggestion[];
  /** The words actually searched (folded, stop words and noise removed). */
  terms: string[];
}

/** Longest query we read: longer input is cut, never rejected. */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_TERMS = 8;

export interface QueryInput extends SearchFilters, Scope {
  text: string;
  /** 0-based. */
  page?: number;
  pageSize?: number;
}

/** Field weights: name > keywords/products > activity > place/sector > description. */
const FIELDS = {
  name: { boost: 4, avg: 3 },
  keywords: { boost: 2.5, avg: 4 },
  products: { boost: 2.5, avg: 8 },
  activity: { boost: 1.5, avg: 4 },
  place: { boost: 1.2, avg: 5 },
  sector: { boost: 1, avg: 15 },
  description: { boost: 1, avg: 40 },
} as const;
type Field = keyof typeof FIELDS;
const K1 = 1.2;
const B = 0.5;
/** How much a word found by prefix, by a typo, or as a synonym counts next to the word itself. */
const PREFIX = 0.6;
const FUZZY = 0.45;
const SYNONYM = 0.8;
/** At most this many dictionary words per prefix ("me…"), the commonest first. */
const MAX_PREFIX_TERMS = 60;

/** Words that carry no meaning in a directory query ("miere de albine", "мёд в Бельцах"), folded. */
const STOP_WORDS = new Set([
  'de', 'la', 'si', 'in', 'din', 'pe', 'cu', 'pentru', 'sau', 'un', 'o',
  'i', 'v', 'na', 's', 'dlya', 'ili', 'po', 'iz', 'k', 'u',
  'the', 'and', 'of', 'for', 'a', 'an', 'to', 'with', 'or', 'near',
  'ar', 'par', 'no', 'uz', 'vai', 'ir',
]);

/** Words shorter than this get no spelling suggestion (see closestWord). */
const MIN_SUGGEST_LENGTH = 5;

const tokenize = (s: string): string[] => (s ? fold(s).split(' ') : []);
const keep = (term: string): boolean => term.length >= 2 || /\d/.test(term);

const foldedCache = new Map<string, string[]>();
/** Sector and district names repeat on every listing: fold each combination once. */
function cachedTokens(key: string, make: () => string): string[] {
  let t = foldedCache.get(key);
  if (!t) {
    t = tokenize(make()).filter(keep);
    foldedCache.set(key, t);
  }
  return t;
}

function sectorTokens(sectors: readonly string[]): string[] {
  return cachedTokens(`s:${sectors.join(',')}`, () => sectors.map((s) => LOCALES.map((l) => translator(l)(`sectors:${s}`)).join(' ')).join(' '));
}

function districtTokens(districtId: string): string[] {
  return cachedTokens(`d:${districtId}`, () => {
    const d = district(districtId);
    return d ? [...new Set(Object.values(d.names))].join(' ') : '';
  });
}

/** 0..1: how much of the optional information a business filled in (customers prefer complete cards). */
function completeness(l: IndexedListing): number {
  const checks = [l.description.length >= 40, l.keywords.length > 0, !!l.logoId, !!(l.website || l.facebook), !!l.email, !!l.activity, !!l.locality];
  return checks.filter(Boolean).length / checks.length;
}

type Numbers = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array;

/** A copy of `a`, of its own kind, with room for `cap` elements. */
function grown<A extends Numbers>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

/** Postings live in pages of this many slots (256 KB of doc numbers + 256 KB of weights per page). */
const PAGE_BITS = 16;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;
/** A word's postings grow in blocks of 1, 3, 7 … entries, at most this many (+ 1 header slot: 256 slots): a long list wastes at most one part-filled block. */
const MAX_BLOCK = 255;

/**
 * Every word's postings (document number + weight) in a few large typed arrays shared by all words: a word is
 * a small integer (its number in the dictionary), its postings a chain of blocks inside the pages. This
 * replaced one object per word holding a growable pair of typed arrays: hundreds of bytes per word before its
 * first posting (two ArrayBuffers and their views), up to half of every array unused, and each outgrown array
 * left behind as garbage. At 100,000 listings (bench:start's data, 100,000 words, 4.2 million postings) the index
 * went from 75 MB of heap + 56 MB of array buffers to 21 MB + 40 MB. A block starts with a header slot: its
 * capacity (in the weight page, read as an integer) and the address of the next block (in the doc page).
 * Postings are appended in document order, so every chain is sorted by document number.
 */
class PostingStore {
  readonly docPages: Int32Array[] = [];
  readonly weightPages: Float32Array[] = [];
  /** The weight pages read as integers: the headers' capacities. */
  readonly capPages: Int32Array[] = [];
  /** Next free slot (page << PAGE_BITS | offset). */
  private top = 0;
  /** Per word: first and last block, postings (those of removed documents too, until compaction), entries in the last block. */
  head = new Int32Array(256);
  tail = new Int32Array(256);
  count = new Int32Array(256);
  private used = new Uint16Array(256);
  words = 0;

  newWord(): number {
    if (this.words === this.head.length) {
      const cap = this.head.length * 2;
      this.head = grown(this.head, cap);
      this.tail = grown(this.tail, cap);
      this.count = grown(this.count, cap);
      this.used = grown(this.used, cap);
    }
    const w = this.words++;
    this.head[w] = -1;
    this.tail[w] = -1;
    this.count[w] = 0;
    this.used[w] = 0;
    return w;
  }

  private block(capacity: number): number {
    const slots = capacity + 1;
    if (this.top === this.docPages.length * PAGE_SLOTS || (this.top & PAGE_MASK) + slots > PAGE_SLOTS) {
      const weights = new Float32Array(PAGE_SLOTS);
      this.docPages.push(new Int32Array(PAGE_SLOTS));
      this.weightPages.push(weights);
      this.capPages.push(new Int32Array(weights.buffer));
      this.top = (this.docPages.length - 1) * PAGE_SLOTS;
    }
    const at = this.top;
    this.top += slots;
    this.docPages[at >>> PAGE_BITS][at & PAGE_MASK] = -1;
    this.capPages[at >>> PAGE_BITS][at & PAGE_MASK] = capacity;
    return at;
  }

  push(word: number, doc: number, weight: number): void {
    let tail = this.tail[word];
    if (tail < 0) {
      tail = this.block(1);
      this.head[word] = tail;
      this.tail[word] = tail;
    } else {
      const capacity = this.capPages[tail >>> PAGE_BITS][tail & PAGE_MASK];
      if (this.used[word] === capacity) {
        const next = this.block(Math.min(capacity * 2 + 1, MAX_BLOCK));
        this.docPages[tail >>> PAGE_BITS][tail & PAGE_MASK] = next;
        tail = next;
        this.tail[word] = next;
        this.used[word] = 0;
      }
    }
    const at = (tail & PAGE_MASK) + 1 + this.used[word]++;
    this.docPages[tail >>> PAGE_BITS][at] = doc;
    this.weightPages[tail >>> PAGE_BITS][at] = weight;
    this.count[word]++;
  }

  /** Bytes of the pages (allocated, used or not). */
  get bytes(): number {
    return this.docPages.length * PAGE_SLOTS * 8;
  }
}

const SECTOR_BIT = new Map<string, number>(NACE_SECTIONS.map((s, i) => [s, 1 << i]));

/** Set bits of a sector mask. */
function bitCount(m: number): number {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
}

export class SearchEngine {
  /** Word → its number in `postings`. */
  private readonly dict = new SearchableMap<number>();
  private postings = new PostingStore();
  /** Per document number: id, where it is filed, and its boost (completeness + recency). */
  private ids: string[] = [];
  private alive = new Uint8Array(1024);
  /** Country, district and LAG of each document as numbers of `placeNames` (a handful of values, 100,000s of documents). */
  private country = new Int32Array(1024);
  private districtOf = new Int32Array(1024);
  private lagOf = new Int32Array(1024);
  private readonly placeCodes = new Map<string, number>();
  private readonly placeNames: string[] = [];
  private sectorMask = new Uint32Array(1024);
  /** The rare document whose sectors the mask cannot tell exactly (a repeated or unknown sector): its list. */
  private oddSectors = new Map<number, string[]>();
  private boost = new Float32Array(1024);
  private readonly byId = new Map<string, number>();
  private dead = 0;
  // Scratch space for queries (the engine is synchronous, so one set is enough).
  private termScore = new Float32Array(1024);
  private total = new Float32Array(1024);
  private hits = new Uint8Array(1024);
  private facetCache = new Map<string, Facets>();

  constructor(private readonly opts: { now: () => Date }) {}

  get size(): number {
    return this.byId.size;
  }

  get vocabularySize(): number {
    return this.dict.size;
  }

  /** Bytes of typed arrays holding postings (outside the JS heap: process.memoryUsage().arrayBuffers). */
  get postingBytes(): number {
    return this.postings.bytes;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  private place(name: string): number {
    let code = this.placeCodes.get(name);
    if (code === undefined) {
      code = this.placeNames.length;
      this.placeNames.push(name);
      this.placeCodes.set(name, code);
    }
    return code;
  }

  /** A filter's place code: -1 when there is no filter, -2 for a place no document has. */
  private placeFilter(name: string | undefined): number {
    return name ? this.placeCodes.get(name) ?? -2 : -1;
  }

  private grow(min: number): void {
    if (min <= this.alive.length) return;
    const cap = Math.max(min, this.alive.length * 2);
    this.alive = grown(this.alive, cap);
    this.country = grown(this.country, cap);
    this.districtOf = grown(this.districtOf, cap);
    this.lagOf = grown(this.lagOf, cap);
    this.sectorMask = grown(this.sectorMask, cap);
    this.boost = grown(this.boost, cap);
    this.termScore = new Float32Array(cap);
    this.total = new Float32Array(cap);
    this.hits = new Uint8Array(cap);
  }

  private add(l: IndexedListing, productTitles: readonly string[]): void {
    this.remove(l._id);
    const doc = this.ids.length;
    this.grow(doc + 1);
    this.ids.push(l._id);
    this.byId.set(l._id, doc);
    this.alive[doc] = 1;
    this.country[doc] = this.place(l.country);
    this.districtOf[doc] = this.place(l.districtId);
    this.lagOf[doc] = this.place(district(l.districtId)?.lag ?? '');
    const mask = l.sectors.reduce((m, s) => m | (SECTOR_BIT.get(s) ?? 0), 0);
    this.sectorMask[doc] = mask;
    if (bitCount(mask) !== l.sectors.length) this.oddSectors.set(doc, [...l.sectors]);
    const now = this.opts.now().getTime();
    const at = (l.publishedAt ?? l.updatedAt ?? l.createdAt)?.getTime?.() ?? now;
    const recency = Math.exp(-Math.max(0, now - at) / (365 * 86_400_000));
    this.boost[doc] = 1 + 0.06 * completeness(l) + 0.04 * recency;

    const fields: Record<Field, string[]> = {
      name: tokenize(l.name).filter(keep),
      keywords: tokenize(l.keywords.join(' ')).filter(keep),
      products: tokenize(productTitles.join(' ')).filter(keep),
      activity: tokenize(l.activity).filter(keep),
      place: [...districtTokens(l.districtId), ...tokenize(l.locality).filter(keep)],
      sector: sectorTokens(l.sectors),
      // The owner's translations of the description are searchable too.
      description: tokenize([l.description, ...Object.values(l.descriptions ?? {})].join(' ')).filter(keep),
    };
    // BM25 term-frequency part per field times the field weight; the best field counts fully and the others
    // a quarter, so a word in the name beats the same word in keywords + description. idf comes at query time.
    // Fresh Maps for every listing, on purpose: one long-lived Map cleared and refilled instead had V8 promote
    // its entries to the old generation (~50 MB of garbage per 100,000 listings, measured with --trace-gc-nvp).
    const best = new Map<string, number>();
    const sum = new Map<string, number>();
    for (const f of Object.keys(FIELDS) as Field[]) {
      const words = fields[f];
      if (!words.length) continue;
      const tf = new Map<string, number>();
      for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
      const norm = K1 * (1 - B + (B * words.length) / FIELDS[f].avg);
      for (const [w, n] of tf) {
        const x = (FIELDS[f].boost * n * (K1 + 1)) / (n + norm);
        best.set(w, Math.max(best.get(w) ?? 0, x));
        sum.set(w, (sum.get(w) ?? 0) + x);
      }
    }
    for (const [w, top] of best) {
      let word = this.dict.get(w);
      if (word === undefined) this.dict.set(w, (word = this.postings.newWord()));
      this.postings.push(word, doc, top + 0.25 * (sum.get(w)! - top));
    }
    this.facetCache.clear();
  }

  /** Adds or replaces one listing. */
  upsert(l: IndexedListing, productTitles: readonly string[] = []): void {
    this.add(l, productTitles);
  }

  /** Bulk load (start-up, benchmark). */
  addAll(items: Iterable<{ listing: IndexedListing; products?: readonly string[] }>): void {
    for (const { listing, products } of items) this.add(listing, products ?? []);
  }

  remove(id: string): void {
    const doc = this.byId.get(id);
    if (doc === undefined) return;
    this.byId.delete(id);
    this.alive[doc] = 0;
    this.dead++;
    this.facetCache.clear();
    if (this.dead > 1000 && this.dead > this.ids.length / 4) this.compact();
  }

  /** Drops removed documents from every posting list and renumbers the live ones. */
  private compact(): void {
    const renumber = new Int32Array(this.ids.length).fill(-1);
    let next = 0;
    for (let d = 0; d < this.ids.length; d++) if (this.alive[d]) renumber[d] = next++;
    this.ids = this.ids.filter((_, d) => this.alive[d]);
    const odd = new Map<number, string[]>();
    for (const [d, sectors] of this.oddSectors) if (renumber[d] >= 0) odd.set(renumber[d], sectors);
    this.oddSectors = odd;
    const keepAt = <A extends Int32Array | Uint32Array | Float32Array>(a: A, make: (n: number) => A): A => {
      const b = make(a.length);
      for (let d = 0; d < renumber.length; d++) if (renumber[d] >= 0) b[renumber[d]] = a[d];
      return b;
    };
    this.country = keepAt(this.country, (n) => new Int32Array(n));
    this.districtOf = keepAt(this.districtOf, (n) => new Int32Array(n));
    this.lagOf = keepAt(this.lagOf, (n) => new Int32Array(n));
    this.sectorMask = keepAt(this.sectorMask, (n) => new Uint32Array(n));
    this.boost = keepAt(this.boost, (n) => new Float32Array(n));
    this.alive.fill(0);
    this.alive.fill(1, 0, next);
    this.byId.clear();
    this.ids.forEach((id, d) => this.byId.set(id, d));
    // The live postings move to a fresh store, word by word (a word keeps its place in the dictionary).
    const old = this.postings;
    const fresh = new PostingStore();
    const renamed: [string, number][] = [];
    const empty: string[] = [];
    for (const [term, word] of this.dict) {
      let into = -1;
      let rest = old.count[word];
      for (let b = old.head[word]; rest > 0;) {
        const docs = old.docPages[b >>> PAGE_BITS];
        const weights = old.weightPages[b >>> PAGE_BITS];
        const at = b & PAGE_MASK;
        const n = Math.min(old.capPages[b >>> PAGE_BITS][at], rest);
        for (let j = at + 1; j <= at + n; j++) {
          const d = renumber[docs[j]];
          if (d < 0) continue;
          if (into < 0) into = fresh.newWord();
          fresh.push(into, d, weights[j]);
        }
        rest -= n;
        b = docs[at];
      }
      if (into < 0) empty.push(term);
      else renamed.push([term, into]);
    }
    this.postings = fresh;
    for (const [term, word] of renamed) this.dict.set(term, word);
    for (const term of empty) this.dict.delete(term);
    this.dead = 0;
  }

  /** Sectors and districts with published businesses, most businesses first. */
  facets(country?: Country, lagId?: string): Facets {
    const key = `${country ?? '*'}/${lagId ?? '*'}`;
    const cached = this.facetCache.get(key);
    if (cached) return cached;
    const inCountry = this.placeFilter(country);
    const inLag = this.placeFilter(lagId);
    const sectors = new Map<string, number>();
    const districts = new Map<number, number>();
    for (let d = 0; d < this.ids.length; d++) {
      if (!this.alive[d] || (inCountry !== -1 && this.country[d] !== inCountry) || (inLag !== -1 && this.lagOf[d] !== inLag)) continue;
      const odd = this.oddSectors.get(d);
      if (odd) for (const s of odd) sectors.set(s, (sectors.get(s) ?? 0) + 1);
      else for (let m = this.sectorMask[d], i = 0; m; m >>>= 1, i++) if (m & 1) sectors.set(NACE_SECTIONS[i], (sectors.get(NACE_SECTIONS[i]) ?? 0) + 1);
      districts.set(this.districtOf[d], (districts.get(this.districtOf[d]) ?? 0) + 1);
    }
    const order = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const result: Facets = {
      sectors: order(sectors).map(([sector, count]) => ({ sector: sector as Sector, count })),
      districts: order(new Map([...districts].map(([code, n]) => [this.placeNames[code], n]))).map(([districtId, count]) => ({ districtId, count })),
    };
    this.facetCache.set(key, result);
    return result;
  }

  /** The query as searchable words: folded, cut to a sane length, stop words dropped. */
  static terms(text: string): string[] {
    let cut = String(text ?? '');
    if (cut.length > MAX_QUERY_CHARS) {
      // Cut at a word boundary: half a word would turn "miere miere…" into a search for "mi".
      cut = cut.slice(0, MAX_QUERY_CHARS + 1);
      const space = cut.search(/\s\S*$/);
      cut = space > 0 ? cut.slice(0, space) : cut.slice(0, MAX_QUERY_CHARS);
    }
    const words = tokenize(cut).filter(keep);
    const meaningful = words.filter((w) => !STOP_WORDS.has(w));
    return [...new Set(meaningful.length ? meaningful : words.filter((w) => w.length >= 3))].slice(0, MAX_QUERY_TERMS);
  }

  private known(term: string): boolean {
    const word = this.dict.get(term);
    return word !== undefined && this.postings.count[word] > 0;
  }

  /**
   * Dictionary words one query word stands for, with how much each counts: the word itself, longer words
   * it starts (≥ 3 letters), close spellings (only when the word itself is unknown: "miere" must not also find
   * "mere", apples), and its cross-language synonyms.
   */
  private expand(term: string): Map<number, number> {
    const { count } = this.postings;
    const out = new Map<number, number>();
    const add = (word: number | undefined, f: number) => {
      if (word !== undefined && count[word] && f > (out.get(word) ?? 0)) out.set(word, f);
    };
    const prefixed = (t: string, f: number) => {
      const words = [...this.dict.atPrefix(t)].filter(([w]) => w !== t);
      if (words.length > MAX_PREFIX_TERMS) words.sort((a, b) => count[b[1]] - count[a[1]]).length = MAX_PREFIX_TERMS;
      for (const [w, word] of words) add(word, f * (0.7 + (0.3 * t.length) / w.length));
    };
    const synonyms = synonymsOf(term).filter((s) => s !== term);
    add(this.dict.get(term), 1);
    if (term.length >= 3) prefixed(term, PREFIX);
    const edits = this.known(term) || synonyms.some((s) => this.known(s)) ? 0 : allowedEdits(term);
    if (edits) for (const [, [p, d]] of this.dict.fuzzyGet(term, edits)) add(p, FUZZY * (1 - d / (term.length + 1)));
    for (const s of synonyms) {
      add(this.dict.get(s), SYNONYM);
      if (s.length >= 4) prefixed(s, SYNONYM * PREFIX);
    }
    return out;
  }

  /** All matching documents (every word must match), filtered, with their scores. */
  private match(terms: string[], filters: SearchFilters & Scope): { docs: number[]; scores: Float32Array } {
    const { alive, termScore, total, hits, postings } = this;
    const live = this.byId.size + this.dead;
    const sectorBit = filters.sector ? SECTOR_BIT.get(filters.sector) ?? 0 : 0;
    const inCountry = this.placeFilter(filters.country);
    const inDistrict = this.placeFilter(filters.districtId);
    const inLag = this.placeFilter(filters.lagId);
    const passes = (d: number) => alive[d] === 1
      && (inCountry === -1 || this.country[d] === inCountry)
      && (inDistrict === -1 || this.districtOf[d] === inDistrict)
      && (inLag === -1 || this.lagOf[d] === inLag)
      && (!sectorBit || (this.sectorMask[d] & sectorBit) !== 0);
    let candidates: number[] = [];
    if (!terms.length) {
      for (let d = 0; d < this.ids.length; d++) if (passes(d)) {
        candidates.push(d);
        total[d] = this.boost[d];
      }
      return { docs: candidates, scores: total };
    }
    const everTouched: number[] = [];
    for (let i = 0; i < terms.length; i++) {
      const touched: number[] = [];
      for (const [word, factor] of this.expand(terms[i])) {
        const n = postings.count[word];
        const idf = Math.log(1 + (live - n + 0.5) / (n + 0.5));
        // The word's blocks: a header slot (capacity; next block), then its postings.
        for (let b = postings.head[word], rest = n; rest > 0;) {
          const docs = postings.docPages[b >>> PAGE_BITS];
          const weights = postings.weightPages[b >>> PAGE_BITS];
          const at = b & PAGE_MASK;
          const end = at + 1 + Math.min(postings.capPages[b >>> PAGE_BITS][at], rest);
          for (let j = at + 1; j < end; j++) {
            const d = docs[j];
            if (hits[d] !== i) continue; // AND: must have matched every earlier word
            if (i === 0 && !passes(d)) continue;
            const s = weights[j] * idf * factor;
            if (termScore[d] === 0) touched.push(d);
            if (s > termScore[d]) termScore[d] = s;
          }
          rest -= end - at - 1;
          b = docs[at];
        }
      }
      for (const d of touched) {
        total[d] += termScore[d];
        termScore[d] = 0;
        hits[d] = i + 1;
      }
      if (i === 0) everTouched.push(...touched);
      candidates = touched;
      if (!touched.length) break;
    }
    // Reset the partial sums of documents that dropped out (the caller resets the survivors), then the counts.
    const all = terms.length;
    for (const d of everTouched) {
      if (hits[d] !== all) total[d] = 0;
      hits[d] = 0;
    }
    for (const d of candidates) total[d] *= this.boost[d];
    return { docs: candidates, scores: total };
  }

  /** Ranked ids (one page) and the number of matches. */
  private run(terms: string[], filters: SearchFilters & Scope, page = 0, pageSize = 10): { ids: string[]; total: number } {
    const { docs, scores } = this.match(terms, filters);
    const k = (page + 1) * pageSize;
    const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && a > b);
    // Top-k with a small sorted buffer: pages are small, matches can be tens of thousands.
    const top: number[] = [];
    for (const d of docs) {
      if (top.length === k && !better(d, top[k - 1])) continue;
      let i = top.length < k ? top.length : k - 1;
      if (top.length < k) top.push(d);
      while (i > 0 && better(d, top[i - 1])) {
        top[i] = top[i - 1];
        i--;
      }
      top[i] = d;
    }
    for (const d of docs) scores[d] = 0;
    return { ids: top.slice(page * pageSize).map((d) => this.ids[d]), total: docs.length };
  }

  /** Ranked ids of one page; suggestions when nothing matched. Text with no words and no filter finds nothing. */
  query(input: QueryInput): RankedIds {
    const pageSize = Math.min(Math.max(1, input.pageSize ?? 10), 50);
    const page = Math.max(0, Math.floor(input.page ?? 0));
    const filters: SearchFilters & Scope = { sector: input.sector, country: input.country, districtId: input.districtId, lagId: input.lagId };
    const terms = SearchEngine.terms(input.text);
    if (!terms.length && !filters.sector && !filters.country && !filters.districtId && !filters.lagId) return { ids: [], total: 0, suggestions: [], terms };
    const { ids, total } = this.run(terms, filters, page, pageSize);
    return { ids, total, suggestions: total ? [] : this.suggest(terms, filters), terms };
  }

  /** Nothing matched: a corrected spelling from the index's own words, and filters worth dropping. */
  private suggest(terms: string[], filters: SearchFilters & Scope): Suggestion[] {
    const out: Suggestion[] = [];
    if (terms.length) {
      const corrected = terms.map((t) => this.closestWord(t) ?? t);
      if (corrected.some((w, i) => w !== terms[i])) {
        const total = this.run(corrected, filters).total;
        if (total) out.push({ kind: 'spelling', text: corrected.join(' '), total });
      }
    }
    for (const f of ['districtId', 'sector', 'country'] as FilterName[]) {
      if (!filters[f]) continue;
      const total = this.run(terms, { ...filters, [f]: undefined }).total;
      if (total) out.push({ kind: 'drop_filter', filter: f, total });
    }
    return out;
  }

  /**
   * The closest indexed word within a few edits (more than the search itself tolerates). Ties: a word of
   * the same length (a swap of letters, the usual typo), then the commoner, then a-z. Never a stop word
   * ("вино" must not become «din»), and nothing for words under 5 letters: a letter or two away from "vin"
   * are "din", "pin", "vis" — other words, not typos.
   */
  private closestWord(term: string): string | undefined {
    if (term.length < MIN_SUGGEST_LENGTH || /\d/.test(term) || this.known(term)) return undefined;
    const max = Math.max(2, allowedEdits(term) + 1);
    let best: { w: string; d: number; n: number } | undefined;
    for (const [w, [word, d]] of this.dict.fuzzyGet(term, max)) {
      const n = this.postings.count[word];
      if (!n || /\d/.test(w) || w.length < 3 || STOP_WORDS.has(w)) continue;
      const c = { w, d, n };
      const better = !best || c.d !== best.d ? !best || c.d < best.d
        : Math.abs(c.w.length - term.length) !== Math.abs(best.w.length - term.length)
          ? Math.abs(c.w.length - term.length) < Math.abs(best.w.length - term.length)
          : c.n !== best.n ? c.n > best.n : c.w < best.w;
      if (better) best = c;
    }
    return best?.w;
  }
}
