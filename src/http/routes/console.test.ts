/**
 * The console's routes in-process: its files are served without a token, with the strict
 * security headers; `/` and `/console` send browsers to `/console/`; nothing outside the
 * console folder is reachable, whatever the path; the API still needs its token.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../app/services.js';
import { loadOrCreateSigner } from '../../storage/signing-key-file.js';
import { openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';
import { CONSOLE_CSP } from './console.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-console-route-'));
const consoleDir = join(dir, 'console');
let app: FastifyInstance;
let services: Services;

beforeAll(async () => {
  mkdirSync(join(consoleDir, 'views'), { recursive: true });
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(consoleDir, 'main.js'), 'export {};\n');
  writeFileSync(join(consoleDir, 'views', 'events.js'), 'export {};\n');
  writeFileSync(join(consoleDir, '.env'), 'SECRET=dotfile\n');
  writeFileSync(join(dir, 'secret.txt'), 'outside the console folder\n');
  services = createServices({
    store: openSqliteStore({ dataDir: join(dir, 'data'), writerThread: false }),
    signer: loadOrCreateSigner(join(dir, 'data')),
    adminToken: 'console-route-admin-token-0123',
  });
  app = await buildApp({ services, rateLimitPerMinute: 0, consoleDir });
});
afterAll(async () => {
  await app.close();
  await services.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console routes', () => {
  it('serves index.html at /console/ without a token, with the CSP and security headers', async () => {
    const r = await app.inject({ method: 'GET', url: '/console/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<title>console</title>');
    expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves the scripts, in subfolders too, as JavaScript', async () => {
    for (const url of ['/console/main.js', '/console/views/events.js']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type']).toMatch(/javascript/);
      expect(r.headers['content-security-policy']).toBe(CONSOLE_CSP);
    }
  });

  it('redirects / and /console to /console/', async () => {
    for (const url of ['/', '/console']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(302);
      expect(r.headers.location).toBe('/console/');
    }
  });

  it('refuses paths that leave the folder, dot files and unknown files', async () => {
    for (const url of [
      '/console/../package.json',
      '/console/%2e%2e/secret.txt',
      '/console/..%2fsecret.txt',
      '/console/views/..%2f..%2fsecret.txt',
      '/console/.env',
      '/console/nope.js',
    ]) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.body, url).not.toContain('outside the console folder');
      expect(r.body, url).not.toContain('SECRET=');
      expect(r.body, url).not.toContain('"name": "veritrail"');
    }
  });

  it('leaves the API behind its token', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/events' });
    expect(r.statusCode).toBe(401);
  });
});

describe('without a console folder', () => {
  it('has no console routes', async () => {
    const bare = await buildApp({ services, rateLimitPerMinute: 0 });
    try {
      expect((await bare.inject({ method: 'GET', url: '/console/' })).statusCode).toBe(404);
      expect((await bare.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
