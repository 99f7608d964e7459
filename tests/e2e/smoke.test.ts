import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('greets a new user in their Telegram language', async () => {
    const u = t.tg.user(1001, { language_code: 'ru' });
    const m = await u.say('/start', 'Здравствуйте');
    expect(m.text).toContain('0 предприятий');
  });
});
