/**
 * Registration edges: a draft's logo does not outlive the draft (replaced, "Start over", /deleteme) while a
 * listing's logo stays; an edited message is not taken as the answer to the open question.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistrationDrafts } from '../../services/registration-drafts.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { FakeUser } from '../helpers/fake-telegram.js';
import { registerRomanian } from '../helpers/flows.js';

function png(width: number, height: number, r = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r, g: 150, b: 20 } } }).png().toBuffer();
}

describe('registration edges', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 30_000);
  afterAll(async () => t?.close());

  const draftLogo = async (u: FakeUser) => {
    const s = t.app.services;
    const user = (await s.users.byExternal('telegram', String(u.id)))!;
    return (await new RegistrationDrafts(s.store).load(user._id))?.answers.logoId;
  };
  const blob = (id: string) => t.app.services.store.blobs.get(id);

  it('a replaced draft logo is deleted; /deleteme deletes the draft\'s logo', async () => {
    const u = t.tg.user(2201, { language_code: 'ro' });
    await u.say('/start', /./);
    await registerRomanian(u, 'Livada Logo');
    let since = u.messages().length;
    u.sendPhoto(await png(600, 600), { width: 600, height: 600 });
    await u.expect('Verificați datele', { since });
    const first = (await draftLogo(u))!;
    expect(await blob(first)).toBeTruthy();

    await u.tap('reg:grp:extra', 'Ce doriți să modificați');
    await u.tap('edit:logoId', 'Trimiteți logoul');
    await new Promise((r) => setTimeout(r, 100)); // a photo needs the question's wait to be set
    since = u.messages().length;
    u.sendPhoto(await png(640, 640, 20), { width: 640, height: 640 });
    await u.expect('Verificați datele', { since });
    const second = (await draftLogo(u))!;
    expect(second).not.toBe(first);
    expect(await blob(first)).toBeNull();
    expect(await blob(second)).toBeTruthy();

    await u.say('/deleteme', 'Ieșiți din înregistrare'); // in the middle of the registration: leave it first
    since = u.messages().length;
    await u.tap('reg:leave', 'Sigur ștergeți');
    u.press('del:yes');
    await u.expect('Datele dvs. au fost șterse', { since }); // the question, edited
    expect(await blob(second)).toBeNull();
  }, 60_000);

  it('"Start over" deletes the draft\'s logo; a submitted listing keeps it', async () => {
    const u = t.tg.user(2202, { language_code: 'ro' });
    await u.say('/start', /./);
    await registerRomanian(u, 'Livada Nouă');
    let since = u.messages().length;
    u.sendPhoto(await png(600, 600), { width: 600, height: 600 });
    await u.expect('Verificați datele', { since });
    const logo = (await draftLogo(u))!;
    await u.say('/register', 'Bine ați revenit');
    await u.tap('reg:new', 'Cum se numește afacerea?');
    expect(await draftLogo(u)).toBeUndefined();
    expect(await blob(logo)).toBeNull();

    // Submitted: the draft goes, its logo is the listing's now and stays.
    await registerRomanian(u, 'Livada Nouă');
    since = u.messages().length;
    u.sendPhoto(await png(600, 600, 90), { width: 600, height: 600 });
    await u.expect('Verificați datele', { since });
    const kept = (await draftLogo(u))!;
    await u.tap('reg:confirm', 'a fost trimisă echipei GAL');
    expect(await draftLogo(u)).toBeUndefined();
    expect(await blob(kept)).toBeTruthy();
  }, 60_000);

  it('an edited message mid-registration gets no reply; the question still waits for its answer', async () => {
    const u = t.tg.user(2203, { language_code: 'ro', first_name: 'Ana' });
    await u.say('/start', /./);
    await u.say('/register', 'Cum se numește afacerea?');
    await u.say('Stupina Ana', 'Alegeți domeniile');
    u.press('sec:A');
    await u.tap('sec:!done', 'Descrieți activitatea');
    const since = u.messages().length;
    // The person corrects the business name they sent earlier.
    t.tg.pushUpdate({ edited_message: {
      message_id: 1, date: Math.floor(Date.now() / 1000) - 30, edit_date: Math.floor(Date.now() / 1000),
      chat: { id: u.id, type: 'private', first_name: 'Ana' }, from: { id: u.id, is_bot: false, first_name: 'Ana', language_code: 'ro' }, text: 'Stupina Anei',
    } });
    await new Promise((r) => setTimeout(r, 800));
    expect(u.messages().slice(since).map((m) => m.text ?? m.caption)).toEqual([]);
    await u.say('apicultură și miere', 'Unde se află afacerea');
  }, 30_000);
});
