/**
 * The staff member's progress message: once it says the broadcast finished, it is never edited back to
 * "Sending: …" (the worker's periodic report used to run after the final one in the same tick).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';

describe('broadcast progress message', () => {
  let t: TestApp;
  let staff: FakeUser;

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '6001' } });
    staff = t.tg.user(6001, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const s = t.app.services;
    const u = await s.users.touch({ channel: 'telegram', externalId: '6101', chatId: '6101' });
    await s.directory.listings.insert({ slug: 'p-1', ownerId: u._id, status: 'published', name: 'Firma 6101', sectors: ['A'], country: 'MD',
      districtId: 'md-soroca', lagId: 'md-nord', phone: '+37369123456', keywords: [], languages: [], createdAt: new Date(), updatedAt: new Date() });
  }, 30_000);
  afterAll(async () => t?.close());

  it('never reverts to "Sending" after "finished", and only one message carries the controls', async () => {
    await staff.say('/broadcast', 'New broadcast');
    await staff.say('Fair on Friday', 'Choose below');
    await staff.tap('bcp:custom', 'Who should receive');
    await staff.tap('bcr:entrepreneurs', 'On which channel?');
    await staff.tap('bcc:telegram', 'Which districts');
    await staff.tap('bcd:!done', 'Which sectors');
    await staff.tap('bcs:!done', 'Which languages');
    await staff.tap('bcl:!done', 'Add a version');
    await staff.tap('bcv:no', 'It will go to');
    await staff.tap('bcgo:now', 'Sending');
    await t.tg.waitUntil(() => t.tg.messagesTo(6101).length > 0, 10_000, 'the delivery');
    await staff.expect('Broadcast finished', { timeoutMs: 15_000 });
    // Give a late periodic report every chance to land.
    await new Promise((r) => setTimeout(r, 6000));

    const withControls = staff.messages().filter((m) => (m.params.reply_markup?.inline_keyboard ?? []).flat().some((b: { callback_data?: string }) => b.callback_data?.startsWith('bc:')));
    expect(withControls).toHaveLength(1);
    const progressId = withControls[0].message_id;
    const texts = [withControls[0].params.text as string, ...t.tg.callsOf('editMessageText')
      .filter((c) => Number(c.params.message_id) === progressId).map((c) => c.params.text as string)];
    const finishedAt = texts.findIndex((x) => x.includes('Broadcast finished'));
    expect(finishedAt).toBeGreaterThan(0);
    expect(texts.slice(finishedAt).every((x) => x.includes('Broadcast finished'))).toBe(true);
    // A Telegram-only broadcast says nothing about Messenger's 24 h window.
    expect(texts[finishedAt]).not.toContain('24');
  }, 40_000);
});
