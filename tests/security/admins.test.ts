/**
 * STAFF_TELEGRAM_IDS is the truth at every start: an admin removed from the list loses the role at the next
 * start (audited), cannot /export, /broadcast or /grant any more, and the remaining admins are told.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AuditModel } from '../../models/audit.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('admins follow STAFF_TELEGRAM_IDS', () => {
  let t: TestApp | undefined;
  afterAll(async () => t?.close());

  it('an id taken off the list loses admin at the next start; the others are told in their language', async () => {
    const first = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '8101,8102' } });
    const a = first.tg.user(8101, { language_code: 'ro', username: 'ana' });
    const b = first.tg.user(8102, { language_code: 'en', username: 'boris' });
    await a.say('/start', 'Bună');
    await b.say('/start', 'Hello');
    b.send('/export');
    await first.tg.waitUntil(() => first.tg.sent.find((m) => m.chat_id === 8102 && m.document?.filename === 'directory.csv'));
    expect((await first.app.services.users.byExternal('telegram', '8102'))!.role).toBe('admin');
    await first.app.stop();

    t = await startTestApp({ tg: first.tg, dataDir: first.dataDir, env: { STAFF_TELEGRAM_IDS: '8101' } });
    const s = t.app.services;
    const bUser = (await s.users.byExternal('telegram', '8102'))!;
    expect(bUser.role).toBe('user');
    expect((await s.users.byExternal('telegram', '8101'))!.role).toBe('admin');
    const notice = await a.expect('@boris nu mai este administrator');
    expect(notice.text).toContain('8102');
    const audit = await t.app.services.store.collection(AuditModel).find({ targetId: bUser._id, action: 'admin.revoke' });
    expect(audit).toHaveLength(1);
    expect(audit[0].actorId).toBe('system');

    const since = b.messages().length;
    for (const cmd of ['/export', '/broadcast', '/grant @ana md-nord', '/pending', '/stats']) {
      await b.say(cmd, 'This command is not available.');
    }
    expect(t.tg.sent.filter((m) => m.chat_id === 8102 && m.document)).toHaveLength(2);
    expect(b.messages().slice(since).every((m) => m.text === 'This command is not available.')).toBe(true);
    expect((await s.users.byExternal('telegram', '8102'))!.role).toBe('user');

    // A start with the same list changes nothing and tells nobody again.
    const told = a.messages().length;
    t = await t.restart();
    await a.say('/help', 'Comenzile pe care le puteți folosi');
    expect(a.messages().slice(told).filter((m) => m.text?.includes('nu mai este administrator'))).toHaveLength(0);
    expect(await t.app.services.store.collection(AuditModel).count({ action: 'admin.revoke' })).toBe(1);
  }, 60_000);
});
