/**
 * Directory search: keeps the SearchEngine in step with the store (built at start from one streamed pass over
 * the published listings, updated on listing events) and answers queries with one page of listings loaded by id.
 * The same service serves Messenger and Telegram.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ListingModel, type Country, type Listing } from '../../models/listing.js';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { Collection, Store } from '../store/port.js';
import { district } from '../territories.js';
import { SearchEngine, type Facets, type QueryInput, type Suggestion } from './engine.js';

export type { Facets, SearchFilters, Suggestion } from './engine.js';

/** The slice of the catalog the index reads (services.catalogView). */
export interface ProductTitles {
  activeProducts(listing: Pick<Listing, '_id' | 'slug'>, limit?: number): Promise<{ title: string }[]>;
  /** Titles for many listings at once (the index build); without it, one activeProducts per listing. */
  activeTitles?(listingIds: string[], limit: number): Promise<Map<string, string[]>>;
}

/** Text, filters and page: the engine's own query input. */
export type SearchQuery = QueryInput & {
  /**
   * Whether this search counts in the usage statistics (default: when it searched words or a filter). The web
   * directory counts only searches someone typed: a page opened by a link or a crawler is not a search.
   */
  count?: boolean;
};

export interface SearchResult {
  listings: Listing[];
  total: number;
  page: number;
  pageSize: number;
  /** True when a next page exists. */
  more: boolean;
  /** Filled only when nothing matched. */
  suggestions: Suggestion[];
  /** The words searched (empty: the text had nothing searchable). */
  terms: string[];
}

/**
 * Listings read (and product titles fetched) per batch. Small on purpose: a batch's documents stay alive until
 * the whole batch is indexed, and with 500 many outlived two young-generation GCs and were promoted to the old
 * generation as garbage — at 100,000 listings the bot peaked at ~380 MB RSS with 500, ~260 MB with 100
 * (bench:start). The cost is more, smaller product-title queries (one indexed lookup each).
 */
const PAGE = 100;
/** Longest stretch the index build runs before letting other work in. */
const SLICE_MS = 8;
const PRODUCTS_PER_LISTING = 50;

export class SearchService {
  engine: SearchEngine;
  private readonly listings: Collection<Listing>;
  private ready: Promise<void> | undefined;
  /** The latest reindex in flight per listing id (entries live only while one is); `seq` numbers them. */
  private readonly versions = new Map<string, number>();
  private seq = 0;
  private touchedWhileBuilding: Set<string> | undefined;

  constructor(
    store: Store,
    private readonly deps: { events: EventBus; clock: Clock; log: Logger; catalog: () => ProductTitles | undefined },
  ) {
    this.listings = store.collection(ListingModel);
    this.engine = new SearchEngine({ now: () => deps.clock.now() });
    const safely = (what: string, work: Promise<void>) => work.catch((err) => deps.log.error({ err: String(err), what }, 'search index update failed'));
    deps.events.on('listing.changed', (l) => void safely('listing.changed', this.reindex(l)));
    deps.events.on('listing.deleted', (id) => {
      this.touchedWhileBuilding?.add(id);
      this.versions.delete(id); // a reindex still loading products finds itself outdated
      this.engine.remove(id);
    });
    deps.events.on('listing.products_changed', (id) => void safely('listing.products_changed', this.reindexById(id)));
  }

  /** Builds the index from the store, a page at a time. Safe to call more than once. */
  init(): Promise<void> {
    this.ready ??= this.build().catch((err) => {
      this.ready = undefined; // the next search tries again
      throw err;
    });
    return this.ready;
  }

  /**
   * Builds a fresh index from the store and swaps it in (the change feed's fallback when it may have missed
   * changes). Searches keep using the current index meanwhile; listings changed during the build are read again.
   */
  async resync(): Promise<void> {
    await this.init().catch(() => undefined);
    const fresh = new SearchEngine({ now: () => this.deps.clock.now() });
    await this.build(fresh);
    const touched = this.touchedAfterSwap;
    this.touchedAfterSwap = undefined;
    this.engine = fresh;
    for (const id of touched ?? []) await this.reindexById(id);
  }

  /** Ids touched by events while a resync built its fresh index (re-read after the swap). */
  private touchedAfterSwap: Set<string> | undefined;

  private async build(target: SearchEngine = this.engine): Promise<void> {
    const started = Date.now();
    this.touchedWhileBuilding = new Set();
    // One streamed pass over the published listings (the store yields to other work between batches).
    let batch: Listing[] = [];
    const flush = async () => {
      const titles = await this.batchTitles(batch);
      const items = batch.map((listing) => ({ listing, products: titles.get(listing._id) ?? [] }));
      batch = [];
      // Added in slices of a few milliseconds: updates and web requests are served in between, so the bot
      // answers at full speed while a large directory is being indexed.
      let slice = performance.now();
      for (const item of items) {
        // A listing an event touched meanwhile is already in its latest state (or gone): don't overwrite it.
        if (this.touchedWhileBuilding?.has(item.listing._id)) continue;
        target.addAll([item]);
        if (performance.now() - slice > SLICE_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
      }
    };
    for await (const listing of this.listings.stream({ status: 'published' }, { batchSize: PAGE })) {
      batch.push(listing);
      if (batch.length === PAGE) await flush();
    }
    await flush();
    if (target !== this.engine) this.touchedAfterSwap = this.touchedWhileBuilding;
    this.touchedWhileBuilding = undefined;
    this.deps.log.info({ listings: target.size, ms: Date.now() - started }, 'search index built');
  }

  /** Product titles for a batch of listings (one query); a failure indexes them without products. */
  private async batchTitles(listings: Listing[]): Promise<Map<string, string[]>> {
    const catalog = this.deps.catalog();
    if (!catalog || listings.length === 0) return new Map();
    try {
      if (catalog.activeTitles) return await catalog.activeTitles(listings.map((l) => l._id), PRODUCTS_PER_LISTING);
      return new Map(await Promise.all(listings.map(async (l) => [l._id, await this.productTitles(l)] as const)));
    } catch (err) {
      this.deps.log.warn({ err: String(err), listings: listings.length }, 'products unavailable for the search index');
      return new Map();
    }
  }

  private async productTitles(listing: Listing): Promise<string[]> {
    const catalog = this.deps.catalog();
    if (!catalog) return [];
    try {
      return (await catalog.activeProducts(listing, PRODUCTS_PER_LISTING)).map((p) => p.title);
    } catch (err) {
      this.deps.log.warn({ err: String(err), listingId: listing._id }, 'products unavailable for the search index');
      return [];
    }
  }

  /** Published listings are indexed; any other status takes the listing out. */
  async reindex(listing: Listing): Promise<void> {
    // Events can overtake each other while product titles load: only the latest one for a listing applies.
    this.touchedWhileBuilding?.add(listing._id);
    const version = ++this.seq;
    this.versions.set(listing._id, version);
    try {
      if (listing.status !== 'published') {
        this.engine.remove(listing._id);
        return;
      }
      const products = await this.productTitles(listing);
      if (this.versions.get(listing._id) === version) this.engine.upsert(listing, products);
    } finally {
      if (this.versions.get(listing._id) === version) this.versions.delete(listing._id);
    }
  }

  async reindexById(listingId: string): Promise<void> {
    const listing = await this.listings.findById(listingId);
    if (listing) await this.reindex(listing);
    else this.engine.remove(listingId);
  }

  /**
   * Runs a query. Any text is plain words (never an operator or pattern); only the page's listings are read.
   * Text without searchable words and without a filter finds nothing (terms is then empty).
   */
  async search(q: SearchQuery): Promise<SearchResult> {
    await this.init();
    const pageSize = Math.min(Math.max(1, q.pageSize ?? 10), 50);
    const page = Math.max(0, Math.floor(q.page ?? 0));
    const input: QueryInput = { text: typeof q.text === 'string' ? q.text : '', sector: q.sector, country: q.country, districtId: q.districtId, lagId: q.lagId, page, pageSize };
    const ranked = this.engine.query(input);
    const loaded = ranked.ids.length ? await this.listings.find({ _id: { $in: ranked.ids }, status: 'published' }) : [];
    const byId = new Map(loaded.map((l) => [l._id, l]));
    const listings = ranked.ids.map((id) => byId.get(id)).filter((l): l is Listing => !!l);
    const searched = ranked.terms.length > 0 || !!(input.sector || input.country || input.districtId);
    if (page === 0 && (q.count ?? searched)) this.announce(input, ranked.total, listings);
    return {
      listings,
      total: ranked.total,
      page,
      pageSize,
      more: (page + 1) * pageSize < ranked.total,
      suggestions: ranked.suggestions,
      terms: ranked.terms,
    };
  }

  /**
   * Usage statistics hook (services/usage.ts counts it): one event per search, not per page. Its LAGs are the
   * district filter's, else those of the businesses on the page; nothing about the searcher or the words goes out.
   */
  private announce(input: QueryInput, total: number, listings: Listing[]): void {
    const filtered = input.districtId ? district(input.districtId)?.lag : undefined;
    const lagIds = filtered ? [filtered] : [...new Set(listings.map((l) => l.lagId))];
    this.deps.events.emit('search.performed', { lagIds, total });
  }

  /** Sectors and districts that have published businesses (for browse menus), most businesses first. */
  facets(country?: Country, lagId?: string): Facets {
    return this.engine.facets(country, lagId);
  }
}
