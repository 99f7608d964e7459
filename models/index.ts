// Importing a model module registers its schema; every collection the app uses is listed here.
export * from './user.js';
export * from './listing.js';
export * from './audit.js';
export * from './kv.js';
export * from './product.js';
