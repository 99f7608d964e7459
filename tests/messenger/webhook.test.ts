/** Webhook security: GET verification, X-Hub-Signature-256 over the raw bytes, forged posts change nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSENGER_WEBHOOK_PATH } from '../../bot/messenger/index.js';
import { sign, verifySignature } from '../../bot/messenger/signature.js';
import { eventsOf } from '../../bot/messenger/webhook.js';
import { UserModel } from '../../models/user.js';
import { APP_SECRET, envelope, metaJson, post, startMessengerApp, textEvent, VERIFY_TOKEN, type MessengerTestApp } from './helpers.js';

describe('signature', () => {
  const body = Buffer.from(metaJson(envelope(textEvent('1', 'Bălți, мёд, medus'))));

  it('accepts the HMAC-SHA256 of the exact bytes and nothing else', () => {
    expect(verifySignature(body, sign(body, APP_SECRET), APP_SECRET)).toBe(true);
    expect(verifySignature(body, sign(body, 'other-secret'), APP_SECRET)).toBe(false);
    expect(verifySignature(body, undefined, APP_SECRET)).toBe(false);
    expect(verifySignature(body, '', APP_SECRET)).toBe(false);
    expect(verifySignature(body, 'sha256=abc', APP_SECRET)).toBe(false);
    expect(verifySignature(body, sign(body, APP_SECRET).replace('sha256=', 'sha1='), APP_SECRET)).toBe(false);
    expect(verifySignature(body, [sign(body, APP_SECRET)], APP_SECRET)).toBe(false);
    const tampered = Buffer.from(body.toString().replace('medus', 'medas'));
    expect(verifySignature(tampered, sign(body, APP_SECRET), APP_SECRET)).toBe(false);
  });

  it('checks the escaped-unicode bytes Meta signs, not a re-serialisation', () => {
    const escaped = body.toString();
    expect(escaped).toContain('\\u0103'); // ă as Meta writes it
    expect(escaped).toContain('\\u043c'); // м
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped)));
    expect(reserialised.equals(body)).toBe(false);
    expect(verifySignature(reserialised, sign(body, APP_SECRET), APP_SECRET)).toBe(false);
  });

  it('keeps only messages and postbacks from people', () => {
    const events = eventsOf({ object: 'page', entry: [
      { messaging: [textEvent('1', 'a'), { sender: { id: '1' }, read: { watermark: 1 } }, { sender: { id: '1' }, delivery: { mids: [] } }, textEvent('9', 'echo', { is_echo: true })] },
      { standby: [textEvent('2', 'b')] },
      { messaging: [{ sender: { id: '3' }, postback: { payload: 'GET_STARTED' } }, { message: { text: 'no sender' } }] },
    ] });
    expect(events.map((e) => e.sender?.id)).toEqual(['1', '3']);
    expect(eventsOf({ object: 'instagram', entry: [{ messaging: [textEvent('1', 'a')] }] })).toEqual([]);
    expect(eventsOf(null)).toEqual([]);
  });
});

describe('webhook over HTTP', () => {
  let t: MessengerTestApp;
  beforeAll(async () => {
    t = await startMessengerApp();
  });
  afterAll(async () => t?.close());

  it('answers the GET verification only with the right token', async () => {
    const url = (q: string) => `${t.app.url}${MESSENGER_WEBHOOK_PATH}?${q}`;
    const ok = await fetch(url(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(url('hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1'))).status).toBe(403);
    expect((await fetch(url(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`))).status).toBe(403);
    expect((await fetch(url(''))).status).toBe(403);
  });

  it('processes a signed POST with Romanian and Russian text (raw bytes count)', async () => {
    const res = await post(t, envelope(textEvent('2001', 'Bălți мёд')));
    expect(res.status).toBe(200);
    await t.app.messenger!.idle();
    expect(t.graph.messages('2001')).toHaveLength(1);
  });

  it('rejects unsigned, wrongly signed and tampered posts with 403 and changes nothing', async () => {
    const users = t.app.services.store.collection(UserModel);
    const before = { calls: t.graph.calls.length, users: await users.count() };
    const raw = metaJson(envelope(textEvent('2002', 'miere Soroca Bălți')));
    const attempts: [string, boolean | string][] = [
      [raw, false],
      [raw, 'sha256=' + '0'.repeat(64)],
      [raw, sign(Buffer.from(raw), 'not-the-secret')],
      [raw.replace('Soroca', 'Sorocb'), sign(Buffer.from(raw), APP_SECRET)],
      [JSON.stringify(JSON.parse(raw)), sign(Buffer.from(raw), APP_SECRET)], // re-serialised: ă/ș would differ
      [raw, 'garbage'],
    ];
    for (const [body, sig] of attempts) expect((await post(t, body, sig)).status).toBe(403);
    await t.app.messenger!.idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(t.graph.calls.length).toBe(before.calls);
    expect(await users.count()).toBe(before.users);
    expect(await t.app.services.users.byExternal('messenger', '2002')).toBeNull();
  });

  it('signed but malformed or foreign bodies change nothing and never crash', async () => {
    const before = t.graph.calls.length;
    for (const raw of ['{not json', '[]', 'null', '{"object":"page","entry":"x"}', '{"object":"page","entry":[{"messaging":[null,1,"x",{"sender":{"id":5}}]}]}']) {
      const res = await post(t, raw, sign(Buffer.from(raw), APP_SECRET));
      expect([200, 400]).toContain(res.status);
    }
    await t.app.messenger!.idle();
    expect(t.graph.calls.length).toBe(before);
    // The rest of the server keeps its own JSON parsing.
    expect((await fetch(`${t.app.url}/healthz`)).status).toBe(200);
  });
});
