import type * as grpc from '@grpc/grpc-js';
import { SPAN_KIND_NAMES, type Span } from '../../model/span.ts';
import { encodeTracesData } from '../../protocols/otlp/index.ts';
import { grpcServiceDefinition, type ProtoTimestamp } from '../../protocols/jaeger/proto.ts';
import { BadParamError } from '../errors.ts';
import { parseSpanKind } from '../http/legacy-search-params.ts';
import { parseTraceIdParam } from '../http/params.ts';
import type { QueryService } from '../query-service.ts';
import { summarizeTrace } from '../trace-summary.ts';
import type { GrpcHandlers } from './handlers.ts';
import { protoToTraceQuery, timeIfSet, traceLookup, type ProtoTraceQuery } from './query-params.ts';
import { ApiV3QueryService } from './v3/schema.ts';

/** Traces are written straight from the model with the OTLP encoder: one TracesData per trace. */
const encodeSpans = (spans: unknown) => Buffer.from(encodeTracesData(spans as Span[]));

export const API_V3_QUERY_SERVICE: grpc.ServiceDefinition = grpcServiceDefinition(ApiV3QueryService, {
  GetTrace: { responseSerialize: encodeSpans },
  FindTraces: { responseSerialize: encodeSpans },
});

interface GetTraceRequest {
  traceId?: string | null;
  startTime?: ProtoTimestamp | null;
  endTime?: ProtoTimestamp | null;
  rawTraces?: boolean | null;
}

/** jaeger.api_v3.QueryService: OTLP traces, services, operations, dependencies, summaries. */
export function apiV3QueryImplementation(svc: QueryService, h: GrpcHandlers): grpc.UntypedServiceImplementation {
  return {
    GetTrace: h.serverStream('GetTrace', async (req: GetTraceRequest, send: (spans: Span[]) => Promise<void>) => {
      const lookup = traceLookup(parseTraceIdParam('trace_id', req.traceId ?? ''), req);
      await send(await svc.getTrace(lookup, Boolean(req.rawTraces)));
    }),
    FindTraces: h.serverStream('FindTraces', async (req: { query?: ProtoTraceQuery | null }, send: (spans: Span[]) => Promise<void>, q) => {
      const { query, raw } = protoToTraceQuery(req.query, true);
      for (const trace of await svc.findTraces(query, raw, q)) await send(trace);
    }),
    GetServices: h.unary('GetServices', async (_req, q) => ({ services: await svc.getServices(q) })),
    GetOperations: h.unary('GetOperations', async (req: { service?: string | null; spanKind?: string | null }, q) => {
      if (!req.service) throw new BadParamError('service', 'is required');
      const ops = await svc.getOperations(req.spanKind ? { service: req.service, spanKind: parseSpanKind('span_kind', req.spanKind) } : { service: req.service }, q);
      return { operations: ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.spanKind] })) };
    }),
    GetDependencies: h.unary('GetDependencies', async (req: { startTime?: ProtoTimestamp | null; endTime?: ProtoTimestamp | null }, q) => {
      const start = timeIfSet(req.startTime);
      const end = timeIfSet(req.endTime);
      if (start === undefined) throw new BadParamError('start_time', 'is required');
      if (end === undefined) throw new BadParamError('end_time', 'is required');
      if (start > end) throw new BadParamError('start_time', 'must be before end_time');
      const links = await svc.getDependencies({ endTime: end, lookback: end - start }, q);
      return { dependencies: links.map((l) => ({ parent: l.parent, child: l.child, callCount: l.callCount })) };
    }),
    FindTraceSummaries: h.serverStream('FindTraceSummaries', async (req: { query?: ProtoTraceQuery | null }, send, q) => {
      const { query } = protoToTraceQuery(req.query, true);
      // The decimal-string times encode exactly as fixed64.
      const summaries = (await svc.findTraces(query, false, q)).map(summarizeTrace);
      if (summaries.length > 0) await send({ summaries });
    }),
  };
}
