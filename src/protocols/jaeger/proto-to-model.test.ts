import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../component/errors.ts';
import { getAttribute } from '../../model/attributes.ts';
import { SpanKind, StatusCode } from '../../model/span.ts';
import { spansToJaegerProto } from './model-to-proto.ts';
import { JaegerProto } from './proto.ts';
import { decodePostSpansRequest } from './proto-to-model.ts';

const TRACE = Buffer.from('0123456789abcdef0011223344556677', 'hex');
const ROOT = Buffer.from('00000000000000aa', 'hex');
const CHILD = Buffer.from('00000000000000bb', 'hex');

function request(): Uint8Array {
  return JaegerProto.PostSpansRequest.encode({
    batch: {
      process: { serviceName: 'proto-svc', tags: [{ key: 'host', vStr: 'h1' }] },
      spans: [
        {
          traceId: TRACE,
          spanId: ROOT,
          operationName: 'root',
          flags: 1,
          startTime: { seconds: '1700000000', nanos: 123456789 },
          duration: { seconds: '0', nanos: 999 },
          tags: [
            { key: 'span.kind', vStr: 'producer' },
            { key: 'max', vType: 2, vInt64: '9223372036854775807' },
            { key: 'f', vType: 3, vFloat64: 1.5 },
            { key: 'b', vType: 1, vBool: true },
            { key: 'bin', vType: 4, vBinary: Buffer.from([7, 8]) },
            { key: 'otel.status_code', vStr: 'ERROR' },
            { key: 'otel.status_description', vStr: 'boom' },
          ],
          logs: [{ timestamp: { seconds: '1700000000', nanos: 5 }, fields: [{ key: 'event', vStr: 'e1' }, { key: 'k', vStr: 'v' }] }],
        },
        {
          traceId: TRACE,
          spanId: CHILD,
          operationName: 'child',
          references: [{ traceId: TRACE, spanId: ROOT, refType: 0 }],
          startTime: { seconds: '1700000000', nanos: 200000000 },
          duration: { seconds: '1', nanos: 1 },
          process: { serviceName: 'other-svc' },
        },
      ],
    },
  }).finish();
}

test('PostSpansRequest decodes with nanosecond times, exact int64 and per-span process', () => {
  const [root, child] = decodePostSpansRequest(request());
  assert.equal(root!.traceId, '0123456789abcdef0011223344556677');
  assert.equal(root!.startTimeUnixNano, 1_700_000_000_123_456_789n);
  assert.equal(root!.endTimeUnixNano, 1_700_000_000_123_457_788n);
  assert.equal(getAttribute(root!.attributes, 'max'), 9223372036854775807n);
  assert.equal(getAttribute(root!.attributes, 'f'), 1.5);
  assert.equal(getAttribute(root!.attributes, 'b'), true);
  assert.deepEqual(getAttribute(root!.attributes, 'bin'), new Uint8Array([7, 8]));
  assert.equal(root!.kind, SpanKind.PRODUCER);
  assert.deepEqual(root!.status, { code: StatusCode.ERROR, message: 'boom' });
  assert.equal(root!.events[0]!.name, 'e1');
  assert.equal(root!.events[0]!.timeUnixNano, 1_700_000_000_000_000_005n);
  assert.equal(root!.resource.serviceName, 'proto-svc');
  assert.equal(child!.resource.serviceName, 'other-svc');
  assert.equal(child!.parentSpanId, '00000000000000aa');
  assert.deepEqual(child!.links, []);
  assert.equal(child!.endTimeUnixNano - child!.startTimeUnixNano, 1_000_000_001n);
});

test('model -> proto -> model keeps every field the model has', () => {
  const spans = decodePostSpansRequest(request());
  const protoSpans = spansToJaegerProto(spans);
  assert.equal(protoSpans[0]!.process, protoSpans[0]!.process);
  const wire = JaegerProto.PostSpansRequest.encode({ batch: { spans: protoSpans } }).finish();
  const again = decodePostSpansRequest(wire);
  assert.deepEqual(again, spans);
});

test('a 64-bit (8-byte) trace ID is zero-extended', () => {
  const wire = JaegerProto.PostSpansRequest.encode({
    batch: { spans: [{ traceId: Buffer.from('00000000000000ff', 'hex'), spanId: ROOT, startTime: { seconds: 1 }, duration: {} }] },
  }).finish();
  assert.equal(decodePostSpansRequest(wire)[0]!.traceId, '000000000000000000000000000000ff');
});

test('garbage and bad IDs are PermanentErrors naming the problem', () => {
  assert.throws(() => decodePostSpansRequest(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f])), (e: unknown) => e instanceof PermanentError && /malformed Jaeger protobuf/.test(e.message));
  const zero = JaegerProto.PostSpansRequest.encode({ batch: { spans: [{ traceId: Buffer.alloc(16), spanId: ROOT }] } }).finish();
  assert.throws(() => decodePostSpansRequest(zero), /span 0: invalid trace ID: all zeros/);
  const short = JaegerProto.PostSpansRequest.encode({ batch: { spans: [{ traceId: TRACE, spanId: Buffer.from([1, 2, 3]) }] } }).finish();
  assert.throws(() => decodePostSpansRequest(short), /span 0: invalid span ID: 3 bytes/);
  const badType = JaegerProto.PostSpansRequest.encode({ batch: { spans: [{ traceId: TRACE, spanId: ROOT, tags: [{ key: 'x', vType: 9 }] }] } }).finish();
  assert.throws(() => decodePostSpansRequest(badType), /tag "x" has unknown v_type 9/);
});

test('a start time before 1970 or past fixed64 nanoseconds is refused naming the span (found by fuzzing)', () => {
  for (const seconds of ['-5', '9223372036854775807']) {
    const buf = JaegerProto.PostSpansRequest.encode({
      batch: { spans: [{ traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), startTime: { seconds, nanos: 0 }, duration: { seconds: 1 } }] },
    }).finish();
    assert.throws(() => decodePostSpansRequest(buf), (err: unknown) => err instanceof PermanentError && /span 0202020202020202: (start|end) time/.test(err.message), seconds);
  }
});
