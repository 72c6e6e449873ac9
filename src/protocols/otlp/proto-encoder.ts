import protobuf from 'protobufjs';
import type { Attribute, AttributeValue } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink } from '../../model/span.ts';
import { groupSpans } from './grouping.ts';

type Writer = protobuf.Writer;

/**
 * Model -> OTLP protobuf, written field by field with protobufjs's Writer
 * (no intermediate message objects). The bytes are a TracesData, which is
 * also a valid ExportTraceServiceRequest (same field 1). Fields at their
 * default value are left out, as protobuf encoders do.
 */
export function encodeTracesData(spans: readonly Span[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const rg of groupSpans(spans)) {
    w.uint32((1 << 3) | 2).fork();
    w.uint32((1 << 3) | 2).fork();
    writeResource(w, rg.resource);
    w.ldelim();
    for (const sg of rg.scopes) {
      w.uint32((2 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).fork();
      writeScope(w, sg.scope);
      w.ldelim();
      for (const s of sg.spans) {
        w.uint32((2 << 3) | 2).fork();
        writeSpan(w, s);
        w.ldelim();
      }
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

/** ExportTraceServiceResponse; partial_success only when something was rejected. */
export function encodeExportResponse(rejectedSpans = 0, errorMessage = ''): Uint8Array {
  const w = protobuf.Writer.create();
  if (rejectedSpans > 0 || errorMessage !== '') {
    w.uint32((1 << 3) | 2).fork();
    if (rejectedSpans > 0) w.uint32(1 << 3).int64(rejectedSpans);
    if (errorMessage !== '') w.uint32((2 << 3) | 2).string(errorMessage);
    w.ldelim();
  }
  return w.finish();
}

/** google.rpc.Status, the body of an OTLP/HTTP error response. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const w = protobuf.Writer.create();
  if (code !== 0) w.uint32(1 << 3).int32(code);
  if (message !== '') w.uint32((2 << 3) | 2).string(message);
  return w.finish();
}

function writeResource(w: Writer, r: Resource): void {
  writeAttributes(w, 1, r.attributes);
  if (r.droppedAttributesCount) w.uint32(2 << 3).uint32(r.droppedAttributesCount);
}

function writeScope(w: Writer, s: InstrumentationScope): void {
  if (s.name) w.uint32((1 << 3) | 2).string(s.name);
  if (s.version) w.uint32((2 << 3) | 2).string(s.version);
  writeAttributes(w, 3, s.attributes);
  if (s.droppedAttributesCount) w.uint32(4 << 3).uint32(s.droppedAttributesCount);
}

function writeSpan(w: Writer, s: Span): void {
  w.uint32((1 << 3) | 2).bytes(hexBytes(s.traceId));
  w.uint32((2 << 3) | 2).bytes(hexBytes(s.spanId));
  if (s.traceState) w.uint32((3 << 3) | 2).string(s.traceState);
  if (s.parentSpanId) w.uint32((4 << 3) | 2).bytes(hexBytes(s.parentSpanId));
  if (s.name) w.uint32((5 << 3) | 2).string(s.name);
  if (s.kind) w.uint32(6 << 3).uint32(s.kind);
  writeFixed64(w, 7, s.startTimeUnixNano);
  writeFixed64(w, 8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes);
  if (s.droppedAttributesCount) w.uint32(10 << 3).uint32(s.droppedAttributesCount);
  for (const e of s.events) {
    w.uint32((11 << 3) | 2).fork();
    writeEvent(w, e);
    w.ldelim();
  }
  if (s.droppedEventsCount) w.uint32(12 << 3).uint32(s.droppedEventsCount);
  for (const l of s.links) {
    w.uint32((13 << 3) | 2).fork();
    writeLink(w, l);
    w.ldelim();
  }
  if (s.droppedLinksCount) w.uint32(14 << 3).uint32(s.droppedLinksCount);
  if (s.status.code || s.status.message) {
    w.uint32((15 << 3) | 2).fork();
    if (s.status.message) w.uint32((2 << 3) | 2).string(s.status.message);
    if (s.status.code) w.uint32(3 << 3).uint32(s.status.code);
    w.ldelim();
  }
  if (s.flags) w.uint32((16 << 3) | 5).fixed32(s.flags);
}

function writeEvent(w: Writer, e: SpanEvent): void {
  writeFixed64(w, 1, e.timeUnixNano);
  if (e.name) w.uint32((2 << 3) | 2).string(e.name);
  writeAttributes(w, 3, e.attributes);
  if (e.droppedAttributesCount) w.uint32(4 << 3).uint32(e.droppedAttributesCount);
}

function writeLink(w: Writer, l: SpanLink): void {
  w.uint32((1 << 3) | 2).bytes(hexBytes(l.traceId));
  w.uint32((2 << 3) | 2).bytes(hexBytes(l.spanId));
  if (l.traceState) w.uint32((3 << 3) | 2).string(l.traceState);
  writeAttributes(w, 4, l.attributes);
  if (l.droppedAttributesCount) w.uint32(5 << 3).uint32(l.droppedAttributesCount);
  if (l.flags) w.uint32((6 << 3) | 5).fixed32(l.flags);
}

/** fixed64 as two little-endian 32-bit halves: exact for any bigint nanosecond time. */
function writeFixed64(w: Writer, field: number, v: bigint): void {
  if (v === 0n) return;
  const u = BigInt.asUintN(64, v);
  w.uint32((field << 3) | 1)
    .fixed32(Number(u & 0xffffffffn))
    .fixed32(Number(u >> 32n));
}

function writeAttributes(w: Writer, field: number, attrs: readonly Attribute[]): void {
  for (const a of attrs) {
    w.uint32((field << 3) | 2).fork();
    writeKeyValue(w, a);
    w.ldelim();
  }
}

function writeKeyValue(w: Writer, a: Attribute): void {
  if (a.key) w.uint32((1 << 3) | 2).string(a.key);
  w.uint32((2 << 3) | 2).fork();
  writeAnyValue(w, a.value);
  w.ldelim();
}

function writeAnyValue(w: Writer, v: AttributeValue): void {
  switch (typeof v) {
    case 'string':
      w.uint32((1 << 3) | 2).string(v);
      return;
    case 'boolean':
      w.uint32(2 << 3).bool(v);
      return;
    case 'bigint': {
      const u = BigInt.asUintN(64, v);
      // protobufjs takes any { low, high } as a 64-bit value: exact, unlike a number.
      const bits = { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false };
      w.uint32(3 << 3).int64(bits as unknown as number);
      return;
    }
    case 'number':
      w.uint32((4 << 3) | 1).double(v);
      return;
  }
  if (v instanceof Uint8Array) {
    w.uint32((7 << 3) | 2).bytes(v);
  } else if (Array.isArray(v)) {
    w.uint32((5 << 3) | 2).fork();
    for (const x of v) {
      w.uint32((1 << 3) | 2).fork();
      writeAnyValue(w, x);
      w.ldelim();
    }
    w.ldelim();
  } else {
    w.uint32((6 << 3) | 2).fork();
    writeAttributes(w, 1, v.kvlist);
    w.ldelim();
  }
}

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}
