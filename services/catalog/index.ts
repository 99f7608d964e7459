export * from './money.js';
export * from './validate.js';
export * from './feed.js';
export * from './push.js';
export * from './secrets.js';
export * from './service.js';
export * from './rates.js';
export * from './categories.js';
