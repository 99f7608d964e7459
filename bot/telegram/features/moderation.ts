/**
 * Staff decisions on listing cards: Approve, Edit (staff correct any field, then approve in one tap),
 * Ask for changes (with a note), Reject (asks "really?" first, then a reason). Closing an offer from a staff
 * card asks first too.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import { canActIn, isStaff } from '../../../services/staff.js';
import { canManage } from '../../../services/offers.js';
import { act, type Action } from '../../../services/actions.js';
import { actionButton, onActionAnswering } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { keyboard } from '../render.js';
import { staffCloseButton } from './offers.js';
import { askField, FIELDS, type Draft } from './listing-steps.js';
import { OFFER_MODERATION_NOTE } from './offers-steps.js';
import { askChoice, askModerationNote, askText, REGISTRATION_HINTS, type Conv } from './questions.js';
import { OFFER_LIMITS } from '../../../models/offer.js';
import { text } from '../../../services/messages.js';
import { cleanText, parseKeywords } from '../../../services/validation.js';

export const MODERATION_NOTE = 'moderationNote';
export const STAFF_EDIT = 'staffEdit';
export const STAFF_EDIT_OFFER = 'staffEditOffer';
const OFFER_FIELDS = ['title', 'description', 'keywords'] as const;

async function moderationNote(conv: Conv, ctx: ConvContext, listingId: string, decision: 'reject' | 'request_changes'): Promise<void> {
  const note = await askModerationNote(conv, ctx, ctx.t(decision === 'reject' ? 'moderation:ask_reason' : 'moderation:ask_changes'), REGISTRATION_HINTS);
  const done = await conv.external(async (outside) => {
    const l = await outside.services.directory.moderate(outside.user, listingId, decision, note);
    return l ? l.name : null;
  });
  await ctx.reply(done ? ctx.t(`moderation:done.${decision}`, { name: done }) : ctx.t('moderation:already_decided'));
}

/**
 * The whole listing as the editable draft the registration questions work on (as /mybusiness does): a
 * question shows the current value, and a field kept as a whole (the translations) keeps what was not edited.
 */
function draftOf(l: Listing): Draft {
  const draft: Record<string, unknown> = {};
  for (const k of [...FIELDS, 'country'] as ListingField[]) if (l[k] !== undefined) draft[k] = l[k];
  return draft as Draft;
}

/** Staff pick a field, answer the same validated question the owner would, and see the corrected card. */
async function staffEdit(conv: Conv, ctx: ConvContext, listingId: string): Promise<void> {
  const listing = await conv.external((outside) => outside.services.directory.byId(listingId));
  if (!listing || listing.status !== 'pending') {
    await ctx.reply(ctx.t('moderation:already_decided'));
    return;
  }
  const field = await askChoice(conv, ctx, ctx.t('moderation:edit.pick', { name: listing.name }),
    FIELDS.map((f) => [ctx.t(`registration:field.${f}`), f]), 'sef', REGISTRATION_HINTS) as ListingField;
  const draft = draftOf(listing);
  await askField(conv, ctx, field, draft, true);
  const patch: Partial<ListingDraft> = field === 'districtId' ? { districtId: draft.districtId, country: draft.country } : { [field]: draft[field] };
  const ok = await conv.external(async (outside) => {
    const edited = await outside.services.directory.staffEdit(outside.user, listingId, patch);
    if (!edited) return false;
    // The corrected card, logo included, with Approve one tap away.
    await outside.services.notifier.send(outside.user, outside.services.directory.moderationCard(edited, 'edited'));
    return true;
  });
  if (!ok) await ctx.reply(ctx.t('moderation:already_decided'));
}

/** The same for a pending cooperation offer: title, description or keywords, validated as for the owner. */
async function staffEditOffer(conv: Conv, ctx: ConvContext, offerId: string): Promise<void> {
  const field = await askChoice(conv, ctx, ctx.t('moderation:edit.pick_offer'),
    OFFER_FIELDS.map((f) => [ctx.t(`offers:edit.field.${f}`), f]), 'sof', REGISTRATION_HINTS, 1) as (typeof OFFER_FIELDS)[number];
  const check = field === 'title' ? (s: string) => cleanText(s, { min: 3, max: OFFER_LIMITS.title })
    : field === 'description' ? (s: string) => cleanText(s, { min: 10, max: OFFER_LIMITS.description, multiline: true })
      : (s: string) => parseKeywords(s, { max: OFFER_LIMITS.keywords, maxLength: OFFER_LIMITS.keyword });
  const value = await askText<string | string[]>(conv, ctx, ctx.t(`offers:ask.${field}`, { max: field === 'keywords' ? OFFER_LIMITS.keywords : OFFER_LIMITS[field] }), check, REGISTRATION_HINTS);
  const ok = await conv.external(async (outside) => {
    const edited = await outside.services.offers.staffEdit(outside.user, offerId, { [field]: value });
    if (!edited) return false;
    const name = (await outside.services.directory.byId(edited.listingId))?.name ?? '—';
    const card = outside.services.offers.moderationCard(edited, 'changed', name);
    await outside.services.notifier.send(outside.user, { ...card, text: [text('moderation:edited'), ...card.text.slice(1)] });
    return true;
  });
  if (!ok) await ctx.reply(ctx.t('offers:moderation.already_decided'));
}

function confirmKeyboard(ctx: BotContext, yes: string, yesAction: Action, backAction: Action): InlineKeyboard {
  return actionButton(actionButton(new InlineKeyboard(), yes, yesAction), ctx.t('moderation:confirm.back'), backAction);
}

export function moderationFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(moderationNote, { id: MODERATION_NOTE, plugins }));
  c.use(createConversation<BotContext, ConvContext>(staffEdit, { id: STAFF_EDIT, plugins }));
  c.use(createConversation<BotContext, ConvContext>(staffEditOffer, { id: STAFF_EDIT_OFFER, plugins }));

  onActionAnswering(c, 'listing.moderate', async (ctx, { op: action, listing: id }) => {
    const listing = await ctx.services.directory.byId(id);
    if (!listing || !canActIn(ctx.user, listing.lagId)) {
      return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    }
    if (listing.status !== 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t('moderation:already_decided') });
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return;
    }
    await ctx.answerCallbackQuery();
    switch (action) {
      case 'ok': {
        const done = await ctx.services.directory.moderate(ctx.user, id, 'approve');
        await ctx.editMessageReplyMarkup().catch(() => undefined);
        await ctx.reply(done ? ctx.t('moderation:done.approve', { name: done.name }) : ctx.t('moderation:already_decided'));
        return;
      }
      case 'no':
        // Rejecting is final for the owner: ask first, on the same card.
        await ctx.editMessageReplyMarkup({ reply_markup: confirmKeyboard(ctx, ctx.t('moderation:confirm.reject'), act('listing.moderate', { op: 'NO', listing: id }), act('listing.moderate', { op: 'bk', listing: id })) }).catch(() => undefined);
        return;
      case 'bk':
        await ctx.editMessageReplyMarkup({ reply_markup: keyboard(ctx.t, ctx.services.directory.moderationCard(listing, 'new').buttons) }).catch(() => undefined);
        return;
      case 'ed':
        await ctx.conversation.enter(STAFF_EDIT, id);
        return;
      default:
        await ctx.editMessageReplyMarkup().catch(() => undefined);
        await ctx.conversation.enter(MODERATION_NOTE, id, action === 'NO' ? 'reject' : 'request_changes');
    }
  });

  // Closing or rejecting an offer from a staff card: "really?" first (runs before the offers feature's handler).
  onActionAnswering(c, 'offers.moderate', async (ctx, { op: action, offer: id }) => {
    const offer = await ctx.services.offers.byId(id);
    if (!isStaff(ctx.user) || !offer || !canManage(ctx.user, offer)) {
      return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    }
    await ctx.answerCallbackQuery();
    if (action === 'ed') {
      if (offer.status !== 'pending') return ctx.reply(ctx.t('offers:moderation.already_decided'));
      return ctx.conversation.enter(STAFF_EDIT_OFFER, id);
    }
    if (action === 'NO') {
      if (offer.status !== 'pending') return ctx.reply(ctx.t('offers:moderation.already_decided'));
      await ctx.editMessageReplyMarkup().catch(() => undefined);
      return ctx.conversation.enter(OFFER_MODERATION_NOTE, id, 'reject');
    }
    const back = offer.status === 'pending'
      ? keyboard(ctx.t, ctx.services.offers.moderationCard(offer, 'new', '').buttons)
      : staffCloseButton(ctx, id);
    const bk = act('offers.moderate', { op: 'bk', offer: id });
    const reply_markup = action === 'cl' ? confirmKeyboard(ctx, ctx.t('moderation:confirm.close'), act('offers.moderate', { op: 'CL', offer: id }), bk)
      : action === 'no' ? confirmKeyboard(ctx, ctx.t('moderation:confirm.reject'), act('offers.moderate', { op: 'NO', offer: id }), bk)
        : back;
    await ctx.editMessageReplyMarkup({ reply_markup }).catch(() => undefined);
  }, (a) => ['cl', 'no', 'bk', 'NO', 'ed'].includes(a.op));
  onActionAnswering(c, 'offers.moderate', async (ctx, { offer: id }) => {
    const offer = await ctx.services.offers.byId(id);
    if (!isStaff(ctx.user) || !offer || !canManage(ctx.user, offer)) {
      return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    }
    await ctx.answerCallbackQuery();
    const closed = await ctx.services.offers.close(ctx.user, id);
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('offers:moderation.closed', { title: closed.title }));
  }, (a) => a.op === 'CL');
  return c;
}
