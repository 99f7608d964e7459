/**
 * The business catalog: products, the Meta feed (per business and per LAG), the public product view
 * (CatalogView port) and the optional direct push to Meta's Catalog Batch API.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Listing } from '../../models/listing.js';
import {
  ProductModel, ShopSettingsModel, type ChecklistStep, type Product, type ProductStatus, type PushReport, type ShopSettings,
} from '../../models/product.js';
import type { User } from '../../models/user.js';
import type { CatalogView, ProductView } from '../app.js';
import type { Clock } from '../clock.js';
import type { DirectoryService } from '../directory.js';
import type { EventBus } from '../events.js';
import { newId } from '../ids.js';
import { text, type Notifier, type Text } from '../messages.js';
import type { Collection, KeyValue, Store } from '../store/port.js';
import type { UserService } from '../users.js';
import { feedCsv, toFeedItem } from './feed.js';
import { displayPrice, feedPrice, ownerAmount, type LeiWriter } from './money.js';
import { ExchangeRates, type RateView } from './rates.js';
import { MAX_BATCH, PushFailed, type BatchRequest, type CatalogPushPort, type ItemError } from './push.js';
import { SecretBox, SecretKeyMismatch } from './secrets.js';
import { validateItem, type FeedItem, type Problem } from './validate.js';

/** What an owner fills in for a product. */
export type ProductDraft = Pick<Product, 'title' | 'description' | 'priceMinor' | 'currency' | 'availability' | 'condition' | 'photos'>
  & Partial<Pick<Product, 'mdlMinor' | 'salePriceMinor' | 'brand' | 'googleCategory'>>;
export type ProductField = keyof ProductDraft;

export interface RenderedFeed {
  csv: string;
  etag: string;
  lastModified: Date;
  items: number;
}

export class ProductNotFound extends Error {
  constructor() {
    super('product not found');
  }
}

/** Push is not possible: no SECRETS_KEY on the server, or no catalog id / token for the business. */
export class PushUnavailable extends Error {
  constructor(public readonly reason: 'no_key' | 'not_configured') {
    super(`direct push unavailable: ${reason}`);
  }
}

/** How taking a business's items out of its Meta catalog went at erasure. */
type MetaDelete = 'none' | 'ok' | 'key_changed' | 'token' | 'other';

const feedToken = () => newId(18);
const seconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

export class CatalogService implements CatalogView {
  readonly products: Collection<Product>;
  readonly settings: Collection<ShopSettings>;
  private readonly lagTokens: KeyValue<string>;
  /** The lei → euro rate staff set (/rate): prices in lei go into the feed in EUR. */
  readonly rates: ExchangeRates;
  private pushPort?: CatalogPushPort;
  private box?: SecretBox;
  private pollDelaysMs = [0, 1000, 2000, 4000, 8000, 15000];
  private readonly pushQueue = new Map<string, Promise<unknown>>();
  /** Businesses whose stored token could not be opened with the current key (logged once each). */
  private readonly keyMismatchLogged = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly deps: { events: EventBus; clock: Clock; publicUrl: string; directory: DirectoryService; users: UserService; notifier: Notifier; log?: Pick<Logger, 'warn'> },
  ) {
    this.products = store.collection(ProductModel);
    this.settings = store.collection(ShopSettingsModel);
    this.lagTokens = store.kv<string>('lag_feed_tokens');
    this.rates = new ExchangeRates(store, deps.clock);
    deps.events.on('listing.deleted', (listingId) => void this.deleteListingData(listingId).catch(() => undefined));
    deps.events.on('listing.products_changed', (listingId) => void this.autoPush(listingId));
    // The name is the default brand, and an unpublished listing leaves the feed: the catalog follows the listing.
    deps.events.on('listing.changed', (listing) => void this.autoPush(listing._id));
  }

  /** Direct push: the Batch API client and the key that encrypts tokens (both needed). */
  configurePush(opts: { port?: CatalogPushPort; secretsKey?: string; pollDelaysMs?: number[] }): void {
    this.pushPort = opts.port;
    this.box = opts.secretsKey ? new SecretBox(opts.secretsKey) : undefined;
    if (opts.pollDelaysMs) this.pollDelaysMs = opts.pollDelaysMs;
  }

  /** True when the server can push at all (SECRETS_KEY set and a client configured). */
  get pushEnabled(): boolean {
    return !!this.pushPort && !!this.box;
  }

  // ---- links -------------------------------------------------------------------------------------------

  productLink(listing: Pick<Listing, 'slug'>, productId: string): string {
    return `${this.deps.publicUrl}/b/${listing.slug}#p-${productId}`;
  }

  imageLink(blobId: string): string {
    return `${this.deps.publicUrl}/media/${blobId}`;
  }

  feedUrl(settings: Pick<ShopSettings, 'feedToken'>): string {
    return `${this.deps.publicUrl}/feeds/${settings.feedToken}.csv`;
  }

  lagFeedUrl(token: string): string {
    return `${this.deps.publicUrl}/feeds/lag/${token}.csv`;
  }

  // ---- products ----------------------------------------------------------------------------------------

  list(listingId: string): Promise<Product[]> {
    return this.products.find({ listingId }, { sort: { createdAt: 1 } });
  }

  byId(listingId: string, productId: string): Promise<Product | null> {
    return this.products.findOne({ _id: productId, listingId });
  }

  async add(owner: User, listing: Listing, draft: ProductDraft): Promise<Product> {
    const now = this.deps.clock.now();
    const product = await this.products.insert({ ...draft, listingId: listing._id, ownerId: owner._id, status: 'active', createdAt: now, updatedAt: now });
    await this.changed(listing._id);
    return product;
  }

  /** Applies an edit; `null` values clear optional fields. Photos the edit dropped are deleted. */
  async update(listingId: string, productId: string, patch: Partial<{ [K in ProductField]: ProductDraft[K] | null }>): Promise<Product> {
    const current = await this.byId(listingId, productId);
    if (!current) throw new ProductNotFound();
    const $set: Record<string, unknown> = { updatedAt: this.deps.clock.now() };
    const $unset: Record<string, true> = {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined) $unset[k] = true;
      else $set[k] = v;
    }
    const product = await this.products.findOneAndUpdate({ _id: productId, listingId }, Object.keys($unset).length ? { $set, $unset } : { $set });
    if (!product) throw new ProductNotFound();
    const kept = new Set(product.photos.map((p) => p.blobId));
    for (const p of current.photos) if (!kept.has(p.blobId)) await this.store.blobs.delete(p.blobId);
    await this.changed(listingId);
    return product;
  }

  async setStatus(listingId: string, productId: string, status: ProductStatus): Promise<Product> {
    const product = await this.products.findOneAndUpdate({ _id: productId, listingId }, { $set: { status, updatedAt: this.deps.clock.now() } });
    if (!product) throw new ProductNotFound();
    await this.changed(listingId);
    return product;
  }

  async remove(listingId: string, productId: string): Promise<boolean> {
    const p = await this.byId(listingId, productId);
    if (!p) return false;
    await this.products.deleteOne({ _id: productId, listingId });
    for (const ph of p.photos) await this.store.blobs.delete(ph.blobId);
    await this.changed(listingId);
    return true;
  }

  private async changed(listingId: string): Promise<void> {
    await this.settings.updateOne({ listingId }, { $set: { changedAt: this.deps.clock.now() } });
    this.deps.events.emit('listing.products_changed', listingId);
  }

  // ---- validation --------------------------------------------------------------------------------------

  item(product: Product, listing: Pick<Listing, 'slug' | 'name'>): FeedItem {
    return toFeedItem(product, listing, this, (bani) => this.rates.toEuro(bani));
  }

  /**
   * Sets the lei → euro rate (LAG staff, /rate) and marks every catalog changed, so feeds get a new ETag and
   * businesses with direct push send their new EUR prices.
   */
  async setRate(rate4: number, by: { userId: string; lagId?: string }): Promise<RateView> {
    const rate = await this.rates.set(rate4, by);
    const now = this.deps.clock.now();
    const inLei = await this.products.distinct<string>('listingId', { currency: 'MDL' });
    for (const listingId of inLei) {
      await this.settings.updateOne({ listingId }, { $set: { changedAt: now } });
      this.deps.events.emit('listing.products_changed', listingId);
    }
    return rate;
  }

  /** "150 lei = 7.85 EUR" at the current rate (what staff see after setting it). */
  rateExample(lei?: LeiWriter): string {
    const cents = this.rates.toEuro(15000);
    return cents === undefined ? '' : `${ownerAmount(15000, 'MDL', lei)} = ${feedPrice(cents, 'EUR')}`;
  }

  /** Re-reads the exchange rate (before feeds, pushes and the owner's screens). */
  refreshRate(): Promise<RateView | undefined> {
    return this.rates.refresh();
  }

  /**
   * What the owner is told about a price in lei: the catalog's EUR price and the rate it came from, or that
   * no rate is set yet. Undefined for prices already in EUR/USD.
   */
  feedPriceNote(product: Pick<Product, 'currency' | 'priceMinor'>): Text | undefined {
    if (product.currency !== 'MDL') return undefined;
    const rate = this.rates.current();
    const cents = this.rates.toEuro(product.priceMinor);
    const amount = ownerAmount(product.priceMinor, 'MDL', (a) => a);
    if (!rate || cents === undefined) return text('shop:rate.none_for_product', { price: text('shop:lei', { amount }) });
    return text('shop:rate.in_catalog', { price: feedPrice(cents, 'EUR'), rate: rate.rate, date: rate.setAt });
  }

  /** Meta's rules the product breaks as it would appear in the feed (empty = it goes in). */
  problems(product: Product, listing: Pick<Listing, 'slug' | 'name'>): Problem[] {
    return validateItem(this.item(product, listing), product.photos);
  }

  /** The owner's catalog state: how many products would go into the feed right now, and why others don't. */
  async overview(listing: Listing): Promise<{ products: Product[]; valid: Product[]; invalid: { product: Product; problems: Problem[] }[] }> {
    await this.rates.refresh();
    const products = await this.list(listing._id);
    const valid: Product[] = [];
    const invalid: { product: Product; problems: Problem[] }[] = [];
    for (const p of products) {
      const problems = this.problems(p, listing);
      if (problems.length) invalid.push({ product: p, problems });
      else valid.push(p);
    }
    return { products, valid, invalid };
  }

  // ---- settings ----------------------------------------------------------------------------------------

  /** The business's shop settings, created (with a fresh feed token) on first use. */
  async settingsFor(listing: Pick<Listing, '_id' | 'ownerId'>): Promise<ShopSettings> {
    const found = await this.settings.findOne({ listingId: listing._id });
    if (found) return found;
    try {
      return await this.settings.insert({ listingId: listing._id, ownerId: listing.ownerId, feedToken: feedToken(), changedAt: this.deps.clock.now(), createdAt: this.deps.clock.now() });
    } catch (err) {
      // Two requests at once: the other one created it.
      const again = await this.settings.findOne({ listingId: listing._id });
      if (again) return again;
      throw err;
    }
  }

  private async patchSettings(listing: Pick<Listing, '_id' | 'ownerId'>, $set: Record<string, unknown>, $unset?: Record<string, true>): Promise<ShopSettings> {
    await this.settingsFor(listing);
    return (await this.settings.findOneAndUpdate({ listingId: listing._id }, $unset ? { $set, $unset } : { $set }))!;
  }

  /** A new feed token: the old feed URL stops working at once. */
  rotateFeedToken(listing: Pick<Listing, '_id' | 'ownerId'>): Promise<ShopSettings> {
    return this.patchSettings(listing, { feedToken: feedToken(), changedAt: this.deps.clock.now() });
  }

  setChecklist(listing: Pick<Listing, '_id' | 'ownerId'>, step: ChecklistStep, done: boolean): Promise<ShopSettings> {
    return this.patchSettings(listing, { [`checklist.${step}`]: done });
  }

  setLagFeed(listing: Pick<Listing, '_id' | 'ownerId'>, optIn: boolean): Promise<ShopSettings> {
    return this.patchSettings(listing, { lagFeed: optIn });
  }

  setCatalogId(listing: Pick<Listing, '_id' | 'ownerId'>, catalogId: string | null): Promise<ShopSettings> {
    return catalogId
      ? this.patchSettings(listing, { catalogId, 'checklist.catalogCreated': true })
      : this.patchSettings(listing, {}, { catalogId: true });
  }

  /** Stores the catalog access token encrypted; throws PushUnavailable('no_key') without SECRETS_KEY. */
  async setAccessToken(listing: Pick<Listing, '_id' | 'ownerId'>, token: string | null): Promise<ShopSettings> {
    if (token === null) return this.patchSettings(listing, {}, { accessTokenEnc: true });
    if (!this.box) throw new PushUnavailable('no_key');
    return this.patchSettings(listing, { accessTokenEnc: this.box.seal(token) });
  }

  /** Does a business have everything it needs for direct push? */
  pushConfigured(s: ShopSettings): boolean {
    return this.pushEnabled && !!s.catalogId && !!s.accessTokenEnc;
  }

  // ---- feeds -------------------------------------------------------------------------------------------

  /** Valid active products of a published listing, as feed rows. */
  private async feedItems(listing: Listing): Promise<FeedItem[]> {
    if (listing.status !== 'published') return [];
    await this.rates.refresh();
    const products = await this.products.find({ listingId: listing._id, status: 'active' }, { sort: { createdAt: 1 } });
    const items: FeedItem[] = [];
    for (const p of products) {
      const item = this.item(p, listing);
      if (validateItem(item, p.photos).length === 0) items.push(item);
    }
    return items;
  }

  private render(items: FeedItem[], lastModified: Date): RenderedFeed {
    const csv = feedCsv(items);
    const etag = `"${createHash('sha256').update(csv).digest('base64url').slice(0, 32)}"`;
    return { csv, etag, lastModified: seconds(lastModified), items: items.length };
  }

  /** The business feed behind PUBLIC_URL/feeds/<token>.csv; null for an unknown token. */
  async feedByToken(token: string): Promise<RenderedFeed | null> {
    if (!/^[\w-]{20,64}$/.test(token)) return null;
    const s = await this.settings.findOne({ feedToken: token });
    if (!s) return null;
    const listing = await this.deps.directory.byId(s.listingId);
    if (!listing) return null;
    const items = await this.feedItems(listing);
    const last = Math.max(s.changedAt.getTime(), listing.updatedAt.getTime(), (listing.publishedAt ?? listing.updatedAt).getTime());
    return this.render(items, new Date(last));
  }

  /** The LAG's feed token (PUBLIC_URL/feeds/lag/<token>.csv), created on first use. */
  async lagFeedToken(lagId: string): Promise<string> {
    const existing = await this.lagTokens.read(lagId);
    if (existing) return existing;
    const token = feedToken();
    await this.lagTokens.write(lagId, token);
    return token;
  }

  async rotateLagFeedToken(lagId: string): Promise<string> {
    const token = feedToken();
    await this.lagTokens.write(lagId, token);
    return token;
  }

  /** Every opted-in published business of the LAG in one feed; null for an unknown token. */
  async lagFeedByToken(token: string): Promise<RenderedFeed | null> {
    if (!/^[\w-]{20,64}$/.test(token)) return null;
    let lagId: string | undefined;
    for (const key of await this.lagTokens.keys()) {
      if ((await this.lagTokens.read(key)) === token) lagId = key;
    }
    if (!lagId) return null;
    const optedIn = await this.settings.find({ lagFeed: true }, { sort: { createdAt: 1 } });
    const items: FeedItem[] = [];
    let last = 0;
    for (const s of optedIn) {
      const listing = await this.deps.directory.byId(s.listingId);
      if (!listing || listing.lagId !== lagId || listing.status !== 'published') continue;
      items.push(...(await this.feedItems(listing)));
      last = Math.max(last, s.changedAt.getTime(), listing.updatedAt.getTime());
    }
    return this.render(items, new Date(last || 0));
  }

  // ---- CatalogView -------------------------------------------------------------------------------------

  /** The business's active (not paused) products in the order they were added: what its page shows. */
  activeList(listingId: string, limit: number): Promise<Product[]> {
    return this.products.find({ listingId, status: 'active' }, { sort: { createdAt: 1 }, limit });
  }

  /**
   * The active products' titles of many listings at once, oldest first, at most `limit` each: one query for a
   * whole batch of the search index build instead of one per listing.
   */
  async activeTitles(listingIds: string[], limit: number): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (listingIds.length === 0) return out;
    const rows = await this.products.find({ listingId: { $in: listingIds }, status: 'active' }, { sort: { createdAt: 1, _id: 1 }, projection: { listingId: 1, title: 1, createdAt: 1 } });
    for (const p of rows) {
      const titles = out.get(p.listingId) ?? [];
      if (titles.length < limit) titles.push(p.title);
      out.set(p.listingId, titles);
    }
    return out;
  }

  /** The caller already holds the listing (search, Messenger): no second read for its slug. */
  async activeProducts(listing: Pick<Listing, '_id' | 'slug'>, limit = 10): Promise<ProductView[]> {
    return (await this.activeList(listing._id, limit)).map((p) => this.view(p, listing));
  }

  view(p: Product, listing: Pick<Listing, 'slug'>): ProductView {
    return {
      id: p._id,
      title: p.title,
      priceText: displayPrice(p),
      imageUrl: p.photos[0] ? this.imageLink(p.photos[0].blobId) : undefined,
      link: this.productLink(listing, p._id),
    };
  }

  // ---- direct push -------------------------------------------------------------------------------------

  /**
   * Sends the business's catalog to Meta: UPDATE (upsert) for every valid active product, DELETE for items
   * sent before that are now paused, invalid or gone. Polls the batch status and stores the report.
   */
  pushListing(listingId: string): Promise<PushReport> {
    // One push per business at a time: later changes wait for the running push, then send the newest state.
    const prev = this.pushQueue.get(listingId) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.doPush(listingId));
    this.pushQueue.set(listingId, run);
    void run.finally(() => {
      if (this.pushQueue.get(listingId) === run) this.pushQueue.delete(listingId);
    }).catch(() => undefined);
    return run;
  }

  /** Resolves when no push is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pushQueue.size) await Promise.allSettled([...this.pushQueue.values()]);
  }

  private async doPush(listingId: string): Promise<PushReport> {
    if (!this.pushPort || !this.box) throw new PushUnavailable('no_key');
    const listing = await this.deps.directory.byId(listingId);
    if (!listing) throw new PushUnavailable('not_configured');
    const s = await this.settingsFor(listing);
    if (!s.catalogId || !s.accessTokenEnc) throw new PushUnavailable('not_configured');
    const token = this.openToken(s);
    if (token === null) {
      const failed: PushReport = { at: this.deps.clock.now(), status: 'failed', reason: 'key_changed', issues: [], sent: 0 };
      await this.settings.updateOne({ listingId }, { $set: { lastPush: failed } });
      return failed;
    }
    const items = await this.feedItems(listing);
    const ids = new Set(items.map((i) => i.id));
    const requests: BatchRequest[] = [
      ...items.map((i): BatchRequest => ({ method: 'UPDATE', data: stripEmpty(i) })),
      ...s.pushedIds.filter((id) => !ids.has(id)).map((id): BatchRequest => ({ method: 'DELETE', data: { id } })),
    ];
    const errors: ItemError[] = [];
    let unfinished = 0;
    let report: PushReport;
    try {
      for (let i = 0; i < requests.length; i += MAX_BATCH) {
        const res = await this.pushPort.itemsBatch(s.catalogId, token, requests.slice(i, i + MAX_BATCH));
        errors.push(...res.errors);
        for (const handle of res.handles) {
          const polled = await this.poll(s.catalogId, token, handle);
          if (polled) errors.push(...polled);
          else unfinished++;
        }
      }
      report = {
        at: this.deps.clock.now(), status: errors.length ? 'errors' : 'ok', issues: errors.slice(0, 50), sent: requests.length,
        ...(unfinished ? { unfinished } : {}),
      };
    } catch (err) {
      // Meta's own words stay in the issue; the reason is a code the owner reads in their language.
      const reason = err instanceof PushFailed ? err.reason : 'unexpected';
      const message = err instanceof PushFailed ? `${err.reason}: ${err.message}` : '';
      report = { at: this.deps.clock.now(), status: 'failed', reason, issues: [{ id: '', message: message.slice(0, 1000) }], sent: 0 };
    }
    const $set: Record<string, unknown> = { lastPush: report };
    if (report.status !== 'failed') $set.pushedIds = [...ids];
    await this.settings.updateOne({ listingId }, { $set });
    return report;
  }

  /**
   * The stored catalog token, or null when it was sealed with another SECRETS_KEY (the key was changed): the
   * owner must give it again. Logged once per business and process, without the token or the key.
   */
  private openToken(s: ShopSettings): string | null {
    try {
      return this.box!.open(s.accessTokenEnc!);
    } catch (err) {
      if (!(err instanceof SecretKeyMismatch)) throw err;
      if (!this.keyMismatchLogged.has(s.listingId)) {
        this.keyMismatchLogged.add(s.listingId);
        this.deps.log?.warn({ listingId: s.listingId }, 'catalog token was sealed with another SECRETS_KEY; the owner is asked to give it again');
      }
      return null;
    }
  }

  /** Meta's per-item errors for a batch, or null when it is still being checked after the last poll. */
  private async poll(catalogId: string, token: string, handle: string): Promise<ItemError[] | null> {
    for (const delay of this.pollDelaysMs) {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      const st = await this.pushPort!.batchStatus(catalogId, token, handle);
      if (st.status === 'finished') return st.errors;
    }
    return null;
  }

  /** After a change: push when the business set it up, and tell the owner what Meta said. */
  private async autoPush(listingId: string): Promise<void> {
    try {
      const s = await this.settings.findOne({ listingId });
      if (!s || !this.pushConfigured(s)) return;
      const report = await this.pushListing(listingId);
      // The owner hears about a changed key once, not on every later change.
      if (report.reason === 'key_changed' && s.lastPush?.reason === 'key_changed') return;
      const listing = await this.deps.directory.byId(listingId);
      const owner = listing?.ownerId ? await this.deps.users.byId(listing.ownerId) : null;
      if (owner) await this.deps.notifier.send(owner, { text: await this.pushReportText(listingId, report) });
    } catch {
      // Reported on the next manual push; a background failure must not crash the process.
    }
  }

  /** The push result as paragraphs for the owner (per-item errors name the product). */
  async pushReportText(listingId: string, report: PushReport): Promise<Text[]> {
    if (report.reason === 'key_changed') return [text('security:catalog.key_changed')];
    if (report.status === 'failed') {
      const said = report.issues[0]?.message.replace(/^\w+: /, '');
      return [
        text('shop:push.failed', { reason: text(`shop:push.reason.${report.reason ?? 'other'}`) }),
        ...(said ? [text('shop:push.meta_said', { message: said })] : []),
      ];
    }
    const pending = report.unfinished ? [text('shop:push.unfinished', { count: report.unfinished })] : [];
    if (report.status === 'ok') return [text('shop:push.ok', { count: report.sent }), ...pending];
    const products = await this.list(listingId);
    const title = (id: string) => products.find((p) => p._id === id)?.title ?? id;
    return [
      text('shop:push.errors', { count: report.issues.length }),
      ...report.issues.slice(0, 10).map((e) => text('shop:push.item_error', { title: e.id ? title(e.id) : '—', message: e.message })),
      ...pending,
    ];
  }

  // ---- privacy / cleanup -------------------------------------------------------------------------------

  /**
   * Erases a business's catalog data here, and first takes its items out of the owner's Meta catalog while
   * the token is still known. Returns how that Meta-side delete went ('none' when nothing was pushed).
   */
  private async deleteListingData(listingId: string): Promise<MetaDelete> {
    const s = await this.settings.findOne({ listingId });
    let meta: MetaDelete = 'none';
    if (s && this.pushConfigured(s) && s.pushedIds.length) {
      try {
        const token = this.openToken(s);
        if (token === null) meta = 'key_changed';
        else {
          for (let i = 0; i < s.pushedIds.length; i += MAX_BATCH) {
            await this.pushPort!.itemsBatch(s.catalogId!, token, s.pushedIds.slice(i, i + MAX_BATCH).map((id): BatchRequest => ({ method: 'DELETE', data: { id } })));
          }
          meta = 'ok';
        }
      } catch (err) {
        meta = err instanceof PushFailed && err.reason === 'auth' ? 'token' : 'other';
      }
      // The catalog keeps stale items until the owner removes them; the data here is erased regardless.
      if (meta !== 'ok') this.deps.log?.warn({ listingId, items: s.pushedIds.length, outcome: meta }, 'items left in the Meta catalog at erasure');
    }
    for (const p of await this.products.find({ listingId })) {
      for (const ph of p.photos) await this.store.blobs.delete(ph.blobId);
      await this.products.deleteOne({ _id: p._id });
    }
    await this.settings.deleteMany({ listingId });
    return meta;
  }

  /**
   * Privacy eraser (/deleteme): the user's products, their photos and shop settings. When items could not be
   * taken out of the Meta catalog, the note tells the user (everything here is erased anyway).
   */
  async eraseUser(user: User): Promise<Text | undefined> {
    const listingIds = new Set<string>((await this.products.distinct<string>('listingId', { ownerId: user._id })));
    for (const s of await this.settings.find({ ownerId: user._id })) listingIds.add(s.listingId);
    const owned = await this.deps.directory.listings.find({ ownerId: user._id }, { projection: { _id: 1 } });
    for (const l of owned) listingIds.add(l._id);
    // Every listing the user has products in is in the set, so this takes all of their products too.
    let failed: MetaDelete | undefined;
    for (const id of listingIds) {
      const meta = await this.deleteListingData(id);
      if (meta !== 'none' && meta !== 'ok') failed ??= meta;
    }
    return failed ? text('security:privacy.meta_failed', { reason: text(`security:privacy.meta_reason.${failed}`) }) : undefined;
  }
}

function stripEmpty(item: FeedItem): { id: string } & Record<string, unknown> {
  const out: { id: string } & Record<string, unknown> = { id: item.id };
  for (const [k, v] of Object.entries(item)) {
    if (v !== '') out[k] = k === 'additional_image_link' ? v.split(',') : v;
  }
  return out;
}
