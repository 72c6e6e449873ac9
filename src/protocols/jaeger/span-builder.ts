import { PermanentError } from '../../component/errors.ts';
import type { Attribute } from '../../model/attributes.ts';
import { EMPTY_SCOPE, makeResource, makeSpan } from '../../model/builders.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { SpanKind, StatusCode, spanKindFromName, type InstrumentationScope, type Resource, type Span, type SpanEvent, type SpanLink } from '../../model/span.ts';
import { REF_CHILD_OF, REF_TYPE_ATTRIBUTE, REF_TYPE_CHILD_OF, REF_TYPE_FOLLOWS_FROM, TAG, type JaegerRef, type JaegerSpanParts } from './jaeger-span.ts';

/** The model's times are fixed64 nanoseconds since 1970, as in OTLP; Jaeger's signed microseconds can say more. */
const MAX_NANOS = 2n ** 64n - 1n;

function checkTime(ns: bigint, what: string): void {
  if (ns < 0n) throw new PermanentError(`${what} ${ns}ns is before 1970`);
  if (ns > MAX_NANOS) throw new PermanentError(`${what} ${ns}ns is past what fixed64 nanoseconds hold (year 2554)`);
}

/** Process -> resource: the service name becomes `service.name`, the tags the other attributes. */
export function resourceFromProcess(serviceName: string, tags: Attribute[]): Resource {
  const attrs: Attribute[] = serviceName === '' ? [] : [{ key: 'service.name', value: serviceName }];
  for (const t of tags) if (!(t.key === 'service.name' && serviceName !== '')) attrs.push(t);
  return makeResource(attrs);
}

/**
 * Turns decoded Jaeger spans into model spans, applying the conventions of
 * the OpenTelemetry Collector's Jaeger translator. One builder per batch:
 * it shares scope objects between the batch's spans.
 */
export class SpanBuilder {
  private readonly scopes = new Map<string, InstrumentationScope>();

  build(p: JaegerSpanParts, resource: Resource): Span {
    if (p.durationNanos < 0n) throw new PermanentError(`span ${p.spanId}: negative duration ${p.durationNanos}ns`);
    checkTime(p.startTimeUnixNano, `span ${p.spanId}: start time`);
    checkTime(p.startTimeUnixNano + p.durationNanos, `span ${p.spanId}: end time`);
    p.logs.forEach((l, i) => checkTime(l.timeUnixNano, `span ${p.spanId}: log ${i} time`));
    const attributes: Attribute[] = [];
    let kind: SpanKind = SpanKind.UNSPECIFIED;
    let statusTag: string | undefined;
    let description = '';
    let errorTag: Attribute | undefined;
    let scopeName = '';
    let scopeVersion = '';
    let traceState = '';
    for (const t of p.tags) {
      const v = t.value;
      switch (t.key) {
        case TAG.spanKind: {
          const k = typeof v === 'string' ? spanKindFromName(v) : undefined;
          if (k === undefined) break;
          kind = k;
          continue;
        }
        case TAG.statusCode:
          if (typeof v === 'string' && /^(ok|error|unset)$/i.test(v)) {
            statusTag = v.toUpperCase();
            continue;
          }
          break;
        case TAG.statusDescription:
          if (typeof v === 'string') {
            description = v;
            continue;
          }
          break;
        case TAG.error:
          if (v === true || v === 'true') {
            errorTag = t;
            continue;
          }
          break;
        case TAG.scopeName:
        case TAG.libraryName:
          if (typeof v === 'string') {
            scopeName = v;
            continue;
          }
          break;
        case TAG.scopeVersion:
        case TAG.libraryVersion:
          if (typeof v === 'string') {
            scopeVersion = v;
            continue;
          }
          break;
        case TAG.traceState:
          if (typeof v === 'string') {
            traceState = v;
            continue;
          }
          break;
      }
      attributes.push(t);
    }
    // otel.status_code wins; error=true alone means ERROR. An error tag that
    // contradicts an explicit OK stays an attribute so nothing is lost.
    let code: StatusCode = StatusCode.UNSET;
    if (statusTag === 'ERROR' || (statusTag === undefined && errorTag)) code = StatusCode.ERROR;
    else if (statusTag === 'OK') code = StatusCode.OK;
    if (errorTag && code !== StatusCode.ERROR) attributes.push(errorTag);

    const [parentSpanId, links] = parentAndLinks(p);
    return makeSpan({
      traceId: p.traceId,
      spanId: p.spanId,
      parentSpanId,
      traceState,
      name: p.name,
      kind,
      startTimeUnixNano: p.startTimeUnixNano,
      endTimeUnixNano: p.startTimeUnixNano + p.durationNanos,
      attributes,
      events: p.logs.map(logToEvent),
      links,
      status: { code, message: code === StatusCode.UNSET ? '' : description },
      flags: p.flags & 0xff,
      resource,
      scope: this.scope(scopeName, scopeVersion),
    });
  }

  private scope(name: string, version: string): InstrumentationScope {
    if (name === '' && version === '') return EMPTY_SCOPE;
    const key = `${name}\u0000${version}`;
    let s = this.scopes.get(key);
    if (!s) {
      s = { name, version, attributes: [], droppedAttributesCount: 0 };
      this.scopes.set(key, s);
    }
    return s;
  }
}

/**
 * The parent is Thrift's parentSpanId field, else the first CHILD_OF
 * reference within the same trace. Every other reference becomes a link
 * that remembers its reference type.
 */
function parentAndLinks(p: JaegerSpanParts): [string, SpanLink[]] {
  let parent = p.parentSpanId;
  let parentRef: JaegerRef | undefined;
  for (const r of p.references) {
    if (r.refType !== REF_CHILD_OF || r.traceId !== p.traceId) continue;
    if (parent === '' || r.spanId === parent) {
      parent = r.spanId;
      parentRef = r;
      break;
    }
  }
  const links: SpanLink[] = [];
  for (const r of p.references) {
    if (r === parentRef) continue;
    links.push({
      traceId: r.traceId,
      spanId: r.spanId,
      traceState: '',
      attributes: [{ key: REF_TYPE_ATTRIBUTE, value: r.refType === REF_CHILD_OF ? REF_TYPE_CHILD_OF : REF_TYPE_FOLLOWS_FROM }],
      droppedAttributesCount: 0,
      flags: 0,
    });
  }
  return [parent, links];
}

function logToEvent(l: { timeUnixNano: bigint; fields: Attribute[] }): SpanEvent {
  let name = '';
  const attributes: Attribute[] = [];
  for (const f of l.fields) {
    if (name === '' && f.key === TAG.event && typeof f.value === 'string') name = f.value;
    else attributes.push(f);
  }
  return { timeUnixNano: l.timeUnixNano, name, attributes, droppedAttributesCount: 0 };
}

/** Runs an ID conversion, naming the span in the error when the ID is invalid. */
export function withContext<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof InvalidIdError) throw new InvalidIdError(`${where}: ${err.message}`);
    throw err;
  }
}
