/** Library entry: embed Veritrail in a Node.js process (the HTTP server is optional). */
export { createServices, type Services, type ServicesOptions } from './app/services.js';
export type { Principal } from './app/principal.js';
export type * from './app/ports.js';
export { openStore, openLocal, startServer, VERSION } from './main.js';
export { buildApp } from './http/app.js';
export { loadConfig, type Config } from './config/config.js';
export * from './core/index.js';
