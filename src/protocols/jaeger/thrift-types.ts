/**
 * Jaeger's Thrift structs (jaeger.thrift) as the reader hands them over:
 * wire values, not yet interpreted. i64 fields are bigint (exact), IDs are
 * the signed 64-bit halves the wire carries, times are microseconds.
 */

export interface ThriftTag {
  key: string;
  /** jaeger.thrift TagType: 0 STRING, 1 DOUBLE, 2 BOOL, 3 LONG, 4 BINARY. */
  vType: number;
  vStr?: string;
  vDouble?: number;
  vBool?: boolean;
  vLong?: bigint;
  vBinary?: Uint8Array;
}

export interface ThriftLog {
  timestamp: bigint;
  fields: ThriftTag[];
}

export interface ThriftSpanRef {
  /** 0 CHILD_OF, 1 FOLLOWS_FROM. */
  refType: number;
  traceIdLow: bigint;
  traceIdHigh: bigint;
  spanId: bigint;
}

export interface ThriftSpan {
  traceIdLow: bigint;
  traceIdHigh: bigint;
  spanId: bigint;
  parentSpanId: bigint;
  operationName: string;
  references: ThriftSpanRef[];
  flags: number;
  startTime: bigint;
  duration: bigint;
  tags: ThriftTag[];
  logs: ThriftLog[];
}

export interface ThriftProcess {
  serviceName: string;
  tags: ThriftTag[];
}

export interface ThriftBatch {
  process: ThriftProcess;
  spans: ThriftSpan[];
  seqNo?: bigint;
}

/** Thrift's wire type codes (TType), shared by the binary and compact protocols' APIs. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

const { BOOL, DOUBLE, I32, I64, STRING, STRUCT, LIST } = TType;

/**
 * Field IDs and wire types the reader expects, per struct, as declared in
 * jaeger.thrift (a unit test compares the two). A field whose ID or type does
 * not match is skipped, as Thrift's generated readers do.
 */
export const FIELDS = {
  Tag: { key: [1, STRING], vType: [2, I32], vStr: [3, STRING], vDouble: [4, DOUBLE], vBool: [5, BOOL], vLong: [6, I64], vBinary: [7, STRING] },
  Log: { timestamp: [1, I64], fields: [2, LIST] },
  SpanRef: { refType: [1, I32], traceIdLow: [2, I64], traceIdHigh: [3, I64], spanId: [4, I64] },
  Span: {
    traceIdLow: [1, I64],
    traceIdHigh: [2, I64],
    spanId: [3, I64],
    parentSpanId: [4, I64],
    operationName: [5, STRING],
    references: [6, LIST],
    flags: [7, I32],
    startTime: [8, I64],
    duration: [9, I64],
    tags: [10, LIST],
    logs: [11, LIST],
  },
  Process: { serviceName: [1, STRING], tags: [2, LIST] },
  Batch: { process: [1, STRUCT], spans: [2, LIST], seqNo: [3, I64] },
} as const satisfies Record<string, Record<string, readonly [number, number]>>;
