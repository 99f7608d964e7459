/**
 * Figures for LAG staff and their funders: users by channel, language and role; listings by status,
 * district and sector; offers / matches / completed introductions; broadcast outcomes.
 */
import { BroadcastModel, type Broadcast } from '../models/broadcast.js';
import { DeliveryModel, type Delivery } from '../models/delivery.js';
import { ListingModel, type Listing } from '../models/listing.js';
import { MatchModel } from '../models/match.js';
import { OfferModel } from '../models/offer.js';
import { UserModel, type User } from '../models/user.js';
import type { MatchingService } from './matching/service.js';
import type { Store } from './store/port.js';

export type Tally = Record<string, number>;

export interface Stats {
  lagId?: string;
  users: { total: number; byChannel: Tally; byLocale: Tally; byRole: Tally };
  listings: { total: number; byStatus: Tally; byDistrict: Tally; bySector: Tally };
  offers: number;
  matches: number;
  introductions: number;
  broadcasts: { count: number; outcomes: Tally };
}

function tally<T>(items: T[], key: (t: T) => string | string[] | undefined): Tally {
  const out: Tally = {};
  for (const it of items) {
    const k = key(it);
    for (const v of Array.isArray(k) ? k : k === undefined ? [] : [k]) out[v] = (out[v] ?? 0) + 1;
  }
  return out;
}

export class StatsService {
  constructor(private readonly store: Store, private readonly deps: { matching: Pick<MatchingService, 'introductions'> }) {}

  async compute(lagId?: string): Promise<Stats> {
    const listings = await this.store.collection(ListingModel).find(lagId ? { lagId } : {}, { projection: { status: 1, districtId: 1, sectors: 1, ownerId: 1 } }) as Listing[];
    const users = await this.store.collection(UserModel).find({}, { projection: { channel: 1, locale: 1, role: 1, lagId: 1 } }) as User[];
    const owners = new Set(listings.map((l) => l.ownerId).filter(Boolean));
    // A LAG's users: its entrepreneurs and its staff (customers have no territory).
    const mine = lagId ? users.filter((u) => owners.has(u._id) || u.lagId === lagId) : users;
    const allOwners = lagId ? owners : new Set((await this.store.collection(ListingModel).distinct<string>('ownerId')));
    const broadcasts = await this.store.collection(BroadcastModel).find(lagId ? { 'audience.lagId': lagId } : {}, { projection: { _id: 1 } }) as Broadcast[];
    const deliveries = broadcasts.length
      ? await this.store.collection(DeliveryModel).find({ broadcastId: { $in: broadcasts.map((b) => b._id) } }, { projection: { status: 1 } }) as Delivery[]
      : [];
    const offers = this.store.collection(OfferModel);
    // Matches have no LAG of their own: a LAG's are those found for its offers.
    const offerIds = lagId ? (await offers.find({ lagId }, { projection: { _id: 1 } })).map((o) => o._id) : undefined;
    return {
      lagId,
      users: {
        total: mine.length,
        byChannel: tally(mine, (u) => u.channel),
        byLocale: tally(mine, (u) => u.locale),
        byRole: tally(mine, (u) => (u.role !== 'user' ? u.role : allOwners.has(u._id) ? 'entrepreneur' : 'customer')),
      },
      listings: { total: listings.length, byStatus: tally(listings, (l) => l.status), byDistrict: tally(listings, (l) => l.districtId), bySector: tally(listings, (l) => l.sectors) },
      offers: offerIds ? offerIds.length : await offers.count({}),
      matches: await this.store.collection(MatchModel).count(offerIds ? { offerId: { $in: offerIds } } : {}),
      introductions: await this.deps.matching.introductions(lagId),
      broadcasts: { count: broadcasts.length, outcomes: tally(deliveries, (d) => d.status) },
    };
  }
}

/** A horizontal bar chart as SVG (rendered to PNG by the channel). Labels are escaped. */
export function barChartSvg(title: string, bars: { label: string; value: number }[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const w = 800;
  const rowH = 34;
  const top = 60;
  const h = top + Math.max(1, bars.length) * rowH + 20;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const bw = Math.round((b.value / max) * 440);
    return `<text x="20" y="${y + 22}" font-size="16" font-family="DejaVu Sans, Arial, sans-serif">${esc(b.label.slice(0, 32))}</text>`
      + `<rect x="300" y="${y + 6}" width="${bw}" height="22" fill="#2f7d4f"/>`
      + `<text x="${310 + bw}" y="${y + 22}" font-size="16" font-family="DejaVu Sans, Arial, sans-serif">${b.value}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`
    + `<rect width="100%" height="100%" fill="#ffffff"/>`
    + `<text x="20" y="36" font-size="22" font-weight="bold" font-family="DejaVu Sans, Arial, sans-serif">${esc(title)}</text>${rows}</svg>`;
}
