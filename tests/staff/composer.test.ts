/** The /broadcast composer in-process: per-language versions, a scheduled send in the LAG's time zone, cancel. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../models/user.js';
import { ManualClock } from '../../services/clock.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';

describe('/broadcast composer', () => {
  let t: TestApp;
  let staff: FakeUser;
  const clock = new ManualClock(new Date('2026-11-26T10:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '5001' }, clock });
    staff = t.tg.user(5002, { language_code: 'ro', username: 'doina' });
    const admin = t.tg.user(5001, { language_code: 'en' });
    await admin.say('/start', 'Hello');
    await staff.say('/start', 'Bună');
    await admin.say('/grant @doina md-nord', 'is now staff');
    const s = t.app.services;
    let n = 0;
    for (const [id, locale, districtId] of [[5101, 'ro', 'md-soroca'], [5102, 'ru', 'md-soroca'], [5103, 'ro', 'md-drochia'], [5104, 'lv', 'lv-jelgava']] as [number, Locale, string][]) {
      const u = await s.users.touch({ channel: 'telegram', externalId: String(id), chatId: String(id) });
      await s.users.setLocale(u._id, locale);
      await s.directory.listings.insert({ slug: `f-${++n}`, ownerId: u._id, status: 'published', name: `Firma ${id}`, sectors: ['A'], country: districtId.startsWith('lv') ? 'LV' : 'MD',
        districtId, lagId: districtId.startsWith('lv') ? 'lv-lielupe' : 'md-nord', phone: '+37369123456', keywords: [], languages: [], createdAt: new Date(), updatedAt: new Date() });
    }
  }, 30_000);
  afterAll(async () => t?.close());

  it('schedules a two-language broadcast at a local time; each gets their version when due', async () => {
    await staff.say('/broadcast', 'Anunț nou');
    await staff.say('Seminar despre fonduri, 3 decembrie', 'Alegeți mai jos');
    await staff.tap('bcp:custom', 'Pe ce canal?');
    await staff.tap('bcc:both', 'Ce raioane');
    await staff.tap('bcd:!done', 'Ce sectoare');
    await staff.tap('bcs:!done', 'Ce limbi');
    await staff.tap('bcl:!done', 'altă limbă');
    await staff.tap('bcv:ru', 'Trimiteți textul');
    await staff.say('Семинар о фондах, 3 декабря', 'altă limbă');
    const preview = await staff.tap('bcv:no', 'Va ajunge la');
    // Staff of md-nord: the Latvian business is never counted; Romanian plural form for 3.
    expect(preview.text).toContain('3 destinatari');
    await staff.tap('bcgo:later', 'AAAA-LL-ZZ');
    await staff.say('30.02.2026 10:00', 'Nu am înțeles');
    await staff.say('2026-11-26 14:00', 'Programat');
    // The confirmation is the progress message; the broadcast is queued right after it is sent.
    for (let i = 0; i < 100 && (await t.app.services.broadcasts.broadcasts.find({}))[0]?.status !== 'scheduled'; i++) await new Promise((r) => setTimeout(r, 20));
    const b = (await t.app.services.broadcasts.broadcasts.find({}))[0];
    expect(b.status).toBe('scheduled');
    expect(b.sendAt!.toISOString()).toBe('2026-11-26T12:00:00.000Z'); // Chișinău is UTC+2 in winter
    await new Promise((r) => setTimeout(r, 800));
    expect(t.tg.messagesTo(5101)).toHaveLength(0);

    clock.set(new Date('2026-11-26T12:00:30Z'));
    await t.tg.waitUntil(() => t.tg.messagesTo(5103).length > 0, 10_000, 'the scheduled send');
    await t.tg.waitUntil(() => t.tg.messagesTo(5102).length > 0 && t.tg.messagesTo(5101).length > 0);
    expect(t.tg.messagesTo(5101)[0].text).toBe('Seminar despre fonduri, 3 decembrie');
    expect(t.tg.messagesTo(5102)[0].text).toBe('Семинар о фондах, 3 декабря');
    expect(t.tg.messagesTo(5104)).toHaveLength(0);
    await staff.expect('Trimitere încheiată');
  }, 30_000);

  it('a photo with a caption and a link button goes out as sendPhoto with the same file and caption', async () => {
    await staff.say('/broadcast', 'Anunț nou');
    let since = staff.messages().length;
    const fileId = staff.sendPhoto(Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008020000009091683600000016494441547801636460f8cfc0c0c0c0c4c0c0c0c0000007e40101e52bd70000000049454e44ae426082', 'hex'), { width: 16, height: 16 }, 'Foto: târg');
    await staff.expect('Alegeți mai jos', { since });
    await staff.say('Detalii | gal.md/targ', 'Butonul a fost adăugat');
    await staff.tap('bcp:custom', 'Pe ce canal?');
    await staff.tap('bcc:telegram', 'Ce raioane');
    staff.press('bcd:md-soroca');
    await staff.tap('bcd:!done', 'Ce sectoare');
    await staff.tap('bcs:!done', 'Ce limbi');
    await staff.tap('bcl:!done', 'altă limbă');
    await staff.tap('bcv:no', 'Va ajunge la');
    since = t.tg.sent.length;
    await staff.tap('bcgo:now', 'Se trimite');
    const photos = await t.tg.waitUntil(() => {
      const p = t.tg.sent.slice(since).filter((m) => m.photo && m.caption === 'Foto: târg' && m.chat_id !== 5002);
      return p.length >= 2 ? p : undefined;
    }, 10_000, 'the photo broadcast');
    expect(photos.map((m) => m.chat_id).sort()).toEqual([5101, 5102]);
    for (const m of photos) {
      expect(m.params.photo).toBe(fileId);
      expect(m.reply_markup.inline_keyboard[0][0].url).toBe('https://gal.md/targ');
    }
    const b = (await t.app.services.broadcasts.broadcasts.find({ 'photo.telegramFileId': fileId }))[0];
    expect(b.photo!.blobId).toBeTruthy(); // kept for Messenger recipients
  }, 30_000);

  it('a Bot API failure mid-composer never traps the staff member', async () => {
    await staff.say('/broadcast', 'Anunț nou');
    t.tg.failNext('sendMessage', 500, 'Internal Server Error');
    staff.send('Un anunț');
    await t.tg.waitUntil(() => t.tg.callsOf('sendMessage').filter((c) => Number(c.params.chat_id) === 5002 && c.params.text?.includes('Alegeți mai jos')).length > 0, 10_000, 'the failed prompt');
    await new Promise((r) => setTimeout(r, 300));
    await staff.say('/cancel', 'anulat');
    await staff.say('/broadcast', 'Anunț nou');
    await staff.say('/cancel', 'anulat');
    expect(await t.app.services.broadcasts.broadcasts.count({ 'versions.text': 'Un anunț' })).toBe(0);
  }, 30_000);

  it('cancel stops a paused broadcast and shows the final figures', async () => {
    await staff.say('/broadcast', 'Anunț nou');
    await staff.say('Al doilea anunț', 'Alegeți mai jos');
    await staff.tap('bcp:custom', 'Pe ce canal?');
    await staff.tap('bcc:telegram', 'Ce raioane');
    await staff.tap('bcd:!done', 'Ce sectoare');
    await staff.tap('bcs:!done', 'Ce limbi');
    await staff.tap('bcl:!done', 'altă limbă');
    await staff.tap('bcv:no', 'Va ajunge la');
    await staff.tap('bcgo:later', 'AAAA-LL-ZZ');
    const msg = await staff.say('2026-11-27 09:00', 'Programat');
    const id = msg.reply_markup.inline_keyboard[0][1].callback_data.slice(5);
    for (let i = 0; i < 100 && (await t.app.services.broadcasts.byId(id))?.status !== 'scheduled'; i++) await new Promise((r) => setTimeout(r, 20));
    staff.press(`bc:p:${id}`);
    await t.tg.waitUntil(() => msg.reply_markup.inline_keyboard[0][0].callback_data === `bc:r:${id}`, 5000, 'the Resume button');
    expect((await t.app.services.broadcasts.byId(id))!.status).toBe('paused');
    staff.press(`bc:x:${id}`);
    // Cancel asks first; nothing is cancelled until "Yes".
    await t.tg.waitUntil(() => msg.reply_markup.inline_keyboard[0][0].callback_data === `bc:X:${id}`, 5000, 'the confirmation');
    expect((await t.app.services.broadcasts.byId(id))!.status).toBe('paused');
    staff.press(`bc:X:${id}`);
    await t.tg.waitUntil(() => msg.text?.includes('Trimitere anulată'), 5000, 'the final figures');
    expect((await t.app.services.broadcasts.byId(id))!.status).toBe('cancelled');
    const actions = (await t.app.services.staff.recent(20)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['broadcast.schedule', 'broadcast.pause', 'broadcast.cancel']));
    // /stats counts the recipients reached this month, in the staff member's language.
    const stats = await staff.say('/stats', 'Raport de activitate');
    expect(stats.text).toMatch(/Destinatari atinși: [1-9]/);
  }, 30_000);
});
