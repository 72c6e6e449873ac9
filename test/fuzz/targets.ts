import { grpcQuery } from './targets/grpc-query.ts';
import { httpBody } from './targets/http-body.ts';
import { jaegerAgentBinary, jaegerAgentCompact, jaegerProto, jaegerThriftHttp } from './targets/jaeger.ts';
import { otlpJson, otlpProto } from './targets/otlp.ts';
import { goDuration, queryLegacy, queryV3, queryV3Body, rfc3339, transform } from './targets/query.ts';
import { storeRecords } from './targets/store.ts';
import { zipkinV1Json, zipkinV1Thrift, zipkinV2Json, zipkinV2Proto } from './targets/zipkin.ts';
import type { FuzzTarget } from './target.ts';

/** Every decoder of untrusted input, by name. */
export const TARGETS: FuzzTarget<any>[] = [
  otlpProto,
  otlpJson,
  zipkinV2Json,
  zipkinV2Proto,
  zipkinV1Json,
  zipkinV1Thrift,
  jaegerThriftHttp,
  jaegerAgentCompact,
  jaegerAgentBinary,
  jaegerProto,
  httpBody,
  queryLegacy,
  queryV3,
  queryV3Body,
  rfc3339,
  goDuration,
  transform,
  grpcQuery,
  storeRecords,
];
