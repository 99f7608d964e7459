import { imageSize } from 'image-size';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';

describe('/pending decisions and /stats', () => {
  let t: TestApp;
  let staff: FakeUser;
  let owner: FakeUser;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '6001' } });
    const admin = t.tg.user(6001, { language_code: 'en' });
    staff = t.tg.user(6002, { language_code: 'en', username: 'elena' });
    owner = t.tg.user(6003, { language_code: 'en' });
    for (const u of [admin, staff, owner]) await u.say('/start', 'Hello');
    await admin.say('/grant @elena md-nord', 'is now staff');
    const o = (await t.app.services.users.byExternal('telegram', '6003'))!;
    for (const [name, districtId] of [['Livada Veche', 'md-soroca'], ['Brânzeturi Bălți', 'md-balti']]) {
      const l = await t.app.services.directory.submit(o, {
        name, sectors: ['A', 'C'], activity: 'x', country: 'MD', districtId, locality: '', description: '', keywords: ['mere'], phone: '+37369123456', languages: [],
      });
      ids.push(l._id);
    }
  }, 30_000);
  afterAll(async () => t?.close());

  it('lists the queue oldest first and asks for changes with a note the owner receives with an edit shortcut', async () => {
    let since = staff.messages().length;
    staff.send('/pending');
    await staff.expect('Brânzeturi Bălți', { since });
    const texts = staff.messages().slice(since).map((m) => m.text ?? '');
    expect(texts[0]).toContain('2 listings');
    expect(texts.findIndex((s) => s.includes('Livada Veche'))).toBeLessThan(texts.findIndex((s) => s.includes('Brânzeturi Bălți')));
    await staff.tap(`mod:ch:${ids[0]}`, 'Write what should be changed');
    since = owner.messages().length;
    await staff.say('Adăugați o fotografie, vă rog', 'change request');
    const told = await owner.expect('Adăugați o fotografie', { since });
    expect(told.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toContain('biz:edit');
    staff.press(`mod:no:${ids[1]}`);
    await t.tg.waitUntil(() => staff.messages().some((m) => JSON.stringify(m.reply_markup ?? {}).includes(`mod:NO:${ids[1]}`)), 5000, 'the confirmation');
    await staff.tap(`mod:NO:${ids[1]}`, 'reason for rejecting');
    await staff.say('Nu este din regiune', 'was rejected');
    const audit = await t.app.services.directory.audit.find({ targetId: { $in: ids } });
    expect(audit.map((a) => a.action).sort()).toEqual(['listing.reject', 'listing.request_changes']);
    await staff.say('/pending', 'Nothing is waiting for review');
  });

  it('lists cooperation offers in the queue too, with the offers feature\'s buttons', async () => {
    // Offers need a published listing (the first one was sent back for changes above).
    await t.app.services.directory.listings.updateOne({ _id: ids[0] }, { $set: { status: 'published' } });
    const o = (await t.app.services.users.byExternal('telegram', '6003'))!;
    const offer = await t.app.services.offers.create(o, {
      kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: ['MD'], targetDistricts: [], title: 'Mere pentru export', description: 'Livrăm mere de Soroca.', keywords: ['mere'],
    } as never);
    const since = staff.messages().length;
    staff.send('/pending');
    const card = await staff.expect('Mere pentru export', { since });
    expect(card.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toContain(`omod:ok:${offer._id}`);
  });

  it('/stats answers with figures and a chart image', async () => {
    const since = t.tg.sent.length;
    const callsBefore = t.tg.calls.length;
    const m = await staff.say('/stats', 'Activity report');
    expect(m.text).toContain('Businesses published (now): 1');
    expect(m.text).toContain('Businesses pending review (now): 0');
    // Every district of the LAG by name, zeros included; sectors by name.
    expect(m.text).toContain('Ocnița: 0 / 0 / 0');
    expect(m.text).toMatch(/Soroca: 1 \/ 0 \/ 1/);
    expect(m.text).toContain('C · Manufacturing: 1 / 0 / 2');
    const photo = await t.tg.waitUntil(() => t.tg.calls.slice(callsBefore).find((c) => c.method === 'sendPhoto' && Number(c.params.chat_id) === 6002));
    const png = photo.params.photo.data as Buffer;
    expect(imageSize(png).type).toBe('png');
    expect(t.tg.sent.length).toBeGreaterThan(since);
  });
});
