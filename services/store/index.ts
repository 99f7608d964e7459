import { EmbeddedStore } from './embedded.js';
import { MongoStore } from './mongo.js';
import type { Store } from './port.js';
import type { EmbeddedOptions } from './embedded.js';
import '../../models/index.js';

export * from './port.js';

/** MONGODB_URI set → MongoDB; otherwise the embedded store in dataDir. Indexes are created before return. */
export async function openStore(opts: { mongodbUri?: string; dataDir: string; inMemory?: boolean; synchronous?: EmbeddedOptions['synchronous']; log?: EmbeddedOptions['log']; shared?: boolean }): Promise<Store> {
  const store: Store = opts.mongodbUri
    ? new MongoStore(opts.mongodbUri, { log: opts.log })
    : new EmbeddedStore(opts.dataDir, { inMemory: opts.inMemory, synchronous: opts.synchronous, log: opts.log, shared: opts.shared });
  await store.init();
  return store;
}
export { observeStoreErrors, type StoreErrorHook } from './observed.js';
