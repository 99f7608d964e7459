/**
 * Owners' and staff's journeys, as transcripts: a new owner registers (Back, leaving mid-way with the answers
 * kept, resuming from the home screen, the summary with the photo), a returning owner's home and menus, and
 * the staff home whose buttons start the staff commands.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttons } from '../helpers/fake-telegram.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { skipProfileSteps } from '../helpers/flows.js';
import { counting } from '../helpers/journey.js';

const STAFF_ID = 9301;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: String(STAFF_ID) } });
});
afterAll(async () => t?.close());

const chatMenu = (chatId: number) => [...t.tg.callsOf('setMyCommands')].reverse().find((c) => c.params.scope?.chat_id === chatId);

describe('owner and staff journeys', () => {
  it('a new owner: Step N of 19, Back, leaving keeps the answers, the home resumes them, the summary shows the photo', async () => {
    const u = counting(t.tg.user(8301, { language_code: 'ro', first_name: 'Ion' }));
    await u.say('/start', 'Bună ziua, Ion!');
    await u.tap('menu:register', 'Pasul 1 din 19');
    await u.say('Prisaca Albina', 'Pasul 2 din 19');
    u.press('sec:A');
    await u.tap('sec:!done', 'Pasul 3 din 19');
    const where = await u.say('prisacă', 'Pasul 4 din 19');
    expect(buttons(where).map((b) => b.callback_data)).toContain('reg:back');
    // Back to the previous question, answer it again.
    await u.tap('reg:back', 'Descrieți activitatea');
    await u.say('prisacă, miere și ceară', 'Unde se află afacerea');
    await u.tap('dst:md-soroca', 'Pasul 5 din 19');

    // A command mid-way asks first; leaving runs it, and the answers stay.
    await u.say('/search', 'Ieșiți din înregistrare? Răspunsurile dvs. sunt păstrate');
    await u.tap('reg:leave', 'Scrieți ce căutați');
    const home = await u.say('/start', 'Înregistrarea nu este terminată: pasul 5 din 19');
    expect(buttons(home).map((b) => b.text)).toContain('📝 Continuați înregistrarea (5/19)');
    await u.tap('menu:register', 'Bine ați revenit! Răspunsurile dvs. sunt păstrate — continuăm cu pasul 5 din 19');
    await u.u.expect('În ce localitate');

    await u.say('Vădeni', 'Pasul 6 din 19');
    await u.say('Miere de salcâm și polifloră din satul Vădeni.', 'Pasul 7 din 19');
    await u.say('miere, ceară', 'Pasul 8 din 19');
    await u.say('069123456', 'Adresa de e-mail');
    const email = t.tg.messagesTo(8301).at(-1)!;
    expect(email.text).toContain('Acest pas este opțional');
    expect(buttons(email).map((b) => b.text)).toEqual(['⬅️ Înapoi', 'Omiteți ⏭']);
    await u.tap('step:skip', 'Site-ul web');
    await u.tap('step:skip', 'Pagina de Facebook');
    await u.tap('step:skip', 'Pasul 12 din 19');
    const langs = await skipProfileSteps(u, 'Pasul 18 din 19');
    expect(langs.text).toContain('În ce limbi');
    // The ticked language is said out loud.
    expect(langs.text).toContain('✅ Română este deja bifată');
    await u.tap('spk:!done', 'Trimiteți logoul');
    const png = await sharp({ create: { width: 600, height: 600, channels: 3, background: { r: 200, g: 150, b: 20 } } }).png().toBuffer();
    const since = u.u.messages().length;
    u.sendPhoto(png, { width: 600, height: 600 });
    const summary = await u.u.expect('Verificați datele', { since });
    expect(summary.photo).toBe(true);
    expect(summary.caption).toContain('Limbi vorbite: Română');
    expect([...summary.caption!].length).toBeLessThan(600);
    expect(buttons(summary).map((b) => b.callback_data)).toEqual(['reg:grp:about', 'reg:grp:place', 'reg:grp:contacts', 'reg:grp:extra', 'reg:confirm', 'reg:cancel']);
    await u.tap('reg:confirm', 'a fost trimisă echipei GAL');
    // An owner now: the owner menu in their chat.
    const menu = await t.tg.waitUntil(() => chatMenu(8301));
    expect(menu.params.commands.map((c: { command: string }) => c.command)).toEqual(expect.arrayContaining(['mybusiness', 'shop', 'offer', 'matches']));
    expect(await t.app.services.store.kv('registration-drafts').read(String((await t.app.services.users.byExternal('telegram', '8301'))!._id))).toBeUndefined();
  });

  it('the shortest registration: 22 actions from /register to submitted (one sector, every optional question skipped)', async () => {
    const u = counting(t.tg.user(8310, { language_code: 'ro', first_name: 'Vasile' }));
    await u.say('/register', 'Pasul 1 din 19');
    await u.say('Livada Vasile', 'Pasul 2 din 19');
    u.press('sec:A');
    await u.tap('sec:!done', 'Pasul 3 din 19');
    await u.say('mere și pere', 'Pasul 4 din 19');
    await u.tap('dst:md-soroca', 'Pasul 5 din 19');
    await u.say('Vădeni', 'Pasul 6 din 19');
    await u.say('Mere și pere din livada familiei, satul Vădeni.', 'Pasul 7 din 19');
    await u.say('mere, pere', 'Pasul 8 din 19');
    await u.say('069123456', 'Pasul 9 din 19');
    for (const step of [10, 11, 12]) await u.tap('step:skip', `Pasul ${step} din 19`);
    await skipProfileSteps(u, 'Pasul 18 din 19');
    await u.tap('spk:!done', 'Pasul 19 din 19');
    await u.tap('step:skip', 'Verificați datele');
    await u.tap('reg:confirm', 'a fost trimisă echipei GAL');
    expect(u.actions).toBe(22);
  });

  it('a returning owner: the home shows the business with its status and counts, as buttons', async () => {
    const u = counting(t.tg.user(8302, { language_code: 'ro', first_name: 'Ana' }));
    await u.say('/start', 'Bună ziua, Ana!');
    const owner = (await t.app.services.users.byExternal('telegram', '8302'))!;
    const admin = (await t.app.services.users.byExternal('telegram', String(STAFF_ID))) ?? await t.app.services.users.touch({ channel: 'telegram', externalId: String(STAFF_ID), chatId: String(STAFF_ID), languageCode: 'en' });
    const l = await t.app.services.directory.submit(owner, {
      name: 'Livada Verde', sectors: ['A'], activity: 'mere', country: 'MD', districtId: 'md-drochia', locality: 'Drochia',
      description: 'Mere de sezon.', keywords: ['mere'], phone: '+37369000333', languages: ['ro'],
    });
    await t.app.services.directory.moderate(admin, l._id, 'approve');
    const home = await u.say('/start', 'Afacerea dvs. „Livada Verde”: publicată.');
    expect(home.text).toContain('0 produse · 0 oferte · 0 potriviri noi');
    expect(buttons(home).map((b) => b.callback_data)).toEqual([
      'menu:mybusiness', 'menu:shop', 'menu:offers', 'menu:matches', 'menu:offer', 'menu:offers_browse', 'menu:notifications', 'menu:search', 'menu:browse', 'menu:language', 'menu:help',
    ]);
    expect(buttons(home).some((b) => b.callback_data === 'menu:register')).toBe(false);
    const card = await u.tap('menu:mybusiness', 'Livada Verde');
    expect(buttons(card).some((b) => b.url === `http://lag.test/b/${l.slug}`)).toBe(true);
    const help = await u.say('/help', 'Comenzile pe care le puteți folosi');
    for (const c of ['/mybusiness', '/shop', '/offer', '/offers', '/matches', '/notifications']) expect(help.text).toContain(c);
    expect(help.text).not.toContain('/register');

    // Another business's request, published a minute ago: browsable now, not after the next digest.
    const other = await t.app.services.users.touch({ channel: 'telegram', externalId: '8303', chatId: '8303' });
    const ol = await t.app.services.directory.submit(other, {
      name: 'Magazinul Satului', sectors: ['G'], activity: 'comerț', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
      description: 'Magazin sătesc.', keywords: ['magazin'], phone: '+37369000555', languages: ['ro'],
    });
    await t.app.services.directory.moderate(admin, ol._id, 'approve');
    const req = await t.app.services.offers.create(other, {
      kind: 'request', type: 'supplier', sectors: ['A'], targetCountries: [], targetDistricts: [],
      title: 'Căutăm mere pentru magazin', description: 'Mere de sezon, 200 kg pe săptămână.', keywords: ['mere'],
    });
    await t.app.services.offers.moderate(admin, req._id, 'approve');
    await u.tap('menu:offers_browse', 'Oferte de cooperare active: 1 ofertă.');
    const offer = await u.u.expect('Căutăm mere pentru magazin');
    expect(offer.text).toContain('Căutăm un furnizor'); // the partnership said from the author's side
    expect(offer.text).toContain('Magazinul Satului · Soroca');
    expect(buttons(offer)).toContainEqual({ text: '📋 Copiați numărul', copy_text: { text: '+37369000555' } });
    expect(buttons(offer).map((b) => b.callback_data)).toContain('ofb:request:-:-'); // the filters follow the cards
    // Filters: offers only → none; Latvia → none; back to requests → the card again.
    await u.tap('ofb:offer:-:-', 'Încă nu există oferte active pentru aceste filtre.');
    await u.tap('ofb:-:LV:-', 'Încă nu există oferte active');
    const sectors = await u.tap('ofbs:-:-', 'Oferte din ce sector?');
    expect(buttons(sectors).map((b) => b.callback_data)).toContain('ofb:-:-:A');
    await u.tap('ofb:-:-:A', 'Oferte de cooperare active: 1 ofertă.');
  });

  it('staff: the home shows the queue; its buttons start the staff commands', async () => {
    const owner = await t.app.services.users.touch({ channel: 'telegram', externalId: '8399', chatId: '8399' });
    await t.app.services.directory.submit(owner, {
      name: 'Ferma Nouă', sectors: ['A'], activity: 'lapte', country: 'MD', districtId: 'md-drochia', locality: 'Drochia',
      description: 'Lapte proaspăt.', keywords: ['lapte'], phone: '+37369000444', languages: ['ro'],
    });
    const s = counting(t.tg.user(STAFF_ID, { language_code: 'en', first_name: 'Eva' }));
    const home = await s.say('/start', 'Hello, Eva!');
    expect(home.text).toMatch(/Waiting for review: \d+ items?\./);
    const data = buttons(home).map((b) => b.callback_data);
    expect(data).toEqual(expect.arrayContaining(['menu:pending', 'menu:broadcast', 'menu:stats', 'menu:export', 'menu:import']));
    expect(buttons(home).find((b) => b.callback_data === 'menu:pending')!.text).toMatch(/To review \(\d+\)/);
    await s.tap('menu:pending', 'Ferma Nouă');
    const menu = await t.tg.waitUntil(() => chatMenu(STAFF_ID));
    expect(menu.params.commands.map((c: { command: string }) => c.command)).toEqual(expect.arrayContaining(['pending', 'broadcast', 'stats', 'export', 'import', 'grant']));
    const help = await s.say('/help', 'Commands you can use');
    expect(help.text).toContain('/pending');
  });
});
