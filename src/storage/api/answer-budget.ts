import { isKeyValueList, type Attribute, type AttributeValue } from '../../model/attributes.ts';
import type { Span } from '../../model/span.ts';
import type { ReadOptions } from './storage.ts';

/**
 * The span data a trace read counts against ReadOptions.maxBytes: the text
 * and bytes a span carries (name, status message, trace state, attribute
 * keys and values, events, links) plus a fixed part for its fixed fields.
 * An estimate of the answer's size, not of any encoding: the embedded store
 * computes the same from its columns (query-sql.ts, spanBytesSql).
 */
export const SPAN_FIXED_BYTES = 64;

export function spanDataBytes(s: Span): number {
  let n = SPAN_FIXED_BYTES + s.name.length + s.status.message.length + s.traceState.length + attributesBytes(s.attributes);
  for (const e of s.events) n += 16 + e.name.length + attributesBytes(e.attributes);
  for (const l of s.links) n += 32 + l.traceState.length + attributesBytes(l.attributes);
  return n;
}

function attributesBytes(attrs: readonly Attribute[]): number {
  let n = 0;
  for (const a of attrs) n += a.key.length + valueBytes(a.value);
  return n;
}

function valueBytes(v: AttributeValue): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + valueBytes(x), 0);
  if (typeof v === 'object' && isKeyValueList(v)) return attributesBytes(v.kvlist);
  return 8;
}

/**
 * Applies the byte budget of `options` to whole traces, most recent first:
 * each whole while it fits, the first that does not cut to its earliest
 * spans that fit, the rest left out (reported, not returned).
 */
export function fitTraces(traces: Span[][], options: ReadOptions | undefined): Span[][] {
  const max = options?.maxBytes;
  if (max === undefined) return traces;
  const out: Span[][] = [];
  let left = max;
  for (const trace of traces) {
    const sizes = trace.map(spanDataBytes);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total <= left) {
      out.push(trace);
      left -= total;
      continue;
    }
    const byStart = trace.map((s, i) => ({ s, size: sizes[i]! })).sort((a, b) => (a.s.startTimeUnixNano < b.s.startTimeUnixNano ? -1 : a.s.startTimeUnixNano > b.s.startTimeUnixNano ? 1 : 0));
    const kept: Span[] = [];
    for (const { s, size } of byStart) {
      if (size > left) break;
      kept.push(s);
      left -= size;
    }
    left = 0;
    if (kept.length > 0) out.push(kept);
    options?.onTruncated?.({ traceId: trace[0]!.traceId, keptSpans: kept.length, totalSpans: trace.length });
  }
  return out;
}
