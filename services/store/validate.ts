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
