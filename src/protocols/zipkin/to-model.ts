import { PermanentError } from '../../component/errors.ts';
import { isKeyValueList, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import { EMPTY_SCOPE, makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode, spanKindFromName, type InstrumentationScope, type Resource, type Span, type SpanEvent, type SpanStatus } from '../../model/span.ts';
import { microsToNanos } from '../../model/time.ts';
import { ATTR, FLAG_DEBUG, FLAG_SAMPLED, TAG, isResourceTag } from './conventions.ts';
import { spanLabel, type ZipkinAnnotation, type ZipkinKind, type ZipkinSpan } from './zipkin-span.ts';

/**
 * Zipkin v2 semantics -> the internal model, like the OpenTelemetry
 * Collector's zipkin receiver:
 * - localEndpoint.serviceName -> resource `service.name`; tags that name
 *   resource attributes (service.*, telemetry.*, host.*, k8s.*, ...) move to
 *   the resource. Spans with the same resource share one Resource object.
 * - localEndpoint ip/port -> net.host.ip/net.host.port; remoteEndpoint ->
 *   peer.service, net.peer.ip, net.peer.port (a tag of the same name wins).
 * - tags -> string attributes, unchanged (Envoy sends every value as a string).
 * - `error` tag -> status ERROR (its value the message unless "true"); the tag is
 *   kept so `error=true` searches work. otel.status_code/description -> status.
 * - annotations -> events; kind missing -> UNSPECIFIED (or the span.kind tag).
 * - debug -> flags bit 0x02; every reported span is sampled (0x01).
 * - shared is not kept: the query-side adjuster recognises a shared span as a
 *   SERVER span with the ID of a CLIENT span in the same trace.
 * A span without timestamp takes its time from its annotations; with none, the batch is refused.
 */
export function zipkinToModel(spans: readonly ZipkinSpan[]): Span[] {
  const resources = new Map<string, Resource>();
  const scopes = new Map<string, InstrumentationScope>();
  return spans.map((z) => convertSpan(z, resources, scopes));
}

function convertSpan(z: ZipkinSpan, resources: Map<string, Resource>, scopes: Map<string, InstrumentationScope>): Span {
  const tags = new Map<string, string>(z.tags);
  const resource = takeResource(z, tags, resources);
  const scope = takeScope(tags, resource, scopes);
  const kind = takeKind(z.kind, tags);
  const status = takeStatus(tags);
  const traceState = tags.get(TAG.traceState) ?? '';
  tags.delete(TAG.traceState);
  const [start, end] = times(z);
  return makeSpan({
    traceId: z.traceId,
    spanId: z.id,
    // A span cannot be its own parent; some v1 reporters wrote it that way for roots.
    parentSpanId: z.parentId === z.id ? '' : z.parentId,
    traceState,
    name: z.name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: spanAttributes(z, tags),
    events: z.annotations.map(toEvent),
    status,
    flags: FLAG_SAMPLED | (z.debug ? FLAG_DEBUG : 0),
    resource,
    scope,
  });
}

function takeResource(z: ZipkinSpan, tags: Map<string, string>, cache: Map<string, Resource>): Resource {
  const fromTags: [string, string][] = [];
  for (const [k, v] of tags) if (isResourceTag(k)) fromTags.push([k, v]);
  for (const [k] of fromTags) tags.delete(k);
  const tagService = fromTags.find(([k]) => k === TAG.serviceName)?.[1];
  const serviceName = z.localEndpoint?.serviceName ?? tagService ?? '';
  const rest = fromTags.filter(([k]) => k !== TAG.serviceName);
  const key = JSON.stringify([serviceName, rest]);
  let r = cache.get(key);
  if (!r) {
    const attrs: Attribute[] = serviceName === '' ? [] : [{ key: TAG.serviceName, value: serviceName }];
    for (const [k, v] of rest) attrs.push({ key: k, value: v });
    r = makeResource(attrs);
    cache.set(key, r);
  }
  return r;
}

function takeScope(tags: Map<string, string>, resource: Resource, cache: Map<string, InstrumentationScope>): InstrumentationScope {
  const name = tags.get(TAG.scopeName) ?? tags.get(TAG.libraryName);
  const version = tags.get(TAG.scopeVersion) ?? tags.get(TAG.libraryVersion);
  for (const k of [TAG.scopeName, TAG.libraryName, TAG.scopeVersion, TAG.libraryVersion]) tags.delete(k);
  if (name === undefined && version === undefined) return EMPTY_SCOPE;
  // Scopes are shared per resource, like the resource itself.
  const key = JSON.stringify([resource.serviceName, name ?? '', version ?? '']);
  let s = cache.get(key);
  if (!s) {
    s = { name: name ?? '', version: version ?? '', attributes: [], droppedAttributesCount: 0 };
    cache.set(key, s);
  }
  return s;
}

const KINDS: Record<ZipkinKind, SpanKind> = {
  CLIENT: SpanKind.CLIENT,
  SERVER: SpanKind.SERVER,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

function takeKind(kind: ZipkinKind | undefined, tags: Map<string, string>): SpanKind {
  if (kind !== undefined) return KINDS[kind];
  // Zipkin has no INTERNAL kind; OpenTelemetry exporters may say so in a tag.
  const tagged = tags.get(TAG.spanKind);
  const fromTag = tagged === undefined ? undefined : spanKindFromName(tagged);
  if (fromTag === undefined) return SpanKind.UNSPECIFIED;
  tags.delete(TAG.spanKind);
  return fromTag;
}

function takeStatus(tags: Map<string, string>): SpanStatus {
  const status: SpanStatus = { code: StatusCode.UNSET, message: '' };
  const code = tags.get(TAG.statusCode);
  if (code !== undefined) {
    const c = code.toUpperCase().replace(/^STATUS_CODE_/, '');
    if (c === 'ERROR' || c === 'OK' || c === 'UNSET') {
      status.code = c === 'ERROR' ? StatusCode.ERROR : c === 'OK' ? StatusCode.OK : StatusCode.UNSET;
      tags.delete(TAG.statusCode);
      const description = tags.get(TAG.statusDescription);
      if (description !== undefined) {
        if (status.code === StatusCode.ERROR) status.message = description;
        tags.delete(TAG.statusDescription);
      }
    }
  }
  const error = tags.get(TAG.error);
  if (error !== undefined && error.toLowerCase() !== 'false') {
    status.code = StatusCode.ERROR;
    if (status.message === '' && error.toLowerCase() !== 'true') status.message = error;
  }
  return status;
}

function times(z: ZipkinSpan): [bigint, bigint] {
  if (z.timestamp !== undefined) {
    const start = microsToNanos(z.timestamp);
    return [start, start + microsToNanos(z.duration ?? 0)];
  }
  if (z.annotations.length === 0) {
    throw new PermanentError(`${spanLabel(z.index, z.id)}: timestamp: required (absent or 0, and no annotations to take it from)`);
  }
  let start = Infinity;
  let last = 0;
  for (const a of z.annotations) {
    start = Math.min(start, a.timestamp);
    last = Math.max(last, a.timestamp);
  }
  const end = z.duration !== undefined ? start + z.duration : last;
  return [microsToNanos(start), microsToNanos(end)];
}

function spanAttributes(z: ZipkinSpan, tags: Map<string, string>): Attribute[] {
  const attrs: Attribute[] = [];
  for (const [key, value] of tags) attrs.push({ key, value });
  const add = (key: string, value: AttributeValue | undefined) => {
    if (value !== undefined && !tags.has(key)) attrs.push({ key, value });
  };
  const local = z.localEndpoint;
  if (local) {
    add(ATTR.hostIp, local.ipv4 ?? local.ipv6);
    add(ATTR.hostPort, local.port === undefined ? undefined : BigInt(local.port));
  }
  const remote = z.remoteEndpoint;
  if (remote) {
    add(ATTR.peerService, remote.serviceName);
    add(ATTR.peerIp, remote.ipv4 ?? remote.ipv6);
    add(ATTR.peerPort, remote.port === undefined ? undefined : BigInt(remote.port));
  }
  return attrs;
}

/**
 * An annotation is an event name. The OpenTelemetry Collector's zipkin
 * exporter packs event attributes as `name|{json}|droppedCount`; that form is
 * unpacked so events round-trip through a collector.
 */
function toEvent(a: ZipkinAnnotation): SpanEvent {
  const event: SpanEvent = { timeUnixNano: microsToNanos(a.timestamp), name: a.value, attributes: [], droppedAttributesCount: 0 };
  const m = /^([^|]*)\|(\{.*\})\|(\d{1,9})$/s.exec(a.value);
  if (!m) return event;
  let parsed: unknown;
  try {
    parsed = JSON.parse(m[2]!);
  } catch {
    return event;
  }
  const attributes = packedValue(parsed);
  // Only an object whose every value has an attribute form is unpacked; anything else (null) keeps the annotation as it came.
  if (attributes === undefined || !isKeyValueList(attributes)) return event;
  event.name = m[1]!;
  event.droppedAttributesCount = Number(m[3]);
  event.attributes = attributes.kvlist;
  return event;
}

const MAX_PACKED_DEPTH = 32;

/**
 * A packed JSON value as the attribute value that packs back to it (arrays
 * and objects too), or undefined for null and for nesting deeper than any
 * client writes (the recursion must stop somewhere).
 */
function packedValue(v: unknown, depth = 0): AttributeValue | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (depth > MAX_PACKED_DEPTH) return undefined;
  if (Array.isArray(v)) {
    const values: AttributeValue[] = [];
    for (const item of v) {
      const value = packedValue(item, depth + 1);
      if (value === undefined) return undefined;
      values.push(value);
    }
    return values;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const kvlist: Attribute[] = [];
  for (const [key, item] of Object.entries(v)) {
    const value = packedValue(item, depth + 1);
    if (value === undefined) return undefined;
    kvlist.push({ key, value });
  }
  return { kvlist };
}
