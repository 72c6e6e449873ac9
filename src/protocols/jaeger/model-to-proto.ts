import { attributeToString, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import { hexToBytes } from '../../model/ids.ts';
import { SPAN_KIND_NAMES, SpanKind, StatusCode, type Resource, type Span } from '../../model/span.ts';
import { jaegerFlags, REF_CHILD_OF, REF_FOLLOWS_FROM, REF_TYPE_ATTRIBUTE, REF_TYPE_CHILD_OF, TAG } from './jaeger-span.ts';
import { SpanRefType, ValueType, nanosToTimestamp, type ProtoKeyValue, type ProtoProcess, type ProtoSpan, type ProtoSpanRef } from './proto.ts';

/**
 * Model spans as jaeger.api_v2 Span objects, ready for
 * `JaegerProto.Span.encode` (or inside a SpansResponseChunk). The reverse of
 * proto-to-model: kind, status, scope and trace state become the tags the
 * OpenTelemetry Collector's translator writes; events become logs with an
 * `event` field; the parent becomes the first CHILD_OF reference and links
 * the other references. Each span carries its process (spans of one
 * resource share one Process object).
 */
export function spansToJaegerProto(spans: readonly Span[]): ProtoSpan[] {
  const processes = new Map<Resource, ProtoProcess>();
  return spans.map((s) => {
    let process = processes.get(s.resource);
    if (!process) {
      process = resourceToProcess(s.resource);
      processes.set(s.resource, process);
    }
    return spanToJaegerProto(s, process);
  });
}

export function resourceToProcess(r: Resource): ProtoProcess {
  const tags: ProtoKeyValue[] = [];
  for (const a of r.attributes) if (a.key !== 'service.name') tags.push(toKeyValue(a.key, a.value));
  return { serviceName: r.serviceName, tags };
}

function spanToJaegerProto(s: Span, process: ProtoProcess): ProtoSpan {
  const traceId = hexToBytes(s.traceId);
  const references: ProtoSpanRef[] = [];
  if (s.parentSpanId !== '') references.push({ traceId, spanId: hexToBytes(s.parentSpanId), refType: SpanRefType.CHILD_OF });
  for (const l of s.links) {
    const isChildOf = l.attributes.some((a) => a.key === REF_TYPE_ATTRIBUTE && a.value === REF_TYPE_CHILD_OF);
    references.push({ traceId: hexToBytes(l.traceId), spanId: hexToBytes(l.spanId), refType: isChildOf ? REF_CHILD_OF : REF_FOLLOWS_FROM });
  }
  return {
    traceId,
    spanId: hexToBytes(s.spanId),
    operationName: s.name,
    references,
    flags: jaegerFlags(s.flags),
    startTime: nanosToTimestamp(s.startTimeUnixNano),
    duration: nanosToTimestamp(s.endTimeUnixNano - s.startTimeUnixNano),
    tags: spanTags(s),
    logs: s.events.map((e) => {
      const fields: ProtoKeyValue[] = e.name === '' ? [] : [toKeyValue(TAG.event, e.name)];
      for (const a of e.attributes) fields.push(toKeyValue(a.key, a.value));
      return { timestamp: nanosToTimestamp(e.timeUnixNano), fields };
    }),
    process,
    processId: '',
    warnings: [],
  };
}

function spanTags(s: Span): ProtoKeyValue[] {
  const tags = s.attributes.map((a: Attribute) => toKeyValue(a.key, a.value));
  if (s.kind !== SpanKind.UNSPECIFIED) tags.push(toKeyValue(TAG.spanKind, SPAN_KIND_NAMES[s.kind]));
  if (s.status.code === StatusCode.ERROR) {
    tags.push(toKeyValue(TAG.error, true), toKeyValue(TAG.statusCode, 'ERROR'));
  } else if (s.status.code === StatusCode.OK) {
    tags.push(toKeyValue(TAG.statusCode, 'OK'));
  }
  if (s.status.code !== StatusCode.UNSET && s.status.message !== '') tags.push(toKeyValue(TAG.statusDescription, s.status.message));
  if (s.scope.name !== '') tags.push(toKeyValue(TAG.scopeName, s.scope.name));
  if (s.scope.version !== '') tags.push(toKeyValue(TAG.scopeVersion, s.scope.version));
  if (s.traceState !== '') tags.push(toKeyValue(TAG.traceState, s.traceState));
  return tags;
}

/** Typed exactly; arrays and key/value lists (which Jaeger cannot type) become their JSON text. */
export function toKeyValue(key: string, v: AttributeValue): ProtoKeyValue {
  switch (typeof v) {
    case 'string':
      return { key, vType: ValueType.STRING, vStr: v };
    case 'boolean':
      return { key, vType: ValueType.BOOL, vBool: v };
    case 'number':
      return { key, vType: ValueType.FLOAT64, vFloat64: v };
    case 'bigint':
      return { key, vType: ValueType.INT64, vInt64: v.toString() };
    default:
      if (v instanceof Uint8Array) return { key, vType: ValueType.BINARY, vBinary: v };
      return { key, vType: ValueType.STRING, vStr: attributeToString(v) };
  }
}
