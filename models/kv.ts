import { defineModel } from './define.js';
import { RETENTION_SECONDS, SEARCH_PAGES_NS } from './retention.js';

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
}, (s) => {
  // Only search paging records expire; conversation state and other namespaces are kept.
  s.index({ updatedAt: 1 }, { expireAfterSeconds: RETENTION_SECONDS.searchPages, partialFilterExpression: { ns: SEARCH_PAGES_NS } });
});
