import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { EXPORT_REQUEST, otlpType } from '../../src/protocols/otlp/index.ts';
import { startWaymark, type RunningWaymark } from '../support/waymark.ts';
import { fetchV3Trace } from './support.ts';

// int64 extremes and nanosecond times, sent as raw OTLP (built with protobufjs
// from the .proto, or written as JSON text), since the JS SDK cannot hold an
// int64 past 2^53.
let w: RunningWaymark;
before(async () => {
  w = await startWaymark();
});
after(async () => {
  await w?.stop();
});

function request(traceHex: string, service: string) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: Buffer.from(traceHex, 'hex'),
                spanId: Buffer.from('00f067aa0ba902b7', 'hex'),
                name: 'exact',
                kind: 1,
                startTimeUnixNano: '1700000000123456789',
                endTimeUnixNano: '1700000000987654321',
                attributes: [
                  { key: 'max', value: { intValue: '9223372036854775807' } },
                  { key: 'min', value: { intValue: '-9223372036854775808' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

function protobufRequest(traceHex: string, service: string): Uint8Array {
  const type = otlpType(EXPORT_REQUEST);
  return type.encode(type.fromObject(request(traceHex, service))).finish();
}

async function checkExact(traceHex: string, service: string): Promise<void> {
  const result = await fetchV3Trace(w, traceHex);
  const span = result.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(span.startTimeUnixNano, '1700000000123456789');
  assert.equal(span.endTimeUnixNano, '1700000000987654321');
  assert.deepEqual(span.attributes, [
    { key: 'max', value: { intValue: '9223372036854775807' } },
    { key: 'min', value: { intValue: '-9223372036854775808' } },
  ]);
  const jaeger = (await (await fetch(`${w.queryUrl}/api/traces/${traceHex}`)).json()) as {
    data: { spans: { tags: { key: string; value: unknown }[] }[]; processes: Record<string, { serviceName: string }> }[];
  };
  const tag = jaeger.data[0]!.spans[0]!.tags.find((t) => t.key === 'max');
  assert.equal(String(tag?.value), '9223372036854775807');
  assert.equal(Object.values(jaeger.data[0]!.processes)[0]!.serviceName, service);
}

test('OTLP/HTTP protobuf keeps int64 9223372036854775807 and nanosecond times exact', async () => {
  const trace = '1a000000000000000000000000000001';
  const res = await fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: protobufRequest(trace, 'exact-proto'),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  await checkExact(trace, 'exact-proto');
});

test('OTLP/HTTP JSON keeps int64 exact, as a decimal string or as a bare number literal', async () => {
  const trace = '1b000000000000000000000000000001';
  const text = `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"exact-json"}}]},
    "scopeSpans":[{"spans":[{"traceId":"${trace}","spanId":"00f067aa0ba902b7","name":"exact","kind":1,
    "startTimeUnixNano":"1700000000123456789","endTimeUnixNano":1700000000987654321,
    "attributes":[{"key":"max","value":{"intValue":9223372036854775807}},{"key":"min","value":{"intValue":"-9223372036854775808"}}]}]}]}]}`;
  const res = await fetch(`http://127.0.0.1:${w.ports.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {});
  await checkExact(trace, 'exact-json');
});

test('OTLP/gRPC keeps int64 exact', async () => {
  const trace = '1c000000000000000000000000000001';
  const client = new grpc.Client(`127.0.0.1:${w.ports.otlpGrpc}`, grpc.credentials.createInsecure());
  try {
    const reply = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Uint8Array) => Buffer.from(b),
        (b: Buffer) => b,
        protobufRequest(trace, 'exact-grpc'),
        (err, value) => (err ? reject(err) : resolve(value!)),
      ),
    );
    assert.equal(reply.length, 0); // no partial_success: everything accepted
  } finally {
    client.close();
  }
  await checkExact(trace, 'exact-grpc');
});
