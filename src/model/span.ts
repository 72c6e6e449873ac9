import type { Attribute } from './attributes.ts';

/**
 * Waymark's one internal span model, shaped like OTLP. Every protocol is
 * converted to and from this at the edges (src/protocols/*).
 *
 * Times are bigint nanoseconds since the Unix epoch: exact for every protocol
 * (OTLP carries nanoseconds, Zipkin and Jaeger microseconds).
 * IDs are lowercase hex (see ids.ts): traceId 32 chars, spanId 16 chars,
 * parentSpanId '' for a root span.
 */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attribute[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  /** W3C trace flags (bit 0: sampled); Jaeger flags are mapped onto it. */
  flags: number;
  /** Shared by all spans of one resource in a batch: treat as immutable. */
  resource: Resource;
  /** Shared by all spans of one scope in a batch: treat as immutable. */
  scope: InstrumentationScope;
}

/** Values as in OTLP's Span.SpanKind. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** Values as in OTLP's Status.StatusCode. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface SpanStatus {
  code: StatusCode;
  message: string;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attribute[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attribute[];
  droppedAttributesCount: number;
  flags: number;
}

export interface Resource {
  attributes: Attribute[];
  droppedAttributesCount: number;
  /** `service.name` as a string, cached because every reader needs it; "unknown_service" when absent. */
  serviceName: string;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attribute[];
  droppedAttributesCount: number;
}

/** Lower-case names, as Jaeger's API and `span.kind` tags spell them. */
export const SPAN_KIND_NAMES: Record<SpanKind, string> = {
  0: '',
  1: 'internal',
  2: 'server',
  3: 'client',
  4: 'producer',
  5: 'consumer',
};

export function spanKindFromName(name: string): SpanKind | undefined {
  switch (name.toLowerCase()) {
    case 'internal':
      return SpanKind.INTERNAL;
    case 'server':
      return SpanKind.SERVER;
    case 'client':
      return SpanKind.CLIENT;
    case 'producer':
      return SpanKind.PRODUCER;
    case 'consumer':
      return SpanKind.CONSUMER;
    case '':
    case 'unspecified':
      return SpanKind.UNSPECIFIED;
    default:
      return undefined;
  }
}

export function durationNanos(span: Span): bigint {
  return span.endTimeUnixNano - span.startTimeUnixNano;
}
