import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../component/errors.ts';
import { getAttribute } from '../../model/attributes.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { SpanKind, type Span } from '../../model/span.ts';
import { ADDRESS_MARKER, ANNOTATION_TYPE, encodeV1Thrift, ipv4, stringValue } from '../../../test/zipkin/v1-thrift-writer.ts';
import { decodeZipkin } from './index.ts';
import { v1ToV2 } from './v1-converter.ts';
import type { V1Span } from './v1-span.ts';

const client = { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 };
const server = { serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 };
const v1json = (spans: unknown[]) => decodeZipkin('v1-json', Buffer.from(JSON.stringify(spans)));

/** A v1 RPC span reported by both sides, as Zipkin v1 storage merged them. */
const sharedRpc = {
  traceId: '48485a3953bb6124',
  id: '6b221d5bc9e6496c',
  parentId: '48485a3953bb6124',
  name: 'get /users',
  timestamp: 1000,
  duration: 400,
  annotations: [
    { timestamp: 1000, value: 'cs', endpoint: client },
    { timestamp: 1100, value: 'sr', endpoint: server },
    { timestamp: 1150, value: 'cache miss', endpoint: server },
    { timestamp: 1300, value: 'ss', endpoint: server },
    { timestamp: 1400, value: 'cr', endpoint: client },
  ],
  binaryAnnotations: [
    { key: 'http.path', value: '/users', endpoint: server },
    { key: 'sa', value: true, endpoint: server },
    { key: 'ca', value: true, endpoint: client },
  ],
};

function byKind(spans: Span[], kind: SpanKind): Span {
  const s = spans.find((x) => x.kind === kind);
  assert.ok(s, `no span of kind ${kind}`);
  return s;
}

test('v1 JSON: a span with cs+sr splits into a CLIENT and a SERVER span sharing the ID', () => {
  const spans = v1json([sharedRpc]);
  assert.equal(spans.length, 2);
  const c = byKind(spans, SpanKind.CLIENT);
  const s = byKind(spans, SpanKind.SERVER);
  assert.equal(c.spanId, '6b221d5bc9e6496c');
  assert.equal(s.spanId, '6b221d5bc9e6496c');
  assert.equal(c.traceId, '000000000000000048485a3953bb6124');
  assert.equal(c.resource.serviceName, 'frontend');
  assert.equal(s.resource.serviceName, 'backend');
  // The client owns the v1 timestamp/duration; the server's come from sr/ss.
  assert.deepEqual([c.startTimeUnixNano, c.endTimeUnixNano], [1_000_000n, 1_400_000n]);
  assert.deepEqual([s.startTimeUnixNano, s.endTimeUnixNano], [1_100_000n, 1_300_000n]);
  // Core annotations become times, not events; others stay with the host that logged them.
  assert.deepEqual(c.events, []);
  assert.deepEqual(s.events.map((e) => e.name), ['cache miss']);
  assert.equal(getAttribute(s.attributes, 'http.path'), '/users');
  assert.equal(getAttribute(c.attributes, 'http.path'), undefined);
  // sa is the client's remote endpoint, ca the server's.
  assert.equal(getAttribute(c.attributes, 'peer.service'), 'backend');
  assert.equal(getAttribute(c.attributes, 'net.peer.ip'), '10.0.0.2');
  assert.equal(getAttribute(s.attributes, 'peer.service'), 'frontend');
});

test('v1: loopback (client and server the same service) still gives two spans', () => {
  const loop = { ...sharedRpc, annotations: sharedRpc.annotations.map((a) => ({ ...a, endpoint: client })), binaryAnnotations: [] };
  const spans = v1json([loop]);
  assert.deepEqual(spans.map((s) => s.kind).sort(), [SpanKind.SERVER, SpanKind.CLIENT].sort());
  assert.ok(spans.every((s) => s.resource.serviceName === 'frontend'));
});

test('v1: server-only span uses sr..ss; lc is a tag unless empty; 128-bit traceIdHigh', () => {
  const [s, local] = v1json([
    {
      traceIdHigh: '463ac35c9f6413ad',
      traceId: '48485a3953bb6124',
      id: '6b221d5bc9e6496c',
      name: 'get',
      annotations: [
        { timestamp: 2000, value: 'sr', endpoint: server },
        { timestamp: 2600, value: 'ss', endpoint: server },
      ],
      binaryAnnotations: [{ key: 'lc', value: '', endpoint: server }],
    },
    {
      traceId: '48485a3953bb6124',
      id: '6b221d5bc9e6496d',
      name: 'compute',
      timestamp: 5000,
      duration: 10,
      binaryAnnotations: [{ key: 'lc', value: 'worker', endpoint: server }, { key: 'retries', value: 3, endpoint: server }],
    },
  ]);
  assert.equal(s!.traceId, '463ac35c9f6413ad48485a3953bb6124');
  assert.equal(s!.kind, SpanKind.SERVER);
  assert.deepEqual([s!.startTimeUnixNano, s!.endTimeUnixNano], [2_000_000n, 2_600_000n]);
  assert.equal(getAttribute(s!.attributes, 'lc'), undefined);
  assert.equal(local!.kind, SpanKind.UNSPECIFIED);
  assert.equal(local!.resource.serviceName, 'backend');
  assert.equal(getAttribute(local!.attributes, 'lc'), 'worker');
  assert.equal(getAttribute(local!.attributes, 'retries'), '3');
  assert.deepEqual([local!.startTimeUnixNano, local!.endTimeUnixNano], [5_000_000n, 5_010_000n]);
});

test('v1: only cs (incomplete client) starts at cs and keeps no duration', () => {
  const converted = v1ToV2([
    {
      index: 0,
      traceId: '000000000000000048485a3953bb6124',
      id: '6b221d5bc9e6496c',
      parentId: '',
      name: 'send',
      timestamp: undefined,
      duration: undefined,
      debug: false,
      annotations: [{ timestamp: 700, value: 'cs', endpoint: { ...client, ipv6: undefined } }],
      binaryAnnotations: [],
    } satisfies V1Span,
  ]);
  assert.equal(converted.length, 1);
  assert.equal(converted[0]!.kind, 'CLIENT');
  assert.equal(converted[0]!.timestamp, 700);
  assert.equal(converted[0]!.duration, undefined);
});

test('v1: ms/mr on different services give a PRODUCER and a shared CONSUMER', () => {
  const spans = v1json([
    {
      traceId: '48485a3953bb6124',
      id: '6b221d5bc9e6496c',
      name: 'publish',
      annotations: [
        { timestamp: 100, value: 'ms', endpoint: client },
        { timestamp: 900, value: 'mr', endpoint: server },
      ],
    },
  ]);
  assert.deepEqual(spans.map((s) => [s.kind, s.resource.serviceName, s.startTimeUnixNano]), [
    [SpanKind.PRODUCER, 'frontend', 100_000n],
    [SpanKind.CONSUMER, 'backend', 900_000n],
  ]);
});

test('v1 JSON: bad IDs and wrong types name the span and field', () => {
  assert.throws(() => v1json([{ ...sharedRpc, traceId: '0000000000000000' }]), (e: Error) => e instanceof InvalidIdError && /span 0 .*traceId.*all zeros/.test(e.message));
  assert.throws(() => v1json([{ ...sharedRpc, traceIdHigh: 'abc' }]), (e: Error) => e instanceof InvalidIdError && /traceIdHigh/.test(e.message));
  assert.throws(() => v1json([sharedRpc, { ...sharedRpc, annotations: 'cs' }]), (e: Error) => e instanceof PermanentError && /span 1 .*annotations: expected an array/.test(e.message));
  assert.throws(() => v1json([{ ...sharedRpc, binaryAnnotations: [{ value: 'x' }] }]), (e: Error) => /binaryAnnotations\[0\]\.key: required/.test(e.message));
});

test('v1 Thrift decodes to the same spans as v1 JSON', () => {
  const host = (e: typeof client) => ({ serviceName: e.serviceName, ipv4: ipv4(e.ipv4), port: e.port });
  const body = encodeV1Thrift([
    {
      traceId: 0x48485a3953bb6124n,
      id: 0x6b221d5bc9e6496cn,
      parentId: 0x48485a3953bb6124n,
      name: 'get /users',
      timestamp: 1000n,
      duration: 400n,
      annotations: sharedRpc.annotations.map((a) => ({ timestamp: BigInt(a.timestamp), value: a.value, host: host(a.endpoint) })),
      binaryAnnotations: [
        { key: 'http.path', value: stringValue('/users'), type: ANNOTATION_TYPE.STRING, host: host(server) },
        { key: 'sa', value: ADDRESS_MARKER, type: ANNOTATION_TYPE.BOOL, host: host(server) },
        { key: 'ca', value: ADDRESS_MARKER, type: ANNOTATION_TYPE.BOOL, host: host(client) },
      ],
    },
  ]);
  assert.deepEqual(decodeZipkin('v1-thrift', body), v1json([sharedRpc]));
});

test('v1 Thrift: ports above 32767, typed values, 128-bit IDs with a negative high half', () => {
  const i64 = Buffer.alloc(8);
  i64.writeBigInt64BE(-9223372036854775808n);
  const [s] = decodeZipkin('v1-thrift', encodeV1Thrift([
    {
      traceIdHigh: 0xf63ac35c9f6413adn,
      traceId: 0x48485a3953bb6124n,
      id: 0x6b221d5bc9e6496cn,
      name: 'x',
      timestamp: 10n,
      duration: 5n,
      binaryAnnotations: [
        { key: 'big', value: i64, type: ANNOTATION_TYPE.I64, host: { serviceName: 'svc', port: 50000 } },
        { key: 'ok', value: Buffer.from([1]), type: ANNOTATION_TYPE.BOOL, host: { serviceName: 'svc', port: 50000 } },
      ],
    },
  ]));
  assert.equal(s!.traceId, 'f63ac35c9f6413ad48485a3953bb6124');
  assert.equal(getAttribute(s!.attributes, 'big'), '-9223372036854775808');
  assert.equal(getAttribute(s!.attributes, 'ok'), 'true');
  assert.equal(getAttribute(s!.attributes, 'net.host.port'), 50000n);
});

test('v1 Thrift: truncated bodies, lying list lengths and wrong element types are refused, never thrown raw', () => {
  const good = encodeV1Thrift([{ traceId: 1n, id: 2n, name: 'x', timestamp: 10n, duration: 1n }]);
  for (let cut = 0; cut < good.length; cut++) {
    assert.throws(() => decodeZipkin('v1-thrift', good.subarray(0, cut)), (e: Error) => e instanceof PermanentError, `cut at ${cut}`);
  }
  const lying = Buffer.from([12, 0x7f, 0xff, 0xff, 0xff, 0]);
  assert.throws(() => decodeZipkin('v1-thrift', lying), /declares 2147483647 elements but only 1 bytes remain/);
  const negative = Buffer.from([12, 0xff, 0xff, 0xff, 0xff]);
  assert.throws(() => decodeZipkin('v1-thrift', negative), /negative span count/);
  assert.throws(() => decodeZipkin('v1-thrift', Buffer.from([11, 0, 0, 0, 1, 0])), /expected a list of Span structs/);
  const zeroId = encodeV1Thrift([{ traceId: 0n, id: 2n, name: 'x', timestamp: 10n }]);
  assert.throws(() => decodeZipkin('v1-thrift', zeroId), (e: Error) => e instanceof InvalidIdError && /span 0 \(id 0000000000000002\): trace_id.*all zeros/.test(e.message));
});

test('v1 Thrift: deeply nested unknown fields hit the skip depth limit, not the stack', () => {
  // A span whose field 99 is a struct nesting structs 10,000 deep.
  const depth = 10_000;
  const parts = [Buffer.from([12, 0, 0, 0, 1])];
  for (let i = 0; i < depth; i++) parts.push(Buffer.from([12, 0, 99]));
  parts.push(Buffer.alloc(depth + 1, 0));
  assert.throws(() => decodeZipkin('v1-thrift', Buffer.concat(parts)), (e: Error) => e instanceof PermanentError && /depth/i.test(e.message));
});
