/** A small run of the search benchmark: the script works and prints every figure (timings are not asserted). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('bench:search', () => {
  it('builds 2k listings and prints build time, memory and latency percentiles', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench-search.ts', '2000', '--queries', '200'], { cwd: process.cwd(), timeout: 60_000 });
    expect(stdout).toMatch(/^listings: 2000$/m);
    expect(Number(stdout.match(/index build: (\d+) ms/)?.[1])).toBeGreaterThanOrEqual(0);
    const [, heap, rss] = stdout.match(/heap used ([\d.]+) MB .* rss ([\d.]+) MB/) ?? [];
    expect(Number(heap)).toBeGreaterThan(0);
    expect(Number(rss)).toBeGreaterThan(Number(heap));
    expect(stdout).toMatch(/queries: 200 \(exact, no-diacritics, cyrillic, typo, filtered\)/);
    const [, p50, p95, p99] = (stdout.match(/latency: p50 ([\d.]+) ms, p95 ([\d.]+) ms, p99 ([\d.]+) ms/) ?? []).map(Number);
    expect(p50).toBeGreaterThan(0);
    expect(p50).toBeLessThanOrEqual(p95);
    expect(p95).toBeLessThanOrEqual(p99);
    // Most mixed queries find something (typos and Cyrillic included): the generator and the index agree.
    expect(Number(stdout.match(/zero-result (\d+)/)?.[1])).toBeLessThan(40);
    expect(stdout).toMatch(/targets: p95 ≤ 10 ms (OK|MISSED); memory ≤ 500 MB (OK|MISSED)/);
  });
});
