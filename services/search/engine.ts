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

/** One word's postings: document numbers and their weights, in growable typed arrays. */
class Postings {
  docs = new Int32Array(4);
  weights = new Float32Array(4);
  n = 0;
  push(doc: number, w: number): void {
    if (this.n === this.docs.length) {
      const docs = new Int32Array(this.n * 2);
      docs.set(this.docs);
      this.docs = docs;
      const weights = new Float32Array(this.n * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.docs[this.n] = doc;
    this.weights[this.n++] = w;
  }
}

const SECTOR_BIT = new Map<string, number>(NACE_SECTIONS.map((s, i) => [s, 1 << i]));

export class SearchEngine {
  private readonly dict = new SearchableMap<Postings>();
  /** Per document number: id, where it is filed, and its boost (completeness + recency). */
  private ids: string[] = [];
  private alive = new Uint8Array(1024);
  private country: string[] = [];
  private districtOf: string[] = [];
  private lagOf: string[] = [];
  private sectorMask = new Uint32Array(1024);
  private sectorsOf: string[][] = [];
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

  has(id: string): boolean {
    return this.byId.has(id);
  }

  private grow(min: number): void {
    if (min <= this.alive.length) return;
    const cap = Math.max(min, this.alive.length * 2);
    const g = <A extends Uint8Array | Uint32Array | Float32Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.alive = g(this.alive, (n) => new Uint8Array(n));
    this.sectorMask = g(this.sectorMask, (n) => new Uint32Array(n));
    this.boost = g(this.boost, (n) => new Float32Array(n));
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
    this.country.push(l.country);
    this.districtOf.push(l.districtId);
    this.lagOf.push(district(l.districtId)?.lag ?? '');
    this.sectorsOf.push([...l.sectors]);
    this.sectorMask[doc] = l.sectors.reduce((m, s) => m | (SECTOR_BIT.get(s) ?? 0), 0);
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
    for (const [w, top] of best) this.dict.fetch(w, () => new Postings()).push(doc, top + 0.25 * (sum.get(w)! - top));
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
    const keepAt = <T>(xs: T[]) => xs.filter((_, d) => this.alive[d]);
    this.ids = keepAt(this.ids);
    this.country = keepAt(this.country);
    this.districtOf = keepAt(this.districtOf);
    this.lagOf = keepAt(this.lagOf);
    this.sectorsOf = keepAt(this.sectorsOf);
    const sectorMask = new Uint32Array(this.sectorMask.length);
    const boost = new Float32Array(this.boost.length);
    for (let d = 0; d < renumber.length; d++) {
      if (renumber[d] < 0) continue;
      sectorMask[renumber[d]] = this.sectorMask[d];
      boost[renumber[d]] = this.boost[d];
    }
    this.sectorMask = sectorMask;
    this.boost = boost;
    this.alive.fill(0);
    this.alive.fill(1, 0, next);
    this.byId.clear();
    this.ids.forEach((id, d) => this.byId.set(id, d));
    const empty: string[] = [];
    for (const [term, p] of this.dict) {
      let n = 0;
      for (let i = 0; i < p.n; i++) {
        const d = renumber[p.docs[i]];
        if (d < 0) continue;
        p.docs[n] = d;
        p.weights[n++] = p.weights[i];
      }
      p.n = n;
      if (!n) empty.push(term);
    }
    for (const term of empty) this.dict.delete(term);
    this.dead = 0;
  }

  /** Sectors and districts with published businesses, most businesses first. */
  facets(country?: Country, lagId?: string): Facets {
    const key = `${country ?? '*'}/${lagId ?? '*'}`;
    const cached = this.facetCache.get(key);
    if (cached) return cached;
    const sectors = new Map<string, number>();
    const districts = new Map<string, number>();
    for (let d = 0; d < this.ids.length; d++) {
      if (!this.alive[d] || (country && this.country[d] !== country) || (lagId && this.lagOf[d] !== lagId)) continue;
      for (const s of this.sectorsOf[d]) sectors.set(s, (sectors.get(s) ?? 0) + 1);
      districts.set(this.districtOf[d], (districts.get(this.districtOf[d]) ?? 0) + 1);
    }
    const order = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const result: Facets = {
      sectors: order(sectors).map(([sector, count]) => ({ sector: sector as Sector, count })),
      districts: order(districts).map(([districtId, count]) => ({ districtId, count })),
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
    const p = this.dict.get(term);
    return !!p && p.n > 0;
  }

  /**
   * Dictionary words one query word stands for, with how much each counts: the word itself, longer words
   * it starts (≥ 3 letters), close spellings (only when the word itself is unknown: "miere" must not also find
   * "mere", apples), and its cross-language synonyms.
   */
  private expand(term: string): Map<Postings, number> {
    const out = new Map<Postings, number>();
    const add = (p: Postings | undefined, f: number) => {
      if (p && p.n && f > (out.get(p) ?? 0)) out.set(p, f);
    };
    const prefixed = (t: string, f: number) => {
      const words = [...this.dict.atPrefix(t)].filter(([w]) => w !== t);
      if (words.length > MAX_PREFIX_TERMS) words.sort((a, b) => b[1].n - a[1].n).length = MAX_PREFIX_TERMS;
      for (const [w, p] of words) add(p, f * (0.7 + (0.3 * t.length) / w.length));
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
    const { alive, termScore, total, hits } = this;
    const live = this.byId.size + this.dead;
    const sectorBit = filters.sector ? SECTOR_BIT.get(filters.sector) ?? 0 : 0;
    const passes = (d: number) => alive[d] === 1
      && (!filters.country || this.country[d] === filters.country)
      && (!filters.districtId || this.districtOf[d] === filters.districtId)
      && (!filters.lagId || this.lagOf[d] === filters.lagId)
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
      for (const [p, factor] of this.expand(terms[i])) {
        const idf = Math.log(1 + (live - p.n + 0.5) / (p.n + 0.5));
        const { docs, weights } = p;
        for (let j = 0; j < p.n; j++) {
          const d = docs[j];
          if (hits[d] !== i) continue; // AND: must have matched every earlier word
          if (i === 0 && !passes(d)) continue;
          const s = weights[j] * idf * factor;
          if (termScore[d] === 0) touched.push(d);
          if (s > termScore[d]) termScore[d] = s;
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
    for (const [w, [p, d]] of this.dict.fuzzyGet(term, max)) {
      if (!p.n || /\d/.test(w) || w.length < 3 || STOP_WORDS.has(w)) continue;
      const c = { w, d, n: p.n };
      const better = !best || c.d !== best.d ? !best || c.d < best.d
        : Math.abs(c.w.length - term.length) !== Math.abs(best.w.length - term.length)
          ? Math.abs(c.w.length - term.length) < Math.abs(best.w.length - term.length)
          : c.n !== best.n ? c.n > best.n : c.w < best.w;
      if (better) best = c;
    }
    return best?.w;
  }
}
