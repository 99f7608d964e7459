/**
 * One bot process per DATA_DIR — unless every process runs with STORE_SHARED=1. The bot keeps indexes
 * (search, matching) and caches in memory, which a second process writing the same data would silently
 * contradict; so by default the second one refuses to start. In shared mode every process keeps its memory in
 * step through the change feed (services/changes) and coordinates through leases in the store, and they all
 * hold the lock SHARED: any number of shared processes, but never beside an exclusive one (a default-mode bot,
 * or `npm run restore`).
 *
 * The lock is an exclusive SQLite lock (an OS file lock) on DATA_DIR/store.lock, held for the life of the
 * connection: the kernel drops it when the process dies, kill -9 included, so there is never a stale lock to
 * clean up. The holder's pid and start time are written beside it (store.pid) for the refusal message.
 */
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'store.lock';
export const PID_FILE = 'store.pid';

/** Another process holds DATA_DIR. */
export class DataDirLocked extends Error {
  constructor(readonly dataDir: string, readonly holder: string) {
    super(`DATA_DIR ${dataDir} is in use by another running bot (${holder}). Stop that process first, or give this one its own DATA_DIR.`);
    this.name = 'DataDirLocked';
  }
}

export class DataDirLock {
  private constructor(private readonly db: Database.Database, private readonly dataDir: string, private readonly shared = false) {}

  /** Takes the lock or throws DataDirLocked naming the holder. `shared`: several STORE_SHARED processes. */
  static acquire(dataDir: string, opts: { shared?: boolean } = {}): DataDirLock {
    if (opts.shared) return DataDirLock.acquireShared(dataDir);
    const db = new Database(join(dataDir, LOCK_FILE));
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      // The first write under EXCLUSIVE locking mode takes the file lock and keeps it until close.
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); COMMIT;');
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirLocked(dataDir, DataDirLock.holder(dataDir));
      throw err;
    }
    writeFileSync(join(dataDir, PID_FILE), `${process.pid} ${new Date().toISOString()}\n`);
    return new DataDirLock(db, dataDir);
  }

  /**
   * A SHARED file lock held for the life of the connection: in EXCLUSIVE locking mode SQLite keeps the lock of
   * the first read. Any number of shared holders; an exclusive holder (or one that asks) makes it fail.
   */
  private static acquireShared(dataDir: string): DataDirLock {
    const file = join(dataDir, LOCK_FILE);
    const setup = new Database(file);
    try {
      setup.pragma('busy_timeout = 2000');
      setup.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirLocked(dataDir, DataDirLock.holder(dataDir));
      throw err;
    } finally {
      setup.close();
    }
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 2000');
      db.pragma('locking_mode = EXCLUSIVE');
      db.prepare('SELECT count(*) FROM holder').get();
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataDirLocked(dataDir, DataDirLock.holder(dataDir));
      throw err;
    }
    return new DataDirLock(db, dataDir, true);
  }

  /** "pid 1234, since …" as far as known. */
  static holder(dataDir: string): string {
    try {
      const [pid, since] = readFileSync(join(dataDir, PID_FILE), 'utf8').trim().split(' ');
      return `pid ${pid}, running since ${since}`;
    } catch {
      return 'pid unknown; processes started with STORE_SHARED=1 write no pid file';
    }
  }

  release(): void {
    if (!this.db.open) return;
    if (!this.shared) rmSync(join(this.dataDir, PID_FILE), { force: true });
    this.db.close();
  }
}
