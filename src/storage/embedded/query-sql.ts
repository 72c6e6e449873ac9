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
    `s.seq IN (SELECT seq FROM ${a}.span_tags WHERE key = $k${i}${valueCond})`,
    `s.resource_id IN (SELECT id FROM ${a}.resource_tags WHERE key = $k${i}${valueCond})`,
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

/**
 * Every span of the given traces (IDs as UHUGEINT integers). For a few IDs,
 * one equality per ID and partition, because DuckDB answers `trace_id = x`
 * from the ART index but plans `trace_id IN (...)` as a scan with a hash
 * join; for many IDs that scan is the cheaper plan anyway.
 */
export function tracesSql(aliases: readonly string[], traceIds: readonly bigint[]): Sql {
  const subs: string[] = [];
  const list = traceIds.map((id) => `${id}::UHUGEINT`).join(', ');
  aliases.forEach((a, part) => {
    // `part` tells rows of different partitions apart (seq is per partition).
    const select = `SELECT ${SPAN_COLUMNS}, ${part} AS part FROM ${a}.spans s WHERE`;
    if (traceIds.length <= INDEX_LOOKUP_MAX_IDS) for (const id of traceIds) subs.push(`${select} s.trace_id = ${id}::UHUGEINT`);
    else subs.push(`${select} s.trace_id IN (${list})`);
  });
  return { text: subs.join(' UNION ALL '), params: {} };
}

/** Above this many IDs per partition, tracesSql scans instead of looking each ID up. */
export const INDEX_LOOKUP_MAX_IDS = 64;

/** The encoded resources or scopes with these content IDs (each partition holds those its spans use). */
export function blobsSql(aliases: readonly string[], table: 'resources' | 'scopes', ids: readonly bigint[]): Sql {
  const list = ids.map((id) => `${id}`).join(', ');
  const subs = aliases.map((a) => `SELECT id, data FROM ${a}.${table} WHERE id IN (${list})`);
  return { text: `SELECT id, any_value(data) FROM (${subs.join(' UNION ALL ')}) GROUP BY id`, params: {} };
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
