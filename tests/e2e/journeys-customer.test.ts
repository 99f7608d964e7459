/**
 * A customer's journey, as transcripts: on Telegram (home, search by just typing, photo cards, browse, help)
 * and on Messenger (the same screens as a carousel).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listing } from '../../models/listing.js';
import { buttons } from '../helpers/fake-telegram.js';
import { counting } from '../helpers/journey.js';
import { deliver, publish, quickReplyEvent, startMessengerApp, textEvent, type MessengerTestApp } from '../messenger/helpers.js';

let t: MessengerTestApp;
let pasika: Listing;

beforeAll(async () => {
  t = await startMessengerApp();
  const logo = await sharp({ create: { width: 600, height: 600, channels: 3, background: { r: 240, g: 190, b: 40 } } }).png().toBuffer();
  const logoId = await t.app.services.store.blobs.put(logo, 'image/png');
  pasika = await publish(t, { name: 'Пасека Иванова', keywords: ['мёд', 'воск'], districtId: 'md-balti', logoId, facebook: 'https://facebook.com/pasika' });
  await publish(t, { name: 'Crama Nordului', keywords: ['vin'], sectors: ['C'], districtId: 'md-soroca', website: 'https://crama.md' });
});
afterAll(async () => t?.close());

describe('customer journey', () => {
  it('Telegram: /start shows what a customer can do; typing «мёд» finds a photo card; browse; /help fits the role', async () => {
    const u = counting(t.tg.user(8101, { language_code: 'ru', first_name: 'Ольга' }));
    const home = await u.say('/start', 'Здравствуйте, Ольга!');
    expect(home.text).toContain('просто напишите, что ищете');
    expect(buttons(home).map((b) => b.callback_data)).toEqual(['menu:search', 'menu:browse', 'menu:register', 'menu:language', 'menu:help']);
    // Customers see the customer menu (the default scope): no owner or staff commands.
    const menu = t.tg.callsOf('setMyCommands').find((c) => c.params.language_code === 'ru')!;
    expect(menu.params.commands.map((c: { command: string }) => c.command)).toEqual(['start', 'search', 'events', 'register', 'language', 'help', 'privacy', 'deleteme', 'cancel']);

    // Just typing is a search.
    const since = u.u.messages().length;
    u.send('мёд');
    await u.u.expect('Найдено 1 предприятие по запросу «мёд»', { since });
    const card = await u.u.expect('Пасека Иванова', { since });
    expect(card.photo).toBe(true);
    expect(card.caption).toContain('Бельцы · Сельское, лесное хозяйство');
    expect(buttons(card)).toContainEqual({ text: '📋 Скопировать номер', copy_text: { text: '+37369123456' } });
    expect(buttons(card)).toContainEqual({ text: 'Facebook', url: 'https://facebook.com/pasika' });
    expect(buttons(card)).toContainEqual({ text: '🔗 Страница', url: `http://lag.test/b/${pasika.slug}` });
    expect(u.actions).toBe(2); // /start, «мёд»: two actions to a business's number

    // Browse by sector from the results.
    const sectors = await u.tap('srch:bs', 'Выберите отрасль');
    expect(buttons(sectors).map((b) => b.callback_data)).toContain('srch:s:C');
    await u.tap('srch:s:C', 'Обрабатывающая промышленность');
    await u.u.expect('Crama Nordului');

    const help = await u.say('/help', 'Команды, которые Вам доступны');
    expect(help.text).toContain('/search');
    expect(help.text).not.toContain('/shop');
    expect(help.text).not.toContain('/pending');
  });

  it('Messenger: «miere» → language → the same cards as a carousel with photo, Call, Website and Page', async () => {
    const psid = '8201';
    await deliver(t, textEvent(psid, 'vin'));
    const langs = t.graph.messages(psid)[0].body.message.quick_replies;
    await deliver(t, quickReplyEvent(psid, 'Română', langs[0].payload));
    const [header, carousel] = t.graph.messages(psid).slice(1).map((c) => c.body.message);
    expect(header.text).toBe('Am găsit 1 afacere pentru „vin”:');
    const el = carousel.attachment.payload.elements[0];
    expect(el.title).toBe('Crama Nordului');
    expect(el.buttons).toEqual([
      { type: 'phone_number', title: '📞 Sunați', payload: '+37369123456' },
      { type: 'web_url', title: '🌐 Site web', url: 'https://crama.md' },
      { type: 'web_url', title: '🔗 Pagina', url: expect.stringMatching(/^http:\/\/lag\.test\/b\/crama-nordului/) },
    ]);
    await deliver(t, textEvent(psid, 'мёд'));
    const photo = t.graph.messages(psid).at(-1)!.body.message.attachment.payload.elements[0];
    expect(photo.image_url).toBe(`http://lag.test/media/${pasika.logoId}`);
  });
});
