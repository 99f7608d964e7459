/**
 * Printable A4 posters with QR codes: one per business ("Find us in the LAG directory": its page and the
 * bot's deep link to its card) and one per LAG (the directory and the bot's registration link).
 * PDF by pdfkit with DejaVu Sans embedded (subset) from the dejavu-fonts-ttf package, so ș ț ā ž ё print on
 * any machine; QR codes (qrcode) are drawn as vector squares, sharp at any print size.
 */
import { createRequire } from 'node:module';
import type { Listing } from '../models/listing.js';
import type { Locale } from '../models/user.js';
import { deepLink } from './deep-links.js';
import { translator } from './i18n.js';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** What a poster says and links to: the renderer only lays it out. */
export interface PosterContent {
  locale: Locale;
  /** Big line at the top ("Find us in the LAG directory"). */
  headline: string;
  /** The business or LAG name. */
  name: string;
  /** A smaller line under the name (activity, place). */
  detail?: string;
  codes: { url: string; caption: string }[];
  footer: string;
}

/** A published business's poster in `locale`: its page and (with a bot username) the bot's card of it. */
export function posterForBusiness(l: Pick<Listing, '_id' | 'slug' | 'name' | 'activity' | 'lagId'>, locale: Locale, publicUrl: string, botUsername?: string): PosterContent {
  return businessPoster({
    locale, name: l.name, detail: l.activity, lagId: l.lagId, pageUrl: `${publicUrl}/b/${l.slug}?lang=${locale}`,
    botUrl: botUsername ? deepLink(botUsername, { kind: 'business', listingId: l._id }) : undefined,
  });
}

/** A LAG's poster in `locale`: its directory page and (with a bot username) registration in the bot. */
export function posterForLag(lagId: string, locale: Locale, publicUrl: string, botUsername?: string): PosterContent {
  return lagPoster({ locale, lagId, pageUrl: `${publicUrl}/lag/${lagId}?lang=${locale}`, botUrl: botUsername ? deepLink(botUsername, { kind: 'lag', lagId }) : undefined });
}

/** A business's poster: its page and the bot's card of it. */
export function businessPoster(o: { locale: Locale; name: string; detail?: string; lagId: string; pageUrl: string; botUrl?: string }): PosterContent {
  const t = translator(o.locale);
  const codes = [{ url: o.pageUrl, caption: t('web:poster_scan_page') }];
  if (o.botUrl) codes.push({ url: o.botUrl, caption: t('web:poster_scan_bot') });
  return { locale: o.locale, headline: t('web:poster_title'), name: o.name, detail: o.detail, codes, footer: t('web:listed_in', { lag: t(`territory:lag.${o.lagId}`) }) };
}

/** A LAG's poster: its directory and the bot's registration for businesses. */
export function lagPoster(o: { locale: Locale; lagId: string; pageUrl: string; botUrl?: string }): PosterContent {
  const t = translator(o.locale);
  const lag = t(`territory:lag.${o.lagId}`);
  const codes = [{ url: o.pageUrl, caption: t('web:poster_scan_lag') }];
  if (o.botUrl) codes.push({ url: o.botUrl, caption: t('web:poster_register') });
  return { locale: o.locale, headline: t('web:poster_lag_title', { lag }), name: lag, codes, footer: o.pageUrl };
}

const GREEN = '#1d4d2b';

type QRCodeLib = typeof import('qrcode');

function drawQr(QRCode: QRCodeLib, doc: PDFKit.PDFDocument, url: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + quiet * 2);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.01, cell + 0.01);
    }
  }
  doc.fill('#000000').restore();
}

/** The poster as an A4 PDF. pdfkit and qrcode load on first use: the bot starts without them (pdfkit alone takes ~0.3 s). */
export async function renderPosterPdf(p: PosterContent): Promise<Buffer> {
  const [{ default: PDFDocument }, { default: QRCode }] = await Promise.all([import('pdfkit'), import('qrcode')]);
  const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: `${p.headline} — ${p.name}`, Creator: 'LAG assistant' }, lang: p.locale });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const W = doc.page.width;
  const H = doc.page.height;
  const inner = W - 96;
  doc.rect(0, 0, W, 150).fill(GREEN);
  doc.fillColor('#ffffff').font('bold').fontSize(30).text(p.headline, 48, 48, { width: inner, align: 'center' });
  doc.fillColor('#1b1b1b').font('bold').fontSize(26).text(p.name, 48, 190, { width: inner, align: 'center' });
  if (p.detail) doc.font('body').fontSize(15).fillColor('#444444').text(p.detail, 48, doc.y + 8, { width: inner, align: 'center' });
  const top = Math.max(doc.y + 40, 320);
  const count = p.codes.length;
  const size = count === 1 ? 320 : 235;
  const gap = count === 1 ? 0 : (inner - size * count) / (count - 1);
  p.codes.forEach((code, i) => {
    const x = count === 1 ? (W - size) / 2 : 48 + i * (size + gap);
    drawQr(QRCode, doc, code.url, x, top, size);
    doc.font('bold').fontSize(14).fillColor('#1b1b1b').text(code.caption, x - 10, top + size + 12, { width: size + 20, align: 'center' });
    doc.font('body').fontSize(9).fillColor('#555555').text(code.url, x - 10, doc.y + 4, { width: size + 20, align: 'center' });
  });
  doc.page.margins.bottom = 0; // the footer sits in the margin; without this pdfkit would start a second page
  doc.rect(0, H - 70, W, 70).fill(GREEN);
  doc.font('body').fontSize(13).fillColor('#ffffff').text(p.footer, 48, H - 45, { width: inner, align: 'center', lineBreak: false });
  doc.end();
  return done;
}
