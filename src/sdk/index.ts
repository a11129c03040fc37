/** `veritrail/sdk`: record audit events from a Node.js service (docs/sdk.md). */
export { createClient, VeritrailClient } from './client.js';
export type { ClientStats, CloseResult } from './client.js';
export type { ClientOptions, ClientSpoolOptions, RetryOptions } from './options.js';
export type { DeadLetter } from './dead-letter.js';
export { auditEvent } from './event-builder.js';
export type { EventBuilder } from './event-builder.js';
export { InvalidEventError, QueueFullError, VeritrailSdkError } from './errors.js';
export type { SdkErrorCode } from './errors.js';
export type { FsyncMode } from './spool/spool.js';
export type { EventInput } from '../core/event/schema.js';
export type { Issue } from '../core/errors.js';
