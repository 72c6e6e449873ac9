import type { Attribute } from '../../model/attributes.ts';

/**
 * A Jaeger span once its wire encoding (Thrift or protobuf) is peeled off:
 * IDs normalized to hex, times in nanoseconds, tags typed, but Jaeger's
 * conventions (span.kind, error, otel.* tags, references) not yet applied.
 * Both decoders produce this, so the conventions live in one place
 * (span-builder.ts).
 */
export interface JaegerSpanParts {
  traceId: string;
  spanId: string;
  /** Thrift's parentSpanId field ('' when 0); protobuf spans carry the parent only in references. */
  parentSpanId: string;
  name: string;
  references: JaegerRef[];
  flags: number;
  startTimeUnixNano: bigint;
  durationNanos: bigint;
  tags: Attribute[];
  logs: JaegerLog[];
}

export interface JaegerRef {
  /** 0 CHILD_OF, 1 FOLLOWS_FROM (the same values in Thrift and protobuf). */
  refType: number;
  traceId: string;
  spanId: string;
}

export interface JaegerLog {
  timeUnixNano: bigint;
  fields: Attribute[];
}

/**
 * The model's flags word -> Jaeger's span flags, for the query outputs. The
 * word is OTLP's (W3C trace flags in bits 0-7, OTLP's is-remote bits 8-9) or,
 * for spans received from Jaeger or Zipkin, their flags. Only the sampled bit
 * means the same in both: W3C's 0x02 is "random" where Jaeger's is "debug",
 * and bits 8-9 mean nothing to Jaeger (Jaeger v2's translator maps no flags).
 */
export function jaegerFlags(modelFlags: number): number {
  return modelFlags & JAEGER_FLAG_SAMPLED;
}

const JAEGER_FLAG_SAMPLED = 0x01;

export const REF_CHILD_OF = 0;
export const REF_FOLLOWS_FROM = 1;

/** Tags that carry OpenTelemetry fields Jaeger's model has no place for (the collector's translator uses the same keys). */
export const TAG = {
  spanKind: 'span.kind',
  error: 'error',
  statusCode: 'otel.status_code',
  statusDescription: 'otel.status_description',
  scopeName: 'otel.scope.name',
  scopeVersion: 'otel.scope.version',
  /** Older spelling, still sent by older OpenTelemetry SDKs' Jaeger exporters. */
  libraryName: 'otel.library.name',
  libraryVersion: 'otel.library.version',
  traceState: 'w3c.tracestate',
  /** Log field holding the event name. */
  event: 'event',
} as const;

/** Link attribute recording which kind of reference a link came from (OpenTelemetry semantic convention). */
export const REF_TYPE_ATTRIBUTE = 'opentracing.ref_type';
export const REF_TYPE_CHILD_OF = 'child_of';
export const REF_TYPE_FOLLOWS_FROM = 'follows_from';
