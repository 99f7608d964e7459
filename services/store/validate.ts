import mongoose, { type Model } from 'mongoose';
import type { Doc, ModelDef } from './port.js';
import { ValidationFailed } from './port.js';

// A private mongoose instance that never connects: used to cast/validate documents for the embedded engine.
const offline = new mongoose.Mongoose();

export function offlineModel(def: ModelDef<Doc>): Model<any> {
  return offline.models[def.collection] ?? offline.model(def.collection, def.schema, def.collection);
}

/** Casts a whole document with the schema (defaults applied) and validates it; throws ValidationFailed. */
export async function castAndValidate<T>(def: ModelDef<Doc>, doc: Record<string, unknown>): Promise<T> {
  const M = offlineModel(def);
  let d;
  try {
    d = new M(doc);
    await d.validate();
  } catch (err) {
    throw toValidationFailed(def.collection, err);
  }
  return d.toObject({ versionKey: false, depopulate: true, flattenMaps: true }) as T;
}

export function toValidationFailed(collection: string, err: unknown): Error {
  const e = err as { name?: string; errors?: Record<string, { message: string }>; message?: string; path?: string };
  if (e?.name === 'ValidationError' && e.errors) {
    const fields: Record<string, string> = {};
    for (const [path, sub] of Object.entries(e.errors)) fields[path] = sub.message;
    return new ValidationFailed(collection, fields);
  }
  if (e?.name === 'StrictModeError' || e?.name === 'CastError' || e?.name === 'ObjectParameterError') {
    return new ValidationFailed(collection, { [e.path ?? '?']: e.message ?? String(err) });
  }
  return err as Error;
}

type Quick = { instance: string; required: boolean; hasDefault: boolean; arrayOf?: string; maxLength?: number; minLength?: number; oneOf?: Set<string> } | null;
const quickInfo = new WeakMap<ModelDef<Doc>, Map<string, Quick>>();
/** Options that make mongoose change or check a value: a path with any of them takes the full way. */
const TRANSFORMING = ['trim', 'lowercase', 'uppercase', 'enum', 'match', 'minlength', 'maxlength', 'min', 'max', 'set', 'get', 'validate', 'alias', 'immutable', 'transform'];

/** What a top-level path allows, when mongoose would only check its type (and presence): else null. */
function quickPath(def: ModelDef<Doc>, key: string): Quick {
  let byPath = quickInfo.get(def);
  if (!byPath) quickInfo.set(def, (byPath = new Map()));
  if (byPath.has(key)) return byPath.get(key)!;
  let info: Quick = null;
  const st = key.includes('.') || key === '_id' ? undefined : (def.schema.path(key) as unknown as {
    instance: string; validators: { type?: string }[]; options: Record<string, unknown>;
    $isMongooseArray?: boolean; $isMongooseDocumentArray?: boolean; embeddedSchemaType?: { instance: string; validators: unknown[]; options: Record<string, unknown> };
  } | undefined);
  const plain = (o: Record<string, unknown>, except: string[] = []) => !TRANSFORMING.some((k) => !except.includes(k) && o[k] !== undefined);
  // A string's length limits are checked here (a number given plainly; mongoose's [limit, message] form takes the full way).
  // So is a plain list of allowed strings (enum).
  const lengths = st?.instance === 'String' && ['maxlength', 'minlength'].every((k) => st.options[k] === undefined || typeof st.options[k] === 'number');
  const oneOf = st?.instance === 'String' && Array.isArray(st.options.enum) && (st.options.enum as unknown[]).every((x) => typeof x === 'string') ? new Set(st.options.enum as string[]) : undefined;
  const checkedHere = [...(lengths ? ['maxlength', 'minlength'] : []), ...(oneOf ? ['enum'] : [])];
  if (st && plain(st.options, checkedHere) && st.validators.every((v) => v.type === 'required' || checkedHere.includes(v.type ?? ''))) {
    const required = st.validators.some((v) => v.type === 'required');
    // An unset path with a default gets the default back from mongoose: only $set may take the quick way.
    // (An array path has one unless declared `default: undefined`: mongoose's `defaultValue`.)
    const hasDefault = st.options.default !== undefined || (st as { defaultValue?: unknown }).defaultValue !== undefined;
    if (['String', 'Number', 'Boolean', 'Date'].includes(st.instance)) {
      info = { instance: st.instance, required, hasDefault, maxLength: st.options.maxlength as number | undefined, minLength: st.options.minlength as number | undefined, oneOf };
    }
    else if (st.$isMongooseArray && !st.$isMongooseDocumentArray && st.embeddedSchemaType && ['String', 'Number'].includes(st.embeddedSchemaType.instance)
      && st.embeddedSchemaType.validators.length === 0 && plain(st.embeddedSchemaType.options) && !required) {
      info = { instance: 'Array', required: false, hasDefault, arrayOf: st.embeddedSchemaType.instance };
    }
  }
  byPath.set(key, info);
  return info;
}

/** The values a $push adds: one value, or `{ $each: [...] }` (any other modifier: none, so the full way takes it). */
function pushed(v: unknown): unknown[] {
  if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    return Object.keys(o).length === 1 && Array.isArray(o.$each) ? o.$each : [undefined];
  }
  return [v];
}

function fits(instance: string, v: unknown, required: boolean, info?: Quick): boolean {
  if (v === undefined || v === null) return !required;
  switch (instance) {
    case 'String': return typeof v === 'string' && (!required || v !== '') && (info?.maxLength === undefined || v.length <= info.maxLength) && (info?.minLength === undefined || v.length >= info.minLength) && (!info?.oneOf || info.oneOf.has(v));
    case 'Number': return typeof v === 'number' && Number.isFinite(v);
    case 'Boolean': return typeof v === 'boolean';
    case 'Date': return v instanceof Date && !Number.isNaN(v.getTime());
    default: return false;
  }
}

/**
 * The embedded engine's fast way for the common small update — $set / $unset / $inc / $push on top-level
 * fields whose schema only declares a type (and maybe `required`), with values already of that type: applied
 * here, without building a mongoose document (which costs more than the SQLite write). It gives the same
 * document mongoose would; anything else (casting, enums, validators, defaults, nested paths) returns false
 * and is left untouched for the full way (mingo's updater + castAndValidate).
 */
export function quickUpdate(def: ModelDef<Doc>, doc: Record<string, unknown>, update: Record<string, unknown>): boolean {
  const ops = Object.keys(update);
  if (ops.length === 0 || ops.some((op) => !['$set', '$unset', '$inc', '$push'].includes(op))) return false;
  const touched = new Set<string>();
  for (const op of ops) {
    for (const [key, v] of Object.entries(update[op] as Record<string, unknown>)) {
      if (touched.has(key)) return false; // one path in two operators: MongoDB refuses it; let the full way say so
      touched.add(key);
      const info = op === '$unset' ? unsetPath(def, key) : quickPath(def, key);
      if (!info) return false;
      if (op === '$set' && !(info.instance !== 'Array' && v !== undefined && fits(info.instance, v, info.required, info))) return false;
      if (op === '$unset' && (info.required || info.hasDefault)) return false;
      if (op === '$inc' && !(info.instance === 'Number' && typeof v === 'number' && Number.isFinite(v) && (doc[key] === undefined || typeof doc[key] === 'number'))) return false;
      if (op === '$push' && !(info.arrayOf && pushed(v).every((x) => fits(info.arrayOf!, x, true)) && (doc[key] === undefined || Array.isArray(doc[key])))) return false;
    }
  }
  for (const op of ops) {
    for (const [key, v] of Object.entries(update[op] as Record<string, unknown>)) {
      if (op === '$set') doc[key] = v;
      else if (op === '$unset') delete doc[key];
      else if (op === '$inc') doc[key] = ((doc[key] as number | undefined) ?? 0) + (v as number);
      else doc[key] = [...((doc[key] as unknown[] | undefined) ?? []), ...pushed(v)];
    }
  }
  return true;
}

/** An update the embedded engine can apply inside SQLite (json_set / json_remove / json_insert), as JSON texts. */
export interface DirectUpdate {
  set: [key: string, json: string][];
  unset: string[];
  push: [key: string, json: string[]][];
}

/**
 * The quick update's checks made without the document ($set, $unset, $push — not $inc, which needs the stored
 * value): when they pass, the update is applied by SQLite on the stored JSON text, with no read, parse or
 * stringify in JS. A $push also needs the stored value to be an array or missing: the engine checks that in
 * SQL and takes the usual way when it is not.
 */
export function directUpdate(def: ModelDef<Doc>, update: Record<string, unknown>): DirectUpdate | null {
  const ops = Object.keys(update);
  if (ops.length === 0 || ops.some((op) => op !== '$set' && op !== '$unset' && op !== '$push')) return null;
  const out: DirectUpdate = { set: [], unset: [], push: [] };
  const touched = new Set<string>();
  for (const op of ops) {
    const fields = update[op];
    if (!fields || typeof fields !== 'object') return null;
    for (const [key, v] of Object.entries(fields as Record<string, unknown>)) {
      if (touched.has(key)) return null;
      touched.add(key);
      const info = op === '$unset' ? unsetPath(def, key) : quickPath(def, key);
      if (!info) return null;
      if (op === '$set') {
        if (!(info.instance !== 'Array' && v !== undefined && fits(info.instance, v, info.required, info))) return null;
        out.set.push([key, JSON.stringify(v)]);
      } else if (op === '$unset') {
        if (info.required || info.hasDefault) return null;
        out.unset.push(key);
      } else {
        const values = pushed(v);
        if (!(info.arrayOf && values.every((x) => fits(info.arrayOf!, x, true)))) return null;
        out.push.push([key, values.map((x) => JSON.stringify(x))]);
      }
    }
  }
  return out;
}

/** Options that change nothing when a value is removed (they check or shape values, and an unset has none). */
const VALUE_ONLY = ['trim', 'lowercase', 'uppercase', 'enum', 'match', 'minlength', 'maxlength', 'min', 'max'];
const unsetInfo = new WeakMap<ModelDef<Doc>, Map<string, Quick>>();

/**
 * A top-level path $unset may take the quick way on: known to the schema, neither required nor defaulted, and
 * without setters, getters or custom validators. Value checks (maxlength, enum…) do not apply to a removed value.
 */
function unsetPath(def: ModelDef<Doc>, key: string): Quick {
  let byPath = unsetInfo.get(def);
  if (!byPath) unsetInfo.set(def, (byPath = new Map()));
  if (byPath.has(key)) return byPath.get(key)!;
  let info: Quick = quickPath(def, key);
  if (!info && !key.includes('.') && key !== '_id') {
    const st = def.schema.path(key) as unknown as { instance: string; validators: { type?: string }[]; options: Record<string, unknown> } | undefined;
    const plain = st && !TRANSFORMING.some((k) => !VALUE_ONLY.includes(k) && st.options[k] !== undefined);
    const valueChecks = ['maxlength', 'minlength', 'enum', 'regexp', 'min', 'max'];
    if (st && plain && ['String', 'Number', 'Boolean', 'Date'].includes(st.instance) && st.validators.every((v) => valueChecks.includes(v.type ?? '')) && st.options.required === undefined) {
      info = { instance: st.instance, required: false, hasDefault: st.options.default !== undefined || (st as { defaultValue?: unknown }).defaultValue !== undefined };
    }
  }
  byPath.set(key, info);
  return info;
}

/** Per model: the top-level paths mongoose fills in or insists on when they are missing (defaults, required). */
const neededRoots = new WeakMap<ModelDef<Doc>, Set<string>>();

function rootsNeeded(def: ModelDef<Doc>): Set<string> {
  let roots = neededRoots.get(def);
  if (roots) return roots;
  roots = new Set();
  def.schema.eachPath((path, st) => {
    const t = st as unknown as { defaultValue?: unknown; isRequired?: boolean; options: Record<string, unknown> };
    if (path === '_id' || path === '__v') return;
    if (t.defaultValue !== undefined || t.isRequired || t.options.required !== undefined) roots!.add(path.split('.')[0]);
  });
  neededRoots.set(def, roots);
  return roots;
}

/**
 * The embedded engine's fast way for a new document made only of plain top-level fields (type and presence
 * checks, as quickUpdate): a copy of it, the document mongoose would give — else null, and the insert takes
 * the full way. Every path mongoose would default or require must be present; an `_id` must be given.
 */
export function quickInsert<T>(def: ModelDef<Doc>, doc: Record<string, unknown>): T | null {
  if (typeof doc._id !== 'string' || doc._id === '') return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(doc)) {
    if (key === '_id') {
      out._id = v;
      continue;
    }
    const info = quickPath(def, key);
    if (!info || v === undefined) return null;
    if (info.instance === 'Array') {
      if (!Array.isArray(v) || !v.every((x) => fits(info.arrayOf!, x, true))) return null;
      out[key] = [...v];
    } else {
      if (!fits(info.instance, v, info.required, info)) return null;
      out[key] = v;
    }
  }
  for (const root of rootsNeeded(def)) if (!(root in out)) return null;
  return out as T;
}
