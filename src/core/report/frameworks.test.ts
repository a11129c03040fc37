import { describe, expect, it } from 'vitest';
import { parseQuery } from '../query/index.js';
import { FRAMEWORK_IDS, FRAMEWORKS, SECTION_IDS, SECTIONS, sectionQuery } from './frameworks.js';

describe('framework definitions', () => {
  it('every section query parses, with the tenant quoted', () => {
    for (const id of SECTION_IDS) {
      const q = sectionQuery(SECTIONS[id], 'acme-1');
      expect(() => parseQuery(q)).not.toThrow();
      expect(q).not.toContain('{tenant}');
    }
  });

  it('every framework maps each of its sections and envelope parts to requirement ids', () => {
    for (const id of FRAMEWORK_IDS) {
      const fw = FRAMEWORKS[id];
      expect(fw.id).toBe(id);
      const ids = fw.sections.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const s of fw.sections) expect(s.requirements.length).toBeGreaterThan(0);
      for (const reqs of Object.values(fw.envelope)) expect(reqs.length).toBeGreaterThan(0);
    }
  });

  // The requirement ids the reports are meant to cover (docs/reports.md).
  it.each([
    ['soc2', ['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2', 'CC7.3', 'CC8.1']],
    [
      'pci-dss',
      [
        '10.2.1.1',
        '10.2.1.2',
        '10.2.1.3',
        '10.2.1.4',
        '10.2.1.5',
        '10.2.1.6',
        '10.2.1.7',
        '10.2.2',
      ],
    ],
    ['iso27001', ['A.8.15', 'A.8.16', 'A.8.17', 'A.5.28']],
    ['hipaa', ['164.312(b)', '164.308(a)(1)(ii)(D)']],
    ['nist-800-53', ['AU-2', 'AU-3', 'AU-6', 'AU-8', 'AU-9', 'AU-11', 'AU-12']],
  ] as const)('%s covers %j', (id, wanted) => {
    const fw = FRAMEWORKS[id];
    const all = new Set([
      ...fw.sections.flatMap((s) => s.requirements),
      ...Object.values(fw.envelope).flat(),
    ]);
    for (const r of wanted) expect(all).toContain(r);
  });

  it('PCI DSS covers 10.3 to 10.7', () => {
    const fw = FRAMEWORKS['pci-dss'];
    const all = [
      ...fw.sections.flatMap((s) => s.requirements),
      ...Object.values(fw.envelope).flat(),
    ];
    for (const prefix of ['10.3', '10.4', '10.5', '10.6', '10.7'])
      expect(all.some((r) => r.startsWith(`${prefix}.`))).toBe(true);
  });
});
