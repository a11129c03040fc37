/** The Sigma rule engine (docs/sigma.md): load rule files, then match events. */
export { loadRules, MAX_DOCUMENTS, MAX_FILE_BYTES } from './load-rules.js';
export { SigmaEngine } from './engine.js';
export type {
  CorrelationMatch,
  EngineOptions,
  RuleMatch,
  SigmaMatch,
  StateSize,
} from './engine.js';
export { logsourceOf, routeOf, SOURCES, NATIVE_PRODUCT, NATIVE_CATEGORIES } from './logsource.js';
export type { Route, SourceInfo } from './logsource.js';
export { DEFAULT_LIMITS } from './correlator.js';
export type { CorrelationLimits } from './correlator.js';
export { MODIFIERS } from './values.js';
export type * from './types.js';
