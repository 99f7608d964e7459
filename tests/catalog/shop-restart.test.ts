/** A restart in the middle of "add product" resumes the owner's answers (conversation state is in the store). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { jpeg } from './images.js';

describe('/shop add product across a restart', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('keeps the answers given before the restart and saves the product after it', async () => {
    const u = t.tg.user(4001, { first_name: 'Pēteris', language_code: 'lv' });
    await u.say('/start', /\S/);
    const owner = (await t.app.services.users.byExternal('telegram', '4001'))!;
    const listing = await t.app.services.directory.submit(owner, {
      name: 'Zemgales medus', sectors: ['A'], activity: 'biškopība', country: 'LV', districtId: 'lv-jelgavas-novads', locality: 'Ozolnieki',
      description: 'Medus no Ozolniekiem.', keywords: ['medus'], phone: '+37126123456', languages: ['lv'],
    });
    await u.say('/shop', 'Facebook katalogs');
    await u.tap('sp:add', 'Produkta nosaukums');
    await u.say('Liepziedu medus, 1 kg', 'Aprakstiet produktu');
    await u.say('Šķidrs liepziedu medus no Zemgales.', 'Cena');

    t = await t.restart();

    // A Latvian owner's bare number is euros; no currency question follows.
    await u.say('14,90', 'Vai produkts ir pieejams?');
    await u.tap('shp:c:0', 'Nosūtiet produkta fotoattēlu');
    const since = u.messages().length;
    u.sendPhoto(await jpeg(700, 700, '#e8b923', 'medus'), { width: 700, height: 700 });
    await u.expect('1. attēls saglabāts', { since });
    const done = await u.tap('shp:save', 'pievienots katalogam');
    expect(done.text).toContain('kad jūsu ieraksts būs publicēts');
    const [p] = await t.app.services.catalog.list(listing._id);
    expect(p).toMatchObject({ title: 'Liepziedu medus, 1 kg', description: 'Šķidrs liepziedu medus no Zemgales.', priceMinor: 1490, currency: 'EUR', availability: 'in stock', condition: 'new' });
    expect(p.mdlMinor).toBeUndefined();
    expect(p.photos).toEqual([{ blobId: expect.any(String), width: 700, height: 700 }]);
  });
});
