/**
 * /search for everyone: `/search miere Soroca` answers at once; `/search` (or the start menu button) asks
 * what to look for. Results are ONE message per page (Telegram allows about one message per second in a
 * chat): numbered cards with a Call (copyable number) and a Website button each, and ⬅️/➡️ paging that edits
 * the message. Browse by sector or district; suggestions when nothing matches. Same SearchService as Messenger.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import { NACE_SECTIONS, type Sector } from '../../../models/listing.js';
import { newId } from '../../../services/ids.js';
import { raw, text, type Button, type OutMessage, type Text } from '../../../services/messages.js';
import type { SearchQuery } from '../../../services/search/service.js';
import { district } from '../../../services/territories.js';
import type { BotContext, ConvContext } from '../context.js';
import { fit, keyboard, renderText } from '../render.js';
import type { ConvPlugin } from './index.js';
import type { Conv } from './listing-steps.js';

export const ASK_SEARCH = 'askSearch';
const PAGE_SIZE = 5;

/** A stored query for paging buttons (callback data holds only its id and the page). */
type StoredQuery = Pick<SearchQuery, 'text' | 'sector' | 'districtId' | 'country'>;

async function remember(ctx: BotContext | ConvContext, q: StoredQuery): Promise<string> {
  const id = newId(10);
  await ctx.services.store.kv<StoredQuery>('search-queries').write(id, { text: q.text.slice(0, 200), sector: q.sector, districtId: q.districtId, country: q.country });
  return id;
}

/** The "By sector / By district" row, appended to `kb` (a new keyboard by default). */
function browseRow(ctx: BotContext | ConvContext, kb = new InlineKeyboard()): InlineKeyboard {
  return kb.text(ctx.t('search:button.by_sector'), 'srch:bs').text(ctx.t('search:button.by_district'), 'srch:bd');
}

/** Builds the page as text + keyboard; null text parts are never markup (sent without parse_mode). */
async function resultsPage(ctx: BotContext | ConvContext, q: StoredQuery, page: number, queryId?: string): Promise<{ body: string; kb: InlineKeyboard }> {
  const t = ctx.t;
  const r = await ctx.services.search.search({ ...q, page, pageSize: PAGE_SIZE });
  const filtered = !!(q.sector || q.districtId || q.country);
  if (!r.terms.length && !filtered) return { body: t('search:empty_query'), kb: browseRow(ctx) };
  const query = r.terms.length ? fit(q.text.trim(), 100) : '';

  if (!r.total) {
    const lines: Text[] = [query ? text('search:nothing', { query }) : text('search:nothing_in')];
    const kb = new InlineKeyboard();
    for (const s of r.suggestions) {
      if (s.kind === 'spelling') {
        lines.push(text('search:did_you_mean', { text: s.text, businesses: text('common:businesses', { count: s.total }) }));
        kb.text(t('search:button.suggest', { text: s.text }), `srch:n:${await remember(ctx, { ...q, text: s.text })}:0`).row();
      } else {
        kb.text(t(`search:drop.${s.filter}`, { count: s.total }), `srch:n:${await remember(ctx, { ...q, [s.filter]: undefined })}:0`).row();
      }
    }
    lines.push(text('search:try_other'));
    return { body: renderText(t, { text: lines }), kb: browseRow(ctx, kb) };
  }

  const businesses = text('common:businesses', { count: r.total });
  const filter = q.sector ? text(`sectors:${q.sector}`) : q.districtId ? text(`territory:district.${q.districtId}`) : q.country ? text(`territory:country.${q.country}`) : raw('');
  const pages = Math.ceil(r.total / PAGE_SIZE);
  const paragraphs: Text[] = [query ? text('search:found', { businesses, query }) : text('search:found_in', { filter, businesses })];
  const rows: Button[][] = [];
  r.listings.forEach((l, i) => {
    const n = page * PAGE_SIZE + i + 1;
    const place = t('search:subtitle', { district: t(`territory:district.${l.districtId}`), sector: l.sectors.map((s) => t(`sectors:${s}`))[0] ?? '' });
    const link = l.website ?? l.facebook;
    paragraphs.push(raw([`${n}. ${l.name}`, place, `📞 ${l.phone}`, ...(link ? [`🌐 ${link}`] : [])].join('\n')));
    const row: Button[] = [{ label: raw(`${n}. ${t('search:button.call')}`), phone: l.phone }];
    if (link) row.push({ label: raw(`${n}. ${t(l.website ? 'search:button.website' : 'search:button.facebook')}`), url: link });
    rows.push(row);
  });
  if (pages > 1) paragraphs.push(text('search:page', { page: page + 1, pages }));
  const msg: OutMessage = { text: paragraphs, buttons: rows };
  const kb = keyboard(t, msg.buttons) ?? new InlineKeyboard();
  if (pages > 1) {
    const id = queryId ?? await remember(ctx, q);
    kb.row();
    if (page > 0) kb.text('⬅️', `srch:p:${id}:${page - 1}`);
    if (r.more) kb.text(t('search:button.more'), `srch:p:${id}:${page + 1}`);
  }
  return { body: renderText(t, msg), kb };
}

async function showResults(ctx: BotContext | ConvContext, q: StoredQuery, page = 0, edit?: { queryId: string }): Promise<void> {
  const { body, kb } = await resultsPage(ctx, q, page, edit?.queryId);
  if (edit && ctx.callbackQuery?.message) {
    await ctx.editMessageText(body, { reply_markup: kb, link_preview_options: { is_disabled: true } }).catch(() => ctx.reply(body, { reply_markup: kb, link_preview_options: { is_disabled: true } }));
    return;
  }
  await ctx.reply(body, { reply_markup: kb, link_preview_options: { is_disabled: true } });
}

/** A browse list (sectors or districts with their counts), two buttons a row; leaves any open question. */
async function browseMenu(ctx: BotContext, question: string, items: [label: string, data: string][]): Promise<void> {
  await ctx.answerCallbackQuery();
  await ctx.conversation.exitAll();
  if (!items.length) {
    await ctx.reply(ctx.t('search:directory_empty'));
    return;
  }
  const kb = new InlineKeyboard();
  items.forEach(([label, data], i) => {
    kb.text(label, data);
    if (i % 2 === 1) kb.row();
  });
  await ctx.reply(ctx.t(question), { reply_markup: kb });
}

/** Asks what to look for and searches the next text; anything else leaves the question to other handlers. */
async function askSearch(conv: Conv, ctx: ConvContext): Promise<void> {
  await ctx.reply(ctx.t('search:prompt'), { reply_markup: browseRow(ctx) });
  const next = await conv.wait();
  const typed = next.message?.text;
  if (typed === undefined || typed.startsWith('/')) await conv.halt({ next: true });
  await conv.external((outside) => showResults(outside, { text: typed ?? '' }));
}

export function searchFeature(plugins: ConvPlugin[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(askSearch, { id: ASK_SEARCH, plugins }));

  c.command('search', async (ctx) => {
    const q = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (!q) return ctx.conversation.enter(ASK_SEARCH);
    return showResults(ctx, { text: q });
  });

  c.callbackQuery('menu:search', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(ASK_SEARCH);
  });

  // srch:p → another page of the same results (edits the message); srch:n → a suggested query (new message).
  c.callbackQuery(/^srch:([pn]):([\w-]{1,20}):(\d{1,3})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const q = await ctx.services.store.kv<StoredQuery>('search-queries').read(ctx.match[2]);
    if (!q) return ctx.reply(ctx.t('common:expired_button'));
    await showResults(ctx, q, Number(ctx.match[3]), ctx.match[1] === 'p' ? { queryId: ctx.match[2] } : undefined);
  });

  c.callbackQuery('srch:bs', (ctx) => browseMenu(ctx, 'search:choose_sector', ctx.services.search.facets().sectors
    .map((s) => [`${fit(ctx.t(`sectors:${s.sector}`), 40)} (${s.count})`, `srch:s:${s.sector}`])));

  c.callbackQuery('srch:bd', (ctx) => browseMenu(ctx, 'search:choose_district', ctx.services.search.facets().districts
    .map((d) => [`${ctx.t(`territory:district.${d.districtId}`)} (${d.count})`, `srch:d:${d.districtId}`])));

  c.callbackQuery(/^srch:s:([A-U])$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(NACE_SECTIONS as readonly string[]).includes(ctx.match[1])) return;
    await showResults(ctx, { text: '', sector: ctx.match[1] as Sector });
  });

  c.callbackQuery(/^srch:d:([\w-]{1,60})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!district(ctx.match[1])) return;
    await showResults(ctx, { text: '', districtId: ctx.match[1] });
  });

  return c;
}
