/**
 * /broadcast: the composer (text with formatting kept as entities, optional photo and link button; audience
 * by role, channel, districts, sectors, languages; optional per-language versions; preview with counts;
 * send now or at a time in the LAG's zone; paid broadcast option) and the pause / resume / cancel buttons.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import { AUDIENCE_ROLES, type Audience, type AudienceRole, type BroadcastVersion } from '../../../models/broadcast.js';
import { NACE_SECTIONS } from '../../../models/listing.js';
import { CHANNELS, LOCALES, type Channel, type Locale } from '../../../models/user.js';
import type { AudiencePreview, BroadcastDraft } from '../../../services/broadcast/service.js';
import { parseSendAt, sendTimeZone } from '../../../services/broadcast/time.js';
import { scopeOf } from '../../../services/staff.js';
import { districts as allDistricts, districtsOfLag } from '../../../services/territories.js';
import { normalizeUrl } from '../../../services/validation.js';
import { onActionAnswering } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { downloadPhoto } from '../files.js';
import { CAPTION_LIMIT, fit, TEXT_LIMIT } from '../render.js';
import { confirmCancelKeyboard, controlsKeyboard, telegramBroadcastChannel, telegramReporter } from './broadcast-sender.js';
import { askChoice, askToggles, type Conv, type Hints } from './questions.js';
import { LANGUAGE_NAMES } from '../../../services/i18n.js';
import { lagName, staffOnly } from './staff.js';

export const BROADCAST_COMPOSER = 'broadcastComposer';
/** Above this many recipients the preview explains the paid-broadcast option. */
export const PAID_HINT_FROM = 1000;

interface Message {
  text: string;
  entities: Record<string, unknown>[];
  photoFileId?: string;
}

/** Waits for a text (≤ 4096) or a photo with a caption (≤ 1024); keeps the formatting entities. */
async function askMessage(conv: Conv, ctx: ConvContext, prompt: string, allowPhoto: boolean): Promise<Message> {
  await ctx.reply(prompt);
  for (;;) {
    const next = await conv.wait();
    const m = next.message;
    if (m?.text && !m.text.startsWith('/')) return { text: m.text, entities: (m.entities ?? []) as unknown as Record<string, unknown>[] };
    if (allowPhoto && m?.photo?.length) {
      if (!m.caption) {
        await ctx.reply(ctx.t('staff:bc.caption_needed'));
        continue;
      }
      return { text: m.caption, entities: (m.caption_entities ?? []) as unknown as Record<string, unknown>[], photoFileId: m.photo[m.photo.length - 1].file_id };
    }
    if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
    await ctx.reply(ctx.t(allowPhoto ? 'staff:bc.text_or_photo' : 'staff:bc.text_expected'));
  }
}

const HINTS: Hints = { text: 'staff:bc.text_expected', buttons: 'staff:bc.use_buttons' };

/** Multi-select (toggle) with a Done button; nothing chosen = no restriction. */
async function chooseMany(conv: Conv, ctx: ConvContext, prompt: string, options: [label: string, value: string][], prefix: string, perRow = 2): Promise<string[]> {
  const r = await askToggles(conv, ctx, prompt, options.map(([label, v]) => [fit(label, 30), v]), prefix, HINTS, { done: 'staff:bc.done', perRow });
  return r.chosen;
}

type Preset = 'ent' | 'all' | 'last' | 'custom';

/** The two-tap presets (plus the detailed builder), offered on the link-button question. */
function presetKeyboard(ctx: ConvContext, lagId: string | undefined, hasLast: boolean): InlineKeyboard {
  const lag = lagName(ctx, lagId);
  const kb = new InlineKeyboard()
    .text(ctx.t(lagId ? 'staff:bc.preset.ent' : 'staff:bc.preset.ent_all', { lag }), 'bcp:ent').row()
    .text(ctx.t(lagId ? 'staff:bc.preset.all' : 'staff:bc.preset.all_all', { lag }), 'bcp:all').row();
  if (hasLast) kb.text(ctx.t('staff:bc.preset.last'), 'bcp:last').row();
  return kb.text(ctx.t('staff:bc.preset.custom'), 'bcp:custom');
}

/**
 * Asks for an optional link button ("Label | URL") and who gets the broadcast, on one message: tapping a
 * preset answers both (no button), typing a button first keeps the presets for the next tap.
 */
async function askButtonAndPreset(conv: Conv, ctx: ConvContext, lagId: string | undefined, hasLast: boolean):
  Promise<{ button?: { label: string; url: string }; preset: Preset }> {
  let button: { label: string; url: string } | undefined;
  await ctx.reply(ctx.t('staff:bc.ask_button_or_audience'), { reply_markup: presetKeyboard(ctx, lagId, hasLast) });
  for (;;) {
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
    const preset = data?.startsWith('bcp:') ? data.slice(4) as Preset : undefined;
    if (preset && ['ent', 'all', 'custom'].includes(preset) || (preset === 'last' && hasLast)) return { button, preset: preset! };
    const text = next.message?.text;
    if (text === undefined || text.startsWith('/')) {
      await ctx.reply(ctx.t('staff:bc.use_buttons'));
      continue;
    }
    const [label, link] = text.split('|').map((x) => x.trim());
    const url = link ? normalizeUrl(link) : null;
    if (label && [...label].length <= 40 && url?.ok) {
      button = { label, url: url.value };
      await ctx.reply(ctx.t('staff:bc.ask_audience'), { reply_markup: presetKeyboard(ctx, lagId, hasLast) });
    } else {
      await ctx.reply(ctx.t('staff:bc.bad_button'));
    }
  }
}

function previewText(ctx: ConvContext, p: AudiencePreview): string {
  const lines = [ctx.t('staff:bc.preview_head', { recipients: ctx.t('staff:bc.recipients', { count: p.total }) })];
  for (const ch of CHANNELS) if (p.byChannel[ch]) lines.push(`• ${ctx.t(`staff:bc.channel.${ch}`)}: ${ctx.t('staff:bc.recipients', { count: p.byChannel[ch] })}`);
  for (const l of LOCALES) if (p.byLocale[l]) lines.push(`• ${LANGUAGE_NAMES[l]}: ${ctx.t('staff:bc.recipients', { count: p.byLocale[l] })}`);
  if (p.outsideWindow) lines.push(ctx.t('staff:bc.outside_hint', { recipients: ctx.t('staff:bc.recipients', { count: p.outsideWindow }) }));
  if (p.total >= PAID_HINT_FROM) lines.push(ctx.t('staff:bc.paid_hint', { minutes: Math.ceil(p.total / 30 / 60) }));
  return lines.join('\n');
}

/** The detailed segment builder: role (admins), channel, districts, sectors, languages, per-language versions. */
async function detailedAudience(conv: Conv, ctx: ConvContext, lagId: string | undefined, versions: BroadcastVersion[], max: number): Promise<Audience> {
  // A LAG's staff reach its entrepreneurs only (customers have no territory).
  const role: AudienceRole = lagId ? 'entrepreneurs' : await askChoice(conv, ctx, ctx.t('staff:bc.ask_role'),
    AUDIENCE_ROLES.map((r) => [ctx.t(`staff:bc.role.${r}`), r]), 'bcr', HINTS) as AudienceRole;
  const channel = await askChoice(conv, ctx, ctx.t('staff:bc.ask_channel'),
    [...CHANNELS, 'both'].map((c) => [ctx.t(`staff:bc.channel.${c}`), c]), 'bcc', HINTS) as Channel | 'both';
  let districtIds: string[] = [];
  let sectors: string[] = [];
  if (role === 'entrepreneurs') {
    const ds = lagId ? districtsOfLag(lagId) : allDistricts;
    districtIds = await chooseMany(conv, ctx, ctx.t('staff:bc.ask_districts', { lag: lagName(ctx, lagId) }),
      ds.map((d) => [d.names[ctx.locale], d.id]), 'bcd');
    sectors = await chooseMany(conv, ctx, ctx.t('staff:bc.ask_sectors'), NACE_SECTIONS.map((s) => [`${s} · ${ctx.t(`sectors:${s}`)}`, s]), 'bcs');
  }
  const locales = await chooseMany(conv, ctx, ctx.t('staff:bc.ask_languages'), LOCALES.map((l) => [LANGUAGE_NAMES[l], l]), 'bcl', 4) as Locale[];
  const offerable = locales.length ? locales : [...LOCALES];
  for (;;) {
    const left = offerable.filter((l) => !versions.some((v) => v.locale === l));
    if (left.length === 0) break;
    const pick = await askChoice(conv, ctx, ctx.t('staff:bc.ask_version'), [
      [ctx.t('staff:bc.no_more_versions'), 'no'], ...left.map((l) => [LANGUAGE_NAMES[l], l] as [string, string]),
    ], 'bcv', HINTS);
    if (pick === 'no') break;
    const v = await askMessage(conv, ctx, ctx.t('staff:bc.ask_version_text', { language: LANGUAGE_NAMES[pick as Locale] }), false);
    if ([...v.text].length > max) {
      await ctx.reply(ctx.t('staff:bc.too_long', { max }));
      continue;
    }
    versions.push({ locale: pick as Locale, text: v.text, entities: v.entities });
  }
  return { role, channels: channel === 'both' ? [] : [channel], districts: districtIds, sectors, locales, ...(lagId ? { lagId } : {}) };
}

async function composer(conv: Conv, ctx: ConvContext): Promise<void> {
  const lagId = scopeOf(ctx.user);
  const first = await askMessage(conv, ctx, ctx.t('staff:bc.ask_text'), true);
  const max = first.photoFileId ? CAPTION_LIMIT : TEXT_LIMIT;
  if ([...first.text].length > max) {
    await ctx.reply(ctx.t('staff:bc.too_long', { max }));
    return;
  }
  const blobId = first.photoFileId
    ? await conv.external((outside) => downloadPhoto(outside, first.photoFileId!).catch(() => undefined))
    : undefined;
  const last = await conv.external((outside) => outside.services.broadcasts.lastAudience(outside.user));
  const { button, preset } = await askButtonAndPreset(conv, ctx, lagId, !!last);
  const versions: BroadcastVersion[] = [{ locale: '*', text: first.text, entities: first.entities }];
  const audience: Audience = preset === 'custom'
    ? await detailedAudience(conv, ctx, lagId, versions, max)
    : preset === 'last' && last ? { ...last }
    : { role: preset === 'ent' ? 'entrepreneurs' : 'everyone', channels: [], districts: [], sectors: [], locales: [], ...(lagId ? { lagId } : {}) };
  const draft: BroadcastDraft = {
    audience, versions, button,
    ...(first.photoFileId ? { photo: { telegramFileId: first.photoFileId, ...(blobId ? { blobId } : {}) } } : {}),
  };

  // The exact message(s), as recipients will see them.
  for (const v of versions) {
    const label = v.locale === '*' ? ctx.t('staff:bc.version_all') : LANGUAGE_NAMES[v.locale];
    await ctx.reply(ctx.t('staff:bc.preview_of', { version: label }));
    const reply_markup = button ? new InlineKeyboard().url(button.label, button.url) : undefined;
    const entities = v.entities as unknown as MessageEntity[];
    if (first.photoFileId) await ctx.replyWithPhoto(first.photoFileId, { caption: v.text, caption_entities: entities, reply_markup });
    else await ctx.reply(v.text, { entities, reply_markup, link_preview_options: { is_disabled: true } });
  }
  const preview = await conv.external((outside) => outside.services.broadcasts.preview(audience));
  if (preview.total === 0) {
    await ctx.reply(ctx.t('staff:bc.nobody'));
    return;
  }
  const tz = sendTimeZone(lagId);
  let paid = false;
  for (;;) {
    const kb = new InlineKeyboard().text(ctx.t('staff:bc.send_now'), 'bcgo:now').text(ctx.t('staff:bc.send_later'), 'bcgo:later').row()
      .text(ctx.t('staff:bc.test_to_me'), 'bcgo:test').row()
      .text(paid ? ctx.t('staff:bc.paid_on') : ctx.t('staff:bc.paid_off'), 'bcgo:paid').row()
      .text(ctx.t('staff:bc.discard'), 'bcgo:discard');
    await ctx.reply(previewText(ctx, preview), { reply_markup: kb });
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
    if (data === 'bcgo:paid') {
      paid = !paid;
      if (paid) await ctx.reply(ctx.t('staff:bc.paid_explained'));
      continue;
    }
    if (data === 'bcgo:test') {
      // Through the same sender recipients get, to the staff member's own chat, in their language's version.
      const outcome = await conv.external(async (outside) => {
        const v = outside.services.broadcasts.versionFor({ versions }, outside.user.locale);
        return telegramBroadcastChannel(outside.api).send(outside.user, { text: v.text, entities: v.entities, photo: draft.photo, button }, { paid: false });
      });
      await ctx.reply(ctx.t(outcome.status === 'sent' ? 'staff:bc.test_sent' : 'staff:bc.test_failed'));
      continue;
    }
    if (data === 'bcgo:discard') {
      await ctx.reply(ctx.t('staff:bc.discarded'));
      return;
    }
    let sendAt: Date | undefined;
    if (data === 'bcgo:later') {
      await ctx.reply(ctx.t('staff:bc.ask_time', { zone: tz }));
      for (;;) {
        const t = await conv.waitFor('message:text');
        const now = await conv.external((outside) => outside.services.clock.now().getTime());
        sendAt = parseSendAt(t.message.text, tz, now) ?? undefined;
        if (sendAt) break;
        await ctx.reply(ctx.t('staff:bc.bad_time', { zone: tz }));
      }
    } else if (data !== 'bcgo:now') {
      await ctx.reply(ctx.t('staff:bc.use_buttons'));
      continue;
    }
    const created = await conv.external((outside) => outside.services.broadcasts.create(outside.user, { ...draft, paid }));
    // This message is the one progress message: the worker edits it, and only it carries the controls.
    const progress = await ctx.reply(ctx.t(sendAt ? 'staff:bc.scheduled' : 'staff:bc.queued', {
      recipients: ctx.t('staff:bc.recipients', { count: preview.total }),
      time: sendAt ? new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: tz }).format(sendAt) : '',
    }), { reply_markup: controlsKeyboard(ctx.t, { _id: created._id, status: 'scheduled' }) });
    await conv.external(async (outside) => {
      await outside.services.broadcasts.setProgress(created._id, { chatId: String(progress.chat.id), messageId: progress.message_id });
      await outside.services.broadcasts.schedule(outside.user, created._id, sendAt);
    });
    return;
  }
}

export function broadcastFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(composer, { id: BROADCAST_COMPOSER, plugins }));
  c.command('broadcast', staffOnly(async (ctx) => {
    await ctx.conversation.enter(BROADCAST_COMPOSER);
  }));
  onActionAnswering(c, 'broadcast.control', (ctx0, { op: action, broadcast: id }) => staffOnly(async (ctx) => {
    const svc = ctx.services.broadcasts;
    const b = await svc.byId(id);
    if (!b || !svc.canControl(ctx.user, b)) {
      await ctx.answerCallbackQuery({ text: ctx.t('common:not_available'), show_alert: true });
      return;
    }
    const open = ['draft', 'scheduled', 'sending', 'paused'].includes(b.status);
    if (action === 'x' || action === 'k') {
      // Cancel asks first; "No" puts the usual controls back.
      await ctx.answerCallbackQuery(open ? undefined : { text: ctx.t('staff:bc.control.too_late') });
      if (!open) return;
      const reply_markup = action === 'x' ? confirmCancelKeyboard(ctx.t, id) : controlsKeyboard(ctx.t, b);
      await ctx.editMessageReplyMarkup({ reply_markup }).catch(() => undefined);
      return;
    }
    const done = action === 'p' ? await svc.pause(ctx.user, id) : action === 'r' ? await svc.resume(ctx.user, id) : await svc.cancel(ctx.user, id);
    await ctx.answerCallbackQuery({ text: ctx.t(done ? `staff:bc.control.${action.toLowerCase()}` : 'staff:bc.control.too_late') });
    if (!done) return;
    if (done.status === 'cancelled') {
      // The worker no longer reports a cancelled broadcast: the final figures come here, once.
      if (await svc.claimFinalReport(id)) await telegramReporter(ctx.services, ctx.api).report(done, await svc.counts(id), true);
      return;
    }
    await ctx.editMessageReplyMarkup({ reply_markup: controlsKeyboard(ctx.t, done) }).catch(() => undefined);
  })(ctx0));
  return c;
}
