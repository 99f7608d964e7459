/**
 * Every CSV the bot hands to people (staff exports, claim codes) goes through here, so user text can never
 * become a live spreadsheet formula (OWASP "CSV injection"): a cell starting with = + - @, a tab or a carriage
 * return is prefixed with an apostrophe, which spreadsheets read as "this is text". Plain numbers ("-5",
 * "+37369123456") cannot run anything and stay as they are. The import reader undoes the prefix
 * (`unneutraliseFormula`), so an export imports back unchanged.
 *
 * Not used for the Meta catalog feed (services/catalog/feed.ts): Meta's parser reads that file, the fields
 * are shown to customers as typed, and an apostrophe would appear in the product's title on Facebook.
 */
import { stringify } from 'csv-stringify/sync';

const DANGEROUS_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/** The cell as a spreadsheet may safely show it. */
export function neutraliseFormula(cell: string): string {
  return DANGEROUS_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** Undoes `neutraliseFormula` when reading a file back (only an apostrophe that guards a formula character). */
export function unneutraliseFormula(cell: string): string {
  return cell.startsWith("'") && DANGEROUS_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** Any value as one cell's text: dates as ISO, arrays space-joined, objects as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(cellText).join(' ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * Rows as CSV for people to open in a spreadsheet: UTF-8 with BOM (Excel reads the encoding), a header row,
 * every cell neutralised. `columns` defaults to every field seen, in order of appearance.
 */
export function safeCsv(rows: Record<string, unknown>[], columns?: string[]): Buffer {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const header = cols.length ? cols : ['id'];
  const records = rows.map((r) => Object.fromEntries(header.map((c) => [c, neutraliseFormula(cellText(r[c]))])));
  const csv = stringify(records, { header: true, columns: header.map((c) => ({ key: c, header: neutraliseFormula(c) })) });
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(csv, 'utf8')]);
}
