export * from './rate.js';
export * from './service.js';
export * from './worker.js';
export * from './messenger.js';
export * from './time.js';
