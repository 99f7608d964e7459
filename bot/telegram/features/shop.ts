/**
 * /shop: the Facebook catalog assistant for a business owner (any listing status). A checklist with
 * instructions, products (add, list, edit, pause, delete), the Meta feed URL (rotate) and optional direct
 * push to a Commerce Manager catalog.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import { CHECKLIST_STEPS, PRODUCT_EDIT_FIELDS, type ChecklistStep, type ProductEditField } from '../../../models/product.js';
import { act, type Action } from '../../../services/actions.js';
import { resolveText } from '../../../services/messages.js';
import type { ProductDraft } from '../../../services/catalog/service.js';
import { ProductNotFound, PushUnavailable } from '../../../services/catalog/service.js';
import { isStaff } from '../../../services/staff.js';
import { parseRate } from '../../../services/catalog/money.js';
import { lag } from '../../../services/territories.js';
import { actionButton, onAction } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { CAPTION_LIMIT, fit, TEXT_LIMIT } from '../render.js';
import { displayPrice } from '../../../services/catalog/money.js';
import { waitText, type Conv } from './questions.js';
import { staffOnly } from './staff.js';
import { checklistText, homeKeyboard, leiIn, problemLines, productCard, productKeyboard } from './shop-render.js';
import { askNewProduct, askProductField, FIELD_KEYS, SHOP_HINTS, SKIP, type Draft, type ListingFacts } from './shop-steps.js';

export const ADD_PRODUCT = 'shopAddProduct';
export const EDIT_PRODUCT = 'shopEditProduct';
export const SET_CATALOG = 'shopSetCatalog';
export const SET_TOKEN = 'shopSetToken';
const PAGE = 8;

type Plugins = ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[];

const facts = (l: Listing): ListingFacts => ({ id: l._id, name: l.name, country: l.country });

/** A keyboard of typed actions, `rows` of [label, action]. */
function keyboard(rows: [label: string, action: Action][][]): InlineKeyboard {
  const kb = new InlineKeyboard();
  rows.forEach((row, i) => {
    if (i) kb.row();
    for (const [label, action] of row) actionButton(kb, label, action);
  });
  return kb;
}

function withoutNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** After a save inside a conversation: the validation verdict and a button to the product. */
async function afterSave(conv: Conv, ctx: ConvContext, productId: string, key: string): Promise<void> {
  const verdict = await conv.external(async (outside) => {
    const listing = await outside.services.directory.byOwner(outside.user._id);
    const p = listing ? await outside.services.catalog.byId(listing._id, productId) : null;
    if (!listing || !p) return null;
    await outside.services.catalog.refreshRate();
    const note = outside.services.catalog.feedPriceNote(p);
    return {
      title: p.title, problems: outside.services.catalog.problems(p, listing), published: listing.status === 'published',
      price: displayPrice(p, leiIn(outside.t)), note: note ? resolveText(outside.t, note) : undefined,
    };
  });
  if (!verdict) return;
  const lines = [ctx.t(key, { title: verdict.title }), ctx.t('shop:card.price', { value: verdict.price })];
  if (verdict.note) lines.push(verdict.note);
  if (verdict.problems.length) lines.push('', ctx.t('shop:card.not_in_feed'), problemLines(ctx.t, verdict.problems));
  else lines.push('', ctx.t(verdict.published ? 'shop:card.in_feed' : 'shop:card.in_feed_after_publish'));
  await ctx.reply(fit(lines.join('\n'), TEXT_LIMIT), {
    reply_markup: keyboard([
      [[ctx.t('shop:button.open'), act('shop.product', { product: productId })], [ctx.t('shop:button.add_another'), act('shop.add')]],
      [[ctx.t('shop:button.home'), act('shop.home')]],
    ]),
  });
}

async function addProduct(conv: Conv, ctx: ConvContext): Promise<void> {
  const listing = await conv.external(async (outside) => {
    const l = await outside.services.directory.byOwner(outside.user._id);
    return l ? facts(l) : null;
  });
  if (!listing) return;
  await ctx.reply(ctx.t('shop:add_intro'));
  const draft: Draft = { availability: 'in stock', condition: 'new' };
  await askNewProduct(conv, ctx, draft, listing);
  const id = await conv.external(async (outside) => {
    const l = await outside.services.directory.byOwner(outside.user._id);
    if (!l) return null;
    return (await outside.services.catalog.add(outside.user, l, withoutNulls(draft) as ProductDraft))._id;
  });
  if (id) await afterSave(conv, ctx, id, 'shop:added');
}

async function editProduct(conv: Conv, ctx: ConvContext, productId: string, field: ProductEditField): Promise<void> {
  const start = await conv.external(async (outside) => {
    const l = await outside.services.directory.byOwner(outside.user._id);
    const p = l ? await outside.services.catalog.byId(l._id, productId) : null;
    if (!l || !p) return null;
    const { title, description, priceMinor, currency, mdlMinor, salePriceMinor, availability, condition, photos, brand, googleCategory } = p;
    return { listing: facts(l), draft: { title, description, priceMinor, currency, mdlMinor, salePriceMinor, availability, condition, photos, brand, googleCategory } as Draft };
  });
  if (!start || !PRODUCT_EDIT_FIELDS.includes(field)) return;
  const draft = start.draft;
  await askProductField(conv, ctx, field, draft, start.listing);
  const patch: Record<string, unknown> = {};
  for (const k of FIELD_KEYS[field]) patch[k] = (draft as Record<string, unknown>)[k] ?? null;
  const ok = await conv.external(async (outside) => {
    try {
      await outside.services.catalog.update(start.listing.id, productId, patch);
      return true;
    } catch (err) {
      // Deleted meanwhile (another device, /deleteme): say so instead of a generic error.
      if (err instanceof ProductNotFound) return false;
      throw err;
    }
  });
  if (ok) await afterSave(conv, ctx, productId, 'shop:saved');
  else await ctx.reply(ctx.t('shop:product_gone'));
}

async function setCatalog(conv: Conv, ctx: ConvContext): Promise<void> {
  await ctx.reply(ctx.t('shop:ask.catalog_id'), { reply_markup: keyboard([[[ctx.t('shop:clear'), act('shop.skip')]]]) });
  let value: string | null = null;
  for (;;) {
    const answer = await waitText(conv, ctx, SHOP_HINTS, { skip: SKIP });
    if (answer === null) break;
    const s = answer.replace(/\s+/g, '');
    if (/^\d{5,25}$/.test(s)) {
      value = s;
      break;
    }
    await ctx.reply(ctx.t('shop:error.catalog_id'));
  }
  await conv.external(async (outside) => {
    const l = await outside.services.directory.byOwner(outside.user._id);
    if (l) await outside.services.catalog.setCatalogId(l, value);
  });
  await ctx.reply(value ? ctx.t('shop:catalog_saved', { id: value }) : ctx.t('shop:catalog_cleared'), {
    reply_markup: keyboard([[[ctx.t('shop:button.push'), act('shop.push')], [ctx.t('shop:button.home'), act('shop.home')]]]),
  });
}

async function setToken(conv: Conv, ctx: ConvContext): Promise<void> {
  await ctx.reply(ctx.t('shop:ask.token'));
  let token = '';
  for (;;) {
    const next = await conv.wait();
    if (next.callbackQuery) {
      await next.answerCallbackQuery().catch(() => undefined);
      continue;
    }
    const s = next.message?.text?.trim() ?? '';
    // The token should not stay in the chat history.
    if (next.message) await next.deleteMessage().catch(() => undefined);
    if (/^[A-Za-z0-9_|.-]{30,1000}$/.test(s)) {
      token = s;
      break;
    }
    await ctx.reply(ctx.t('shop:error.token'));
  }
  const saved = await conv.external(async (outside) => {
    const l = await outside.services.directory.byOwner(outside.user._id);
    if (!l) return false;
    try {
      await outside.services.catalog.setAccessToken(l, token);
      return true;
    } catch (err) {
      if (err instanceof PushUnavailable) return false;
      throw err;
    }
  });
  await ctx.reply(ctx.t(saved ? 'shop:token_saved' : 'shop:push_disabled'), {
    reply_markup: keyboard([[[ctx.t('shop:button.push'), act('shop.push')]]]),
  });
}

async function ownListing(ctx: BotContext): Promise<Listing | null> {
  const listing = await ctx.services.directory.byOwner(ctx.user._id);
  if (!listing) {
    await ctx.reply(ctx.t('shop:no_listing'), { reply_markup: keyboard([[[ctx.t('common:menu.register'), act('menu', { to: 'register' })]]]) });
  }
  return listing;
}

const staffLagOf = (ctx: BotContext) => (isStaff(ctx.user) && ctx.user.lagId) || undefined;

async function showLagFeed(ctx: BotContext, lagId: string): Promise<void> {
  const token = await ctx.services.catalog.lagFeedToken(lagId);
  await ctx.reply(ctx.t('shop:lag_feed_url', { url: ctx.services.catalog.lagFeedUrl(token), lag: ctx.t(`territory:lag.${lagId}`) }), { link_preview_options: { is_disabled: true } });
}

export async function showShop(ctx: BotContext): Promise<void> {
  const staffLag = staffLagOf(ctx);
  // LAG staff usually own no business: /shop gives them the LAG's joint feed.
  if (staffLag && !(await ctx.services.directory.byOwner(ctx.user._id))) return showLagFeed(ctx, staffLag);
  const listing = await ownListing(ctx);
  if (!listing) return;
  const settings = await ctx.services.catalog.settingsFor(listing);
  const o = await ctx.services.catalog.overview(listing);
  const counts = { total: o.products.length, valid: o.valid.filter((p) => p.status === 'active').length };
  await ctx.reply(checklistText(ctx.t, listing, settings, counts), { reply_markup: homeKeyboard(ctx.t, settings, counts, !!staffLag) });
}

async function showList(ctx: BotContext, page: number): Promise<void> {
  const listing = await ownListing(ctx);
  if (!listing) return;
  await ctx.services.catalog.refreshRate();
  const products = await ctx.services.catalog.list(listing._id);
  if (!products.length) {
    await ctx.reply(ctx.t('shop:list_empty'), { reply_markup: keyboard([[[ctx.t('shop:button.add'), act('shop.add')]]]) });
    return;
  }
  const pages = Math.ceil(products.length / PAGE);
  const p = Math.min(Math.max(page, 0), pages - 1);
  const slice = products.slice(p * PAGE, (p + 1) * PAGE);
  const kb = new InlineKeyboard();
  const lines = [ctx.t('shop:list_title', { n: products.length })];
  slice.forEach((prod, i) => {
    const n = p * PAGE + i + 1;
    const bad = ctx.services.catalog.problems(prod, listing).length > 0;
    const mark = prod.status === 'paused' ? '⏸' : bad ? '⚠️' : '✅';
    lines.push(`${n}. ${mark} ${fit(prod.title, 60)} — ${ctx.services.catalog.view(prod, listing).priceText}`);
    actionButton(kb, `${n}. ${fit(prod.title, 30)}`, act('shop.product', { product: prod._id })).row();
  });
  lines.push('', ctx.t('shop:list_legend'));
  if (p > 0) actionButton(kb, '◀️', act('shop.list', { page: p - 1 }));
  if (p < pages - 1) actionButton(kb, '▶️', act('shop.list', { page: p + 1 }));
  actionButton(kb.row(), ctx.t('shop:button.add'), act('shop.add'));
  actionButton(kb, ctx.t('shop:button.home'), act('shop.home'));
  await ctx.reply(fit(lines.join('\n'), TEXT_LIMIT), { reply_markup: kb });
}

async function showProduct(ctx: BotContext, productId: string): Promise<void> {
  const listing = await ownListing(ctx);
  if (!listing) return;
  const p = await ctx.services.catalog.byId(listing._id, productId);
  if (!p) {
    await ctx.reply(ctx.t('shop:product_gone'));
    return;
  }
  await ctx.services.catalog.refreshRate();
  const note = ctx.services.catalog.feedPriceNote(p);
  const card = productCard(ctx.t, p, listing, ctx.services.catalog.problems(p, listing), note && resolveText(ctx.t, note));
  const kb = productKeyboard(ctx.t, p);
  const blob = p.photos[0] ? await ctx.services.store.blobs.get(p.photos[0].blobId) : null;
  if (blob) await ctx.replyWithPhoto(new InputFile(blob.data), { caption: fit(card, CAPTION_LIMIT), reply_markup: kb });
  else await ctx.reply(fit(card, TEXT_LIMIT), { reply_markup: kb });
}

function instructions(ctx: BotContext, feedUrl: string, s: { checklist: Record<ChecklistStep, boolean> }): { text: string; kb: InlineKeyboard } {
  const text = [ctx.t('shop:instructions.title'), '', ctx.t('shop:instructions.pageLinked'), '', ctx.t('shop:instructions.catalogCreated'), '',
    ctx.t('shop:instructions.feedAdded', { url: feedUrl }), '', ctx.t('shop:instructions.productsValid')].join('\n');
  const kb = new InlineKeyboard();
  CHECKLIST_STEPS.forEach((step) => {
    actionButton(kb, `${s.checklist[step] ? '✅' : '⬜'} ${ctx.t(`shop:step_short.${step}`)}`, act('shop.check', { step })).row();
  });
  actionButton(kb, ctx.t('shop:button.catalog_id'), act('shop.catalog')).row();
  actionButton(kb, ctx.t('shop:button.home'), act('shop.home'));
  return { text: fit(text, TEXT_LIMIT), kb };
}

async function showPush(ctx: BotContext): Promise<void> {
  const listing = await ownListing(ctx);
  if (!listing) return;
  const catalog = ctx.services.catalog;
  if (!catalog.pushEnabled) {
    await ctx.reply(ctx.t('shop:push_disabled'), { reply_markup: keyboard([[[ctx.t('shop:button.feed'), act('shop.feed')], [ctx.t('shop:button.home'), act('shop.home')]]]) });
    return;
  }
  const s = await catalog.settingsFor(listing);
  const lines = [ctx.t('shop:push.title'), '', ctx.t('shop:push.catalog', { id: s.catalogId ?? '—' }), ctx.t(s.accessTokenEnc ? 'shop:push.token_set' : 'shop:push.token_missing')];
  if (s.lastPush) {
    lines.push('', ctx.t('shop:push.last', { at: s.lastPush.at.toISOString().slice(0, 16).replace('T', ' ') }));
    lines.push(...(await catalog.pushReportText(listing._id, s.lastPush)).map((x) => resolveText(ctx.t, x)));
  }
  lines.push('', ctx.t('shop:push.explain'));
  const kb = keyboard([[[ctx.t('shop:button.catalog_id'), act('shop.catalog')], [ctx.t('shop:button.token'), act('shop.token')]]]).row();
  if (catalog.pushConfigured(s)) actionButton(kb, ctx.t('shop:button.push_now'), act('shop.pushNow')).row();
  if (s.accessTokenEnc) actionButton(kb, ctx.t('shop:button.token_remove'), act('shop.tokenDelete')).row();
  actionButton(kb, ctx.t('shop:button.home'), act('shop.home'));
  await ctx.reply(fit(lines.join('\n'), TEXT_LIMIT), { reply_markup: kb });
}

export function shopFeature(plugins: Plugins): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(addProduct, { id: ADD_PRODUCT, plugins }));
  c.use(createConversation<BotContext, ConvContext>(editProduct, { id: EDIT_PRODUCT, plugins }));
  c.use(createConversation<BotContext, ConvContext>(setCatalog, { id: SET_CATALOG, plugins }));
  c.use(createConversation<BotContext, ConvContext>(setToken, { id: SET_TOKEN, plugins }));

  c.command('shop', showShop);
  // LAG staff: the lei → euro rate prices in lei go into the Meta feeds at (Meta documents no MDL).
  c.command('rate', staffOnly(async (ctx) => {
    // The rate is about lei: Moldovan LAGs' staff and admins set it.
    if (ctx.user.role !== 'admin' && lag(ctx.user.lagId ?? '')?.country !== 'MD') return ctx.reply(ctx.t('common:not_available'));
    const arg = String(ctx.match ?? '').trim();
    if (!arg) {
      const rate = await ctx.services.catalog.refreshRate();
      const now = rate ? ctx.t('shop:rate.current', { rate: rate.rate, date: rate.setAt }) : ctx.t('shop:rate.none');
      return ctx.reply(`${now}\n\n${ctx.t('shop:rate.usage')}`);
    }
    const rate4 = parseRate(arg);
    if (rate4 === undefined) return ctx.reply(ctx.t('shop:rate.invalid'));
    const rate = await ctx.services.catalog.setRate(rate4, { userId: ctx.user._id, lagId: ctx.user.lagId });
    await ctx.reply(ctx.t('shop:rate.saved', { rate: rate.rate, example: ctx.services.catalog.rateExample(leiIn(ctx.t)) }));
  }));
  // Every /shop button is a typed action (services/actions.ts); the codes are those of the older `sp:*` buttons.
  onAction(c, 'shop.home', (ctx) => showShop(ctx));
  onAction(c, 'shop.list', (ctx, a) => showList(ctx, a.page));
  onAction(c, 'shop.product', (ctx, a) => showProduct(ctx, a.product));
  onAction(c, 'shop.add', async (ctx) => {
    if (await ownListing(ctx)) await ctx.conversation.enter(ADD_PRODUCT);
  });
  onAction(c, 'shop.edit', async (ctx, a) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    if (!(await ctx.services.catalog.byId(listing._id, a.product))) return ctx.reply(ctx.t('shop:product_gone'));
    await ctx.conversation.enter(EDIT_PRODUCT, a.product, a.field === 'mdl' ? 'price' : a.field);
  });
  onAction(c, 'shop.pause', async (ctx, { product: id }) => {
    const listing = await ownListing(ctx);
    const p = listing ? await ctx.services.catalog.byId(listing._id, id) : null;
    if (!listing || !p) return ctx.reply(ctx.t('shop:product_gone'));
    const status = p.status === 'paused' ? 'active' : 'paused';
    await ctx.services.catalog.setStatus(listing._id, id, status);
    await ctx.reply(ctx.t(status === 'paused' ? 'shop:paused' : 'shop:resumed', { title: p.title }), {
      reply_markup: keyboard([[[ctx.t('shop:button.open'), act('shop.product', { product: id })], [ctx.t('shop:button.back'), act('shop.list', { page: 0 })]]]),
    });
  });
  onAction(c, 'shop.delete', async (ctx, { product: id }) => {
    const listing = await ownListing(ctx);
    const p = listing ? await ctx.services.catalog.byId(listing._id, id) : null;
    if (!p) return ctx.reply(ctx.t('shop:product_gone'));
    await ctx.reply(ctx.t('shop:delete_confirm', { title: p.title }), {
      reply_markup: keyboard([[[ctx.t('shop:button.delete_yes'), act('shop.deleteOk', { product: id })], [ctx.t('shop:button.delete_no'), act('shop.product', { product: id })]]]),
    });
  });
  onAction(c, 'shop.deleteOk', async (ctx, { product: id }) => {
    const listing = await ownListing(ctx);
    const p = listing ? await ctx.services.catalog.byId(listing._id, id) : null;
    if (!listing || !p || !(await ctx.services.catalog.remove(listing._id, id))) return ctx.reply(ctx.t('shop:product_gone'));
    await ctx.reply(ctx.t('shop:deleted', { title: p.title }), { reply_markup: keyboard([[[ctx.t('shop:button.back'), act('shop.list', { page: 0 })]]]) });
  });
  onAction(c, 'shop.steps', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    const s = await ctx.services.catalog.settingsFor(listing);
    const { text, kb } = instructions(ctx, ctx.services.catalog.feedUrl(s), s);
    await ctx.reply(text, { reply_markup: kb, link_preview_options: { is_disabled: true } });
  });
  onAction(c, 'shop.check', async (ctx, { step }) => {
    const listing = await ownListing(ctx);
    if (!listing || !CHECKLIST_STEPS.includes(step as ChecklistStep)) return;
    const before = await ctx.services.catalog.settingsFor(listing);
    const s = await ctx.services.catalog.setChecklist(listing, step, !before.checklist[step]);
    const { kb } = instructions(ctx, ctx.services.catalog.feedUrl(s), s);
    if (ctx.callbackQuery?.message) await ctx.editMessageReplyMarkup({ reply_markup: kb }).catch(() => undefined);
  });
  onAction(c, 'shop.feed', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    const s = await ctx.services.catalog.settingsFor(listing);
    const lines = [ctx.t('shop:feed.url', { url: ctx.services.catalog.feedUrl(s) }), '', ctx.t('shop:feed.explain')];
    if (listing.status !== 'published') lines.push('', ctx.t('shop:not_published'));
    await ctx.reply(lines.join('\n'), {
      link_preview_options: { is_disabled: true },
      reply_markup: keyboard([[[ctx.t('shop:button.rotate'), act('shop.rotate')], [ctx.t('shop:button.home'), act('shop.home')]]]),
    });
  });
  onAction(c, 'shop.rotate', (ctx) => ctx.reply(ctx.t('shop:feed.rotate_confirm'), {
    reply_markup: keyboard([[[ctx.t('shop:button.rotate_yes'), act('shop.rotateOk')], [ctx.t('shop:button.delete_no'), act('shop.feed')]]]),
  }));
  onAction(c, 'shop.rotateOk', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    const s = await ctx.services.catalog.rotateFeedToken(listing);
    await ctx.reply(ctx.t('shop:feed.rotated', { url: ctx.services.catalog.feedUrl(s) }), { link_preview_options: { is_disabled: true } });
  });
  onAction(c, 'shop.lag', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    const s = await ctx.services.catalog.settingsFor(listing);
    await ctx.services.catalog.setLagFeed(listing, !s.lagFeed);
    await ctx.reply(ctx.t(s.lagFeed ? 'shop:lag_left' : 'shop:lag_joined'));
  });
  onAction(c, 'shop.lagUrl', async (ctx) => {
    const lagId = staffLagOf(ctx);
    if (lagId) await showLagFeed(ctx, lagId);
    else await showShop(ctx);
  });
  onAction(c, 'shop.push', (ctx) => showPush(ctx));
  onAction(c, 'shop.catalog', async (ctx) => {
    if (await ownListing(ctx)) await ctx.conversation.enter(SET_CATALOG);
  });
  onAction(c, 'shop.token', async (ctx) => {
    if (!(await ownListing(ctx))) return;
    if (!ctx.services.catalog.pushEnabled) return ctx.reply(ctx.t('shop:push_disabled'));
    await ctx.conversation.enter(SET_TOKEN);
  });
  onAction(c, 'shop.tokenDelete', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    await ctx.services.catalog.setAccessToken(listing, null);
    await ctx.reply(ctx.t('shop:token_removed'));
  });
  onAction(c, 'shop.pushNow', async (ctx) => {
    const listing = await ownListing(ctx);
    if (!listing) return;
    await ctx.reply(ctx.t('shop:push.sending'));
    try {
      const report = await ctx.services.catalog.pushListing(listing._id);
      const body = (await ctx.services.catalog.pushReportText(listing._id, report)).map((x) => resolveText(ctx.t, x)).join('\n');
      await ctx.reply(fit(body, TEXT_LIMIT));
    } catch (err) {
      if (!(err instanceof PushUnavailable)) throw err;
      await ctx.reply(ctx.t(err.reason === 'no_key' ? 'shop:push_disabled' : 'shop:push.not_configured'));
    }
  });
  // A conversation button pressed after its conversation ended (/cancel, a restart): say so, show /shop.
  onAction(c, ['shop.choice', 'shop.category', 'shop.skip', 'shop.done', 'shop.save', 'shop.more'], async (ctx) => {
    await ctx.reply(ctx.t('common:outdated_button'));
    await showShop(ctx);
  });
  return c;
}
