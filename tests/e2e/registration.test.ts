/**
 * The whole registration as an entrepreneur lives it, against the real bot and a fake Bot API over HTTP:
 * two languages, bad answers, the summary with an edit, moderation by staff, the owner told the outcome.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingModel } from '../../models/listing.js';
import { buttons } from '../helpers/fake-telegram.js';
import { registerRomanian } from '../helpers/flows.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const STAFF_ID = 9001;

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 150, b: 20 } } }).png().toBuffer();
}

describe('registration end to end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: String(STAFF_ID) } });
  });
  afterAll(async () => t?.close());

  it('registers a business in Romanian, with an edit on the summary, and staff approval reaches the owner', async () => {
    const staff = t.tg.user(STAFF_ID, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = t.tg.user(2001, { language_code: 'ro', first_name: 'Ion' });
    await u.say('/start', 'Bună ziua, Ion');
    await registerRomanian(u);
    const since = u.messages().length;
    u.sendPhoto(await png(600, 600), { width: 600, height: 600 });
    const summary = await u.expect('Verificați datele', { since });
    expect(summary.photo).toBe(true); // the summary shows the logo
    expect(summary.caption).toContain('Prisaca „Albina” SRL');
    expect(summary.caption).toContain('+37369123456');
    expect(summary.caption).toContain('Soroca');
    expect(summary.caption).toContain('Agricultură');
    expect(summary.caption).toContain('Limbi vorbite: Română'); // names, never codes
    expect(buttons(summary).map((b) => b.callback_data)).toContain('reg:confirm');

    // Change the locality from the summary, then confirm.
    await u.tap('reg:grp:place', 'Ce doriți să modificați');
    await u.tap('edit:locality', 'În ce localitate');
    const summary2 = await u.say('Soroca', 'Verificați datele');
    expect(summary2.caption).toContain('📍 Soroca, Soroca');

    const staffSince = staff.messages().length;
    await u.tap('reg:confirm', 'a fost trimisă echipei GAL');
    const listing = await t.app.services.store.collection(ListingModel).findOne({ name: 'Prisaca „Albina” SRL' });
    expect(listing).toMatchObject({ status: 'pending', districtId: 'md-soroca', lagId: 'md-nord', country: 'MD', phone: '+37369123456', locality: 'Soroca' });
    expect(listing!.logoId).toBeTruthy();
    expect((await t.app.services.store.blobs.get(listing!.logoId!))?.contentType).toBe('image/png');

    // Staff gets the card in English and approves.
    await staff.expect('New business to review', { since: staffSince });
    // The Russian description follows the card in full; the decision buttons come under it, after everything.
    const last = await staff.expect('Description in Russian:', { since: staffSince });
    expect(last.text).toContain('Акациевый и цветочный мёд');
    expect(buttons(last).map((b) => b.callback_data)).toContain(`mod:ok:${listing!._id}`);
    const ownerSince = u.messages().length;
    await staff.tap(`mod:ok:${listing!._id}`, 'is published');
    const outcome = await u.expect('a fost aprobată', { since: ownerSince });
    expect(outcome.text).toContain(`http://lag.test/b/${listing!.slug}`);

    // The photo is served publicly.
    const res = await fetch(`${t.app.url}/media/${listing!.logoId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
  });

  it('registers in Russian with a shared contact, bad answers re-prompted, and a rejection with reason', async () => {
    const staff = t.tg.user(STAFF_ID);
    const u = t.tg.user(2002, { language_code: 'ru', first_name: 'Анна' });
    await u.say('/register', 'Как называется Ваше предприятие?');
    await u.say('X', 'Слишком коротко');
    await u.say('<b>&" Мёд', 'Выберите отрасли');
    u.send('просто текст');
    await u.expect('выберите одну из кнопок');
    const alertsBefore = t.tg.callsOf('answerCallbackQuery').length;
    u.press('sec:!done'); // none chosen → an alert, and the question stays
    const alert = await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').slice(alertsBefore).find((c) => c.params.show_alert));
    expect(alert.params.text).toBe('Выберите хотя бы одну отрасль.');
    u.press('sec:A');
    await u.tap('sec:!done', 'Опишите деятельность');
    await u.say('a'.repeat(201), 'Слишком длинно: максимум 200');
    await u.say('пасека', 'Где находится Ваше предприятие');
    await u.tap('dst:lv-jelgavas-novads', 'В каком населённом пункте');
    const stickerSince = u.messages().length;
    u.sendSticker();
    await u.expect('текстовым сообщением', { since: stickerSince });
    await u.say('Ozolnieki', 'Опишите Ваше предприятие');
    await u.say('{"$gt": ""}  — пасека у Озолниеки', 'Перечислите товары');
    await u.say('мёд, воск', 'Телефон для клиентов');
    await u.say('12', 'Номер телефона выглядит неверно');
    const contactSince = u.messages().length;
    u.shareContact('37120123456');
    await u.expect('Телефон сохранён: +37120123456', { since: contactSince });
    await u.expect('электронной почты', { since: contactSince });
    await u.say('not-an-email', 'Адрес e-mail выглядит неверно');
    await u.tap('step:skip', 'Сайт');
    await u.say('javascript:alert(1)', 'Веб-адрес выглядит неверно');
    await u.tap('step:skip', 'Страница в Facebook');
    await u.tap('step:skip', 'Адрес (улица');
    await u.tap('step:skip', 'Часы работы');
    await u.say('Пн-Пт 9', 'Не удалось понять');
    await u.say('Пн-Пт 9:00-18:00, Сб 10-14', 'Telegram');
    await u.say('not a name!', 'Имя пользователя Telegram');
    await u.tap('step:skip', 'Viber');
    await u.tap('step:skip', 'WhatsApp');
    await u.tap('step:skip', 'на другом языке');
    await u.tap('dsc:!done', 'На каких языках');
    await u.tap('spk:!done', 'Отправьте логотип');
    const summary = await u.tap('step:skip', 'Проверьте данные');
    // User text is shown literally (no parse_mode, so no markup interpretation).
    expect(summary.text).toContain('<b>&" Мёд');
    expect(summary.params.parse_mode).toBeUndefined();
    await u.tap('reg:confirm', 'отправлено команде ГМД'); // agrees with «предприятие», never with the name

    const listing = await t.app.services.store.collection(ListingModel).findOne({ ownerId: { $exists: true }, country: 'LV' });
    expect(listing?.name).toBe('<b>&" Мёд');
    expect(listing?.description).toBe('{"$gt": ""} — пасека у Озолниеки');
    expect(listing?.lagId).toBe('lv-lielupe');
    expect(listing?.email).toBeUndefined();

    // Reject with a reason; the owner hears it in Russian.
    const ownerSince = u.messages().length;
    // Rejecting asks first, on the card itself.
    staff.press(`mod:no:${listing!._id}`);
    await t.tg.waitUntil(() => staff.messages().some((m) => JSON.stringify(m.reply_markup ?? {}).includes(`mod:NO:${listing!._id}`)), 10_000, 'the confirmation');
    await staff.tap(`mod:NO:${listing!._id}`, 'reason for rejecting');
    await staff.say('Нет описания продукции', 'was rejected');
    const outcome = await u.expect('не одобрено', { since: ownerSince });
    expect(outcome.text).toContain('Нет описания продукции');
    expect(buttons(outcome).map((b) => b.callback_data)).toContain('biz:edit');
    expect((await t.app.services.directory.byId(listing!._id))?.status).toBe('rejected');
  });

  it('refuses moderation to a non-staff user and reveals nothing', async () => {
    const u = t.tg.user(2003, { language_code: 'en' });
    await u.say('/start', 'Hello');
    // A listing that really waits for a decision, so an unchecked Approve would change it.
    const owner = await t.app.services.users.touch({ channel: 'telegram', externalId: '2004', chatId: '2004', languageCode: 'ro' });
    const pending = await t.app.services.directory.submit(owner, {
      name: 'Ferma de test', sectors: ['A'], activity: 'legume', country: 'MD', districtId: 'md-drochia', locality: 'Drochia',
      description: 'Legume de sezon.', keywords: ['legume'], phone: '+37369000222', languages: ['ro'],
    });
    const before = t.tg.callsOf('answerCallbackQuery').length;
    t.tg.pushUpdate({ callback_query: { id: 'cb1', from: { id: 2003, is_bot: false, first_name: 'X' }, chat_instance: 'c', data: `mod:ok:${pending._id}`, message: { message_id: 1, date: 0, chat: { id: 2003, type: 'private' } } } });
    const answer = await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').slice(before).find((c) => c.params.callback_query_id === 'cb1'));
    expect(answer.params.text).toBe('This command is not available.');
    expect((await t.app.services.directory.byId(pending._id))?.status).toBe('pending');
  });
});
