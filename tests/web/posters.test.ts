/**
 * Posters and deep links, end to end against the fake Bot API: the owner gets the business poster (PDF) from
 * /mybusiness, staff get their LAG's poster with /poster, the poster URLs serve the same PDFs, and the deep
 * links printed on them open the business card or the LAG's registration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStartPayload, startPayload } from '../../services/deep-links.js';
import { posterForBusiness, posterForLag, renderPosterPdf } from '../../services/poster.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons } from '../helpers/fake-telegram.js';
import { registerRomanian } from '../helpers/flows.js';

const STAFF_ID = 9301;

/** Pages of a PDF, its page size and whether DejaVu Sans is embedded (pdfkit writes these dictionaries uncompressed). */
function pdfFacts(pdf: Buffer) {
  const s = pdf.toString('latin1');
  return {
    header: s.slice(0, 5),
    pages: (s.match(/\/Type \/Page\b(?!s)/g) ?? []).length,
    a4: /\/MediaBox \[0 0 595\.28 841\.89\]/.test(s),
    font: /\/FontName \/[A-Z]{6}\+DejaVuSans/.test(s) && s.includes('/FontFile2'),
  };
}

describe('poster content and PDF', () => {
  it('a business poster links to the page in its language and to the bot card; the LAG poster to the directory and registration', () => {
    const listing = { _id: 'AbC_123-xyz', slug: 'stupina', name: 'Biškopība „Medus”', activity: 'medus, vasks', lagId: 'lv-lielupe' };
    const b = posterForBusiness(listing, 'lv', 'https://lag.example', 'lag_bot');
    expect(b.headline).toBe('Atrodiet mūs VRG katalogā');
    expect(b.codes.map((c) => c.url)).toEqual(['https://lag.example/b/stupina?lang=lv', 'https://t.me/lag_bot?start=b_AbC_123-xyz']);
    const lag = posterForLag('md-nord', 'ru', 'https://lag.example', 'lag_bot');
    expect(lag.codes.map((c) => c.url)).toEqual(['https://lag.example/lag/md-nord?lang=ru', 'https://t.me/lag_bot?start=lag_md-nord']);
    expect(posterForLag('md-nord', 'ro', 'https://lag.example').codes).toHaveLength(1);
  });

  it('start payloads round-trip and stay inside Telegram’s 64 characters of [A-Za-z0-9_-]', () => {
    for (const p of [{ kind: 'business', listingId: 'Zx9_-aaaaaaaaaaa' }, { kind: 'lag', lagId: 'lv-lielupe' }] as const) {
      const s = startPayload(p);
      expect(s).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(parseStartPayload(s)).toEqual(p);
    }
    for (const bad of ['', 'b_', 'lag_', 'b_a b', 'lag_../x', 'claim_x', `b_${'a'.repeat(80)}`]) expect(parseStartPayload(bad)).toBeNull();
  });

  it('renders one A4 page with DejaVu Sans embedded, whatever the script (ș ț ā ž ё)', async () => {
    const pdf = await renderPosterPdf(posterForBusiness({ _id: 'x', slug: 'ș-ț', name: 'Ș ț ā ž ё Ї — „<b>”', activity: 'ā č ē ģ ī ķ ļ ņ š ū ž; ёжик', lagId: 'md-nord' }, 'ru', 'https://lag.example', 'lag_bot'));
    expect(pdfFacts(pdf)).toEqual({ header: '%PDF-', pages: 1, a4: true, font: true });
  });
});

describe('posters and deep links in the bot and on the web', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: String(STAFF_ID) } });
  });
  // Closing waits for the background search index and the intake to go idle: slow on a loaded machine.
  afterAll(async () => t?.close(), 120_000);

  it('the owner gets the PDF from /mybusiness once published; the URL serves it; the deep link opens the card', async () => {
    const staff = t.tg.user(STAFF_ID, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = t.tg.user(9302, { language_code: 'ro' });
    await registerRomanian(u, 'Stupina Posterului');
    await u.tap('step:skip', 'Verificați datele');
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    const listing = (await t.app.services.directory.listings.findOne({ name: 'Stupina Posterului' }))!;
    expect(listing.openingHours).toEqual([0, 1, 2, 3, 4].map((day) => ({ day, from: 540, to: 1080 })).concat([{ day: 5, from: 600, to: 840 }]));
    expect(listing.telegram).toBe('prisaca_albina');
    expect(listing.descriptions?.ru).toContain('Акациевый');

    // Not published yet: no poster.
    await u.say('/poster', 'după ce afacerea este publicată');
    await staff.tap(`mod:ok:${listing._id}`, 'is published');
    const card = await u.say('/mybusiness', 'Stupina Posterului');
    expect(card.text ?? card.caption).toContain('Program: Lu–Vi 09:00–18:00, Sâ 10:00–14:00, Du închis');
    expect(buttons(card).map((b) => b.callback_data)).toContain('biz:poster');
    const doc = await u.tap('biz:poster', 'Afișul A4 al afacerii');
    expect(doc.document?.filename).toBe(`${listing.slug}.pdf`);
    expect(pdfFacts(doc.document!.data!)).toMatchObject({ header: '%PDF-', pages: 1, a4: true, font: true });
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/web-poster-business.pdf', doc.document!.data!);

    const web = await fetch(`${t.app.url}/poster/b/${listing.slug}.pdf?lang=ru`);
    expect(web.status).toBe(200);
    expect(web.headers.get('content-type')).toBe('application/pdf');
    expect(pdfFacts(Buffer.from(await web.arrayBuffer())).pages).toBe(1);
    expect((await fetch(`${t.app.url}/poster/b/no-such.pdf`)).status).toBe(404);
    expect((await fetch(`${t.app.url}/poster/lag/lv-lielupe.pdf`)).headers.get('content-type')).toBe('application/pdf');
    expect((await fetch(`${t.app.url}/poster/lag/nowhere.pdf`)).status).toBe(404);

    // A customer scans the poster's Telegram code.
    const customer = t.tg.user(9303, { language_code: 'ru' });
    const shown = await customer.say(`/start b_${listing._id}`, 'Stupina Posterului');
    expect(shown.text).toContain('📞 +37369123456');
    expect(shown.text).toContain('Часы работы: Пн–Пт 09:00–18:00, Сб 10:00–14:00, Вс выходной');
    expect(shown.text).toContain('Акациевый'); // the Russian description for a Russian-speaking customer
    expect(buttons(shown).find((b) => b.url)?.url).toBe(`http://lag.test/b/${listing.slug}?lang=ru`);
    await customer.say('/start b_AAAAAAAAAAAAAAAA', 'нет (больше) в каталоге');

    // /mybusiness edits the page's fields: hours and messengers apply at once, a translation goes to moderation.
    const asked = await u.tap('biz:f:openingHours', 'Programul de lucru');
    expect(asked.text).toContain('Acum: lun.–vin. 09:00–18:00; sâm. 10:00–14:00; dum. închis');
    await u.say('Lu-Vi 9-', 'Nu am înțeles programul');
    await u.say('non-stop', 'Salvat ✅');
    let now = (await t.app.services.directory.byId(listing._id))!;
    expect(now.openingHours).toHaveLength(7);
    expect(now.status).toBe('published');
    expect(now.viber).toBe('+37369123456');
    await u.tap('biz:f:viber', 'Viber');
    await u.tap('step:skip', 'Salvat ✅');
    expect((await t.app.services.directory.byId(listing._id))!.viber ?? undefined).toBeUndefined();
    await u.tap('biz:f:descriptions', 'în altă limbă');
    await u.tap('dsc:en', 'Scrieți descrierea în limba engleză');
    await u.say('Acacia and wildflower honey from Vădeni, Soroca district.', 'încă o limbă');
    await u.tap('dsc:!done', 'va fi verificată de echipa GAL');
    now = (await t.app.services.directory.byId(listing._id))!;
    expect(now.descriptions).toMatchObject({ en: 'Acacia and wildflower honey from Vădeni, Soroca district.', ru: expect.stringContaining('Акациевый') });
    expect(now.status).toBe('pending');
  });

  it('the LAG poster link starts registration; staff get their LAG poster, admins choose the LAG', async () => {
    const newcomer = t.tg.user(9304, { language_code: 'lv' });
    await newcomer.say('/start lag_lv-lielupe', 'Laipni lūdzam');
    await newcomer.expect('Kā sauc jūsu uzņēmumu');
    await newcomer.say('/cancel', 'atcelts');

    const admin = t.tg.user(STAFF_ID, { language_code: 'en' });
    const pick = await admin.say('/poster', 'Which LAG');
    expect(buttons(pick).map((b) => b.callback_data)).toEqual(['pst:md-nord', 'pst:lv-lielupe', 'pst:lv-dobele', 'pst:lv-bauska']);
    const doc = await admin.tap('pst:lv-dobele', 'A4 poster of the LAG Dobele directory');
    expect(doc.document?.filename).toBe('lv-dobele.pdf');
    expect(pdfFacts(doc.document!.data!).a4).toBe(true);
    writeFileSync('test-artifacts/web-poster-lag.pdf', doc.document!.data!);

    // Someone without staff tools and without a business is told to register first.
    const stranger = t.tg.user(9305, { language_code: 'en' });
    await stranger.say('/poster', 'register your business first');
    // A forged button press for a LAG poster: only staff of that LAG (or admins) get it.
    t.tg.pushUpdate({ callback_query: { id: 'forged', from: { id: 9305, is_bot: false, first_name: 'X' }, chat_instance: 'c', data: 'pst:md-nord', message: { message_id: 1, date: 0, chat: { id: 9305, type: 'private' } } } });
    await stranger.say('/help', '/');
    expect(stranger.messages().some((m) => m.document)).toBe(false);
  });
});
