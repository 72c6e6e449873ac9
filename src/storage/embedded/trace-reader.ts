import type { DuckDBValue } from '@duckdb/node-api';
import type { Span } from '../../model/span.ts';
import { mergeRanges } from './seq-ranges.ts';
import type { TruncatedTrace } from '../api/storage.ts';
import { attrKeysSql, attrsInRangesSql, blobsSql, spansInRangesSql, traceCutSql, traceRangesSql, traceSizesSql, type SeqRanges, type Sql, type TraceCut } from './query-sql.ts';
import type { Partition } from './partition-set.ts';
import { SpanRowDecoder, type TraceRows } from './span-rows.ts';

/** Runs one query on the read's connection (nothing to run: no rows). */
export type Run = (sql: Sql | undefined) => Promise<DuckDBValue[][]>;

/** What a trace read returns: the spans, and the traces the byte budget cut or left out. */
export interface TraceReadResult {
  spans: Span[];
  truncated: TruncatedTrace[];
}

/**
 * Whole traces from the partitions in `aliases`, without an index: where
 * they are (the small trace_ranges table), their span rows in those seq
 * ranges, then those spans' attribute rows, resources and scopes. With
 * `maxBytes`, the traces' sizes are measured first (an aggregate: nothing is
 * read back) and only what fits is read, as ReadOptions says: the memory a
 * read takes is bounded by the budget, whatever the traces hold.
 */
export async function readTraces(parts: readonly Partition[], run: Run, ids: bigint[], decoder: SpanRowDecoder, maxBytes?: number): Promise<TraceReadResult> {
  const aliases = parts.map((p) => p.alias);
  const where = await run(traceRangesSql(aliases, ids));
  if (where.length === 0) return { spans: [], truncated: [] };
  const rangesOf = (of: bigint[]) => {
    const set = new Set(of);
    return seqRanges(where.filter((r) => set.has(r[1] as bigint)), 0, 2, 3);
  };
  const plan = maxBytes === undefined ? { whole: ids, truncated: [] } : await fitBudget(aliases, run, ids, seqRanges(where, 0, 2, 3), rangesOf, maxBytes);
  const spans = plan.whole.length > 0 ? await readSpans(parts, run, rangesOf(plan.whole), plan.whole, decoder) : [];
  if (plan.cut) spans.push(...(await readSpans(parts, run, rangesOf([plan.cut.id]), [plan.cut.id], decoder, plan.cut.at)));
  return { spans, truncated: plan.truncated };
}

interface BudgetPlan {
  whole: bigint[];
  cut?: { id: bigint; at: TraceCut };
  truncated: TruncatedTrace[];
}

/** Which traces are read whole, which one is cut and where, within `maxBytes` (most recent, the order of `ids`, first). */
async function fitBudget(aliases: string[], run: Run, ids: bigint[], all: SeqRanges, rangesOf: (of: bigint[]) => SeqRanges, maxBytes: number): Promise<BudgetPlan> {
  const sizes = new Map<bigint, { spans: number; bytes: number }>();
  for (const [id, spans, bytes] of await run(traceSizesSql(aliases, all, ids))) sizes.set(id as bigint, { spans: Number(spans as bigint), bytes: Number(bytes as bigint) });
  const plan: BudgetPlan = { whole: [], truncated: [] };
  let left = maxBytes;
  for (const id of ids) {
    const size = sizes.get(id);
    if (!size) continue;
    if (size.bytes <= left) {
      plan.whole.push(id);
      left -= size.bytes;
      continue;
    }
    let kept = 0;
    if (left > 0) {
      const [row] = await run(traceCutSql(aliases, rangesOf([id]), id, left));
      kept = row ? Number(row[0] as bigint) : 0;
      if (kept > 0) plan.cut = { id, at: { startNs: row![1] as bigint, part: row![2] as number, seq: row![3] as bigint } };
    }
    left = 0;
    plan.truncated.push({ traceId: hex32(id), keptSpans: kept, totalSpans: size.spans });
  }
  return plan;
}

const hex32 = (id: bigint) => id.toString(16).padStart(32, '0');

async function readSpans(parts: readonly Partition[], run: Run, ranges: SeqRanges, ids: bigint[], decoder: SpanRowDecoder, cut?: TraceCut): Promise<Span[]> {
  const aliases = parts.map((p) => p.alias);
  // Two queries at once: `run` gives each running query a connection of its own. Both settle
  // before a failure is thrown, so no connection is closed under a running query.
  const [spanRows, attrRows] = await bothSettled(run(spansInRangesSql(aliases, ranges, ids, cut)), run(attrsInRangesSql(aliases, ranges, ids, cut)));
  if (spanRows.length === 0) return [];
  const rows: TraceRows = {
    spans: spanRows,
    attrs: await withKeys(aliases, run, attrRows),
    resources: await blobRows(parts, run, 'resources', SpanRowDecoder.wanted(spanRows, 13), decoder),
    scopes: await blobRows(parts, run, 'scopes', SpanRowDecoder.wanted(spanRows, 14), decoder),
  };
  return decoder.decode(rows, new Set(ids));
}

/** Replaces the key numbers (column 2) of attribute rows by the key names. */
async function withKeys(aliases: string[], run: Run, rows: DuckDBValue[][]): Promise<DuckDBValue[][]> {
  const wanted = new Map<number, Set<number>>();
  for (const r of rows) {
    const part = r[0] as number;
    let set = wanted.get(part);
    if (!set) wanted.set(part, (set = new Set()));
    set.add(Number(r[2]));
  }
  const keys = new Map<string, string>();
  for (const [part, id, key] of await run(attrKeysSql(aliases, new Map([...wanted].map(([p, set]) => [p, [...set]]))))) keys.set(`${String(part)}:${Number(id)}`, key as string);
  for (const r of rows) {
    const key = keys.get(`${String(r[0])}:${Number(r[2])}`);
    if (key === undefined) throw new Error(`embedded store: attribute key ${String(r[0])}:${Number(r[2])} of a stored span is missing`);
    r[2] = key;
  }
  return rows;
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
