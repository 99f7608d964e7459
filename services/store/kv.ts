import type { KvEntry } from '../../models/kv.js';
import type { Collection, KeyValue } from './port.js';

/** A namespaced key-value view over the kv collection. */
export function kvOver<V>(col: Collection<KvEntry>, ns: string): KeyValue<V> {
  const id = (key: string) => `${ns}:${key}`;
  return {
    async read(key) {
      const e = await col.findById(id(key));
      return e ? (JSON.parse(e.value) as V) : undefined;
    },
    async write(key, value) {
      await col.upsert({ _id: id(key) }, { $set: { ns, value: JSON.stringify(value), updatedAt: new Date() } });
    },
    async delete(key) {
      await col.deleteOne({ _id: id(key) });
    },
    async keys(prefix = '') {
      const entries = await col.find({ ns }, { projection: { _id: 1 } });
      return entries.map((e) => e._id.slice(ns.length + 1)).filter((k) => k.startsWith(prefix));
    },
  };
}
