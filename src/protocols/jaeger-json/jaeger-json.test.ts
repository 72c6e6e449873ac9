import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../component/errors.ts';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode, type Span } from '../../model/span.ts';
import { decodeJaegerJson } from './decoder.ts';
import { spansToJaegerTrace } from './encoder.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const res = makeResource([{ key: 'service.name', value: 'api' }, { key: 'host.name', value: 'h1' }]);

function sample(): Span[] {
  return [
    makeSpan({
      traceId: TRACE, spanId: '00000000000000a1', name: 'root', startTimeUnixNano: 1_700_000_000_000_000_000n, endTimeUnixNano: 1_700_000_000_002_000_000n, resource: res,
      kind: SpanKind.SERVER, status: { code: StatusCode.ERROR, message: 'bad' }, traceState: 'k=v', flags: 1,
      scope: { name: 'io.lib', version: '2', attributes: [], droppedAttributesCount: 0 },
      attributes: [{ key: 'max', value: 9223372036854775807n }, { key: 'min', value: -9223372036854775808n }, { key: 'b', value: new Uint8Array([255, 0]) }, { key: 'arr', value: ['x', 1n] }],
      events: [{ timeUnixNano: 1_700_000_000_001_000_000n, name: 'log', attributes: [{ key: 'n', value: 1.25 }], droppedAttributesCount: 0 }],
    }),
    makeSpan({
      traceId: TRACE, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', name: 'child', startTimeUnixNano: 1_700_000_000_000_500_000n, endTimeUnixNano: 1_700_000_000_001_000_000n,
      resource: makeResource([{ key: 'service.name', value: 'api' }, { key: 'host.name', value: 'h1' }]),
      links: [
        { traceId: '11111111111111111111111111111111', spanId: '00000000000000b1', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
        { traceId: TRACE, spanId: '00000000000000b2', traceState: '', attributes: [{ key: 'opentracing.ref_type', value: 'child_of' }], droppedAttributesCount: 0, flags: 0 },
      ],
    }),
  ];
}

test('equal resources share one process, numbered p1', () => {
  const t = spansToJaegerTrace(sample());
  assert.deepEqual(Object.keys(t.processes), ['p1']);
  assert.deepEqual(t.spans.map((s) => s.processID), ['p1', 'p1']);
});

test('links become FOLLOWS_FROM, or CHILD_OF when marked so, after the parent', () => {
  const child = spansToJaegerTrace(sample()).spans[1]!;
  assert.deepEqual(child.references, [
    { refType: 'CHILD_OF', traceID: TRACE, spanID: '00000000000000a1' },
    { refType: 'FOLLOWS_FROM', traceID: '11111111111111111111111111111111', spanID: '00000000000000b1' },
    { refType: 'CHILD_OF', traceID: TRACE, spanID: '00000000000000b2' },
  ]);
});

test('int64 extremes are strings, bytes base64, arrays their JSON text', () => {
  const tags = spansToJaegerTrace(sample()).spans[0]!.tags;
  assert.deepEqual(tags.slice(0, 4), [
    { key: 'max', type: 'int64', value: '9223372036854775807' },
    { key: 'min', type: 'int64', value: '-9223372036854775808' },
    { key: 'b', type: 'binary', value: '/wA=' },
    { key: 'arr', type: 'string', value: '["x",1]' },
  ]);
  assert.ok(tags.some((t) => t.key === 'w3c.tracestate' && t.value === 'k=v'));
});

test('Jaeger JSON -> model -> Jaeger JSON is stable (download, then upload)', () => {
  const first = spansToJaegerTrace(sample());
  const spans = decodeJaegerJson(JSON.stringify({ data: [first], total: 0, limit: 0, offset: 0, errors: null }));
  assert.deepEqual(spansToJaegerTrace(spans), first);
  const root = spans[0]!;
  assert.equal(root.kind, SpanKind.SERVER);
  assert.deepEqual(root.status, { code: StatusCode.ERROR, message: 'bad' });
  assert.equal(root.scope.name, 'io.lib');
  assert.equal(root.traceState, 'k=v');
  assert.equal(root.attributes[0]!.value, 9223372036854775807n);
  assert.deepEqual(root.events[0]!.name, 'log');
  assert.equal(root.startTimeUnixNano, 1_700_000_000_000_000_000n);
  assert.equal(spans[1]!.parentSpanId, '00000000000000a1');
});

test('a native Jaeger trace decodes: error tag, long integer literal, embedded 64-bit ID', () => {
  const text = `[{"traceID":"4bf92f3577b34da6","spans":[{"traceID":"4bf92f3577b34da6","spanID":"1","operationName":"op",
    "references":[],"startTime":1700000000000000,"duration":5,"processID":"p1",
    "tags":[{"key":"error","type":"bool","value":true},{"key":"n","type":"int64","value":9007199254740993}],
    "logs":[{"timestamp":1700000000000001,"fields":[{"key":"event","type":"string","value":"x"}]}]}],
    "processes":{"p1":{"serviceName":"svc","tags":[]}}}]`;
  const [s] = decodeJaegerJson(text);
  assert.equal(s!.traceId, '00000000000000004bf92f3577b34da6');
  assert.equal(s!.spanId, '0000000000000001');
  assert.equal(s!.status.code, StatusCode.ERROR);
  assert.deepEqual(s!.attributes, [{ key: 'n', value: 9007199254740993n }]);
  assert.equal(s!.endTimeUnixNano - s!.startTimeUnixNano, 5000n);
  assert.equal(s!.resource.serviceName, 'svc');
  assert.equal(spansToJaegerTrace([s!]).traceID, '4bf92f3577b34da6');
});

for (const [name, text, message] of [
  ['not JSON', '{', /malformed Jaeger JSON/],
  ['no spans array', '{"traceID":"1"}', /trace 0: expected an object with a "spans" array/],
  ['unknown process', '{"spans":[{"traceID":"1","spanID":"1","processID":"p9"}],"processes":{}}', /span 0: processID "p9"/],
  ['bad tag type', '{"spans":[{"traceID":"1","spanID":"1","processID":"p1","tags":[{"key":"k","type":"int64","value":"x"}]}],"processes":{"p1":{"serviceName":"s"}}}', /tag "k": int64 value expected/],
  ['negative time', '{"spans":[{"traceID":"1","spanID":"1","processID":"p1","startTime":-5}],"processes":{"p1":{"serviceName":"s"}}}', /startTime/],
] as const) {
  test(`bad input is a PermanentError naming the place: ${name}`, () => {
    assert.throws(() => decodeJaegerJson(text), (err: Error) => err instanceof PermanentError && message.test(err.message));
  });
}
