import { spanKindFromName } from '../../model/span.ts';
import type { TagFilter, TraceQuery } from '../../storage/api/query.ts';
import { BadParamError } from '../errors.ts';
import { optionalDuration, optionalEpoch, parseLimit, parseTraceIdParam, type Params } from './params.ts';

export const DEFAULT_LIMIT = 100;
/** The window searched when the client gives no start: the last two days, as the Jaeger UI's widest default. */
export const DEFAULT_LOOKBACK_NANOS = 2n * 24n * 3600n * 1_000_000_000n;

export type LegacySearch = { kind: 'ids'; traceIds: string[] } | { kind: 'query'; query: TraceQuery };

/**
 * `GET /api/traces` parameters -> a TraceQuery (or a list of trace IDs).
 * Beyond Jaeger: `service` is optional, `spanKind` filters the matching
 * span, and `tag` also takes `key!=value` (not equal) and a bare `key` (exists).
 */
export function parseLegacySearch(p: Params, now: bigint): LegacySearch {
  const ids = p.all('traceID').filter((v) => v !== '');
  if (ids.length > 0) return { kind: 'ids', traceIds: [...new Set(ids.map((v) => parseTraceIdParam('traceID', v)))] };

  const end = optionalEpoch(p, 'end') ?? now;
  const start = optionalEpoch(p, 'start') ?? end - DEFAULT_LOOKBACK_NANOS;
  if (start > end) throw new BadParamError('start', 'must not be after end');
  const durationMin = optionalDuration(p, ['minDuration']);
  const durationMax = optionalDuration(p, ['maxDuration']);
  if (durationMin !== undefined && durationMax !== undefined && durationMax < durationMin) {
    throw new BadParamError('maxDuration', 'must not be less than minDuration');
  }
  const query: TraceQuery = {
    tags: [...parseTagsJson(p.get('tags')), ...p.all('tag').map(parseTagParam)],
    startTimeMin: start,
    startTimeMax: end,
    limit: parseLimit('limit', p.get('limit'), DEFAULT_LIMIT),
  };
  const service = p.get('service');
  if (service) query.service = service;
  const operation = p.get('operation');
  if (operation) query.operation = operation;
  const kind = p.get('spanKind');
  if (kind) query.spanKind = parseSpanKind('spanKind', kind);
  if (durationMin !== undefined) query.durationMin = durationMin;
  if (durationMax !== undefined) query.durationMax = durationMax;
  return { kind: 'query', query };
}

/** `tags={"k":"v",...}`: every pair must hold (equality only; numbers and booleans compare as their text). */
export function parseTagsJson(raw: string | undefined): TagFilter[] {
  if (raw === undefined || raw === '') return [];
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch {
    throw new BadParamError('tags', `malformed JSON: ${truncate(raw)}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new BadParamError('tags', 'expected a JSON object of key to value');
  return Object.entries(obj as Record<string, unknown>).map(([key, value]) => {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new BadParamError('tags', `the value of "${key}" must be a string`);
    }
    return { key, op: 'equals' as const, value: String(value) };
  });
}

/**
 * `tag=key:value` (Jaeger; the value may contain ':'), `tag=key!=value` and
 * `tag=key` (Waymark). Whichever of ':' and '!=' comes first decides.
 */
export function parseTagParam(raw: string): TagFilter {
  const colon = raw.indexOf(':');
  const ne = raw.indexOf('!=');
  if (ne >= 0 && (colon < 0 || ne < colon)) return { key: nonEmptyKey(raw.slice(0, ne), raw), op: 'notEquals', value: raw.slice(ne + 2) };
  if (colon >= 0) return { key: nonEmptyKey(raw.slice(0, colon), raw), op: 'equals', value: raw.slice(colon + 1) };
  return { key: nonEmptyKey(raw, raw), op: 'exists' };
}

export function parseSpanKind(name: string, raw: string): NonNullable<TraceQuery['spanKind']> {
  const k = spanKindFromName(raw);
  if (k === undefined) throw new BadParamError(name, `"${raw}" is not a span kind (server, client, producer, consumer, internal)`);
  return k;
}

function nonEmptyKey(key: string, raw: string): string {
  if (key === '') throw new BadParamError('tag', `"${truncate(raw)}" has no key: expected key:value, key!=value or key`);
  return key;
}

function truncate(s: string): string {
  return s.length > 80 ? s.slice(0, 80) + '...' : s;
}
