import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ONLY, STAFF_ONLY } from '../../bot/telegram/features/staff.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';

const NOT_AVAILABLE = 'This command is not available.';

describe('staff permission matrix', () => {
  let t: TestApp;
  let u: Record<'admin' | 'staffHere' | 'staffThere' | 'entrepreneur' | 'stranger', FakeUser>;
  let listingId = '';

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '7001' } });
    const mk = (id: number, username: string) => t.tg.user(id, { language_code: 'en', username });
    u = { admin: mk(7001, 'boss'), staffHere: mk(7002, 'ana'), staffThere: mk(7003, 'janis'), entrepreneur: mk(7004, 'ion'), stranger: mk(7005, 'x') };
    for (const x of Object.values(u)) await x.say('/start', 'Hello');
    await u.admin.say('/grant @ana md-nord', 'is now staff');
    // Without a LAG id the admin picks it with a button.
    await u.admin.say('/grant 7003', 'Which LAG');
    await u.admin.tap('sg:' + (await t.app.services.users.byExternal('telegram', '7003'))!._id + ':lv-lielupe', 'is now staff');
    const owner = (await t.app.services.users.byExternal('telegram', '7004'))!;
    const l = await t.app.services.directory.submit(owner, {
      name: 'Stupina Soroca', sectors: ['A'], activity: 'miere', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
      description: 'Miere de salcâm', keywords: ['miere'], phone: '+37369123456', languages: ['ro'],
    });
    listingId = l._id;
  }, 60_000);
  afterAll(async () => t?.close());

  it('staff were told and got the staff command menu', async () => {
    await u.staffHere.expect('You are now LAG staff');
    const menu = t.tg.callsOf('setMyCommands').find((c) => c.params.scope?.chat_id === 7002);
    const names = menu?.params.commands.map((c: { command: string }) => c.command);
    expect(names).toContain('broadcast');
    expect(names).not.toContain('grant');
    const adminMenu = t.tg.callsOf('setMyCommands').filter((c) => c.params.scope?.chat_id === 7001).at(-1);
    expect(adminMenu?.params.commands.map((c: { command: string }) => c.command)).toEqual(expect.arrayContaining(['pending', 'grant', 'revoke']));
  });

  const denied = (who: FakeUser, cmd: string) => who.say(`/${cmd}`, NOT_AVAILABLE);

  for (const cmd of [...STAFF_ONLY, ...ADMIN_ONLY]) {
    it(`/${cmd}: entrepreneurs and strangers hear only "not available"`, async () => {
      for (const who of [u.entrepreneur, u.stranger]) {
        const m = await denied(who, cmd);
        expect(m.reply_markup).toBeUndefined();
      }
    });
  }

  it('/grant and /revoke are for admins only', async () => {
    await denied(u.staffHere, 'grant');
    await denied(u.staffThere, 'revoke');
    await u.admin.say('/grant', 'Usage: /grant');
    await u.admin.say('/revoke', 'Usage: /revoke');
    await u.admin.say('/grant @nobody_here md-nord', 'must start the bot first');
  });

  it('/pending: admin and staff of this LAG see the listing; staff of another LAG do not', async () => {
    for (const who of [u.admin, u.staffHere]) {
      const since = who.messages().length;
      who.send('/pending');
      const card = await who.expect('Stupina Soroca', { since });
      expect(card.reply_markup.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toContain(`mod:ok:${listingId}`);
    }
    await u.staffThere.say('/pending', 'Nothing is waiting for review');
  });

  it('staff of another LAG cannot approve by pressing an old button', async () => {
    t.tg.pushUpdate({ callback_query: { id: 'cb1', from: { id: 7003, is_bot: false, first_name: 'J' }, chat_instance: 'c', data: `mod:ok:${listingId}`,
      message: { message_id: 1, date: 0, chat: { id: 7003, type: 'private' }, text: 'x' } } });
    await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').find((c) => c.params.callback_query_id === 'cb1'));
    expect(t.tg.callsOf('answerCallbackQuery').find((c) => c.params.callback_query_id === 'cb1')!.params.text).toBe(NOT_AVAILABLE);
    expect((await t.app.services.directory.byId(listingId))!.status).toBe('pending');
  });

  it('/export: each sees only their LAG in the CSV (with a BOM)', async () => {
    const csvFor = async (who: FakeUser) => {
      const since = t.tg.callsOf('sendDocument').length;
      who.send('/export');
      const call = await t.tg.waitUntil(() => t.tg.callsOf('sendDocument').slice(since).find((c) => Number(c.params.chat_id) === who.id));
      return (call.params.document.data as Buffer).toString('utf8');
    };
    const here = await csvFor(u.staffHere);
    expect(here.startsWith('\uFEFF')).toBe(true);
    expect(here).toContain('Stupina Soroca');
    expect(await csvFor(u.staffThere)).not.toContain('Stupina Soroca');
    expect(await csvFor(u.admin)).toContain('Stupina Soroca');
  });

  it('/stats, /broadcast and /import open for staff', async () => {
    await u.staffHere.say('/stats', 'Activity report');
    await u.admin.say('/stats', 'For which LAG?');
    await u.staffThere.say('/broadcast', 'New broadcast');
    await u.staffThere.say('/cancel', 'cancelled');
    await u.staffHere.say('/import', '.csv or .xlsx');
    await u.staffHere.say('/cancel', 'cancelled');
  });

  it('/revoke removes the role and the audit log records grant and revoke', async () => {
    await u.admin.say('/revoke @janis', 'Take staff rights away');
    expect((await t.app.services.users.byUsername('janis'))!.role).toBe('staff'); // nothing until confirmed
    const since = u.admin.messages().length;
    u.admin.pressLabel('Yes, revoke');
    await u.admin.expect('no longer staff', { since });
    await denied(u.staffThere, 'pending');
    const actions = (await t.app.services.staff.recent(50)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['staff.grant', 'staff.revoke']));
  });
});
