import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from '../../component/errors.ts';
import { InvalidIdError } from '../../model/ids.ts';
import { decodeZipkin } from './index.ts';
import { zipkinProtoType } from './proto-schema.ts';

const hex = (h: string) => Buffer.from(h, 'hex');

function encode(spans: Record<string, unknown>[]): Uint8Array {
  const t = zipkinProtoType('ListOfSpans');
  return t.encode(t.fromObject({ spans })).finish();
}

const protoSpan = {
  trace_id: hex('463ac35c9f6413ad48485a3953bb6124'),
  id: hex('a2fb4a1d1a96d312'),
  parent_id: hex('0020000000000001'),
  kind: 1,
  name: 'get /api',
  timestamp: 1764000000123456,
  duration: 2500,
  local_endpoint: { service_name: 'frontend', ipv4: Buffer.from([10, 0, 0, 1]), port: 8080 },
  remote_endpoint: { service_name: 'db', ipv6: hex('20010db8000000000000000000000001'), port: 5432 },
  annotations: [{ timestamp: 1764000000123500, value: 'ws' }],
  tags: { 'http.method': 'GET', error: 'true' },
  debug: true,
  shared: false,
};

const asJson = {
  traceId: '463ac35c9f6413ad48485a3953bb6124',
  id: 'a2fb4a1d1a96d312',
  parentId: '0020000000000001',
  kind: 'CLIENT',
  name: 'get /api',
  timestamp: 1764000000123456,
  duration: 2500,
  localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1', port: 8080 },
  remoteEndpoint: { serviceName: 'db', ipv6: '2001:db8::1', port: 5432 },
  annotations: [{ timestamp: 1764000000123500, value: 'ws' }],
  tags: { 'http.method': 'GET', error: 'true' },
  debug: true,
};

test('proto3 ListOfSpans decodes to exactly what the same spans in JSON give', () => {
  const fromProto = decodeZipkin('v2-proto', encode([protoSpan]));
  const fromJson = decodeZipkin('v2-json', Buffer.from(JSON.stringify([asJson])));
  assert.deepEqual(fromProto, fromJson);
  assert.equal(fromProto[0]!.flags, 3);
});

test('proto3: an empty body is an empty list; 8-byte trace IDs are zero-extended', () => {
  assert.deepEqual(decodeZipkin('v2-proto', new Uint8Array()), []);
  const [s] = decodeZipkin('v2-proto', encode([{ ...protoSpan, trace_id: hex('48485a3953bb6124') }]));
  assert.equal(s!.traceId, '000000000000000048485a3953bb6124');
});

test('proto3: bad ID lengths and all-zero IDs are refused naming the span', () => {
  assert.throws(() => decodeZipkin('v2-proto', encode([protoSpan, { ...protoSpan, trace_id: hex('0102') }])), (e: Error) => e instanceof InvalidIdError && /span 1 \(id a2fb4a1d1a96d312\): trace_id: 2 bytes/.test(e.message));
  assert.throws(() => decodeZipkin('v2-proto', encode([{ ...protoSpan, id: hex('0000000000000000') }])), (e: Error) => e instanceof InvalidIdError && /span 0: id .*all zeros/.test(e.message));
  assert.throws(() => decodeZipkin('v2-proto', encode([withoutId()])), (e: Error) => e instanceof InvalidIdError && /span 0: id/.test(e.message));
  assert.throws(() => decodeZipkin('v2-proto', encode([{ ...protoSpan, parent_id: hex('01') }])), /parent_id: 1 bytes, expected 8/);
});

function withoutId(): Record<string, unknown> {
  const { id: _id, ...rest } = protoSpan;
  return rest;
}

test('proto3: garbage and truncated messages are refused as PermanentError', () => {
  const good = encode([protoSpan]);
  for (const bad of [Buffer.from('definitely not protobuf at all'), good.subarray(0, good.length - 3), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) {
    assert.throws(() => decodeZipkin('v2-proto', bad), (e: Error) => e instanceof PermanentError || e instanceof InvalidIdError);
  }
});
