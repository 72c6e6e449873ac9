import type { Context } from 'hono';
import { SPAN_KIND_NAMES } from '../../model/span.ts';
import { nowNanos } from '../../model/time.ts';
import { spansToJaegerTrace } from '../../protocols/jaeger-json/encoder.ts';
import type { HttpEnv } from '../../server/http.ts';
import type { TraceLookup } from '../../storage/api/query.ts';
import { BadParamError, type QueryFailure } from '../errors.ts';
import { newCall, type QueryService } from '../query-service.ts';
import { parseLegacySearch, parseSpanKind } from './legacy-search-params.ts';
import { envelope, jsonResponse, legacyError, legacyErrorResponse, withNotes } from './respond.ts';
import { optionalEpoch, optionalMillis, paramsOf, parseBool, parseTraceIdParam } from './params.ts';
import type { QueryRouter } from './router.ts';

const DAY_NANOS = 24n * 3600n * 1_000_000_000n;

function onError(f: QueryFailure, c: Context<HttpEnv>): Response {
  return legacyErrorResponse(f, isPretty(c));
}

function isPretty(c: Context<HttpEnv>): boolean {
  return c.req.query('prettyPrint') === 'true';
}

/** Jaeger's HTTP API (/api/...), answered in its envelope. */
export function registerLegacyRoutes(r: QueryRouter, svc: QueryService): void {
  r.get('/api/services', 'legacy', onError, async (c) => {
    const data = await svc.getServices(newCall(c.req.raw.signal));
    return jsonResponse(envelope(data, data.length));
  });

  r.get('/api/services/:service/operations', 'legacy', onError, async (c) => {
    const ops = await svc.getOperations({ service: c.req.param('service') ?? '' }, newCall(c.req.raw.signal));
    const names = [...new Set(ops.map((o) => o.name))].sort();
    return jsonResponse(envelope(names, names.length));
  });

  r.get('/api/operations', 'legacy', onError, async (c) => {
    const service = c.req.query('service');
    if (!service) throw new BadParamError('service', 'parameter is required');
    const kind = c.req.query('spanKind');
    const ops = await svc.getOperations(kind ? { service, spanKind: parseSpanKind('spanKind', kind) } : { service }, newCall(c.req.raw.signal));
    const data = ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] }));
    return jsonResponse(envelope(data, data.length));
  });

  r.get('/api/traces', 'legacy', onError, async (c) => {
    const p = paramsOf(c.req.url);
    const raw = parseBool('raw', p.get('raw'));
    const search = parseLegacySearch(p, nowNanos());
    const call = newCall(c.req.raw.signal);
    if (search.kind === 'ids') {
      const { traces, missing } = await svc.getTraces(search.traceIds.map((traceId) => ({ traceId })), raw, call);
      const errors = missing.map((id) => legacyError({ status: 404, message: 'trace not found', traceId: id }));
      return withNotes(jsonResponse(envelope(traces.map(spansToJaegerTrace), 0, errors.length > 0 ? errors : null), 200, isPretty(c)), call);
    }
    const traces = await svc.findTraces(search.query, raw, call);
    return withNotes(jsonResponse(envelope(traces.map(spansToJaegerTrace)), 200, isPretty(c)), call);
  });

  r.get('/api/traces/:traceID', 'legacy', onError, async (c) => {
    const p = paramsOf(c.req.url);
    const lookup: TraceLookup = { traceId: parseTraceIdParam('traceID', c.req.param('traceID') ?? '') };
    const start = optionalEpoch(p, 'start');
    const end = optionalEpoch(p, 'end');
    if (start !== undefined) lookup.startTime = start;
    if (end !== undefined) lookup.endTime = end;
    const call = newCall(c.req.raw.signal);
    const spans = await svc.getTrace(lookup, parseBool('raw', p.get('raw')), call);
    return withNotes(jsonResponse(envelope([spansToJaegerTrace(spans)]), 200, isPretty(c)), call);
  });

  r.get('/api/dependencies', 'legacy', onError, async (c) => {
    const p = paramsOf(c.req.url);
    const endTime = optionalMillis(p, 'endTs') ?? nowNanos();
    const lookback = optionalMillis(p, 'lookback') ?? DAY_NANOS;
    const links = await svc.getDependencies({ endTime, lookback }, newCall(c.req.raw.signal));
    return jsonResponse(envelope(links.map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount }))));
  });

  // No metrics store: what Jaeger answers when METRICS_STORAGE_TYPE is unset.
  for (const path of ['/api/metrics/latencies', '/api/metrics/calls', '/api/metrics/errors', '/api/metrics/minstep']) {
    r.get(path, 'legacy', onError, async () =>
      jsonResponse(envelope(null, 0, [{ code: 501, msg: 'metrics querying is currently disabled' }]), 501),
    );
  }

  // No archive store: Jaeger's answer without archive storage.
  r.post('/api/archive/:traceID', 'legacy', onError, async () =>
    jsonResponse(envelope(null, 0, [{ code: 500, msg: 'archive span storage was not configured' }]), 500),
  );
}
