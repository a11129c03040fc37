/**
 * The web console in Chromium (Playwright, the system browser): a real server started in
 * process with the demo data, the console built from console/ first. It signs in with the
 * admin token the server generated, searches, follows the live stream, acknowledges an alert,
 * generates a report and downloads it, and signs out. The SSE parser it uses is tested here too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser } from '../../console/src/sse.js';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { ROOT } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';

/** The page and the server work in the background: wait for what they show, generously. */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number } = {}) =>
  expect.poll(fn, { timeout: 15_000, ...opts });
const hasChromium = existsSync(CHROMIUM);

/** The console build: the same command `npm run build` runs after the server's. */
function buildConsole(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'console', 'tsconfig.json')], {
    cwd: ROOT,
  });
  execFileSync(process.execPath, [join(ROOT, 'console', 'scripts', 'copy-static.mjs')], {
    cwd: ROOT,
  });
}

describe('SseParser', () => {
  it('parses frames split anywhere, with CRLF, comments and named events', () => {
    const text =
      'retry: 1000\r\nid: 41\r\nevent: position\r\ndata: {"seq":41}\r\n\r\n: keep-alive\n\nid: 42\ndata: {"seq":42,\ndata: "a":1}\n\n';
    for (let size = 1; size <= text.length; size++) {
      const p = new SseParser();
      const got = [];
      for (let i = 0; i < text.length; i += size) got.push(...p.push(text.slice(i, i + size)));
      expect(got, `chunks of ${size}`).toEqual([
        { event: 'position', data: '{"seq":41}', id: '41' },
        { event: 'message', data: '{"seq":42,\n"a":1}', id: '42' },
      ]);
    }
  });

  it('keeps the last id across frames and drops frames without data', () => {
    const p = new SseParser();
    expect(p.push('id: 7\n\ndata:x\n\n')).toEqual([{ event: 'message', data: 'x', id: '7' }]);
  });
});

describe.skipIf(!hasChromium)(
  `web console in Chromium (needs ${CHROMIUM}; skipped when it is not installed)`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'veritrail-console-e2e-'));
    let server: RunningServer;
    let browser: Browser;
    let token: string;
    const problems: string[] = [];

    beforeAll(async () => {
      buildConsole();
      server = await startServer(
        loadConfig({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1' }, {}),
        { demo: true },
      );
      token = server.generatedAdminToken!;
      expect(token).toMatch(/^vta_/);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      });
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
      const r = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect(r.ok, `${path}: ${r.status}`).toBe(true);
      return (await r.json()) as T;
    };

    async function openConsole(): Promise<Page> {
      const page = await browser.newPage({ acceptDownloads: true });
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of 40[0-9]/.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(server.url); // `/` redirects to /console/
      expect(new URL(page.url()).pathname).toBe('/console/');
      return page;
    }

    async function signIn(page: Page, tenant = 'demo'): Promise<void> {
      await page.fill('input[name=token]', token);
      await page.fill('form.login input[name=tenant]', tenant);
      await page.click('form.login button[type=submit]');
      await page.waitForSelector('header.top');
    }

    const outcomes = (page: Page) => page.locator('table.events tbody tr td:nth-child(4)');

    it('refuses a wrong token with an "invalid token" message', async () => {
      const page = await openConsole();
      await page.fill('input[name=token]', 'vta_not-the-right-token-at-all');
      await page.click('form.login button[type=submit]');
      const error = page.locator('form.login .error');
      await poll(() => error.textContent()).toMatch(/Invalid token/);
      expect(await page.locator('header.top').count()).toBe(0);
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      await page.close();
    });

    it('signs in, searches, shows errors and an event, follows live, signs out', async () => {
      const page = await openConsole();
      await signIn(page);
      // Demo events, newest first, and the log head of tenant demo.
      const rows = page.locator('table.events tbody tr');
      await poll(() => rows.count()).toBe(50);
      await poll(() => page.locator('.loghead [data-log-size]').count()).toBe(1);
      const size = Number(await page.getAttribute('.loghead [data-log-size]', 'data-log-size'));
      expect(size).toBeGreaterThanOrEqual(2000);
      const cells = await page.locator('table.events tbody tr td:first-child time').all();
      const times = await Promise.all(cells.map((c) => c.getAttribute('datetime')));
      expect(times).toHaveLength(50);
      expect([...times].sort().reverse()).toEqual(times);
      // Load more: the next page, after the cursor.
      await page.click('text=Load more');
      await poll(() => rows.count()).toBe(100);

      // outcome:failure: only failures.
      await page.fill('input[name=q]', 'outcome:failure');
      await page.click('form.toolbar button[type=submit]');
      await poll(async () => [...new Set(await outcomes(page).allTextContents())]).toEqual([
        'failure',
      ]);

      // An invalid query: the server's message with its column, under the box.
      await page.fill('input[name=q]', 'outcome:failure actor.idd:x');
      await page.click('form.toolbar button[type=submit]');
      const error = page.locator('main .error');
      await poll(() => error.textContent()).toMatch(/Invalid query: .*at column 17/);
      expect(await error.locator('pre.caret').textContent()).toContain('\n' + ' '.repeat(16) + '^');

      // An event's detail: its seq and its JSON.
      await page.fill('input[name=q]', 'outcome:failure');
      await page.click('form.toolbar button[type=submit]');
      await poll(() => error.isHidden()).toBe(true);
      const first = rows.first();
      const seq = await first.getAttribute('data-seq');
      await first.click();
      await poll(() => page.locator('aside.detail h3').textContent()).toBe(`Event seq ${seq}`);
      const json = JSON.parse((await page.locator('aside.detail pre.json').textContent())!) as {
        outcome: string;
        tenant: string;
      };
      expect(json).toMatchObject({ outcome: 'failure', tenant: 'demo' });

      // Live: a new failure sent through the API shows up on top.
      await page.check('input[name=live]');
      await poll(
        async () => {
          await api('/v1/events', {
            method: 'POST',
            body: JSON.stringify({
              tenant: 'demo',
              action: 'console.live_check',
              outcome: 'failure',
              actor: { id: 'e2e' },
            }),
          });
          return rows.first().locator('td:nth-child(2)').textContent();
        },
        // The stream starts from now: send again until one arrives after it opened.
        { interval: 500 },
      ).toBe('console.live_check');
      expect(await rows.first().getAttribute('class')).toContain('new');
      await page.uncheck('input[name=live]');

      // Sources: the demo's services with their health.
      await page.click('nav >> text=Sources');
      await poll(() =>
        page.locator('table.sources tbody tr td:first-child').allTextContents(),
      ).toEqual(expect.arrayContaining(['billing-api', 'identity', 'reports']));

      // The token is never in the address bar; logout forgets it.
      expect(page.url()).not.toContain(token);
      expect(await page.evaluate('sessionStorage.length')).toBe(1);
      await page.click('text=Log out');
      await page.waitForSelector('form.login');
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      await page.reload();
      await page.waitForSelector('form.login');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('lists the demo alerts and acknowledges one with a note', async () => {
      // Detection runs in the background: wait until it has raised alerts for the demo.
      interface Alert {
        id: string;
        status: string;
        history: { note: string | null }[];
      }
      await poll(
        async () =>
          (await api<{ alerts: Alert[] }>('/v1/alerts?tenant=demo&status=open')).alerts.length,
        { timeout: 30_000 },
      ).toBeGreaterThan(0);
      const page = await openConsole();
      await signIn(page);
      await page.click('nav >> text=Alerts');
      const rows = page.locator('table.alerts tbody tr');
      await poll(() => rows.count()).toBeGreaterThan(0);
      await page.selectOption('select[name=status]', 'open');
      await poll(async () => [
        ...new Set(await page.locator('table.alerts td.alert-status').allTextContents()),
      ]).toEqual(['open']);
      expect(await rows.first().locator('.badge[class*=severity-]').count()).toBe(1);
      const id = (await rows.first().getAttribute('data-id'))!;
      await rows.first().click();
      await page.fill('aside.detail textarea[name=note]', 'checked from the console');
      await page.click('aside.detail button[data-to=acknowledged]');
      await poll(() => page.locator(`tr[data-id="${id}"] td.alert-status`).textContent()).toBe(
        'acknowledged',
      );
      const { alert } = await api<{ alert: Alert }>(`/v1/alerts/${id}`);
      expect(alert.status).toBe('acknowledged');
      expect(alert.history.at(-1)?.note).toBe('checked from the console');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('works with a read-only API key on its own tenant, and shows the 403 of an admin action', async () => {
      const { token: key } = await api<{ token: string }>('/v1/keys', {
        method: 'POST',
        body: JSON.stringify({ tenant: 'demo', name: 'console-e2e', scopes: ['read'] }),
      });
      const page = await openConsole();
      await page.fill('input[name=token]', key);
      await page.click('form.login button[type=submit]');
      await page.waitForSelector('header.top');
      await poll(() => page.locator('table.events tbody tr').count()).toBe(50);
      // The server answered for the key's tenant: the header learns it from the events.
      await poll(() => page.getAttribute('header.top input[name=tenant]', 'placeholder')).toBe(
        'demo',
      );
      await poll(() => page.locator('.loghead [data-log-size]').count()).toBe(1);
      await page.click('nav >> text=Reports');
      await page.click('form.report-form button[type=submit]');
      await poll(() => page.locator('main > .error').textContent()).toMatch(
        /^Not allowed: .*admin/,
      );
      expect(problems).toEqual([]);
      await page.close();
    });

    it('generates a SOC 2 report and offers its files for download', async () => {
      const page = await openConsole();
      await signIn(page);
      await page.click('nav >> text=Reports');
      await page.selectOption('select[name=framework]', 'soc2');
      await page.click('form.report-form button[type=submit]');
      const link = page.locator('ul.files a[data-file="report.html"]');
      await link.waitFor({ timeout: 60_000 });
      expect(await page.locator('.report-result h3').textContent()).toContain('SOC 2');
      expect(await page.locator('table.sections tbody tr').count()).toBeGreaterThan(0);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe('report.html');
      const html = readFileSync(await download.path(), 'utf8');
      expect(html).toMatch(/<html/i);
      expect(html).toContain('demo');
      expect(await page.locator('ul.files a[data-file="manifest.json"]').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    });
  },
);
