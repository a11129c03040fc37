export * from './config.js';
export * from './webhook-payload.js';
export * from './cef.js';
export * from './syslog.js';
export * from './splunk-hec.js';
