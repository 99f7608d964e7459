/**
 * Online backup and restore of the embedded engine. A backup is one SQLite file (documents, indexes and
 * blobs) taken with `VACUUM INTO` from a read transaction: a consistent snapshot while the bot keeps writing
 * (WAL readers and the writer do not block each other). Restoring replaces DATA_DIR/store.sqlite and needs
 * the DATA_DIR lock, so it refuses while a bot runs there; the replaced files are kept beside it.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, copyFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from './embedded.js';
import { DataDirLock } from './lock.js';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Checks that `file` is an intact SQLite database written by this engine. */
export function checkBackupFile(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`${file} cannot be opened as a backup: ${(err as Error).message}`);
  }
  try {
    const [check] = db.pragma('quick_check') as { quick_check: string }[];
    if (check?.quick_check !== 'ok') throw new Error(`${file} is damaged: ${check?.quick_check}`);
    const meta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_meta'").get();
    if (!meta) throw new Error(`${file} is not a backup of this bot's store`);
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw new Error(`${file} is not a SQLite backup`);
    throw err;
  } finally {
    db.close();
  }
}

/** Writes a consistent snapshot of DATA_DIR's store to `file` (atomically: a partial file never has the name). */
export function backupEmbedded(dataDir: string, file: string): { bytes: number; ms: number } {
  const started = Date.now();
  const source = join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new Error(`no embedded store in ${resolve(dataDir)} (${DB_FILE} is missing)`);
  const target = resolve(file);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  fsyncPath(partial);
  renameSync(partial, target);
  fsyncPath(dirname(target));
  return { bytes: statSync(target).size, ms: Date.now() - started };
}

/** Replaces DATA_DIR's store with `file`; refuses (DataDirLocked) while a bot runs on DATA_DIR. */
export function restoreEmbedded(dataDir: string, file: string): { keptAs?: string } {
  checkBackupFile(file);
  const lock = DataDirLock.acquire(dataDir);
  try {
    const live = join(dataDir, DB_FILE);
    let keptAs: string | undefined;
    if (existsSync(live)) {
      keptAs = `${live}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      // The log belongs to its database: both move together (a killed bot may have left committed writes in it).
      for (const suffix of ['-wal', '-shm']) if (existsSync(live + suffix)) renameSync(live + suffix, keptAs + suffix);
      renameSync(live, keptAs);
    }
    const incoming = `${live}.restoring`;
    copyFileSync(file, incoming);
    fsyncPath(incoming);
    renameSync(incoming, live);
    fsyncPath(dataDir);
    return { keptAs };
  } finally {
    lock.release();
  }
}
