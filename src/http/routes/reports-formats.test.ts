import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyReport } from '../../core/report/index.js';
import { ADMIN, testApp, type TestApp } from '../test-support/test-app.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const today = () => new Date().toISOString().slice(0, 10);
let t: TestApp;

beforeAll(async () => {
  t = await testApp({ rateLimitPerMinute: 0 });
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: auth(ADMIN),
    payload: {
      events: [
        {
          tenant: 'acme',
          action: 'user.login',
          category: 'authentication',
          outcome: 'failure',
          actor: { id: 'u<script>' },
          observer: { service: 'web' },
          occurred_at: new Date(Date.now() - 60_000).toISOString(),
        },
      ],
    },
  });
  expect(res.statusCode).toBeLessThan(300);
});

afterAll(() => t.close());

interface Body {
  files: Record<string, string>;
  binaryFiles: Record<string, string>;
  manifest: { files: { name: string }[] };
}

describe('POST /v1/reports formats', () => {
  const post = (payload: object) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/reports',
      headers: auth(ADMIN),
      payload: { framework: 'soc2', tenant: 'acme', from: today(), to: today(), ...payload },
    });

  it('includes report.html by default and report.pdf (base64) when asked; all verify', async () => {
    const def = (await post({})).json<Body>();
    expect(Object.keys(def.files)).toContain('report.html');
    expect(def.files['report.html']).toContain('u&lt;script&gt;');
    expect(def.binaryFiles).toEqual({});
    const res = await post({ formats: ['json', 'html', 'pdf'] });
    expect(res.statusCode).toBe(200);
    const body = res.json<Body>();
    expect(Object.keys(body.files).sort()).toEqual(['manifest.json', 'report.html', 'report.json']);
    const pdf = Buffer.from(body.binaryFiles['report.pdf']!, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const files = new Map<string, Uint8Array>(
      Object.entries(body.files).map(([n, c]) => [n, Buffer.from(c)]),
    );
    files.set('report.pdf', pdf);
    expect(verifyReport(files)).toMatchObject({ ok: true, files: 3 });
    const changed = Buffer.from(pdf);
    changed[100] = changed[100]! ^ 1;
    files.set('report.pdf', changed);
    expect(verifyReport(files).failures).toEqual([
      expect.objectContaining({ code: 'file_changed', file: 'report.pdf' }),
    ]);
  });

  it('refuses an unknown or empty format list', async () => {
    expect((await post({ formats: ['docx'] })).statusCode).toBe(400);
    expect((await post({ formats: [] })).statusCode).toBe(400);
  });
});
