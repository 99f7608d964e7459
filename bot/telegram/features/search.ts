/**
 * Search on Telegram, as on Messenger: any plain message outside a flow is a search ("мёд", "miere Soroca"),
 * and so is `/search miere`; `/search` alone says what to write. Results are business cards (photo, name,
 * district · sector, Copy number, Website/Facebook, Products, the public page) from the shared presenter
 * (services/screens/search.ts); "More results" sends the next cards; browse by sector or district.
 */
import { Composer } from 'grammy';
import { text } from '../../../services/messages.js';
import type { SavedQuery } from '../../../services/search/saved-queries.js';
import { browseList, browseRow, productsScreen, searchDeps, searchResults } from '../../../services/screens/search.js';
import { onAction, onMenu } from '../actions.js';
import type { BotContext } from '../context.js';
import { replyOut } from '../send.js';

/** Cards per page: each card is a message, and Telegram allows about one message a second in a chat. */
export const PAGE_SIZE = 3;

/** Searches and answers with the first (or given) page of cards. */
export async function showResults(ctx: BotContext, q: SavedQuery, page = 0, queryId?: string): Promise<void> {
  await replyOut(ctx, await searchResults(searchDeps(ctx.services), q, page, PAGE_SIZE, queryId));
}

export function searchFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const prompt = (ctx: BotContext) => replyOut(ctx, { text: [text('search:prompt')], buttons: [browseRow()] });

  c.command('search', async (ctx) => {
    const q = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!q) return prompt(ctx);
    return showResults(ctx, { text: q });
  });
  onMenu(c, 'search', (ctx) => prompt(ctx));
  onMenu(c, 'browse', (ctx) => replyOut(ctx, { text: [text('search:browse_how')], buttons: [browseRow()] }));

  onAction(c, ['search.page', 'search.query'], async (ctx, a) => {
    const deps = searchDeps(ctx.services);
    const q = await deps.saved.load(a.q);
    if (!q) return ctx.reply(ctx.t('common:expired_button'));
    await showResults(ctx, q, a.page, a.q);
  });
  onAction(c, 'search.bySector', (ctx) => replyOut(ctx, browseList(ctx.services, 'sector')));
  onAction(c, 'search.byDistrict', (ctx) => replyOut(ctx, browseList(ctx.services, 'district')));
  onAction(c, 'search.sector', (ctx, a) => showResults(ctx, { text: '', sector: a.sector }));
  onAction(c, 'search.district', (ctx, a) => showResults(ctx, { text: '', districtId: a.district }));
  onAction(c, 'search.products', async (ctx, a) => replyOut(ctx, await productsScreen(searchDeps(ctx.services), a.listing, 10)));
  return c;
}
