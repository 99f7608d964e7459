/**
 * Reads an uploaded spreadsheet (CSV, or the first sheet of an XLSX) as rows of text, streaming and with
 * limits checked WHILE reading, so a hostile file is refused before it costs memory or time:
 * - XLSX is a zip: entries are inflated as streams (yauzl) and their inflated bytes counted, the XML parsed
 *   as it arrives (saxes). A "zip bomb" (a small file that unpacks to hundreds of MB) stops at the limit.
 * - at most `maxColumns` columns and `maxCellChars` characters per cell: more refuses the file with the row
 *   and column named; a total character budget bounds what is kept in memory.
 * - the first `maxRows` data rows are kept; the rest are only counted (`extraRows`) and reported to the
 *   person importing — never silently dropped.
 * A cell an export neutralised against formulas ("'=...") is read back as it was typed.
 */
import { parse } from 'csv-parse/sync';
import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { unneutraliseFormula } from './spreadsheet.js';

export interface ReadLimits {
  /** Data rows kept (after the header row). */
  maxRows: number;
  maxColumns: number;
  maxCellChars: number;
  /** Inflated bytes of any one XLSX part (the sheet, the shared strings, the workbook). */
  maxUnpackedBytes: number;
  /** Characters kept in memory over all cells. */
  maxTotalChars: number;
  /** Entries in an XLSX zip. */
  maxEntries: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxRows: 5000,
  maxColumns: 60,
  maxCellChars: 5000,
  maxUnpackedBytes: 80 * 1024 * 1024,
  maxTotalChars: 16 * 1024 * 1024,
  maxEntries: 500,
};

export type RefusalReason = 'unreadable' | 'too_large_unpacked' | 'too_many_columns' | 'cell_too_long' | 'too_much_text' | 'no_sheet';

/** The file cannot be imported; `reason` is a translation key suffix, `params` its placeholders. */
export class ImportRefused extends Error {
  constructor(readonly reason: RefusalReason, readonly params: Record<string, string | number> = {}) {
    super(`import refused: ${reason} ${JSON.stringify(params)}`);
    this.name = 'ImportRefused';
  }
}

export interface Table {
  /** Header row first, then at most `maxRows` data rows. */
  rows: string[][];
  /** Data rows beyond `maxRows`: counted, not read. */
  extraRows: number;
}

/** Spreadsheet column letters of a 0-based index (0 → A, 27 → AB), for messages. */
export function columnName(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Collects rows under the limits; shared by the CSV and XLSX readers. */
class TableBuilder {
  readonly rows: string[][] = [];
  extraRows = 0;
  private chars = 0;

  constructor(private readonly limits: ReadLimits) {}

  get full(): boolean {
    return this.rows.length > this.limits.maxRows;
  }

  /** `line` is the 1-based row number in the file (for messages). */
  add(cells: string[], line: number): void {
    if (cells.every((c) => c === '')) return;
    if (this.full) {
      this.extraRows++;
      return;
    }
    if (cells.length > this.limits.maxColumns) throw new ImportRefused('too_many_columns', { limit: this.limits.maxColumns, row: line });
    const row = cells.map((c, i) => {
      if (c.length > this.limits.maxCellChars) throw new ImportRefused('cell_too_long', { limit: this.limits.maxCellChars, row: line, column: columnName(i) });
      this.chars += c.length;
      return unneutraliseFormula(c.trim());
    });
    if (this.chars > this.limits.maxTotalChars) throw new ImportRefused('too_much_text', { row: line });
    this.rows.push(row);
  }

  table(): Table {
    return { rows: this.rows, extraRows: this.extraRows };
  }
}

/** Reads a CSV (`;`, tab or `,`, whichever the header uses most) or an XLSX (first sheet). */
export async function readTable(data: Buffer, fileName: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<Table> {
  return /\.xlsx$/i.test(fileName) ? readXlsx(data, limits) : readCsv(data, limits);
}

// ---- CSV --------------------------------------------------------------------------------------------------

/**
 * Where the first `keep` records end, and how many non-empty records follow (quote-aware: a line break inside
 * quotes belongs to the field). A plain character scan, so counting 100,000 rows beyond the limit is cheap.
 */
export function splitCsvRecords(text: string, keep: number): { head: string; rest: number } {
  let inQuotes = false;
  let records = 0;
  let lineHasContent = false;
  let headEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) inQuotes = !inQuotes;
    if (!inQuotes && (c === 0x0a || c === 0x0d)) {
      if (lineHasContent) {
        records++;
        if (records === keep) headEnd = i;
      }
      lineHasContent = false;
    } else if (c !== 0x20 && c !== 0x09) lineHasContent = true;
  }
  if (lineHasContent) records++;
  if (headEnd < 0) return { head: text, rest: 0 };
  return { head: text.slice(0, headEnd), rest: records - keep };
}

function readCsv(data: Buffer, limits: ReadLimits): Table {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, 64 * 1024).split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [';', '\t', ','].sort((a, b) => firstLine.split(b).length - firstLine.split(a).length)[0];
  // Header + maxRows records are parsed; the records after them are only counted.
  const { head, rest } = splitCsvRecords(text, limits.maxRows + 1);
  const out = new TableBuilder(limits);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(head, {
      delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true,
      // A runaway quoted field is refused by the parser itself before it grows past any cell we would accept.
      max_record_size: limits.maxCellChars * 4 + 1024,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    if (e.code === 'CSV_MAX_RECORD_SIZE') throw new ImportRefused('cell_too_long', { limit: limits.maxCellChars, row: e.lines ?? 0, column: '?' });
    throw new ImportRefused('unreadable');
  }
  for (const rec of records) out.add(rec.record, rec.info.lines);
  const table = out.table();
  return { rows: table.rows, extraRows: table.extraRows + rest };
}

// ---- XLSX -------------------------------------------------------------------------------------------------

function openZip(data: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err || !zip ? reject(err) : resolve(zip)));
  });
}

async function listEntries(zip: ZipFile, limits: ReadLimits): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: Entry) => {
      if (entries.size >= limits.maxEntries) {
        reject(new ImportRefused('unreadable'));
        return;
      }
      entries.set(e.fileName.replace(/^\/+/, ''), e);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return entries;
}

/** Streams one entry's inflated bytes through `onChunk`, refusing past the byte limit. */
async function inflate(zip: ZipFile, entry: Entry, limits: ReadLimits, onChunk: (chunk: Buffer) => void): Promise<void> {
  // The declared size is checked first (a quick refusal); the bytes are counted too, since headers can lie.
  if (entry.uncompressedSize > limits.maxUnpackedBytes) throw new ImportRefused('too_large_unpacked', { limit: Math.round(limits.maxUnpackedBytes / 1024 / 1024) });
  const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err || !s ? reject(err) : resolve(s))));
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.maxUnpackedBytes) throw new ImportRefused('too_large_unpacked', { limit: Math.round(limits.maxUnpackedBytes / 1024 / 1024) });
      onChunk(chunk);
    }
  } catch (err) {
    // yauzl stops an entry that inflates past its declared size (a forged header): same refusal.
    if (err instanceof Error && /too many bytes/i.test(err.message)) throw new ImportRefused('too_large_unpacked', { limit: Math.round(limits.maxUnpackedBytes / 1024 / 1024) });
    throw err;
  } finally {
    stream.destroy();
  }
}

/**
 * A SAX parser fed with inflated chunks (UTF-8 decoded across chunk boundaries). saxes gathers a text node
 * until its end: `maxGap` bounds how many bytes may pass without any tag, so a gigantic text node (a cell
 * of 100 MB) is refused by `onGap` before it is gathered in memory.
 */
function saxFeeder(parser: SaxesParser, maxGap: number, onGap: () => never) {
  const decoder = new TextDecoder('utf-8');
  let fed = 0;
  let lastTag = 0;
  const mark = () => (lastTag = fed);
  // saxes keeps one handler per event: the readers use opentag/closetag/text, the feeder only this one.
  parser.on('opentagstart', mark);
  return {
    write: (chunk: Buffer) => {
      parser.write(decoder.decode(chunk, { stream: true }));
      fed += chunk.length;
      if (fed - lastTag > maxGap) onGap();
    },
    close: () => {
      parser.write(decoder.decode());
      parser.close();
    },
  };
}

/** Bytes a well-formed part may hold between two tags (a cell at the character limit, 4 bytes each, plus slack). */
const gapOf = (limits: ReadLimits) => limits.maxCellChars * 4 + 256 * 1024;

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** Parses a small XML part fully (workbook, relationships) and hands every element to `onTag`. */
async function readSmallPart(zip: ZipFile, entry: Entry, limits: ReadLimits, onTag: (name: string, attrs: Record<string, string>) => void): Promise<void> {
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (tag) => onTag(localName(tag.name), tag.attributes as Record<string, string>));
  const feed = saxFeeder(parser, gapOf(limits), () => {
    throw new ImportRefused('unreadable');
  });
  await inflate(zip, entry, { ...limits, maxUnpackedBytes: Math.min(limits.maxUnpackedBytes, 4 * 1024 * 1024) }, feed.write);
  feed.close();
}

function resolvePart(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.') out.push(p);
  }
  return out.join('/');
}

/** The first sheet's part name and the shared strings part, from the workbook and its relationships. */
async function locateParts(zip: ZipFile, entries: Map<string, Entry>, limits: ReadLimits): Promise<{ sheet?: string; strings?: string }> {
  const workbook = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  let firstSheetRel: string | undefined;
  if (workbook) {
    await readSmallPart(zip, workbook, limits, (name, attrs) => {
      if (name === 'sheet' && !firstSheetRel) firstSheetRel = attrs['r:id'] ?? Object.entries(attrs).find(([k]) => k.endsWith(':id'))?.[1];
    });
  }
  const targets = new Map<string, { type: string; target: string }>();
  if (rels) {
    await readSmallPart(zip, rels, limits, (name, attrs) => {
      if (name === 'Relationship' && attrs.Id && attrs.Target) targets.set(attrs.Id, { type: attrs.Type ?? '', target: attrs.Target });
    });
  }
  const sheetTarget = firstSheetRel ? targets.get(firstSheetRel)?.target : undefined;
  const stringsTarget = [...targets.values()].find((t) => t.type.endsWith('/sharedStrings'))?.target;
  const fallbackSheet = [...entries.keys()].filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n)).sort()[0];
  return {
    sheet: sheetTarget ? resolvePart(sheetTarget) : fallbackSheet,
    strings: stringsTarget ? resolvePart(stringsTarget) : entries.has('xl/sharedStrings.xml') ? 'xl/sharedStrings.xml' : undefined,
  };
}

/** Shared strings (<si> items); each kept up to one character over the cell limit, which the row check refuses. */
async function readSharedStrings(zip: ZipFile, entry: Entry, limits: ReadLimits): Promise<string[]> {
  const strings: string[] = [];
  const parser = new SaxesParser({ xmlns: false });
  let current: string[] | null = null;
  let length = 0;
  let inText = false;
  let phonetic = 0;
  let budget = limits.maxTotalChars * 2;
  parser.on('opentag', (tag) => {
    const n = localName(tag.name);
    if (n === 'si') {
      current = [];
      length = 0;
    } else if (n === 'rPh') phonetic++;
    else if (n === 't' && current && !phonetic) inText = true;
  });
  parser.on('text', (t) => {
    if (!inText || !current || length > limits.maxCellChars) return;
    const piece = t.slice(0, limits.maxCellChars + 1 - length);
    current.push(piece);
    length += piece.length;
    budget -= piece.length;
    if (budget < 0) throw new ImportRefused('too_much_text', { row: 0 });
  });
  parser.on('closetag', (tag) => {
    const n = localName(tag.name);
    if (n === 't') inText = false;
    else if (n === 'rPh') phonetic--;
    else if (n === 'si' && current) {
      strings.push(current.join(''));
      current = null;
    }
  });
  const feed = saxFeeder(parser, gapOf(limits), () => {
    throw new ImportRefused('cell_too_long', { limit: limits.maxCellChars, row: 0, column: '?' });
  });
  await inflate(zip, entry, limits, feed.write);
  feed.close();
  return strings;
}

/** Column index of a cell reference ("AB12" → 27), or undefined. */
function columnIndex(ref: string | undefined): number | undefined {
  const m = ref?.match(/^([A-Z]{1,3})\d+$/i);
  if (!m) return undefined;
  let n = 0;
  for (const ch of m[1].toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Counts `<row` start tags in raw bytes (after the row limit, rows are only counted, not parsed). */
function rowCounter(rowTag: string) {
  const needle = Buffer.from(`<${rowTag}`);
  let carry = Buffer.alloc(0);
  return (chunk: Buffer): number => {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let count = 0;
    let at = buf.indexOf(needle);
    let last = -1;
    while (at >= 0) {
      const next = buf[at + needle.length];
      if (next === undefined) break;
      if (next === 0x20 || next === 0x3e || next === 0x2f || next === 0x09 || next === 0x0a || next === 0x0d) count++;
      last = at;
      at = buf.indexOf(needle, at + 1);
    }
    const keepFrom = Math.max(buf.length - needle.length, last + 1);
    carry = Buffer.from(buf.subarray(keepFrom));
    return count;
  };
}

async function readSheet(zip: ZipFile, entry: Entry, strings: string[], limits: ReadLimits): Promise<Table> {
  const out = new TableBuilder(limits);
  const parser = new SaxesParser({ xmlns: false });
  let row: string[] | null = null;
  let rowNumber = 0;
  let rowTag = 'row';
  let cell: { col: number; type: string; value: string[]; length: number; inValue: boolean } | null = null;
  let counting: ((chunk: Buffer) => number) | null = null;
  let afterLimit = 0;

  parser.on('opentag', (tag) => {
    const n = localName(tag.name);
    const attrs = tag.attributes as Record<string, string>;
    if (n === 'row') {
      rowTag = tag.name;
      if (out.full) {
        afterLimit++;
        return;
      }
      row = [];
      rowNumber = Number(attrs.r) || rowNumber + 1;
    } else if (n === 'c' && row) {
      const col = columnIndex(attrs.r) ?? row.length;
      if (col >= limits.maxColumns) throw new ImportRefused('too_many_columns', { limit: limits.maxColumns, row: rowNumber });
      cell = { col, type: attrs.t ?? 'n', value: [], length: 0, inValue: false };
    } else if (cell && (n === 'v' || (n === 't' && cell.type === 'inlineStr'))) {
      cell.inValue = true;
    }
  });
  parser.on('text', (t) => {
    if (!cell?.inValue) return;
    cell.value.push(t);
    cell.length += t.length;
    if (cell.length > limits.maxCellChars) {
      throw new ImportRefused('cell_too_long', { limit: limits.maxCellChars, row: rowNumber, column: columnName(cell.col) });
    }
  });
  parser.on('closetag', (tag) => {
    const n = localName(tag.name);
    if ((n === 'v' || n === 't') && cell) cell.inValue = false;
    else if (n === 'c' && cell && row) {
      const raw = cell.value.join('');
      let value: string;
      if (cell.type === 's') value = strings[Number(raw)] ?? '';
      else if (cell.type === 'b') value = raw === '1' ? 'TRUE' : 'FALSE';
      else if (cell.type === 'e') value = '';
      else value = raw;
      while (row.length < cell.col) row.push('');
      row[cell.col] = value;
      cell = null;
    } else if (n === 'row' && row) {
      out.add(row, rowNumber);
      row = null;
    }
  });

  const feed = saxFeeder(parser, gapOf(limits), () => {
    throw new ImportRefused('cell_too_long', { limit: limits.maxCellChars, row: rowNumber, column: columnName(cell?.col ?? 0) });
  });
  await inflate(zip, entry, limits, (chunk) => {
    if (counting) {
      afterLimit += counting(chunk);
      return;
    }
    feed.write(chunk);
    // Past the row limit the rest is only counted: a raw scan for row tags, no XML parsing.
    if (out.full) counting = rowCounter(rowTag);
  });
  if (!counting) feed.close();
  const table = out.table();
  return { rows: table.rows, extraRows: table.extraRows + afterLimit };
}

async function readXlsx(data: Buffer, limits: ReadLimits): Promise<Table> {
  let zip: ZipFile;
  try {
    zip = await openZip(data);
  } catch {
    throw new ImportRefused('unreadable');
  }
  try {
    const entries = await listEntries(zip, limits);
    const parts = await locateParts(zip, entries, limits);
    const sheet = parts.sheet ? entries.get(parts.sheet) : undefined;
    if (!sheet) throw new ImportRefused('no_sheet');
    const stringsEntry = parts.strings ? entries.get(parts.strings) : undefined;
    const strings = stringsEntry ? await readSharedStrings(zip, stringsEntry, limits) : [];
    return await readSheet(zip, sheet, strings, limits);
  } catch (err) {
    if (err instanceof ImportRefused) throw err;
    throw new ImportRefused('unreadable');
  } finally {
    zip.close();
  }
}
