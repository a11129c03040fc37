/** The pure core: an offline verifier library (no I/O). */
export * from './errors.js';
export * from './canonical-json.js';
export * from './event/index.js';
export * from './merkle/index.js';
export * from './checkpoint/index.js';
export * from './bundle/index.js';
export * from './query/index.js';
export {
  verifyReport,
  MANIFEST_FILE,
  MANIFEST_SCHEMA,
  type Manifest,
  type ReportFailure,
  type ReportFailureCode,
  type ReportVerification,
} from './report/index.js';
