/**
 * Translates the port's filter subset (see port.ts) into an SQLite WHERE clause over JSON documents, so that a
 * query on an indexed field uses the expression index the schema declared. Field paths become literals
 * (`json_extract(doc, '$.status')`, the exact expression the index was built on); every value is a bound
 * parameter, so user text is never SQL, never an operator and never a pattern. A path through an array
 * (per the schema) means "any element", as in MongoDB. Anything outside the subset throws.
 */
import type { Filter, Sort } from './port.js';
import type { SchemaInfo } from './schema-paths.js';

export interface Sql {
  sql: string;
  params: unknown[];
}

/** A value as SQLite compares it inside JSON: dates as ISO text, booleans as 1/0. */
export function sqlValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v === null) return v;
  throw new Error(`unsupported value in a filter: ${JSON.stringify(v)}`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'));
}

function source(base: string): string {
  return base === 'doc' ? 'doc' : `${base}.value`;
}

/** The SQL expression reading `segments` of the JSON in `base` (the document, or an array element). */
function read(base: string, segments: string[]): string {
  if (base === 'doc' && segments.length === 1 && segments[0] === '_id') return '_id';
  if (segments.length === 0) return `${base}.value`;
  return `json_extract(${source(base)}, '$.${segments.join('.')}')`;
}

/** The JSON text of a path (arrays and objects compared whole). */
function readJson(base: string, segments: string[]): string {
  return `(${source(base)} -> '$.${segments.join('.')}')`;
}

/** From this many values on, $in binds its list as one JSON array. */
const LONG_IN = 200;

export class FilterCompiler {
  private alias = 0;
  readonly params: unknown[] = [];

  constructor(private readonly info: SchemaInfo) {}

  private bind(v: unknown): string {
    this.params.push(sqlValue(v));
    return '?';
  }

  /** "Some value at `path` satisfies pred": nested EXISTS over json_each for every array on the way. */
  private any(path: string, pred: (expr: string) => string): string {
    return this.anyAt(path, (base, segs) => pred(read(base, segs)), false);
  }

  /**
   * Like any(), but `pred` gets the JSON source and path rather than a value; with `wholeArray` a path that
   * ends at an array stops there instead of descending into its elements.
   */
  private anyAt(path: string, pred: (base: string, segs: string[]) => string, wholeArray: boolean): string {
    let groups = this.info.groups(path);
    if (wholeArray && groups.length > 1 && groups[groups.length - 1].length === 0) groups = groups.slice(0, -1);
    const walk = (base: string, i: number): string => {
      if (i === groups.length - 1) return pred(base, groups[i]);
      const a = `j${++this.alias}`;
      return `EXISTS (SELECT 1 FROM json_each(${source(base)}, '$.${groups[i].join('.')}') AS ${a} WHERE ${walk(a, i + 1)})`;
    };
    return walk('doc', 0);
  }

  /** `$exists`: the path is present (null counts as present, as in MongoDB). */
  private exists(path: string): string {
    if (path === '_id') return '1';
    return this.anyAt(path, (base, segs) => `json_type(${source(base)}, '$.${segs.join('.')}') IS NOT NULL`, true);
  }

  private eq(path: string, v: unknown): string {
    if (v === null || v === undefined) return `NOT ${this.any(path, (e) => `${e} IS NOT NULL`)}`;
    if (Array.isArray(v) || isPlainObject(v)) {
      // Whole-value equality (an array or embedded document equal to the given one, key order included).
      const json = JSON.stringify(v);
      return this.anyAt(path, (base, segs) => {
        this.params.push(json);
        return `${readJson(base, segs)} = ?`;
      }, true);
    }
    return this.any(path, (e) => `${e} = ${this.bind(v)}`);
  }

  private in(path: string, list: unknown): string {
    if (!Array.isArray(list)) throw new Error(`$in/$nin needs an array at ${path}`);
    const values = list.filter((v) => v !== null && v !== undefined);
    if (values.some((v) => Array.isArray(v) || isPlainObject(v))) throw new Error(`unsupported $in value at ${path}`);
    const parts: string[] = [];
    // A long list travels as one JSON parameter (SQLite allows 32,766 variables per statement; a report over a
    // whole region's listings passes more ids than that).
    if (values.length > LONG_IN) {
      const json = JSON.stringify(values.map((v) => sqlValue(v)));
      parts.push(this.any(path, (e) => {
        this.params.push(json);
        return `${e} IN (SELECT value FROM json_each(?))`;
      }));
    } else if (values.length) parts.push(this.any(path, (e) => `${e} IN (${values.map((v) => this.bind(v)).join(', ')})`));
    if (values.length < list.length) parts.push(this.eq(path, null));
    return parts.length ? `(${parts.join(' OR ')})` : '0';
  }

  private field(path: string, cond: unknown): string {
    if (!isOperatorObject(cond)) return this.eq(path, cond);
    const parts: string[] = [];
    for (const [op, v] of Object.entries(cond)) {
      switch (op) {
        case '$eq': parts.push(this.eq(path, v)); break;
        case '$ne': parts.push(`NOT ifnull(${this.eq(path, v)}, 0)`); break;
        case '$in': parts.push(this.in(path, v)); break;
        case '$nin': parts.push(`NOT ifnull(${this.in(path, v)}, 0)`); break;
        case '$exists': parts.push(v ? this.exists(path) : `NOT ${this.exists(path)}`); break;
        case '$gt': case '$gte': case '$lt': case '$lte': {
          if (v === null || v === undefined || typeof v === 'object' && !(v instanceof Date)) throw new Error(`unsupported ${op} value at ${path}`);
          const sqlOp = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
          // MongoDB compares within one type: a number bound never matches text, nor text a number.
          const typeGuard = typeof v === 'number' ? (e: string) => `typeof(${e}) IN ('integer', 'real')` : (e: string) => `typeof(${e}) = 'text'`;
          parts.push(this.any(path, (e) => `(${e} ${sqlOp} ${this.bind(v)} AND ${typeGuard(e)})`));
          break;
        }
        default: throw new Error(`query operator ${op} is outside the store's subset (at ${path})`);
      }
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }

  /** The WHERE expression for a whole filter. */
  where(filter: Filter): string {
    const parts: string[] = [];
    for (const [key, cond] of Object.entries(filter)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        if (!Array.isArray(cond) || cond.length === 0) throw new Error(`${key} needs a non-empty array`);
        const subs = cond.map((c) => this.where(c as Filter));
        const joined = `(${subs.join(key === '$and' ? ' AND ' : ' OR ')})`;
        parts.push(key === '$nor' ? `NOT ${joined}` : joined);
      } else if (key.startsWith('$')) {
        throw new Error(`query operator ${key} is outside the store's subset`);
      } else {
        parts.push(this.field(key, cond));
      }
    }
    return parts.length ? parts.join(' AND ') : '1';
  }
}

export function compileFilter(filter: Filter, info: SchemaInfo): Sql {
  const c = new FilterCompiler(info);
  const { _id: id, ...rest } = filter as Record<string, unknown>;
  if (id !== undefined && Object.keys(rest).length > 0) {
    // Documents picked by _id: the primary key is always the way in. The other conditions are wrapped in a
    // unary + so that no index on them can be chosen instead (the planner, before statistics exist, would
    // rather walk e.g. every published listing than look up ten ids).
    const byId = c.where({ _id: id } as Filter);
    return { sql: `${byId} AND +(${c.where(rest as Filter)})`, params: c.params };
  }
  const sql = c.where(filter);
  return { sql, params: c.params };
}

/** ORDER BY for a sort spec (scalar paths only: MongoDB's array sort keys are outside the subset). */
export function compileSort(sort: Sort | undefined, info: SchemaInfo): string {
  if (!sort || Object.keys(sort).length === 0) return '';
  const keys = Object.entries(sort).map(([path, dir]) => {
    const groups = info.groups(path);
    if (groups.length > 1) throw new Error(`sorting on an array path (${path}) is outside the store's subset`);
    return `${read('doc', groups[0])} ${dir === -1 ? 'DESC' : 'ASC'}`;
  });
  return ` ORDER BY ${keys.join(', ')}`;
}

/** The expression an index on `path` is built on (the same text the filters use, so the planner matches it). */
export function indexExpression(path: string, info: SchemaInfo): string | null {
  const groups = info.groups(path);
  return groups.length > 1 ? null : read('doc', groups[0]);
}
