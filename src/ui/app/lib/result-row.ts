import { buildTraceModel } from './trace-model.ts';
import type { JaegerTrace, TraceSummary } from './types.ts';

/** One search result, from an api_v3 summary or from a whole trace (uploads, traceID= links). */
export interface ResultRow {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startUs: number;
  durationUs: number;
  spanCount: number;
  errorCount: number;
  services: { name: string; spanCount: number; errorSpanCount: number }[];
}

export function rowFromSummary(s: TraceSummary): ResultRow {
  const min = BigInt(s.minStartTimeUnixNano || '0');
  const max = BigInt(s.maxEndTimeUnixNano || '0');
  return {
    traceId: s.traceId,
    rootService: s.rootServiceName,
    rootOperation: s.rootOperationName,
    startUs: Number(min / 1000n),
    durationUs: Number((max - min) / 1000n),
    spanCount: s.spanCount,
    errorCount: s.errorSpanCount,
    services: s.services,
  };
}

export function rowFromTrace(t: JaegerTrace): ResultRow {
  const m = buildTraceModel(t);
  return {
    traceId: t.traceID,
    rootService: m.rootService,
    rootOperation: m.rootOperation,
    startUs: m.startTime,
    durationUs: m.duration,
    spanCount: m.nodes.length,
    errorCount: m.errorCount,
    services: m.services.map((s) => ({ name: s.name, spanCount: s.count, errorSpanCount: s.errors })),
  };
}

export type SortKey = 'recent' | 'longest' | 'shortest' | 'most-spans';

export function sortRows(rows: readonly ResultRow[], key: SortKey): ResultRow[] {
  const out = [...rows];
  const cmp: Record<SortKey, (a: ResultRow, b: ResultRow) => number> = {
    recent: (a, b) => b.startUs - a.startUs,
    longest: (a, b) => b.durationUs - a.durationUs,
    shortest: (a, b) => a.durationUs - b.durationUs,
    'most-spans': (a, b) => b.spanCount - a.spanCount,
  };
  return out.sort(cmp[key]);
}
