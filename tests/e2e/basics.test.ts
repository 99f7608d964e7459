/** First contact, language choice, command menus per language and role, and the incoming rate limit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserModel } from '../../models/user.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '5555', RATE_LIMIT_PER_MINUTE: '8', DEFAULT_LOCALE: 'ro' } });
  });
  afterAll(async () => t?.close());

  it('greets a new user in their Telegram language with the customer home: search, browse, register, language, help', async () => {
    const u = t.tg.user(1001, { language_code: 'ru' });
    const m = await u.say('/start', 'Здравствуйте');
    expect(m.text).toContain('просто напишите, что ищете');
    expect(m.reply_markup.inline_keyboard.flat().map((b: any) => b.callback_data)).toEqual(['menu:search', 'menu:browse', 'menu:register', 'menu:language', 'menu:help']);
  });

  it('falls back to DEFAULT_LOCALE for unsupported or missing Telegram languages', async () => {
    await t.tg.user(1002, { language_code: 'de' }).say('/start', 'Bună');
    await t.tg.user(1003).say('/help', 'Comenzile pe care le puteți folosi');
  });

  it('/language switches everything to the chosen language and sets that user\'s command menu', async () => {
    const u = t.tg.user(1004, { language_code: 'en' });
    await u.say('/language', 'Choose your language');
    u.press('lang:lv');
    await t.tg.waitUntil(() => u.messages().find((m) => m.text === 'Valoda nomainīta: 🇱🇻 Latviešu.'), 5000, 'edited confirmation');
    await u.say('/help', 'Komandas, ko varat izmantot');
    const menu = await t.tg.waitUntil(() => t.tg.callsOf('setMyCommands').find((c) => c.params.scope?.chat_id === 1004));
    expect(menu.params.commands.find((c: any) => c.command === 'register').description).toBe('Reģistrēt uzņēmumu');
    expect(menu.params.commands.some((c: any) => c.command === 'pending')).toBe(false);
    expect((await t.app.services.store.collection(UserModel).findOne({ externalId: '1004' }))?.localeChosen).toBe(true);
  });

  it('registers command menus per language at start; staff see staff commands in their chat only', async () => {
    const defaults = t.tg.callsOf('setMyCommands').filter((c) => !c.params.scope);
    expect(defaults.map((c) => c.params.language_code ?? 'default').sort()).toEqual(['default', 'en', 'lv', 'ro', 'ru']);
    for (const c of defaults) expect(c.params.commands.some((x: any) => x.command === 'pending')).toBe(false);
    const ru = defaults.find((c) => c.params.language_code === 'ru')!;
    expect(ru.params.commands.find((x: any) => x.command === 'search').description).toBe('Поиск в каталоге');

    const admin = t.tg.user(5555, { language_code: 'en' });
    await admin.say('/start', 'Hello');
    const menu = await t.tg.waitUntil(() => t.tg.callsOf('setMyCommands').find((c) => c.params.scope?.chat_id === 5555));
    expect(menu.params.commands.some((c: any) => c.command === 'pending')).toBe(true);
    expect((await t.app.services.users.byExternal('telegram', '5555'))?.role).toBe('admin');
  });

  it('rate-limits a flooding user with one polite warning, then answers again later', async () => {
    const u = t.tg.user(1005, { language_code: 'en' });
    for (let i = 0; i < 20; i++) u.send(`hello ${i}`);
    await u.expect('Too many messages');
    await new Promise((r) => setTimeout(r, 500));
    const texts = u.messages().map((m) => m.text);
    expect(texts.filter((x) => x?.startsWith('Too many messages'))).toHaveLength(1);
    // Plain text is a search: every message that got through was searched.
    expect(texts.filter((x) => x?.startsWith('Nothing found for “hello')).length).toBe(8);
  });

  it('GET /healthz reports the store; /media of an unknown id is a 404', async () => {
    expect(await fetch(`${t.app.url}/healthz`).then((r) => r.json())).toEqual({ ok: true, store: { engine: 'embedded', ok: true } });
    expect((await fetch(`${t.app.url}/media/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${t.app.url}/media/AAAAAAAAAAAA.png`)).status).toBe(404);
  });
});
