/**
 * "Browse live offers": every published cooperation offer as a card, filtered by kind (offers / requests),
 * the business's country and a sector, so a new offer can be acted on at once rather than after the next
 * digest. Each card says the partnership from the author's side and carries the business's number and page.
 */
import { NACE_SECTIONS, type Country, type Sector } from '../../models/listing.js';
import type { Offer, OfferKind } from '../../models/offer.js';
import { act, type ActionOf } from '../actions.js';
import type { Services } from '../app.js';
import { raw, shorten, text, type Button, type Card, type OutMessage } from '../messages.js';

export interface OfferFilter { kind?: OfferKind; country?: Country; sector?: Sector }

const PAGE = 5;

export function filterOf(a: Pick<ActionOf<'offers.browse'>, 'k' | 'c'> & { s?: ActionOf<'offers.browse'>['s'] }): OfferFilter {
  return {
    ...(a.k !== '-' ? { kind: a.k } : {}),
    ...(a.c !== '-' ? { country: a.c } : {}),
    ...(a.s && a.s !== '-' ? { sector: a.s } : {}),
  };
}

function browse(f: OfferFilter): ActionOf<'offers.browse'> {
  return act('offers.browse', { k: f.kind ?? '-', c: f.country ?? '-', s: f.sector ?? '-' });
}

/** One offer as a card: the direction-phrased partnership, who and where, the description's start. */
export async function offerCard(services: Pick<Services, 'directory'>, o: Offer): Promise<Card> {
  const listing = await services.directory.byId(o.listingId);
  const buttons: Button[] = [];
  if (listing?.status === 'published') {
    buttons.push({ phone: listing.phone }, { label: text('search:button.page'), url: services.directory.publicLink(listing) });
  }
  return {
    title: o.title,
    subtitle: text(`offers:type_${o.kind}.${o.type}`),
    lines: [
      text('offers:browse.from', { business: listing?.name ?? '—', district: text(`territory:district.${o.districtId}`) }),
      text('offers:card.sectors', { value: o.sectors.map((s) => text(`sectors:${s}`)) }),
      raw(shorten(o.description, 300)),
    ],
    ...(listing?.logoId ? { photo: { blobId: listing.logoId } } : {}),
    buttons,
  };
}

/** The browse screen: a count, the filters in words, up to five cards and the filter buttons. */
export async function offersBrowse(services: Pick<Services, 'offers' | 'directory'>, f: OfferFilter): Promise<OutMessage> {
  const { offers, total } = await services.offers.browse(f, PAGE);
  const head = [
    text('offers:browse.title', { offers: text('offers:offers', { count: total }) }),
    text('offers:browse.filters', {
      kind: f.kind ? text(`offers:kind.${f.kind}`) : text('offers:browse.all_kinds'),
      country: f.country ? text(`territory:country.${f.country}`) : text('offers:browse.all_countries'),
      sector: f.sector ? text(`sectors:${f.sector}`) : text('offers:browse.all_sectors'),
    }),
  ];
  if (!offers.length) head.push(text('offers:browse.none'));
  const mark = (on: boolean, label: string) => (on ? text('offers:browse_on', { label: text(label) }) : text(label));
  const rows: Button[][] = [
    [
      { label: mark(!f.kind, 'offers:button.f_all'), action: browse({ ...f, kind: undefined }) },
      { label: mark(f.kind === 'offer', 'offers:button.f_offers'), action: browse({ ...f, kind: 'offer' }) },
      { label: mark(f.kind === 'request', 'offers:button.f_requests'), action: browse({ ...f, kind: 'request' }) },
    ],
    [
      { label: mark(!f.country, 'offers:button.f_any_country'), action: browse({ ...f, country: undefined }) },
      { label: mark(f.country === 'MD', 'territory:country.MD'), action: browse({ ...f, country: 'MD' }) },
      { label: mark(f.country === 'LV', 'territory:country.LV'), action: browse({ ...f, country: 'LV' }) },
    ],
    [{ label: text('offers:button.f_sector'), action: act('offers.sectors', { k: f.kind ?? '-', c: f.country ?? '-' }) }],
  ];
  return { text: head, cards: await Promise.all(offers.map((o) => offerCard(services, o))), buttons: rows };
}

/** The sector picker of the browse screen: "A · Agriculture…", two a row. */
export function offerSectors(f: OfferFilter): OutMessage {
  const buttons: Button[][] = [[{ label: text('offers:button.f_any_sector'), action: browse({ ...f, sector: undefined }) }]];
  NACE_SECTIONS.forEach((s, i) => {
    if (i % 2 === 0) buttons.push([]);
    buttons[buttons.length - 1].push({ label: text('offers:sector_button', { letter: s, name: text(`sectors:${s}`) }), action: browse({ ...f, sector: s }) });
  });
  return { text: [text('offers:browse.choose_sector')], buttons };
}
