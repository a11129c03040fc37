import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFilePath } from '../app/outbound-streams.js';
import type { OutboundEvent } from '../app/ports.js';
import { makeEvent } from '../app/test-support/events.js';
import { FileDestination } from './file.js';
import { SplunkHecDestination } from './splunk-hec.js';
import { WebhookDestination } from './webhook.js';

const dir = mkdtempSync(join(tmpdir(), 'veritrail-adapters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const events = (n: number, from = 0): OutboundEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    ...makeEvent({ observer: { service: 's', host: 'web1' } }),
    seq: from + i,
  }));

async function receiver(status: number) {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { got, url, close: () => new Promise((r) => server.close(r)) };
}

describe('Splunk HEC destination', () => {
  it('posts newline-separated HEC objects with the Splunk token', async () => {
    const r = await receiver(200);
    try {
      const d = new SplunkHecDestination({
        url: `${r.url}/services/collector/event`,
        token: 'tok-123',
        index: 'audit',
      });
      const batch = events(3);
      await d.send(batch);
      expect(r.got[0]!.headers.authorization).toBe('Splunk tok-123');
      const lines = r.got[0]!.body.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toEqual({
        time: Date.parse(batch[0]!.occurred_at) / 1000,
        host: 'web1',
        source: 'veritrail',
        sourcetype: 'veritrail:audit',
        index: 'audit',
        event: batch[0],
      });
    } finally {
      await r.close();
    }
  });

  it('rejects a non-2xx answer without naming the URL path or the token', async () => {
    const r = await receiver(503);
    try {
      const d = new SplunkHecDestination({ url: `${r.url}/secret-path?x=1`, token: 'tok-123' });
      await expect(d.send(events(1))).rejects.toThrow(`${r.url}: HTTP 503`);
      const w = new WebhookDestination({ url: `${r.url}/p`, secret: 'k'.repeat(16) });
      await expect(w.send(events(1))).rejects.toThrow(`${r.url}: HTTP 503`);
    } finally {
      await r.close();
    }
  });
});

describe('file destination', () => {
  it('appends JSON lines and rotates, keeping five old files', async () => {
    const path = join(dir, 'out', 'audit.jsonl');
    const d = new FileDestination({ path, max_bytes: 1024 });
    for (let i = 0; i < 40; i++) await d.send(events(2, i * 2));
    const files = readdirSync(join(dir, 'out')).sort();
    expect(files).toEqual([
      'audit.jsonl',
      'audit.jsonl.1',
      'audit.jsonl.2',
      'audit.jsonl.3',
      'audit.jsonl.4',
      'audit.jsonl.5',
    ]);
    const seqs = (f: string) =>
      readFileSync(join(dir, 'out', f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
    const current = seqs('audit.jsonl');
    expect(current.at(-1)).toBe(79);
    // Older files hold the seqs right before, without gaps.
    const chain = [...seqs('audit.jsonl.2'), ...seqs('audit.jsonl.1'), ...current];
    expect(chain).toEqual(chain.map((_, i) => chain[0]! + i));
  });

  it('refuses paths outside the outbound folder', () => {
    const ok = {
      type: 'file' as const,
      path: '/data/outbound/a.jsonl',
      max_bytes: 2048,
      batch_size: 1,
    };
    expect(() => checkFilePath(ok, '/data/outbound')).not.toThrow();
    for (const path of [
      '/etc/passwd',
      '/data/outbound/../x',
      'rel.jsonl',
      '/data/outbound',
      '/data/outbound2/x',
    ])
      expect(() => checkFilePath({ ...ok, path }, '/data/outbound'), path).toThrow(
        /destination.path/,
      );
    expect(() => checkFilePath(ok, undefined)).toThrow(/not available/);
  });
});
