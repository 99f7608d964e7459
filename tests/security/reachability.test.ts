/**
 * my_chat_member: only the private chat's status says whether a user can be reached. Removing the bot from
 * a group (or the bot leaving one) must not mark the person who did it unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserModel } from '../../models/user.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { BOT_ID } from '../helpers/fake-telegram.js';

const bot = { id: BOT_ID, is_bot: true, first_name: 'bot' };

function chatMember(userId: number, chat: Record<string, unknown>, from: string, to: string) {
  return {
    my_chat_member: {
      chat, from: { id: userId, is_bot: false, first_name: `U${userId}` }, date: 0,
      old_chat_member: { status: from, user: bot }, new_chat_member: { status: to, user: bot, ...(to === 'kicked' ? { until_date: 0 } : {}) },
    },
  };
}

describe('reachability from my_chat_member', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const reachable = async (id: number) => (await t.app.services.store.collection(UserModel).findOne({ externalId: String(id) }))?.reachable;

  it('a group removal or the bot leaving a group leaves the remover reachable; a private block does not', async () => {
    const a = t.tg.user(6101, { language_code: 'en' });
    const b = t.tg.user(6102, { language_code: 'en' });
    await a.say('/start', 'Hello');
    await b.say('/start', 'Hello');
    // A removes the bot from a group, bans it in a supergroup, and it is kicked from a channel.
    t.tg.pushUpdate(chatMember(6101, { id: -100123, type: 'group', title: 'Friends' }, 'member', 'left'));
    t.tg.pushUpdate(chatMember(6101, { id: -100124, type: 'supergroup', title: 'LAG' }, 'administrator', 'kicked'));
    t.tg.pushUpdate(chatMember(6101, { id: -100125, type: 'channel', title: 'News' }, 'administrator', 'left'));
    // B blocks the bot in the private chat: handled after A's group updates were fetched.
    t.tg.pushUpdate(chatMember(6102, { id: 6102, type: 'private', first_name: 'B' }, 'member', 'kicked'));
    for (let i = 0; i < 200 && (await reachable(6102)) !== false; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(await reachable(6101)).toBe(true);
    expect(await reachable(6102)).toBe(false);

    // The private chat of A still counts.
    t.tg.pushUpdate(chatMember(6101, { id: 6101, type: 'private', first_name: 'A' }, 'member', 'kicked'));
    for (let i = 0; i < 200 && (await reachable(6101)) !== false; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await reachable(6101)).toBe(false);
  });
});
