import type { Attribute, AttributeValue } from '../../model/attributes.ts';
import { EMPTY_SCOPE, makeResource } from '../../model/builders.ts';
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink, SpanStatus } from '../../model/span.ts';
import {
  knownKind,
  knownStatus,
  MAX_VALUE_DEPTH,
  newResult,
  normalizeParent,
  parentIdProblem,
  reject,
  spanIdProblem,
  traceIdProblem,
  NO_EVENTS,
  NO_LINKS,
  UNSET_STATUS,
  type DecodeOptions,
  type DecodeResult,
} from './decode-result.ts';
import { WireReader } from './wire-reader.ts';

/**
 * ExportTraceServiceRequest (or TracesData: same wire shape) -> model spans.
 *
 * Hand-written for the OTLP schema rather than protobufjs reflection plus a
 * conversion pass: it builds model objects straight from the wire, with no
 * intermediate message objects, Longs or base64. Measured with
 * bench/ingest.ts it is several times faster than the reflection path
 * (reflect-decoder.ts), which stays as the reference the tests compare with.
 *
 * Malformed protobuf throws PermanentError; spans with invalid IDs are left
 * out and counted in `rejected`, the rest kept.
 */
export function decodeExportRequest(buf: Uint8Array, options: DecodeOptions = {}): DecodeResult {
  const r = new WireReader(buf);
  const out = newResult();
  r.maxValueLength = options.maxAttributeValueLength ?? 0;
  const end = buf.length;
  let rs = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) {
      const e = r.lengthEnd(end);
      resourceSpans(r, e, out, rs++);
    } else skipOrFail(r, tag, end, 1);
  }
  out.truncated = r.truncated;
  return out;
}

// Tags are (field << 3) | wire type; matching the whole tag checks the wire type for free.
const T_LEN_1 = (1 << 3) | 2;
const T_LEN_2 = (2 << 3) | 2;
const T_LEN_3 = (3 << 3) | 2;
const T_LEN_4 = (4 << 3) | 2;
const T_LEN_5 = (5 << 3) | 2;
const T_LEN_6 = (6 << 3) | 2;
const T_LEN_7 = (7 << 3) | 2;

/** An unexpected tag: a known field with the wrong wire type is malformed, an unknown field is skipped. */
function skipOrFail(r: WireReader, tag: number, end: number, knownFields: number, field?: number): void {
  const f = tag >>> 3;
  if (f === 0) r.fail('field number 0');
  if (f <= knownFields && f !== field) r.fail(`field ${f} has wire type ${tag & 7}`);
  r.skip(tag & 7, end);
}

function finish(r: WireReader, end: number): void {
  if (r.pos !== end) r.fail(`field overruns its message by ${r.pos - end} bytes`);
}

function resourceSpans(r: WireReader, end: number, out: DecodeResult, rsIndex: number): void {
  let resource: Resource | undefined;
  // The resource may follow its spans on the wire; remember where the scopes are and decode them once it is known.
  const scopes: number[] = [];
  while (r.pos < end) {
    r.rs = rsIndex;
    const tag = r.uint32();
    if (tag === T_LEN_1) {
      const e = r.lengthEnd(end);
      r.part = 'resource';
      resource = decodeResource(r, e);
      r.part = '';
    } else if (tag === T_LEN_2) {
      const e = r.lengthEnd(end);
      scopes.push(r.pos, e);
      r.pos = e;
    } else if (tag === T_LEN_3) {
      r.string(end); // schema_url: not kept by the model
    } else skipOrFail(r, tag, end, 3);
  }
  finish(r, end);
  resource ??= makeResource([], 0);
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i]!;
    r.rs = rsIndex;
    r.ss = i / 2;
    scopeSpans(r, scopes[i + 1]!, resource, out);
  }
  r.rs = r.ss = -1;
  r.pos = end;
}

function decodeResource(r: WireReader, end: number): Resource {
  const attributes: Attribute[] = [];
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) attributes.push(keyValue(r, r.lengthEnd(end)));
    else if (tag === 2 << 3) dropped = r.uint32();
    else skipOrFail(r, tag, end, 3, 3); // entity_refs (development stage): skipped
  }
  finish(r, end);
  return makeResource(attributes, dropped);
}

function scopeSpans(r: WireReader, end: number, resource: Resource, out: DecodeResult): void {
  let scope: InstrumentationScope = EMPTY_SCOPE;
  const spans: number[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) {
      const e = r.lengthEnd(end);
      r.part = 'scope';
      scope = decodeScope(r, e);
      r.part = '';
    } else if (tag === T_LEN_2) {
      const e = r.lengthEnd(end);
      spans.push(r.pos, e);
      r.pos = e;
    } else if (tag === T_LEN_3) {
      r.string(end); // schema_url: not kept
    } else skipOrFail(r, tag, end, 3);
  }
  finish(r, end);
  for (let i = 0; i < spans.length; i += 2) {
    r.pos = spans[i]!;
    r.sp = i / 2;
    const s = span(r, spans[i + 1]!, resource, scope);
    if (typeof s === 'string') reject(out, `${r.where()}: ${s}`);
    else out.spans.push(s);
  }
  r.sp = -1;
  r.pos = end;
}

function decodeScope(r: WireReader, end: number): InstrumentationScope {
  let name = '';
  let version = '';
  const attributes: Attribute[] = [];
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) name = r.string(end);
    else if (tag === T_LEN_2) version = r.string(end);
    else if (tag === T_LEN_3) attributes.push(keyValue(r, r.lengthEnd(end)));
    else if (tag === 4 << 3) dropped = r.uint32();
    else skipOrFail(r, tag, end, 4);
  }
  finish(r, end);
  return { name, version, attributes, droppedAttributesCount: dropped };
}

/** Returns the span, or the reason it is rejected. */
function span(r: WireReader, end: number, resource: Resource, scope: InstrumentationScope): Span | string {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let traceState = '';
  let name = '';
  let kind = 0;
  let start = 0n;
  let stop = 0n;
  const attributes: Attribute[] = [];
  let droppedAttributesCount = 0;
  let events: SpanEvent[] = NO_EVENTS;
  let droppedEventsCount = 0;
  let links: SpanLink[] = NO_LINKS;
  let droppedLinksCount = 0;
  let status: SpanStatus | undefined;
  let flags = 0;
  let linkProblem: string | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case T_LEN_1:
        traceId = r.traceIdHex(end);
        break;
      case T_LEN_2:
        spanId = r.hex(end);
        break;
      case T_LEN_3:
        traceState = r.string(end);
        break;
      case T_LEN_4:
        parentSpanId = r.hex(end);
        break;
      case T_LEN_5:
        name = r.string(end);
        break;
      case 6 << 3:
        kind = r.uint32();
        break;
      case (7 << 3) | 1:
        start = r.fixed64();
        break;
      case (8 << 3) | 1:
        stop = r.fixed64();
        break;
      case (9 << 3) | 2:
        attributes.push(keyValue(r, r.lengthEnd(end)));
        break;
      case 10 << 3:
        droppedAttributesCount = r.uint32();
        break;
      case (11 << 3) | 2:
        if (events === NO_EVENTS) events = [];
        events.push(event(r, r.lengthEnd(end)));
        break;
      case 12 << 3:
        droppedEventsCount = r.uint32();
        break;
      case (13 << 3) | 2: {
        const l = link(r, r.lengthEnd(end));
        if (typeof l === 'string') linkProblem ??= `links[${links.length}]: ${l}`;
        else if (links === NO_LINKS) links = [l];
        else links.push(l);
        break;
      }
      case 14 << 3:
        droppedLinksCount = r.uint32();
        break;
      case (15 << 3) | 2:
        status = decodeStatus(r, r.lengthEnd(end));
        break;
      case (16 << 3) | 5:
        flags = r.fixed32();
        break;
      default:
        skipOrFail(r, tag, end, 16);
    }
  }
  finish(r, end);
  const problem = traceIdProblem(traceId) ?? spanIdProblem(spanId) ?? parentIdProblem(parentSpanId) ?? linkProblem;
  if (problem !== undefined) return problem;
  return {
    traceId,
    spanId,
    parentSpanId: normalizeParent(parentSpanId),
    traceState,
    name,
    kind: knownKind(kind),
    startTimeUnixNano: start,
    endTimeUnixNano: stop,
    attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status: status ?? UNSET_STATUS,
    flags,
    resource,
    scope,
  };
}

function event(r: WireReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: Attribute[] = [];
  let droppedAttributesCount = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | 1)) timeUnixNano = r.fixed64();
    else if (tag === T_LEN_2) name = r.string(end);
    else if (tag === T_LEN_3) attributes.push(keyValue(r, r.lengthEnd(end)));
    else if (tag === 4 << 3) droppedAttributesCount = r.uint32();
    else skipOrFail(r, tag, end, 4);
  }
  finish(r, end);
  return { timeUnixNano, name, attributes, droppedAttributesCount };
}

function link(r: WireReader, end: number): SpanLink | string {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: Attribute[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) traceId = r.hex(end);
    else if (tag === T_LEN_2) spanId = r.hex(end);
    else if (tag === T_LEN_3) traceState = r.string(end);
    else if (tag === T_LEN_4) attributes.push(keyValue(r, r.lengthEnd(end)));
    else if (tag === 5 << 3) droppedAttributesCount = r.uint32();
    else if (tag === ((6 << 3) | 5)) flags = r.fixed32();
    else skipOrFail(r, tag, end, 6);
  }
  finish(r, end);
  const problem = traceIdProblem(traceId) ?? spanIdProblem(spanId);
  if (problem !== undefined) return problem;
  return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
}

function decodeStatus(r: WireReader, end: number): SpanStatus {
  let message = '';
  let code = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_2) message = r.string(end);
    else if (tag === 3 << 3) code = r.uint32();
    else skipOrFail(r, tag, end, 3, 1); // field 1: the retired deprecated_code
  }
  finish(r, end);
  return { code: knownStatus(code), message };
}

function keyValue(r: WireReader, end: number, depth = 0): Attribute {
  let key = '';
  let value: AttributeValue = '';
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === T_LEN_1) key = r.string(end);
    else if (tag === T_LEN_2) value = anyValue(r, r.lengthEnd(end), depth);
    else skipOrFail(r, tag, end, 2);
  }
  finish(r, end);
  return { key, value };
}

/** An AnyValue with no value set becomes '' (the model has no empty value). */
function anyValue(r: WireReader, end: number, depth: number): AttributeValue {
  let value: AttributeValue = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case T_LEN_1: {
        const s = r.string(end);
        if (r.maxValueLength > 0 && s.length > r.maxValueLength) {
          value = s.slice(0, r.maxValueLength);
          r.truncated++;
        } else value = s;
        break;
      }
      case 2 << 3:
        value = r.bool();
        break;
      case 3 << 3:
        value = r.int64();
        break;
      case (4 << 3) | 1:
        value = r.double();
        break;
      case T_LEN_5: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
        const e = r.lengthEnd(end);
        const values: AttributeValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t === T_LEN_1) values.push(anyValue(r, r.lengthEnd(e), depth + 1));
          else skipOrFail(r, t, e, 1);
        }
        finish(r, e);
        value = values;
        break;
      }
      case T_LEN_6: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(`attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
        const e = r.lengthEnd(end);
        const kvlist: Attribute[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t === T_LEN_1) kvlist.push(keyValue(r, r.lengthEnd(e), depth + 1));
          else skipOrFail(r, t, e, 1);
        }
        finish(r, e);
        value = { kvlist };
        break;
      }
      case T_LEN_7: {
        const b = r.bytes(end);
        if (r.maxValueLength > 0 && b.length > r.maxValueLength) {
          value = b.slice(0, r.maxValueLength);
          r.truncated++;
        } else value = b;
        break;
      }
      default:
        skipOrFail(r, tag, end, 7);
    }
  }
  finish(r, end);
  return value;
}
