import { StatusCode } from '../../model/span.ts';
import type { TagFilter, TraceQuery } from '../api/query.ts';
import { coalesceRanges, type Ranges } from './seq-ranges.ts';
import { SPAN_FIXED_BYTES } from '../api/answer-budget.ts';
import { SPAN_COLUMNS } from './schema.ts';

/**
 * The SQL of every read, over a list of partition catalogs. User values go
 * in as named parameters; only catalog aliases (generated, [A-Za-z0-9_])
 * and integers the store computed itself are spliced into the text.
 *
 * Search follows src/storage/api/match.ts: every condition must hold on one
 * span row; a tag holds when the span's own or event attributes (span_tags),
 * its resource's attributes (resource_tags) or the derived status tags do.
 */
export interface Sql {
  text: string;
  params: Record<string, string | bigint | number>;
}

const STATUS_ERROR = StatusCode.ERROR;

/** One partition to search, and the seq ranges its matches must lie in (undefined: anywhere). */
export interface SearchTarget {
  alias: string;
  ranges?: Ranges;
}

/**
 * Conditions on span alias `s` of one partition. The parameters are named
 * the same for every partition; `ranges` (from attr_index and the time
 * window, trace-search.ts) bound both the spans and the span_attrs scans, so
 * zone maps on seq skip the rest of both tables.
 */
function searchConditions(t: SearchTarget, q: TraceQuery, params: Sql['params'], minStart: bigint | undefined): string {
  const c: string[] = [];
  if (q.service !== undefined) {
    params.service = q.service;
    c.push('s.service = $service');
  }
  if (q.operation !== undefined) {
    params.operation = q.operation;
    c.push('s.name = $operation');
  }
  if (q.spanKind !== undefined) c.push(`s.kind = ${Number(q.spanKind)}`);
  const tmin = minStart !== undefined && (q.startTimeMin === undefined || minStart > q.startTimeMin) ? minStart : q.startTimeMin;
  if (tmin !== undefined) {
    params.tmin = tmin;
    c.push('s.start_ns >= $tmin::BIGINT');
  }
  if (q.startTimeMax !== undefined) {
    params.tmax = q.startTimeMax;
    c.push('s.start_ns <= $tmax::BIGINT');
  }
  if (q.durationMin !== undefined) {
    params.dmin = q.durationMin;
    c.push('s.duration_ns >= $dmin::BIGINT');
  }
  if (q.durationMax !== undefined) {
    params.dmax = q.durationMax;
    c.push('s.duration_ns <= $dmax::BIGINT');
  }
  q.tags.forEach((f, i) => c.push(tagCondition(t, f, i, params)));
  return c.length === 0 ? 'TRUE' : c.join(' AND ');
}

function tagCondition(t: SearchTarget, f: TagFilter, i: number, params: Sql['params']): string {
  const a = t.alias;
  params[`k${i}`] = f.key;
  let valueCond = '';
  if (f.op !== 'exists') {
    params[`v${i}`] = f.value;
    valueCond = ` AND value = $v${i}`;
  }
  const alternatives = [
    `s.seq IN (SELECT seq FROM ${inRanges(`${a}.span_attrs`, t.ranges)} WHERE key_id = (SELECT id FROM ${a}.attr_keys WHERE key = $k${i})${valueCond})`,
    `s.resource IN (SELECT id FROM ${a}.resource_tags WHERE key = $k${i}${valueCond})`,
  ];
  const derived = derivedStatusCondition(f);
  if (derived) alternatives.push(derived);
  const any = `(${alternatives.join(' OR ')})`;
  return f.op === 'notEquals' ? `NOT ${any}` : any;
}

/** The tags match.ts derives from the status: error=true and otel.status_code. */
export function derivedStatusCondition(f: TagFilter): string | undefined {
  if (f.key === 'error') {
    if (f.op === 'exists' || f.value === 'true') return `s.status_code = ${STATUS_ERROR}`;
  } else if (f.key === 'otel.status_code') {
    if (f.op === 'exists') return `s.status_code <> ${StatusCode.UNSET}`;
    if (f.value === 'ERROR') return `s.status_code = ${STATUS_ERROR}`;
    if (f.value === 'OK') return `s.status_code = ${StatusCode.OK}`;
  }
  return undefined;
}

/**
 * Matching trace IDs with the start of their latest matching span, most
 * recent first. Each partition keeps only its own top `limit`, which is
 * enough: a trace in the overall top `limit` is in the top of the partition
 * holding its latest matching span. `minStart` narrows the query's window
 * from below (trace-search.ts tries the newest part of the window first).
 */
export function findTraceIdsSql(targets: readonly SearchTarget[], q: TraceQuery, minStart?: bigint): Sql {
  const params: Sql['params'] = {};
  const limit = Math.max(0, Math.trunc(q.limit));
  const subs = targets.map(
    (t) =>
      `(SELECT s.trace_id, max(s.start_ns) AS latest FROM ${inRanges(`${t.alias}.spans`, t.ranges)} s WHERE ${searchConditions(t, q, params, minStart)} ` +
      `GROUP BY s.trace_id ORDER BY latest DESC LIMIT ${limit})`,
  );
  return {
    text: `SELECT trace_id, max(latest) AS latest FROM (${subs.join(' UNION ALL ')}) GROUP BY trace_id ORDER BY latest DESC, trace_id DESC LIMIT ${limit}`,
    params,
  };
}

/** The batches (seq ranges) whose attr_index holds one of these hashes. Rows (part, hash, first_seq, last_seq). */
export function attrIndexSql(aliases: readonly string[], hashes: readonly number[]): Sql {
  const list = hashes.map((h) => h >>> 0).join(', ');
  const subs = aliases.map((a, part) => `SELECT ${part} AS part, hash, first_seq, last_seq FROM ${a}.attr_index WHERE hash IN (${list})`);
  return { text: subs.join(' UNION ALL '), params: {} };
}

/** For each tag i (key k_i, value v_i): the partitions where some resource has it. Rows (part, i). */
export function resourceTagHitsSql(aliases: readonly string[], tags: readonly { key: string; value: string }[]): Sql {
  const params: Sql['params'] = {};
  tags.forEach((t, i) => {
    params[`k${i}`] = t.key;
    params[`v${i}`] = t.value;
  });
  const subs: string[] = [];
  aliases.forEach((a, part) => tags.forEach((_, i) => subs.push(`SELECT DISTINCT ${part} AS part, ${i} AS i FROM ${a}.resource_tags WHERE key = $k${i} AND value = $v${i}`)));
  return { text: subs.join(' UNION ALL '), params };
}

/** The seq range of the spans starting at or after `from`, per partition: rows (part, min, max), NULLs when none. */
export function seqRangeFromSql(aliases: readonly string[], from: bigint): Sql {
  const subs = aliases.map((a, part) => `SELECT ${part} AS part, min(seq), max(seq) FROM ${a}.spans WHERE start_ns >= $from::BIGINT`);
  return { text: subs.join(' UNION ALL '), params: { from } };
}

/** Where the given traces' spans are: (part, trace_id, min_seq, max_seq) rows, `part` indexing `aliases`. */
export function traceRangesSql(aliases: readonly string[], traceIds: readonly bigint[]): Sql {
  const oneOf = (values: string[]) => (values.length === 1 ? `= ${values[0]}` : `IN (${values.join(', ')})`);
  const cond = `tid32 ${oneOf([...new Set(traceIds.map((id) => String(id & 0xffffffffn)))])} AND trace_id ${oneOf(traceIds.map((id) => `${id}::UHUGEINT`))}`;
  const subs = aliases.map((a, part) => `SELECT ${part} AS part, trace_id, min_seq, max_seq FROM ${a}.trace_ranges WHERE ${cond}`);
  return { text: subs.join(' UNION ALL '), params: {} };
}

/** Seq ranges [from, to] of one partition, by its index in `aliases`. */
export type SeqRanges = Map<number, [bigint, bigint][]>;

/**
 * Above this many ranges in one partition (after joining the close ones), a
 * read takes the hull of the partition's ranges, with the exact filter.
 */
export const MAX_RANGES = 48;
/** Ranges closer than this many seqs (one DuckDB vector) are read as one. */
const RANGE_GAP = 2048n;

/**
 * The rows of `table` whose seq lies in `ranges`, as a FROM source: one scan
 * per range under UNION ALL, because DuckDB checks zone maps for a BETWEEN
 * but not for an OR of them (20 ranges over 3M spans: 15 ms as a union, 51
 * ms as an OR, which reads every row group). Many ranges: their hull. The
 * caller's own conditions stay exact; this only bounds what is read.
 */
function inRanges(table: string, ranges: Ranges | undefined): string {
  if (!ranges) return table;
  if (ranges.length === 0) return `(SELECT * FROM ${table} WHERE FALSE)`;
  return '(' + scanRanges(ranges).map(([a, b]) => `SELECT * FROM ${table} WHERE seq BETWEEN ${a} AND ${b}`).join(' UNION ALL ') + ')';
}

/** The ranges inRanges actually reads: the close ones joined, and only their hull when there are still many. */
function scanRanges(ranges: Ranges): Ranges {
  const scans = coalesceRanges(ranges, RANGE_GAP);
  return scans.length > MAX_RANGES ? [[scans[0]![0], scans[scans.length - 1]![1]]] : scans;
}

/**
 * Where a trace read that exceeded its byte budget stops: its spans are
 * ordered by (start_ns, part, seq) and kept up to and including this one.
 */
export interface TraceCut {
  startNs: bigint;
  part: number;
  seq: bigint;
}

/** The spans of partition `part` that a cut keeps (no condition without a cut). */
function cutCondition(part: number, cut: TraceCut | undefined): string {
  if (!cut) return '';
  const t = `${cut.startNs}::BIGINT`;
  if (part < cut.part) return ` AND s.start_ns <= ${t}`;
  if (part > cut.part) return ` AND s.start_ns < ${t}`;
  return ` AND (s.start_ns < ${t} OR (s.start_ns = ${t} AND s.seq <= ${cut.seq}))`;
}

/**
 * Every span of the given traces inside the seq ranges trace_ranges gave;
 * the trace filter drops other traces' rows in those ranges.
 */
export function spansInRangesSql(aliases: readonly string[], ranges: SeqRanges, traceIds: readonly bigint[], cut?: TraceCut): Sql | undefined {
  const cond = traceCondition(traceIds);
  const subs = [...ranges].map(
    ([part, list]) => `SELECT ${part} AS part, ${SPAN_COLUMNS} FROM ${inRanges(`${aliases[part]}.spans`, list)} s WHERE s.trace_id ${cond}${cutCondition(part, cut)}`,
  );
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

/**
 * The span_attrs rows of the given traces' spans, from the seq ranges
 * trace_ranges gave: (part, seq, key_id, value, type, pos, raw). It finds
 * the spans' seqs itself (a second, narrow scan of the same ranges) so that
 * it can run at the same time as spansInRangesSql, and only their rows are
 * read: other traces' attributes in the ranges may be large. The keys come
 * apart (attrKeysSql): a join with attr_keys here made DuckDB hold the
 * values in memory, failing with "Out of Memory" on large ones (1.5.x).
 */
export function attrsInRangesSql(aliases: readonly string[], ranges: SeqRanges, traceIds: readonly bigint[], cut?: TraceCut): Sql | undefined {
  const subs = [...ranges].map(([part, list]) => {
    const a = aliases[part]!;
    return `SELECT ${part} AS part, t.seq, t.key_id, t.value, t.type, t.pos, t.raw FROM ${inRanges(`${a}.span_attrs`, list)} t WHERE t.seq IN (${spanSeqs(a, part, list, traceIds, cut)})`;
  });
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

function spanSeqs(alias: string, part: number, list: Ranges, traceIds: readonly bigint[], cut?: TraceCut): string {
  return `SELECT s.seq FROM ${inRanges(`${alias}.spans`, list)} s WHERE s.trace_id ${traceCondition(traceIds)}${cutCondition(part, cut)}`;
}

/** Attribute key names by partition-local number: (part, id, key). */
export function attrKeysSql(aliases: readonly string[], wanted: Map<number, number[]>): Sql | undefined {
  const subs = [...wanted].map(([part, ids]) => `SELECT ${part} AS part, id, key FROM ${aliases[part]}.attr_keys WHERE id IN (${ids.map(Number).join(', ')})`);
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

/**
 * One row per span of the given traces: (trace_id, start_ns, part, seq,
 * bytes), `bytes` being answer-budget.ts's measure of its data (names,
 * status message, trace state, the events and links blob, and per attribute
 * its value plus 8 for the key). Aggregated by the two queries below, never
 * read back row by row.
 */
function spanBytesRows(aliases: readonly string[], ranges: SeqRanges, traceIds: readonly bigint[]): string {
  const cond = traceCondition(traceIds);
  return [...ranges]
    .map(([part, list]) => {
      const a = aliases[part]!;
      const attrs = `SELECT seq, sum(strlen(value) + coalesce(octet_length(raw), 0) + 8) AS bytes FROM ${inRanges(`${a}.span_attrs`, list)} WHERE seq IN (${spanSeqs(a, part, list, traceIds)}) GROUP BY seq`;
      return (
        `SELECT s.trace_id, s.start_ns, ${part} AS part, s.seq, ${SPAN_FIXED_BYTES} + strlen(s.name) + strlen(s.status_message) + strlen(s.trace_state) + coalesce(octet_length(s.extra), 0) + coalesce(a.bytes, 0) AS bytes ` +
        `FROM ${inRanges(`${a}.spans`, list)} s LEFT JOIN (${attrs}) a ON a.seq = s.seq WHERE s.trace_id ${cond}`
      );
    })
    .join(' UNION ALL ');
}

/** Each trace's span count and data bytes: (trace_id, spans, bytes). */
export function traceSizesSql(aliases: readonly string[], ranges: SeqRanges, traceIds: readonly bigint[]): Sql | undefined {
  if (ranges.size === 0) return undefined;
  return { text: `SELECT trace_id, count(*) AS spans, sum(bytes)::BIGINT AS bytes FROM (${spanBytesRows(aliases, ranges, traceIds)}) GROUP BY trace_id`, params: {} };
}

/** For one trace: how many of its earliest spans fit in `budget` bytes, and the last of them: (kept, start_ns, part, seq). */
export function traceCutSql(aliases: readonly string[], ranges: SeqRanges, traceId: bigint, budget: number): Sql | undefined {
  if (ranges.size === 0) return undefined;
  const acc = `SELECT start_ns, part, seq, sum(bytes) OVER (ORDER BY start_ns, part, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS acc FROM (${spanBytesRows(aliases, ranges, [traceId])})`;
  return {
    text: `SELECT count(*) AS kept, arg_max(start_ns, acc), arg_max(part, acc), arg_max(seq, acc) FROM (${acc}) WHERE acc <= $budget::BIGINT`,
    params: { budget: BigInt(Math.max(0, Math.floor(budget))) },
  };
}

const traceCondition = (ids: readonly bigint[]) => (ids.length === 1 ? `= ${ids[0]}::UHUGEINT` : `IN (${ids.map((id) => `${id}::UHUGEINT`).join(', ')})`);

/** Resources or scopes by partition-local number: (part, id, hash, data). */
export function blobsSql(aliases: readonly string[], table: 'resources' | 'scopes', wanted: Map<number, number[]>): Sql | undefined {
  const subs: string[] = [];
  for (const [part, ids] of wanted) subs.push(`SELECT ${part} AS part, id, hash, data FROM ${aliases[part]}.${table} WHERE id IN (${ids.map(Number).join(', ')})`);
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

export function servicesSql(aliases: readonly string[]): Sql {
  const subs = aliases.map((a) => `SELECT service FROM ${a}.operations`);
  return { text: `SELECT DISTINCT service FROM (${subs.join(' UNION ALL ')}) ORDER BY service`, params: {} };
}

export function operationsSql(aliases: readonly string[], service: string, kind?: number): Sql {
  const kindCond = kind === undefined ? '' : ` AND kind = ${Number(kind)}`;
  const subs = aliases.map((a) => `SELECT name, kind FROM ${a}.operations WHERE service = $service${kindCond}`);
  return { text: `SELECT DISTINCT name, kind FROM (${subs.join(' UNION ALL ')}) ORDER BY name, kind`, params: { service } };
}

/**
 * Parent service -> child service call counts, for child spans starting in
 * the window whose parent (same trace) is in the partitions searched and
 * belongs to another service.
 */
export function dependenciesSql(aliases: readonly string[], from: bigint, to: bigint): Sql {
  const subs = aliases.map((a) => `SELECT trace_id, span_id, parent_span_id, service, start_ns FROM ${a}.spans`);
  return {
    text:
      `WITH s AS (${subs.join(' UNION ALL ')}) ` +
      `SELECT p.service AS parent, c.service AS child, count(*) AS calls FROM s c JOIN s p ON c.trace_id = p.trace_id AND c.parent_span_id = p.span_id ` +
      `WHERE c.parent_span_id <> 0 AND c.start_ns BETWEEN $from::BIGINT AND $to::BIGINT AND p.service <> c.service GROUP BY ALL ORDER BY parent, child`,
    params: { from, to },
  };
}
