/** The inbox and the per-chat queue on their own: store once, hand back only new updates, keep chat order. */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../services/clock.js';
import { Inbox } from '../../services/intake/inbox.js';
import { KeyedQueue } from '../../services/intake/queue.js';
import { sweepExpired } from '../../services/retention.js';
import { openStore, type Store } from '../../services/store/index.js';
import { tempDir } from '../helpers/app.js';

let store: Store;
let inbox: Inbox;
const clock = new ManualClock(new Date('2026-12-01T10:00:00Z'));

beforeEach(async () => {
  store = await openStore({ dataDir: tempDir(), inMemory: true });
  inbox = new Inbox(store, { clock, log: pino({ level: 'silent' }) });
});
afterEach(async () => store.close());

const arrival = (id: number, text = `m${id}`) => ({ id: String(id), seq: id, payload: { update_id: id, text } });

describe('Inbox', () => {
  it('stores each update once and hands back only the new ones; pending in order until marked done', async () => {
    expect((await inbox.accept('telegram', [arrival(3), arrival(1), arrival(2)])).map((p) => p.id)).toEqual(['tg:3', 'tg:1', 'tg:2']);
    // A redelivery mixed with a new one, and the same id twice in one batch.
    expect((await inbox.accept('telegram', [arrival(2), arrival(4), arrival(4)])).map((p) => p.id)).toEqual(['tg:4']);
    expect((await inbox.pending('telegram')).map((p) => p.seq)).toEqual([1, 2, 3, 4]);
    await inbox.markDone('tg:2');
    expect((await inbox.pending('telegram')).map((p) => p.payload)).toEqual([arrival(1).payload, arrival(3).payload, arrival(4).payload]);
    expect(await inbox.accept('telegram', [arrival(2)])).toEqual([]);
    // Channels do not mix.
    expect(await inbox.pending('messenger')).toEqual([]);
    expect((await inbox.accept('messenger', [{ id: 'm.1', seq: 1, payload: { x: 1 } }])).map((p) => p.id)).toEqual(['fb:m.1']);
  });

  it('forgets handled updates after the retention period only (the retention sweep)', async () => {
    await inbox.accept('telegram', [arrival(10), arrival(11)]);
    await inbox.markDone('tg:10');
    clock.advance(8 * 24 * 3600_000);
    await inbox.markDone('tg:11');
    expect((await sweepExpired(store, clock.now())).messengerEvents).toBe(1);
    expect(await inbox.updates.findById('tg:10')).toBeNull();
    expect(await inbox.updates.findById('tg:11')).not.toBeNull();
  });
});

describe('KeyedQueue', () => {
  it('runs one item per key at a time, in order, keys in parallel; a stalled item releases its key', async () => {
    const log: string[] = [];
    const running = new Set<string>();
    let overlap = false;
    const q = new KeyedQueue<{ key: string; n: number; ms: number }>({
      keyOf: (i) => i.key,
      stallMs: 300,
      log: { warn: () => void log.push('stalled'), error: () => undefined },
      async handle(i) {
        if (running.has(i.key)) overlap = true;
        running.add(i.key);
        log.push(`${i.key}${i.n}+`);
        // ms < 0: never finishes (a hung API call).
        await new Promise((r) => (i.ms < 0 ? undefined : setTimeout(r, i.ms)));
        running.delete(i.key);
      },
    });
    for (let n = 1; n <= 3; n++) {
      q.push({ key: 'a', n, ms: 20 });
      q.push({ key: 'b', n, ms: 5 });
    }
    await q.idle();
    expect(overlap).toBe(false);
    expect(log.filter((l) => l.startsWith('a'))).toEqual(['a1+', 'a2+', 'a3+']);
    expect(log.filter((l) => l.startsWith('b'))).toEqual(['b1+', 'b2+', 'b3+']);
    expect(log.indexOf('b2+')).toBeLessThan(log.indexOf('a2+'));

    // A handler that never ends: the chat moves on after stallMs.
    q.push({ key: 'c', n: 1, ms: -1 });
    q.push({ key: 'c', n: 2, ms: 1 });
    await q.idle();
    expect(log.slice(-3)).toEqual(['c1+', 'stalled', 'c2+']);
  });
});
