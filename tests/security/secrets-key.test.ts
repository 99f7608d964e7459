/**
 * SECRETS_KEY changed after owners stored catalog tokens: the mismatch is detected (not "Something went
 * wrong"), the owner is told once in their language to give the token again, the log says it once (without
 * token or key), and /deleteme tells the owner that the items stay in their Meta catalog instead of failing
 * silently.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { SecretBox, SecretKeyMismatch } from '../../services/catalog/secrets.js';
import { photo } from '../catalog/fixtures.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeGraphCatalog } from '../helpers/fake-graph-catalog.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';

const TOKEN = 'EAAGkeytest1234567890abcdefghijklmnop';
const KEY_1 = '1f'.repeat(32);
const KEY_2 = '2e'.repeat(32);
const CATALOG = '998877665544';

describe('a changed SECRETS_KEY', () => {
  let tg: FakeTelegram;
  let graph: FakeGraphCatalog;
  const dataDir = tempDir('key-');
  const lines: string[] = [];
  let app: App | undefined;

  const start = async (key: string) => {
    app = await startApp(loadConfig(testEnv(tg, dataDir, { LOG_LEVEL: 'info', SECRETS_KEY: key, MESSENGER_GRAPH_URL: graph.url })), { logDestination: { write: (s: string) => void lines.push(s) } });
    return app;
  };

  beforeAll(async () => {
    tg = await FakeTelegram.start();
    graph = await FakeGraphCatalog.start({ token: TOKEN });
  });
  afterAll(async () => {
    await app?.services.catalog.idle();
    await app?.stop();
    await tg.close();
    await graph.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('SecretBox tells a wrong key apart from a malformed record', () => {
    const sealed = new SecretBox(KEY_1).seal('x');
    expect(() => new SecretBox(KEY_2).open(sealed)).toThrow(SecretKeyMismatch);
    expect(() => new SecretBox(KEY_2).open('garbage')).not.toThrow(SecretKeyMismatch);
  });

  it('is detected, told once to the owner, logged once, and /deleteme says what stays at Meta', async () => {
    let a = await start(KEY_1);
    const u = tg.user(4401, { language_code: 'ro' });
    await u.say('/start', 'Bună');
    let s = a.services;
    const owner = (await s.users.byExternal('telegram', '4401'))!;
    const submitted = await s.directory.submit(owner, {
      name: 'Livada Cheii', sectors: ['A'], activity: 'fructe', country: 'MD', districtId: 'md-soroca', locality: 'Soroca',
      description: 'Mere.', keywords: ['mere'], phone: '+37369123499', languages: ['ro'],
    });
    await s.directory.listings.updateOne({ _id: submitted._id }, { $set: { status: 'published' } });
    const listing = (await s.directory.byId(submitted._id))!;
    await s.catalog.add(owner, listing, { title: 'Mere Golden', description: 'Mere din Soroca.', priceMinor: 450, currency: 'EUR', availability: 'in stock', condition: 'new', photos: [photo('b-key-apple')] });
    await s.catalog.setCatalogId(listing, CATALOG);
    await s.catalog.setAccessToken(listing, TOKEN);
    await s.catalog.idle();
    expect((await s.catalog.pushListing(listing._id)).status).toBe('ok');
    expect(graph.catalog(CATALOG).size).toBe(1);
    await a.stop();

    a = await start(KEY_2);
    s = a.services;
    const told = () => u.messages().filter((m) => m.text?.includes('nu mai poate fi citit: cheia de criptare a serverului a fost schimbată'));
    // Two later changes: the owner is told once, in Romanian.
    s.events.emit('listing.products_changed', listing._id);
    await tg.waitUntil(() => told().length === 1);
    s.events.emit('listing.products_changed', listing._id);
    await new Promise((r) => setTimeout(r, 300));
    await s.catalog.idle();
    expect(told()).toHaveLength(1);
    // Pushing by hand gives the same clear answer (no "Something went wrong").
    await u.say('/shop', 'Catalog Facebook');
    await u.tap('sp:push', 'Trimitere directă');
    await u.tap('sp:pushnow', 'introduceți din nou tokenul');
    expect(u.messages().some((m) => m.text?.includes('Ceva nu a mers'))).toBe(false);
    const keyLines = lines.filter((l) => l.includes('sealed with another SECRETS_KEY'));
    expect(keyLines).toHaveLength(1);
    expect(keyLines[0]).toContain(listing._id);

    // /deleteme: everything here goes; the owner hears that the items stay in the Meta catalog.
    const since = u.messages().length;
    await u.say('/deleteme', 'Sigur ștergeți toate datele');
    u.press('del:yes');
    await u.expect('Datele dvs. au fost șterse', { since });
    const note = await u.expect('nu au putut fi șterse din catalogul Facebook', { since });
    expect(note.text).toContain('tokenul de acces păstrat nu mai poate fi citit');
    expect(graph.catalog(CATALOG).size).toBe(1);
    expect(lines.some((l) => l.includes('items left in the Meta catalog at erasure') && l.includes('key_changed'))).toBe(true);
    expect(await s.catalog.settings.count({ listingId: listing._id })).toBe(0);
    const log = lines.join('');
    for (const secret of [TOKEN, KEY_1, KEY_2]) expect(log.includes(secret)).toBe(false);
  }, 60_000);
});
