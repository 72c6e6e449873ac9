# Zipkin v1 Thrift model, as old clients POST it to /api/v1/spans with
# Content-Type application/x-thrift: a list<Span> in TBinaryProtocol.
# Written for Waymark from the published zipkin-api zipkinCore.thrift; field
# IDs and types follow it exactly, comments are our own. Waymark does not
# generate code from this file: v1-thrift-decoder.ts reads these field IDs
# directly, and this file documents them.

namespace java zipkin.thrift

# Core annotation values (Annotation.value) that v1 -> v2 conversion reads.
const string CLIENT_SEND = "cs"
const string CLIENT_RECV = "cr"
const string SERVER_SEND = "ss"
const string SERVER_RECV = "sr"
const string MESSAGE_SEND = "ms"
const string MESSAGE_RECV = "mr"
const string WIRE_SEND = "ws"
const string WIRE_RECV = "wr"

# BinaryAnnotation keys with a special meaning.
const string LOCAL_COMPONENT = "lc"
const string CLIENT_ADDR = "ca"
const string SERVER_ADDR = "sa"
const string MESSAGE_ADDR = "ma"

struct Endpoint {
  # IPv4 address packed big endian into a signed i32.
  1: i32 ipv4
  # Port, to be read as unsigned 16 bits (negative on the wire above 32767).
  2: i16 port
  3: string service_name
  # 16 bytes; absent when unknown.
  4: optional binary ipv6
}

struct Annotation {
  # Epoch microseconds.
  1: i64 timestamp
  2: string value
  3: optional Endpoint host
  # 4 was a duration, retired.
}

enum AnnotationType { BOOL, BYTES, I16, I32, I64, DOUBLE, STRING }

struct BinaryAnnotation {
  1: string key
  # The value, itself encoded big endian per annotation_type; STRING is UTF-8.
  2: binary value
  3: AnnotationType annotation_type
  4: optional Endpoint host
}

struct Span {
  # Low 64 bits of the trace ID.
  1: i64 trace_id
  # 2 is unused.
  3: string name
  4: i64 id
  5: optional i64 parent_id
  6: list<Annotation> annotations
  # 7 is unused.
  8: list<BinaryAnnotation> binary_annotations
  9: optional bool debug = 0
  # Epoch microseconds and microseconds; absent on incomplete spans.
  10: optional i64 timestamp
  11: optional i64 duration
  # High 64 bits of a 128-bit trace ID; absent or 0 for a 64-bit one.
  12: optional i64 trace_id_high
}
