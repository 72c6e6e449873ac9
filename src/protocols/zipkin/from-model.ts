import { attributeToJson, attributeToString, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import { UNKNOWN_SERVICE } from '../../model/builders.ts';
import { SpanKind, StatusCode, type Span } from '../../model/span.ts';
import { NANOS_PER_MICRO } from '../../model/time.ts';
import { ATTR, ATTR_ALIASES, FLAG_DEBUG, TAG } from './conventions.ts';
import type { ZipkinKind } from './zipkin-span.ts';

/** A Zipkin v2 JSON span, ready for JSON.stringify. */
export interface ZipkinJsonSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: ZipkinKind;
  timestamp: number;
  duration: number;
  localEndpoint: ZipkinJsonEndpoint;
  remoteEndpoint?: ZipkinJsonEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags: Record<string, string>;
  debug?: true;
}

export interface ZipkinJsonEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

const KINDS: Partial<Record<SpanKind, ZipkinKind>> = {
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/**
 * The model -> Zipkin v2 JSON, as OpenTelemetry's Zipkin exporters do it:
 * times cut to microseconds; INTERNAL and UNSPECIFIED have no kind; every
 * attribute (span, then resource except service.name, then scope) becomes a
 * string tag; the endpoint attributes to-model.ts produces (or their newer
 * semconv names) become localEndpoint/remoteEndpoint again; status -> otel.status_code and,
 * for errors, `error` (the description, unless the span already has an
 * `error` attribute); events -> annotations, their attributes packed as
 * `name|{json}|dropped` like the collector. Links are not carried.
 */
export function modelToZipkin(spans: readonly Span[]): ZipkinJsonSpan[] {
  return spans.map(toZipkinSpan);
}

function toZipkinSpan(s: Span): ZipkinJsonSpan {
  const attrs = new Map<string, AttributeValue>();
  for (const a of s.attributes) if (!attrs.has(a.key)) attrs.set(a.key, a.value);
  const take = (key: string, aliases: readonly string[] = []): AttributeValue | undefined => {
    for (const k of [key, ...aliases]) {
      const v = attrs.get(k);
      if (v !== undefined) {
        attrs.delete(k);
        return v;
      }
    }
    return undefined;
  };
  const localEndpoint: ZipkinJsonEndpoint = {};
  if (s.resource.serviceName !== UNKNOWN_SERVICE) localEndpoint.serviceName = s.resource.serviceName;
  setAddress(localEndpoint, take(ATTR.hostIp, ATTR_ALIASES.hostIp), take(ATTR.hostPort, ATTR_ALIASES.hostPort));
  const remote: ZipkinJsonEndpoint = {};
  const peer = take(ATTR.peerService);
  if (peer !== undefined) remote.serviceName = attributeToString(peer);
  setAddress(remote, take(ATTR.peerIp, ATTR_ALIASES.peerIp), take(ATTR.peerPort, ATTR_ALIASES.peerPort));

  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of attrs) tags[k] = attributeToString(v);
  putAll(tags, s.resource.attributes);
  if (s.scope.name !== '') tags[TAG.scopeName] ??= s.scope.name;
  if (s.scope.version !== '') tags[TAG.scopeVersion] ??= s.scope.version;
  if (s.traceState !== '') tags[TAG.traceState] ??= s.traceState;
  if (s.status.code !== StatusCode.UNSET) tags[TAG.statusCode] = s.status.code === StatusCode.ERROR ? 'ERROR' : 'OK';
  if (s.status.code === StatusCode.ERROR) {
    tags[TAG.error] ??= s.status.message;
    if (s.status.message !== '') tags[TAG.statusDescription] = s.status.message;
  }

  const out: ZipkinJsonSpan = {
    traceId: s.traceId,
    id: s.spanId,
    name: s.name,
    timestamp: Number(s.startTimeUnixNano / NANOS_PER_MICRO),
    duration: durationMicros(s),
    localEndpoint,
    tags: { ...tags },
  };
  if (s.parentSpanId !== '') out.parentId = s.parentSpanId;
  const kind = KINDS[s.kind];
  if (kind) out.kind = kind;
  if (Object.keys(remote).length > 0) out.remoteEndpoint = remote;
  if (s.events.length > 0) {
    out.annotations = s.events.map((e) => ({ timestamp: Number(e.timeUnixNano / NANOS_PER_MICRO), value: annotationValue(e.name, e.attributes, e.droppedAttributesCount) }));
  }
  if ((s.flags & FLAG_DEBUG) !== 0) out.debug = true;
  return out;
}

/** Zipkin rounds a sub-microsecond duration up to 1, since 0 means "unknown". */
function durationMicros(s: Span): number {
  const ns = s.endTimeUnixNano - s.startTimeUnixNano;
  if (ns <= 0n) return 0;
  const us = Number(ns / NANOS_PER_MICRO);
  return us === 0 ? 1 : us;
}

function setAddress(e: ZipkinJsonEndpoint, ip: AttributeValue | undefined, port: AttributeValue | undefined): void {
  if (ip !== undefined) {
    const text = attributeToString(ip);
    if (text.includes(':')) e.ipv6 = text;
    else e.ipv4 = text;
  }
  if (port !== undefined) {
    const n = Number(attributeToString(port));
    if (Number.isInteger(n) && n > 0 && n <= 65535) e.port = n;
  }
}

/** Resource attributes as tags; service.name is already the localEndpoint's. */
function putAll(tags: Record<string, string>, attrs: readonly Attribute[]): void {
  for (const a of attrs) if (a.key !== TAG.serviceName) tags[a.key] ??= attributeToString(a.value);
}

function annotationValue(name: string, attrs: readonly Attribute[], dropped: number): string {
  if (attrs.length === 0) return name;
  const obj: Record<string, unknown> = {};
  for (const a of attrs) obj[a.key] = attributeToJson(a.value);
  return `${name}|${JSON.stringify(obj)}|${dropped}`;
}
