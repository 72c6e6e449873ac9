import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleBatch } from '../../../test/jaeger/support/thrift-writer.ts';
import { PermanentError } from '../../component/errors.ts';
import { getAttribute } from '../../model/attributes.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { SpanKind, StatusCode } from '../../model/span.ts';
import { thriftBatchToSpans } from './thrift-to-model.ts';

test('process -> one shared resource with service.name first', () => {
  const spans = thriftBatchToSpans(sampleBatch(0n, 42n));
  assert.equal(spans.length, 2);
  assert.equal(spans[0]!.resource, spans[1]!.resource);
  assert.equal(spans[0]!.resource.serviceName, 'thrift-svc');
  assert.deepEqual(spans[0]!.resource.attributes, [
    { key: 'service.name', value: 'thrift-svc' },
    { key: 'hostname', value: 'box-1' },
    { key: 'pid', value: 4242n },
  ]);
});

test('IDs: signed halves become unsigned hex; a 64-bit trace ID is zero-extended', () => {
  const [root, child] = thriftBatchToSpans(sampleBatch(0n, -1n));
  assert.equal(root!.traceId, '0000000000000000ffffffffffffffff');
  assert.equal(root!.spanId, '0000000000001111');
  assert.equal(root!.parentSpanId, '');
  assert.equal(child!.spanId, 'fffffffffffffffe');
  assert.equal(child!.parentSpanId, '0000000000001111');
  const [full] = thriftBatchToSpans(sampleBatch(0x0123456789abcdefn, 0x0fedcba987654321n));
  assert.equal(full!.traceId, '0123456789abcdef0fedcba987654321');
});

test('tags keep their exact types; span.kind and error=true become kind and status', () => {
  const [root, child] = thriftBatchToSpans(sampleBatch(0n, 42n));
  const a = root!.attributes;
  assert.equal(getAttribute(a, 'big'), 9223372036854775807n);
  assert.equal(getAttribute(a, 'small'), -9223372036854775808n);
  assert.equal(getAttribute(a, 'ratio'), 0.25);
  assert.equal(getAttribute(a, 'ok'), true);
  assert.deepEqual(getAttribute(a, 'blob'), new Uint8Array([0, 1, 254, 255]));
  assert.equal(getAttribute(a, 'span.kind'), undefined);
  assert.equal(getAttribute(a, 'error'), undefined);
  assert.equal(root!.kind, SpanKind.SERVER);
  assert.equal(root!.status.code, StatusCode.ERROR);
  assert.equal(child!.kind, SpanKind.CLIENT);
  assert.equal(child!.status.code, StatusCode.UNSET);
});

test('microseconds become exact nanoseconds; logs become events named by the event field', () => {
  const [root] = thriftBatchToSpans(sampleBatch(0n, 42n));
  assert.equal(root!.startTimeUnixNano, 1_700_000_000_000_001_000n);
  assert.equal(root!.endTimeUnixNano, 1_700_000_000_000_001_000n + 2_500_000n);
  assert.deepEqual(root!.events, [{ timeUnixNano: 1_700_000_000_000_500_000n, name: 'cache-miss', attributes: [{ key: 'size', value: 42n }], droppedAttributesCount: 0 }]);
  assert.equal(root!.flags, 1);
});

test('references other than the parent become links marked with their type', () => {
  const [, child] = thriftBatchToSpans(sampleBatch(0n, 42n));
  assert.deepEqual(child!.links, [
    {
      traceId: '0000000000000000000000000000004d',
      spanId: '0000000000000005',
      traceState: '',
      attributes: [{ key: 'opentracing.ref_type', value: 'follows_from' }],
      droppedAttributesCount: 0,
      flags: 0,
    },
  ]);
});

test('a CHILD_OF reference gives the parent when parentSpanId is 0, and is not also a link', () => {
  const batch = sampleBatch(0n, 42n);
  const child = batch.spans[1]!;
  child.parentSpanId = 0n;
  child.references = [
    { refType: 1, traceIdLow: 42n, traceIdHigh: 0n, spanId: 9n },
    { refType: 0, traceIdLow: 42n, traceIdHigh: 0n, spanId: 0x1111n },
  ];
  const [, span] = thriftBatchToSpans(batch);
  assert.equal(span!.parentSpanId, '0000000000001111');
  assert.deepEqual(span!.links.map((l) => l.spanId), ['0000000000000009']);
});

test('otel.* tags set status, description and scope; an error tag contradicting OK is kept', () => {
  const batch = sampleBatch(0n, 42n);
  batch.spans[1]!.tags = [
    { key: 'otel.status_code', vType: 0, vStr: 'OK' },
    { key: 'otel.status_description', vType: 0, vStr: 'fine' },
    { key: 'error', vType: 2, vBool: true },
    { key: 'otel.scope.name', vType: 0, vStr: 'lib' },
    { key: 'otel.scope.version', vType: 0, vStr: '1.2' },
  ];
  const [root, span] = thriftBatchToSpans(batch);
  assert.deepEqual(span!.status, { code: StatusCode.OK, message: 'fine' });
  assert.deepEqual(span!.attributes, [{ key: 'error', value: true }]);
  assert.deepEqual([span!.scope.name, span!.scope.version], ['lib', '1.2']);
  assert.equal(root!.scope.name, '');
});

test('bad input names the span and the problem', () => {
  const zero = sampleBatch(0n, 0n);
  assert.throws(() => thriftBatchToSpans(zero), (e: unknown) => e instanceof InvalidIdError && /span 0: invalid trace ID: all zeros/.test(e.message));
  const noSpanId = sampleBatch(0n, 1n);
  noSpanId.spans[1]!.spanId = 0n;
  assert.throws(() => thriftBatchToSpans(noSpanId), /span 1: invalid span ID: all zeros/);
  const badType = sampleBatch(0n, 1n);
  badType.spans[0]!.tags.push({ key: 'weird', vType: 9 });
  assert.throws(() => thriftBatchToSpans(badType), (e: unknown) => e instanceof PermanentError && /span 0 \(0000000000001111\): tag "weird" has unknown vType 9/.test(e.message));
  const negative = sampleBatch(0n, 1n);
  negative.spans[0]!.duration = -1n;
  assert.throws(() => thriftBatchToSpans(negative), /negative duration/);
});

test('a start time before 1970, or an end past what fixed64 nanoseconds hold, is refused naming the span (found by fuzzing)', () => {
  for (const [startTime, duration] of [[-5n, 10n], [2n ** 62n, 0n], [18_446_744_073_709_551n, 1_000n]] as const) {
    const batch = sampleBatch(0n, 42n);
    batch.spans[0]!.startTime = startTime;
    batch.spans[0]!.duration = duration;
    assert.throws(() => thriftBatchToSpans(batch), (err: unknown) => err instanceof PermanentError && /span 0000000000001111: (start|end) time/.test(err.message), String(startTime));
  }
  // The largest end time the model holds is accepted.
  const edge = sampleBatch(0n, 42n);
  edge.spans[0]!.startTime = 18_446_744_073_709_550n;
  edge.spans[0]!.duration = 1n;
  assert.equal(thriftBatchToSpans(edge)[0]!.endTimeUnixNano, 18_446_744_073_709_551_000n);
});
