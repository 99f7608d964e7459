/**
 * The real bot on a full disk: a user whose message cannot be stored is told, in their language, to try again
 * in a few minutes (never a false success), /healthz answers 503 with the reason, one error is logged for the
 * episode; once space returns the bot works again and nothing it had accepted is lost (after a restart too).
 * Runs on a real 4 MB tmpfs filled to the last byte when this machine lets us mount one, and always with
 * injected read-only storage (tests/store/sqlite.test.ts injects SQLITE_FULL at the store level).
 *
 * Also: a backup taken while users keep writing restores into a DATA_DIR a new bot starts on and serves.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../bot/app.js';
import { loadConfig } from '../../bot/config.js';
import { UserModel } from '../../models/user.js';
import type { EmbeddedStore } from '../../services/store/embedded.js';
import type { Store } from '../../services/store/port.js';
import { crosscheckStore } from '../helpers/crosscheck-store.js';
import { tempDir, testEnv } from '../helpers/app.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { ROOT } from '../helpers/process.js';

interface Running { app: App; raw: EmbeddedStore; logs: { level: number; msg: string }[] }

async function start(tg: FakeTelegram, dataDir: string): Promise<Running> {
  const logs: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  let raw: Store | undefined;
  const app = await startApp(loadConfig(testEnv(tg, dataDir)), {
    log,
    wrapStore: (s) => {
      raw = s;
      return crosscheckStore(s);
    },
  });
  return { app, raw: raw as EmbeddedStore, logs };
}

/** An 8 MB tmpfs for DATA_DIR (room for the write-ahead log SQLite keeps), or null when mounting is not allowed. */
function mountTmpfs(): string | null {
  const dir = tempDir('lag-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Fills the file system of `dir` to the last byte; returns a function that frees the space again. */
function fillDisk(dir: string): () => void {
  const filler = join(dir, 'filler');
  mkdirSync(filler, { recursive: true });
  const chunk = Buffer.alloc(64 * 1024, 7);
  let i = 0;
  for (let size = chunk.length; size >= 1; ) {
    try {
      writeFileSync(join(filler, String(i++)), chunk.subarray(0, size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return () => rmSync(filler, { recursive: true, force: true });
}

const tmpfs = mountTmpfs();
/** [name, DATA_DIR, make the store unwritable (returns the undo), the reason /healthz gives]. */
const variants: [string, string, (r: Running) => () => void, RegExp][] = [
  // Storage that turned read-only under the bot (e.g. a file system remounted read-only after errors).
  ['injected read-only storage (SQLITE_READONLY)', tempDir('lag-full-'), (r) => {
    r.raw.database.pragma('query_only = ON');
    return () => r.raw.database.pragma('query_only = OFF');
  }, /read-only/],
];
if (tmpfs) variants.push(['a real full tmpfs (SQLITE_FULL)', tmpfs, () => fillDisk(tmpfs), /disk full/]);

afterAll(() => {
  if (tmpfs) execFileSync('umount', [tmpfs]);
});

describe('a full disk', () => {
  for (const [name, dataDir, makeFull, reason] of variants) {
    it(`with ${name}: localized "try again later", 503 with the reason, one error log; nothing lost once space returns`, { timeout: 120_000 }, async () => {
      const tg = await FakeTelegram.start();
      let r = await start(tg, dataDir);
      try {
        const ana = tg.user(7101, { language_code: 'en', first_name: 'Ana' });
        await ana.say('/start', 'Hello, Ana');
        // Fill the store's pages with data users sent, so that the next users need new space.
        for (let i = 0; i < 30; i++) await tg.user(7200 + i, { language_code: 'lv' }).say('/start', /Labdien|Sveiki/);

        const free = makeFull(r);
        const ivan = tg.user(7102, { language_code: 'ru', first_name: 'Иван' });
        await ivan.say('/start', 'временно недоступен');
        const health = await fetch(`${r.app.url}/healthz`);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ ok: false, store: { ok: false, reason: expect.stringMatching(reason) } });
        const maria = tg.user(7103, { language_code: 'ro', first_name: 'Maria' });
        await maria.say('/start', 'temporar indisponibil');
        await tg.user(7104, { language_code: 'lv' }).say('/start', 'īslaicīgi nav pieejams');
        // Never a false success: Ivan was not greeted.
        expect(ivan.messages().some((m) => /Здравствуйте/.test(m.text ?? ''))).toBe(false);
        const errors = r.logs.filter((l) => l.level >= 50);
        expect(errors.filter((l) => /store cannot write/.test(l.msg) && reason.test(l.msg))).toHaveLength(1);

        free();
        await ivan.say('/start', 'Здравствуйте, Иван');
        expect((await fetch(`${r.app.url}/healthz`)).status).toBe(200);
        expect(r.logs.some((l) => /store writes work again/.test(l.msg))).toBe(true);

        await r.app.stop();
        r = await start(tg, dataDir);
        const users = r.app.services.store.collection(UserModel);
        for (const id of ['7101', '7102', '7200', '7229']) expect(await users.findOne({ channel: 'telegram', externalId: id })).not.toBeNull();
        await ana.say('/start', 'Hello, Ana');
      } finally {
        await r.app.stop();
        await tg.close();
        if (dataDir !== tmpfs) rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('backup and restore of a running bot', () => {
  it('a backup taken while users write restores into a DATA_DIR a new bot serves', { timeout: 180_000 }, async () => {
    const tg = await FakeTelegram.start();
    const dataDir = tempDir('lag-live-');
    const r = await start(tg, dataDir);
    const file = join(tempDir('lag-backup-'), 'live.sqlite');
    let writing = true;
    let greeted = 0;
    const load = (async () => {
      for (let i = 0; writing; i++) {
        await tg.user(8000 + i, { language_code: 'en', first_name: `U${i}` }).say('/start', `Hello, U${i}`);
        greeted++;
      }
    })();
    try {
      while (greeted < 20) await new Promise((res) => setTimeout(res, 50));
      const backup = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', file], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir } });
      expect(backup.stdout).toMatch(/written to/);
      const atBackup = greeted;
      while (greeted < atBackup + 5) await new Promise((res) => setTimeout(res, 50));
    } finally {
      writing = false;
      await load;
      await r.app.stop();
    }

    const restoredDir = tempDir('lag-restored-');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/restore.ts', file], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', DATA_DIR: restoredDir } });
    // The same bot's update ids keep rising (Telegram's are per bot): the restored inbox already holds the old ones.
    const tg2 = await FakeTelegram.start({ firstUpdateId: 1_000_000 });
    const restored = await start(tg2, restoredDir);
    try {
      const users = await restored.app.services.store.collection(UserModel).count();
      expect(users).toBeGreaterThanOrEqual(20);
      expect(users).toBeLessThan(greeted);
      await tg2.user(8000, { language_code: 'en', first_name: 'U0' }).say('/start', 'Hello, U0');
      await tg2.user(9999, { language_code: 'ro', first_name: 'Nou' }).say('/start', 'Bună ziua, Nou');
      expect((await fetch(`${restored.app.url}/healthz`)).status).toBe(200);
    } finally {
      await restored.app.stop();
      await tg.close();
      await tg2.close();
    }
  });
});
