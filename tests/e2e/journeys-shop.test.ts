/**
 * A Moldovan owner's /shop journey as a transcript: LAG staff set the lei → euro rate, the owner adds a
 * product priced "150 lei" in 8 actions (it was 14: a currency question, a second price in lei, brand, sale
 * price and an English Google category asked of everyone), sees lei as their price and the catalog's EUR with
 * the rate, and the Meta feed carries the EUR price. A Russian-speaking owner gets the same questions in
 * Russian, the category list included.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons } from '../helpers/fake-telegram.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { counting } from '../helpers/journey.js';
import { jpeg } from '../catalog/images.js';

const STAFF_ID = 9401;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: String(STAFF_ID) } });
});
afterAll(async () => t?.close());

async function publishedOwner(id: number, lang: string, name: string) {
  const u = counting(t.tg.user(id, { language_code: lang, first_name: 'Ion' }));
  await u.say('/start', /\S/);
  const owner = (await t.app.services.users.byExternal('telegram', String(id)))!;
  const admin = await t.app.services.users.touch({ channel: 'telegram', externalId: String(STAFF_ID), chatId: String(STAFF_ID), languageCode: 'en' });
  const l = await t.app.services.directory.submit(owner, {
    name, sectors: ['A'], activity: 'miere', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
    description: 'Miere de casă.', keywords: ['miere'], phone: '+37369000777', languages: [lang],
  });
  await t.app.services.directory.moderate(admin, l._id, 'approve');
  return { u, listing: l };
}

describe('shop journeys', () => {
  it('staff set the rate; an owner adds a product priced in lei in 8 actions and the feed carries it in EUR', async () => {
    const s = counting(t.tg.user(STAFF_ID, { language_code: 'en', first_name: 'Eva' }));
    await s.say('/start', 'Hello, Eva!');
    const set = await s.say('/rate 19,10', 'Exchange rate saved: 19.10 lei/€');
    expect(set.text).toContain('150 lei = 7.85 EUR');

    const { u, listing } = await publishedOwner(8401, 'ro', 'Stupina Soroca');
    const before = u.actions;
    await u.say('/shop', 'Catalog Facebook');
    await u.tap('sp:add', 'Denumirea produsului');
    await u.say('Miere de tei, 1 kg', 'Descrieți produsul');
    await u.say('Miere de tei din Soroca, borcan de 1 kg.', 'Prețul în lei');
    await u.say('150 lei', 'Este disponibil?');
    await u.tap('shp:c:0', 'Trimiteți o fotografie');
    u.sendPhoto(await jpeg(800, 800, '#e0a526', 'tei'), { width: 800, height: 800 });
    await u.u.expect('Fotografia 1 a fost salvată');
    const added = await u.tap('shp:save', 'a fost adăugat în catalog');
    expect(u.actions - before).toBe(8);
    expect(added.text).toContain('Preț: 150 lei');
    expect(added.text).toMatch(/Prețul în catalog: 7\.85 EUR la cursul de 19\.10 lei\/€ stabilit de GAL pe \d+ \p{L}+ \d{4}/u);
    expect(added.text).toContain('este în fluxul dvs.');

    const settings = await t.app.services.catalog.settingsFor(listing);
    const rows = parse(await (await fetch(`${t.app.url}/feeds/${settings.feedToken}.csv`)).text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.title, r.price, r.condition, r.brand, r.google_product_category])).toEqual([['Miere de tei, 1 kg', '7.85 EUR', 'new', 'Stupina Soroca', '']]);
    // The public page shows the price the owner typed.
    expect(await (await fetch(`${t.app.url}/b/${listing.slug}`)).text()).toContain('150 lei');
  });

  it('a Russian-speaking owner: the price question, the refusals and the category list in Russian', async () => {
    const { u } = await publishedOwner(8402, 'ru', 'Пасека Сорока');
    await u.say('/shop', 'Каталог Facebook');
    await u.tap('sp:add', /\S/);
    await u.say('Мёд липовый, 1 кг', /\S/);
    await u.say('Липовый мёд с пасеки.', 'Цена в леях');
    await u.say('сто', 'Не удалось прочитать цену');
    await u.say('1.200', 'Вы имели в виду 1200 или 1.20?');
    await u.say('1 200 лей', /\S/);
    await u.tap('shp:c:0', /\S/);
    u.sendPhoto(await jpeg(700, 700, '#d4a017', 'мёд'), { width: 700, height: 700 });
    const saved = await u.u.expect('Фото 1 сохранено');
    expect(buttons(saved).map((b) => b.text)).toEqual(['✅ Сохранить товар', '➕ Подробнее']);
    await u.tap('shp:more', /\S/);
    await u.tap('shp:c:0', /\S/);
    await u.tap('shp:skip', /\S/);
    const cat = await u.tap('shp:skip', 'К какой категории относится товар?');
    expect(buttons(cat).map((b) => b.text)).toEqual(expect.arrayContaining(['Продукты питания', 'Напитки', 'Вино', 'Растения и саженцы', 'Пропустить ⏭']));
    const done = await u.tap('shp:cat:food', /\S/);
    expect(done.text).toContain('Цена: 1200 лей');
    expect(done.text).toContain('по курсу 19.10 лей/€');
  });
});
