/** /stats (text + chart), /export (CSV documents), /import (CSV/XLSX with mapping and dry run) and /claim. */
import { createConversation } from '@grammyjs/conversations';
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { Locale } from '../../../models/user.js';
import { detectMapping, IMPORT_FIELDS, ImportExportService, ImportRefused, MAX_IMPORT_ROWS, REQUIRED_FIELDS, type ImportField, type Mapping, type StagedImport } from '../../../services/import-export.js';
import { scopeOf } from '../../../services/staff.js';
import { barChartSvg, type Tally } from '../../../services/stats.js';
import { lag, lags } from '../../../services/territories.js';
import { act } from '../../../services/actions.js';
import { actionButton, onActionAnswering } from '../actions.js';
import type { BotContext, ConvContext } from '../context.js';
import { downloadTelegramFile } from '../files.js';
import { fit, TEXT_LIMIT } from '../render.js';
import type { Conv } from './questions.js';
import { lagName, staffOnly } from './staff.js';
import { LANGUAGE_NAMES } from '../../../services/i18n.js';

export const IMPORT_CONVERSATION = 'staffImport';
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

function line(t: Tally, label: (k: string) => string): string {
  const e = Object.entries(t).sort((a, b) => b[1] - a[1]);
  return e.length ? e.map(([k, v]) => `${label(k)}: ${v}`).join(', ') : '—';
}

async function sendStats(ctx: BotContext, lagId: string | undefined): Promise<void> {
  const s = await ctx.services.stats.compute(lagId);
  const t = ctx.t;
  const lagTitle = lagName(ctx, lagId);
  const text = [
    t('staff:stats.head', { lag: lagTitle }),
    t('staff:stats.users', {
      total: s.users.total,
      channels: line(s.users.byChannel, (k) => t(`staff:bc.channel.${k}`)),
      languages: line(s.users.byLocale, (k) => LANGUAGE_NAMES[k as Locale] ?? k),
      roles: line(s.users.byRole, (k) => t(`staff:stats.role.${k}`)),
    }),
    t('staff:stats.listings', { total: s.listings.total, statuses: line(s.listings.byStatus, (k) => t(`directory:status.${k}`)), districts: line(s.listings.byDistrict, (k) => t(`territory:district.${k}`)), sectors: line(s.listings.bySector, (k) => k) }),
    t('staff:stats.offers', { offers: s.offers, matches: s.matches, introductions: s.introductions }),
    t('staff:stats.broadcasts', { count: s.broadcasts.count, outcomes: line(s.broadcasts.outcomes, (k) => t(`staff:stats.outcome.${k}`)) }),
  ].join('\n\n');
  await ctx.reply(fit(text, TEXT_LIMIT));
  const bars = Object.entries(s.listings.byDistrict).map(([k, v]) => ({ label: t(`territory:district.${k}`), value: v }));
  const svg = barChartSvg(t('staff:stats.chart_title', { lag: lagTitle }), bars.length ? bars : [{ label: '—', value: 0 }]);
  // Loaded on first use (a native module that slows the bot's start-up).
  const { default: sharp } = await import('sharp');
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  await ctx.replyWithPhoto(new InputFile(png, 'stats.png'));
}

function mappingText(ctx: ConvContext, headers: string[], m: Mapping): string {
  return IMPORT_FIELDS.map((f) => `${f}${REQUIRED_FIELDS.includes(f) ? '*' : ''} → ${m[f] !== undefined ? `${m[f]! + 1}. ${headers[m[f]!] ?? ''}` : '—'}`).join('\n')
    + `\n\n${ctx.t('staff:import.columns')}\n${headers.map((h, i) => `${i + 1}. ${h}`).join('\n')}`;
}

type Staged = { ok: true; staged: StagedImport } | { ok: false; reason: string; params: Record<string, string | number> };

/** Downloads the upload into the blob store and reads it once; a refusal comes back as a reason to show. */
async function stageUpload(outside: BotContext, fileId: string, fileName: string): Promise<Staged> {
  try {
    const data = await downloadTelegramFile(outside.api, outside.apiRoot, fileId, MAX_IMPORT_BYTES);
    return { ok: true, staged: await outside.services.importExport.stage(data, fileName) };
  } catch (err) {
    if (err instanceof ImportRefused) return { ok: false, reason: err.reason, params: err.params };
    outside.services.log.warn({ err: String(err) }, 'import file could not be read');
    return { ok: false, reason: 'unreadable', params: {} };
  }
}

async function importFlow(conv: Conv, ctx: ConvContext): Promise<void> {
  await ctx.reply(ctx.t('staff:import.ask_file'));
  const doc = await conv.waitFor('message:document', { otherwise: (c) => c.reply(ctx.t('staff:import.file_expected')) });
  const file = doc.message.document;
  const name = file.file_name ?? 'import.csv';
  if (!/\.(csv|xlsx)$/i.test(name) || (file.file_size ?? 0) > MAX_IMPORT_BYTES) {
    await ctx.reply(ctx.t('staff:import.bad_file'));
    return;
  }
  // Only the blob id, the header row and counts live in the conversation state; the file is in the blob store.
  const result = await conv.external((outside) => stageUpload(outside, file.file_id, name));
  if (!result.ok) {
    await ctx.reply(`${ctx.t('security:import.refused_intro')}\n${ctx.t(`security:import.refused.${result.reason}`, result.params)}`);
    return;
  }
  const staged = result.staged;
  const discard = () => conv.external((outside) => outside.services.importExport.discard(staged.uploadId));
  if (staged.rows < 1) {
    await discard();
    await ctx.reply(ctx.t('staff:import.bad_file'));
    return;
  }
  const headers = staged.headers;
  const mapping = detectMapping(headers);
  for (;;) {
    await ctx.reply(fit(`${ctx.t('staff:import.mapping')}\n${mappingText(ctx, headers, mapping)}\n\n${ctx.t('staff:import.fix_hint')}`, TEXT_LIMIT), {
      reply_markup: new InlineKeyboard().text(ctx.t('staff:import.confirm'), 'imp:ok').text(ctx.t('staff:bc.discard'), 'imp:cancel'),
    });
    const next = await conv.wait();
    const data = next.callbackQuery?.data;
    if (next.callbackQuery) await next.answerCallbackQuery().catch(() => undefined);
    if (data === 'imp:cancel') {
      await discard();
      await ctx.reply(ctx.t('staff:bc.discarded'));
      return;
    }
    if (data === 'imp:ok') {
      if (REQUIRED_FIELDS.every((f) => mapping[f] !== undefined)) break;
      await ctx.reply(ctx.t('staff:import.required_missing'));
      continue;
    }
    const m = next.message?.text?.trim().match(/^(\w+)\s*=\s*(\d+|-)$/);
    if (m && (IMPORT_FIELDS as readonly string[]).includes(m[1]) && (m[2] === '-' || (+m[2] >= 1 && +m[2] <= headers.length))) {
      if (m[2] === '-') delete mapping[m[1] as ImportField];
      else mapping[m[1] as ImportField] = +m[2] - 1;
    } else {
      await ctx.reply(ctx.t('staff:import.fix_hint'));
    }
  }
  const run = await conv.external(async (outside) => {
    const table = await outside.services.importExport.load(staged.uploadId);
    if (!table) return null;
    const r = outside.services.importExport.dryRun(table.rows, mapping, scopeOf(outside.user));
    return { accepted: r.accepted, rejected: r.rejected, lines: r.rows.filter((x) => !x.listing).slice(0, 30).map((x) => ({ line: x.line, errors: x.errors })) };
  });
  if (!run) {
    await ctx.reply(ctx.t('staff:import.bad_file'));
    return;
  }
  const rejected = run.lines.map((r) => `${r.line}: ${r.errors.map((e) => ctx.t(`staff:import.reason.${e}`)).join(', ')}`);
  const extra = staged.extraRows ? [ctx.t('security:import.extra_rows', { count: staged.extraRows, limit: MAX_IMPORT_ROWS })] : [];
  await ctx.reply(fit([ctx.t('staff:import.dry_run', { accepted: run.accepted, rejected: run.rejected }), ...extra, ...rejected].join('\n'), TEXT_LIMIT), {
    reply_markup: run.accepted
      ? new InlineKeyboard().text(ctx.t('staff:import.as_pending'), 'imp:pending').text(ctx.t('staff:import.as_published'), 'imp:published').row().text(ctx.t('staff:bc.discard'), 'imp:cancel')
      : undefined,
  });
  if (!run.accepted) {
    await discard();
    return;
  }
  const choice = await conv.waitForCallbackQuery(/^imp:(pending|published|cancel)$/, { otherwise: (c) => c.reply(ctx.t('staff:bc.use_buttons')) });
  await choice.answerCallbackQuery().catch(() => undefined);
  const status = choice.match[1];
  if (status === 'cancel') {
    await discard();
    await ctx.reply(ctx.t('staff:bc.discarded'));
    return;
  }
  // The import, its report and the claim codes happen in one step outside the replayed conversation: the
  // codes file is sent from here, so neither the rows nor the codes land in the conversation state.
  const count = await conv.external(async (outside) => {
    const io = outside.services.importExport;
    const table = await io.load(staged.uploadId);
    if (!table) return null;
    const created = await io.commit(outside.user, io.dryRun(table.rows, mapping, scopeOf(outside.user)), status as 'pending' | 'published');
    await io.discard(staged.uploadId);
    const me = outside.me.username;
    const link = (code: string) => `https://t.me/${me}?start=claim_${code}`;
    await outside.reply(outside.t('staff:import.done', { count: created.length }));
    if (created.length <= 20) await outside.reply(fit(created.map((l) => `${l.name}: ${l.claimCode ?? ''}  ${link(l.claimCode ?? '')}`).join('\n'), TEXT_LIMIT));
    const csv = ImportExportService.toCsv(created.map((l) => ({ name: l.name, claim_code: l.claimCode ?? '', link: link(l.claimCode ?? '') })));
    await outside.replyWithDocument(new InputFile(csv, 'claim-codes.csv'));
    return created.length;
  });
  if (count === null) await ctx.reply(ctx.t('staff:import.bad_file'));
}

/** /claim <code> and the deep link /start claim_<code> (start.ts delegates here). */
export async function handleClaim(ctx: BotContext, code: string): Promise<void> {
  const l = await ctx.services.importExport.claim(ctx.user, code.trim().toUpperCase());
  if (!l) {
    await ctx.reply(ctx.t('staff:claim.invalid'));
    return;
  }
  await ctx.reply(ctx.t('staff:claim.done', { name: l.name }), { reply_markup: new InlineKeyboard().text(ctx.t('directory:button.edit'), 'biz:edit') });
}

export function staffDataFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(createConversation<BotContext, ConvContext>(importFlow, { id: IMPORT_CONVERSATION, plugins }));

  c.command('stats', staffOnly(async (ctx) => {
    if (ctx.user.role !== 'admin') return sendStats(ctx, scopeOf(ctx.user));
    const kb = actionButton(new InlineKeyboard(), ctx.t('staff:all_lags'), act('staff.stats', { lag: 'all' })).row();
    for (const l of lags) actionButton(kb, l.names[ctx.locale], act('staff.stats', { lag: l.id })).row();
    await ctx.reply(ctx.t('staff:stats.pick'), { reply_markup: kb });
  }));
  onActionAnswering(c, 'staff.stats', (ctx0, { lag: id }) => staffOnly(async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendStats(ctx, id === 'all' || !lag(id) ? undefined : id);
  }, { admin: true })(ctx0));

  c.command('export', staffOnly(async (ctx) => {
    const scope = scopeOf(ctx.user);
    const io = ctx.services.importExport;
    await ctx.replyWithDocument(new InputFile(await io.exportListings(scope), 'directory.csv'));
    await ctx.replyWithDocument(new InputFile(await io.exportOffers(scope), 'offers.csv'));
  }));

  c.command('import', staffOnly(async (ctx) => {
    await ctx.conversation.enter(IMPORT_CONVERSATION);
  }));

  c.command('claim', async (ctx) => {
    const code = String(ctx.match ?? '').trim();
    if (!code) return ctx.reply(ctx.t('staff:claim.usage'));
    await handleClaim(ctx, code);
  });
  return c;
}
