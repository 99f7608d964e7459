/** Broadcast presets: "all entrepreneurs of my LAG" in two taps, a test send to oneself, "last audience". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';

describe('broadcast presets', () => {
  let t: TestApp;
  let staff: FakeUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '6501' } });
    const admin = t.tg.user(6501, { language_code: 'en' });
    staff = t.tg.user(6502, { language_code: 'en', username: 'ilze' });
    await admin.say('/start', 'Hello');
    await staff.say('/start', 'Hello');
    await admin.say('/grant @ilze lv-lielupe', 'is now staff');
    const s = t.app.services;
    for (const [id, districtId, lagId] of [[6601, 'lv-jelgava', 'lv-lielupe'], [6602, 'lv-jelgava', 'lv-lielupe'], [6603, 'md-soroca', 'md-nord']] as const) {
      const u = await s.users.touch({ channel: 'telegram', externalId: String(id), chatId: String(id) });
      await s.directory.listings.insert({ slug: `pr-${id}`, ownerId: u._id, status: 'published', name: `Uzņēmums ${id}`, sectors: ['A'], country: lagId === 'md-nord' ? 'MD' : 'LV',
        districtId, lagId, phone: '+37120000000', keywords: [], languages: [], createdAt: new Date(), updatedAt: new Date() });
    }
  }, 30_000);
  afterAll(async () => t?.close());

  it('"all entrepreneurs of my LAG" goes out in two taps, after a test to oneself', async () => {
    await staff.say('/broadcast', 'New broadcast');
    const ask = await staff.say('Seminārs Jelgavā, 3. decembrī', 'Choose below');
    expect(buttons(ask)[0].text).toMatch(/^👥 All entrepreneurs of .*Lielupe/);
    expect(buttons(ask).at(-1)!.text).toBe('🎯 Choose in detail…');
    expect(buttons(ask).some((b) => b.callback_data === 'bcp:last')).toBe(false); // no earlier broadcast
    const preview = await staff.tap('bcp:ent', 'It will go to'); // tap 1
    expect(preview.text).toContain('2 recipients');

    const since = staff.messages().length;
    staff.press('bcgo:test');
    await staff.expect('The test was sent to you', { since });
    expect(staff.messages().slice(since).some((m) => m.text === 'Seminārs Jelgavā, 3. decembrī')).toBe(true);
    expect(t.tg.messagesTo(6601)).toHaveLength(0);

    await staff.tap('bcgo:now', 'Sending to 2 recipients'); // tap 2
    await t.tg.waitUntil(() => t.tg.messagesTo(6601).length && t.tg.messagesTo(6602).length, 10_000, 'the deliveries');
    await staff.expect('Broadcast finished');
    expect(t.tg.messagesTo(6603)).toHaveLength(0); // another LAG
  }, 40_000);

  it('"last audience" reuses the previous one; "everyone in my LAG" adds the LAG staff', async () => {
    await staff.say('/broadcast', 'New broadcast');
    const ask = await staff.say('Otrais paziņojums', 'Choose below');
    expect(buttons(ask).some((b) => b.callback_data === 'bcp:last')).toBe(true);
    const preview = await staff.tap('bcp:last', 'It will go to');
    expect(preview.text).toContain('2 recipients');
    await staff.tap('bcgo:discard', 'Discarded');

    await staff.say('/broadcast', 'New broadcast');
    await staff.say('Trešais paziņojums', 'Choose below');
    const everyone = await staff.tap('bcp:all', 'It will go to');
    expect(everyone.text).toContain('3 recipients'); // two entrepreneurs + the staff member
    await staff.tap('bcgo:discard', 'Discarded');
  }, 40_000);
});
