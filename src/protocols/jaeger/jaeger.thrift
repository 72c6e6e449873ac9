# Jaeger's Thrift span model (namespace jaeger), written for Waymark from the
# published jaeger-idl. Waymark decodes it with hand-written readers
# (thrift-reader.ts) whose field IDs must match this file; a unit test checks
# that they do.

# Which v* field of a Tag holds the value.
enum TagType { STRING, DOUBLE, BOOL, LONG, BINARY }

struct Tag {
  1: required string  key
  2: required TagType vType
  3: optional string  vStr
  4: optional double  vDouble
  5: optional bool    vBool
  6: optional i64     vLong
  7: optional binary  vBinary
}

# A timestamped set of fields (microseconds since the epoch).
struct Log {
  1: required i64       timestamp
  2: required list<Tag> fields
}

enum SpanRefType { CHILD_OF, FOLLOWS_FROM }

struct SpanRef {
  1: required SpanRefType refType
  2: required i64         traceIdLow
  3: required i64         traceIdHigh
  4: required i64         spanId
}

# IDs are signed 64-bit halves; times and durations are microseconds.
struct Span {
  1:  required i64           traceIdLow
  2:  required i64           traceIdHigh    # 0 for a 64-bit trace ID
  3:  required i64           spanId
  4:  required i64           parentSpanId   # 0 for a root span
  5:  required string        operationName
  6:  optional list<SpanRef> references
  7:  required i32           flags          # 1: sampled, 2: debug
  8:  required i64           startTime
  9:  required i64           duration
  10: optional list<Tag>     tags
  11: optional list<Log>     logs
  12: optional bool          incomplete
}

struct Process {
  1: required string    serviceName
  2: optional list<Tag> tags
}

# What a client's reporter counted as lost since it started.
struct ClientStats {
  1: required i64 fullQueueDroppedSpans
  2: required i64 tooLargeDroppedSpans
  3: required i64 failedToEmitSpans
}

# Spans of one process: the body of POST /api/traces, and emitBatch's argument.
struct Batch {
  1: required Process    process
  2: required list<Span> spans
  3: optional i64        seqNo
  4: optional ClientStats stats
}

struct BatchSubmitResponse {
  1: required bool ok
}

service Collector {
  list<BatchSubmitResponse> submitBatches(1: list<Batch> batches)
}
