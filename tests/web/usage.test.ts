/**
 * The LAG's search statistics count searches people typed — in the bot or in the web directory's search box —
 * not web pages opened by following links (visitors, crawlers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

async function searches(): Promise<number> {
  // Counting happens on the event bus, right after the answer: give it a moment.
  await new Promise((r) => setTimeout(r, 200));
  const day = t.app.services.clock.now().toISOString().slice(0, 10);
  return (await t.app.services.usage.daily(day, day)).get(day)?.search ?? 0;
}

describe('search statistics', () => {
  it('web pages opened by a link do not count; a typed web search and a bot search do', async () => {
    for (const path of ['/lag/md-nord', '/lag/md-nord?sector=A', '/lag/md-nord?page=2', '/lag/md-nord?q=%20%20']) {
      expect((await fetch(`${t.app.url}${path}`)).status, path).toBe(200);
    }
    expect(await searches()).toBe(0);
    expect((await fetch(`${t.app.url}/lag/md-nord?q=miere`)).status).toBe(200);
    expect(await searches()).toBe(1);
    await t.app.services.search.search({ text: 'vin' });
    expect(await searches()).toBe(2);
  });
});
