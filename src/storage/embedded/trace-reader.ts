import type { DuckDBValue } from '@duckdb/node-api';
import type { Span } from '../../model/span.ts';
import { attrsOfSpansSql, blobsSql, spansInRangesSql, traceRangesSql, type SeqRanges, type Sql } from './query-sql.ts';
import { SpanRowDecoder, type TraceRows } from './span-rows.ts';

/** Runs one query on the read's connection (nothing to run: no rows). */
export type Run = (sql: Sql | undefined) => Promise<DuckDBValue[][]>;

/**
 * Whole traces from the partitions in `aliases`, without an index: where
 * they are (the small trace_ranges table), their span rows in those seq
 * ranges, then those spans' attribute rows, resources and scopes.
 */
export async function readTraces(aliases: string[], run: Run, ids: bigint[], decoder: SpanRowDecoder): Promise<Span[]> {
  const where = await run(traceRangesSql(aliases, ids));
  if (where.length === 0) return [];
  const spanRows = await run(spansInRangesSql(aliases, seqRanges(where, 0, 2, 3), ids));
  if (spanRows.length === 0) return [];
  const rows: TraceRows = {
    spans: spanRows,
    attrs: await run(attrsOfSpansSql(aliases, seqsByPart(spanRows))),
    resources: await run(blobsSql(aliases, 'resources', SpanRowDecoder.wanted(spanRows, 13))),
    scopes: await run(blobsSql(aliases, 'scopes', SpanRowDecoder.wanted(spanRows, 14))),
  };
  return decoder.decode(rows, new Set(ids));
}

/** Seq ranges per partition, merged and sorted, from rows whose columns `partCol`, `fromCol`, `toCol` hold them. */
function seqRanges(rows: DuckDBValue[][], partCol: number, fromCol: number, toCol: number): SeqRanges {
  const byPart = new Map<number, [bigint, bigint][]>();
  for (const r of rows) {
    const part = r[partCol] as number;
    let list = byPart.get(part);
    if (!list) byPart.set(part, (list = []));
    list.push([r[fromCol] as bigint, r[toCol] as bigint]);
  }
  for (const [part, list] of byPart) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: [bigint, bigint][] = [];
    for (const [a, b] of list) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1] + 1n) last[1] = b > last[1] ? b : last[1];
      else merged.push([a, b]);
    }
    byPart.set(part, merged);
  }
  return byPart;
}

/** The seq (column 1) of each row, by partition (column 0). */
function seqsByPart(rows: DuckDBValue[][]): Map<number, bigint[]> {
  const out = new Map<number, bigint[]>();
  for (const r of rows) {
    const part = r[0] as number;
    let list = out.get(part);
    if (!list) out.set(part, (list = []));
    list.push(r[1] as bigint);
  }
  return out;
}
