import type { SpanKind } from '../../model/span.ts';

/**
 * A trace search. A trace matches when ONE span of it satisfies every
 * condition at once (Jaeger's semantics); the whole trace is returned.
 */
export interface TraceQuery {
  /** Process/resource service name; undefined searches every service. */
  service?: string;
  operation?: string;
  spanKind?: SpanKind;
  /** Every filter must hold on the same span. */
  tags: TagFilter[];
  /** Bounds on the matching span's start time, nanoseconds. */
  startTimeMin?: bigint;
  startTimeMax?: bigint;
  /** Bounds on the matching span's duration, nanoseconds, inclusive. */
  durationMin?: bigint;
  durationMax?: bigint;
  /** Keep the most recent traces (by the latest matching span start). */
  limit: number;
}

/**
 * A tag condition. Values compare as strings ("200" matches an int 200). It
 * holds when the span's attributes, its resource's attributes or the fields of
 * one of its events satisfy it; `error=true` also matches an error status.
 */
export type TagFilter =
  | { key: string; op: 'equals'; value: string }
  | { key: string; op: 'notEquals'; value: string }
  | { key: string; op: 'exists' };

export interface TraceLookup {
  traceId: string;
  /** Optional bounds (nanoseconds) a store may use to narrow its scan. */
  startTime?: bigint;
  endTime?: bigint;
}

export interface OperationQuery {
  service: string;
  spanKind?: SpanKind;
}

export interface Operation {
  name: string;
  spanKind: SpanKind;
}

export interface DependencyQuery {
  endTime: bigint;
  lookback: bigint;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}
