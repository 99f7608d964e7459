/**
 * Every Telegram feature, in the order updates reach them. A feature is a Composer; features that hold
 * conversations receive the conversation plugins (which install ctx.user / ctx.t inside conversations).
 */
import type { Composer } from 'grammy';
import type { BotContext, ConvContext } from '../context.js';
import { broadcastFeature } from './broadcast.js';
import { moderationFeature } from './moderation.js';
import { myBusinessFeature } from './mybusiness.js';
import { offersFeature } from './offers.js';
import { offersBrowseFeature } from './offers-browse.js';
import { posterFeature } from './posters.js';
import { privacyFeature } from './privacy.js';
import { registrationFeature } from './registration.js';
import { searchFeature } from './search.js';
import { staffFeature } from './staff.js';
import { staffDataFeature } from './staff-data.js';
import { shopFeature } from './shop.js';
import { reportsFeature } from './reports.js';
import { eventsFeature } from './events.js';

export type ConvPlugin = (ctx: ConvContext, next: () => Promise<void>) => Promise<void>;
export type Feature = (plugins: ConvPlugin[]) => Composer<BotContext>;

export const features: Feature[] = [
  registrationFeature,
  myBusinessFeature,
  searchFeature,
  shopFeature,
  moderationFeature,
  () => staffFeature(),
  broadcastFeature,
  // Before staffDataFeature: /stats is answered here (period, names, weekly trend).
  () => reportsFeature(),
  eventsFeature,
  staffDataFeature,
  offersFeature,
  () => offersBrowseFeature(),
  () => privacyFeature(),
  () => posterFeature(),
];
