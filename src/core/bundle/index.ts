export * from './bundle.js';
export * from './verify-bundle.js';
