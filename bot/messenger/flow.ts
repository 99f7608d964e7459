/**
 * The customer conversation on Messenger: Get Started → language → "write what you are looking for, or
 * browse" → results as a carousel (Call / Website / Products), "More results", browse by sector or district,
 * suggestions when nothing matches. Stateless: every quick reply and postback carries what it needs, so a
 * restart loses nothing.
 */
import { createHash } from 'node:crypto';
import type { Listing, Sector } from '../../models/listing.js';
import { NACE_SECTIONS } from '../../models/listing.js';
import { LOCALES, type User } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import { isLocale, LANGUAGE_NAMES, translator, type TFunction } from '../../services/i18n.js';
import type { SearchQuery } from '../../services/search/service.js';
import { resolveText } from '../../services/messages.js';
import { isStoreUnavailable } from '../../services/store/port.js';
import { district } from '../../services/territories.js';
import { carousel, LIMITS, textMessage, type Card, type MessengerMessage, type MsgButton } from './render.js';
import type { SendApi } from './send-api.js';
import type { MessagingEvent } from './webhook.js';

export const PAYLOAD = {
  getStarted: 'GET_STARTED',
  search: 'MENU_SEARCH',
  browse: 'MENU_BROWSE',
  language: 'MENU_LANGUAGE',
  privacy: 'MENU_PRIVACY',
  deleteMe: 'PRIVACY_DELETE',
  bySector: 'BROWSE_SECTOR',
  byDistrict: 'BROWSE_DISTRICT',
} as const;

const PAGE_SIZE = LIMITS.cards;

/** A search as a payload: `Q:{"t":"miere","d":"md-soroca","s":"A","c":"MD","p":1}`. */
interface Q { t?: string; s?: string; d?: string; c?: string; p?: number }

export function searchPayload(q: Q): string {
  const clean: Q = {};
  if (q.t) clean.t = q.t;
  if (q.s) clean.s = q.s;
  if (q.d) clean.d = q.d;
  if (q.c) clean.c = q.c;
  if (q.p) clean.p = q.p;
  let payload = `Q:${JSON.stringify(clean)}`;
  // Quick reply payloads are ≤ 1000 characters: shorten the text, never the filters.
  while (payload.length > LIMITS.payload && clean.t) {
    clean.t = clean.t.slice(0, Math.floor(clean.t.length * 0.8));
    payload = `Q:${JSON.stringify(clean)}`;
  }
  return payload;
}

function parseQ(json: string): SearchQuery | null {
  try {
    const q = JSON.parse(json) as Q;
    if (!q || typeof q !== 'object') return null;
    const sector = typeof q.s === 'string' && (NACE_SECTIONS as readonly string[]).includes(q.s) ? (q.s as Sector) : undefined;
    const districtId = typeof q.d === 'string' && district(q.d) ? q.d : undefined;
    const country = q.c === 'MD' || q.c === 'LV' ? q.c : undefined;
    const page = Number.isInteger(q.p) && (q.p as number) > 0 && (q.p as number) < 1000 ? (q.p as number) : 0;
    return { text: typeof q.t === 'string' ? q.t : '', sector, districtId, country, page, pageSize: PAGE_SIZE };
  } catch {
    return null;
  }
}

const toQ = (s: SearchQuery): Q => ({ t: s.text, s: s.sector, d: s.districtId, c: s.country, p: s.page });

/**
 * The event's identity for deduplication: the message (or postback) mid. Postbacks may come without one:
 * then the sender, time and payload identify the event (hashed: no PSIDs kept in the key).
 */
export function eventKey(ev: MessagingEvent): string {
  const payload = ev.message?.quick_reply?.payload ?? ev.postback?.payload;
  const mid = ev.message?.mid ?? ev.postback?.mid ?? `h:${createHash('sha256').update(`${ev.sender?.id ?? ''}:${ev.timestamp ?? ''}:${payload ?? ''}`).digest('hex')}`;
  return mid.slice(0, 512);
}

export class MessengerFlow {
  constructor(private readonly deps: { services: Services; api: SendApi; publicUrl: string }) {}

  private get services(): Services {
    return this.deps.services;
  }

  /**
   * Handles one messaging event (verified, filtered, stored once per mid by the intake — a redelivery by
   * Meta never reaches here twice).
   */
  async handle(ev: MessagingEvent): Promise<void> {
    try {
      await this.handleEvent(ev);
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      // Nothing was kept (not even the message id, so a redelivery is handled): tell the person to come back.
      const psid = ev.sender!.id!;
      const known = await this.services.users.byExternal('messenger', psid).catch(() => null);
      const t = translator(known?.locale ?? this.services.settings.defaultLocale);
      await this.deps.api.send({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: textMessage(t('store:unavailable')) }).catch(() => undefined);
      throw err;
    }
  }

  private async handleEvent(ev: MessagingEvent): Promise<void> {
    const psid = ev.sender!.id!;
    const payload = ev.message?.quick_reply?.payload ?? ev.postback?.payload;

    const user = await this.services.users.touch({ channel: 'messenger', externalId: psid, chatId: psid });
    if (payload) return this.onPayload(user, payload);
    const typed = typeof ev.message?.text === 'string' ? ev.message.text : undefined;
    if (typed === undefined) {
      const t = translator(user.locale);
      return this.send(user, textMessage(t('messenger:only_text'), this.menuReplies(t)));
    }
    if (!user.localeChosen) return this.askLanguage(user, typed);
    return this.search(user, { text: typed, page: 0, pageSize: PAGE_SIZE });
  }

  private async onPayload(user: User, payload: string): Promise<void> {
    const t = translator(user.locale);
    const lang = payload.match(/^LANG:(\w{2})(?:;([\s\S]*))?$/);
    if (lang && isLocale(lang[1])) {
      const updated = (await this.services.users.setLocale(user._id, lang[1])) ?? user;
      const pending = lang[2] ? parseQ(lang[2]) : null;
      if (pending?.text) return this.search(updated, pending);
      const t2 = translator(updated.locale);
      return this.send(updated, textMessage(`${t2('messenger:language_changed')}\n\n${t2('search:prompt')}`, this.menuReplies(t2)));
    }
    if (payload.startsWith('Q:')) {
      const q = parseQ(payload.slice(2));
      if (q) return this.search(user, q);
    }
    const products = payload.match(/^PRODUCTS:([\w-]{1,64})$/);
    if (products) return this.products(user, products[1]);
    switch (payload) {
      case PAYLOAD.getStarted:
        return user.localeChosen ? this.prompt(user) : this.askLanguage(user);
      case PAYLOAD.language:
        return this.askLanguage(user);
      case PAYLOAD.search:
        return this.prompt(user);
      case PAYLOAD.browse:
        return this.send(user, textMessage(t('search:browse_how'), this.menuReplies(t)));
      case PAYLOAD.bySector:
        return this.browseSectors(user);
      case PAYLOAD.byDistrict:
        return this.browseDistricts(user);
      case PAYLOAD.privacy:
        return this.send(user, textMessage(`${t('messenger:privacy.text')}\n\n${t('security:privacy.retention')}`, [
          { title: t('messenger:privacy.delete'), payload: PAYLOAD.deleteMe },
          { title: t('messenger:privacy.keep'), payload: PAYLOAD.search },
        ]));
      case PAYLOAD.deleteMe: {
        // The answer is composed before the record goes; a later message starts from scratch.
        const report = await this.services.privacy.deleteUser(user);
        const notes = report.notes.map((n) => resolveText(t, n));
        return this.send(user, textMessage([t('messenger:privacy.deleted'), ...notes].join('\n\n')));
      }
      default:
        // A button from an older version, or a forged payload: treat as a fresh start.
        return this.prompt(user);
    }
  }

  private menuReplies(t: TFunction): { title: string; payload: string }[] {
    return [
      { title: t('search:button.by_sector'), payload: PAYLOAD.bySector },
      { title: t('search:button.by_district'), payload: PAYLOAD.byDistrict },
    ];
  }

  private prompt(user: User): Promise<void> {
    const t = translator(user.locale);
    return this.send(user, textMessage(t('search:prompt'), this.menuReplies(t)));
  }

  /** The language question, in all four languages (we don't know theirs yet); keeps a pending query. */
  private askLanguage(user: User, pendingText?: string): Promise<void> {
    const question = LOCALES.map((l) => translator(l)('messenger:choose_language'));
    const pending = pendingText?.trim() ? `;${searchPayload({ t: pendingText.trim().slice(0, 200) }).slice(2)}` : '';
    const replies = LOCALES.map((l) => ({ title: LANGUAGE_NAMES[l], payload: `LANG:${l}${pending}` }));
    return this.send(user, textMessage([...new Set(question)].join('\n'), replies));
  }

  async search(user: User, q: SearchQuery): Promise<void> {
    const t = translator(user.locale);
    const result = await this.services.search.search(q);
    const filtered = !!(q.sector || q.districtId || q.country);
    if (!result.terms.length && !filtered) return this.send(user, textMessage(t('search:empty_query'), this.menuReplies(t)));
    const query = result.terms.length ? q.text.trim().slice(0, 100) : '';
    const filterName = q.sector ? t(`sectors:${q.sector}`) : q.districtId ? t(`territory:district.${q.districtId}`) : q.country ? t(`territory:country.${q.country}`) : '';

    if (!result.total) {
      const replies: { title: string; payload: string }[] = [];
      const lines = [query ? t('search:nothing', { query }) : t('search:nothing_in')];
      for (const s of result.suggestions) {
        if (s.kind === 'spelling') {
          lines.push(t('search:did_you_mean', { text: s.text, businesses: t('common:businesses', { count: s.total }) }));
          replies.push({ title: t('search:button.suggest', { text: s.text }), payload: searchPayload({ ...toQ(q), t: s.text, p: 0 }) });
        } else {
          replies.push({ title: t(`search:drop.${s.filter}`, { count: s.total }), payload: searchPayload({ ...toQ(q), [s.filter === 'districtId' ? 'd' : s.filter === 'sector' ? 's' : 'c']: undefined, p: 0 }) });
        }
      }
      lines.push(t('search:try_other'));
      return this.send(user, textMessage(lines.join('\n\n'), [...replies, ...this.menuReplies(t)]));
    }

    if (!q.page) {
      const businesses = t('common:businesses', { count: result.total });
      const header = query ? t('search:found', { businesses, query }) : t('search:found_in', { filter: filterName, businesses });
      await this.send(user, textMessage(header));
    }
    const cards = await Promise.all(result.listings.map((l) => this.card(t, l)));
    const replies = result.more ? [{ title: t('search:button.more'), payload: searchPayload({ ...toQ(q), p: (q.page ?? 0) + 1 }) }] : [];
    await this.send(user, carousel(cards, [...replies, ...this.menuReplies(t)]));
  }

  private async card(t: TFunction, l: Listing): Promise<Card> {
    const buttons: MsgButton[] = [{ type: 'phone_number', title: t('search:button.call'), payload: l.phone }];
    if (l.website) buttons.push({ type: 'web_url', title: t('search:button.website'), url: l.website });
    else if (l.facebook) buttons.push({ type: 'web_url', title: t('search:button.facebook'), url: l.facebook });
    const products = await this.services.catalogView?.activeProducts(l, 1).catch(() => []) ?? [];
    if (products.length) buttons.push({ type: 'postback', title: t('search:button.products'), payload: `PRODUCTS:${l._id}` });
    return {
      title: l.name,
      subtitle: t('search:subtitle', { district: t(`territory:district.${l.districtId}`), sector: l.sectors.map((s) => t(`sectors:${s}`))[0] ?? '' }),
      ...(l.logoId ? { image_url: `${this.deps.publicUrl}/media/${l.logoId}` } : {}),
      buttons,
    };
  }

  private async products(user: User, listingId: string): Promise<void> {
    const t = translator(user.locale);
    const listing = await this.services.directory.byId(listingId);
    const products = listing?.status === 'published' ? await this.services.catalogView?.activeProducts(listing, LIMITS.cards).catch(() => []) ?? [] : [];
    if (!listing || !products.length) return this.send(user, textMessage(t('search:no_products'), this.menuReplies(t)));
    await this.send(user, textMessage(t('search:products_of', { name: listing.name })));
    const cards: Card[] = products.map((p) => ({
      title: p.title,
      subtitle: p.priceText,
      ...(p.imageUrl ? { image_url: p.imageUrl } : {}),
      buttons: [{ type: 'web_url', title: t('search:button.view'), url: p.link }],
    }));
    await this.send(user, carousel(cards, this.menuReplies(t)));
  }

  private async browseSectors(user: User): Promise<void> {
    const t = translator(user.locale);
    const { sectors } = this.services.search.facets();
    if (!sectors.length) return this.send(user, textMessage(t('search:directory_empty')));
    const replies = sectors.slice(0, LIMITS.quickReplies).map((s) => ({ title: t(`sectors:${s.sector}`), payload: searchPayload({ s: s.sector }) }));
    return this.send(user, textMessage(t('search:choose_sector'), replies));
  }

  private async browseDistricts(user: User): Promise<void> {
    const t = translator(user.locale);
    const { districts } = this.services.search.facets();
    if (!districts.length) return this.send(user, textMessage(t('search:directory_empty')));
    const replies = districts.slice(0, LIMITS.quickReplies).map((d) => ({ title: t(`territory:district.${d.districtId}`), payload: searchPayload({ d: d.districtId }) }));
    return this.send(user, textMessage(t('search:choose_district'), replies));
  }

  /** A reply inside the conversation (messaging_type RESPONSE). A gone user is marked unreachable. */
  private async send(user: User, message: MessengerMessage): Promise<void> {
    const outcome = await this.deps.api.send({ recipient: { id: user.externalId }, messaging_type: 'RESPONSE', message });
    if (!outcome.ok && (outcome.kind === 'person_unavailable' || outcome.kind === 'no_user')) await this.services.users.markUnreachable(user._id);
  }
}

