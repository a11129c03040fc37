export * from './limits.js';
export * from './schema.js';
export * from './validate.js';
export * from './prepare.js';
