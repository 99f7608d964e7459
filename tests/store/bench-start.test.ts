/** `npm run bench:start` in a small run: it seeds, starts the bot and a bare grammY bot, and prints figures. */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../scripts/bench-start.js';

describe('bench:start (small run)', () => {
  it('measures a bare bot and the bot on 300 listings, and prints each', { timeout: 240_000 }, async () => {
    const printed: string[] = [];
    const figures = await runBench({ sizes: [300], tsx: true, log: (s) => printed.push(s) });
    expect(figures.map((f) => [f.label, f.listings])).toEqual([['bare grammY bot', 0], ['bot (SQLite engine)', 300]]);
    for (const f of figures) {
      expect(Number.isFinite(f.healthMs) && Number.isFinite(f.replyMs)).toBe(true);
      expect(f.rssMb).toBeGreaterThan(10);
    }
    expect(printed.filter((l) => /listings\s+\/healthz 200 after\s+\d+ ms\s+first \/start reply after\s+\d+ ms\s+RSS \d+ MB/.test(l))).toHaveLength(2);
  });
});
