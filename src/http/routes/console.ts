/**
 * The web console (docs/console.md): static files from one folder (the console build,
 * dist/console) at /console/, and `GET /` sends browsers there. The console is a client of the
 * public API like any other (CONVENTIONS.md): these routes serve files only, need no token (the
 * page asks for one and sends it to the API itself), and every answer carries a strict
 * Content-Security-Policy, so a script the console did not ship cannot run in its origin.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export interface ConsoleRouteOptions {
  /** The built console: index.html, console.css and the compiled scripts. */
  readonly dir: string;
}

export async function consoleRoutes(
  app: FastifyInstance,
  opts: ConsoleRouteOptions,
): Promise<void> {
  await app.register(async (scope) => {
    // Files are public: the app's authentication hook skips routes marked `public`. This hook
    // only sees the routes registered in this scope.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    scope.addHook('onSend', async (_req, reply, payload) => {
      void reply.headers(SECURITY_HEADERS);
      return payload;
    });
    scope.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console/', 302));
    scope.get('/console', { schema: { hide: true } }, (_req, reply) =>
      reply.redirect('/console/', 302),
    );
    // One route per file present at start (wildcard: false): nothing outside the folder, no
    // dot files, no directory listing can be reached, whatever the path says.
    await scope.register(fastifyStatic, {
      root: opts.dir,
      prefix: '/console/',
      wildcard: false,
      index: 'index.html',
      decorateReply: false,
      dotfiles: 'deny',
    });
  });
}
