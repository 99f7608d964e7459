import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectMapping, matchDistrict, readTable } from '../../services/import-export.js';
import { districtsOfLag } from '../../services/territories.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';

const CSV = [
  'Denumire;Telefon;Raion;Localitate;Activitate;E-mail',
  'Stupina Dulce;069123456;r. Soroca;Vărăncău;apicultură;ion@example.md',
  'Ферма Иванова;+37379111222;Бельцы;;молоко;',
  'Bad Phone SRL;12;Soroca;;;',
  'No District SRL;069555444;Atlantis;;;',
  'Latvian Farm;+37129111222;Jelgava;;;',
  ';069000111;Drochia;;;',
].join('\r\n');

describe('import / export', () => {
  let t: TestApp;
  let staff: FakeUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '9001' } });
    const admin = t.tg.user(9001, { language_code: 'en' });
    staff = t.tg.user(9002, { language_code: 'en', username: 'maria' });
    await admin.say('/start', 'Hello');
    await staff.say('/start', 'Hello');
    await admin.say('/grant @maria md-nord', 'is now staff');
  }, 30_000);
  afterAll(async () => t?.close());

  it('detects ro/ru/lv/en headers and districts in any script', () => {
    expect(detectMapping(['Denumire', 'Telefon', 'Raion', 'E-mail'])).toMatchObject({ name: 0, phone: 1, district: 2, email: 3 });
    expect(detectMapping(['Название', 'Телефон', 'Район'])).toMatchObject({ name: 0, phone: 1, district: 2 });
    expect(detectMapping(['Nosaukums', 'Tālrunis', 'Novads'])).toMatchObject({ name: 0, phone: 1, district: 2 });
    expect(matchDistrict('Balti')?.id).toBe('md-balti');
    expect(matchDistrict('Бельцы')?.id).toBe('md-balti');
    expect(matchDistrict('r. Sângerei')?.id).toBe('md-singerei');
    expect(matchDistrict('Jelgavas novads')?.id).toBe('lv-jelgavas-novads');
    expect(matchDistrict('Soroca', districtsOfLag('lv-lielupe'))).toBeUndefined();
  });

  it('reads XLSX and reports rejected rows with reasons', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Firme');
    ws.addRow(['Company', 'Phone', 'District']);
    ws.addRow(['Miere Nord', '+37369123456', 'Drochia']);
    ws.addRow(['X', 'abc', 'Nowhere']);
    const { rows: table } = await readTable(Buffer.from(await wb.xlsx.writeBuffer()), 'firms.xlsx');
    const svc = t.app.services.importExport;
    const run = svc.dryRun(table, detectMapping(table[0]), 'md-nord');
    expect(run.accepted).toBe(1);
    expect(run.rows[1].errors).toEqual(['name', 'district', 'phone']);
  });

  it('round trip: import with a dry run, export as CSV with BOM, claim by code', async () => {
    await staff.say('/import', '.csv or .xlsx');
    let since = staff.messages().length;
    staff.sendDocument(Buffer.from(CSV, 'utf8'), 'firme.csv');
    const mapping = await staff.expect('Columns I recognised', { since });
    expect(mapping.text).toContain('phone* → 2. Telefon');
    await staff.tap('imp:ok', 'Trial run');
    const report = staff.messages().at(-1)!;
    expect(report.text).toContain('2 rows can be imported, 4 rejected');
    expect(report.text).toMatch(/4: phone not valid/);
    expect(report.text).toMatch(/5: district not recognised/);
    expect(report.text).toMatch(/6: district not recognised/);
    expect(report.text).toMatch(/7: name missing/);
    since = staff.messages().length;
    staff.press('imp:pending');
    await staff.expect('Imported 2 listings', { since });
    const codesDoc = await t.tg.waitUntil(() => t.tg.sent.find((m) => m.chat_id === 9002 && m.document?.filename === 'claim-codes.csv'));
    const codesCsv = codesDoc.document!.data!.toString('utf8');
    expect(codesCsv.startsWith('\uFEFF')).toBe(true);
    const code = codesCsv.match(/Stupina Dulce,([A-Z0-9]{8})/)![1];

    const listings = await t.app.services.directory.listings.find({ name: { $in: ['Stupina Dulce', 'Ферма Иванова'] } });
    expect(listings.map((l) => [l.status, l.districtId, l.ownerId]).sort()).toEqual([['pending', 'md-balti', undefined], ['pending', 'md-soroca', undefined]]);
    expect(listings.find((l) => l.name === 'Stupina Dulce')!.phone).toBe('+37369123456');

    since = t.tg.sent.length;
    staff.send('/export');
    const doc = await t.tg.waitUntil(() => t.tg.sent.slice(since).find((m) => m.chat_id === 9002 && m.document?.filename === 'directory.csv'));
    const csv = doc.document!.data!.toString('utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('Ферма Иванова');
    expect(csv).toContain('Stupina Dulce');
    // Round trip: the exported file imports again (same names recognised, same districts).
    const { rows: table } = await readTable(doc.document!.data!, 'directory.csv');
    expect(table[0][0]).toBe('id');
    expect(table.slice(1).map((r) => r[1]).sort()).toEqual(['Stupina Dulce', 'Ферма Иванова'].sort());
    // Offers come as a second file (none yet in this LAG: the header row only).
    const offersDoc = await t.tg.waitUntil(() => t.tg.sent.slice(since).find((m) => m.chat_id === 9002 && m.document?.filename === 'offers.csv'));
    expect(offersDoc.document!.data!.toString('utf8')).toBe('\uFEFFid\n');

    const owner = t.tg.user(9100, { language_code: 'en' });
    await owner.say(`/start claim_${code}`, 'is now yours');
    const claimed = await t.app.services.directory.listings.findOne({ name: 'Stupina Dulce' });
    expect(claimed!.ownerId).toBe((await t.app.services.users.byExternal('telegram', '9100'))!._id);
    const thief = t.tg.user(9101, { language_code: 'en' });
    await thief.say(`/claim ${code}`, 'not valid or was already used');
  }, 30_000);
});
