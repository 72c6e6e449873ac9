import { jaegerAgentBinary, jaegerAgentCompact, jaegerProto, jaegerThriftHttp } from './targets/jaeger.ts';
import { otlpJson, otlpProto } from './targets/otlp.ts';
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
];
