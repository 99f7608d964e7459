/**
 * One-time upgrade of a DATA_DIR written by the former embedded engine (NeDB: DATA_DIR/db/<collection>.db,
 * one JSON document per line, later lines overriding earlier ones, `$$deleted` tombstones, `$$indexCreated`
 * lines, dates as {"$$date": ms}; photos as files in DATA_DIR/blobs). Everything is copied into SQLite in one
 * transaction; then the old folders are renamed (db.nedb-migrated/, blobs.nedb-migrated/), never deleted.
 * A line that does not parse (a torn last line after a crash or a full disk) is skipped and logged.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type Database from 'better-sqlite3';

const MARKER = 'nedb_migrated_at';
const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', csv: 'text/csv' };

export interface MigrationLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MigrationReport {
  collections: Record<string, number>;
  blobs: number;
  skippedLines: { file: string; line: number }[];
}

/** Dates become the ISO text the SQLite engine stores. */
function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$$date' in value) return new Date((value as { $$date: number }).$$date).toISOString();
  return value;
}

async function readNedbFile(file: string, skipped: MigrationReport['skippedLines']): Promise<Map<string, Record<string, unknown>>> {
  const docs = new Map<string, Record<string, unknown>>();
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line, reviver) as Record<string, unknown>;
    } catch {
      skipped.push({ file, line: n });
      continue;
    }
    if (!doc || typeof doc !== 'object' || '$$indexCreated' in doc || '$$indexRemoved' in doc) continue;
    if (typeof doc._id !== 'string') {
      skipped.push({ file, line: n });
      continue;
    }
    if (doc.$$deleted === true) docs.delete(doc._id);
    else docs.set(doc._id, doc);
  }
  return docs;
}

function freeName(base: string): string {
  if (!existsSync(base)) return base;
  return `${base}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
}

/** Migrates DATA_DIR/db (and DATA_DIR/blobs) into `db` when they exist; returns what was copied, or null. */
export async function migrateNedbIfPresent(dataDir: string, db: Database.Database, log?: MigrationLog): Promise<MigrationReport | null> {
  const dbDir = join(dataDir, 'db');
  const blobDir = join(dataDir, 'blobs');
  if (!existsSync(dbDir) && !existsSync(blobDir)) return null;
  const done = db.prepare('SELECT value FROM _meta WHERE key = ?').get(MARKER) as { value: string } | undefined;
  const report: MigrationReport = { collections: {}, blobs: 0, skippedLines: [] };

  if (!done) {
    const files = existsSync(dbDir) ? readdirSync(dbDir) : [];
    const collections = new Map<string, Map<string, Record<string, unknown>>>();
    for (const f of files) {
      const m = /^([A-Za-z0-9_]+)\.db(~?)$/.exec(f);
      if (!m) continue;
      // NeDB writes `x.db~` and renames it over `x.db`; a crash in between leaves only the `~` copy.
      if (m[2] && files.includes(`${m[1]}.db`)) continue;
      collections.set(m[1], await readNedbFile(join(dbDir, f), report.skippedLines));
    }
    const blobs = existsSync(blobDir) ? readdirSync(blobDir).filter((f) => /^[A-Za-z0-9_-]{8,64}\.[a-z]{2,4}$/.test(f)) : [];
    db.transaction(() => {
      for (const [name, docs] of collections) {
        db.exec(`CREATE TABLE IF NOT EXISTS "${name}" (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
        const ins = db.prepare(`INSERT OR REPLACE INTO "${name}" (_id, doc) VALUES (?, ?)`);
        for (const [id, doc] of docs) ins.run(id, JSON.stringify(doc));
        report.collections[name] = docs.size;
      }
      const insBlob = db.prepare('INSERT OR REPLACE INTO _blobs (id, content_type, data) VALUES (?, ?, ?)');
      for (const f of blobs) {
        insBlob.run(f, CONTENT_TYPES[f.split('.').pop()!] ?? 'application/octet-stream', readFileSync(join(blobDir, f)));
        report.blobs++;
      }
      db.prepare('INSERT INTO _meta (key, value) VALUES (?, ?)').run(MARKER, new Date().toISOString());
    })();
    for (const s of report.skippedLines) log?.warn(s, 'NeDB migration: skipped a line that does not parse (torn write?)');
    log?.info({ ...report, skippedLines: report.skippedLines.length }, 'migrated the NeDB data directory into SQLite');
  }
  // After the copy is committed: move the old files aside (also finishes a migration interrupted here).
  if (existsSync(dbDir)) renameSync(dbDir, freeName(join(dataDir, 'db.nedb-migrated')));
  if (existsSync(blobDir)) renameSync(blobDir, freeName(join(dataDir, 'blobs.nedb-migrated')));
  return done ? null : report;
}
