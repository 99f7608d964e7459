/**
 * The search screens, built once for every channel: results as business cards with paging and browse
 * buttons, suggestions when nothing matched, the sector and district lists. Channels render them
 * (bot/telegram/send.ts, bot/messenger/render.ts) and decode the buttons' actions (services/actions.ts).
 */
import type { Listing } from '../../models/listing.js';
import { act } from '../actions.js';
import { raw, shorten, text, type Button, type OutMessage, type Text } from '../messages.js';
import type { CatalogView, Services } from '../app.js';
import { SavedQueries, type SavedQuery } from '../search/saved-queries.js';
import type { SearchService } from '../search/service.js';
import { businessCard } from './business.js';

export interface SearchScreenDeps {
  search: SearchService;
  saved: SavedQueries;
  catalog?: CatalogView;
  publicLink(listing: Pick<Listing, 'slug'>): string;
}

/** The dependencies from the service container. */
export function searchDeps(services: Pick<Services, 'search' | 'store' | 'catalogView' | 'directory'>): SearchScreenDeps & { directory: Services['directory'] } {
  return {
    search: services.search,
    saved: new SavedQueries(services.store),
    catalog: services.catalogView,
    directory: services.directory,
    publicLink: (l) => services.directory.publicLink(l),
  };
}

/** "By sector" / "By district": how to browse from any search screen. */
export function browseRow(): Button[] {
  return [
    { label: text('search:button.by_sector'), action: act('search.bySector') },
    { label: text('search:button.by_district'), action: act('search.byDistrict') },
  ];
}

async function hasProducts(catalog: CatalogView | undefined, l: Listing): Promise<boolean> {
  if (!catalog) return false;
  // A catalog that can't be read now only hides the Products button; the card itself still shows.
  return (await catalog.activeProducts(l, 1).catch(() => [])).length > 0;
}

/**
 * One page of results for `q`. `queryId` is the saved form of `q` when the caller has one (paging); it is
 * saved on demand otherwise, only when a button needs it.
 */
export async function searchResults(deps: SearchScreenDeps, q: SavedQuery, page: number, pageSize: number, queryId?: string): Promise<OutMessage> {
  const r = await deps.search.search({ ...q, page, pageSize });
  const filtered = !!(q.sector || q.districtId || q.country);
  if (!r.terms.length && !filtered) return { text: [text('search:empty_query')], buttons: [browseRow()] };
  const query = r.terms.length ? shorten(q.text.trim(), 100) : '';

  if (!r.total) {
    const lines: Text[] = [query ? text('search:nothing', { query }) : text('search:nothing_in')];
    const rows: Button[][] = [];
    for (const s of r.suggestions) {
      if (s.kind === 'spelling') {
        lines.push(text('search:did_you_mean', { text: s.text, businesses: text('common:businesses', { count: s.total }) }));
        rows.push([{ label: text('search:button.suggest', { text: s.text }), action: act('search.query', { q: await deps.saved.save({ ...q, text: s.text }), page: 0 }) }]);
      } else {
        rows.push([{ label: text(`search:drop.${s.filter}`, { count: s.total }), action: act('search.query', { q: await deps.saved.save({ ...q, [s.filter]: undefined }), page: 0 }) }]);
      }
    }
    lines.push(text('search:try_other'));
    return { text: lines, buttons: [...rows, browseRow()] };
  }

  const pages = Math.ceil(r.total / pageSize);
  const head: Text[] = [];
  if (page === 0) {
    const businesses = text('common:businesses', { count: r.total });
    const filter = q.sector ? text(`sectors:${q.sector}`) : q.districtId ? text(`territory:district.${q.districtId}`) : q.country ? text(`territory:country.${q.country}`) : raw('');
    head.push(query ? text('search:found', { businesses, query }) : text('search:found_in', { filter, businesses }));
  }
  if (pages > 1) head.push(text('search:page', { page: page + 1, pages }));
  const cards = await Promise.all(r.listings.map(async (l) => businessCard(l, { pageUrl: deps.publicLink(l), hasProducts: await hasProducts(deps.catalog, l) })));
  const rows: Button[][] = [];
  if (r.more) rows.push([{ label: text('search:button.more'), action: act('search.page', { q: queryId ?? await deps.saved.save(q), page: page + 1 }) }]);
  rows.push(browseRow());
  return { text: head, cards, buttons: rows };
}

/** The list of sectors (or districts) that have businesses, with their counts, as buttons. */
export function browseList(deps: Pick<SearchScreenDeps, 'search'>, by: 'sector' | 'district'): OutMessage {
  const facets = deps.search.facets();
  if (by === 'sector') {
    if (!facets.sectors.length) return { text: [text('search:directory_empty')] };
    return {
      text: [text('search:choose_sector')],
      buttons: pairs(facets.sectors.map((s): Button => ({ label: text('search:facet', { name: text(`sectors:${s.sector}`), count: s.count }), action: act('search.sector', { sector: s.sector }) }))),
    };
  }
  if (!facets.districts.length) return { text: [text('search:directory_empty')] };
  return {
    text: [text('search:choose_district')],
    buttons: pairs(facets.districts.map((d): Button => ({ label: text('search:facet', { name: text(`territory:district.${d.districtId}`), count: d.count }), action: act('search.district', { district: d.districtId }) }))),
  };
}

/** The products of one business, as cards with a View link each. */
export async function productsScreen(deps: SearchScreenDeps & { directory: { byId(id: string): Promise<Listing | null> } }, listingId: string, limit: number): Promise<OutMessage> {
  const listing = await deps.directory.byId(listingId);
  const products = listing?.status === 'published' && deps.catalog ? await deps.catalog.activeProducts(listing, limit).catch(() => []) : [];
  if (!listing || !products.length) return { text: [text('search:no_products')], buttons: [browseRow()] };
  return {
    text: [text('search:products_of', { name: listing.name })],
    cards: products.map((p) => ({
      title: p.title,
      subtitle: raw(p.priceText),
      ...(p.imageUrl ? { photo: { url: p.imageUrl } } : {}),
      buttons: [{ label: text('search:button.view'), url: p.link }],
    })),
    buttons: [browseRow()],
  };
}

function pairs(buttons: Button[]): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}
