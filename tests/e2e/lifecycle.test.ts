/**
 * What happens around registration: a restart mid-flow resumes it, /cancel and other commands leave it,
 * an API failure mid-flow doesn't trap the user, /mybusiness edits (moderated vs contact fields), /deleteme.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvModel } from '../../models/kv.js';
import { ListingModel } from '../../models/listing.js';
import { UserModel } from '../../models/user.js';
import { buttons } from '../helpers/fake-telegram.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { registerRomanian } from '../helpers/flows.js';

const STAFF_ID = 9101;

describe('registration lifecycle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: String(STAFF_ID) } });
  });
  afterAll(async () => t?.close());

  it('resumes a registration after a restart exactly where the user was', async () => {
    const u = t.tg.user(3001, { language_code: 'en' });
    await u.say('/register', 'What is the name');
    await u.say('Jelgava Bakery', 'Choose your sectors');
    u.press('sec:C');
    await u.tap('sec:!done', 'Describe your activity');

    t = await t.restart();

    await u.say('bakery, rye bread', 'Where is your business');
    await u.tap('dst:lv-jelgava', 'Which locality');
    const saved = await t.app.services.store.collection(KvModel).findOne({ ns: 'conversations' });
    expect(saved).not.toBeNull();
    await u.say('/cancel', 'OK, cancelled');
    // After /cancel, free text is no longer taken as an answer: it is a search.
    await u.say('Jelgava', 'Nothing found for “Jelgava”');
    expect(await t.app.services.store.collection(ListingModel).count({ name: 'Jelgava Bakery' })).toBe(0);
    // The answers were kept: /register continues at the locality.
    const back = await u.say('/register', 'Welcome back');
    expect(back.text).toContain('step 5 of 19');
    await u.expect('Which locality');
  });

  it('a command in the middle of registration asks first; Leave runs the command, the answers are kept', async () => {
    const u = t.tg.user(3002, { language_code: 'en' });
    await u.say('/register', 'What is the name');
    await u.say('Some Name', 'Choose your sectors');
    await u.say('/help', 'Leave the registration? Your answers are kept');
    await u.tap('reg:leave', 'Commands you can use');
    await u.say('Some Name', 'Nothing found for “Some Name”');
    await u.say('/register', 'Welcome back');
    await u.expect('Step 2 of 19');
  });

  it('a 429 inside a conversation is retried transparently; a hard API failure never traps the user', async () => {
    const u = t.tg.user(3003, { language_code: 'en' });
    await u.say('/register', 'What is the name');
    t.tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 1', { retryAfter: 1 });
    await u.say('Flooded Ltd', 'Choose your sectors');
    expect(t.tg.callsOf('sendMessage').filter((c) => c.params.chat_id === 3003 && /Choose your sectors/.test(c.params.text))).toHaveLength(2);

    u.press('sec:F');
    t.tg.failNext('sendMessage', 400, 'Bad Request: something odd');
    const since = u.messages().length;
    u.press('sec:!done');
    // The step's message failed for good: the user is told, and nothing is left hanging.
    await u.expect('Something went wrong', { since });
    // The answers given before the failure were kept: /register continues, or starts over on request.
    await u.say('/register', 'Welcome back');
    await u.expect('Describe your activity');
    await u.tap('reg:new', 'What is the name');
    await u.say('Recovered Ltd', 'Choose your sectors');
    await u.say('/cancel', 'OK, cancelled');
  });

  it('/mybusiness edits: a contact edit applies at once, a description edit goes back to moderation', async () => {
    const staff = t.tg.user(STAFF_ID, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = t.tg.user(3004, { language_code: 'ro' });
    await registerRomanian(u, 'Livada Nordului');
    await u.tap('step:skip', 'Verificați datele');
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    const listing = (await t.app.services.directory.listings.findOne({ name: 'Livada Nordului' }))!;
    await staff.tap(`mod:ok:${listing._id}`, 'is published');

    const card = await u.say('/mybusiness', 'Livada Nordului');
    expect(card.text).toContain('publicată');
    expect(buttons(card).some((b) => b.url === `http://lag.test/b/${listing.slug}`)).toBe(true);

    await u.tap('biz:f:phone', 'Numărul de telefon');
    await u.say('+373 231 22 333', 'Salvat ✅');
    let now = (await t.app.services.directory.byId(listing._id))!;
    expect(now.phone).toBe('+37323122333');
    expect(now.status).toBe('published');

    const staffSince = staff.messages().length;
    await u.tap('biz:f:description', 'Descrieți afacerea');
    await u.say('Mere și suc de mere din livada noastră de lângă Soroca.', 'va fi verificată');
    now = (await t.app.services.directory.byId(listing._id))!;
    expect(now.status).toBe('pending');
    expect(now.description).toContain('suc de mere');
    await staff.expect('Changed business to review', { since: staffSince });
  });

  it('/deleteme removes the user, their listing, photos and conversation state', async () => {
    const u = t.tg.user(3005, { language_code: 'ro' });
    await registerRomanian(u, 'Dzēšamais SIA');
    const { default: sharp } = await import('sharp');
    const since = u.messages().length;
    u.sendPhoto(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).jpeg().toBuffer(), { width: 64, height: 64 });
    await u.expect('Verificați datele', { since });
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    const listing = (await t.app.services.directory.listings.findOne({ name: 'Dzēšamais SIA' }))!;
    expect(listing.logoId).toBeTruthy();
    await u.say('/register', 'Aveți deja afacerea');

    await u.say('/deleteme', 'Sigur ștergeți');
    u.press('del:no');
    // The answer replaces the question in place.
    await t.tg.waitUntil(() => u.messages().find((m) => m.text === 'Bine, nu am șters nimic.'), 10_000, 'kept');
    expect(await t.app.services.directory.byId(listing._id)).not.toBeNull();

    await u.say('/deleteme', 'Sigur ștergeți');
    u.press('del:yes');
    await t.tg.waitUntil(() => u.messages().find((m) => m.text?.startsWith('Datele dvs. au fost șterse')), 10_000, 'deletion confirmation');
    const store = t.app.services.store;
    expect(await store.collection(ListingModel).findById(listing._id)).toBeNull();
    expect(await store.blobs.get(listing.logoId!)).toBeNull();
    expect(await store.collection(UserModel).findOne({ externalId: '3005' })).toBeNull();
    expect(await store.kv('conversations').read('3005')).toBeUndefined();
  });

  it('marks a user unreachable when they block the bot, and reachable again when they write', async () => {
    const u = t.tg.user(3006, { language_code: 'en' });
    await u.say('/start', 'Hello');
    u.block();
    const users = t.app.services.store.collection(UserModel);
    for (let i = 0; i < 100 && (await users.findOne({ externalId: '3006' }))?.reachable !== false; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await users.findOne({ externalId: '3006' }))?.reachable).toBe(false);
    await u.say('/help', 'Commands you can use');
    expect((await users.findOne({ externalId: '3006' }))?.reachable).toBe(true);
  });

  it('answers stickers and voice with a hint, outside any flow', async () => {
    const u = t.tg.user(3007, { language_code: 'en' });
    const since = u.messages().length;
    u.sendVoice();
    await u.expect('I can only read text, buttons and photos', { since });
  });
});
