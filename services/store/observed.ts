/**
 * Wraps a store so every error thrown by a store operation is reported (counted in /metrics) before it
 * reaches the caller unchanged. Works on any engine: it only sees the port.
 */
import type { Store } from './port.js';

export type StoreErrorHook = (collection: string, op: string, err: unknown) => void;

/** Wraps each method of `target` so a rejected promise (or a throw) is reported first. */
function observeMethods<T extends object>(target: T, name: string, hook: StoreErrorHook): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v = Reflect.get(obj, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        const report = (err: unknown) => {
          try {
            hook(name, prop, err);
          } catch {
            // a failing metric must never change the store's behaviour
          }
          throw err;
        };
        try {
          const out = (v as (...a: unknown[]) => unknown).apply(obj, args);
          return out instanceof Promise ? out.catch(report) : out;
        } catch (err) {
          return report(err);
        }
      };
    },
  });
}

export function observeStoreErrors(store: Store, hook: StoreErrorHook): Store {
  const cache = new Map<string, unknown>();
  return new Proxy(store, {
    get(obj, prop, receiver) {
      if (prop === 'collection') {
        return (model: Parameters<Store['collection']>[0]) => {
          const key = `c:${model.collection}`;
          if (!cache.has(key)) cache.set(key, observeMethods(obj.collection(model), model.collection, hook));
          return cache.get(key);
        };
      }
      if (prop === 'kv') return (ns: string) => observeMethods(obj.kv(ns), `kv:${ns}`, hook);
      if (prop === 'blobs') return observeMethods(obj.blobs, 'blobs', hook);
      const v = Reflect.get(obj, prop, receiver);
      if (typeof v === 'function' && ['init', 'ping', 'compact', 'close', 'watch'].includes(String(prop))) {
        return observeMethods({ [prop]: (...a: unknown[]) => (v as (...x: unknown[]) => unknown).apply(obj, a) }, 'store', hook)[prop as 'init'];
      }
      return typeof v === 'function' ? v.bind(obj) : v;
    },
  }) as Store;
}
