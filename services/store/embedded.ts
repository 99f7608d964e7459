/**
 * Embedded engine: SQLite (better-sqlite3) in DATA_DIR/store.sqlite, one table per collection
 * (`_id TEXT PRIMARY KEY, doc TEXT` holding the document as JSON, dates as ISO-8601 text), expression indexes
 * derived from the mongoose schemas, filters translated to SQL (sql-filter.ts), blobs in a table of the same
 * database. Write-ahead log: a write is acknowledged once it is in the log, so kill -9 never loses one; with
 * synchronous=NORMAL (default) a power loss may drop the last writes (the file stays consistent), with FULL
 * every commit is fsynced and survives that too (see README, "Storage").
 *
 * better-sqlite3 is synchronous: every statement here is small (indexed lookups, one document), and whole-
 * collection reads go through `stream()`, which yields to the event loop between batches. Read-modify-write
 * operations (updates, upserts, claims) are serialised per collection and written as compare-and-swap
 * (`swap`), so they stay atomic when several processes share DATA_DIR (STORE_SHARED=1, lock.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { update as applyUpdate } from 'mingo/updater';
import { registeredModels } from '../../models/define.js';
import { KvModel, type KvEntry } from '../../models/kv.js';
import { newId } from '../ids.js';
import { HealthState, type HealthLog } from './health.js';
import { kvOver } from './kv.js';
import { DataDirLock } from './lock.js';
import { Mutex } from './mutex.js';
import { migrateNedbIfPresent } from './nedb-migration.js';
import {
  DuplicateKeyError,
  type Blob, type BlobStore, type Collection, type Doc, type Filter, type FindOptions, type KeyValue,
  type ModelDef, type NewDoc, type Sort, type Store, type StoreHealth, type StreamOptions, type Update, type WriteResult,
} from './port.js';
import { SchemaInfo, declaredIndexes, splitPath } from './schema-paths.js';
import { compileFilter, compileSort, indexExpression } from './sql-filter.js';
import { castAndValidate, directUpdate, quickInsert, quickUpdate } from './validate.js';

type Db = Database.Database;

/** File names inside DATA_DIR. */
export const DB_FILE = 'store.sqlite';

function isOperatorObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
    && Object.keys(v).some((k) => k.startsWith('$'));
}

/** Equality fields of a filter, used as the base of an upserted document (as MongoDB does). */
export function equalityFields(filter: Filter): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) continue;
    if (isOperatorObject(v)) {
      const eq = (v as Record<string, unknown>).$eq;
      if (eq !== undefined) setPath(base, k, eq);
      continue;
    }
    setPath(base, k, v);
  }
  return base;
}

function setPath(obj: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = value;
}

function getPath(obj: unknown, parts: string[]): unknown {
  let cur = obj;
  for (const p of parts) {
    if (Array.isArray(cur)) return cur.flatMap((el) => getPath(el, [p]) ?? []);
    cur = (cur as Record<string, unknown> | null | undefined)?.[p];
  }
  return cur;
}

/** Inclusion or exclusion projection, applied to a parsed document. */
function project<T>(doc: Record<string, unknown>, projection?: Record<string, 0 | 1>): T {
  if (!projection) return doc as T;
  const entries = Object.entries(projection);
  const include = entries.some(([, v]) => v === 1);
  if (include) {
    const out: Record<string, unknown> = {};
    if (projection._id !== 0) out._id = doc._id;
    for (const [k, v] of entries) {
      if (v !== 1 || k === '_id') continue;
      const value = getPath(doc, k.split('.'));
      if (value !== undefined) setPath(out, k, value);
    }
    return out as T;
  }
  for (const [k] of entries) {
    const parts = k.split('.');
    const parent = getPath(doc, parts.slice(0, -1)) as Record<string, unknown> | undefined;
    if (parent && typeof parent === 'object') delete parent[parts[parts.length - 1]];
  }
  return doc as T;
}

function quote(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported collection name: ${name}`);
  return `"${name}"`;
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The commits a collection operation's writes wait for (see Engine.write). */
type Commits = Promise<void>[];

interface Group {
  /** Settles when the group's transaction is committed, or rejects when it was given up. */
  done: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
  /** Some write succeeded in it (a commit then proves the storage works). */
  wrote: boolean;
}

/**
 * Shared by the collections of one store: the connection, statement cache, write health and group commit.
 *
 * Group commit: the writes made during one turn of the event loop share one transaction, committed at the
 * end of the turn (setImmediate); a write's promise resolves only once its transaction is committed, so
 * "stored" still means stored. A commit per write cost more than the write itself (each one appends its
 * pages to the log, and the log is checkpointed — with an fsync — every 1,000 pages); under a burst many
 * handlers write in the same turn, and one commit serves them all. If SQLite gives the transaction up (disk
 * full, I/O error), every write in it fails to its caller. Reads in this process see a write as soon as it
 * is made, before its commit. Several processes on one file (STORE_SHARED) commit each write at once, so
 * another process never waits for this one's turn.
 */
class Engine {
  private readonly statements = new Map<string, Database.Statement>();
  /** The open group: settles when its transaction is committed (or given up). */
  private group?: Group;

  constructor(readonly db: Db, readonly health: HealthState, private readonly grouped = true) {}

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * Runs a write (one statement or a transaction) in the open group; failures are mapped, never swallowed.
   * The promise of the write's commit is added to `commits` (taken in the same tick as the write, so it is
   * this write's group); the caller awaits them (outside its collection's lock) before reporting success.
   */
  write<R>(collection: string, what: string, fn: () => R, commits: Commits): R {
    if (this.grouped && !this.group && !this.db.inTransaction) this.begin();
    let result: R;
    try {
      result = fn();
    } catch (err) {
      // A failed statement is undone alone; but on a full disk or an I/O error SQLite may give up the whole
      // transaction: then the group's other writes are lost too, and their callers are told.
      const lost = this.group && !this.db.inTransaction ? this.group : undefined;
      const failed = isUniqueViolation(err) ? new DuplicateKeyError(collection, (err as Error).message) : this.health.fail(err, `${what} ${collection}`);
      if (lost) {
        this.group = undefined;
        lost.reject(failed);
      }
      throw failed;
    }
    if (this.group) {
      this.group.wrote = true;
      commits.push(this.group.done);
    } else {
      this.health.ok();
    }
    return result;
  }

  private begin(): void {
    this.db.exec('BEGIN');
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(() => undefined); // told to each writer that awaits it; not an unhandled rejection otherwise
    const g: Group = { done, resolve, reject, wrote: false };
    this.group = g;
    setImmediate(() => {
      if (this.group === g) this.commit();
    });
  }

  /** Commits the open group now (also before a checkpoint, VACUUM, backup or close). */
  commit(): void {
    const g = this.group;
    if (!g) return;
    this.group = undefined;
    try {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    } catch (err) {
      try {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // Already rolled back by SQLite.
      }
      g.reject(this.health.fail(err, 'commit'));
      return;
    }
    // Storage works again only when something was written (a group whose writes all failed proves nothing).
    if (g.wrote) this.health.ok();
    g.resolve();
  }
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  private readonly lock = new Mutex();
  private readonly info: SchemaInfo;
  private readonly table: string;

  constructor(readonly name: string, private readonly def: ModelDef<T>, private readonly engine: Engine) {
    this.info = new SchemaInfo(def.schema);
    this.table = quote(name);
  }

  private parse(text: string): T {
    return this.info.revive(JSON.parse(text) as T);
  }

  /**
   * Read-modify-write as compare-and-swap: the new document is written only if the stored text is still the
   * one read (`UPDATE … WHERE _id = ? AND doc = ?`, atomic in SQLite). Inside one process the collection's
   * mutex already serialises these; with several processes on one file (STORE_SHARED) a write by another
   * process in between makes the swap miss, and the operation reads again and retries.
   */
  private async swap(filter: Filter, update: Update, c: Commits, sort?: Sort): Promise<T | null> {
    for (let attempt = 0; ; attempt++) {
      const row = this.firstRow(filter, sort);
      if (!row) return null;
      const next = await this.next(this.parse(row.doc), update);
      const text = JSON.stringify(next);
      const changes = this.engine.write(this.name, 'update', () => this.engine.stmt(`UPDATE ${this.table} SET doc = ? WHERE _id = ? AND doc = ?`).run(text, next._id, row.doc).changes, c);
      if (changes === 1) return next;
      if (attempt > 1000) throw new Error(`update of ${this.name} kept conflicting with other processes`);
      await yieldToLoop();
    }
  }

  private select(filter: Filter, o: FindOptions = {}, columns = 'doc'): { sql: string; params: unknown[] } {
    // The most common filter, `{ _id: '…' }` (every read-modify-write by id), without compiling it.
    const keys = Object.keys(filter);
    if (keys.length === 1 && keys[0] === '_id' && typeof filter._id === 'string' && !o.skip) {
      return { sql: `SELECT ${columns} FROM ${this.table} WHERE _id = ?`, params: [filter._id] }; // one row at most: no LIMIT needed
    }
    const where = compileFilter(filter, this.info);
    let sql = `SELECT ${columns} FROM ${this.table} WHERE ${where.sql}${compileSort(o.sort, this.info)}`;
    const params = [...where.params];
    if (o.limit || o.skip) {
      // The limit is written into the statement: bound as a parameter, it cost SQLite ~12 µs more per query
      // (limits come from the code, so there are few distinct statements). The offset stays a parameter.
      const limit = typeof o.limit === 'number' && Number.isFinite(o.limit) && o.limit >= 1 ? Math.floor(o.limit) : -1;
      sql += ` LIMIT ${limit}`;
      if (o.skip) {
        sql += ' OFFSET ?';
        params.push(o.skip);
      }
    }
    return { sql, params };
  }

  /** Creates the table and the indexes the schema declares; drops indexes it no longer declares. */
  ensureSchema(): void {
    const db = this.engine.db;
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const wanted = new Set<string>();
    const declared = declaredIndexes(this.name, this.def.schema);
    for (const ix of declared) {
      // A TTL index serves MongoDB's expiry; here the retention sweep deletes, through another index on the same
      // field when there is one — then the TTL index would only cost a page more on every write.
      if (ix.ttl && declared.some((o) => o !== ix && !o.ttl && ix.fields.every(([p]) => o.fields.some(([q]) => q === p)))) continue;
      const exprs = ix.fields.map(([p, d]) => {
        const e = indexExpression(p, this.info);
        return e && `${e}${d === -1 ? ' DESC' : ''}`;
      });
      // SQLite has no multikey indexes: an index over an array field would index the array's JSON text.
      if (exprs.some((e) => !e) || ix.fields.every(([p]) => p === '_id')) continue;
      wanted.add(ix.name);
      // A sparse index leaves out documents that have none of its fields (MongoDB's rule).
      const partial = ix.sparse ? ` WHERE ${ix.fields.map(([p]) => `${indexExpression(p, this.info)} IS NOT NULL`).join(' OR ')}` : '';
      db.exec(`CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(ix.name)} ON ${this.table} (${exprs.join(', ')})${partial}`);
    }
    const existing = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix\\_%' ESCAPE '\\'`).all(this.name) as { name: string }[];
    for (const { name } of existing) if (!wanted.has(name)) db.exec(`DROP INDEX ${quote(name)}`);
  }

  async insert(doc: NewDoc<T>): Promise<T> {
    const valid = quickInsert<T>(this.def, doc as Record<string, unknown>) ?? (await castAndValidate<T>(this.def, doc as Record<string, unknown>));
    return this.durably(async (c) => {
      this.engine.write(this.name, 'insert into', () => this.engine.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`).run(valid._id, JSON.stringify(valid)), c);
      return valid;
    });
  }

  /**
   * Runs a write operation under the collection's lock and resolves once the transactions of its writes are
   * committed (group commit, see Engine) — awaited after the lock is released, so other operations go on.
   */
  private async durably<R>(op: (commits: Commits) => Promise<R>): Promise<R> {
    const commits: Commits = [];
    const result = await this.lock.run(() => op(commits));
    await Promise.all(commits);
    return result;
  }

  async insertMany(docs: NewDoc<T>[]): Promise<T[]> {
    const valid: T[] = [];
    for (const d of docs) valid.push(quickInsert<T>(this.def, d as Record<string, unknown>) ?? (await castAndValidate<T>(this.def, d as Record<string, unknown>)));
    if (valid.length === 0) return [];
    return this.durably(async (c) => {
      const ins = this.engine.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`);
      this.engine.write(this.name, 'insert into', () => this.engine.db.transaction(() => {
        for (const v of valid) ins.run(v._id, JSON.stringify(v));
      })(), c);
      return valid;
    });
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const q = this.select(filter, { ...options, limit: 1 });
    const row = this.engine.stmt(q.sql).get(...q.params) as { doc: string } | undefined;
    return row ? project<T>(this.parse(row.doc) as Record<string, unknown>, options.projection) : null;
  }

  async findById(id: string): Promise<T | null> {
    const row = this.engine.stmt(`SELECT doc FROM ${this.table} WHERE _id = ?`).get(String(id)) as { doc: string } | undefined;
    return row ? this.parse(row.doc) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const q = this.select(filter, options);
    const rows = this.engine.stmt(q.sql).all(...q.params) as { doc: string }[];
    return rows.map((r) => project<T>(this.parse(r.doc) as Record<string, unknown>, options.projection));
  }

  async *stream(filter: Filter = {}, options: StreamOptions = {}): AsyncIterable<T> {
    const batch = Math.max(1, options.batchSize ?? 500);
    const where = compileFilter(filter, this.info);
    // The filter is kept off indexes (unary +): through an index (e.g. status) SQLite read every matching row
    // and sorted them by rowid for each batch, which made a whole pass quadratic (51 ms a batch at 100k).
    // Walking the rowids reads each row once in the whole pass.
    const sql = `SELECT rowid AS r, doc FROM ${this.table} WHERE rowid > ? AND +(${where.sql}) ORDER BY rowid LIMIT ?`;
    let after = 0;
    for (;;) {
      const rows = this.engine.stmt(sql).all(after, ...where.params, batch) as { r: number; doc: string }[];
      for (const row of rows) yield project<T>(this.parse(row.doc) as Record<string, unknown>, options.projection);
      if (rows.length < batch) return;
      after = rows[rows.length - 1].r;
      await yieldToLoop();
    }
  }

  private countSql(filter: Filter): { sql: string; params: unknown[] } {
    const where = compileFilter(filter, this.info);
    return { sql: `SELECT count(*) AS n FROM ${this.table} WHERE ${where.sql}`, params: where.params };
  }

  async count(filter: Filter = {}): Promise<number> {
    const q = this.countSql(filter);
    return (this.engine.stmt(q.sql).get(...q.params) as { n: number }).n;
  }

  /** SQLite's plan for a find (or a count): which index serves the filter. */
  explain(filter: Filter, options: FindOptions & { count?: boolean } = {}): string[] {
    const q = options.count ? this.countSql(filter) : this.select(filter, options);
    return (this.engine.db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail);
  }

  async distinct<V>(field: string, filter: Filter = {}): Promise<V[]> {
    const parts = splitPath(field);
    const where = compileFilter(filter, this.info);
    // Only the field's JSON travels out of SQLite (arrays are flattened here, like MongoDB does); a path that
    // continues inside an array of subdocuments is read from the whole document.
    const through = this.info.groups(field).slice(1).some((g) => g.length > 0);
    const column = through ? 'doc' : `doc -> '$.${parts.join('.')}' AS v`;
    const rows = this.engine.stmt(`SELECT ${column} FROM ${this.table} WHERE ${where.sql}`).all(...where.params) as { v?: string | null; doc?: string }[];
    const seen = new Map<string, V>();
    const isDate = this.info.isDate(field);
    for (const row of rows) {
      const v = through ? getPath(this.parse(row.doc!), parts) : row.v == null ? undefined : JSON.parse(row.v);
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item === undefined) continue;
        const value = isDate && typeof item === 'string' ? new Date(item) : item;
        seen.set(JSON.stringify(value), value as V);
      }
    }
    return [...seen.values()];
  }

  /** Applies `update` to a stored document and validates the result (nothing is written here). */
  private async next(doc: T, update: Update): Promise<T> {
    if (quickUpdate(this.def, doc as Record<string, unknown>, update as Record<string, unknown>)) return doc;
    applyUpdate(doc as Record<string, unknown>, update as never);
    return castAndValidate<T>(this.def, doc as Record<string, unknown>);
  }

  private firstRow(filter: Filter, sort?: Sort): { doc: string } | undefined {
    const q = this.select(filter, { sort, limit: 1 });
    return this.engine.stmt(q.sql).get(...q.params) as { doc: string } | undefined;
  }

  updateOne(filter: Filter, update: Update): Promise<WriteResult> {
    return this.durably(async (c) => {
      if (this.applyDirect(filter, update, c)) return { matched: 1, modified: 1 };
      const next = await this.swap(filter, update, c);
      return next ? { matched: 1, modified: 1 } : { matched: 0, modified: 0 };
    });
  }

  /**
   * `updateOne({ _id }, …)` with a plain $set / $unset / $push (directUpdate's checks) is one UPDATE that SQLite
   * applies to the stored JSON: no read, parse or stringify in JS (marking an update done, a journal line).
   * False when it changed nothing (no such document, or a $push onto something not an array): then the
   * usual read-modify-write decides.
   */
  private applyDirect(filter: Filter, update: Update, c: Commits): boolean {
    const keys = Object.keys(filter);
    if (keys.length !== 1 || keys[0] !== '_id' || typeof filter._id !== 'string') return false;
    const d = directUpdate(this.def, update as Record<string, unknown>);
    if (!d) return false;
    const path = (key: string) => `'$."${key}"'`; // schema paths: plain top-level names (quickPath checked them)
    const params: unknown[] = [];
    let expr = 'doc';
    if (d.set.length) {
      expr = `json_set(${expr}${d.set.map(([k]) => `, ${path(k)}, json(?)`).join('')})`;
      params.push(...d.set.map(([, v]) => v));
    }
    const guards: string[] = [];
    for (const [k, values] of d.push) {
      expr = `json_set(${expr}, ${path(k)}, json_insert(coalesce(json_extract(doc, ${path(k)}), '[]')${values.map(() => `, '$[#]', json(?)`).join('')}))`;
      params.push(...values);
      guards.push(`coalesce(json_type(doc, ${path(k)}), 'array') = 'array'`);
    }
    if (d.unset.length) expr = `json_remove(${expr}${d.unset.map((k) => `, ${path(k)}`).join('')})`;
    const sql = `UPDATE ${this.table} SET doc = ${expr} WHERE _id = ?${guards.map((g) => ` AND ${g}`).join('')}`;
    const changes = this.engine.write(this.name, 'update', () => this.engine.stmt(sql).run(...params, filter._id).changes, c);
    return changes === 1;
  }

  updateMany(filter: Filter, update: Update): Promise<WriteResult> {
    return this.durably(async (c) => {
      const q = this.select(filter, {}, '_id');
      const ids = (this.engine.stmt(q.sql).all(...q.params) as { _id: string }[]).map((r) => r._id);
      // One document at a time, each a compare-and-swap that re-checks the filter: another process may have
      // changed (or un-matched) a document since the ids were read.
      let matched = 0;
      for (const id of ids) if (await this.swap({ $and: [{ _id: id }, filter] }, update, c)) matched++;
      return { matched, modified: matched };
    });
  }

  upsert(filter: Filter, update: Update): Promise<T> {
    return this.durably(async (c) => {
      for (let attempt = 0; ; attempt++) {
        const next = await this.swap(filter, update, c);
        if (next) return next;
        const created = await this.next({ _id: newId(), ...equalityFields(filter) } as T, update);
        try {
          this.engine.write(this.name, 'insert into', () => this.engine.stmt(`INSERT INTO ${this.table} (_id, doc) VALUES (?, ?)`).run(created._id, JSON.stringify(created)), c);
          return created;
        } catch (err) {
          // Another process inserted the same document between the read and the insert: update it instead.
          if (!(err instanceof DuplicateKeyError) || attempt > 0) throw err;
        }
      }
    });
  }

  findOneAndUpdate(filter: Filter, update: Update, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.durably((c) => this.swap(filter, update, c, options.sort));
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.durably(async (c) => {
      const q = this.select(filter, { limit: 1 }, '_id');
      return this.engine.write(this.name, 'delete from', () => this.engine.stmt(`DELETE FROM ${this.table} WHERE _id IN (${q.sql})`).run(...q.params).changes, c);
    });
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.durably(async (c) => {
      const where = compileFilter(filter, this.info);
      return this.engine.write(this.name, 'delete from', () => this.engine.stmt(`DELETE FROM ${this.table} WHERE ${where.sql}`).run(...where.params).changes, c);
    });
  }
}

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', bin: 'application/octet-stream', csv: 'text/csv' };

/** Blobs as rows of the same database: written atomically, in backups, erased by compact(). */
class SqliteBlobStore implements BlobStore {
  constructor(private readonly engine: Engine) {}

  async put(data: Buffer, contentType: string): Promise<string> {
    const ext = Object.entries(CONTENT_TYPES).find(([, ct]) => ct === contentType)?.[0] ?? 'bin';
    const id = `${newId()}.${ext}`;
    const c: Commits = [];
    this.engine.write('blobs', 'insert into', () => this.engine.stmt('INSERT INTO _blobs (id, content_type, data) VALUES (?, ?, ?)').run(id, CONTENT_TYPES[ext], data), c);
    await Promise.all(c);
    return id;
  }

  async get(id: string): Promise<Blob | null> {
    if (typeof id !== 'string' || id.length > 80) return null;
    const row = this.engine.stmt('SELECT content_type AS ct, data FROM _blobs WHERE id = ?').get(id) as { ct: string; data: Buffer } | undefined;
    return row ? { data: row.data, contentType: row.ct, size: row.data.length } : null;
  }

  async delete(id: string): Promise<void> {
    const c: Commits = [];
    this.engine.write('blobs', 'delete from', () => this.engine.stmt('DELETE FROM _blobs WHERE id = ?').run(id), c);
    await Promise.all(c);
  }
}

export interface EmbeddedOptions {
  /** A private in-memory database (tests): nothing touches DATA_DIR. */
  inMemory?: boolean;
  /** SQLite's `synchronous` in WAL mode (default normal). */
  synchronous?: 'normal' | 'full';
  /**
   * Several processes on this DATA_DIR (STORE_SHARED=1): the DATA_DIR lock is taken shared instead of
   * exclusive, and writers wait longer for each other's (short) write transactions.
   */
  shared?: boolean;
  log?: HealthLog & { warn(obj: object, msg: string): void };
}

/** Opens (and creates) the database file with the engine's settings. */
export function openDatabase(file: string, synchronous: 'normal' | 'full' = 'normal', shared = false): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL: a commit is written to the log (safe from kill -9) and fsynced at checkpoints; better-sqlite3 blocks
  // the event loop during an fsync (~3 ms here), so FULL (an fsync per commit) is the operator's choice.
  db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // Deleted content is overwritten with zeros, so an erased user's text does not linger in free pages.
  db.pragma('secure_delete = ON');
  // Only a backup reads beside the bot, and WAL readers never block the writer: waiting is the exception.
  // Shared (several bot processes): each write transaction is one small statement, so a wait is short, but
  // under load several may queue.
  db.pragma(`busy_timeout = ${shared ? 10_000 : 1000}`);
  db.exec(`CREATE TABLE IF NOT EXISTS _blobs (id TEXT PRIMARY KEY, content_type TEXT NOT NULL, data BLOB NOT NULL);
    CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  return db;
}

/** How often the planner's statistics are refreshed (cheap when nothing changed much). */
const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;

export class EmbeddedStore implements Store {
  private optimizeTimer?: NodeJS.Timeout;
  readonly engine = 'embedded' as const;
  private readonly collections = new Map<string, EmbeddedCollection<any>>();
  private core?: Engine;
  private lock?: DataDirLock;
  private blobStore?: BlobStore;
  private readonly healthState: HealthState;

  constructor(private readonly dataDir: string, private readonly opts: EmbeddedOptions = {}) {
    this.healthState = new HealthState(opts.log);
  }

  /** The SQLite connection (operations tooling and tests: pragmas, backups). */
  get database(): Db {
    if (!this.core) throw new Error('store.init() must run first');
    return this.core.db;
  }

  get blobs(): BlobStore {
    if (!this.blobStore) throw new Error('store.init() must run before blobs are used');
    return this.blobStore;
  }

  collection<T extends Doc>(model: ModelDef<T>): Collection<T> {
    if (!this.core) throw new Error('store.init() must run before collections are used');
    let c = this.collections.get(model.collection);
    if (!c) {
      c = new EmbeddedCollection<T>(model.collection, model, this.core);
      c.ensureSchema();
      this.collections.set(model.collection, c);
    }
    return c;
  }

  kv<V>(namespace: string): KeyValue<V> {
    const entries = this.collection(KvModel);
    const core = this.core!;
    const base = kvOver<V>(entries, namespace);
    // Conversation state is read and written on every step: straight to the table, without schema casting
    // (the entry's shape is fixed here); keys() and erasure go through the collection.
    return {
      ...base,
      async read(key) {
        const row = core.stmt('SELECT doc FROM kv WHERE _id = ?').get(`${namespace}:${key}`) as { doc: string } | undefined;
        return row ? (JSON.parse((JSON.parse(row.doc) as KvEntry).value) as V) : undefined;
      },
      async write(key, value) {
        const entry = { _id: `${namespace}:${key}`, ns: namespace, value: JSON.stringify(value), updatedAt: new Date() };
        const c: Commits = [];
        core.write('kv', 'write', () => core.stmt('INSERT INTO kv (_id, doc) VALUES (?, ?) ON CONFLICT (_id) DO UPDATE SET doc = excluded.doc').run(entry._id, JSON.stringify(entry)), c);
        await Promise.all(c);
      },
    };
  }

  /** SQLite's query plan for a filter on a collection (tests and operators: is an index used?). */
  explain<T extends Doc>(model: ModelDef<T>, filter: Filter, options?: FindOptions & { count?: boolean }): string[] {
    return (this.collection(model) as EmbeddedCollection<T>).explain(filter, options);
  }

  async init(): Promise<void> {
    let db: Db;
    if (this.opts.inMemory) {
      db = openDatabase(':memory:');
    } else {
      mkdirSync(this.dataDir, { recursive: true });
      this.lock = DataDirLock.acquire(this.dataDir, { shared: this.opts.shared });
      try {
        db = openDatabase(join(this.dataDir, DB_FILE), this.opts.synchronous, this.opts.shared);
        await migrateNedbIfPresent(this.dataDir, db, this.opts.log);
      } catch (err) {
        this.lock.release();
        throw err;
      }
    }
    this.core = new Engine(db, this.healthState, !this.opts.shared);
    this.blobStore = new SqliteBlobStore(this.core);
    for (const def of registeredModels()) this.collection(def);
    this.optimize(true);
    // Statistics follow the data as it grows (SQLite re-analyzes only the tables that changed a lot).
    this.optimizeTimer = setInterval(() => this.optimize(false), OPTIMIZE_EVERY_MS);
    this.optimizeTimer.unref();
  }

  /**
   * Keeps the query planner's statistics current (SQLite's advice for long-lived connections: PRAGMA optimize
   * at open and then periodically, analysis bounded by analysis_limit). Without them the planner guesses, and
   * it guesses wrong on this schema: `{ _id: { $in: ids }, status: 'published' }` (a search page) walked the
   * status index — every published listing, 16 ms at 10k — instead of 10 primary-key lookups (0.4 ms).
   */
  private optimize(atOpen: boolean): void {
    if (!this.core) return;
    try {
      this.core.commit();
      this.core.db.pragma('analysis_limit = 1000');
      this.core.db.pragma(atOpen ? 'optimize = 0x10002' : 'optimize');
    } catch (err) {
      this.opts.log?.warn({ err: String(err) }, 'PRAGMA optimize failed; queries still work, perhaps slower');
    }
  }

  async ping(): Promise<boolean> {
    if (!this.core) return false;
    try {
      this.core.stmt('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  health(): StoreHealth {
    return this.healthState.current;
  }

  async compact(): Promise<void> {
    if (!this.core) return;
    const db = this.core.db;
    this.core.commit();
    // secure_delete already zeroed the deleted rows in the pages; the write-ahead log may still hold older
    // copies of those pages: copy it into the database and truncate it.
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (r?.busy) {
      // A reader (e.g. a backup) holds an old snapshot: rewrite the whole file instead.
      await yieldToLoop();
      this.core?.commit();
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }

  async close(): Promise<void> {
    if (!this.core) return;
    clearInterval(this.optimizeTimer);
    this.optimize(false);
    this.core.commit();
    const db = this.core.db;
    this.core = undefined;
    this.collections.clear();
    try {
      if (!this.opts.inMemory) db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // The log stays and is replayed at the next open: nothing is lost.
    }
    db.close();
    this.lock?.release();
    this.lock = undefined;
  }
}
