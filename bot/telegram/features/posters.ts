/**
 * Posters and the deep links printed on them. Owners get their business's A4 poster from /mybusiness (a
 * button) or /poster; staff get their LAG's poster with /poster (admins pick the LAG). The QR codes lead to the
 * web page and to `t.me/<bot>?start=b_<listing>` (the business card here) or `?start=lag_<lag>` (registration).
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { parseStartPayload } from '../../../services/deep-links.js';
import { text, type Button, type Text } from '../../../services/messages.js';
import { posterForBusiness, posterForLag, renderPosterPdf } from '../../../services/poster.js';
import { hoursText } from '../../../services/profile.js';
import { canActIn, hasStaffTools, scopeOf } from '../../../services/staff.js';
import { lag, lags } from '../../../services/territories.js';
import { act } from '../../../services/actions.js';
import { actionButton, onAction } from '../actions.js';
import type { BotContext } from '../context.js';
import { keyboard, renderText } from '../render.js';
import { REGISTRATION } from './registration.js';

async function sendBusinessPoster(ctx: BotContext): Promise<void> {
  const listing = await ctx.services.directory.byOwner(ctx.user._id);
  if (!listing) {
    await ctx.reply(ctx.t('poster:none'));
    return;
  }
  if (listing.status !== 'published') {
    await ctx.reply(ctx.t('poster:not_published'));
    return;
  }
  const pdf = await renderPosterPdf(posterForBusiness(listing, ctx.locale, ctx.services.settings.publicUrl, ctx.me.username));
  await ctx.replyWithDocument(new InputFile(pdf, `${listing.slug}.pdf`), { caption: ctx.t('poster:caption_business') });
}

async function sendLagPoster(ctx: BotContext, lagId: string): Promise<void> {
  const pdf = await renderPosterPdf(posterForLag(lagId, ctx.locale, ctx.services.settings.publicUrl, ctx.me.username));
  await ctx.replyWithDocument(new InputFile(pdf, `${lagId}.pdf`), { caption: ctx.t('poster:caption_lag', { lag: ctx.t(`territory:lag.${lagId}`) }) });
}

/**
 * Handles `/start <payload>` from a poster or page: a business card, or registration in a LAG's directory.
 * Returns false for payloads it doesn't know (the caller shows the usual welcome).
 */
export async function openStartPayload(ctx: BotContext, payload: string): Promise<boolean> {
  const p = parseStartPayload(payload);
  if (!p) return false;
  if (p.kind === 'lag') {
    if (!lag(p.lagId)) return false;
    const existing = await ctx.services.directory.byOwner(ctx.user._id);
    if (existing) {
      await ctx.reply(ctx.t('registration:already', { name: existing.name }));
      return true;
    }
    await ctx.reply(ctx.t('poster:lag_welcome', { lag: ctx.t(`territory:lag.${p.lagId}`) }));
    await ctx.conversation.enter(REGISTRATION);
    return true;
  }
  const l = await ctx.services.directory.byId(p.listingId);
  if (!l || l.status !== 'published') {
    await ctx.reply(ctx.t('poster:business_missing'));
    return true;
  }
  const place = [l.locality, ctx.t(`territory:district.${l.districtId}`)].filter(Boolean).join(', ');
  const lines: Text[] = [{ raw: [l.name, l.activity].filter(Boolean).join('\n') }, text('poster:card_place', { place }), text('poster:card_phone', { phone: l.phone })];
  if (l.openingHours?.length) lines.push(text('profile:card.hours', { value: hoursText(l.openingHours) }));
  const description = l.descriptions?.[ctx.locale] ?? l.description;
  if (description) lines.push({ raw: description });
  const buttons: Button[][] = [[{ label: text('poster:open_page'), url: `${ctx.services.directory.publicLink(l)}?lang=${ctx.locale}` }]];
  if (l.telegram) buttons.push([{ label: { raw: `✈️ @${l.telegram}` }, url: `https://t.me/${l.telegram}` }]);
  await ctx.reply(renderText(ctx.t, { text: lines }), { reply_markup: keyboard(ctx.t, buttons), link_preview_options: { is_disabled: true } });
  return true;
}

export function posterFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command('start', async (ctx, next) => {
    if (typeof ctx.match !== 'string' || !(await openStartPayload(ctx, ctx.match))) return next();
  });

  c.command('poster', async (ctx) => {
    if (!hasStaffTools(ctx.user)) return sendBusinessPoster(ctx);
    const scope = scopeOf(ctx.user);
    if (scope) return sendLagPoster(ctx, scope);
    const kb = new InlineKeyboard();
    lags.forEach((l, i) => {
      actionButton(kb, ctx.t(`territory:lag.${l.id}`), act('poster.lag', { lag: l.id }));
      if (i % 2 === 1) kb.row();
    });
    await ctx.reply(ctx.t('poster:pick_lag'), { reply_markup: kb });
  });

  onAction(c, 'poster.lag', async (ctx, { lag: lagId }) => {
    if (!lag(lagId) || !canActIn(ctx.user, lagId)) return ctx.reply(ctx.t('common:not_available'));
    await sendLagPoster(ctx, lagId);
  });

  onAction(c, 'poster.business', (ctx) => sendBusinessPoster(ctx));
  return c;
}
