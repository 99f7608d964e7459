/**
 * The weekly trend chart, drawn as SVG and rasterised by sharp (librsvg) — no browser. One small panel per
 * series (each with its own scale: searches outnumber new listings), weeks left to right in time order.
 * Text is set in DejaVu Sans from the dejavu-fonts-ttf package, so a machine without system fonts draws it too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WeekPoint } from './data.js';
import { FONT_DIR } from './fonts.js';

/** Lets fontconfig (inside sharp) find the packaged fonts besides the system's; done once, before any drawing. */
function ensureFontconfig(): void {
  if (process.env.FONTCONFIG_FILE) return;
  const dir = join(tmpdir(), 'lag-assistant-fontconfig');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fonts.conf');
  writeFileSync(file, `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${FONT_DIR}</dir><dir>/usr/share/fonts</dir><cachedir>${join(dir, 'cache')}</cachedir></fontconfig>\n`);
  process.env.FONTCONFIG_FILE = file;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const COLORS = ['#2f7d4f', '#2b6cb0', '#c05621'];
const FONT = 'font-family="DejaVu Sans"';

export interface ChartLabels {
  title: string;
  subtitle: string;
  series: [string, string, string];
  weekLabels: string[];
  /** "max {{value}}" in the reader's language (each panel has its own scale). */
  max: (value: number) => string;
}

export function weeklyChartSvg(labels: ChartLabels, weeks: WeekPoint[]): string {
  const n = Math.max(1, weeks.length);
  const left = 170;
  const right = 20;
  const w = Math.max(760, left + right + n * 34);
  const panelH = 110;
  const top = 78;
  const plotW = w - left - right;
  const slot = plotW / n;
  const barW = Math.max(4, Math.min(36, slot * 0.7));
  const keys: (keyof Omit<WeekPoint, 'week'>)[] = ['newListings', 'searches', 'contacts'];
  let body = '';
  keys.forEach((k, si) => {
    const y0 = top + si * (panelH + 16);
    const max = Math.max(1, ...weeks.map((p) => p[k]));
    body += `<text x="16" y="${y0 + 22}" font-size="15" ${FONT} fill="${COLORS[si]}" font-weight="bold">${esc(labels.series[si].slice(0, 22))}</text>`;
    body += `<text x="16" y="${y0 + 42}" font-size="12" ${FONT} fill="#555">${esc(labels.max(max))}</text>`;
    body += `<line x1="${left}" y1="${y0 + panelH}" x2="${w - right}" y2="${y0 + panelH}" stroke="#999" stroke-width="1"/>`;
    weeks.forEach((p, i) => {
      const h = Math.round((p[k] / max) * (panelH - 22));
      const x = left + i * slot + (slot - barW) / 2;
      body += `<rect x="${x.toFixed(1)}" y="${y0 + panelH - h}" width="${barW.toFixed(1)}" height="${h}" fill="${COLORS[si]}"/>`;
      if (n <= 16) body += `<text x="${(x + barW / 2).toFixed(1)}" y="${y0 + panelH - h - 4}" font-size="11" ${FONT} text-anchor="middle">${p[k]}</text>`;
    });
  });
  const axisY = top + 3 * (panelH + 16) + 4;
  const every = Math.ceil(n / 14);
  labels.weekLabels.forEach((l, i) => {
    if (i % every) return;
    body += `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${axisY}" font-size="11" ${FONT} text-anchor="middle" fill="#333">${esc(l)}</text>`;
  });
  const h = axisY + 16;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`
    + `<rect width="100%" height="100%" fill="#ffffff"/>`
    + `<text x="16" y="30" font-size="20" font-weight="bold" ${FONT}>${esc(labels.title)}</text>`
    + `<text x="16" y="54" font-size="14" ${FONT} fill="#444">${esc(labels.subtitle)}</text>${body}</svg>`;
}

/** sharp loads on first use (it adds ~0.15 s to the bot's start); fontconfig is pointed at the fonts first. */
export async function weeklyChartPng(labels: ChartLabels, weeks: WeekPoint[]): Promise<Buffer> {
  ensureFontconfig();
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(weeklyChartSvg(labels, weeks))).png().toBuffer();
}
