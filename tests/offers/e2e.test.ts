/**
 * The two-business scenario against the real app and the fake Bot API: a Moldovan honey producer and a
 * Latvian buyer publish complementary offers through /offer, staff approve, the daily job fires at 09:00
 * local (injected clock), each side gets the match exactly once, both press Interested and receive each
 * other's contacts; an unrelated third business receives nothing; a restart after the digest sends nothing
 * again; the expiry reminder and the one extension.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../models/user.js';
import { ManualClock } from '../../services/clock.js';
import type { ListingDraft } from '../../services/directory.js';
import { JOBS } from '../../services/matching/wire.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons, type FakeUser } from '../helpers/fake-telegram.js';

const DAY = 86_400_000;
const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
let t: TestApp;
let admin: FakeUser;
let md: FakeUser;
let lv: FakeUser;
let third: FakeUser;

const services = () => t.app.services;

async function userOf(u: FakeUser): Promise<User> {
  return (await services().users.byExternal('telegram', String(u.id)))!;
}

async function listBusiness(u: FakeUser, draft: ListingDraft): Promise<void> {
  await u.say('/start', /./);
  const owner = await userOf(u);
  const listing = await services().directory.submit(owner, draft);
  await services().directory.moderate((await userOf(admin))!, listing._id, 'approve');
}

/** Callback data of every button starting with `prefix`, on every message to the user. */
function buttonData(u: FakeUser, prefix: string): string[] {
  return u.messages().flatMap((m) => buttons(m)).map((b) => b.callback_data ?? '').filter((d) => d.startsWith(prefix));
}

const matchCards = (u: FakeUser) => u.messages().filter((m) => buttons(m).some((b) => b.callback_data?.startsWith('mt:y:')) || /🤝 .*„|🤝 .*“/.test(m.text ?? ''));

/** Runs a job as its next cron tick would: a minute later (a job runs once per tick across instances). */
async function runJob(name: string): Promise<void> {
  clock.advance(60_000);
  expect(await services().scheduler.run(name)).toBe(true);
}

beforeAll(async () => {
  t = await startTestApp({ clock, env: { STAFF_TELEGRAM_IDS: '9000' } });
  admin = t.tg.user(9000, { language_code: 'en', first_name: 'Staff' });
  md = t.tg.user(2002, { language_code: 'ro', first_name: 'Ion', username: 'ion_albina' });
  lv = t.tg.user(2001, { language_code: 'lv', first_name: 'Anna', username: 'anna_lv' });
  third = t.tg.user(2003, { language_code: 'en', first_name: 'Bob' });
  await admin.say('/start', /./);
  await listBusiness(md, {
    name: 'Prisaca Albina', sectors: ['A', 'C'], activity: 'apicultură', country: 'MD', districtId: 'md-soroca', locality: 'Vădeni',
    description: 'Miere de salcâm din Soroca.', keywords: ['miere', 'ceară'], phone: '+37369123456', languages: ['ro', 'ru'], email: 'albina@example.md',
  });
  await listBusiness(lv, {
    name: 'Zemgales Medus SIA', sectors: ['G'], activity: 'vairumtirdzniecība', country: 'LV', districtId: 'lv-jelgava', locality: 'Jelgava',
    description: 'Pārtikas vairumtirdzniecība Zemgalē.', keywords: ['medus'], phone: '+37129123456', languages: ['lv', 'en'],
  });
  await listBusiness(third, {
    name: 'Roof Builders', sectors: ['F'], activity: 'construction', country: 'MD', districtId: 'md-balti', locality: 'Bălți',
    description: 'Roofs and renovation.', keywords: ['roof'], phone: '+37369555444', languages: ['en'],
  });
});
afterAll(async () => t?.close());

describe('cooperation offers end to end', () => {
  it('a Moldovan business publishes an offer through /offer (with a bad answer on the way)', async () => {
    await md.say('/offer', 'Oferiți ceva sau căutați ceva?');
    await md.tap('ofk:offer', 'Ce fel de parteneriat?');
    const sectors = await md.tap('ofy:supplier', 'Ce sectoare?');
    // Prefilled from the listing.
    expect(buttons(sectors).filter((b) => b.text.startsWith('✅')).map((b) => b.callback_data)).toEqual(['ofs:A', 'ofs:C']);
    await md.tap('ofs:!done', 'Unde căutați parteneri?');
    await md.tap('oft:LV', 'Ce novade'); // Latvia's territories are novads, not raions
    await md.tap('ofd:!all', 'Un titlu scurt');
    await md.say('x'.repeat(130), 'Prea lung: maximum 120');
    await md.say('Miere de salcâm pentru distribuitori din Letonia', 'Descrieți oferta');
    md.sendSticker();
    await md.expect('Vă rugăm să răspundeți cu text', { since: md.messages().length - 1 });
    await md.say('Producem 5 tone de miere de salcâm pe an și căutăm distribuitori în Letonia.', 'cuvinte-cheie');
    await md.say('miere, ceară, export', 'Cât timp');
    const summary = await md.tap('ofv:365', 'Verificați oferta');
    expect(summary.text).toContain('Oferim: Miere de salcâm pentru distribuitori din Letonia');
    expect(summary.text).toContain('Căutăm parteneri în: Letonia');
    await md.tap('ofq:ok', 'Mulțumim!');
    const pending = await services().offers.pending();
    expect(pending.map((o) => o.title)).toEqual(['Miere de salcâm pentru distribuitori din Letonia']);
    expect(pending[0]).toMatchObject({ kind: 'offer', type: 'supplier', sectors: ['A', 'C'], targetCountries: ['LV'], targetDistricts: [], keywords: ['miere', 'ceară', 'export'], status: 'pending' });
  });

  it('staff approve it from the moderation card', async () => {
    const [offer] = await services().offers.pending();
    await admin.expect('New cooperation offer from Prisaca Albina');
    await admin.tap(`omod:ok:${offer._id}`, 'Published: Miere de salcâm');
    await md.expect('a fost publicată');
    expect((await services().offers.byId(offer._id))!.status).toBe('published');
    // A second press finds it decided.
    expect(await services().offers.moderate(await userOf(admin), offer._id, 'reject')).toBeNull();
  });

  it('a Latvian business publishes a complementary request; a third business an unrelated one', async () => {
    await lv.say('/offer', 'Vai jūs kaut ko piedāvājat');
    await lv.tap('ofk:request', 'Kāda veida sadarbība?');
    const sectors = await lv.tap('ofy:supplier', 'Kuras nozares?');
    // Unticking the only sector: Done is refused with an alert; ticking it again is shown on the keyboard.
    const alerts = () => t.tg.callsOf('answerCallbackQuery').filter((c) => c.params.text === 'Izvēlieties vismaz vienu nozari.').length;
    const ticked = () => buttons(lv.messages().find((m) => m.message_id === sectors.message_id)!).filter((b) => b.text.startsWith('✅')).map((b) => b.callback_data);
    const editsBefore = t.tg.callsOf('editMessageReplyMarkup').length;
    lv.press('ofs:G');
    await t.tg.waitUntil(() => t.tg.callsOf('editMessageReplyMarkup').length > editsBefore);
    expect(ticked()).toEqual([]);
    lv.press('ofs:!done');
    await t.tg.waitUntil(() => alerts() === 1, 10_000, 'the "at least one sector" alert');
    lv.press('ofs:G');
    await t.tg.waitUntil(() => ticked().length === 1);
    expect(ticked()).toEqual(['ofs:G']);
    await lv.tap('ofs:!done', 'Kur meklējat partnerus?');
    await lv.tap('oft:MD', 'Kuri rajoni'); // Moldova's territories are raions
    await lv.tap('ofd:!all', 'Īss piedāvājuma nosaukums');
    await lv.say('Meklējam medus piegādātāju', 'Aprakstiet piedāvājumu');
    await lv.say('Meklējam kvalitatīva medus piegādātāju no Moldovas veikaliem Zemgalē.', 'atslēgvārdiem');
    await lv.say('medus, vasks', 'Cik ilgi');
    await lv.tap('ofv:365', 'pārbaudiet piedāvājumu');
    await lv.tap('ofq:ok', 'Paldies!');
    const [lvOffer] = await services().offers.pending();
    await admin.tap(`omod:ok:${lvOffer._id}`, 'Published: Meklējam medus');

    const owner = await userOf(third);
    const o = await services().offers.create(owner, {
      kind: 'request', type: 'investment', sectors: ['F'], targetCountries: [], targetDistricts: [],
      title: 'Investor for a roofing workshop', description: 'We look for an investor for a roofing workshop.', keywords: ['roof', 'workshop'], validityDays: 90,
    });
    await services().offers.moderate(await userOf(admin), o._id, 'approve');
    // Matches are recorded at once for both sides, but nobody is told before 09:00 (daily cadence).
    expect(await services().matching.matches.count({})).toBe(2);
    expect(matchCards(md)).toHaveLength(0);
    expect(matchCards(lv)).toHaveLength(0);
  });

  it('the daily job waits for 09:00 local time, then each side gets the match exactly once', async () => {
    clock.set(new Date('2026-11-26T06:30:00Z')); // 08:31 in Chișinău and Riga when the job runs
    await runJob(JOBS.digests);
    expect(matchCards(md)).toHaveLength(0);

    clock.set(new Date('2026-11-26T06:59:00Z')); // the tick at 09:00
    await runJob(JOBS.digests);
    const mdCard = await md.expect('De ce se potrivește');
    expect(mdCard.text).toContain('Zemgales Medus SIA');
    expect(mdCard.text).toContain('caută parteneri în Republica Moldova');
    expect(mdCard.text).toContain('cuvinte-cheie comune: miere, ceară');
    const lvCard = await lv.expect('Kāpēc der');
    expect(lvCard.text).toContain('Prisaca Albina');
    expect(lvCard.text).toContain('viņi meklē partnerus šeit: Latvija');
    expect(lvCard.text).toContain('medus');
    expect(buttons(lvCard).map((b) => b.text)).toEqual(['👍 Interesē', '🙈 Neder']);

    const before = { md: md.messages().length, lv: lv.messages().length };
    await runJob(JOBS.digests);
    expect(md.messages().length).toBe(before.md);
    expect(lv.messages().length).toBe(before.lv);
    expect(buttonData(md, 'mt:y:')).toHaveLength(1);
    expect(buttonData(lv, 'mt:y:')).toHaveLength(1);
  });

  it('the unrelated business receives nothing', () => {
    expect(matchCards(third)).toHaveLength(0);
    expect(buttonData(third, 'mt:')).toHaveLength(0);
  });

  it('a restart right after the digest sends nothing again (same day, next day)', async () => {
    const before = { md: md.messages().length, lv: lv.messages().length, third: third.messages().length };
    t = await t.restart();
    await runJob(JOBS.digests);
    clock.set(new Date('2026-11-27T07:05:00Z'));
    await runJob(JOBS.digests);
    expect(md.messages().length).toBe(before.md);
    expect(lv.messages().length).toBe(before.lv);
    expect(third.messages().length).toBe(before.third);
  });

  it('both press Interested and receive each other\'s contacts', async () => {
    const [mdMatch] = buttonData(md, 'mt:y:');
    await md.tap(mdMatch, 'Am întrebat cealaltă afacere');
    const question = await lv.expect('interesējas par jūsu piedāvājumu');
    expect(question.text).toContain('Prisaca Albina');
    expect(question.text).not.toContain('+37369123456');
    const [lvMatch] = buttonData(lv, 'mt:y:');
    lv.press(lvMatch);
    const lvContacts = await lv.expect('Jūs esat iepazīstināti ar Prisaca Albina');
    expect(lvContacts.text).toContain('+37369123456');
    expect(lvContacts.text).toContain('albina@example.md');
    expect(lvContacts.text).toContain('@ion_albina');
    const mdContacts = await md.expect('Sunteți în legătură cu Zemgales Medus SIA');
    expect(mdContacts.text).toContain('+37129123456');
    expect(await services().matching.introductions()).toBe(1);
    expect(await services().matching.introductions('lv-lielupe')).toBe(1);
    // Answering the old question now changes nothing.
    await lv.tap(question.reply_markup!.inline_keyboard[0][0].callback_data!, 'jau esat atbildējis');
    expect(await services().matching.introductions()).toBe(1);
  });

  it('the third business can change its cadence; its contacts were never shared', async () => {
    await third.say('/notifications', 'How often');
    await third.tap('cad:off', 'Saved: never');
    expect((await userOf(third)).matchCadence).toBe('off');
    expect(md.messages().some((m) => (m.text ?? '').includes('+37369555444'))).toBe(false);
    expect(lv.messages().some((m) => (m.text ?? '').includes('+37369555444'))).toBe(false);
  });

  it('/matches shows the latest matches again; a non-staff user cannot press moderation buttons', async () => {
    const card = await md.say('/matches', 'De ce se potrivește');
    expect(card.text).toContain('Zemgales Medus SIA');
    const [lvOffer] = await services().offers.byOwner((await userOf(lv))._id);
    const since = third.messages().length;
    // Forged callback: the third business is not staff.
    t.tg.pushUpdate({ callback_query: { id: 'forged', from: { id: third.id, is_bot: false, first_name: 'Bob' }, chat_instance: 'x', data: `omod:cl:${lvOffer._id}`,
      message: { message_id: 1, date: 0, chat: { id: third.id, type: 'private' }, text: 'x' } } });
    await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').some((c) => c.params.callback_query_id === 'forged'));
    expect((await services().offers.byId(lvOffer._id))!.status).toBe('published');
    expect(third.messages().length).toBe(since);
  });

  it('"Not relevant" hides the match for the user who pressed it', async () => {
    const other = t.tg.user(2004, { language_code: 'ru', first_name: 'Олег' });
    await listBusiness(other, {
      name: 'Пасека Север', sectors: ['A'], activity: 'пчеловодство', country: 'MD', districtId: 'md-edinet', locality: 'Единец',
      description: 'Мёд и воск.', keywords: ['мёд'], phone: '+37369777888', languages: ['ru'],
    });
    await services().matching.setCadence((await userOf(other))._id, 'instant');
    await services().matching.setCadence((await userOf(lv))._id, 'instant');
    const o = await services().offers.create(await userOf(other), {
      kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: ['LV'], targetDistricts: [],
      title: 'Мёд из Единец', description: 'Поставляем липовый мёд в Латвию.', keywords: ['мёд', 'воск'],
    });
    await services().offers.moderate(await userOf(admin), o._id, 'approve');
    const card = await lv.expect('Пасека Север');
    const hide = buttons(card).find((b) => b.callback_data?.startsWith('mt:n:'))!.callback_data!;
    lv.press(hide);
    await t.tg.waitUntil(() => t.tg.callsOf('answerCallbackQuery').some((c) => String(c.params.text ?? '').includes('vairs neredzēsiet')));
    const lvUser = await userOf(lv);
    expect(await services().matching.matches.count({ userId: lvUser._id, otherOfferId: o._id, hidden: true })).toBe(1);
    expect(await services().matching.hidden.count({ userId: lvUser._id, offerId: o._id })).toBe(1);
    // The Russian-speaking owner got the match in Russian.
    const ru = await other.expect('Почему подходит');
    expect(ru.text).toContain('они ищут партнёров в стране Молдова');
  });

  it('reminds 14 days before expiry, once, with an Extend button that works once', async () => {
    const [mdOffer] = await services().offers.byOwner((await userOf(md))._id);
    clock.set(new Date(mdOffer.validUntil.getTime() - 13 * DAY));
    await runJob(JOBS.lifecycle);
    const reminder = await md.expect('expiră pe');
    expect(buttons(reminder).map((b) => b.callback_data)).toEqual([`ofx:${mdOffer._id}`]);
    // The 90-day offer of the third business has expired meanwhile.
    await third.expect('has expired');
    expect((await services().offers.byOwner((await userOf(third))._id))[0].status).toBe('expired');

    const count = md.messages().length;
    await runJob(JOBS.lifecycle);
    expect(md.messages().length).toBe(count);

    // The date in words, in the reader's language ("5 martie 2027"), never the ISO form.
    const expected = new Intl.DateTimeFormat('ro', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(mdOffer.validUntil.getTime() + 365 * DAY));
    const ext = await md.tap(`ofx:${mdOffer._id}`, `Prelungită până la ${expected}`);
    expect(ext.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const extended = (await services().offers.byId(mdOffer._id))!;
    expect(extended.extended).toBe(true);
    await expect(services().offers.extend(await userOf(md), mdOffer._id)).rejects.toThrow(/already_extended/);
  });

  it('a hard API failure inside /offer never traps the user; /cancel leaves the flow', async () => {
    await third.say('/offer', 'Do you offer something');
    t.tg.failNext('sendMessage', 400, 'Bad Request: something odd');
    const since = third.messages().length;
    third.press('ofk:request');
    await third.expect('Something went wrong', { since });
    await third.say('/offer', 'Do you offer something');
    await third.tap('ofk:request', 'What kind of partnership?');
    await third.say('/cancel', 'OK, cancelled');
    expect(await services().offers.pending()).toHaveLength(0);
  });

  it('/offers lists the owner\'s offers with their actions; pause takes an offer out of matching', async () => {
    const since = md.messages().length;
    md.send('/offers');
    await md.expect('Ofertele dvs. de cooperare', { since });
    const card = await md.expect('Stare: publicată', { since });
    const data = buttons(card).map((b) => b.callback_data);
    const id = data.find((d) => d?.startsWith('ofp:'))!.slice(4);
    expect(data).toEqual([`ofe:${id}`, `ofp:${id}`, `ofc:${id}`]);
    await md.tap(`ofp:${id}`, 'Oferta este suspendată');
    expect(services().matching.index.has(id)).toBe(false);
    // Someone else's offer cannot be closed by an ordinary user.
    await expect(services().offers.close(await userOf(third), id)).rejects.toThrow(/not_allowed/);

    // Editing the (paused) offer's title sends it back to staff; approved, it is published with the new title.
    const paused = await md.say('/offers', 'Stare: suspendată');
    expect(buttons(paused).map((b) => b.callback_data)).toEqual([`ofe:${id}`, `ofr:${id}`, `ofc:${id}`]);
    await md.tap(`ofe:${id}`, 'Ce doriți să modificați?');
    await md.tap(`ofef:${id}:t`, 'Un titlu scurt');
    await md.say('Miere de salcâm și tei pentru Letonia', 'Oferta merge din nou la verificare');
    await admin.expect('Changed cooperation offer from Prisaca Albina');
    await admin.tap(`omod:ok:${id}`, 'Published: Miere de salcâm și tei');
    const edited = (await services().offers.byId(id))!;
    expect(edited).toMatchObject({ title: 'Miere de salcâm și tei pentru Letonia', status: 'published' });
    expect(services().matching.index.has(id)).toBe(true);
    // Closing by the owner.
    md.send('/offers');
    await md.expect('Miere de salcâm și tei');
    await md.tap(`ofc:${id}`, 'Oferta este închisă');
    expect((await services().offers.byId(id))!.status).toBe('closed');
    expect(services().matching.index.has(id)).toBe(false);
  });

  it('staff list the live offers with /lagoffers and can close any of them; others cannot', async () => {
    await third.say('/lagoffers', 'This command is not available.');
    const since = admin.messages().length;
    admin.send('/lagoffers');
    await admin.expect('Published offers in your LAG', { since });
    const live = await services().offers.offers.find({ status: { $in: ['published', 'paused'] }, country: 'LV' });
    expect(live.length).toBeGreaterThan(0);
    const target = live[0];
    await t.tg.waitUntil(() => admin.messages().slice(since).find((m) => buttons(m).some((b) => b.callback_data === `omod:cl:${target._id}`)));
    const lvSince = lv.messages().length;
    // Closing asks first; nothing changes until "Yes".
    admin.press(`omod:cl:${target._id}`);
    await t.tg.waitUntil(() => admin.messages().some((m) => buttons(m).some((b) => b.callback_data === `omod:CL:${target._id}`)), 10_000, 'the confirmation');
    expect((await services().offers.byId(target._id))!.status).not.toBe('closed');
    await admin.tap(`omod:CL:${target._id}`, 'The offer is closed');
    expect((await services().offers.byId(target._id))!.status).toBe('closed');
    await lv.expect('VRG darbinieki slēdza jūsu sadarbības piedāvājumu', { since: lvSince });
  });
});
