/**
 * The figures of a LAG report for a period: listings by district (every district, zeros included) and by
 * sector, catalogs and products in Meta feeds, cooperation offers, introductions, searches and their
 * zero-result rate, contacts, broadcast reach, and a week-by-week trend. Channel-free: the Telegram
 * feature, the XLSX and the PDF all render this one object.
 */
import { BroadcastModel } from '../../models/broadcast.js';
import { DeliveryModel } from '../../models/delivery.js';
import { ListingModel, NACE_SECTIONS, type Listing } from '../../models/listing.js';
import { IntroductionModel, MatchModel } from '../../models/match.js';
import { OfferModel } from '../../models/offer.js';
import { ProductModel, type Product } from '../../models/product.js';
import { toFeedItem } from '../catalog/feed.js';
import { validateItem } from '../catalog/validate.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/port.js';
import { districts, districtsOfLag, lag, timezoneOf } from '../territories.js';
import type { UsageService } from '../usage.js';
import type { Period } from './period.js';

export interface ListingRow {
  /** District id or NACE section. */
  key: string;
  published: number;
  pending: number;
  /** Created within the period. */
  added: number;
}

export interface WeekPoint {
  /** The Monday the week starts on (local date, YYYY-MM-DD). */
  week: string;
  newListings: number;
  searches: number;
  contacts: number;
}

export interface ReportData {
  lagId?: string;
  period: Period;
  timeZone: string;
  generatedAt: Date;
  listings: { published: number; pending: number; added: number };
  byDistrict: ListingRow[];
  bySector: ListingRow[];
  catalog: { owners: number; products: number };
  offers: { published: number; matched: number };
  introductions: number;
  searches: { total: number; zero: number; zeroRate: number };
  /** Contact-button taps counted by channels plus accepted introductions. */
  contacts: number;
  broadcasts: { count: number; reached: number };
  weeks: WeekPoint[];
}

const DAY = 86_400_000;

/** A date's calendar day in the zone, YYYY-MM-DD. */
export function localDay(d: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The Monday of a YYYY-MM-DD day's week. */
function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
}

const inPeriod = (d: Date | undefined, p: Period) => !!d && new Date(d) >= p.from && new Date(d) < p.to;

/** Dummy links: validity of a feed item does not depend on the address, only on its presence. */
const LINKS = { productLink: () => 'https://lag.example/p', imageLink: () => 'https://lag.example/i.jpg' };

export class ReportService {
  constructor(private readonly store: Store, private readonly deps: { clock: Clock; usage: UsageService }) {}

  async build(lagId: string | undefined, period: Period): Promise<ReportData> {
    const tz = timezoneOf(lagId ? lag(lagId)?.country : undefined);
    const scope = lagId ? { lagId } : {};
    const listings = await this.store.collection(ListingModel).find(scope, {
      projection: { status: 1, districtId: 1, sectors: 1, createdAt: 1, ownerId: 1, lagId: 1, slug: 1, name: 1 },
    }) as Listing[];
    const row = (key: string): ListingRow => ({ key, published: 0, pending: 0, added: 0 });
    const byDistrict = new Map((lagId ? districtsOfLag(lagId) : districts).map((d) => [d.id, row(d.id)]));
    const bySector = new Map(NACE_SECTIONS.map((s) => [s as string, row(s)]));
    const totals = { published: 0, pending: 0, added: 0 };
    for (const l of listings) {
      const targets = [byDistrict.get(l.districtId) ?? byDistrict.set(l.districtId, row(l.districtId)).get(l.districtId)!, ...l.sectors.map((s) => bySector.get(s)!).filter(Boolean)];
      const bump = (k: keyof typeof totals) => {
        totals[k]++;
        for (const t of targets) t[k]++;
      };
      if (l.status === 'published') bump('published');
      if (l.status === 'pending') bump('pending');
      if (inPeriod(l.createdAt, period)) bump('added');
    }

    // Products that are in a Meta feed now: active, valid, of a published business.
    const published = listings.filter((l) => l.status === 'published');
    const byId = new Map(published.map((l) => [l._id, l]));
    const products = published.length
      ? await this.store.collection(ProductModel).find({ listingId: { $in: [...byId.keys()] }, status: 'active' }) as Product[]
      : [];
    const inFeed = products.filter((p) => validateItem(toFeedItem(p, byId.get(p.listingId)!, LINKS), p.photos).length === 0);

    const offers = await this.store.collection(OfferModel).find(scope, { projection: { _id: 1, publishedAt: 1 } });
    const publishedOffers = offers.filter((o) => inPeriod(o.publishedAt, period)).map((o) => o._id);
    const matched = publishedOffers.length
      ? (await this.store.collection(MatchModel).distinct<string>('offerId', { offerId: { $in: publishedOffers } })).length
      : 0;
    const introFilter: Record<string, unknown> = { status: 'connected', connectedAt: { $gte: period.from, $lt: period.to } };
    if (lagId) introFilter.lagIds = lagId;
    const intros = await this.store.collection(IntroductionModel).find(introFilter, { projection: { connectedAt: 1 } });
    const introductions = intros.length;

    const broadcasts = await this.store.collection(BroadcastModel).find(lagId ? { 'audience.lagId': lagId } : {}, { projection: { _id: 1, startedAt: 1 } });
    const reached = broadcasts.length
      ? await this.store.collection(DeliveryModel).count({ broadcastId: { $in: broadcasts.map((b) => b._id) }, status: 'sent', doneAt: { $gte: period.from, $lt: period.to } })
      : 0;

    const usage = await this.deps.usage.daily(period.from.toISOString().slice(0, 10), new Date(period.to.getTime() - 1).toISOString().slice(0, 10), lagId);
    const searches = { total: 0, zero: 0, zeroRate: 0 };
    let contacts = 0;
    for (const d of usage.values()) {
      searches.total += d.search ?? 0;
      searches.zero += d.search_zero ?? 0;
      contacts += d.contact ?? 0;
    }
    searches.zeroRate = searches.total ? searches.zero / searches.total : 0;
    // An accepted introduction puts two businesses in touch: it is a contact too.
    contacts += introductions;

    // Weeks overlapping the period, Monday first, every week present (zeros included).
    const weeks = new Map<string, WeekPoint>();
    for (let t = period.from.getTime(); t < period.to.getTime(); t += DAY) {
      const w = mondayOf(localDay(new Date(t), tz));
      if (!weeks.has(w)) weeks.set(w, { week: w, newListings: 0, searches: 0, contacts: 0 });
    }
    for (const l of listings) if (inPeriod(l.createdAt, period)) {
      const w = weeks.get(mondayOf(localDay(new Date(l.createdAt), tz)));
      if (w) w.newListings++;
    }
    for (const i of intros) {
      const w = weeks.get(mondayOf(localDay(new Date(i.connectedAt!), tz)));
      if (w) w.contacts++;
    }
    for (const [day, d] of usage) {
      const w = weeks.get(mondayOf(day));
      if (w) {
        w.searches += d.search ?? 0;
        w.contacts += d.contact ?? 0;
      }
    }

    return {
      lagId, period, timeZone: tz, generatedAt: this.deps.clock.now(),
      listings: totals,
      byDistrict: [...byDistrict.values()],
      bySector: [...bySector.values()].filter((r) => r.published || r.pending || r.added),
      catalog: { owners: new Set(inFeed.map((p) => p.ownerId)).size, products: inFeed.length },
      offers: { published: publishedOffers.length, matched },
      introductions,
      searches,
      contacts,
      broadcasts: { count: broadcasts.filter((b) => inPeriod(b.startedAt, period)).length, reached },
      weeks: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    };
  }
}
