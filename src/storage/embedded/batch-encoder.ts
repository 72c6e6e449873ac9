import { createHash } from 'node:crypto';
import { attributeToString, type Attribute } from '../../model/attributes.ts';
import type { InstrumentationScope, Resource, Span } from '../../model/span.ts';
import { ByteWriter } from './binary-codec.ts';
import { encodeResource, encodeScope, writeSpanExtra } from './record-codec.ts';

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
  /** Span i's blob (record-codec's SpanExtra) is extra[extraEnds[i-1] .. extraEnds[i]). */
  extra: Uint8Array;
  extraEnds: Uint32Array;
  /** Search rows (span and event attributes as strings, event names under "event"): which span, key, value. */
  tagSpan: Uint32Array;
  tagKeys: string[];
  tagValues: string[];
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
  const w = new ByteWriter(n * 64 + 64);
  const tagSpan: number[] = [];
  const tagKeys: string[] = [];
  const tagValues: string[] = [];
  const resources: EncodedResource[] = [];
  const resourceIndex = new Map<Resource, number>();
  const scopes: EncodedScope[] = [];
  const scopeIndex = new Map<InstrumentationScope, number>();

  const addTags = (i: number, attrs: readonly Attribute[]) => {
    for (const a of attrs) {
      tagSpan.push(i);
      tagKeys.push(a.key);
      tagValues.push(typeof a.value === 'string' ? a.value : attributeToString(a.value));
    }
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
    writeSpanExtra(w, s);
    extraEnds[i] = w.pos;
    addTags(i, s.attributes);
    for (const e of s.events) {
      if (e.name !== '') {
        tagSpan.push(i);
        tagKeys.push('event');
        tagValues.push(e.name);
      }
      addTags(i, e.attributes);
    }
  }
  const extra = w.finish();
  const idBytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  const tagSpanArr = Uint32Array.from(tagSpan);
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
    tagKeys,
    tagValues,
    resources,
    scopes,
  };
  // Buffer.alloc may hand out a slice of a shared pool; only transfer what this batch owns alone.
  const transfer: ArrayBuffer[] = [times.buffer, ints.buffer, extra.buffer as ArrayBuffer, extraEnds.buffer, tagSpanArr.buffer];
  if (ids.byteOffset === 0 && ids.byteLength === ids.buffer.byteLength) transfer.push(ids.buffer as ArrayBuffer);
  return { batch, transfer };
}
