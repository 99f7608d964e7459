import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../bot/config.js';

const TOKEN = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ_0123';

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config', () => {
  it('applies defaults: long polling, embedded store in ./data, port 3000, Romanian', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(c).toMatchObject({
      TELEGRAM_API_ROOT: 'https://api.telegram.org', DATA_DIR: './data', PORT: 3000, DEFAULT_LOCALE: 'ro', LOG_LEVEL: 'info',
      STAFF_TELEGRAM_IDS: [], MESSENGER_GRAPH_URL: 'https://graph.facebook.com',
    });
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.TELEGRAM_WEBHOOK_URL).toBeUndefined();
  });

  it('warns when a real bot would send links to localhost (PUBLIC_URL left at its default)', () => {
    expect(configWarnings(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }))).toEqual([expect.stringMatching(/^PUBLIC_URL is http:\/\/localhost:3000: .*Telegram refuses URL buttons/)]);
    expect(configWarnings(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'http://127.0.0.1:8080' }))).toHaveLength(1);
    expect(configWarnings(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://lag.example.md' }))).toEqual([]);
    // Against a local Bot API (tests, the demo) localhost is what is wanted.
    expect(configWarnings(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081' }))).toEqual([]);
    expect(configWarnings(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }), true)).toEqual([]);
  });

  it('explains where to get a token when it is missing', () => {
    const p = problems({});
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^TELEGRAM_BOT_TOKEN .*@BotFather/);
  });

  it('names every bad variable at once', () => {
    const p = problems({
      TELEGRAM_BOT_TOKEN: 'nonsense', PORT: 'eighty', DEFAULT_LOCALE: 'de', STAFF_TELEGRAM_IDS: '12, @bob',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud',
    });
    const named = p.map((x) => x.split(' ')[0]).sort();
    expect(named).toEqual(['DEFAULT_LOCALE', 'LOG_LEVEL', 'PORT', 'PUBLIC_URL', 'STAFF_TELEGRAM_IDS', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);
    expect(p.find((x) => x.startsWith('STAFF_TELEGRAM_IDS'))).toContain('"@bob"');
  });

  it('parses staff ids, trims PUBLIC_URL, accepts webhook mode with a secret', () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN, STAFF_TELEGRAM_IDS: ' 111,222 ,', PUBLIC_URL: 'https://lag.example.md/',
      TELEGRAM_WEBHOOK_URL: 'https://lag.example.md/telegram', TELEGRAM_WEBHOOK_SECRET: 's3cret_-X', MONGODB_URI: 'mongodb://db/lag',
    });
    expect(c.STAFF_TELEGRAM_IDS).toEqual(['111', '222']);
    expect(c.PUBLIC_URL).toBe('https://lag.example.md');
    expect(c.TELEGRAM_WEBHOOK_SECRET).toBe('s3cret_-X');
    expect(c.MONGODB_URI).toBe('mongodb://db/lag');
  });

  it('requires the app secret and verify token once Messenger is enabled', () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN, MESSENGER_PAGE_ACCESS_TOKEN: 'EAAB' })[0]).toMatch(/^MESSENGER_APP_SECRET/);
  });
});

describe('config: several instances', () => {
  it('reads STORE_SHARED (off by default) and JOB_SCHEDULES, and names a malformed entry', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).STORE_SHARED).toBe(false);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, STORE_SHARED: '1' }).STORE_SHARED).toBe(true);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, STORE_SHARED: 'true' }).STORE_SHARED).toBe(true);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, STORE_SHARED: 'yes' })).toThrow(/STORE_SHARED/);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, JOB_SCHEDULES: 'offers.digests=*/2 * * * * *; retention.sweep = 0 * * * *' }).JOB_SCHEDULES)
      .toEqual({ 'offers.digests': '*/2 * * * * *', 'retention.sweep': '0 * * * *' });
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, JOB_SCHEDULES: 'offers.digests' })).toThrow(/JOB_SCHEDULES entry "offers.digests" is not job=cron/);
  });
});

describe('config: secrets key', () => {
  it('rejects a SECRETS_KEY that is not 32 bytes', () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN, SECRETS_KEY: 'short' })[0]).toMatch(/^SECRETS_KEY must be 32 bytes/);
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN, SECRETS_KEY: 'a'.repeat(64) })).toEqual([]);
  });
});
