/**
 * The customer flow end to end: signed webhooks in, exact Send API payloads out at the fake Graph API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingModel, type Listing } from '../../models/listing.js';
import { deliver, envelope, post, postbackEvent, publish, quickReplyEvent, startMessengerApp, textEvent, PAGE_TOKEN, type MessengerTestApp } from './helpers.js';

let t: MessengerTestApp;
let stupina: Listing;
let ferma: Listing;

const LANGUAGE_QUESTION = 'Alegeți limba:\nВыберите язык:\nChoose your language:\nIzvēlieties valodu:';

beforeAll(async () => {
  t = await startMessengerApp();
  stupina = await publish(t, { name: 'Stupina Nordului', keywords: ['miere', 'ceară'], description: 'Miere de albine din Soroca.', website: 'https://stupina.md', logoId: 'logo-stupina' });
  ferma = await publish(t, { name: 'Ferma Bunicii', description: 'Lapte, brânză și puțină miere.', districtId: 'md-balti', facebook: 'https://facebook.com/ferma', phone: '+37379000111' });
  await publish(t, { name: 'Livada Verde', keywords: ['mere'], districtId: 'md-drochia' });
});
afterAll(async () => t?.close());

const last = (psid: string) => t.graph.messages(psid).at(-1)!.body;
/** The payload of the quick reply titled `title` in the last message with quick replies. */
const reply = (psid: string, title: string): string => {
  const m = [...t.graph.messages(psid)].reverse().find((c) => c.body.message?.quick_replies?.some((q: { title: string }) => q.title.includes(title)));
  return m!.body.message.quick_replies.find((q: { title: string }) => q.title.includes(title)).payload;
};

describe('Messenger customer flow', () => {
  it('a signed "miere" from a new user → language choice → carousel of the matching published businesses', async () => {
    const psid = '7001';
    await deliver(t, textEvent(psid, 'miere'));
    const asked = t.graph.messages(psid);
    expect(asked).toHaveLength(1);
    expect(asked[0].query.access_token).toBe(PAGE_TOKEN);
    expect(asked[0].version).toBe('v21.0');
    expect(asked[0].body).toEqual({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: {
        text: LANGUAGE_QUESTION,
        quick_replies: ['🇲🇩 Română', '🇷🇺 Русский', '🇬🇧 English', '🇱🇻 Latviešu'].map((title, i) => ({
          content_type: 'text', title, payload: expect.stringMatching(new RegExp(`^lang:${['ro', 'ru', 'en', 'lv'][i]}:[\\w-]{8,20}$`)),
        })),
      },
    });
    const user = await t.app.services.users.byExternal('messenger', psid);
    expect(user?.lastInboundAt).toBeInstanceOf(Date);

    await deliver(t, quickReplyEvent(psid, '🇲🇩 Română', reply(psid, 'Română')));
    const [header, results] = t.graph.messages(psid).slice(1).map((c) => c.body);
    expect(header).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'Am găsit 2 afaceri pentru „miere”:' } });
    expect(results).toEqual({
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: {
        attachment: { type: 'template', payload: { template_type: 'generic', elements: [
          {
            title: 'Stupina Nordului',
            subtitle: 'Soroca · Agricultură, silvicultură și pescuit',
            image_url: 'http://lag.test/media/logo-stupina',
            buttons: [
              { type: 'phone_number', title: '📞 Sunați', payload: '+37369123456' },
              { type: 'web_url', title: '🌐 Site web', url: 'https://stupina.md' },
              { type: 'web_url', title: '🔗 Pagina', url: `http://lag.test/b/${stupina.slug}` },
            ],
          },
          {
            title: 'Ferma Bunicii',
            subtitle: 'Bălți · Agricultură, silvicultură și pescuit',
            buttons: [
              { type: 'phone_number', title: '📞 Sunați', payload: '+37379000111' },
              { type: 'web_url', title: 'Facebook', url: 'https://facebook.com/ferma' },
              { type: 'web_url', title: '🔗 Pagina', url: `http://lag.test/b/${ferma.slug}` },
            ],
          },
        ] } },
        quick_replies: [
          { content_type: 'text', title: '📂 După sector', payload: 'srch:bs' },
          { content_type: 'text', title: '📍 După raion', payload: 'srch:bd' },
        ],
      },
    });
    expect((await t.app.services.users.byExternal('messenger', psid))?.locale).toBe('ro');
  });

  it('an unsigned "miere" leads to nothing', async () => {
    const before = t.graph.calls.length;
    const res = await post(t, envelope(textEvent('7002', 'miere')), false);
    expect(res.status).toBe(403);
    await t.app.messenger!.idle();
    expect(t.graph.calls.length).toBe(before);
    expect(await t.app.services.users.byExternal('messenger', '7002')).toBeNull();
  });

  it('handles a redelivered mid once', async () => {
    const psid = '7003';
    await deliver(t, postbackEvent(psid, 'GET_STARTED'));
    expect(last(psid).message.text).toBe(LANGUAGE_QUESTION);
    await deliver(t, quickReplyEvent(psid, 'English', 'lang:en'));
    expect(last(psid).message.text).toBe('Language: English.\n\nWrite what you are looking for (for example “honey Soroca”), or browse by sector or district.');
    const ev = textEvent(psid, 'honey');
    await deliver(t, ev);
    const count = t.graph.messages(psid).length;
    await deliver(t, ev);
    await deliver(t, ev, ev);
    expect(t.graph.messages(psid)).toHaveLength(count);
    // Several entries in one POST: every entry and every event is handled (the redelivered one is not).
    await post(t, { object: 'page', entry: [{ id: '1', time: 1, messaging: [textEvent(psid, 'pensiune')] }, { id: '1', time: 1, messaging: [textEvent(psid, 'cheese'), ev] }] });
    await t.app.messenger!.idle();
    const texts = t.graph.messages(psid).slice(count).map((c) => c.body.message.text ?? 'carousel');
    expect(texts).toEqual([
      'Nothing found for “pensiune”.\n\nTry other words, or browse by sector or district.',
      'Found 1 business for “cheese”:',
      'carousel',
    ]);
  });

  it('finds Cyrillic, typos and synonyms; "More results" pages on', async () => {
    const psid = '7004';
    await deliver(t, textEvent(psid, 'мёд'));
    await deliver(t, quickReplyEvent(psid, 'Русский', reply(psid, 'Русский')));
    expect(t.graph.messages(psid)[1].body.message.text).toBe('Найдено 2 предприятия по запросу «мёд»:');
    const col = t.app.services.store.collection(ListingModel);
    for (let i = 1; i <= 12; i++) {
      const l = await col.insert({ slug: `legume-${i}`, status: 'published', name: `Legume ${i}`, sectors: ['A'], country: 'MD', districtId: 'md-edinet', lagId: 'md-nord', phone: '+37360000000', keywords: ['legume'] } as Partial<Listing>);
      t.app.services.events.emit('listing.changed', l);
    }
    await deliver(t, textEvent(psid, 'овощи'));
    const page1 = last(psid).message;
    expect(page1.attachment.payload.elements).toHaveLength(10);
    const more = page1.quick_replies[0];
    expect(more).toEqual({ content_type: 'text', title: '➡️ Ещё', payload: expect.stringMatching(/^srch:p:[\w-]{8,20}:1$/) });
    await deliver(t, quickReplyEvent(psid, more.title, more.payload));
    const page2 = last(psid).message;
    expect(page2.attachment.payload.elements).toHaveLength(2);
    expect(page2.quick_replies.map((q: { payload: string }) => q.payload)).toEqual(['srch:bs', 'srch:bd']);
    const names = [...page1.attachment.payload.elements, ...page2.attachment.payload.elements].map((e: { title: string }) => e.title);
    expect(new Set(names).size).toBe(12);
  });

  it('browses by district and by sector with quick replies', async () => {
    const psid = '7005';
    await deliver(t, textEvent(psid, 'hi'), quickReplyEvent(psid, 'English', 'lang:en'));
    await deliver(t, quickReplyEvent(psid, 'By district', 'BROWSE_DISTRICT'));
    const menu = last(psid).message;
    expect(menu.text).toBe('Choose a district:');
    expect(menu.quick_replies).toContainEqual({ content_type: 'text', title: 'Drochia (1)', payload: 'srch:d:md-drochia' });
    await deliver(t, quickReplyEvent(psid, 'Drochia', 'srch:d:md-drochia'));
    const [header, cards] = t.graph.messages(psid).slice(-2).map((c) => c.body.message);
    expect(header.text).toBe('Drochia: 1 business.');
    expect(cards.attachment.payload.elements.map((e: { title: string }) => e.title)).toEqual(['Livada Verde']);
    await deliver(t, postbackEvent(psid, 'BROWSE_SECTOR'));
    expect(last(psid).message.quick_replies[0]).toEqual({ content_type: 'text', title: 'Agriculture, forest…', payload: 'srch:s:A' });
  });

  it('suggests a corrected spelling when nothing matches', async () => {
    const psid = '7006';
    await deliver(t, textEvent(psid, 'x'), quickReplyEvent(psid, 'Română', 'lang:ro'));
    await deliver(t, textEvent(psid, 'stuipna'));
    const msg = last(psid).message;
    expect(msg.text).toBe('Nu am găsit nimic pentru „stuipna”.\n\nPoate ați vrut să scrieți „stupina”? (1 afacere)\n\nÎncercați alte cuvinte sau răsfoiți după sector ori raion.');
    expect(msg.quick_replies[0]).toEqual({ content_type: 'text', title: '🔎 stupina', payload: expect.stringMatching(/^srch:n:[\w-]{8,20}:0$/) });
    await deliver(t, quickReplyEvent(psid, '🔎 stupina', msg.quick_replies[0].payload));
    expect(last(psid).message.attachment.payload.elements[0].title).toBe('Stupina Nordului');
  });

  it('shows a business\'s products as a carousel from the Products button', async () => {
    const psid = '7007';
    const services = t.app.services;
    const original = services.catalogView;
    services.catalogView = {
      activeProducts: async (x, limit = 10) => (x._id === stupina._id ? [
        { id: 'p1', title: 'Miere de salcâm 1 kg', priceText: '150 MDL', imageUrl: 'http://lag.test/media/p1', link: 'http://lag.test/b/stupina#p1' },
        { id: 'p2', title: 'Ceară naturală', priceText: '80 MDL', link: 'http://lag.test/b/stupina#p2' },
      ].slice(0, limit) : []),
    };
    try {
      await deliver(t, textEvent(psid, 'x'), quickReplyEvent(psid, 'English', 'lang:en'), textEvent(psid, 'Stupina'));
      const card = last(psid).message.attachment.payload.elements[0];
      expect(card.buttons[2]).toEqual({ type: 'postback', title: '🛍 Products', payload: `srch:pr:${stupina._id}` });
      await deliver(t, postbackEvent(psid, `srch:pr:${stupina._id}`));
      const [header, products] = t.graph.messages(psid).slice(-2).map((c) => c.body.message);
      expect(header.text).toBe('Products of Stupina Nordului:');
      expect(products.attachment.payload.elements).toEqual([
        { title: 'Miere de salcâm 1 kg', subtitle: '150 MDL', image_url: 'http://lag.test/media/p1', buttons: [{ type: 'web_url', title: 'View', url: 'http://lag.test/b/stupina#p1' }] },
        { title: 'Ceară naturală', subtitle: '80 MDL', buttons: [{ type: 'web_url', title: 'View', url: 'http://lag.test/b/stupina#p2' }] },
      ]);
      await deliver(t, postbackEvent(psid, `srch:pr:${ferma._id}`));
      expect(last(psid).message.text).toBe('This business has no products in the catalog yet.');
    } finally {
      services.catalogView = original;
    }
  });

  it('language can be changed from the menu', async () => {
    const psid = '7008';
    await deliver(t, textEvent(psid, 'x'), quickReplyEvent(psid, 'Română', 'lang:ro'));
    await deliver(t, postbackEvent(psid, 'MENU_LANGUAGE'));
    expect(last(psid).message.text).toBe(LANGUAGE_QUESTION);
    await deliver(t, quickReplyEvent(psid, 'Latviešu', 'lang:lv'));
    expect(last(psid).message.text).toMatch(/^Valoda: latviešu\./);
    expect((await t.app.services.users.byExternal('messenger', psid))?.locale).toBe('lv');
  });

  it('"My data" in the menu explains what is kept and deletes it on request', async () => {
    const psid = '7020';
    await deliver(t, textEvent(psid, 'x'), quickReplyEvent(psid, 'English', 'lang:en'));
    expect(await t.app.services.users.byExternal('messenger', psid)).not.toBeNull();
    await deliver(t, postbackEvent(psid, 'MENU_PRIVACY'));
    const explained = last(psid).message;
    expect(explained.text).toMatch(/^What we keep about you on Messenger/);
    expect(explained.quick_replies.map((q: any) => q.payload)).toEqual(['PRIVACY_DELETE', 'MENU_SEARCH']);
    await deliver(t, quickReplyEvent(psid, 'Delete my data', 'PRIVACY_DELETE'));
    expect(last(psid).message.text).toBe('Your data has been deleted. If you write again, we start from scratch.');
    expect(await t.app.services.users.byExternal('messenger', psid)).toBeNull();
  });

  it('answers bad input as plain text, never an error', async () => {
    const psid = '7009';
    await deliver(t, textEvent(psid, 'x'), quickReplyEvent(psid, 'English', 'lang:en'));
    const inputs = ['', '   ', 'ă'.repeat(5000), '🍯🐝😀', '.*(', '{"$where": "1"}', '<script>alert(1)</script>'];
    for (const text of inputs) {
      const before = t.graph.messages(psid).length;
      await deliver(t, textEvent(psid, text));
      const replies = t.graph.messages(psid).slice(before).map((c) => c.body.message);
      expect(replies.length, text.slice(0, 20)).toBeGreaterThan(0);
      for (const r of replies) {
        expect(typeof r.text).toBe('string');
        expect([...r.text].length).toBeLessThanOrEqual(2000);
        expect(r.text).not.toMatch(/error|wrong/i);
      }
    }
    const emoji = t.graph.messages(psid).at(-4)!.body.message.text;
    expect(emoji).toBe('Write a word to search for, for example: honey, wine, accommodation, Soroca.');
    // Stickers/attachments: a friendly hint.
    await deliver(t, textEvent(psid, undefined as unknown as string, { attachments: [{ type: 'image' }] }));
    expect(last(psid).message.text).toBe('I can read text and buttons only. Write what you are looking for.');
    // Forged payloads are treated as a fresh start.
    await deliver(t, quickReplyEvent(psid, 'x', 'Q:{"$where":"1","s":"ZZ","d":{"$ne":1},"p":-5}'));
    expect(last(psid).message.text).toMatch(/^Write what you are looking for/);
    await deliver(t, quickReplyEvent(psid, 'x', 'srch:s:ZZ'));
    expect(last(psid).message.text).toMatch(/^Write what you are looking for/);
    await deliver(t, postbackEvent(psid, 'srch:pr:../../etc'));
    expect(last(psid).message.text).toMatch(/^Write what you are looking for/);
  });

  it('forgets handled events after a week (the hourly retention sweep), keeps recent and unhandled ones', async () => {
    const inbox = t.app.services.inbox;
    const day = 86_400_000;
    await inbox.updates.insert({ _id: 'fb:m.old', channel: 'messenger', seq: 1, payload: '{}', done: true, receivedAt: new Date(Date.now() - 9 * day), doneAt: new Date(Date.now() - 8 * day) });
    await inbox.updates.insert({ _id: 'fb:m.recent', channel: 'messenger', seq: 2, payload: '{}', done: true, receivedAt: new Date(Date.now() - day), doneAt: new Date(Date.now() - day) });
    await deliver(t, textEvent('7011', 'x'));
    expect(await t.app.services.scheduler.run('retention.sweep')).toBe(true);
    expect(await inbox.updates.findById('fb:m.old')).toBeNull();
    expect(await inbox.updates.findById('fb:m.recent')).not.toBeNull();
    expect(await inbox.updates.count({ channel: 'messenger', done: true })).toBeGreaterThan(1);
  });

  it('remembers handled mids across a restart', async () => {
    const psid = '7010';
    const ev = textEvent(psid, 'miere');
    await deliver(t, ev);
    expect(t.graph.messages(psid)).toHaveLength(1);
    const restarted = await t.restart();
    const graph = t.graph;
    const closeApp = restarted.close.bind(restarted);
    t = Object.assign(restarted, { graph, close: async () => { await closeApp(); await graph.close(); } });
    await deliver(t, ev);
    expect(t.graph.messages(psid)).toHaveLength(1);
    // The index was rebuilt from the store at start: search still works after the restart.
    await deliver(t, quickReplyEvent(psid, 'Română', reply(psid, 'Română')));
    expect(last(psid).message.attachment.payload.elements.map((e: { title: string }) => e.title)).toEqual(['Stupina Nordului', 'Ferma Bunicii']);
  });
});
