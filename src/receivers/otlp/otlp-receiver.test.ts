import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Host, TracesConsumer } from '../../component/component.ts';
import { QueueFullError } from '../../component/errors.ts';
import type { WaymarkConfig } from '../../config/config.ts';
import type { Span } from '../../model/span.ts';
import { silentTelemetry } from '../../observability/telemetry.ts';
import { encodeTracesData, otlpType, RPC_STATUS } from '../../protocols/otlp/index.ts';
import { sampleSpans } from '../../protocols/otlp/test-spans.ts';
import { otlpReceiverFactory } from './factory.ts';
import { OtlpGrpcReceiver, EXPORT_METHOD } from './grpc-receiver.ts';
import { OtlpHttpReceiver } from './http-receiver.ts';

const settings = { host: '127.0.0.1', maxRequestBytes: 1 << 20, maxAttributeValueLength: 0 };
const host = (): Host => ({ telemetry: silentTelemetry(), reportFatal: () => {} });

const full: TracesConsumer = {
  consumeTraces: () => Promise.reject(new QueueFullError('queue full: 10 spans waiting, capacity 10', 3)),
};

test('HTTP: a full queue is 503 with Retry-After and a Status body', async () => {
  const r = new OtlpHttpReceiver(settings, 0, full);
  const h = host();
  await r.start(h);
  try {
    const res = await fetch(`http://127.0.0.1:${r.boundPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeTracesData(sampleSpans()),
    });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '3');
    const status = otlpType(RPC_STATUS).toObject(otlpType(RPC_STATUS).decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
    assert.deepEqual(status, { code: 14, message: 'queue full: 10 spans waiting, capacity 10' });
    const metrics = await h.telemetry.metrics.registry.metrics();
    assert.match(metrics, /waymark_receiver_refused_spans_total\{receiver="otlp_http",reason="queue_full"\} 3/);
  } finally {
    await r.shutdown();
  }
});

test('gRPC: a full queue is UNAVAILABLE (retryable for OTLP clients)', async () => {
  const r = new OtlpGrpcReceiver(settings, 0, full);
  await r.start(host());
  const client = new grpc.Client(`127.0.0.1:${r.boundPort}`, grpc.credentials.createInsecure());
  try {
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest(EXPORT_METHOD, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, encodeTracesData(sampleSpans()), (e) => resolve(e)),
    );
    assert.equal(err?.code, grpc.status.UNAVAILABLE);
    assert.match(err?.details ?? '', /queue full/);
  } finally {
    client.close();
    await r.shutdown();
  }
});

function config(grpcPort: number, httpPort: number): WaymarkConfig {
  return { receivers: { otlp: { grpcPort, httpPort } } } as WaymarkConfig;
}

test('the factory: port 0 disables a listener, both 0 creates nothing, equal ports are invalid', () => {
  const sink: TracesConsumer = { consumeTraces: async (_: Span[]) => {} };
  assert.equal(otlpReceiverFactory.create(config(0, 0), settings, sink).length, 0);
  assert.equal(otlpReceiverFactory.create(config(0, 4318), settings, sink).length, 1);
  assert.deepEqual(otlpReceiverFactory.validate(config(4317, 4318)), []);
  assert.match(otlpReceiverFactory.validate(config(4317, 4317))[0]!, /cannot share port 4317/);
});

test('when the HTTP listener cannot start, the gRPC one is shut down and the error names the port', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  const grpcPort = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const sink: TracesConsumer = { consumeTraces: async () => {} };
  const [receiver] = otlpReceiverFactory.create(config(grpcPort, taken), settings, sink);
  try {
    await assert.rejects(receiver!.start(host()), new RegExp(`otlp http receiver: cannot listen on 127.0.0.1:${taken}`));
    // The gRPC port is free again: the first listener was closed.
    await new Promise<void>((resolve, reject) => {
      const s = net.createServer().once('error', reject).listen(grpcPort, '127.0.0.1', () => s.close(() => resolve()));
    });
  } finally {
    await receiver!.shutdown();
    blocker.close();
  }
});
