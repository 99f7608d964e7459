/**
 * A key-value view that knows which keys exist, so a read of a key that has no value costs nothing.
 * Used for conversation state: nearly every update comes from a chat with no conversation in progress,
 * and without this each of them would read the store. The set of keys is loaded once from the store (so
 * it is right after a restart) and kept up to date by this process's own writes and deletes.
 *
 * The set may only err on the side of too many keys (a key erased through another view, e.g. /deleteme,
 * costs one read that finds nothing); a key with a value is never missing from it.
 *
 * One process per store: another instance writing the same namespace would not be seen (the embedded
 * engine allows one process per DATA_DIR; several instances on MongoDB must not use this shortcut).
 */
import type { KeyValue } from './port.js';

export function knownKeys<V>(inner: KeyValue<V>): KeyValue<V> {
  let keys: Set<string> | undefined;
  let loading: Promise<Set<string>> | undefined;
  const load = async (): Promise<Set<string>> => {
    if (keys) return keys;
    loading ??= inner.keys().then((k) => (keys = new Set(k))).finally(() => (loading = undefined));
    return loading;
  };
  return {
    async read(key) {
      return (await load()).has(key) ? inner.read(key) : undefined;
    },
    async write(key, value) {
      const known = await load();
      await inner.write(key, value);
      known.add(key);
    },
    async delete(key) {
      const known = await load();
      if (!known.has(key)) return;
      await inner.delete(key);
      known.delete(key);
    },
    keys: (prefix) => inner.keys(prefix),
  };
}
