/** JSON Schemas of the routes' parameters and bodies: validation and the OpenAPI document. */
import { z } from 'zod';
import { eventInputSchema } from '../core/event/index.js';

export const tenantParam = {
  type: 'string',
  pattern: '^(?:[a-z0-9][a-z0-9_-]{0,62}|_system)$',
  description: 'tenant (log) name',
} as const;

/** A strict object schema for a querystring, params or body: unknown members are errors. */
export function strictObject(properties: Record<string, object>, required: readonly string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    ...(required.length ? { required } : {}),
  } as const;
}

/** `?tenant=` alone. */
export const tenantQuery = strictObject({ tenant: tenantParam });

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

const eventJson = z.toJSONSchema(eventInputSchema, {
  target: 'openapi-3.0',
  unrepresentable: 'any',
});

/** Documented body of POST /v1/events; validation itself is the core's (per-field issues). */
export const ingestBodySchema = {
  oneOf: [
    eventJson,
    {
      type: 'object',
      required: ['events'],
      properties: { events: { type: 'array', items: eventJson, maxItems: 1000 } },
    },
    { type: 'array', items: eventJson, maxItems: 1000 },
  ],
};

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  413: errorSchema,
  415: errorSchema,
};

export const security = [{ bearer: [] }];
