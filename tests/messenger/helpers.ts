/** The real app with Messenger enabled against the fake Graph API, and Meta-like signed webhook posts. */
import { sign } from '../../bot/messenger/signature.js';
import { MESSENGER_WEBHOOK_PATH } from '../../bot/messenger/index.js';
import type { Listing } from '../../models/listing.js';
import type { User } from '../../models/user.js';
import type { ListingDraft } from '../../services/directory.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeGraph } from '../helpers/fake-graph.js';

export const APP_SECRET = 'test-app-secret-0123456789';
export const VERIFY_TOKEN = 'verify-me-please';
export const PAGE_TOKEN = 'EAAB-page-token-secret';
export const PAGE_ID = '1000001';

export interface MessengerTestApp extends TestApp {
  graph: FakeGraph;
}

export async function startMessengerApp(): Promise<MessengerTestApp> {
  const graph = await FakeGraph.start();
  const t = await startTestApp({
    env: {
      MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
      MESSENGER_APP_SECRET: APP_SECRET,
      MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
      MESSENGER_GRAPH_URL: graph.url,
      MESSENGER_GRAPH_VERSION: 'v21.0',
    },
  });
  const close = t.close.bind(t);
  return Object.assign(t, { graph, close: async () => { await close(); await graph.close(); } });
}

/** JSON as Meta sends it: every non-ASCII character escaped as \uXXXX (so the signed bytes are ASCII). */
export function metaJson(body: unknown): string {
  return JSON.stringify(body).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let seq = 0;
export function textEvent(psid: string, text: string, extra: Record<string, unknown> = {}) {
  return { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: `m.${psid}.${++seq}.${Date.now()}`, text, ...extra } };
}

export function quickReplyEvent(psid: string, title: string, payload: string) {
  return textEvent(psid, title, { quick_reply: { payload } });
}

export function postbackEvent(psid: string, payload: string, title = 'x') {
  return { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), postback: { mid: `p.${psid}.${++seq}`, title, payload } };
}

export function envelope(...events: unknown[]) {
  return { object: 'page', entry: [{ id: PAGE_ID, time: Date.now(), messaging: events }] };
}

/** POSTs to the webhook; `signature` false → unsigned, a string → that header as is. */
export async function post(t: TestApp, body: string | unknown, signature: boolean | string = true): Promise<Response> {
  const raw = typeof body === 'string' ? body : metaJson(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature === true) headers['x-hub-signature-256'] = sign(Buffer.from(raw), APP_SECRET);
  else if (typeof signature === 'string') headers['x-hub-signature-256'] = signature;
  return fetch(`${t.app.url}${MESSENGER_WEBHOOK_PATH}`, { method: 'POST', headers, body: raw });
}

/** Posts signed events and waits until the app has handled them. */
export async function deliver(t: TestApp, ...events: unknown[]): Promise<void> {
  const res = await post(t, envelope(...events));
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  await t.app.messenger!.idle();
}

/** Publishes a listing the way production does: submit by an owner, approve by staff. */
export async function publish(t: TestApp, draft: Partial<ListingDraft> & Pick<ListingDraft, 'name'>): Promise<Listing> {
  const s = t.app.services;
  const owner: User = await s.users.touch({ channel: 'telegram', externalId: String(5000 + ++seq), chatId: String(5000 + seq) });
  let staff = await s.users.byExternal('telegram', '4999');
  if (!staff) {
    staff = await s.users.touch({ channel: 'telegram', externalId: '4999', chatId: '4999' });
    staff = (await s.users.setRole(staff._id, 'admin'))!;
  }
  const listing = await s.directory.submit(owner, {
    sectors: ['A'], activity: '', country: 'MD', districtId: 'md-soroca', locality: '', description: '', keywords: [], phone: '+37369123456', languages: ['ro'],
    ...draft,
  });
  return (await s.directory.moderate(staff, listing._id, 'approve'))!;
}
