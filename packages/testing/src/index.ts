export * from './db.js';
export * from './redis.js';
export * from './platform.js';
export * from './wait.js';
export * from './accounts.js';
export * from './fixtures.js';
export * from './calls.js';
export * from './events.js';
