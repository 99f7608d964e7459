/**
 * Secrets stay out of the logs: a full run (registration by Telegram, staff approval, shop feed and LAG feed
 * fetched over HTTP, Messenger verification and signed webhook posts, Telegram webhook mode) with the app's
 * own logger at trace level, captured. No configured secret and no feed token may appear in any line.
 * Also TRUST_PROXY: off by default (X-Forwarded-For ignored), honoured for a listed proxy address.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { redactUrl } from '../../bot/log.js';
import { sign } from '../../bot/messenger/signature.js';
import { MESSENGER_WEBHOOK_PATH } from '../../bot/messenger/index.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeGraph } from '../helpers/fake-graph.js';
import { FakeTelegram, TEST_TOKEN } from '../helpers/fake-telegram.js';
import { registerRomanian } from '../helpers/flows.js';
import { envelope, metaJson, textEvent } from '../messenger/helpers.js';

const SECRETS = {
  TELEGRAM_WEBHOOK_SECRET: 'hook-SECRET_4f9a2c71d0e8',
  MESSENGER_APP_SECRET: 'app-secret-7d1e0c55aa90b3f2',
  MESSENGER_PAGE_ACCESS_TOKEN: 'EAAB-page-token-9c8b7a6d5e4f3a2b',
  MESSENGER_VERIFY_TOKEN: 'verify-token-31f4a9e2c8',
  SECRETS_KEY: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
};

describe('secrets out of logs', () => {
  let tg: FakeTelegram;
  let graph: FakeGraph;
  const dataDir = tempDir('logs-');
  const lines: string[] = [];
  const capture = { write: (s: string) => void lines.push(s) };
  let app: App | undefined;

  const start = async (extra: Record<string, string> = {}) => {
    const env = testEnv(tg, dataDir, {
      LOG_LEVEL: 'trace', MESSENGER_GRAPH_URL: graph.url, STAFF_TELEGRAM_IDS: '7701', ...SECRETS, ...extra,
    });
    // Not in webhook mode unless asked: the secret is configured either way (and must not leak either way).
    if (!extra.TELEGRAM_WEBHOOK_URL) env.TELEGRAM_WEBHOOK_SECRET = SECRETS.TELEGRAM_WEBHOOK_SECRET;
    app = await startApp(loadConfig(env), { logDestination: capture });
    return app;
  };

  beforeAll(async () => {
    tg = await FakeTelegram.start();
    graph = await FakeGraph.start();
  });
  afterAll(async () => {
    await app?.stop();
    await tg.close();
    await graph.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a whole run at trace level writes none of the secrets nor any feed token', async () => {
    const a = await start();
    const staff = tg.user(7701, { language_code: 'en' });
    await staff.say('/start', 'Hello');
    const u = tg.user(7702, { language_code: 'ro' });
    await u.say('/start', 'Bună');
    await registerRomanian(u, 'Secretul Apicultorului SRL');
    await u.tap('step:skip', 'Verificați datele');
    const since = staff.messages().length;
    await u.tap('reg:confirm', 'trimisă echipei GAL');
    await staff.expect('New business to review', { since });
    // The buttons come under the card's last message (after the translated descriptions).
    const isApprove = (b: { callback_data?: string }) => !!b.callback_data?.startsWith('mod:ok:');
    const withButtons = await tg.waitUntil(() => staff.messages().slice(since).find((m) => m.reply_markup?.inline_keyboard?.flat().some(isApprove)), 10_000, 'the moderation buttons');
    const approve = withButtons.reply_markup.inline_keyboard.flat().find(isApprove);
    await staff.tap(approve.callback_data, 'is published');

    // Shop: a product with a photo, the feed and the LAG feed fetched as Meta would.
    const s = a.services;
    const owner = (await s.users.byExternal('telegram', '7702'))!;
    const listing = (await s.directory.listings.findOne({ ownerId: owner._id }))!;
    const settings = await s.catalog.settingsFor(listing);
    await s.catalog.setLagFeed(listing, true);
    const lagToken = await s.catalog.lagFeedToken(listing.lagId);
    const feeds = [`/feeds/${settings.feedToken}.csv`, `/feeds/lag/${lagToken}.csv`, `/feeds/${settings.feedToken.slice(0, -1)}X.csv`];
    for (const path of feeds) await fetch(`${a.url}${path}`);
    expect((await fetch(`${a.url}${feeds[0]}`)).status).toBe(200);
    // A catalog token given in chat is sealed with SECRETS_KEY.
    await s.catalog.setAccessToken(listing, 'EAAG-catalog-token-55aa66bb77cc88dd');

    // Messenger: verification (right and wrong token), signed and unsigned posts, and a query with a token.
    const verify = (token: string) => fetch(`${a.url}${MESSENGER_WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=ch-123`);
    expect(await (await verify(SECRETS.MESSENGER_VERIFY_TOKEN)).text()).toBe('ch-123');
    expect((await verify(`${SECRETS.MESSENGER_VERIFY_TOKEN}x`)).status).toBe(403);
    const body = metaJson(envelope(textEvent('psid-logs-1', 'miere')));
    const signed = await fetch(`${a.url}${MESSENGER_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(Buffer.from(body), SECRETS.MESSENGER_APP_SECRET) }, body });
    expect(signed.status).toBe(200);
    await a.messenger!.idle();
    expect(graph.calls.length).toBeGreaterThan(0);
    await fetch(`${a.url}${MESSENGER_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' }, body });
    await fetch(`${a.url}/nowhere?access_token=${SECRETS.MESSENGER_PAGE_ACCESS_TOKEN}`);

    // Telegram webhook mode on the same data: a right and a wrong secret.
    await a.stop();
    const b = await start({ TELEGRAM_WEBHOOK_URL: 'https://lag.example.md/tg/hook', TELEGRAM_WEBHOOK_SECRET: SECRETS.TELEGRAM_WEBHOOK_SECRET });
    const update = { update_id: 9_000_001, message: { message_id: 1, date: 0, chat: { id: 7703, type: 'private' }, from: { id: 7703, is_bot: false, first_name: 'W', language_code: 'en' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
    const post = (secret: string) => fetch(`${b.url}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
    expect((await post('wrong')).status).toBe(401);
    expect((await post(SECRETS.TELEGRAM_WEBHOOK_SECRET)).status).toBe(200);
    await tg.waitUntil(() => tg.messagesTo(7703).find((m) => m.text?.includes('Commands you can use')));
    await b.stop();
    app = undefined;

    const log = lines.join('');
    // The log is real and detailed: requests to the feeds and the webhook were logged, with their paths.
    expect(a.services.log.level).toBe('trace');
    expect(log).toContain('/feeds/[redacted].csv');
    expect(log).toContain('/feeds/lag/[redacted].csv');
    expect(log).toContain('hub.verify_token=[redacted]');
    expect(log).toContain('/tg/hook');
    const forbidden = [TEST_TOKEN, ...Object.values(SECRETS), settings.feedToken, lagToken, settings.feedToken.slice(0, -1), 'EAAG-catalog-token-55aa66bb77cc88dd'];
    for (const secret of forbidden) expect(log.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
  }, 90_000);

  it('redactUrl keeps harmless parts and blanks the rest', () => {
    expect(redactUrl('/b/prisaca?lang=ro')).toBe('/b/prisaca?lang=ro');
    expect(redactUrl('/media/abcDEF123456.jpg')).toBe('/media/abcDEF123456.jpg');
    expect(redactUrl('/feeds/lag/AbC_dEf-0123456789abcdef.csv?x=1')).toBe('/feeds/lag/[redacted].csv?x=[redacted]');
    expect(redactUrl('/messenger/webhook?hub.mode=subscribe&hub.verify_token=s3cr3t&hub.challenge=42')).toBe('/messenger/webhook?hub.mode=subscribe&hub.verify_token=[redacted]&hub.challenge=42');
    expect(redactUrl(`/bot${TEST_TOKEN}/hook`)).toBe('/bot[redacted]/hook');
  });
});

describe('TRUST_PROXY', () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await FakeTelegram.start();
  });
  afterAll(async () => tg.close());

  async function loggedAddress(trustProxy?: string): Promise<string> {
    const dir = tempDir('proxy-');
    const lines: string[] = [];
    const a = await startApp(loadConfig(testEnv(tg, dir, { LOG_LEVEL: 'info', ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) })), { logDestination: { write: (s: string) => void lines.push(s) } });
    try {
      await fetch(`${a.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    } finally {
      await a.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const line = lines.map((l) => JSON.parse(l) as { req?: { url: string; remoteAddress: string } }).find((l) => l.req?.url === '/healthz');
    return line!.req!.remoteAddress;
  }

  it('is off by default: a client cannot choose its logged address with X-Forwarded-For', async () => {
    expect(await loggedAddress()).toBe('127.0.0.1');
  }, 30_000);

  it('believes X-Forwarded-For from a listed proxy (an address or a CIDR range)', async () => {
    expect(await loggedAddress('127.0.0.1')).toBe('203.0.113.9');
    expect(await loggedAddress('127.0.0.0/8, ::1')).toBe('203.0.113.9');
    expect(await loggedAddress('10.0.0.0/8')).toBe('127.0.0.1');
  }, 60_000);

  it('config: true/false/lists accepted, hop counts and junk refused with a reason', () => {
    const base = { TELEGRAM_BOT_TOKEN: TEST_TOKEN };
    expect(loadConfig(base).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback,192.168.0.0/16' }).TRUST_PROXY).toEqual(['loopback', '192.168.0.0/16']);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '2' })).toThrow(/TRUST_PROXY hop counts are not supported/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/99,proxy.example' })).toThrow(/TRUST_PROXY .*not: 10\.0\.0\.0\/99, proxy\.example/);
  });
});
