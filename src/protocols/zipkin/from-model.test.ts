import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResource, makeSpan } from '../../model/builders.ts';
import { SpanKind, StatusCode } from '../../model/span.ts';
import { decodeZipkin, modelToZipkin } from './index.ts';

const envoyLike = {
  traceId: '463ac35c9f6413ad48485a3953bb6124',
  id: 'a2fb4a1d1a96d312',
  parentId: '0020000000000001',
  name: 'productpage.default.svc.cluster.local:9080/*',
  kind: 'SERVER',
  timestamp: 1764000000123456,
  duration: 2500,
  localEndpoint: { serviceName: 'productpage.default', ipv4: '10.0.0.1', port: 9080 },
  remoteEndpoint: { serviceName: 'gateway', ipv4: '10.0.0.9', port: 40000 },
  annotations: [{ timestamp: 1764000000123500, value: 'wr' }],
  tags: { 'http.status_code': '503', error: 'true', component: 'proxy' },
  debug: true,
};

test('Zipkin v2 JSON -> model -> Zipkin v2 JSON keeps what Zipkin carries', () => {
  const [out] = modelToZipkin(decodeZipkin('v2-json', Buffer.from(JSON.stringify([envoyLike]))));
  assert.deepEqual(out, {
    ...envoyLike,
    tags: { ...envoyLike.tags, 'otel.status_code': 'ERROR' },
  });
});

test('model -> Zipkin: times cut to microseconds, typed values as text, status, scope, events with attributes, no kind for INTERNAL', () => {
  const resource = makeResource([
    { key: 'service.name', value: 'checkout' },
    { key: 'host.name', value: 'node-1' },
  ]);
  const span = makeSpan({
    traceId: '000000000000000048485a3953bb6124',
    spanId: 'a2fb4a1d1a96d312',
    name: 'charge',
    startTimeUnixNano: 1764000000123456789n,
    endTimeUnixNano: 1764000000123457000n,
    resource,
    kind: SpanKind.INTERNAL,
    attributes: [
      { key: 'count', value: 9223372036854775807n },
      { key: 'ratio', value: 0.5 },
      { key: 'ok', value: false },
      { key: 'network.peer.address', value: '10.1.2.3' },
    ],
    events: [{ timeUnixNano: 1764000000123456999n, name: 'retry', attributes: [{ key: 'attempt', value: 2n }], droppedAttributesCount: 0 }],
    status: { code: StatusCode.ERROR, message: 'card declined' },
    scope: { name: 'payments', version: '2.0', attributes: [], droppedAttributesCount: 0 },
  });
  const [z] = modelToZipkin([span]);
  assert.deepEqual(z, {
    traceId: '000000000000000048485a3953bb6124',
    id: 'a2fb4a1d1a96d312',
    name: 'charge',
    timestamp: 1764000000123456,
    duration: 1,
    localEndpoint: { serviceName: 'checkout' },
    remoteEndpoint: { ipv4: '10.1.2.3' },
    annotations: [{ timestamp: 1764000000123456, value: 'retry|{"attempt":2}|0' }],
    tags: {
      count: '9223372036854775807',
      ratio: '0.5',
      ok: 'false',
      'host.name': 'node-1',
      'otel.scope.name': 'payments',
      'otel.scope.version': '2.0',
      'otel.status_code': 'ERROR',
      error: 'card declined',
      'otel.status_description': 'card declined',
    },
  });
  // And back: the resource, scope, status and event attributes return.
  const [back] = decodeZipkin('v2-json', Buffer.from(JSON.stringify([z])));
  assert.deepEqual(back!.resource.attributes, resource.attributes);
  assert.equal(back!.scope.name, 'payments');
  assert.deepEqual(back!.status, { code: StatusCode.ERROR, message: 'card declined' });
  assert.deepEqual(back!.events[0]!.attributes, [{ key: 'attempt', value: 2n }]);
});
