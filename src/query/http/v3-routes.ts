import type { Context } from 'hono';
import { SPAN_KIND_NAMES } from '../../model/span.ts';
import { spansToOtlpJson } from '../../protocols/otlp/index.ts';
import { readBody } from '../../receivers/shared/http-body.ts';
import type { HttpEnv } from '../../server/http.ts';
import { BadParamError, type QueryFailure } from '../errors.ts';
import { newCall, type QueryService } from '../query-service.ts';
import { summarizeTrace } from '../trace-summary.ts';
import { parseSpanKind } from './legacy-search-params.ts';
import { firstOf, paramsOf, type Params } from './params.ts';
import { parseRfc3339 } from './rfc3339.ts';
import { jsonResponse, v3ErrorResponse, withNotes } from './respond.ts';
import type { QueryRouter } from './router.ts';
import { paramsOfV3Body, parseV3Search, parseV3TraceLookup } from './v3-params.ts';

/** Search requests are small; 1 MiB is plenty. */
const MAX_SEARCH_BODY_BYTES = 1024 * 1024;

async function readJsonBody(c: Context<HttpEnv>): Promise<string> {
  return (await readBody(c.env.incoming, MAX_SEARCH_BODY_BYTES)).toString('utf8');
}

function onError(f: QueryFailure): Response {
  return v3ErrorResponse(f.status === 404 ? { ...f, message: 'No traces found' } : f);
}

function noTraces(): Response {
  return v3ErrorResponse({ status: 404, message: 'No traces found' });
}

/** api_v3 over HTTP (Jaeger's grpc-gateway shapes): OTLP JSON traces, services, operations, summaries. */
export function registerV3Routes(r: QueryRouter, svc: QueryService): void {
  r.get('/api/v3/services', 'v3', onError, async (c) => jsonResponse({ services: await svc.getServices(newCall(c.req.raw.signal)) }));

  r.get('/api/v3/operations', 'v3', onError, async (c) => {
    const p = paramsOf(c.req.url);
    const service = firstOf(p, ['service', 'query.service_name', 'query.serviceName']);
    if (!service) throw new BadParamError('service', 'parameter is required');
    const kind = firstOf(p, ['spanKind', 'span_kind']);
    const ops = await svc.getOperations(kind ? { service: service.value, spanKind: parseSpanKind(kind.name, kind.value) } : { service: service.value }, newCall(c.req.raw.signal));
    return jsonResponse({ operations: ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })) });
  });

  r.get('/api/v3/traces/:traceID', 'v3', onError, async (c) => {
    const { lookup, raw } = parseV3TraceLookup(c.req.param('traceID') ?? '', paramsOf(c.req.url));
    const call = newCall(c.req.raw.signal);
    const spans = await svc.getTrace(lookup, raw, call);
    return withNotes(jsonResponse({ result: spansToOtlpJson(spans) }), call);
  });

  const findTraces = async (p: Params, signal: AbortSignal) => {
    const { query, raw } = parseV3Search(p);
    const call = newCall(signal);
    const traces = await svc.findTraces(query, raw, call);
    if (traces.length === 0) return withNotes(noTraces(), call);
    return withNotes(jsonResponse({ result: spansToOtlpJson(traces.flat()) }), call);
  };
  r.get('/api/v3/traces', 'v3', onError, (c) => findTraces(paramsOf(c.req.url), c.req.raw.signal));
  r.post('/api/v3/traces', 'v3', onError, async (c) => findTraces(paramsOfV3Body(await readJsonBody(c)), c.req.raw.signal));

  const findSummaries = async (p: Params, signal: AbortSignal) => {
    const { query } = parseV3Search(p);
    const call = newCall(signal);
    const traces = await svc.findTraces(query, false, call);
    return withNotes(jsonResponse({ summaries: traces.map(summarizeTrace) }), call);
  };
  r.get('/api/v3/trace-summaries', 'v3', onError, (c) => findSummaries(paramsOf(c.req.url), c.req.raw.signal));
  r.post('/api/v3/trace-summaries', 'v3', onError, async (c) => findSummaries(paramsOfV3Body(await readJsonBody(c)), c.req.raw.signal));

  r.get('/api/v3/dependencies', 'v3', onError, async (c) => {
    const p = paramsOf(c.req.url);
    const start = firstOf(p, ['start_time', 'startTime']);
    const end = firstOf(p, ['end_time', 'endTime']);
    if (!start) throw new BadParamError('start_time', 'parameter is required (an RFC 3339 time)');
    if (!end) throw new BadParamError('end_time', 'parameter is required (an RFC 3339 time)');
    const startTime = parseRfc3339(start.name, start.value);
    const endTime = parseRfc3339(end.name, end.value);
    if (startTime > endTime) throw new BadParamError(start.name, 'must not be after end_time');
    const links = await svc.getDependencies({ endTime, lookback: endTime - startTime }, newCall(c.req.raw.signal));
    // uint64 call_count: a decimal string in proto3 JSON.
    return jsonResponse({ dependencies: links.map((l) => ({ parent: l.parent, child: l.child, callCount: String(l.callCount) })) });
  });
}
