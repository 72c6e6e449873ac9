import { isKeyValueList, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource, SpanEvent, SpanLink } from '../../model/span.ts';
import { makeResource } from '../../model/builders.ts';
import { ByteReader, ByteWriter } from './binary-codec.ts';

/**
 * The exact, typed parts of a span that no query filters on directly
 * (events, links, dropped counts), resources, scopes, and attribute values
 * that have no exact text form (bytes, arrays, kvlists, -0), as compact
 * binary blobs. Span attributes themselves live in the span_attrs table
 * (see attr-rows.ts), once.
 */

const T_STRING = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_DOUBLE = 3;
const T_INT64 = 4;
const T_SMALLINT = 5;
const T_BYTES = 6;
const T_ARRAY = 7;
const T_KVLIST = 8;

const SMALL_MAX = 0x3fffffffn;

export function writeValue(w: ByteWriter, v: AttributeValue): void {
  switch (typeof v) {
    case 'string':
      w.byte(T_STRING);
      w.string(v);
      return;
    case 'boolean':
      w.byte(v ? T_TRUE : T_FALSE);
      return;
    case 'number':
      w.byte(T_DOUBLE);
      w.f64(v);
      return;
    case 'bigint':
      if (v <= SMALL_MAX && v >= -SMALL_MAX) {
        const n = Number(v);
        w.byte(T_SMALLINT);
        w.uvar(n >= 0 ? n * 2 : -n * 2 - 1);
      } else {
        w.byte(T_INT64);
        w.i64(v);
      }
      return;
  }
  if (v instanceof Uint8Array) {
    w.byte(T_BYTES);
    w.bytes(v);
  } else if (Array.isArray(v)) {
    w.byte(T_ARRAY);
    w.uvar(v.length);
    for (const item of v) writeValue(w, item);
  } else if (isKeyValueList(v)) {
    w.byte(T_KVLIST);
    writeAttributes(w, v.kvlist);
  } else {
    throw new TypeError(`embedded store: unsupported attribute value ${String(v)}`);
  }
}

/** Deeper than any decoder lets in (they stop at 32): a damaged blob, refused before the recursion exhausts the stack. */
const MAX_DEPTH = 64;

export function readValue(r: ByteReader, depth = 0): AttributeValue {
  if (depth > MAX_DEPTH) throw new RangeError(`embedded store: attribute value nested deeper than ${MAX_DEPTH}`);
  const tag = r.byte();
  switch (tag) {
    case T_STRING:
      return r.string();
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_DOUBLE:
      return r.f64();
    case T_INT64:
      return r.i64();
    case T_SMALLINT: {
      const z = r.uvar();
      return BigInt(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    }
    case T_BYTES:
      return r.bytes();
    case T_ARRAY: {
      const n = r.uvar();
      const out: AttributeValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(r, depth + 1));
      return out;
    }
    case T_KVLIST:
      return { kvlist: readAttributes(r, depth + 1) };
    default:
      throw new RangeError(`embedded store: unknown attribute type tag ${tag}`);
  }
}

export function writeAttributes(w: ByteWriter, attrs: readonly Attribute[]): void {
  w.uvar(attrs.length);
  for (const a of attrs) {
    w.string(a.key);
    writeValue(w, a.value);
  }
}

export function readAttributes(r: ByteReader, depth = 0): Attribute[] {
  const n = r.uvar();
  const out: Attribute[] = [];
  for (let i = 0; i < n; i++) {
    const key = r.string();
    out.push({ key, value: readValue(r, depth) });
  }
  return out;
}

/** The blob column of one span (its attributes are stored as rows of span_attrs). */
export interface SpanExtra {
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
}

/** True when a span has nothing for the blob: the store then writes NULL, which takes no space. */
export function extraIsEmpty(s: SpanExtra): boolean {
  return s.droppedAttributesCount === 0 && s.events.length === 0 && s.droppedEventsCount === 0 && s.links.length === 0 && s.droppedLinksCount === 0;
}

export const EMPTY_EXTRA: Readonly<SpanExtra> = Object.freeze({ droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0 });

export function writeSpanExtra(w: ByteWriter, s: SpanExtra): void {
  w.uvar(s.droppedAttributesCount);
  w.uvar(s.events.length);
  for (const e of s.events) {
    w.i64(e.timeUnixNano);
    w.string(e.name);
    writeAttributes(w, e.attributes);
    w.uvar(e.droppedAttributesCount);
  }
  w.uvar(s.droppedEventsCount);
  w.uvar(s.links.length);
  for (const l of s.links) {
    w.string(l.traceId);
    w.string(l.spanId);
    w.string(l.traceState);
    writeAttributes(w, l.attributes);
    w.uvar(l.droppedAttributesCount);
    w.uvar(l.flags);
  }
  w.uvar(s.droppedLinksCount);
}

export function readSpanExtra(bytes: Uint8Array): SpanExtra {
  const r = new ByteReader(bytes);
  const droppedAttributesCount = r.uvar();
  const events: SpanEvent[] = [];
  for (let n = r.uvar(); n > 0; n--) {
    const timeUnixNano = r.i64();
    const name = r.string();
    events.push({ timeUnixNano, name, attributes: readAttributes(r), droppedAttributesCount: r.uvar() });
  }
  const droppedEventsCount = r.uvar();
  const links: SpanLink[] = [];
  for (let n = r.uvar(); n > 0; n--) {
    const traceId = r.string();
    const spanId = r.string();
    const traceState = r.string();
    links.push({ traceId, spanId, traceState, attributes: readAttributes(r), droppedAttributesCount: r.uvar(), flags: r.uvar() });
  }
  return { droppedAttributesCount, events, droppedEventsCount, links, droppedLinksCount: r.uvar() };
}

export function encodeResource(res: Resource): Uint8Array {
  const w = new ByteWriter(256);
  writeAttributes(w, res.attributes);
  w.uvar(res.droppedAttributesCount);
  return w.finish();
}

export function decodeResource(bytes: Uint8Array): Resource {
  const r = new ByteReader(bytes);
  const attributes = readAttributes(r);
  return makeResource(attributes, r.uvar());
}

export function encodeScope(scope: InstrumentationScope): Uint8Array {
  const w = new ByteWriter(128);
  w.string(scope.name);
  w.string(scope.version);
  writeAttributes(w, scope.attributes);
  w.uvar(scope.droppedAttributesCount);
  return w.finish();
}

export function decodeScope(bytes: Uint8Array): InstrumentationScope {
  const r = new ByteReader(bytes);
  const name = r.string();
  const version = r.string();
  return { name, version, attributes: readAttributes(r), droppedAttributesCount: r.uvar() };
}
