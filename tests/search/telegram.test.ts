/** /search on Telegram end to end against the fake Bot API: cards, Call/Website buttons, paging, browse, bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingModel, type Listing } from '../../models/listing.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons } from '../helpers/fake-telegram.js';
import { publish } from '../messenger/helpers.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await publish(t, { name: 'Stupina Nordului', keywords: ['miere'], website: 'https://stupina.md', districtId: 'md-soroca' });
  await publish(t, { name: 'Пасека Иванова', keywords: ['мёд'], districtId: 'md-balti', phone: '+37379000222' });
  await publish(t, { name: 'Pensiunea La Nistru', keywords: ['cazare'], sectors: ['I'], districtId: 'md-drochia', facebook: 'https://facebook.com/nistru' });
  const col = t.app.services.store.collection(ListingModel);
  for (let i = 1; i <= 7; i++) {
    const l = await col.insert({ slug: `legume-${i}`, status: 'published', name: `Legume ${i}`, sectors: ['A'], country: 'MD', districtId: 'md-edinet', lagId: 'md-nord', phone: `+3736000000${i}`, keywords: ['legume'] } as Partial<Listing>);
    t.app.services.events.emit('listing.changed', l);
  }
});
afterAll(async () => t?.close());

describe('Telegram /search', () => {
  it('/search miere answers with cards, a copyable phone and a website button', async () => {
    const u = t.tg.user(3001, { language_code: 'en' });
    const m = await u.say('/search miere', 'Found');
    expect(m.text).toBe('Found 2 businesses for “miere”:\n\n1. Stupina Nordului\nSoroca · Agriculture, forestry and fishing\n📞 +37369123456\n🌐 https://stupina.md\n\n2. Пасека Иванова\nBălți · Agriculture, forestry and fishing\n📞 +37379000222');
    expect(m.params.parse_mode).toBeUndefined();
    expect(m.reply_markup.inline_keyboard).toEqual([
      [{ text: '1. 📞 Call: +37369123456', copy_text: { text: '+37369123456' } }, { text: '1. 🌐 Website', url: 'https://stupina.md' }],
      [{ text: '2. 📞 Call: +37379000222', copy_text: { text: '+37379000222' } }],
    ]);
  });

  it('/search alone and the start menu button ask, then search the answer (Cyrillic finds Bălți)', async () => {
    const u = t.tg.user(3002, { language_code: 'ro' });
    await u.say('/search', 'Scrieți ce căutați');
    const m = await u.say('Бельцы', 'Am găsit');
    expect(m.text).toContain('Пасека Иванова');
    await u.say('/start', 'Bun');
    await u.tap('menu:search', 'Scrieți ce căutați');
    const r = await u.say('cazare', 'Am găsit');
    expect(r.text).toContain('Pensiunea La Nistru');
    expect(buttons(r)).toContainEqual({ text: '1. Facebook', url: 'https://facebook.com/nistru' });
  });

  it('pages with ⬅️ / ➡️ by editing the message', async () => {
    const u = t.tg.user(3003, { language_code: 'en' });
    const m = await u.say('/search legume', 'Found 7 businesses');
    expect(m.text).toContain('Page 1 of 2');
    expect(m.text).toContain('5. Legume');
    const next = buttons(m).find((b) => b.text === '➡️ More results')!;
    expect(next.callback_data!.length).toBeLessThanOrEqual(64);
    u.press(next.callback_data!);
    await t.tg.waitUntil(() => m.edits > 0 && m.text?.includes('Page 2 of 2'), 10_000, 'page 2');
    expect(m.text).toContain('6. Legume');
    expect(m.text).toContain('7. Legume');
    const back = buttons(m).find((b) => b.text === '⬅️')!;
    u.press(back.callback_data!);
    await t.tg.waitUntil(() => m.text?.includes('Page 1 of 2'), 10_000, 'page 1 again');
  });

  it('suggests a corrected spelling and browses by district', async () => {
    const u = t.tg.user(3004, { language_code: 'en' });
    const m = await u.say('/search stuipna', 'Nothing found');
    expect(m.text).toContain('Did you mean “stupina”? (2 businesses)'); // the apiary + «пасека» (synonym)
    const fix = buttons(m).find((b) => b.text === '🔎 stupina')!;
    expect(m.reply_markup.inline_keyboard.at(-1).map((b: { callback_data?: string }) => b.callback_data)).toEqual(['srch:bs', 'srch:bd']);
    const r = await u.tap(fix.callback_data!, 'Found 2 businesses');
    expect(r.text).toContain('1. Stupina Nordului');
    const list = await u.tap('srch:bd', 'Choose a district');
    expect(buttons(list).map((b) => b.text)).toContain('Drochia (1)');
    const d = await u.tap('srch:d:md-drochia', 'Drochia: 1 business.');
    expect(d.text).toContain('Pensiunea La Nistru');
    const sectors = await u.tap('srch:bs', 'Choose a sector');
    expect(buttons(sectors).map((b) => b.callback_data)).toContain('srch:s:I');
  });

  it('the search question lets buttons and other messages through', async () => {
    const u = t.tg.user(3006, { language_code: 'en' });
    await u.say('/search', 'Write what you are looking for');
    await u.tap('srch:bs', 'Choose a sector');
    await u.say('/search', 'Write what you are looking for');
    const since = u.messages().length;
    u.sendSticker();
    await u.expect('I can only read text', { since });
    // The question was left: the next text is not taken as a search.
    await u.say('miere', 'I did not understand');
  });

  it('treats bad input as plain text and never fails', async () => {
    const u = t.tg.user(3005, { language_code: 'en' });
    const answers: Record<string, string | RegExp> = {
      '/search 🍯🐝😀': 'Write a word to search for',
      '/search .*(': 'Write a word to search for',
      '/search {"$where": "1"}': 'Nothing found for “{"$where": "1"}”.',
      [`/search ${'ă'.repeat(4000)}`]: /Nothing found/,
      '/search <b>miere</b>': 'Found 2 businesses',
    };
    for (const [q, needle] of Object.entries(answers)) await u.say(q, needle);
    expect(u.messages().some((m) => (m.text ?? '').includes('Something went wrong'))).toBe(false);
    for (const m of u.messages()) expect([...(m.text ?? '')].length).toBeLessThanOrEqual(4096);
  });
});
