import { Schema, type SchemaDefinition, type SchemaOptions } from 'mongoose';
import type { Doc, ModelDef } from '../services/store/port.js';
import { newId } from '../services/ids.js';

const registry = new Map<string, ModelDef<Doc>>();

/**
 * Declares a collection: its mongoose schema is the one source of shape, defaults, validation and indexes
 * for both storage engines. `_id` is always a string we generate, so ids look the same on both engines.
 */
export function defineModel<T extends Doc>(
  collection: string,
  definition: SchemaDefinition,
  configure?: (schema: Schema) => void,
  options: SchemaOptions = {},
): ModelDef<T> {
  const schema = new Schema(
    { _id: { type: String, default: () => newId() }, ...definition },
    { versionKey: false, strict: 'throw', minimize: false, ...options },
  );
  configure?.(schema);
  const def: ModelDef<T> = { collection, schema };
  registry.set(collection, def as ModelDef<Doc>);
  return def;
}

export function registeredModels(): ModelDef<Doc>[] {
  return [...registry.values()];
}
