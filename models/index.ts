// Importing a model module registers its schema; every collection the app uses is listed here.
export * from './user.js';
export * from './listing.js';
export * from './audit.js';
export * from './broadcast.js';
export * from './delivery.js';
export * from './kv.js';
export * from './product.js';
export * from './offer.js';
export * from './match.js';
export * from './job-lock.js';
export * from './inbound-update.js';
export * from './usage-counter.js';
export * from './lag-event.js';
export * from './coordination.js';
