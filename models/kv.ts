import { defineModel } from './define.js';

/** Key-value entries (grammY session/conversation state). Values are JSON text so any shape is storable. */
export interface KvEntry {
  _id: string;
  ns: string;
  value: string;
  updatedAt: Date;
}

export const KvModel = defineModel<KvEntry>('kv', {
  ns: { type: String, required: true, index: true },
  value: { type: String, required: true },
  updatedAt: { type: Date, default: () => new Date() },
});
