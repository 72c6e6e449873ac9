import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../component/errors.ts';
import { getAttribute } from '../../model/attributes.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { SpanKind, StatusCode } from '../../model/span.ts';
import { decodeZipkin, modelToZipkin } from './index.ts';

const TRACE = '463ac35c9f6413ad48485a3953bb6124';
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const decode = (spans: unknown[]) => decodeZipkin('v2-json', json(spans));

function span(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: TRACE,
    id: 'a2fb4a1d1a96d312',
    parentId: '0020000000000001',
    name: 'get /api',
    kind: 'SERVER',
    timestamp: 1764000000123456,
    duration: 2500,
    localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 },
    remoteEndpoint: { serviceName: 'browser', ipv6: '2001:db8::1', port: 51000 },
    annotations: [{ timestamp: 1764000000123500, value: 'wr' }],
    tags: { 'http.status_code': '200', 'http.method': 'GET' },
    ...extra,
  };
}

test('v2 JSON maps IDs, name, kind, microsecond times, endpoints, tags and annotations', () => {
  const [s] = decode([span()]);
  assert.ok(s);
  assert.equal(s.traceId, TRACE);
  assert.equal(s.spanId, 'a2fb4a1d1a96d312');
  assert.equal(s.parentSpanId, '0020000000000001');
  assert.equal(s.name, 'get /api');
  assert.equal(s.kind, SpanKind.SERVER);
  assert.equal(s.startTimeUnixNano, 1764000000123456000n);
  assert.equal(s.endTimeUnixNano, 1764000000125956000n);
  assert.equal(s.resource.serviceName, 'frontend');
  assert.deepEqual(s.resource.attributes, [{ key: 'service.name', value: 'frontend' }]);
  assert.deepEqual(s.attributes, [
    { key: 'http.status_code', value: '200' },
    { key: 'http.method', value: 'GET' },
    { key: 'net.host.ip', value: '10.0.0.1' },
    { key: 'net.host.port', value: 8080n },
    { key: 'peer.service', value: 'browser' },
    { key: 'net.peer.ip', value: '2001:db8::1' },
    { key: 'net.peer.port', value: 51000n },
  ]);
  assert.deepEqual(s.events, [{ timeUnixNano: 1764000000123500000n, name: 'wr', attributes: [], droppedAttributesCount: 0 }]);
  assert.equal(s.flags, 1);
  assert.equal(s.status.code, StatusCode.UNSET);
});

test('a 64-bit trace ID is zero-extended; debug sets flag 0x02; missing kind is UNSPECIFIED', () => {
  const [s] = decode([span({ traceId: '48485a3953bb6124', debug: true, kind: undefined, parentId: undefined })]);
  assert.equal(s!.traceId, '000000000000000048485a3953bb6124');
  assert.equal(s!.flags, 3);
  assert.equal(s!.kind, SpanKind.UNSPECIFIED);
  assert.equal(s!.parentSpanId, '');
});

test('spans of the same endpoint in one batch share one resource', () => {
  const spans = decode([span(), span({ id: 'a2fb4a1d1a96d313' }), span({ id: 'a2fb4a1d1a96d314', localEndpoint: { serviceName: 'backend' } })]);
  assert.equal(spans[0]!.resource, spans[1]!.resource);
  assert.notEqual(spans[0]!.resource, spans[2]!.resource);
  assert.equal(spans[2]!.resource.serviceName, 'backend');
});

test('tags stay strings; the error tag sets status ERROR and is kept for error=true searches', () => {
  const [envoy, described] = decode([
    span({ tags: { error: 'true', 'http.status_code': '503', response_size: '0' } }),
    span({ id: 'a2fb4a1d1a96d313', tags: { error: 'connection refused' } }),
  ]);
  assert.deepEqual(envoy!.status, { code: StatusCode.ERROR, message: '' });
  assert.equal(getAttribute(envoy!.attributes, 'error'), 'true');
  assert.equal(getAttribute(envoy!.attributes, 'http.status_code'), '503');
  assert.deepEqual(described!.status, { code: StatusCode.ERROR, message: 'connection refused' });
});

test('otel.status_code/description tags become the status; resource and scope tags move off the span', () => {
  const [s] = decode([
    span({
      tags: {
        'otel.status_code': 'ERROR',
        'otel.status_description': 'boom',
        error: 'boom',
        'service.name': 'frontend',
        'telemetry.sdk.language': 'nodejs',
        'otel.scope.name': 'my-lib',
        'otel.scope.version': '1.2.3',
        custom: 'x',
      },
    }),
  ]);
  assert.deepEqual(s!.status, { code: StatusCode.ERROR, message: 'boom' });
  assert.deepEqual(s!.resource.attributes, [
    { key: 'service.name', value: 'frontend' },
    { key: 'telemetry.sdk.language', value: 'nodejs' },
  ]);
  assert.equal(s!.scope.name, 'my-lib');
  assert.equal(s!.scope.version, '1.2.3');
  assert.deepEqual(
    s!.attributes.map((a) => a.key),
    ['error', 'custom', 'net.host.ip', 'net.host.port', 'peer.service', 'net.peer.ip', 'net.peer.port'],
  );
});

test('fractional microseconds (OpenTelemetry JS) are cut; numeric and boolean tag values become text', () => {
  const [s] = decode([span({ timestamp: 1764000000123456.789, tags: { n: 42, b: false } })]);
  assert.equal(s!.startTimeUnixNano, 1764000000123456000n);
  assert.equal(getAttribute(s!.attributes, 'n'), '42');
  assert.equal(getAttribute(s!.attributes, 'b'), 'false');
});

test('annotations packed by the collector (name|{json}|dropped) become event attributes', () => {
  const [s] = decode([span({ annotations: [{ timestamp: 1764000000123500, value: 'retry|{"attempt":2,"why":"timeout"}|1' }] })]);
  assert.deepEqual(s!.events[0], {
    timeUnixNano: 1764000000123500000n,
    name: 'retry',
    attributes: [
      { key: 'attempt', value: 2n },
      { key: 'why', value: 'timeout' },
    ],
    droppedAttributesCount: 1,
  });
});

test('a packed annotation whose JSON holds arrays, objects or null loses nothing (found by fuzzing)', () => {
  // Arrays and objects become array and kvlist attributes, which pack back to the same JSON.
  const [s] = decode([span({ annotations: [{ timestamp: 1764000000123500, value: 'retry|{"ids":[1,"x"],"ctx":{"k":true},"e":{}}|0' }] })]);
  assert.deepEqual(s!.events[0]!.attributes, [
    { key: 'ids', value: [1n, 'x'] },
    { key: 'ctx', value: { kvlist: [{ key: 'k', value: true }] } },
    { key: 'e', value: { kvlist: [] } },
  ]);
  assert.deepEqual(modelToZipkin([s!])[0]!.annotations, [{ timestamp: 1764000000123500, value: 'retry|{"ids":[1,"x"],"ctx":{"k":true},"e":{}}|0' }]);
  // null has no attribute value: the annotation is kept as it came, as the event's name.
  const [n] = decode([span({ annotations: [{ timestamp: 1764000000123500, value: 'x|{"a":1,"b":null}|0' }] })]);
  assert.deepEqual(n!.events[0], { timeUnixNano: 1764000000123500000n, name: 'x|{"a":1,"b":null}|0', attributes: [], droppedAttributesCount: 0 });
});

test('a span without timestamp takes it from its annotations, or refuses the batch naming the span', () => {
  const [s] = decode([span({ timestamp: undefined, duration: undefined, annotations: [{ timestamp: 30, value: 'b' }, { timestamp: 10, value: 'a' }] })]);
  assert.equal(s!.startTimeUnixNano, 10_000n);
  assert.equal(s!.endTimeUnixNano, 30_000n);
  assert.throws(
    () => decode([span(), span({ id: 'a2fb4a1d1a96d399', timestamp: 0, annotations: [] })]),
    (err: Error) => err instanceof PermanentError && /span 1 \(id a2fb4a1d1a96d399\): timestamp: required/.test(err.message),
  );
});

const invalidIds: [string, Record<string, unknown>, RegExp][] = [
  ['all-zero trace ID', { traceId: '00000000000000000000000000000000' }, /span 0 \(id a2fb4a1d1a96d312\): traceId "0{32}": .*all zeros/],
  ['short trace ID', { traceId: 'abc123' }, /span 0 .*traceId "abc123": expected 16 or 32 hex characters/],
  ['20-character trace ID', { traceId: '48485a3953bb61240000' }, /traceId "48485a3953bb61240000": expected 16 or 32/],
  ['non-hex trace ID', { traceId: 'zz485a3953bb6124' }, /traceId "zz485a3953bb6124"/],
  ['all-zero span ID', { id: '0000000000000000' }, /span 0: id "0000000000000000": .*all zeros/],
  ['32-character span ID', { id: TRACE }, /span 0: id ".*": expected 16 hex characters/],
  ['numeric span ID', { id: 12 }, /span 0: id: expected a hex string, got number 12/],
  ['bad parent ID', { parentId: 'xyz' }, /parentId "xyz": expected 16 hex characters/],
];
for (const [what, extra, message] of invalidIds) {
  test(`${what} refuses the batch with InvalidIdError naming the span and ID`, () => {
    assert.throws(() => decode([span(extra)]), (err: Error) => err instanceof InvalidIdError && message.test(err.message));
  });
}

const wrongTypes: [string, unknown, RegExp][] = [
  ['timestamp as text', span({ timestamp: 'soon' }), /span 0 \(id a2fb4a1d1a96d312\): timestamp: expected microseconds/],
  ['negative duration', span({ duration: -5 }), /duration: -5 is not a valid number/],
  ['unknown kind', span({ kind: 'INTERNAL' }), /kind: expected one of CLIENT, SERVER, PRODUCER, CONSUMER, got "INTERNAL"/],
  ['tags as array', span({ tags: ['a'] }), /tags: expected an object of strings, got an array/],
  ['tag value object', span({ tags: { a: { b: 1 } } }), /tags\["a"\]: expected a string, got an object/],
  ['annotation without value', span({ annotations: [{ timestamp: 5 }] }), /annotations\[0\]\.value: required/],
  ['port out of range', span({ localEndpoint: { serviceName: 'x', port: 70000 } }), /localEndpoint\.port: expected a port number/],
  ['debug as text', span({ debug: 'yes' }), /debug: expected true or false/],
  ['span not an object', 42, /span 0: span: expected an object, got number 42/],
];
for (const [what, body, message] of wrongTypes) {
  test(`${what} is refused with a PermanentError naming the span and field`, () => {
    assert.throws(() => decode([body]), (err: Error) => err instanceof PermanentError && message.test(err.message));
  });
}

test('garbage, truncated JSON, a non-array and an empty body are refused', () => {
  for (const [body, message] of [
    ['not json', /malformed JSON/],
    ['[{"traceId":"463ac35c9f6413ad', /malformed JSON/],
    ['{"traceId":"x"}', /expected a JSON array of Zipkin v2 spans, got object/],
    ['', /empty request body/],
  ] as const) {
    assert.throws(() => decodeZipkin('v2-json', Buffer.from(body)), (err: Error) => err instanceof PermanentError && message.test(err.message));
  }
  assert.deepEqual(decodeZipkin('v2-json', Buffer.from('[]')), []);
});

test('a span cannot be its own parent', () => {
  const [s] = decode([span({ parentId: 'a2fb4a1d1a96d312' })]);
  assert.equal(s!.parentSpanId, '');
});
