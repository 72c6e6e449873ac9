import type { TraceLookup, TraceQuery } from '../../storage/api/query.ts';
import { BadParamError } from '../errors.ts';
import { DEFAULT_LIMIT, parseSpanKind, parseTagsJson } from './legacy-search-params.ts';
import { firstOf, optionalDuration, parseBool, parseLimit, parseTraceIdParam, type Params } from './params.ts';
import { parseRfc3339 } from './rfc3339.ts';

/** Each api_v3 parameter in the proto's snake_case and the JSON camelCase the UI sends. */
const P = {
  service: ['query.service_name', 'query.serviceName'],
  operation: ['query.operation_name', 'query.operationName'],
  startMin: ['query.start_time_min', 'query.startTimeMin'],
  startMax: ['query.start_time_max', 'query.startTimeMax'],
  durationMin: ['query.duration_min', 'query.durationMin'],
  durationMax: ['query.duration_max', 'query.durationMax'],
  attributes: ['query.attributes'],
  depth: ['query.search_depth', 'query.searchDepth', 'query.num_traces', 'query.numTraces'],
  raw: ['query.raw_traces', 'query.rawTraces'],
  spanKind: ['query.span_kind', 'query.spanKind'],
} as const;

export interface V3Search {
  query: TraceQuery;
  raw: boolean;
}

/** `GET /api/v3/traces` and `/api/v3/trace-summaries` parameters -> a TraceQuery. */
export function parseV3Search(p: Params): V3Search {
  const min = required(p, P.startMin);
  const max = required(p, P.startMax);
  const startTimeMin = parseRfc3339(min.name, min.value);
  // The api_v3 IDL makes the upper bound exclusive; TraceQuery's is inclusive.
  const startTimeMax = parseRfc3339(max.name, max.value) - 1n;
  if (startTimeMin > startTimeMax + 1n) throw new BadParamError(min.name, 'must not be after the maximum start time');
  const depth = firstOf(p, P.depth);
  const query: TraceQuery = {
    tags: parseTagsJson(firstOf(p, P.attributes)?.value),
    startTimeMin,
    startTimeMax,
    limit: parseLimit(depth?.name ?? 'query.search_depth', depth?.value, DEFAULT_LIMIT),
  };
  const service = firstOf(p, P.service);
  if (service) query.service = service.value;
  const operation = firstOf(p, P.operation);
  if (operation) query.operation = operation.value;
  const kind = firstOf(p, P.spanKind);
  if (kind) query.spanKind = parseSpanKind(kind.name, kind.value);
  // As in Jaeger's api_v3 (non-nullable durations), a zero bound means "no bound".
  const durationMin = nonZero(optionalDuration(p, P.durationMin));
  const durationMax = nonZero(optionalDuration(p, P.durationMax));
  if (durationMin !== undefined) query.durationMin = durationMin;
  if (durationMax !== undefined) query.durationMax = durationMax;
  if (durationMin !== undefined && durationMax !== undefined && durationMax < durationMin) {
    throw new BadParamError('query.duration_max', 'must not be less than query.duration_min');
  }
  const raw = firstOf(p, P.raw);
  return { query, raw: raw ? parseBool(raw.name, raw.value) : false };
}

/** `GET /api/v3/traces/{id}`: optional start_time/end_time bounds and raw_traces. */
export function parseV3TraceLookup(id: string, p: Params): { lookup: TraceLookup; raw: boolean } {
  const lookup: TraceLookup = { traceId: parseTraceIdParam('trace_id', id) };
  const start = firstOf(p, ['start_time', 'startTime']);
  const end = firstOf(p, ['end_time', 'endTime']);
  if (start) lookup.startTime = parseRfc3339(start.name, start.value);
  if (end) lookup.endTime = parseRfc3339(end.name, end.value);
  const raw = firstOf(p, ['raw_traces', 'rawTraces']);
  return { lookup, raw: raw ? parseBool(raw.name, raw.value) : false };
}

/**
 * The body of `POST /api/v3/traces` and `/api/v3/trace-summaries`
 * (`{"query": {...}}`, proto JSON names in either case) as query parameters,
 * so both bindings share one parser.
 */
export function paramsOfV3Body(text: string): Params {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BadParamError('body', 'malformed JSON');
  }
  const query = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).query : undefined;
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new BadParamError('query', 'expected a JSON object under "query"');
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    map.set(`query.${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  return { get: (name) => map.get(name), all: (name) => (map.has(name) ? [map.get(name)!] : []) };
}

function required(p: Params, names: readonly string[]): { name: string; value: string } {
  const v = firstOf(p, names);
  if (!v) throw new BadParamError(names[0]!, 'parameter is required (an RFC 3339 time)');
  return v;
}

function nonZero(d: bigint | undefined): bigint | undefined {
  return d === 0n ? undefined : d;
}
