/**
 * Which rules see which events (ARCHITECTURE.md §6). Events imported from another format keep
 * the original record in `raw` and their `action` starts with the source's prefix; rules
 * written for that source (`logsource` product/service below) match `raw`. Rules for the
 * native schema (product `veritrail`, or only a category of the schema) match the event's own
 * fields. A rule whose logsource does not apply to an event is never evaluated on it.
 */
import type { Logsource, Target } from './types.js';

export interface SourceInfo {
  /** Routing key of the source, e.g. `aws/cloudtrail`. */
  readonly key: string;
  readonly product: string;
  readonly service: string;
  /** Logsource categories the source also answers to (`category: application` for k8s). */
  readonly categories: readonly string[];
}

/** Action prefixes of the imported sources and the Sigma logsource each one stands for. */
export const SOURCES: Readonly<Record<string, SourceInfo>> = {
  aws: { key: 'aws/cloudtrail', product: 'aws', service: 'cloudtrail', categories: [] },
  okta: { key: 'okta/okta', product: 'okta', service: 'okta', categories: [] },
  github: { key: 'github/audit', product: 'github', service: 'audit', categories: [] },
  k8s: {
    key: 'kubernetes/audit',
    product: 'kubernetes',
    service: 'audit',
    categories: ['application'],
  },
  gcp: { key: 'gcp/gcp.audit', product: 'gcp', service: 'gcp.audit', categories: [] },
  auditd: { key: 'linux/auditd', product: 'linux', service: 'auditd', categories: [] },
};

/** The native schema: every event, matched on its own fields. */
export const NATIVE_PRODUCT = 'veritrail';
/** Event categories of schema v1 (a rule with only one of these as category is native). */
export const NATIVE_CATEGORIES: readonly string[] = [
  'authentication',
  'authorization',
  'account',
  'access_control',
  'data',
  'configuration',
  'change',
  'audit',
  'admin',
  'other',
];

/** The imported source of an event, from its `action` prefix, or null for native events. */
export function logsourceOf(event: Target): SourceInfo | null {
  const action = event.action;
  if (typeof action !== 'string') return null;
  const dot = action.indexOf('.');
  const prefix = dot < 0 ? action : action.slice(0, dot);
  return Object.hasOwn(SOURCES, prefix) ? (SOURCES[prefix] ?? null) : null;
}

export type Route =
  | { readonly kind: 'raw'; readonly keys: readonly string[] }
  /** `service`: only events whose `observer.service` is this value. */
  | { readonly kind: 'native'; readonly category?: string; readonly service?: string }
  | { readonly kind: 'none' };

/** Where a rule's logsource routes it: to imported sources (matched on `raw`), to native events, or nowhere. */
export function routeOf(ls: Logsource): Route {
  if (ls.product === NATIVE_PRODUCT) {
    return {
      kind: 'native',
      ...(ls.category !== undefined ? { category: ls.category } : {}),
      ...(ls.service !== undefined ? { service: ls.service } : {}),
    };
  }
  const keys = Object.values(SOURCES)
    .filter(
      (s) =>
        (ls.product === undefined || ls.product === s.product) &&
        (ls.service === undefined || ls.service === s.service) &&
        (ls.category === undefined || s.categories.includes(ls.category)),
    )
    .map((s) => s.key);
  if (ls.product === undefined && ls.service === undefined) {
    if (ls.category !== undefined && NATIVE_CATEGORIES.includes(ls.category))
      return { kind: 'native', category: ls.category };
  }
  if (ls.product === undefined && ls.service === undefined && ls.category === undefined)
    return { kind: 'none' };
  return keys.length > 0 ? { kind: 'raw', keys } : { kind: 'none' };
}

/**
 * Other paths tried for a field of a source: names of the pySigma GCP taxonomy and records
 * wrapped in `data` (as Pub/Sub exports write them) map onto the LogEntry fields.
 */
export function fieldAliases(ls: Logsource): (field: string) => readonly string[] {
  if (ls.product !== 'gcp') return () => [];
  return (field) => {
    const out: string[] = [];
    const mapped = GCP_FIELDS[field];
    if (mapped !== undefined) out.push(mapped);
    if (field.startsWith('data.')) out.push(field.slice(5));
    return out;
  };
}

const GCP_FIELDS: Readonly<Record<string, string>> = {
  'gcp.audit.method_name': 'protoPayload.methodName',
  'gcp.audit.service_name': 'protoPayload.serviceName',
  'gcp.audit.resource_name': 'protoPayload.resourceName',
  'gcp.audit.principal_email': 'protoPayload.authenticationInfo.principalEmail',
};
