import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode } from '../../model/span.ts';
import { spansToJaegerProto } from './model-to-proto.ts';
import { JaegerProto, SpanRefType, ValueType } from './proto.ts';
import { decodePostSpansRequest } from './proto-to-model.ts';

const resource = makeResource([
  { key: 'service.name', value: 'svc' },
  { key: 'host.name', value: 'h' },
]);

const span = makeSpan({
  traceId: '000000000000000000000000000000ab',
  spanId: '00000000000000cd',
  parentSpanId: '00000000000000ef',
  name: 'op',
  startTimeUnixNano: 1_000_000_000_000_000_123n,
  endTimeUnixNano: 1_000_000_000_000_001_123n,
  resource,
  kind: SpanKind.INTERNAL,
  traceState: 'a=1',
  status: { code: StatusCode.OK, message: 'fine' },
  scope: { name: 'lib', version: '2', attributes: [], droppedAttributesCount: 0 },
  attributes: [
    { key: 'list', value: ['a', 1n] },
    { key: 'n', value: -5n },
  ],
  links: [
    { traceId: '0000000000000000000000000000ffff', spanId: '0000000000000001', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
    { traceId: '0000000000000000000000000000ffff', spanId: '0000000000000002', traceState: '', attributes: [{ key: 'opentracing.ref_type', value: 'child_of' }], droppedAttributesCount: 0, flags: 0 },
  ],
});

test('kind, status, scope and trace state become the translator tags; arrays become JSON text', () => {
  const [p] = spansToJaegerProto([span]);
  const tags = Object.fromEntries(p!.tags!.map((t) => [t.key, t]));
  assert.deepEqual(tags['span.kind'], { key: 'span.kind', vType: ValueType.STRING, vStr: 'internal' });
  assert.equal(tags['otel.status_code']!.vStr, 'OK');
  assert.equal(tags['otel.status_description']!.vStr, 'fine');
  assert.equal(tags['error'], undefined);
  assert.equal(tags['otel.scope.name']!.vStr, 'lib');
  assert.equal(tags['otel.scope.version']!.vStr, '2');
  assert.equal(tags['w3c.tracestate']!.vStr, 'a=1');
  assert.deepEqual(tags['list'], { key: 'list', vType: ValueType.STRING, vStr: '["a",1]' });
  assert.deepEqual(tags['n'], { key: 'n', vType: ValueType.INT64, vInt64: '-5' });
  assert.deepEqual(p!.process, { serviceName: 'svc', tags: [{ key: 'host.name', vType: ValueType.STRING, vStr: 'h' }] });
});

test('parent first as CHILD_OF, then links by their recorded type (FOLLOWS_FROM by default)', () => {
  const [p] = spansToJaegerProto([span]);
  assert.deepEqual(
    p!.references!.map((r) => [Buffer.from(r.spanId!).toString('hex'), r.refType]),
    [
      ['00000000000000ef', SpanRefType.CHILD_OF],
      ['0000000000000001', SpanRefType.FOLLOWS_FROM],
      ['0000000000000002', SpanRefType.CHILD_OF],
    ],
  );
  assert.deepEqual(p!.startTime, { seconds: '1000000000', nanos: 123 });
  assert.deepEqual(p!.duration, { seconds: '0', nanos: 1000 });
});

test('encoded and decoded again, the span keeps its fields (links gain their ref type)', () => {
  const wire = JaegerProto.PostSpansRequest.encode({ batch: { spans: spansToJaegerProto([span]) } }).finish();
  const [back] = decodePostSpansRequest(wire);
  assert.equal(back!.parentSpanId, span.parentSpanId);
  assert.equal(back!.kind, SpanKind.INTERNAL);
  assert.deepEqual(back!.status, span.status);
  assert.equal(back!.traceState, 'a=1');
  assert.deepEqual([back!.scope.name, back!.scope.version], ['lib', '2']);
  assert.equal(back!.startTimeUnixNano, span.startTimeUnixNano);
  assert.equal(back!.endTimeUnixNano, span.endTimeUnixNano);
  assert.deepEqual(back!.links[0]!.attributes, [{ key: 'opentracing.ref_type', value: 'follows_from' }]);
  assert.deepEqual(back!.links[1], span.links[1]);
});
