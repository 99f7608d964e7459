/**
 * What the embedded engine needs to know about a mongoose schema: which paths hold arrays (so a query on them
 * means "any element", as in MongoDB), which hold dates (stored as ISO-8601 text in the JSON documents and
 * turned back into Date objects on read), and which indexes the schema declares.
 */
import type { Schema, SchemaType } from 'mongoose';

/** A field name usable inside a JSON path literal. Paths come from code, never from users; anything else is a bug. */
const SEGMENT = /^[A-Za-z0-9_]+$/;

export function splitPath(path: string): string[] {
  const parts = path.split('.');
  for (const p of parts) if (!SEGMENT.test(p)) throw new Error(`unsupported field path: ${JSON.stringify(path)}`);
  return parts;
}

/** A path cut at every array: each group but the last ends at an array whose elements the next group reads. */
export type PathGroups = string[][];

type Node = { date?: boolean; dateArray?: boolean; array?: Tree; object?: Tree; isArray?: boolean };
type Tree = Map<string, Node>;

function schemaTree(schema: Schema): Tree {
  const tree: Tree = new Map();
  schema.eachPath((path: string, st: SchemaType) => {
    const parts = path.split('.');
    let cur = tree;
    for (const p of parts.slice(0, -1)) {
      let n = cur.get(p);
      if (!n) cur.set(p, (n = {}));
      cur = n.object ??= new Map();
    }
    const leaf = parts[parts.length - 1];
    const s = st as SchemaType & { $isMongooseDocumentArray?: boolean; $isMongooseArray?: boolean; $isSingleNested?: boolean; schema?: Schema; embeddedSchemaType?: SchemaType };
    const node: Node = cur.get(leaf) ?? {};
    if (s.$isMongooseDocumentArray && s.schema) Object.assign(node, { isArray: true, array: schemaTree(s.schema) });
    else if (s.$isMongooseArray) Object.assign(node, { isArray: true, dateArray: s.embeddedSchemaType?.instance === 'Date' });
    else if (s.$isSingleNested && s.schema) node.object = schemaTree(s.schema);
    else if (s.instance === 'Date') node.date = true;
    cur.set(leaf, node);
  });
  return tree;
}

/** Schema knowledge for one collection, computed once. */
export class SchemaInfo {
  private readonly tree: Tree;
  private readonly groupsCache = new Map<string, PathGroups>();

  constructor(schema: Schema) {
    this.tree = schemaTree(schema);
  }

  /** Splits `path` at the arrays the schema declares (unknown paths count as plain values). */
  groups(path: string): PathGroups {
    let g = this.groupsCache.get(path);
    if (g) return g;
    g = [[]];
    let tree: Tree | undefined = this.tree;
    for (const seg of splitPath(path)) {
      g[g.length - 1].push(seg);
      const node: Node | undefined = tree?.get(seg);
      if (node?.isArray) {
        g.push([]);
        tree = node.array;
      } else {
        tree = node?.object;
      }
    }
    this.groupsCache.set(path, g);
    return g;
  }

  /** True when the path is a date (or an array of dates) in the schema. */
  isDate(path: string): boolean {
    let tree: Tree | undefined = this.tree;
    let node: Node | undefined;
    for (const seg of splitPath(path)) {
      node = tree?.get(seg);
      tree = node?.array ?? node?.object;
    }
    return !!(node?.date || node?.dateArray);
  }

  /** Turns the ISO strings at date paths back into Date objects, in place. */
  revive<T>(doc: T): T {
    reviveTree(doc as Record<string, unknown>, this.tree);
    return doc;
  }
}

function toDate(v: unknown): unknown {
  return typeof v === 'string' || typeof v === 'number' ? new Date(v) : v;
}

function reviveTree(obj: Record<string, unknown>, tree: Tree): void {
  if (!obj || typeof obj !== 'object') return;
  for (const [key, node] of tree) {
    const v = obj[key];
    if (v === undefined || v === null) continue;
    if (node.date) obj[key] = toDate(v);
    else if (node.dateArray && Array.isArray(v)) obj[key] = v.map(toDate);
    else if (node.array && Array.isArray(v)) for (const el of v) reviveTree(el as Record<string, unknown>, node.array);
    else if (node.object) reviveTree(v as Record<string, unknown>, node.object);
  }
}

export interface IndexSpec {
  name: string;
  fields: [path: string, dir: 1 | -1][];
  unique: boolean;
  sparse: boolean;
  /** A MongoDB TTL index (expireAfterSeconds): its purpose is MongoDB's own expiry. */
  ttl: boolean;
}

/** The indexes a schema declares (field-level `index: true` and `schema.index()` alike). */
export function declaredIndexes(collection: string, schema: Schema): IndexSpec[] {
  return schema.indexes().map(([fields, opts]) => {
    const list = Object.entries(fields as Record<string, unknown>).map(([p, d]) => [p, d === -1 ? -1 : 1] as [string, 1 | -1]);
    const unique = !!opts?.unique;
    const sparse = !!opts?.sparse;
    const ttl = (opts as { expireAfterSeconds?: number } | undefined)?.expireAfterSeconds !== undefined;
    const name = `ix_${collection}_${list.map(([p, d]) => `${p.replace(/\./g, '_')}${d === -1 ? '_desc' : ''}`).join('__')}${unique ? '_u' : ''}${sparse ? '_s' : ''}`;
    return { name, fields: list, unique, sparse, ttl };
  });
}
