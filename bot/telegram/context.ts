import type { Context } from 'grammy';
import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Locale, User } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import type { TFunction } from '../../services/i18n.js';

/** What every handler can rely on: the services, the current user and their translator. */
export interface BotFlavor {
  services: Services;
  user: User;
  locale: Locale;
  /** Translates into the user's language (plain text; parameters are never markup). */
  t: TFunction;
  /** Bot API root (for file downloads). */
  apiRoot: string;
}

/** Context inside conversations: the same flavor, installed by the conversation plugins. */
export type ConvContext = Context & BotFlavor;
/** Context in the outside middleware tree. */
export type BotContext = ConvContext & ConversationFlavor<ConvContext>;
