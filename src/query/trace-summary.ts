import { StatusCode, type Span } from '../model/span.ts';

/** One row of the Jaeger UI's search results (`/api/v3/trace-summaries`). */
export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootOperationName: string;
  /** Decimal strings: nanoseconds do not fit a JSON number. */
  minStartTimeUnixNano: string;
  maxEndTimeUnixNano: string;
  spanCount: number;
  errorSpanCount: number;
  /** Spans whose parent is not in the trace. */
  orphanSpanCount: number;
  services: { name: string; spanCount: number; errorSpanCount: number }[];
}

/**
 * The root is the earliest span without a parent; if every span has one
 * (the root is missing), the earliest orphan stands in, so the UI always has
 * a name to show.
 */
export function summarizeTrace(spans: readonly Span[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  let root: Span | undefined;
  let orphanRoot: Span | undefined;
  let min: bigint | undefined;
  let max: bigint | undefined;
  let errors = 0;
  let orphans = 0;
  const services = new Map<string, { name: string; spanCount: number; errorSpanCount: number }>();
  for (const s of spans) {
    if (min === undefined || s.startTimeUnixNano < min) min = s.startTimeUnixNano;
    if (max === undefined || s.endTimeUnixNano > max) max = s.endTimeUnixNano;
    const isError = s.status.code === StatusCode.ERROR;
    if (isError) errors++;
    const name = s.resource.serviceName;
    const svc = services.get(name) ?? services.set(name, { name, spanCount: 0, errorSpanCount: 0 }).get(name)!;
    svc.spanCount++;
    if (isError) svc.errorSpanCount++;
    if (s.parentSpanId === '') {
      if (!root || s.startTimeUnixNano < root.startTimeUnixNano) root = s;
    } else if (!ids.has(s.parentSpanId)) {
      orphans++;
      if (!orphanRoot || s.startTimeUnixNano < orphanRoot.startTimeUnixNano) orphanRoot = s;
    }
  }
  const head = root ?? orphanRoot ?? spans[0];
  return {
    traceId: spans[0]?.traceId ?? '',
    rootServiceName: head?.resource.serviceName ?? '',
    rootOperationName: head?.name ?? '',
    minStartTimeUnixNano: (min ?? 0n).toString(),
    maxEndTimeUnixNano: (max ?? 0n).toString(),
    spanCount: spans.length,
    errorSpanCount: errors,
    orphanSpanCount: orphans,
    services: [...services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
