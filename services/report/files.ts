/**
 * A report as files to attach: an XLSX workbook (one sheet per table, exceljs) and a one-page A4 PDF (pdfkit
 * with DejaVu Sans embedded from the dejavu-fonts-ttf package, so ș ț ā ž ё print as they are). exceljs and
 * pdfkit load on first use: together they add ~0.6 s to the bot's start, and reports are rare.
 */
import { join } from 'node:path';
import { neutraliseFormula } from '../spreadsheet.js';
import { FONT_DIR } from './fonts.js';
import type { ReportView, Table } from './view.js';

/** A spreadsheet cell never starts a formula (the directory export's rule, services/spreadsheet.ts). */
function cell(v: string | number): string | number {
  return typeof v === 'string' ? neutraliseFormula(v) : v;
}

export async function reportXlsx(view: ReportView): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'LAG assistant';
  const add = (table: Table, intro?: string[]) => {
    const ws = wb.addWorksheet(table.sheet);
    for (const line of intro ?? []) ws.addRow([cell(line)]).font = { bold: line === intro?.[0] };
    if (intro?.length) ws.addRow([]);
    ws.addRow(table.head.map(cell)).font = { bold: true };
    for (const r of table.rows) ws.addRow(r.map(cell));
    ws.columns.forEach((c, i) => { c.width = i === 0 ? 42 : 16; });
  };
  add(view.summary, [view.title, view.subtitle]);
  add(view.districts);
  add(view.sectors);
  add(view.weeks);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** One A4 page: title, period, the summary, districts and sectors side by side, and the trend chart. */
export async function reportPdf(view: ReportView, chartPng: Buffer): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 36, info: { Title: view.title, Subject: view.subtitle } });
  doc.registerFont('body', join(FONT_DIR, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(FONT_DIR, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const W = doc.page.width - 72;
  doc.font('bold').fontSize(15).text(view.title, 36, 36, { width: W });
  doc.font('body').fontSize(10).fillColor('#444').text(view.subtitle, { width: W }).fillColor('#000');

  /** A compact table at (x, y) with the first column `firstW` wide; returns the y below it. */
  const table = (t: Table, x: number, y: number, width: number, firstW: number, maxRows: number): number => {
    const rowH = 11.5;
    doc.font('bold').fontSize(9).text(t.title, x, y, { width, lineBreak: false });
    y += 14;
    const cols = t.head.length - 1;
    const colW = (width - firstW) / Math.max(1, cols);
    const line = (cells: (string | number)[], bold: boolean) => {
      doc.font(bold ? 'bold' : 'body').fontSize(7.5);
      doc.text(String(cells[0]), x, y, { width: firstW - 4, lineBreak: false, ellipsis: true });
      cells.slice(1).forEach((c, i) => doc.text(String(c), x + firstW + i * colW, y, { width: colW - 2, align: 'right', lineBreak: false, ellipsis: true }));
      y += rowH;
    };
    // Headers may take two lines in narrow columns.
    doc.font('bold').fontSize(7.5);
    const headH = Math.max(rowH, ...t.head.slice(1).map((h) => doc.heightOfString(h, { width: colW - 2 }) + 2));
    doc.text(t.head[0], x, y + headH - rowH, { width: firstW - 4, lineBreak: false });
    t.head.slice(1).forEach((h, i) => doc.text(h, x + firstW + i * colW, y, { width: colW - 2, align: 'right' }));
    y += headH;
    doc.moveTo(x, y - 1.5).lineTo(x + width, y - 1.5).lineWidth(0.5).strokeColor('#999').stroke();
    const rows = t.rows.length > maxRows ? [...t.rows.slice(0, maxRows - 1), ['…', ...t.head.slice(1).map(() => '')]] : t.rows;
    rows.forEach((r, i) => line(r, i === rows.length - 1 && t === view.districts));
    return y + 6;
  };
  const half = (W - 18) / 2;
  let y = doc.y + 10;
  const ySummary = table(view.summary, 36, y, half, half - 50, 16);
  const yDistricts = table(view.districts, 36 + half + 18, y, half, half - 141, 20);
  y = Math.max(ySummary, yDistricts);
  y = table(view.sectors, 36, y, W, W - 240, 14);
  const chartW = W;
  doc.image(chartPng, 36, y + 4, { fit: [chartW, doc.page.height - 36 - y - 8], align: 'center' });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
