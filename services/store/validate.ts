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

type Quick = { instance: string; required: boolean; hasDefault: boolean; arrayOf?: string } | null;
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
  const plain = (o: Record<string, unknown>) => !TRANSFORMING.some((k) => o[k] !== undefined);
  if (st && plain(st.options) && st.validators.every((v) => v.type === 'required')) {
    const required = st.validators.length > 0;
    // An unset path with a default gets the default back from mongoose: only $set may take the quick way.
    const hasDefault = st.options.default !== undefined;
    if (['String', 'Number', 'Boolean', 'Date'].includes(st.instance)) info = { instance: st.instance, required, hasDefault };
    else if (st.$isMongooseArray && !st.$isMongooseDocumentArray && st.embeddedSchemaType && ['String', 'Number'].includes(st.embeddedSchemaType.instance)
      && st.embeddedSchemaType.validators.length === 0 && plain(st.embeddedSchemaType.options) && !required) {
      info = { instance: 'Array', required: false, hasDefault, arrayOf: st.embeddedSchemaType.instance };
    }
  }
  byPath.set(key, info);
  return info;
}

function fits(instance: string, v: unknown, required: boolean): boolean {
  if (v === undefined || v === null) return !required;
  switch (instance) {
    case 'String': return typeof v === 'string' && (!required || v !== '');
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
      const info = quickPath(def, key);
      if (!info) return false;
      if (op === '$set' && !(info.instance !== 'Array' && v !== undefined && fits(info.instance, v, info.required))) return false;
      if (op === '$unset' && (info.required || info.hasDefault)) return false;
      if (op === '$inc' && !(info.instance === 'Number' && typeof v === 'number' && Number.isFinite(v) && (doc[key] === undefined || typeof doc[key] === 'number'))) return false;
      if (op === '$push' && !(info.arrayOf && fits(info.arrayOf, v, true) && (doc[key] === undefined || Array.isArray(doc[key])))) return false;
    }
  }
  for (const op of ops) {
    for (const [key, v] of Object.entries(update[op] as Record<string, unknown>)) {
      if (op === '$set') doc[key] = v;
      else if (op === '$unset') delete doc[key];
      else if (op === '$inc') doc[key] = ((doc[key] as number | undefined) ?? 0) + (v as number);
      else doc[key] = [...((doc[key] as unknown[] | undefined) ?? []), v];
    }
  }
  return true;
}
