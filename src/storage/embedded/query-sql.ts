import { StatusCode } from '../../model/span.ts';
import type { TagFilter, TraceQuery } from '../api/query.ts';
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

/** Conditions on span alias `s` in catalog `a`, shared by every partition (the parameters are the same). */
function searchConditions(a: string, q: TraceQuery, params: Sql['params']): string {
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
  if (q.startTimeMin !== undefined) {
    params.tmin = q.startTimeMin;
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
  q.tags.forEach((f, i) => c.push(tagCondition(a, f, i, params)));
  return c.length === 0 ? 'TRUE' : c.join(' AND ');
}

function tagCondition(a: string, f: TagFilter, i: number, params: Sql['params']): string {
  params[`k${i}`] = f.key;
  let valueCond = '';
  if (f.op !== 'exists') {
    params[`v${i}`] = f.value;
    valueCond = ` AND value = $v${i}`;
  }
  const alternatives = [
    `s.seq IN (SELECT seq FROM ${a}.span_attrs WHERE key_id = (SELECT id FROM ${a}.attr_keys WHERE key = $k${i})${valueCond})`,
    `s.resource IN (SELECT id FROM ${a}.resource_tags WHERE key = $k${i}${valueCond})`,
  ];
  const derived = derivedStatusCondition(f);
  if (derived) alternatives.push(derived);
  const any = `(${alternatives.join(' OR ')})`;
  return f.op === 'notEquals' ? `NOT ${any}` : any;
}

/** The tags match.ts derives from the status: error=true and otel.status_code. */
function derivedStatusCondition(f: TagFilter): string | undefined {
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
 * holding its latest matching span.
 */
export function findTraceIdsSql(aliases: readonly string[], q: TraceQuery): Sql {
  const params: Sql['params'] = {};
  const limit = Math.max(0, Math.trunc(q.limit));
  const subs = aliases.map(
    (a) =>
      `(SELECT s.trace_id, max(s.start_ns) AS latest FROM ${a}.spans s WHERE ${searchConditions(a, q, params)} ` +
      `GROUP BY s.trace_id ORDER BY latest DESC LIMIT ${limit})`,
  );
  return {
    text: `SELECT trace_id, max(latest) AS latest FROM (${subs.join(' UNION ALL ')}) GROUP BY trace_id ORDER BY latest DESC, trace_id DESC LIMIT ${limit}`,
    params,
  };
}

/** Where the given traces' spans are: (part, trace_id, min_seq, max_seq) rows, `part` indexing `aliases`. */
export function traceRangesSql(aliases: readonly string[], traceIds: readonly bigint[]): Sql {
  const cond = traceIds.length === 1 ? `= ${traceIds[0]}::UHUGEINT` : `IN (${traceIds.map((id) => `${id}::UHUGEINT`).join(', ')})`;
  const subs = aliases.map((a, part) => `SELECT ${part} AS part, trace_id, min_seq, max_seq FROM ${a}.trace_ranges WHERE trace_id ${cond}`);
  return { text: subs.join(' UNION ALL '), params: {} };
}

/** Seq ranges [from, to] of one partition, by its index in `aliases`. */
export type SeqRanges = Map<number, [bigint, bigint][]>;

/**
 * Above this many ranges in one partition, a read takes the partition's
 * whole span of seqs (with the exact filter) instead of one scan per range.
 */
const MAX_RANGES = 64;

function rangeCondition(column: string, ranges: [bigint, bigint][]): string {
  if (ranges.length > MAX_RANGES) return `${column} BETWEEN ${ranges[0]![0]} AND ${ranges[ranges.length - 1]![1]}`;
  return '(' + ranges.map(([a, b]) => `${column} BETWEEN ${a} AND ${b}`).join(' OR ') + ')';
}

/**
 * Every span of the given traces inside the seq ranges trace_ranges gave.
 * `seq` is sorted in each file, so DuckDB's zone maps skip the row groups
 * outside the ranges; the trace filter then drops other traces' rows. One
 * query per partition: a UNION ALL of one query per range measured slower.
 */
export function spansInRangesSql(aliases: readonly string[], ranges: SeqRanges, traceIds: readonly bigint[]): Sql | undefined {
  const cond = traceIds.length === 1 ? `= ${traceIds[0]}::UHUGEINT` : `IN (${traceIds.map((id) => `${id}::UHUGEINT`).join(', ')})`;
  const subs = [...ranges].map(([part, list]) => `SELECT ${part} AS part, ${SPAN_COLUMNS} FROM ${aliases[part]}.spans s WHERE ${rangeCondition('s.seq', list)} AND s.trace_id ${cond}`);
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

/** The span_attrs rows of these spans (seqs per partition): (part, seq, key, value, type, pos, raw). */
export function attrsOfSpansSql(aliases: readonly string[], seqs: Map<number, bigint[]>): Sql | undefined {
  const subs: string[] = [];
  for (const [part, list] of seqs) {
    const a = aliases[part]!;
    let min = list[0]!;
    let max = list[0]!;
    for (const q of list) {
      if (q < min) min = q;
      if (q > max) max = q;
    }
    // The range lets zone maps skip row groups; the list is the exact filter.
    subs.push(
      `SELECT ${part} AS part, t.seq, k.key, t.value, t.type, t.pos, t.raw FROM ${a}.span_attrs t JOIN ${a}.attr_keys k ON k.id = t.key_id ` +
        `WHERE t.seq BETWEEN ${min} AND ${max} AND t.seq IN (${list.join(', ')})`,
    );
  }
  return subs.length === 0 ? undefined : { text: subs.join(' UNION ALL '), params: {} };
}

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
