/** Send API outcomes and retries, the 24 h window, payload limits, and the profile setup script. */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerNotifier } from '../../bot/messenger/notifier.js';
import { profilePayload } from '../../bot/messenger/profile.js';
import { carousel, cut, LIMITS, quickReplies, renderOut, textMessage } from '../../bot/messenger/render.js';
import { SendApi } from '../../bot/messenger/send-api.js';
import type { User } from '../../models/user.js';
import { ManualClock } from '../../services/clock.js';
import { translator } from '../../services/i18n.js';
import { raw, text } from '../../services/messages.js';
import { FakeGraph } from '../helpers/fake-graph.js';

const TOKEN = 'EAAB-secret-page-token-xyz';
let graph: FakeGraph;
let logs: string[];
let api: SendApi;

beforeAll(async () => {
  graph = await FakeGraph.start();
  logs = [];
  const sink = new Writable({ write(chunk, _e, cb) { logs.push(String(chunk)); cb(); } });
  api = new SendApi({ graphUrl: graph.url, graphVersion: 'v21.0', pageAccessToken: TOKEN, log: pino({ level: 'warn' }, sink), backoffMs: 5 });
});
afterAll(async () => graph?.close());

const user = (over: Partial<User> = {}): User => ({
  _id: 'u1', channel: 'messenger', externalId: 'psid-1', chatId: 'psid-1', locale: 'en', localeChosen: true, role: 'user', reachable: true,
  lastInboundAt: new Date('2026-11-01T10:00:00Z'), matchCadence: 'daily', createdAt: new Date('2026-10-01T00:00:00Z'), ...over,
});

describe('Send API client', () => {
  it('maps Graph errors to typed outcomes', async () => {
    const body = { recipient: { id: 'x' }, messaging_type: 'RESPONSE', message: { text: 'hi' } };
    graph.failNext('/me/messages', 400, { message: 'This person isn\'t available right now.', code: 551, error_subcode: 1545041 });
    expect(await api.send(body)).toMatchObject({ ok: false, kind: 'person_unavailable', code: 551 });
    graph.failNext('/me/messages', 400, { message: 'outside of allowed window', code: 10, error_subcode: 2018278 });
    expect(await api.send(body)).toMatchObject({ ok: false, kind: 'outside_window' });
    graph.failNext('/me/messages', 400, { message: 'No matching user found', code: 100, error_subcode: 2018001 });
    expect(await api.send(body)).toMatchObject({ ok: false, kind: 'no_user' });
    graph.failNext('/me/messages', 500, { message: 'boom', code: 2 });
    expect(await api.send(body)).toMatchObject({ ok: false, kind: 'failed', retryable: true });
    expect(await api.send(body)).toMatchObject({ ok: true, messageId: expect.stringMatching(/^m_/) });
  });

  it('retries rate limits (4, 613) with backoff, then gives up', async () => {
    const before = graph.calls.length;
    graph.failNext('/me/messages', 400, { message: 'Calls to this api have exceeded the rate limit.', code: 613 }, 2);
    expect(await api.send({ recipient: { id: 'x' }, message: { text: 'a' } })).toMatchObject({ ok: true });
    expect(graph.calls.length - before).toBe(3);
    graph.failNext('/me/messages', 400, { message: 'Application request limit reached', code: 4 }, 4);
    expect(await api.send({ recipient: { id: 'x' }, message: { text: 'a' } })).toMatchObject({ ok: false, kind: 'rate_limited' });
    expect(graph.calls.length - before).toBe(3 + 4); // first try + 3 retries
    expect(await api.send({ recipient: { id: 'x' }, message: { text: 'a' } })).toMatchObject({ ok: true });
  });

  it('logs an invalid token (190) loudly, without the token', async () => {
    graph.failNext('/me/messages', 401, { message: 'Error validating access token', code: 190 });
    expect(await api.send({ recipient: { id: 'x' }, message: { text: 'a' } })).toMatchObject({ ok: false, kind: 'invalid_token' });
    const line = logs.find((l) => l.includes('MESSENGER_PAGE_ACCESS_TOKEN'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!).level).toBe(50);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});

describe('MessengerNotifier and the 24-hour window', () => {
  const clock = new ManualClock(new Date('2026-11-01T20:00:00Z'));
  const msg = { text: [raw('Your listing was approved.')], buttons: [[{ label: text('search:button.website'), url: 'https://lag.test/b/x' }]] };

  it('sends inside the window as UPDATE', async () => {
    const n = new MessengerNotifier({ api, clock, publicUrl: 'http://lag.test' });
    const before = graph.messages().length;
    expect(await n.send(user(), msg, { promotional: true })).toMatchObject({ status: 'sent' });
    expect(graph.messages().slice(before).map((c) => c.body)).toEqual([{
      recipient: { id: 'psid-1' }, messaging_type: 'UPDATE',
      message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'Your listing was approved.', buttons: [{ type: 'web_url', title: '🌐 Website', url: 'https://lag.test/b/x' }] } } },
    }]);
  });

  it('outside the window: promotional → outside_window (nothing sent); otherwise tagged ACCOUNT_UPDATE', async () => {
    clock.set(new Date('2026-11-03T10:00:00Z'));
    const n = new MessengerNotifier({ api, clock, publicUrl: 'http://lag.test' });
    const before = graph.messages().length;
    expect(await n.send(user(), msg, { promotional: true })).toEqual({ status: 'outside_window' });
    expect(graph.messages().length).toBe(before);
    expect(await n.send(user(), msg)).toMatchObject({ status: 'sent' });
    expect(graph.messages().at(-1)!.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
  });

  it('maps a person who is gone to unreachable and reports it', async () => {
    const gone: string[] = [];
    const n = new MessengerNotifier({ api, clock, publicUrl: 'http://lag.test', onUnreachable: async (u) => void gone.push(u._id) });
    graph.failNext('/me/messages', 400, { message: 'unavailable', code: 551, error_subcode: 1545041 });
    expect(await n.send(user({ lastInboundAt: clock.now() }), msg)).toMatchObject({ status: 'unreachable' });
    expect(gone).toEqual(['u1']);
  });
});

describe('payloads always within Messenger limits', () => {
  it('cuts text, quick replies, cards and buttons cleanly', () => {
    const long = 'Miere de albine naturală '.repeat(200);
    const m = textMessage(long, Array.from({ length: 20 }, (_, i) => ({ title: `Răspuns rapid foarte lung ${i}`, payload: `P${i}` }))) as any;
    expect([...m.text].length).toBeLessThanOrEqual(LIMITS.text);
    expect(m.text.endsWith('…')).toBe(true);
    expect(m.text).not.toMatch(/\s…$/);
    expect(m.quick_replies).toHaveLength(13);
    for (const q of m.quick_replies) expect([...q.title].length).toBeLessThanOrEqual(20);
    const c = carousel(Array.from({ length: 15 }, (_, i) => ({
      title: `Gospodăria țărănească „Stupina Nordului” ${'ș'.repeat(100)} ${i}`,
      subtitle: 'Sângerei · Agricultură, silvicultură și pescuit, comerț cu ridicata și cu amănuntul',
      buttons: Array.from({ length: 5 }, (_, j) => ({ type: 'postback' as const, title: `Buton cu titlu lung ${j}`, payload: `B${j}` })),
    }))) as any;
    const els = c.attachment.payload.elements;
    expect(els).toHaveLength(10);
    for (const e of els) {
      expect([...e.title].length).toBeLessThanOrEqual(80);
      expect([...e.subtitle].length).toBeLessThanOrEqual(80);
      expect(e.buttons).toHaveLength(3);
      for (const b of e.buttons) expect([...b.title].length).toBeLessThanOrEqual(20);
    }
    expect(quickReplies([{ title: 'x', payload: 'p'.repeat(1001) }, { title: '  ', payload: 'a' }])).toEqual([]);
    expect(cut('Bălți', 80)).toBe('Bălți');
    expect([...cut('🍯'.repeat(30), 20)].length).toBe(20); // code points, never half an emoji
  });

  it('renders a long notification as text + button template; intents become postbacks or quick replies', () => {
    const t = translator('ro');
    const out = renderOut(t, {
      text: [raw('x'.repeat(3000))],
      buttons: [[{ label: raw('Site'), url: 'https://a.md' }, { label: raw('Telefon'), phone: '+37369000000' }], [{ label: raw('Editați'), intent: 'biz:edit' }, { label: raw('Altceva'), intent: 'other' }]],
      photo: { blobId: 'b1' },
    }, 'http://lag.test') as any[];
    expect(out[0]).toEqual({ attachment: { type: 'image', payload: { url: 'http://lag.test/media/b1', is_reusable: true } } });
    expect([...out[1].text].length).toBeLessThanOrEqual(2000);
    const tpl = out[2].attachment.payload;
    expect([...tpl.text].length).toBeLessThanOrEqual(640);
    expect(tpl.buttons.map((b: any) => b.type)).toEqual(['web_url', 'phone_number', 'postback']);
    expect(out[2].quick_replies).toEqual([{ content_type: 'text', title: 'Altceva', payload: 'other' }]);
  });
});

describe('messenger:setup', () => {
  it('builds Get Started, greetings and menus per locale within limits', () => {
    const p = profilePayload('ro') as any;
    expect(p.get_started).toEqual({ payload: 'GET_STARTED' });
    expect(p.greeting[0].locale).toBe('default');
    expect(p.greeting.map((g: any) => g.locale)).toEqual(['default', 'ro_RO', 'ru_RU', 'en_US', 'en_GB', 'lv_LV']);
    for (const g of p.greeting) expect([...g.text].length).toBeLessThanOrEqual(160);
    expect(p.persistent_menu[0]).toEqual({ locale: 'default', composer_input_disabled: false, call_to_actions: [
      { type: 'postback', title: '🔎 Căutare', payload: 'MENU_SEARCH' },
      { type: 'postback', title: '📂 Răsfoire', payload: 'MENU_BROWSE' },
      { type: 'postback', title: '🌐 Limba', payload: 'MENU_LANGUAGE' },
      { type: 'postback', title: '🔒 Datele mele', payload: 'MENU_PRIVACY' },
    ] });
    expect(p.persistent_menu.find((m: any) => m.locale === 'ru_RU').call_to_actions[0].title).toBe('🔎 Поиск');
  });

  it('posts the profile to the Graph API', async () => {
    const before = graph.profileCalls().length;
    const env = { ...process.env, MESSENGER_PAGE_ACCESS_TOKEN: TOKEN, MESSENGER_GRAPH_URL: graph.url, MESSENGER_GRAPH_VERSION: 'v21.0', DEFAULT_LOCALE: 'en' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/messenger-setup.ts'], { env, timeout: 30_000 });
    expect(stdout).toContain('Messenger profile set');
    const calls = graph.profileCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0].version).toBe('v21.0');
    expect(calls[0].query.access_token).toBe(TOKEN);
    expect(calls[0].body).toEqual(profilePayload('en'));
  });
});
