/**
 * /report for funders: text, weekly chart (PNG), XLSX (one sheet per table, parsed back with exceljs) and a
 * one-page PDF whose text (parsed back with unpdf) is in the staff member's language with its diacritics.
 * Searches made through the bot are counted anonymously and show up in the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { imageSize } from 'image-size';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/clock.js';
import { parsePeriod } from '../../services/report/period.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser, SentMessage } from '../helpers/fake-telegram.js';

const ARTIFACTS = 'test-artifacts';

describe('/report', () => {
  let t: TestApp;
  let staff: FakeUser;
  let admin: FakeUser;
  let lvAdmin: FakeUser;
  const clock = new ManualClock(new Date('2026-11-20T10:00:00Z'));

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '8801,8803' }, clock });
    admin = t.tg.user(8801, { language_code: 'en' });
    lvAdmin = t.tg.user(8803, { language_code: 'lv' });
    await lvAdmin.say('/start', /./);
    staff = t.tg.user(8802, { language_code: 'ro', username: 'mirela' });
    await admin.say('/start', 'Hello');
    await staff.say('/start', 'Bună');
    await admin.say('/grant @mirela md-nord', 'is now staff');
    const s = t.app.services;
    const seed: [string, string, string[], string, string][] = [
      ['Stupina Fălești', 'md-falesti', ['A'], 'published', '2026-11-03T09:00:00Z'],
      ['Pensiunea Țara', 'md-soroca', ['I'], 'published', '2026-11-10T09:00:00Z'],
      ['Brânzeturi Bălți', 'md-balti', ['C', 'A'], 'pending', '2026-11-18T09:00:00Z'],
      ['Vechi SRL', 'md-soroca', ['G'], 'published', '2026-09-01T09:00:00Z'],
      ['Siers Jelgava', 'lv-jelgava', ['A'], 'published', '2026-11-05T09:00:00Z'],
    ];
    let n = 0;
    for (const [name, districtId, sectors, status, at] of seed) {
      const lagId = districtId.startsWith('lv') ? 'lv-lielupe' : 'md-nord';
      await s.directory.listings.insert({ slug: `r-${++n}`, status: status as 'published', name, sectors: sectors as ['A'], country: lagId === 'md-nord' ? 'MD' : 'LV',
        districtId, lagId, phone: '+37369123456', keywords: [lagId === 'md-nord' ? 'miere' : 'siers'], languages: [], description: lagId === 'md-nord' ? 'miere de albine' : 'siers un piens', activity: 'ferma', locality: '',
        createdAt: new Date(at), updatedAt: new Date(at) });
      s.events.emit('listing.changed', (await s.directory.listings.findOne({ slug: `r-${n}` }))!);
    }
  }, 30_000);
  afterAll(async () => t?.close());

  it('reads periods forgivingly', () => {
    const now = new Date('2026-12-01T16:00:00Z');
    expect(parsePeriod('', now, 'Europe/Chisinau')!.label).toBe('2026-12');
    expect(parsePeriod(' 11.2026 ', now, 'Europe/Chisinau')!.from.toISOString()).toBe('2026-10-31T22:00:00.000Z');
    expect(parsePeriod('q4 2026', now, 'Europe/Riga')!.label).toBe('2026-Q4');
    expect(parsePeriod('30 zile', now, 'Europe/Chisinau')!.label).toBe('30d');
    for (const bad of ['2027-01', '2026-13', 'ieri', '0d', '$gt']) expect(parsePeriod(bad, now, 'Europe/Chisinau')).toBeNull();
  });

  it('counts searches, then sends text, chart, XLSX and a one-page PDF in Romanian', async () => {
    const customer = t.tg.user(8901, { language_code: 'ro' });
    await customer.say('/start', /./);
    await customer.say('/search miere', 'Stupina');
    await customer.say('/search zzxqvw', /./);
    await t.tg.waitUntil(async () => true);
    await new Promise((r) => setTimeout(r, 200));

    const since = staff.messages().length;
    staff.send('/report 2026-11');
    const text = await staff.expect('Raport de activitate', { since });
    const docs = await t.tg.waitUntil(() => {
      const d = staff.messages().slice(since).filter((m) => m.document);
      return d.length === 2 ? d : undefined;
    }, 20_000, 'two documents');
    const chart = staff.messages().slice(since).find((m) => m.photo)!;

    expect(text.text).toContain('noiembrie 2026');
    expect(text.text).toContain('Ocnița: 0 / 0 / 0'); // every district of the LAG, zeros included
    expect(text.text).toMatch(/Bălți: 0 \/ 1 \/ 1/);
    expect(text.text).not.toContain('Jelgava'); // another LAG
    // "miere" showed this LAG's businesses; the search that found nothing had no LAG (it counts under all LAGs).
    expect(text.text).toContain('Căutări: 1');
    expect(text.text).toMatch(/Căutări fără rezultat: 0\s?%/);

    const png = (chart.params.photo as { data: Buffer }).data;
    expect(imageSize(png).width).toBeGreaterThanOrEqual(760);

    const xlsx = docs.find((d: SentMessage) => d.document!.filename!.endsWith('.xlsx'))!.document!.data!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Rezumat', 'Pe raioane', 'Pe sectoare', 'Pe săptămâni']);
    const districts = wb.getWorksheet('Pe raioane')!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(districts).toContainEqual(['Fălești', 1, 0, 1]);
    expect(districts).toContainEqual(['Soroca', 2, 0, 1]);
    expect(districts).toContainEqual(['Ocnița', 0, 0, 0]);
    expect(districts.at(-1)).toEqual(['Total', 3, 1, 3]);
    const sectors = wb.getWorksheet('Pe sectoare')!.getSheetValues().filter(Boolean).map((r) => String((r as unknown[])[1]));
    expect(sectors.some((s) => s.startsWith('I · ') && s.length > 5)).toBe(true); // a name, not just the letter
    const weeks = wb.getWorksheet('Pe săptămâni')!.getSheetValues().filter(Boolean);
    expect(weeks.length).toBe(1 + 4); // header + the 4 weeks from 1 to 20 November 2026 (today)

    const pdf = docs.find((d: SentMessage) => d.document!.filename!.endsWith('.pdf'))!.document!.data!;
    const proxy = await getDocumentProxy(new Uint8Array(pdf));
    expect(proxy.numPages).toBe(1);
    const { text: pdfText } = await extractText(proxy, { mergePages: true });
    expect(pdfText).toContain('Raport de activitate');
    expect(pdfText).toContain('Fălești');
    expect(pdfText).toContain('Afaceri publicate (acum)');
    expect(pdfText).toContain('Căutări fără rezultat');

    writeFileSync(`${ARTIFACTS}/report-chart.png`, png);
    writeFileSync(`${ARTIFACTS}/report.pdf`, pdf);
    writeFileSync(`${ARTIFACTS}/report.xlsx`, xlsx);
  }, 60_000);

  it('admins pick a LAG; Latvian text prints with its diacritics; all LAGs include every search; bad periods get the examples', async () => {
    await admin.say('/report abc', 'Examples');
    const pick = await lvAdmin.say('/report 2026-Q4', 'Kurai VRG?');
    expect(pick.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toContain('rep:r:lv-lielupe:2026-Q4');
    let since = lvAdmin.messages().length;
    lvAdmin.press('rep:r:lv-lielupe:2026-Q4');
    const pdfMsg = await t.tg.waitUntil(() => lvAdmin.messages().slice(since).find((m) => m.document?.filename?.endsWith('.pdf')), 20_000, 'the PDF');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdfMsg.document!.data!)), { mergePages: true });
    expect(text).toContain('Darbības pārskats');
    expect(text).toContain('2026. gada 4. ceturksnis');
    expect(text).toContain('Jelgavas novads');
    expect(text).toContain('Lauksaimniecība');
    expect(text).not.toContain('Fălești');
    writeFileSync(`${ARTIFACTS}/report-lv.pdf`, pdfMsg.document!.data!);

    since = lvAdmin.messages().length;
    lvAdmin.send('/report 2026-11 all');
    const all = await lvAdmin.expect('Darbības pārskats', { since });
    expect(all.text).toContain('Meklējumi: 2');
    expect(all.text).toMatch(/Meklējumi bez rezultāta: 50\s?%/);
  }, 60_000);
});
