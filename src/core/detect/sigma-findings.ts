/**
 * Findings of the Sigma engine's matches. A detection match is one event: its group key is
 * the rule's `fields` (their values in the matched record) when the rule lists fields and one
 * has a value, else the event's actor (`actor.id=…`). A correlation match is grouped by its
 * `group-by` values.
 */
import type { StoredEvent } from '../event/schema.js';
import type { CorrelationMatch, RuleMatch } from '../sigma/engine.js';
import { fmtDuration } from './params.js';
import { formatPairs, valueText } from './typed-rule.js';
import type { Finding, RuleInfo } from './types.js';

/** At most this many event ids per finding (the contract's bound). */
export const MAX_EVENT_IDS = 100;

export function ruleFinding(
  m: RuleMatch,
  rule: RuleInfo,
  event: StoredEvent,
  tenant: string,
  time: number,
): Finding {
  const pairs = Object.entries(m.fields).map(([k, v]) => [k, valueText(v)] as const);
  const byFields = pairs.length > 0 && pairs.some(([, v]) => v !== null);
  const groupKey = byFields ? formatPairs(pairs) : formatPairs([['actor.id', event.actor.id]]);
  return {
    rule,
    tenant,
    groupKey,
    eventIds: [event.id],
    firstTime: time,
    lastTime: time,
    count: 1,
    summary: `${m.rule.title}: ${event.action} by ${event.actor.id}${byFields ? ` (${groupKey})` : ''}`,
    context: {
      action: event.action,
      actor: event.actor.id,
      matched: m.target,
      ...(pairs.length > 0 ? { fields: m.fields } : {}),
    },
  };
}

export function correlationFinding(m: CorrelationMatch, rule: RuleInfo, tenant: string): Finding {
  const pairs = Object.entries(m.group).map(([k, v]) => [k, valueText(v)] as const);
  const groupKey = formatPairs(pairs);
  const c = m.rule;
  const span = fmtDuration(c.timespanMs);
  const forGroup = groupKey === '' ? '' : ` for ${groupKey}`;
  let what: string;
  switch (c.type) {
    case 'event_count':
      what = `${m.count} events matching ${c.rules.join(', ')}`;
      break;
    case 'value_count':
      what = `${m.count} distinct values of ${c.field ?? 'the field'}`;
      break;
    case 'temporal':
      what = `${m.count} of ${c.rules.length} rules (${c.rules.join(', ')})`;
      break;
    case 'temporal_ordered':
      what = `${c.rules.join(', ')} in order`;
      break;
  }
  return {
    rule,
    tenant,
    groupKey,
    eventIds: m.eventIds.slice(0, MAX_EVENT_IDS),
    firstTime: m.firstTime,
    lastTime: m.lastTime,
    count: m.count,
    summary: `${c.title}: ${what}${forGroup} within ${span}`,
    context: { group: m.group, correlation: c.type, timespan: span, rules: c.rules },
  };
}
