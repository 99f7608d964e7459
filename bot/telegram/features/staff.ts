/**
 * Staff roles and the moderation queue: /grant, /revoke (admins), /pending (staff: their LAG; admins: all).
 * Every staff command from anyone else gets the same polite "not available", revealing nothing.
 */
import { Composer, InlineKeyboard } from 'grammy';
import type { User } from '../../../models/user.js';
import { raw, type OutMessage } from '../../../services/messages.js';
import { translator } from '../../../services/i18n.js';
import { hasStaffTools, isAdmin, scopeOf } from '../../../services/staff.js';
import { lag, lags } from '../../../services/territories.js';
import { syncCommands } from '../commands.js';
import { act, type Action } from '../../../services/actions.js';
import { actionButton, onActionAnswering } from '../actions.js';
import type { BotContext } from '../context.js';

/** Staff commands (all of them answer "not available" to everyone else). */
export const STAFF_ONLY = ['pending', 'broadcast', 'stats', 'report', 'export', 'import'] as const;
export const ADMIN_ONLY = ['grant', 'revoke'] as const;
const QUEUE_PAGE = 10;

export async function notAvailable(ctx: BotContext): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
  else await ctx.reply(ctx.t('common:not_available'));
}

/** Runs the handler for staff/admins; everyone else hears "not available". */
export function staffOnly(handler: (ctx: BotContext) => Promise<unknown>, opts: { admin?: boolean } = {}) {
  return async (ctx: BotContext) => {
    if (!(opts.admin ? isAdmin(ctx.user) : hasStaffTools(ctx.user))) return notAvailable(ctx);
    await handler(ctx);
  };
}

/** A LAG's name in the reader's language; no LAG = all of them (an admin's view). */
export function lagName(ctx: Pick<BotContext, 't' | 'locale'>, id: string | undefined): string {
  const l = id ? lag(id) : undefined;
  return l ? l.names[ctx.locale] : ctx.t('staff:all_lags');
}

function who(u: User): string {
  return u.username ? `@${u.username}` : `${u.firstName ?? ''} (${u.externalId})`.trim();
}

function lagKeyboard(ctx: BotContext, action: (lag: string) => Action): InlineKeyboard {
  const kb = new InlineKeyboard();
  lags.forEach((l, i) => {
    actionButton(kb, l.names[ctx.locale], action(l.id));
    if (i % 2 === 1) kb.row();
  });
  return kb;
}

async function grant(ctx: BotContext, target: User, lagId: string): Promise<void> {
  const r = await ctx.services.staff.grant(ctx.user, target, lagId);
  if (!r.ok) {
    await ctx.reply(ctx.t(`staff:grant.${r.error}`));
    return;
  }
  await syncCommands(ctx.api, r.user).catch(() => undefined);
  await ctx.reply(ctx.t('staff:grant.done', { user: who(r.user), lag: lagName(ctx, lagId) }));
  const tt = translator(r.user.locale);
  await ctx.api.sendMessage(r.user.chatId, tt('staff:grant.welcome', { lag: lag(lagId)!.names[r.user.locale] })).catch(() => undefined);
}

/** "3 days ago", "acum 21 de ore": how long an item has waited, in the reader's language (ICU plurals). */
export function waitedFor(locale: string, since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (minutes < 60) return rtf.format(-minutes, 'minute');
  if (minutes < 48 * 60) return rtf.format(-Math.floor(minutes / 60), 'hour');
  return rtf.format(-Math.floor(minutes / 1440), 'day');
}

async function showQueue(ctx: BotContext): Promise<void> {
  const scope = scopeOf(ctx.user);
  const listings = await ctx.services.directory.pending(scope);
  const offers = await ctx.services.offers.pending(scope);
  type Item = { at: number; card: () => Promise<OutMessage> };
  const items: Item[] = [
    ...listings.map((l) => ({
      at: new Date(l.submittedAt ?? l.createdAt).getTime(),
      card: async () => ctx.services.directory.moderationCard(l, 'new'),
    })),
    ...offers.map((o) => ({
      at: new Date(o.submittedAt ?? o.createdAt).getTime(),
      card: async () => ctx.services.offers.moderationCard(o, 'new', (await ctx.services.directory.byId(o.listingId))?.name ?? '—'),
    })),
  ].sort((a, b) => a.at - b.at);
  if (items.length === 0) {
    await ctx.reply(ctx.t('staff:queue.empty', { lag: lagName(ctx, scope) }));
    return;
  }
  await ctx.reply(ctx.t('staff:queue.head', { lag: lagName(ctx, scope), listings: ctx.t('staff:queue.listings', { count: listings.length }), offers: ctx.t('staff:queue.offers', { count: offers.length }) }));
  const now = ctx.services.clock.now();
  for (const item of items.slice(0, QUEUE_PAGE)) {
    const card = await item.card();
    // Through the notifier, so a listing's logo comes with its card; the waiting time leads.
    const waiting = raw(ctx.t('staff:queue.waiting', { ago: waitedFor(ctx.locale, new Date(item.at), now) }));
    await ctx.services.notifier.send(ctx.user, { ...card, text: [waiting, ...card.text] });
  }
  if (items.length > QUEUE_PAGE) await ctx.reply(ctx.t('staff:queue.more', { count: items.length - QUEUE_PAGE }));
}

export function staffFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.command('pending', staffOnly(showQueue));

  c.command('grant', staffOnly(async (ctx) => {
    const [ref, lagId] = String(ctx.match ?? '').trim().split(/\s+/);
    if (!ref) return ctx.reply(ctx.t('staff:grant.usage'));
    const target = await ctx.services.staff.find(ref);
    if (!target) return ctx.reply(ctx.t('staff:grant.unknown_user'));
    if (lagId && lag(lagId)) return grant(ctx, target, lagId);
    return ctx.reply(ctx.t('staff:grant.pick_lag', { user: who(target) }), { reply_markup: lagKeyboard(ctx, (lag) => act('staff.grant', { user: target._id, lag })) });
  }, { admin: true }));

  onActionAnswering(c, 'staff.grant', (ctx0, { user: userId, lag: lagId }) => staffOnly(async (ctx) => {
    await ctx.answerCallbackQuery();
    const target = await ctx.services.users.byId(userId);
    if (!target) return ctx.reply(ctx.t('staff:grant.unknown_user'));
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await grant(ctx, target, lagId);
  }, { admin: true })(ctx0));

  // Revoking takes someone's staff tools away: the admin confirms with a tap first.
  c.command('revoke', staffOnly(async (ctx) => {
    const ref = String(ctx.match ?? '').trim();
    if (!ref) return ctx.reply(ctx.t('staff:revoke.usage'));
    const target = await ctx.services.staff.find(ref);
    if (!target) return ctx.reply(ctx.t('staff:grant.unknown_user'));
    if (target.role !== 'staff') return ctx.reply(ctx.t(target.role === 'admin' ? 'staff:grant.is_admin' : 'staff:grant.not_staff'));
    await ctx.reply(ctx.t('staff:revoke.confirm', { user: who(target), lag: lagName(ctx, target.lagId) }), {
      reply_markup: actionButton(actionButton(new InlineKeyboard(), ctx.t('staff:revoke.yes'), act('staff.revoke', { user: target._id })),
        ctx.t('moderation:confirm.back'), act('staff.revoke', { user: 'no' })),
    });
  }, { admin: true }));

  onActionAnswering(c, 'staff.revoke', (ctx0, { user: userId }) => staffOnly(async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    if (userId === 'no') return ctx.reply(ctx.t('staff:revoke.kept'));
    const target = await ctx.services.users.byId(userId);
    if (!target) return ctx.reply(ctx.t('staff:grant.unknown_user'));
    const r = await ctx.services.staff.revoke(ctx.user, target);
    if (!r.ok) return ctx.reply(ctx.t(`staff:grant.${r.error}`));
    await syncCommands(ctx.api, r.user).catch(() => undefined);
    // A revoked member keeps a custom menu only if they chose a language; otherwise drop the staff menu.
    if (!r.user.localeChosen) await ctx.api.deleteMyCommands({ scope: { type: 'chat', chat_id: Number(r.user.chatId) } }).catch(() => undefined);
    await ctx.reply(ctx.t('staff:revoke.done', { user: who(r.user) }));
  }, { admin: true })(ctx0));

  return c;
}
