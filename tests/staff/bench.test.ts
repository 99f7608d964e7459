/** A small run of scripts/bench-broadcast.ts: 300 recipients, kill -9 half way, restart. Figures are not asserted. */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../scripts/bench-broadcast.js';

describe('bench:broadcast (small run)', () => {
  it('delivers to 300 recipients at a 30 msg/s fake with a kill -9 half way: no duplicates, nobody missed', async () => {
    const r = await runBench(300, { killAtFraction: 0.5, timeoutMs: 60_000 });
    expect(r.killedAt).toBeGreaterThanOrEqual(150);
    expect(r.duplicates).toBe(0);
    expect(r.missing).toBe(0);
    // Everyone got it, except at most the messages in flight at the kill (not re-sent by design).
    expect(r.delivered).toBeGreaterThanOrEqual(300 - r.uncertain);
    expect(r.uncertain).toBeLessThanOrEqual(8);
  }, 90_000);
});
