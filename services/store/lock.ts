/**
 * One bot process per DATA_DIR. The bot keeps indexes (search, matching) and a scheduler in memory, which a
 * second process writing the same data would silently contradict; so the second one refuses to start.
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
  private constructor(private readonly db: Database.Database, private readonly dataDir: string) {}

  /** Takes the lock or throws DataDirLocked naming the holder. */
  static acquire(dataDir: string): DataDirLock {
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

  /** "pid 1234, since …" as far as known. */
  static holder(dataDir: string): string {
    try {
      const [pid, since] = readFileSync(join(dataDir, PID_FILE), 'utf8').trim().split(' ');
      return `pid ${pid}, running since ${since}`;
    } catch {
      return 'pid unknown';
    }
  }

  release(): void {
    if (!this.db.open) return;
    rmSync(join(this.dataDir, PID_FILE), { force: true });
    this.db.close();
  }
}
