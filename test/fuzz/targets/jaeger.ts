import fc from 'fast-check';
import { PermanentError } from '../../../src/component/errors.ts';
import { InvalidIdError } from '../../../src/model/ids.ts';
import { spansToJaegerProto } from '../../../src/protocols/jaeger/model-to-proto.ts';
import { JaegerProto } from '../../../src/protocols/jaeger/proto.ts';
import { decodePostSpansRequest } from '../../../src/protocols/jaeger/proto-to-model.ts';
import { readEmitBatchMessage, readThriftBatch } from '../../../src/protocols/jaeger/thrift-reader.ts';
import { thriftBatchToSpans } from '../../../src/protocols/jaeger/thrift-to-model.ts';
import type { ThriftBatch, ThriftSpan, ThriftTag } from '../../../src/protocols/jaeger/thrift-types.ts';
import { encodeBatch, encodeEmitBatch } from '../../jaeger/support/thrift-writer.ts';
import { assertSame } from '../../support/plain.ts';
import { spans, text } from '../model-arb.ts';
import { fuzzBytes } from '../mutate.ts';
import { checkSpans } from '../model-check.ts';
import type { FuzzTarget, RoundTrip } from '../target.ts';

const expected = (err: unknown): boolean => err instanceof PermanentError || err instanceof InvalidIdError;

const i64 = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: 1n, max: 2n ** 32n }));
const micros = fc.bigInt({ min: 1_500_000_000_000_000n, max: 2_000_000_000_000_000n });

const tag: fc.Arbitrary<ThriftTag> = fc.oneof(
  fc.record({ key: text, vType: fc.constant(0), vStr: text }),
  fc.record({ key: text, vType: fc.constant(1), vDouble: fc.double() }),
  fc.record({ key: text, vType: fc.constant(2), vBool: fc.boolean() }),
  fc.record({ key: text, vType: fc.constant(3), vLong: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
  fc.record({ key: text, vType: fc.constant(4), vBinary: fc.uint8Array({ maxLength: 12 }) }),
);
const tags = fc.array(tag, { maxLength: 4 });

const thriftSpan: fc.Arbitrary<ThriftSpan> = fc.record({
  traceIdLow: i64,
  traceIdHigh: fc.oneof(fc.constant(0n), i64),
  spanId: i64,
  parentSpanId: fc.oneof(fc.constant(0n), i64),
  operationName: text,
  references: fc.array(fc.record({ refType: fc.constantFrom(0, 1), traceIdLow: i64, traceIdHigh: fc.constant(0n), spanId: i64 }), { maxLength: 2 }),
  flags: fc.nat({ max: 3 }),
  startTime: micros,
  duration: fc.bigInt({ min: 0n, max: 10n ** 9n }),
  tags,
  logs: fc.array(fc.record({ timestamp: micros, fields: tags }), { maxLength: 2 }),
});

/** Jaeger Thrift Batches as jaeger-client builds them (IDs as the signed halves the wire carries). */
export const thriftBatch: fc.Arbitrary<ThriftBatch> = fc.record({
  process: fc.record({ serviceName: text, tags }),
  spans: fc.array(thriftSpan, { minLength: 1, maxLength: 3 }),
  seqNo: i64,
});

/** The thrift library's reader hands back exactly what its writer was given. */
const thriftRoundTrip = (encoding: 'binary' | 'compact') => ({
  input: thriftBatch,
  check(b: ThriftBatch) {
    assertSame(readThriftBatch(encodeBatch(b, encoding), encoding), b, `Jaeger Thrift ${encoding} Batch round trip`);
    assertSame(readEmitBatchMessage(encodeEmitBatch(b, encoding), encoding), b, `Jaeger Thrift ${encoding} emitBatch round trip`);
  },
});

/** A Thrift target: a bare Batch (the HTTP collector's body) or an emitBatch message (an agent datagram). */
function thriftTarget(name: string, encoding: 'binary' | 'compact', message: 'Batch' | 'emitBatch', roundTrip?: RoundTrip): FuzzTarget<Uint8Array> {
  const encode = message === 'Batch' ? encodeBatch : encodeEmitBatch;
  const read = message === 'Batch' ? readThriftBatch : readEmitBatchMessage;
  return {
    name,
    input: fuzzBytes(thriftBatch.map((b) => Uint8Array.from(encode(b, encoding)))),
    run: (buf) => checkSpans(thriftBatchToSpans(read(Buffer.from(buf), encoding))),
    expected,
    ...(roundTrip ? { roundTrip } : {}),
  };
}

/** POST /api/traces on the Jaeger HTTP collector port: a bare Batch in the binary protocol. */
export const jaegerThriftHttp = thriftTarget('jaeger-thrift-http', 'binary', 'Batch', thriftRoundTrip('binary'));
/** UDP 6831: emitBatch in the compact protocol. */
export const jaegerAgentCompact = thriftTarget('jaeger-agent-compact', 'compact', 'emitBatch', thriftRoundTrip('compact'));
/** UDP 6832: emitBatch in the binary protocol. */
export const jaegerAgentBinary = thriftTarget('jaeger-agent-binary', 'binary', 'emitBatch');

export function encodePostSpans(s: Parameters<typeof spansToJaegerProto>[0]): Uint8Array {
  return JaegerProto.PostSpansRequest.encode({ batch: { spans: spansToJaegerProto(s) } }).finish();
}

/** gRPC 14250 jaeger.api_v2.CollectorService/PostSpans. */
export const jaegerProto: FuzzTarget<Uint8Array> = {
  name: 'jaeger-proto',
  input: fuzzBytes(spans.map(encodePostSpans)),
  run: (buf) => checkSpans(decodePostSpansRequest(buf)),
  expected,
  roundTrip: {
    input: spans,
    check(s) {
      const once = decodePostSpansRequest(encodePostSpans(s));
      assertSame(decodePostSpansRequest(encodePostSpans(once)), once, 'Jaeger protobuf round trip');
    },
  },
};
