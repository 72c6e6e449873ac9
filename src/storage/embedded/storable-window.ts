import type { DependencyQuery, TraceLookup, TraceQuery } from '../api/query.ts';

/**
 * Span times are stored as BIGINT nanoseconds, 0 to 2^63-1 (writes outside
 * are refused). A read's bounds may reach past that (RFC 3339 years 1-9999,
 * uint64 epochs), which DuckDB would refuse to cast: they are brought inside
 * it here, which changes no answer, since no stored span lies outside.
 */
export const INT64_MAX = 0x7fffffffffffffffn;

const clamp = (v: bigint): bigint => (v < 0n ? 0n : v > INT64_MAX ? INT64_MAX : v);
const clampOptional = (v: bigint | undefined): bigint | undefined => (v === undefined ? undefined : clamp(v));

/** The query with storable bounds, or undefined when no stored span can match. */
export function storableQuery(q: TraceQuery): TraceQuery | undefined {
  if ((q.startTimeMax !== undefined && q.startTimeMax < 0n) || (q.startTimeMin !== undefined && q.startTimeMin > INT64_MAX)) return undefined;
  if ((q.durationMax !== undefined && q.durationMax < 0n) || (q.durationMin !== undefined && q.durationMin > INT64_MAX)) return undefined;
  const out: TraceQuery = { ...q };
  for (const k of ['startTimeMin', 'startTimeMax', 'durationMin', 'durationMax'] as const) {
    if (q[k] === undefined) delete out[k];
    else out[k] = clamp(q[k]);
  }
  return out;
}

/** A lookup's bounds are hints for narrowing the scan: clamped. */
export function storableLookup(l: TraceLookup): TraceLookup {
  const out: TraceLookup = { traceId: l.traceId };
  const start = clampOptional(l.startTime);
  const end = clampOptional(l.endTime);
  if (start !== undefined) out.startTime = start;
  if (end !== undefined) out.endTime = end;
  return out;
}

/** The window endTime - lookback .. endTime, cut to the storable range. */
export function storableDependencies(q: DependencyQuery): DependencyQuery {
  const endTime = clamp(q.endTime);
  const start = clamp(q.endTime - q.lookback);
  return { endTime, lookback: endTime > start ? endTime - start : 0n };
}
