/**
 * Kubernetes audit importer against real events: ../shared/samples/k8s-audit
 * (falcosecurity/falco test/trace_files/k8s_audit, commit 2583ea9b, Apache-2.0).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test-support/shared-data.js';
import { pathToFileURL } from 'node:url';
import { normaliseEvent } from '../event/validate.js';
import { importK8sAudit } from './k8s-audit.js';

const DATA = sharedData('samples/k8s-audit');
const DIR = pathToFileURL(`${DATA.path}/`);
// Without ../shared the suites are skipped; what they read while being collected is empty.
const sample = (f: string) => (DATA.present ? readFileSync(new URL(f, DIR), 'utf8') : '{}');
const CTX = { defaultTenant: 'acme', receivedAt: '2026-01-01T00:00:00.000Z', newId: () => 'gen' };
const opts = { tenant: 'acme' };

describe.skipIf(!DATA.present)(DATA.title('Kubernetes audit importer on the real samples'), () => {
  const files = (DATA.present ? readdirSync(DIR) : []).filter((f) => f.endsWith('.json'));

  it('imports every event of every sample file, with no skips, all valid', () => {
    expect(files.length).toBe(24);
    let total = 0;
    for (const f of files) {
      const text = sample(f);
      const r = importK8sAudit(text, opts);
      expect(r.skipped, f).toEqual([]);
      expect(r.events.length, f).toBe(text.split('\n').filter((l) => l.trim() !== '').length);
      for (const e of r.events) expect(normaliseEvent(e, CTX).ok, f).toBe(true);
      total += r.events.length;
    }
    expect(total).toBe(24);
  });

  it('maps an anonymous namespace creation (anonymous_creates_namespace_foo)', () => {
    const e = importK8sAudit(sample('anonymous_creates_namespace_foo.json'), opts).events[0]!;
    expect(e.id).toBe('841d3e6d-90d2-43df-8da4-684738bee3d5-ResponseComplete');
    expect(e.tenant).toBe('acme');
    expect(e.action).toBe('k8s.namespaces.create');
    expect(e.category).toBe('change');
    expect(e.outcome).toBe('success');
    expect(e.occurred_at).toBe('2018-10-25T13:58:49.736141Z');
    expect(e.actor).toEqual({
      id: 'system:anonymous',
      type: 'anonymous',
      roles: ['system:masters', 'system:authenticated'],
    });
    expect(e.source).toEqual({ ip: '192.168.99.1' });
    expect(e.targets).toEqual([{ id: 'foo', type: 'namespaces' }]);
    expect(e.correlation).toEqual({ request_id: '841d3e6d-90d2-43df-8da4-684738bee3d5' });
    expect(e.observer).toEqual({ service: 'kube-apiserver' });
  });

  it('maps an exec into a pod (exec_pod) and an RBAC change (create_clusterrolebinding)', () => {
    const exec = importK8sAudit(sample('exec_pod.json'), opts).events[0]!;
    expect(exec.id).toBe('ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6-ResponseStarted');
    expect(exec.action).toBe('k8s.pods.exec.create');
    expect(exec.outcome).toBe('success');
    expect(exec.occurred_at).toBe('2018-10-26T13:38:34.902914Z');
    expect(exec.actor).toEqual({
      id: 'minikube-user',
      type: 'user',
      roles: ['system:masters', 'system:authenticated'],
    });
    expect(exec.source).toEqual({ ip: '192.168.99.1' });
    expect(exec.targets).toEqual([
      { id: 'default/nginx-deployment-7998647bdf-phvq7', type: 'pods' },
    ]);
    const crb = importK8sAudit(sample('create_clusterrolebinding.json'), opts).events[0]!;
    expect(crb.action).toBe('k8s.clusterrolebindings.create');
    expect(crb.category).toBe('access_control');
    expect(crb.targets).toEqual([{ id: 'some-reader-binding', type: 'clusterrolebindings' }]);
    expect(crb.occurred_at).toBe('2018-10-26T13:25:18.286399Z');
  });
});

describe.skipIf(!DATA.present)(
  DATA.title('Kubernetes audit importer input shapes and bad input'),
  () => {
    const base = JSON.parse(sample('exec_pod.json')) as Record<string, unknown>;

    it('reads an EventList like JSONL', () => {
      const list = importK8sAudit(JSON.stringify({ kind: 'EventList', items: [base, base] }), opts);
      expect(list.skipped).toEqual([]);
      expect(list.events).toHaveLength(2);
      expect(list.events[0]).toEqual(importK8sAudit(JSON.stringify(base), opts).events[0]);
      expect(importK8sAudit('{"kind":"EventList","items":"x"}', opts).skipped).toEqual([
        { line: null, index: null, reason: '"items" must be an array' },
      ]);
    });

    it('maps failures, missing status and secrets', () => {
      const r = importK8sAudit(
        [
          { ...base, responseStatus: { code: 403, reason: 'Forbidden', message: 'no' } },
          { ...base, responseStatus: undefined },
          { ...base, verb: 'get', objectRef: { resource: 'secrets', namespace: 'ns', name: 's' } },
        ]
          .map((x) => JSON.stringify(x))
          .join('\n'),
        opts,
      );
      expect(r.skipped).toEqual([]);
      expect(r.events.map((e) => e.outcome)).toEqual(['failure', 'unknown', 'success']);
      expect(r.events[0]!.reason).toBe('no');
      expect(r.events[2]!.category).toBe('data');
      expect(r.events[2]!.targets).toEqual([
        { id: 'ns/s', type: 'secrets', data_class: ['secret'] },
      ]);
    });

    it('reports bad lines with their line number', () => {
      const r = importK8sAudit(
        [
          JSON.stringify({ ...base, verb: 7 }),
          JSON.stringify(base).slice(0, 80),
          JSON.stringify({ ...base, user: { username: 'has space' } }),
          JSON.stringify({ ...base, sourceIPs: ['not-an-ip'] }),
          '[]',
        ].join('\n'),
        opts,
      );
      expect(r.events).toEqual([]);
      expect(r.skipped).toEqual([
        {
          line: 1,
          index: null,
          reason: 'audit event needs string verb, auditID and stageTimestamp',
        },
        // Regression: a parse failure on a later line is still listed in line order.
        { line: 2, index: null, reason: expect.stringMatching(/^not valid JSON/) as unknown },
        { line: 3, index: null, reason: 'audit event needs user.username' },
        {
          line: 4,
          index: null,
          reason: 'invalid event: source.ip: must be an IPv4 or IPv6 address',
        },
        { line: 5, index: null, reason: 'audit event must be a JSON object' },
      ]);
    });
  },
);
