/**
 * The in-memory full-text index over published listings (MiniSearch: maintained, dependency-free, with
 * per-field boosts, prefix + fuzzy matching, query trees, document boosts and incremental add/discard).
 * Everything is folded first (normalize.ts), so "Bălți", "balti" and "BALTI" are one term, and Cyrillic is
 * transliterated ("Бельцы" → "beltsy", which is why district names are indexed in all four languages).
 *
 * The engine knows nothing about the store: it returns ids in rank order; SearchService loads one page.
 */
import MiniSearch, { type Query, type SearchOptions } from 'minisearch';
import type { Country, Listing, Sector } from '../../models/listing.js';
import { LOCALES } from '../../models/user.js';
import { translator } from '../i18n.js';
import { district } from '../territories.js';
import { allowedEdits, editDistance, fold } from './normalize.js';
import { synonymsOf } from './synonyms.js';

/** The listing fields the index reads. */
export type IndexedListing = Pick<Listing, '_id' | 'name' | 'activity' | 'description' | 'keywords' | 'sectors' | 'country'
  | 'districtId' | 'locality' | 'createdAt'> & Partial<Pick<Listing, 'logoId' | 'website' | 'facebook' | 'email' | 'publishedAt' | 'updatedAt'>>;

export interface SearchFilters {
  sector?: Sector;
  country?: Country;
  districtId?: string;
}

export type FilterName = keyof SearchFilters;

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

/** Field weights: name > keywords/products > activity > place/sector > description. */
const BOOST = { name: 4, keywords: 2.5, products: 2.5, activity: 1.5, place: 1.2, sector: 1, description: 1 };
const FIELDS = Object.keys(BOOST) as (keyof typeof BOOST)[];

/** Words that carry no meaning in a directory query ("miere de albine", "мёд в Бельцах"), folded. */
const STOP_WORDS = new Set([
  'de', 'la', 'si', 'in', 'din', 'pe', 'cu', 'pentru', 'sau', 'un', 'o',
  'i', 'v', 'na', 's', 'dlya', 'ili', 'po', 'iz', 'k', 'u',
  'the', 'and', 'of', 'for', 'in', 'a', 'an', 'to', 'with', 'or', 'near',
  'un', 'ar', 'par', 'no', 'uz', 'vai', 'ir',
]);

const sectorNames = new Map<string, string>();
function sectorText(sectors: readonly string[]): string {
  return sectors.map((s) => {
    let names = sectorNames.get(s);
    if (names === undefined) {
      names = LOCALES.map((l) => translator(l)(`sectors:${s}`)).join(' ');
      sectorNames.set(s, names);
    }
    return names;
  }).join(' ');
}

function placeText(districtId: string, locality: string): string {
  const d = district(districtId);
  const names = d ? [...new Set(Object.values(d.names))].join(' ') : '';
  return `${names} ${locality}`;
}

/** 0..1: how much of the optional information a business filled in (customers prefer complete cards). */
function completeness(l: IndexedListing): number {
  const checks = [l.description.length >= 40, l.keywords.length > 0, !!l.logoId, !!(l.website || l.facebook), !!l.email, !!l.activity, !!l.locality];
  return checks.filter(Boolean).length / checks.length;
}

interface StoredFields {
  sectors: string[];
  country: string;
  districtId: string;
  /** Document boost: completeness and recency, a tie-breaker on top of text relevance. */
  q: number;
}

interface IndexDoc extends StoredFields {
  id: string;
  name: string;
  keywords: string;
  products: string;
  activity: string;
  place: string;
  sector: string;
  description: string;
}

const tokenize = (s: string): string[] => (s ? fold(s).split(' ') : []);
const processTerm = (term: string): string | null => (term.length >= 2 || /\d/.test(term) ? term : null);

export interface QueryInput extends SearchFilters {
  text: string;
  /** 0-based. */
  page?: number;
  pageSize?: number;
}

export class SearchEngine {
  private readonly index: MiniSearch<IndexDoc>;
  /** Folded word → how many documents used it when indexed (grow-only; for spelling suggestions). */
  private readonly vocabulary = new Map<string, number>();
  /** id → where it is filed (browse menus count these). */
  private readonly filed = new Map<string, { sectors: string[]; country: string; districtId: string }>();
  private facetCache = new Map<string, Facets>();

  constructor(private readonly opts: { now: () => Date }) {
    this.index = new MiniSearch<IndexDoc>({
      fields: FIELDS,
      storeFields: ['sectors', 'country', 'districtId', 'q'],
      tokenize,
      processTerm,
      searchOptions: { boost: BOOST, combineWith: 'AND', tokenize, processTerm },
      autoVacuum: { minDirtCount: 200, minDirtFactor: 0.1, batchSize: 2000, batchWait: 10 },
    });
  }

  get size(): number {
    return this.index.documentCount;
  }

  get vocabularySize(): number {
    return this.vocabulary.size;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  private toDoc(l: IndexedListing, productTitles: readonly string[]): IndexDoc {
    const now = this.opts.now().getTime();
    const at = (l.publishedAt ?? l.updatedAt ?? l.createdAt)?.getTime?.() ?? now;
    const recency = Math.exp(-Math.max(0, now - at) / (365 * 86_400_000));
    return {
      id: l._id,
      name: l.name,
      keywords: l.keywords.join(' '),
      products: productTitles.join(' '),
      activity: l.activity,
      place: placeText(l.districtId, l.locality),
      sector: sectorText(l.sectors),
      description: l.description,
      sectors: [...l.sectors],
      country: l.country,
      districtId: l.districtId,
      q: 1 + 0.06 * completeness(l) + 0.04 * recency,
    };
  }

  private learn(doc: IndexDoc): void {
    const seen = new Set<string>();
    for (const f of FIELDS) {
      for (const w of tokenize(doc[f])) if (w.length >= 3 && !/\d/.test(w)) seen.add(w);
    }
    for (const w of seen) this.vocabulary.set(w, (this.vocabulary.get(w) ?? 0) + 1);
  }

  /** Adds or replaces one listing. */
  upsert(l: IndexedListing, productTitles: readonly string[] = []): void {
    const doc = this.toDoc(l, productTitles);
    if (this.index.has(doc.id)) this.index.discard(doc.id);
    this.index.add(doc);
    this.learn(doc);
    this.file(doc);
  }

  private file(doc: IndexDoc): void {
    this.filed.set(doc.id, { sectors: doc.sectors, country: doc.country, districtId: doc.districtId });
    this.facetCache.clear();
  }

  /** Sectors and districts with published businesses, most businesses first. */
  facets(country?: Country): Facets {
    const key = country ?? '*';
    const cached = this.facetCache.get(key);
    if (cached) return cached;
    const sectors = new Map<string, number>();
    const districts = new Map<string, number>();
    for (const f of this.filed.values()) {
      if (country && f.country !== country) continue;
      for (const s of f.sectors) sectors.set(s, (sectors.get(s) ?? 0) + 1);
      districts.set(f.districtId, (districts.get(f.districtId) ?? 0) + 1);
    }
    const order = <K extends string>(m: Map<string, number>, k: K) =>
      [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([v, count]) => ({ [k]: v, count }) as Record<K, string> & { count: number });
    const result = { sectors: order(sectors, 'sector') as Facets['sectors'], districts: order(districts, 'districtId') };
    this.facetCache.set(key, result);
    return result;
  }

  /** Bulk load (start-up, benchmark). */
  addAll(items: Iterable<{ listing: IndexedListing; products?: readonly string[] }>): void {
    const docs: IndexDoc[] = [];
    for (const { listing, products } of items) {
      if (this.index.has(listing._id)) this.index.discard(listing._id);
      const doc = this.toDoc(listing, products ?? []);
      this.learn(doc);
      this.file(doc);
      docs.push(doc);
    }
    this.index.addAll(docs);
  }

  remove(id: string): void {
    if (this.index.has(id)) this.index.discard(id);
    if (this.filed.delete(id)) this.facetCache.clear();
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
    const words = tokenize(cut).map(processTerm).filter((w): w is string => !!w);
    const meaningful = words.filter((w) => !STOP_WORDS.has(w));
    return [...new Set(meaningful.length ? meaningful : words.filter((w) => w.length >= 3))].slice(0, MAX_QUERY_TERMS);
  }

  /** One query word → its alternatives: the word (typos + prefix allowed) OR its cross-language synonyms. */
  private termQuery(term: string): Query {
    const synonyms = synonymsOf(term).filter((s) => s !== term);
    // A word the index knows exactly is not fuzzed: "miere" must not also find "mere" (apples).
    const known = this.vocabulary.has(term) || synonyms.some((s) => this.vocabulary.has(s));
    const edits = known ? 0 : allowedEdits(term);
    const self: Query = { queries: [term], prefix: term.length >= 3, fuzzy: edits > 0 ? edits : false };
    if (!synonyms.length) return self;
    return {
      combineWith: 'OR',
      queries: [self, { queries: synonyms, prefix: (t: string) => t.length >= 4, fuzzy: false, boostTerm: () => 0.8 }],
    };
  }

  private run(terms: string[], filters: SearchFilters): string[] {
    const filter = (r: Record<string, any>): boolean =>
      (!filters.sector || (r.sectors as string[]).includes(filters.sector))
      && (!filters.country || r.country === filters.country)
      && (!filters.districtId || r.districtId === filters.districtId);
    const hasFilter = !!(filters.sector || filters.country || filters.districtId);
    const options: SearchOptions = {
      boostDocument: (_id, _term, stored) => (stored as unknown as StoredFields | undefined)?.q ?? 1,
      ...(hasFilter ? { filter } : {}),
    };
    const query: Query = terms.length ? { combineWith: 'AND', queries: terms.map((t) => this.termQuery(t)) } : MiniSearch.wildcard;
    return this.index.search(query, options).map((r) => r.id as string);
  }

  /** Ranked ids of one page; suggestions when nothing matched. Text with no words and no filter finds nothing. */
  query(input: QueryInput): RankedIds {
    const pageSize = Math.min(Math.max(1, input.pageSize ?? 10), 50);
    const page = Math.max(0, Math.floor(input.page ?? 0));
    const filters: SearchFilters = { sector: input.sector, country: input.country, districtId: input.districtId };
    const terms = SearchEngine.terms(input.text);
    if (!terms.length && !filters.sector && !filters.country && !filters.districtId) return { ids: [], total: 0, suggestions: [], terms };
    const all = this.run(terms, filters);
    const ids = all.slice(page * pageSize, (page + 1) * pageSize);
    const suggestions = all.length ? [] : this.suggest(terms, filters);
    return { ids, total: all.length, suggestions, terms };
  }

  /** Nothing matched: a corrected spelling from the index's own words, and filters worth dropping. */
  private suggest(terms: string[], filters: SearchFilters): Suggestion[] {
    const out: Suggestion[] = [];
    if (terms.length) {
      const corrected = terms.map((t) => this.closestWord(t) ?? t);
      if (corrected.some((w, i) => w !== terms[i])) {
        const total = this.run(corrected, filters).length;
        if (total) out.push({ kind: 'spelling', text: corrected.join(' '), total });
      }
    }
    for (const f of ['districtId', 'sector', 'country'] as FilterName[]) {
      if (!filters[f]) continue;
      const total = this.run(terms, { ...filters, [f]: undefined }).length;
      if (total) out.push({ kind: 'drop_filter', filter: f, total });
    }
    return out;
  }

  /** The most common indexed word within a few edits (more than search itself tolerates), if any. */
  private closestWord(term: string): string | undefined {
    if (term.length < 3 || /\d/.test(term) || this.vocabulary.has(term)) return undefined;
    const max = Math.max(2, allowedEdits(term) + 1);
    let best: string | undefined;
    let bestDistance = max + 1;
    let bestCount = 0;
    // Ties: a word of the same length (a swap of letters, the usual typo), then the commoner, then a-z.
    const better = (w: string, d: number, count: number): boolean => {
      if (d !== bestDistance) return d < bestDistance;
      const dl = Math.abs(w.length - term.length) - Math.abs(best!.length - term.length);
      if (dl !== 0) return dl < 0;
      return count !== bestCount ? count > bestCount : w < best!;
    };
    for (const [w, count] of this.vocabulary) {
      if (Math.abs(w.length - term.length) > max) continue;
      const d = editDistance(term, w, max);
      if (d <= max && better(w, d, count)) {
        best = w;
        bestDistance = d;
        bestCount = count;
      }
    }
    return bestDistance <= max ? best : undefined;
  }
}
