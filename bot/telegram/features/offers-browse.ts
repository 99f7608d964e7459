/** "Browse live offers" on Telegram: the shared screen (services/screens/offers.ts), filters as buttons. */
import { Composer } from 'grammy';
import { filterOf, offerSectors, offersBrowse } from '../../../services/screens/offers.js';
import { onAction, onMenu } from '../actions.js';
import type { BotContext } from '../context.js';
import { replyOut } from '../send.js';

export function offersBrowseFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  onMenu(c, 'offers_browse', async (ctx) => replyOut(ctx, await offersBrowse(ctx.services, {})));
  onAction(c, 'offers.browse', async (ctx, a) => replyOut(ctx, await offersBrowse(ctx.services, filterOf(a))));
  onAction(c, 'offers.sectors', (ctx, a) => replyOut(ctx, offerSectors(filterOf(a))));
  return c;
}
