/**
 * /stats [period] — the figures and the weekly chart; /report [period] — the same plus the XLSX and the
 * one-page PDF to attach for funders. Staff see their LAG; admins pick a LAG or all of them (or type it:
 * "/report 2026-Q4 md-nord"). The period is read forgivingly (services/report/period.ts).
 */
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { weeklyChartPng } from '../../../services/report/chart.js';
import { reportPdf, reportXlsx } from '../../../services/report/files.js';
import { parsePeriod, type Period } from '../../../services/report/period.js';
import { reportView, type ReportView } from '../../../services/report/view.js';
import { sendTimeZone } from '../../../services/broadcast/time.js';
import { scopeOf } from '../../../services/staff.js';
import { lag, lags } from '../../../services/territories.js';
import { act } from '../../../services/actions.js';
import { actionButton, onActionAnswering } from '../actions.js';
import type { BotContext } from '../context.js';
import { fit, TEXT_LIMIT } from '../render.js';
import { staffOnly } from './staff.js';

function statsText(ctx: BotContext, v: ReportView): string {
  const lines = v.summary.rows.map(([k, val]) => `• ${k}: ${val}`);
  lines.push('', ctx.t('report:by_district'), ...v.districts.rows.map(([k, p, q, a]) => `${k}: ${p} / ${q} / ${a}`));
  if (v.sectors.rows.length) lines.push('', ctx.t('report:by_sector'), ...v.sectors.rows.map(([k, p, q, a]) => `${k}: ${p} / ${q} / ${a}`));
  return fit(ctx.t('report:stats_text', { title: v.title, period: v.subtitle, lines: lines.join('\n'), interpolation: { escapeValue: false } }), TEXT_LIMIT);
}

async function send(ctx: BotContext, lagId: string | undefined, period: Period, withFiles: boolean): Promise<void> {
  await ctx.replyWithChatAction(withFiles ? 'upload_document' : 'upload_photo').catch(() => undefined);
  const data = await ctx.services.reports.build(lagId, period);
  const view = reportView(ctx.t, ctx.locale, data);
  await ctx.reply(statsText(ctx, view));
  const png = await weeklyChartPng({ ...view.chart, subtitle: view.subtitle }, data.weeks);
  await ctx.replyWithPhoto(new InputFile(png, 'trend.png'));
  if (!withFiles) return;
  const base = `report-${lagId ?? 'all'}-${period.label}`;
  await ctx.replyWithDocument(new InputFile(await reportXlsx(view), `${base}.xlsx`));
  await ctx.replyWithDocument(new InputFile(await reportPdf(view, png), `${base}.pdf`), { caption: ctx.t('report:files') });
}

/** "2026-Q4 md-nord" → the period text and, for admins, a LAG ("all" = every LAG). */
function splitArgs(input: string): { periodText: string; lagArg?: string } {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const last = words.at(-1)?.toLowerCase();
  if (last && (last === 'all' || lag(last))) return { periodText: words.slice(0, -1).join(' '), lagArg: last };
  return { periodText: words.join(' ') };
}

function handler(withFiles: boolean) {
  return staffOnly(async (ctx) => {
    const { periodText, lagArg } = splitArgs(String(ctx.match ?? ''));
    const scope = scopeOf(ctx.user);
    const period = parsePeriod(periodText, ctx.services.clock.now(), sendTimeZone(scope ?? (lagArg !== 'all' ? lagArg : undefined)));
    if (!period) return ctx.reply(ctx.t('report:usage'));
    if (ctx.user.role !== 'admin') return send(ctx, scope, period, withFiles);
    if (lagArg) return send(ctx, lagArg === 'all' ? undefined : lagArg, period, withFiles);
    const kb = new InlineKeyboard();
    const kind = withFiles ? 'r' : 's';
    lags.forEach((l, i) => {
      actionButton(kb, l.names[ctx.locale], act('staff.report', { what: kind, lag: l.id, period: period.label }));
      if (i % 2 === 1) kb.row();
    });
    actionButton(kb.row(), ctx.t('report:all'), act('staff.report', { what: kind, lag: 'all', period: period.label }));
    await ctx.reply(ctx.t('report:pick'), { reply_markup: kb });
  });
}

export function reportsFeature(): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('stats', handler(false));
  c.command('report', handler(true));
  onActionAnswering(c, 'staff.report', (ctx0, { what: kind, lag: lagArg, period: label }) => staffOnly(async (ctx) => {
    await ctx.answerCallbackQuery();
    const lagId = lagArg === 'all' || !lag(lagArg) ? undefined : lagArg;
    const period = parsePeriod(label, ctx.services.clock.now(), sendTimeZone(lagId));
    if (!period) return ctx.reply(ctx.t('report:usage'));
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await send(ctx, lagId, period, kind === 'r');
  }, { admin: true })(ctx0));
  return c;
}
