/**
 * The customer conversation on Messenger: Get Started → language → "write what you are looking for, or
 * browse" → results as a carousel (Call / Website / Products / Page), "More results", browse by sector or
 * district, suggestions when nothing matches. The screens come from the same presenters as Telegram's
 * (services/screens/search.ts); buttons are typed actions (services/actions.ts) and a search behind a button
 * is saved in the store, so a restart loses nothing.
 */
import { createHash } from 'node:crypto';
import { LOCALES, type User } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import { LANGUAGE_NAMES, translator, type TFunction } from '../../services/i18n.js';
import { act, decode, encode } from '../../services/actions.js';
import { resolveText, type OutMessage } from '../../services/messages.js';
import type { SavedQuery } from '../../services/search/saved-queries.js';
import { browseList, productsScreen, searchDeps, searchResults } from '../../services/screens/search.js';
import { isStoreUnavailable } from '../../services/store/port.js';
import { LIMITS, renderOut, textMessage, type MessengerMessage } from './render.js';
import type { SendApi } from './send-api.js';
import type { MessagingEvent } from './webhook.js';

/** Payloads of the stored Messenger profile (Get Started, persistent menu): codec actions with fixed codes. */
export const PAYLOAD = {
  getStarted: encode(act('m.getStarted')),
  search: encode(act('m.search')),
  browse: encode(act('m.browse')),
  language: encode(act('m.language')),
  privacy: encode(act('m.privacy')),
  deleteMe: encode(act('m.deleteMe')),
  bySector: encode(act('m.bySector')),
  byDistrict: encode(act('m.byDistrict')),
} as const;

const PAGE_SIZE = LIMITS.cards;

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
    return this.search(user, { text: typed }, 0);
  }

  private async onPayload(user: User, payload: string): Promise<void> {
    const t = translator(user.locale);
    const d = decode(payload);
    // A button from an older version, or a forged payload: treat as a fresh start.
    if (!d.ok) return this.prompt(user);
    const a = d.action;
    switch (a.kind) {
      case 'lang': {
        const updated = (await this.services.users.setLocale(user._id, a.locale)) ?? user;
        const pending = a.q ? await this.deps_.saved.load(a.q) : null;
        if (pending?.text) return this.search(updated, pending, 0, a.q);
        const t2 = translator(updated.locale);
        return this.send(updated, textMessage(`${t2('messenger:language_changed')}\n\n${t2('search:prompt')}`, this.menuReplies(t2)));
      }
      case 'search.page':
      case 'search.query': {
        const q = await this.deps_.saved.load(a.q);
        if (!q) return this.prompt(user);
        return this.search(user, q, a.page, a.q);
      }
      case 'search.sector':
        return this.search(user, { text: '', sector: a.sector }, 0);
      case 'search.district':
        return this.search(user, { text: '', districtId: a.district }, 0);
      case 'search.products':
        return this.out(user, await productsScreen(this.deps_, a.listing, LIMITS.cards));
      case 'search.bySector':
      case 'm.bySector':
        return this.out(user, browseList(this.services, 'sector'));
      case 'search.byDistrict':
      case 'm.byDistrict':
        return this.out(user, browseList(this.services, 'district'));
      case 'm.getStarted':
        return user.localeChosen ? this.prompt(user) : this.askLanguage(user);
      case 'm.language':
        return this.askLanguage(user);
      case 'm.browse':
        return this.send(user, textMessage(t('search:browse_how'), this.menuReplies(t)));
      case 'm.privacy':
        return this.send(user, textMessage(`${t('messenger:privacy.text')}\n\n${t('security:privacy.retention')}`, [
          { title: t('messenger:privacy.delete'), payload: PAYLOAD.deleteMe },
          { title: t('messenger:privacy.keep'), payload: PAYLOAD.search },
        ]));
      case 'm.deleteMe': {
        // The answer is composed before the record goes; a later message starts from scratch.
        const report = await this.services.privacy.deleteUser(user);
        const notes = report.notes.map((n) => resolveText(t, n));
        return this.send(user, textMessage([t('messenger:privacy.deleted'), ...notes].join('\n\n')));
      }
      default:
        return this.prompt(user);
    }
  }

  private get deps_() {
    return searchDeps(this.services);
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
  private async askLanguage(user: User, pendingText?: string): Promise<void> {
    const question = LOCALES.map((l) => translator(l)('messenger:choose_language'));
    const q = pendingText?.trim() ? await this.deps_.saved.save({ text: pendingText.trim().slice(0, 200) }) : undefined;
    const replies = LOCALES.map((l) => ({ title: LANGUAGE_NAMES[l], payload: encode(act('lang', q ? { locale: l, q } : { locale: l })) }));
    return this.send(user, textMessage([...new Set(question)].join('\n'), replies));
  }

  /** A search screen from the shared presenter (services/screens/search.ts), as Messenger messages. */
  async search(user: User, q: SavedQuery, page: number, queryId?: string): Promise<void> {
    return this.out(user, await searchResults(this.deps_, q, page, PAGE_SIZE, queryId));
  }

  private async out(user: User, msg: OutMessage): Promise<void> {
    for (const m of renderOut(translator(user.locale), msg, this.deps.publicUrl)) await this.send(user, m);
  }

  /** A reply inside the conversation (messaging_type RESPONSE). A gone user is marked unreachable. */
  private async send(user: User, message: MessengerMessage): Promise<void> {
    const outcome = await this.deps.api.send({ recipient: { id: user.externalId }, messaging_type: 'RESPONSE', message });
    if (!outcome.ok && (outcome.kind === 'person_unavailable' || outcome.kind === 'no_user')) await this.services.users.markUnreachable(user._id);
  }
}

