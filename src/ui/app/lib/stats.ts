import type { TraceModel } from './trace-model.ts';

export interface StatRow {
  service: string;
  operation: string;
  count: number;
  errors: number;
  total: number;
  self: number;
  avg: number;
  min: number;
  max: number;
}

/** Per service and operation: how many spans, their total and self time. */
export function traceStatistics(model: TraceModel): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const n of model.nodes) {
    const key = `${n.service}\u0000${n.span.operationName}`;
    let r = rows.get(key);
    if (!r) {
      r = { service: n.service, operation: n.span.operationName, count: 0, errors: 0, total: 0, self: 0, avg: 0, min: Infinity, max: 0 };
      rows.set(key, r);
    }
    r.count++;
    if (n.isError) r.errors++;
    r.total += n.duration;
    r.self += n.selfTime;
    if (n.duration < r.min) r.min = n.duration;
    if (n.duration > r.max) r.max = n.duration;
  }
  for (const r of rows.values()) r.avg = r.total / r.count;
  return [...rows.values()].sort((a, b) => b.self - a.self);
}
