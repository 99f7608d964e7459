/**
 * Search on Telegram end to end against the fake Bot API: plain text and /search answer with business cards
 * (photo, district · sector, Copy number, Website vs Facebook, Products, public page), "More results",
 * suggestions, browse by sector and district, bad input.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingModel, type Listing } from '../../models/listing.js';
import { decode } from '../../services/actions.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type SentMessage } from '../helpers/fake-telegram.js';
import { publish } from '../messenger/helpers.js';

let t: TestApp;
let stupina: Listing;

const cardText = (m: SentMessage) => m.text ?? m.caption ?? '';

beforeAll(async () => {
  t = await startTestApp();
  const logo = await sharp({ create: { width: 600, height: 600, channels: 3, background: { r: 200, g: 150, b: 20 } } }).png().toBuffer();
  const logoId = await t.app.services.store.blobs.put(logo, 'image/png');
  stupina = await publish(t, { name: 'Stupina Nordului', keywords: ['miere'], website: 'https://stupina.md', districtId: 'md-soroca', logoId });
  await publish(t, { name: 'Пасека Иванова', keywords: ['мёд'], districtId: 'md-balti', phone: '+37379000222' });
  await publish(t, { name: 'Pensiunea La Nistru', keywords: ['cazare'], sectors: ['I'], districtId: 'md-drochia', facebook: 'https://facebook.com/nistru' });
  await publish(t, { name: 'Crama Vinăria', keywords: ['vin', 'struguri'], description: 'Vin din struguri de casă.', districtId: 'md-soroca' });
  const col = t.app.services.store.collection(ListingModel);
  for (let i = 1; i <= 7; i++) {
    const l = await col.insert({ slug: `legume-${i}`, status: 'published', name: `Legume ${i}`, sectors: ['A'], country: 'MD', districtId: 'md-edinet', lagId: 'md-nord', phone: `+3736000000${i}`, keywords: ['legume'] } as Partial<Listing>);
    t.app.services.events.emit('listing.changed', l);
  }
});
afterAll(async () => t?.close());

describe('Telegram search', () => {
  it('a plain message is a search: a header, then one card per business with photo, Copy number, Website and the public page', async () => {
    const u = t.tg.user(3001, { language_code: 'en' });
    const since = u.messages().length;
    u.send('miere');
    const head = await u.expect('Found 2 businesses for “miere”', { since });
    expect(head.params.parse_mode).toBeUndefined();
    const card = await u.expect('Stupina Nordului', { since });
    expect(card.photo).toBe(true);
    expect(card.caption).toBe('Stupina Nordului\nSoroca · Agriculture, forestry and fishing\n📞 +37369123456\n🌐 https://stupina.md');
    expect(card.reply_markup.inline_keyboard).toEqual([
      [{ text: '📋 Copy number', copy_text: { text: '+37369123456' } }, { text: '🌐 Website', url: 'https://stupina.md' }],
      [{ text: '🔗 Page', url: `http://lag.test/b/${stupina.slug}` }],
    ]);
    const second = await u.expect('Пасека Иванова', { since });
    expect(second.photo).toBeUndefined(); // no logo: a text card
    // Browse from the results: on the last card.
    expect(buttons(second).map((b) => b.callback_data).filter(Boolean)).toEqual(['srch:bs', 'srch:bd']);
  });

  it('/search alone says what to write; the next plain text searches (Cyrillic finds Bălți); Facebook is labelled as such', async () => {
    const u = t.tg.user(3002, { language_code: 'ro' });
    await u.say('/search', 'Scrieți ce căutați');
    await u.say('Бельцы', 'Am găsit');
    await u.expect('Пасека Иванова');
    await u.say('/start', 'Bună ziua');
    await u.tap('menu:search', 'Scrieți ce căutați');
    const since = u.messages().length;
    u.send('cazare');
    const card = await u.expect('Pensiunea La Nistru', { since });
    expect(buttons(card)).toContainEqual({ text: 'Facebook', url: 'https://facebook.com/nistru' });
    expect(buttons(card).some((b) => b.text.includes('Site'))).toBe(false);
  });

  it('"More results" sends the next cards; the button data decodes as a typed action within 64 bytes', async () => {
    const u = t.tg.user(3003, { language_code: 'en' });
    const since = u.messages().length;
    u.send('/search legume');
    await u.expect('Found 7 businesses', { since });
    const third = await t.tg.waitUntil(() => u.messages().slice(since).filter((m) => m.text?.startsWith('Legume'))[2], 10_000, 'third card');
    const more = buttons(third).find((b) => b.text === '➡️ More results')!;
    expect(Buffer.byteLength(more.callback_data!, 'utf8')).toBeLessThanOrEqual(64);
    expect(decode(more.callback_data).ok && (decode(more.callback_data) as { action: { kind: string; page: number } }).action).toMatchObject({ kind: 'search.page', page: 1 });
    const before = u.messages().length;
    const page2 = await u.tap(more.callback_data!, 'Page 2 of 3');
    expect(page2.text).not.toContain('Found');
    await t.tg.waitUntil(() => u.messages().slice(before).filter((m) => m.text?.startsWith('Legume')).length === 3, 10_000, 'three more cards');
  });

  it('suggests a corrected spelling, never a stop word for a short word, and browses by district and sector', async () => {
    const u = t.tg.user(3004, { language_code: 'en' });
    const m = await u.say('/search stuipna', 'Nothing found');
    expect(m.text).toContain('Did you mean “stupina”? (2 businesses)'); // the apiary + «пасека» (synonym)
    const fix = buttons(m).find((b) => b.text === '🔎 stupina')!;
    expect(m.reply_markup.inline_keyboard.at(-1).map((b: { callback_data?: string }) => b.callback_data)).toEqual(['srch:bs', 'srch:bd']);
    await u.tap(fix.callback_data!, 'Found 2 businesses');
    await u.expect('Stupina Nordului');
    // «вино» (wine, folded "vino") is two edits from «din», a Romanian preposition in a description: no such suggestion.
    const wine = await u.say('вино', /Nothing found|Found/);
    expect(wine.text).not.toContain('din');
    const list = await u.tap('srch:bd', 'Choose a district');
    expect(buttons(list).map((b) => b.text)).toContain('Drochia (1)');
    await u.tap('srch:d:md-drochia', 'Drochia: 1 business.');
    await u.expect('Pensiunea La Nistru');
    const sectors = await u.tap('srch:bs', 'Choose a sector');
    expect(buttons(sectors).map((b) => b.callback_data)).toContain('srch:s:I');
  });

  it('forged or stale buttons get "no longer valid", never an error', async () => {
    const u = t.tg.user(3007, { language_code: 'en' });
    const before = t.tg.callsOf('answerCallbackQuery').length;
    for (const data of ['srch:p:../../x:1', 'srch:s:Z', 'srch:d:md-nowhere', 'srch:p:unknownid:0', 'x'.repeat(80)]) {
      t.tg.pushUpdate({ callback_query: { id: `cb-${data.slice(0, 20)}`, from: { id: 3007, is_bot: false, first_name: 'X' }, chat_instance: 'c', data, message: { message_id: 1, date: 0, chat: { id: 3007, type: 'private' } } } });
    }
    await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').length >= before + 5, 10_000, 'answers');
    await new Promise((r) => setTimeout(r, 300));
    expect(u.messages().some((m) => (m.text ?? '').includes('Something went wrong'))).toBe(false);
  });

  it('treats bad input as plain text and never fails', async () => {
    const u = t.tg.user(3005, { language_code: 'en' });
    const answers: Record<string, string | RegExp> = {
      '/search 🍯🐝😀': 'Write a word to search for',
      '🍯🐝😀': 'Write a word to search for',
      '/search .*(': 'Write a word to search for',
      '/search {"$where": "1"}': 'Nothing found for “{"$where": "1"}”.',
      [`/search ${'ă'.repeat(4000)}`]: /Nothing found/,
      '/search <b>miere</b>': 'Found 2 businesses',
      '/nosuchcommand': 'I don’t know this command',
    };
    for (const [q, needle] of Object.entries(answers)) await u.say(q, needle);
    expect(u.messages().some((m) => (m.text ?? '').includes('Something went wrong'))).toBe(false);
    for (const m of u.messages()) expect([...cardText(m)].length).toBeLessThanOrEqual(4096);
  });
});
