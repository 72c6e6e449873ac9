import { PermanentError } from '../../component/errors.ts';
import type { Attribute } from '../../model/attributes.ts';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { normalizeParentSpanId, normalizeSpanId, normalizeTraceId } from '../../model/ids.ts';
import type { InstrumentationScope, Resource, Span, SpanEvent, SpanLink } from '../../model/span.ts';
import { NANOS_PER_MICRO } from '../../model/time.ts';
import { keyValueToAttribute } from './key-values.ts';
import { applyOtelTags } from './otel-tags.ts';
import { REF_TYPE_ATTRIBUTE, REF_TYPE_CHILD_OF, REF_TYPE_FOLLOWS_FROM, TAG } from './types.ts';

/** Traces in one document; a downloaded file is small, a hostile one must still stop somewhere. */
const MAX_SPANS = 1_000_000;

/**
 * Jaeger's trace JSON -> model, for re-uploading a downloaded trace. Accepts
 * the query API's envelope (`{"data": [trace...]}`), an array of traces or
 * one trace. The tags OTLP fields travel in (span.kind, otel.status_code,
 * error, otel.scope.*, w3c.tracestate) become those fields again.
 */
export function decodeJaegerJson(text: string): Span[] {
  let doc: unknown;
  try {
    doc = LONG_INTEGER.test(text) ? JSON.parse(text, exactIntegers as never) : JSON.parse(text);
  } catch (err) {
    throw new PermanentError(`malformed Jaeger JSON: ${(err as Error).message}`);
  }
  return jaegerDocumentToSpans(doc);
}

export function jaegerDocumentToSpans(doc: unknown): Span[] {
  const traces = isObject(doc) && 'data' in doc ? doc.data : doc;
  const list = Array.isArray(traces) ? traces : [traces];
  const out: Span[] = [];
  list.forEach((t, i) => {
    for (const s of traceToSpans(t, `trace ${i}`)) {
      if (out.length >= MAX_SPANS) throw new PermanentError(`more than ${MAX_SPANS} spans in one document`);
      out.push(s);
    }
  });
  return out;
}

function traceToSpans(trace: unknown, where: string): Span[] {
  if (!isObject(trace) || !Array.isArray(trace.spans)) throw new PermanentError(`${where}: expected an object with a "spans" array`);
  const processes = isObject(trace.processes) ? trace.processes : {};
  const resources = new Map<string, Resource>();
  const scopes = new Map<string, InstrumentationScope>();
  const resourceFor = (id: unknown, embedded: unknown, at: string): Resource => {
    if (embedded !== undefined) return processToResource(embedded, at);
    if (typeof id !== 'string' || !Object.hasOwn(processes, id)) throw new PermanentError(`${at}: processID "${String(id)}" is not in processes`);
    let r = resources.get(id);
    if (!r) resources.set(id, (r = processToResource(processes[id], `${where}, process ${id}`)));
    return r;
  };
  return trace.spans.map((raw, i) => {
    const at = `${where}, span ${i}`;
    if (!isObject(raw)) throw new PermanentError(`${at}: not an object`);
    return spanFromJaeger(raw, at, resourceFor(raw.processID, raw.process, at), scopes);
  });
}

function spanFromJaeger(raw: Record<string, unknown>, at: string, resource: Resource, scopes: Map<string, InstrumentationScope>): Span {
  const traceId = normalizeTraceId(str(raw.traceID, `${at}: traceID`));
  const spanId = normalizeSpanId(str(raw.spanID, `${at}: spanID`));
  const where = `${at} (${spanId})`;
  const start = micros(raw.startTime, `${where}: startTime`);
  const duration = micros(raw.duration, `${where}: duration`);
  const { parentSpanId, links } = references(raw.references, traceId, where);
  const span = makeSpan({
    traceId,
    spanId,
    parentSpanId: parentSpanId || (typeof raw.parentSpanID === 'string' ? normalizeParentSpanId(raw.parentSpanID) : ''),
    name: typeof raw.operationName === 'string' ? raw.operationName : '',
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    resource,
    links,
    flags: typeof raw.flags === 'number' && Number.isInteger(raw.flags) && raw.flags >= 0 ? raw.flags : 0,
  });
  applyOtelTags(span, list(raw.tags, `${where}: tags`).map((kv) => keyValueToAttribute(kv, where)), scopes);
  span.events = list(raw.logs, `${where}: logs`).map((log, i) => logToEvent(log, `${where}, log ${i}`));
  return span;
}

/** The first CHILD_OF in the same trace is the parent; every other reference becomes a link that keeps its type. */
function references(raw: unknown, traceId: string, where: string): { parentSpanId: string; links: SpanLink[] } {
  let parentSpanId = '';
  const links: SpanLink[] = [];
  list(raw, `${where}: references`).forEach((ref, i) => {
    const at = `${where}, reference ${i}`;
    if (!isObject(ref)) throw new PermanentError(`${at}: not an object`);
    const refTrace = normalizeTraceId(str(ref.traceID, `${at}: traceID`));
    const refSpan = normalizeSpanId(str(ref.spanID, `${at}: spanID`));
    const type = ref.refType ?? 'CHILD_OF';
    if (type !== 'CHILD_OF' && type !== 'FOLLOWS_FROM') throw new PermanentError(`${at}: refType must be CHILD_OF or FOLLOWS_FROM`);
    if (type === 'CHILD_OF' && parentSpanId === '' && refTrace === traceId) {
      parentSpanId = refSpan;
      return;
    }
    links.push({
      traceId: refTrace,
      spanId: refSpan,
      traceState: '',
      attributes: [{ key: REF_TYPE_ATTRIBUTE, value: type === 'CHILD_OF' ? REF_TYPE_CHILD_OF : REF_TYPE_FOLLOWS_FROM }],
      droppedAttributesCount: 0,
      flags: 0,
    });
  });
  return { parentSpanId, links };
}

function logToEvent(raw: unknown, at: string): SpanEvent {
  if (!isObject(raw)) throw new PermanentError(`${at}: not an object`);
  let name = '';
  const attributes: Attribute[] = [];
  for (const f of list(raw.fields, `${at}: fields`).map((kv) => keyValueToAttribute(kv, at))) {
    if (f.key === TAG.event && typeof f.value === 'string' && name === '') name = f.value;
    else attributes.push(f);
  }
  return { timeUnixNano: micros(raw.timestamp, `${at}: timestamp`), name, attributes, droppedAttributesCount: 0 };
}

function processToResource(raw: unknown, at: string): Resource {
  if (!isObject(raw)) throw new PermanentError(`${at}: not an object`);
  const service = typeof raw.serviceName === 'string' ? raw.serviceName : '';
  const tags = list(raw.tags, `${at}: tags`).map((kv) => keyValueToAttribute(kv, at));
  return makeResource([{ key: 'service.name', value: service }, ...tags.filter((t) => t.key !== 'service.name')]);
}

function micros(v: unknown, at: string): bigint {
  if (typeof v === 'bigint' && v >= 0n) return v * NANOS_PER_MICRO;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v) * NANOS_PER_MICRO;
  if (v === undefined) return 0n;
  throw new PermanentError(`${at}: expected a non-negative integer number of microseconds`);
}

function list(v: unknown, at: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new PermanentError(`${at}: expected an array`);
  return v;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new PermanentError(`${at}: expected a string`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LONG_INTEGER = /[:,[]\s*-?\d{16}/;

/** JSON.parse would round integers past 2^53; read their source text instead. */
function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}
