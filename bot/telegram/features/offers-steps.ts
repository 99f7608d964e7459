/**
 * The /offer conversation (kind, partnership type, sectors prefilled from the listing, target countries and
 * districts, title, description, keywords, validity → summary → staff moderation) and the single-field edit.
 * DB work runs inside conv.external; each bad answer gets a localized reason and the question again.
 */
import type { Country, Sector } from '../../../models/listing.js';
import { OFFER_KINDS, OFFER_LIMITS, PARTNERSHIP_TYPES, type Offer, type OfferKind, type PartnershipType } from '../../../models/offer.js';
import { OfferError, type OfferDraft, type OfferPatch } from '../../../services/offers.js';
import { districtsOf } from '../../../services/territories.js';
import { cleanText, parseKeywords, type Checked } from '../../../services/validation.js';
import type { ConvContext } from '../context.js';
import { renderText } from '../render.js';
import { askChoice as askChoiceWith, askModerationNote, askText as ask, askToggles, sectorItems, type Conv, type Hints } from './questions.js';

const OFFER_HINTS: Hints = { text: 'offers:text_expected', buttons: 'offers:use_buttons' };
const askChoice = (conv: Conv, ctx: ConvContext, question: string, options: [string, string][], prefix: string, perRow = 2) =>
  askChoiceWith(conv, ctx, question, options, prefix, OFFER_HINTS, perRow);

export const NEW_OFFER = 'newOffer';
export const EDIT_OFFER = 'editOffer';
export const OFFER_MODERATION_NOTE = 'offerModerationNote';
export const EDITABLE = { t: 'title', d: 'description', k: 'keywords' } as const;
export type EditableCode = keyof typeof EDITABLE;

async function askText<T>(conv: Conv, ctx: ConvContext, question: string, check: (s: string) => Checked<T>): Promise<T> {
  return (await ask(conv, ctx, question, check, OFFER_HINTS)) as T;
}

async function askTargets(conv: Conv, ctx: ConvContext): Promise<Pick<OfferDraft, 'targetCountries' | 'targetDistricts'>> {
  const where = await askChoice(conv, ctx, ctx.t('offers:ask.target'), [
    [ctx.t('offers:button.anywhere'), 'any'],
    [ctx.t('territory:country.MD'), 'MD'],
    [ctx.t('territory:country.LV'), 'LV'],
    [`${ctx.t('territory:country.MD')} + ${ctx.t('territory:country.LV')}`, 'MDLV'],
  ], 'oft', 2);
  if (where === 'any') return { targetCountries: [], targetDistricts: [] };
  if (where === 'MDLV') return { targetCountries: ['MD', 'LV'], targetDistricts: [] };
  const country = where as Country;
  // Raions in Moldova, novads in Latvia: the country's own word for its territories.
  const { chosen, action } = await askToggles(conv, ctx, ctx.t(`offers:ask.districts_${country}`),
    districtsOf(country).map((d) => [ctx.t(`territory:district.${d.id}`), d.id]), 'ofd', OFFER_HINTS,
    { done: 'offers:button.done', extra: [[ctx.t('offers:button.whole_country'), 'all']], perRow: 3 });
  return { targetCountries: [country], targetDistricts: action === 'all' ? [] : chosen };
}

const askTitle = (conv: Conv, ctx: ConvContext) =>
  askText(conv, ctx, ctx.t('offers:ask.title', { max: OFFER_LIMITS.title }), (s) => cleanText(s, { min: 3, max: OFFER_LIMITS.title }));
const askDescription = (conv: Conv, ctx: ConvContext) =>
  askText(conv, ctx, ctx.t('offers:ask.description', { max: OFFER_LIMITS.description }), (s) => cleanText(s, { min: 10, max: OFFER_LIMITS.description, multiline: true }));
const askKeywords = (conv: Conv, ctx: ConvContext) =>
  askText(conv, ctx, ctx.t('offers:ask.keywords', { max: OFFER_LIMITS.keywords }), (s) => parseKeywords(s, { max: OFFER_LIMITS.keywords, maxLength: OFFER_LIMITS.keyword }));

/** A preview shaped like an offer, for the shared summary card. */
function preview(d: OfferDraft, listing: { country: Country; districtId: string }): Offer {
  return {
    _id: '', ownerId: '', listingId: '', lagId: '', status: 'pending', validUntil: new Date(0), extended: false, createdAt: new Date(0), updatedAt: new Date(0),
    country: listing.country, districtId: listing.districtId, ...d,
  } as Offer;
}

export async function newOffer(conv: Conv, ctx: ConvContext): Promise<void> {
  const listing = await conv.external(async (o) => {
    const l = await o.services.directory.byOwner(o.user._id);
    return l && l.status === 'published' ? { sectors: l.sectors, country: l.country, districtId: l.districtId } : null;
  });
  if (!listing) {
    await ctx.reply(ctx.t('offers:error.no_listing'));
    return;
  }
  await ctx.reply(ctx.t('offers:intro'));
  const kind = (await askChoice(conv, ctx, ctx.t('offers:ask.kind'), OFFER_KINDS.map((k) => [ctx.t(`offers:kind.${k}`), k]), 'ofk')) as OfferKind;
  // The partnership said from the owner's side: "we supply…" for an offer, "we are looking for a supplier" for a request.
  const type = (await askChoice(conv, ctx, ctx.t('offers:ask.type'), PARTNERSHIP_TYPES.map((x) => [ctx.t(`offers:type_${kind}.${x}`), x]), 'ofy', 1)) as PartnershipType;
  const sectors = (await askToggles(conv, ctx, ctx.t('offers:ask.sectors'),
    sectorItems(ctx), 'ofs', OFFER_HINTS, {
      chosen: listing.sectors, done: 'offers:button.done',
      min: { count: 1, alert: 'offers:sectors_min' }, max: { count: OFFER_LIMITS.sectors, alert: 'offers:sectors_max' },
    })).chosen as Sector[];
  const targets = await askTargets(conv, ctx);
  const title = await askTitle(conv, ctx);
  const description = await askDescription(conv, ctx);
  const keywords = await askKeywords(conv, ctx);
  const validity = await askChoice(conv, ctx, ctx.t('offers:ask.validity'), [
    [ctx.t('offers:validity.d90'), '90'], [ctx.t('offers:validity.d180'), '180'], [ctx.t('offers:validity.d365'), '365'],
  ], 'ofv', 3);
  const draft: OfferDraft = { kind, type, sectors, ...targets, title, description, keywords, validityDays: Number(validity) };

  const card = renderText(ctx.t, { text: ctx.services.offers.summary(preview(draft, listing)) });
  const confirmed = await askChoice(conv, ctx, `${ctx.t('offers:summary_title')}\n\n${card}`, [
    [ctx.t('offers:button.confirm'), 'ok'], [ctx.t('offers:button.cancel'), 'no'],
  ], 'ofq');
  if (confirmed !== 'ok') {
    await ctx.reply(ctx.t('common:cancelled'));
    return;
  }
  const result = await conv.external(async (o) => {
    try {
      const offer = await o.services.offers.create(o.user, draft);
      return { title: offer.title };
    } catch (err) {
      if (err instanceof OfferError) return { error: err.key };
      throw err;
    }
  });
  await ctx.reply('error' in result ? ctx.t(`offers:error.${result.error}`) : ctx.t('offers:submitted', { title: result.title }));
}

export async function editOffer(conv: Conv, ctx: ConvContext, offerId: string, code: EditableCode): Promise<void> {
  const field = EDITABLE[code];
  if (!field) return;
  const patch: OfferPatch = {};
  if (field === 'title') patch.title = await askTitle(conv, ctx);
  else if (field === 'description') patch.description = await askDescription(conv, ctx);
  else patch.keywords = await askKeywords(conv, ctx);
  const result = await conv.external(async (o) => {
    try {
      await o.services.offers.edit(o.user, offerId, patch);
      return 'offers:edit.saved';
    } catch (err) {
      if (err instanceof OfferError) return `offers:error.${err.key}`;
      throw err;
    }
  });
  await ctx.reply(ctx.t(result));
}

export async function offerModerationNote(conv: Conv, ctx: ConvContext, offerId: string, decision: 'reject' | 'request_changes'): Promise<void> {
  const note = await askModerationNote(conv, ctx, ctx.t(decision === 'reject' ? 'offers:moderation.ask_reason' : 'offers:moderation.ask_changes'), OFFER_HINTS);
  const title = await conv.external(async (o) => (await o.services.offers.moderate(o.user, offerId, decision, note))?.title ?? null);
  await ctx.reply(title ? ctx.t(`offers:moderation.done.${decision}`, { title }) : ctx.t('offers:moderation.already_decided'));
}
