import type { TraceQuery } from '../storage/api/query.ts';

/** The bounds every query runs within (--query-max-limit, --query-max-window, --query-timeout, --query-max-answer-bytes). */
export interface QueryLimits {
  /** Most traces one search returns; a larger limit is lowered to it. */
  maxLimit: number;
  /** Widest search window, ns (0: none); a wider one keeps its end and starts this long before it. */
  maxWindowNs: bigint;
  /** Deadline of every query, ms (0: none). */
  timeoutMs: number;
  /** Span data one answer may hold (ReadOptions.maxBytes; 0: no cap). */
  maxAnswerBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxLimit: 1000,
  maxWindowNs: 0n,
  timeoutMs: 30_000,
  maxAnswerBytes: 64 * 1024 * 1024,
};

/**
 * Lowers a search's limit and narrows its window to the caps, as Tempo does
 * with its max_result_limit (a larger limit is lowered, not refused), so the
 * Jaeger UI and Grafana get the most recent traces rather than an error.
 * Returns the query to run and a note for each cap applied.
 */
export function capSearch(query: TraceQuery, limits: QueryLimits): { query: TraceQuery; notes: { cap: 'limit' | 'window'; text: string }[] } {
  const notes: { cap: 'limit' | 'window'; text: string }[] = [];
  const out = { ...query };
  if (limits.maxLimit > 0 && out.limit > limits.maxLimit) {
    notes.push({ cap: 'limit', text: `limit ${out.limit} lowered to ${limits.maxLimit} (--query-max-limit)` });
    out.limit = limits.maxLimit;
  }
  if (limits.maxWindowNs > 0n && out.startTimeMax !== undefined) {
    const from = out.startTimeMax - limits.maxWindowNs;
    if (out.startTimeMin === undefined || out.startTimeMin < from) {
      notes.push({ cap: 'window', text: `search window narrowed to the ${formatNs(limits.maxWindowNs)} before its end (--query-max-window)` });
      out.startTimeMin = from;
    }
  }
  return { query: out, notes };
}

function formatNs(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  if (s % 3600n === 0n) return `${s / 3600n}h`;
  if (s % 60n === 0n) return `${s / 60n}m`;
  return `${s}s`;
}
