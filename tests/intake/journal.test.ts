/**
 * The replies journal: an update whose handling was cut off (the process died after some replies went out,
 * before it was marked done) is handled again at start without sending those replies twice — through the
 * real grammY Api, the outbound transformer and the fake Bot API over HTTP.
 */
import { rmSync } from 'node:fs';
import { Api, Bot, HttpError } from 'grammy';
import type { Update } from 'grammy/types';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbound } from '../../bot/telegram/outbound.js';
import { wireFetch } from '../../bot/telegram/wire-fetch.js';
import { ManualClock } from '../../services/clock.js';
import { Inbox } from '../../services/intake/inbox.js';
import { Intake } from '../../services/intake/intake.js';
import { HandlingScope, onceInHandling, runInScope, type JournalLine } from '../../services/intake/journal.js';
import { LocalBudget } from '../../services/outbound/budget.js';
import { openStore, type Store } from '../../services/store/index.js';
import { tempDir } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { EMULATOR_TOKEN } from '../../bot/demo/emulator.js';

const USER = 5101;
const STAFF = 5102;
const log = pino({ level: 'silent' });
let tg: FakeTelegram;
let dataDir: string;
let store: Store;

beforeEach(async () => {
  tg = await FakeTelegram.start();
  dataDir = tempDir('journal-');
  store = await openStore({ dataDir });
});
afterEach(async () => {
  await store.close();
  await tg.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const update = (id: number, text: string): Update => ({
  update_id: id,
  message: { message_id: id, date: 1_700_000_000, chat: { id: USER, type: 'private', first_name: 'A' }, from: { id: USER, is_bot: false, first_name: 'A' }, text },
});

/**
 * A bot whose handler replies, tells staff, waits at `gate` (a crash point), then replies again. With
 * `staffFirst` it takes another path: staff first.
 */
async function bot(gate: Promise<void> | undefined, staffFirst = false): Promise<Bot> {
  const b = new Bot(EMULATOR_TOKEN, { client: { apiRoot: tg.apiRoot, fetch: wireFetch } });
  b.api.config.use(outbound(new LocalBudget(), { priority: 'reply' }));
  b.on('message', async (ctx) => {
    if (staffFirst) await ctx.api.sendMessage(STAFF, 'staff first');
    const first = await ctx.reply('one');
    if (!staffFirst) await ctx.api.sendMessage(STAFF, `staff note about message ${first.message_id}`);
    if (gate) await gate;
    await ctx.reply('two');
  });
  await b.init();
  return b;
}

function intakeFor(b: Bot, inbox: Inbox): Intake {
  return new Intake(inbox, { channel: 'telegram', log, keyOf: () => String(USER), handle: (p) => b.handleUpdate(p as Update) });
}

const texts = (chat: number) => tg.messagesTo(chat).map((m) => m.text);

describe('replies journal', () => {
  it('a handling cut off after two messages sends only the rest when the update is handled again', async () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const inbox = new Inbox(store, { clock, log });
    const cut = new Promise<void>(() => undefined); // never resolves: the process "dies" here
    const first = intakeFor(await bot(cut), inbox);
    await first.accept([{ id: '1', seq: 1, payload: update(1, 'hello') }]);
    await tg.waitUntil(() => texts(STAFF).length === 1, 10_000, 'the staff note');
    expect(texts(USER)).toEqual(['one']);
    const stored = await inbox.updates.findById('tg:1');
    expect(stored?.done).toBe(false);
    // Two messages, each recorded as "sending" before its request; the first one's answer ("sent") was written
    // with the second's line, the second's answer is still only in memory.
    expect(stored?.sent?.map((l) => JSON.parse(l).phase)).toEqual(['sending', 'sent', 'sending']);
    expect(stored?.sent?.map((l) => JSON.parse(l).k)).toEqual([`sendMessage ${USER} 0`, `sendMessage ${USER} 0`, `sendMessage ${STAFF} 0`]);

    // "Restart": a new bot and intake on the same store; the stored update is handled again.
    const second = intakeFor(await bot(undefined), new Inbox(store, { clock, log }));
    expect(await second.recover()).toBe(1);
    await second.idle();
    expect(texts(USER)).toEqual(['one', 'two']);
    // The handler got the recorded answer back: the staff note names the first reply's real message id.
    expect(texts(STAFF)).toEqual([`staff note about message ${tg.messagesTo(USER)[0].message_id}`]);
    const done = await inbox.updates.findById('tg:1');
    expect(done?.done).toBe(true);
    expect(done?.sent).toBeUndefined();
    expect(done?.payload).toBe('{}');
  });

  it('messages are recognised per recipient, whatever order they go out in the second time', async () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const inbox = new Inbox(store, { clock, log });
    const first = intakeFor(await bot(new Promise<void>(() => undefined)), inbox);
    await first.accept([{ id: '2', seq: 2, payload: update(2, 'hello') }]);
    await tg.waitUntil(() => texts(STAFF).length === 1, 10_000, 'the staff note');

    // The second handling writes to staff first, then to the user: both were sent already; only "two" is new.
    const second = intakeFor(await bot(undefined, true), new Inbox(store, { clock, log }));
    await second.recover();
    await second.idle();
    expect(texts(STAFF)).toEqual([expect.stringMatching(/^staff note about message \d+$/)]);
    expect(texts(USER)).toEqual(['one', 'two']);
  });

  it('a message on the wire when the process died (Telegram has it, no answer came back) is not sent again', async () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const inbox = new Inbox(store, { clock, log });
    let held = 0;
    tg.afterAnswer = async (method, params) => {
      if (method === 'sendMessage' && String(params.chat_id) === String(USER)) {
        held++;
        await new Promise<void>(() => undefined); // the answer never comes back
      }
    };
    const first = intakeFor(await bot(undefined), inbox);
    await first.accept([{ id: '3', seq: 3, payload: update(3, 'hello') }]);
    await tg.waitUntil(() => held === 1, 10_000, 'the first reply on the wire');
    expect(texts(USER)).toEqual(['one']);
    tg.afterAnswer = undefined;

    const second = intakeFor(await bot(undefined), new Inbox(store, { clock, log }));
    await second.recover();
    await second.idle();
    expect(texts(USER)).toEqual(['one', 'two']);
    // The handler went on with a stand-in answer (the real message id was never heard).
    expect(texts(STAFF)).toEqual(['staff note about message 0']);
  });

  it('a message Telegram refused with 429 when the process died is sent after the restart', async () => {
    const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));
    const inbox = new Inbox(store, { clock, log });
    tg.failNext('sendMessage', 429, 'Too Many Requests: retry after 60', { retryAfter: 60 });
    const first = intakeFor(await bot(undefined), inbox);
    await first.accept([{ id: '4', seq: 4, payload: update(4, 'hello') }]);
    await tg.waitUntil(() => tg.callsOf('sendMessage').length === 1, 10_000, 'the refused reply');
    const stored = await inbox.updates.findById('tg:4');
    expect(stored?.sent?.map((l) => JSON.parse(l).phase)).toEqual(['sending', 'not-sent']);
    expect(texts(USER)).toEqual([]);

    const second = intakeFor(await bot(undefined), new Inbox(store, { clock, log }));
    await second.recover();
    await second.idle();
    expect(texts(USER)).toEqual(['one', 'two']);
    expect(texts(STAFF)).toHaveLength(1);
  });

  it('a creation done once per update: handled again, it finds what the first handling created', async () => {
    const lines: JournalLine[] = [];
    const docs = new Map<string, { _id: string; n: number }>();
    let created = 0;
    const create = async () => {
      const d = { _id: `doc${++created}`, n: created };
      docs.set(d._id, d);
      return d;
    };
    const load = async (id: string) => docs.get(id) ?? null;
    const first = new HandlingScope('tg:9', [], async (l) => void lines.push(...l));
    const a = await runInScope(first, () => onceInHandling('thing', create, load));
    expect(a._id).toBe('doc1');
    // The process died before the update was done: the second handling gets the same document back.
    const second = new HandlingScope('tg:9', lines, async (l) => void lines.push(...l));
    const [again, next] = await runInScope(second, async () => [await onceInHandling('thing', create, load), await onceInHandling('thing', create, load)]);
    expect(again).toEqual({ _id: 'doc1', n: 1 });
    expect(next._id).toBe('doc2'); // a second creation in the same handling is a new one
    expect(created).toBe(2);
    // Outside an update's handling it simply creates.
    expect((await onceInHandling('thing', create, load))._id).toBe('doc3');
  });

  it('a message whose request fails on the network is tried again under the same journal entry', async () => {
    const lines: JournalLine[] = [];
    const scope = new HandlingScope('tg:10', [], async (l) => void lines.push(...l));
    const send = outbound(new LocalBudget(), { priority: 'reply' });
    let calls = 0;
    // The first attempt fails before its request is written; the next ones make a real request (through
    // wireFetch, which records "sending" when the socket is ready) and answer as Telegram would.
    const wire = new Api(EMULATOR_TOKEN, { apiRoot: tg.apiRoot, fetch: wireFetch });
    const prev = (async () => {
      calls++;
      if (calls === 1) throw new HttpError('Network request for \'sendMessage\' failed!', new Error('ECONNRESET'));
      await wire.getMe();
      return { ok: true, result: { message_id: 7, date: 1, chat: { id: USER, type: 'private' }, text: 'hi' } };
    }) as unknown as Parameters<typeof send>[0];
    const res = await runInScope(scope, () => send(prev, 'sendMessage', { chat_id: USER, text: 'hi' } as never));
    expect(res.ok).toBe(true);
    expect(calls).toBe(2);
    // The answer ("sent") stays in memory until the handling writes another line: the update being done clears it.
    expect(lines.map((l) => [l.k, l.phase])).toEqual([[`sendMessage ${USER} 0`, 'not-sent'], [`sendMessage ${USER} 0`, 'sending']]);
    await runInScope(scope, () => send(prev, 'sendMessage', { chat_id: USER, text: 'again' } as never));
    expect(lines.map((l) => [l.k, l.phase]).slice(2)).toEqual([[`sendMessage ${USER} 0`, 'sent'], [`sendMessage ${USER} 1`, 'sending']]);
    expect(lines[2].result).toEqual({ message_id: 7, date: 1, chat: { id: USER, type: 'private' } });
  });
});
