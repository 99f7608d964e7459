/** A store whose writes to one collection fail while `failing` is set, as on a full disk (test helper). */
import type { Store } from '../../services/store/port.js';

export interface FailSwitch {
  failing: boolean;
}

export function failingWrites(store: Store, collection: string, sw: FailSwitch): Store {
  const writes = new Set(['insert', 'insertMany', 'updateOne', 'updateMany', 'upsert', 'findOneAndUpdate', 'deleteOne', 'deleteMany']);
  return new Proxy(store, {
    get(obj, prop, receiver) {
      if (prop !== 'collection') {
        const v = Reflect.get(obj, prop, receiver);
        return typeof v === 'function' ? v.bind(obj) : v;
      }
      return (model: Parameters<Store['collection']>[0]) => {
        const col = obj.collection(model);
        if (model.collection !== collection) return col;
        return new Proxy(col, {
          get(c, p, r) {
            const v = Reflect.get(c, p, r);
            if (typeof v !== 'function') return v;
            return (...args: unknown[]) => {
              if (sw.failing && writes.has(String(p))) return Promise.reject(new Error('ENOSPC: no space left on device, write'));
              return (v as (...a: unknown[]) => unknown).apply(c, args);
            };
          },
        });
      };
    },
  }) as Store;
}
