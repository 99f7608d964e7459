/**
 * A business as customers see it, on every channel: photo, name, district · sector, what it does, and buttons
 * that say what they do — the number (Call on Messenger, Copy number on Telegram), Website or Facebook, the
 * products when the business has a catalog, and its public page.
 */
import type { Listing } from '../../models/listing.js';
import { act } from '../actions.js';
import { raw, shorten, text, type Button, type Card, type Text } from '../messages.js';

export interface BusinessCardOptions {
  /** The listing's public page (PUBLIC_URL/b/<slug>). */
  pageUrl: string;
  /** True when the listing has active products (shows the Products button). */
  hasProducts: boolean;
}

export function businessCard(l: Listing, opts: BusinessCardOptions): Card {
  const buttons: Button[] = [{ phone: l.phone }];
  if (l.website) buttons.push({ label: text('search:button.website'), url: l.website });
  else if (l.facebook) buttons.push({ label: text('search:button.facebook'), url: l.facebook });
  if (opts.hasProducts) buttons.push({ label: text('search:button.products'), action: act('search.products', { listing: l._id }) });
  buttons.push({ label: text('search:button.page'), url: opts.pageUrl });
  const lines = [
    ...(l.activity ? [raw(l.activity)] : []),
    text('search:line.phone', { phone: l.phone }),
    ...(l.website ? [text('search:line.website', { url: l.website })] : []),
    ...(l.facebook ? [text('search:line.facebook', { url: l.facebook })] : []),
  ];
  return {
    title: l.name,
    subtitle: text('search:subtitle', { district: text(`territory:district.${l.districtId}`), sector: l.sectors[0] ? text(`sectors:${l.sectors[0]}`) : raw('') }),
    lines,
    ...(l.logoId ? { photo: { blobId: l.logoId } } : {}),
    buttons,
  };
}

/** Spoken languages by name (codes only for a language we have no name for). */
export function languageNames(codes: readonly string[], known: readonly string[]): Text[] {
  return codes.map((c) => (known.includes(c) ? text(`registration:lang.${c}`) : raw(c)));
}

/**
 * The registration summary: short enough to read at a glance — name, what it does, sectors, place, contacts,
 * languages by name, and the description cut to a line or two.
 */
export function registrationSummary(l: Partial<Listing>, spoken: readonly string[]): Text[] {
  const contacts = [l.phone, l.email, l.website, l.facebook].filter((x): x is string => !!x).join(' · ');
  return [
    raw(`🏷 ${l.name ?? '—'}`),
    ...(l.activity ? [raw(`🛠 ${l.activity}`)] : []),
    text('directory:card.sectors', { value: (l.sectors ?? []).map((s) => text(`sectors:${s}`)) }),
    text('directory:card.place', { district: l.districtId ? text(`territory:district.${l.districtId}`) : raw('—'), locality: l.locality || '—' }),
    raw(`📞 ${contacts || '—'}`),
    ...(l.languages?.length ? [text('directory:card.languages', { value: languageNames(l.languages, spoken) })] : []),
    ...(l.description ? [raw(`📝 ${shorten(l.description, 160)}`)] : []),
  ];
}
