/**
 * /help and the command menus list exactly what each role may use: /events for everyone, /poster for owners
 * and staff, staff tools only for staff; every listed command has a description in every language and a
 * handler that answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNames, commandsFor } from '../../bot/telegram/commands.js';
import { LOCALES } from '../../models/user.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

const helpCommands = (text: string) => [...text.matchAll(/^\/(\w+) — /gm)].map((m) => m[1]);

describe('/help and menus per role', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 30_000);
  afterAll(async () => t?.close());

  it('every listed command has a description in ro, ru, en and lv', () => {
    for (const lng of LOCALES) {
      for (const role of ['customer', 'owner', 'staff'] as const) {
        for (const c of commandsFor(lng, role, true)) expect([`commands:${c.command}`, c.command, ''], `${lng} ${c.command}`).not.toContain(c.description);
      }
    }
  });

  it('a customer: /events in /help and in the default menu; no owner or staff command', async () => {
    const u = t.tg.user(4101, { language_code: 'en' });
    await u.say('/start', 'Hello');
    const help = await u.say('/help', 'Commands you can use');
    const listed = helpCommands(help.text!);
    expect(listed).toEqual(commandNames('customer'));
    expect(listed).toContain('events');
    expect(listed).not.toContain('poster');
    expect(listed).not.toContain('pending');
    const menu = t.tg.callsOf('setMyCommands').find((c) => c.params.language_code === 'en' && !c.params.scope)!;
    expect(menu.params.commands.map((c: { command: string }) => c.command)).toContain('events');
    // And /events answers a customer.
    await u.say('/events', /event/i);
  });

  it("a returning user's /start sets no chat menu again (one call per chat, not per update)", async () => {
    const u = t.tg.user(4103, { language_code: 'en' });
    const chatMenuCalls = () => [...t.tg.callsOf('setMyCommands'), ...t.tg.callsOf('deleteMyCommands')].filter((c) => c.params.scope?.chat_id === 4103).length;
    await u.say('/start', 'Hello');
    // The menu is set right after the greeting goes out.
    await t.tg.waitUntil(() => chatMenuCalls() === 1, 5000, 'the chat menu');
    await u.say('/start', 'Hello');
    await u.say('/start', 'Hello');
    // One chat's updates are handled in order: /help is answered after the last /start's handler is done.
    await u.say('/help', 'Commands you can use');
    expect(chatMenuCalls()).toBe(1);
  });

  it('an owner: /poster and /events in /help and in their menu', async () => {
    const u = t.tg.user(4102, { language_code: 'en' });
    await u.say('/start', 'Hello');
    const s = t.app.services;
    const owner = (await s.users.byExternal('telegram', '4102'))!;
    await s.directory.submit(owner, {
      name: 'Stupina Nord', sectors: ['A'], activity: 'Miere', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
      description: 'Miere de salcâm din Soroca.', keywords: ['miere'], phone: '+37369123456', languages: ['ro'],
    });
    const help = await u.say('/help', 'Commands you can use');
    const listed = helpCommands(help.text!);
    expect(listed).toEqual(commandNames('owner'));
    expect(listed).toEqual(expect.arrayContaining(['poster', 'events', 'mybusiness']));
    expect(listed).not.toContain('pending');
    expect(commandsFor('en', 'owner').map((c) => c.command)).toContain('poster');
    // /poster answers an owner (not published yet: says so).
    await u.say('/poster', /./);
  });
});
