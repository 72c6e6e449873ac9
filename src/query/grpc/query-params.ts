import { hexToBytes } from '../../model/ids.ts';
import { nowNanos } from '../../model/time.ts';
import { timestampToNanos, type ProtoTimestamp } from '../../protocols/jaeger/proto.ts';
import type { TraceLookup, TraceQuery } from '../../storage/api/query.ts';
import { BadParamError } from '../errors.ts';
import { DEFAULT_LIMIT, DEFAULT_LOOKBACK_NANOS } from '../http/legacy-search-params.ts';

/** TraceQueryParameters as protobufjs decodes them (api_v2 names tags `tags`, api_v3 `attributes`). */
export interface ProtoTraceQuery {
  serviceName?: string | null;
  operationName?: string | null;
  tags?: Record<string, string> | null;
  attributes?: Record<string, string> | null;
  startTimeMin?: ProtoTimestamp | null;
  startTimeMax?: ProtoTimestamp | null;
  durationMin?: ProtoTimestamp | null;
  durationMax?: ProtoTimestamp | null;
  searchDepth?: number | null;
  rawTraces?: boolean | null;
  filter?: Uint8Array | null;
}

/**
 * Go's zero time.Time, 0001-01-01T00:00:00Z, in nanoseconds since the epoch.
 * Jaeger's gogo-generated Go clients (non-nullable stdtime fields) send it for
 * every Timestamp the caller left unset.
 */
const GO_ZERO_TIME_NANOS = -62_135_596_800n * 1_000_000_000n;

/** A Timestamp's nanoseconds, or undefined when unset: absent, or Go's zero time, as Jaeger reads it. */
export function timeIfSet(t: ProtoTimestamp | null | undefined): bigint | undefined {
  if (!t) return undefined;
  const ns = timestampToNanos(t);
  return ns === GO_ZERO_TIME_NANOS ? undefined : ns;
}

/** A Duration's nanoseconds, or undefined when unset: absent or zero (gogo clients send an empty Duration), as Jaeger reads it. */
export function durationIfSet(d: ProtoTimestamp | null | undefined): bigint | undefined {
  const ns = d ? timestampToNanos(d) : 0n;
  return ns === 0n ? undefined : ns;
}

/** GetTrace's lookup: the trace ID and whichever of its start/end bounds are set. */
export function traceLookup(traceId: string, req: { startTime?: ProtoTimestamp | null; endTime?: ProtoTimestamp | null }): TraceLookup {
  const lookup: TraceLookup = { traceId };
  const startTime = timeIfSet(req.startTime);
  const endTime = timeIfSet(req.endTime);
  if (startTime !== undefined) lookup.startTime = startTime;
  if (endTime !== undefined) lookup.endTime = endTime;
  return lookup;
}

/**
 * gRPC search parameters -> a TraceQuery. Zero times and durations are unset
 * (timeIfSet, durationIfSet). `requireWindow` (api_v3) makes the
 * start bounds mandatory and the upper one exclusive, as its IDL says;
 * api_v2 defaults to the last two days.
 */
export function protoToTraceQuery(q: ProtoTraceQuery | null | undefined, requireWindow: boolean): { query: TraceQuery; raw: boolean } {
  if (!q) throw new BadParamError('query', 'missing query');
  if (q.filter && q.filter.length > 0) throw new BadParamError('query.filter', 'structured filters are not supported; use the predicate fields');
  let min = timeIfSet(q.startTimeMin);
  let max = timeIfSet(q.startTimeMax);
  if (requireWindow) {
    if (min === undefined) throw new BadParamError('query.start_time_min', 'is required');
    if (max === undefined) throw new BadParamError('query.start_time_max', 'is required');
    max -= 1n;
  }
  max ??= nowNanos();
  min ??= max - DEFAULT_LOOKBACK_NANOS;
  if (min > max) throw new BadParamError('query.start_time_min', 'must be before query.start_time_max');
  const tags = { ...(q.tags ?? {}), ...(q.attributes ?? {}) };
  const depth = q.searchDepth ?? 0;
  if (depth < 0) throw new BadParamError('query.search_depth', 'must not be negative');
  const query: TraceQuery = {
    tags: Object.entries(tags).map(([key, value]) => ({ key, op: 'equals' as const, value })),
    startTimeMin: min,
    startTimeMax: max,
    limit: depth === 0 ? DEFAULT_LIMIT : depth,
  };
  if (q.serviceName) query.service = q.serviceName;
  if (q.operationName) query.operation = q.operationName;
  const durationMin = durationIfSet(q.durationMin);
  const durationMax = durationIfSet(q.durationMax);
  if (durationMin !== undefined) query.durationMin = durationMin;
  if (durationMax !== undefined) query.durationMax = durationMax;
  if (query.durationMin !== undefined && query.durationMax !== undefined && query.durationMax < query.durationMin) {
    throw new BadParamError('query.duration_max', 'must not be less than query.duration_min');
  }
  return { query, raw: Boolean(q.rawTraces) };
}

export { hexToBytes };
