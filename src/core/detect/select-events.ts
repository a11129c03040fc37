/**
 * Which events a Veritrail rule looks at: its logsource routes it like a Sigma rule (native
 * events, or the `raw` record of an imported source, docs/sigma.md) and its optional Sigma
 * `detection` must match. Without a logsource the rule sees every event.
 */
import type { StoredEvent } from '../event/schema.js';
import { auditdRecords } from '../sigma/auditd-records.js';
import { logsourceOf, routeOf } from '../sigma/logsource.js';
import type { TypedRuleDocument } from '../sigma/types.js';

export type Selector = (event: StoredEvent) => boolean;

/** The selector, or an error message when the logsource names no Veritrail source. */
export function selectorOf(doc: TypedRuleDocument): Selector | string {
  const match = doc.match ?? (() => true);
  if (doc.logsource === undefined) return (e) => match(e);
  const route = routeOf(doc.logsource);
  switch (route.kind) {
    case 'none':
      return `logsource ${JSON.stringify(doc.logsource)} names no source Veritrail provides`;
    case 'native': {
      const { category, service } = route;
      return (e) =>
        (category === undefined || e.category === category) &&
        (service === undefined || e.observer?.service.toLowerCase() === service) &&
        match(e);
    }
    case 'raw': {
      const keys = new Set(route.keys);
      return (e) => {
        const source = logsourceOf(e);
        const raw = e.raw;
        if (source === null || !keys.has(source.key) || raw === undefined) return false;
        if (source.product !== 'linux') return match(raw);
        return auditdRecords(raw).some(match);
      };
    }
  }
}
