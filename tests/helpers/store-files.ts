/** Looks into an embedded store's files from outside the bot (as an operator's SQLite tool would). */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../services/store/embedded.js';

/** Rows of a read-only query on DATA_DIR/store.sqlite; [] while the file does not exist yet. */
export function readStoreText(dataDir: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } catch {
    return [];
  } finally {
    db.close();
  }
}
