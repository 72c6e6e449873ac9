import type * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { InputError, PermanentError } from '../../../src/component/errors.ts';
import { InvalidIdError, traceIdFromBytes } from '../../../src/model/ids.ts';
import { MalformedRequest, timestampToNanos } from '../../../src/protocols/jaeger/proto.ts';
import { API_V2_QUERY_SERVICE } from '../../../src/query/grpc/v2-query-service.ts';
import { API_V3_QUERY_SERVICE } from '../../../src/query/grpc/v3-query-service.ts';
import { protoToTraceQuery } from '../../../src/query/grpc/query-params.ts';
import { parseSpanKind } from '../../../src/query/http/legacy-search-params.ts';
import { parseTraceIdParam } from '../../../src/query/http/params.ts';
import { hex, text, traceId } from '../model-arb.ts';
import { fuzzBytes } from '../mutate.ts';
import type { FuzzTarget } from '../target.ts';

const expected = (err: unknown): boolean => err instanceof InputError || err instanceof PermanentError || err instanceof InvalidIdError;

const timestamp = fc.record({ seconds: fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.constantFrom('-9223372036854775808', '9223372036854775807')), nanos: fc.integer({ min: -1, max: 999_999_999 }) });
const query = fc.record(
  {
    serviceName: text,
    operationName: text,
    tags: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    attributes: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
    startTimeMin: timestamp,
    startTimeMax: timestamp,
    durationMin: timestamp,
    durationMax: timestamp,
    searchDepth: fc.integer({ min: -5, max: 2000 }),
    rawTraces: fc.boolean(),
  },
  { requiredKeys: [] },
);

type Api = 'v2' | 'v3';
const DEFINITIONS: Record<Api, grpc.ServiceDefinition> = { v2: API_V2_QUERY_SERVICE, v3: API_V3_QUERY_SERVICE };

/** Valid requests of each method, as a client's protobufjs would write them. */
const requests: fc.Arbitrary<{ api: Api; method: string; message: object }> = fc.oneof(
  fc.record({ api: fc.constantFrom<Api>('v2', 'v3'), method: fc.constant('FindTraces'), message: fc.record({ query }) }),
  fc.record({ api: fc.constant<Api>('v3'), method: fc.constant('FindTraceSummaries'), message: fc.record({ query }) }),
  fc.record({ api: fc.constant<Api>('v2'), method: fc.constant('GetTrace'), message: fc.record({ traceId: hex(16).map((h) => Buffer.from(h, 'hex')), startTime: timestamp, endTime: timestamp, rawTraces: fc.boolean() }, { requiredKeys: ['traceId'] }) }),
  fc.record({ api: fc.constant<Api>('v3'), method: fc.constant('GetTrace'), message: fc.record({ traceId, startTime: timestamp, endTime: timestamp, rawTraces: fc.boolean() }, { requiredKeys: ['traceId'] }) }),
  fc.record({ api: fc.constantFrom<Api>('v2', 'v3'), method: fc.constant('GetOperations'), message: fc.record({ service: text, spanKind: fc.constantFrom('server', 'client', '', 'x') }) }),
  fc.record({ api: fc.constantFrom<Api>('v2', 'v3'), method: fc.constant('GetDependencies'), message: fc.record({ startTime: timestamp, endTime: timestamp }) }),
);

interface Request {
  api: Api;
  method: string;
  bytes: Uint8Array;
}

/** What each handler reads from its request before it asks the store (the handlers' own parameter checks). */
function readParameters(api: Api, method: string, req: Record<string, any>): void {
  switch (method) {
    case 'FindTraces':
    case 'FindTraceSummaries':
      protoToTraceQuery(req.query, api === 'v3');
      return;
    case 'GetTrace':
      if (api === 'v2') traceIdFromBytes(req.traceId ?? new Uint8Array(0));
      else parseTraceIdParam('trace_id', req.traceId ?? '');
      timestampToNanos(req.startTime);
      timestampToNanos(req.endTime);
      return;
    case 'GetOperations':
      if (req.spanKind) parseSpanKind('span_kind', req.spanKind);
      return;
    case 'GetDependencies':
      timestampToNanos(req.startTime);
      timestampToNanos(req.endTime);
      return;
  }
}

/** The query gRPC port (api_v2 and api_v3 QueryService): request bytes through the service's deserializer, then its parameter checks. */
export const grpcQuery: FuzzTarget<Request> = {
  name: 'grpc-query-requests',
  input: requests.chain(({ api, method, message }) =>
    fuzzBytes(fc.constant(new Uint8Array(DEFINITIONS[api][method]!.requestSerialize(message)))).map((bytes) => ({ api, method, bytes })),
  ),
  run: ({ api, method, bytes }) => {
    const req = DEFINITIONS[api][method]!.requestDeserialize(Buffer.from(bytes)) as Record<string, unknown> | MalformedRequest;
    // The handlers answer INVALID_ARGUMENT with its error.
    if (req instanceof MalformedRequest) throw req.error;
    readParameters(api, method, req);
  },
  expected,
};
