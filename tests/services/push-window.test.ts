import { describe, expect, it } from 'vitest';
import { insidePushWindow, MESSENGER_WINDOW_MS } from '../../services/users.js';

describe('Messenger 24 h window (one rule for notifier, digests and broadcasts)', () => {
  const wrote = new Date('2026-11-26T09:00:00Z');
  const at = (ms: number) => new Date(wrote.getTime() + ms);

  it('lets promotional pushes reach Telegram users at any time', () => {
    expect(insidePushWindow({ channel: 'telegram', lastInboundAt: wrote }, at(30 * MESSENGER_WINDOW_MS))).toBe(true);
  });

  it('reaches Messenger users strictly within 24 hours of their last message', () => {
    const u = { channel: 'messenger' as const, lastInboundAt: wrote };
    expect(insidePushWindow(u, at(0))).toBe(true);
    expect(insidePushWindow(u, at(MESSENGER_WINDOW_MS - 1))).toBe(true);
    expect(insidePushWindow(u, at(MESSENGER_WINDOW_MS))).toBe(false);
    expect(insidePushWindow(u, at(MESSENGER_WINDOW_MS + 60_000))).toBe(false);
  });
});
