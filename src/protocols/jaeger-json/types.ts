/**
 * Jaeger's JSON trace model (jaeger/model/json), as the query API, the UI's
 * "download trace" and `POST /api/transform` carry it.
 */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  /** Omitted when 0, as Go's `omitempty` does. */
  flags?: number;
  operationName: string;
  references: JaegerReference[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  /** Only in input: some tools embed the process instead of referring to it. */
  process?: JaegerProcess;
  warnings: string[] | null;
}

export type JaegerRefType = 'CHILD_OF' | 'FOLLOWS_FROM';

export interface JaegerReference {
  refType: JaegerRefType;
  traceID: string;
  spanID: string;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerLog {
  timestamp: number;
  fields: JaegerKeyValue[];
}

export type JaegerValueType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

export interface JaegerKeyValue {
  key: string;
  type: JaegerValueType;
  /** int64 beyond +-(2^53-1) is a decimal string; binary is base64. */
  value: string | number | boolean;
}

/** The JSON model carries OTLP fields in the same tags as the Thrift and protobuf ones. */
export { REF_TYPE_ATTRIBUTE, REF_TYPE_CHILD_OF, REF_TYPE_FOLLOWS_FROM, TAG } from '../jaeger/jaeger-span.ts';
