/**
 * Cooperation offers in Telegram: /offer (new), /offers (owner's list: edit, pause/resume, extend, close),
 * /matches, /notifications (push cadence), staff moderation of offers (omod:*), and the buttons on match
 * cards: Interested / Not relevant / See more, and the other side's Yes / No to an introduction.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { Offer } from '../../../models/offer.js';
import { CADENCES } from '../../../models/user.js';
import { canEdit, canExtend, canManage, OfferError } from '../../../services/offers.js';
import { act } from '../../../services/actions.js';
import { actionButton, onAction, onActionAnswering } from '../actions.js';
import { isStaff } from '../../../services/staff.js';
import type { BotContext, ConvContext } from '../context.js';
import { keyboard, renderText } from '../render.js';
import { EDIT_OFFER, EDITABLE, editOffer, NEW_OFFER, newOffer, OFFER_MODERATION_NOTE, offerModerationNote, type EditableCode } from './offers-steps.js';

type Plugins = ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[];

/** "Browse live offers": nothing has to wait for the next digest. */
function browseButton(ctx: BotContext): InlineKeyboard {
  return actionButton(new InlineKeyboard(), ctx.t('offers:button.browse'), act('menu', { to: 'offers_browse' }));
}

/** Up to this many offers are listed by /offers (newest first). */
const LIST_LIMIT = 10;

function ownerButtons(ctx: BotContext, o: Offer): InlineKeyboard {
  const kb = new InlineKeyboard();
  const offer = o._id;
  if (canEdit(o)) actionButton(kb, ctx.t('offers:button.edit'), act('offers.edit', { offer }));
  if (o.status === 'published') actionButton(kb, ctx.t('offers:button.pause'), act('offers.pause', { offer }));
  if (o.status === 'paused') actionButton(kb, ctx.t('offers:button.resume'), act('offers.resume', { offer }));
  if (canExtend(o)) actionButton(kb, ctx.t('offers:button.extend'), act('offers.extend', { offer }));
  if (o.status !== 'closed') actionButton(kb, ctx.t('offers:button.close'), act('offers.close', { offer }));
  return kb;
}

/** Offer cards (summary and status line) under a header, each with its own buttons; `none` when there are none. */
async function replyOfferList(ctx: BotContext, offers: Offer[], keys: { header: string; none: string }, buttons: (o: Offer) => InlineKeyboard): Promise<void> {
  if (!offers.length) {
    await ctx.reply(ctx.t(keys.none));
    return;
  }
  await ctx.reply(ctx.t(keys.header));
  for (const o of offers) {
    const text = renderText(ctx.t, { text: [...ctx.services.offers.summary(o), ctx.services.offers.statusLine(o)] });
    await ctx.reply(text, { reply_markup: buttons(o), link_preview_options: { is_disabled: true } });
  }
}

async function listOffers(ctx: BotContext): Promise<void> {
  const offers = (await ctx.services.offers.byOwner(ctx.user._id)).slice(0, LIST_LIMIT);
  await replyOfferList(ctx, offers, { header: 'offers:list.header', none: 'offers:list.none' }, (o) => ownerButtons(ctx, o));
}

/** Staff: the LAG's published and paused offers, each with a Close button (admins see every LAG). */
async function listLagOffers(ctx: BotContext): Promise<void> {
  if (!isStaff(ctx.user)) {
    await ctx.reply(ctx.t('common:not_available'));
    return;
  }
  await replyOfferList(ctx, await ctx.services.offers.live(ctx.user, LIST_LIMIT), { header: 'offers:staff_list.header', none: 'offers:staff_list.none' },
    (o) => staffCloseButton(ctx, o._id));
}

/** Staff: close a live offer (asks first). */
export function staffCloseButton(ctx: BotContext, offer: string): InlineKeyboard {
  return actionButton(new InlineKeyboard(), ctx.t('offers:button.staff_close'), act('offers.moderate', { op: 'cl', offer }));
}

async function showCadence(ctx: BotContext): Promise<void> {
  const kb = new InlineKeyboard();
  for (const cadence of CADENCES) actionButton(kb, `${ctx.user.matchCadence === cadence ? '✅ ' : ''}${ctx.t(`offers:cadence.${cadence}`)}`, act('cadence', { cadence }));
  await ctx.reply(ctx.t('offers:notifications.current', { cadence: ctx.t(`offers:cadence.${ctx.user.matchCadence}`) }), { reply_markup: kb });
}

async function showMatches(ctx: BotContext): Promise<void> {
  const { matching } = ctx.services;
  // New matches are delivered as a push would be (claimed once); otherwise the latest ones are shown again.
  if ((await matching.deliverNew(ctx.user, ctx.services.clock.now(), false)) > 0) return;
  const recent = await matching.recent(ctx.user._id);
  const cards = (await Promise.all(recent.map((m) => matching.matchCard(m)))).filter((c) => c !== null);
  if (!cards.length) {
    await ctx.reply(ctx.t('offers:matches.none'), { reply_markup: browseButton(ctx) });
    return;
  }
  await ctx.reply(ctx.t('offers:matches.recent'));
  for (const card of cards) await ctx.reply(renderText(ctx.t, card), { reply_markup: keyboard(ctx.t, card.buttons) });
}

/** Runs an owner action and answers with its localized result or reason. */
async function ownerAction(ctx: BotContext, action: () => Promise<string>): Promise<void> {
  try {
    const text = await action();
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(text);
  } catch (err) {
    if (!(err instanceof OfferError)) throw err;
    await ctx.answerCallbackQuery({ text: ctx.t(`offers:error.${err.key}`), show_alert: true });
  }
}

export function offersFeature(plugins: Plugins): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(newOffer, { id: NEW_OFFER, plugins }));
  c.use(createConversation<BotContext, ConvContext>(editOffer, { id: EDIT_OFFER, plugins }));
  c.use(createConversation<BotContext, ConvContext>(offerModerationNote, { id: OFFER_MODERATION_NOTE, plugins }));

  c.command('offer', (ctx) => ctx.conversation.enter(NEW_OFFER));
  c.command('offers', listOffers);
  c.command('matches', showMatches);
  c.command('notifications', showCadence);
  c.command('lagoffers', listLagOffers);
  onAction(c, 'offers.mine', (ctx) => listOffers(ctx));

  // Owner actions on /offers cards and reminders.
  onAction(c, 'offers.edit', async (ctx, { offer }) => {
    const kb = new InlineKeyboard();
    for (const field of Object.keys(EDITABLE) as EditableCode[]) actionButton(kb, ctx.t(`offers:edit.field.${EDITABLE[field]}`), act('offers.editField', { offer, field }));
    await ctx.reply(ctx.t('offers:edit.choose'), { reply_markup: kb });
  });
  onActionAnswering(c, 'offers.editField', async (ctx, { offer: id, field }) => {
    const offer = await ctx.services.offers.byId(id);
    if (!offer || offer.ownerId !== ctx.user._id) return ctx.answerCallbackQuery({ text: ctx.t('offers:error.not_found'), show_alert: true });
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(EDIT_OFFER, id, field);
  });
  onActionAnswering(c, 'offers.pause', (ctx, { offer }) => ownerAction(ctx, async () => {
    await ctx.services.offers.pause(ctx.user, offer);
    return ctx.t('offers:done.paused');
  }));
  onActionAnswering(c, 'offers.resume', (ctx, { offer }) => ownerAction(ctx, async () => {
    await ctx.services.offers.resume(ctx.user, offer);
    return ctx.t('offers:done.resumed');
  }));
  onActionAnswering(c, 'offers.extend', (ctx, { offer }) => ownerAction(ctx, async () => {
    const o = await ctx.services.offers.extend(ctx.user, offer);
    return ctx.t('offers:done.extended', { date: o.validUntil.toISOString().slice(0, 10) });
  }));
  onActionAnswering(c, 'offers.close', (ctx, { offer }) => ownerAction(ctx, async () => {
    await ctx.services.offers.close(ctx.user, offer);
    return ctx.t('offers:done.closed');
  }));

  // Staff moderation: admins anywhere, staff inside their LAG (close and reject are confirmed in moderation.ts first).
  onActionAnswering(c, 'offers.moderate', async (ctx, { op: action, offer: id }) => {
    const offer = await ctx.services.offers.byId(id);
    if (!isStaff(ctx.user) || !offer || !canManage(ctx.user, offer)) {
      return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    }
    if (action === 'cl') {
      await ctx.answerCallbackQuery();
      const closed = await ctx.services.offers.close(ctx.user, id);
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      await ctx.reply(ctx.t('offers:moderation.closed', { title: closed.title }));
      return;
    }
    if (offer.status !== 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t('offers:moderation.already_decided') });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if (action === 'ok') {
      const done = await ctx.services.offers.moderate(ctx.user, id, 'approve');
      await ctx.reply(done ? ctx.t('offers:moderation.done.approve', { title: done.title }) : ctx.t('offers:moderation.already_decided'),
        done ? { reply_markup: staffCloseButton(ctx, id) } : undefined);
      return;
    }
    await ctx.conversation.enter(OFFER_MODERATION_NOTE, id, action === 'no' ? 'reject' : 'request_changes');
  }, (a) => ['ok', 'no', 'ch', 'cl'].includes(a.op));

  // Match cards.
  onActionAnswering(c, 'match.answer', async (ctx, { op, match: id }) => {
    if (op === 'n') {
      const ok = await ctx.services.matching.notRelevant(ctx.user, id);
      await ctx.answerCallbackQuery({ text: ctx.t(ok ? 'offers:hidden' : 'offers:interest.unavailable') });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    const result = await ctx.services.matching.interested(ctx.user, id);
    if (result !== 'already') await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t(`offers:interest.${result}`));
  });
  onAction(c, 'match.more', async (ctx) => {
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if ((await ctx.services.matching.deliverNew(ctx.user, ctx.services.clock.now(), false)) === 0) await ctx.reply(ctx.t('offers:matches.none'), { reply_markup: browseButton(ctx) });
  });
  onAction(c, 'intro.answer', async (ctx, { op, intro }) => {
    const result = await ctx.services.matching.answer(ctx.user, intro, op === 'y');
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t(`offers:interest.${result}`));
  });

  onAction(c, 'cadence', async (ctx, { cadence }) => {
    await ctx.services.matching.setCadence(ctx.user._id, cadence);
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('offers:notifications.changed', { cadence: ctx.t(`offers:cadence.${cadence}`) }));
  });
  return c;
}
