import * as grpc from '@grpc/grpc-js';
import { traceIdFromBytes } from '../../model/ids.ts';
import { SPAN_KIND_NAMES, type Span } from '../../model/span.ts';
import { nowNanos } from '../../model/time.ts';
import type { SpanWithWarnings } from '../../protocols/jaeger-json/encoder.ts';
import { spansToJaegerProto } from '../../protocols/jaeger/model-to-proto.ts';
import { grpcServiceDefinition, QueryService as ApiV2QueryService, type ProtoSpan, type ProtoTimestamp } from '../../protocols/jaeger/proto.ts';
import type { TraceLookup } from '../../storage/api/query.ts';
import { BadParamError } from '../errors.ts';
import { parseSpanKind } from '../http/legacy-search-params.ts';
import type { QueryService } from '../query-service.ts';
import { GrpcStatusError } from './grpc-errors.ts';
import type { GrpcHandlers } from './handlers.ts';
import { protoToTraceQuery, timeIfSet, traceLookup, type ProtoTraceQuery } from './query-params.ts';

/** Jaeger sends a trace in chunks of this many spans. */
export const SPANS_PER_CHUNK = 10;

interface GetTraceRequest {
  traceId?: Uint8Array | null;
  startTime?: ProtoTimestamp | null;
  endTime?: ProtoTimestamp | null;
  rawTraces?: boolean | null;
}

export const API_V2_QUERY_SERVICE: grpc.ServiceDefinition = grpcServiceDefinition(ApiV2QueryService);

/** jaeger.api_v2.QueryService (Kiali, Grafana, jaeger-query clients) over the query service. */
export function apiV2QueryImplementation(svc: QueryService, h: GrpcHandlers): grpc.UntypedServiceImplementation {
  return {
    GetTrace: h.serverStream('GetTrace', async (req: GetTraceRequest, send, q) => {
      const lookup = lookupOf(req);
      await sendChunks(await svc.getTrace(lookup, Boolean(req.rawTraces), q), send);
    }),
    ArchiveTrace: h.unary('ArchiveTrace', async () => {
      throw new GrpcStatusError(grpc.status.INTERNAL, 'failed to archive trace: archive span storage was not configured');
    }),
    FindTraces: h.serverStream('FindTraces', async (req: { query?: ProtoTraceQuery | null }, send, q) => {
      const { query, raw } = protoToTraceQuery(req.query, false);
      for (const trace of await svc.findTraces(query, raw, q)) await sendChunks(trace, send);
    }),
    GetServices: h.unary('GetServices', async (_req, q) => ({ services: await svc.getServices(q) })),
    GetOperations: h.unary('GetOperations', async (req: { service?: string | null; spanKind?: string | null }, q) => {
      if (!req.service) throw new BadParamError('service', 'is required');
      const ops = await svc.getOperations(req.spanKind ? { service: req.service, spanKind: parseSpanKind('span_kind', req.spanKind) } : { service: req.service }, q);
      return {
        operationNames: [...new Set(ops.map((o) => o.name))],
        operations: ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })),
      };
    }),
    GetDependencies: h.unary('GetDependencies', async (req: { startTime?: ProtoTimestamp | null; endTime?: ProtoTimestamp | null }, q) => {
      const end = timeIfSet(req.endTime) ?? nowNanos();
      const start = timeIfSet(req.startTime) ?? end - 24n * 3600n * 1_000_000_000n;
      if (start > end) throw new BadParamError('start_time', 'must be before end_time');
      const links = await svc.getDependencies({ endTime: end, lookback: end - start }, q);
      return { dependencies: links.map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount, source: '' })) };
    }),
  };
}

function lookupOf(req: GetTraceRequest): TraceLookup {
  if (!req.traceId || req.traceId.length === 0) throw new BadParamError('trace_id', 'uninitialized TraceID is not allowed');
  return traceLookup(traceIdFromBytes(req.traceId), req);
}

async function sendChunks(spans: SpanWithWarnings[], send: (m: { spans: ProtoSpan[] }) => Promise<void>): Promise<void> {
  const proto = spansToJaegerProto(spans as Span[]);
  spans.forEach((s, i) => {
    if (s.warnings && s.warnings.length > 0) proto[i]!.warnings = [...s.warnings];
  });
  for (let i = 0; i < proto.length; i += SPANS_PER_CHUNK) await send({ spans: proto.slice(i, i + SPANS_PER_CHUNK) });
}
