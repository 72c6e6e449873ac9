import { createHash } from 'node:crypto';
import { attributeToString, type Attribute } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource, Span } from '../../model/span.ts';
import { ATTR_BOOL, ATTR_DOUBLE, ATTR_EVENT, ATTR_INT, ATTR_STRING, attrRow } from './attr-rows.ts';
import { ByteWriter } from './binary-codec.ts';
import { encodeResource, encodeScope, extraIsEmpty, writeSpanExtra } from './record-codec.ts';

/**
 * A batch of spans as the worker receives it: columns in typed arrays
 * (transferred, not copied), string arrays, and the per-span blobs already
 * encoded. Measured per 8192-span batch, building and posting this costs the
 * main thread about as much as posting the span objects (35-55 ms vs 32-47 ms,
 * see docs/storage-embedded.md), but the worker then only appends: with
 * objects it would pay the same deserialisation and encoding again itself.
 */
export interface EncodedBatch {
  count: number;
  /** Per span, 32 bytes: trace ID (16), span ID (8), parent span ID (8, zero for a root). */
  ids: Uint8Array;
  /** Per span: start, end (ns). */
  times: BigInt64Array;
  /** Per span, INTS_PER_SPAN values: kind, status code, flags, resource index, scope index. */
  ints: Uint32Array;
  names: string[];
  statusMessages: string[];
  traceStates: string[];
  /** Span i's blob (record-codec's SpanExtra) is extra[extraEnds[i-1] .. extraEnds[i]); empty when it has nothing. */
  extra: Uint8Array;
  extraEnds: Uint32Array;
  /** span_attrs rows (see attr-rows.ts): which span, key, text value, type, position, and the encodings of the few that need one. */
  tagSpan: Uint32Array;
  /** Index into `keys`: the batch's distinct attribute keys, sent once rather than once per row. */
  tagKey: Uint32Array;
  keys: string[];
  tagValues: string[];
  tagTypes: Uint8Array;
  tagPos: Uint32Array;
  tagRaw: { at: number; bytes: Uint8Array }[];
  resources: EncodedResource[];
  scopes: EncodedScope[];
}

export const INTS_PER_SPAN = 5;
export const ID_BYTES_PER_SPAN = 32;

export interface EncodedResource {
  /** Content hash: the same resource gets the same ID in every batch and partition. */
  id: bigint;
  service: string;
  data: Uint8Array;
  keys: string[];
  values: string[];
}

export interface EncodedScope {
  id: bigint;
  data: Uint8Array;
}

// Receivers share one resource/scope object between the spans of a request: encode each once.
const resourceCache = new WeakMap<Resource, EncodedResource>();
const scopeCache = new WeakMap<InstrumentationScope, EncodedScope>();

function contentId(data: Uint8Array): bigint {
  return createHash('sha1').update(data).digest().readBigInt64LE(0);
}

function encodedResource(res: Resource): EncodedResource {
  let e = resourceCache.get(res);
  if (!e) {
    const data = encodeResource(res);
    const keys: string[] = [];
    const values: string[] = [];
    for (const a of res.attributes) {
      keys.push(a.key);
      values.push(attributeToString(a.value));
    }
    e = { id: contentId(data), service: res.serviceName, data, keys, values };
    resourceCache.set(res, e);
  }
  return e;
}

function encodedScope(scope: InstrumentationScope): EncodedScope {
  let e = scopeCache.get(scope);
  if (!e) {
    const data = encodeScope(scope);
    e = { id: contentId(data), data };
    scopeCache.set(scope, e);
  }
  return e;
}

export function encodeBatch(spans: readonly Span[]): { batch: EncodedBatch; transfer: ArrayBuffer[] } {
  const n = spans.length;
  const ids = Buffer.alloc(n * ID_BYTES_PER_SPAN);
  const times = new BigInt64Array(n * 2);
  const ints = new Uint32Array(n * INTS_PER_SPAN);
  const names: string[] = new Array(n);
  const statusMessages: string[] = new Array(n);
  const traceStates: string[] = new Array(n);
  const extraEnds = new Uint32Array(n);
  const w = new ByteWriter(4096);
  const tagSpan: number[] = [];
  const tagKey: number[] = [];
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const keyNo = (key: string): number => {
    let k = keyIndex.get(key);
    if (k === undefined) keyIndex.set(key, (k = keys.push(key) - 1));
    return k;
  };
  const tagValues: string[] = [];
  const tagTypes: number[] = [];
  const tagPos: number[] = [];
  const tagRaw: { at: number; bytes: Uint8Array }[] = [];
  const resources: EncodedResource[] = [];
  const resourceIndex = new Map<Resource, number>();
  const scopes: EncodedScope[] = [];
  const scopeIndex = new Map<InstrumentationScope, number>();

  const addAttributes = (i: number, attrs: readonly Attribute[]) => {
    for (let p = 0; p < attrs.length; p++) {
      const a = attrs[p]!;
      const v = a.value;
      tagSpan.push(i);
      tagKey.push(keyNo(a.key));
      tagPos.push(p);
      // The common types inline; attrRow covers the rest (and -0).
      if (typeof v === 'string') {
        tagValues.push(v);
        tagTypes.push(ATTR_STRING);
      } else if (typeof v === 'bigint') {
        tagValues.push(v.toString());
        tagTypes.push(ATTR_INT);
      } else if (typeof v === 'boolean') {
        tagValues.push(v ? 'true' : 'false');
        tagTypes.push(ATTR_BOOL);
      } else if (typeof v === 'number' && !Object.is(v, -0)) {
        tagValues.push(String(v));
        tagTypes.push(ATTR_DOUBLE);
      } else {
        const row = attrRow(v);
        tagValues.push(row.value);
        tagTypes.push(row.type);
        if (row.raw) tagRaw.push({ at: tagSpan.length - 1, bytes: row.raw });
      }
    }
  };
  const addSearchOnly = (i: number, key: string, value: string) => {
    tagSpan.push(i);
    tagKey.push(keyNo(key));
    tagPos.push(0);
    tagValues.push(value);
    tagTypes.push(ATTR_EVENT);
  };

  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    const o = i * ID_BYTES_PER_SPAN;
    ids.write(s.traceId, o, 16, 'hex');
    ids.write(s.spanId, o + 16, 8, 'hex');
    if (s.parentSpanId !== '') ids.write(s.parentSpanId, o + 24, 8, 'hex');
    times[i * 2] = s.startTimeUnixNano;
    times[i * 2 + 1] = s.endTimeUnixNano;
    let ri = resourceIndex.get(s.resource);
    if (ri === undefined) {
      ri = resources.push(encodedResource(s.resource)) - 1;
      resourceIndex.set(s.resource, ri);
    }
    let si = scopeIndex.get(s.scope);
    if (si === undefined) {
      si = scopes.push(encodedScope(s.scope)) - 1;
      scopeIndex.set(s.scope, si);
    }
    const k = i * INTS_PER_SPAN;
    ints[k] = s.kind;
    ints[k + 1] = s.status.code;
    ints[k + 2] = s.flags >>> 0;
    ints[k + 3] = ri;
    ints[k + 4] = si;
    names[i] = s.name;
    statusMessages[i] = s.status.message;
    traceStates[i] = s.traceState;
    if (!extraIsEmpty(s)) writeSpanExtra(w, s);
    extraEnds[i] = w.pos;
    addAttributes(i, s.attributes);
    for (const e of s.events) {
      if (e.name !== '') addSearchOnly(i, 'event', e.name);
      for (const a of e.attributes) addSearchOnly(i, a.key, attributeToString(a.value));
    }
  }
  const extra = w.finish();
  const idBytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  const tagSpanArr = Uint32Array.from(tagSpan);
  const tagKeyArr = Uint32Array.from(tagKey);
  const tagPosArr = Uint32Array.from(tagPos);
  const tagTypesArr = Uint8Array.from(tagTypes);
  const batch: EncodedBatch = {
    count: n,
    ids: idBytes,
    times,
    ints,
    names,
    statusMessages,
    traceStates,
    extra,
    extraEnds,
    tagSpan: tagSpanArr,
    tagKey: tagKeyArr,
    keys,
    tagValues,
    tagTypes: tagTypesArr,
    tagPos: tagPosArr,
    tagRaw,
    resources,
    scopes,
  };
  // Buffer.alloc may hand out a slice of a shared pool; only transfer what this batch owns alone.
  const transfer: ArrayBuffer[] = [times.buffer, ints.buffer, extra.buffer as ArrayBuffer, extraEnds.buffer, tagSpanArr.buffer, tagKeyArr.buffer, tagTypesArr.buffer, tagPosArr.buffer];
  if (ids.byteOffset === 0 && ids.byteLength === ids.buffer.byteLength) transfer.push(ids.buffer as ArrayBuffer);
  return { batch, transfer };
}
