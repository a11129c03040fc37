/** Detection (docs/detection.md): rule files → one `Detector` producing `Finding`s. */
export type { Detector, Finding, RuleInfo, Severity } from './types.js';
export {
  createDetector,
  DEFAULT_SUPPRESS_MS,
  findingTenant,
  SYSTEM_TENANT,
} from './create-detector.js';
export type {
  DetectorLimits,
  DetectorOptions,
  DetectorResult,
  LoadError,
  LoadErrorCode,
} from './create-detector.js';
export { distanceKm } from './geo.js';
export type { GeoLookup, GeoPoint } from './geo.js';
export { countryCentroid } from './country-centroids.js';
