/**
 * Moderation that fixes: the card shows the logo and names (no codes) and how long it has waited; staff
 * correct a field and approve in one tap (audited; the owner reads what changed in their language);
 * rejecting asks first; the daily reminder reaches the right LAG's staff once a day, across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/clock.js';
import { MODERATION_REMINDER_JOB } from '../../services/moderation-reminders.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008020000009091683600000016494441547801636460f8cfc0c0c0c0c4c0c0c0c0000007e40101e52bd70000000049454e44ae426082', 'hex');

describe('moderation that fixes', () => {
  let t: TestApp;
  let staff: FakeUser;
  let lvStaff: FakeUser;
  let owner: FakeUser;
  let listingId = '';
  const clock = new ManualClock(new Date('2026-11-20T07:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '7001' }, clock });
    const admin = t.tg.user(7001, { language_code: 'en' });
    staff = t.tg.user(7002, { language_code: 'en', username: 'elena' });
    lvStaff = t.tg.user(7004, { language_code: 'lv', username: 'ilze' });
    owner = t.tg.user(7003, { language_code: 'ro' });
    for (const u of [admin, staff, lvStaff, owner]) await u.say('/start', /./);
    await admin.say('/grant @elena md-nord', 'is now staff');
    await admin.say('/grant @ilze lv-lielupe', 'is now staff');
    const s = t.app.services;
    const o = (await s.users.byExternal('telegram', '7003'))!;
    const logoId = await s.store.blobs.put(PNG, 'image/png');
    const l = await s.directory.submit(o, {
      name: 'Livda Veche', sectors: ['A', 'I'], activity: 'Livadă și pensiune', country: 'MD', districtId: 'md-soroca', locality: 'Cosăuți',
      description: 'Mere, pere și cazare la livadă.', keywords: ['mere'], phone: '+37369123456', languages: ['ro', 'ru'], logoId,
    });
    listingId = l._id;
  }, 30_000);
  afterAll(async () => t?.close());

  it('/pending shows the logo, names instead of codes and the waiting time', async () => {
    clock.set(new Date('2026-11-22T08:00:00Z'));
    const since = staff.messages().length;
    staff.send('/pending');
    const card = await staff.expect('Livda Veche', { since });
    expect(card.photo).toBe(true);
    expect(card.caption).toContain('Submitted 2 days ago');
    expect(card.caption).toContain('Russian');
    expect(card.caption).not.toMatch(/Languages spoken: ro/);
    expect(card.caption).toContain('Accommodation');
    expect(buttons(card).map((b) => b.callback_data)).toEqual(expect.arrayContaining([`mod:ok:${listingId}`, `mod:ed:${listingId}`]));
  });

  it('rejecting asks first; Back puts the card buttons back', async () => {
    const card = [...staff.messages()].reverse().find((m) => buttons(m).some((b) => b.callback_data === `mod:no:${listingId}`))!;
    staff.press(`mod:no:${listingId}`);
    await t.tg.waitUntil(() => buttons(card).some((b) => b.callback_data === `mod:NO:${listingId}`), 5000, 'the confirmation');
    expect((await t.app.services.directory.byId(listingId))!.status).toBe('pending');
    staff.press(`mod:bk:${listingId}`);
    await t.tg.waitUntil(() => buttons(card).some((b) => b.callback_data === `mod:ok:${listingId}`), 5000, 'the card buttons');
  });

  it('staff correct a typo and approve in one tap; the owner reads the change in Romanian', async () => {
    await staff.tap(`mod:ed:${listingId}`, 'Which field of “Livda Veche”');
    await staff.tap('sef:name', /name/i);
    const corrected = await staff.say('Livada Veche', 'Corrected by you');
    expect(corrected.caption).toContain('Livada Veche');
    expect(buttons(corrected).some((b) => b.callback_data === `mod:ok:${listingId}`)).toBe(true);
    expect((await t.app.services.directory.byId(listingId))!.status).toBe('pending');

    const since = owner.messages().length;
    await staff.tap(`mod:ok:${listingId}`, 'is published');
    const told = await owner.expect('Echipa GAL a corectat', { since });
    expect(told.text).toContain('Denumire: Livada Veche');
    expect(told.text).toContain('/b/livada-veche'); // never published: the public address follows the corrected name
    const audit = await t.app.services.directory.audit.find({ targetId: listingId, action: 'listing.staff_edit' });
    expect(audit.map((a) => a.note)).toEqual(['name: Livda Veche → Livada Veche']);
    expect(audit[0].actorId).toBe((await t.app.services.users.byExternal('telegram', '7002'))!._id);
  });

  it('staff correct a pending offer\'s title and approve it; the owner reads the corrected title', async () => {
    const s = t.app.services;
    const o = (await s.users.byExternal('telegram', '7003'))!;
    const offer = await s.offers.create(o, {
      kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: ['MD'], targetDistricts: [], title: 'Mere pntru export', description: 'Livrăm mere de Soroca.', keywords: ['mere'],
    } as never);
    const card = await staff.expect('Mere pntru export');
    expect(buttons(card).map((b) => b.callback_data)).toContain(`omod:ed:${offer._id}`);
    await staff.tap(`omod:ed:${offer._id}`, 'What do you want to correct in this offer?');
    await staff.tap('sof:title', 'A short title');
    await staff.say('x', 'A short title'); // too short: the reason and the question again
    const corrected = await staff.say('Mere pentru export', 'Corrected by you');
    expect(corrected.text).toContain('Mere pentru export');
    const since = owner.messages().length;
    await staff.tap(`omod:ok:${offer._id}`, 'Mere pentru export');
    const told = await owner.expect('Echipa GAL a corectat', { since });
    expect(told.text).toContain('Titlul: Mere pentru export');
    const audit = await s.offers.audit.find({ targetId: offer._id, action: 'offer.staff_edit' });
    expect(audit.map((a) => a.note)).toEqual(['title: Mere pntru export → Mere pentru export']);
  }, 30_000);

  it('the daily reminder goes to the waiting LAG\'s staff and admins, once a day, across a restart', async () => {
    const s = t.app.services;
    const o = (await s.users.byExternal('telegram', '7003'))!;
    await s.directory.listings.updateOne({ _id: listingId }, { $set: { ownerId: 'someone-else' } }); // one business per owner
    await s.directory.submit(o, {
      name: 'Brânzeturi Bălți', sectors: ['C'], activity: 'Brânză', country: 'MD', districtId: 'md-balti', locality: '',
      description: 'Brânză de oaie.', keywords: ['branza'], phone: '+37369123456', languages: ['ro'],
    });
    clock.advance(3600_000); // one hour: nothing has waited a day yet
    expect(await s.scheduler.run(MODERATION_REMINDER_JOB)).toBe(true);
    expect(staff.messages().some((m) => m.text?.includes('more than 24 hours'))).toBe(false);

    clock.advance(25 * 3600_000);
    expect(await s.scheduler.run(MODERATION_REMINDER_JOB)).toBe(true);
    const reminder = await staff.expect('Waiting for a decision for more than 24 hours');
    expect(reminder.text).toContain('1 listing');
    expect(reminder.text).toContain('/pending');
    t = await t.restart();
    expect(await t.app.services.scheduler.run(MODERATION_REMINDER_JOB)).toBe(false); // lease held: not twice today
    await new Promise((r) => setTimeout(r, 300));
    expect(staff.messages().filter((m) => m.text?.includes('more than 24 hours'))).toHaveLength(1);
    expect(lvStaff.messages().some((m) => m.text?.includes('24'))).toBe(false);

    clock.advance(24 * 3600_000);
    expect(await t.app.services.scheduler.run(MODERATION_REMINDER_JOB)).toBe(true);
    await t.tg.waitUntil(() => staff.messages().filter((m) => m.text?.includes('more than 24 hours')).length === 2, 5000, 'the next day\'s reminder');
  }, 40_000);
});
