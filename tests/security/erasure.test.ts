/**
 * /deleteme leaves no trace in DATA_DIR: after a business registered in chat, was approved by staff and had an
 * offer moderated with a note naming it, /deleteme erases the records, pseudonymises the audit entries about
 * them, and compacts the store — then no file under DATA_DIR holds the owner's Telegram id, phone, names.
 * Real embedded engine on a temporary directory (files on disk), not an in-memory store.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditModel } from '../../models/audit.js';
import { ERASED } from '../../services/privacy.js';
import { skipProfileSteps } from '../helpers/flows.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { buttons } from '../helpers/fake-telegram.js';

const OWNER_ID = 5557779991;
const TRACES = [String(OWNER_ID), '+37369871234', '69871234', 'Zzyzx', 'zzyzxowner', 'Zoltanuser'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Which traces occur in which files (bytes read as latin1, so any encoding of ASCII text is found). */
function grep(dir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file).toString('latin1');
    for (const t of TRACES) if (text.includes(t)) found.push(`${file.slice(dir.length)}: ${t}`);
  }
  return found;
}

describe('/deleteme erases from the data files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STAFF_TELEGRAM_IDS: '9501' } });
  });
  afterAll(async () => t?.close());

  it('leaves no id, phone or name of the owner in any file under DATA_DIR', async () => {
    expect(t.app.services.store.engine).toBe('embedded');
    const staff = t.tg.user(9501, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = t.tg.user(OWNER_ID, { language_code: 'ro', first_name: 'Zoltanuser', username: 'zzyzxowner' });
    await u.say('/start', 'Bună');
    await u.say('/register', 'Cum se numește afacerea?');
    await u.say('Zzyzx Apicultura Unica', 'Alegeți domeniile');
    u.press('sec:A');
    await u.tap('sec:!done', 'Descrieți activitatea');
    await u.say('prisacă', 'Unde se află afacerea');
    await u.tap('dst:md-soroca', 'În ce localitate');
    await u.say('Vădeni', 'Descrieți afacerea');
    await u.say('Miere de la Zzyzx din Vădeni.', 'Scrieți produsele');
    await u.say('miere', 'Numărul de telefon');
    await u.say('069871234', 'Adresa de e-mail');
    await u.tap('step:skip', 'Site-ul web');
    await u.tap('step:skip', 'Pagina de Facebook');
    await u.tap('step:skip', 'Adresa (stradă');
    await skipProfileSteps(u, 'În ce limbi');
    await u.tap('spk:!done', 'Trimiteți logoul');
    await u.tap('step:skip', 'Verificați datele');
    const since = staff.messages().length;
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    const card = await staff.expect('New business to review', { since });
    await staff.tap(buttons(card).find((b) => b.callback_data?.startsWith('mod:ok:'))!.callback_data!, 'is published');

    // An offer, moderated with a note that names the business and its phone (kept in the audit log).
    const s = t.app.services;
    const owner = (await s.users.byExternal('telegram', String(OWNER_ID)))!;
    const admin = (await s.users.byExternal('telegram', '9501'))!;
    const offer = await s.offers.create(owner, {
      kind: 'offer', type: 'supplier', sectors: ['A'], targetCountries: [], targetDistricts: [], title: 'Miere Zzyzx', description: 'Miere de salcâm.', keywords: ['miere'],
    });
    await s.offers.moderate(admin, offer._id, 'request_changes', 'Zzyzx: sunați întâi la +37369871234');
    await s.store.compact();
    // The traces are really on disk before the erasure (otherwise this test would prove nothing).
    expect(grep(t.dataDir).join('\n')).toContain('+37369871234');
    expect(grep(t.dataDir).join('\n')).toContain('Zzyzx');

    const before = u.messages().length;
    await u.say('/deleteme', 'Sigur ștergeți');
    u.press('del:yes');
    await u.expect('Datele dvs. au fost șterse', { since: before });

    // The "yes, delete" update itself carries the owner's id and names until it is marked handled (its payload
    // cleared), just after the answer went out; the store compacts again then (services/intake/inbox.ts).
    const handled = async () => (await s.inbox.updates.count({ done: false })) === 0;
    for (let i = 0; i < 50 && !(await handled()); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 200));
    expect(grep(t.dataDir)).toEqual([]);
    // Staff actions stay in the audit log, pseudonymised.
    const audit = await s.store.collection(AuditModel).find({ targetId: ERASED });
    expect(audit.map((a) => a.action).sort()).toEqual(['listing.approve', 'offer.request_changes']);
    expect(audit.every((a) => a.note === undefined)).toBe(true);
  }, 60_000);
});
