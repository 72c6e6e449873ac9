import { PermanentError } from '../../component/errors.ts';
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
  type DecodeResult,
} from './decode-result.ts';

/**
 * OTLP as a JavaScript object -> model. Two sources share it: OTLP/JSON after
 * JSON.parse (hex IDs, base64 bytes, int64 as strings or numbers) and
 * protobufjs's toObject (IDs and bytes as Uint8Array, int64 as bigint).
 * Keys are lowerCamelCase; the snake_case of the .proto is accepted too.
 * A value of the wrong type is malformed (PermanentError naming its path);
 * an invalid ID rejects just its span.
 */
export function decodeOtlpObject(doc: unknown, format: string): DecodeResult {
  const d = new ObjectDecoder(format);
  const out = newResult();
  const root = d.obj(doc, '');
  const rss = d.arr(get(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  rss.forEach((rsRaw, i) => {
    const path = `resourceSpans[${i}]`;
    const rs = d.obj(rsRaw, path);
    const resource = d.resource(get(rs, 'resource', 'resource'), `${path}.resource`);
    d.arr(get(rs, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`).forEach((ssRaw, j) => {
      const sPath = `${path}.scopeSpans[${j}]`;
      const ss = d.obj(ssRaw, sPath);
      const scopeRaw = get(ss, 'scope', 'scope');
      const scope = scopeRaw == null ? EMPTY_SCOPE : d.scope(scopeRaw, `${sPath}.scope`);
      d.arr(get(ss, 'spans', 'spans'), `${sPath}.spans`).forEach((spRaw, k) => {
        const spPath = `${sPath}.spans[${k}]`;
        const s = d.span(spRaw, spPath, resource, scope);
        if (typeof s === 'string') reject(out, `${spPath}: ${s}`);
        else out.spans.push(s);
      });
    });
  });
  return out;
}

type Obj = Record<string, unknown>;

function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined ? o[snake] : v;
}

const HEX = /^[0-9a-fA-F]*$/;
const INT = /^-?\d+$/;
const KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

class ObjectDecoder {
  private readonly format: string;

  constructor(format: string) {
    this.format = format;
  }

  fail(path: string, problem: string): never {
    throw new PermanentError(`malformed ${this.format}: ${path || 'the document'}: ${problem}`);
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v as Obj;
  }

  /** A repeated field: absent or null is empty. */
  arr(v: unknown, path: string): unknown[] {
    if (v == null) return [];
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    return v;
  }

  str(v: unknown, path: string): string {
    if (v == null) return '';
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${describe(v)}`);
    return v;
  }

  /**
   * int64 from a decimal string, an integer number or a bigint (protobufjs's,
   * or a long JSON literal): one outside int64 is refused, never wrapped.
   */
  int64(v: unknown, path: string): bigint {
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && INT.test(v))) {
      const b = BigInt(v);
      if (b === BigInt.asIntN(64, b)) return b;
      this.fail(path, `${v} is outside int64`);
    }
    return this.fail(path, `expected an integer (decimal string), got ${describe(v)}`);
  }

  /** fixed64 nanoseconds from a decimal string, a non-negative integer or a bigint; absent means 0; outside fixed64 is refused. */
  time(v: unknown, path: string): bigint {
    if (v == null) return 0n;
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && INT.test(v))) {
      const t = BigInt(v);
      if (t >= 0n && t === BigInt.asUintN(64, t)) return t;
      this.fail(path, `${v} is outside fixed64`);
    }
    return this.fail(path, `expected nanoseconds as a decimal string, got ${describe(v)}`);
  }

  uint32(v: unknown, path: string): number {
    if (v == null) return 0;
    const n = typeof v === 'string' && INT.test(v) ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) this.fail(path, `expected a uint32, got ${describe(v)}`);
    return n;
  }

  enumValue(v: unknown, names: Record<string, number>, path: string): number {
    if (typeof v === 'string' && Object.hasOwn(names, v)) return names[v]!;
    return this.uint32(v, path);
  }

  /** Lowercase hex, or undefined when the text is not hex. */
  id(v: unknown, path: string): string | undefined {
    if (v == null) return '';
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    if (typeof v !== 'string') this.fail(path, `expected a hex string, got ${describe(v)}`);
    return HEX.test(v) ? v.toLowerCase() : undefined;
  }

  resource(v: unknown, path: string): Resource {
    if (v == null) return makeResource([], 0);
    const o = this.obj(v, path);
    return makeResource(
      this.attributes(o.attributes, `${path}.attributes`),
      this.uint32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    );
  }

  scope(v: unknown, path: string): InstrumentationScope {
    const o = this.obj(v, path);
    return {
      name: this.str(o.name, `${path}.name`),
      version: this.str(o.version, `${path}.version`),
      attributes: this.attributes(o.attributes, `${path}.attributes`),
      droppedAttributesCount: this.uint32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    };
  }

  span(v: unknown, path: string, resource: Resource, scope: InstrumentationScope): Span | string {
    const o = this.obj(v, path);
    const traceId = this.id(get(o, 'traceId', 'trace_id'), `${path}.traceId`);
    const spanId = this.id(get(o, 'spanId', 'span_id'), `${path}.spanId`);
    const parentSpanId = this.id(get(o, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`);
    const links: SpanLink[] = [];
    let linkProblem: string | undefined;
    this.arr(o.links, `${path}.links`).forEach((l, i) => {
      const link = this.link(l, `${path}.links[${i}]`);
      if (typeof link === 'string') linkProblem ??= `links[${i}]: ${link}`;
      else links.push(link);
    });
    const problem =
      (traceId === undefined ? 'invalid trace ID: not hex' : traceIdProblem(traceId)) ??
      (spanId === undefined ? 'invalid span ID: not hex' : spanIdProblem(spanId)) ??
      (parentSpanId === undefined ? 'invalid parent span ID: not hex' : parentIdProblem(parentSpanId)) ??
      linkProblem;
    const span: Span = {
      traceId: traceId!,
      spanId: spanId!,
      parentSpanId: normalizeParent(parentSpanId ?? ''),
      traceState: this.str(get(o, 'traceState', 'trace_state'), `${path}.traceState`),
      name: this.str(o.name, `${path}.name`),
      kind: knownKind(this.enumValue(o.kind, KINDS, `${path}.kind`)),
      startTimeUnixNano: this.time(get(o, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
      endTimeUnixNano: this.time(get(o, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`),
      attributes: this.attributes(o.attributes, `${path}.attributes`),
      droppedAttributesCount: this.uint32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
      events: this.arr(o.events, `${path}.events`).map((e, i) => this.event(e, `${path}.events[${i}]`)),
      droppedEventsCount: this.uint32(get(o, 'droppedEventsCount', 'dropped_events_count'), `${path}.droppedEventsCount`),
      links,
      droppedLinksCount: this.uint32(get(o, 'droppedLinksCount', 'dropped_links_count'), `${path}.droppedLinksCount`),
      status: this.status(o.status, `${path}.status`),
      flags: this.uint32(o.flags, `${path}.flags`),
      resource,
      scope,
    };
    // Types are checked for the whole span first: a malformed field fails the request even on a span with bad IDs.
    return problem ?? span;
  }

  event(v: unknown, path: string): SpanEvent {
    const o = this.obj(v, path);
    return {
      timeUnixNano: this.time(get(o, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
      name: this.str(o.name, `${path}.name`),
      attributes: this.attributes(o.attributes, `${path}.attributes`),
      droppedAttributesCount: this.uint32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
    };
  }

  link(v: unknown, path: string): SpanLink | string {
    const o = this.obj(v, path);
    const traceId = this.id(get(o, 'traceId', 'trace_id'), `${path}.traceId`);
    const spanId = this.id(get(o, 'spanId', 'span_id'), `${path}.spanId`);
    const link: SpanLink = {
      traceId: traceId ?? '',
      spanId: spanId ?? '',
      traceState: this.str(get(o, 'traceState', 'trace_state'), `${path}.traceState`),
      attributes: this.attributes(o.attributes, `${path}.attributes`),
      droppedAttributesCount: this.uint32(get(o, 'droppedAttributesCount', 'dropped_attributes_count'), `${path}.droppedAttributesCount`),
      flags: this.uint32(o.flags, `${path}.flags`),
    };
    return (
      (traceId === undefined ? 'invalid trace ID: not hex' : traceIdProblem(traceId)) ??
      (spanId === undefined ? 'invalid span ID: not hex' : spanIdProblem(spanId)) ??
      link
    );
  }

  status(v: unknown, path: string): SpanStatus {
    if (v == null) return { code: 0, message: '' };
    const o = this.obj(v, path);
    return {
      code: knownStatus(this.enumValue(o.code, STATUS, `${path}.code`)),
      message: this.str(o.message, `${path}.message`),
    };
  }

  attributes(v: unknown, path: string, depth = 0): Attribute[] {
    return this.arr(v, path).map((kvRaw, i) => {
      const p = `${path}[${i}]`;
      const kv = this.obj(kvRaw, p);
      return { key: this.str(kv.key, `${p}.key`), value: this.anyValue(kv.value, `${p}.value`, depth) };
    });
  }

  /** An AnyValue with nothing set becomes '' (the model has no empty value). */
  anyValue(v: unknown, path: string, depth: number): AttributeValue {
    if (v == null) return '';
    const o = this.obj(v, path);
    if (o.stringValue != null || o.string_value != null) return this.str(get(o, 'stringValue', 'string_value'), `${path}.stringValue`);
    const b = get(o, 'boolValue', 'bool_value');
    if (b != null) {
      if (typeof b !== 'boolean') this.fail(`${path}.boolValue`, `expected a boolean, got ${describe(b)}`);
      return b;
    }
    const i = get(o, 'intValue', 'int_value');
    if (i != null) return this.int64(i, `${path}.intValue`);
    const d = get(o, 'doubleValue', 'double_value');
    if (d != null) return this.double(d, `${path}.doubleValue`);
    const bytes = get(o, 'bytesValue', 'bytes_value');
    if (bytes != null) return this.bytes(bytes, `${path}.bytesValue`);
    const arr = get(o, 'arrayValue', 'array_value');
    if (arr != null) {
      if (depth >= MAX_VALUE_DEPTH) this.fail(path, `attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
      const a = this.obj(arr, `${path}.arrayValue`);
      return this.arr(a.values, `${path}.arrayValue.values`).map((x, k) => this.anyValue(x, `${path}.arrayValue.values[${k}]`, depth + 1));
    }
    const kvl = get(o, 'kvlistValue', 'kvlist_value');
    if (kvl != null) {
      if (depth >= MAX_VALUE_DEPTH) this.fail(path, `attribute value nested deeper than ${MAX_VALUE_DEPTH}`);
      const k = this.obj(kvl, `${path}.kvlistValue`);
      return { kvlist: this.attributes(k.values, `${path}.kvlistValue.values`, depth + 1) };
    }
    return '';
  }

  double(v: unknown, path: string): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      const n = Number(v);
      if (v.trim() !== '' && !Number.isNaN(n)) return n;
    }
    return this.fail(path, `expected a number, got ${describe(v)}`);
  }

  bytes(v: unknown, path: string): Uint8Array {
    if (v instanceof Uint8Array) return new Uint8Array(v);
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) this.fail(path, `expected base64 bytes, got ${describe(v)}`);
    return new Uint8Array(Buffer.from(v, v.includes('-') || v.includes('_') ? 'base64url' : 'base64'));
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 30 ? v.slice(0, 30) + '...' : v}"`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
