/**
 * /events: everyone sees the upcoming events of their LAG with "I'll come" / "Not this time" (and the .ics
 * once registered); staff also create an event (a conversation), see who answered and export the list.
 * The invitation itself goes out through the broadcast engine (same rate limits, progress message, controls).
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Audience } from '../../../models/broadcast.js';
import { EVENT_LIMITS, type LagEvent } from '../../../models/lag-event.js';
import { LOCALES, type Locale } from '../../../models/user.js';
import { parseSendAt, sendTimeZone } from '../../../services/broadcast/time.js';
import { LANGUAGE_NAMES } from '../../../services/i18n.js';
import { eventText, eventWhen } from '../../../services/lag-events.js';
import { canActIn, hasStaffTools, scopeOf } from '../../../services/staff.js';
import { cleanText, normalizeUrl, type Checked } from '../../../services/validation.js';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../../../services/spreadsheet.js';
import { act } from '../../../services/actions.js';
import { actionButton, onActionAnswering } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { controlsKeyboard } from './broadcast-sender.js';
import { askChoice, askText, type Conv, type Hints } from './questions.js';
import { lagName, staffOnly } from './staff.js';

export const EVENT_COMPOSER = 'eventComposer';
const HINTS: Hints = { text: 'events:text_expected', buttons: 'events:use_buttons' };

const bad = (error: string, params?: Record<string, unknown>): Checked<never> => ({ ok: false, error, params });

async function eventComposer(conv: Conv, ctx: ConvContext): Promise<void> {
  const lagId = scopeOf(ctx.user);
  const own = ctx.locale;
  const title: Partial<Record<Locale, string>> = {};
  const description: Partial<Record<Locale, string>> = {};
  const askTexts = async (l: Locale) => {
    title[l] = (await askText(conv, ctx, ctx.t('events:ask.title', { language: LANGUAGE_NAMES[l] }), (s) => cleanText(s, { min: 3, max: EVENT_LIMITS.title }), HINTS))!;
    description[l] = (await askText(conv, ctx, ctx.t('events:ask.description', { language: LANGUAGE_NAMES[l], max: EVENT_LIMITS.description }),
      (s) => cleanText(s, { min: 10, max: EVENT_LIMITS.description, multiline: true }), HINTS))!;
  };
  await askTexts(own);
  for (;;) {
    const left = LOCALES.filter((l) => !title[l]);
    if (!left.length) break;
    const pick = await askChoice(conv, ctx, ctx.t('events:ask.more_languages'),
      [[ctx.t('events:no_more'), 'no'], ...left.map((l) => [LANGUAGE_NAMES[l], l] as [string, string])], 'evl', HINTS);
    if (pick === 'no') break;
    await askTexts(pick as Locale);
  }

  const tz = sendTimeZone(lagId);
  const now = await conv.external((outside) => outside.services.clock.now().getTime());
  const startsAt = (await askText(conv, ctx, ctx.t('events:ask.when', { zone: tz }), (s) => {
    const at = parseSendAt(s, tz, now);
    return at && at.getTime() > now ? { ok: true, value: at } : bad('events:bad_time', { zone: tz });
  }, HINTS))!;
  const where = (await askText(conv, ctx, ctx.t('events:ask.where'), (s): Checked<{ link?: string; place?: string }> => {
    const v = s.trim();
    if (/^(https?:\/\/|www\.)/i.test(v)) {
      const u = normalizeUrl(v);
      return u.ok ? { ok: true, value: { link: u.value } } : bad('events:bad_link');
    }
    const p = cleanText(v, { min: 3, max: EVENT_LIMITS.place });
    return p.ok ? { ok: true, value: { place: p.value } } : p;
  }, HINTS))!;
  const capacity = (await askText(conv, ctx, ctx.t('events:ask.capacity', { max: EVENT_LIMITS.capacity }), (s) => {
    const n = Number(s.trim());
    return /^\d{1,5}$/.test(s.trim()) && n >= 1 && n <= EVENT_LIMITS.capacity ? { ok: true, value: n } : bad('events:bad_capacity', { max: EVENT_LIMITS.capacity });
  }, HINTS, { skip: { label: ctx.t('events:no_limit'), data: 'evcap:none' } })) ?? 0;

  const lagLabel = lagName(ctx, lagId);
  const preset = await askChoice(conv, ctx, ctx.t('events:ask.audience'), [
    [ctx.t(lagId ? 'staff:bc.preset.ent' : 'staff:bc.preset.ent_all', { lag: lagLabel }), 'ent'],
    [ctx.t(lagId ? 'staff:bc.preset.all' : 'staff:bc.preset.all_all', { lag: lagLabel }), 'all'],
  ], 'eva', HINTS, 1);
  const audience: Audience = { role: preset === 'ent' ? 'entrepreneurs' : 'everyone', channels: ['telegram'], districts: [], sectors: [], locales: [], ...(lagId ? { lagId } : {}) };
  const draft = { title, description, fallback: own, startsAt, timeZone: tz, ...where, capacity, audience };

  const preview = await conv.external((outside) => outside.services.broadcasts.preview(audience));
  await ctx.reply(ctx.t('events:preview_head', { recipients: ctx.t('staff:bc.recipients', { count: preview.total }) }));
  await ctx.reply(await conv.external((outside) => outside.services.lagEvents.invitation({ ...draft, _id: '', createdBy: '', going: 0, createdAt: new Date() }, own)),
    { link_preview_options: { is_disabled: true } });
  if (preview.total === 0) {
    await ctx.reply(ctx.t('staff:bc.nobody'));
    return;
  }
  const go = await askChoice(conv, ctx, ctx.t('events:ask.send'), [[ctx.t('events:send'), 'go'], [ctx.t('staff:bc.discard'), 'no']], 'evgo', HINTS);
  if (go !== 'go') {
    await ctx.reply(ctx.t('staff:bc.discarded'));
    return;
  }
  const created = await conv.external(async (outside) => (await outside.services.lagEvents.create(outside.user, draft)).broadcast._id);
  const progress = await ctx.reply(ctx.t('staff:bc.queued', { recipients: ctx.t('staff:bc.recipients', { count: preview.total }) }),
    { reply_markup: controlsKeyboard(ctx.t, { _id: created, status: 'scheduled' }) });
  await conv.external(async (outside) => {
    await outside.services.broadcasts.setProgress(created, { chatId: String(progress.chat.id), messageId: progress.message_id });
    await outside.services.broadcasts.schedule(outside.user, created);
  });
}

function eventCard(ctx: BotContext, e: LagEvent, status: string | undefined): { text: string; kb: InlineKeyboard } {
  const { title } = eventText(e, ctx.locale);
  const lines = [`📅 ${title}`, eventWhen(e, ctx.locale)];
  if (e.place) lines.push(`📍 ${e.place}`);
  if (e.link) lines.push(`🔗 ${e.link}`);
  if (e.capacity) lines.push(ctx.t('events:seats', { going: e.going, capacity: e.capacity }));
  if (status) lines.push(ctx.t(`events:your.${status}`));
  const kb = new InlineKeyboard();
  const event = e._id;
  if (status === 'going') actionButton(actionButton(kb, ctx.t('events:button.calendar'), act('event', { op: 'c', event })), ctx.t('events:button.no'), act('event', { op: 'n', event }));
  else actionButton(kb, ctx.t('events:button.yes'), act('event', { op: 'y', event }));
  if (hasStaffTools(ctx.user) && canActIn(ctx.user, e.lagId)) {
    actionButton(kb.row(), ctx.t('events:button.list'), act('event', { op: 'l', event }));
    actionButton(kb, 'CSV', act('event', { op: 'x', event, format: 'csv' }));
    actionButton(kb, 'XLSX', act('event', { op: 'x', event, format: 'xlsx' }));
  }
  return { text: lines.join('\n'), kb };
}

async function sendIcs(ctx: BotContext, e: LagEvent): Promise<void> {
  const ics = ctx.services.lagEvents.ics(e, ctx.locale, ctx.services.settings.publicUrl);
  await ctx.replyWithDocument(new InputFile(Buffer.from(ics, 'utf8'), 'event.ics'), { caption: ctx.t('events:ics_caption') });
}

async function registrantsTable(ctx: BotContext, e: LagEvent): Promise<string[][]> {
  const list = await ctx.services.lagEvents.registrants(e._id);
  const head = [ctx.t('events:col.name'), ctx.t('events:col.business'), ctx.t('events:col.status'), ctx.t('events:col.at')];
  const fmt = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'short', timeStyle: 'short', timeZone: e.timeZone });
  return [head, ...list.map(({ rsvp, user, business }) => [
    user ? [user.firstName, user.username ? `@${user.username}` : ''].filter(Boolean).join(' ') || user.externalId : '—',
    business ?? '', ctx.t(`events:status.${rsvp.status}`), fmt.format(rsvp.at),
  ])];
}

export function eventsFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(eventComposer, { id: EVENT_COMPOSER, plugins }));

  c.command('events', async (ctx) => {
    const events = await ctx.services.lagEvents.upcomingFor(ctx.user);
    const staff = hasStaffTools(ctx.user);
    await ctx.reply(ctx.t(events.length ? 'events:list_head' : 'events:none'),
      staff ? { reply_markup: actionButton(new InlineKeyboard(), ctx.t('events:button.new'), act('event.new')) } : undefined);
    for (const e of events) {
      const r = await ctx.services.lagEvents.rsvpOf(e._id, ctx.user._id);
      const card = eventCard(ctx, e, r?.status);
      await ctx.reply(card.text, { reply_markup: card.kb, link_preview_options: { is_disabled: true } });
    }
  });
  onActionAnswering(c, 'event.new', (ctx0) => staffOnly(async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(EVENT_COMPOSER);
  })(ctx0));

  onActionAnswering(c, 'event', async (ctx, { op: action, event: id }) => {
    const svc = ctx.services.lagEvents;
    const e = await svc.byId(id);
    if (!e) return ctx.answerCallbackQuery({ text: ctx.t('events:gone'), show_alert: true });
    if (action === 'c') {
      await ctx.answerCallbackQuery();
      if ((await svc.rsvpOf(id, ctx.user._id))?.status === 'going') await sendIcs(ctx, e);
      return;
    }
    const r = await svc.rsvp(ctx.user, id, action === 'y');
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    const { title } = eventText(e, ctx.locale);
    // The opposite answer stays one tap away (cancel a seat, leave the waiting list, change one's mind).
    const undo = r.status === 'declined' ? 'y' : r.status === 'gone' || r.status === 'past' ? undefined : 'n';
    await ctx.reply(ctx.t(`events:answer.${r.status}`, { title, when: eventWhen(e, ctx.locale) }), undo ? {
      reply_markup: actionButton(new InlineKeyboard(), ctx.t(`events:button.${undo === 'y' ? 'yes' : 'no'}`), act('event', { op: undo, event: id })),
    } : undefined);
    if (r.status === 'going') await sendIcs(ctx, e);
  }, (a) => a.op === 'y' || a.op === 'n' || a.op === 'c');

  onActionAnswering(c, 'event', (ctx0, { op: action, event: id, format }) => staffOnly(async (ctx) => {
    const e = await ctx.services.lagEvents.byId(id);
    if (!e || !canActIn(ctx.user, e.lagId)) return ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
    await ctx.answerCallbackQuery();
    const rows = await registrantsTable(ctx, e);
    if (action === 'l') {
      const going = rows.slice(1).filter((r) => r[2] === ctx.t('events:status.going')).length;
      const body = rows.slice(1).map((r, i) => `${i + 1}. ${r[0]}${r[1] ? ` (${r[1]})` : ''} — ${r[2]}`);
      await ctx.reply([ctx.t('events:list', { title: eventText(e, ctx.locale).title, going, capacity: e.capacity || '∞' }), ...body].join('\n').slice(0, 4000));
      return;
    }
    const name = `event-${e.startsAt.toISOString().slice(0, 10)}`;
    if (format === 'csv') {
      const csv = `\uFEFF${stringify(rows.map((r) => r.map(neutraliseFormula)))}`;
      await ctx.replyWithDocument(new InputFile(Buffer.from(csv, 'utf8'), `${name}.csv`));
      return;
    }
    const { default: ExcelJS } = await import('exceljs'); // loaded on first use: ~0.4 s the bot's start need not pay
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(ctx.t('events:sheet').slice(0, 31));
    rows.forEach((r, i) => {
      ws.addRow(r.map(neutraliseFormula)).font = { bold: i === 0 };
    });
    await ctx.replyWithDocument(new InputFile(Buffer.from(await wb.xlsx.writeBuffer()), `${name}.xlsx`));
  })(ctx0), (a) => a.op === 'l' || a.op === 'x');
  return c;
}
