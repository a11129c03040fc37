/**
 * OTLP/HTTP binary protobuf encoding for logs: decodes `ExportLogsServiceRequest` and encodes
 * `ExportLogsServiceResponse` and `google.rpc.Status` (the error body of OTLP/HTTP failures).
 *
 * The descriptor below is the subset of opentelemetry-proto (v1.x) that logs need, with the
 * field numbers of `opentelemetry/proto/{collector/logs/v1/logs_service, logs/v1/logs,
 * common/v1/common, resource/v1/resource}.proto` and `google/rpc/status.proto`. Field names are
 * the proto3 JSON names (lowerCamelCase), so the decoded object has the OTLP/JSON shape and one
 * normaliser checks both encodings. Fields outside the subset are skipped as unknown fields.
 *
 * The request body is untrusted: truncated or malformed input is an issue, never a crash, and
 * protobufjs bounds message nesting. The number of log records is counted on the wire before
 * anything is decoded, so a small body of millions of empty records is refused cheaply.
 */
import protobuf from 'protobufjs/light.js';
import { err, type Result } from '../core/errors.js';
import {
  MAX_LOG_RECORDS,
  normaliseOtlpLogs,
  type OtlpDecodeError,
  type OtlpLogsRequest,
} from '../core/receive/otlp-request.js';

const repeated = (type: string, id: number) => ({ rule: 'repeated', type, id });

/** opentelemetry-proto field numbers (the "= n" of each field in the .proto files). */
export const OTLP_LOGS_DESCRIPTOR = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            collector: {
              nested: {
                logs: {
                  nested: {
                    v1: {
                      nested: {
                        ExportLogsServiceRequest: {
                          fields: {
                            resourceLogs: repeated('opentelemetry.proto.logs.v1.ResourceLogs', 1),
                          },
                        },
                        ExportLogsServiceResponse: {
                          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
                        },
                        ExportLogsPartialSuccess: {
                          fields: {
                            rejectedLogRecords: { type: 'int64', id: 1 },
                            errorMessage: { type: 'string', id: 2 },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            logs: {
              nested: {
                v1: {
                  nested: {
                    ResourceLogs: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scopeLogs: repeated('ScopeLogs', 2),
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    ScopeLogs: {
                      fields: {
                        scope: {
                          type: 'opentelemetry.proto.common.v1.InstrumentationScope',
                          id: 1,
                        },
                        logRecords: repeated('LogRecord', 2),
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    LogRecord: {
                      fields: {
                        timeUnixNano: { type: 'fixed64', id: 1 },
                        observedTimeUnixNano: { type: 'fixed64', id: 11 },
                        severityNumber: { type: 'int32', id: 2 },
                        severityText: { type: 'string', id: 3 },
                        body: { type: 'opentelemetry.proto.common.v1.AnyValue', id: 5 },
                        attributes: repeated('opentelemetry.proto.common.v1.KeyValue', 6),
                        droppedAttributesCount: { type: 'uint32', id: 7 },
                        flags: { type: 'fixed32', id: 8 },
                        traceId: { type: 'bytes', id: 9 },
                        spanId: { type: 'bytes', id: 10 },
                        eventName: { type: 'string', id: 12 },
                      },
                    },
                  },
                },
              },
            },
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: {
                        value: {
                          oneof: [
                            'stringValue',
                            'boolValue',
                            'intValue',
                            'doubleValue',
                            'arrayValue',
                            'kvlistValue',
                            'bytesValue',
                          ],
                        },
                      },
                      fields: {
                        stringValue: { type: 'string', id: 1 },
                        boolValue: { type: 'bool', id: 2 },
                        intValue: { type: 'int64', id: 3 },
                        doubleValue: { type: 'double', id: 4 },
                        arrayValue: { type: 'ArrayValue', id: 5 },
                        kvlistValue: { type: 'KeyValueList', id: 6 },
                        bytesValue: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: repeated('AnyValue', 1) } },
                    KeyValueList: { fields: { values: repeated('KeyValue', 1) } },
                    KeyValue: {
                      fields: {
                        key: { type: 'string', id: 1 },
                        value: { type: 'AnyValue', id: 2 },
                      },
                    },
                    InstrumentationScope: {
                      fields: {
                        name: { type: 'string', id: 1 },
                        version: { type: 'string', id: 2 },
                        attributes: repeated('KeyValue', 3),
                        droppedAttributesCount: { type: 'uint32', id: 4 },
                      },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: {
                        attributes: repeated('opentelemetry.proto.common.v1.KeyValue', 1),
                        droppedAttributesCount: { type: 'uint32', id: 2 },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    google: {
      nested: {
        rpc: {
          nested: {
            Status: {
              fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(OTLP_LOGS_DESCRIPTOR);
export const ExportLogsServiceRequest = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
);
const ExportLogsServiceResponse = root.lookupType(
  'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
);
const Status = root.lookupType('google.rpc.Status');

/** Binary `ExportLogsServiceRequest` → the normalised request. */
export function decodeOtlpLogsProtobuf(
  bytes: Uint8Array,
): Result<OtlpLogsRequest, OtlpDecodeError> {
  let decoded: unknown;
  try {
    const records = countLogRecordsOnWire(bytes);
    if (records > MAX_LOG_RECORDS) {
      return err({
        code: 'payload_too_large',
        message: `the request holds ${records} log records; at most ${MAX_LOG_RECORDS} per request`,
        issues: [{ path: 'resourceLogs', message: `at most ${MAX_LOG_RECORDS} log records` }],
      });
    }
    const message = ExportLogsServiceRequest.decode(bytes);
    // Longs as decimal strings, enums as numbers, bytes left as Uint8Array, unset fields out.
    decoded = ExportLogsServiceRequest.toObject(message, { longs: String });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err({
      code: 'validation_failed',
      message: `the request body is not a protobuf ExportLogsServiceRequest: ${reason}`,
      issues: [{ path: '(body)', message: `does not decode: ${reason}` }],
    });
  }
  return normaliseOtlpLogs(decoded);
}

/**
 * Counts LogRecords (request field 1 → ResourceLogs field 2 → ScopeLogs field 2) by walking
 * the wire format without building objects. Throws on malformed input, like decoding would.
 */
export function countLogRecordsOnWire(bytes: Uint8Array): number {
  let n = 0;
  const walk = (buf: Uint8Array, want: number, inner: ((b: Uint8Array) => void) | null) => {
    const r = protobuf.Reader.create(buf);
    while (r.pos < r.len) {
      const tag = r.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === want && wire === 2) {
        const len = r.uint32();
        if (r.pos + len > r.len) throw new RangeError(`length ${len} runs past the end`);
        if (inner) inner(buf.subarray(r.pos, r.pos + len));
        else n++;
        r.pos += len;
      } else {
        r.skipType(wire);
      }
    }
  };
  walk(bytes, 1, (rl) => walk(rl, 2, (sl) => walk(sl, 2, null)));
  return n;
}

/** `ExportLogsServiceResponse`: empty on full success, else a partial success. */
export function encodeExportLogsResponse(rejected: number, errorMessage: string): Uint8Array {
  const body =
    rejected > 0 || errorMessage !== ''
      ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage } }
      : {};
  return ExportLogsServiceResponse.encode(ExportLogsServiceResponse.fromObject(body)).finish();
}

/** `google.rpc.Status` with a gRPC code (OTLP/HTTP "Failures"). */
export function encodeStatus(code: number, message: string): Uint8Array {
  return Status.encode(Status.fromObject({ code, message })).finish();
}

/** Decoders for tests and tools: a response or status body back to an object. */
export function decodeExportLogsResponse(bytes: Uint8Array): {
  partialSuccess?: { rejectedLogRecords?: string; errorMessage?: string };
} {
  return ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(bytes), {
    longs: String,
  });
}

export function decodeStatus(bytes: Uint8Array): { code?: number; message?: string } {
  return Status.toObject(Status.decode(bytes));
}
