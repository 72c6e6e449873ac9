import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grpcQuery } from './targets/grpc-query.ts';
import { jaegerAgentCompact, jaegerProto, jaegerThriftHttp } from './targets/jaeger.ts';
import { otlpProto } from './targets/otlp.ts';
import { storeRecords } from './targets/store.ts';
import { zipkinV1Thrift, zipkinV2Proto } from './targets/zipkin.ts';
import { describeOutcome, runOne, type FuzzTarget } from './target.ts';

/**
 * Length prefixes and element counts claiming about 2 GB, at the start of
 * each binary format: refused as malformed, without allocating for the claim.
 * (The fuzzer mutates such prefixes into every position; these pin the first.)
 */
const MAX_I32 = [0x7f, 0xff, 0xff, 0xff];
const VARINT_2G = [0xff, 0xff, 0xff, 0xff, 0x07];
const bytes = (...parts: (number | number[] | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));

const cases: [FuzzTarget<any>, string, unknown][] = [
  [otlpProto, 'resource_spans of 2^31-1 bytes', bytes(0x0a, VARINT_2G)],
  [zipkinV2Proto, 'a span of 2^31-1 bytes', bytes(0x0a, VARINT_2G)],
  [jaegerProto, 'a batch of 2^31-1 bytes', bytes(0x0a, VARINT_2G)],
  [jaegerThriftHttp, 'a service name of 2^31-1 bytes', bytes(0x0c, 0x00, 0x01, 0x0b, 0x00, 0x01, MAX_I32)],
  [jaegerThriftHttp, 'a list of 2^31-1 spans', bytes(0x0f, 0x00, 0x02, 0x0c, MAX_I32)],
  [jaegerAgentCompact, 'a service name of 2^31-1 bytes', bytes(0x82, 0x81, 0x00, 9, 'emitBatch', 0x1c, 0x1c, 0x18, VARINT_2G)],
  [zipkinV1Thrift, 'a list of 2^31-1 spans', bytes(0x0c, MAX_I32)],
  [zipkinV1Thrift, 'a span name of 2^31-1 bytes', bytes(0x0c, 0, 0, 0, 1, 0x0b, 0x00, 0x03, MAX_I32)],
  [grpcQuery, 'a query of 2^31-1 bytes', { api: 'v3', method: 'FindTraces', bytes: bytes(0x0a, VARINT_2G) }],
  [storeRecords, 'a string of 2^31-1 bytes', { kind: 'resource', bytes: bytes(0x01, VARINT_2G) }],
];

for (const [target, what, input] of cases) {
  test(`${target.name}: ${what} is refused without allocating it`, async () => {
    const before = process.memoryUsage().arrayBuffers;
    const outcome = await runOne(target, input);
    assert.equal(outcome.kind, 'refused', describeOutcome(outcome));
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024, 'allocated for the claimed length');
  });
}
