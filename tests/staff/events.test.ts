/**
 * A LAG event from creation to the last reminder: staff compose it (texts in two languages, time in the
 * LAG's zone, online link, one seat), the invitation goes out through the broadcast engine with answer
 * buttons in each person's language; the first "I'll come" gets the seat and an .ics file, the next one the
 * waiting list, and moves up when the first cancels; staff list and export the registrants (formula cells
 * neutralised); reminders a day and an hour before are sent once each, across a restart (fake clock).
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/clock.js';
import { EVENT_REMINDER_JOB } from '../../services/lag-events.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';

describe('LAG events', () => {
  let t: TestApp;
  let staff: FakeUser;
  let ana: FakeUser;
  let ben: FakeUser;
  let eventId = '';
  const clock = new ManualClock(new Date('2026-11-20T08:00:00Z'));

  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '9901' }, clock });
    const admin = t.tg.user(9901, { language_code: 'en' });
    staff = t.tg.user(9902, { language_code: 'en', username: 'doina' });
    ana = t.tg.user(9903, { language_code: 'ro', first_name: 'Ana' });
    ben = t.tg.user(9904, { language_code: 'en', first_name: '=HYPERLINK("x")' });
    for (const u of [admin, staff, ana, ben]) await u.say('/start', /./);
    await admin.say('/grant @doina md-nord', 'is now staff');
    const s = t.app.services;
    let n = 0;
    for (const id of ['9903', '9904']) {
      const u = (await s.users.byExternal('telegram', id))!;
      await s.directory.listings.insert({ slug: `ev-${++n}`, ownerId: u._id, status: 'published', name: `Ferma ${id}`, sectors: ['A'], country: 'MD',
        districtId: 'md-soroca', lagId: 'md-nord', phone: '+37369123456', keywords: [], languages: [], createdAt: new Date(), updatedAt: new Date() });
    }
  }, 30_000);
  afterAll(async () => t?.close());

  it('staff create an event; bad answers get a reason; invitations go out in each language with answer buttons', async () => {
    const menu = await staff.say('/events', 'No events');
    expect(buttons(menu).map((b) => b.callback_data)).toContain('ev:new');
    await staff.tap('ev:new', 'The title (🇬🇧 English)');
    await staff.say('Master class: honey for export', 'The description');
    await staff.say('Two hours with an exporter from Jelgava.', 'another language');
    await staff.tap('evl:ro', 'The title (🇲🇩 Română)');
    await staff.say('Atelier: miere pentru export', 'The description (🇲🇩 Română)');
    await staff.say('Două ore cu un exportator din Jelgava, ședință practică.', 'another language');
    await staff.tap('evl:no', 'Date and time');
    await staff.say('2026-02-30 10:00', 'could not read');
    await staff.say('2026-11-23 10:00', 'Where?');
    await staff.say('https://meet.example.md/miere', 'How many seats?');
    await staff.say('many', 'number from 1');
    await staff.say('1', 'Who gets the invitation?');
    const preview = await staff.tap('eva:ent', 'Send the invitations?');
    expect(staff.messages().some((m) => m.text?.includes('will go to 2 recipients'))).toBe(true);
    expect(preview.text).toBeDefined();
    await staff.tap('evgo:go', 'Sending to 2 recipients');
    const invite = await ana.expect('Invitație: Atelier: miere pentru export', { timeoutMs: 10_000 });
    expect(invite.text).toContain('23 noiembrie 2026');
    expect(invite.text).toContain('10:00');
    expect(buttons(invite).map((b) => b.text)).toEqual(['✅ Vin', '🙅 Nu de data asta']);
    const benInvite = await ben.expect('Invitation: Master class: honey for export', { timeoutMs: 10_000 });
    eventId = buttons(benInvite)[0].callback_data!.slice(5);
    const e = (await t.app.services.lagEvents.byId(eventId))!;
    expect(e.startsAt.toISOString()).toBe('2026-11-23T08:00:00.000Z'); // Chișinău is UTC+2 in November
    await staff.expect('Broadcast finished');
  }, 60_000);

  it('one seat: the first gets it and an .ics, the second waits and moves up when the first cancels', async () => {
    await ana.tap(`ev:y:${eventId}`, 'V-ați înscris');
    const ics = await t.tg.waitUntil(() => ana.messages().find((m) => m.document?.filename === 'event.ics'), 5000, 'the .ics');
    const cal = ics.document!.data!.toString('utf8');
    expect(cal).toContain('DTSTART:20261123T080000Z');
    expect(cal).toContain('SUMMARY:Atelier: miere pentru export');
    await ben.tap(`ev:y:${eventId}`, 'waiting list');

    await staff.say('/events', 'Upcoming events');
    await t.tg.waitUntil(() => staff.messages().some((m) => buttons(m).some((b) => b.callback_data === `ev:l:${eventId}`)), 5000, 'the staff event card');
    const list = await staff.tap(`ev:l:${eventId}`, '1 registered of 1');
    expect(list.text).toContain('Ana (Ferma 9903) — coming');
    expect(list.text).toContain('waiting list');
    staff.press(`ev:x:${eventId}:csv`);
    const csvMsg = await t.tg.waitUntil(() => staff.messages().find((m) => m.document?.filename?.endsWith('.csv')), 5000, 'the CSV');
    const rows = parse(csvMsg.document!.data!.toString('utf8'), { bom: true }) as string[][];
    expect(rows[0]).toEqual(['Name', 'Business', 'Answer', 'When']);
    expect(rows.map((r) => r[0])).toContain('\'=HYPERLINK("x")'); // never a formula
    expect(rows.map((r) => r[0])).not.toContain('=HYPERLINK("x")');

    await ana.tap(`ev:n:${eventId}`, 'Am notat');
    await ben.expect('A seat freed up');
    expect((await t.app.services.lagEvents.rsvpOf(eventId, (await t.app.services.users.byExternal('telegram', '9904'))!._id))!.status).toBe('going');
    expect((await t.app.services.lagEvents.byId(eventId))!.going).toBe(1);
    const mine = await ben.say('/events', 'Upcoming events');
    expect(mine).toBeDefined();
    await ben.expect('You are registered.');
  }, 30_000);

  it('reminders a day and an hour before, each once, across a restart', async () => {
    const reminders = (needle: string) => ben.messages().filter((m) => m.text?.includes(needle)).length;
    clock.set(new Date('2026-11-22T08:30:00Z'));
    expect(await t.app.services.scheduler.run(EVENT_REMINDER_JOB)).toBe(true);
    await ben.expect('Tomorrow: “Master class: honey for export”');
    expect(ana.messages().some((m) => m.text?.includes('Mâine'))).toBe(false); // she cancelled

    t = await t.restart();
    await t.app.services.scheduler.run(EVENT_REMINDER_JOB);
    clock.advance(10 * 60_000);
    await t.app.services.scheduler.run(EVENT_REMINDER_JOB);
    await new Promise((r) => setTimeout(r, 300));
    expect(reminders('Tomorrow')).toBe(1);

    clock.set(new Date('2026-11-23T07:05:00Z'));
    expect(await t.app.services.scheduler.run(EVENT_REMINDER_JOB)).toBe(true);
    const hour = await ben.expect('In one hour');
    expect(buttons(hour)[0].url).toBe('https://meet.example.md/miere');
    clock.advance(5 * 60_000);
    await t.app.services.scheduler.run(EVENT_REMINDER_JOB);
    await new Promise((r) => setTimeout(r, 300));
    expect(reminders('In one hour')).toBe(1);
    expect(reminders('Tomorrow')).toBe(1);
  }, 30_000);

  it('someone holding a seat erases their data (/deleteme): the first on the waiting list moves up', async () => {
    const s = t.app.services;
    const cara = t.tg.user(9905, { language_code: 'en', first_name: 'Cara' });
    await cara.say('/start', /./);
    const caraUser = (await s.users.byExternal('telegram', '9905'))!;
    expect((await s.lagEvents.rsvp(caraUser, eventId, true)).status).toBe('waiting');
    await s.privacy.deleteUser((await s.users.byExternal('telegram', '9904'))!);
    await cara.expect('A seat freed up');
    expect((await s.lagEvents.rsvpOf(eventId, caraUser._id))!.status).toBe('going');
    expect((await s.lagEvents.byId(eventId))!.going).toBe(1);
  }, 30_000);
});
