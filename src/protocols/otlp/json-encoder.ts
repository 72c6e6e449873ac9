import type { Attribute, AttributeValue } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink } from '../../model/span.ts';
import { groupSpans } from './grouping.ts';

/**
 * Model -> OTLP/JSON (the OTLP spec's JSON mapping): hex IDs, lowerCamelCase
 * keys, enums as integers, int64 and fixed64 times as decimal strings (exact:
 * JSON numbers are doubles), bytes as base64. The core span fields are always
 * present; counts, flags, trace state, events and links only when set.
 */
export function spansToOtlpJson(spans: readonly Span[]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: groupSpans(spans).map((rg) => ({
      resource: resourceJson(rg.resource),
      scopeSpans: rg.scopes.map((sg) => ({
        scope: scopeJson(sg.scope),
        spans: sg.spans.map(spanJson),
      })),
    })),
  };
}

/** ExportTraceServiceResponse in JSON. */
export function exportResponseJson(rejectedSpans = 0, errorMessage = ''): Record<string, unknown> {
  if (rejectedSpans === 0 && errorMessage === '') return {};
  return { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } };
}

function resourceJson(r: Resource): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: attributesJson(r.attributes) };
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  return out;
}

function scopeJson(s: InstrumentationScope): Record<string, unknown> {
  const out: Record<string, unknown> = { name: s.name, version: s.version };
  if (s.attributes.length > 0) out.attributes = attributesJson(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  return out;
}

function spanJson(s: Span): Record<string, unknown> {
  const out: Record<string, unknown> = { traceId: s.traceId, spanId: s.spanId };
  if (s.traceState) out.traceState = s.traceState;
  if (s.parentSpanId) out.parentSpanId = s.parentSpanId;
  if (s.flags) out.flags = s.flags;
  out.name = s.name;
  out.kind = s.kind;
  out.startTimeUnixNano = s.startTimeUnixNano.toString();
  out.endTimeUnixNano = s.endTimeUnixNano.toString();
  out.attributes = attributesJson(s.attributes);
  if (s.droppedAttributesCount) out.droppedAttributesCount = s.droppedAttributesCount;
  if (s.events.length > 0) out.events = s.events.map(eventJson);
  if (s.droppedEventsCount) out.droppedEventsCount = s.droppedEventsCount;
  if (s.links.length > 0) out.links = s.links.map(linkJson);
  if (s.droppedLinksCount) out.droppedLinksCount = s.droppedLinksCount;
  out.status = s.status.message ? { message: s.status.message, code: s.status.code } : { code: s.status.code };
  return out;
}

function eventJson(e: SpanEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: attributesJson(e.attributes) };
  if (e.droppedAttributesCount) out.droppedAttributesCount = e.droppedAttributesCount;
  return out;
}

function linkJson(l: SpanLink): Record<string, unknown> {
  const out: Record<string, unknown> = { traceId: l.traceId, spanId: l.spanId };
  if (l.traceState) out.traceState = l.traceState;
  out.attributes = attributesJson(l.attributes);
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  if (l.flags) out.flags = l.flags;
  return out;
}

export function attributesJson(attrs: readonly Attribute[]): unknown[] {
  return attrs.map((a) => ({ key: a.key, value: anyValueJson(a.value) }));
}

export function anyValueJson(v: AttributeValue): Record<string, unknown> {
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'bigint':
      return { intValue: v.toString() };
    case 'number':
      // proto3 JSON spells the non-finite doubles as strings.
      return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValueJson) } };
  return { kvlistValue: { values: attributesJson(v.kvlist) } };
}
