import type { DuckDBValue } from '@duckdb/node-api';
import type { Span } from '../../model/span.ts';
import { mergeRanges } from './seq-ranges.ts';
import { attrsInRangesSql, blobsSql, spansInRangesSql, traceRangesSql, type SeqRanges, type Sql } from './query-sql.ts';
import type { Partition } from './partition-set.ts';
import { SpanRowDecoder, type TraceRows } from './span-rows.ts';

/** Runs one query on the read's connection (nothing to run: no rows). */
export type Run = (sql: Sql | undefined) => Promise<DuckDBValue[][]>;

/**
 * Whole traces from the partitions in `aliases`, without an index: where
 * they are (the small trace_ranges table), their span rows in those seq
 * ranges, then those spans' attribute rows, resources and scopes.
 */
export async function readTraces(parts: readonly Partition[], run: Run, ids: bigint[], decoder: SpanRowDecoder): Promise<Span[]> {
  const aliases = parts.map((p) => p.alias);
  const where = await run(traceRangesSql(aliases, ids));
  if (where.length === 0) return [];
  const ranges = seqRanges(where, 0, 2, 3);
  // Two queries at once: `run` gives each running query a connection of its own. Both settle
  // before a failure is thrown, so no connection is closed under a running query.
  const [spanRows, attrs] = await bothSettled(run(spansInRangesSql(aliases, ranges, ids)), run(attrsInRangesSql(aliases, ranges, ids)));
  if (spanRows.length === 0) return [];
  const rows: TraceRows = {
    spans: spanRows,
    attrs,
    resources: await blobRows(parts, run, 'resources', SpanRowDecoder.wanted(spanRows, 13), decoder),
    scopes: await blobRows(parts, run, 'scopes', SpanRowDecoder.wanted(spanRows, 14), decoder),
  };
  return decoder.decode(rows, new Set(ids));
}

async function bothSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

// Partition-local number -> content hash, inverted from the writer's maps (numbers are dense from 0).
const numbered = new WeakMap<ReadonlyMap<bigint, number>, bigint[]>();
function hashesByNumber(byHash: ReadonlyMap<bigint, number>): bigint[] {
  let list = numbered.get(byHash);
  if (!list || list.length !== byHash.size) {
    list = new Array<bigint>(byHash.size);
    for (const [hash, no] of byHash) list[no] = hash;
    numbered.set(byHash, list);
  }
  return list;
}

/**
 * The (part, id, hash, data) rows of the resources or scopes the spans name.
 * The writer's memory knows every committed number's content hash, so only
 * the ones the decoder has not decoded yet are read (data NULL for the rest).
 */
async function blobRows(parts: readonly Partition[], run: Run, table: 'resources' | 'scopes', wanted: Map<number, number[]>, decoder: SpanRowDecoder): Promise<DuckDBValue[][]> {
  const rows: DuckDBValue[][] = [];
  const missing = new Map<number, number[]>();
  for (const [part, numbers] of wanted) {
    const hashes = hashesByNumber(parts[part]![table]);
    for (const no of numbers) {
      const hash = hashes[no];
      if (hash !== undefined && decoder.has(table, hash)) rows.push([part, no, hash, null]);
      else {
        let list = missing.get(part);
        if (!list) missing.set(part, (list = []));
        list.push(no);
      }
    }
  }
  if (missing.size > 0) rows.push(...(await run(blobsSql(parts.map((p) => p.alias), table, missing))));
  return rows;
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
  for (const [part, list] of byPart) byPart.set(part, mergeRanges(list));
  return byPart;
}
