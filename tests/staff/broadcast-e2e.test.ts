/**
 * "A staff member's broadcast to entrepreneurs in Soroca and Bălți, in Russian, reaches exactly those users at
 * the fake Bot API, once each, even with a kill -9 in the middle." The bot runs as a child process; the
 * staff member composes through the real /broadcast conversation; the process is killed while a send is
 * in flight (recorded by Telegram, answer not yet heard), then restarted.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListingModel } from '../../models/listing.js';
import { UserModel, type Locale, type User } from '../../models/user.js';
import { openStore } from '../../services/store/index.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { startBotProcess, type BotProcess } from '../helpers/process.js';

const STAFF = 8001;
const TARGETS = [8101, 8102, 8103, 8104, 8105, 8106, 8111, 8112, 8113, 8114, 8115, 8116];
const BASE_TEXT = 'Târg de primăvară la Soroca, 12 aprilie';
const RU_TEXT = 'Весенняя ярмарка в Сороках, 12 апреля';
const RU_ENTITIES = [{ type: 'bold', offset: 0, length: 16 }];

async function seed(dataDir: string): Promise<void> {
  const store = await openStore({ dataDir });
  const users = store.collection(UserModel);
  const listings = store.collection(ListingModel);
  const now = new Date();
  let n = 0;
  const person = (id: number, locale: Locale, extra: Partial<User> = {}) => users.insert({
    channel: 'telegram', externalId: String(id), chatId: String(id), locale, localeChosen: true, role: 'user',
    reachable: true, lastInboundAt: now, createdAt: now, matchCadence: 'off', ...extra,
  } as Partial<User>);
  const business = async (id: number, locale: Locale, districtId: string, lagId = 'md-nord', extra: Partial<User> = {}) => {
    const u = await person(id, locale, extra);
    await listings.insert({
      slug: `b-${id}`, ownerId: u._id, status: 'published', name: `Firma ${id}`, sectors: ['A'], country: lagId === 'md-nord' ? 'MD' : 'LV',
      districtId, lagId, phone: '+37369123456', keywords: [], languages: [], createdAt: now, updatedAt: now,
    });
    n++;
  };
  await person(STAFF, 'en', { role: 'staff', lagId: 'md-nord' });
  for (const id of TARGETS) await business(id, 'ru', id < 8110 ? 'md-soroca' : 'md-balti');
  await business(8201, 'ro', 'md-soroca'); // wrong language
  await business(8202, 'ro', 'md-balti');
  await business(8301, 'ru', 'md-drochia'); // wrong district
  await person(8401, 'ru'); // customer, not an entrepreneur
  await business(8501, 'ru', 'lv-jelgava', 'lv-lielupe'); // another LAG
  await business(8601, 'ru', 'md-soroca', 'md-nord', { reachable: false }); // blocked the bot earlier
  expect(n).toBe(TARGETS.length + 5);
  await store.close();
}

describe('broadcast end to end with kill -9', () => {
  let tg: FakeTelegram;
  let dataDir: string;
  let proc: BotProcess | undefined;

  beforeAll(async () => {
    tg = await FakeTelegram.start();
    dataDir = tempDir();
    await seed(dataDir);
  });
  afterAll(async () => {
    await proc?.kill9();
    await tg.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches exactly the Russian-speaking entrepreneurs of Soroca and Bălți, once each', async () => {
    const env = testEnv(tg, dataDir, { BROADCAST_RATE_PER_SECOND: '10' });
    proc = startBotProcess(env);
    const staff = tg.user(STAFF, { language_code: 'en', first_name: 'Ana' });
    const typed = (text: string, entities: unknown[]) => tg.pushUpdate({ message: {
      message_id: tg.nextMessageId(), date: Math.floor(Date.now() / 1000), chat: { id: STAFF, type: 'private', first_name: 'Ana' },
      from: { id: STAFF, is_bot: false, first_name: 'Ana', language_code: 'en' }, text, entities,
    } });

    await tg.waitUntil(() => tg.calls.some((c) => c.method === 'deleteWebhook'), 30_000, 'the bot to start');
    await staff.say('/broadcast', 'New broadcast');
    let since = staff.messages().length;
    typed(BASE_TEXT, [{ type: 'italic', offset: 0, length: 4 }]);
    await staff.expect('Choose below', { since });
    await staff.say('Înscriere | https://gal.md/targ', 'Button added');
    await staff.tap('bcp:custom', 'On which channel?');
    await staff.tap('bcc:telegram', 'Which districts');
    staff.press('bcd:md-soroca');
    staff.press('bcd:md-balti');
    await staff.tap('bcd:!done', 'Which sectors');
    await staff.tap('bcs:!done', 'Which languages');
    staff.press('bcl:ru');
    await staff.tap('bcl:!done', 'Add a version');
    await staff.tap('bcv:ru', 'Send the text for');
    since = staff.messages().length;
    typed(RU_TEXT, RU_ENTITIES);
    const preview = await staff.expect('It will go to', { since });
    expect(preview.text).toContain('12 recipients');
    expect(preview.text).toContain('Русский: 12 recipients');
    const shown = staff.messages().slice(since).find((m) => m.text === RU_TEXT);
    expect(shown?.params.entities).toEqual(RU_ENTITIES);

    // Hold the answer to the 4th delivery: Telegram has it, the bot never hears back — then kill -9.
    let held = 0;
    tg.afterAnswer = async (method, params) => {
      if (method === 'sendMessage' && TARGETS.includes(Number(params.chat_id)) && ++held === 4) await new Promise((r) => setTimeout(r, 5000));
    };
    await staff.tap('bcgo:now', 'Sending to 12 recipients');
    const delivered = () => tg.sent.filter((m) => m.text === RU_TEXT || m.text === BASE_TEXT).filter((m) => m.chat_id !== STAFF);
    await tg.waitUntil(() => delivered().length >= 4, 20_000, '4 deliveries');
    await proc.kill9();
    tg.afterAnswer = undefined;
    const beforeRestart = delivered().length;
    expect(beforeRestart).toBeLessThan(TARGETS.length);

    proc = startBotProcess(env);
    const report = await staff.expect('Broadcast finished', { since: staff.messages().length, timeoutMs: 30_000 });
    expect(report.text).toContain('Interrupted by a restart (not re-sent, to avoid duplicates): 1');
    await proc.stop();
    proc = undefined;

    const got = delivered();
    expect(got.map((m) => m.chat_id).sort()).toEqual([...TARGETS].sort());
    for (const m of got) {
      expect(m.text).toBe(RU_TEXT);
      expect(m.params.entities).toEqual(RU_ENTITIES);
      expect(m.params.parse_mode).toBeUndefined();
      expect(m.reply_markup.inline_keyboard[0][0].url).toBe('https://gal.md/targ');
    }
  }, 90_000);
});
