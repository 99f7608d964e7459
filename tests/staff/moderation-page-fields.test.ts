/**
 * Moderating the page fields: staff read every translated description before approving; a card with a logo
 * and a long text shows all of it (photo with the name, then the text with the buttons); correcting a page
 * field keeps what was not edited, shows the current value, audits readable old/new values and tells the
 * owner readable values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';
import { parseOpeningHours } from '../../services/opening-hours.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008020000009091683600000016494441547801636460f8cfc0c0c0c0c4c0c0c0c0000007e40101e52bd70000000049454e44ae426082', 'hex');
const LONG = `${'Mere, pere și cazare la livadă din Cosăuți, lângă Nistru. '.repeat(12)}Sfârșit.`.slice(0, 740);
const EN = 'Apples, pears and a guesthouse in the orchard of Cosăuți, by the Dniester river.';
const RU = 'Яблоки, груши и гостевой дом в саду в Косэуць, у Днестра, с дегустацией.';

describe('moderating the page fields', () => {
  let t: TestApp;
  let admin: FakeUser;
  let owner: FakeUser;
  let listingId = '';

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '7101' } });
    admin = t.tg.user(7101, { language_code: 'en' });
    owner = t.tg.user(7103, { language_code: 'ro' });
    for (const u of [admin, owner]) await u.say('/start', /./);
    const s = t.app.services;
    const o = (await s.users.byExternal('telegram', '7103'))!;
    const logoId = await s.store.blobs.put(PNG, 'image/png');
    const hours = parseOpeningHours('Mon-Fri 9-18, Sat 10-14, Sun closed');
    if (!hours.ok) throw new Error('hours');
    const l = await s.directory.submit(o, {
      name: 'Livada Veche', sectors: ['A', 'I'], activity: 'Livadă și pensiune', country: 'MD', districtId: 'md-soroca', locality: 'Cosăuți',
      description: LONG, keywords: ['mere', 'pere'], phone: '+37369123456', languages: ['ro', 'ru'], logoId,
      email: 'livada@example.md', website: 'https://livada.example.md', address: 'str. Nistrului 3', openingHours: hours.value,
      telegram: 'livada_veche', viber: '+37369123456', whatsapp: '+37369123457', descriptions: { en: EN, ru: RU },
    });
    listingId = l._id;
  }, 30_000);
  afterAll(async () => t?.close());

  it('/pending: the photo carries the name, the whole card follows with the contacts, then every translation in full', async () => {
    const since = admin.messages().length;
    admin.send('/pending');
    const last = await admin.expect('Description in English:', { since });
    const got = admin.messages().slice(since);
    const photo = got.find((m) => m.photo)!;
    expect(photo.caption).toBe('Livada Veche');
    const card = got.find((m) => m.text?.includes('+37369123456') && m.text.includes('@livada_veche'))!;
    expect(card).toBeDefined();
    expect(card.text).toContain(LONG.slice(-40));
    expect(card.text).toContain('str. Nistrului 3');
    expect(card.text!.length).toBeLessThanOrEqual(4096);
    expect(got.some((m) => m.text?.includes('Description in Russian:') && m.text.includes(RU))).toBe(true);
    expect(last.text).toContain(EN);
    // Approve / Correct under the last message, after everything staff must read.
    expect(buttons(last).map((b) => b.callback_data)).toEqual(expect.arrayContaining([`mod:ok:${listingId}`, `mod:ed:${listingId}`]));
  });

  it('/mybusiness with a logo and a long card: the photo with the name, then the card with the edit buttons', async () => {
    const since = owner.messages().length;
    owner.send('/mybusiness');
    const card = await owner.expect('+37369123456', { since });
    const photo = owner.messages().slice(since).find((m) => m.photo)!;
    expect(photo.caption).toBe('Livada Veche');
    expect(card.text).toContain('@livada_veche');
    expect(buttons(card).length).toBeGreaterThan(5);
  });

  it('correcting one translation keeps the others; the audit shows the change', async () => {
    await admin.tap(`mod:ed:${listingId}`, 'Which field of “Livada Veche”');
    await admin.tap('sef:descriptions', 'another language');
    await admin.tap('dsc:en', 'Write the description in English');
    await admin.say('Apples, pears and a guesthouse in the old orchard of Cosăuți.', 'Add another language');
    await admin.tap('dsc:!done', 'Corrected by you');
    const l = (await t.app.services.directory.byId(listingId))!;
    expect(l.descriptions).toEqual({ en: 'Apples, pears and a guesthouse in the old orchard of Cosăuți.', ru: RU });
    const audit = await t.app.services.directory.audit.find({ targetId: listingId, action: 'listing.staff_edit' });
    expect(audit.map((a) => a.note)).toEqual([`descriptions: [en] ${EN} → [en] Apples, pears and a guesthouse in the old orchard of Cosăuți.`]);
  });

  it('a page field\'s question shows its current value; hours are audited readably', async () => {
    await admin.tap(`mod:ed:${listingId}`, 'Which field of “Livada Veche”');
    const asked = await admin.tap('sef:address', 'Street address');
    expect(asked.text).toContain('str. Nistrului 3');
    await admin.say('str. Nistrului 5', 'Corrected by you');

    await admin.tap(`mod:ed:${listingId}`, 'Which field of “Livada Veche”');
    const hoursAsked = await admin.tap('sef:openingHours', 'Opening hours');
    expect(hoursAsked.text).toMatch(/09:00–18:00/);
    await admin.say('Mon-Fri 8-17', 'Corrected by you');
    const notes = (await t.app.services.directory.audit.find({ targetId: listingId, action: 'listing.staff_edit' }, { sort: { at: 1 } })).map((a) => a.note);
    expect(notes).toContain('address: str. Nistrului 3 → str. Nistrului 5');
    expect(notes).toContain('openingHours: Mon–Fri 09:00–18:00; Sat 10:00–14:00; Sun closed → Mon–Fri 08:00–17:00; Sat–Sun closed');
    expect(notes.join('\n')).not.toContain('[object Object]');
    const l = (await t.app.services.directory.byId(listingId))!;
    expect(l.telegram).toBe('livada_veche');
    expect(l.descriptions?.ru).toBe(RU);
  });

  it('the owner reads the corrected values, not "[object Object]"', async () => {
    const since = owner.messages().length;
    await admin.tap(`mod:ok:${listingId}`, 'is published');
    const told = await owner.expect('Echipa GAL a corectat', { since });
    expect(told.text).not.toContain('[object Object]');
    expect(told.text).toContain('08:00–17:00');
    expect(told.text).toContain('str. Nistrului 5');
    expect(told.text).toContain('Apples, pears and a guesthouse in the old orchard of Cosăuți.');
    expect(told.text).toContain(RU);
  });
});
